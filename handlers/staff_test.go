package handlers_test

import (
	"strings"
	"testing"
)

// TestHandoverTakesTheCommitteeAtOnce: civil affairs hands a committee to
// a new person; the old holder's tokens no longer run the committee at the
// very next request (their login itself stays), and the new holder runs it.
func TestHandoverTakesTheCommitteeAtOnce(t *testing.T) {
	w := newWorld(t)
	h := w.h
	old := w.communityAdmin(t, w.zhongyuan, "13900300001", bishagang)
	_, oldRefresh := h.login("13900300001", "secret-pass")
	oldID := accountID(t, h, old)
	committeeOnly := "/v1/volunteers?community=" + bishagang
	if r := h.do("GET", committeeOnly, "", bearerHeader(old)...); r.Status != 200 {
		t.Fatalf("the committee lists its volunteers: %d %s", r.Status, r.Raw)
	}
	path := "/v1/communities/" + bishagang + "/handover"
	body := `{"phone":"13900300002","name":"新书记","password":"secret-pass","reason":"换届"}`
	for name, c := range map[string]struct {
		tok, path, body string
		status          int
	}{
		"another district":            {w.erqi, path, body, 403},
		"an organisation admin":       {w.adminA, path, body, 403},
		"the committee itself":        {old, path, body, 403},
		"a volunteer":                 {w.volunteer, path, body, 403},
		"no such community":           {w.zhongyuan, "/v1/communities/410102999999/handover", body, 422},
		"a street, not a community":   {w.zhongyuan, "/v1/communities/410102001/handover", body, 422},
		"a new person without a name": {w.zhongyuan, path, `{"phone":"13900300009"}`, 422},
	} {
		if r := h.do("POST", c.path, c.body, bearerHeader(c.tok)...); r.Status != c.status {
			t.Errorf("%s: %d, want %d: %s", name, r.Status, c.status, r.Raw)
		}
	}
	if r := h.do("GET", committeeOnly, "", bearerHeader(old)...); r.Status != 200 {
		t.Fatalf("refused handovers changed the committee: %d", r.Status)
	}

	r := h.do("POST", path, body, bearerHeader(w.zhongyuan)...)
	if r.Status != 200 || r.Body["created"] != true || r.str("admin", "phone") != "139****0002" { // masked: the official needs no more
		t.Fatalf("handover: %d %s", r.Status, r.Raw)
	}
	if removed := r.Body["removed"].([]any); len(removed) != 1 || removed[0] != oldID {
		t.Fatalf("removed %v, want [%s]", removed, oldID)
	}
	newID := r.str("admin", "id")
	// Within one request: the old holder's access token no longer runs the
	// committee, though it still logs them in, as does its refresh token.
	if r := h.do("GET", committeeOnly, "", bearerHeader(old)...); r.Status != 403 {
		t.Fatalf("the old holder's token after the handover: %d %s", r.Status, r.Raw)
	}
	if r := h.me(old); r.Status != 200 {
		t.Fatalf("the old holder's login after the handover: %d %s", r.Status, r.Raw)
	}
	r2 := h.do("POST", "/v1/auth/refresh", `{"refreshToken":"`+oldRefresh+`"}`)
	if r2.Status != 200 || strings.Contains(r2.Raw, "community_admin") {
		t.Fatalf("the old holder's refresh token: %d %s", r2.Status, r2.Raw)
	}
	if r := h.do("GET", committeeOnly, "", bearerHeader(r2.str("accessToken"))...); r.Status != 403 {
		t.Fatalf("the old holder after a refresh: %d %s", r.Status, r.Raw)
	}
	newTok, _ := h.login("13900300002", "secret-pass")
	if r := h.do("GET", committeeOnly, "", bearerHeader(newTok)...); r.Status != 200 {
		t.Fatalf("the new holder: %d %s", r.Status, r.Raw)
	}
	// Handing back to an existing account: no account created, the second holder loses it.
	r = h.do("POST", path, `{"phone":"13900300001"}`, bearerHeader(w.zhongyuan)...)
	if r.Status != 200 || r.Body["created"] != false || r.str("admin", "id") != oldID || len(r.Body["removed"].([]any)) != 1 || r.Body["removed"].([]any)[0] != newID {
		t.Fatalf("handing back: %d %s", r.Status, r.Raw)
	}
	if r := h.do("GET", committeeOnly, "", bearerHeader(newTok)...); r.Status != 403 {
		t.Errorf("the second holder's token after handing back: %d", r.Status)
	}
	if r := h.do("GET", committeeOnly, "", bearerHeader(old)...); r.Status != 200 {
		t.Errorf("the first holder's old token after handing back: %d", r.Status)
	}
	if a := h.do("GET", "/v1/audit", "", bearerHeader(w.zhongyuan)...); strings.Count(a.Raw, `"action":"community.handover"`) != 2 {
		t.Errorf("audit: %s", a.Raw)
	}
}

// TestRemoveRole: an organisation's admin removes its social worker's
// binding, civil affairs an admin's; each loses the binding at their next
// request, and keeps their logins (authority_test.go has the attacks).
func TestRemoveRole(t *testing.T) {
	w := newWorld(t)
	h := w.h
	swID, swTok := w.staffSocialWorker(t, w.adminA, w.orgA, "13900300011")
	_, swRefresh := h.login("13900300011", "secret-pass")
	remove := func(tok, id, body string) response {
		return h.do("POST", "/v1/accounts/"+id+"/roles/remove", body, bearerHeader(tok)...)
	}
	sw := `{"role":"social_worker","organisationId":"` + w.orgA + `","reason":"离职"}`
	for name, c := range map[string]struct {
		tok, body string
		status    int
	}{
		"another organisation's admin":      {w.adminB, sw, 403},
		"civil affairs of another district": {w.erqi, sw, 403},
		"the social worker":                 {swTok, sw, 403},
		"a volunteer":                       {w.volunteer, sw, 403},
		"the volunteer role":                {w.adminA, `{"role":"volunteer"}`, 422},
		"no organisation":                   {w.adminA, `{"role":"social_worker"}`, 422},
		"a binding not held":                {w.zhongyuan, `{"role":"community_admin","communityCode":"` + bishagang + `"}`, 404},
	} {
		if r := remove(c.tok, swID, c.body); r.Status != c.status {
			t.Errorf("%s: %d, want %d: %s", name, r.Status, c.status, r.Raw)
		}
	}
	if r := h.me(swTok); r.Status != 200 {
		t.Fatalf("refused removals ended the login: %d", r.Status)
	}
	r := remove(w.adminA, swID, sw)
	if r.Status != 200 || strings.Contains(r.Raw, `"social_worker"`) {
		t.Fatalf("remove: %d %s", r.Status, r.Raw)
	}
	if r := h.me(swTok); r.Status != 200 {
		t.Fatalf("the social worker's token after removal: %d", r.Status)
	}
	if r := h.do("GET", "/v1/organisations/"+w.orgA+"/members", "", bearerHeader(swTok)...); r.Status != 403 {
		t.Fatalf("the removed binding still authorises: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/auth/refresh", `{"refreshToken":"`+swRefresh+`"}`); r.Status != 200 || strings.Contains(r.Raw, `"social_worker"`) {
		t.Fatalf("the social worker's refresh token: %d %s", r.Status, r.Raw)
	}
	if r := h.do("GET", "/v1/organisations/"+w.orgA+"/members", "", bearerHeader(w.adminA)...); r.Status != 200 || strings.Contains(r.Raw, swID) {
		t.Errorf("the membership outlived the binding: %d %s", r.Status, r.Raw)
	}
	if r := remove(w.adminA, swID, sw); r.Status != 404 {
		t.Errorf("removing twice: %d", r.Status)
	}
	// Civil affairs removes an organisation admin's binding in its district.
	adminID := accountID(t, h, w.adminA)
	if r := remove(w.zhongyuan, adminID, `{"role":"org_admin","organisationId":"`+w.orgA+`"}`); r.Status != 200 {
		t.Fatalf("civil affairs removes an org admin: %d %s", r.Status, r.Raw)
	}
	if r := h.me(w.adminA); r.Status != 200 {
		t.Errorf("the org admin's login after removal: %d", r.Status)
	}
	if r := h.do("GET", "/v1/organisations/"+w.orgA+"/members", "", bearerHeader(w.adminA)...); r.Status != 403 {
		t.Errorf("the org admin's removed binding still authorises: %d", r.Status)
	}
	if a := h.do("GET", "/v1/audit", "", bearerHeader(w.zhongyuan)...); strings.Count(a.Raw, `"action":"account.role_removed"`) != 2 {
		t.Errorf("audit: %s", a.Raw)
	}
}

// TestDeactivateAccount: deactivation ends every login and stops logging
// in; reactivation lets the person in again.
func TestDeactivateAccount(t *testing.T) {
	w := newWorld(t)
	h := w.h
	committee := w.communityAdmin(t, w.zhongyuan, "13900300021", bishagang)
	_, committeeRefresh := h.login("13900300021", "secret-pass")
	cid := accountID(t, h, committee)
	deactivate := func(tok, id string) response {
		return h.do("POST", "/v1/accounts/"+id+"/deactivate", `{"reason":"违规"}`, bearerHeader(tok)...)
	}
	for name, c := range map[string]struct {
		tok, id string
		status  int
	}{
		"another district":          {w.erqi, cid, 403},
		"an org admin":              {w.adminA, cid, 403},
		"a volunteer":               {w.volunteer, cid, 403},
		"oneself":                   {w.zhongyuan, accountID(t, h, w.zhongyuan), 403},
		"no such account":           {w.zhongyuan, "nobody", 404},
		"an org admin, a volunteer": {w.adminA, w.volunteerID, 403},
	} {
		if r := deactivate(c.tok, c.id); r.Status != c.status {
			t.Errorf("%s: %d, want %d: %s", name, r.Status, c.status, r.Raw)
		}
	}
	if r := deactivate(w.zhongyuan, cid); r.Status != 200 || r.str("status") != "deactivated" {
		t.Fatalf("deactivate: %d %s", r.Status, r.Raw)
	}
	if r := h.me(committee); r.Status != 401 {
		t.Errorf("token of a deactivated account: %d", r.Status)
	}
	if r := h.do("POST", "/v1/auth/refresh", `{"refreshToken":"`+committeeRefresh+`"}`); r.Status != 401 {
		t.Errorf("refresh of a deactivated account: %d", r.Status)
	}
	if r := h.do("POST", "/v1/auth/login", `{"phone":"13900300021","password":"secret-pass"}`); r.Status != 403 {
		t.Errorf("login of a deactivated account: %d", r.Status)
	}
	if r := deactivate(w.zhongyuan, cid); r.Status != 200 {
		t.Errorf("deactivating twice: %d", r.Status)
	}
	if r := h.do("POST", "/v1/accounts/"+cid+"/reactivate", `{}`, bearerHeader(w.zhongyuan)...); r.Status != 200 || r.str("status") != "active" {
		t.Fatalf("reactivate: %d %s", r.Status, r.Raw)
	}
	h.login("13900300021", "secret-pass")
	// An organisation's admin may not deactivate its own social worker (it
	// removes its binding instead); the district may; the city its volunteers.
	swID, swTok := w.staffSocialWorker(t, w.adminA, w.orgA, "13900300022")
	if r := deactivate(w.adminA, swID); r.Status != 403 {
		t.Fatalf("org admin deactivates its social worker: %d %s", r.Status, r.Raw)
	}
	if r := deactivate(w.zhongyuan, swID); r.Status != 200 {
		t.Fatalf("the district deactivates a social worker: %d %s", r.Status, r.Raw)
	}
	if r := h.me(swTok); r.Status != 401 {
		t.Errorf("the social worker's token: %d", r.Status)
	}
	if r := deactivate(w.city, w.volunteerID); r.Status != 200 {
		t.Fatalf("the city deactivates a volunteer: %d %s", r.Status, r.Raw)
	}
	a := h.do("GET", "/v1/audit", "", bearerHeader(w.zhongyuan)...)
	if strings.Count(a.Raw, `"action":"account.deactivated"`) < 2 || !strings.Contains(a.Raw, `"action":"account.reactivated"`) {
		t.Errorf("audit: %s", a.Raw)
	}
}
