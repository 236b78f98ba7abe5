package handlers_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// Partial updates: PATCH with JSON Merge Patch (RFC 7396) of the profiles,
// organisations and needs, against the real stores.

var mergePatch = []string{"Content-Type", "application/merge-patch+json"}

func withMergePatch(tok string) []string { return append(bearerHeader(tok), mergePatch...) }

// verifiedVolunteer is a volunteer of 碧沙岗 with the whole test profile,
// their real name verified and a background check recorded by the committee.
func verifiedVolunteer(t *testing.T, w *world, phone string, seq int) (id, tok, committee string) {
	t.Helper()
	committee = w.communityAdmin(t, w.zhongyuan, "136"+phone[3:], bishagang)
	id, tok = w.volunteerWith(t, w.h.do, phone, volunteerBody(residentID(seq), ""))
	if r := w.h.do("POST", "/v1/volunteers/"+id+"/verification", `{"verified":true}`, bearerHeader(committee)...); r.Status != 200 {
		t.Fatalf("verify: %d %s", r.Status, r.Raw)
	}
	w.recordCheck(t, committee, id)
	return id, tok, committee
}

// without is m less the named keys.
func without(m map[string]any, keys ...string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

// sameExcept fails unless before and after agree on every key but the named ones.
func sameExcept(t *testing.T, what string, before, after map[string]any, changed ...string) {
	t.Helper()
	changed = append(changed, "updatedAt")
	if b, a := without(before, changed...), without(after, changed...); !reflect.DeepEqual(b, a) {
		for k := range b {
			if !reflect.DeepEqual(b[k], a[k]) {
				t.Errorf("%s: %s changed from %v to %v", what, k, b[k], a[k])
			}
		}
	}
}

// unchanged fails when a document outside the bookkeeping collections differs.
func unchanged(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for k, doc := range before {
		if after[k] != doc && !bookkeeping.MatchString(strings.SplitN(k, "/", 2)[0]) {
			t.Errorf("%s changed %s:\n before %.400s\n after  %.400s", what, k, doc, after[k])
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok && !bookkeeping.MatchString(strings.SplitN(k, "/", 2)[0]) {
			t.Errorf("%s made %s", what, k)
		}
	}
}

// The acceptance test of issue 16: the mini-program's "edit my
// availability" screen sends the availability only; skills, home,
// community, the verification and the background check stay as they were.
func TestPatchVolunteerChangesOnlyWhatIsSent(t *testing.T) {
	w := newWorld(t)
	id, tok, committee := verifiedVolunteer(t, w, "13900000001", 1)
	mine := func() response { return w.h.do("GET", "/v1/me/volunteer-profile", "", bearerHeader(tok)...) }
	official := func() response { return w.h.do("GET", "/v1/volunteers/"+id, "", bearerHeader(committee)...) }
	before, officialBefore := mine().Body, official().Body
	if before["realNameVerified"] != true || before["backgroundCheck"] == nil {
		t.Fatalf("set-up: %v", before)
	}
	r := w.h.do("PATCH", "/v1/me/volunteer-profile", `{"availability":{"mon":["09:00-11:00"],"sat":null}}`, withMergePatch(tok)...)
	if r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Raw)
	}
	after := mine().Body
	sameExcept(t, "my profile", before, after, "availability")
	sameExcept(t, "the committee's view", officialBefore, official().Body, "availability")
	avail := after["availability"].(map[string]any)
	if fmt.Sprint(avail["mon"]) != "[09:00-11:00]" || fmt.Sprint(avail["sat"]) != "[]" {
		t.Errorf("availability: %v", avail)
	}
	if !reflect.DeepEqual(r.Body, after) {
		t.Errorf("the answer is not the profile saved:\n%v\n%v", r.Body, after)
	}
	// application/json is accepted as a merge patch too; an empty patch changes nothing.
	if r := w.h.do("PATCH", "/v1/me/volunteer-profile", `{"maxDistanceKm":8}`, bearerHeader(tok)...); r.Status != 200 || r.Body["maxDistanceKm"] != 8.0 {
		t.Fatalf("patch as application/json: %d %s", r.Status, r.Raw)
	}
	before = mine().Body
	if r := w.h.do("PATCH", "/v1/me/volunteer-profile", `{}`, withMergePatch(tok)...); r.Status != 200 {
		t.Fatalf("empty patch: %d %s", r.Status, r.Raw)
	}
	sameExcept(t, "an empty patch", before, mine().Body)
	// null removes an optional field: the distance goes back to its default.
	if r := w.h.do("PATCH", "/v1/me/volunteer-profile", `{"maxDistanceKm":null,"insurance":null}`, withMergePatch(tok)...); r.Status != 200 ||
		r.Body["maxDistanceKm"] != 5.0 || r.Body["insurance"] != nil || r.Body["realNameVerified"] != true {
		t.Fatalf("null: %d %s", r.Status, r.Raw)
	}
}

// Changing the verified real name returns only the name's verification to
// pending: the background check, recorded for the same ID number, stays.
func TestPatchVerifiedRealName(t *testing.T) {
	w := newWorld(t)
	id, tok, committee := verifiedVolunteer(t, w, "13900000001", 1)
	official := func() response { return w.h.do("GET", "/v1/volunteers/"+id, "", bearerHeader(committee)...) }
	before := official().Body
	r := w.h.do("PATCH", "/v1/me/volunteer-profile", `{"realName":"李晓明"}`, withMergePatch(tok)...)
	if r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Raw)
	}
	after := official().Body
	if after["realNameVerified"] != false || after["verifiedAt"] != nil {
		t.Errorf("a changed real name stays verified: %v", after)
	}
	if !reflect.DeepEqual(after["backgroundCheck"], before["backgroundCheck"]) {
		t.Errorf("the background check changed: %v → %v", before["backgroundCheck"], after["backgroundCheck"])
	}
	sameExcept(t, "the profile", before, after, "realName", "realNameVerified", "verifiedAt")
	// The same name again (a client re-sending what it shows) withdraws nothing.
	if r := w.h.do("POST", "/v1/volunteers/"+id+"/verification", `{"verified":true}`, bearerHeader(committee)...); r.Status != 200 {
		t.Fatalf("verify again: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("PATCH", "/v1/me/volunteer-profile", `{"realName":"李晓明","skills":[{"code":"cooking","level":3}]}`, withMergePatch(tok)...); r.Status != 200 || r.Body["realNameVerified"] != true {
		t.Fatalf("same name: %d %s", r.Status, r.Raw)
	}
	// A new ID number withdraws the verification and the background check.
	r = w.h.do("PATCH", "/v1/me/volunteer-profile", `{"idNumber":"`+residentID(2)+`"}`, withMergePatch(tok)...)
	if r.Status != 200 || official().Body["realNameVerified"] != false || official().Body["backgroundCheck"] != nil {
		t.Fatalf("new ID number: %d %s / %v", r.Status, r.Raw, official().Body)
	}
}

// A bad patch is refused with 422 naming the field, and changes nothing.
func TestPatchRefusedChangesNothing(t *testing.T) {
	w := newWorld(t)
	_, tok, _ := verifiedVolunteer(t, w, "13900000001", 1)
	cases := []struct{ name, body, location string }{
		{"an unknown field", `{"nickname":"小李"}`, "body.nickname"},
		{"an unknown field inside an object", `{"home":{"lat":34.75,"alt":100}}`, "body.home.alt"},
		{"a wrong type", `{"maxDistanceKm":"far"}`, "body.maxDistanceKm"},
		{"out of range", `{"maxDistanceKm":500}`, "body.maxDistanceKm"},
		{"a removed ID number", `{"idNumber":null}`, "body.idNumber"},
		{"a required field of an object removed", `{"insurance":{"insurer":null}}`, "body.insurance.insurer"},
		{"an object patched into being without its required fields", `{"guardian":{"guardianName":"李大明"}}`, "body.guardian.guardianPhone"},
		{"a home outside Zhengzhou", `{"home":{"lat":39.9}}`, "body.home"},
		{"off the half-hour grid", `{"availability":{"tue":["08:15-09:00"]}}`, "body.availability.tue[0]"},
		{"a birth date the ID number contradicts", `{"birthDate":"1991-03-07"}`, "body.birthDate"},
		{"a bad field beside a good one", `{"skills":[{"code":"cooking","level":3}],"communityCode":"4101"}`, "body.communityCode"},
	}
	for _, c := range cases {
		before := snapshot(t, w.h)
		r := w.h.do("PATCH", "/v1/me/volunteer-profile", c.body, withMergePatch(tok)...)
		if r.Status != 422 || !hasLocation(r, c.location) {
			t.Errorf("%s: %d %v, want 422 at %s: %s", c.name, r.Status, r.locations(), c.location, r.Raw)
		}
		unchanged(t, c.name, before, snapshot(t, w.h))
	}
	for _, c := range []struct {
		name, body string
		headers    []string
		status     int
	}{
		{"not an object", `["availability"]`, withMergePatch(tok), 422},
		{"null", `null`, withMergePatch(tok), 422},
		{"not JSON", `{"realName":`, withMergePatch(tok), 400},
		{"another media type", `{"realName":"李晓明"}`, append(bearerHeader(tok), "Content-Type", "text/plain"), 415},
		{"JSON Patch", `[{"op":"replace","path":"/realName","value":"李晓明"}]`, append(bearerHeader(tok), "Content-Type", "application/json-patch+json"), 415},
	} {
		before := snapshot(t, w.h)
		if r := w.h.do("PATCH", "/v1/me/volunteer-profile", c.body, c.headers...); r.Status != c.status {
			t.Errorf("%s: %d, want %d: %s", c.name, r.Status, c.status, r.Raw)
		}
		unchanged(t, c.name, before, snapshot(t, w.h))
	}
	// A profile never saved is not patched into being.
	w.h.register("13900000002")
	newTok, _ := w.h.login("13900000002", "secret-pass")
	if r := w.h.do("PATCH", "/v1/me/volunteer-profile", `{"realName":"王五"}`, withMergePatch(newTok)...); r.Status != 404 {
		t.Errorf("patch of no profile: %d %s", r.Status, r.Raw)
	}
}

// 100 concurrent PATCHes, each of one field or one day of the week, all
// land: none is lost to another's read-modify-write.
func TestPatchConcurrentFieldsAllLand(t *testing.T) {
	w := newWorld(t)
	id, tok, committee := verifiedVolunteer(t, w, "13900000001", 1)
	patches := []string{
		`{"availability":{"mon":["06:00-07:00"]}}`, `{"availability":{"tue":["06:30-07:00"]}}`,
		`{"availability":{"wed":["07:00-08:00"]}}`, `{"availability":{"thu":["07:30-08:00"]}}`,
		`{"availability":{"fri":["08:00-09:00"]}}`, `{"availability":{"sat":["08:30-09:00"]}}`,
		`{"availability":{"sun":["09:00-10:00"]}}`, `{"skills":[{"code":"cooking","level":3}]}`,
		`{"credentials":[]}`, `{"blackoutDates":["2027-02-01"]}`, `{"home":{"lat":34.7601}}`, `{"home":{"lng":113.6102}}`,
		`{"maxDistanceKm":9}`, `{"domains":["community_governance"]}`, `{"languages":["henan_dialect"]}`,
		`{"qualificationTrack":false}`, `{"insurance":{"insurer":"平安保险"}}`, `{"insurance":{"policyNo":"PA-9"}}`,
		`{"insurance":{"expiresOn":"2031-06-30"}}`,
	}
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := w.h.do("PATCH", "/v1/me/volunteer-profile", patches[i%len(patches)], withMergePatch(tok)...); r.Status != 200 {
				t.Errorf("patch %d: %d %s", i, r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	got := w.h.do("GET", "/v1/me/volunteer-profile", "", bearerHeader(tok)...).Body
	want := map[string]any{}
	if err := json.Unmarshal([]byte(volunteerBody(residentID(1), "")), &want); err != nil {
		t.Fatal(err)
	}
	for _, p := range patches {
		var m map[string]any
		_ = json.Unmarshal([]byte(p), &m)
		want = mergeJSON(want, m).(map[string]any)
	}
	for _, k := range []string{"availability", "skills", "credentials", "blackoutDates", "home", "maxDistanceKm", "domains", "languages", "qualificationTrack", "insurance"} {
		g, x := got[k], want[k]
		if k == "availability" {
			g = nonEmptyDays(g.(map[string]any))
		}
		if fmt.Sprint(g) != fmt.Sprint(x) {
			t.Errorf("%s: got %v, want %v (an update was lost)", k, g, x)
		}
	}
	if r := w.h.do("GET", "/v1/volunteers/"+id, "", bearerHeader(committee)...); r.Body["realNameVerified"] != true || r.Body["backgroundCheck"] == nil {
		t.Errorf("the verification did not survive: %s", r.Raw)
	}
}

func nonEmptyDays(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if len(v.([]any)) > 0 {
			out[k] = v
		}
	}
	return out
}

// mergeJSON is RFC 7396's algorithm, for the expected results.
func mergeJSON(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
		} else {
			t[k] = mergeJSON(t[k], v)
		}
	}
	return t
}

// A social worker's patch leaves the verified certificate and the pool
// alone; a patch of the certificate returns it to pending and leaves the pool.
func TestPatchSocialWorker(t *testing.T) {
	w := newWorld(t)
	w.openStation(t)
	id, tok := w.staffSocialWorker(t, w.adminA, w.orgA, "13500000001")
	mine := func() map[string]any {
		return w.h.do("GET", "/v1/me/social-worker-profile", "", bearerHeader(tok)...).Body
	}
	w.frontLine(t, id, tok, w.adminA, w.orgA, 4)
	for _, c := range []struct{ path, body, tok string }{
		{"/v1/me/social-worker-profile", socialWorkerBody(""), tok},
		{"/v1/social-workers/" + id + "/certificate-verification", `{"decision":"verified"}`, w.zhongyuan},
		{"/v1/social-workers/" + id + "/supervisor-pool", `{"inPool":true,"caseloadCap":5}`, w.city},
	} {
		method := "POST"
		if c.tok == tok {
			method = "PUT"
		}
		if r := w.h.do(method, c.path, c.body, bearerHeader(c.tok)...); r.Status != 200 {
			t.Fatalf("%s: %d %s", c.path, r.Status, r.Raw)
		}
	}
	before := mine()
	if r := w.h.do("PATCH", "/v1/me/social-worker-profile", `{"domains":["social_welfare"],"availability":{"wed":["09:00-12:00"]}}`, withMergePatch(tok)...); r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Raw)
	}
	after := mine()
	sameExcept(t, "the social worker", before, after, "domains", "availability")
	if after["supervisor"] != true || after["certificate"].(map[string]any)["verification"] != "verified" {
		t.Errorf("a patch of the domains touched the certificate or the pool: %v", after)
	}
	snap := snapshot(t, w.h)
	for _, c := range []struct{ body, location string }{
		{`{"stationTownCode":"410102002"}`, "body.stationTownCode"},
		{`{"certificate":{"level":null}}`, "body.certificate.level"},
		{`{"certificate":{"serial":"1"}}`, "body.certificate.serial"},
	} {
		if r := w.h.do("PATCH", "/v1/me/social-worker-profile", c.body, withMergePatch(tok)...); r.Status != 422 || !hasLocation(r, c.location) {
			t.Errorf("%s: %d %s", c.body, r.Status, r.Raw)
		}
	}
	unchanged(t, "refused patches", snap, snapshot(t, w.h))
	r := w.h.do("PATCH", "/v1/me/social-worker-profile", `{"certificate":{"number":"SW2021-0002"}}`, withMergePatch(tok)...)
	if r.Status != 200 {
		t.Fatalf("patch certificate: %d %s", r.Status, r.Raw)
	}
	cert := r.Body["certificate"].(map[string]any)
	if cert["verification"] != "pending" || cert["number"] != "SW2021-0002" || cert["issuedOn"] != "2021-06-01" || r.Body["supervisor"] != false {
		t.Errorf("a changed certificate: %s", r.Raw)
	}
	sameExcept(t, "the social worker", after, r.Body, "certificate", "supervisor", "supervisorTier", "frontLine")
}

// An organisation's admin patches its description; the rest stays, a bad
// patch and a patch from another county change nothing.
func TestPatchOrganisation(t *testing.T) {
	w := newWorld(t)
	path := "/v1/organisations/" + w.orgA
	get := func() map[string]any { return w.h.do("GET", path, "", bearerHeader(w.adminA)...).Body }
	before := get()
	r := w.h.do("PATCH", path, `{"description":"为碧沙岗社区独居老人提供探访服务","contactName":"王主任"}`, withMergePatch(w.adminA)...)
	if r.Status != 200 || r.Body["description"] != "为碧沙岗社区独居老人提供探访服务" || r.Body["contactName"] != "王主任" {
		t.Fatalf("patch: %d %s", r.Status, r.Raw)
	}
	sameExcept(t, "the organisation", before, get(), "description", "contactName")
	snap := snapshot(t, w.h)
	for _, c := range []struct {
		body, tok string
		status    int
		location  string
	}{
		{`{"name":null}`, w.adminA, 422, "body.name"},
		{`{"domains":[]}`, w.adminA, 422, "body.domains"},
		{`{"contactPhone":"12345"}`, w.adminA, 422, "body.contactPhone"},
		{`{"divisionCode":"410103"}`, w.adminA, 403, ""},
		{`{"description":"改名"}`, w.adminB, 403, ""},
		{`{"description":"改名"}`, w.erqi, 403, ""},
		{`{"description":"改名"}`, w.volunteer, 403, ""},
	} {
		r := w.h.do("PATCH", path, c.body, withMergePatch(c.tok)...)
		if r.Status != c.status || (c.location != "" && !hasLocation(r, c.location)) {
			t.Errorf("%s: %d %s", c.body, r.Status, r.Raw)
		}
	}
	unchanged(t, "refused patches", snap, snapshot(t, w.h))
}

// A committee patches the title of its need; the rest stays. A patch that
// leaves the need without a time, or comes from another committee, changes nothing.
func TestPatchNeed(t *testing.T) {
	w := newWorld(t)
	zy, eq := w.committees(t)
	r := w.h.do("POST", "/v1/needs", needBody(zhongyuanCommunity, ""), bearerHeader(zy)...)
	if r.Status != 201 {
		t.Fatalf("post need: %d %s", r.Status, r.Raw)
	}
	path := "/v1/needs/" + r.str("id")
	before := w.h.do("GET", path, "", bearerHeader(zy)...).Body
	r = w.h.do("PATCH", path, `{"title":"助老上门探访（周六）","location":{"lat":34.7540}}`, withMergePatch(zy)...)
	if r.Status != 200 || r.Body["title"] != "助老上门探访（周六）" {
		t.Fatalf("patch: %d %s", r.Status, r.Raw)
	}
	if loc := r.Body["location"].(map[string]any); loc["lat"] != 34.754 || loc["lng"] != 113.6133 {
		t.Errorf("location: %v", loc)
	}
	sameExcept(t, "the need", before, r.Body, "title", "location")
	snap := snapshot(t, w.h)
	for _, c := range []struct {
		body, tok string
		status    int
		location  string
	}{
		{`{"headcount":0}`, zy, 422, "body.headcount"},
		{`{"window":null}`, zy, 422, ""},
		{`{"title":null}`, zy, 422, "body.title"},
		{`{"title":"别的社区的需求"}`, eq, 403, ""},
	} {
		r := w.h.do("PATCH", path, c.body, withMergePatch(c.tok)...)
		if r.Status != c.status || (c.location != "" && !hasLocation(r, c.location)) {
			t.Errorf("%s: %d %s", c.body, r.Status, r.Raw)
		}
	}
	unchanged(t, "refused patches", snap, snapshot(t, w.h))
}

// Civil affairs patches a station's address; the rest stays, and a bad
// patch or one from another county changes nothing.
func TestPatchStation(t *testing.T) {
	w := newWorld(t)
	w.openStation(t)
	path := "/v1/stations/" + linshanzhai
	before := w.h.do("GET", path, "", bearerHeader(w.zhongyuan)...).Body
	r := w.h.do("PATCH", path, `{"address":"中原区林山寨街道建设路 1 号"}`, withMergePatch(w.zhongyuan)...)
	if r.Status != 200 || r.Body["address"] != "中原区林山寨街道建设路 1 号" {
		t.Fatalf("patch: %d %s", r.Status, r.Raw)
	}
	sameExcept(t, "the station", before, w.h.do("GET", path, "", bearerHeader(w.zhongyuan)...).Body, "address")
	snap := snapshot(t, w.h)
	for _, c := range []struct {
		body, tok string
		status    int
	}{
		{`{"name":null}`, w.zhongyuan, 422},
		{`{"serviceAreas":[]}`, w.zhongyuan, 422},
		{`{"operatorOrgId":"nobody"}`, w.zhongyuan, 422},
		{`{"address":"别处"}`, w.erqi, 403},
		{`{"address":"别处"}`, w.adminA, 403},
	} {
		if r := w.h.do("PATCH", path, c.body, withMergePatch(c.tok)...); r.Status != c.status {
			t.Errorf("%s: %d %s", c.body, r.Status, r.Raw)
		}
	}
	unchanged(t, "refused patches", snap, snapshot(t, w.h))
}
