package models

import (
	"errors"
	"testing"
	"time"
)

func TestFundValidate(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	good := func() Fund {
		return Fund{OwnerOrgID: "org-1", Name: "社区助老项目资金", TotalFen: 100_000, GrantMinFen: 1000, GrantMaxFen: 50_000,
			Domains: []string{"social_assistance"}, TargetGroups: []string{"older_people"}, Regions: []string{"410102"},
			EligibleKinds: []string{"social_work_agency"}, OpensAt: at, ClosesAt: at.AddDate(0, 3, 0)}
	}
	cases := []struct {
		name  string
		edit  func(*Fund)
		field string // "" = valid
	}{
		{"valid charity fund", func(*Fund) {}, ""},
		{"valid government budget", func(f *Fund) { f.OwnerOrgID, f.DivisionCode, f.Regions = "", "410102", []string{"410102001"} }, ""},
		{"no owner", func(f *Fund) { f.OwnerOrgID = "" }, "ownerOrgId"},
		{"two owners", func(f *Fund) { f.DivisionCode = "410102" }, "divisionCode"},
		{"budget of a town", func(f *Fund) { f.OwnerOrgID, f.DivisionCode = "", "410102001" }, "divisionCode"},
		{"budget region outside its division", func(f *Fund) { f.OwnerOrgID, f.DivisionCode, f.Regions = "", "410102", []string{"410103"} }, "regions[0]"},
		{"short name", func(f *Fund) { f.Name = "资" }, "name"},
		{"zero total", func(f *Fund) { f.TotalFen = 0 }, "totalFen"},
		{"negative total", func(f *Fund) { f.TotalFen = -1 }, "totalFen"},
		{"huge total", func(f *Fund) { f.TotalFen = MaxFundFen + 1; f.GrantMaxFen = 1000 }, "totalFen"},
		{"zero minimum", func(f *Fund) { f.GrantMinFen = 0 }, "grantMinFen"},
		{"max below min", func(f *Fund) { f.GrantMaxFen = 999 }, "grantMaxFen"},
		{"max above total", func(f *Fund) { f.GrantMaxFen = 100_001 }, "grantMaxFen"},
		{"no opening", func(f *Fund) { f.OpensAt = time.Time{} }, "opensAt"},
		{"closes before it opens", func(f *Fund) { f.ClosesAt = at.Add(-time.Hour) }, "closesAt"},
		{"closes when it opens", func(f *Fund) { f.ClosesAt = at }, "closesAt"},
		{"no domain", func(f *Fund) { f.Domains = nil }, "domains"},
		{"unknown domain", func(f *Fund) { f.Domains = []string{"astrology"} }, "domains[0]"},
		{"duplicate domain", func(f *Fund) { f.Domains = []string{"social_assistance", "social_assistance"} }, "domains[1]"},
		{"unknown group", func(f *Fund) { f.TargetGroups = []string{"cats"} }, "targetGroups[0]"},
		{"unknown kind", func(f *Fund) { f.EligibleKinds = []string{"bank"} }, "eligibleKinds[0]"},
		{"no region", func(f *Fund) { f.Regions = nil }, "regions"},
		{"unknown region", func(f *Fund) { f.Regions = []string{"999999"} }, "regions[0]"},
	}
	for _, c := range cases {
		f := good()
		c.edit(&f)
		err := f.Validate()
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindInvalid {
			t.Errorf("%s: want invalid, got %v", c.name, err)
			continue
		}
		found := false
		for _, fe := range e.Fields {
			found = found || fe.Field == c.field
		}
		if !found {
			t.Errorf("%s: fields %+v, want %s", c.name, e.Fields, c.field)
		}
	}
}

func TestFundBalanceApply(t *testing.T) {
	b := FundBalance{BalanceFen: 100, ReservedFen: 50, GrantedFen: 30, PaidFen: 10}
	cases := []struct {
		kind    LedgerKind
		reserve bool
		amount  int64
		want    FundBalance
		err     error
	}{
		{LedgerDeposit, false, 5, FundBalance{105, 50, 30, 10}, nil},
		{LedgerReserve, false, 100, FundBalance{0, 150, 30, 10}, nil},
		{LedgerReserve, false, 101, b, ErrInsufficientFunds},
		{LedgerRelease, false, 50, FundBalance{150, 0, 30, 10}, nil},
		{LedgerRelease, false, 51, b, ErrInsufficientFunds},
		{LedgerGrant, false, 100, FundBalance{0, 50, 130, 10}, nil},
		{LedgerGrant, false, 101, b, ErrInsufficientFunds},
		{LedgerGrant, true, 50, FundBalance{100, 0, 80, 10}, nil},
		{LedgerGrant, true, 51, b, ErrInsufficientFunds},
		{LedgerReturn, false, 20, FundBalance{120, 50, 10, 10}, nil},
		{LedgerReturn, false, 21, b, ErrInsufficientFunds}, // would un-grant paid money
		{LedgerTranche, false, 20, FundBalance{100, 50, 30, 30}, nil},
		{LedgerTranche, false, 21, b, ErrInsufficientFunds},
		{LedgerGrant, false, 0, b, ErrInvalid},
		{LedgerGrant, false, -1, b, ErrInvalid},
		{LedgerReserve, true, 1, b, ErrInvalid},
		{"steal", false, 1, b, ErrInvalid},
	}
	for _, c := range cases {
		got, err := b.Apply(c.kind, c.reserve, c.amount)
		if c.err != nil && !errors.Is(err, c.err) || c.err == nil && err != nil || got != c.want {
			t.Errorf("%s(reserve=%v) %d: %+v %v; want %+v %v", c.kind, c.reserve, c.amount, got, err, c.want, c.err)
		}
	}
	if b.RemainingFen() != 100 || b.TotalFen() != 180 {
		t.Errorf("remaining %d total %d", b.RemainingFen(), b.TotalFen())
	}
	for _, k := range []string{"", "a b", string(make([]byte, 129)), "ключ"} {
		if ValidateIdempotencyKey(k) == nil {
			t.Errorf("key %q accepted", k)
		}
	}
	if ValidateIdempotencyKey("0b6f7c1e-approval#1") != nil {
		t.Error("a printable key refused")
	}
}
