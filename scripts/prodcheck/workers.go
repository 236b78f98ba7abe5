package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wushe/wushe/jobs"
)

// workerWatch is how far past the kill the firings are followed: two
// firings of remind_shifts (every 3 s), one or two of expire_invitations
// (every 5 s).
const workerWatch = 6 * time.Second

// workerFault kills one worker with SIGKILL while the other keeps running:
// each firing of the scheduled jobs due in the next workerWatch must run
// once, by the surviving worker. Then the killed worker is started again
// and must become healthy (/healthz) and start its scheduler and server.
func (c *checker) workerFault(ctx context.Context, _ *world) error {
	all, err := jobs.Override(jobs.Schedule(), jobSchedule)
	if err != nil {
		return err
	}
	var watched []jobs.Job
	for _, j := range all {
		if strings.Contains(jobSchedule, j.Name+"=") {
			watched = append(watched, j)
		}
	}
	runs, err := jobRuns(c.workers[:])
	if err != nil {
		return err
	}
	// The victim is the worker that ran the latest firing: it is busy.
	victim, keep := c.workers[0], c.workers[1]
	if len(runs) > 0 {
		last := slices.MaxFunc(runs, func(a, b jobRun) int { return a.Time.Compare(b.Time) })
		if last.worker == c.workers[1].name {
			victim, keep = c.workers[1], c.workers[0]
		}
	}
	c.workerKilledAt = time.Now()
	killAt := c.workerKilledAt
	if err := victim.kill(); err != nil {
		return err
	}
	c.workerVictim = victim.name
	c.logf("   %s killed with SIGKILL; %s keeps running", victim.name, keep.name)

	type firing struct {
		job string
		at  time.Time
	}
	var due []firing
	for _, j := range watched {
		spec, err := jobs.ParseSpec(j.Spec)
		if err != nil {
			return err
		}
		for t := spec.Next(killAt); !t.After(killAt.Add(workerWatch)); t = spec.Next(t) {
			due = append(due, firing{j.Name, t.UTC()}) // as the logs have it
		}
	}
	slices.SortFunc(due, func(a, b firing) int { return a.at.Compare(b.at) })
	if len(due) == 0 {
		return fmt.Errorf("no firing of %v due in the %s after the kill", jobSchedule, workerWatch)
	}
	// Each due firing: run (job done) once, by the surviving worker.
	deadline := due[len(due)-1].at.Add(10 * time.Second)
	byFiring := map[firing][]jobRun{}
	for {
		runs, err := jobRuns(c.workers[:])
		if err != nil {
			return err
		}
		clear(byFiring)
		for _, r := range runs {
			if !r.failed() {
				f := firing{r.Job, r.FireAt}
				byFiring[f] = append(byFiring[f], r)
			}
		}
		missing := 0
		for _, f := range due {
			if len(byFiring[f]) == 0 {
				missing++
			}
		}
		if missing == 0 || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		sleep(ctx, 200*time.Millisecond)
	}
	var done []string
	for _, f := range due {
		rs := byFiring[f]
		switch {
		case len(rs) == 0:
			c.fail("%s@%s, due %.1f s after %s was killed, did not run within %.0f s", f.job, f.at.Format("15:04:05"),
				f.at.Sub(killAt).Seconds(), victim.name, deadline.Sub(f.at).Seconds())
		case len(rs) > 1:
			c.fail("%s@%s ran %d times", f.job, f.at.Format("15:04:05"), len(rs))
		case rs[0].worker != keep.name:
			c.fail("%s@%s ran on %s, which was killed", f.job, f.at.Format("15:04:05"), rs[0].worker)
		default:
			done = append(done, fmt.Sprintf("%s@%s %.1f s after its time", f.job, f.at.Format("15:04:05"), rs[0].Time.Sub(f.at).Seconds()))
		}
	}
	c.note("%s killed: the %d firings due in the next %.0f s ran once each on %s: %s", victim.name, len(due), workerWatch.Seconds(),
		keep.name, strings.Join(done, ", "))

	restartAt := time.Now()
	if err := victim.start(ctx); err != nil {
		return err
	}
	// Healthy: /healthz answered (start waits for it); the log says the
	// scheduler and the task server run again.
	lines, err := readLog(victim.logPath)
	if err != nil {
		return err
	}
	started := slices.ContainsFunc(lines, func(l logLine) bool {
		return l.Msg == "worker started" && !l.Time.Before(restartAt.Add(-time.Second))
	})
	if !started {
		c.fail("%s answers /healthz after its restart but its log has no \"worker started\" since", victim.name)
	}
	c.note("%s started again (pid %d): healthy %.0f ms later", victim.name, victim.pid(), ms(time.Since(restartAt)))
	return nil
}
