package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wushe/wushe/clients/go/wushe"
)

// checkIn: a shift starting within the half hour (check-in opens 30
// minutes before the start), where the committee places the volunteer
// directly; the volunteer checks in with the code on the committee's
// screen; a check-out before the start is refused, naming the field.
func (w *walk) checkIn(ctx context.Context) error {
	// The next half hour: check-in is open from the last one on. Too close
	// to it, wait for it to pass.
	start := halfHourAfter(time.Now())
	if wait := time.Until(start); wait < time.Minute {
		w.say("waiting %.0f s for %s to pass", wait.Seconds()+1, start.Format("15:04"))
		time.Sleep(wait + time.Second)
		start = halfHourAfter(time.Now())
	}
	n, err := w.need(ctx, "社区议事会会场布置", start)
	if err != nil {
		return err
	}
	var placed wushe.AssignmentsOutputBody
	res, err := w.c.AddPlanVolunteer(ctx, n.Id, wushe.AddVolunteerInputBody{VolunteerId: w.volunteerID}, bearer(w.committee))
	if err := decode("POST /v1/needs/{id}/plan/volunteers", res, err, 201, &placed); err != nil {
		return err
	}
	if len(placed.Items) == 0 {
		return fmt.Errorf("POST /v1/needs/{id}/plan/volunteers: no place")
	}
	occ := placed.Items[0].OccurrenceId
	w.say("the committee posts need %s at %s and places the volunteer (occurrence %s)", n.Id,
		n.Window.Start.In(shanghai).Format("15:04"), occ)
	var code wushe.CodeOutputBody
	res, err = w.c.CheckinCode(ctx, &wushe.CheckinCodeParams{OccurrenceId: occ}, bearer(w.committee))
	if err := decode("GET /v1/attendance/code", res, err, 200, &code); err != nil {
		return err
	}
	presence := wushe.PresenceInputBody{OccurrenceId: occ, Code: code.Code, Location: w.place}
	var in wushe.AttendanceOutputBody
	res, err = w.c.Checkin(ctx, presence, bearer(w.volunteer))
	if err := decode("POST /v1/me/attendance/checkin", res, err, 200, &in); err != nil {
		return err
	}
	w.say("the volunteer checks in with the screen's code %s at %s", code.Code, in.CheckinAt.In(shanghai).Format("15:04:05"))
	var p wushe.ErrorModel
	res, err = w.c.Checkout(ctx, presence, bearer(w.volunteer), english)
	if err := decode("POST /v1/me/attendance/checkout", res, err, 409, &p); err != nil {
		return err
	}
	if p.Errors == nil || !slices.ContainsFunc(*p.Errors, func(e wushe.ErrorDetail) bool {
		return e.Location != nil && *e.Location == "body.occurrenceId"
	}) {
		return fmt.Errorf("POST /v1/me/attendance/checkout: the refusal does not name body.occurrenceId: %+v", p)
	}
	w.say("a check-out before the start is refused: 409 %s (%s)", p.Code, p.Title)
	return nil
}

// hours: the committee marks the demo volunteer present for the whole of
// the demo city's shift of yesterday and verifies the hours.
func (w *walk) hours(ctx context.Context) error {
	t, err := w.login(ctx, demoVolunteerPhone, w.password)
	if err != nil {
		return err
	}
	w.volunteer, w.volunteerID = t.AccessToken, t.Account.Id
	var plan wushe.PlanDTO
	res, err := w.c.GetPlan(ctx, pastNeed, bearer(w.committee))
	if err := decode("GET /v1/needs/{id}/plan", res, err, 200, &plan); err != nil {
		return err
	}
	i := slices.IndexFunc(plan.Assignments, func(a wushe.AssignmentDTO) bool { return a.VolunteerId == w.volunteerID })
	if i < 0 {
		return fmt.Errorf("the demo volunteer %s holds no place in %s", demoVolunteerPhone, pastNeed)
	}
	a := plan.Assignments[i]
	var marked wushe.MarkOutputBody
	res, err = w.c.MarkAttendance(ctx, wushe.MarkInputBody{OccurrenceId: a.OccurrenceId,
		Marks: []wushe.Item{{VolunteerId: w.volunteerID, Checkin: a.Start, Checkout: a.End}}}, bearer(w.committee))
	if err := decode("POST /v1/attendance/marks", res, err, 200, &marked); err != nil {
		return err
	}
	if len(marked.Problems) != 0 || len(marked.Records) != 1 {
		return fmt.Errorf("POST /v1/attendance/marks: %d records, problems %+v", len(marked.Records), marked.Problems)
	}
	rec := marked.Records[0]
	w.say("the committee marks the demo volunteer present at %s %s–%s: %.1f h, %s", pastNeed,
		a.Start.In(shanghai).Format("01-02 15:04"), a.End.In(shanghai).Format("15:04"), rec.Hours, rec.Status)
	var verified wushe.HoursRecordDTO
	res, err = w.c.VerifyHours(ctx, rec.Id, wushe.VerifyHoursInputBody{Approve: true}, bearer(w.committee))
	if err := decode("POST /v1/hours/{id}/verification", res, err, 200, &verified); err != nil {
		return err
	}
	if verified.Status != "verified" {
		return fmt.Errorf("POST /v1/hours/{id}/verification: status %s", verified.Status)
	}
	w.say("the committee verifies the hours: %s", verified.Status)
	return nil
}

// record: the volunteer's signed service record, and anyone's check of
// the statement as fetched (its bytes unchanged: the signature is over
// the statement's canonical form).
func (w *walk) record(ctx context.Context) error {
	res, err := w.c.MyServiceRecord(ctx, bearer(w.volunteer))
	body, err := raw("GET /v1/me/service-record", res, err, 200)
	if err != nil {
		return err
	}
	var sr wushe.ServiceRecordOutputBody
	if err := strict("GET /v1/me/service-record", body, &sr); err != nil {
		return err
	}
	if sr.SignedStatement == nil {
		return fmt.Errorf("GET /v1/me/service-record: no signed statement (the demo city configures a signing key)")
	}
	if sr.Totals.Hours <= 0 || sr.SignedStatement.Signature == "" {
		return fmt.Errorf("GET /v1/me/service-record: %.1f verified hours, signature %q", sr.Totals.Hours, sr.SignedStatement.Signature)
	}
	w.say("the volunteer's service record: %.1f verified hours, signed with key %s (%s)", sr.Totals.Hours,
		sr.SignedStatement.KeyId, sr.SignedStatement.Algorithm)
	var parts map[string]json.RawMessage
	if err := json.Unmarshal(body, &parts); err != nil {
		return err
	}
	var out wushe.VerifyStatementOutputBody
	res, err = w.c.VerifyServiceRecordWithBody(ctx, "application/json", bytes.NewReader(parts["signedStatement"]))
	if err := decode("POST /v1/service-records/verify", res, err, 200, &out); err != nil {
		return err
	}
	if !out.Valid {
		return fmt.Errorf("POST /v1/service-records/verify: the statement does not verify")
	}
	w.say("anyone verifies the statement without logging in: valid=%t, %s, %.1f h", out.Valid,
		strings.TrimSpace(out.Statement.Subject.Name), out.Statement.Totals.Hours)
	// The statement as the generated types hold it, encoded again: it
	// verifies only if they carry every field and value unchanged.
	var again wushe.VerifyStatementOutputBody
	res, err = w.c.VerifyServiceRecord(ctx, *sr.SignedStatement)
	if err := decode("POST /v1/service-records/verify (re-encoded)", res, err, 200, &again); err != nil {
		return err
	}
	if !again.Valid {
		return fmt.Errorf("POST /v1/service-records/verify: the statement re-encoded from the generated types does not verify")
	}
	w.say("the statement re-encoded from the generated types verifies too: valid=%t", again.Valid)
	return nil
}
