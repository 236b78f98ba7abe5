package parties_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/parties"
	"github.com/wushe/wushe/store/mongo"
	"github.com/wushe/wushe/store/storetest"
)

const (
	county    = "410102"       // 中原区
	bishagang = "410102001002" // 碧沙岗社区, in 中原区
)

// env is the parties service on real stores, with the clock at a fixed
// time the test may move.
type env struct {
	db      *mongo.DB
	now     time.Time
	changed []string // the volunteers the matching index was told of
}

func newEnv(t *testing.T, now time.Time) (*env, *parties.Service) {
	t.Helper()
	db, _ := storetest.Open(t)
	e := &env{db: db, now: now}
	return e, e.service()
}

// service builds the parties service on e's stores and clock.
func (e *env) service() *parties.Service {
	records, locks := e.db.Records(), e.db.Locks()
	shared := &core.Shared{
		Now: func() time.Time { return e.now },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Audit: func(ctx context.Context, actor *core.Actor, action, object, division, reason string) error {
			return records.AppendAudit(ctx, &models.AuditEntry{ID: core.NewID(), At: e.now, ActorID: actor.AccountID,
				Action: action, Object: object, DivisionCode: division, Reason: reason})
		},
		WithLock: func(ctx context.Context, object string, fn func() error) error {
			unlock, err := locks.Lock(ctx, object, 15*time.Second, 8*time.Second)
			if err != nil {
				return err
			}
			defer unlock()
			return fn()
		},
		RecordTransition: func(ctx context.Context, t *models.Transition, _ func(models.Transition) error) error {
			return records.RecordTransition(ctx, t)
		},
	}
	return parties.New(parties.Stores{Organisations: e.db.Organisations(), Stations: e.db.Stations(),
		Complaints: e.db.Complaints(), Volunteers: e.db.Volunteers(), SocialWorkers: e.db.SocialWorkers(),
		Accounts: e.db.Accounts(), Transitions: records},
		parties.Deps{Shared: shared,
			VolunteerChanged: func(_ context.Context, id string) { e.changed = append(e.changed, id) },
			Reliability: func(context.Context, string) (models.Reliability, error) {
				return models.Reliability{}, nil
			}})
}

func civilAffairs(id, division string) *core.Actor {
	return &core.Actor{AccountID: id, Roles: []models.RoleBinding{{Role: models.RoleCivilAffairs, DivisionCode: division}}}
}

func creditCode(t *testing.T, serial int) string {
	t.Helper()
	first := "52410102MJ000000" + string(rune('0'+serial))
	c, err := models.CreditCodeCheckChar(first)
	if err != nil {
		t.Fatal(err)
	}
	return first + string(c)
}

func wantKind(t *testing.T, err error, k models.Kind) {
	t.Helper()
	if !core.IsKind(err, k) {
		t.Fatalf("got %v, want a %v error", err, k)
	}
}

// An organisation moves through its status machine only as civil affairs
// of its division moves it, an exit needs a reason, and each step is kept
// in its trail at the time it was taken.
func TestOrganisationStatusMachine(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	e, s := newEnv(t, at)
	ctx := context.Background()
	gov := civilAffairs("ca-zhongyuan", county)
	o, err := s.CreateOrganisation(ctx, gov, parties.OrganisationInput{Name: "中原区测试社会工作服务中心", Kind: "social_work_agency",
		CreditCode: creditCode(t, 1), DivisionCode: county, Domains: []string{"social_welfare"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != models.OrgIncubating || !o.CreatedAt.Equal(at) {
		t.Fatalf("new organisation %s created %v, want incubating at %v", o.Status, o.CreatedAt, at)
	}

	_, err = s.ChangeOrganisationStatus(ctx, civilAffairs("ca-erqi", "410103"), o.ID, core.StatusChange{To: "active"})
	wantKind(t, err, models.KindForbidden)
	_, err = s.ChangeOrganisationStatus(ctx, gov, o.ID, core.StatusChange{To: "demonstration"})
	wantKind(t, err, models.KindInvalid)

	e.now = at.Add(24 * time.Hour)
	if o, err = s.ChangeOrganisationStatus(ctx, gov, o.ID, core.StatusChange{To: "active"}); err != nil {
		t.Fatal(err)
	}
	if o.Status != models.OrgActive || !o.UpdatedAt.Equal(e.now) {
		t.Fatalf("after activation: %s updated %v, want active at %v", o.Status, o.UpdatedAt, e.now)
	}
	_, err = s.ChangeOrganisationStatus(ctx, gov, o.ID, core.StatusChange{To: "exited"})
	wantKind(t, err, models.KindInvalid)
	e.now = at.Add(48 * time.Hour)
	if o, err = s.ChangeOrganisationStatus(ctx, gov, o.ID, core.StatusChange{To: "exited", Reason: "low_service_level"}); err != nil {
		t.Fatal(err)
	}
	if o.ExitReason != "low_service_level" {
		t.Errorf("exit reason %q", o.ExitReason)
	}

	trail, err := s.OrganisationHistory(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(trail) != 2 || trail[0].To != "active" || !trail[0].At.Equal(at.Add(24*time.Hour)) ||
		trail[1].To != "exited" || !trail[1].At.Equal(at.Add(48*time.Hour)) || trail[1].Reason != "low_service_level" {
		t.Fatalf("trail %+v", trail)
	}
}

// A complaint is seen by whoever filed it and civil affairs of the
// organisation's division; to the organisation's own admin it does not exist.
func TestComplaintHiddenFromTheOrganisation(t *testing.T) {
	_, s := newEnv(t, time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC))
	ctx := context.Background()
	gov := civilAffairs("ca-zhongyuan", county)
	o, err := s.CreateOrganisation(ctx, gov, parties.OrganisationInput{Name: "中原区测试社会工作服务中心", Kind: "social_work_agency",
		CreditCode: creditCode(t, 2), DivisionCode: county, Domains: []string{"social_welfare"}}, models.OrgActive)
	if err != nil {
		t.Fatal(err)
	}
	filer := &core.Actor{AccountID: "resident-1", Roles: []models.RoleBinding{{Role: models.RoleVolunteer}}}
	c, err := s.FileComplaint(ctx, filer, o.ID, "service_quality", "社工多次未按约定时间上门服务，老人一直在等。")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Complaint(ctx, filer, c.ID); err != nil {
		t.Fatalf("the filer: %v", err)
	}
	if _, _, err := s.Complaint(ctx, gov, c.ID); err != nil {
		t.Fatalf("civil affairs: %v", err)
	}
	admin := &core.Actor{AccountID: "admin-1", Roles: []models.RoleBinding{{Role: models.RoleOrgAdmin, OrganisationID: o.ID}}}
	_, _, err = s.Complaint(ctx, admin, c.ID)
	wantKind(t, err, models.KindNotFound)
}

// Whether a volunteer is a minor is decided on the service's clock, from
// the birth date the ID number encodes; changing the real name withdraws
// the committee's verification; each change reaches the matching index.
func TestVolunteerProfileOnTheClock(t *testing.T) {
	// Born 2008-06-05: 17 on 2026-06-04, 18 the day after (Asia/Shanghai noon).
	const first17 = "41010220080605123"
	id := first17 + string(models.IDCheckChar(first17))
	e, s := newEnv(t, time.Date(2026, 6, 4, 4, 0, 0, 0, time.UTC))
	ctx := context.Background()
	me := &core.Actor{AccountID: "vol-1", Roles: []models.RoleBinding{{Role: models.RoleVolunteer}}}
	v, err := s.SaveMyVolunteerProfile(ctx, me, parties.VolunteerInput{RealName: "李小明", IDNumber: id, CommunityCode: bishagang})
	if err != nil {
		t.Fatal(err)
	}
	if v.BirthDate != "2008-06-05" || !v.Minor {
		t.Fatalf("birth date %q, minor %v: want 2008-06-05, a minor on 2026-06-04", v.BirthDate, v.Minor)
	}
	if v.IDNumber != "" || v.IDNumberMasked == "" {
		t.Fatalf("the ID number left the service unmasked: %q / %q", v.IDNumber, v.IDNumberMasked)
	}

	committee := &core.Actor{AccountID: "committee-1", Roles: []models.RoleBinding{{Role: models.RoleCommunityAdmin, CommunityCode: bishagang}}}
	elsewhere := &core.Actor{AccountID: "committee-2", Roles: []models.RoleBinding{{Role: models.RoleCommunityAdmin, CommunityCode: "410103001001"}}}
	_, err = s.VerifyVolunteer(ctx, elsewhere, me.AccountID, parties.Verification{Verified: true})
	wantKind(t, err, models.KindNotFound)
	e.now = time.Date(2026, 6, 5, 4, 0, 0, 0, time.UTC)
	if v, err = s.VerifyVolunteer(ctx, committee, me.AccountID, parties.Verification{Verified: true}); err != nil {
		t.Fatal(err)
	}
	if !v.RealNameVerified || v.VerifiedBy != committee.AccountID || v.VerifiedAt == nil || !v.VerifiedAt.Equal(e.now) || v.Minor {
		t.Fatalf("after verification on 2026-06-05: verified %v by %q at %v, minor %v", v.RealNameVerified, v.VerifiedBy, v.VerifiedAt, v.Minor)
	}

	if v, err = s.SaveMyVolunteerProfile(ctx, me, parties.VolunteerInput{RealName: "李晓明", CommunityCode: bishagang}); err != nil {
		t.Fatal(err)
	}
	if v.RealNameVerified || v.VerifiedBy != "" {
		t.Fatalf("a new real name kept the verification: %+v", v.Volunteer)
	}
	if len(e.changed) != 3 {
		t.Fatalf("the matching index heard of %v, want three changes", e.changed)
	}
}

// A background check's certificate cannot be dated after today, today
// being the service's clock.
func TestBackgroundCheckDatedByTheClock(t *testing.T) {
	const first17 = "41010219900307123"
	id := first17 + string(models.IDCheckChar(first17))
	_, s := newEnv(t, time.Date(2026, 6, 4, 4, 0, 0, 0, time.UTC))
	ctx := context.Background()
	me := &core.Actor{AccountID: "vol-2", Roles: []models.RoleBinding{{Role: models.RoleVolunteer}}}
	if _, err := s.SaveMyVolunteerProfile(ctx, me, parties.VolunteerInput{RealName: "张三", IDNumber: id, CommunityCode: bishagang}); err != nil {
		t.Fatal(err)
	}
	committee := &core.Actor{AccountID: "committee-1", Roles: []models.RoleBinding{{Role: models.RoleCommunityAdmin, CommunityCode: bishagang}}}
	_, err := s.RecordBackgroundCheck(ctx, committee, me.AccountID, parties.BackgroundCheckInput{Result: models.BackgroundPassed,
		CheckedOn: "2026-06-05", ExpiresOn: "2027-06-05"})
	wantKind(t, err, models.KindInvalid)
	v, err := s.RecordBackgroundCheck(ctx, committee, me.AccountID, parties.BackgroundCheckInput{Result: models.BackgroundPassed,
		CheckedOn: "2026-06-04", ExpiresOn: "2027-06-04", Reference: " 豫公证 123 "})
	if err != nil {
		t.Fatal(err)
	}
	b := v.BackgroundCheck
	if b == nil || b.RecordedBy != committee.AccountID || b.RecordedAt == nil || !b.RecordedAt.Equal(time.Date(2026, 6, 4, 4, 0, 0, 0, time.UTC)) ||
		b.Reference != "豫公证 123" {
		t.Fatalf("recorded %+v", b)
	}
}
