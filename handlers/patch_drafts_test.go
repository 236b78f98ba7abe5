package handlers_test

import "testing"

// Partial updates of drafts: applications for funds and competitions.

// An organisation's admin patches a draft application: one milestone list,
// one budget line; the rest stays. A submitted application is no longer
// patched, and nothing changes when a patch is refused.
func TestPatchApplicationDraft(t *testing.T) {
	w := newFundWorld(t)
	swID, _ := w.supervisor(t, "13100000041")
	fundID := w.fund(t, w.charityAdminA, fundBody(w.charityA, 1_000_000, 1000, 100_000, ""))
	r := w.h.do("POST", "/v1/applications", applicationBody(w.orgA, fundID, swID, 100_000, ""), bearerHeader(w.adminA)...)
	if r.Status != 201 {
		t.Fatalf("draft: %d %s", r.Status, r.Raw)
	}
	path := "/v1/applications/" + r.str("id")
	before := w.h.do("GET", path, "", bearerHeader(w.adminA)...).Body
	r = w.h.do("PATCH", path, `{"budget":{"serviceActivitiesFen":1200000},"summary":null}`, withMergePatch(w.adminA)...)
	if r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Raw)
	}
	after := w.h.do("GET", path, "", bearerHeader(w.adminA)...).Body
	sameExcept(t, "the draft", before, after, "budget", "budgetTotalFen", "summary")
	if b := after["budget"].(map[string]any); b["serviceActivitiesFen"] != 1200000.0 || b["salaryFen"] != 3000000.0 || after["summary"] != nil && after["summary"] != "" {
		t.Errorf("patched draft: %v", after)
	}
	snap := snapshot(t, w.h)
	for _, c := range []struct {
		body, tok string
		status    int
	}{
		{`{"title":null}`, w.adminA, 422},
		{`{"budget":{"salaryFen":-1}}`, w.adminA, 422},
		{`{"milestones":[{"name":"一次拨付","due":"明年三月","tranchePercent":100}]}`, w.adminA, 422},
		{`{"title":"别人的项目"}`, w.adminB, 404},
	} {
		if r := w.h.do("PATCH", path, c.body, withMergePatch(c.tok)...); r.Status != c.status {
			t.Errorf("%s: %d %s", c.body, r.Status, r.Raw)
		}
	}
	unchanged(t, "refused patches", snap, snapshot(t, w.h))
	// The organisation is fixed once drafted: ignored, as by PUT.
	if r := w.h.do("PATCH", path, `{"organisationId":"`+w.orgB+`"}`, withMergePatch(w.adminA)...); r.Status != 200 || r.Body["organisationId"] != w.orgA {
		t.Errorf("patch of the organisation: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", path+"/submission", "", bearerHeader(w.adminA)...); r.Status != 200 {
		t.Fatalf("submit: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("PATCH", path, `{"title":"提交后改名"}`, withMergePatch(w.adminA)...); r.Status != 409 {
		t.Errorf("patch of a submitted application: %d %s", r.Status, r.Raw)
	}
}

// The organiser patches a draft competition's name and one tier; the rest
// (schedule, rubric, regions, the fund) stays. The fund cannot be removed or
// changed, someone else's patch changes nothing, and a published
// competition is fixed.
func TestPatchCompetitionDraft(t *testing.T) {
	w := newCompWorld(t)
	r := w.h.do("POST", "/v1/competitions", competitionBody(w.fundID, compOpts{vote: true}), bearerHeader(w.charityAdminA)...)
	if r.Status != 201 {
		t.Fatalf("draft: %d %s", r.Status, r.Raw)
	}
	path := "/v1/competitions/" + r.str("id")
	before := w.h.do("GET", path, "", bearerHeader(w.charityAdminA)...).Body
	r = w.h.do("PATCH", path, `{"name":"2027 中原区社区公益创投大赛","voteWeightPercent":30}`, withMergePatch(w.charityAdminA)...)
	if r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Raw)
	}
	after := w.h.do("GET", path, "", bearerHeader(w.charityAdminA)...).Body
	sameExcept(t, "the draft competition", before, after, "name", "voteWeightPercent")
	if after["name"] != "2027 中原区社区公益创投大赛" || after["voteWeightPercent"] != 30.0 || after["publicVote"] != true {
		t.Errorf("patched competition: %v", after)
	}
	snap := snapshot(t, w.h)
	for _, c := range []struct {
		body, tok string
		status    int
	}{
		{`{"fundId":null}`, w.charityAdminA, 422},
		{`{"name":null}`, w.charityAdminA, 422},
		{`{"tiers":[{"code":"first_prize","name":"一等奖","count":1,"amountFen":900000000}]}`, w.charityAdminA, 422}, // beyond the fund
		{`{"schedule":{"reviewAt":"2020-01-01T00:00:00Z"}}`, w.charityAdminA, 422},                                // before opening
		{`{"name":"别人的大赛"}`, w.adminB, 403},
	} {
		if r := w.h.do("PATCH", path, c.body, withMergePatch(c.tok)...); r.Status != c.status {
			t.Errorf("%s: %d, want %d: %s", c.body, r.Status, c.status, r.Raw)
		}
	}
	unchanged(t, "refused patches", snap, snapshot(t, w.h))
	w.move(t, after["id"].(string), "open")
	if r := w.h.do("PATCH", path, `{"summary":"发布后修改"}`, withMergePatch(w.charityAdminA)...); r.Status != 409 {
		t.Errorf("patch of a published competition: %d %s", r.Status, r.Raw)
	}
}
