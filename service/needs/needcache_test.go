package needs_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/needs"
	"github.com/wushe/wushe/store/storetest"
)

// countingNeeds counts the full reads of the published needs.
type countingNeeds struct {
	needs.NeedStore
	full atomic.Int64
}

func (c *countingNeeds) NeedsWithStatus(ctx context.Context, st []models.NeedStatus, division string, limit int) ([]*models.Need, error) {
	c.full.Add(1)
	return c.NeedStore.NeedsWithStatus(ctx, st, division, limit)
}

func countsTotal(t *testing.T, svc *needs.Service, ctx context.Context) int {
	t.Helper()
	counts, err := svc.NeedCounts(ctx, "410102")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range counts {
		n += c.Total
	}
	return n
}

// TestLocalChangesPatchTheSnapshot: a change made on this replica is in
// the next answer without a new read of every need; reading again starts
// in the background once the snapshot is half its bound old, and a
// request waits for it only past the bound.
func TestLocalChangesPatchTheSnapshot(t *testing.T) {
	e := newEnv(t)
	counting := &countingNeeds{NeedStore: e.stores.Needs}
	st := e.stores
	st.Needs = counting
	svc := needs.New(st, e.deps)
	if got := countsTotal(t, svc, e.ctx); got != 0 {
		t.Fatalf("before any need: %d", got)
	}
	var posted []*models.Need
	for i := range 5 {
		n, err := svc.PostNeed(e.ctx, e.committee, e.input(fmt.Sprintf("社区活动%d", i), 48*time.Hour, false))
		if err != nil {
			t.Fatal(err)
		}
		posted = append(posted, n)
	}
	draft, err := svc.PostNeed(e.ctx, e.committee, e.input("社区活动草稿", 48*time.Hour, true))
	if err != nil {
		t.Fatal(err)
	}
	if got := countsTotal(t, svc, e.ctx); got != 5 {
		t.Fatalf("after five posts and a draft: %d", got)
	}
	if _, err := svc.ChangeNeedStatus(e.ctx, e.committee, draft.ID, core.StatusChange{To: string(models.NeedOpen)}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ChangeNeedStatus(e.ctx, e.committee, posted[0].ID, core.StatusChange{To: string(models.NeedCancelled), Reason: "天气原因 weather"}); err != nil {
		t.Fatal(err)
	}
	counts, _ := svc.NeedCounts(e.ctx, "410102")
	byStatus := map[string]int{}
	for _, c := range counts {
		for k, v := range c.ByStatus {
			byStatus[k] += v
		}
	}
	if byStatus["open"] != 5 || byStatus["cancelled"] != 1 {
		t.Fatalf("after publishing the draft and cancelling one: %v", byStatus)
	}
	if got := counting.full.Load(); got != 1 {
		t.Fatalf("full reads = %d, want 1 (changes patch the snapshot)", got)
	}
	// Half the bound: the answer comes at once, a read starts behind it.
	e.now = e.now.Add(cacheTTL / 2)
	if got := countsTotal(t, svc, e.ctx); got != 6 {
		t.Fatalf("at half the bound: %d", got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for counting.full.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("no read started at half the bound")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestOtherReplicasApplyNotices: two replicas of the domain on the same
// stores and a real Redis bus; what one changes, the other shows after the
// notice (milliseconds), long before its snapshot's bound.
func TestOtherReplicasApplyNotices(t *testing.T) {
	e := newEnv(t)
	_, rc := storetest.Open(t)
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	st := e.stores
	st.Bus = rc
	here, there := needs.New(st, e.deps), needs.New(st, e.deps)
	if err := there.FollowNeeds(ctx); err != nil {
		t.Fatal(err)
	}
	if got := countsTotal(t, there, ctx); got != 0 {
		t.Fatalf("before: %d", got)
	}
	n, err := here.PostNeed(ctx, e.committee, e.input("社区助老", 48*time.Hour, false))
	if err != nil {
		t.Fatal(err)
	}
	waitTotal := func(want int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second) // the clock the bound is counted on does not move
		for countsTotal(t, there, ctx) != want {
			if time.Now().After(deadline) {
				t.Fatalf("the other replica never showed %d needs", want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitTotal(1)
	if _, err := here.ChangeNeedStatus(ctx, e.committee, n.ID, core.StatusChange{To: string(models.NeedCancelled), Reason: "场地取消 venue cancelled"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		counts, _ := there.NeedCounts(ctx, "410102")
		cancelled := 0
		for _, c := range counts {
			cancelled += c.ByStatus["cancelled"]
		}
		if cancelled == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the other replica never showed the cancellation: %+v", counts)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSnapshotUnderConcurrentChanges: 200 goroutines post needs and read
// the counts at once, while full reads run behind them; in the end the
// snapshot holds every posted need exactly once.
func TestSnapshotUnderConcurrentChanges(t *testing.T) {
	e := newEnv(t)
	var nowMu sync.Mutex
	now := e.now
	deps := e.deps
	sh := *deps.Shared
	sh.Now = func() time.Time { nowMu.Lock(); defer nowMu.Unlock(); return now }
	deps.Shared = &sh
	svc := needs.New(e.stores, deps)
	var wg sync.WaitGroup
	var posted atomic.Int64
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				if _, err := svc.PostNeed(e.ctx, e.committee, e.input(fmt.Sprintf("并发活动%d", i), 48*time.Hour, false)); err != nil {
					t.Error(err)
					return
				}
				posted.Add(1)
				return
			}
			if i%10 == 1 { // push the snapshot past half its bound: reads start behind the writes
				nowMu.Lock()
				now = now.Add(cacheTTL / 4)
				nowMu.Unlock()
			}
			if _, err := svc.NeedCounts(e.ctx, "410102"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := countsTotal(t, svc, e.ctx); got != int(posted.Load()) {
		t.Fatalf("counts %d, posted %d", got, posted.Load())
	}
}
