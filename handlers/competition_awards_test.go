package handlers_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/money"
)

// Competitions: awards from the reserve (with a store that fails) and the
// schedule moving the phases.

// flakyApplications fails the first n saves of an approved entry, as a
// crash between the grant and the entry's status would.
type flakyApplications struct {
	money.ApplicationStore
	fail atomic.Int32
}

func (f *flakyApplications) SaveApplication(ctx context.Context, a *models.Application) error {
	if a.Status == models.AppApproved && f.fail.Add(-1) >= 0 {
		return errors.New("injected failure after the grant")
	}
	return f.ApplicationStore.SaveApplication(ctx, a)
}

// TestCompetitionAwardsFromReserve: the pool is reserved when the
// competition opens; awards follow the tiers from the top of the ranking
// (never above an entry's request), are granted from the reserve once even
// when awarding is interrupted and repeated; the rest are not awarded; the
// unused reserve returns on close; nothing goes negative and the ledger
// reconciles; the public results carry nothing personal.
func TestCompetitionAwardsFromReserve(t *testing.T) {
	flaky := &flakyApplications{}
	w := newCompWorld(t, func(s *harnessSetup) {
		flaky.ApplicationStore = s.stores.Applications
		s.stores.Applications = flaky
	})
	comp := w.open(t, competitionBody(w.fundID, compOpts{k: 1}))
	f := w.h.do("GET", "/v1/funds/"+w.fundID, "")
	if f.num("reservedFen") != 200_000 || f.num("remainingFen") != 800_000 {
		t.Fatalf("fund after publishing: %s", f.Raw)
	}
	e1 := w.enter(t, w.adminA, w.orgA, comp, 100_000, "助老食堂")
	e2 := w.enter(t, w.adminB, w.orgB, comp, 100_000, "长者学堂")
	e3 := w.enter(t, w.adminA, w.orgA, comp, 40_000, "邻里守望")
	e4 := w.enter(t, w.adminB, w.orgB, comp, 100_000, "银龄互助")
	// Entries asking more than the largest award, or outside the themes, are refused.
	over := w.h.do("POST", "/v1/applications", applicationBody(w.orgA, "", w.supervisorID, 150_000, `,"competitionId":"`+comp+`"`), bearerHeader(w.adminA)...)
	if r := w.h.do("POST", "/v1/applications/"+over.str("id")+"/submission", "", bearerHeader(w.adminA)...); r.Status != 422 ||
		!strings.Contains(r.Raw, "body.requestedFen") {
		t.Fatalf("entry over the largest award: %d %s", r.Status, r.Raw)
	}
	_, rev := w.reviewer(t, comp, "13300000041")
	w.move(t, comp, "review")
	for e, q := range map[string]int{e1: 90, e2: 80, e3: 70, e4: 60} {
		if r := w.score(rev, comp, e, q); r.Status != 201 {
			t.Fatalf("score: %d %s", r.Status, r.Raw)
		}
	}
	w.move(t, comp, "finalists")

	// Awarding is interrupted after the first grant, before the entry is saved.
	flaky.fail.Store(1)
	if r := w.h.do("POST", "/v1/competitions/"+comp+"/phase", `{"to":"awarded"}`, bearerHeader(w.charityAdminA)...); r.Status != 500 {
		t.Fatalf("interrupted awarding: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/competitions/"+comp, ""); r.str("phase") != "finalists" {
		t.Fatalf("phase after the interruption: %s", r.Raw)
	}
	// Repeated (twice at once): one set of awards.
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := w.h.do("POST", "/v1/competitions/"+comp+"/phase", `{"to":"awarded"}`, bearerHeader(w.charityAdminA)...)
			if r.Status != 200 || r.str("phase") != "awarded" {
				t.Errorf("awarding: %d %s", r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	wantStatus := map[string]string{e1: "approved", e2: "approved", e3: "approved", e4: "not_awarded"}
	wantFen := map[string]int64{e1: 100_000, e2: 50_000, e3: 40_000, e4: 0}
	for e, st := range wantStatus {
		r := w.h.do("GET", "/v1/applications/"+e, "", bearerHeader(w.charityAdminA)...)
		if r.str("status") != st || r.num("grantedFen") != wantFen[e] {
			t.Fatalf("entry %s: %s %d, want %s %d", e, r.str("status"), r.num("grantedFen"), st, wantFen[e])
		}
	}
	f = w.h.do("GET", "/v1/funds/"+w.fundID, "")
	if f.num("grantedFen") != 190_000 || f.num("reservedFen") != 10_000 || f.num("remainingFen") != 800_000 {
		t.Fatalf("fund after awards: %s", f.Raw)
	}
	// Closing (here by the schedule) releases the unused reserve, once.
	ctx := context.Background()
	if n, err := w.h.svc.Competitions().AdvanceCompetitions(ctx, time.Now().AddDate(0, 0, 60)); err != nil || n != 1 {
		t.Fatalf("advance to closed: %d %v", n, err)
	}
	if n, err := w.h.svc.Competitions().AdvanceCompetitions(ctx, time.Now().AddDate(1, 0, 0)); err != nil || n != 0 {
		t.Fatalf("advance a closed competition: %d %v", n, err)
	}
	f = w.h.do("GET", "/v1/funds/"+w.fundID, "")
	if f.num("grantedFen") != 190_000 || f.num("reservedFen") != 0 || f.num("remainingFen") != 810_000 {
		t.Fatalf("fund after close: %s", f.Raw)
	}
	c := w.h.do("GET", "/v1/competitions/"+comp, "")
	if c.str("phase") != "closed" || c.num("releasedFen") != 10_000 {
		t.Fatalf("closed competition: %s", c.Raw)
	}
	rec := w.h.do("GET", "/v1/funds/"+w.fundID+"/reconciliation", "", bearerHeader(w.charityAdminA)...)
	if rec.Status != 200 || rec.Body["ok"] != true || rec.num("grantsFen") != 190_000 {
		t.Fatalf("reconciliation: %d %s", rec.Status, rec.Raw)
	}
	entries, err := w.h.db.Funds().Entries(ctx, w.fundID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[models.LedgerKind]int{}
	for _, e := range entries {
		if e.BalanceFen < 0 || e.ReservedFen < 0 {
			t.Fatalf("seq %d went negative: %+v", e.Seq, e.FundBalance)
		}
		kinds[e.Kind]++
	}
	if kinds[models.LedgerReserve] != 1 || kinds[models.LedgerGrant] != 3 || kinds[models.LedgerRelease] != 1 {
		t.Fatalf("ledger kinds %v: want one reserve, three grants, one release", kinds)
	}
	// Public results, no login: organisations, titles, scores, awards; no reviewer, no phone.
	res := w.h.do("GET", "/v1/competitions/"+comp+"/results", "")
	if res.Status != 200 || res.num("awardedFen") != 190_000 {
		t.Fatalf("results: %d %s", res.Status, res.Raw)
	}
	rows := list(res, "entries")
	if len(rows) != 4 || rows[0]["entryId"] != e1 || rows[0]["tier"] != "first_prize" || rows[2]["awardFen"] != float64(40_000) ||
		rows[3]["awardFen"] != float64(0) || rows[0]["organisationName"] == "" {
		t.Fatalf("result rows: %s", res.Raw)
	}
	for _, secret := range []string{"reviewerId", "13300000041", "phone", "评审专家"} {
		if strings.Contains(res.Raw, secret) {
			t.Fatalf("public results mention %q: %s", secret, res.Raw)
		}
	}
}

// TestCompetitionAdvancesOnSchedule: the worker's AdvanceCompetitions
// moves phases whose dates have come, only when they can start, and is
// idempotent.
func TestCompetitionAdvancesOnSchedule(t *testing.T) {
	w := newCompWorld(t)
	comp := w.open(t, competitionBody(w.fundID, compOpts{k: 1}))
	e := w.enter(t, w.adminB, w.orgB, comp, 100_000, "")
	_, rev := w.reviewer(t, comp, "13300000051")
	ctx := context.Background()
	if n, err := w.h.svc.Competitions().AdvanceCompetitions(ctx, time.Now()); err != nil || n != 0 {
		t.Fatalf("nothing due: %d %v", n, err)
	}
	if n, err := w.h.svc.Competitions().AdvanceCompetitions(ctx, time.Now().AddDate(0, 0, 11)); err != nil || n != 1 {
		t.Fatalf("review due: %d %v", n, err)
	}
	if got := w.assigned(t, rev, comp); len(got) != 1 || got[0] != e {
		t.Fatalf("assigned at review start: %v", got)
	}
	// Everything is due, but the review cannot end before the entry is scored.
	if n, err := w.h.svc.Competitions().AdvanceCompetitions(ctx, time.Now().AddDate(0, 0, 100)); err != nil || n != 0 {
		t.Fatalf("unscored review: %d %v", n, err)
	}
	if r := w.h.do("POST", "/v1/competitions/"+comp+"/phase", `{"to":"finalists"}`, bearerHeader(w.charityAdminA)...); r.Status != 409 {
		t.Fatalf("explicit move with an unscored entry: %d %s", r.Status, r.Raw)
	}
	if r := w.score(rev, comp, e, 75); r.Status != 201 {
		t.Fatalf("score: %d %s", r.Status, r.Raw)
	}
	if n, err := w.h.svc.Competitions().AdvanceCompetitions(ctx, time.Now().AddDate(0, 0, 100)); err != nil || n != 3 {
		t.Fatalf("finalists, awarded, closed: %d %v", n, err)
	}
	c := w.h.do("GET", "/v1/competitions/"+comp, "")
	if c.str("phase") != "closed" || c.num("releasedFen") != 100_000 {
		t.Fatalf("after the schedule: %s", c.Raw)
	}
	if r := w.h.do("GET", "/v1/applications/"+e, "", bearerHeader(w.adminB)...); r.str("status") != "approved" || r.num("grantedFen") != 100_000 {
		t.Fatalf("the one entry takes the first prize: %s", r.Raw)
	}
	if h := w.h.do("GET", "/v1/competitions/"+comp+"/history", ""); len(h.items()) != 5 {
		t.Fatalf("history: %s", h.Raw)
	}
}
