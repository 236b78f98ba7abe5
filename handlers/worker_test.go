package handlers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/wushe/wushe/jobs"
	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/store/redis"
)

// redisOf captures the harness's Redis client.
func redisOf(rc **redis.Client) harnessOpt {
	return func(s *harnessSetup) { *rc = s.stores.Limiter.(*redis.Client) }
}

func newWorker(t *testing.T, svc *service.Service, rc *redis.Client, queue string, now func() time.Time, onRun func(string, time.Time, error)) *jobs.Worker {
	t.Helper()
	w, err := jobs.New(svc, jobs.Config{Redis: jobs.RedisOpt(rc.Redis().Options()), Queue: queue, Concurrency: 3,
		TickEvery: time.Hour, // only the test's explicit ticks enqueue
		Now:       now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), OnRun: onRun})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestTwoWorkersFireEachJobOnce: two workers (schedulers and servers) over
// one queue, both ticking through the same quarter hour: every firing of
// every job runs exactly once.
func TestTwoWorkersFireEachJobOnce(t *testing.T) {
	var rc *redis.Client
	clock := &testClock{}
	w := newWorld(t, redisOf(&rc), func(s *harnessSetup) { s.svc.Now = clock.Now })
	queue := "test-" + rc.Prefix()
	var mu sync.Mutex
	runs := map[string]int{}
	onRun := func(job string, fireAt time.Time, err error) {
		mu.Lock()
		defer mu.Unlock()
		runs[jobs.TaskID(job, fireAt)]++
		if err != nil {
			t.Errorf("%s at %s: %v", job, fireAt, err)
		}
	}
	ctx := context.Background()
	a := newWorker(t, w.h.svc, rc, queue, clock.Now, onRun)
	b := newWorker(t, w.h.svc, rc, queue, clock.Now, onRun)
	for _, x := range []*jobs.Worker{a, b} {
		if err := x.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(x.Shutdown)
	}
	// (00:00, 00:15] Beijing time: */5 jobs fire at :05 :10 :15, the */10 ones at :10,
	// */15 at :15, the daily snapshot at 00:10.
	from := time.Date(2026, 12, 1, 0, 0, 0, 0, models.Shanghai())
	to := from.Add(15 * time.Minute)
	want := map[string]int{"expire_invitations": 3, "remind_shifts": 3, "advance_competitions": 3, "expire_needs": 1, "rebuild_leaderboards": 1,
		"mark_no_shows": 1, "resync_matching": 1, "dashboard_snapshot": 1}
	total := 0
	for _, n := range want {
		total += n
	}
	var wg sync.WaitGroup
	enq := make([]int, 2)
	for i, x := range []*jobs.Worker{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := x.Tick(ctx, from, to)
			if err != nil {
				t.Error(err)
			}
			enq[i] = n
		}()
	}
	wg.Wait()
	if enq[0]+enq[1] != total {
		t.Fatalf("enqueued %d + %d, want %d firings in all", enq[0], enq[1], total)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		mu.Lock()
		n := len(runs)
		mu.Unlock()
		if n >= total || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // a duplicate, if any, would run now
	mu.Lock()
	defer mu.Unlock()
	perJob := map[string]int{}
	for id, n := range runs {
		if n != 1 {
			t.Errorf("%s ran %d times", id, n)
		}
		for job := range want {
			if len(id) > len(job) && id[:len(job)+1] == job+"@" {
				perJob[job]++
			}
		}
	}
	if fmt.Sprint(perJob) != fmt.Sprint(want) {
		t.Fatalf("firings per job %v, want %v", perJob, want)
	}
	// Ticking the same span again enqueues nothing: the firings are remembered.
	if n, err := a.Tick(ctx, from, to); err != nil || n != 0 {
		t.Fatalf("second tick enqueued %d (%v)", n, err)
	}
}

// TestTaskDeliveredTwice: the expiry task delivered twice (a worker died
// mid-task; asynq redelivered it), even at once, expires the invitation,
// notifies and re-invites once.
func TestTaskDeliveredTwice(t *testing.T) {
	var rc *redis.Client
	clock := &testClock{}
	w := newWorld(t, redisOf(&rc), func(s *harnessSetup) { s.svc.Now = clock.Now; s.svc.Accounts.AccessTokenTTL = 30 * 24 * time.Hour })
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, `,"headcount":1`)
	a, aTok := w.volunteerWithProfile(t, "13600400001", zy, "")
	_, bTok := w.volunteerWithProfile(t, "13600400002", zy, "")
	w.invite(t, zy, need, a)
	clock.jumpTo(time.Now().Add(49 * time.Hour))
	worker := newWorker(t, w.h.svc, rc, "test-"+rc.Prefix(), clock.Now, nil)
	task := jobs.NewTask("expire_invitations", clock.Now().Truncate(5*time.Minute))
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := worker.Handle(ctx, task); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if err := worker.Handle(ctx, task); err != nil {
		t.Fatal(err)
	}
	invs := w.h.do("GET", "/v1/needs/"+need+"/invitations", "", bearerHeader(zy)...)
	counts := map[string]int{}
	for _, it := range invs.items() {
		counts[it["status"].(string)]++
	}
	if counts["expired"] != 1 || counts["pending"] != 1 || len(invs.items()) != 2 {
		t.Fatalf("invitations after a double delivery: %v", counts)
	}
	if n := len(w.inbox(t, aTok, models.NoteInvitationExpiry)); n != 1 {
		t.Fatalf("expiry notices: %d", n)
	}
	if n := len(w.inbox(t, bTok, models.NoteInvitation)); n != 1 {
		t.Fatalf("re-invitations: %d", n)
	}
}
