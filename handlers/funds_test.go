package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
)

// fundWorld is the small city plus two charities (one per county), each
// with a charity_admin, and helpers to post funds and applications.
type fundWorld struct {
	*world
	charityA, charityB string // organisation ids
	charityAdminA      string // tokens
	charityAdminB      string
}

func newFundWorld(t *testing.T, opts ...harnessOpt) *fundWorld {
	t.Helper()
	w := &fundWorld{world: newWorld(t, opts...)}
	make := func(tok string, serial int, division, phone string) (string, string) {
		r := w.h.do("POST", "/v1/organisations", orgBody(t, serial, "charity_organisation", division, `,"status":"active"`), bearerHeader(tok)...)
		if r.Status != 201 {
			t.Fatalf("create charity: %d %s", r.Status, r.Raw)
		}
		id := r.str("id")
		w.h.register(phone)
		if r := w.h.do("POST", "/v1/organisations/"+id+"/members", `{"phone":"`+phone+`","role":"charity_admin"}`, bearerHeader(tok)...); r.Status != 201 {
			t.Fatalf("add charity admin: %d %s", r.Status, r.Raw)
		}
		admin, _ := w.h.login(phone, "secret-pass")
		return id, admin
	}
	w.charityA, w.charityAdminA = make(w.zhongyuan, 31, "410102", "13100000031")
	w.charityB, w.charityAdminB = make(w.erqi, 32, "410103", "13100000032")
	return w
}

// fundBody is a charity's fund of total fen serving 中原区, open now.
func fundBody(owner string, total, min, max int64, extra string) string {
	now := time.Now().UTC()
	return fmt.Sprintf(`{"ownerOrgId":%q,"name":"社区助老项目资金","totalFen":%d,"domains":["social_welfare","community_governance"],`+
		`"regions":["410102"],"grantMinFen":%d,"grantMaxFen":%d,"opensAt":%q,"closesAt":%q%s}`,
		owner, total, min, max, now.Add(-time.Hour).Format(time.RFC3339), now.Add(30*24*time.Hour).Format(time.RFC3339), extra)
}

func (w *fundWorld) fund(t *testing.T, tok, body string) string {
	t.Helper()
	r := w.h.do("POST", "/v1/funds", body, bearerHeader(tok)...)
	if r.Status != 201 {
		t.Fatalf("create fund: %d %s", r.Status, r.Raw)
	}
	return r.str("id")
}

// applicationBody is a complete application of org to fund, with two
// milestones (40% / 60%) supervised by supervisor.
func applicationBody(org, fund, supervisor string, requested int64, extra string) string {
	return fmt.Sprintf(`{"organisationId":%q,"fundId":%q,"title":"独居老人关爱行动","summary":"为社区独居老人提供探访与陪伴",`+
		`"domains":["social_welfare"],"targetGroup":"older_people","beneficiaries":40,"regions":["410102001002"],"supervisorId":%q,`+
		`"milestones":[{"name":"需求评估与建档","due":"2027-03-01","tranchePercent":40},{"name":"探访服务与总结","due":"2027-09-01","tranchePercent":60}],`+
		`"budget":{"salaryFen":3000000,"supervisionTrainingFen":500000,"serviceActivitiesFen":1000000,"projectManagementFen":500000},`+
		`"requestedFen":%d%s}`, org, fund, supervisor, requested, extra)
}

// submitted drafts and submits an application; returns its id.
func (w *fundWorld) submitted(t *testing.T, tok, body string) string {
	t.Helper()
	r := w.h.do("POST", "/v1/applications", body, bearerHeader(tok)...)
	if r.Status != 201 {
		t.Fatalf("create application: %d %s", r.Status, r.Raw)
	}
	id := r.str("id")
	if r := w.h.do("POST", "/v1/applications/"+id+"/submission", "", bearerHeader(tok)...); r.Status != 200 {
		t.Fatalf("submit application: %d %s", r.Status, r.Raw)
	}
	return id
}

func TestFundsPostAndDisclose(t *testing.T) {
	w := newFundWorld(t)
	// Only the charity's own admin posts its funds.
	if r := w.h.do("POST", "/v1/funds", fundBody(w.charityA, 1_000_000, 1000, 100_000, ""), bearerHeader(w.charityAdminB)...); r.Status != 403 {
		t.Fatalf("another charity's admin: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/funds", fundBody(w.orgA, 1_000_000, 1000, 100_000, ""), bearerHeader(w.adminA)...); r.Status != 403 && r.Status != 422 {
		t.Fatalf("a social-work agency posting a fund: %d %s", r.Status, r.Raw)
	}
	for _, c := range []struct{ body, loc string }{
		{fundBody(w.charityA, -5, 1000, 100_000, ""), "body.totalFen"},
		{fundBody(w.charityA, 1_000_000, 1000, 2_000_000, ""), "body.grantMaxFen"},
		{strings.Replace(fundBody(w.charityA, 1_000_000, 1000, 100_000, ""), `"410102"`, `"999999"`, 1), "body.regions[0]"},
		{strings.Replace(fundBody(w.charityA, 1_000_000, 1000, 100_000, ""), `"community_governance"`, `"astrology"`, 1), "body.domains[1]"},
	} {
		r := w.h.do("POST", "/v1/funds", c.body, bearerHeader(w.charityAdminA)...)
		if r.Status != 422 || !strings.Contains(r.Raw, c.loc) {
			t.Fatalf("want 422 at %s, got %d %s", c.loc, r.Status, r.Raw)
		}
	}
	id := w.fund(t, w.charityAdminA, fundBody(w.charityA, 1_000_000, 1000, 100_000, ""))

	// Public: no token needed to list and read funds.
	r := w.h.do("GET", "/v1/funds/"+id, "")
	if r.Status != 200 || r.num("remainingFen") != 1_000_000 || r.num("totalFen") != 1_000_000 || r.Body["open"] != true {
		t.Fatalf("public fund: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/funds?region=410102001002", ""); r.Status != 200 || len(r.items()) != 1 {
		t.Fatalf("funds serving a community: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/funds?region=410103", ""); r.Status != 200 || len(r.items()) != 0 {
		t.Fatalf("funds serving 二七区: %d %s", r.Status, r.Raw)
	}
	// The ledger is for the fund's managers and civil affairs, not for another charity.
	if r := w.h.do("GET", "/v1/funds/"+id+"/ledger", "", bearerHeader(w.charityAdminB)...); r.Status != 403 {
		t.Fatalf("another charity reads the ledger: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/funds/"+id+"/ledger", "", bearerHeader(w.zhongyuan)...); r.Status != 200 || len(r.items()) != 1 {
		t.Fatalf("civil affairs reads the ledger: %d %s", r.Status, r.Raw)
	}
}

// TestApprovalRace: 500 simultaneous approvals against a fund with room
// for exactly 100 grants: exactly 100 succeed, the fund never goes below
// zero, and the ledger's sums match.
func TestApprovalRace(t *testing.T) {
	if testing.Short() {
		t.Skip("500 concurrent approvals")
	}
	w := newFundWorld(t)
	const grant, room, racers = 10_000, 100, 500
	fundID := w.fund(t, w.charityAdminA, fundBody(w.charityA, grant*room, 1000, grant, ""))
	// The applications are prepared in the store (what is contested is the approval).
	ids := w.storedApplications(t, fundID, "race-app", racers, grant)
	statuses := w.approveAtOnce(t, ids, grant, func(i int) string { return "race-" + ids[i] })
	ok := 0
	for _, s := range statuses {
		if s == 200 {
			ok++
		}
	}
	if ok != room {
		t.Fatalf("%d approvals succeeded, want exactly %d", ok, room)
	}
	f := w.h.do("GET", "/v1/funds/"+fundID, "")
	if f.num("remainingFen") != 0 || f.num("grantedFen") != grant*room {
		t.Fatalf("fund after the race: %s", f.Raw)
	}
	rec := w.h.do("GET", "/v1/funds/"+fundID+"/reconciliation", "", bearerHeader(w.charityAdminA)...)
	if rec.Status != 200 || rec.Body["ok"] != true || rec.num("entries") != room+1 || rec.num("grantsFen") != grant*room {
		t.Fatalf("reconciliation: %d %s", rec.Status, rec.Raw)
	}
	// No entry of the ledger ever went below zero.
	entries, err := w.h.db.Funds().Entries(context.Background(), fundID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.BalanceFen < 0 {
			t.Fatalf("seq %d went negative: %+v", e.Seq, e.FundBalance)
		}
	}
	// Exactly the winners hold grants, and they are disclosed publicly.
	granted := 0
	for _, id := range ids {
		if r := w.h.do("GET", "/v1/applications/"+id, "", bearerHeader(w.charityAdminA)...); r.str("status") == "approved" {
			granted++
		}
	}
	if granted != room {
		t.Fatalf("%d applications approved, want %d", granted, room)
	}
	pub := w.h.do("GET", "/v1/grants?fundId="+fundID+"&limit=100", "")
	if pub.Status != 200 || len(pub.items()) != room {
		t.Fatalf("public grants: %d %d", pub.Status, len(pub.items()))
	}
}

// TestConcurrentApprovalsLeaveNoneUndecidable: 300 simultaneous approvals
// of different applications (half with an Idempotency-Key) against a fund
// with room for 100: no answer is a server error or "unavailable", exactly
// 100 are approved and the rest refused, and every application the fund
// could not cover can still be decided afterwards.
func TestConcurrentApprovalsLeaveNoneUndecidable(t *testing.T) {
	if testing.Short() {
		t.Skip("300 concurrent approvals")
	}
	w := newFundWorld(t)
	const grant, room, racers = 10_000, 100, 300
	fundID := w.fund(t, w.charityAdminA, fundBody(w.charityA, grant*room, 1000, grant, ""))
	ids := w.storedApplications(t, fundID, "undecided-app", racers, grant)
	statuses := w.approveAtOnce(t, ids, grant, func(i int) string {
		if i%2 == 0 {
			return "approve-" + ids[i]
		}
		return "" // half without a key
	})
	approved := 0
	for _, s := range statuses {
		if s == 200 {
			approved++
		}
	}
	if approved != room {
		t.Fatalf("%d approvals succeeded, want exactly %d", approved, room)
	}
	// Every application is either approved (and answered 200) or still
	// undecided, and then a rejection with a reason decides it.
	for i, id := range ids {
		a := w.h.do("GET", "/v1/applications/"+id, "", bearerHeader(w.charityAdminA)...)
		if (a.str("status") == "approved") != (statuses[i] == 200) {
			t.Fatalf("%s answered %d but is %s", id, statuses[i], a.str("status"))
		}
		if statuses[i] == 200 {
			continue
		}
		if r := w.h.do("POST", "/v1/applications/"+id+"/decision", `{"decision":"reject","reason":"资金已用完"}`, bearerHeader(w.charityAdminA)...); r.Status != 200 || r.str("status") != "rejected" {
			t.Fatalf("%s cannot be decided after a refused approval: %d %s", id, r.Status, r.Raw)
		}
	}
	f := w.h.do("GET", "/v1/funds/"+fundID, "")
	if f.num("remainingFen") != 0 || f.num("grantedFen") != grant*room {
		t.Fatalf("fund after the race: %s", f.Raw)
	}
	rec := w.h.do("GET", "/v1/funds/"+fundID+"/reconciliation", "", bearerHeader(w.charityAdminA)...)
	if rec.Status != 200 || rec.Body["ok"] != true || rec.num("entries") != room+1 || rec.num("grantsFen") != grant*room {
		t.Fatalf("reconciliation: %d %s", rec.Status, rec.Raw)
	}
}

// TestApprovalIdempotencyKey: replaying an approval with the same
// Idempotency-Key has one effect, however many times and however
// concurrently; a different request under the key is refused.
func TestApprovalIdempotencyKey(t *testing.T) {
	w := newFundWorld(t)
	swID, _ := w.supervisor(t, "13100000041")
	fundID := w.fund(t, w.charityAdminA, fundBody(w.charityA, 1_000_000, 1000, 100_000, ""))
	app := w.submitted(t, w.adminA, applicationBody(w.orgA, fundID, swID, 50_000, ""))
	key := append(bearerHeader(w.charityAdminA), "Idempotency-Key", "approve-"+app)
	var wg sync.WaitGroup
	var mu sync.Mutex
	replays, firsts := 0, 0
	for range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := w.h.do("POST", "/v1/applications/"+app+"/decision", `{"decision":"approve","amountFen":40000}`, key...)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case r.Status == 200 && r.Body["replayed"] == true:
				replays++
			case r.Status == 200:
				firsts++
			default:
				t.Errorf("replay: %d %s", r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	if firsts != 1 || replays != 59 {
		t.Fatalf("first effects %d, replays %d; want 1 and 59", firsts, replays)
	}
	f := w.h.do("GET", "/v1/funds/"+fundID, "")
	if f.num("grantedFen") != 40_000 || f.num("remainingFen") != 960_000 || f.num("ledgerSeq") != 2 {
		t.Fatalf("one effect: %s", f.Raw)
	}
	// The same key for a different amount, or a new key on a decided application: 409.
	if r := w.h.do("POST", "/v1/applications/"+app+"/decision", `{"decision":"approve","amountFen":45000}`, key...); r.Status != 409 || r.str("code") != "already-decided" {
		t.Fatalf("same key, other amount: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/applications/"+app+"/decision", `{"decision":"approve","amountFen":40000}`,
		append(bearerHeader(w.charityAdminA), "Idempotency-Key", "another")...); r.Status != 409 || r.str("code") != "already-decided" {
		t.Fatalf("second key: %d %s", r.Status, r.Raw)
	}
	// Bad input changes nothing.
	for _, c := range []struct{ body, loc string }{
		{`{"decision":"approve","amountFen":0}`, "body.amountFen"},
		{`{"decision":"reject"}`, "body.reason"},
		{`{"decision":"maybe"}`, "body.decision"},
	} {
		other := w.submitted(t, w.adminA, applicationBody(w.orgA, fundID, swID, 50_000, ""))
		r := w.h.do("POST", "/v1/applications/"+other+"/decision", c.body, bearerHeader(w.charityAdminA)...)
		if r.Status != 422 || !strings.Contains(r.Raw, c.loc) {
			t.Fatalf("%s: want 422 at %s, got %d %s", c.body, c.loc, r.Status, r.Raw)
		}
	}
	if r := w.h.do("POST", "/v1/applications/"+app+"/decision", `{"decision":"approve","amountFen":60000}`, bearerHeader(w.charityAdminA)...); r.Status != 409 {
		t.Fatalf("approving twice: %d %s", r.Status, r.Raw)
	}
	other := w.submitted(t, w.adminA, applicationBody(w.orgA, fundID, swID, 50_000, ""))
	if r := w.h.do("POST", "/v1/applications/"+other+"/decision", `{"decision":"approve","amountFen":60000}`, bearerHeader(w.charityAdminA)...); r.Status != 422 {
		t.Fatalf("more than requested: %d %s", r.Status, r.Raw)
	}
	if f2 := w.h.do("GET", "/v1/funds/"+fundID, ""); f2.num("ledgerSeq") != 2 {
		t.Fatalf("refused approvals wrote to the ledger: %s", f2.Raw)
	}
}

// TestApplicationScopes is the cross-scope matrix of applications and funds.
func TestApplicationScopes(t *testing.T) {
	w := newFundWorld(t)
	swID, swTok := w.supervisor(t, "13100000041")
	fundA := w.fund(t, w.charityAdminA, fundBody(w.charityA, 1_000_000, 1000, 100_000, ""))
	r := w.h.do("POST", "/v1/applications", applicationBody(w.orgA, fundA, swID, 50_000, ""), bearerHeader(w.adminA)...)
	if r.Status != 201 || r.str("status") != "draft" || !strings.Contains(r.str("organisationName"), "社会工作服务中心") {
		t.Fatalf("draft: %d %s", r.Status, r.Raw)
	}
	draft := r.str("id")
	// Another organisation's admin cannot apply in orgA's name, nor read, edit or list its draft.
	if r := w.h.do("POST", "/v1/applications", applicationBody(w.orgA, fundA, swID, 50_000, ""), bearerHeader(w.adminB)...); r.Status != 403 {
		t.Fatalf("apply for another organisation: %d %s", r.Status, r.Raw)
	}
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/v1/applications/" + draft, ""},
		{"PUT", "/v1/applications/" + draft, applicationBody(w.orgA, fundA, swID, 1, "")},
		{"POST", "/v1/applications/" + draft + "/submission", ""},
	} {
		for name, tok := range map[string]string{"orgB": w.adminB, "funder": w.charityAdminA, "other charity": w.charityAdminB, "supervisor": swTok, "volunteer": w.volunteer} {
			if r := w.h.do(c.method, c.path, c.body, bearerHeader(tok)...); r.Status != 404 {
				t.Fatalf("%s %s %s of a draft: %d %s", name, c.method, c.path, r.Status, r.Raw)
			}
		}
	}
	if r := w.h.do("GET", "/v1/applications?organisationId="+w.orgA, "", bearerHeader(w.adminB)...); r.Status != 403 {
		t.Fatalf("list another organisation's: %d %s", r.Status, r.Raw)
	}
	// The funder lists submitted applications only; drafts stay hidden.
	if r := w.h.do("GET", "/v1/applications?fundId="+fundA, "", bearerHeader(w.charityAdminA)...); r.Status != 200 || len(r.items()) != 0 {
		t.Fatalf("funder sees drafts: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/applications/"+draft+"/submission", "", bearerHeader(w.adminA)...); r.Status != 200 || r.str("status") != "submitted" {
		t.Fatalf("submit: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/applications?fundId="+fundA, "", bearerHeader(w.charityAdminA)...); r.Status != 200 || len(r.items()) != 1 {
		t.Fatalf("funder's list: %d %s", r.Status, r.Raw)
	}
	// A charity manages only its own funds: charity B can neither list, decide nor reconcile A's.
	if r := w.h.do("GET", "/v1/applications?fundId="+fundA, "", bearerHeader(w.charityAdminB)...); r.Status != 403 {
		t.Fatalf("other charity lists: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/applications/"+draft+"/decision", `{"decision":"approve","amountFen":1000}`, bearerHeader(w.charityAdminB)...); r.Status != 404 {
		t.Fatalf("other charity decides: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/applications/"+draft+"/decision", `{"decision":"approve","amountFen":1000}`, bearerHeader(w.adminA)...); r.Status != 403 {
		t.Fatalf("the applicant approves itself: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/funds/"+fundA+"/reconciliation", "", bearerHeader(w.charityAdminB)...); r.Status != 403 {
		t.Fatalf("other charity reconciles: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/funds/"+fundA+"/report", "", bearerHeader(w.adminA)...); r.Status != 403 {
		t.Fatalf("applicant reads the fund report: %d %s", r.Status, r.Raw)
	}
	// The supervisor and civil affairs over the organisation may read the submitted application.
	for name, tok := range map[string]string{"supervisor": swTok, "civil affairs": w.zhongyuan, "funder": w.charityAdminA} {
		if r := w.h.do("GET", "/v1/applications/"+draft, "", bearerHeader(tok)...); r.Status != 200 {
			t.Fatalf("%s reads a submitted application: %d %s", name, r.Status, r.Raw)
		}
	}
	if r := w.h.do("GET", "/v1/applications/"+draft, "", bearerHeader(w.erqi)...); r.Status != 404 {
		t.Fatalf("another county's civil affairs: %d %s", r.Status, r.Raw)
	}
}

// num reads a number at path (0 when absent).
func (r response) num(path ...string) int64 {
	var v any = r.Body
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return 0
		}
		v = m[p]
	}
	f, _ := v.(float64)
	return int64(f)
}

// items is the list of a list answer.
func (r response) items() []map[string]any {
	list, _ := r.Body["items"].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, it := range list {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// TestDecisionIsClaimedOnce: an approval and a rejection racing for one
// application: exactly one decision is made, and the fund agrees with it;
// an approval the fund cannot cover leaves the application undecided.
func TestDecisionIsClaimedOnce(t *testing.T) {
	w := newFundWorld(t)
	swID, _ := w.supervisor(t, "13100000041")
	fundID := w.fund(t, w.charityAdminA, fundBody(w.charityA, 100_000, 1000, 100_000, ""))
	for round := range 5 {
		app := w.submitted(t, w.adminA, applicationBody(w.orgA, fundID, swID, 10_000, ""))
		var wg sync.WaitGroup
		codes := make([]int, 20)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				body := `{"decision":"approve","amountFen":10000}`
				if i%2 == 1 {
					body = `{"decision":"reject","reason":"预算不合理"}`
				}
				codes[i] = w.h.do("POST", "/v1/applications/"+app+"/decision", body, bearerHeader(w.charityAdminA)...).Status
			}()
		}
		wg.Wait()
		ok := 0
		for _, c := range codes {
			if c == 200 {
				ok++
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: %d decisions succeeded: %v", round, ok, codes)
		}
		a := w.h.do("GET", "/v1/applications/"+app, "", bearerHeader(w.charityAdminA)...)
		g := w.h.do("GET", "/v1/grants?fundId="+fundID+"&limit=100", "")
		granted := strings.Contains(g.Raw, app)
		if (a.str("status") == "approved") != granted {
			t.Fatalf("round %d: status %s but granted=%v", round, a.str("status"), granted)
		}
	}
	// An approval the fund cannot cover leaves the application undecided: it can be approved for less.
	small := w.fund(t, w.charityAdminA, fundBody(w.charityA, 50_000, 1000, 50_000, ""))
	first := w.submitted(t, w.adminA, applicationBody(w.orgA, small, swID, 30_000, ""))
	if r := w.h.do("POST", "/v1/applications/"+first+"/decision", `{"decision":"approve","amountFen":30000}`, bearerHeader(w.charityAdminA)...); r.Status != 200 {
		t.Fatalf("first approval: %d %s", r.Status, r.Raw)
	}
	big := w.submitted(t, w.adminA, applicationBody(w.orgA, small, swID, 50_000, ""))
	if r := w.h.do("POST", "/v1/applications/"+big+"/decision", `{"decision":"approve","amountFen":20001}`, bearerHeader(w.charityAdminA)...); r.Status != 409 || r.str("code") != "insufficient-funds" {
		t.Fatalf("approval beyond the remaining money: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/applications/"+big+"/decision", `{"decision":"approve","amountFen":20000}`, bearerHeader(w.charityAdminA)...); r.Status != 200 {
		t.Fatalf("approval within the remaining money after a refused one: %d %s", r.Status, r.Raw)
	}
	if f := w.h.do("GET", "/v1/funds/"+small, ""); f.num("remainingFen") != 0 {
		t.Fatalf("fund after: %s", f.Raw)
	}
}

// storedApplications puts n submitted applications for grant to fundID
// straight into the store (what a race test contests is the approval).
func (w *fundWorld) storedApplications(t *testing.T, fundID, prefix string, n int, grant int64) []string {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s-%03d", prefix, i)
		a := &models.Application{ID: ids[i], OrganisationID: w.orgA, FundID: fundID, Title: fmt.Sprintf("项目%d", i),
			Status: models.AppSubmitted, RequestedFen: grant, CreatedAt: now, UpdatedAt: now, SubmittedAt: &now,
			Milestones: []models.Milestone{{Name: "全部", Due: "2027-06-01", TranchePercent: 100}}}
		if err := w.h.db.Applications().CreateApplication(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// approveAtOnce sends the charity's approval of every application at the
// same moment (key(i) is its Idempotency-Key, "" for none) and returns the
// statuses; anything but 200 or 409 fails the test.
func (w *fundWorld) approveAtOnce(t *testing.T, ids []string, grant int64, key func(i int) string) []int {
	t.Helper()
	var wg sync.WaitGroup
	statuses := make([]int, len(ids))
	start := make(chan struct{})
	for i := range ids {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			headers := bearerHeader(w.charityAdminA)
			if k := key(i); k != "" {
				headers = append(headers, "Idempotency-Key", k)
			}
			r := w.h.do("POST", "/v1/applications/"+ids[i]+"/decision", fmt.Sprintf(`{"decision":"approve","amountFen":%d}`, grant), headers...)
			statuses[i] = r.Status
			if r.Status != 200 && r.Status != 409 {
				t.Errorf("approval %d: %d %s", i, r.Status, r.Raw)
			}
		}(i)
	}
	close(start)
	wg.Wait()
	return statuses
}
