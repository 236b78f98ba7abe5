package handlers_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
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
