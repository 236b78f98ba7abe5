package records_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/records"
	"github.com/wushe/wushe/store/storetest"
)

// clock is the records service's injected time.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

const community = "410102001001"

// world is a records service on real stores, with one need of one
// occurrence (10:00–12:00 Shanghai, 10 June 2030) in which the volunteer
// holds a place; the needs and plans domains answer from it.
type world struct {
	svc       *records.Service
	clock     *clock
	need      *models.Need
	occ       models.Occurrence
	volunteer *core.Actor
	committee *core.Actor
}

func newWorld(t *testing.T) *world {
	t.Helper()
	db, _ := storetest.Open(t)
	ctx := context.Background()
	sh := models.Shanghai()
	start := time.Date(2030, 6, 10, 10, 0, 0, 0, sh)
	n := &models.Need{ID: "need-1", Title: "陪伴老人散步", CommunityCode: community, Domain: "elderly",
		Window: &models.Window{Start: start, End: start.Add(2 * time.Hour)}, Location: models.Point{Lat: 34.7536, Lng: 113.6134}}
	occ := n.Occurrences()[0]
	w := &world{clock: &clock{t: start.Add(-24 * time.Hour)}, need: n, occ: occ,
		volunteer: &core.Actor{AccountID: "vol-1"},
		committee: &core.Actor{AccountID: "cmt-1", Roles: []models.RoleBinding{{Role: models.RoleCommunityAdmin, CommunityCode: community}}}}
	for _, a := range []*models.Account{{ID: "vol-1", Phone: "13800000001", Name: "志愿者"}, {ID: "cmt-1", Phone: "13800000002", Name: "居委会"}} {
		if err := db.Accounts().CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	places := []*models.Assignment{{ID: occ.ID + "#vol-1", NeedID: n.ID, VolunteerID: "vol-1", Window: occ.Window}}
	var mu sync.Mutex
	shared := &core.Shared{Now: w.clock.now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Audit:          func(context.Context, *core.Actor, string, string, string, string) error { return nil },
		LimitExpensive: func(context.Context, *core.Actor, string) error { return nil },
		WithLock: func(_ context.Context, _ string, fn func() error) error {
			mu.Lock()
			defer mu.Unlock()
			return fn()
		}}
	w.svc = records.New(records.Stores{Hours: db.Hours(), ServiceRecords: db.ServiceRecords(), Pathway: db.Pathway(),
		Supervision: db.Supervision(), Transitions: db.Records(), Accounts: db.Accounts(), Volunteers: db.Volunteers(),
		SocialWorkers: db.SocialWorkers(), Organisations: db.Organisations()},
		records.Deps{Shared: shared, CheckinSecret: []byte("a check-in secret of thirty-two bytes"), CheckinRadiusKm: 0.5,
			Need: func(_ context.Context, id string) (*models.Need, error) {
				if id != n.ID {
					return nil, models.ErrNotFound
				}
				return n, nil
			},
			Plan: func(_ context.Context, n *models.Need) (*models.Plan, error) {
				return &models.Plan{NeedID: n.ID, CommunityCode: n.CommunityCode}, nil
			},
			Assignments:      func(context.Context, string) ([]*models.Assignment, error) { return places, nil },
			VolunteerChanged: func(context.Context, string) {}})
	return w
}

func kindOf(t *testing.T, err error, want models.Kind) {
	t.Helper()
	if !core.IsKind(err, want) {
		t.Fatalf("got %v, want an error of kind %v", err, want)
	}
}

// invalidField checks that err refuses exactly field.
func invalidField(t *testing.T, err error, field string) {
	t.Helper()
	kindOf(t, err, models.KindInvalid)
	var p models.Problems
	core.Collect(&p, err)
	if len(p) != 1 || p[0].Field != field {
		t.Fatalf("problems %+v, want one about %s", p, field)
	}
}

// A volunteer reports hours only once the occurrence has ended, and at
// most the window plus an hour; the same report again answers the first
// (retry-safe), a different one is a conflict.
func TestSelfReportWaitsForTheEnd(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.clock.t = w.occ.Window.Start.Add(time.Hour) // under way
	_, err := w.svc.SelfReport(ctx, w.volunteer, w.occ.ID, 2)
	kindOf(t, err, models.KindConflict)

	w.clock.t = w.occ.Window.End.Add(time.Minute)
	_, err = w.svc.SelfReport(ctx, w.volunteer, w.occ.ID, 3.5)
	kindOf(t, err, models.KindInvalid)
	r, err := w.svc.SelfReport(ctx, w.volunteer, w.occ.ID, 1.999)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != models.HoursPending || r.Hours != 2 || r.Source != "self_report" || !r.CreatedAt.Equal(w.clock.t) {
		t.Fatalf("record %+v: want pending, 2 hours, self_report, made now", r)
	}
	if r.ID != records.HoursRecordID(w.occ.ID, "vol-1", 1) {
		t.Fatalf("record id %s is not version 1's", r.ID)
	}
	again, err := w.svc.SelfReport(ctx, w.volunteer, w.occ.ID, 2)
	if err != nil || again.ID != r.ID || !again.CreatedAt.Equal(r.CreatedAt) {
		t.Fatalf("the same report again: %+v %v, want the first", again, err)
	}
	_, err = w.svc.SelfReport(ctx, w.volunteer, w.occ.ID, 1.5)
	kindOf(t, err, models.KindConflict)
}

// The committee verifies a reported record once, naming itself; the
// volunteer never verifies their own; a second decision is refused.
func TestVerifyHoursDecidesOnce(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.clock.t = w.occ.Window.End.Add(time.Hour)
	r, err := w.svc.SelfReport(ctx, w.volunteer, w.occ.ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.svc.VerifyHours(ctx, w.volunteer, r.ID, true, "")
	kindOf(t, err, models.KindForbidden)

	w.clock.t = w.clock.t.Add(time.Hour)
	v, err := w.svc.VerifyHours(ctx, w.committee, r.ID, true, "")
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != models.HoursVerified || v.VerifiedBy != "cmt-1" || v.VerifierName != "居委会" ||
		v.VerifierOrg != "community:"+community || v.VerifiedAt == nil || !v.VerifiedAt.Equal(w.clock.t) {
		t.Fatalf("verified record %+v", v)
	}
	_, err = w.svc.VerifyHours(ctx, w.committee, r.ID, false, "不对")
	kindOf(t, err, models.KindConflict)

	_, trail, err := w.svc.HoursTrail(ctx, w.volunteer, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(trail) != 1 || trail[0].To != string(models.HoursVerified) || !trail[0].At.Equal(w.clock.t) {
		t.Fatalf("trail %+v: want the one verification, at its time", trail)
	}
}

// Check-out before the occurrence starts records nothing (hours only for
// what happened), and check-in far outside the window is refused.
func TestCheckInAndOutFollowTheClock(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.clock.t = w.occ.Window.Start.Add(-3 * time.Hour)
	code, _, err := w.svc.CheckinCode(ctx, w.committee, w.occ.ID)
	if err != nil {
		t.Fatal(err)
	}
	p := records.Presence{OccurrenceID: w.occ.ID, Code: code, At: w.need.Location}
	_, err = w.svc.CheckIn(ctx, w.volunteer, p)
	kindOf(t, err, models.KindConflict) // too early

	w.clock.t = w.occ.Window.Start.Add(-10 * time.Minute) // check-in opens half an hour before
	if p.Code, _, err = w.svc.CheckinCode(ctx, w.committee, w.occ.ID); err != nil {
		t.Fatal(err)
	}
	a, err := w.svc.CheckIn(ctx, w.volunteer, p)
	if err != nil {
		t.Fatal(err)
	}
	if !a.CheckinAt.Equal(w.clock.t) {
		t.Fatalf("checked in at %v, want %v", a.CheckinAt, w.clock.t)
	}
	_, err = w.svc.CheckOut(ctx, w.volunteer, p)
	kindOf(t, err, models.KindConflict) // not started

	w.clock.t = w.occ.Window.Start.Add(90 * time.Minute)
	if p.Code, _, err = w.svc.CheckinCode(ctx, w.committee, w.occ.ID); err != nil {
		t.Fatal(err)
	}
	r, err := w.svc.CheckOut(ctx, w.volunteer, p)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != models.HoursPending || r.Source != "checkin" || r.Hours <= 0 {
		t.Fatalf("record %+v: want pending hours from the check-in", r)
	}
}

// Training and supervision are never dated in the future of the clock.
func TestNoFutureDates(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.clock.t = time.Date(2030, 6, 10, 23, 30, 0, 0, models.Shanghai()) // 15:30 UTC: still the 10th in Shanghai
	in := records.TrainingInput{Course: "老年社会工作", Provider: "郑州市社工协会", Category: records.TrainingCourse, Hours: 6, Date: "2030-06-11"}
	_, err := w.svc.AddTraining(ctx, w.volunteer, in)
	invalidField(t, err, "date")
	in.Date = "2030-06-10"
	r, err := w.svc.AddTraining(ctx, w.volunteer, in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != records.ProofPending || !r.CreatedAt.Equal(w.clock.t) {
		t.Fatalf("training %+v: want pending, made now", r)
	}

	sw := &core.Actor{AccountID: "sw-1", Roles: []models.RoleBinding{{Role: models.RoleSocialWorker, OrganisationID: "org-1"}}}
	_, err = w.svc.LogSession(ctx, sw, records.SessionInput{SuperviseeID: "vol-1", NeedID: w.need.ID, Date: "2030-06-11", Minutes: 60, Topic: "复盘"})
	invalidField(t, err, "date")
}

// The CE compliance year defaults to this year in Shanghai and is at most
// next year (no store is read before the year is settled).
func TestComplianceYearFollowsTheClock(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Date(2030, 12, 31, 17, 0, 0, 0, time.UTC)} // already 2031 in Shanghai
	civil := &core.Actor{AccountID: "ca-1", Roles: []models.RoleBinding{{Role: models.RoleCivilAffairs, DivisionCode: "410102"}}}
	svc := records.New(records.Stores{}, records.Deps{Shared: &core.Shared{Now: c.now,
		LimitExpensive: func(context.Context, *core.Actor, string) error { return nil }},
		OrganisationsIn: func(context.Context, string, core.Page) ([]*models.Organisation, string, error) { return nil, "", nil }})
	_, _, year, err := svc.DivisionCECompliance(ctx, civil, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if year != 2031 {
		t.Fatalf("year %d, want 2031", year)
	}
	_, _, _, err = svc.DivisionCECompliance(ctx, civil, "", 2033)
	invalidField(t, err, "year")
}
