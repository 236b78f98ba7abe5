package money_test

import (
	"errors"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/money"
)

// submitted puts a submitted application of an agency to fund in the store
// (the decision rules start from it): two milestones, 40% and 60%.
func submitted(t *testing.T, e *fundEnv, id, fundID string, requested int64) *models.Application {
	t.Helper()
	a := &models.Application{ID: id, OrganisationID: "agency-1", FundID: fundID, Title: "独居老人关爱行动",
		Status: models.AppSubmitted, RequestedFen: requested, SupervisorID: "sw-1", CreatedAt: fundNow, UpdatedAt: fundNow, SubmittedAt: &fundNow,
		Milestones: []models.Milestone{{Name: "需求评估与建档", Due: "2026-06-01", TranchePercent: 40}, {Name: "探访服务与总结", Due: "2026-12-01", TranchePercent: 60}}}
	if err := e.db.Applications().CreateApplication(e.ctx, a); err != nil {
		t.Fatal(err)
	}
	return a
}

// A decision is checked, made once at the domain's clock, replayed for its
// own key and refused for another; the grant is split into the tranches.
func TestDecideApplicationRules(t *testing.T) {
	e := newFundEnv(t)
	f := e.fund(t, 100_000)
	a := submitted(t, e, "app-1", f.Fund.ID, 10_000)
	agencyAdmin := &money.Actor{AccountID: "agency-admin", Roles: []models.RoleBinding{{Role: models.RoleOrgAdmin, OrganisationID: "agency-1"}}}

	for name, c := range map[string]struct {
		actor *money.Actor
		d     money.Decision
		want  error
	}{
		"a rejection without a reason":  {e.admin, money.Decision{Note: "x"}, models.ErrInvalid},
		"more than requested":           {e.admin, money.Decision{Approve: true, AmountFen: 10_001}, models.ErrInvalid},
		"the applicant decides its own": {agencyAdmin, money.Decision{Approve: true, AmountFen: 8000}, models.ErrForbidden},
	} {
		if _, _, err := e.svc.DecideApplication(e.ctx, c.actor, a.ID, c.d); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}

	approve := money.Decision{Approve: true, AmountFen: 8000, IdempotencyKey: "decide-1"}
	got, replayed, err := e.svc.DecideApplication(e.ctx, e.admin, a.ID, approve)
	if err != nil || replayed {
		t.Fatalf("approve: %v (replayed %v)", err, replayed)
	}
	if got.Status != models.AppApproved || got.GrantedFen != 8000 || got.DecidedAt == nil || !got.DecidedAt.Equal(fundNow) {
		t.Fatalf("approved %+v", got)
	}
	if _, replayed, err := e.svc.DecideApplication(e.ctx, e.admin, a.ID, approve); err != nil || !replayed {
		t.Fatalf("the same key again: %v (replayed %v)", err, replayed)
	}
	other := approve
	other.IdempotencyKey = "decide-2"
	if _, _, err := e.svc.DecideApplication(e.ctx, e.admin, a.ID, other); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("another key on a decided application: %v", err)
	}
	if b := e.balance(t, f.Fund.ID); b != (models.FundBalance{BalanceFen: 92_000, GrantedFen: 8000}) {
		t.Fatalf("balance after one grant %+v", b)
	}

	v, err := e.svc.GrantDetail(e.ctx, agencyAdmin, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Tranches) != 2 || v.Tranches[0].AmountFen != 3200 || v.Tranches[1].AmountFen != 4800 || v.Tranches[0].Status != "pending" {
		t.Fatalf("tranches %+v", v.Tranches)
	}
	if !v.Grant.CreatedAt.Equal(fundNow) {
		t.Fatalf("grant made at %v, want the domain's clock %v", v.Grant.CreatedAt, fundNow)
	}
	e.reconciles(t, f.Fund.ID)
}

// The price table in force is the newest one effective on the clock's day
// in Shanghai, and one older than three years is due for revision.
func TestPriceTableInForceFollowsTheClock(t *testing.T) {
	db := openMoney(t)
	ca := &money.Actor{AccountID: "ca-1", Roles: []models.RoleBinding{{Role: models.RoleCivilAffairs, DivisionCode: "410102"}}}
	other := &money.Actor{AccountID: "ca-2", Roles: []models.RoleBinding{{Role: models.RoleCivilAffairs, DivisionCode: "410103"}}}
	table := func(from string) models.PriceTable {
		return models.PriceTable{DivisionCode: "410102", EffectiveFrom: from, MonthlyFen: map[string]int64{
			"assistant_social_worker": 400_000, "social_worker": 500_000, "senior_social_worker": 600_000, "staff": 300_000}}
	}
	ctx := t.Context()
	svc := newMoney(db, fundNow)
	if _, err := svc.PutPriceTable(ctx, other, table("2022-01-01")); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("another division publishes: %v", err)
	}
	for _, from := range []string{"2022-01-01", "2026-03-01"} {
		if _, err := svc.PutPriceTable(ctx, ca, table(from)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.PutPriceTable(ctx, ca, table("2026-03-01")); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("a second table from the same date: %v", err)
	}

	for _, c := range []struct {
		now  time.Time
		want string
		due  bool
	}{
		{fundNow, "2022-01-01", true},
		{time.Date(2026, 2, 28, 15, 59, 0, 0, time.UTC), "2022-01-01", true}, // 23:59 in Shanghai
		{time.Date(2026, 2, 28, 16, 0, 0, 0, time.UTC), "2026-03-01", false}, // midnight in Shanghai
	} {
		v, err := newMoney(db, c.now).PriceTables(ctx, "410102")
		if err != nil {
			t.Fatal(err)
		}
		if v.InForce == nil || v.InForce.EffectiveFrom != c.want || v.DueRevision != c.due || len(v.Versions) != 2 {
			t.Errorf("at %v: in force %+v, due %v; want %s, due %v", c.now, v.InForce, v.DueRevision, c.want, c.due)
		}
	}
}
