package handlers_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
)

// The scheduled jobs, each driven by a controllable clock and run twice
// (as when two workers, or a redelivered task, run it): every effect once.

// clockWorld is a world whose service clock the test moves.
func clockWorld(t *testing.T) (*fundWorld, *testClock) {
	t.Helper()
	clock := &testClock{}
	w := newFundWorld(t, func(s *harnessSetup) { s.svc.Now = clock.Now; s.svc.Accounts.AccessTokenTTL = 400 * 24 * time.Hour })
	return w, clock
}

// inbox returns the caller's notifications of kind.
func (w *world) inbox(t *testing.T, tok string, kind models.NotificationKind) []map[string]any {
	t.Helper()
	r := w.h.do("GET", "/v1/me/notifications?limit=100", "", bearerHeader(tok)...)
	if r.Status != 200 {
		t.Fatalf("inbox: %d %s", r.Status, r.Raw)
	}
	var out []map[string]any
	for _, it := range r.items() {
		if it["kind"] == string(kind) {
			out = append(out, it)
		}
	}
	return out
}

// twice runs a job twice at the same time, concurrently, then once more.
func twice(t *testing.T, name string, run func() error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- run() }()
	}
	wg.Wait()
	errs <- run()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
}

func TestJobExpireInvitations(t *testing.T) {
	w, clock := clockWorld(t)
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, `,"headcount":1`)
	a, aTok := w.volunteerWithProfile(t, "13600300001", zy, "")
	b, bTok := w.volunteerWithProfile(t, "13600300002", zy, "")
	w.invite(t, zy, need, a)
	if got := w.inbox(t, aTok, models.NoteInvitation); len(got) != 1 {
		t.Fatalf("invitation notification: %v", got)
	}
	ctx := context.Background()
	// Before 48 h nothing lapses.
	clock.jumpTo(time.Now().Add(47 * time.Hour))
	if r, err := w.h.svc.ExpireInvitations(ctx, clock.Now()); err != nil || r.Changed != 0 {
		t.Fatalf("early run: %+v %v", r, err)
	}
	clock.jumpTo(time.Now().Add(49 * time.Hour))
	twice(t, "expire invitations", func() error { _, err := w.h.svc.ExpireInvitations(ctx, clock.Now()); return err })
	invs := w.h.do("GET", "/v1/needs/"+need+"/invitations", "", bearerHeader(zy)...)
	status := map[string]string{}
	for _, it := range invs.items() {
		status[it["volunteerId"].(string)] = it["status"].(string)
	}
	if status[a] != "expired" || status[b] != "pending" || len(status) != 2 {
		t.Fatalf("after expiry: %v (%s)", status, invs.Raw)
	}
	if got := w.inbox(t, aTok, models.NoteInvitationExpiry); len(got) != 1 {
		t.Fatalf("expiry notifications: %d", len(got))
	}
	if got := w.inbox(t, bTok, models.NoteInvitation); len(got) != 1 {
		t.Fatalf("the next candidate's invitation: %d", len(got))
	}
}

func TestJobRemindShifts(t *testing.T) {
	w, clock := clockWorld(t)
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, "")
	vid, vTok := w.volunteerWithProfile(t, "13600300011", zy, "")
	if r := w.h.do("POST", "/v1/needs/"+need+"/plan/volunteers", `{"volunteerId":"`+vid+`"}`, bearerHeader(zy)...); r.Status != 201 {
		t.Fatalf("place: %d %s", r.Status, r.Raw)
	}
	start := parseSlot(t, slot(3, 9))
	ctx := context.Background()
	run := func(at time.Time) {
		clock.jumpTo(at)
		twice(t, "remind shifts", func() error { _, err := w.h.svc.RemindShifts(ctx, clock.Now()); return err })
	}
	run(start.Add(-30 * time.Hour))
	if n := len(w.inbox(t, vTok, models.NoteShift24h)); n != 0 {
		t.Fatalf("reminded 30 h before: %d", n)
	}
	run(start.Add(-23 * time.Hour))
	run(start.Add(-20 * time.Hour))
	if n := len(w.inbox(t, vTok, models.NoteShift24h)); n != 1 {
		t.Fatalf("24 h reminders: %d", n)
	}
	run(start.Add(-50 * time.Minute))
	run(start.Add(-10 * time.Minute))
	if n := len(w.inbox(t, vTok, models.NoteShift1h)); n != 1 {
		t.Fatalf("1 h reminders: %d", n)
	}
	// A cancelled need's shift is not reminded.
	cancelled := w.postNeed(t, zy, "")
	cid, cTok := w.volunteerWithProfile(t, "13600300013", zy, "")
	if r := w.h.do("POST", "/v1/needs/"+cancelled+"/plan/volunteers", `{"volunteerId":"`+cid+`"}`, bearerHeader(zy)...); r.Status != 201 {
		t.Fatalf("place on the second need: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/needs/"+cancelled+"/transitions", `{"to":"cancelled","reason":"活动取消"}`, bearerHeader(zy)...); r.Status != 200 {
		t.Fatalf("cancel: %d %s", r.Status, r.Raw)
	}
	run(start.Add(-5 * time.Minute))
	if n := len(w.inbox(t, cTok, models.NoteShift1h)) + len(w.inbox(t, cTok, models.NoteShift24h)); n != 0 {
		t.Fatalf("reminders of a cancelled need's shift: %d", n)
	}
	// Another volunteer, not placed, hears nothing.
	_, other := w.volunteerWithProfile(t, "13600300012", zy, "")
	if n := len(w.inbox(t, other, models.NoteShift1h)) + len(w.inbox(t, other, models.NoteShift24h)); n != 0 {
		t.Fatalf("a volunteer without the shift was reminded: %d", n)
	}
}

func TestJobMarkNoShows(t *testing.T) {
	w, clock := clockWorld(t)
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, `,"headcount":3`)
	absent, absentTok := w.volunteerWithProfile(t, "13600300021", zy, "")
	present, presentTok := w.volunteerWithProfile(t, "13600300022", zy, "")
	reporter, reporterTok := w.volunteerWithProfile(t, "13600300023", zy, "")
	var occ string
	for _, v := range []string{absent, present, reporter} {
		r := w.h.do("POST", "/v1/needs/"+need+"/plan/volunteers", `{"volunteerId":"`+v+`"}`, bearerHeader(zy)...)
		if r.Status != 201 {
			t.Fatalf("place: %d %s", r.Status, r.Raw)
		}
		occ = r.Body["items"].([]any)[0].(map[string]any)["occurrenceId"].(string)
	}
	clock.jumpTo(parseSlot(t, slot(3, 12)))
	marks := `{"occurrenceId":"` + occ + `","marks":[{"volunteerId":"` + present + `","checkin":"` + slot(3, 9) + `","checkout":"` + slot(3, 11) + `"}]}`
	if r := w.h.do("POST", "/v1/attendance/marks", marks, bearerHeader(zy)...); r.Status != 200 {
		t.Fatalf("marks: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/me/hours", `{"occurrenceId":"`+occ+`","hours":2}`, bearerHeader(reporterTok)...); r.Status != 201 {
		t.Fatalf("self-report: %d %s", r.Status, r.Raw)
	}
	ctx := context.Background()
	// Within the grace (the shift ended at 11:00; it is 12:00) nothing is marked.
	if r, err := w.h.svc.MarkNoShows(ctx, clock.Now()); err != nil || r.Changed != 0 {
		t.Fatalf("within the grace: %+v %v", r, err)
	}
	clock.jumpTo(parseSlot(t, slot(3, 14)))
	twice(t, "no-shows", func() error { _, err := w.h.svc.MarkNoShows(ctx, clock.Now()); return err })
	if n := len(w.inbox(t, absentTok, models.NoteNoShow)); n != 1 {
		t.Fatalf("no-show notifications of the absent volunteer: %d", n)
	}
	for name, tok := range map[string]string{"marked present": presentTok, "self-reported": reporterTok} {
		if n := len(w.inbox(t, tok, models.NoteNoShow)); n != 0 {
			t.Fatalf("the %s volunteer was marked absent: %d", name, n)
		}
	}
	marked, err := w.h.db.Notifications().NoShowsOfVolunteer(ctx, absent)
	if err != nil || len(marked) != 1 {
		t.Fatalf("no-show records: %v %v", marked, err)
	}
}

func TestJobExpireNeeds(t *testing.T) {
	w, clock := clockWorld(t)
	zy, _ := w.committees(t)
	open := w.postNeed(t, zy, "")
	draft := w.postNeed(t, zy, `,"draft":true`)
	ctx := context.Background()
	clock.jumpTo(parseSlot(t, slot(3, 10))) // during the need: not yet
	if r, err := w.h.svc.ExpireNeeds(ctx, clock.Now()); err != nil || r.Changed != 0 {
		t.Fatalf("during the need: %+v %v", r, err)
	}
	clock.jumpTo(parseSlot(t, slot(3, 12)))
	twice(t, "expire needs", func() error { _, err := w.h.svc.ExpireNeeds(ctx, clock.Now()); return err })
	if r := w.h.do("GET", "/v1/needs/"+open, "", bearerHeader(zy)...); r.str("status") != "expired" {
		t.Fatalf("open need after its time: %s", r.Raw)
	}
	if r := w.h.do("GET", "/v1/needs/"+draft, "", bearerHeader(zy)...); r.str("status") != "draft" {
		t.Fatalf("a draft was expired: %s", r.Raw)
	}
	hist := w.h.do("GET", "/v1/needs/"+open+"/history", "", bearerHeader(zy)...)
	expiries := 0
	for _, it := range hist.items() {
		if it["to"] == "expired" {
			expiries++
		}
	}
	if expiries != 1 {
		t.Fatalf("expired %d times: %s", expiries, hist.Raw)
	}
	if n := len(w.inbox(t, zy, models.NoteNeedExpired)); n != 1 {
		t.Fatalf("committee notifications: %d", n)
	}
}

func TestJobRemindPendingHours(t *testing.T) {
	w, clock := clockWorld(t)
	zy, eq := w.committees(t)
	need := w.postNeed(t, zy, "")
	vid, vTok := w.volunteerWithProfile(t, "13600300031", zy, "")
	r := w.h.do("POST", "/v1/needs/"+need+"/plan/volunteers", `{"volunteerId":"`+vid+`"}`, bearerHeader(zy)...)
	occ := r.Body["items"].([]any)[0].(map[string]any)["occurrenceId"].(string)
	clock.jumpTo(parseSlot(t, slot(3, 12)))
	if r := w.h.do("POST", "/v1/me/hours", `{"occurrenceId":"`+occ+`","hours":2}`, bearerHeader(vTok)...); r.Status != 201 {
		t.Fatalf("self-report: %d %s", r.Status, r.Raw)
	}
	ctx := context.Background()
	clock.jumpTo(parseSlot(t, slot(5, 12))) // two days: not yet
	if r, err := w.h.svc.RemindPendingHours(ctx, clock.Now()); err != nil || r.Notified != 0 {
		t.Fatalf("after two days: %+v %v", r, err)
	}
	clock.jumpTo(parseSlot(t, slot(6, 13)))
	twice(t, "pending hours", func() error { _, err := w.h.svc.RemindPendingHours(ctx, clock.Now()); return err })
	if n := len(w.inbox(t, zy, models.NoteHoursPending)); n != 1 {
		t.Fatalf("committee reminders: %d", n)
	}
	if n := len(w.inbox(t, eq, models.NoteHoursPending)); n != 0 {
		t.Fatalf("another committee was reminded: %d", n)
	}
	clock.jumpTo(parseSlot(t, slot(7, 13))) // the next day: reminded again
	if _, err := w.h.svc.RemindPendingHours(ctx, clock.Now()); err != nil {
		t.Fatal(err)
	}
	if n := len(w.inbox(t, zy, models.NoteHoursPending)); n != 2 {
		t.Fatalf("reminders after a second day: %d", n)
	}
}

func TestJobWarnInactiveOrganisations(t *testing.T) {
	w, clock := clockWorld(t)
	ctx := context.Background()
	clock.jumpTo(time.Now().Add(179 * 24 * time.Hour))
	if r, err := w.h.svc.WarnInactiveOrganisations(ctx, clock.Now()); err != nil || r.Notified != 0 {
		t.Fatalf("after 179 days: %+v %v", r, err)
	}
	clock.jumpTo(time.Now().Add(181 * 24 * time.Hour))
	twice(t, "inactive organisations", func() error { _, err := w.h.svc.WarnInactiveOrganisations(ctx, clock.Now()); return err })
	for name, tok := range map[string]string{"orgA": w.adminA, "orgB": w.adminB, "charity": w.charityAdminA} {
		if n := len(w.inbox(t, tok, models.NoteOrgInactive)); n != 1 {
			t.Fatalf("%s warnings: %d", name, n)
		}
	}
	if n := len(w.inbox(t, w.volunteer, models.NoteOrgInactive)); n != 0 {
		t.Fatalf("a volunteer was warned: %d", n)
	}
}

func TestJobReconcileFunds(t *testing.T) {
	w, clock := clockWorld(t)
	fund := w.fund(t, w.charityAdminA, fundBody(w.charityA, 100_000, 1000, 50_000, ""))
	w.fund(t, w.charityAdminB, fundBody(w.charityB, 100_000, 1000, 50_000, ""))
	ctx := context.Background()
	if r, err := w.h.svc.ReconcileFunds(ctx, clock.Now()); err != nil || r.Scanned != 2 || r.Changed != 0 {
		t.Fatalf("clean ledgers: %+v %v", r, err)
	}
	// A forged entry (balances that do not follow) written straight to the store.
	if err := w.h.db.Funds().AppendEntry(ctx, &models.LedgerEntry{FundID: fund, Seq: 2, Kind: models.LedgerGrant, AmountFen: 1000,
		FundBalance: models.FundBalance{BalanceFen: 100_000, GrantedFen: 1000}, At: clock.Now(), By: "forger"}); err != nil {
		t.Fatal(err)
	}
	twice(t, "reconcile", func() error { _, err := w.h.svc.ReconcileFunds(ctx, clock.Now()); return err })
	if n := len(w.inbox(t, w.charityAdminA, models.NoteLedger)); n != 1 {
		t.Fatalf("the fund's managers told %d times", n)
	}
	if n := len(w.inbox(t, w.charityAdminB, models.NoteLedger)); n != 0 {
		t.Fatalf("another charity told: %d", n)
	}
}

func TestJobContinuingEducation(t *testing.T) {
	w, clock := clockWorld(t)
	_, swTok := w.supervisor(t, "13100000041")
	ctx := context.Background()
	year := time.Now().In(models.Shanghai()).Year() + 1
	clock.jumpTo(time.Date(year, 6, 1, 10, 0, 0, 0, models.Shanghai()))
	if r, err := w.h.svc.RemindContinuingEducation(ctx, clock.Now()); err != nil || r.Notified != 0 {
		t.Fatalf("in June: %+v %v", r, err)
	}
	clock.jumpTo(time.Date(year, 11, 2, 10, 0, 0, 0, models.Shanghai()))
	twice(t, "continuing education", func() error { _, err := w.h.svc.RemindContinuingEducation(ctx, clock.Now()); return err })
	if n := len(w.inbox(t, swTok, models.NoteCEDue)); n != 1 {
		t.Fatalf("CE reminders: %d", n)
	}
}

// TestNotificationsAreOwn: an account reads and marks only its own notifications.
func TestNotificationsAreOwn(t *testing.T) {
	w, _ := clockWorld(t)
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, "")
	a, aTok := w.volunteerWithProfile(t, "13600300041", zy, "")
	_, bTok := w.volunteerWithProfile(t, "13600300042", zy, "")
	w.invite(t, zy, need, a)
	mine := w.inbox(t, aTok, models.NoteInvitation)
	if len(mine) != 1 {
		t.Fatalf("a's inbox: %v", mine)
	}
	id := mine[0]["id"].(string)
	if r := w.h.do("POST", "/v1/me/notifications/"+urlEscape(id)+"/read", "", bearerHeader(bTok)...); r.Status != 404 {
		t.Fatalf("b marks a's notification: %d %s", r.Status, r.Raw)
	}
	if n := len(w.inbox(t, bTok, models.NoteInvitation)); n != 0 {
		t.Fatalf("b sees a's invitation: %d", n)
	}
	if r := w.h.do("POST", "/v1/me/notifications/"+urlEscape(id)+"/read", "", bearerHeader(aTok)...); r.Status != 204 && r.Status != 200 {
		t.Fatalf("a marks it read: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/me/notifications?unread=true", "", bearerHeader(aTok)...); r.num("unread") != 0 || len(r.items()) != 0 {
		t.Fatalf("after reading: %s", r.Raw)
	}
}

// TestJobResyncMatching: a volunteer written to the store behind the
// service's back (as by another replica whose message was lost) appears in
// matches once the resync job has run.
func TestJobResyncMatching(t *testing.T) {
	w, _ := clockWorld(t)
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, "")
	vid, _ := w.volunteerWithProfile(t, "13600300051", zy, "")
	ctx := context.Background()
	candidates := func() map[string]bool {
		r := w.h.do("GET", "/v1/needs/"+need+"/matches", "", bearerHeader(zy)...)
		if r.Status != 200 {
			t.Fatalf("matches: %d %s", r.Status, r.Raw)
		}
		out := map[string]bool{}
		for _, c := range r.Body["candidates"].([]any) {
			out[c.(map[string]any)["volunteerId"].(string)] = true
		}
		return out
	}
	if !candidates()[vid] {
		t.Fatal("the volunteer is not matched to begin with")
	}
	// A copy of the profile under a new account, saved straight to the store.
	v, err := w.h.db.Volunteers().Volunteer(ctx, vid)
	if err != nil {
		t.Fatal(err)
	}
	ghost := w.h.register("13600300052")
	v.AccountID, v.IDNumber = ghost, ""
	if err := w.h.db.Volunteers().SaveVolunteer(ctx, v); err != nil {
		t.Fatal(err)
	}
	if candidates()[ghost] {
		t.Fatal("the index saw a change it was never told of")
	}
	if err := w.h.svc.Matching().RequestMatchingResync(ctx); err != nil {
		t.Fatal(err)
	}
	if !candidates()[ghost] {
		t.Fatal("after the resync job the volunteer is still missing")
	}
}

// TestExportHasNoticesAndComplaints: the export lists the caller's
// notifications and the complaints they filed, nobody else's.
func TestExportHasNoticesAndComplaints(t *testing.T) {
	w, _ := clockWorld(t)
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, "")
	a, aTok := w.volunteerWithProfile(t, "13600300061", zy, "")
	_, bTok := w.volunteerWithProfile(t, "13600300062", zy, "")
	w.invite(t, zy, need, a)
	body := `{"category":"service_quality","content":"服务人员多次迟到且态度恶劣"}`
	if r := w.h.do("POST", "/v1/organisations/"+w.orgA+"/complaints", body, bearerHeader(aTok)...); r.Status != 201 {
		t.Fatalf("complaint: %d %s", r.Status, r.Raw)
	}
	mine := w.h.do("GET", "/v1/me/export", "", bearerHeader(aTok)...)
	if len(mine.Body["notifications"].([]any)) != 1 || len(mine.Body["complaintsFiled"].([]any)) != 1 {
		t.Fatalf("a's export: %s", mine.Raw)
	}
	theirs := w.h.do("GET", "/v1/me/export", "", bearerHeader(bTok)...)
	if len(theirs.Body["notifications"].([]any)) != 0 || len(theirs.Body["complaintsFiled"].([]any)) != 0 {
		t.Fatalf("b's export shows a's data: %s", theirs.Raw)
	}
}
