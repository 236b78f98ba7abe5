package handlers_test

import (
	"strings"
	"testing"
	"time"
)

// Competitions: who may do what across scopes, input validation, and
// publishing only with the money reserved.

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
