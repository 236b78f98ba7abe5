package roles_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/accounts"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/roles"
	"github.com/wushe/wushe/store/mongo"
	"github.com/wushe/wushe/store/storetest"
)

const (
	county    = "410102"       // 中原区
	other     = "410103"       // 二七区
	huaihe    = "410103001001" // 淮河社区, in 二七区
	personTel = "13100000021"
)

// env is the roles service on real stores (FerretDB and Redis), with the
// accounts domain it calls and a clock the test moves.
type env struct {
	db       *mongo.DB
	now      time.Time
	accounts *accounts.Service
	roles    *roles.Service
	notices  []*models.Notification
	ctx      context.Context
}

func newEnv(t *testing.T, now time.Time) *env {
	t.Helper()
	db, rc := storetest.Open(t)
	e := &env{db: db, now: now, ctx: context.Background()}
	records, locks := db.Records(), db.Locks()
	withLock := func(ctx context.Context, object string, fn func() error) error {
		unlock, err := locks.Lock(ctx, object, 15*time.Second, 8*time.Second)
		if err != nil {
			return err
		}
		defer unlock()
		return fn()
	}
	shared := &core.Shared{
		Now: func() time.Time { return e.now },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Audit: func(ctx context.Context, actor *core.Actor, action, object, division, reason string) error {
			return records.AppendAudit(ctx, &models.AuditEntry{ID: core.NewID(), At: e.now, ActorID: actor.AccountID,
				Action: action, Object: object, DivisionCode: division, Reason: reason})
		},
		Notify: func(_ context.Context, n *models.Notification) (bool, error) {
			e.notices = append(e.notices, n)
			return true, nil
		},
		Degraded: func(ctx context.Context, part string, err error) { t.Errorf("%s degraded: %v", part, err) },
		WithLock: withLock, TryLock: withLock,
	}
	var err error
	e.accounts, err = accounts.New(accounts.Config{JWTSecret: []byte("roles-test-secret-roles-test-secret-roles"),
		Password: accounts.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}},
		accounts.Stores{Accounts: db.Accounts(), Sessions: db.Sessions(), AccountChanges: db.Accounts(),
			Logins: db.Sessions(), Codes: rc, TokenGates: rc, PersonalData: db.PersonalData(), Limiter: rc},
		accounts.Deps{Shared: shared, TooMany: func(time.Duration) *models.Error { return models.ErrRateLimited }})
	if err != nil {
		t.Fatal(err)
	}
	e.roles = roles.New(roles.Stores{RoleOffers: db.RoleOffers(), Accounts: db.Accounts(), Organisations: db.Organisations(),
		AccountChanges: db.Accounts(), Volunteers: db.Volunteers()},
		roles.Deps{Shared: shared, AddRole: e.accounts.AddRole, CreateAccount: e.accounts.CreateAccount,
			ChangedAccount: e.accounts.ChangedAccount})
	return e
}

// organisation stores an active social-work agency of division.
func (e *env) organisation(t *testing.T, division string) *models.Organisation {
	t.Helper()
	first := "52" + division + "MJ000000" + string(rune('0'+len(division)%10))
	c, err := models.CreditCodeCheckChar(first)
	if err != nil {
		t.Fatal(err)
	}
	o := &models.Organisation{ID: core.NewID(), Name: "测试社会工作服务中心", Kind: "social_work_agency", CreditCode: first + string(c),
		Domains: []string{"social_welfare"}, DivisionCode: division, Status: models.OrgActive, CreatedAt: e.now, UpdatedAt: e.now}
	if err := e.db.Organisations().CreateOrganisation(e.ctx, o); err != nil {
		t.Fatal(err)
	}
	return o
}

// account registers phone holding bindings.
func (e *env) account(t *testing.T, phone string, bindings ...models.RoleBinding) *models.Account {
	t.Helper()
	a, err := e.accounts.CreateAccount(e.ctx, phone, "", "测试用户", bindings)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (e *env) holds(t *testing.T, accountID string, b models.RoleBinding) bool {
	t.Helper()
	a, err := e.db.Accounts().AccountByID(e.ctx, accountID)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range a.Roles {
		if h.Key() == b.Key() {
			return true
		}
	}
	return false
}

func actor(a *models.Account) *core.Actor { return &core.Actor{AccountID: a.ID, Roles: a.Roles} }

func civilAffairs(id, division string) *core.Actor {
	return &core.Actor{AccountID: id, Roles: []models.RoleBinding{{Role: models.RoleCivilAffairs, DivisionCode: division}}}
}

func wantKind(t *testing.T, err error, k models.Kind) {
	t.Helper()
	if !core.IsKind(err, k) {
		t.Fatalf("got %v, want a %v error", err, k)
	}
}

// An organisation's admin only offers a role; the offer is pending until
// its expiry by the service's clock, expired from then on, and can no
// longer be accepted: the person's account stays as it was.
func TestOfferExpiresByTheClock(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	e := newEnv(t, at)
	o := e.organisation(t, county)
	admin := e.account(t, "13100000020", models.RoleBinding{Role: models.RoleOrgAdmin, OrganisationID: o.ID})
	person := e.account(t, personTel)

	m, off, err := e.roles.AddMember(e.ctx, actor(admin), o.ID, personTel, models.RoleSocialWorker)
	if err != nil {
		t.Fatal(err)
	}
	if m != nil || off == nil {
		t.Fatalf("an admin's AddMember gave member %v, offer %v: want an offer only", m, off)
	}
	if off.Status != models.RoleOfferPending || !off.ExpiresAt.Equal(at.Add(models.RoleOfferTTL)) || off.AccountID != "" {
		t.Fatalf("offer %+v: want pending until %v, no account id shown", off, at.Add(models.RoleOfferTTL))
	}
	if len(e.notices) != 1 || e.notices[0].AccountID != person.ID {
		t.Fatalf("notices %+v: want one to the person", e.notices)
	}

	e.now = at.Add(models.RoleOfferTTL - time.Minute)
	if got, err := e.roles.MyRoleOffer(e.ctx, actor(person), off.ID); err != nil || got.Status != models.RoleOfferPending {
		t.Fatalf("a minute before expiry: %v, %v; want pending", got, err)
	}
	e.now = at.Add(models.RoleOfferTTL + time.Minute)
	if got, err := e.roles.MyRoleOffer(e.ctx, actor(person), off.ID); err != nil || got.Status != models.RoleOfferExpired {
		t.Fatalf("a minute after expiry: %v, %v; want expired", got, err)
	}
	_, err = e.roles.AcceptRoleOffer(e.ctx, actor(person), off.ID)
	wantKind(t, err, models.KindConflict)
	_, err = e.roles.DeclineRoleOffer(e.ctx, actor(person), off.ID)
	wantKind(t, err, models.KindConflict)
	if e.holds(t, person.ID, models.RoleBinding{Role: models.RoleSocialWorker, OrganisationID: o.ID}) {
		t.Fatal("an expired offer gave its role")
	}
}

// Only the person an offer is made to answers it: to anyone else,
// whoever made it included, it does not exist. The person's accept binds
// the role and enters the member roll, once.
func TestOnlyThePersonAnswersTheirOffer(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	e := newEnv(t, at)
	o := e.organisation(t, county)
	admin := e.account(t, "13100000020", models.RoleBinding{Role: models.RoleOrgAdmin, OrganisationID: o.ID})
	person := e.account(t, personTel)
	stranger := e.account(t, "13100000022")

	_, off, err := e.roles.AddMember(e.ctx, actor(admin), o.ID, personTel, models.RoleSocialWorker)
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []*models.Account{stranger, admin} {
		_, err := e.roles.MyRoleOffer(e.ctx, actor(who), off.ID)
		wantKind(t, err, models.KindNotFound)
		_, err = e.roles.AcceptRoleOffer(e.ctx, actor(who), off.ID)
		wantKind(t, err, models.KindNotFound)
		_, err = e.roles.DeclineRoleOffer(e.ctx, actor(who), off.ID)
		wantKind(t, err, models.KindNotFound)
	}
	if list, _, err := e.roles.MyRoleOffers(e.ctx, actor(stranger), core.Page{}); err != nil || len(list) != 0 {
		t.Fatalf("the stranger's offers: %v, %v; want none", list, err)
	}

	e.now = at.Add(time.Hour)
	got, err := e.roles.AcceptRoleOffer(e.ctx, actor(person), off.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != models.RoleOfferAccepted || got.AnsweredAt == nil || !got.AnsweredAt.Equal(e.now) {
		t.Fatalf("accepted offer %+v: want accepted at %v", got, e.now)
	}
	if _, err := e.roles.AcceptRoleOffer(e.ctx, actor(person), off.ID); err != nil {
		t.Fatalf("accepting again: %v", err)
	}
	_, err = e.roles.DeclineRoleOffer(e.ctx, actor(person), off.ID)
	wantKind(t, err, models.KindConflict)
	if !e.holds(t, person.ID, models.RoleBinding{Role: models.RoleSocialWorker, OrganisationID: o.ID}) {
		t.Fatal("the accepted offer did not bind the role")
	}
	members, _, err := e.roles.Members(e.ctx, actor(admin), o.ID, core.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 1 || members[0].AccountID != person.ID || !members[0].AddedAt.Equal(e.now) {
		t.Fatalf("members %+v: want the person once, added at %v", members, e.now)
	}
}

// Civil affairs grants and binds only inside its division: a binding
// outside it is refused, and a person who holds a scope outside it is
// offered the role instead of bound; a person under no one's division is
// bound at once.
func TestCivilAffairsBindsOnlyWithinItsDivision(t *testing.T) {
	e := newEnv(t, time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC))
	o := e.organisation(t, county)
	b := models.RoleBinding{Role: models.RoleSocialWorker, OrganisationID: o.ID}
	gov, elsewhere := civilAffairs("ca-zhongyuan", county), civilAffairs("ca-erqi", other)

	_, _, _, err := e.roles.GrantRole(e.ctx, elsewhere, accounts.Grant{Phone: "13100000030", Password: "correct-horse-42",
		Name: "新社工", Binding: b})
	wantKind(t, err, models.KindForbidden)
	_, _, _, err = e.roles.GrantRole(e.ctx, &core.Actor{AccountID: "nobody"}, accounts.Grant{Phone: "13100000030",
		Password: "correct-horse-42", Name: "新社工", Binding: b})
	wantKind(t, err, models.KindForbidden)

	a, created, off, err := e.roles.GrantRole(e.ctx, gov, accounts.Grant{Phone: "13100000030", Password: "correct-horse-42",
		Name: "新社工", Binding: b})
	if err != nil {
		t.Fatal(err)
	}
	if !created || off != nil || !e.holds(t, a.ID, b) {
		t.Fatalf("granting to a new phone: created %v, offer %v; want a new account holding the binding", created, off)
	}

	// A committee member of 二七区 is under another division: offered only.
	committee := e.account(t, "13100000031", models.RoleBinding{Role: models.RoleCommunityAdmin, CommunityCode: huaihe})
	a, created, off, err = e.roles.GrantRole(e.ctx, gov, accounts.Grant{Phone: "13100000031", Binding: b})
	if err != nil {
		t.Fatal(err)
	}
	if a != nil || created || off == nil || e.holds(t, committee.ID, b) {
		t.Fatalf("granting to a person of another division: account %v, offer %v; want an offer and no binding", a, off)
	}
	m, off, err := e.roles.AddMember(e.ctx, gov, o.ID, "13100000031", models.RoleSocialWorker)
	if err != nil || m != nil || off == nil {
		t.Fatalf("adding a person of another division: member %v, offer %v, %v; want an offer", m, off, err)
	}

	// A person holding no scope is bound at once, audited.
	free := e.account(t, "13100000032")
	m, off, err = e.roles.AddMember(e.ctx, gov, o.ID, "13100000032", models.RoleSocialWorker)
	if err != nil {
		t.Fatal(err)
	}
	if m == nil || off != nil || m.AccountID != free.ID || !e.holds(t, free.ID, b) {
		t.Fatalf("adding a person under no division: member %v, offer %v; want a member bound at once", m, off)
	}
}
