package needs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/needs"
	"github.com/wushe/wushe/store/mongo"
	"github.com/wushe/wushe/store/storetest"
)

const community = "410102001002" // 碧沙岗社区, 林山寨街道, 中原区

// env is the needs domain on real stores (a fresh database each test),
// with a clock the test moves by hand.
type env struct {
	svc       *needs.Service
	db        *mongo.DB
	ctx       context.Context
	now       time.Time
	base      time.Time // the clock's start, on a half-hour: needs' windows are counted from it
	committee *core.Actor
	notified  []*models.Notification
	// stores and deps build more replicas of the domain on the same database.
	stores needs.Stores
	deps   needs.Deps
}

const cacheTTL = 15 * time.Second

func newEnv(t *testing.T) *env {
	t.Helper()
	db, _ := storetest.Open(t)
	t0 := time.Date(2030, 3, 4, 9, 0, 0, 0, time.UTC)
	e := &env{db: db, ctx: context.Background(), now: t0, base: t0,
		committee: &core.Actor{AccountID: "committee-1", Roles: []models.RoleBinding{{Role: models.RoleCommunityAdmin, CommunityCode: community}}}}
	locks := db.Locks()
	withLock := func(ctx context.Context, object string, wait time.Duration, fn func() error) error {
		unlock, err := locks.Lock(ctx, object, 15*time.Second, wait)
		if err != nil {
			return err
		}
		defer unlock()
		return fn()
	}
	sh := &core.Shared{
		Now: func() time.Time { return e.now },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Audit: func(ctx context.Context, actor *core.Actor, action, object, division, reason string) error {
			return db.Records().AppendAudit(ctx, &models.AuditEntry{ID: core.NewID(), At: e.now, ActorID: actor.AccountID,
				Action: action, Object: object, DivisionCode: division, Reason: reason})
		},
		Notify: func(ctx context.Context, n *models.Notification) (bool, error) {
			e.notified = append(e.notified, n)
			return true, nil
		},
		Degraded: func(context.Context, string, error) {},
		WithLock: func(ctx context.Context, object string, fn func() error) error {
			return withLock(ctx, object, 8*time.Second, fn)
		},
		TryLock: func(ctx context.Context, object string, fn func() error) error {
			return withLock(ctx, object, 50*time.Millisecond, fn)
		},
		// Each object here changes from one goroutine: a step taken already is a test failure.
		RecordTransition: func(ctx context.Context, t *models.Transition, _ func(models.Transition) error) error {
			return db.Records().RecordTransition(ctx, t)
		},
	}
	e.stores = needs.Stores{Needs: db.Needs(), Plans: db.Plans(), Invitations: db.Invitations(), Batches: db.Batches(),
		Organisations: db.Organisations(), Volunteers: db.Volunteers(), SocialWorkers: db.SocialWorkers(), Accounts: db.Accounts(),
		Hours: db.Hours(), Transitions: db.Records(), IndexFeed: db.IndexFeed()}
	e.deps = needs.Deps{Shared: sh, Config: needs.Config{NeedCacheTTL: cacheTTL, PublicNeedsCap: 1000}}
	e.svc = needs.New(e.stores, e.deps)
	return e
}

// input is a one-off need of two hours, starting `in` after the clock's start.
func (e *env) input(title string, in time.Duration, draft bool) needs.NeedInput {
	start := e.base.Add(in)
	noCheck := false
	return needs.NeedInput{CommunityCode: community, Title: title, Domain: "community_governance", TargetGroup: "subsistence_allowance_recipients",
		Location: models.Point{Lat: 34.7535, Lng: 113.6133}, RadiusKm: 5, Headcount: 2, BackgroundCheck: &noCheck, Draft: draft,
		Window: &models.Window{Start: start, End: start.Add(2 * time.Hour)}}
}

func kindOf(err error) models.Kind { return models.KindOf(err) }

// The public counts come from a snapshot: a need another replica (or the
// worker) wrote shows once the snapshot is NeedCacheTTL old by the
// service's clock, while this replica's own change shows at once.
func TestPublicCountsFollowTheSnapshotClock(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.PostNeed(e.ctx, e.committee, e.input("社区助老活动一", 48*time.Hour, false)); err != nil {
		t.Fatal(err)
	}
	total := func() int {
		t.Helper()
		return countsTotal(t, e.svc, e.ctx)
	}
	if got := total(); got != 1 {
		t.Fatalf("counts after a local post = %d, want 1", got)
	}
	// Another replica posts a need: written straight to the store.
	other := &models.Need{ID: core.NewID(), CommunityCode: community, Title: "社区助老活动二", Status: models.NeedOpen, CreatedAt: e.now, UpdatedAt: e.now}
	if err := e.db.Needs().CreateNeed(e.ctx, other); err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(cacheTTL - time.Millisecond)
	if got := total(); got != 1 {
		t.Fatalf("counts within the snapshot's age = %d, want 1 (the snapshot)", got)
	}
	e.now = e.now.Add(time.Millisecond)
	if got := total(); got != 2 {
		t.Fatalf("counts once the snapshot is %v old = %d, want 2", cacheTTL, got)
	}
	// A local change drops the snapshot whatever its age.
	if _, err := e.svc.PostNeed(e.ctx, e.committee, e.input("社区助老活动三", 48*time.Hour, false)); err != nil {
		t.Fatal(err)
	}
	if got := total(); got != 3 {
		t.Fatalf("counts after a second local post = %d, want 3", got)
	}
}

// A draft is published only while its time is still ahead by the
// service's clock; publishing records who moved it, and when.
func TestPublishingADraftChecksItsTimeAndRecordsTheMove(t *testing.T) {
	e := newEnv(t)
	late, err := e.svc.PostNeed(e.ctx, e.committee, e.input("下周社区清洁", 48*time.Hour, true))
	if err != nil {
		t.Fatal(err)
	}
	timely, err := e.svc.PostNeed(e.ctx, e.committee, e.input("下月社区清洁", 30*24*time.Hour, true))
	if err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(49 * time.Hour) // the first draft's window has begun
	open := core.StatusChange{To: string(models.NeedOpen)}
	if _, err := e.svc.ChangeNeedStatus(e.ctx, e.committee, late.ID, open); kindOf(err) != models.KindInvalid {
		t.Fatalf("publishing a draft whose time has passed: %v, want invalid", err)
	}
	if ts, err := e.svc.NeedHistory(e.ctx, e.committee, late.ID); err != nil || len(ts) != 0 {
		t.Fatalf("history of the refused draft = %v, %v; want none", ts, err)
	}
	n, err := e.svc.ChangeNeedStatus(e.ctx, e.committee, timely.ID, open)
	if err != nil || n.Status != models.NeedOpen {
		t.Fatalf("publishing a timely draft: %v, %v", n, err)
	}
	ts, err := e.svc.NeedHistory(e.ctx, e.committee, timely.ID)
	if err != nil || len(ts) != 1 {
		t.Fatalf("history = %v, %v; want one move", ts, err)
	}
	if tr := ts[0]; tr.From != string(models.NeedDraft) || tr.To != string(models.NeedOpen) || tr.By != e.committee.AccountID || !tr.At.Equal(e.now) {
		t.Fatalf("recorded move %+v, want draft → open by the committee at %v", tr, e.now)
	}
	// Someone else's committee neither publishes nor sees another's need as theirs.
	stranger := &core.Actor{AccountID: "committee-2", Roles: []models.RoleBinding{{Role: models.RoleCommunityAdmin, CommunityCode: "410102001001"}}}
	if _, err := e.svc.ChangeNeedStatus(e.ctx, stranger, timely.ID, core.StatusChange{To: string(models.NeedCancelled)}); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("another committee cancelling: %v, want forbidden", err)
	}
}

// An invitation closes 48 hours after it is sent or 2 hours before the
// occurrence starts, whichever is sooner, by the service's clock: too
// close to the start nobody is invited, and an answer after the close is
// refused and records the expiry.
func TestInvitationsCloseByTheClock(t *testing.T) {
	e := newEnv(t)
	var grid models.WeekGrid
	for i := range grid {
		grid[i] = ^uint64(0)
	}
	v := &models.Volunteer{AccountID: "volunteer-1", RealName: "张三", RealNameVerified: true, Availability: grid,
		Home: &models.Point{Lat: 34.7540, Lng: 113.6140}, MaxDistanceKm: 10, CommunityCode: community, CreatedAt: e.now, UpdatedAt: e.now}
	if err := e.db.Volunteers().SaveVolunteer(e.ctx, v); err != nil {
		t.Fatal(err)
	}
	m := e.svc.Matching()
	invite := func(in time.Duration) (*models.Invitation, error) {
		t.Helper()
		n, err := e.svc.PostNeed(e.ctx, e.committee, e.input("社区活动 "+in.String(), in, false))
		if err != nil {
			t.Fatal(err)
		}
		out, err := m.Invite(e.ctx, e.committee, n.ID, needs.InvitationRequest{VolunteerIDs: []string{v.AccountID}})
		if err != nil {
			return nil, err // the one invitee refused: the request is
		}
		if len(out) != 1 {
			t.Fatalf("invite: %v", out)
		}
		return out[0].Invitation, out[0].Err
	}
	if _, err := invite(90 * time.Minute); kindOf(err) != models.KindConflict {
		t.Fatalf("inviting 90 minutes before the start: %v, want a conflict", err)
	}
	inv, err := invite(72 * time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if want := e.now.Add(48 * time.Hour); !inv.ExpiresAt.Equal(want) {
		t.Fatalf("expires at %v, want %v (48 hours after sending)", inv.ExpiresAt, want)
	}
	if len(e.notified) != 1 || e.notified[0].AccountID != v.AccountID {
		t.Fatalf("notified %v, want the volunteer once", e.notified)
	}
	e.now = inv.ExpiresAt
	me := &core.Actor{AccountID: v.AccountID}
	if _, err := m.AcceptInvitation(e.ctx, me, inv.ID); kindOf(err) != models.KindConflict {
		t.Fatalf("accepting at the close: %v, want a conflict", err)
	}
	got, err := e.db.Invitations().Invitation(e.ctx, inv.ID)
	if err != nil || got.Status != models.InvitationExpired {
		t.Fatalf("after a late answer the invitation is %v, %v; want expired", got, err)
	}
}
