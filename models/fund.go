package models

import (
	"strings"
	"time"
)

// MaxFundFen caps a fund and any single movement (10 billion yuan), so no
// sum of a ledger can overflow an int64.
const MaxFundFen int64 = 1_000_000_000_000

// Fund is a pot of money that grants are paid from: a charity's project
// fund (OwnerOrgID set) or a government purchase budget of a division
// (政府购买服务, DivisionCode set). Exactly one owner is set. Its balances are
// never stored on the fund: they are the head entry of its ledger.
type Fund struct {
	ID            string
	OwnerOrgID    string // charity organisation that posts the fund
	DivisionCode  string // civil affairs division of a government purchase budget
	Name          string
	TotalFen      int64
	Domains       []string // domains vocabulary
	TargetGroups  []string // target_groups vocabulary; empty = any group
	Regions       []string // division codes the fund serves
	GrantMinFen   int64
	GrantMaxFen   int64
	OpensAt       time.Time // application window
	ClosesAt      time.Time
	EligibleKinds []string // organisation_kinds that may apply; empty = any kind
	CreatedBy     string
	CreatedAt     time.Time
}

// Government reports whether the fund is a government purchase budget.
func (f *Fund) Government() bool { return f.DivisionCode != "" }

// Open reports whether applications are accepted at t.
func (f *Fund) Open(t time.Time) bool { return !t.Before(f.OpensAt) && t.Before(f.ClosesAt) }

// Validate checks every field that does not need the store.
func (f *Fund) Validate() error {
	var p Problems
	switch {
	case f.OwnerOrgID == "" && f.DivisionCode == "":
		p.Add("ownerOrgId", "须指定资金所属机构或政府购买服务的行政区划", "a fund belongs to an organisation or to a division's purchase budget")
	case f.OwnerOrgID != "" && f.DivisionCode != "":
		p.Add("divisionCode", "资金只能属于一个机构或一个行政区划", "a fund belongs to an organisation or a division, not both")
	case f.DivisionCode != "":
		if d, ok := LookupDivision(f.DivisionCode); !ok {
			p.Add("divisionCode", "未知的行政区划代码", "unknown division code")
		} else if d.Level != LevelCity && d.Level != LevelCounty {
			p.Add("divisionCode", "政府购买服务预算须属于市或县（区）", "a purchase budget belongs to the city or a county")
		}
	}
	if n := len([]rune(strings.TrimSpace(f.Name))); n < 2 || n > 100 {
		p.Add("name", "资金名称须为 2–100 个字符", "name must be 2–100 characters")
	}
	if f.TotalFen <= 0 || f.TotalFen > MaxFundFen {
		p.Add("totalFen", "资金总额须为正数（单位：分），且不超过 100 亿元", "total must be positive (in fen) and at most 10 billion yuan")
	}
	if f.GrantMinFen <= 0 {
		p.Add("grantMinFen", "单笔资助下限须为正数（单位：分）", "grant minimum must be positive (in fen)")
	}
	if f.GrantMaxFen < f.GrantMinFen {
		p.Add("grantMaxFen", "单笔资助上限不能低于下限", "grant maximum must not be below the minimum")
	} else if f.GrantMaxFen > f.TotalFen {
		p.Add("grantMaxFen", "单笔资助上限不能超过资金总额", "grant maximum must not exceed the total")
	}
	if f.OpensAt.IsZero() {
		p.Add("opensAt", "须填写申报开始时间", "the application window needs an opening time")
	}
	if !f.ClosesAt.After(f.OpensAt) {
		p.Add("closesAt", "申报截止时间须晚于开始时间", "the application window must close after it opens")
	}
	validateCodes(&p, "domains", f.Domains, Domains, true)
	validateCodes(&p, "targetGroups", f.TargetGroups, TargetGroups, false)
	validateCodes(&p, "eligibleKinds", f.EligibleKinds, OrganisationKinds, false)
	if len(f.Regions) == 0 {
		p.Add("regions", "至少选择一个资助地区", "choose at least one region")
	}
	seen := map[string]bool{}
	for i, c := range f.Regions {
		switch _, ok := LookupDivision(c); {
		case !ok:
			p.Add(indexed("regions", i), "未知的行政区划代码", "unknown division code")
		case seen[c]:
			p.Add(indexed("regions", i), "重复的行政区划代码", "duplicate division code")
		case f.DivisionCode != "" && !WithinDivision(c, f.DivisionCode):
			p.Add(indexed("regions", i), "政府购买服务只能资助本辖区", "a purchase budget serves only its own division")
		}
		seen[c] = true
	}
	return p.Err()
}

// LedgerKind is the kind of a money movement.
type LedgerKind string

const (
	LedgerDeposit LedgerKind = "deposit" // money into available (seq 1 deposits the total)
	LedgerReserve LedgerKind = "reserve" // available → reserved (a competition's prize pool)
	LedgerRelease LedgerKind = "release" // reserved → available (unused reserve)
	LedgerGrant   LedgerKind = "grant"   // available → granted; with FromReserve, reserved → granted (an award)
	LedgerReturn  LedgerKind = "return"  // granted (unpaid) → available (a grant cancelled or returned)
	LedgerTranche LedgerKind = "tranche" // a payment of granted money: paid += amount, at most granted
)

// Valid reports whether k is a known kind.
func (k LedgerKind) Valid() bool {
	switch k {
	case LedgerDeposit, LedgerReserve, LedgerRelease, LedgerGrant, LedgerReturn, LedgerTranche:
		return true
	}
	return false
}

// LedgerEntry is one money movement of a fund. Entries are only ever
// inserted, at seq = head+1 (a unique key), and carry the fund's balances
// after them; the head entry's balances are the fund's balances.
type LedgerEntry struct {
	FundID         string
	Seq            int
	Kind           LedgerKind
	FromReserve    bool  // a grant paid out of the reserve (competition awards)
	AmountFen      int64 // always positive
	Ref            string
	IdempotencyKey string
	FundBalance
	At time.Time
	By string
}

// FundBalance is a fund's money after an entry. Total money in the fund is
// Balance + Reserved + Granted; Paid is the part of Granted paid out.
type FundBalance struct {
	BalanceFen  int64 // available: what new grants and reserves may take
	ReservedFen int64 // held for competitions
	GrantedFen  int64 // granted to projects
	PaidFen     int64 // of granted, paid out in tranches
}

// RemainingFen is what the fund can still commit: total − reserved − granted.
func (b FundBalance) RemainingFen() int64 { return b.BalanceFen }

// TotalFen is all money the fund holds or has granted.
func (b FundBalance) TotalFen() int64 { return b.BalanceFen + b.ReservedFen + b.GrantedFen }

// ErrInsufficientFunds refuses a movement that would take a balance below zero.
var ErrInsufficientFunds = E(KindConflict, "余额不足", "insufficient funds")

// Apply computes the balances after a movement of amount from b. It refuses
// (ErrInsufficientFunds) a movement that would take any balance below zero,
// and rejects a non-positive or oversized amount.
func (b FundBalance) Apply(kind LedgerKind, fromReserve bool, amount int64) (FundBalance, error) {
	if amount <= 0 || amount > MaxFundFen {
		return b, Invalid("amountFen", "金额须为正数（单位：分），且不超过 100 亿元", "amount must be positive (in fen) and at most 10 billion yuan")
	}
	if fromReserve && kind != LedgerGrant {
		return b, Invalid("kind", "只有资助可以从预留资金中支出", "only a grant may be paid from the reserve")
	}
	n := b
	switch kind {
	case LedgerDeposit:
		if b.TotalFen()+amount > MaxFundFen {
			return b, Invalid("amountFen", "资金总额不能超过 100 亿元", "a fund holds at most 10 billion yuan")
		}
		n.BalanceFen += amount
	case LedgerReserve:
		n.BalanceFen -= amount
		n.ReservedFen += amount
	case LedgerRelease:
		n.ReservedFen -= amount
		n.BalanceFen += amount
	case LedgerGrant:
		if fromReserve {
			n.ReservedFen -= amount
		} else {
			n.BalanceFen -= amount
		}
		n.GrantedFen += amount
	case LedgerReturn:
		n.GrantedFen -= amount
		n.BalanceFen += amount
	case LedgerTranche:
		n.PaidFen += amount
	default:
		return b, Invalid("kind", "未知的资金变动类型", "unknown ledger entry kind")
	}
	if n.BalanceFen < 0 || n.ReservedFen < 0 || n.GrantedFen < 0 || n.PaidFen < 0 || n.PaidFen > n.GrantedFen {
		return b, ErrInsufficientFunds
	}
	return n, nil
}

// ValidateIdempotencyKey checks a client's Idempotency-Key: 1–128
// printable ASCII characters.
func ValidateIdempotencyKey(key string) error {
	if len(key) == 0 || len(key) > 128 {
		return Invalid("header.Idempotency-Key", "幂等键须为 1–128 个字符", "Idempotency-Key must be 1–128 characters")
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return Invalid("header.Idempotency-Key", "幂等键只能包含可见 ASCII 字符", "Idempotency-Key must be printable ASCII")
		}
	}
	return nil
}

// FundKeyClaim records that an Idempotency-Key was used on a fund for one
// movement. It is inserted (a unique key: fund and key) before the movement
// is appended, and completed with the entry's seq afterwards; a pending
// claim (Seq 0) means the movement may or may not have been appended: the
// ledger, searched from StartSeq, tells.
type FundKeyClaim struct {
	FundID      string
	Key         string
	Kind        LedgerKind
	FromReserve bool
	AmountFen   int64
	Ref         string
	StartSeq    int // an existing seq before any entry carrying the key
	Seq         int // the entry's seq once known; 0 while pending
	At          time.Time
	By          string
}

// Same reports whether the claim was made for the same request.
func (c *FundKeyClaim) Same(kind LedgerKind, fromReserve bool, amount int64, ref string) bool {
	return c.Kind == kind && c.FromReserve == fromReserve && c.AmountFen == amount && c.Ref == ref
}

// FundReconciliation is the result of replaying a fund's ledger.
type FundReconciliation struct {
	FundID      string
	Entries     int
	HeadSeq     int
	Head        FundBalance
	DepositsFen int64    // sum of deposits: what Head.TotalFen() must equal
	GrantsFen   int64    // sum of grants (both kinds) minus returns
	OK          bool     // no problem found
	Problems    []string // each inconsistency, in English, with its seq
	CheckedAt   time.Time
}
