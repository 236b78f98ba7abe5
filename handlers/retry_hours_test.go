package handlers_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/storefault"
)

// hoursWorld is one need with one occurrence, a committee running it and a
// faulty store: each sweep step makes a fresh volunteer or record in it.
type hoursWorld struct {
	*world
	f        *storefault.Faults
	clock    *testClock
	zy       string // the committee's token
	need     string
	occ      string
	window   models.Window
	seq      int
	verified float64 // hours verified so far for the shared volunteer
	vid      string  // a volunteer whose records are verified in turn
	vtok     string
}

func newHoursWorld(t *testing.T) *hoursWorld {
	t.Helper()
	hw := &hoursWorld{clock: &testClock{}}
	hw.world = newWorld(t, withFaults(&hw.f), func(s *harnessSetup) {
		s.svc.Now = hw.clock.Now
		s.svc.Accounts.AccessTokenTTL = 30 * 24 * time.Hour
	})
	hw.zy, _ = hw.committees(t)
	hw.need = hw.postNeed(t, hw.zy, "")
	hw.vid, hw.vtok = hw.account(t)
	first, _ := hw.volunteerWithProfile(t, "13700000001", hw.zy, "")
	add := hw.h.do("POST", "/v1/needs/"+hw.need+"/plan/volunteers", `{"volunteerId":"`+first+`"}`, bearerHeader(hw.zy)...)
	if add.Status != 201 {
		t.Fatalf("place: %d %s", add.Status, add.Raw)
	}
	hw.occ = add.Body["items"].([]any)[0].(map[string]any)["occurrenceId"].(string)
	start := parseSlot(t, slot(3, 9))
	hw.window = models.Window{Start: start, End: start.Add(2 * time.Hour)}
	return hw
}

// account registers a fresh person (no volunteer profile).
func (hw *hoursWorld) account(t *testing.T) (id, token string) {
	t.Helper()
	hw.seq++
	phone := fmt.Sprintf("1370100%04d", hw.seq)
	id = hw.h.register(phone)
	token, _ = hw.h.login(phone, "secret-pass")
	return id, token
}

// volunteer registers a fresh volunteer with a profile.
func (hw *hoursWorld) volunteer(t *testing.T) (id, token string) {
	t.Helper()
	hw.seq++
	return hw.volunteerWithProfile(t, fmt.Sprintf("1370200%04d", hw.seq), "", "")
}

// pendingRecord stores a record of the shared volunteer at a past
// occurrence of its own (so each has its own trail), with the attendance
// a check-in and check-out there would have left (hours only for what
// happened: a record is verified only for a started occurrence the
// volunteer attended).
func (hw *hoursWorld) pendingRecord(t *testing.T, status models.HoursStatus) *models.HoursRecord {
	t.Helper()
	hw.seq++
	start := hw.clock.Now().Add(-time.Duration(hw.seq) * time.Hour).Truncate(time.Minute)
	occ := models.OccurrenceID(hw.need, start)
	out := start.Add(30 * time.Minute)
	a := &models.Attendance{ID: occ + "#" + hw.vid, NeedID: hw.need, OccurrenceID: occ, VolunteerID: hw.vid, CheckinAt: start, CheckoutAt: &out}
	if err := hw.h.db.Hours().CreateAttendance(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	r := &models.HoursRecord{ID: fmt.Sprintf("retry-hours-%d", hw.seq), NeedID: hw.need, OccurrenceID: occ,
		VolunteerID: hw.vid, Version: 1, Date: string(models.DateOf(start)), Hours: 2, Domain: "social_welfare",
		Source: "checkin", Status: status, CommunityCode: zhongyuanCommunity, CreatedAt: out}
	if status != models.HoursPending {
		at := time.Now()
		r.VerifiedBy, r.VerifierName, r.VerifierOrg, r.VerifiedAt = "someone", "社区书记", "community:"+zhongyuanCommunity, &at
	}
	if err := hw.h.db.Hours().CreateHours(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return r
}

// trailSteps lists the "to" of each step of a record's trail.
func (hw *hoursWorld) trailSteps(t *testing.T, id string) []string {
	t.Helper()
	r := hw.h.do("GET", "/v1/hours/"+id, "", bearerHeader(hw.zy)...)
	if r.Status != 200 {
		t.Fatalf("trail: %d %s", r.Status, r.Raw)
	}
	var steps []string
	for _, s := range r.Body["trail"].([]any) {
		steps = append(steps, s.(map[string]any)["to"].(string))
	}
	return steps
}

// myHours lists a volunteer's records through the API.
func (hw *hoursWorld) myHours(t *testing.T, tok string) []map[string]any {
	t.Helper()
	r := hw.h.do("GET", "/v1/me/hours?limit=100", "", bearerHeader(tok)...)
	if r.Status != 200 {
		t.Fatalf("my hours: %d %s", r.Status, r.Raw)
	}
	var out []map[string]any
	for _, x := range r.Body["items"].([]any) {
		out = append(out, x.(map[string]any))
	}
	return out
}

// checkVerifiedTotal: the shared volunteer's service record counts every
// verified record once.
func (hw *hoursWorld) checkVerifiedTotal(t *testing.T) {
	t.Helper()
	r := hw.h.do("GET", "/v1/me/service-record", "", bearerHeader(hw.vtok)...)
	if r.Status != 200 {
		t.Fatalf("service record: %d %s", r.Status, r.Raw)
	}
	if got := r.Body["totals"].(map[string]any)["hours"]; got != hw.verified {
		t.Fatalf("service record totals %v hours, want %v: %s", got, hw.verified, r.Raw)
	}
}

func decided(r response) bool {
	return r.Status == 200 || r.Status == 409 && strings.Contains(r.Raw, "已处理")
}

// TestRetriesHoursCheckout: a check-out failed at any store call completes
// on a retry with one record, whose hours are those of the check-out time
// stored first (each attempt comes 15 minutes after the last, so a retry
// counting its own time would count more).
func TestRetriesHoursCheckout(t *testing.T) {
	hw := newHoursWorld(t)
	type state struct {
		vid, tok string
		attempts []time.Time
		ops      [][]string
	}
	checkin := hw.window.Start.Add(-10 * time.Minute)
	sweep(t, hw.f, retryCase{
		setup: func(t *testing.T) any {
			vid, tok := hw.account(t)
			a := &models.Attendance{ID: hw.occ + "#" + vid, NeedID: hw.need, OccurrenceID: hw.occ, VolunteerID: vid, CheckinAt: checkin}
			if err := hw.h.db.Hours().CreateAttendance(context.Background(), a); err != nil {
				t.Fatal(err)
			}
			return &state{vid: vid, tok: tok}
		},
		act: func(t *testing.T, st any) response {
			s := st.(*state)
			at := hw.window.Start.Add(time.Hour + time.Duration(len(s.attempts))*15*time.Minute)
			hw.clock.jumpTo(at)
			s.attempts = append(s.attempts, at)
			body := `{"occurrenceId":"` + hw.occ + `","code":"` + models.CheckinCode(testSecret, hw.occ, at) + `","location":{"lat":34.7536,"lng":113.6134}}`
			r := hw.h.do("POST", "/v1/me/attendance/checkout", body, bearerHeader(s.tok)...)
			s.ops = append(s.ops, hw.f.Ops())
			return r
		},
		done: func(r response) bool {
			return r.Status == 200 || r.Status == 409 && strings.Contains(r.Raw, "已记录")
		},
		check: func(t *testing.T, st any) {
			s := st.(*state)
			a, err := hw.h.db.Hours().Attendance(context.Background(), hw.occ+"#"+s.vid)
			if err != nil || a.CheckoutAt == nil {
				t.Fatalf("attendance without a check-out: %+v %v", a, err)
			}
			// The stored time is that of the first attempt that reached
			// SetCheckout (that attempt or the next, when it failed there).
			first := slices.IndexFunc(s.ops, func(ops []string) bool { return slices.Contains(ops, "Hours.SetCheckout") })
			if first < 0 {
				t.Fatalf("no attempt stored the check-out: %v", s.ops)
			}
			near := func(i int) bool {
				return i < len(s.attempts) && !a.CheckoutAt.Before(s.attempts[i]) && a.CheckoutAt.Sub(s.attempts[i]) < time.Minute
			}
			if !near(first) && !near(first+1) {
				t.Fatalf("check-out stored at %v, attempts at %v", a.CheckoutAt, s.attempts)
			}
			recs := hw.myHours(t, s.tok)
			if len(recs) != 1 {
				t.Fatalf("%d records, want 1: %v", len(recs), recs)
			}
			if want := models.ServiceHours(checkin, *a.CheckoutAt, hw.window); recs[0]["hours"] != want || recs[0]["status"] != "pending" {
				t.Fatalf("record %v, want %v hours pending (check-out %v)", recs[0], want, a.CheckoutAt)
			}
		},
	})
}

// TestRetriesHoursVerify: a verification failed at any store call is
// decided once by a retry (the claimed decision carried out), its step
// recorded once in the trail, and counted once in the service record.
func TestRetriesHoursVerify(t *testing.T) {
	hw := newHoursWorld(t)
	sweep(t, hw.f, retryCase{
		setup: func(t *testing.T) any { return hw.pendingRecord(t, models.HoursPending) },
		act: func(t *testing.T, st any) response {
			return hw.h.do("POST", "/v1/hours/"+st.(*models.HoursRecord).ID+"/verification", `{"approve":true}`, bearerHeader(hw.zy)...)
		},
		done: decided,
		check: func(t *testing.T, st any) {
			id := st.(*models.HoursRecord).ID
			r, err := hw.h.db.Hours().HoursRecord(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != models.HoursVerified || r.VerifiedBy == "" || r.VerifierName != "社区书记" ||
				r.VerifierOrg != "community:"+zhongyuanCommunity || r.VerifiedAt == nil {
				t.Fatalf("record not verified: %+v", r)
			}
			if steps := hw.trailSteps(t, id); strings.Join(steps, ",") != "verified" {
				t.Fatalf("trail %v, want one verified step", steps)
			}
			hw.verified += r.Hours
			hw.checkVerifiedTotal(t)
		},
	})
}

// TestRetriesHoursVerifyBulk: a bulk rejection failed at any store call
// is completed by a retry; each record is decided once.
func TestRetriesHoursVerifyBulk(t *testing.T) {
	hw := newHoursWorld(t)
	sweep(t, hw.f, retryCase{
		setup: func(t *testing.T) any {
			return []string{hw.pendingRecord(t, models.HoursPending).ID, hw.pendingRecord(t, models.HoursPending).ID}
		},
		act: func(t *testing.T, st any) response {
			ids := st.([]string)
			return hw.h.do("POST", "/v1/hours/verification", `{"ids":["`+strings.Join(ids, `","`)+`"],"approve":false,"reason":"未到场"}`,
				bearerHeader(hw.zy)...)
		},
		done: func(r response) bool { return r.Status == 200 },
		check: func(t *testing.T, st any) {
			for _, id := range st.([]string) {
				r, err := hw.h.db.Hours().HoursRecord(context.Background(), id)
				if err != nil {
					t.Fatal(err)
				}
				if r.Status != models.HoursRejected || r.RejectReason != "未到场" || r.VerifiedBy == "" {
					t.Fatalf("record not rejected: %+v", r)
				}
				if steps := hw.trailSteps(t, id); strings.Join(steps, ",") != "rejected" {
					t.Fatalf("trail %v, want one rejected step", steps)
				}
			}
			hw.checkVerifiedTotal(t)
		},
	})
}

// TestRetriesHoursMark: a committee's bulk attendance (a placed volunteer
// and a walk-in) failed at any store call is completed by a retry: each
// volunteer has one record, with the marked hours.
func TestRetriesHoursMark(t *testing.T) {
	hw := newHoursWorld(t)
	type state struct{ placed, placedTok, walkIn, walkInTok string }
	hw.clock.jumpTo(hw.window.End.Add(time.Hour))
	sweep(t, hw.f, retryCase{
		setup: func(t *testing.T) any {
			var s state
			s.placed, s.placedTok = hw.volunteer(t)
			s.walkIn, s.walkInTok = hw.volunteer(t)
			a := &models.Assignment{ID: hw.occ + "#" + s.placed, NeedID: hw.need, OccurrenceID: hw.occ, VolunteerID: s.placed,
				PlaceNo: 2, Window: hw.window, Status: models.AssignmentAssigned, CreatedAt: time.Now(), UpdatedAt: time.Now()}
			if err := hw.h.db.Plans().CreateAssignment(context.Background(), a); err != nil {
				t.Fatal(err)
			}
			return &s
		},
		act: func(t *testing.T, st any) response {
			s := st.(*state)
			body := `{"occurrenceId":"` + hw.occ + `","marks":[` +
				`{"volunteerId":"` + s.placed + `","checkin":"` + slot(3, 9) + `","checkout":"` + slot(3, 11) + `"},` +
				`{"volunteerId":"` + s.walkIn + `","checkin":"` + slot(3, 10) + `","checkout":"` + slot(3, 11) + `"}]}`
			return hw.h.do("POST", "/v1/attendance/marks", body, bearerHeader(hw.zy)...)
		},
		done: func(r response) bool { return r.Status == 200 },
		check: func(t *testing.T, st any) {
			s := st.(*state)
			for _, v := range []struct {
				id, tok string
				hours   float64
			}{{s.placed, s.placedTok, 2}, {s.walkIn, s.walkInTok, 1}} {
				recs := hw.myHours(t, v.tok)
				if len(recs) != 1 || recs[0]["hours"] != v.hours || recs[0]["source"] != "marked" {
					t.Fatalf("records of %s: %v, want one of %v hours", v.id, recs, v.hours)
				}
				if a, err := hw.h.db.Hours().Attendance(context.Background(), hw.occ+"#"+v.id); err != nil || a.CheckoutAt == nil {
					t.Fatalf("attendance of %s: %+v %v", v.id, a, err)
				}
			}
		},
	})
}

// TestRetriesHoursRevise: a revision failed at any store call is
// completed by a retry: one new version, the old one unchanged, one
// "revised" step in the trail.
func TestRetriesHoursRevise(t *testing.T) {
	hw := newHoursWorld(t)
	sweep(t, hw.f, retryCase{
		setup: func(t *testing.T) any { return hw.pendingRecord(t, models.HoursVerified) },
		act: func(t *testing.T, st any) response {
			return hw.h.do("POST", "/v1/hours/"+st.(*models.HoursRecord).ID+"/revisions", `{"hours":1.5,"reason":"核对签到表后更正"}`,
				bearerHeader(hw.zy)...)
		},
		done: func(r response) bool {
			return r.Status == 201 || r.Status == 409 && strings.Contains(r.Raw, "更新的版本")
		},
		check: func(t *testing.T, st any) {
			old := st.(*models.HoursRecord)
			var versions []map[string]any
			for _, r := range hw.myHours(t, hw.vtok) {
				if r["occurrenceId"] == old.OccurrenceID {
					versions = append(versions, r)
				}
			}
			if len(versions) != 2 {
				t.Fatalf("%d versions, want 2: %v", len(versions), versions)
			}
			for _, v := range versions {
				if v["id"] == old.ID && (v["hours"] != 2.0 || v["status"] != "verified") ||
					v["id"] != old.ID && (v["hours"] != 1.5 || v["status"] != "pending" || v["version"] != 2.0) {
					t.Fatalf("versions: %v", versions)
				}
			}
			if steps := hw.trailSteps(t, old.ID); strings.Join(steps, ",") != "revised" {
				t.Fatalf("trail %v, want one revised step", steps)
			}
		},
	})
}

// TestRetriesTrainingVerify: a training verification failed at any store
// call is decided by a retry, as the claim recorded it.
func TestRetriesTrainingVerify(t *testing.T) {
	var f *storefault.Faults
	w := newWorld(t, withFaults(&f))
	_, sw := w.staffSocialWorker(t, w.adminA, w.orgA, "13500000101")
	today := string(models.DateOf(time.Now()))
	sweep(t, f, retryCase{
		setup: func(t *testing.T) any { return w.addTraining(t, sw, 2, today) },
		act: func(t *testing.T, st any) response {
			return w.h.do("POST", "/v1/training/"+st.(string)+"/verification", `{"verified":true,"note":"核对结业证书"}`, bearerHeader(w.adminA)...)
		},
		done: func(r response) bool {
			return r.Status == 200 || r.Status == 409 && strings.Contains(r.Raw, "已核实过")
		},
		check: func(t *testing.T, st any) {
			id := st.(string)
			r, err := w.h.db.Pathway().Training(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			d, err := w.h.db.Pathway().TrainingVerification(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != "verified" || r.VerifiedBy != d.By || r.Note != "核对结业证书" || r.VerifiedAt == nil || !r.VerifiedAt.Equal(d.At) {
				t.Fatalf("training record %+v, decision %+v", r, d)
			}
		},
	})
}

// TestRetriesHoursCheckin: a check-in failed at any store call completes
// on a retry with one attendance, not checked out.
func TestRetriesHoursCheckin(t *testing.T) {
	hw := newHoursWorld(t)
	type state struct{ vid, tok string }
	sweep(t, hw.f, retryCase{
		setup: func(t *testing.T) any {
			var s state
			s.vid, s.tok = hw.account(t)
			a := &models.Assignment{ID: hw.occ + "#" + s.vid, NeedID: hw.need, OccurrenceID: hw.occ, VolunteerID: s.vid,
				PlaceNo: 2, Window: hw.window, Status: models.AssignmentAssigned, CreatedAt: time.Now(), UpdatedAt: time.Now()}
			if err := hw.h.db.Plans().CreateAssignment(context.Background(), a); err != nil {
				t.Fatal(err)
			}
			hw.clock.jumpTo(hw.window.Start.Add(-10 * time.Minute))
			return &s
		},
		act: func(t *testing.T, st any) response {
			s := st.(*state)
			body := `{"occurrenceId":"` + hw.occ + `","code":"` + models.CheckinCode(testSecret, hw.occ, hw.clock.Now()) + `","location":{"lat":34.7536,"lng":113.6134}}`
			return hw.h.do("POST", "/v1/me/attendance/checkin", body, bearerHeader(s.tok)...)
		},
		done: func(r response) bool { return r.Status == 200 },
		check: func(t *testing.T, st any) {
			a, err := hw.h.db.Hours().Attendance(context.Background(), hw.occ+"#"+st.(*state).vid)
			if err != nil || a.CheckoutAt != nil || a.CheckinAt.IsZero() {
				t.Fatalf("attendance: %+v %v", a, err)
			}
		},
	})
}

// TestRetriesSupervisionConfirm: a supervisee's confirmation failed at any
// store call is recorded once by a retry and counted once in their summary.
func TestRetriesSupervisionConfirm(t *testing.T) {
	var f *storefault.Faults
	s := newSupervisionWorld(t, withFaults(&f))
	confirmed := 0
	sweep(t, f, retryCase{
		setup: func(t *testing.T) any {
			r := s.h.do("POST", "/v1/supervision-sessions", sessionBody(s.vid, s.need, today(0), 60), bearerHeader(s.swTok)...)
			if r.Status != 201 {
				t.Fatalf("log session: %d %s", r.Status, r.Raw)
			}
			return r.str("id")
		},
		act: func(t *testing.T, st any) response {
			return s.h.do("POST", "/v1/supervision-sessions/"+st.(string)+"/confirmation", "", bearerHeader(s.vtok)...)
		},
		done: func(r response) bool {
			return r.Status == 200 || r.Status == 409 && strings.Contains(r.Raw, "已确认")
		},
		check: func(t *testing.T, st any) {
			if r := s.h.do("GET", "/v1/supervision-sessions/"+st.(string), "", bearerHeader(s.vtok)...); r.Body["confirmed"] != true {
				t.Fatalf("session not confirmed: %d %s", r.Status, r.Raw)
			}
			confirmed++
			sum := s.h.do("GET", "/v1/me/supervision-summary", "", bearerHeader(s.vtok)...)
			if got := sum.Body["supervised"].(map[string]any)["confirmedSessions"]; got != float64(confirmed) {
				t.Fatalf("confirmed sessions %v, want %d: %s", got, confirmed, sum.Raw)
			}
		},
	})
}
