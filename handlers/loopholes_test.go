package handlers_test

import (
	"strings"
	"testing"
)

// The loopholes of issue 18, each reproduced: what was accepted is now refused.

// TestNoGrantToOneself: a charity that applies to its own fund cannot
// approve its own application (issue 18: it could); the refusal is
// recorded, the fund keeps its money, and a rejection stays possible.
func TestNoGrantToOneself(t *testing.T) {
	w := newFundWorld(t)
	sw, _ := w.supervisor(t, "13100000061")
	fund := w.fund(t, w.charityAdminA, fundBody(w.charityA, 10_000_000, 10_000, 1_000_000, ""))
	app := w.submitted(t, w.charityAdminA, applicationBody(w.charityA, fund, sw, 50_000, ""))
	before := w.h.do("GET", "/v1/funds/"+fund, "", bearerHeader(w.charityAdminA)...)
	r := w.h.do("POST", "/v1/applications/"+app+"/decision", `{"decision":"approve","amountFen":50000}`, bearerHeader(w.charityAdminA)...)
	if r.Status != 409 || r.str("code") != "conflict-of-interest" {
		t.Fatalf("a charity approves its own application: %d %s", r.Status, r.Raw)
	}
	if after := w.h.do("GET", "/v1/funds/"+fund, "", bearerHeader(w.charityAdminA)...); after.Raw != before.Raw {
		t.Fatalf("the fund changed: %s → %s", before.Raw, after.Raw)
	}
	if a := w.h.do("GET", "/v1/applications/"+app, "", bearerHeader(w.charityAdminA)...); a.str("status") != "submitted" {
		t.Fatalf("the application after the refusal: %s", a.Raw)
	}
	if l := w.h.do("GET", "/v1/audit?limit=100", "", bearerHeader(w.city)...); !strings.Contains(l.Raw, `"action":"grant.conflict_of_interest"`) {
		t.Fatalf("the refusal is not in the audit log: %s", l.Raw)
	}
	if r := w.h.do("POST", "/v1/applications/"+app+"/decision", `{"decision":"reject","reason":"本机构项目应向其他资金申报"}`, bearerHeader(w.charityAdminA)...); r.Status != 200 {
		t.Fatalf("rejecting one's own application: %d %s", r.Status, r.Raw)
	}
}

// TestStandingRules: an exited agency cannot be recognised as a charity,
// and only a social-work agency can be made a demonstration organisation
// (issue 18: both were accepted).
func TestStandingRules(t *testing.T) {
	w := newWorld(t)
	if r := w.h.do("POST", "/v1/organisations/"+w.orgA+"/status", `{"to":"exited","reason":"long_term_inactivity","note":"连续两年未开展业务"}`, bearerHeader(w.zhongyuan)...); r.Status != 200 {
		t.Fatalf("exit: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/organisations/"+w.orgA+"/charity-recognition", `{"recognised":true,"recognisedOn":"2026-01-01"}`, bearerHeader(w.zhongyuan)...); r.Status != 409 {
		t.Fatalf("an exited agency recognised as a charity: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/organisations/"+w.orgB+"/evaluations", evaluationBody("grade_4a", today(-1), ""), bearerHeader(w.erqi)...); r.Status != 201 {
		t.Fatalf("evaluation: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/organisations/"+w.orgB+"/status", `{"to":"demonstration","note":"评定"}`, bearerHeader(w.erqi)...); r.Status != 200 {
		t.Fatalf("an active agency made a demonstration organisation: %d %s", r.Status, r.Raw)
	}
	veterans := w.h.do("POST", "/v1/organisations", strings.Replace(orgBody(t, 72, "social_work_agency", "410102", `,"status":"active"`),
		`"domains":["social_welfare"]`, `"domains":["veteran_services"]`, 1), bearerHeader(w.zhongyuan)...)
	if veterans.Status != 201 {
		t.Fatalf("agency: %d %s", veterans.Status, veterans.Raw)
	}
	if r := w.h.do("POST", "/v1/organisations/"+veterans.str("id")+"/status", `{"to":"demonstration","note":"评定"}`, bearerHeader(w.zhongyuan)...); r.Status != 422 || !strings.Contains(r.Raw, "body.to") {
		t.Fatalf("an agency outside the nine demonstration domains: %d %s", r.Status, r.Raw)
	}
	charity := w.h.do("POST", "/v1/organisations", orgBody(t, 71, "charity_organisation", "410102", `,"status":"active"`), bearerHeader(w.zhongyuan)...)
	if charity.Status != 201 {
		t.Fatalf("charity: %d %s", charity.Status, charity.Raw)
	}
	if r := w.h.do("POST", "/v1/organisations/"+charity.str("id")+"/status", `{"to":"demonstration","note":"评定"}`, bearerHeader(w.zhongyuan)...); r.Status != 422 || !strings.Contains(r.Raw, "body.to") {
		t.Fatalf("a charity made a demonstration organisation: %d %s", r.Status, r.Raw)
	}
}

// TestBoundSocialWorkerOnTheCEList: a social worker whom civil affairs
// binds to an organisation (a role binding, no membership record) counts
// toward the targets, so they are on the organisation's continuing
// education list too (issue 18: only members were listed).
func TestBoundSocialWorkerOnTheCEList(t *testing.T) {
	w := newWorld(t)
	r := w.h.do("POST", "/v1/accounts", `{"phone":"13100000081","password":"secret-pass","name":"绑定社工","role":"social_worker","organisationId":"`+w.orgA+`"}`, bearerHeader(w.zhongyuan)...)
	if r.Status != 201 {
		t.Fatalf("bind a social worker: %d %s", r.Status, r.Raw)
	}
	id := r.str("id")
	tok, _ := w.h.login("13100000081", "secret-pass")
	body := `{"certificate":{"level":"social_worker","number":"SW2022-0081","issuedOn":"2022-06-01"},"post":{"level":"social_worker","grade":2},"domains":["social_welfare"]}`
	if r := w.h.do("PUT", "/v1/me/social-worker-profile", body, bearerHeader(tok)...); r.Status != 200 {
		t.Fatalf("profile: %d %s", r.Status, r.Raw)
	}
	list := w.h.do("GET", "/v1/organisations/"+w.orgA+"/ce-compliance", "", bearerHeader(w.zhongyuan)...)
	if list.Status != 200 || !strings.Contains(list.Raw, `"accountId":"`+id+`"`) || !strings.Contains(list.Raw, "绑定社工") {
		t.Fatalf("the bound social worker is not on the CE list: %d %s", list.Status, list.Raw)
	}
	if strings.Count(list.Raw, `"accountId":"`+id+`"`) != 1 {
		t.Fatalf("listed more than once: %s", list.Raw)
	}
}
