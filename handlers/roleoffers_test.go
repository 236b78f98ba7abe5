package handlers_test

import (
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Consent for power over a person (issue 14): an organisation's admin adding
// a member, or civil affairs giving a role to an account beyond its
// division, makes an offer the person accepts; until then nothing changes.

// acceptOffer has the person (tok) accept the offer answered in r (a 202).
func acceptOffer(t *testing.T, h *harness, tok string, r response) response {
	t.Helper()
	if r.Status != 202 || r.str("status") != "pending" || r.str("id") == "" {
		t.Fatalf("want a pending offer (202): %d %s", r.Status, r.Raw)
	}
	a := h.do("POST", "/v1/me/role-offers/"+r.str("id")+"/accept", "", bearerHeader(tok)...)
	if a.Status != 200 || a.str("status") != "accepted" {
		t.Fatalf("accept the offer: %d %s", a.Status, a.Raw)
	}
	return a
}

// addMemberAccepted adds phone to org as role by tok: at once (201) or by
// an offer its person (logging in with secret-pass) accepts.
func addMemberAccepted(t *testing.T, h *harness, tok, org, phone, role string) {
	t.Helper()
	r := h.do("POST", "/v1/organisations/"+org+"/members", `{"phone":"`+phone+`","role":"`+role+`"}`, bearerHeader(tok)...)
	switch r.Status {
	case 201:
	case 202:
		person, _ := h.login(phone, "secret-pass")
		acceptOffer(t, h, person, r)
	default:
		t.Fatalf("add member %s: %d %s", phone, r.Status, r.Raw)
	}
}

// rolesOf lists the role codes of an account read back through GET /v1/me.
func rolesOf(t *testing.T, h *harness, tok string) []string {
	t.Helper()
	r := h.me(tok)
	if r.Status != 200 {
		t.Fatalf("me: %d %s", r.Status, r.Raw)
	}
	var out []string
	for _, b := range r.Body["roles"].([]any) {
		m := b.(map[string]any)
		out = append(out, m["role"].(string)+"@"+str(m["organisationId"])+str(m["communityCode"])+str(m["divisionCode"]))
	}
	return out
}

func str(v any) string { s, _ := v.(string); return s }

// TestOrgAdminAddIsAnOffer: the admin's add changes nothing until the person
// accepts; the answer is the same offer shape for a registered and an
// unregistered phone (no name, the phone masked, no account id). The person
// sees the offer in their list and inbox, accepts it, and only then holds
// the binding and appears on the roll. Accepting again answers the same.
func TestOrgAdminAddIsAnOffer(t *testing.T) {
	w := newWorld(t)
	h := w.h
	members := "/v1/organisations/" + w.orgA + "/members"
	before := rolesOf(t, h, w.volunteer)
	roll := func() string {
		r := h.do("GET", members, "", bearerHeader(w.zhongyuan)...)
		if r.Status != 200 {
			t.Fatalf("roll: %d %s", r.Status, r.Raw)
		}
		return r.Raw
	}

	reg := h.do("POST", members, `{"phone":"13100000013","role":"social_worker"}`, bearerHeader(w.adminA)...)
	unreg := h.do("POST", members, `{"phone":"13100000099","role":"social_worker"}`, bearerHeader(w.adminA)...)
	for name, r := range map[string]response{"registered": reg, "unregistered": unreg} {
		if r.Status != 202 || r.str("status") != "pending" || r.str("role") != "social_worker" || r.str("organisationId") != w.orgA ||
			!strings.HasSuffix(r.str("phone"), "****"+r.str("phone")[7:]) || strings.Count(r.str("phone"), "*") != 4 {
			t.Fatalf("%s: %d %s", name, r.Status, r.Raw)
		}
		if strings.Contains(r.Raw, "测试用户") || strings.Contains(r.Raw, w.volunteerID) || strings.Contains(r.Raw, "accountId") ||
			strings.Contains(r.Raw, "1310000001") || strings.Contains(r.Raw, "1310000009") {
			t.Errorf("%s: the answer tells about the account: %s", name, r.Raw)
		}
		exp, err := time.Parse(time.RFC3339, r.str("expiresAt"))
		if err != nil || exp.Before(time.Now().Add(6*24*time.Hour)) || exp.After(time.Now().Add(8*24*time.Hour)) {
			t.Errorf("%s: expiresAt %q", name, r.str("expiresAt"))
		}
	}
	if shapeOf(reg.Body) != shapeOf(unreg.Body) {
		t.Errorf("the two answers differ in shape: %s / %s", shapeOf(reg.Body), shapeOf(unreg.Body))
	}
	// Asking again is the same offer.
	if again := h.do("POST", members, `{"phone":"13100000013","role":"social_worker"}`, bearerHeader(w.adminA)...); again.Status != 202 || again.str("id") != reg.str("id") {
		t.Errorf("asking again: %d %s", again.Status, again.Raw)
	}

	// Nothing changed: the account, the roll, the volunteer's access.
	if got := rolesOf(t, h, w.volunteer); strings.Join(got, ",") != strings.Join(before, ",") {
		t.Fatalf("roles changed before acceptance: %v -> %v", before, got)
	}
	if strings.Contains(roll(), w.volunteerID) {
		t.Fatal("on the roll before acceptance")
	}
	if r := h.do("GET", members, "", bearerHeader(w.volunteer)...); r.Status != 403 {
		t.Fatalf("the offer authorises before acceptance: %d", r.Status)
	}

	// The person sees it: list, one offer, inbox.
	list := h.do("GET", "/v1/me/role-offers", "", bearerHeader(w.volunteer)...)
	if list.Status != 200 || !strings.Contains(list.Raw, reg.str("id")) || strings.Contains(list.Raw, unreg.str("id")) || !strings.Contains(list.Raw, "郑州市测试社会工作服务中心1") {
		t.Fatalf("my offers: %d %s", list.Status, list.Raw)
	}
	if r := h.do("GET", "/v1/me/role-offers/"+reg.str("id"), "", bearerHeader(w.volunteer)...); r.Status != 200 || r.str("status") != "pending" {
		t.Fatalf("my offer: %d %s", r.Status, r.Raw)
	}
	inbox := h.do("GET", "/v1/me/notifications", "", bearerHeader(w.volunteer)...)
	if !strings.Contains(inbox.Raw, `"kind":"role_offer"`) || !strings.Contains(inbox.Raw, "/v1/me/role-offers/"+reg.str("id")) {
		t.Fatalf("inbox: %s", inbox.Raw)
	}

	acceptOffer(t, h, w.volunteer, reg)
	if got := rolesOf(t, h, w.volunteer); len(got) != len(before)+1 || got[len(got)-1] != "social_worker@"+w.orgA {
		t.Fatalf("roles after acceptance: %v", got)
	}
	if r := h.do("GET", members, "", bearerHeader(w.volunteer)...); r.Status != 200 || strings.Count(r.Raw, w.volunteerID) != 1 {
		t.Fatalf("the roll after acceptance: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/me/role-offers/"+reg.str("id")+"/accept", "", bearerHeader(w.volunteer)...); r.Status != 200 || r.str("status") != "accepted" {
		t.Fatalf("accepting again: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/me/role-offers/"+reg.str("id")+"/decline", "", bearerHeader(w.volunteer)...); r.Status != 409 {
		t.Fatalf("declining an accepted offer: %d %s", r.Status, r.Raw)
	}
	if got := rolesOf(t, h, w.volunteer); len(got) != len(before)+1 {
		t.Fatalf("roles after accepting twice: %v", got)
	}

	// The unregistered phone's offer waits for whoever registers that phone.
	h.register("13100000099")
	newcomer, _ := h.login("13100000099", "secret-pass")
	if r := h.do("GET", "/v1/me/role-offers", "", bearerHeader(newcomer)...); !strings.Contains(r.Raw, unreg.str("id")) {
		t.Fatalf("the newcomer's offers: %d %s", r.Status, r.Raw)
	}
	acceptOffer(t, h, newcomer, unreg)
	if r := h.do("GET", members, "", bearerHeader(newcomer)...); r.Status != 200 {
		t.Fatalf("the newcomer reads the roll: %d %s", r.Status, r.Raw)
	}
}

func shapeOf(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

// TestDeclinedOrExpiredOfferChangesNothing: a declined offer cannot be
// accepted afterwards, nor can one past its seven days; neither binds.
func TestDeclinedOrExpiredOfferChangesNothing(t *testing.T) {
	clock := &testClock{}
	w := newWorld(t, func(s *harnessSetup) { s.svc.Now = clock.Now; s.svc.Accounts.AccessTokenTTL = 30 * 24 * time.Hour })
	h := w.h
	members := "/v1/organisations/" + w.orgA + "/members"
	before := rolesOf(t, h, w.volunteer)

	declined := h.do("POST", members, `{"phone":"13100000013","role":"social_worker"}`, bearerHeader(w.adminA)...)
	if r := h.do("POST", "/v1/me/role-offers/"+declined.str("id")+"/decline", "", bearerHeader(w.volunteer)...); r.Status != 200 || r.str("status") != "declined" {
		t.Fatalf("decline: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/me/role-offers/"+declined.str("id")+"/decline", "", bearerHeader(w.volunteer)...); r.Status != 200 || r.str("status") != "declined" {
		t.Fatalf("decline again: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/me/role-offers/"+declined.str("id")+"/accept", "", bearerHeader(w.volunteer)...); r.Status != 409 {
		t.Fatalf("accept after declining: %d %s", r.Status, r.Raw)
	}

	expiring := h.do("POST", members, `{"phone":"13100000013","role":"org_admin"}`, bearerHeader(w.adminA)...)
	if expiring.Status != 202 || expiring.str("id") == declined.str("id") {
		t.Fatalf("second offer: %d %s", expiring.Status, expiring.Raw)
	}
	clock.jumpTo(time.Now().Add(7*24*time.Hour + time.Minute))
	if r := h.do("GET", "/v1/me/role-offers/"+expiring.str("id"), "", bearerHeader(w.volunteer)...); r.str("status") != "expired" {
		t.Fatalf("the offer after 7 days: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/me/role-offers/"+expiring.str("id")+"/accept", "", bearerHeader(w.volunteer)...); r.Status != 409 {
		t.Fatalf("accept an expired offer: %d %s", r.Status, r.Raw)
	}
	if got := rolesOf(t, h, w.volunteer); strings.Join(got, ",") != strings.Join(before, ",") {
		t.Fatalf("roles changed: %v -> %v", before, got)
	}
	if r := h.do("GET", members, "", bearerHeader(w.zhongyuan)...); strings.Contains(r.Raw, w.volunteerID) {
		t.Fatalf("on the roll: %s", r.Raw)
	}
	// After expiry the admin may ask again: a new offer.
	if r := h.do("POST", members, `{"phone":"13100000013","role":"org_admin"}`, bearerHeader(w.adminA)...); r.Status != 202 || r.str("id") == expiring.str("id") {
		t.Fatalf("asking after expiry: %d %s", r.Status, r.Raw)
	}
}

// TestOnlyThePersonAnswersTheirOffer: nobody else sees, accepts or
// declines an offer (not found, so its id tells them nothing), the admin
// who made it included; the offer stays open for its person.
func TestOnlyThePersonAnswersTheirOffer(t *testing.T) {
	w := newWorld(t)
	h := w.h
	off := h.do("POST", "/v1/organisations/"+w.orgA+"/members", `{"phone":"13100000013","role":"social_worker"}`, bearerHeader(w.adminA)...)
	h.register("13100000014")
	other, _ := h.login("13100000014", "secret-pass")
	for name, tok := range map[string]string{"another person": other, "the admin who offered": w.adminA, "another admin": w.adminB, "the city": w.city} {
		for _, verb := range []string{"accept", "decline"} {
			if r := h.do("POST", "/v1/me/role-offers/"+off.str("id")+"/"+verb, "", bearerHeader(tok)...); r.Status != 404 {
				t.Errorf("%s: %s: %d %s", name, verb, r.Status, r.Raw)
			}
		}
		if r := h.do("GET", "/v1/me/role-offers/"+off.str("id"), "", bearerHeader(tok)...); r.Status != 404 {
			t.Errorf("%s reads it: %d", name, r.Status)
		}
		if r := h.do("GET", "/v1/me/role-offers", "", bearerHeader(tok)...); strings.Contains(r.Raw, off.str("id")) {
			t.Errorf("%s lists it: %s", name, r.Raw)
		}
	}
	if got := rolesOf(t, h, other); strings.Contains(strings.Join(got, ","), "social_worker") {
		t.Fatalf("another person took the role: %v", got)
	}
	acceptOffer(t, h, w.volunteer, off)
}

// TestConcurrentAcceptsBindOnce: 100 concurrent accepts of one offer all
// answer accepted and give one binding and one member entry; then 100
// concurrent answers of a second offer, a tenth of them declines, are
// decided once: either every accept or every decline wins, never both.
func TestConcurrentAcceptsBindOnce(t *testing.T) {
	w := newWorld(t)
	h := w.h
	count := func(role string) (bindings, entries int) {
		for _, r := range rolesOf(t, h, w.volunteer) {
			if r == role+"@"+w.orgA {
				bindings++
			}
		}
		roll := h.do("GET", "/v1/organisations/"+w.orgA+"/members?limit=100", "", bearerHeader(w.zhongyuan)...)
		return bindings, strings.Count(roll.Raw, `"accountId":"`+w.volunteerID+`","role":"`+role+`"`)
	}
	race := func(id string, decline func(i int) bool) map[int]int {
		var wg sync.WaitGroup
		var mu sync.Mutex
		statuses := map[int]int{}
		for i := 0; i < 100; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				verb := "accept"
				if decline(i) {
					verb = "decline"
				}
				r := h.do("POST", "/v1/me/role-offers/"+id+"/"+verb, "", bearerHeader(w.volunteer)...)
				mu.Lock()
				statuses[r.Status]++
				mu.Unlock()
			}(i)
		}
		wg.Wait()
		return statuses
	}

	off := h.do("POST", "/v1/organisations/"+w.orgA+"/members", `{"phone":"13100000013","role":"social_worker"}`, bearerHeader(w.adminA)...)
	if off.Status != 202 {
		t.Fatalf("offer: %d %s", off.Status, off.Raw)
	}
	if st := race(off.str("id"), func(int) bool { return false }); st[200] != 100 {
		t.Fatalf("100 accepts answered %v", st)
	}
	if b, e := count("social_worker"); b != 1 || e != 1 {
		t.Fatalf("after 100 accepts: %d bindings, %d roll entries", b, e)
	}

	off = h.do("POST", "/v1/organisations/"+w.orgA+"/members", `{"phone":"13100000013","role":"org_admin"}`, bearerHeader(w.adminA)...)
	st := race(off.str("id"), func(i int) bool { return i%10 == 9 })
	final := h.do("GET", "/v1/me/role-offers/"+off.str("id"), "", bearerHeader(w.volunteer)...)
	b, e := count("org_admin")
	switch final.str("status") {
	case "accepted":
		if b != 1 || e != 1 || st[200] != 90 || st[409] != 10 {
			t.Fatalf("accepted: %d bindings, %d roll entries, answers %v", b, e, st)
		}
	case "declined":
		if b != 0 || e != 0 || st[200] != 10 || st[409] != 90 {
			t.Fatalf("declined: %d bindings, %d roll entries, answers %v", b, e, st)
		}
	default:
		t.Fatalf("final: %s", final.Raw)
	}
	t.Logf("mixed race: %s, answers %v", final.str("status"), st)
}

// TestCivilAffairsBindsWithinItsDivision: civil affairs governing the
// organisation and the person adds at once (201, audited); a county adding
// a volunteer who lives in another county makes an offer; a county
// granting a role to such a volunteer through POST /v1/accounts makes an
// offer too, and to an official of another division nothing at all (403,
// no echo). Accepting the grant offer gives the binding.
func TestCivilAffairsBindsWithinItsDivision(t *testing.T) {
	w := newWorld(t)
	h := w.h
	// A volunteer living in 二七区.
	vID, vTok := w.volunteerWith(t, h.do, "13900500001", strings.Replace(volunteerBody(residentID(512), ""), bishagang, erqiCommunity, 1))
	if r := h.do("POST", "/v1/organisations/"+w.orgA+"/members", `{"phone":"13900500001","role":"social_worker"}`, bearerHeader(w.zhongyuan)...); r.Status != 202 {
		t.Fatalf("the district adds a volunteer of another county: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/organisations/"+w.orgA+"/members", `{"phone":"13900500001","role":"social_worker"}`, bearerHeader(w.city)...); r.Status != 201 || r.str("accountId") != vID || r.str("name") != "" {
		t.Fatalf("the city adds at once: %d %s", r.Status, r.Raw)
	}
	grant := h.do("POST", "/v1/accounts", `{"phone":"13900500001","role":"community_admin","communityCode":"`+bishagang+`"}`, bearerHeader(w.zhongyuan)...)
	if grant.Status != 202 || grant.str("phone") != "139****0001" || grant.str("communityCode") != bishagang || strings.Contains(grant.Raw, vID) {
		t.Fatalf("a county grants to a volunteer of another county: %d %s", grant.Status, grant.Raw)
	}
	if got := strings.Join(rolesOf(t, h, vTok), ","); strings.Contains(got, "community_admin") {
		t.Fatalf("bound before acceptance: %s", got)
	}
	cityID := accountID(t, h, w.city)
	for _, body := range []string{
		`{"phone":"13100000001","role":"community_admin","communityCode":"` + bishagang + `"}`,
		`{"phone":"13100000003","role":"org_admin","organisationId":"` + w.orgA + `"}`,
	} {
		r := h.do("POST", "/v1/accounts", body, bearerHeader(w.zhongyuan)...)
		if r.Status != 403 || strings.Contains(r.Raw, cityID) || strings.Contains(r.Raw, "民政") && strings.Contains(r.Raw, `"name"`) || strings.Contains(r.Raw, "1310000000") {
			t.Errorf("a county grants to an official of another division: %d %s", r.Status, r.Raw)
		}
	}
	if r := h.me(w.city); len(r.Body["roles"].([]any)) != 1 {
		t.Fatalf("the city official after the attempts: %s", r.Raw)
	}
	acceptOffer(t, h, vTok, grant)
	if got := strings.Join(rolesOf(t, h, vTok), ","); !strings.Contains(got, "community_admin@"+bishagang) {
		t.Fatalf("after acceptance: %s", got)
	}
	a := h.do("GET", "/v1/audit?limit=100", "", bearerHeader(w.city)...)
	for _, action := range []string{"organisation.member_added", "role_offer.made", "role_offer.accepted"} {
		if !strings.Contains(a.Raw, `"action":"`+action+`"`) {
			t.Errorf("audit lacks %s: %s", action, a.Raw)
		}
	}
}

// TestRoleOffersDocumented: the offer routes are in /openapi.json, and the
// two routes that may answer with an offer document both bodies.
func TestRoleOffersDocumented(t *testing.T) {
	h := newHarness(t)
	spec := h.do("GET", "/openapi.json", "")
	paths := spec.Body["paths"].(map[string]any)
	for path, method := range map[string]string{"/v1/me/role-offers": "get", "/v1/me/role-offers/{id}": "get",
		"/v1/me/role-offers/{id}/accept": "post", "/v1/me/role-offers/{id}/decline": "post"} {
		p, _ := paths[path].(map[string]any)
		if op, _ := p[method].(map[string]any); op == nil || op["operationId"] == "" {
			t.Errorf("%s %s is not documented", method, path)
		}
	}
	for path, statuses := range map[string][]string{"/v1/organisations/{id}/members": {"201", "202"}, "/v1/accounts": {"200", "201", "202"}} {
		op := paths[path].(map[string]any)["post"].(map[string]any)
		for _, st := range statuses {
			res, _ := op["responses"].(map[string]any)[st].(map[string]any)
			schema := ""
			if res != nil {
				s, _ := res["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
				schema, _ = s["$ref"].(string)
			}
			want := "RoleOfferDTO"
			if st != "202" {
				want = map[string]string{"/v1/accounts": "AccountDTO", "/v1/organisations/{id}/members": "MemberDTO"}[path]
			}
			if !strings.HasSuffix(schema, "/"+want) {
				t.Errorf("%s %s: schema %q, want %s", path, st, schema, want)
			}
		}
	}
}
