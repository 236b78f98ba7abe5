package handlers_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/store/redis"
)

// compWorld is the fund world with a fund of charity A (1,000,000 fen,
// serving 中原区) and a verified social worker of orgA who supervises the
// entries' projects.
type compWorld struct {
	*fundWorld
	fundID          string
	supervisorID    string
	supervisorToken string
}

func newCompWorld(t *testing.T, opts ...harnessOpt) *compWorld {
	t.Helper()
	w := &compWorld{fundWorld: newFundWorld(t, opts...)}
	w.fundID = w.fund(t, w.charityAdminA, fundBody(w.charityA, 1_000_000, 1000, 500_000, ""))
	w.supervisorID, w.supervisorToken = w.supervisor(t, "13100000040")
	return w
}

type compOpts struct {
	vote  bool
	k     int
	tiers string
}

const defaultTiers = `[{"code":"first_prize","name":"一等奖","count":1,"amountFen":100000},{"code":"second_prize","name":"二等奖","count":2,"amountFen":50000}]`

// competitionBody is a competition on fund for social_welfare projects in
// 中原区, its phases 10, 20, 30, 40 and 50 days ahead (and the vote at 25).
func competitionBody(fund string, o compOpts) string {
	now := time.Now().UTC()
	at := func(days int) string { return now.AddDate(0, 0, days).Format(time.RFC3339) }
	vote := ""
	extra := ""
	if o.vote {
		vote = fmt.Sprintf(`"voteAt":%q,`, at(25))
		extra += `,"publicVote":true`
	}
	if o.k > 0 {
		extra += fmt.Sprintf(`,"reviewersPerEntry":%d`, o.k)
	}
	if o.tiers == "" {
		o.tiers = defaultTiers
	}
	return fmt.Sprintf(`{"fundId":%q,"name":"2026 中原区社区公益创投大赛","summary":"支持社区助老服务项目","domains":["social_welfare"],`+
		`"regions":["410102"],"schedule":{"opensAt":%q,"reviewAt":%q,%s"finalistsAt":%q,"awardsAt":%q,"closesAt":%q},"tiers":%s%s}`,
		fund, at(0), at(10), vote, at(30), at(40), at(50), o.tiers, extra)
}

// open creates a competition with charity A's admin and publishes it.
func (w *compWorld) open(t *testing.T, body string) string {
	t.Helper()
	r := w.h.do("POST", "/v1/competitions", body, bearerHeader(w.charityAdminA)...)
	if r.Status != 201 {
		t.Fatalf("create competition: %d %s", r.Status, r.Raw)
	}
	id := r.str("id")
	w.move(t, id, "open")
	return id
}

func (w *compWorld) move(t *testing.T, id, to string) response {
	t.Helper()
	r := w.h.do("POST", "/v1/competitions/"+id+"/phase", `{"to":"`+to+`"}`, bearerHeader(w.charityAdminA)...)
	if r.Status != 200 || r.str("phase") != to {
		t.Fatalf("move to %s: %d %s", to, r.Status, r.Raw)
	}
	return r
}

// enter submits an entry of org (through its admin's token) to the competition.
func (w *compWorld) enter(t *testing.T, tok, org, comp string, requested int64, title string) string {
	t.Helper()
	body := applicationBody(org, "", w.supervisorID, requested, `,"competitionId":"`+comp+`"`)
	if title != "" {
		body = strings.Replace(body, "独居老人关爱行动", title, 1)
	}
	return w.submitted(t, tok, body)
}

// reviewer has a person register (their own phone and password), invites
// them as a reviewer and logs them in.
func (w *compWorld) reviewer(t *testing.T, comp, phone string) (id, token string) {
	t.Helper()
	if _, err := w.h.db.Accounts().AccountByPhone(context.Background(), phone); err != nil {
		w.h.register(phone)
	}
	r := w.h.do("POST", "/v1/competitions/"+comp+"/reviewers", `{"phone":"`+phone+`","name":"评审专家`+phone[9:]+`"}`,
		bearerHeader(w.charityAdminA)...)
	if r.Status != 201 {
		t.Fatalf("invite reviewer: %d %s", r.Status, r.Raw)
	}
	token, _ = w.h.login(phone, "secret-pass")
	return r.str("accountId"), token
}

// assigned lists the entries assigned to a reviewer.
func (w *compWorld) assigned(t *testing.T, tok, comp string) []string {
	t.Helper()
	r := w.h.do("GET", "/v1/competitions/"+comp+"/review/entries?limit=100", "", bearerHeader(tok)...)
	if r.Status != 200 {
		t.Fatalf("review entries: %d %s", r.Status, r.Raw)
	}
	var ids []string
	for _, it := range r.items() {
		ids = append(ids, it["entryId"].(string))
	}
	return ids
}

// sheet spreads a weighted total (0–100) over the default rubric, whose
// maximum points equal its weights.
func sheet(total int) string {
	codes := []string{"needs_precision", "professionalism", "feasibility", "budget", "sustainability", "innovation"}
	caps := []int{20, 20, 20, 15, 15, 10}
	parts := make([]string, len(codes))
	for i, c := range codes {
		p := min(total, caps[i])
		total -= p
		parts[i] = fmt.Sprintf("%q:%d", c, p)
	}
	return `{"scores":{` + strings.Join(parts, ",") + `},"comment":"方案清晰"}`
}

func (w *compWorld) score(tok, comp, entry string, total int) response {
	return w.h.do("POST", "/v1/competitions/"+comp+"/entries/"+entry+"/scores", sheet(total), bearerHeader(tok)...)
}

func (w *compWorld) report(t *testing.T, comp string) response {
	t.Helper()
	r := w.h.do("GET", "/v1/competitions/"+comp+"/report", "", bearerHeader(w.charityAdminA)...)
	if r.Status != 200 {
		t.Fatalf("report: %d %s", r.Status, r.Raw)
	}
	return r
}

func list(r response, key string) []map[string]any {
	raw, _ := r.Body[key].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, x := range raw {
		out = append(out, x.(map[string]any))
	}
	return out
}

// rankedIDs are the report's ranked entries in rank order.
func rankedIDs(r response) []string {
	var es []map[string]any
	for _, e := range list(r, "entries") {
		if e["ranked"] == true {
			es = append(es, e)
		}
	}
	sort.Slice(es, func(i, j int) bool { return es[i]["rank"].(float64) < es[j]["rank"].(float64) })
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e["entryId"].(string)
	}
	return ids
}

func entryLine(t *testing.T, r response, id string) map[string]any {
	t.Helper()
	for _, e := range list(r, "entries") {
		if e["entryId"] == id {
			return e
		}
	}
	t.Fatalf("entry %s not in the report", id)
	return nil
}

// TestCompetitionConflictedReviewer: a reviewer from the entry's own
// organisation is never assigned it and gets 403 scoring or reading it; a
// declared conflict withdraws an assignment, and a re-run tops the panel
// up only once there are enough reviewers without a conflict.
func TestCompetitionConflictedReviewer(t *testing.T) {
	w := newCompWorld(t)
	comp := w.open(t, competitionBody(w.fundID, compOpts{k: 2}))
	eA := w.enter(t, w.adminA, w.orgA, comp, 100_000, "")
	eB := w.enter(t, w.adminB, w.orgB, comp, 100_000, "")
	_, t1 := w.reviewer(t, comp, "13300000001")
	_, t2 := w.reviewer(t, comp, "13300000002")
	// A social worker of orgA (an existing account), made a reviewer too.
	_, staff := w.staffSocialWorker(t, w.adminA, w.orgA, "13100000041")
	if r := w.h.do("POST", "/v1/competitions/"+comp+"/reviewers", `{"phone":"13100000041"}`, bearerHeader(w.charityAdminA)...); r.Status != 201 {
		t.Fatalf("invite the social worker: %d %s", r.Status, r.Raw)
	}
	// Inviting again answers the existing record.
	if r := w.h.do("POST", "/v1/competitions/"+comp+"/reviewers", `{"phone":"13100000041"}`, bearerHeader(w.charityAdminA)...); r.Status != 200 {
		t.Fatalf("invite twice: %d %s", r.Status, r.Raw)
	}
	w.move(t, comp, "review")

	// Stored reviewer record, not the token: the old token (no reviewer binding) works.
	got := w.assigned(t, staff, comp)
	if len(got) != 1 || got[0] != eB {
		t.Fatalf("the orgA social worker is assigned %v, want only %s", got, eB)
	}
	if r := w.score(staff, comp, eA, 80); r.Status != 403 {
		t.Fatalf("conflicted reviewer scores: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/competitions/"+comp+"/review/entries/"+eA, "", bearerHeader(staff)...); r.Status != 403 {
		t.Fatalf("conflicted reviewer reads the entry: %d %s", r.Status, r.Raw)
	}
	rep := w.report(t, comp)
	if n := entryLine(t, rep, eA)["assigned"]; n != float64(2) {
		t.Fatalf("entry A has %v reviewers", n)
	}
	for _, tok := range []string{t1, t2} {
		if !strings.Contains(strings.Join(w.assigned(t, tok, comp), ","), eA) {
			t.Fatalf("entry A's panel is not its two reviewers without a conflict")
		}
	}

	// Reviewer 1 declares a family conflict with entry A: the assignment is
	// withdrawn and scoring is refused.
	if r := w.h.do("POST", "/v1/competitions/"+comp+"/conflicts", `{"kind":"family","entryId":"`+eA+`","note":"亲属在该机构任职"}`, bearerHeader(t1)...); r.Status != 201 {
		t.Fatalf("declare conflict: %d %s", r.Status, r.Raw)
	}
	if r := w.score(t1, comp, eA, 80); r.Status != 403 {
		t.Fatalf("reviewer scores an entry after declaring a conflict: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/competitions/"+comp+"/conflicts", `{"kind":"family","entryId":"`+eA+`","organisationId":"`+w.orgA+`"}`, bearerHeader(t1)...); r.Status != 422 {
		t.Fatalf("conflict naming both: %d %s", r.Status, r.Raw)
	}
	// Entry A has one reviewer left without a conflict: the re-run cannot serve it…
	if r := w.h.do("POST", "/v1/competitions/"+comp+"/assignments", "", bearerHeader(w.charityAdminA)...); r.Status != 409 ||
		!strings.Contains(strings.Join(r.locations(), ","), eA) {
		t.Fatalf("re-run with too few reviewers: %d %s", r.Status, r.Raw)
	}
	// …until another reviewer comes.
	r4, t4 := w.reviewer(t, comp, "13300000004")
	r := w.h.do("POST", "/v1/competitions/"+comp+"/assignments", "", bearerHeader(w.charityAdminA)...)
	if r.Status != 200 {
		t.Fatalf("re-run: %d %s", r.Status, r.Raw)
	}
	if got := w.assigned(t, t4, comp); !strings.Contains(strings.Join(got, ","), eA) {
		t.Fatalf("the new reviewer %s got %v, want entry A among them", r4, got)
	}
	if got := w.assigned(t, staff, comp); strings.Contains(strings.Join(got, ","), eA) {
		t.Fatalf("the re-run gave entry A to its own organisation's social worker: %v", got)
	}
	// The lead's application API agrees: the conflicted reviewer cannot read entry A.
	if r := w.h.do("GET", "/v1/applications/"+eA, "", bearerHeader(staff)...); r.Status != 404 {
		t.Fatalf("conflicted reviewer reads entry A through /v1/applications: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/applications/"+eA, "", bearerHeader(t4)...); r.Status != 200 {
		t.Fatalf("assigned reviewer reads entry A: %d %s", r.Status, r.Raw)
	}
}

// TestCompetitionHarshReviewerAndSplitPanel: with one reviewer scoring
// everything 25 points lower, the normalised ranking equals the ranking of
// the same sheets without that bias, although the raw means are misled by
// it; a panel whose reviewers differ by 40 points is flagged; a reviewer
// sees the others' sheets only after submitting their own.
func TestCompetitionHarshReviewerAndSplitPanel(t *testing.T) {
	w := newCompWorld(t)
	comp := w.open(t, competitionBody(w.fundID, compOpts{k: 2}))
	var entries []string
	for i := range 6 {
		tok, org := w.adminA, w.orgA
		if i%2 == 1 {
			tok, org = w.adminB, w.orgB
		}
		entries = append(entries, w.enter(t, tok, org, comp, 100_000, fmt.Sprintf("社区助老项目%d", i)))
	}
	ids, toks := make([]string, 4), make([]string, 4)
	for i := range ids {
		ids[i], toks[i] = w.reviewer(t, comp, fmt.Sprintf("1330000001%d", i))
	}
	w.move(t, comp, "review")

	assigned := map[string][]string{} // reviewer → entries
	panel := map[string][]string{}    // entry → reviewers
	for i, tok := range toks {
		assigned[ids[i]] = w.assigned(t, tok, comp)
		if len(assigned[ids[i]]) != 3 {
			t.Fatalf("reviewer %d has %d entries, want 3 (balanced)", i, len(assigned[ids[i]]))
		}
		for _, e := range assigned[ids[i]] {
			panel[e] = append(panel[e], ids[i])
		}
	}
	harsh := ids[3]
	var mine, others []string
	for _, e := range entries {
		if len(panel[e]) != 2 {
			t.Fatalf("entry %s has %d reviewers", e, len(panel[e]))
		}
		if strings.Contains(strings.Join(panel[e], ","), harsh) {
			mine = append(mine, e)
		} else {
			others = append(others, e)
		}
	}
	// The harsh reviewer's best entry is the best overall; the others' best
	// is second; the others' weakest is split 70/30.
	quality := map[string]int{mine[0]: 90, mine[1]: 70, mine[2]: 45, others[0]: 85, others[1]: 60, others[2]: 50}
	split := others[2]
	total := func(reviewer, entry string, biased bool) int {
		q := quality[entry]
		if entry == split {
			if panel[entry][0] == reviewer {
				q += 20
			} else {
				q -= 20
			}
		}
		if reviewer == harsh && biased {
			q -= 25
		}
		return q
	}
	tokOf := map[string]string{}
	for i := range ids {
		tokOf[ids[i]] = toks[i]
	}
	// One entry: its second reviewer sees nothing of the first's sheet until
	// submitting theirs.
	first, second := panel[others[0]][0], panel[others[0]][1]
	if r := w.score(tokOf[first], comp, others[0], total(first, others[0], true)); r.Status != 201 {
		t.Fatalf("score: %d %s", r.Status, r.Raw)
	}
	view := w.h.do("GET", "/v1/competitions/"+comp+"/review/entries/"+others[0], "", bearerHeader(tokOf[second])...)
	if view.Status != 200 || len(view.Body["others"].([]any)) != 0 || view.Body["mine"] != nil {
		t.Fatalf("before scoring, the second reviewer sees: %d %s", view.Status, view.Raw)
	}
	var unbiased []models.ReviewScore
	for _, e := range entries {
		for _, rv := range panel[e] {
			unbiased = append(unbiased, models.ReviewScore{ReviewerID: rv, EntryID: e, Total: float64(total(rv, e, false))})
			if e == others[0] && rv == first {
				continue
			}
			if r := w.score(tokOf[rv], comp, e, total(rv, e, true)); r.Status != 201 {
				t.Fatalf("score: %d %s", r.Status, r.Raw)
			}
		}
	}
	view = w.h.do("GET", "/v1/competitions/"+comp+"/review/entries/"+others[0], "", bearerHeader(tokOf[second])...)
	if o := view.Body["others"].([]any); view.Status != 200 || len(o) != 1 || view.Body["mine"] == nil || o[0].(map[string]any)["reviewerId"] != nil {
		t.Fatalf("after scoring, the second reviewer sees: %d %s", view.Status, view.Raw)
	}

	rep := w.report(t, comp)
	want := models.Normalise(unbiased, models.NormaliseOptions{})
	wantIDs := make([]string, len(want.Entries))
	for i, e := range want.Entries {
		wantIDs[i] = e.EntryID
	}
	if got := rankedIDs(rep); strings.Join(got, ",") != strings.Join(wantIDs, ",") {
		t.Fatalf("normalised ranking %v, want the unbiased one %v", got, wantIDs)
	}
	// The raw means are misled: the best entry is not first by raw mean.
	lines := list(rep, "entries")
	sort.Slice(lines, func(i, j int) bool { return lines[i]["rawMean"].(float64) > lines[j]["rawMean"].(float64) })
	if lines[0]["entryId"] != others[0] {
		t.Fatalf("raw means put %v first; the harsh reviewer should push the best entry %s below %s", lines[0]["entryId"], mine[0], others[0])
	}
	for _, rv := range list(rep, "reviewers") {
		if rv["basis"] != "own" || rv["counted"] != float64(3) {
			t.Fatalf("reviewer normalised on %v with %v sheets", rv["basis"], rv["counted"])
		}
		if rv["accountId"] == harsh {
			if m := rv["mean"].(float64); m < 43.33 || m > 43.34 {
				t.Fatalf("harsh reviewer's mean %v, want (65+45+20)/3", m)
			}
		}
	}
	flagged := func(id string) []string {
		var codes []string
		for _, f := range entryLine(t, rep, id)["flags"].([]any) {
			codes = append(codes, f.(map[string]any)["code"].(string))
		}
		return codes
	}
	if f := flagged(split); !strings.Contains(strings.Join(f, ","), "raw_range") {
		t.Fatalf("split panel flags %v, want raw_range", f)
	}
	if f := flagged(others[0]); len(f) != 0 {
		t.Fatalf("an agreeing panel is flagged %v", f)
	}
	// Every sheet appears raw and normalised.
	if n := len(list(rep, "sheets")); n != 12 {
		t.Fatalf("%d sheets in the report, want 12", n)
	}
}

// TestCompetitionConcurrentScoreSheets: 100 simultaneous submissions of one
// reviewer's sheet for one entry keep exactly one.
func TestCompetitionConcurrentScoreSheets(t *testing.T) {
	w := newCompWorld(t)
	comp := w.open(t, competitionBody(w.fundID, compOpts{k: 1}))
	e := w.enter(t, w.adminB, w.orgB, comp, 100_000, "")
	_, tok := w.reviewer(t, comp, "13300000021")
	w.move(t, comp, "review")
	var created, refused atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 100 {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			switch r := w.score(tok, comp, e, 50+i%40); r.Status {
			case 201:
				created.Add(1)
			case 409:
				refused.Add(1)
			default:
				t.Errorf("score %d: %d %s", i, r.Status, r.Raw)
			}
		}(i)
	}
	close(start)
	wg.Wait()
	if created.Load() != 1 || refused.Load() != 99 {
		t.Fatalf("%d sheets created, %d refused; want 1 and 99", created.Load(), refused.Load())
	}
	sheets, err := w.h.db.Competitions().EntryScoreSheets(context.Background(), comp, e)
	if err != nil || len(sheets) != 1 {
		t.Fatalf("stored sheets: %d, %v", len(sheets), err)
	}
}

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
	for _, v := range []struct{ tok, e string }{{v1, e1}, {v1, e2}, {v2, e1}, {v3, e1}, {v3, e3}, {v4, e2}} {
		if r := vote(v.tok, v.e); r.Status != 201 {
			t.Fatalf("vote: %d %s", r.Status, r.Raw)
		}
	}
	if r := vote(v1, e1); r.Status != 409 {
		t.Fatalf("second vote: %d %s", r.Status, r.Raw)
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
	var wg sync.WaitGroup
	var created atomic.Int32
	start := make(chan struct{})
	for i := range 200 {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			switch r := vote(v6, e2); r.Status {
			case 201:
				created.Add(1)
			case 409, 429:
			default:
				t.Errorf("vote %d: %d %s", i, r.Status, r.Raw)
			}
		}(i)
	}
	close(start)
	wg.Wait()
	if created.Load() != 1 {
		t.Fatalf("%d votes accepted, want 1", created.Load())
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

// flakyApplications fails the first n saves of an approved entry, as a
// crash between the grant and the entry's status would.
type flakyApplications struct {
	service.ApplicationStore
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

// TestCompetitionCrossScope: another charity neither sees a draft nor
// manages a competition; nobody reads another organisation's draft entry;
// a reviewer reaches only the entries assigned to them.
func TestCompetitionCrossScope(t *testing.T) {
	w := newCompWorld(t)
	r := w.h.do("POST", "/v1/competitions", competitionBody(w.fundID, compOpts{k: 1}), bearerHeader(w.charityAdminA)...)
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	comp := r.str("id")
	// Another charity, a county official, an organisation: none may run a competition on charity A's fund.
	for _, tok := range []string{w.charityAdminB, w.zhongyuan, w.adminA} {
		if r := w.h.do("POST", "/v1/competitions", competitionBody(w.fundID, compOpts{}), bearerHeader(tok)...); r.Status != 403 {
			t.Fatalf("competition on another's fund: %d %s", r.Status, r.Raw)
		}
	}
	// The draft is the organiser's alone.
	for _, tok := range []string{"", w.charityAdminB, w.adminA} {
		var h []string
		if tok != "" {
			h = bearerHeader(tok)
		}
		if r := w.h.do("GET", "/v1/competitions/"+comp, "", h...); r.Status != 404 {
			t.Fatalf("draft read by another: %d %s", r.Status, r.Raw)
		}
	}
	if r := w.h.do("GET", "/v1/competitions?fundId="+w.fundID, ""); len(r.items()) != 0 {
		t.Fatalf("public list shows a draft: %s", r.Raw)
	}
	if r := w.h.do("GET", "/v1/competitions?fundId="+w.fundID, "", bearerHeader(w.charityAdminA)...); len(r.items()) != 1 {
		t.Fatalf("organiser's list: %s", r.Raw)
	}
	w.move(t, comp, "open")
	if r := w.h.do("GET", "/v1/competitions?phase=open", ""); len(r.items()) != 1 {
		t.Fatalf("public list: %s", r.Raw)
	}
	entry := w.enter(t, w.adminA, w.orgA, comp, 100_000, "")
	other := w.enter(t, w.adminB, w.orgB, comp, 100_000, "")
	draft := w.h.do("POST", "/v1/applications", applicationBody(w.orgA, "", w.supervisorID, 100_000, `,"competitionId":"`+comp+`"`), bearerHeader(w.adminA)...).str("id")
	_, rev := w.reviewer(t, comp, "13300000061")
	_, rev2 := w.reviewer(t, comp, "13300000062")
	w.move(t, comp, "review")

	forbidden := []struct {
		name, tok, method, path, body string
	}{
		{"other charity edits", w.charityAdminB, "PUT", "/v1/competitions/" + comp, competitionBody(w.fundID, compOpts{})},
		{"other charity moves the phase", w.charityAdminB, "POST", "/v1/competitions/" + comp + "/phase", `{"to":"finalists"}`},
		{"other charity reads the report", w.charityAdminB, "GET", "/v1/competitions/" + comp + "/report", ""},
		{"other charity invites a reviewer", w.charityAdminB, "POST", "/v1/competitions/" + comp + "/reviewers", `{"phone":"13300000069","name":"张三"}`},
		{"other charity lists reviewers", w.charityAdminB, "GET", "/v1/competitions/" + comp + "/reviewers", ""},
		{"other charity lists entries", w.charityAdminB, "GET", "/v1/applications?competitionId=" + comp, ""},
		{"other charity reassigns", w.charityAdminB, "POST", "/v1/competitions/" + comp + "/assignments", ""},
		{"other charity rules an entry out", w.charityAdminB, "POST", "/v1/competitions/" + comp + "/entries/" + entry + "/ineligibility", `{"reason":"材料不全"}`},
		{"reviewer reads the report", rev, "GET", "/v1/competitions/" + comp + "/report", ""},
		{"organisation moves the phase", w.adminA, "POST", "/v1/competitions/" + comp + "/phase", `{"to":"finalists"}`},
		{"organisation lists the review entries", w.adminA, "GET", "/v1/competitions/" + comp + "/review/entries", ""},
		{"organisation scores", w.adminA, "POST", "/v1/competitions/" + comp + "/entries/" + other + "/scores", sheet(90)},
	}
	for _, c := range forbidden {
		if r := w.h.do(c.method, c.path, c.body, bearerHeader(c.tok)...); r.Status != 403 {
			t.Errorf("%s: %d %s", c.name, r.Status, r.Raw)
		}
	}
	// Each reviewer has one entry (k=1, balanced); the other's is out of reach.
	mine := w.assigned(t, rev, comp)
	if len(mine) != 1 {
		t.Fatalf("reviewer has %v", mine)
	}
	notMine := entry
	if mine[0] == entry {
		notMine = other
	}
	if r := w.h.do("GET", "/v1/competitions/"+comp+"/review/entries/"+notMine, "", bearerHeader(rev)...); r.Status != 403 {
		t.Fatalf("reviewer reads an unassigned entry: %d %s", r.Status, r.Raw)
	}
	if r := w.score(rev, comp, notMine, 80); r.Status != 403 {
		t.Fatalf("reviewer scores an unassigned entry: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/applications/"+notMine, "", bearerHeader(rev)...); r.Status != 404 {
		t.Fatalf("reviewer reads an unassigned entry's application: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/competitions/"+comp+"/review/entries/"+draft, "", bearerHeader(rev)...); r.Status != 404 {
		t.Fatalf("reviewer reads a draft entry: %d %s", r.Status, r.Raw)
	}
	// A draft entry is its organisation's alone: not the other organisation, not the organiser, not a reviewer.
	for _, tok := range []string{w.adminB, w.charityAdminA, rev2} {
		if r := w.h.do("GET", "/v1/applications/"+draft, "", bearerHeader(tok)...); r.Status != 404 {
			t.Fatalf("another reads a draft entry: %d %s", r.Status, r.Raw)
		}
	}
	// A draft cannot be submitted once entries are closed.
	if r := w.h.do("POST", "/v1/applications/"+draft+"/submission", "", bearerHeader(w.adminA)...); r.Status != 409 {
		t.Fatalf("late submission: %d %s", r.Status, r.Raw)
	}
	// Nothing changed: both entries still competing, nobody scored.
	rep := w.report(t, comp)
	for _, e := range list(rep, "entries") {
		if e["status"] != "submitted" || e["scored"] != float64(0) {
			t.Fatalf("entry changed by a refused request: %v", e)
		}
	}
}

// TestCompetitionValidation: bad input is refused with 422 naming the field.
func TestCompetitionValidation(t *testing.T) {
	w := newCompWorld(t)
	base := competitionBody(w.fundID, compOpts{})
	cases := []struct {
		name, body, loc string
	}{
		{"negative amount", strings.Replace(base, `"amountFen":100000`, `"amountFen":-5`, 1), "body.tiers[0].amountFen"},
		{"no tiers", strings.Replace(base, defaultTiers, `[]`, 1), "body.tiers"},
		{"duplicate tier", strings.Replace(base, `"second_prize"`, `"first_prize"`, 1), "body.tiers[1].code"},
		{"domain outside the fund", strings.Replace(base, `["social_welfare"]`, `["health"]`, 1), "body.domains[0]"},
		{"unknown domain", strings.Replace(base, `["social_welfare"]`, `["astrology"]`, 1), "body.domains[0]"},
		{"region outside the fund", strings.Replace(base, `["410102"]`, `["410103"]`, 1), "body.regions[0]"},
		{"unknown region", strings.Replace(base, `["410102"]`, `["999999"]`, 1), "body.regions[0]"},
		{"vote weight", strings.Replace(base, `"tiers"`, `"publicVote":true,"voteWeightPercent":150,"tiers"`, 1), "body.voteWeightPercent"},
		{"vote without a date", strings.Replace(base, `"tiers"`, `"publicVote":true,"tiers"`, 1), "body.schedule.voteAt"},
		{"rubric weights", strings.Replace(base, `"tiers"`, `"rubric":[{"code":"impact","zh":"成效","en":"Impact","weight":60,"maxPoints":10}],"tiers"`, 1), "body.rubric"},
		{"unknown fund", strings.Replace(base, w.fundID, "nope", 1), "body.fundId"},
		{"unknown kind", strings.Replace(base, `"tiers"`, `"eligibleKinds":["bank"],"tiers"`, 1), "body.eligibleKinds[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.h.do("POST", "/v1/competitions", c.body, bearerHeader(w.charityAdminA)...)
			if r.Status != 422 || !strings.Contains(strings.Join(r.locations(), ","), c.loc) {
				t.Fatalf("want 422 at %s: %d %s", c.loc, r.Status, r.Raw)
			}
		})
	}
	// Phases out of order, properly: finalists before review.
	bad := strings.Replace(base, `"finalistsAt":"`+time.Now().UTC().AddDate(0, 0, 30).Format(time.RFC3339)[:4], `"finalistsAt":"2020`, 1)
	if r := w.h.do("POST", "/v1/competitions", bad, bearerHeader(w.charityAdminA)...); r.Status != 422 || !strings.Contains(r.Raw, "body.schedule.finalistsAt") {
		t.Fatalf("finalists before review: %d %s", r.Status, r.Raw)
	}
	// Skipping a phase, or a vote the competition does not have.
	comp := w.open(t, competitionBody(w.fundID, compOpts{k: 1}))
	if r := w.h.do("POST", "/v1/competitions/"+comp+"/phase", `{"to":"awarded"}`, bearerHeader(w.charityAdminA)...); r.Status != 409 {
		t.Fatalf("skip to awarded: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/competitions/"+comp+"/phase", `{"to":"public_vote"}`, bearerHeader(w.charityAdminA)...); r.Status != 422 {
		t.Fatalf("vote phase without a vote: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/competitions/"+comp+"/phase", `{"to":"opened"}`, bearerHeader(w.charityAdminA)...); r.Status != 422 {
		t.Fatalf("unknown phase: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("PUT", "/v1/competitions/"+comp, base, bearerHeader(w.charityAdminA)...); r.Status != 409 {
		t.Fatalf("edit after publishing: %d %s", r.Status, r.Raw)
	}
	e := w.enter(t, w.adminB, w.orgB, comp, 100_000, "")
	_, rev := w.reviewer(t, comp, "13300000071")
	w.move(t, comp, "review")
	for _, c := range []struct{ body, loc string }{
		{`{"scores":{"needs_precision":20}}`, "body.scores.innovation"},
		{strings.Replace(sheet(90), `"needs_precision":20`, `"needs_precision":25`, 1), "body.scores.needs_precision"},
		{strings.Replace(sheet(90), `"needs_precision":20`, `"needs_precision":20,"charisma":3`, 1), "body.scores.charisma"},
	} {
		r := w.h.do("POST", "/v1/competitions/"+comp+"/entries/"+e+"/scores", c.body, bearerHeader(rev)...)
		if r.Status != 422 || !strings.Contains(strings.Join(r.locations(), ","), c.loc) {
			t.Fatalf("score %s: want 422 at %s, got %d %s", c.body, c.loc, r.Status, r.Raw)
		}
	}
	if r := w.h.do("POST", "/v1/competitions/"+comp+"/conflicts", `{"kind":"family"}`, bearerHeader(rev)...); r.Status != 422 || !strings.Contains(r.Raw, "body.organisationId") {
		t.Fatalf("conflict naming nothing: %d %s", r.Status, r.Raw)
	}
	// A phone without an account: the reviewer registers first; the organiser sets no password.
	if r := w.h.do("POST", "/v1/competitions/"+comp+"/reviewers", `{"phone":"13300000072","password":"x"}`, bearerHeader(w.charityAdminA)...); r.Status != 422 ||
		!strings.Contains(r.Raw, "body.password") {
		t.Fatalf("an organiser-set password: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/competitions/"+comp+"/reviewers", `{"phone":"13300000072"}`, bearerHeader(w.charityAdminA)...); r.Status != 422 ||
		!strings.Contains(r.Raw, "body.phone") {
		t.Fatalf("a phone without an account: %d %s", r.Status, r.Raw)
	}
	// The organiser never learns the account's own name.
	w.h.register("13300000073") // registers as 测试用户
	if r := w.h.do("POST", "/v1/competitions/"+comp+"/reviewers", `{"phone":"13300000073"}`, bearerHeader(w.charityAdminA)...); r.Status != 201 ||
		strings.Contains(r.Raw, "测试用户") || !strings.Contains(r.Raw, "133****0073") {
		t.Fatalf("invite of an existing account: %d %s", r.Status, r.Raw)
	}
}

// TestCompetitionPublishNeedsTheMoney: publishing reserves the pool from
// the fund's available money; a draft the fund cannot cover stays a draft,
// may lower its pool and publish then.
func TestCompetitionPublishNeedsTheMoney(t *testing.T) {
	w := newCompWorld(t)
	big := `[{"code":"first_prize","name":"一等奖","count":2,"amountFen":300000}]`
	first := w.open(t, competitionBody(w.fundID, compOpts{tiers: big}))
	r := w.h.do("POST", "/v1/competitions", competitionBody(w.fundID, compOpts{tiers: big}), bearerHeader(w.charityAdminA)...)
	second := r.str("id")
	if r := w.h.do("POST", "/v1/competitions/"+second+"/phase", `{"to":"open"}`, bearerHeader(w.charityAdminA)...); r.Status != 409 {
		t.Fatalf("publish beyond the fund: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/competitions/"+second, "", bearerHeader(w.charityAdminA)...); r.str("phase") != "draft" {
		t.Fatalf("refused publication changed the phase: %s", r.Raw)
	}
	small := strings.Replace(competitionBody(w.fundID, compOpts{tiers: big}), `"count":2,"amountFen":300000`, `"count":2,"amountFen":200000`, 1)
	if r := w.h.do("PUT", "/v1/competitions/"+second, small, bearerHeader(w.charityAdminA)...); r.Status != 200 || r.num("poolFen") != 400_000 {
		t.Fatalf("lower the pool: %d %s", r.Status, r.Raw)
	}
	w.move(t, second, "open")
	f := w.h.do("GET", "/v1/funds/"+w.fundID, "")
	if f.num("reservedFen") != 1_000_000 || f.num("remainingFen") != 0 {
		t.Fatalf("fund: %s", f.Raw)
	}
	// Publishing again changes nothing.
	w.move(t, first, "open")
	if f := w.h.do("GET", "/v1/funds/"+w.fundID, ""); f.num("reservedFen") != 1_000_000 {
		t.Fatalf("fund after a repeated publication: %s", f.Raw)
	}
	if rec := w.h.do("GET", "/v1/funds/"+w.fundID+"/reconciliation", "", bearerHeader(w.charityAdminA)...); rec.Body["ok"] != true {
		t.Fatalf("reconciliation: %s", rec.Raw)
	}
}
