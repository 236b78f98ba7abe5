package handlers_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wushe/wushe/models"
)

func TestChangePhone(t *testing.T) {
	out := &smsOutbox{}
	h := newHarness(t, withPhoneCodes(out))
	id := h.registerWithCode(out, "13900400001")
	h.registerWithCode(out, "13900400002")
	tok, _ := h.login("13900400001", "secret-pass")
	// A change code for a registered phone: the same answer as any other, and
	// that phone is told it has an account instead of being sent a code.
	if r := h.do("POST", "/v1/auth/sms-codes", `{"phone":"13900400002","purpose":"change_phone"}`); r.Status != 202 ||
		out.last("13900400002", models.PurposeChangePhone) != "" || out.notices("13900400002") != 1 {
		t.Fatalf("a change code for a registered phone: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/me/phone", `{"phone":"13900400002","password":"secret-pass","code":"123456"}`, bearerHeader(tok)...); r.Status < 400 || r.Status >= 500 {
		t.Fatalf("a move to a registered phone: %d %s", r.Status, r.Raw)
	}
	code := h.sendCode(out, "13900400003", models.PurposeChangePhone)
	if r := h.do("POST", "/v1/me/phone", `{"phone":"13900400003","password":"secret-pass","code":"`+otherCode(code)+`"}`, bearerHeader(tok)...); r.Status != 422 || !hasLocation(r, "body.code") {
		t.Fatalf("wrong code: %d %s", r.Status, r.Raw)
	}
	for _, pw := range []string{``, `,"password":"wrong-pass"`} {
		if r := h.do("POST", "/v1/me/phone", `{"phone":"13900400003","code":"`+code+`"`+pw+`}`, bearerHeader(tok)...); r.Status != 422 || !hasLocation(r, "body.password") {
			t.Fatalf("a token without the password (%q): %d %s", pw, r.Status, r.Raw)
		}
	}
	if r := h.do("POST", "/v1/me/phone", `{"phone":"13900400003","code":"`+code+`"}`); r.Status != 401 {
		t.Fatalf("without a login: %d", r.Status)
	}
	r := h.do("POST", "/v1/me/phone", `{"phone":"13900400003","password":"secret-pass","code":"`+code+`"}`, bearerHeader(tok)...)
	if r.Status != 200 || r.str("phone") != "13900400003" || r.str("id") != id {
		t.Fatalf("change: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/auth/login", `{"phone":"13900400001","password":"secret-pass"}`); r.Status != 401 {
		t.Errorf("login with the old phone: %d", r.Status)
	}
	if r := h.me(h.loginToken("13900400003")); r.str("id") != id {
		t.Errorf("login with the new phone: %s", r.Raw)
	}
	// The old number is free for someone else.
	h.registerWithCode(out, "13900400001")
	// A phone taken between the code and the change is refused, naming the field.
	code = h.sendCode(out, "13900400004", models.PurposeChangePhone)
	time.Sleep(5 * time.Millisecond) // one code per phone per resend interval (1 ms in these tests)
	h.registerWithCode(out, "13900400004")
	if r := h.do("POST", "/v1/me/phone", `{"phone":"13900400004","password":"secret-pass","code":"`+code+`"}`, bearerHeader(tok)...); r.Status != 409 || !hasLocation(r, "body.phone") {
		t.Fatalf("a phone taken meanwhile: %d %s", r.Status, r.Raw)
	}
}

func (h *harness) loginToken(phone string) string {
	h.t.Helper()
	tok, _ := h.login(phone, "secret-pass")
	return tok
}

// TestExportHoldsEverythingAboutTheCallerAndNobodyElse: the export has
// every personal field the service keeps about the caller, and nothing of
// the other volunteer, the committee members or the supervisor.
func TestExportHoldsEverythingAboutTheCallerAndNobodyElse(t *testing.T) {
	rw := newRecordsWorld(t)
	h := rw.h
	profile := `{"realName":"志愿者0001","skills":[{"code":"first_aid","level":2}],` +
		`"credentials":[{"skill":"first_aid","name":"红十字救护员证","number":"RC-778899","expiresOn":"2030-01-01"}],` +
		`"availability":` + allWeek + `,"home":{"lat":34.756123,"lng":113.615456},"communityCode":"` + zhongyuanCommunity + `","maxDistanceKm":5,` +
		`"birthDate":"1990-03-07","languages":["mandarin"],` +
		`"guardian":{"guardianName":"王监护","guardianPhone":"13512345678","relationship":"母子","consentedOn":"2025-01-01"},` +
		`"insurance":{"insurer":"人保财险","policyNo":"PICC-556677","expiresOn":"2030-01-01"}}`
	if r := h.do("PUT", "/v1/me/volunteer-profile", profile, bearerHeader(rw.vtok)...); r.Status != 200 {
		t.Fatalf("profile: %d %s", r.Status, r.Raw)
	}
	rw.addTraining(t, rw.vtok, 3, "2025-05-01")
	if r := h.do("PUT", "/v1/me/pathway/education", `[{"level":"bachelor","socialWorkMajor":true,"graduatedOn":"2012-07-01"}]`, bearerHeader(rw.vtok)...); r.Status != 200 {
		t.Fatalf("education: %d %s", r.Status, r.Raw)
	}
	if r := h.do("GET", "/v1/volunteers/"+rw.vid+"?reason="+urlEscape("核实服务时长争议"), "", bearerHeader(rw.zhongyuan)...); r.Status != 200 {
		t.Fatalf("an official read: %d %s", r.Status, r.Raw)
	}

	r := h.do("GET", "/v1/me/export", "", bearerHeader(rw.vtok)...)
	if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("export: %d %v %.300s", r.Status, r.Header, r.Raw)
	}
	vp, _ := r.Body["volunteerProfile"].(map[string]any)
	if vp == nil {
		t.Fatalf("no volunteer profile: %s", r.Raw)
	}
	guardian, _ := vp["guardian"].(map[string]any)
	home, _ := vp["home"].(map[string]any)
	insurance, _ := vp["insurance"].(map[string]any)
	for name, ok := range map[string]bool{
		"account id":        r.str("account", "id") == rw.vid,
		"phone":             r.str("account", "phone") == "13600300001",
		"name":              r.str("account", "name") == "测试用户",
		"roles":             len(r.Body["account"].(map[string]any)["roles"].([]any)) == 1,
		"real name":         vp["realName"] == "志愿者0001",
		"masked ID":         vp["idNumberMasked"] == models.MaskIDNumber(idNumber(1)),
		"guardian name":     guardian["guardianName"] == "王监护",
		"guardian phone":    guardian["guardianPhone"] == "13512345678",
		"home, exact":       home["lat"] == 34.756123 && home["lng"] == 113.615456,
		"birth date":        vp["birthDate"] == "1990-03-07",
		"insurance":         insurance["policyNo"] == "PICC-556677",
		"credential number": strings.Contains(r.Raw, "RC-778899"),
		"availability":      len(vp["availability"].(map[string]any)["mon"].([]any)) == 1,
		"hours versions":    len(r.Body["hoursRecords"].([]any)) == 4,
		"attendance":        len(r.Body["attendance"].([]any)) == 2,
		"places":            len(r.Body["assignments"].([]any)) == 2,
		"training":          len(r.Body["training"].([]any)) == 1,
		"education":         len(r.Body["pathway"].(map[string]any)["education"].([]any)) == 1,
		"logins":            len(r.Body["logins"].([]any)) >= 1,
		"officials' reads":  strings.Contains(r.Raw, `"action":"personal_data.read"`) && strings.Contains(r.Raw, "核实服务时长争议"),
		"verification":      strings.Contains(r.Raw, `"action":"volunteer.verification"`),
	} {
		if !ok {
			t.Errorf("the export lacks the %s: %s", name, r.Raw)
		}
	}
	for _, other := range []string{
		"13600300002", "志愿者0002", rw.oid, idNumber(2), // the other volunteer
		"13200000001", "13200000003", "社区书记", "书记<script>", `书记\u003cscript`, // the committee members who verified
		"13600300009",                  // the supervisor
		idNumber(1), idNumber(1)[4:14], // the caller's own ID number, unmasked
		"verifierName", "verifiedBy", "invitedBy", "assignedBy", "actorId",
	} {
		if strings.Contains(r.Raw, other) {
			t.Errorf("the export shows %q", other)
		}
	}
}

// TestErasure: after a person asks for erasure nobody can read any of
// their personal fields, their logins are over, their phone and ID number
// are free, and the verified hours still count for the community and the
// organisation.
func TestErasure(t *testing.T) {
	rw := newRecordsWorld(t)
	h := rw.h
	ctx := context.Background()
	comm := "/v1/hours/export.csv?community=" + zhongyuanCommunity
	orgCSV := "/v1/hours/export.csv?organisation=" + rw.orgA
	sum := func(rows [][]string) (total float64) {
		for _, r := range rows {
			switch r[3] {
			case "2.50":
				total += 2.5
			case "1.00":
				total++
			default:
				t.Errorf("hours %q", r[3])
			}
		}
		return total
	}
	if rows := csvRows(t, h.do("GET", comm, "", bearerHeader(rw.zy)...)); len(rows) != 3 || sum(rows) != 4.5 {
		t.Fatalf("before: %v", rows)
	}
	// o holds a place still to come: erasure frees it.
	later := strings.NewReplacer(slot(3, 9), slot(6, 9), slot(3, 11), slot(6, 11)).Replace(needBody(zhongyuanCommunity, ""))
	n := h.do("POST", "/v1/needs", later, bearerHeader(rw.zy)...)
	if n.Status != 201 {
		t.Fatalf("need: %d %s", n.Status, n.Raw)
	}
	later = n.str("id")
	if r := h.do("POST", "/v1/needs/"+later+"/plan/volunteers", `{"volunteerId":"`+rw.oid+`"}`, bearerHeader(rw.zy)...); r.Status != 201 {
		t.Fatalf("place: %d %s", r.Status, r.Raw)
	}
	_, oRefresh := h.login("13600300002", "secret-pass")

	for body, loc := range map[string]string{`{}`: "body.password", `{"password":"wrong-pass"}`: "body.password", `{"code":"123456"}`: "body.code"} {
		if r := h.do("POST", "/v1/me/deletion", body, bearerHeader(rw.otok)...); r.Status != 422 || !hasLocation(r, loc) {
			t.Fatalf("deletion with %s: %d %s", body, r.Status, r.Raw)
		}
	}
	if r := h.do("POST", "/v1/me/deletion", `{"password":"secret-pass"}`, bearerHeader(rw.otok)...); r.Status != 204 {
		t.Fatalf("deletion: %d %s", r.Status, r.Raw)
	}

	// Logged out everywhere.
	if r := h.me(rw.otok); r.Status != 401 {
		t.Errorf("token after erasure: %d", r.Status)
	}
	if r := h.do("POST", "/v1/auth/refresh", `{"refreshToken":"`+oRefresh+`"}`); r.Status != 401 {
		t.Errorf("refresh after erasure: %d", r.Status)
	}
	if r := h.do("POST", "/v1/auth/login", `{"phone":"13600300002","password":"secret-pass"}`); r.Status != 401 {
		t.Errorf("login after erasure: %d", r.Status)
	}
	// Nobody reads the profile any more.
	for name, c := range map[string]struct{ path, tok string }{
		"the committee":               {"/v1/volunteers/" + rw.oid, rw.zy},
		"civil affairs with a reason": {"/v1/volunteers/" + rw.oid + "?reason=" + urlEscape("核实身份信息"), rw.zhongyuan},
		"the city":                    {"/v1/volunteers/" + rw.oid, rw.city},
	} {
		if r := h.do("GET", c.path, "", bearerHeader(c.tok)...); r.Status != 404 {
			t.Errorf("%s reads the erased profile: %d %s", name, r.Status, r.Raw)
		}
	}
	secrets := []string{"13600300002", "志愿者0002", idNumber(2), idNumber(2)[4:14]}
	reads := []response{
		h.do("GET", "/v1/volunteers?community="+zhongyuanCommunity, "", bearerHeader(rw.zy)...),
		h.do("GET", "/v1/needs/"+rw.need2+"/plan", "", bearerHeader(rw.zy)...),
		h.do("GET", "/v1/needs/"+later+"/plan", "", bearerHeader(rw.zy)...),
		h.do("GET", comm, "", bearerHeader(rw.zhongyuan)...),
		h.do("GET", orgCSV, "", bearerHeader(rw.adminA)...),
		h.do("GET", "/v1/audit", "", bearerHeader(rw.zhongyuan)...),
	}
	for i, r := range reads {
		if r.Status != 200 {
			t.Errorf("read %d: %d %s", i, r.Status, r.Raw)
		}
		for _, s := range secrets {
			if strings.Contains(r.Raw, s) {
				t.Errorf("read %d shows %q: %.300s", i, s, r.Raw)
			}
		}
	}
	if strings.Contains(reads[0].Raw, rw.oid) {
		t.Error("the erased volunteer is still listed")
	}
	if strings.Contains(reads[2].Raw, rw.oid) {
		t.Error("the erased volunteer still holds a place still to come")
	}
	if !strings.Contains(reads[1].Raw, models.ErasedName) {
		t.Errorf("the past plan does not show the erased person as %s: %s", models.ErasedName, reads[1].Raw)
	}
	if !strings.Contains(reads[5].Raw, `"action":"account.erased"`) {
		t.Errorf("the erasure is not in the audit log: %s", reads[5].Raw)
	}
	// The verified hours still count, attributed to the erased person.
	rows := csvRows(t, reads[3])
	if len(rows) != 3 || sum(rows) != 4.5 {
		t.Fatalf("community totals changed: %v", rows)
	}
	erased := 0
	for _, r := range rows {
		if r[1] == models.ErasedName {
			erased++
			if r[0] != "" || r[3] != "1.00" {
				t.Errorf("erased row: %v", r)
			}
		}
	}
	if erased != 1 {
		t.Errorf("%d rows attributed to %s: %v", erased, models.ErasedName, rows)
	}
	if org := csvRows(t, reads[4]); len(org) != 1 || org[0][1] != models.ErasedName || org[0][3] != "1.00" {
		t.Fatalf("organisation totals: %v", org)
	}
	// No document of the database holds the personal fields, nor the ID number's hash.
	sum256 := sha256.Sum256([]byte(idNumber(2)))
	scanDatabase(t, h, append(secrets, hex.EncodeToString(sum256[:]))...)
	a, err := h.db.Accounts().AccountByID(ctx, rw.oid)
	if err != nil || a.Name != models.ErasedName || a.Phone != "" || a.Status != models.AccountErased || a.HasPassword() || len(a.Roles) != 0 {
		t.Fatalf("erased account: %+v %v", a, err)
	}
	// The phone and the ID number are free for a new account.
	newID := h.register("13600300002")
	if newID == rw.oid {
		t.Fatal("the new account reuses the erased id")
	}
	tok, _ := h.login("13600300002", "secret-pass")
	body := `{"realName":"新用户","idNumber":"` + idNumber(2) + `","communityCode":"` + zhongyuanCommunity + `"}`
	if r := h.do("PUT", "/v1/me/volunteer-profile", body, bearerHeader(tok)...); r.Status != 200 {
		t.Fatalf("the freed ID number: %d %s", r.Status, r.Raw)
	}
}

// scanDatabase fails the test when any document of any collection holds
// one of the strings (BSON keeps strings as UTF-8 bytes).
func scanDatabase(t *testing.T, h *harness, secrets ...string) {
	t.Helper()
	ctx := context.Background()
	db := h.db.Database()
	names, err := db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	docs := 0
	for _, name := range names {
		cur, err := db.Collection(name).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		for cur.Next(ctx) {
			docs++
			for _, s := range secrets {
				if bytes.Contains(cur.Current, []byte(s)) {
					t.Errorf("collection %s holds %q: %s", name, s, cur.Current)
				}
			}
		}
		_ = cur.Close(ctx)
	}
	if docs < 20 {
		t.Fatalf("only %d documents scanned", docs)
	}
}

// syncBuffer is a log sink tests can read while handlers write to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestNoIDNumberInLogsOrResponses: across registration, the profile, reads
// by the committee and civil affairs, lists, the export, the CSV, refused
// writes and the erasure, no log line and no response shows an ID number
// unmasked.
func TestNoIDNumberInLogsOrResponses(t *testing.T) {
	logs := &syncBuffer{}
	out := &smsOutbox{}
	w := newWorld(t, func(s *harnessSetup) {
		l := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		s.svc.Logger, s.http.Logger, s.svc.Accounts.SMS = l, l, out
	})
	h := w.h
	zy, _ := w.committees(t)
	raw := residentID(321)
	bad := raw[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", raw[17])+1)%11]) // a wrong check character
	s := &idScanner{t: t, h: h, ids: []string{raw, bad}}
	h.registerWithCode(out, "13900500001")
	tok, _ := h.login("13900500001", "secret-pass")
	id := accountID(t, h, tok)
	body := func(idn string) string {
		return `{"realName":"孙八","idNumber":"` + idn + `","home":{"lat":34.7560,"lng":113.6150},"communityCode":"` + zhongyuanCommunity + `",` +
			`"guardian":{"guardianName":"孙父","guardianPhone":"13512340000","relationship":"父子","consentedOn":"2025-01-01"}}`
	}
	if r := s.do("PUT", "/v1/me/volunteer-profile", body(bad), bearerHeader(tok)...); r.Status != 422 {
		t.Fatalf("bad ID: %d", r.Status)
	}
	if r := s.do("PUT", "/v1/me/volunteer-profile", body(raw), bearerHeader(tok)...); r.Status != 200 {
		t.Fatalf("profile: %d %s", r.Status, r.Raw)
	}
	h.register("13900500002")
	other, _ := h.login("13900500002", "secret-pass")
	// Someone else's ID is answered like any other and reported to civil affairs.
	if r := s.do("PUT", "/v1/me/volunteer-profile", body(raw), bearerHeader(other)...); r.Status != 200 {
		t.Fatalf("someone else's ID: %d", r.Status)
	}
	s.do("GET", "/v1/volunteers?division=410102&idNumberConflict=true", "", bearerHeader(w.zhongyuan)...)
	s.do("POST", "/v1/volunteers/"+accountID(t, h, other)+"/verification", `{"verified":true}`, bearerHeader(zy)...)
	s.do("GET", "/v1/audit?division=410102", "", bearerHeader(w.zhongyuan)...)
	s.do("GET", "/v1/me/volunteer-profile", "", bearerHeader(tok)...)
	s.do("GET", "/v1/volunteers/"+id, "", bearerHeader(zy)...)
	s.do("POST", "/v1/volunteers/"+id+"/verification", `{"verified":true}`, bearerHeader(zy)...)
	s.do("GET", "/v1/volunteers/"+id+"?reason="+urlEscape("核实实名信息"), "", bearerHeader(w.zhongyuan)...)
	s.do("GET", "/v1/volunteers?community="+zhongyuanCommunity, "", bearerHeader(zy)...)
	s.do("GET", "/v1/volunteers?division=410102", "", bearerHeader(w.zhongyuan)...)
	s.do("GET", "/v1/me/service-record", "", bearerHeader(tok)...)
	s.do("GET", "/v1/me/hours.csv", "", bearerHeader(tok)...)
	s.do("GET", "/v1/hours/export.csv?community="+zhongyuanCommunity, "", bearerHeader(zy)...)
	if r := s.do("GET", "/v1/me/export", "", bearerHeader(tok)...); r.Status != 200 || !strings.Contains(r.Raw, models.MaskIDNumber(raw)) {
		t.Fatalf("export: %d %s", r.Status, r.Raw)
	}
	if r := s.do("POST", "/v1/me/deletion", `{"password":"secret-pass"}`, bearerHeader(tok)...); r.Status != 204 {
		t.Fatalf("erase: %d %s", r.Status, r.Raw)
	}
	got := logs.String()
	if !strings.Contains(got, `"msg":"request"`) {
		t.Fatalf("the logs were not captured: %.300s", got)
	}
	for _, idn := range []string{raw, bad} {
		for _, part := range []string{idn, idn[4:14], strings.ToLower(idn)} {
			if strings.Contains(got, part) {
				t.Errorf("a log line shows %q", part)
			}
		}
	}
	if strings.Contains(got, "13512340000") || strings.Contains(got, "孙父") {
		t.Error("a log line shows the guardian")
	}
}
