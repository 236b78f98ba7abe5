package handlers_test

import (
	"fmt"
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
	w := newWorld(t, func(s *harnessSetup) { s.svc.Now = clock.Now; s.svc.Accounts.AccessTokenTTL = 30 * 24 * time.Hour })
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
	var ids sync.Map // record ids answered: retry-safe check-outs answer the one record
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
				ids.Store(r.str("id"), true)
			case 409: // another check-out of the same volunteer is being handled
			default:
				t.Errorf("checkout: %d %s", r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	n := 0
	ids.Range(func(any, any) bool { n++; return true })
	if ok.Load() == 0 || n != 1 {
		t.Fatalf("%d check-outs answered %d different records, want 1", ok.Load(), n)
	}
	r := rec.Load().(response)
	if r.Body["hours"] != 2.25 || r.str("status") != "pending" {
		t.Fatalf("hours record: %s", r.Raw)
	}
	id := r.str("id")
	if p := w.h.do("GET", "/v1/hours/pending", "", bearerHeader(zy)...); !strings.Contains(p.Raw, id) ||
		!strings.Contains(p.Raw, `"needTitle":"助老上门探访"`) || !strings.Contains(p.Raw, `"volunteerName":"`) {
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
	// 100 at once: one decision, and every answer is that decision
	// (a repeat is retry-safe); rejecting it afterwards is a conflict.
	ok.Store(0)
	var decisions sync.Map
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := w.h.do("POST", "/v1/hours/"+id+"/verification", `{"approve":true}`, bearerHeader(zy)...)
			if r.Status == 200 {
				ok.Add(1)
				decisions.Store(r.str("verifiedAt"), true)
			} else {
				t.Errorf("verify: %d %s", r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	n = 0
	decisions.Range(func(any, any) bool { n++; return true })
	if ok.Load() != 100 || n != 1 {
		t.Fatalf("%d verifications answered %d different decisions, want 100 answering 1", ok.Load(), n)
	}
	if r := w.h.do("POST", "/v1/hours/"+id+"/verification", `{"approve":false,"reason":"没来"}`, bearerHeader(zy)...); r.Status != 409 {
		t.Fatalf("rejecting verified hours: %d %s", r.Status, r.Raw)
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
	w := newWorld(t, func(s *harnessSetup) { s.svc.Now = clock.Now; s.svc.Accounts.AccessTokenTTL = 30 * 24 * time.Hour })
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
	// Marking again (a retry) answers the same records, recorded once.
	again := w.h.do("POST", "/v1/attendance/marks", body, bearerHeader(zy)...)
	if fmt.Sprint(again.Body["records"]) != fmt.Sprint(r.Body["records"]) {
		t.Fatalf("marking twice: %s, first %s", again.Raw, r.Raw)
	}
}

func ftoa(f float64) string { return strings.TrimRight(strings.TrimRight(fmtFloat(f), "0"), ".") }

// TestSelfReportReviseDispute: a self-reported record is verified, then
// corrected by a new version (the old one kept), disputed, and the trail
// shows each step; nobody outside sees it.
func TestSelfReportReviseDispute(t *testing.T) {
	clock := &testClock{}
	w := newWorld(t, func(s *harnessSetup) { s.svc.Now = clock.Now; s.svc.Accounts.AccessTokenTTL = 30 * 24 * time.Hour })
	zy, eq := w.committees(t)
	need := w.postNeed(t, zy, "")
	vid, vtok := w.volunteerWithProfile(t, "13600300001", zy, "")
	_, otherTok := w.volunteerWithProfile(t, "13600300002", zy, "")
	add := w.h.do("POST", "/v1/needs/"+need+"/plan/volunteers", `{"volunteerId":"`+vid+`"}`, bearerHeader(zy)...)
	occ := add.Body["items"].([]any)[0].(map[string]any)["occurrenceId"].(string)
	report := `{"occurrenceId":"` + occ + `","hours":2}`
	if r := w.h.do("POST", "/v1/me/hours", report, bearerHeader(vtok)...); r.Status != 409 {
		t.Fatalf("self-report before the end: %d %s", r.Status, r.Raw)
	}
	clock.jumpTo(parseSlot(t, slot(3, 12)))
	if r := w.h.do("POST", "/v1/me/hours", report, bearerHeader(otherTok)...); r.Status != 403 {
		t.Fatalf("self-report without a place: %d", r.Status)
	}
	if r := w.h.do("POST", "/v1/me/hours", `{"occurrenceId":"`+occ+`","hours":9}`, bearerHeader(vtok)...); r.Status != 422 {
		t.Fatalf("more hours than the window: %d", r.Status)
	}
	r := w.h.do("POST", "/v1/me/hours", report, bearerHeader(vtok)...)
	if r.Status != 201 || r.str("source") != "self_report" {
		t.Fatalf("self-report: %d %s", r.Status, r.Raw)
	}
	id := r.str("id")
	if r := w.h.do("POST", "/v1/me/hours", report, bearerHeader(vtok)...); r.Status != 201 || r.str("id") != id {
		t.Fatalf("the same report again (retry-safe: the first record): %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/hours/"+id+"/revisions", `{"hours":1.5,"reason":"x"}`, bearerHeader(zy)...); r.Status != 409 {
		t.Fatalf("revising a pending record: %d", r.Status)
	}
	if r := w.h.do("POST", "/v1/hours/"+id+"/verification", `{"approve":true}`, bearerHeader(zy)...); r.Status != 200 {
		t.Fatalf("verify: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/hours/"+id+"/disputes", `{"reason":"实际服务了 2.5 小时"}`, bearerHeader(otherTok)...); r.Status != 404 {
		t.Fatalf("someone else disputes: %d", r.Status)
	}
	if r := w.h.do("POST", "/v1/hours/"+id+"/disputes", `{"reason":"实际服务了 2.5 小时"}`, bearerHeader(vtok)...); r.Status != 200 {
		t.Fatalf("dispute: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/hours/"+id+"/revisions", `{"hours":2.5,"reason":"核对签到表后更正"}`, bearerHeader(eq)...); r.Status != 403 {
		t.Fatalf("another committee revises: %d", r.Status)
	}
	rev := w.h.do("POST", "/v1/hours/"+id+"/revisions", `{"hours":2.5,"reason":"核对签到表后更正"}`, bearerHeader(zy)...)
	if rev.Status != 201 || rev.Body["version"] != float64(2) || rev.str("status") != "pending" || rev.str("id") == id {
		t.Fatalf("revision: %d %s", rev.Status, rev.Raw)
	}
	old := w.h.do("GET", "/v1/hours/"+id, "", bearerHeader(vtok)...)
	rec := old.Body["record"].(map[string]any)
	if rec["hours"] != float64(2) || rec["status"] != "verified" {
		t.Fatalf("the old version was overwritten: %s", old.Raw)
	}
	var steps []string
	for _, s := range old.Body["trail"].([]any) {
		steps = append(steps, s.(map[string]any)["to"].(string))
	}
	if strings.Join(steps, ",") != "verified,disputed,revised" {
		t.Fatalf("trail: %v", steps)
	}
	if r := w.h.do("GET", "/v1/hours/"+id, "", bearerHeader(otherTok)...); r.Status != 404 {
		t.Errorf("another volunteer reads the record: %d", r.Status)
	}
}

// TestBulkVerifyAndSupervisorQueue: the supervisor's queue holds the
// records of the needs they supervise; a bulk verification decides each
// record once and reports the others' problems.
func TestBulkVerifyAndSupervisorQueue(t *testing.T) {
	clock := &testClock{}
	w := newWorld(t, func(s *harnessSetup) { s.svc.Now = clock.Now; s.svc.Accounts.AccessTokenTTL = 30 * 24 * time.Hour })
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, "")
	a, _ := w.volunteerWithProfile(t, "13600400001", zy, "")
	b, _ := w.volunteerWithProfile(t, "13600400002", zy, "")
	walk, _ := w.volunteerWithProfile(t, "13600400003", zy, "")
	swID, swTok := w.supervisor(t, "13600400009")
	var occ string
	for _, v := range []string{a, b} {
		add := w.h.do("POST", "/v1/needs/"+need+"/plan/volunteers", `{"volunteerId":"`+v+`"}`, bearerHeader(zy)...)
		occ = add.Body["items"].([]any)[0].(map[string]any)["occurrenceId"].(string)
	}
	w.h.do("PUT", "/v1/needs/"+need+"/plan/supervisor", `{"socialWorkerId":"`+swID+`"}`, bearerHeader(zy)...)
	if r := w.h.do("POST", "/v1/needs/"+need+"/plan/supervisor/response", `{"accept":true}`, bearerHeader(swTok)...); r.Status != 200 {
		t.Fatalf("accept supervision: %d %s", r.Status, r.Raw)
	}
	// A second need at the same time: the walk-in placed there cannot also be a walk-in here.
	other := w.h.do("POST", "/v1/needs", strings.Replace(needBody(zhongyuanCommunity, ""), "助老上门探访", "同时段的另一需求", 1), bearerHeader(zy)...).str("id")
	if r := w.h.do("POST", "/v1/needs/"+other+"/plan/volunteers", `{"volunteerId":"`+walk+`"}`, bearerHeader(zy)...); r.Status != 201 {
		t.Fatalf("place elsewhere: %d %s", r.Status, r.Raw)
	}
	clock.jumpTo(parseSlot(t, slot(3, 12)))
	marks := `{"occurrenceId":"` + occ + `","marks":[` +
		`{"volunteerId":"` + a + `","checkin":"` + slot(3, 9) + `","checkout":"` + slot(3, 11) + `"},` +
		`{"volunteerId":"` + b + `","checkin":"` + slot(3, 9) + `","checkout":"` + slot(3, 10) + `"},` +
		`{"volunteerId":"` + walk + `","checkin":"` + slot(3, 9) + `","checkout":"` + slot(3, 11) + `"}]}`
	m := w.h.do("POST", "/v1/attendance/marks", marks, bearerHeader(swTok)...)
	if m.Status != 200 || len(m.Body["records"].([]any)) != 2 || !strings.Contains(m.Raw, `"location":"body.marks[2].volunteerId"`) ||
		!strings.Contains(m.Raw, `"status":403`) {
		t.Fatalf("supervisor marks (the walk-in is the committee's to record): %d %s", m.Status, m.Raw)
	}
	// The lines the supervisor recorded answer the same records again.
	if again := w.h.do("POST", "/v1/attendance/marks", marks, bearerHeader(zy)...); again.Status != 200 ||
		fmt.Sprint(again.Body["records"]) != fmt.Sprint(m.Body["records"]) || !strings.Contains(again.Raw, "其他服务") {
		t.Fatalf("committee marks (the overlapping walk-in refused): %d %s", again.Status, again.Raw)
	}
	q := w.h.do("GET", "/v1/hours/pending", "", bearerHeader(swTok)...)
	items := q.Body["items"].([]any)
	if len(items) != 2 {
		t.Fatalf("supervisor's queue: %s", q.Raw)
	}
	ids := `"` + items[0].(map[string]any)["id"].(string) + `","` + items[1].(map[string]any)["id"].(string) + `","nope"`
	r := w.h.do("POST", "/v1/hours/verification", `{"ids":[`+ids+`],"approve":true}`, bearerHeader(swTok)...)
	res := r.Body["results"].([]any)
	if r.Status != 200 || len(res) != 3 || res[0].(map[string]any)["record"] == nil || res[2].(map[string]any)["problem"] == nil {
		t.Fatalf("bulk verify: %d %s", r.Status, r.Raw)
	}
	if !strings.HasPrefix(res[0].(map[string]any)["record"].(map[string]any)["verifierOrg"].(string), "organisation:") {
		t.Errorf("a supervisor's verification names the organisation: %s", r.Raw)
	}
	// The same decision again answers the records as decided the first
	// time (retry-safe: decided once, by the supervisor); the other
	// decision is a conflict.
	again := w.h.do("POST", "/v1/hours/verification", `{"ids":[`+ids+`],"approve":true}`, bearerHeader(zy)...)
	for i, x := range again.Body["results"].([]any)[:2] {
		if fmt.Sprint(x.(map[string]any)["record"]) != fmt.Sprint(res[i].(map[string]any)["record"]) {
			t.Fatalf("a record was decided twice: %s", again.Raw)
		}
	}
	reject := w.h.do("POST", "/v1/hours/verification", `{"ids":[`+ids+`],"approve":false,"reason":"重复"}`, bearerHeader(zy)...)
	for _, x := range reject.Body["results"].([]any) {
		if p, _ := x.(map[string]any)["problem"].(map[string]any); p == nil || p["status"] == nil {
			t.Fatalf("rejecting verified records: %s", reject.Raw)
		}
	}
	if q := w.h.do("GET", "/v1/hours/pending", "", bearerHeader(zy)...); len(q.Body["items"].([]any)) != 0 {
		t.Errorf("committee queue after verification: %s", q.Raw)
	}
}
