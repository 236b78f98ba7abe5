package handlers_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
)

// Hours only for what happened (issue 14, build item 6): a committee
// could record and verify hours for a shift days in the future, for a
// volunteer of another county holding no place, and the hours reached the
// signed service record. Now hours are recorded and verified only for an
// occurrence that has started, for a volunteer who held a place in it or
// whom its committee recorded as a walk-in.

// outsider registers a verified volunteer whose home and community are in
// 二七区, another county than the need's (中原区).
func (w *world) outsider(t *testing.T, phone string) (id, token string) {
	t.Helper()
	body := strings.Replace(volunteerBody(idNumber(atoi(phone[8:])), ""), bishagang, erqiCommunity, 1)
	body = strings.Replace(body, `"home":{"lat":34.751234,"lng":113.601234}`, `"home":{"lat":34.7212,"lng":113.6401}`, 1)
	return w.volunteerWith(t, w.h.do, phone, body)
}

// hoursOf lists a volunteer's records through the API.
func hoursOf(t *testing.T, h *harness, tok string) []any {
	t.Helper()
	r := h.do("GET", "/v1/me/hours?limit=100", "", bearerHeader(tok)...)
	if r.Status != 200 {
		t.Fatalf("my hours: %d %s", r.Status, r.Raw)
	}
	return r.Body["items"].([]any)
}

// serviceRecordHours is the total of a volunteer's signed service record.
func serviceRecordHours(t *testing.T, h *harness, tok string) any {
	t.Helper()
	r := h.do("GET", "/v1/me/service-record", "", bearerHeader(tok)...)
	if r.Status != 200 {
		t.Fatalf("service record: %d %s", r.Status, r.Raw)
	}
	return r.Body["totals"].(map[string]any)["hours"]
}

func TestHoursOnlyForWhatHappened(t *testing.T) {
	clock := &testClock{}
	w := newWorld(t, func(s *harnessSetup) { s.svc.Now = clock.Now; s.svc.Accounts.AccessTokenTTL = 30 * 24 * time.Hour })
	ctx := context.Background()
	zy, _ := w.committees(t)
	// The breach as found: a shift 10 days ahead.
	body := strings.NewReplacer(slot(3, 9), slot(10, 9), slot(3, 11), slot(10, 11)).Replace(needBody(zhongyuanCommunity, ""))
	nr := w.h.do("POST", "/v1/needs", body, bearerHeader(zy)...)
	if nr.Status != 201 {
		t.Fatalf("need: %d %s", nr.Status, nr.Raw)
	}
	need := nr.str("id")
	placed, placedTok := w.volunteerWithProfile(t, "13600600001", zy, "")
	out, outTok := w.outsider(t, "13600600002")
	add := w.h.do("POST", "/v1/needs/"+need+"/plan/volunteers", `{"volunteerId":"`+placed+`"}`, bearerHeader(zy)...)
	if add.Status != 201 {
		t.Fatalf("place: %d %s", add.Status, add.Raw)
	}
	occ := add.Body["items"].([]any)[0].(map[string]any)["occurrenceId"].(string)
	start := parseSlot(t, slot(10, 9))
	mark := func(lines ...[3]string) string {
		var parts []string
		for _, l := range lines {
			parts = append(parts, `{"volunteerId":"`+l[0]+`","checkin":"`+l[1]+`","checkout":"`+l[2]+`"}`)
		}
		return `{"occurrenceId":"` + occ + `","marks":[` + strings.Join(parts, ",") + `]}`
	}
	nothingRecorded := func(when string) {
		t.Helper()
		for name, tok := range map[string]string{"placed": placedTok, "outsider": outTok} {
			if got := hoursOf(t, w.h, tok); len(got) != 0 {
				t.Fatalf("%s: %s has records: %v", when, name, got)
			}
		}
		for _, v := range []string{placed, out} {
			if _, err := w.h.db.Hours().Attendance(ctx, occ+"#"+v); !errors.Is(err, models.ErrNotFound) {
				t.Fatalf("%s: attendance of %s stored: %v", when, v, err)
			}
		}
		if q := w.h.do("GET", "/v1/hours/pending", "", bearerHeader(zy)...); len(q.Body["items"].([]any)) != 0 {
			t.Fatalf("%s: pending queue: %s", when, q.Raw)
		}
	}

	// 1. The breach: the committee marks the outsider (no place, another
	// county) and the placed volunteer for the shift 10 days ahead.
	breach := mark([3]string{out, slot(10, 9), slot(10, 11)}, [3]string{placed, slot(10, 9), slot(10, 11)})
	r := w.h.do("POST", "/v1/attendance/marks", breach, bearerHeader(zy)...)
	if r.Status != 409 || !hasLocation(r, "body.occurrenceId") || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("marks for a shift 10 days ahead: %d %s", r.Status, r.Raw)
	}
	nothingRecorded("marks before the shift")

	// 2. The placed volunteer checks in 10 minutes early (allowed: check-in
	// opens 30 minutes before) and tries to check out before the start.
	code := func() string {
		c := w.h.do("GET", "/v1/attendance/code?occurrenceId="+urlEscape(occ), "", bearerHeader(zy)...)
		if c.Status != 200 {
			t.Fatalf("code: %d %s", c.Status, c.Raw)
		}
		return c.str("code")
	}
	presence := func() string {
		return `{"occurrenceId":"` + occ + `","code":"` + code() + `","location":{"lat":34.7536,"lng":113.6134}}`
	}
	clock.jumpTo(start.Add(-10 * time.Minute))
	if r := w.h.do("POST", "/v1/me/attendance/checkin", presence(), bearerHeader(placedTok)...); r.Status != 200 {
		t.Fatalf("check-in 10 minutes early: %d %s", r.Status, r.Raw)
	}
	clock.jumpTo(start.Add(-5 * time.Minute))
	if r := w.h.do("POST", "/v1/me/attendance/checkout", presence(), bearerHeader(placedTok)...); r.Status != 409 || !hasLocation(r, "body.occurrenceId") {
		t.Fatalf("check-out before the start: %d %s", r.Status, r.Raw)
	}
	if a, err := w.h.db.Hours().Attendance(ctx, occ+"#"+placed); err != nil || a.CheckoutAt != nil {
		t.Fatalf("the refused check-out left %+v %v", a, err)
	}
	if got := hoursOf(t, w.h, placedTok); len(got) != 0 {
		t.Fatalf("a check-out before the start recorded %v", got)
	}
	// Still before the start: bulk marking is refused for the placed volunteer too.
	if r := w.h.do("POST", "/v1/attendance/marks", mark([3]string{placed, slot(10, 9), slot(10, 9)[:11] + "08:55:00+08:00"}), bearerHeader(zy)...); r.Status != 409 ||
		!hasLocation(r, "body.occurrenceId") {
		t.Fatalf("marks 5 minutes before the start: %d %s", r.Status, r.Raw)
	}

	// 3. Records the old code made are not verified: one made before the
	// shift (the breach's), one of the outsider made after it without a
	// place or a walk-in record. A verified one made before the shift is
	// left out of the signed service record.
	legacy := func(id string, version int, created time.Time, status models.HoursStatus) {
		t.Helper()
		rec := &models.HoursRecord{ID: id, NeedID: need, OccurrenceID: occ, VolunteerID: out, Version: version, Date: string(models.DateOf(start)),
			Hours: 2, Domain: "social_welfare", Source: "marked", Status: status, CommunityCode: zhongyuanCommunity, CreatedAt: created}
		if status == models.HoursVerified {
			rec.VerifiedBy, rec.VerifierName, rec.VerifierOrg, rec.VerifiedAt = "x", "社区书记", "community:"+zhongyuanCommunity, &created
		}
		if err := w.h.db.Hours().CreateHours(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	legacy("legacy-before-start", 1, time.Now(), models.HoursPending)
	legacy("legacy-verified-before", 3, time.Now(), models.HoursVerified)
	clock.jumpTo(start.Add(3 * time.Hour))
	legacy("legacy-no-place", 2, start.Add(2*time.Hour), models.HoursPending)
	for _, c := range []struct{ id, says string }{{"legacy-before-start", "尚未开始"}, {"legacy-no-place", "没有名额"}} {
		r := w.h.do("POST", "/v1/hours/"+c.id+"/verification", `{"approve":true}`, bearerHeader(zy)...)
		if r.Status != 409 || !hasLocation(r, "path.id") || !strings.Contains(r.Raw, c.says) {
			t.Fatalf("verify %s: %d %s", c.id, r.Status, r.Raw)
		}
		if rec, err := w.h.db.Hours().HoursRecord(ctx, c.id); err != nil || rec.Status != models.HoursPending || rec.VerifiedBy != "" {
			t.Fatalf("%s after the refused verification: %+v %v", c.id, rec, err)
		}
	}
	if got := serviceRecordHours(t, w.h, outTok); got != float64(0) {
		t.Fatalf("a record made before its shift is in the service record: %v hours", got)
	}
	// Rejecting such a record stays possible.
	if r := w.h.do("POST", "/v1/hours/legacy-before-start/verification", `{"approve":false,"reason":"场次开始前登记"}`, bearerHeader(zy)...); r.Status != 200 {
		t.Fatalf("reject a record made before its shift: %d %s", r.Status, r.Raw)
	}

	// 4. After the shift: the placed volunteer and the outsider, recorded
	// by the committee as a walk-in, are marked and verified; a check-out
	// in the future is refused for its line.
	future := time.Now().Add(time.Until(clock.Now())).Add(time.Hour).Format(time.RFC3339)
	r = w.h.do("POST", "/v1/attendance/marks", mark(
		[3]string{placed, slot(10, 9), slot(10, 11)},
		[3]string{out, slot(10, 10), slot(10, 11)},
		[3]string{out, slot(10, 10), future}), bearerHeader(zy)...)
	if r.Status != 200 || len(r.Body["records"].([]any)) != 2 || !strings.Contains(r.Raw, `"location":"body.marks[2].checkout"`) {
		t.Fatalf("marks after the shift: %d %s", r.Status, r.Raw)
	}
	if a, err := w.h.db.Hours().Attendance(ctx, occ+"#"+out); err != nil || !a.WalkIn || a.MarkedBy == "" {
		t.Fatalf("the walk-in's attendance: %+v %v", a, err)
	}
	for _, x := range r.Body["records"].([]any) {
		id := x.(map[string]any)["id"].(string)
		if v := w.h.do("POST", "/v1/hours/"+id+"/verification", `{"approve":true}`, bearerHeader(zy)...); v.Status != 200 || v.str("status") != "verified" {
			t.Fatalf("verify %s: %d %s", id, v.Status, v.Raw)
		}
	}
	if got := serviceRecordHours(t, w.h, placedTok); got != float64(2) {
		t.Fatalf("placed volunteer's service record: %v hours, want 2", got)
	}
	if got := serviceRecordHours(t, w.h, outTok); got != float64(1) {
		t.Fatalf("walk-in's service record: %v hours, want 1 (the record made before the shift left out)", got)
	}
}

// TestCheckoutAfterTheStart: a volunteer holding a place checks in early,
// checks out once the shift has started and the hours are verified.
func TestCheckoutAfterTheStart(t *testing.T) {
	clock := &testClock{}
	w := newWorld(t, func(s *harnessSetup) { s.svc.Now = clock.Now; s.svc.Accounts.AccessTokenTTL = 30 * 24 * time.Hour })
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, "")
	vid, vtok := w.volunteerWithProfile(t, "13600700001", zy, "")
	add := w.h.do("POST", "/v1/needs/"+need+"/plan/volunteers", `{"volunteerId":"`+vid+`"}`, bearerHeader(zy)...)
	occ := add.Body["items"].([]any)[0].(map[string]any)["occurrenceId"].(string)
	start := parseSlot(t, slot(3, 9))
	presence := func() string {
		c := w.h.do("GET", "/v1/attendance/code?occurrenceId="+urlEscape(occ), "", bearerHeader(zy)...)
		return `{"occurrenceId":"` + occ + `","code":"` + c.str("code") + `","location":{"lat":34.7536,"lng":113.6134}}`
	}
	clock.jumpTo(start.Add(-20 * time.Minute))
	if r := w.h.do("POST", "/v1/me/attendance/checkin", presence(), bearerHeader(vtok)...); r.Status != 200 {
		t.Fatalf("check-in: %d %s", r.Status, r.Raw)
	}
	clock.jumpTo(start.Add(time.Minute))
	r := w.h.do("POST", "/v1/me/attendance/checkout", presence(), bearerHeader(vtok)...)
	if r.Status != 200 || r.str("status") != "pending" {
		t.Fatalf("check-out a minute after the start: %d %s", r.Status, r.Raw)
	}
	if v := w.h.do("POST", "/v1/hours/"+r.str("id")+"/verification", `{"approve":true}`, bearerHeader(zy)...); v.Status != 200 {
		t.Fatalf("verify: %d %s", v.Status, v.Raw)
	}
	if got := hoursOf(t, w.h, vtok); len(got) != 1 || got[0].(map[string]any)["status"] != "verified" {
		t.Fatalf("my hours: %v", got)
	}
}
