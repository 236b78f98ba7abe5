package mongo_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/store/mongo"
	"github.com/wushe/wushe/store/storetest"
)

// holders counts how many goroutines are inside a critical section at once.
type holders struct{ inside, max atomic.Int32 }

func (h *holders) enter() {
	n := h.inside.Add(1)
	for {
		m := h.max.Load()
		if n <= m || h.max.CompareAndSwap(m, n) {
			return
		}
	}
}

func (h *holders) leave() { h.inside.Add(-1) }

// TestLocksAreExclusiveAcrossProcesses: 200 goroutines spread over two
// connections (two processes' lock services) take one key; never two
// inside at once, and every one gets its turn.
func TestLocksAreExclusiveAcrossProcesses(t *testing.T) {
	db, _ := storetest.Open(t)
	services := []*mongo.Locks{db.Locks(), storetest.Another(t, db).Locks()}
	var h holders
	var got atomic.Int32
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			unlock, err := services[i%2].Lock(ctx, "need:1", 15*time.Second, time.Minute)
			if err != nil {
				t.Error(err)
				return
			}
			h.enter()
			got.Add(1)
			time.Sleep(200 * time.Microsecond)
			h.leave()
			unlock()
		}()
	}
	wg.Wait()
	if h.max.Load() != 1 || got.Load() != 200 {
		t.Fatalf("%d holders at once, %d of 200 got the lock", h.max.Load(), got.Load())
	}
	if n, _ := db.Database().Collection("locks").CountDocuments(context.Background(), bson.D{}); n != 0 {
		t.Errorf("%d lock documents left after every holder unlocked", n)
	}
}

// TestLapsedLockIsTakenOverOnce: a holder that died leaves its lock; it
// lapses after its ttl, and of 100 contenders over two processes exactly
// one holds it at a time.
func TestLapsedLockIsTakenOverOnce(t *testing.T) {
	db, _ := storetest.Open(t)
	ctx := context.Background()
	// A third process takes the lock and dies without unlocking (its
	// connection closes, so its lease is not renewed).
	dead := storetest.Another(t, db)
	if _, err := dead.Locks().Lock(ctx, "plan:9", 300*time.Millisecond, time.Second); err != nil {
		t.Fatal(err)
	}
	_ = dead.Close(ctx)
	services := []*mongo.Locks{db.Locks(), storetest.Another(t, db).Locks()}
	var h holders
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lctx, cancel := context.WithTimeout(ctx, 60*time.Second)
			defer cancel()
			unlock, err := services[i%2].Lock(lctx, "plan:9", 15*time.Second, time.Minute)
			if err != nil {
				t.Error(err)
				return
			}
			h.enter()
			time.Sleep(100 * time.Microsecond)
			h.leave()
			unlock()
		}()
	}
	wg.Wait()
	if h.max.Load() != 1 {
		t.Fatalf("%d holders at once after a takeover", h.max.Load())
	}
}

// TestLockWaitIsBounded: a waiter gives up after its wait with
// service.ErrLockWait (or when its context ends, with the context's error)
// and leaves nothing behind; the holder's unlock works even after the
// holder's own context ended.
func TestLockWaitIsBounded(t *testing.T) {
	db, _ := storetest.Open(t)
	hctx, hcancel := context.WithCancel(context.Background())
	unlock, err := db.Locks().Lock(hctx, "application:1", 15*time.Second, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	other := storetest.Another(t, db).Locks()
	for _, l := range []*mongo.Locks{db.Locks(), other} { // queued in this process, and polling from another
		_, err := l.Lock(context.Background(), "application:1", 15*time.Second, 150*time.Millisecond)
		if !errors.Is(err, service.ErrLockWait) {
			t.Fatalf("waiter: %v, want ErrLockWait", err)
		}
		wctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		_, err = l.Lock(wctx, "application:1", 15*time.Second, time.Minute)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("waiter: %v, want a deadline error", err)
		}
	}
	hcancel()
	unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	unlock2, err := other.Lock(ctx, "application:1", 15*time.Second, time.Second)
	if err != nil {
		t.Fatalf("after the holder unlocked: %v", err)
	}
	unlock2()
}

// TestSlowHolderKeepsItsLock: a holder that takes longer than its ttl
// keeps the lock while its process is alive (the process's heartbeat),
// and a waiter of another process waits as long as it takes when given
// the time.
func TestSlowHolderKeepsItsLock(t *testing.T) {
	db, _ := storetest.Open(t)
	ctx := context.Background()
	unlock, err := db.Locks().Lock(ctx, "organisation:7", 300*time.Millisecond, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	other := storetest.Another(t, db).Locks()
	got := make(chan time.Time, 1)
	go func() {
		u, err := other.Lock(ctx, "organisation:7", 300*time.Millisecond, 5*time.Second)
		if err != nil {
			t.Error(err)
			close(got)
			return
		}
		got <- time.Now()
		u()
	}()
	time.Sleep(3500 * time.Millisecond) // longer than the ttl and than the least lapse (three heartbeats)
	released := time.Now()
	unlock()
	if at, ok := <-got; ok && at.Before(released) {
		t.Fatal("the waiter took the lock while its slow holder still had it")
	}
}
