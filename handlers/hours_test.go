package handlers_test

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testClock is the service's clock in tests: real time plus an offset.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) Now() time.Time     { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) jumpTo(t time.Time) { c.offset.Store(int64(time.Until(t))) }
func parseSlot(t *testing.T, s string) time.Time {
	t.Helper()
	v, _ := time.Parse(time.RFC3339, s)
	return v
}

func TestCheckinCheckoutAndVerification(t *testing.T) {
	clock := &testClock{}
	w := newWorld(t, func(s *harnessSetup) { s.svc.Now = clock.Now; s.svc.AccessTokenTTL = 30 * 24 * time.Hour })
	zy, eq := w.committees(t)
	need := w.postNeed(t, zy, "")
	vid, vtok := w.volunteerWithProfile(t, "13600100001", zy, "")
	_, otherTok := w.volunteerWithProfile(t, "13600100002", zy, "")
	add := w.h.do("POST", "/v1/needs/"+need+"/plan/volunteers", `{"volunteerId":"`+vid+`"}`, bearerHeader(zy)...)
	if add.Status != 201 {
		t.Fatalf("place: %d %s", add.Status, add.Raw)
	}
	occ := add.Body["items"].([]any)[0].(map[string]any)["occurrenceId"].(string)
	start := parseSlot(t, slot(3, 9))

	code := func() string {
		r := w.h.do("GET", "/v1/attendance/code?occurrenceId="+urlEscape(occ), "", bearerHeader(zy)...)
		if r.Status != 200 || len(r.str("code")) != 6 {
			t.Fatalf("code: %d %s", r.Status, r.Raw)
		}
		return r.str("code")
	}
	presence := func(c string, lat, lng float64) string {
		return `{"occurrenceId":"` + occ + `","code":"` + c + `","location":{"lat":` + ftoa(lat) + `,"lng":` + ftoa(lng) + `}}`
	}
	clock.jumpTo(start.Add(-10 * time.Minute))
	if r := w.h.do("GET", "/v1/attendance/code?occurrenceId="+urlEscape(occ), "", bearerHeader(vtok)...); r.Status != 403 {
		t.Errorf("a volunteer reads the code: %d", r.Status)
	}
	if r := w.h.do("GET", "/v1/attendance/code?occurrenceId="+urlEscape(occ), "", bearerHeader(eq)...); r.Status != 403 {
		t.Errorf("another committee reads the code: %d", r.Status)
	}
	c := code()
	wrong := "000000"
	if c == wrong {
		wrong = "111111"
	}
	cases := []struct {
		name, token, body string
		status            int
		location          string
	}{
		{"wrong code", vtok, presence(wrong, 34.7535, 113.6133), 422, "body.code"},
		{"far away", vtok, presence(c, 34.8000, 113.6133), 422, "body.location"},
		{"no place", otherTok, presence(c, 34.7535, 113.6133), 403, ""},
		{"check in", vtok, presence(c, 34.7536, 113.6134), 200, ""},
		{"check in again changes nothing", vtok, presence(c, 34.7536, 113.6134), 200, ""},
	}
	for _, cs := range cases {
		r := w.h.do("POST", "/v1/me/attendance/checkin", cs.body, bearerHeader(cs.token)...)
		if r.Status != cs.status || cs.location != "" && !strings.Contains(strings.Join(r.locations(), ","), cs.location) {
			t.Fatalf("%s: %d %s", cs.name, r.Status, r.Raw)
		}
	}
	// Check out at 11:10: 08:50–11:10 inside the window ±30 min, rounded down to quarters: 2.25 h.
	clock.jumpTo(start.Add(2*time.Hour + 10*time.Minute))
	c = code()
	var ok atomic.Int32
	var rec atomic.Value
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := w.h.do("POST", "/v1/me/attendance/checkout", presence(c, 34.7536, 113.6134), bearerHeader(vtok)...)
			switch r.Status {
			case 200:
				ok.Add(1)
				rec.Store(r)
			case 409:
			default:
				t.Errorf("checkout: %d %s", r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d check-outs recorded hours, want 1", ok.Load())
	}
	r := rec.Load().(response)
	if r.Body["hours"] != 2.25 || r.str("status") != "pending" {
		t.Fatalf("hours record: %s", r.Raw)
	}
	id := r.str("id")
	if p := w.h.do("GET", "/v1/hours/pending", "", bearerHeader(zy)...); !strings.Contains(p.Raw, id) {
		t.Fatalf("pending queue: %s", p.Raw)
	}
	for name, cs := range map[string]struct {
		tok    string
		status int
	}{"the volunteer themselves": {vtok, 403}, "another committee": {eq, 404}, "another volunteer": {otherTok, 404}} {
		if r := w.h.do("POST", "/v1/hours/"+id+"/verification", `{"approve":true}`, bearerHeader(cs.tok)...); r.Status != cs.status {
			t.Errorf("%s verifies: %d, want %d: %s", name, r.Status, cs.status, r.Raw)
		}
	}
	if r := w.h.do("POST", "/v1/hours/"+id+"/verification", `{"approve":false}`, bearerHeader(zy)...); r.Status != 422 {
		t.Errorf("rejection without a reason: %d", r.Status)
	}
	ok.Store(0)
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := w.h.do("POST", "/v1/hours/"+id+"/verification", `{"approve":true}`, bearerHeader(zy)...)
			if r.Status == 200 {
				ok.Add(1)
			} else if r.Status != 409 {
				t.Errorf("verify: %d %s", r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d verifications succeeded, want 1", ok.Load())
	}
	mine := w.h.do("GET", "/v1/me/hours", "", bearerHeader(vtok)...)
	items := mine.Body["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["status"] != "verified" || !strings.HasPrefix(items[0].(map[string]any)["verifierOrg"].(string), "community:") {
		t.Fatalf("my hours: %s", mine.Raw)
	}
	if r := w.h.do("GET", "/v1/me/hours", "", bearerHeader(otherTok)...); len(r.Body["items"].([]any)) != 0 {
		t.Errorf("another volunteer sees these hours: %s", r.Raw)
	}
}

func TestMarkAttendanceWithWalkIns(t *testing.T) {
	clock := &testClock{}
	w := newWorld(t, func(s *harnessSetup) { s.svc.Now = clock.Now; s.svc.AccessTokenTTL = 30 * 24 * time.Hour })
	zy, eq := w.committees(t)
	need := w.postNeed(t, zy, "")
	placed, _ := w.volunteerWithProfile(t, "13600200001", zy, "")
	walkIn, _ := w.volunteerWithProfile(t, "13600200002", zy, "")
	add := w.h.do("POST", "/v1/needs/"+need+"/plan/volunteers", `{"volunteerId":"`+placed+`"}`, bearerHeader(zy)...)
	occ := add.Body["items"].([]any)[0].(map[string]any)["occurrenceId"].(string)
	clock.jumpTo(parseSlot(t, slot(3, 12)))
	body := `{"occurrenceId":"` + occ + `","marks":[` +
		`{"volunteerId":"` + placed + `","checkin":"` + slot(3, 9) + `","checkout":"` + slot(3, 11) + `"},` +
		`{"volunteerId":"` + walkIn + `","checkin":"` + slot(3, 10) + `","checkout":"` + slot(3, 11) + `"},` +
		`{"volunteerId":"nobody","checkin":"` + slot(3, 9) + `","checkout":"` + slot(3, 11) + `"},` +
		`{"volunteerId":"` + walkIn + `","checkin":"` + slot(3, 11) + `","checkout":"` + slot(3, 10) + `"}]}`
	if r := w.h.do("POST", "/v1/attendance/marks", body, bearerHeader(eq)...); r.Status != 403 {
		t.Fatalf("another committee marks: %d", r.Status)
	}
	r := w.h.do("POST", "/v1/attendance/marks", body, bearerHeader(zy)...)
	if r.Status != 200 || len(r.Body["records"].([]any)) != 2 || len(r.Body["problems"].([]any)) != 2 {
		t.Fatalf("marks: %d %s", r.Status, r.Raw)
	}
	again := w.h.do("POST", "/v1/attendance/marks", body, bearerHeader(zy)...)
	if len(again.Body["records"].([]any)) != 0 {
		t.Fatalf("marking twice recorded hours twice: %s", again.Raw)
	}
}

func ftoa(f float64) string { return strings.TrimRight(strings.TrimRight(fmtFloat(f), "0"), ".") }
