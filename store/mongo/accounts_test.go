package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/store/storetest"
)

func newAccount(id, phone string) *models.Account {
	now := time.Now().UTC().Truncate(time.Millisecond)
	return &models.Account{ID: id, Phone: phone, Name: "测试", PasswordHash: "x", Status: models.AccountActive,
		Roles: []models.RoleBinding{{Role: models.RoleVolunteer}}, CreatedAt: now, UpdatedAt: now}
}

// TestPhoneClaimRace: hundreds of concurrent registrations of one phone
// give exactly one account (a unique insert decides).
func TestPhoneClaimRace(t *testing.T) {
	db, _ := storetest.Open(t)
	accts := db.Accounts()
	ctx := context.Background()
	var ok, conflict atomic.Int32
	var wg sync.WaitGroup
	for i := range 300 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := accts.CreateAccount(ctx, newAccount(fmt.Sprintf("acct-%d", i), "13600000001"))
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, models.ErrConflict):
				conflict.Add(1)
			default:
				t.Errorf("create: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || conflict.Load() != 299 {
		t.Fatalf("%d created, %d conflicts; want 1 and 299", ok.Load(), conflict.Load())
	}
	a, err := accts.AccountByPhone(ctx, "13600000001")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := accts.AccountByID(ctx, a.ID); err != nil {
		t.Fatalf("the winner's account: %v", err)
	}
}

func TestAccountRoundTripAndErrors(t *testing.T) {
	db, _ := storetest.Open(t)
	accts := db.Accounts()
	ctx := context.Background()
	a := newAccount("a1", "13600000002")
	if err := accts.CreateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := accts.AccountByPhone(ctx, "13600000002")
	if err != nil || got.ID != "a1" || got.Name != "测试" || !got.CreatedAt.Equal(a.CreatedAt) || len(got.Roles) != 1 {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	roles := append(got.Roles, models.RoleBinding{Role: models.RoleCommunityAdmin, CommunityCode: "410102001002"})
	if err := accts.SetRoles(ctx, "a1", roles, time.Now()); err != nil {
		t.Fatal(err)
	}
	got, _ = accts.AccountByID(ctx, "a1")
	if len(got.Roles) != 2 || got.Roles[1].CommunityCode != "410102001002" {
		t.Fatalf("roles: %+v", got.Roles)
	}
	if _, err := accts.AccountByID(ctx, "nobody"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("missing account: %v", err)
	}
	if _, err := accts.AccountByPhone(ctx, "13600000099"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("missing phone: %v", err)
	}
	if err := accts.SetRoles(ctx, "nobody", nil, time.Now()); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("set roles of nobody: %v", err)
	}
	// A duplicate account id (not phone) is a conflict and gives the phone back.
	if err := accts.CreateAccount(ctx, newAccount("a1", "13600000003")); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("duplicate id: %v", err)
	}
	if _, err := accts.AccountByPhone(ctx, "13600000003"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("phone kept after a failed insert: %v", err)
	}
}

func TestSessionsClaimOnce(t *testing.T) {
	db, _ := storetest.Open(t)
	s := db.Sessions()
	ctx := context.Background()
	if err := s.CreateFamily(ctx, &models.LoginFamily{ID: "f1", AccountID: "a1", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	var ok atomic.Int32
	var wg sync.WaitGroup
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.ClaimRefreshToken(ctx, "h1", time.Now()); err == nil {
				ok.Add(1)
			} else if !errors.Is(err, models.ErrConflict) {
				t.Errorf("claim: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d claims succeeded, want 1", ok.Load())
	}
	if err := s.RevokeFamily(ctx, "f1", "logout", time.Now()); err != nil {
		t.Fatal(err)
	}
	first, _ := s.Family(ctx, "f1")
	if err := s.RevokeFamily(ctx, "f1", "reuse", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	again, _ := s.Family(ctx, "f1")
	if !again.Revoked() || again.RevokeReason != "logout" || !again.RevokedAt.Equal(*first.RevokedAt) {
		t.Errorf("second revocation changed the first: %+v", again)
	}
}

// TestOrphanedPhoneClaim: a writer that died between the phone claim and
// the account insert does not keep the phone from registering for ever.
func TestOrphanedPhoneClaim(t *testing.T) {
	db, _ := storetest.Open(t)
	accts := db.Accounts()
	ctx := context.Background()
	phones := db.Database().Collection("phones")
	claim := func(phone, account string, at time.Time) {
		t.Helper()
		if _, err := phones.InsertOne(ctx, map[string]any{"_id": phone, "accountId": account, "createdAt": at, "claimedAt": at}); err != nil {
			t.Fatal(err)
		}
	}
	// The same account's own earlier attempt is rolled forward.
	claim("13700000001", "acc-own", time.Now())
	if err := accts.CreateAccount(ctx, newAccount("acc-own", "13700000001")); err != nil {
		t.Fatalf("rolling forward its own claim: %v", err)
	}
	if a, err := accts.AccountByPhone(ctx, "13700000001"); err != nil || a.ID != "acc-own" {
		t.Fatalf("by phone: %v %v", a, err)
	}
	// Another's fresh claim may be an insert in flight: a conflict.
	claim("13700000002", "acc-dead", time.Now())
	if err := accts.CreateAccount(ctx, newAccount("acc-new", "13700000002")); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("a fresh claim of another: %v", err)
	}
	// An old claim without its account is given back.
	claim("13700000003", "acc-dead", time.Now().Add(-time.Hour))
	if err := accts.CreateAccount(ctx, newAccount("acc-new", "13700000003")); err != nil {
		t.Fatalf("an orphaned claim: %v", err)
	}
	if a, err := accts.AccountByPhone(ctx, "13700000003"); err != nil || a.ID != "acc-new" {
		t.Fatalf("by phone after the orphan: %v %v", a, err)
	}
	// A claim with its account is a registered phone, however old.
	if err := accts.CreateAccount(ctx, newAccount("acc-third", "13700000003")); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("a registered phone: %v", err)
	}
}
