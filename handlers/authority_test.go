package handlers_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

// The breaches of issue 14 where a binding gave power over the whole
// person: an organisation's admin (or a county official) attached any
// account to their scope, then ended all of its logins or deactivated it.
// Each test reproduces the attack through HTTP and shows that it now fails.

// tokenRoles reads the role bindings an access token lists (its claims, not
// verified: what a client would see).
func tokenRoles(t *testing.T, tok string) []map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Roles []map[string]any `json:"roles"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c.Roles
}

func removeBinding(w *world, tok, id, body string) response {
	return w.h.do("POST", "/v1/accounts/"+id+"/roles/remove", body, bearerHeader(tok)...)
}

// TestOrgAdminCannotAttachAnOfficial: an organisation's admin adds the
// city official's (or a county official's) phone as a member: refused, and
// the official's account and login are untouched. A county official cannot
// attach the city official either.
func TestOrgAdminCannotAttachAnOfficial(t *testing.T) {
	w := newWorld(t)
	h := w.h
	cityID := accountID(t, h, w.city)
	for name, c := range map[string]struct{ tok, org, phone string }{
		"org admin adds the city official":       {w.adminA, w.orgA, "13100000001"},
		"org admin adds its county's official":   {w.adminA, w.orgA, "13100000002"},
		"org admin adds another county official": {w.adminB, w.orgB, "13100000002"},
		"county official adds the city official": {w.zhongyuan, w.orgA, "13100000001"},
	} {
		for _, role := range []string{"social_worker", "org_admin"} {
			r := h.do("POST", "/v1/organisations/"+c.org+"/members", `{"phone":"`+c.phone+`","role":"`+role+`"}`, bearerHeader(c.tok)...)
			if r.Status != 403 || strings.Contains(r.Raw, c.phone) || strings.Contains(r.Raw, "测试用户") {
				t.Errorf("%s as %s: %d %s", name, role, r.Status, r.Raw)
			}
		}
	}
	me := h.me(w.city)
	if me.Status != 200 || len(me.Body["roles"].([]any)) != 1 {
		t.Fatalf("the city official after the attempts: %d %s", me.Status, me.Raw)
	}
	// Nothing to remove, so no way to touch the official's logins.
	if r := removeBinding(w, w.adminA, cityID, `{"role":"social_worker","organisationId":"`+w.orgA+`"}`); r.Status != 404 {
		t.Errorf("removing a binding never given: %d %s", r.Status, r.Raw)
	}
	for _, org := range []string{w.orgA, w.orgB} {
		if r := h.do("GET", "/v1/organisations/"+org+"/members", "", bearerHeader(w.city)...); r.Status != 200 || strings.Contains(r.Raw, cityID) {
			t.Errorf("the official became a member of %s: %d %s", org, r.Status, r.Raw)
		}
	}
}

// TestRemovingABindingKeepsThePersonsLogins: an organisation's admin adds
// an ordinary volunteer (the answer shows no name and a masked phone), then
// removes the binding. The volunteer's logins keep working; the binding
// authorises nothing from the next request on.
func TestRemovingABindingKeepsThePersonsLogins(t *testing.T) {
	w := newWorld(t)
	h := w.h
	_, refresh := h.login("13100000013", "secret-pass") // a second login of the volunteer
	members := "/v1/organisations/" + w.orgA + "/members"
	if r := h.do("GET", members, "", bearerHeader(w.volunteer)...); r.Status != 403 {
		t.Fatalf("the volunteer reads orgA's roll before being added: %d", r.Status)
	}
	r := h.do("POST", members, `{"phone":"13100000013","role":"social_worker"}`, bearerHeader(w.adminA)...)
	if r.Status != 202 || strings.Contains(r.Raw, w.volunteerID) || r.str("phone") != "131****0013" || strings.Contains(r.Raw, "测试用户") {
		t.Fatalf("add member: %d %s", r.Status, r.Raw)
	}
	acceptOffer(t, h, w.volunteer, r)
	// The binding authorises at once, with a token issued before it.
	if r := h.do("GET", members, "", bearerHeader(w.volunteer)...); r.Status != 200 {
		t.Fatalf("the new social worker reads the roll: %d %s", r.Status, r.Raw)
	}
	sw := `{"role":"social_worker","organisationId":"` + w.orgA + `","reason":"误加"}`
	if r := removeBinding(w, w.adminA, w.volunteerID, sw); r.Status != 200 || strings.Contains(r.Raw, `"social_worker"`) {
		t.Fatalf("remove: %d %s", r.Status, r.Raw)
	}
	if r := h.me(w.volunteer); r.Status != 200 {
		t.Fatalf("the volunteer's login after the removal: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/auth/refresh", `{"refreshToken":"`+refresh+`"}`); r.Status != 200 {
		t.Fatalf("the volunteer's other login after the removal: %d %s", r.Status, r.Raw)
	}
	if r := h.do("GET", members, "", bearerHeader(w.volunteer)...); r.Status != 403 {
		t.Fatalf("the removed binding still authorises: %d %s", r.Status, r.Raw)
	}
}

// TestRemovedBindingStopsAtOnce: a social worker's token lists the
// binding; once it is removed (its gate cached in Redis before and after)
// the same token is refused what the binding allowed, yet still logs in.
func TestRemovedBindingStopsAtOnce(t *testing.T) {
	w := newWorld(t)
	h := w.h
	swID, swTok := w.staffSocialWorker(t, w.adminA, w.orgA, "13900400001")
	members := "/v1/organisations/" + w.orgA + "/members"
	if r := h.do("GET", members, "", bearerHeader(swTok)...); r.Status != 200 { // the gate is now cached
		t.Fatalf("the social worker reads the roll: %d %s", r.Status, r.Raw)
	}
	if r := removeBinding(w, w.adminA, swID, `{"role":"social_worker","organisationId":"`+w.orgA+`"}`); r.Status != 200 {
		t.Fatalf("remove: %d %s", r.Status, r.Raw)
	}
	listed := false
	for _, b := range tokenRoles(t, swTok) {
		listed = listed || b["role"] == "social_worker" && b["organisationId"] == w.orgA
	}
	if !listed {
		t.Fatalf("the token does not list the binding: %v", tokenRoles(t, swTok))
	}
	if r := h.do("GET", members, "", bearerHeader(swTok)...); r.Status != 403 {
		t.Fatalf("a removed binding listed in the token: %d %s", r.Status, r.Raw)
	}
	if r := h.me(swTok); r.Status != 200 || strings.Contains(r.Raw, `"social_worker"`) {
		t.Fatalf("me after the removal: %d %s", r.Status, r.Raw)
	}
}

// TestOrgAdminCannotDeactivate: an organisation's admin deactivates
// neither a volunteer it attached nor its own social worker, and cannot
// re-activate one whom civil affairs deactivated; civil affairs acts only
// when its division covers every scope the account holds, its volunteer
// home community included.
func TestOrgAdminCannotDeactivate(t *testing.T) {
	w := newWorld(t)
	h := w.h
	deactivate := func(tok, id string) response {
		return h.do("POST", "/v1/accounts/"+id+"/deactivate", `{"reason":"违规"}`, bearerHeader(tok)...)
	}
	reactivate := func(tok, id string) response {
		return h.do("POST", "/v1/accounts/"+id+"/reactivate", `{}`, bearerHeader(tok)...)
	}
	// A volunteer living in 二七区, attached to orgA (中原区) by its admin.
	erqiCommunity := "410103001001"
	vID, vTok := w.volunteerWith(t, h.do, "13900400011", strings.Replace(volunteerBody(residentID(411), ""), bishagang, erqiCommunity, 1))
	addMemberAccepted(t, h, w.adminA, w.orgA, "13900400011", "social_worker")
	swID, swTok := w.staffSocialWorker(t, w.adminA, w.orgA, "13900400012")
	for name, c := range map[string]struct{ tok, id string }{
		"org admin, an attached volunteer":     {w.adminA, vID},
		"org admin, its own social worker":     {w.adminA, swID},
		"org admin, a plain volunteer":         {w.adminA, w.volunteerID},
		"county of the binding, not the home":  {w.zhongyuan, vID},
		"county of the home, not the binding":  {w.erqi, vID},
		"another county's social worker":       {w.erqi, swID},
		"another organisation's admin":         {w.adminB, swID},
		"a county official, the city official": {w.zhongyuan, accountID(t, h, w.city)},
	} {
		if r := deactivate(c.tok, c.id); r.Status != 403 {
			t.Errorf("%s: %d %s", name, r.Status, r.Raw)
		}
	}
	for _, tok := range []string{vTok, swTok, w.volunteer, w.city} {
		if r := h.me(tok); r.Status != 200 {
			t.Fatalf("refused deactivations ended a login: %d %s", r.Status, r.Raw)
		}
	}
	// The city covers both; the district covers its own social worker.
	if r := deactivate(w.city, vID); r.Status != 200 {
		t.Fatalf("the city deactivates: %d %s", r.Status, r.Raw)
	}
	if r := deactivate(w.zhongyuan, swID); r.Status != 200 {
		t.Fatalf("the district deactivates its social worker: %d %s", r.Status, r.Raw)
	}
	for name, c := range map[string]struct{ tok, id string }{
		"org admin re-activates the attached volunteer": {w.adminA, vID},
		"org admin re-activates its social worker":      {w.adminA, swID},
		"the district, a volunteer living elsewhere":    {w.zhongyuan, vID},
	} {
		if r := reactivate(c.tok, c.id); r.Status != 403 {
			t.Errorf("%s: %d %s", name, r.Status, r.Raw)
		}
	}
	if r := h.do("POST", "/v1/auth/login", `{"phone":"13900400011","password":"secret-pass"}`); r.Status != 403 {
		t.Errorf("the deactivated volunteer logs in: %d %s", r.Status, r.Raw)
	}
	if r := reactivate(w.city, vID); r.Status != 200 || r.str("status") != "active" {
		t.Fatalf("the city re-activates: %d %s", r.Status, r.Raw)
	}
}

// TestCountyGrantShowsOnlyItsBinding: a county official gives the city
// official's account a committee in its district: refused, with nothing
// of the account in the answer (an official of a division the county does
// not govern is not even offered a role). A person wholly inside the
// district (its own organisation's social worker) gets the committee at
// once (audited); the answer shows that binding only, with the phone
// masked; the county may then remove it, which leaves the person's logins
// alone. The county may not deactivate the city official.
func TestCountyGrantShowsOnlyItsBinding(t *testing.T) {
	w := newWorld(t)
	h := w.h
	cityID := accountID(t, h, w.city)
	r := h.do("POST", "/v1/accounts", `{"phone":"13100000001","role":"community_admin","communityCode":"`+bishagang+`"}`, bearerHeader(w.zhongyuan)...)
	if r.Status != 403 || strings.Contains(r.Raw, cityID) || strings.Contains(r.Raw, "131****0001") || strings.Contains(r.Raw, `"4101"`) {
		t.Fatalf("grant to the city official: %d %s", r.Status, r.Raw)
	}
	if me := h.me(w.city); len(me.Body["roles"].([]any)) != 1 {
		t.Fatalf("the city official after the attempt: %s", me.Raw)
	}
	swID, swTok := w.staffSocialWorker(t, w.adminA, w.orgA, "13900400021")
	r = h.do("POST", "/v1/accounts", `{"phone":"13900400021","role":"community_admin","communityCode":"`+bishagang+`"}`, bearerHeader(w.zhongyuan)...)
	if r.Status != 200 || r.str("id") != swID || r.str("phone") != "139****0021" || strings.Contains(r.Raw, "social_worker") {
		t.Fatalf("grant to an account inside the district: %d %s", r.Status, r.Raw)
	}
	if roles := r.Body["roles"].([]any); len(roles) != 1 || roles[0].(map[string]any)["communityCode"] != bishagang {
		t.Fatalf("roles shown: %v", roles)
	}
	if r := removeBinding(w, w.zhongyuan, swID, `{"role":"community_admin","communityCode":"`+bishagang+`"}`); r.Status != 200 {
		t.Fatalf("the county removes its committee binding: %d %s", r.Status, r.Raw)
	}
	if r := h.me(swTok); r.Status != 200 {
		t.Fatalf("the person's login after the removal: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/accounts/"+cityID+"/deactivate", `{"reason":"x"}`, bearerHeader(w.zhongyuan)...); r.Status != 403 {
		t.Fatalf("a county deactivates the city official: %d %s", r.Status, r.Raw)
	}
	if r := h.do("GET", "/v1/audit", "", bearerHeader(w.city)...); !strings.Contains(r.Raw, `"action":"account.role_granted"`) || !strings.Contains(r.Raw, `"action":"account.role_removed"`) {
		t.Errorf("audit: %s", r.Raw)
	}
}

// TestSuspendedOrganisationLosesMembersAndNeeds: a suspended organisation's
// admin can no longer bring people in or post needs for it, and an offer it
// made before cannot be accepted afterwards (issue 14: status follows
// organisations; funds, grants and tranches are in TestPowersEndWithStanding).
func TestSuspendedOrganisationLosesMembersAndNeeds(t *testing.T) {
	w := newWorld(t)
	h := w.h
	h.register("13100500001")
	offer := h.do("POST", "/v1/organisations/"+w.orgA+"/members", `{"phone":"13100500001","role":"social_worker"}`, bearerHeader(w.adminA)...)
	if offer.Status != 202 {
		t.Fatalf("offer: %d %s", offer.Status, offer.Raw)
	}
	draft := h.do("POST", "/v1/needs", needBody(zhongyuanCommunity, `,"organisationId":"`+w.orgA+`"`), bearerHeader(w.adminA)...)
	if draft.Status != 201 {
		t.Fatalf("draft need: %d %s", draft.Status, draft.Raw)
	}
	if r := h.do("POST", "/v1/organisations/"+w.orgA+"/status", `{"to":"suspended","note":"整改"}`, bearerHeader(w.zhongyuan)...); r.Status != 200 {
		t.Fatalf("suspend: %d %s", r.Status, r.Raw)
	}
	h.register("13100500002")
	if r := h.do("POST", "/v1/organisations/"+w.orgA+"/members", `{"phone":"13100500002","role":"social_worker"}`, bearerHeader(w.adminA)...); r.Status < 400 || r.Status >= 500 {
		t.Errorf("a suspended organisation adds a member: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/needs", needBody(zhongyuanCommunity, `,"organisationId":"`+w.orgA+`"`), bearerHeader(w.adminA)...); r.Status != 403 {
		t.Errorf("a suspended organisation posts a need: %d %s", r.Status, r.Raw)
	}
	if r := h.do("PUT", "/v1/needs/"+draft.str("id"), needBody(zhongyuanCommunity, ""), bearerHeader(w.adminA)...); r.Status != 403 {
		t.Errorf("a suspended organisation edits its draft need: %d %s", r.Status, r.Raw)
	}
	person, _ := h.login("13100500001", "secret-pass")
	if r := h.do("POST", "/v1/me/role-offers/"+offer.str("id")+"/accept", "", bearerHeader(person)...); r.Status != 409 {
		t.Errorf("accepting a suspended organisation's offer: %d %s", r.Status, r.Raw)
	}
	if r := h.me(person); strings.Contains(r.Raw, w.orgA) {
		t.Errorf("the person got the binding: %s", r.Raw)
	}
	if r := h.do("GET", "/v1/organisations/"+w.orgA+"/members?limit=100", "", bearerHeader(w.zhongyuan)...); strings.Contains(r.Raw, "13100500001") || strings.Contains(r.Raw, "13100500002") {
		t.Errorf("the roll grew: %s", r.Raw)
	}
}
