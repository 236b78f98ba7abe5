package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Faults of the service's own processes: an API replica killed under load,
// a worker killed; and the check that every job ran exactly once.

// replicaFault sends reads and writes to both replicas from several
// clients, kills replica B with SIGKILL in the middle and starts it again:
// A must answer everything, B everything but while it is down, and every
// acknowledged write must be read back.
func (c *checker) replicaFault(ctx context.Context, w *world) error {
	keep, victim := c.replicas[0], c.replicas[1]
	const clients = 2
	var mu sync.Mutex
	var probes []probe
	var trainings []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	today := time.Now().In(shanghai).Format("2006-01-02")
	for _, rep := range c.replicas {
		for g := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					case <-ctx.Done():
						return
					default:
					}
					p := probe{rep: rep, start: time.Now()}
					var r *resp
					var err error
					if i%2 == 0 {
						p.what = "GET /v1/needs/{id}"
						r, err = c.call(ctx, rep, "GET", "/v1/needs/"+w.need1, w.committee, nil, 10*time.Second)
					} else {
						p.what = "POST /v1/me/training"
						r, err = c.call(ctx, rep, "POST", "/v1/me/training", w.worker, map[string]any{
							"course": fmt.Sprintf("prodcheck load %s-%d-%d", rep.name, g, i), "provider": "郑州市社会工作协会",
							"category": "course", "hours": 0.5, "date": today}, 10*time.Second)
					}
					p.end, p.err = time.Now(), err
					if r != nil {
						p.status = r.Status
						if p.what == "POST /v1/me/training" && r.Status == 201 {
							mu.Lock()
							trainings = append(trainings, r.str("id"))
							mu.Unlock()
						}
					}
					mu.Lock()
					probes = append(probes, p)
					mu.Unlock()
					pause := 50 * time.Millisecond
					if err != nil {
						pause = 100 * time.Millisecond
					}
					sleep(ctx, pause)
				}
			}()
		}
	}
	sleep(ctx, 2*time.Second)
	killAt := time.Now()
	if err := victim.proc.kill(); err != nil {
		close(stop)
		wg.Wait()
		return err
	}
	c.logf("   replica %s killed with SIGKILL under load", victim.name)
	sleep(ctx, time.Second)
	startErr := victim.proc.start(ctx)
	readyAt := time.Now()
	if startErr == nil {
		c.logf("   replica %s started again (pid %d), ready in %.0f ms", victim.name, victim.proc.pid(), ms(readyAt.Sub(killAt)-time.Second))
		sleep(ctx, 2*time.Second)
	}
	close(stop)
	wg.Wait()
	if startErr != nil {
		return startErr
	}

	tally := func(rep *replica, keepFn func(probe) bool) (ok int, bad []string) {
		for _, p := range probes {
			if p.rep != rep || !keepFn(p) {
				continue
			}
			if p.err == nil && p.status >= 200 && p.status < 300 {
				ok++
			} else if p.err != nil {
				bad = append(bad, fmt.Sprintf("%s: %v", p.what, p.err))
			} else {
				bad = append(bad, fmt.Sprintf("%s: %d", p.what, p.status))
			}
		}
		return ok, bad
	}
	all := func(probe) bool { return true }
	okKeep, badKeep := tally(keep, all)
	c.note("replica %s kill: replica %s answered %d of %d requests meanwhile", victim.name, keep.name, okKeep, okKeep+len(badKeep))
	if len(badKeep) > 0 {
		c.fail("replica %s failed %d requests while %s was killed and restarted: %s", keep.name, len(badKeep), victim.name, strings.Join(firstN(badKeep, 5), "; "))
	}
	okBefore, badBefore := tally(victim, func(p probe) bool { return p.end.Before(killAt) })
	okAfter, badAfter := tally(victim, func(p probe) bool { return p.start.After(readyAt) })
	_, down := tally(victim, func(p probe) bool { return !p.end.Before(killAt) && !p.start.After(readyAt) })
	c.note("replica %s: %d ok before the kill, %d refused or cut while down (%.1f s until ready again), %d ok after", victim.name,
		okBefore, len(down), readyAt.Sub(killAt).Seconds(), okAfter)
	if len(badBefore)+len(badAfter) > 0 {
		c.fail("replica %s failed requests outside its downtime: %s", victim.name, strings.Join(firstN(append(badBefore, badAfter...), 5), "; "))
	}
	if okAfter == 0 {
		c.fail("replica %s answered nothing after its restart", victim.name)
	}
	ids := append([]string(nil), trainings...)
	c.note("%d training records written under load and acknowledged", len(ids))
	c.wrote(fmt.Sprintf("%d training records written under load", len(ids)), func(ctx context.Context, rep *replica) error {
		return c.allListed(ctx, rep, w.worker, "/v1/me/training", ids)
	})
	c.checkRevoked(ctx, "after the replica restart")
	c.readBack(ctx, "after the replica restart")
	return nil
}

// allListed pages through a list and requires every id in it.
func (c *checker) allListed(ctx context.Context, rep *replica, token, path string, ids []string) error {
	seen := map[string]bool{}
	cursor := ""
	for range 1000 {
		q := path + "?limit=100"
		if cursor != "" {
			q += "&cursor=" + cursor
		}
		r, err := c.call(ctx, rep, "GET", q, token, nil, 10*time.Second)
		if err != nil {
			return err
		}
		if r.Status != 200 {
			return fmt.Errorf("GET %s: %s", q, r.short())
		}
		for _, it := range r.list("items") {
			seen[fmt.Sprint(it["id"])] = true
		}
		if cursor = r.str("nextCursor"); cursor == "" {
			break
		}
	}
	var missing []string
	for _, id := range ids {
		if !seen[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%d of %d missing from %s, e.g. %s", len(missing), len(ids), path, strings.Join(firstN(missing, 3), ", "))
	}
	return nil
}

// checkJobs reads the workers' logs: each firing of a job must have run
// once across the two workers. A firing due around the Redis fault may
// have run twice, since the Redis that remembered its task id was replaced
// by an empty one; and one that the killed worker finished just before its
// SIGKILL may run again once its lease expires, if the kill came before
// its acknowledgement reached asynq. Those are reported, not failed (the
// jobs are idempotent).
func (c *checker) checkJobs() {
	runs, err := jobRuns(c.workers[:])
	if err != nil {
		c.fail("reading the workers' logs: %v", err)
		return
	}
	type firing struct {
		job    string
		fireAt time.Time
	}
	done := map[firing][]jobRun{}
	perWorker := map[string]int{}
	failed := 0
	for _, r := range runs {
		if r.failed() {
			failed++
			continue
		}
		f := firing{r.Job, r.FireAt}
		done[f] = append(done[f], r)
		perWorker[r.worker]++
	}
	margin := 10 * time.Second
	// The killed worker's run ended just before the kill.
	cutShort := func(rs []jobRun) bool {
		return slices.ContainsFunc(rs, func(r jobRun) bool {
			return r.worker == c.workerVictim && !r.Time.After(c.workerKilledAt) && r.Time.After(c.workerKilledAt.Add(-2*time.Second))
		})
	}
	var dup, excused []string
	for f, rs := range done {
		if len(rs) < 2 {
			continue
		}
		ws := make([]string, len(rs))
		for i, r := range rs {
			ws[i] = r.worker
		}
		d := fmt.Sprintf("%s@%s ran %d times (%s)", f.job, f.fireAt.Format("15:04:05"), len(rs), strings.Join(ws, ", "))
		switch {
		case !c.redisKilledAt.IsZero() && f.fireAt.After(c.redisKilledAt.Add(-margin)) && f.fireAt.Before(c.redisBackAt.Add(margin)):
			excused = append(excused, d+": around the Redis restart, its task id was lost with Redis")
		case c.workerVictim != "" && cutShort(rs):
			excused = append(excused, d+": "+c.workerVictim+" finished it just before its SIGKILL")
		default:
			dup = append(dup, d)
		}
	}
	sort.Strings(dup)
	sort.Strings(excused)
	c.note("workers: %d firings run %s, %d failed runs retried (store outages)", len(done), fmtCounts(perWorker), failed)
	if len(excused) > 0 {
		c.note("firings run twice, allowed: %s", strings.Join(excused, "; "))
	}
	if len(dup) > 0 {
		c.fail("firings run more than once across the workers: %s", strings.Join(firstN(dup, 5), "; "))
	}
	if perWorker[c.workers[0].name] == 0 && perWorker[c.workers[1].name] == 0 {
		c.fail("no job ran in any worker")
	}
}

func containsLine(text, prefix string) bool {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}
