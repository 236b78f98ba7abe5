package models

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Service record statements (志愿服务记录证明, issue 5 item 3).
//
// A ServiceStatement lists a volunteer's verified service records and their
// totals; each record names who verified it and the organisation or
// committee that certifies it (谁记录谁证明, 《志愿服务记录与证明出具办法》).
// The statement is signed with Ed25519 over its RFC 8785 canonical JSON
// (see canonical.go); the SignedStatement carries those canonical bytes, the
// signing key's id, the algorithm and the signature (base64url, no padding).
// Anyone holding the public keys can check a statement with VerifyStatement
// or VerifyStatementJSON; changing any byte of it makes verification fail.
//
// Hours are decimal hours rounded to 0.01 h (RoundHours: half away from
// zero). Totals are summed in integer hundredths of an hour, so they equal
// the sum of the listed records exactly: a total is never rounded on its own.

// StatementVersion is the version of the statement format this code signs
// and verifies.
const StatementVersion = 1

// StatementAlgorithm is the only signature algorithm of statements.
const StatementAlgorithm = "Ed25519"

// StatementNoDomain is the ByDomain key for records without a domain.
const StatementNoDomain = "unspecified"

// StatementSubject is the volunteer the statement is about.
type StatementSubject struct {
	AccountID      string `json:"accountId"`
	Name           string `json:"name"`
	IDNumberMasked string `json:"idNumberMasked"` // e.g. "410105********1234"; never the full number
}

// ServiceTotals are a statement's verified hours: overall, by calendar year
// of the record's date ("2025") and by domain code.
type ServiceTotals struct {
	Hours    float64            `json:"hours"`
	ByYear   map[string]float64 `json:"byYear"`
	ByDomain map[string]float64 `json:"byDomain"`
}

// StatementRecord is one verified service record.
type StatementRecord struct {
	ID       string  `json:"id"`
	Date     string  `json:"date"` // YYYY-MM-DD, the service day (Asia/Shanghai)
	Hours    float64 `json:"hours"`
	Domain   string  `json:"domain"`
	Activity string  `json:"activity"`
	// VerifiedBy is the account id of the person who verified the record;
	// VerifierOrganisation the committee or organisation that certifies it
	// (谁记录谁证明).
	VerifiedBy           string    `json:"verifiedBy"`
	VerifierName         string    `json:"verifierName"`
	VerifierOrganisation string    `json:"verifierOrganisation"`
	VerifiedAt           time.Time `json:"verifiedAt"`
}

// ServiceStatement is the signed content of a service record certificate.
type ServiceStatement struct {
	Version  int               `json:"version"`
	Subject  StatementSubject  `json:"subject"`
	IssuedAt time.Time         `json:"issuedAt"`
	Totals   ServiceTotals     `json:"totals"`
	Records  []StatementRecord `json:"records"`
}

// MarshalJSON writes VerifiedAt as every instant of the API is written
// (FormatInstant), so that the signed text follows the time convention.
func (r StatementRecord) MarshalJSON() ([]byte, error) {
	type plain StatementRecord
	return json.Marshal(struct {
		plain
		VerifiedAt string `json:"verifiedAt"`
	}{plain(r), FormatInstant(r.VerifiedAt)})
}

// MarshalJSON writes IssuedAt by FormatInstant, as StatementRecord does.
func (st ServiceStatement) MarshalJSON() ([]byte, error) {
	type plain ServiceStatement
	return json.Marshal(struct {
		plain
		IssuedAt string `json:"issuedAt"`
	}{plain(st), FormatInstant(st.IssuedAt)})
}

// SignedStatement is a statement with its signature. Statement holds the
// statement's canonical JSON; Signature is the Ed25519 signature of exactly
// those bytes, base64url-encoded without padding.
type SignedStatement struct {
	Statement json.RawMessage `json:"statement"`
	KeyID     string          `json:"keyId"`
	Algorithm string          `json:"algorithm"`
	Signature string          `json:"signature"`
}

// sigEncoding rejects non-zero trailing bits, so that one signature has
// exactly one textual form (RawURLEncoding alone would accept several).
var sigEncoding = base64.RawURLEncoding.Strict()

// RoundHours rounds h to 0.01 h: h×100 rounded to the nearest integer, half
// away from zero, divided by 100: 7.125 → 7.13, 0.004 → 0. It rounds the
// double h×100, so 1.005 (stored as 1.00499999…) gives 1. Hours computed
// from check-in/out should be rounded once, here, before they are stored.
func RoundHours(h float64) float64 { return float64(hundredths(h)) / 100 }

func hundredths(h float64) int64 { return int64(math.Round(h * 100)) }

// StatementTotals computes the totals of records: each record's hours are
// rounded with RoundHours, then summed in integer hundredths overall, by year
// (the first four characters of Date) and by domain (StatementNoDomain when
// empty). The maps are never nil.
func StatementTotals(records []StatementRecord) ServiceTotals {
	var total int64
	byYear := map[string]int64{}
	byDomain := map[string]int64{}
	for _, r := range records {
		c := hundredths(r.Hours)
		total += c
		year := r.Date
		if len(year) >= 4 {
			year = year[:4]
		}
		byYear[year] += c
		d := r.Domain
		if d == "" {
			d = StatementNoDomain
		}
		byDomain[d] += c
	}
	t := ServiceTotals{Hours: float64(total) / 100,
		ByYear: make(map[string]float64, len(byYear)), ByDomain: make(map[string]float64, len(byDomain))}
	for k, c := range byYear {
		t.ByYear[k] = float64(c) / 100
	}
	for k, c := range byDomain {
		t.ByDomain[k] = float64(c) / 100
	}
	return t
}

// NewServiceStatement builds a version-1 statement: the records' hours are
// rounded with RoundHours, the instants in UTC to the millisecond (as the
// API writes them), the records sorted by date then id, and the totals
// computed from them.
func NewServiceStatement(subject StatementSubject, records []StatementRecord, issuedAt time.Time) ServiceStatement {
	rs := slices.Clone(records)
	if rs == nil {
		rs = []StatementRecord{}
	}
	for i := range rs {
		rs[i].Hours = RoundHours(rs[i].Hours)
		rs[i].VerifiedAt = rs[i].VerifiedAt.UTC().Truncate(time.Millisecond)
	}
	slices.SortStableFunc(rs, func(a, b StatementRecord) int {
		if c := strings.Compare(a.Date, b.Date); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return ServiceStatement{Version: StatementVersion, Subject: subject, IssuedAt: issuedAt.UTC().Truncate(time.Millisecond),
		Totals: StatementTotals(rs), Records: rs}
}

// Validate checks that st can be signed: the current version, a subject, a
// date, positive hours in 0.01 h steps and a verifier for every record
// (谁记录谁证明), and totals equal to StatementTotals(st.Records).
func (st ServiceStatement) Validate() error {
	var p Problems
	if st.Version != StatementVersion {
		p.Add("statement.version", "证明版本不受支持", "unsupported statement version")
	}
	if st.Subject.AccountID == "" || st.Subject.Name == "" {
		p.Add("statement.subject", "缺少志愿者信息", "the statement names no volunteer")
	}
	if st.IssuedAt.IsZero() {
		p.Add("statement.issuedAt", "缺少出具时间", "the issue time is missing")
	}
	for i, r := range st.Records {
		f := fmt.Sprintf("statement.records[%d]", i)
		if r.ID == "" {
			p.Add(f+".id", "缺少记录编号", "the record has no id")
		}
		if _, err := time.Parse(time.DateOnly, r.Date); err != nil {
			p.Add(f+".date", "服务日期格式应为 YYYY-MM-DD", "the service date must be YYYY-MM-DD")
		}
		if math.IsNaN(r.Hours) || math.IsInf(r.Hours, 0) || r.Hours <= 0 || RoundHours(r.Hours) != r.Hours {
			p.Add(f+".hours", "服务时长须为正数，精确到0.01小时", "hours must be positive, in steps of 0.01 h")
		}
		if r.VerifiedBy == "" || r.VerifierOrganisation == "" || r.VerifiedAt.IsZero() {
			p.Add(f+".verifiedBy", "记录须注明核实人和出具证明的组织（谁记录谁证明）",
				"the record must name its verifier and certifying organisation")
		}
	}
	if !totalsEqual(st.Totals, StatementTotals(st.Records)) {
		p.Add("statement.totals", "合计时长与记录不符", "the totals do not equal the records")
	}
	return p.Err()
}

func totalsEqual(a, b ServiceTotals) bool {
	eq := func(x, y map[string]float64) bool {
		if len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if w, ok := y[k]; !ok || w != v {
				return false
			}
		}
		return true
	}
	return a.Hours == b.Hours && eq(a.ByYear, b.ByYear) && eq(a.ByDomain, b.ByDomain)
}

// KeyIDFor is the key id of a public key: the first 16 hex digits of the
// SHA-256 of its 32 raw bytes.
func KeyIDFor(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:])[:16]
}

// SignStatement validates st and signs its canonical JSON with key. An
// empty keyID means KeyIDFor(key's public key).
func SignStatement(st ServiceStatement, key ed25519.PrivateKey, keyID string) (SignedStatement, error) {
	if len(key) != ed25519.PrivateKeySize {
		return SignedStatement{}, Internal("sign statement: private key has %d bytes", len(key))
	}
	if err := st.Validate(); err != nil {
		return SignedStatement{}, err
	}
	if keyID == "" {
		keyID = KeyIDFor(key.Public().(ed25519.PublicKey))
	}
	canon, err := Canonicalize(st)
	if err != nil {
		return SignedStatement{}, Internal("sign statement: %v", err)
	}
	return SignedStatement{
		Statement: canon,
		KeyID:     keyID,
		Algorithm: StatementAlgorithm,
		Signature: sigEncoding.EncodeToString(ed25519.Sign(key, canon)),
	}, nil
}

// Verification errors, each naming the failing field.
func errStatementBody() *Error {
	return Invalid("body", "证明格式无效", "the signed statement is not valid JSON of the expected shape")
}

func errStatementAlgorithm() *Error {
	return Invalid("algorithm", "不支持的签名算法，应为 Ed25519", "unsupported signature algorithm; want Ed25519")
}

func errStatementKeyID() *Error {
	return Invalid("keyId", "未知的签名密钥", "unknown signing key id")
}

func errStatementSignature() *Error {
	return Invalid("signature", "签名无效，证明内容可能已被篡改", "invalid signature; the statement may have been altered")
}

func errStatementContent() *Error {
	return Invalid("statement", "证明内容格式无效", "the statement is not valid canonical JSON")
}

// VerifyStatement checks s against the public keys by key id: the algorithm,
// the key id, the signature's encoding, and the Ed25519 signature over the
// re-canonicalised statement. It returns the decoded statement, or a
// KindInvalid error whose Field names what failed (body.algorithm,
// body.keyId, body.signature, body.statement).
func VerifyStatement(s SignedStatement, keys map[string]ed25519.PublicKey) (*ServiceStatement, error) {
	if s.Algorithm != StatementAlgorithm {
		return nil, errStatementAlgorithm()
	}
	pub, ok := keys[s.KeyID]
	if !ok || len(pub) != ed25519.PublicKeySize {
		return nil, errStatementKeyID()
	}
	sig, err := sigEncoding.DecodeString(s.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, errStatementSignature()
	}
	canon, err := CanonicalJSON(s.Statement)
	if err != nil {
		return nil, errStatementContent().Wrap(err)
	}
	if !ed25519.Verify(pub, canon, sig) {
		return nil, errStatementSignature()
	}
	var st ServiceStatement
	dec := json.NewDecoder(bytes.NewReader(canon))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return nil, errStatementContent().Wrap(err)
	}
	if st.Version != StatementVersion {
		return nil, Invalid("statement.version", "证明版本不受支持", "unsupported statement version")
	}
	return &st, nil
}

// ParseSignedStatement decodes a signed statement strictly: one JSON object
// with exactly the members statement (an object), keyId, algorithm and
// signature (strings), spelled exactly so, no duplicates, valid UTF-8.
// Statement is stored in canonical form. (encoding/json alone would match
// member names case-insensitively and ignore unknown members.)
func ParseSignedStatement(doc []byte) (SignedStatement, error) {
	canon, err := CanonicalJSON(doc) // strict: duplicates, UTF-8, surrogates, numbers
	if err != nil {
		return SignedStatement{}, errStatementBody().Wrap(err)
	}
	var obj map[string]json.RawMessage // exact member names (canonical text, no duplicates)
	if err := json.Unmarshal(canon, &obj); err != nil || len(obj) != 4 {
		return SignedStatement{}, errStatementBody()
	}
	var s SignedStatement
	str := func(name string, dst *string, bad func() *Error) error {
		raw := obj[name]
		if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, dst) != nil {
			return bad()
		}
		return nil
	}
	if err := str("algorithm", &s.Algorithm, errStatementAlgorithm); err != nil {
		return SignedStatement{}, err
	}
	if err := str("keyId", &s.KeyID, errStatementKeyID); err != nil {
		return SignedStatement{}, err
	}
	if err := str("signature", &s.Signature, errStatementSignature); err != nil {
		return SignedStatement{}, err
	}
	body := obj["statement"]
	if len(body) == 0 || body[0] != '{' {
		return SignedStatement{}, errStatementContent()
	}
	// A member of a canonical text is itself in canonical form.
	s.Statement = json.RawMessage(body)
	return s, nil
}

// UnmarshalJSON decodes strictly, as ParseSignedStatement does.
func (s *SignedStatement) UnmarshalJSON(doc []byte) error {
	if string(doc) == "null" {
		return nil
	}
	v, err := ParseSignedStatement(doc)
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// VerifyStatementJSON parses a signed statement document strictly and
// verifies it (for POST /v1/service-records/verify).
func VerifyStatementJSON(doc []byte, keys map[string]ed25519.PublicKey) (*ServiceStatement, error) {
	s, err := ParseSignedStatement(doc)
	if err != nil {
		return nil, err
	}
	return VerifyStatement(s, keys)
}
