package handlers_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestFundSuggestions: the funds that fit a need, best first, with reasons;
// funds of another domain or area, closed or spent are left out.
func TestFundSuggestions(t *testing.T) {
	w := newFundWorld(t)
	zy, eq := w.committees(t)
	needID := w.postNeed(t, zy, `,"budgetFen":40000`)
	now := time.Now().UTC()
	window := func(from, to time.Duration) string {
		return fmt.Sprintf(`"opensAt":%q,"closesAt":%q`, now.Add(from).Format(time.RFC3339), now.Add(to).Format(time.RFC3339))
	}
	post := func(name, regions, domains, groups, win string, total, min int64) string {
		return w.fund(t, w.charityAdminA, fmt.Sprintf(`{"ownerOrgId":%q,"name":%q,"totalFen":%d,"domains":%s,"targetGroups":%s,"regions":%s,`+
			`"grantMinFen":%d,"grantMaxFen":%d,%s}`, w.charityA, name, total, domains, groups, regions, min, total, win))
	}
	county := post("中原区助老基金", `["410102"]`, `["social_welfare"]`, `["older_people"]`, window(-time.Hour, 240*time.Hour), 1_000_000, 1000)
	city := post("全市社区基金", `["4101"]`, `["social_welfare","community_governance"]`, `[]`, window(-time.Hour, 240*time.Hour), 1_000_000, 1000)
	later := post("明年开放的基金", `["410102001"]`, `["social_welfare"]`, `[]`, window(48*time.Hour, 480*time.Hour), 1_000_000, 1000)
	post("其他领域", `["410102"]`, `["community_governance"]`, `[]`, window(-time.Hour, 240*time.Hour), 1_000_000, 1000)
	post("二七区基金", `["410103"]`, `["social_welfare"]`, `[]`, window(-time.Hour, 240*time.Hour), 1_000_000, 1000)
	post("只助儿童", `["410102"]`, `["social_welfare"]`, `["children_in_difficulty"]`, window(-time.Hour, 240*time.Hour), 1_000_000, 1000)
	post("已截止", `["410102"]`, `["social_welfare"]`, `[]`, window(-240*time.Hour, -time.Hour), 1_000_000, 1000)
	spent := post("已用完", `["410102"]`, `["social_welfare"]`, `[]`, window(-time.Hour, 240*time.Hour), 100_000, 60_000)
	// Spend it: 50,000 left, below its 60,000 minimum grant.
	swID, _ := w.supervisor(t, "13100000041")
	app := w.submitted(t, w.adminA, applicationBody(w.orgA, spent, swID, 60_000, ""))
	if r := w.h.do("POST", "/v1/applications/"+app+"/decision", `{"decision":"approve","amountFen":50000}`, bearerHeader(w.charityAdminA)...); r.Status != 200 {
		t.Fatalf("spend: %d %s", r.Status, r.Raw)
	}

	r := w.h.do("GET", "/v1/needs/"+needID+"/funds", "", bearerHeader(zy)...)
	if r.Status != 200 {
		t.Fatalf("suggestions: %d %s", r.Status, r.Raw)
	}
	var got []string
	for _, it := range r.items() {
		got = append(got, it["fund"].(map[string]any)["id"].(string))
		if len(it["reasons"].([]any)) == 0 {
			t.Fatalf("a suggestion without reasons: %v", it)
		}
	}
	// county: 40 domain + 20 group + 15 county + 10 open + 10 budget = 95;
	// later: 40 + 10 any group + 20 township + 0 not yet open + 10 = 80;
	// city: 40 + 10 + 10 city + 10 + 10 = 80; of equal scores the open one comes first.
	want := []string{county, city, later}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("suggested %v, want %v: %s", got, want, r.Raw)
	}
	if r.items()[0]["score"].(float64) != 95 {
		t.Fatalf("top score: %s", r.Raw)
	}
	if r := w.h.do("GET", "/v1/needs/"+needID+"/funds", ""); r.Status != 401 {
		t.Fatalf("without login: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/needs/no-such-need/funds", "", bearerHeader(eq)...); r.Status != 404 {
		t.Fatalf("unknown need: %d %s", r.Status, r.Raw)
	}
}

// TestEvaluatorLeaves: an evaluator who leaves the institution loses the
// binding (removed by the institution's admin) and can evaluate nothing more.
func TestEvaluatorLeaves(t *testing.T) {
	w := newFundWorld(t)
	r := w.h.do("POST", "/v1/organisations", orgBody(t, 34, "supervision_evaluation_institution", "410102", `,"status":"active"`), bearerHeader(w.zhongyuan)...)
	if r.Status != 201 {
		t.Fatalf("institution: %d %s", r.Status, r.Raw)
	}
	inst := r.str("id")
	evID := w.h.register("13100000052")
	if r := w.h.do("POST", "/v1/organisations/"+inst+"/members", `{"phone":"13100000052","role":"evaluator"}`, bearerHeader(w.zhongyuan)...); r.Status != 201 {
		t.Fatalf("evaluator: %d %s", r.Status, r.Raw)
	}
	tok, _ := w.h.login("13100000052", "secret-pass")
	body := `{"role":"evaluator","organisationId":"` + inst + `","reason":"已离职"}`
	if r := w.h.do("POST", "/v1/accounts/"+evID+"/roles/remove", body, bearerHeader(w.adminA)...); r.Status != 403 {
		t.Fatalf("another organisation's admin removes the evaluator: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/accounts/"+evID+"/roles/remove", body, bearerHeader(w.zhongyuan)...); r.Status != 200 {
		t.Fatalf("civil affairs removes the evaluator: %d %s", r.Status, r.Raw)
	}
	// The binding is gone from the person's next request (authority_test.go
	// shows a removed binding authorising nothing); their login stays.
	if r := w.h.me(tok); r.Status != 200 || strings.Contains(r.Raw, `"evaluator"`) {
		t.Fatalf("the old evaluator after the removal: %d %s", r.Status, r.Raw)
	}
}

// TestPowersEndWithStanding: a suspended or exited organisation loses its
// powers over its fund's money and its projects at once.
func TestPowersEndWithStanding(t *testing.T) {
	w := newFundWorld(t)
	swID, swTok := w.supervisor(t, "13100000041")
	fundID := w.fund(t, w.charityAdminA, fundBody(w.charityA, 1_000_000, 1000, 100_000, ""))
	approved := w.submitted(t, w.adminA, applicationBody(w.orgA, fundID, swID, 50_000, ""))
	pending := w.submitted(t, w.adminA, applicationBody(w.orgA, fundID, swID, 50_000, ""))
	if r := w.h.do("POST", "/v1/applications/"+approved+"/decision", `{"decision":"approve","amountFen":50000}`, bearerHeader(w.charityAdminA)...); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Raw)
	}
	m0 := "/v1/applications/" + approved + "/milestones/0"
	if r := w.h.do("POST", m0+"/report", `{"report":"已完成 40 户独居老人需求评估并建档"}`, bearerHeader(w.adminA)...); r.Status != 201 {
		t.Fatalf("report: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", m0+"/verification", `{"note":"抽查 5 户，属实"}`, bearerHeader(swTok)...); r.Status != 200 {
		t.Fatalf("verify: %d %s", r.Status, r.Raw)
	}
	ledger := func() int64 { return w.h.do("GET", "/v1/funds/"+fundID, "").num("ledgerSeq") }
	before := ledger()

	// Civil affairs suspends the applicant: it can no longer report.
	if r := w.h.do("POST", "/v1/organisations/"+w.orgA+"/status", `{"to":"suspended","note":"整改"}`, bearerHeader(w.zhongyuan)...); r.Status != 200 {
		t.Fatalf("suspend the agency: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/applications/"+approved+"/milestones/1/report", `{"report":"探访服务已全部完成并总结"}`, bearerHeader(w.adminA)...); r.Status != 403 {
		t.Fatalf("a suspended organisation reports: %d %s", r.Status, r.Raw)
	}
	// The charity exits: its admin can no longer decide, release or post.
	if r := w.h.do("POST", "/v1/organisations/"+w.charityA+"/status", `{"to":"exited","reason":"long_term_inactivity"}`, bearerHeader(w.zhongyuan)...); r.Status != 200 {
		t.Fatalf("the charity exits: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/applications/"+pending+"/decision", `{"decision":"approve","amountFen":50000}`, bearerHeader(w.charityAdminA)...); r.Status != 403 {
		t.Fatalf("an exited charity approves: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", m0+"/release", "", bearerHeader(w.charityAdminA)...); r.Status != 403 {
		t.Fatalf("an exited charity releases a tranche: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/funds", fundBody(w.charityA, 10_000, 1000, 10_000, ""), bearerHeader(w.charityAdminA)...); r.Status != 409 {
		t.Fatalf("an exited charity posts a fund: %d %s", r.Status, r.Raw)
	}
	if after := ledger(); after != before {
		t.Fatalf("the ledger moved: seq %v → %v", before, after)
	}
	if r := w.h.do("GET", "/v1/applications/"+pending, "", bearerHeader(w.adminA)...); r.str("status") != "submitted" {
		t.Fatalf("the pending application changed: %s", r.Raw)
	}
}
