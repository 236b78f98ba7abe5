package handlers_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/wushe/wushe/store/redis"
)

// Competitions: the public vote and its leaderboard.

// TestCompetitionVoteAndLeaderboard: only verified volunteers vote, once
// per entry (200 simultaneous votes of one account keep one); the Redis
// leaderboard, once its keys are lost, is rebuilt equal to the stored votes;
// the vote counts in the final score by percentile ranks.
func TestCompetitionVoteAndLeaderboard(t *testing.T) {
	var rc *redis.Client
	w := newCompWorld(t, func(s *harnessSetup) { rc = s.stores.Redis.(*redis.Client) })
	comp := w.open(t, competitionBody(w.fundID, compOpts{vote: true, k: 2}))
	e1 := w.enter(t, w.adminA, w.orgA, comp, 100_000, "助老食堂")
	e2 := w.enter(t, w.adminB, w.orgB, comp, 100_000, "长者学堂")
	e3 := w.enter(t, w.adminA, w.orgA, comp, 100_000, "邻里守望")
	var toks []string
	for i := range 3 {
		_, tok := w.reviewer(t, comp, fmt.Sprintf("1330000003%d", i))
		toks = append(toks, tok)
	}
	w.move(t, comp, "review")
	for i, tok := range toks {
		for _, e := range w.assigned(t, tok, comp) {
			q := map[string]int{e1: 60, e2: 80, e3: 70}[e] + i
			if r := w.score(tok, comp, e, q); r.Status != 201 {
				t.Fatalf("score: %d %s", r.Status, r.Raw)
			}
		}
	}
	// Before the vote: no voting, and no public leaderboard.
	zy, _ := w.committees(t)
	_, v1 := w.volunteerWithProfile(t, "13400000001", zy, "")
	if r := w.h.do("POST", "/v1/competitions/"+comp+"/entries/"+e1+"/votes", "", bearerHeader(v1)...); r.Status != 409 {
		t.Fatalf("vote during review: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/competitions/"+comp+"/leaderboard", ""); r.Status != 404 {
		t.Fatalf("leaderboard before the vote: %d %s", r.Status, r.Raw)
	}
	w.move(t, comp, "public_vote")

	_, v2 := w.volunteerWithProfile(t, "13400000002", zy, "")
	_, v3 := w.volunteerWithProfile(t, "13400000003", zy, "")
	_, v4 := w.volunteerWithProfile(t, "13400000004", zy, "")
	_, unverified := w.volunteerWithProfile(t, "13400000005", "", "")
	vote := func(tok, e string) response {
		return w.h.do("POST", "/v1/competitions/"+comp+"/entries/"+e+"/votes", "", bearerHeader(tok)...)
	}
	if r := vote(unverified, e1); r.Status != 403 {
		t.Fatalf("unverified volunteer votes: %d %s", r.Status, r.Raw)
	}
	if r := vote(w.adminA, e1); r.Status != 403 {
		t.Fatalf("an organisation admin without a volunteer profile votes: %d %s", r.Status, r.Raw)
	}
	var first response
	for i, v := range []struct{ tok, e string }{{v1, e1}, {v1, e2}, {v2, e1}, {v3, e1}, {v3, e3}, {v4, e2}} {
		r := vote(v.tok, v.e)
		if r.Status != 201 {
			t.Fatalf("vote: %d %s", r.Status, r.Raw)
		}
		if i == 0 {
			first = r
		}
	}
	// A repeat (retry-safe): the same answer, counted once (stored() below).
	if r := vote(v1, e1); r.Status != 201 || r.Raw != first.Raw {
		t.Fatalf("second vote: %d %s, want the first answer %s", r.Status, r.Raw, first.Raw)
	}
	board := func() map[string]int64 {
		r := w.h.do("GET", "/v1/competitions/"+comp+"/leaderboard", "")
		if r.Status != 200 {
			t.Fatalf("leaderboard: %d %s", r.Status, r.Raw)
		}
		out := map[string]int64{}
		for _, e := range list(r, "entries") {
			out[e["entryId"].(string)] = int64(e["votes"].(float64))
		}
		return out
	}
	stored := func() map[string]int64 {
		counts, err := w.h.db.Competitions().VoteCounts(context.Background(), comp)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int64{e1: 0, e2: 0, e3: 0}
		for k, v := range counts {
			out[k] = int64(v)
		}
		return out
	}
	same := func(a, b map[string]int64) bool { return fmt.Sprint(a) == fmt.Sprint(b) }
	if b, s := board(), stored(); !same(b, s) || s[e1] != 3 {
		t.Fatalf("leaderboard %v, stored votes %v", b, s)
	}

	// Redis loses the leaderboard; a vote meanwhile must not recreate a
	// partial board; the next read rebuilds it from MongoDB.
	ctx := context.Background()
	lose := func() {
		keys, err := rc.Redis().Keys(ctx, rc.Prefix()+"lb:*").Result()
		if err != nil || len(keys) == 0 {
			t.Fatalf("leaderboard keys: %v %v", keys, err)
		}
		if err := rc.Redis().Del(ctx, keys...).Err(); err != nil {
			t.Fatal(err)
		}
	}
	lose()
	if r := vote(v4, e3); r.Status != 201 {
		t.Fatalf("vote while the board is lost: %d %s", r.Status, r.Raw)
	}
	if keys, _ := rc.Redis().Keys(ctx, rc.Prefix()+"lb:*").Result(); len(keys) != 0 {
		t.Fatalf("a lone vote recreated the board: %v", keys)
	}
	if b, s := board(), stored(); !same(b, s) || s[e3] != 2 {
		t.Fatalf("rebuilt leaderboard %v, stored votes %v", b, s)
	}
	// A board that exists but came up short (an increment lost to a Redis
	// blip) is repaired by the scheduled rebuild.
	if err := rc.Leaderboards().Replace(ctx, "competition:"+comp+":votes", map[string]float64{e1: 1}); err != nil {
		t.Fatal(err)
	}
	if b := board(); b[e1] != 1 {
		t.Fatalf("test setup: the short board is not shown: %v", b)
	}
	if n, err := w.h.svc.Competitions().RebuildVotingLeaderboards(ctx); err != nil || n != 1 {
		t.Fatalf("scheduled rebuild: %d %v", n, err)
	}
	if b, s := board(), stored(); !same(b, s) {
		t.Fatalf("after the scheduled rebuild: leaderboard %v, stored votes %v", b, s)
	}
	// 200 simultaneous votes by one account on one entry: one vote.
	_, v6 := w.volunteerWithProfile(t, "13400000006", zy, "")
	// Every answer of 201 is the one stored vote (repeats are retry-safe).
	var wg sync.WaitGroup
	var mu sync.Mutex
	answers := map[string]bool{}
	start := make(chan struct{})
	for i := range 200 {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			switch r := vote(v6, e2); r.Status {
			case 201:
				mu.Lock()
				answers[r.Raw] = true
				mu.Unlock()
			case 429:
			default:
				t.Errorf("vote %d: %d %s", i, r.Status, r.Raw)
			}
		}(i)
	}
	close(start)
	wg.Wait()
	if len(answers) != 1 {
		t.Fatalf("%d different votes answered, want 1: %v", len(answers), answers)
	}
	if s := stored(); s[e2] != 3 {
		t.Fatalf("stored votes %v: e2 should have 3", s)
	}
	// The organiser's explicit rebuild, after another loss.
	lose()
	r := w.h.do("POST", "/v1/competitions/"+comp+"/leaderboard/rebuild", "", bearerHeader(w.charityAdminA)...)
	if r.Status != 200 {
		t.Fatalf("rebuild: %d %s", r.Status, r.Raw)
	}
	if keys, _ := rc.Redis().Keys(ctx, rc.Prefix()+"lb:*").Result(); len(keys) != 1 {
		t.Fatalf("rebuild left keys %v", keys)
	}
	if b, s := board(), stored(); !same(b, s) {
		t.Fatalf("leaderboard %v after rebuild, stored %v", b, s)
	}

	// Finalists: the final score combines review and vote percentile ranks (20% vote).
	w.move(t, comp, "finalists")
	if r := vote(v2, e3); r.Status != 409 {
		t.Fatalf("vote after the vote: %d %s", r.Status, r.Raw)
	}
	rep := w.report(t, comp)
	if rep.Body["frozen"] != true {
		t.Fatalf("ranking not frozen at finalists: %s", rep.Raw)
	}
	for _, e := range list(rep, "entries") {
		want := 0.8*e["reviewPercentile"].(float64) + 0.2*e["votePercentile"].(float64)
		if got := e["finalScore"].(float64); got < want-1e-6 || got > want+1e-6 {
			t.Fatalf("final %v, want 0.8×review + 0.2×vote = %v", got, want)
		}
	}
	// e1 has the most votes but the lowest review score; e2 leads both.
	if ids := rankedIDs(rep); ids[0] != e2 {
		t.Fatalf("ranking %v, want %s first", ids, e2)
	}
}
