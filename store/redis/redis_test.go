package redis_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/accounts"
	"github.com/wushe/wushe/store/redis"
	"github.com/wushe/wushe/store/storetest"
)

func TestTokenGates(t *testing.T) {
	_, rc := storetest.Open(t)
	ctx := context.Background()
	if a, f, err := rc.Gates(ctx, "acct", "fam"); err != nil || a != nil || f != nil {
		t.Fatalf("empty cache: %v %v %v", a, f, err)
	}
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 123e6, time.UTC)
	if err := rc.FillAccount(ctx, "acct", accounts.AccountGate{Active: true}); err != nil {
		t.Fatal(err)
	}
	if err := rc.FillFamily(ctx, "fam", accounts.FamilyGate{AccountID: "acct", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	a, f, err := rc.Gates(ctx, "acct", "fam")
	if err != nil || a == nil || f == nil || !a.Active || !a.NotBefore.IsZero() || f.AccountID != "acct" || !f.CreatedAt.Equal(t0) || f.Revoked {
		t.Fatalf("filled: %+v %+v %v", a, f, err)
	}
	// A change replaces the entry; a later fill (a reader that read MongoDB
	// before the change) does not overwrite it.
	if err := rc.SetFamily(ctx, "fam", accounts.FamilyGate{AccountID: "acct", CreatedAt: t0, Revoked: true}); err != nil {
		t.Fatal(err)
	}
	roles := []models.RoleBinding{{Role: models.RoleVolunteer}, {Role: models.RoleOrgAdmin, OrganisationID: "org|1"}}
	if err := rc.SetAccount(ctx, "acct", accounts.AccountGate{NotBefore: t0.Add(time.Hour), Active: false, Roles: roles}); err != nil {
		t.Fatal(err)
	}
	_ = rc.FillFamily(ctx, "fam", accounts.FamilyGate{AccountID: "acct", CreatedAt: t0})
	_ = rc.FillAccount(ctx, "acct", accounts.AccountGate{Active: true})
	a, f, _ = rc.Gates(ctx, "acct", "fam")
	if a == nil || a.Active || !a.NotBefore.Equal(t0.Add(time.Hour)) || f == nil || !f.Revoked {
		t.Fatalf("after changes: %+v %+v", a, f)
	}
	if !reflect.DeepEqual(a.Roles, roles) {
		t.Fatalf("roles %+v, want %+v", a.Roles, roles)
	}
	// An unreadable entry is a miss, never a pass; so is an account entry
	// in the format before roles were cached (it would authorise nothing,
	// not what the account holds).
	for key, v := range map[string]string{"gate:f:bad": "garbage", "gate:a:bad": "garbage", "gate:a:old": "0|1", "gate:a:badroles": "0|1|{"} {
		if err := rc.Redis().Set(ctx, rc.Prefix()+key, v, time.Minute).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if _, f, _ := rc.Gates(ctx, "acct", "bad"); f != nil {
		t.Fatalf("garbage read as %+v", f)
	}
	for _, id := range []string{"bad", "old", "badroles"} {
		if a, _, _ := rc.Gates(ctx, id, "fam"); a != nil {
			t.Errorf("account gate %q read as %+v", id, a)
		}
	}
	if ttl := rc.Redis().PTTL(ctx, rc.Prefix()+"gate:a:acct").Val(); ttl <= 0 || ttl > redis.GateTTL {
		t.Errorf("gate TTL %v, want (0, %v]", ttl, redis.GateTTL)
	}
}

func TestHitCountsAttemptsInAWindow(t *testing.T) {
	_, rc := storetest.Open(t)
	ctx := context.Background()
	var allowed, failed atomic.Int32
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, _, err := rc.Hit(ctx, "k", 10, time.Minute)
			switch {
			case errors.Is(err, context.DeadlineExceeded):
				// A rate limit is optional: past its short deadline (a
				// machine loaded enough) the call fails open, and the
				// attempt may or may not have been counted.
				failed.Add(1)
			case err != nil:
				t.Error(err)
			case ok:
				allowed.Add(1)
			}
		}()
	}
	wg.Wait()
	// Never more than the limit; exactly the limit when every call answered.
	if n := allowed.Load(); n > 10 || failed.Load() == 0 && n != 10 || n+failed.Load() < 10 {
		t.Fatalf("%d of 100 concurrent attempts allowed (%d timed out), want 10", n, failed.Load())
	}
	ok, retry, _ := rc.Hit(ctx, "k", 10, time.Minute)
	if ok || retry <= 0 || retry > time.Minute {
		t.Errorf("over the limit: ok=%v retry=%v", ok, retry)
	}
}
