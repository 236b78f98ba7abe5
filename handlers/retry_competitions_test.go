package handlers_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/money"
	"github.com/wushe/wushe/service/storefault"
)

// retryCompWorld is a competition world with a large fund and one
// competition built through the API up to its review (three entries, one
// reviewer, every entry scored). Each failure point of a sweep acts on a
// fresh copy of that competition made directly in the store: building one
// through the API takes dozens of requests.
type retryCompWorld struct {
	*compWorld
	bigFund string   // a fund large enough for hundreds of prize pools
	tmpl    string   // the competition in review
	entries []string // its entries: 90, 80 and 60 points
	admin   *service.Actor
}

// retryTiers: a pool of 150,000 fen. The entries (asking 100,000, 40,000
// and 100,000) take 100,000 and 40,000; 10,000 is left to release.
const retryTiers = `[{"code":"first_prize","name":"一等奖","count":1,"amountFen":100000},{"code":"second_prize","name":"二等奖","count":1,"amountFen":50000}]`

func newRetryCompWorld(t *testing.T, f **storefault.Faults) *retryCompWorld {
	t.Helper()
	w := &retryCompWorld{compWorld: newCompWorld(t, withFaults(f))}
	w.bigFund = w.fund(t, w.charityAdminA, fundBody(w.charityA, 100_000_000_000, 1000, 500_000, ""))
	w.tmpl = w.open(t, competitionBody(w.bigFund, compOpts{k: 1, tiers: retryTiers}))
	w.entries = []string{
		w.enter(t, w.adminA, w.orgA, w.tmpl, 100_000, "助老食堂"),
		w.enter(t, w.adminB, w.orgB, w.tmpl, 40_000, "长者学堂"),
		w.enter(t, w.adminA, w.orgA, w.tmpl, 100_000, "邻里守望"),
	}
	_, rev := w.reviewer(t, w.tmpl, "13300000061")
	w.move(t, w.tmpl, "review")
	for i, e := range w.entries {
		if r := w.score(rev, w.tmpl, e, []int{90, 80, 60}[i]); r.Status != 201 {
			t.Fatalf("score: %d %s", r.Status, r.Raw)
		}
	}
	var err error
	if w.admin, err = w.h.svc.Accounts().Authenticate(context.Background(), w.charityAdminA); err != nil {
		t.Fatal(err)
	}
	return w
}

// compCopy is a copy of the template competition.
type compCopy struct {
	id         string
	entries    []string // in the template's order
	reserveSeq int      // the ledger entry that reserved its pool
	results    *models.CompetitionResults
}

func testID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// copyInReview copies the template (in review) with new ids: the
// competition, its entries, reviewers, assignments, score sheets and phase
// history, and reserves its pool on the fund as publishing did.
func (w *retryCompWorld) copyInReview(t *testing.T) *compCopy {
	t.Helper()
	ctx := context.Background()
	cs, as, tr := w.h.db.Competitions(), w.h.db.Applications(), w.h.db.Records()
	c, err := cs.Competition(ctx, w.tmpl)
	if err != nil {
		t.Fatal(err)
	}
	cp := &compCopy{id: testID()}
	ids := map[string]string{}
	for _, e := range w.entries {
		a, err := as.Application(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		a.ID, a.CompetitionID = testID(), cp.id
		if err := as.CreateApplication(ctx, a); err != nil {
			t.Fatal(err)
		}
		ids[e] = a.ID
		cp.entries = append(cp.entries, a.ID)
	}
	revs, err := cs.Reviewers(ctx, w.tmpl)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range revs {
		r.CompetitionID = cp.id
		if err := cs.CreateReviewer(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	assigned, err := cs.Assignments(ctx, w.tmpl)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range assigned {
		a.CompetitionID, a.EntryID = cp.id, ids[a.EntryID]
		if err := cs.InsertAssignment(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	sheets, err := cs.ScoreSheets(ctx, w.tmpl)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sheets {
		s.CompetitionID, s.EntryID = cp.id, ids[s.EntryID]
		if err := cs.InsertScoreSheet(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	trail, err := tr.Transitions(ctx, "competition:"+w.tmpl)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range trail {
		x.Object = "competition:" + cp.id
		if err := tr.RecordTransition(ctx, &x); err != nil {
			t.Fatal(err)
		}
	}
	key := "reserve:" + cp.id + ":" + strconv.FormatInt(c.PoolFen(), 10)
	m, err := w.h.svc.Money().Reserve(ctx, w.admin, w.bigFund, c.PoolFen(), "competition:"+cp.id, key)
	if err != nil {
		t.Fatal(err)
	}
	c.ID, c.ReserveSeq, c.ReserveKeys = cp.id, m.Entry.Seq, []string{key}
	cp.reserveSeq = m.Entry.Seq
	if err := cs.CreateCompetition(ctx, c); err != nil {
		t.Fatal(err)
	}
	return cp
}

// moveTo moves a copy through the API (no faults armed).
func (w *retryCompWorld) moveTo(t *testing.T, cp *compCopy, phases ...string) {
	t.Helper()
	for _, p := range phases {
		w.move(t, cp.id, p)
	}
	if r, err := w.h.db.Competitions().Results(context.Background(), cp.id); err == nil {
		cp.results = r
	}
}

func (w *retryCompWorld) phase(cp *compCopy, to string) response {
	return w.h.do("POST", "/v1/competitions/"+cp.id+"/phase", `{"to":"`+to+`"}`, bearerHeader(w.charityAdminA)...)
}

func movedTo(to string) func(r response) bool {
	return func(r response) bool { return r.Status == 200 && r.str("phase") == to }
}

// checkMoved: the competition is in phase to (as stored too), and its
// history records each phase once, the last being to.
func (w *retryCompWorld) checkMoved(t *testing.T, cp *compCopy, to string) *models.Competition {
	t.Helper()
	c, err := w.h.db.Competitions().Competition(context.Background(), cp.id)
	if err != nil {
		t.Fatal(err)
	}
	h := w.h.do("GET", "/v1/competitions/"+cp.id+"/history", "")
	items := h.items()
	seen := map[string]bool{}
	for i, it := range items {
		if it["seq"] != float64(i+1) || seen[it["to"].(string)] {
			t.Fatalf("history: %s", h.Raw)
		}
		seen[it["to"].(string)] = true
	}
	if string(c.Phase) != to || len(items) == 0 || items[len(items)-1]["to"] != to || c.PhaseSeq != len(items) {
		t.Fatalf("competition in %s (seq %d), history %s", c.Phase, c.PhaseSeq, h.Raw)
	}
	return c
}

// ledgerAfter lists the copy's ledger entries (the sweep is sequential, so
// every entry after its reserve is its own).
func (w *retryCompWorld) ledgerAfter(t *testing.T, cp *compCopy) []*models.LedgerEntry {
	t.Helper()
	es, err := w.h.db.Funds().Entries(context.Background(), w.bigFund, cp.reserveSeq, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func (w *retryCompWorld) checkReconciles(t *testing.T) {
	t.Helper()
	rec := w.h.do("GET", "/v1/funds/"+w.bigFund+"/reconciliation", "", bearerHeader(w.charityAdminA)...)
	if rec.Status != 200 || rec.Body["ok"] != true {
		t.Fatalf("reconciliation: %d %s", rec.Status, rec.Raw)
	}
}

// checkAwards: the first two entries are granted 100,000 and 40,000 once
// (one ledger entry each, one grant document each), the third is not
// awarded, and the frozen ranking is the one frozen at finalists.
func (w *retryCompWorld) checkAwards(t *testing.T, cp *compCopy) {
	t.Helper()
	ctx := context.Background()
	want := []struct {
		status models.ApplicationStatus
		fen    int64
	}{{models.AppApproved, 100_000}, {models.AppApproved, 40_000}, {models.AppNotAwarded, 0}}
	keys := map[string]int{}
	for _, e := range w.ledgerAfter(t, cp) {
		if e.Kind == models.LedgerGrant {
			keys[e.IdempotencyKey]++
		}
	}
	for i, id := range cp.entries {
		a, err := w.h.db.Applications().Application(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != want[i].status || a.GrantedFen != want[i].fen {
			t.Fatalf("entry %d: %s %d, want %s %d", i, a.Status, a.GrantedFen, want[i].status, want[i].fen)
		}
		key := "grant:" + id + ":" + strconv.FormatInt(want[i].fen, 10)
		if want[i].fen > 0 && keys[key] != 1 {
			t.Fatalf("entry %d granted %d times in the ledger: %v", i, keys[key], keys)
		}
		delete(keys, key)
	}
	if len(keys) != 0 {
		t.Fatalf("unexpected grants in the ledger: %v", keys)
	}
	gs, _, err := w.h.db.Applications().Grants(ctx, money.GrantFilter{CompetitionID: cp.id}, service.Page{Limit: 100})
	if err != nil || len(gs) != 2 {
		t.Fatalf("grants %d, %v", len(gs), err)
	}
	if r, err := w.h.db.Competitions().Results(ctx, cp.id); err != nil || !reflect.DeepEqual(r.Ranking, cp.results.Ranking) ||
		!r.FrozenAt.Equal(cp.results.FrozenAt) {
		t.Fatalf("frozen results changed: %v", err)
	}
}

// TestRetriesCompetitionPublish: publishing (draft → open) reserves the
// prize pool once, whichever store call fails.
func TestRetriesCompetitionPublish(t *testing.T) {
	var f *storefault.Faults
	w := newRetryCompWorld(t, &f)
	sweep(t, f, retryCase{
		setup: func(t *testing.T) any {
			r := w.h.do("POST", "/v1/competitions", competitionBody(w.bigFund, compOpts{k: 1, tiers: retryTiers}), bearerHeader(w.charityAdminA)...)
			if r.Status != 201 {
				t.Fatalf("create competition: %d %s", r.Status, r.Raw)
			}
			head, err := w.h.db.Funds().Entries(context.Background(), w.bigFund, 0, 100_000)
			if err != nil {
				t.Fatal(err)
			}
			return &compCopy{id: r.str("id"), reserveSeq: head[len(head)-1].Seq}
		},
		act:  func(t *testing.T, s any) response { return w.phase(s.(*compCopy), "open") },
		done: movedTo("open"),
		check: func(t *testing.T, s any) {
			cp := s.(*compCopy)
			c := w.checkMoved(t, cp, "open")
			es := w.ledgerAfter(t, cp)
			if len(es) != 1 || es[0].Kind != models.LedgerReserve || es[0].AmountFen != 150_000 || es[0].Seq != c.ReserveSeq {
				t.Fatalf("ledger after publishing: %d entries, reserve seq %d", len(es), c.ReserveSeq)
			}
			w.checkReconciles(t)
		},
	})
}

// TestRetriesCompetitionFinalists: announcing the finalists freezes the
// ranking once.
func TestRetriesCompetitionFinalists(t *testing.T) {
	var f *storefault.Faults
	w := newRetryCompWorld(t, &f)
	sweep(t, f, retryCase{
		setup: func(t *testing.T) any { return w.copyInReview(t) },
		act:   func(t *testing.T, s any) response { return w.phase(s.(*compCopy), "finalists") },
		done:  movedTo("finalists"),
		check: func(t *testing.T, s any) {
			cp := s.(*compCopy)
			w.checkMoved(t, cp, "finalists")
			r, err := w.h.db.Competitions().Results(context.Background(), cp.id)
			if err != nil || len(r.Ranking) != 3 || r.Ranking[0].EntryID != cp.entries[0] || r.Ranking[2].EntryID != cp.entries[2] {
				t.Fatalf("frozen ranking: %+v %v", r, err)
			}
		},
	})
}

// TestRetriesCompetitionAwards: awarding (finalists → awarded) grants each
// award from the reserve once and passes over the rest.
func TestRetriesCompetitionAwards(t *testing.T) {
	var f *storefault.Faults
	w := newRetryCompWorld(t, &f)
	sweep(t, f, retryCase{
		setup: func(t *testing.T) any {
			cp := w.copyInReview(t)
			w.moveTo(t, cp, "finalists")
			return cp
		},
		act:  func(t *testing.T, s any) response { return w.phase(s.(*compCopy), "awarded") },
		done: movedTo("awarded"),
		check: func(t *testing.T, s any) {
			cp := s.(*compCopy)
			w.checkMoved(t, cp, "awarded")
			w.checkAwards(t, cp)
			w.checkReconciles(t)
		},
	})
}

// TestRetriesCompetitionClose: closing releases the unused reserve once.
func TestRetriesCompetitionClose(t *testing.T) {
	var f *storefault.Faults
	w := newRetryCompWorld(t, &f)
	sweep(t, f, retryCase{
		setup: func(t *testing.T) any {
			cp := w.copyInReview(t)
			w.moveTo(t, cp, "finalists", "awarded")
			return cp
		},
		act:  func(t *testing.T, s any) response { return w.phase(s.(*compCopy), "closed") },
		done: movedTo("closed"),
		check: func(t *testing.T, s any) {
			cp := s.(*compCopy)
			c := w.checkMoved(t, cp, "closed")
			w.checkAwards(t, cp)
			var releases []*models.LedgerEntry
			for _, e := range w.ledgerAfter(t, cp) {
				if e.Kind == models.LedgerRelease {
					releases = append(releases, e)
				}
			}
			if len(releases) != 1 || releases[0].AmountFen != 10_000 || releases[0].IdempotencyKey != "release:"+cp.id ||
				c.ReleaseSeq != releases[0].Seq || c.ReleasedFen != 10_000 {
				t.Fatalf("releases %d (competition: seq %d, %d fen)", len(releases), c.ReleaseSeq, c.ReleasedFen)
			}
			w.checkReconciles(t)
			if !strings.HasPrefix(releases[0].Ref, "competition:") {
				t.Fatalf("release ref %q", releases[0].Ref)
			}
		},
	})
}
