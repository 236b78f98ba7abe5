package models

import (
	"math"
	"strings"
	"time"
)

// SkillLevel is a skill from the skills vocabulary at level 1 (basic) to 3 (expert).
type SkillLevel struct {
	Code  string `json:"code"`
	Level int    `json:"level" minimum:"1" maximum:"3"`
}

// Credential is a certificate a volunteer holds, such as first aid.
type Credential struct {
	Skill     string `json:"skill,omitempty" doc:"它证明的技能（skills 词表）The skill it proves"`
	Name      string `json:"name" maxLength:"100"`
	Number    string `json:"number,omitempty" maxLength:"64"`
	ExpiresOn string `json:"expiresOn,omitempty" doc:"YYYY-MM-DD"`
}

// Background-check results.
const (
	BackgroundPassed    = "passed"
	BackgroundNotPassed = "not_passed"
)

// BackgroundCheck is a criminal-record check (无犯罪记录证明) as the
// committee of the volunteer's home community or civil affairs governing it
// recorded it, with who and when. A volunteer cannot set it: a check that
// nobody recorded (such as one a profile asserted before checks were
// recorded) gates nothing.
type BackgroundCheck struct {
	Result     string     `json:"result" enum:"passed,not_passed" doc:"passed 通过 / not_passed 未通过"`
	CheckedOn  string     `json:"checkedOn" doc:"证明出具日期 YYYY-MM-DD Date of the certificate"`
	ExpiresOn  string     `json:"expiresOn,omitempty" doc:"有效期至 YYYY-MM-DD Valid until"`
	Reference  string     `json:"reference,omitempty" doc:"证明编号 Certificate number"`
	RecordedBy string     `json:"recordedBy" doc:"登记人账号 Account that recorded it"`
	RecordedAt *time.Time `json:"recordedAt,omitempty"`
}

// Recorded reports whether a committee or civil affairs recorded the check.
func (b *BackgroundCheck) Recorded() bool {
	return b != nil && b.RecordedBy != "" && b.RecordedAt != nil
}

// Passed reports whether the check was recorded as passed; only such a
// check can satisfy a need that requires one.
func (b *BackgroundCheck) Passed() bool { return b.Recorded() && b.Result == BackgroundPassed }

// ValidateBackgroundCheck checks a check about to be recorded on day today:
// a known result, a certificate date not in the future and, for a passed
// check, an expiry after it.
func ValidateBackgroundCheck(b *BackgroundCheck, today time.Time) error {
	var p Problems
	if b.Result != BackgroundPassed && b.Result != BackgroundNotPassed {
		p.Add("result", "结果须为 passed 或 not_passed", "result must be passed or not_passed")
	}
	from := dateErr(&p, "checkedOn", b.CheckedOn)
	if d, _ := ParseDate("", string(DateOf(today))); !from.IsZero() && from.After(d) {
		p.Add("checkedOn", "出具日期不能在未来", "the certificate date cannot be in the future")
	}
	switch {
	case b.ExpiresOn != "":
		if to := dateErr(&p, "expiresOn", b.ExpiresOn); !from.IsZero() && !to.IsZero() && !to.After(from) {
			p.Add("expiresOn", "有效期须晚于出具日期", "expiry must be after the certificate date")
		}
	case b.Result == BackgroundPassed:
		p.Add("expiresOn", "通过的审查须填写有效期", "a passed check needs an expiry date")
	}
	if n := len([]rune(b.Reference)); n > 64 {
		p.Add("reference", "证明编号不超过 64 个字符", "certificate number must be at most 64 characters")
	}
	return p.Err()
}

// GuardianConsent is a guardian's recorded consent for a volunteer under 18.
type GuardianConsent struct {
	GuardianName  string `json:"guardianName" maxLength:"50"`
	GuardianPhone string `json:"guardianPhone" pattern:"^1[3-9][0-9]{9}$"`
	Relationship  string `json:"relationship" maxLength:"20"`
	ConsentedOn   string `json:"consentedOn" doc:"YYYY-MM-DD"`
}

// Insurance is the accident insurance a volunteer carries.
type Insurance struct {
	Insurer   string `json:"insurer" maxLength:"100"`
	PolicyNo  string `json:"policyNo,omitempty" maxLength:"64"`
	ExpiresOn string `json:"expiresOn" doc:"YYYY-MM-DD"`
}

// Reliability are the figures the service keeps about a volunteer; read-only to everyone.
type Reliability struct {
	Invited        int     `json:"invited"`
	Accepted       int     `json:"accepted"`
	Declined       int     `json:"declined"`
	Attended       int     `json:"attended"`
	NoShows        int     `json:"noShows"`
	CommittedHours float64 `json:"committedHours"`
}

// Volunteer is a community volunteer's profile, owned by the volunteer.
type Volunteer struct {
	AccountID        string
	RealName         string
	IDNumber         string // stored; only ever shown masked
	RealNameVerified bool
	VerifiedBy       string
	VerifiedAt       *time.Time
	// IDNumberConflict: another account held the ID number when this
	// profile gave it. Civil affairs sees it; the owner is not told (that
	// would tell anyone whether a number is registered), and the profile
	// cannot be verified while it lasts.
	IDNumberConflict   bool
	Skills             []SkillLevel
	Credentials        []Credential
	BackgroundCheck    *BackgroundCheck
	Availability       WeekGrid
	Blackouts          []string // YYYY-MM-DD
	Home               *Point
	CommunityCode      string
	MaxDistanceKm      float64
	Domains            []string
	Languages          []string
	QualificationTrack bool
	BirthDate          string
	Guardian           *GuardianConsent
	Insurance          *Insurance
	Reliability        Reliability
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Validate checks the profile's own fields.
func (v *Volunteer) Validate() error {
	var p Problems
	if v.RealName != "" && (len([]rune(strings.TrimSpace(v.RealName))) < 2 || len([]rune(v.RealName)) > 50) {
		p.Add("realName", "姓名须为 2–50 个字符", "real name must be 2–50 characters")
	}
	if v.IDNumber != "" {
		collectErr(&p, ValidateIDNumber("idNumber", v.IDNumber))
	}
	seen := map[string]bool{}
	for i, s := range v.Skills {
		switch {
		case !Skills.Has(s.Code):
			p.Add(indexed("skills", i)+".code", "未知的技能（见 skills 词表）", "unknown skill (see skills)")
		case seen[s.Code]:
			p.Add(indexed("skills", i)+".code", "重复的技能", "duplicate skill")
		}
		seen[s.Code] = true
		if s.Level < 1 || s.Level > 3 {
			p.Add(indexed("skills", i)+".level", "技能等级须为 1–3", "skill level must be 1–3")
		}
	}
	for i, c := range v.Credentials {
		f := indexed("credentials", i)
		if c.Skill != "" && !Skills.Has(c.Skill) {
			p.Add(f+".skill", "未知的技能（见 skills 词表）", "unknown skill (see skills)")
		}
		if strings.TrimSpace(c.Name) == "" {
			p.Add(f+".name", "证书名称不能为空", "credential name is required")
		}
		if c.ExpiresOn != "" {
			dateErr(&p, f+".expiresOn", c.ExpiresOn)
		}
	}
	if len(v.Blackouts) > 366 {
		p.Add("blackoutDates", "不可服务日期最多 366 天", "at most 366 blackout dates")
	}
	for i, d := range v.Blackouts {
		dateErr(&p, indexed("blackoutDates", i), d)
	}
	if v.Home != nil {
		collectErr(&p, ValidatePoint("home", *v.Home))
	}
	if v.CommunityCode != "" {
		collectErr(&p, ValidateDivision("communityCode", v.CommunityCode, LevelVillage))
	}
	if math.IsNaN(v.MaxDistanceKm) || v.MaxDistanceKm < 0 || v.MaxDistanceKm > 100 {
		p.Add("maxDistanceKm", "最远服务距离须为 0–100 公里", "maximum distance must be 0–100 km")
	}
	validateCodes(&p, "domains", v.Domains, Domains, false)
	validateCodes(&p, "languages", v.Languages, Languages, false)
	var birth time.Time
	if v.BirthDate != "" {
		birth = dateErr(&p, "birthDate", v.BirthDate)
		if !birth.IsZero() && (birth.After(time.Now()) || birth.Year() < 1900) {
			p.Add("birthDate", "出生日期不合理", "birth date is not plausible")
		}
	}
	if g := v.Guardian; g != nil {
		if len([]rune(strings.TrimSpace(g.GuardianName))) < 2 {
			p.Add("guardian.guardianName", "须填写监护人姓名", "guardian's name is required")
		}
		collectErr(&p, ValidatePhone("guardian.guardianPhone", g.GuardianPhone))
		if strings.TrimSpace(g.Relationship) == "" {
			p.Add("guardian.relationship", "须填写与监护人关系", "relationship is required")
		}
		dateErr(&p, "guardian.consentedOn", g.ConsentedOn)
	}
	if in := v.Insurance; in != nil {
		if strings.TrimSpace(in.Insurer) == "" {
			p.Add("insurance.insurer", "须填写保险公司", "insurer is required")
		}
		dateErr(&p, "insurance.expiresOn", in.ExpiresOn)
	}
	return p.Err()
}

func dateErr(p *Problems, field, s string) time.Time {
	t, err := ParseDate(field, s)
	if err != nil {
		collectErr(p, err)
	}
	return t
}

// SkillLevel is the volunteer's level in skill code (0 when absent).
func (v *Volunteer) SkillLevel(code string) int {
	for _, s := range v.Skills {
		if s.Code == code {
			return s.Level
		}
	}
	return 0
}

// AgeOn is the volunteer's age in whole years on day (in Asia/Shanghai);
// -1 when the birth date is unknown.
func (v *Volunteer) AgeOn(day time.Time) int {
	b, err := ParseDate("", v.BirthDate)
	if err != nil {
		return -1
	}
	d := day.In(Shanghai())
	age := d.Year() - b.Year()
	if d.Month() < b.Month() || d.Month() == b.Month() && d.Day() < b.Day() {
		age--
	}
	return age
}

// MinorOn reports whether the volunteer is under 18 on day. An unknown
// birth date counts as adult only once real-name verification (which reads
// the ID card) has happened; before that the volunteer takes no place anyway.
func (v *Volunteer) MinorOn(day time.Time) bool {
	age := v.AgeOn(day)
	return age >= 0 && age < 18
}

// BackgroundValidOn reports whether a recorded, passed background check covers day.
func (v *Volunteer) BackgroundValidOn(day time.Time) bool {
	if !v.BackgroundCheck.Passed() {
		return false
	}
	from, err1 := ParseDate("", v.BackgroundCheck.CheckedOn)
	to, err2 := ParseDate("", v.BackgroundCheck.ExpiresOn)
	d, _ := ParseDate("", string(DateOf(day)))
	return err1 == nil && err2 == nil && !d.Before(from) && !d.After(to)
}

// BlackedOut reports whether day is one of the volunteer's blackout dates.
func (v *Volunteer) BlackedOut(day time.Time) bool {
	d := string(DateOf(day))
	for _, b := range v.Blackouts {
		if b == d {
			return true
		}
	}
	return false
}

// idWeights are GB 11643-1999's weights for the 18-digit resident ID number.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idChecks = "10X98765432"

// ValidateIDNumber checks an 18-character resident ID number: digits, a
// real birth date, and the GB 11643 check character.
func ValidateIDNumber(field, id string) error {
	bad := Invalid(field, "身份证号码格式或校验位不正确", "resident ID number is malformed or its check character is wrong")
	if len(id) != 18 {
		return bad
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := id[i]
		if c < '0' || c > '9' {
			return bad
		}
		sum += int(c-'0') * idWeights[i]
	}
	if strings.ToUpper(id[17:]) != string(idChecks[sum%11]) {
		return bad
	}
	if _, err := time.Parse("20060102", id[6:14]); err != nil {
		return bad
	}
	return nil
}

// BirthDateOfID is the birth date a valid resident ID number encodes
// (characters 7–14), as YYYY-MM-DD; ok is false for a malformed number.
func BirthDateOfID(id string) (date string, ok bool) {
	if ValidateIDNumber("", id) != nil {
		return "", false
	}
	return id[6:10] + "-" + id[10:12] + "-" + id[12:14], true
}

// IDCheckChar computes the check character of the first 17 digits (for tests and demo data).
func IDCheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17 && i < len(first17); i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idChecks[sum%11]
}

// MaskIDNumber shows the first 4 and last 4 characters: 4101**********123X.
func MaskIDNumber(id string) string {
	if id == "" {
		return ""
	}
	if len(id) <= 8 {
		return strings.Repeat("*", len(id))
	}
	return id[:4] + strings.Repeat("*", len(id)-8) + id[len(id)-4:]
}

// SocialWorkerCertificate is a social worker's qualification certificate and
// whether civil affairs has verified it.
type SocialWorkerCertificate struct {
	Level        CertificateLevel
	Number       string
	IssuedOn     string // YYYY-MM-DD
	Verification string // pending, verified, rejected
	VerifiedBy   string
	VerifiedAt   *time.Time
	Note         string
}

// SocialWorker is a social worker's professional profile.
type SocialWorker struct {
	AccountID       string
	Certificate     *SocialWorkerCertificate
	Post            *PostTitle
	EmployerOrgID   string
	StationTownCode string
	Domains         []string
	Supervisor      bool // in the city supervisor pool or a county team (set by civil affairs)
	// SupervisorTier, SupervisorCounty and SupervisorCohort say where a
	// supervisor serves and which "hundred supervisors" cohort trained
	// them; FrontLine is the verified front-line experience they were
	// admitted on (see supervisor.go).
	SupervisorTier   string
	SupervisorCounty string
	SupervisorCohort int
	FrontLine        WorkDuration
	CaseloadCap      int
	Availability     WeekGrid
	Base             *Point
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Verified reports whether the certificate has been verified.
func (w *SocialWorker) Verified() bool {
	return w.Certificate != nil && w.Certificate.Verification == "verified"
}

// VerifiedLevel is the verified certificate's level ("" when none).
func (w *SocialWorker) VerifiedLevel() CertificateLevel {
	if !w.Verified() {
		return ""
	}
	return w.Certificate.Level
}

// Validate checks the profile's own fields, including that the post title
// matches the certificate held.
func (w *SocialWorker) Validate() error {
	var p Problems
	if c := w.Certificate; c != nil {
		if !c.Level.Valid() {
			p.Add("certificate.level", "未知的证书等级", "unknown certificate level")
		}
		if n := len(strings.TrimSpace(c.Number)); n < 4 || n > 64 {
			p.Add("certificate.number", "证书编号须为 4–64 个字符", "certificate number must be 4–64 characters")
		}
		if d := dateErr(&p, "certificate.issuedOn", c.IssuedOn); !d.IsZero() && d.After(time.Now()) {
			p.Add("certificate.issuedOn", "发证日期不能在未来", "issue date cannot be in the future")
		}
	}
	if w.Post != nil {
		held := CertificateLevel("")
		if w.Certificate != nil {
			held = w.Certificate.Level
		}
		if err := ValidatePost("post", held, *w.Post); err != nil {
			collectErr(&p, err)
		}
	}
	if w.StationTownCode != "" {
		collectErr(&p, ValidateDivision("stationTownCode", w.StationTownCode, LevelTown))
	}
	validateCodes(&p, "domains", w.Domains, Domains, false)
	if w.CaseloadCap < 0 || w.CaseloadCap > 200 {
		p.Add("caseloadCap", "督导个案上限须为 0–200", "caseload cap must be 0–200")
	}
	if w.Base != nil {
		collectErr(&p, ValidatePoint("base", *w.Base))
	}
	return p.Err()
}
