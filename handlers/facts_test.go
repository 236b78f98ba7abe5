package handlers_test

import (
	"sort"
	"strings"
	"testing"
)

// Facts a person cannot assert about themselves (issue 14, Build 3 and 9):
// background checks are recorded by a committee or civil affairs, a
// changed verified fact goes back to pending, social workers are verified
// by their employer's county, and an ID number held by another account is
// reported to civil affairs, not to the caller.

// candidateIDs lists the volunteer ids among a need's match candidates.
func candidateIDs(t *testing.T, w *world, committee, need string) map[string]bool {
	t.Helper()
	r := w.h.do("GET", "/v1/needs/"+need+"/matches?limit=20", "", bearerHeader(committee)...)
	if r.Status != 200 {
		t.Fatalf("matches: %d %s", r.Status, r.Raw)
	}
	out := map[string]bool{}
	for _, c := range r.Body["candidates"].([]any) {
		out[c.(map[string]any)["volunteerId"].(string)] = true
	}
	return out
}

// TestBackgroundCheckIsRecordedNotAsserted: a volunteer cannot give
// themselves the background check that an elderly-care need requires (the
// old breach: PUT it in one's own profile and be matched); the committee
// of the home community or civil affairs governing it records it, with who
// and when, audited; matching reads only the recorded check.
func TestBackgroundCheckIsRecordedNotAsserted(t *testing.T) {
	w, audit := newAuditedWorld(t)
	zy, eq := w.committees(t)
	need := w.postNeed(t, zy, "") // older_people: a background check is required by default
	id, tok := w.volunteerWithProfile(t, "13500300001", "", "")
	if r := w.h.do("POST", "/v1/volunteers/"+id+"/verification", `{"verified":true}`, bearerHeader(zy)...); r.Status != 200 {
		t.Fatalf("verify: %d %s", r.Status, r.Raw)
	}
	profile := w.h.do("GET", "/v1/me/volunteer-profile", "", bearerHeader(tok)...)
	if profile.Body["backgroundCheck"] != nil {
		t.Fatalf("a fresh profile has a check: %s", profile.Raw)
	}
	if candidateIDs(t, w, zy, need)[id] {
		t.Fatal("an unchecked volunteer is a candidate for a need that requires a check")
	}

	// The old breach: the volunteer writes a check into their own profile.
	body := `{"realName":"志愿者0001","availability":` + allWeek + `,"home":{"lat":34.7560,"lng":113.6150},"communityCode":"` + zhongyuanCommunity +
		`","skills":[{"code":"first_aid","level":2}],"birthDate":"1990-03-07","backgroundCheck":{"passedOn":"2025-01-01","expiresOn":"2099-01-01"}}`
	if r := w.h.do("PUT", "/v1/me/volunteer-profile", body, bearerHeader(tok)...); r.Status != 422 || !hasLocation(r, "body.backgroundCheck") {
		t.Fatalf("a self-asserted check: %d %s", r.Status, r.Raw)
	}
	if candidateIDs(t, w, zy, need)[id] {
		t.Fatal("a self-asserted check made the volunteer a candidate")
	}

	check := `{"result":"passed","checkedOn":"2025-01-01","expiresOn":"2099-01-01","reference":"郑公(中)证字2025第001号"}`
	path := "/v1/volunteers/" + id + "/background-check"
	refused := []struct {
		name, token, body string
		status            int
		location          string
	}{
		{"the volunteer records their own", tok, check, 403, ""},
		{"another volunteer", w.volunteer, check, 404, ""},
		{"another community's committee", eq, check, 404, ""},
		{"another county's civil affairs", w.erqi, check, 404, ""},
		{"an organisation's admin", w.adminA, check, 404, ""},
		{"an unknown result", zy, strings.Replace(check, `"passed"`, `"maybe"`, 1), 422, "body.result"},
		{"passed without an expiry", zy, strings.Replace(check, `,"expiresOn":"2099-01-01"`, "", 1), 422, "body.expiresOn"},
		{"expiry before the certificate", zy, strings.Replace(check, "2099-01-01", "2024-12-31", 1), 422, "body.expiresOn"},
		{"a certificate dated in the future", zy, strings.Replace(check, "2025-01-01", "2199-01-01", 1), 422, "body.checkedOn"},
		{"a date that is not one", zy, strings.Replace(check, "2025-01-01", "2025-02-30", 1), 422, "body.checkedOn"},
		{"the caller names the recorder", zy, strings.Replace(check, `{`, `{"recordedBy":"someone",`, 1), 422, "body.recordedBy"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			r := w.h.do("POST", path, c.body, bearerHeader(c.token)...)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Raw)
			}
			if c.location != "" && !hasLocation(r, c.location) {
				t.Errorf("errors name %v, want %s", r.locations(), c.location)
			}
			if r := w.h.do("GET", "/v1/me/volunteer-profile", "", bearerHeader(tok)...); r.Body["backgroundCheck"] != nil {
				t.Errorf("a refused record changed the profile: %s", r.Raw)
			}
		})
	}
	if n := len(audit.find("volunteer.background_check", "volunteer:"+id)); n != 0 {
		t.Fatalf("refused records were audited: %d", n)
	}

	// If the audit log cannot be written, nothing is recorded.
	audit.setFail(true)
	if r := w.h.do("POST", path, check, bearerHeader(zy)...); r.Status < 500 {
		t.Fatalf("recorded without an audit entry: %d %s", r.Status, r.Raw)
	}
	audit.setFail(false)
	if r := w.h.do("GET", "/v1/me/volunteer-profile", "", bearerHeader(tok)...); r.Body["backgroundCheck"] != nil {
		t.Fatalf("recorded although the audit failed: %s", r.Raw)
	}

	// The committee records it: who and when, audited; matching now reads it.
	r := w.h.do("POST", path, check, bearerHeader(zy)...)
	if r.Status != 200 {
		t.Fatalf("record: %d %s", r.Status, r.Raw)
	}
	bc, _ := r.Body["backgroundCheck"].(map[string]any)
	if bc == nil || bc["result"] != "passed" || bc["checkedOn"] != "2025-01-01" || bc["expiresOn"] != "2099-01-01" ||
		bc["recordedBy"] != accountID(t, w.h, zy) || bc["recordedAt"] == nil || r.Body["realNameVerified"] != true {
		t.Fatalf("recorded check: %s", r.Raw)
	}
	if e := audit.find("volunteer.background_check", "volunteer:"+id); len(e) != 1 || e[0].DivisionCode != zhongyuanCommunity ||
		!strings.HasPrefix(e[0].Reason, "passed 2025-01-01..2099-01-01") {
		t.Fatalf("audit: %+v", e)
	}
	if !candidateIDs(t, w, zy, need)[id] {
		t.Fatal("a volunteer with a recorded check is not a candidate")
	}
	// The volunteer's own saves keep the recorded check (they cannot drop or change it).
	keep := `{"realName":"志愿者0001","availability":` + allWeek + `,"home":{"lat":34.7560,"lng":113.6150},"communityCode":"` + zhongyuanCommunity +
		`","skills":[{"code":"first_aid","level":2}],"birthDate":"1990-03-07","maxDistanceKm":5}`
	if r := w.h.do("PUT", "/v1/me/volunteer-profile", keep, bearerHeader(tok)...); r.Status != 200 || r.Body["backgroundCheck"] == nil || r.Body["realNameVerified"] != true {
		t.Fatalf("an own save dropped the recorded check: %d %s", r.Status, r.Raw)
	}
	// Civil affairs governing the community records a check that was not passed: the volunteer leaves the candidates.
	if r := w.h.do("POST", path, `{"result":"not_passed","checkedOn":"2025-06-01"}`, bearerHeader(w.zhongyuan)...); r.Status != 200 {
		t.Fatalf("civil affairs records not passed: %d %s", r.Status, r.Raw)
	}
	if candidateIDs(t, w, zy, need)[id] {
		t.Fatal("a volunteer whose check was not passed is a candidate")
	}
	// Placing them directly is refused too.
	if r := w.h.do("POST", "/v1/needs/"+need+"/plan/volunteers", `{"volunteerId":"`+id+`"}`, bearerHeader(zy)...); r.Status < 400 || r.Status >= 500 {
		t.Fatalf("placed without a passed check: %d %s", r.Status, r.Raw)
	}
	// A new ID number: the check was of the old number's holder.
	if r := w.h.do("POST", path, check, bearerHeader(zy)...); r.Status != 200 {
		t.Fatalf("record again: %d %s", r.Status, r.Raw)
	}
	moved := strings.Replace(keep, `"realName"`, `"idNumber":"`+idNumber(901)+`","realName"`, 1)
	if r := w.h.do("PUT", "/v1/me/volunteer-profile", moved, bearerHeader(tok)...); r.Status != 200 || r.Body["backgroundCheck"] != nil || r.Body["realNameVerified"] != false {
		t.Fatalf("a new ID number kept the check or the verification: %d %s", r.Status, r.Raw)
	}
}

// TestChangingAVerifiedFactReturnsToPending: every fact the committee or
// civil affairs vouched for — real name, ID number, birth date, background
// check, a social worker's certificate — either cannot be changed by its
// owner or, changed, sends the profile back to pending verification.
func TestChangingAVerifiedFactReturnsToPending(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	base := func(name, idn, birth string) string {
		b := `{"realName":"` + name + `","availability":` + allWeek + `,"home":{"lat":34.7560,"lng":113.6150},"communityCode":"` + zhongyuanCommunity + `"`
		if idn != "" {
			b += `,"idNumber":"` + idn + `"`
		}
		if birth != "" {
			b += `,"birthDate":"` + birth + `"`
		}
		return b + `}`
	}
	cases := []struct {
		name, change string
		status       int
		location     string
	}{
		{"real name", base("王五六", "", ""), 200, ""},
		{"ID number", base("王五", idNumber(602), ""), 200, ""},
		{"birth date", base("王五", "", "1991-03-07"), 422, "body.birthDate"},
		{"background check", strings.TrimSuffix(base("王五", "", ""), "}") + `,"backgroundCheck":{"passedOn":"2025-01-01","expiresOn":"2099-01-01"}}`, 422, "body.backgroundCheck"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			phone := "135004000" + string(rune('1'+i)) + "0"
			id := w.h.register(phone)
			tok, _ := w.h.login(phone, "secret-pass")
			if r := w.h.do("PUT", "/v1/me/volunteer-profile", base("王五", idNumber(500+i), ""), bearerHeader(tok)...); r.Status != 200 {
				t.Fatalf("profile: %d %s", r.Status, r.Raw)
			}
			if r := w.h.do("POST", "/v1/volunteers/"+id+"/verification", `{"verified":true}`, bearerHeader(zy)...); r.Status != 200 {
				t.Fatalf("verify: %d %s", r.Status, r.Raw)
			}
			w.recordCheck(t, zy, id)
			r := w.h.do("PUT", "/v1/me/volunteer-profile", c.change, bearerHeader(tok)...)
			if r.Status != c.status || (c.location != "" && !hasLocation(r, c.location)) {
				t.Fatalf("change: %d %s", r.Status, r.Raw)
			}
			after := w.h.do("GET", "/v1/volunteers/"+id, "", bearerHeader(zy)...)
			if c.status == 200 && after.Body["realNameVerified"] != false {
				t.Fatalf("a changed %s kept the verification: %s", c.name, after.Raw)
			}
			if c.status != 200 && (after.Body["realNameVerified"] != true || after.Body["backgroundCheck"] == nil) {
				t.Fatalf("a refused change of %s changed the profile: %s", c.name, after.Raw)
			}
		})
	}

	// A social worker's certificate: a new number, level or issue date goes back to pending.
	id, tok := w.staffSocialWorker(t, w.adminA, w.orgA, "13500400101")
	cert := `{"certificate":{"level":"social_worker","number":"SW2021-0001","issuedOn":"2021-06-01"},"domains":["social_welfare"]}`
	for _, change := range []struct{ name, body string }{
		{"number", strings.Replace(cert, "SW2021-0001", "SW2021-0002", 1)},
		{"level", strings.Replace(cert, `"social_worker"`, `"senior_social_worker"`, 1)},
		{"issue date", strings.Replace(cert, "2021-06-01", "2021-06-02", 1)},
	} {
		if r := w.h.do("PUT", "/v1/me/social-worker-profile", cert, bearerHeader(tok)...); r.Status != 200 {
			t.Fatalf("certificate: %d %s", r.Status, r.Raw)
		}
		if r := w.h.do("POST", "/v1/social-workers/"+id+"/certificate-verification", `{"decision":"verified"}`, bearerHeader(w.zhongyuan)...); r.Status != 200 {
			t.Fatalf("verify certificate: %d %s", r.Status, r.Raw)
		}
		r := w.h.do("PUT", "/v1/me/social-worker-profile", change.body, bearerHeader(tok)...)
		if r.Status != 200 || r.Body["certificate"].(map[string]any)["verification"] != "pending" {
			t.Fatalf("a changed certificate %s stayed verified: %d %s", change.name, r.Status, r.Raw)
		}
	}
}

// TestSocialWorkerIsVerifiedByTheEmployersCounty: the old breach — a
// social worker employed in 二七区 picks a station in 中原区 and 中原区
// verifies them — no longer works; 二七区 (the employer's county) and the
// city can.
func TestSocialWorkerIsVerifiedByTheEmployersCounty(t *testing.T) {
	w := newWorld(t)
	w.openStation(t)                                                   // 林山寨街道, 中原区
	id, tok := w.staffSocialWorker(t, w.adminB, w.orgB, "13500500001") // orgB: 二七区
	if r := w.h.do("PUT", "/v1/me/social-worker-profile", socialWorkerBody(""), bearerHeader(tok)...); r.Status != 200 || r.str("stationTownCode") != linshanzhai {
		t.Fatalf("profile at a 中原区 station: %d %s", r.Status, r.Raw)
	}
	verify, pool := "/v1/social-workers/"+id+"/certificate-verification", "/v1/social-workers/"+id+"/supervisor-pool"
	state := func() string {
		r := w.h.do("GET", "/v1/social-workers/"+id, "", bearerHeader(w.city)...)
		return r.Body["certificate"].(map[string]any)["verification"].(string)
	}
	if r := w.h.do("POST", verify, `{"decision":"verified"}`, bearerHeader(w.zhongyuan)...); r.Status != 403 {
		t.Fatalf("the station's county verifies: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", verify, `{"decision":"rejected"}`, bearerHeader(w.zhongyuan)...); r.Status != 403 {
		t.Fatalf("the station's county rejects: %d %s", r.Status, r.Raw)
	}
	if s := state(); s != "pending" {
		t.Fatalf("after the station's county: %s", s)
	}
	// Nor does the station's county read the full record.
	if r := w.h.do("GET", "/v1/social-workers/"+id, "", bearerHeader(w.zhongyuan)...); r.Status != 200 || r.Body["phone"] == "13500500001" {
		t.Fatalf("the station's county reads the full record: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", verify, `{"decision":"verified"}`, bearerHeader(w.erqi)...); r.Status != 200 || state() != "verified" {
		t.Fatalf("the employer's county verifies: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", pool, `{"inPool":true,"caseloadCap":5}`, bearerHeader(w.zhongyuan)...); r.Status != 403 {
		t.Fatalf("the station's county joins them to the pool: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", verify, `{"decision":"rejected","note":"复核"}`, bearerHeader(w.city)...); r.Status != 200 || state() != "rejected" {
		t.Fatalf("the city decides: %d %s", r.Status, r.Raw)
	}
	// The other way round: a worker of orgA (中原区), at no station, is 中原区's and not 二七区's.
	idA, tokA := w.staffSocialWorker(t, w.adminA, w.orgA, "13500500002")
	if r := w.h.do("PUT", "/v1/me/social-worker-profile", strings.Replace(socialWorkerBody(""), `"stationTownCode":"`+linshanzhai+`",`, "", 1), bearerHeader(tokA)...); r.Status != 200 {
		t.Fatalf("profile: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/social-workers/"+idA+"/certificate-verification", `{"decision":"verified"}`, bearerHeader(w.erqi)...); r.Status != 403 {
		t.Fatalf("another county verifies: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/social-workers/"+idA+"/certificate-verification", `{"decision":"verified"}`, bearerHeader(w.zhongyuan)...); r.Status != 200 {
		t.Fatalf("the employer's county verifies: %d %s", r.Status, r.Raw)
	}
}

// keys lists a JSON object's keys, sorted.
func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestIDNumberConflictIsReportedNotRevealed: the old oracle — PUT someone's
// ID number into one's own profile and read "another account holds this ID
// number" — is closed. The caller gets the answer any new number gets
// (pending verification); civil affairs of the community is told (an audit
// entry naming the holder, and the conflicts list); the committee cannot
// verify the profile until the holder gives the number up.
func TestIDNumberConflictIsReportedNotRevealed(t *testing.T) {
	w, audit := newAuditedWorld(t)
	zy, _ := w.committees(t)
	holder, holderTok := w.volunteerWithProfile(t, "13500600001", zy, "") // holds idNumber(1)
	taken := idNumber(1)
	profile := func(idn string) string {
		return `{"realName":"王五","idNumber":"` + idn + `","home":{"lat":34.7560,"lng":113.6150},"communityCode":"` + zhongyuanCommunity + `"}`
	}
	prober := w.h.register("13500600002")
	proberTok, _ := w.h.login("13500600002", "secret-pass")
	fresh := w.h.register("13500600003")
	freshTok, _ := w.h.login("13500600003", "secret-pass")

	got := w.h.do("PUT", "/v1/me/volunteer-profile", profile(taken), bearerHeader(proberTok)...)
	want := w.h.do("PUT", "/v1/me/volunteer-profile", profile(idNumber(2)), bearerHeader(freshTok)...)
	if got.Status != 200 || want.Status != 200 {
		t.Fatalf("saves: %d %s / %d %s", got.Status, got.Raw, want.Status, want.Raw)
	}
	if strings.Join(keys(got.Body), ",") != strings.Join(keys(want.Body), ",") || got.Body["realNameVerified"] != false ||
		strings.Contains(got.Raw, "onflict") || strings.Contains(got.Raw, "其他账号") {
		t.Fatalf("the answer to a taken number differs from a fresh one:\n%s\n%s", got.Raw, want.Raw)
	}
	if r := w.h.do("GET", "/v1/me/volunteer-profile", "", bearerHeader(proberTok)...); strings.Contains(r.Raw, "onflict") {
		t.Fatalf("the owner reads the conflict: %s", r.Raw)
	}
	// Civil affairs is told: an audit entry naming the holder, and the list of conflicts.
	e := audit.find("volunteer.id_number_conflict", "volunteer:"+prober)
	if len(e) != 1 || e[0].DivisionCode != zhongyuanCommunity || !strings.Contains(e[0].Reason, holder) {
		t.Fatalf("conflict audit: %+v", e)
	}
	if r := w.h.do("GET", "/v1/audit?division=410102&limit=100", "", bearerHeader(w.zhongyuan)...); r.Status != 200 || !strings.Contains(r.Raw, "volunteer.id_number_conflict") {
		t.Fatalf("civil affairs' audit log: %d %s", r.Status, r.Raw)
	}
	list := w.h.do("GET", "/v1/volunteers?division=410102&idNumberConflict=true", "", bearerHeader(w.zhongyuan)...)
	items, _ := list.Body["items"].([]any)
	if list.Status != 200 || len(items) != 1 || items[0].(map[string]any)["accountId"] != prober || items[0].(map[string]any)["idNumberConflict"] != true {
		t.Fatalf("conflicts list: %d %s", list.Status, list.Raw)
	}
	if r := w.h.do("GET", "/v1/volunteers?division=410103&idNumberConflict=true", "", bearerHeader(w.zhongyuan)...); r.Status != 403 {
		t.Fatalf("another division's conflicts: %d %s", r.Status, r.Raw)
	}
	// Saving again reports nothing new.
	if r := w.h.do("PUT", "/v1/me/volunteer-profile", profile(taken), bearerHeader(proberTok)...); r.Status != 200 || len(audit.find("volunteer.id_number_conflict", "volunteer:"+prober)) != 1 {
		t.Fatalf("a second save: %d %s", r.Status, r.Raw)
	}
	// The committee cannot verify the prober; it can verify the fresh number.
	if r := w.h.do("POST", "/v1/volunteers/"+prober+"/verification", `{"verified":true}`, bearerHeader(zy)...); r.Status != 409 || !hasLocation(r, "body.verified") || r.str("code") != "id-number-conflict" {
		t.Fatalf("verifying a conflicting profile: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/volunteers/"+fresh+"/verification", `{"verified":true}`, bearerHeader(zy)...); r.Status != 200 {
		t.Fatalf("verifying a fresh number: %d %s", r.Status, r.Raw)
	}
	// Once the holder moves to another number, the conflicting profile can be verified.
	holderBody := `{"realName":"志愿者0001","idNumber":"` + idNumber(3) + `","availability":` + allWeek + `,"home":{"lat":34.7560,"lng":113.6150},"communityCode":"` + zhongyuanCommunity + `"}`
	if r := w.h.do("PUT", "/v1/me/volunteer-profile", holderBody, bearerHeader(holderTok)...); r.Status != 200 {
		t.Fatalf("the holder moves: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/volunteers/"+prober+"/verification", `{"verified":true}`, bearerHeader(zy)...); r.Status != 200 || r.Body["idNumberConflict"] != nil {
		t.Fatalf("verifying once the number is free: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/volunteers?division=410102&idNumberConflict=true", "", bearerHeader(w.zhongyuan)...); len(r.Body["items"].([]any)) != 0 {
		t.Fatalf("conflicts after resolution: %s", r.Raw)
	}
}
