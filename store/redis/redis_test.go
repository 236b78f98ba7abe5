package redis_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wushe/wushe/store/storetest"
)

func TestDenylist(t *testing.T) {
	_, rc := storetest.Open(t)
	ctx := context.Background()
	if d, err := rc.AnyDenied(ctx, "jti:a", "fam:b"); err != nil || d {
		t.Fatalf("empty list: %v %v", d, err)
	}
	if err := rc.Deny(ctx, "fam:b", time.Minute); err != nil {
		t.Fatal(err)
	}
	if d, _ := rc.AnyDenied(ctx, "jti:a", "fam:b"); !d {
		t.Error("denied family not found")
	}
}

func TestHitCountsAttemptsInAWindow(t *testing.T) {
	_, rc := storetest.Open(t)
	ctx := context.Background()
	var allowed atomic.Int32
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, _, err := rc.Hit(ctx, "k", 10, time.Minute)
			if err != nil {
				t.Error(err)
			}
			if ok {
				allowed.Add(1)
			}
		}()
	}
	wg.Wait()
	if allowed.Load() != 10 {
		t.Fatalf("%d of 100 concurrent attempts allowed, want 10", allowed.Load())
	}
	ok, retry, _ := rc.Hit(ctx, "k", 10, time.Minute)
	if ok || retry <= 0 || retry > time.Minute {
		t.Errorf("over the limit: ok=%v retry=%v", ok, retry)
	}
}

func TestLockIsExclusive(t *testing.T) {
	_, rc := storetest.Open(t)
	ctx := context.Background()
	var inside, maxInside atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			unlock, err := rc.Lock(lctx, "acct", 5*time.Second)
			if err != nil {
				t.Error(err)
				return
			}
			n := inside.Add(1)
			for {
				m := maxInside.Load()
				if n <= m || maxInside.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(time.Millisecond)
			inside.Add(-1)
			unlock()
		}()
	}
	wg.Wait()
	if maxInside.Load() != 1 {
		t.Fatalf("%d holders at once", maxInside.Load())
	}
}
