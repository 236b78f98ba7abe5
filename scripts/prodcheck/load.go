package main

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// op is one kind of request of a load: what it is, how its answer is
// judged (kind: "read" and "write" need MongoDB, "revoked" uses a
// logged-out session, "sms" a verification code, which lives in Redis),
// and how to send it (n numbers the requests of the whole load).
type op struct {
	what, kind string
	send       func(ctx context.Context, rep *replica, n int) (*resp, error)
}

// load is clients per replica sending ops in turn until finish.
type load struct {
	mu     sync.Mutex
	probes []probe
	stop   chan struct{}
	wg     sync.WaitGroup
}

// startLoad starts clients per replica, each sending the ops in turn with
// pause between requests; every request is given up after timeout (long
// enough that a held request is measured, not cut).
func (c *checker) startLoad(ctx context.Context, clients int, ops []op, timeout, pause time.Duration) *load {
	l := &load{stop: make(chan struct{})}
	var n atomic.Int64
	for _, rep := range c.replicas {
		for g := range clients {
			l.wg.Add(1)
			go func() {
				defer l.wg.Done()
				for i := g; ; i += clients {
					select {
					case <-l.stop:
						return
					case <-ctx.Done():
						return
					default:
					}
					q := ops[i%len(ops)]
					p := probe{rep: rep, what: q.what, kind: q.kind, start: time.Now()}
					rctx, cancel := context.WithTimeout(ctx, timeout)
					r, err := q.send(rctx, rep, int(n.Add(1)))
					cancel()
					p.end, p.err = time.Now(), err
					if r != nil {
						p.status, p.retryAfter = r.Status, r.Header.Get("Retry-After")
						p.problem = strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json")
						if p.ok() {
							p.id = r.str("id")
						}
					}
					l.mu.Lock()
					l.probes = append(l.probes, p)
					l.mu.Unlock()
					select {
					case <-l.stop:
					case <-ctx.Done():
					case <-time.After(pause):
					}
				}
			}()
		}
	}
	return l
}

// finish stops the load, waits for the requests under way and returns
// every answer.
func (l *load) finish() []probe {
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]probe(nil), l.probes...)
}

func (p probe) ok() bool { return p.err == nil && p.status >= 200 && p.status < 300 }

// unavailable: a 503 problem+json with Retry-After, the only acceptable
// refusal while a store is down.
func (p probe) unavailable() bool {
	return p.err == nil && p.status == http.StatusServiceUnavailable && p.retryAfter != "" && p.problem
}

// outcome names an answer for the counts: its status, and what is wrong
// with a 503 or a request that got no answer.
func (p probe) outcome() string {
	switch {
	case p.status == 0 && p.err != nil:
		if strings.Contains(p.err.Error(), "deadline exceeded") {
			return "no answer (hang)"
		}
		return "transport error"
	case p.status == http.StatusServiceUnavailable && p.retryAfter == "":
		return "503 without Retry-After"
	case p.status == http.StatusServiceUnavailable && !p.problem:
		return "503 not problem+json"
	case p.err != nil:
		return fmt.Sprintf("%d, answer cut", p.status)
	}
	return fmt.Sprint(p.status)
}

func (p probe) describe() string {
	s := fmt.Sprintf("%s on %s: %s after %.0f ms", p.what, p.rep.name, p.outcome(), ms(p.dur()))
	if p.err != nil {
		s += fmt.Sprintf(" (%v)", p.err)
	}
	return s
}

// filter keeps the probes for which keep is true.
func filter(probes []probe, keep func(probe) bool) []probe {
	var out []probe
	for _, p := range probes {
		if keep(p) {
			out = append(out, p)
		}
	}
	return out
}

func counts(probes []probe) string {
	m := map[string]int{}
	for _, p := range probes {
		m[p.outcome()]++
	}
	return fmtCounts(m)
}

// latencies is "n=… p50 … p99 … max …" of the probes' durations.
func latencies(probes []probe) string {
	if len(probes) == 0 {
		return "n=0"
	}
	d := durations(probes)
	return fmt.Sprintf("n=%d p50 %.0f ms p99 %.0f ms max %.0f ms", len(d), ms(quantile(d, 0.50)), ms(quantile(d, 0.99)), ms(d[len(d)-1]))
}

// durations are the probes' durations, sorted.
func durations(probes []probe) []time.Duration {
	d := make([]time.Duration, len(probes))
	for i, p := range probes {
		d[i] = p.dur()
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d
}

// quantile of sorted durations (the nearest rank at or above q).
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

func longest(probes []probe) (probe, bool) {
	var out probe
	for _, p := range probes {
		if p.dur() > out.dur() {
			out = p
		}
	}
	return out, len(probes) > 0
}

// mongoOps are requests that need MongoDB, with valid tokens: five reads
// (the token's gates come from Redis or MongoDB) and two writes, training
// records of the social worker (their ids are read back later).
func (c *checker) mongoOps(w *world, tag string) []op {
	get := func(what, path, token string) op {
		return op{what: "GET " + what, kind: "read", send: func(ctx context.Context, rep *replica, _ int) (*resp, error) {
			return c.call(ctx, rep, "GET", path, token, nil, 0)
		}}
	}
	return []op{
		get("/v1/needs/{id}", "/v1/needs/"+w.need1, w.committee),
		c.trainingOp(w, tag),
		get("/v1/me", "/v1/me", w.volunteer),
		get("/v1/me/hours", "/v1/me/hours", w.volunteer),
		c.trainingOp(w, tag),
		get("/v1/me/notifications", "/v1/me/notifications?limit=5", w.volunteer),
		get("/v1/needs?community=", "/v1/needs?community="+community+"&limit=5", w.committee),
	}
}

// trainingOp writes a training record of the social worker (MongoDB).
func (c *checker) trainingOp(w *world, tag string) op {
	today := time.Now().In(shanghai).Format("2006-01-02")
	return op{what: "POST /v1/me/training", kind: "write", send: func(ctx context.Context, rep *replica, n int) (*resp, error) {
		return c.call(ctx, rep, "POST", "/v1/me/training", w.worker, map[string]any{
			"course": fmt.Sprintf("prodcheck %s %s-%d", tag, rep.name, n), "provider": "郑州市社会工作协会",
			"category": "course", "hours": 0.5, "date": today}, 0)
	}}
}

// writtenIDs are the ids of the acknowledged writes among probes.
func writtenIDs(probes []probe) []string {
	var ids []string
	for _, p := range probes {
		if p.kind == "write" && p.ok() && p.id != "" {
			ids = append(ids, p.id)
		}
	}
	return ids
}

// trainingsWritten records acknowledged training records for the read-back.
func (c *checker) trainingsWritten(w *world, what string, ids []string) {
	if len(ids) == 0 {
		return
	}
	c.wrote(fmt.Sprintf("%d training records written %s", len(ids), what), func(ctx context.Context, rep *replica) error {
		return c.allListed(ctx, rep, w.worker, "/v1/me/training", ids)
	})
}

// successRatio checks that at least goal of the probes succeeded and notes it.
func (c *checker) successRatio(what string, probes []probe, goal float64) {
	if len(probes) == 0 {
		c.fail("%s: no request was sent", what)
		return
	}
	ok := filter(probes, probe.ok)
	ratio := float64(len(ok)) / float64(len(probes))
	c.note("%s: %d of %d succeeded (%.1f%%, goal ≥ %.0f%%) %s; latency %s", what, len(ok), len(probes), 100*ratio, 100*goal,
		counts(probes), latencies(probes))
	if ratio < goal {
		var bad []string
		for _, p := range probes {
			if !p.ok() {
				bad = append(bad, p.describe())
			}
		}
		c.fail("%s: %.1f%% succeeded, goal ≥ %.0f%%; failures: %s", what, 100*ratio, 100*goal, strings.Join(firstN(bad, 5), "; "))
	}
}
