package handlers_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
)

const (
	bishagang = "410102001002" // 碧沙岗社区居委会, 林山寨街道, 中原区
	huaihe    = "410103001001" // 淮河社区居民委员会, 淮河路街道, 二七区
)

// residentID is a valid 18-character resident ID number (born 1990-03-07 in 中原区).
func residentID(seq int) string { return residentIDBorn(seq, "19900307") }

// residentIDBorn is a valid ID number of someone born on yyyymmdd.
func residentIDBorn(seq int, yyyymmdd string) string {
	first := fmt.Sprintf("410102%s%03d", yyyymmdd, seq%1000)
	return first + string(models.IDCheckChar(first))
}

// auditLog records the audit entries the service appends, so a test can
// read the log; with fail set it refuses them, like a store that is down.
type auditLog struct {
	service.AuditStore // reads pass through
	next               service.AuditStore
	mu                 sync.Mutex
	fail               bool
	entries            []models.AuditEntry
}

func (l *auditLog) AppendAudit(ctx context.Context, e *models.AuditEntry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fail {
		return models.ErrUnavailable.Wrap(errors.New("audit store down"))
	}
	l.entries = append(l.entries, *e)
	return l.next.AppendAudit(ctx, e)
}

func (l *auditLog) setFail(fail bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fail = fail
}

// find lists the entries of one action on one object.
func (l *auditLog) find(action, object string) []models.AuditEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []models.AuditEntry
	for _, e := range l.entries {
		if e.Action == action && e.Object == object {
			out = append(out, e)
		}
	}
	return out
}

// newAuditedWorld is newWorld with the audit store wrapped by an auditLog.
func newAuditedWorld(t *testing.T) (*world, *auditLog) {
	t.Helper()
	var log *auditLog
	w := newWorld(t, func(s *harnessSetup) {
		log = &auditLog{AuditStore: s.stores.Audit, next: s.stores.Audit}
		s.stores.Audit = log
	})
	return w, log
}

// communityAdmin has civil affairs appoint a community's committee and logs it in.
func (w *world) communityAdmin(t *testing.T, civil, phone, community string) string {
	t.Helper()
	r := w.h.do("POST", "/v1/accounts", `{"phone":"`+phone+`","password":"secret-pass","name":"社区书记","role":"community_admin","communityCode":"`+community+`"}`, bearerHeader(civil)...)
	if r.Status != 201 {
		t.Fatalf("community admin: %d %s", r.Status, r.Raw)
	}
	tok, _ := w.h.login(phone, "secret-pass")
	return tok
}

// staffSocialWorker registers a person, has the organisation's admin add
// them as a social worker, and logs them in (the token carries the binding).
func (w *world) staffSocialWorker(t *testing.T, orgAdmin, org, phone string) (id, token string) {
	t.Helper()
	id = w.h.register(phone)
	addMemberAccepted(t, w.h, orgAdmin, org, phone, "social_worker")
	token, _ = w.h.login(phone, "secret-pass")
	return id, token
}

func accountID(t *testing.T, h *harness, tok string) string {
	t.Helper()
	r := h.me(tok)
	if r.Status != 200 {
		t.Fatalf("me: %d %s", r.Status, r.Raw)
	}
	return r.str("id")
}

// idScanner sends requests through the harness and fails the test when a
// response shows any of the raw ID numbers (or their hidden middle digits).
type idScanner struct {
	t   *testing.T
	h   *harness
	ids []string
}

func (s *idScanner) do(method, path, body string, headers ...string) response {
	s.t.Helper()
	r := s.h.do(method, path, body, headers...)
	for _, id := range s.ids {
		if strings.Contains(r.Raw, id) || strings.Contains(r.Raw, id[4:14]) {
			s.t.Errorf("%s %s shows a raw ID number: %s", method, path, r.Raw)
		}
	}
	return r
}

func volunteerBody(idNumber, extra string) string {
	return `{"realName":"李小明","idNumber":"` + idNumber + `","skills":[{"code":"first_aid","level":2},{"code":"cooking","level":1}],` +
		`"credentials":[{"skill":"first_aid","name":"红十字救护员证","expiresOn":"2030-01-01"}],` +
		`"availability":{"mon":["08:00-12:00"],"sat":["14:00-17:30"]},"blackoutDates":["2026-01-01"],` +
		`"home":{"lat":34.751234,"lng":113.601234},"communityCode":"` + bishagang + `","domains":["social_welfare"],` +
		`"languages":["mandarin"],"qualificationTrack":true,"birthDate":"1990-03-07",` +
		`"insurance":{"insurer":"中国人保","policyNo":"PICC-1","expiresOn":"2030-01-01"}` + extra + `}`
}

// volunteerWith registers a volunteer and saves their profile.
func (w *world) volunteerWith(t *testing.T, do func(string, string, string, ...string) response, phone, body string) (id, token string) {
	t.Helper()
	id = w.h.register(phone)
	token, _ = w.h.login(phone, "secret-pass")
	if r := do("PUT", "/v1/me/volunteer-profile", body, bearerHeader(token)...); r.Status != 200 {
		t.Fatalf("volunteer profile: %d %s", r.Status, r.Raw)
	}
	return id, token
}

func hasLocation(r response, loc string) bool {
	for _, l := range r.locations() {
		if l == loc {
			return true
		}
	}
	return false
}

func TestVolunteerProfile(t *testing.T) {
	w := newWorld(t)
	raw := residentID(123)
	s := &idScanner{t: t, h: w.h, ids: []string{raw}}
	me := func() response { return s.do("GET", "/v1/me/volunteer-profile", "", bearerHeader(w.volunteer)...) }

	if r := me(); r.Status != 404 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("no profile yet: %d %s", r.Status, r.Raw)
	}
	r := s.do("PUT", "/v1/me/volunteer-profile", volunteerBody(raw, ""), bearerHeader(w.volunteer)...)
	if r.Status != 200 {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	for field, want := range map[string]any{
		"accountId": w.volunteerID, "phone": "13100000013", "name": "测试用户", "realName": "李小明",
		"idNumberMasked": raw[:4] + "**********" + raw[14:], "realNameVerified": false, "maxDistanceKm": float64(5),
		"minor": false, "guardianConsentRecorded": false, "homeExact": true, "communityCode": bishagang, "qualificationTrack": true,
	} {
		if r.Body[field] != want {
			t.Errorf("%s = %v, want %v", field, r.Body[field], want)
		}
	}
	if _, ok := r.Body["idNumber"]; ok {
		t.Errorf("the response has an idNumber field: %s", r.Raw)
	}
	if !strings.Contains(r.Raw, `"availability":{"fri":[],"mon":["08:00-12:00"],"sat":["14:00-17:30"],"sun":[],"thu":[],"tue":[],"wed":[]}`) ||
		!strings.Contains(r.Raw, `"home":{"lat":34.751234,"lng":113.601234}`) ||
		!strings.Contains(r.Raw, `"reliability":{"invited":0,"accepted":0,"declined":0,"attended":0,"noShows":0,"committedHours":0}`) {
		t.Errorf("profile: %s", r.Raw)
	}
	saved := me()
	if saved.Raw != r.Raw {
		t.Errorf("GET differs from the PUT's answer:\n%s\n%s", saved.Raw, r.Raw)
	}

	cases := []struct {
		name, body, location string
	}{
		{"unknown skill", strings.Replace(volunteerBody(raw, ""), `"code":"cooking"`, `"code":"levitation"`, 1), "body.skills[1].code"},
		{"duplicate skill", strings.Replace(volunteerBody(raw, ""), `"code":"cooking"`, `"code":"first_aid"`, 1), "body.skills[1].code"},
		{"skill level 4", strings.Replace(volunteerBody(raw, ""), `"level":2`, `"level":4`, 1), "body.skills[0].level"},
		{"bad ID check character", volunteerBody(raw[:17]+string("0123456789X"[(strings.IndexByte("0123456789X", raw[17])+1)%11]), ""), "body.idNumber"},
		{"ID with an impossible birth date", volunteerBody(func() string { f := "41010219901307123"; return f + string(models.IDCheckChar(f)) }(), ""), "body.idNumber"},
		{"short ID", volunteerBody("4101021990", ""), "body.idNumber"},
		{"home in Beijing", strings.Replace(volunteerBody(raw, ""), `"lat":34.751234,"lng":113.601234`, `"lat":39.9,"lng":116.4`, 1), "body.home"},
		{"latitude out of range", strings.Replace(volunteerBody(raw, ""), `"lat":34.751234`, `"lat":134.75`, 1), "body.home.lat"},
		{"unknown community", strings.Replace(volunteerBody(raw, ""), bishagang, "410102999999", 1), "body.communityCode"},
		{"community code of a street", strings.Replace(volunteerBody(raw, ""), bishagang, "410102001000", 1), "body.communityCode"},
		{"availability off the half-hour grid", strings.Replace(volunteerBody(raw, ""), `"08:00-12:00"`, `"08:15-12:00"`, 1), "body.availability.mon[0]"},
		{"availability end before start", strings.Replace(volunteerBody(raw, ""), `"14:00-17:30"`, `"17:30-14:00"`, 1), "body.availability.sat[0]"},
		{"unknown weekday", strings.Replace(volunteerBody(raw, ""), `"sat":`, `"sab":`, 1), "body.availability.sab"},
		{"bad blackout date", strings.Replace(volunteerBody(raw, ""), `"2026-01-01"`, `"2026-02-30"`, 1), "body.blackoutDates[0]"},
		{"owner sets a background check", volunteerBody(raw, `,"backgroundCheck":{"passedOn":"2025-01-01","expiresOn":"2099-01-01"}`), "body.backgroundCheck"},
		{"owner records a background check", volunteerBody(raw, `,"backgroundCheck":{"result":"passed","checkedOn":"2025-01-01","expiresOn":"2099-01-01","recordedBy":"`+w.volunteerID+`"}`), "body.backgroundCheck"},
		{"credential without a name", strings.Replace(volunteerBody(raw, ""), `"name":"红十字救护员证"`, `"name":" "`, 1), "body.credentials[0].name"},
		{"credential of an unknown skill", strings.Replace(volunteerBody(raw, ""), `"skill":"first_aid"`, `"skill":"magic"`, 1), "body.credentials[0].skill"},
		{"unknown domain", strings.Replace(volunteerBody(raw, ""), `"social_welfare"`, `"space_travel"`, 1), "body.domains[0]"},
		{"unknown language", strings.Replace(volunteerBody(raw, ""), `"mandarin"`, `"klingon"`, 1), "body.languages[0]"},
		{"distance over 100 km", volunteerBody(raw, `,"maxDistanceKm":500`), "body.maxDistanceKm"},
		{"birth date in the future", strings.Replace(volunteerBody(raw, ""), `"1990-03-07"`, `"2190-03-07"`, 1), "body.birthDate"},
		{"one-character real name", strings.Replace(volunteerBody(raw, ""), `"李小明"`, `"李"`, 1), "body.realName"},
		{"guardian with a bad phone", volunteerBody(raw, `,"guardian":{"guardianName":"李大明","guardianPhone":"12345","relationship":"父子","consentedOn":"2025-01-01"}`), "body.guardian.guardianPhone"},
		{"guardian without a consent date", volunteerBody(raw, `,"guardian":{"guardianName":"李大明","guardianPhone":"13812345678","relationship":"父子","consentedOn":"soon"}`), "body.guardian.consentedOn"},
		{"insurance without an insurer", strings.Replace(volunteerBody(raw, ""), `"insurer":"中国人保"`, `"insurer":""`, 1), "body.insurance.insurer"},
		{"owner sets verification", volunteerBody(raw, `,"realNameVerified":true`), "body.realNameVerified"},
		{"owner sets reliability", volunteerBody(raw, `,"reliability":{"attended":99}`), "body.reliability"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := s.do("PUT", "/v1/me/volunteer-profile", c.body, bearerHeader(w.volunteer)...)
			if r.Status != 422 {
				t.Fatalf("status %d, want 422: %s", r.Status, r.Raw)
			}
			if !hasLocation(r, c.location) {
				t.Errorf("errors name %v, want %s", r.locations(), c.location)
			}
			if after := me(); after.Raw != saved.Raw {
				t.Errorf("a refused PUT changed the profile:\n%s", after.Raw)
			}
		})
	}

	// Only a volunteer has a volunteer profile.
	committee := w.communityAdmin(t, w.zhongyuan, "13600000001", bishagang)
	for name, tok := range map[string]string{"committee": committee, "civil affairs": w.zhongyuan} {
		if r := s.do("PUT", "/v1/me/volunteer-profile", volunteerBody(residentID(7), ""), bearerHeader(tok)...); r.Status != 403 {
			t.Errorf("%s puts a volunteer profile: %d %s", name, r.Status, r.Raw)
		}
	}

	// A minor: the service says so and records the guardian's consent.
	minorID := residentIDBorn(8, "20150601")
	_, minorTok := w.volunteerWith(t, s.do, "13400000001", strings.Replace(volunteerBody(minorID, ""), `"1990-03-07"`, `"2015-06-01"`, 1))
	if r := s.do("GET", "/v1/me/volunteer-profile", "", bearerHeader(minorTok)...); r.Body["minor"] != true || r.Body["guardianConsentRecorded"] != false {
		t.Errorf("minor without consent: %s", r.Raw)
	}
	withGuardian := strings.Replace(volunteerBody("", `,"guardian":{"guardianName":"李大明","guardianPhone":"13812345678","relationship":"父子","consentedOn":"2025-01-01"}`),
		`"1990-03-07"`, `"2015-06-01"`, 1)
	r = s.do("PUT", "/v1/me/volunteer-profile", withGuardian, bearerHeader(minorTok)...)
	if r.Status != 200 || r.Body["minor"] != true || r.Body["guardianConsentRecorded"] != true || !strings.Contains(r.Raw, `"guardianPhone":"13812345678"`) {
		t.Errorf("minor with consent: %d %s", r.Status, r.Raw)
	}
	// An omitted ID number keeps the stored one.
	if r.str("idNumberMasked") != models.MaskIDNumber(minorID) {
		t.Errorf("omitted idNumber dropped the stored one: %s", r.Raw)
	}
	// The default distance applies only when none is given.
	if r := s.do("PUT", "/v1/me/volunteer-profile", strings.Replace(volunteerBody("", `,"maxDistanceKm":0`), `"1990-03-07"`, `"2015-06-01"`, 1), bearerHeader(minorTok)...); r.Status != 200 || r.Body["maxDistanceKm"] != float64(0) {
		t.Errorf("distance 0: %d %s", r.Status, r.Raw)
	}
}

func TestVolunteerVerification(t *testing.T) {
	w, audit := newAuditedWorld(t)
	raw := residentID(321)
	s := &idScanner{t: t, h: w.h, ids: []string{raw}}
	zy := w.communityAdmin(t, w.zhongyuan, "13600000001", bishagang)
	eq := w.communityAdmin(t, w.erqi, "13600000002", huaihe)
	_, swTok := w.staffSocialWorker(t, w.adminA, w.orgA, "13500000001")
	if r := s.do("PUT", "/v1/me/volunteer-profile", volunteerBody(raw, ""), bearerHeader(w.volunteer)...); r.Status != 200 {
		t.Fatalf("profile: %d %s", r.Status, r.Raw)
	}
	otherID, otherTok := w.volunteerWith(t, s.do, "13400000001", volunteerBody(residentID(322), ""))
	verify := func(tok, id, body string) response {
		return s.do("POST", "/v1/volunteers/"+id+"/verification", body, bearerHeader(tok)...)
	}
	verified := func() any {
		return s.do("GET", "/v1/me/volunteer-profile", "", bearerHeader(w.volunteer)...).Body["realNameVerified"]
	}

	refused := []struct {
		name, token string
		status      int
	}{
		{"the volunteer themselves", w.volunteer, 403},
		{"another volunteer", otherTok, 404},
		{"a social worker", swTok, 404},
		{"an org admin", w.adminA, 404},
		{"another community's committee", eq, 404},
		{"another county's civil affairs", w.erqi, 404},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			if r := verify(c.token, w.volunteerID, `{"verified":true}`); r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Raw)
			}
			if v := verified(); v != false {
				t.Fatalf("a refused verification changed the profile: %v", v)
			}
		})
	}
	if n := len(audit.find("volunteer.verification", "volunteer:"+w.volunteerID)); n != 0 {
		t.Fatalf("refused verifications were audited: %d", n)
	}
	if r := verify(zy, "nobody", `{"verified":true}`); r.Status != 404 {
		t.Errorf("unknown volunteer: %d", r.Status)
	}
	if r := verify(zy, w.volunteerID, `{"verified":"yes"}`); r.Status != 422 || !hasLocation(r, "body.verified") {
		t.Errorf("wrong type: %d %s", r.Status, r.Raw)
	}

	// The committee verifies; the audit log records who and why.
	r := verify(zy, w.volunteerID, `{"verified":true,"note":"已核对身份证原件"}`)
	if r.Status != 200 || r.Body["realNameVerified"] != true || r.str("verifiedAt") == "" || r.Body["homeExact"] != false {
		t.Fatalf("verify: %d %s", r.Status, r.Raw)
	}
	entries := audit.find("volunteer.verification", "volunteer:"+w.volunteerID)
	if len(entries) != 1 || entries[0].ActorID != accountID(t, w.h, zy) || entries[0].DivisionCode != bishagang || !strings.Contains(entries[0].Reason, "已核对身份证原件") {
		t.Fatalf("audit: %+v", entries)
	}
	// Saving the profile unchanged keeps the verification (the ID may be omitted).
	if r := s.do("PUT", "/v1/me/volunteer-profile", volunteerBody("", `,"maxDistanceKm":8`), bearerHeader(w.volunteer)...); r.Status != 200 || r.Body["realNameVerified"] != true {
		t.Fatalf("unchanged name and ID: %d %s", r.Status, r.Raw)
	}
	// A new real name withdraws it; so does a new ID number.
	if r := s.do("PUT", "/v1/me/volunteer-profile", strings.Replace(volunteerBody("", ""), "李小明", "李晓明", 1), bearerHeader(w.volunteer)...); r.Status != 200 || r.Body["realNameVerified"] != false || r.str("verifiedAt") != "" {
		t.Fatalf("changed name: %d %s", r.Status, r.Raw)
	}
	if r := verify(w.zhongyuan, w.volunteerID, `{"verified":true}`); r.Status != 200 || r.Body["realNameVerified"] != true {
		t.Fatalf("civil affairs verifies: %d %s", r.Status, r.Raw)
	}
	if r := s.do("PUT", "/v1/me/volunteer-profile", strings.Replace(volunteerBody(residentID(999), ""), "李小明", "李晓明", 1), bearerHeader(w.volunteer)...); r.Status != 200 || r.Body["realNameVerified"] != false {
		t.Fatalf("changed ID: %d %s", r.Status, r.Raw)
	}
	s.ids = append(s.ids, residentID(999))
	if r := verify(w.city, w.volunteerID, `{"verified":true}`); r.Status != 200 {
		t.Fatalf("city verifies: %d %s", r.Status, r.Raw)
	}
	if r := verify(zy, w.volunteerID, `{"verified":false,"note":"身份证已过期"}`); r.Status != 200 || r.Body["realNameVerified"] != false {
		t.Fatalf("withdraw: %d %s", r.Status, r.Raw)
	}

	// A profile without a real name and ID number cannot be verified.
	bareID, _ := w.volunteerWith(t, s.do, "13400000002", `{"communityCode":"`+bishagang+`"}`)
	if r := verify(zy, bareID, `{"verified":true}`); r.Status != 422 || !hasLocation(r, "body.verified") {
		t.Fatalf("bare profile: %d %s", r.Status, r.Raw)
	}
	if r := s.do("GET", "/v1/volunteers/"+bareID, "", bearerHeader(zy)...); r.Body["realNameVerified"] != false {
		t.Fatalf("a refused verification changed the bare profile: %s", r.Raw)
	}
	_ = otherID
}

// TestVolunteerReadScopes: who sees a volunteer at all, and how much.
func TestVolunteerReadScopes(t *testing.T) {
	w := newWorld(t)
	raw := residentID(456)
	s := &idScanner{t: t, h: w.h, ids: []string{raw}}
	zy := w.communityAdmin(t, w.zhongyuan, "13600000001", bishagang)
	eq := w.communityAdmin(t, w.erqi, "13600000002", huaihe)
	_, swTok := w.staffSocialWorker(t, w.adminA, w.orgA, "13500000001")
	guardian := `,"guardian":{"guardianName":"李大明","guardianPhone":"13812345678","relationship":"父子","consentedOn":"2025-01-01"}`
	if r := s.do("PUT", "/v1/me/volunteer-profile", volunteerBody(raw, guardian), bearerHeader(w.volunteer)...); r.Status != 200 {
		t.Fatalf("profile: %d %s", r.Status, r.Raw)
	}
	_, otherTok := w.volunteerWith(t, s.do, "13400000001", volunteerBody(residentID(457), ""))
	s.ids = append(s.ids, residentID(457))
	path := "/v1/volunteers/" + w.volunteerID

	const exact, masked = "13100000013", "131****0013"
	cases := []struct {
		name, token, query string
		status             int
		phone              string // "" when the status is not 200
	}{
		{"the owner", w.volunteer, "", 200, exact},
		{"another volunteer", otherTok, "", 404, ""},
		{"the home committee", zy, "", 200, masked},
		{"the home committee giving a reason", zy, "?reason=核查服务记录", 200, masked},
		{"another community's committee", eq, "", 404, ""},
		{"the county's civil affairs", w.zhongyuan, "", 200, masked},
		{"the city's civil affairs", w.city, "", 200, masked},
		{"the county giving a reason", w.zhongyuan, "?reason=核查投诉线索", 200, exact},
		{"the county giving too short a reason", w.zhongyuan, "?reason=查", 422, ""},
		{"another county's civil affairs", w.erqi, "", 404, ""},
		{"another county giving a reason", w.erqi, "?reason=核查投诉线索", 404, ""},
		{"an org admin", w.adminA, "", 404, ""},
		{"another org's admin", w.adminB, "", 404, ""},
		{"a social worker without a plan", swTok, "", 404, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := s.do("GET", path+c.query, "", bearerHeader(c.token)...)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Raw)
			}
			if c.status != 200 {
				if strings.Contains(r.Raw, "李小明") || strings.Contains(r.Raw, "13100000013") {
					t.Errorf("a refused read shows the profile: %s", r.Raw)
				}
				return
			}
			if r.str("phone") != c.phone {
				t.Errorf("phone %q, want %q", r.str("phone"), c.phone)
			}
			home := r.Body["home"].(map[string]any)
			if c.phone == exact {
				if home["lat"] != 34.751234 || home["lng"] != 113.601234 || r.Body["homeExact"] != true || !strings.Contains(r.Raw, "13812345678") {
					t.Errorf("exact view: %s", r.Raw)
				}
			} else if home["lat"] != 34.75 || home["lng"] != 113.6 || r.Body["homeExact"] != false || strings.Contains(r.Raw, "13812345678") {
				t.Errorf("masked view shows the exact home or the guardian's phone: %s", r.Raw)
			}
			if r.str("idNumberMasked") != models.MaskIDNumber(raw) {
				t.Errorf("idNumberMasked %q", r.str("idNumberMasked"))
			}
		})
	}
	if r := s.do("GET", "/v1/volunteers/nobody", "", bearerHeader(w.city)...); r.Status != 404 {
		t.Errorf("unknown volunteer: %d", r.Status)
	}
	if r := s.do("GET", path, ""); r.Status != 401 {
		t.Errorf("anonymous: %d", r.Status)
	}
}

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
