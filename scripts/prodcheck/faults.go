package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// redisDownLoad is how long the mixed load runs while Redis is killed.
const redisDownLoad = 3 * time.Second

// recoveryTimeout bounds how long the replicas may take to serve again
// after a store came back, without being restarted.
const recoveryTimeout = 30 * time.Second

// redisFault logs a session out, kills Redis with SIGKILL and starts it
// again empty: the logged-out token must stay refused on both replicas,
// and while Redis is down a mixed load of MongoDB-backed reads and writes
// on both replicas must succeed (successGoal).
func (c *checker) redisFault(ctx context.Context, w *world) error {
	access, refresh, err := c.login(ctx, c.next(), "the volunteer (a second session, to log out)", volunteerPhone, password)
	if err != nil {
		return err
	}
	for _, rep := range c.replicas {
		if _, err := c.want(ctx, rep, 200, "GET", "/v1/me", access, nil); err != nil {
			return err
		}
	}
	if _, err := c.want(ctx, c.next(), 204, "POST", "/v1/auth/logout", access, nil); err != nil {
		return err
	}
	c.revoked = append(c.revoked, revokedToken{what: "the volunteer's logged-out session", access: access, refresh: refresh})
	c.wroteUnchecked("login and logout of a second session", "read back by the revoked-session check")
	c.checkRevoked(ctx, "before the Redis fault")

	// A key of prodcheck's own (outside the service's prefix) shows that
	// the Redis that comes back is empty.
	const marker = "prodcheck-marker"
	if reply, err := redisCommand(ctx, c.redisAddr, "SET "+marker+" 1"); err != nil || reply != "+OK" {
		return fmt.Errorf("SET %s: %q %v", marker, reply, err)
	}
	keys, _ := redisCommand(ctx, c.redisAddr, "DBSIZE")
	c.redisKilledAt = time.Now()
	if err := c.redis.kill(); err != nil {
		return err
	}
	c.logf("   Redis (%s keys) killed with SIGKILL", strings.TrimPrefix(keys, ":"))
	// While Redis is down: a valid session and the logged-out one, on both
	// replicas at once. A security answer never depends on Redis holding a key.
	sleep(ctx, 300*time.Millisecond)
	var wg sync.WaitGroup
	for _, rep := range c.replicas {
		for _, t := range []struct{ what, token string }{{"a valid token", w.volunteer}, {"the logged-out token", access}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := c.call(ctx, rep, "GET", "/v1/me", t.token, nil, 10*time.Second)
				if err != nil {
					c.fail("Redis down: GET /v1/me with %s on %s: %v", t.what, rep.name, err)
					return
				}
				c.note("Redis down: GET /v1/me with %s on %s → %d in %.0f ms", t.what, rep.name, r.Status, ms(r.Dur))
				// Redis holds nothing an answer depends on: a valid session is
				// served and a logged-out one refused, or either gets a 503
				// with Retry-After; anything else (the logged-out session
				// served, a 500, a 404) fails.
				want := 200
				if t.token == access {
					want = 401
				}
				unavailable := r.Status == 503 && r.Header.Get("Retry-After") != ""
				if r.Status != want && !unavailable {
					c.fail("Redis down: GET /v1/me with %s on replica %s answers %s, want %d (or 503 with Retry-After)", t.what, rep.name, r.short(), want)
				}
			}()
		}
	}
	wg.Wait()
	// A stretch of mixed load while Redis stays down: reads and writes
	// that need only MongoDB must keep succeeding (issue 13: ≥ 99%).
	l := c.startLoad(ctx, 3, c.mongoOps(w, "Redis down"), 20*time.Second, 20*time.Millisecond)
	sleep(ctx, redisDownLoad)
	probes := l.finish()
	c.successRatio(fmt.Sprintf("Redis down: MongoDB-backed requests with valid tokens over %.0f s", redisDownLoad.Seconds()), probes, successGoal)
	c.trainingsWritten(w, "while Redis was down", writtenIDs(probes))
	t0 := time.Now()
	if err := c.redis.start(ctx); err != nil {
		return err
	}
	c.redisBackAt = time.Now()
	if reply, err := redisCommand(ctx, c.redisAddr, "EXISTS "+marker); err != nil || reply != ":0" {
		return fmt.Errorf("Redis did not come back empty: EXISTS %s: %q %v", marker, reply, err)
	}
	c.note("Redis restarted empty after %.1f s down (ready in %.0f ms)", c.redisBackAt.Sub(c.redisKilledAt).Seconds(), ms(c.redisBackAt.Sub(t0)))
	if err := c.recovered(ctx, "Redis restart", func(ctx context.Context, rep *replica) error {
		r, err := c.call(ctx, rep, "GET", "/readyz", "", nil, 5*time.Second)
		if err != nil {
			return err
		}
		if r.Status != 200 || r.str("checks", "redis") != "ok" {
			return fmt.Errorf("/readyz: %s", r.short())
		}
		return nil
	}); err != nil {
		c.fail("%v", err)
	}
	c.checkRevoked(ctx, "after the Redis restart")
	c.readBack(ctx, "after the Redis restart")
	return nil
}

// refused: a revoked session's access token gets 401 and its refresh
// token no new tokens.
func (c *checker) refused(ctx context.Context, rep *replica, access, refresh string) error {
	var errs []error
	r, err := c.call(ctx, rep, "GET", "/v1/me", access, nil, 10*time.Second)
	if err != nil {
		return err
	}
	if r.Status != 401 {
		errs = append(errs, fmt.Errorf("the access token gets %d on GET /v1/me, want 401", r.Status))
	}
	r, err = c.call(ctx, rep, "POST", "/v1/auth/refresh", "", map[string]string{"refreshToken": refresh}, 10*time.Second)
	if err != nil {
		return err
	}
	if r.Status != 401 {
		errs = append(errs, fmt.Errorf("the refresh token gets %d on POST /v1/auth/refresh, want 401", r.Status))
	}
	return errors.Join(errs...)
}

// checkRevoked: every revoked session stays refused on both replicas.
func (c *checker) checkRevoked(ctx context.Context, when string) {
	for _, t := range c.revoked {
		for _, rep := range c.replicas {
			if err := c.refused(ctx, rep, t.access, t.refresh); err != nil {
				c.fail("%s, replica %s: %s: %v", when, rep.name, t.what, err)
			}
		}
	}
	if len(c.revoked) > 0 {
		c.logf("   revoked sessions checked %s", when)
	}
}

// readBack reads every acknowledged write back from both replicas.
func (c *checker) readBack(ctx context.Context, when string) {
	c.mu.Lock()
	writes := append([]write(nil), c.writes...)
	c.mu.Unlock()
	checked, missing := 0, 0
	for _, wr := range writes {
		if wr.check == nil {
			continue
		}
		for _, rep := range c.replicas {
			checked++
			if err := wr.check(ctx, rep); err != nil {
				missing++
				c.fail("%s: %s (written in %q) not read back on replica %s: %v", when, wr.what, wr.step, rep.name, err)
			}
		}
	}
	c.logf("   read back %d acknowledged writes on both replicas %s: %d reads, %d missing", checked/2, when, checked, missing)
}

// recovered waits until probe passes on both replicas, which are not restarted.
func (c *checker) recovered(ctx context.Context, after string, probe func(context.Context, *replica) error) error {
	return c.recoveredSince(ctx, after, time.Now(), probe)
}

// recoveredSince is recovered, timed from t0 (when the store came back).
func (c *checker) recoveredSince(ctx context.Context, after string, t0 time.Time, probe func(context.Context, *replica) error) error {
	if err := c.alive(); err != nil {
		return err
	}
	for _, rep := range c.replicas {
		var last error
		for {
			if last = probe(ctx, rep); last == nil {
				break
			}
			if time.Since(t0) > recoveryTimeout || ctx.Err() != nil {
				return fmt.Errorf("replica %s has not recovered %s after the %s: %v", rep.name, recoveryTimeout, after, last)
			}
			sleep(ctx, 100*time.Millisecond)
		}
	}
	c.note("both replicas serve again %.1f s after the %s, without a restart", time.Since(t0).Seconds(), after)
	return nil
}

// probe is one answer while a store or a replica is down.
type probe struct {
	rep        *replica
	what       string
	kind       string // the op's kind (load.go)
	id         string // the id a 2xx answer created or returned
	start, end time.Time
	status     int // 0: no answer
	retryAfter string
	problem    bool // application/problem+json
	err        error
}

func (p probe) dur() time.Duration { return p.end.Sub(p.start) }

// mongoFault kills FerretDB with SIGKILL and, while it is down, sends
// requests to both replicas from several clients: every answer must be a
// 503 problem+json with Retry-After, and after a replica's first 503 (the
// moment it has detected the outage) they must come fast. Then FerretDB
// starts again on the same port and data directory and both replicas must
// recover by themselves.
func (c *checker) mongoFault(ctx context.Context, w *world) error {
	const clients, hangAfter = 3, 10 * time.Second
	const minDown, maxProbing, wantAfterDetection = 3 * time.Second, 15 * time.Second, 20
	reqs := []struct{ what, path, token string }{
		{"GET /v1/needs/{id}", "/v1/needs/" + w.need1, w.committee},
		{"GET /v1/me/notifications", "/v1/me/notifications?limit=5", w.volunteer},
		{"GET /v1/needs?community=", "/v1/needs?community=" + community + "&limit=5", w.committee},
		{"GET /v1/me", "/v1/me", w.volunteer},
		{"GET /v1/me/hours", "/v1/me/hours", w.volunteer},
	}
	killAt := time.Now()
	if err := c.ferret.kill(); err != nil {
		return err
	}
	c.logf("   FerretDB killed with SIGKILL; %d clients per replica send requests", clients)
	var mu sync.Mutex
	var probes []probe
	var detect [2]time.Time
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for ri, rep := range c.replicas {
		for g := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := g; ; i++ {
					select {
					case <-stop:
						return
					case <-ctx.Done():
						return
					default:
					}
					q := reqs[i%len(reqs)]
					p := probe{rep: rep, what: q.what, start: time.Now()}
					r, err := c.call(ctx, rep, "GET", q.path, q.token, nil, hangAfter)
					p.end, p.err = time.Now(), err
					// A pause between requests, so fast 503s do not flood the logs.
					sleep(ctx, 20*time.Millisecond)
					if r != nil {
						p.status, p.retryAfter = r.Status, r.Header.Get("Retry-After")
						p.problem = strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json")
					}
					mu.Lock()
					probes = append(probes, p)
					if p.status == http.StatusServiceUnavailable && detect[ri].IsZero() {
						detect[ri] = p.end
					}
					mu.Unlock()
				}
			}()
		}
	}
	// /readyz says the replica cannot serve while MongoDB is unreachable.
	var readyz []string
	wg.Add(1)
	go func() {
		defer wg.Done()
		sleep(ctx, time.Second)
		for _, rep := range c.replicas {
			r, err := c.call(ctx, rep, "GET", "/readyz", "", nil, hangAfter)
			mu.Lock()
			if err != nil {
				readyz = append(readyz, fmt.Sprintf("%s: %v", rep.name, err))
			} else {
				readyz = append(readyz, fmt.Sprintf("%s %d in %.0f ms", rep.name, r.Status, ms(r.Dur)))
				if r.Status != 503 {
					c.fail("FerretDB down: /readyz of replica %s answers %s", rep.name, r.short())
				}
			}
			mu.Unlock()
		}
	}()
	for {
		sleep(ctx, 100*time.Millisecond)
		mu.Lock()
		enough := true
		for ri := range c.replicas {
			n := 0
			for _, p := range probes {
				if p.rep == c.replicas[ri] && !detect[ri].IsZero() && !p.start.Before(detect[ri]) {
					n++
				}
			}
			enough = enough && n >= wantAfterDetection
		}
		mu.Unlock()
		if since := time.Since(killAt); since >= maxProbing || since >= minDown && enough || ctx.Err() != nil {
			break
		}
	}
	close(stop)
	wg.Wait() // the last requests end within hangAfter
	down := time.Since(killAt)
	t0 := time.Now()
	if err := c.ferret.start(ctx); err != nil {
		return err
	}
	c.logf("   FerretDB restarted on %s after %.1f s down (ready in %.0f ms); /readyz while down: %s",
		c.mongoAddr, down.Seconds(), ms(time.Since(t0)), strings.Join(readyz, ", "))
	c.judgeOutage(probes, detect, killAt)
	if err := c.recovered(ctx, "FerretDB restart", func(ctx context.Context, rep *replica) error {
		r, err := c.call(ctx, rep, "GET", "/v1/needs/"+w.need1, w.committee, nil, 5*time.Second)
		if err != nil {
			return err
		}
		if r.Status != 200 {
			return fmt.Errorf("GET /v1/needs/{id}: %s", r.short())
		}
		return nil
	}); err != nil {
		c.fail("%v", err)
	}
	c.checkRevoked(ctx, "after the FerretDB restart")
	c.readBack(ctx, "after the FerretDB restart")
	return nil
}

// judgeOutage checks and summarises the answers given while FerretDB was down.
func (c *checker) judgeOutage(probes []probe, detect [2]time.Time, killAt time.Time) {
	for ri, rep := range c.replicas {
		var mine []probe
		for _, p := range probes {
			if p.rep == rep {
				mine = append(mine, p)
			}
		}
		counts := map[string]int{}
		var bad []string
		served := 0
		for _, p := range mine {
			switch {
			case p.err != nil && p.status == 0:
				kind := "transport error"
				if errors.Is(p.err, context.DeadlineExceeded) {
					kind = "no answer within 10 s (hang)"
				}
				counts[kind]++
				bad = append(bad, fmt.Sprintf("%s: %s after %.0f ms", p.what, kind, ms(p.dur())))
			case p.status >= 200 && p.status < 300:
				served++
				counts[strconv.Itoa(p.status)]++
			case p.status != http.StatusServiceUnavailable:
				counts[strconv.Itoa(p.status)]++
				bad = append(bad, fmt.Sprintf("%s: %d (want 503)", p.what, p.status))
			default:
				counts["503"]++
				if p.retryAfter == "" {
					counts["503 without Retry-After"]++
				}
				if !p.problem {
					counts["503 not problem+json"]++
				}
			}
		}
		c.note("FerretDB down, replica %s: %d answers %s", rep.name, len(mine), fmtCounts(counts))
		if served > 0 {
			c.note("FerretDB down, replica %s served %d requests from memory or Redis (allowed)", rep.name, served)
		}
		if len(bad) > 0 {
			c.fail("FerretDB down, replica %s: %d answers are not 503: %s", rep.name, len(bad), strings.Join(firstN(bad, 5), "; "))
		}
		if n := counts["503 without Retry-After"]; n > 0 {
			c.fail("FerretDB down, replica %s: %d of %d 503s have no Retry-After header", rep.name, n, counts["503"])
		}
		if n := counts["503 not problem+json"]; n > 0 {
			c.fail("FerretDB down, replica %s: %d 503s are not application/problem+json", rep.name, n)
		}
		if detect[ri].IsZero() {
			c.fail("FerretDB down, replica %s never answered 503", rep.name)
			continue
		}
		c.note("FerretDB down, replica %s: first 503 %.0f ms after the kill", rep.name, ms(detect[ri].Sub(killAt)))
	}
	// Latency of the error answers once each replica had detected the outage.
	var lat []time.Duration
	for ri, rep := range c.replicas {
		for _, p := range probes {
			if p.rep == rep && !detect[ri].IsZero() && !p.start.Before(detect[ri]) && (p.status < 200 || p.status >= 300) {
				lat = append(lat, p.dur())
			}
		}
	}
	if len(lat) == 0 {
		c.fail("FerretDB down: no error answer after the first 503s to measure")
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
	c.note("FerretDB down: error answers after the first 503 of each replica: n=%d p50 %.0f ms p99 %.0f ms max %.0f ms (target p99 ≤ 500 ms)",
		len(lat), ms(pct(0.50)), ms(pct(0.99)), ms(lat[len(lat)-1]))
	if pct(0.99) > 500*time.Millisecond {
		c.fail("FerretDB down: p99 of the error answers after detection is %.0f ms, target ≤ 500 ms", ms(pct(0.99)))
	}
}

func fmtCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s×%d", k, m[k])
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func firstN(s []string, n int) []string { return s[:min(n, len(s))] }
