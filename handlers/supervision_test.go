package handlers_test

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// supervisionWorld is a confirmed plan with an accepted supervisor (a
// verified 社会工作师 of orgA) and a placed volunteer, plus the people the
// scope tests need.
type supervisionWorld struct {
	*world
	zy, eq           string // committees
	need             string
	vid, vtok        string // the placed volunteer
	otherVid, otherV string // a volunteer not in the plan
	swID, swTok      string // the plan's supervisor
	juniorID, junior string // an assistant social worker of orgA (certificate unverified)
	strangerID       string // a social worker of orgB
	stranger         string
}

func newSupervisionWorld(t *testing.T, opts ...harnessOpt) *supervisionWorld {
	t.Helper()
	w := newWorld(t, opts...)
	s := &supervisionWorld{world: w}
	s.zy, s.eq = w.committees(t)
	s.need = w.postNeed(t, s.zy, "")
	s.vid, s.vtok = w.volunteerWithProfile(t, "13600000001", s.zy, "")
	s.otherVid, s.otherV = w.volunteerWithProfile(t, "13600000002", s.zy, "")
	s.swID, s.swTok = w.supervisor(t, "13600000009")
	for _, c := range []struct {
		path, body, tok string
		want            int
	}{
		{"/v1/needs/" + s.need + "/plan/volunteers", `{"volunteerId":"` + s.vid + `"}`, s.zy, 201},
		{"/v1/needs/" + s.need + "/plan/supervisor", `{"socialWorkerId":"` + s.swID + `"}`, s.zy, 200},
		{"/v1/needs/" + s.need + "/plan/supervisor/response", `{"accept":true}`, s.swTok, 200},
		{"/v1/needs/" + s.need + "/plan/confirm", "", s.zy, 200},
	} {
		method := "POST"
		if c.path == "/v1/needs/"+s.need+"/plan/supervisor" {
			method = "PUT"
		}
		if r := w.h.do(method, c.path, c.body, bearerHeader(c.tok)...); r.Status != c.want {
			t.Fatalf("%s: %d %s", c.path, r.Status, r.Raw)
		}
	}
	staff := func(phone, org, adminTok, profile string) (string, string) {
		id := w.h.register(phone)
		addMemberAccepted(t, w.h, adminTok, org, phone, "social_worker")
		tok, _ := w.h.login(phone, "secret-pass")
		if r := w.h.do("PUT", "/v1/me/social-worker-profile", profile, bearerHeader(tok)...); r.Status != 200 {
			t.Fatalf("social worker profile: %d %s", r.Status, r.Raw)
		}
		return id, tok
	}
	s.juniorID, s.junior = staff("13600000010", w.orgA, w.adminA,
		`{"certificate":{"level":"assistant_social_worker","number":"ASW2023-0002","issuedOn":"2023-06-01"},"post":{"level":"assistant_social_worker","grade":3},"domains":["social_welfare"]}`)
	s.strangerID, s.stranger = staff("13600000011", w.orgB, w.adminB, `{"domains":["social_welfare"]}`)
	return s
}

func today(days int) string {
	sh := time.FixedZone("CST", 8*3600)
	return time.Now().In(sh).AddDate(0, 0, days).Format("2006-01-02")
}

func sessionBody(supervisee, need, date string, minutes int) string {
	b := `{"superviseeId":"` + supervisee + `","date":"` + date + `","minutes":` + fmt.Sprint(minutes) + `,"topic":"个案沟通技巧","notes":"讨论探访中的沟通方法"`
	if need != "" {
		b += `,"needId":"` + need + `"`
	}
	return b + `}`
}

func TestSupervisionSessions(t *testing.T) {
	s := newSupervisionWorld(t)
	h := s.h
	logCases := []struct {
		name string
		tok  string
		body string
		want int
	}{
		{"a volunteer cannot log a session", s.vtok, sessionBody(s.otherVid, s.need, today(0), 60), 403},
		{"the committee cannot log a session", s.zy, sessionBody(s.vid, s.need, today(0), 60), 403},
		{"a social worker of another org does not supervise the volunteer", s.stranger, sessionBody(s.vid, s.need, today(0), 60), 403},
		{"a junior of the same org is not the plan's supervisor", s.junior, sessionBody(s.vid, s.need, today(0), 60), 403},
		{"a junior cannot supervise a senior colleague", s.junior, sessionBody(s.swID, "", today(0), 60), 403},
		{"the supervisor and a volunteer not in the plan", s.swTok, sessionBody(s.otherVid, s.need, today(0), 60), 403},
		{"the supervisor and a social worker of another org", s.swTok, sessionBody(s.strangerID, "", today(0), 60), 403},
		{"a volunteer session needs the need", s.swTok, sessionBody(s.vid, "", today(0), 60), 422},
		{"an unknown need", s.swTok, sessionBody(s.vid, "nosuchneed", today(0), 60), 422},
		{"a date in the future", s.swTok, sessionBody(s.vid, s.need, today(2), 60), 422},
		{"too short", s.swTok, sessionBody(s.vid, s.need, today(0), 10), 422},
		{"too long", s.swTok, sessionBody(s.vid, s.need, today(0), 481), 422},
		{"oneself", s.swTok, sessionBody(s.swID, "", today(0), 60), 422},
		{"the plan's supervisor with the placed volunteer", s.swTok, sessionBody(s.vid, s.need, today(0), 90), 201},
		{"the plan's supervisor with the placed volunteer again", s.swTok, sessionBody(s.vid, s.need, today(-1), 45), 201},
		{"a higher-certified colleague with a junior", s.swTok, sessionBody(s.juniorID, "", today(-1), 120), 201},
	}
	var ids []string
	for _, c := range logCases {
		r := h.do("POST", "/v1/supervision-sessions", c.body, bearerHeader(c.tok)...)
		if r.Status != c.want {
			t.Errorf("%s: %d, want %d: %s", c.name, r.Status, c.want, r.Raw)
			continue
		}
		if r.Status == 201 {
			if r.str("supervisorId") != s.swID || r.Body["confirmed"] != false {
				t.Errorf("%s: %s", c.name, r.Raw)
			}
			ids = append(ids, r.str("id"))
		}
	}
	if len(ids) != 3 {
		t.Fatalf("sessions logged: %d", len(ids))
	}
	first, second, juniorSession := ids[0], ids[1], ids[2]

	// Only the two parties read a session.
	readCases := []struct {
		name string
		tok  string
		want int
	}{
		{"supervisor", s.swTok, 200}, {"supervisee", s.vtok, 200}, {"another volunteer", s.otherV, 404},
		{"the committee", s.zy, 404}, {"the employer", s.adminA, 404}, {"civil affairs", s.city, 404}, {"the junior", s.junior, 404},
	}
	for _, c := range readCases {
		r := h.do("GET", "/v1/supervision-sessions/"+first, "", bearerHeader(c.tok)...)
		if r.Status != c.want {
			t.Errorf("%s reads a session: %d, want %d", c.name, r.Status, c.want)
		}
		if c.want == 200 && r.str("notes") != "讨论探访中的沟通方法" {
			t.Errorf("%s does not see the notes: %s", c.name, r.Raw)
		}
	}

	// Lists are the caller's own.
	listCases := []struct {
		name, tok, role string
		want            int
	}{
		{"supervisor as supervisor", s.swTok, "supervisor", 3}, {"supervisor as supervisee", s.swTok, "supervisee", 0},
		{"volunteer as supervisee", s.vtok, "supervisee", 2}, {"volunteer as supervisor", s.vtok, "supervisor", 0},
		{"junior as supervisee", s.junior, "supervisee", 1}, {"another volunteer", s.otherV, "supervisee", 0},
	}
	for _, c := range listCases {
		r := h.do("GET", "/v1/supervision-sessions?role="+c.role, "", bearerHeader(c.tok)...)
		if items, _ := r.Body["items"].([]any); r.Status != 200 || len(items) != c.want {
			t.Errorf("%s: %d %s", c.name, r.Status, r.Raw)
		}
	}
	p1 := h.do("GET", "/v1/supervision-sessions?role=supervisor&limit=2", "", bearerHeader(s.swTok)...)
	p2 := h.do("GET", "/v1/supervision-sessions?role=supervisor&limit=2&cursor="+urlEscape(p1.str("nextCursor")), "", bearerHeader(s.swTok)...)
	if len(p1.Body["items"].([]any)) != 2 || p1.str("nextCursor") == "" || len(p2.Body["items"].([]any)) != 1 || p2.str("nextCursor") != "" {
		t.Errorf("paging: %s / %s", p1.Raw, p2.Raw)
	}

	// Only the supervisee confirms.
	confirmCases := []struct {
		name string
		tok  string
		want int
	}{
		{"the supervisor", s.swTok, 403}, {"another volunteer", s.otherV, 404}, {"the committee", s.zy, 404},
		{"the junior (not this session's supervisee)", s.junior, 404},
	}
	for _, c := range confirmCases {
		if r := h.do("POST", "/v1/supervision-sessions/"+first+"/confirmation", "", bearerHeader(c.tok)...); r.Status != c.want {
			t.Errorf("%s confirms: %d, want %d", c.name, r.Status, c.want)
		}
	}
	// 100 concurrent confirmations by the supervisee: one wins.
	var ok, conflict atomic.Int32
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := h.do("POST", "/v1/supervision-sessions/"+first+"/confirmation", "", bearerHeader(s.vtok)...)
			switch r.Status {
			case 200:
				ok.Add(1)
			case 409:
				conflict.Add(1)
			default:
				t.Errorf("concurrent confirmation: %d %s", r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || conflict.Load() != 99 {
		t.Fatalf("concurrent confirmations: %d ok, %d conflicts", ok.Load(), conflict.Load())
	}
	if r := h.do("POST", "/v1/supervision-sessions/"+first+"/confirmation", "", bearerHeader(s.vtok)...); r.Status != 409 {
		t.Errorf("confirming again: %d", r.Status)
	}
	if r := h.do("POST", "/v1/supervision-sessions/"+juniorSession+"/confirmation", "", bearerHeader(s.junior)...); r.Status != 200 || r.Body["confirmed"] != true {
		t.Errorf("the junior confirms: %d %s", r.Status, r.Raw)
	}
	if r := h.do("GET", "/v1/supervision-sessions/"+first, "", bearerHeader(s.swTok)...); r.Body["confirmed"] != true {
		t.Errorf("the supervisor sees the confirmation: %s", r.Raw)
	}
	_ = second // logged, left unconfirmed

	// Supervised hours are the confirmed sessions'; the workload is every session logged.
	year := fmt.Sprint(time.Now().In(time.FixedZone("CST", 8*3600)).Year())
	sum := h.do("GET", "/v1/me/supervision-summary?year="+year, "", bearerHeader(s.vtok)...)
	if sum.Status != 200 || sum.Body["supervisedHours"] != 1.5 {
		t.Errorf("volunteer's summary (90 of 135 minutes confirmed): %d %s", sum.Status, sum.Raw)
	}
	sup := sum.Body["supervised"].(map[string]any)
	if sup["sessions"] != float64(2) || sup["confirmedSessions"] != float64(1) || sup["confirmedMinutes"] != float64(90) {
		t.Errorf("volunteer's supervised totals: %v", sup)
	}
	// The supervised hours equal the confirmed sessions the supervisee lists.
	var confirmedMinutes float64
	for _, it := range h.do("GET", "/v1/supervision-sessions?role=supervisee", "", bearerHeader(s.vtok)...).Body["items"].([]any) {
		if m := it.(map[string]any); m["confirmed"] == true {
			confirmedMinutes += m["minutes"].(float64)
		}
	}
	if math.Abs(confirmedMinutes/60-sum.Body["supervisedHours"].(float64)) > 0.01 {
		t.Errorf("supervised hours %v != confirmed sessions' %v", sum.Body["supervisedHours"], confirmedMinutes/60)
	}
	if r := h.do("GET", "/v1/me/supervision-summary", "", bearerHeader(s.junior)...); r.Body["supervisedHours"] != float64(2) {
		t.Errorf("junior's summary: %s", r.Raw)
	}
	wl := h.do("GET", "/v1/me/supervision-summary", "", bearerHeader(s.swTok)...)
	work, _ := wl.Body["workload"].(map[string]any)
	if wl.Status != 200 || work["sessions"] != float64(3) || work["minutes"] != float64(255) || work["hours"] != 4.25 || wl.Body["supervisedHours"] != float64(0) {
		t.Errorf("supervisor's workload: %s", wl.Raw)
	}
	if r := h.do("GET", "/v1/me/supervision-summary?year=2001", "", bearerHeader(s.swTok)...); r.Body["workload"].(map[string]any)["sessions"] != float64(0) {
		t.Errorf("another year: %s", r.Raw)
	}
}

func TestServiceObjectFeedbackAndAppraisal(t *testing.T) {
	s := newSupervisionWorld(t)
	h := s.h
	fb := func(tok, body string) response {
		return h.do("POST", "/v1/needs/"+s.need+"/feedback", body, bearerHeader(tok)...)
	}
	if r := fb(s.zy, `{"rating":4,"comment":"老人反映探访及时"}`); r.Status != 409 {
		t.Fatalf("feedback before completion: %d %s", r.Status, r.Raw)
	}
	for _, to := range []string{"in_progress", "completed"} {
		if r := h.do("POST", "/v1/needs/"+s.need+"/transitions", `{"to":"`+to+`"}`, bearerHeader(s.zy)...); r.Status != 200 {
			t.Fatalf("move to %s: %d %s", to, r.Status, r.Raw)
		}
	}
	feedbackCases := []struct {
		name string
		tok  string
		body string
		want int
	}{
		{"another committee", s.eq, `{"rating":4}`, 403},
		{"the volunteer", s.vtok, `{"rating":4}`, 403},
		{"the supervisor", s.swTok, `{"rating":5}`, 403},
		{"civil affairs", s.zhongyuan, `{"rating":4}`, 403},
		{"a rating out of range", s.zy, `{"rating":6}`, 422},
		{"about someone who did not take part", s.zy, `{"rating":4,"about":"` + s.strangerID + `"}`, 422},
		{"the committee", s.zy, `{"rating":4,"comment":"老人反映探访及时"}`, 201},
		{"a second feedback", s.zy, `{"rating":1}`, 409},
	}
	for _, c := range feedbackCases {
		r := fb(c.tok, c.body)
		if r.Status != c.want {
			t.Errorf("%s: %d, want %d: %s", c.name, r.Status, c.want, r.Raw)
		}
		if r.Status == 201 && r.str("about") != s.swID {
			t.Errorf("feedback defaults to the plan's supervisor: %s", r.Raw)
		}
	}
	if r := h.do("POST", "/v1/needs/nosuchneed/feedback", `{"rating":4}`, bearerHeader(s.zy)...); r.Status != 404 {
		t.Errorf("feedback on an unknown need: %d", r.Status)
	}

	year := fmt.Sprint(time.Now().In(time.FixedZone("CST", 8*3600)).Year())
	input := func(tok, body string) response {
		return h.do("POST", "/v1/social-workers/"+s.swID+"/appraisal-inputs", body, bearerHeader(tok)...)
	}
	inputCases := []struct {
		name string
		tok  string
		body string
		want int
	}{
		{"the employer's admin", s.adminA, `{"year":` + year + `,"dimension":"professional_ethics","score":4,"note":"遵守职业守则"}`, 201},
		{"civil affairs governing the employer", s.zhongyuan, `{"year":` + year + `,"dimension":"professional_ethics","score":5}`, 201},
		{"the city", s.city, `{"year":` + year + `,"dimension":"work_performance","score":3}`, 201},
		{"the worker themself", s.swTok, `{"year":` + year + `,"dimension":"work_ability","score":5}`, 403},
		{"another county's civil affairs", s.erqi, `{"year":` + year + `,"dimension":"work_ability","score":5}`, 404},
		{"another org's admin", s.adminB, `{"year":` + year + `,"dimension":"work_ability","score":5}`, 404},
		{"a volunteer", s.vtok, `{"year":` + year + `,"dimension":"work_ability","score":5}`, 404},
		{"the committee", s.zy, `{"year":` + year + `,"dimension":"work_ability","score":5}`, 404},
		{"the feedback dimension is computed", s.adminA, `{"year":` + year + `,"dimension":"client_feedback","score":5}`, 422},
		{"an unknown dimension", s.adminA, `{"year":` + year + `,"dimension":"charm","score":5}`, 422},
		{"a score out of range", s.adminA, `{"year":` + year + `,"dimension":"work_ability","score":0}`, 422},
		{"a future year", s.adminA, `{"year":2099,"dimension":"work_ability","score":3}`, 422},
	}
	for _, c := range inputCases {
		if r := input(c.tok, c.body); r.Status != c.want {
			t.Errorf("%s: %d, want %d: %s", c.name, r.Status, c.want, r.Raw)
		}
	}

	readCases := []struct {
		name string
		tok  string
		want int
	}{
		{"the worker", s.swTok, 200}, {"the employer's admin", s.adminA, 200}, {"civil affairs", s.zhongyuan, 200},
		{"another county", s.erqi, 404}, {"another org", s.adminB, 404}, {"a volunteer", s.vtok, 404}, {"a colleague", s.junior, 404},
	}
	for _, c := range readCases {
		if r := h.do("GET", "/v1/social-workers/"+s.swID+"/appraisal?year="+year, "", bearerHeader(c.tok)...); r.Status != c.want {
			t.Errorf("%s reads the appraisal: %d, want %d", c.name, r.Status, c.want)
		}
	}
	a := h.do("GET", "/v1/social-workers/"+s.swID+"/appraisal", "", bearerHeader(s.swTok)...)
	dims, _ := a.Body["dimensions"].([]any)
	if a.Status != 200 || len(dims) != 6 {
		t.Fatalf("appraisal: %d %s", a.Status, a.Raw)
	}
	byCode := map[string]map[string]any{}
	for _, d := range dims {
		m := d.(map[string]any)
		byCode[m["code"].(string)] = m
	}
	want := map[string][2]float64{"professional_ethics": {2, 4.5}, "work_performance": {1, 3}, "client_feedback": {1, 4}, "work_ability": {0, 0}}
	for code, cw := range want {
		d := byCode[code]
		if d == nil || d["count"] != cw[0] || d["average"] != cw[1] {
			t.Errorf("%s: %v, want count %v average %v", code, d, cw[0], cw[1])
		}
	}
	if byCode["client_feedback"]["computed"] != true || len(byCode["client_feedback"]["feedback"].([]any)) != 1 {
		t.Errorf("client feedback: %v", byCode["client_feedback"])
	}
	if r := h.do("GET", "/v1/social-workers/"+s.swID+"/appraisal?year=2001", "", bearerHeader(s.swTok)...); r.Status != 200 || r.Raw == a.Raw {
		t.Errorf("another year: %d", r.Status)
	}
}
