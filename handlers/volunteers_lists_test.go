package handlers_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
)

// Volunteer lists, personal-data audit, concurrent edits and facts a
// volunteer cannot assert.

func TestVolunteerLists(t *testing.T) {
	w := newWorld(t)
	zy := w.communityAdmin(t, w.zhongyuan, "13600000001", bishagang)
	eq := w.communityAdmin(t, w.erqi, "13600000002", huaihe)
	_, swTok := w.staffSocialWorker(t, w.adminA, w.orgA, "13500000001")
	s := &idScanner{t: t, h: w.h}
	ids := map[string]bool{}
	for i := range 5 {
		s.ids = append(s.ids, residentID(600+i))
		id, _ := w.volunteerWith(t, s.do, fmt.Sprintf("134000001%02d", i), volunteerBody(residentID(600+i), ""))
		ids[id] = true
	}
	s.ids = append(s.ids, residentID(700))
	erqiID, _ := w.volunteerWith(t, s.do, "13400000200", strings.NewReplacer(bishagang, huaihe, `"lat":34.751234,"lng":113.601234`, `"lat":34.74,"lng":113.64`).Replace(volunteerBody(residentID(700), "")))
	verified := ""
	for id := range ids {
		verified = id
		break
	}
	if r := s.do("POST", "/v1/volunteers/"+verified+"/verification", `{"verified":true}`, bearerHeader(zy)...); r.Status != 200 {
		t.Fatalf("verify: %d %s", r.Status, r.Raw)
	}

	list := func(tok, query string) (response, []map[string]any) {
		t.Helper()
		r := s.do("GET", "/v1/volunteers"+query, "", bearerHeader(tok)...)
		var items []map[string]any
		if its, ok := r.Body["items"].([]any); ok {
			for _, it := range its {
				items = append(items, it.(map[string]any))
			}
		}
		return r, items
	}
	cases := []struct {
		name, token, query string
		status, count      int
		location           string
	}{
		{"the committee, by default its own community", zy, "", 200, 5, ""},
		{"the committee names its community", zy, "?community=" + bishagang, 200, 5, ""},
		{"verified only", zy, "?verified=true", 200, 1, ""},
		{"unverified only", zy, "?verified=false", 200, 4, ""},
		{"the committee asks for another community", zy, "?community=" + huaihe, 403, 0, ""},
		{"the committee asks for its county", zy, "?division=410102", 403, 0, ""},
		{"another committee asks for this community", eq, "?community=" + bishagang, 403, 0, ""},
		{"the other committee's own", eq, "", 200, 1, ""},
		{"the county, by default its own division", w.zhongyuan, "", 200, 5, ""},
		{"the county names a community inside it", w.zhongyuan, "?community=" + bishagang, 200, 5, ""},
		{"the city", w.city, "?division=4101", 200, 6, ""},
		{"the city, one county", w.city, "?division=410103", 200, 1, ""},
		{"another county", w.erqi, "?division=410102", 403, 0, ""},
		{"another county names a community", w.erqi, "?community=" + bishagang, 403, 0, ""},
		{"a volunteer", w.volunteer, "", 403, 0, ""},
		{"a volunteer names a community", w.volunteer, "?community=" + bishagang, 403, 0, ""},
		{"an org admin", w.adminA, "?community=" + bishagang, 403, 0, ""},
		{"a social worker", swTok, "?division=410102", 403, 0, ""},
		{"malformed community", w.city, "?community=123", 422, 0, "query.community"},
		{"unknown community", w.city, "?community=410102999999", 422, 0, "query.community"},
		{"unknown division", w.city, "?division=419999", 422, 0, "query.division"},
		{"bad verified flag", w.city, "?verified=maybe", 422, 0, "query.verified"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, items := list(c.token, c.query)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Raw)
			}
			if c.location != "" && !hasLocation(r, c.location) {
				t.Errorf("errors name %v, want %s", r.locations(), c.location)
			}
			if c.status == 200 && len(items) != c.count {
				t.Errorf("%d items, want %d: %s", len(items), c.count, r.Raw)
			}
			for _, it := range items {
				home := it["home"].(map[string]any)
				if !strings.Contains(it["phone"].(string), "****") || it["homeExact"] != false || home["lat"] != 34.75 && home["lat"] != 34.74 ||
					!strings.Contains(it["idNumberMasked"].(string), "**********") {
					t.Errorf("list item not masked: %v", it)
				}
			}
		})
	}
	// Paging returns every volunteer exactly once.
	seen := map[string]int{}
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		r, items := list(w.city, "?limit=2&cursor="+cursor)
		if r.Status != 200 || len(items) > 2 {
			t.Fatalf("page %d: %d %s", pages, r.Status, r.Raw)
		}
		for _, it := range items {
			seen[it["accountId"].(string)]++
		}
		if cursor = r.str("nextCursor"); cursor == "" {
			break
		}
	}
	ids[erqiID] = true
	if len(seen) != len(ids) {
		t.Errorf("paged %d volunteers, want %d", len(seen), len(ids))
	}
	for id, n := range seen {
		if !ids[id] || n != 1 {
			t.Errorf("%s listed %d times", id, n)
		}
	}
}

// TestVolunteerPersonalDataAudit: civil affairs sees a volunteer's exact
// phone and home only by giving a reason, and every such read is audited;
// when the audit log cannot be written, the exact read is refused.
func TestVolunteerPersonalDataAudit(t *testing.T) {
	w, audit := newAuditedWorld(t)
	raw := residentID(789)
	s := &idScanner{t: t, h: w.h, ids: []string{raw}}
	if r := s.do("PUT", "/v1/me/volunteer-profile", volunteerBody(raw, ""), bearerHeader(w.volunteer)...); r.Status != 200 {
		t.Fatalf("profile: %d %s", r.Status, r.Raw)
	}
	path, object := "/v1/volunteers/"+w.volunteerID, "volunteer:"+w.volunteerID
	reads := func() []models.AuditEntry { return audit.find("personal_data.read", object) }

	if r := s.do("GET", path, "", bearerHeader(w.zhongyuan)...); r.Status != 200 || r.str("phone") != "131****0013" {
		t.Fatalf("without a reason: %d %s", r.Status, r.Raw)
	}
	if n := len(reads()); n != 0 {
		t.Fatalf("a masked read was audited: %d entries", n)
	}
	r := s.do("GET", path+"?reason="+"%E6%A0%B8%E6%9F%A5%E6%8A%95%E8%AF%89%E7%BA%BF%E7%B4%A2", "", bearerHeader(w.zhongyuan)...) // 核查投诉线索
	if r.Status != 200 || r.str("phone") != "13100000013" || r.Body["homeExact"] != true {
		t.Fatalf("with a reason: %d %s", r.Status, r.Raw)
	}
	entries := reads()
	if len(entries) != 1 || entries[0].ActorID != accountID(t, w.h, w.zhongyuan) || entries[0].Reason != "核查投诉线索" ||
		entries[0].DivisionCode != bishagang || entries[0].At.IsZero() {
		t.Fatalf("audit entries: %+v", entries)
	}
	// Another county's reason opens nothing and is not logged as a read.
	if r := s.do("GET", path+"?reason=%E6%A0%B8%E6%9F%A5%E7%BA%BF%E7%B4%A2", "", bearerHeader(w.erqi)...); r.Status != 404 {
		t.Fatalf("another county: %d %s", r.Status, r.Raw)
	}
	if r := s.do("GET", path+"?reason=%20%20%20%20%20", "", bearerHeader(w.city)...); r.Status != 422 || !hasLocation(r, "query.reason") {
		t.Fatalf("blank reason: %d %s", r.Status, r.Raw)
	}
	if n := len(reads()); n != 1 {
		t.Fatalf("refused reads were audited: %d entries", n)
	}
	// No audit, no exact read; the masked read still works.
	audit.setFail(true)
	r = s.do("GET", path+"?reason=%E5%B9%B4%E5%BA%A6%E6%8A%BD%E6%9F%A5", "", bearerHeader(w.city)...) // 年度抽查
	if r.Status < 500 || strings.Contains(r.Raw, "13100000013") || strings.Contains(r.Raw, "34.751234") {
		t.Fatalf("exact read without an audit entry: %d %s", r.Status, r.Raw)
	}
	if r := s.do("GET", path, "", bearerHeader(w.city)...); r.Status != 200 || r.str("phone") != "131****0013" {
		t.Fatalf("masked read while the log is down: %d %s", r.Status, r.Raw)
	}
	audit.setFail(false)
}

// TestVolunteerConcurrentEdits: the owner's saves and the committee's
// verifications of one profile run at once; every save keeps the name and
// ID number, so the verification must survive all of them (FerretDB loses
// unserialised updates of one document: the service serialises them).
func TestVolunteerConcurrentEdits(t *testing.T) {
	w := newWorld(t)
	zy := w.communityAdmin(t, w.zhongyuan, "13600000001", bishagang)
	raw := residentID(135)
	if r := w.h.do("PUT", "/v1/me/volunteer-profile", volunteerBody(raw, ""), bearerHeader(w.volunteer)...); r.Status != 200 {
		t.Fatalf("profile: %d %s", r.Status, r.Raw)
	}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var r response
			if i%6 == 0 {
				r = w.h.do("POST", "/v1/volunteers/"+w.volunteerID+"/verification", `{"verified":true}`, bearerHeader(zy)...)
			} else {
				r = w.h.do("PUT", "/v1/me/volunteer-profile", volunteerBody("", fmt.Sprintf(`,"maxDistanceKm":%d`, i%50)), bearerHeader(w.volunteer)...)
			}
			if r.Status != 200 {
				t.Errorf("status %d: %s", r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	r := w.h.do("GET", "/v1/me/volunteer-profile", "", bearerHeader(w.volunteer)...)
	if r.Body["realNameVerified"] != true || r.str("idNumberMasked") != models.MaskIDNumber(raw) {
		t.Fatalf("a concurrent save lost the verification or the ID: %s", r.Raw)
	}
}

// TestOfficialReadsAreAudited: an official's read of other people's
// unmasked data — a confirmed plan's contacts, a member roll, a social
// worker's full record — is written to the audit log with its reason.
func TestOfficialReadsAreAudited(t *testing.T) {
	w, audit := newAuditedWorld(t)
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, "")
	vid, _ := w.volunteerWithProfile(t, "13600600001", zy, "")
	swID, swTok := w.supervisor(t, "13600600002")
	if r := w.h.do("POST", "/v1/needs/"+need+"/plan/volunteers", `{"volunteerId":"`+vid+`"}`, bearerHeader(zy)...); r.Status != 201 {
		t.Fatalf("place: %d %s", r.Status, r.Raw)
	}
	w.h.do("PUT", "/v1/needs/"+need+"/plan/supervisor", `{"socialWorkerId":"`+swID+`"}`, bearerHeader(zy)...)
	if r := w.h.do("POST", "/v1/needs/"+need+"/plan/supervisor/response", `{"accept":true}`, bearerHeader(swTok)...); r.Status != 200 {
		t.Fatalf("accept supervision: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/needs/"+need+"/plan/confirm", "", bearerHeader(zy)...); r.Status != 200 {
		t.Fatalf("confirm: %d %s", r.Status, r.Raw)
	}
	planReads := len(audit.find("personal_data.read", "plan:"+need))
	if r := w.h.do("GET", "/v1/needs/"+need+"/plan", "", bearerHeader(zy)...); r.Status != 200 || !strings.Contains(r.Raw, "13600600001") {
		t.Fatalf("plan: %d %s", r.Status, r.Raw)
	}
	if got := audit.find("personal_data.read", "plan:"+need); len(got) != planReads+1 || got[len(got)-1].Reason == "" {
		t.Fatalf("plan read audit: %+v", got)
	}
	if r := w.h.do("GET", "/v1/organisations/"+w.orgA+"/members", "", bearerHeader(w.zhongyuan)...); r.Status != 200 {
		t.Fatalf("members: %d %s", r.Status, r.Raw)
	}
	if got := audit.find("personal_data.read", "organisation:"+w.orgA+"/members"); len(got) != 1 {
		t.Fatalf("member roll audit: %+v", got)
	}
	// The CE compliance roll shows names and full phones: audited like the member roll (issue 14).
	if r := w.h.do("GET", "/v1/organisations/"+w.orgA+"/ce-compliance", "", bearerHeader(w.adminA)...); r.Status != 200 || !strings.Contains(r.Raw, "13600600002") {
		t.Fatalf("CE compliance: %d %s", r.Status, r.Raw)
	}
	if got := audit.find("personal_data.read", "organisation:"+w.orgA+"/ce-compliance"); len(got) != 1 {
		t.Fatalf("CE compliance audit: %+v", got)
	}
	if r := w.h.do("GET", "/v1/social-workers/"+swID, "", bearerHeader(w.adminA)...); r.Status != 200 {
		t.Fatalf("social worker: %d %s", r.Status, r.Raw)
	}
	if got := audit.find("personal_data.read", "social_worker:"+swID); len(got) != 1 {
		t.Fatalf("social worker audit: %+v", got)
	}
	// A volunteer reading a masked list is no official read.
	before := len(audit.find("personal_data.read", "social_worker:"+swID))
	if r := w.h.do("GET", "/v1/social-workers/"+swID, "", bearerHeader(w.volunteer)...); r.Status != 200 {
		t.Fatalf("public view: %d %s", r.Status, r.Raw)
	}
	if n := len(audit.find("personal_data.read", "social_worker:"+swID)); n != before {
		t.Fatalf("a masked read was audited")
	}
}

// TestVerifiedFactsAreNotSelfAsserted: the birth date is the one the ID
// number encodes, and the volunteer cannot give themselves a background
// check (the committee records it: TestBackgroundCheckIsRecordedNotAsserted).
func TestVerifiedFactsAreNotSelfAsserted(t *testing.T) {
	w := newWorld(t)
	zy := w.communityAdmin(t, w.zhongyuan, "13600000001", bishagang)
	teenID := residentIDBorn(41, time.Now().AddDate(-17, 0, 0).Format("20060102"))
	born := teenID[6:10] + "-" + teenID[10:12] + "-" + teenID[12:14]
	guardian := `,"guardian":{"guardianName":"李大明","guardianPhone":"13812345678","relationship":"父子","consentedOn":"2025-01-01"}`
	teenBody := strings.Replace(volunteerBody(teenID, guardian), `"1990-03-07"`, `"`+born+`"`, 1)
	id, tok := w.volunteerWith(t, w.h.do, "13400000041", teenBody)
	if r := w.h.do("POST", "/v1/volunteers/"+id+"/verification", `{"verified":true}`, bearerHeader(zy)...); r.Status != 200 {
		t.Fatalf("verify: %d %s", r.Status, r.Raw)
	}
	// A verified 17-year-old cannot become an adult in one request.
	adult := volunteerBody("", guardian) // born 1990-03-07
	if r := w.h.do("PUT", "/v1/me/volunteer-profile", adult, bearerHeader(tok)...); r.Status != 422 || !hasLocation(r, "body.birthDate") {
		t.Fatalf("a birth date other than the ID's: %d %s", r.Status, r.Raw)
	}
	// Without a birth date, the ID's is taken.
	noBirth := strings.Replace(teenBody, `"birthDate":"`+born+`",`, "", 1)
	if r := w.h.do("PUT", "/v1/me/volunteer-profile", noBirth, bearerHeader(tok)...); r.Status != 200 || r.str("birthDate") != born ||
		r.Body["minor"] != true || r.Body["realNameVerified"] != true {
		t.Fatalf("the birth date from the ID: %d %s", r.Status, r.Raw)
	}
	// A background check the volunteer gives themselves is refused, and changes nothing.
	selfChecked := strings.Replace(noBirth, `"realName"`, `"backgroundCheck":{"passedOn":"2025-01-01","expiresOn":"2099-01-01"},"realName"`, 1)
	if r := w.h.do("PUT", "/v1/me/volunteer-profile", selfChecked, bearerHeader(tok)...); r.Status != 422 || !hasLocation(r, "body.backgroundCheck") {
		t.Fatalf("a self-given background check: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/me/volunteer-profile", "", bearerHeader(tok)...); r.Body["realNameVerified"] != true || r.Body["backgroundCheck"] != nil {
		t.Fatalf("after a self-given background check: %s", r.Raw)
	}
}
