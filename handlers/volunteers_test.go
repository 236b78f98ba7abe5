package handlers_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

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
