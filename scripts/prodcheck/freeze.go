package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// The FerretDB freeze: how long, and what is required meanwhile.
const (
	mongoFreezeFor = 8 * time.Second
	// holdBound: no request may be held longer. A request in flight when
	// the database froze waits until MongoDB's breaker trips (the driver's
	// heartbeat, every second, times out after 2 s; a probe confirms within
	// 2 s: 4–5 s after the freeze) and is then released; later ones are
	// refused at once.
	holdBound = 6 * time.Second
	// fastBound: p99 of the refusals once a replica has detected the freeze.
	fastBound = 500 * time.Millisecond
	// freezeRecoveryBound: both replicas serve reads and writes again this
	// soon after the database runs again (the breaker probes twice a second).
	freezeRecoveryBound = 5 * time.Second
)

// mongoFreeze freezes FerretDB (SIGSTOP: its sockets stay open and it
// answers nothing, like a database stuck on a disk or a lock) while three
// clients per replica send reads and writes that need MongoDB. Every
// answer must be a 2xx or a 503 problem+json with Retry-After, none may
// be held longer than holdBound, and once a replica's breaker has tripped
// its refusals must be fast. After SIGCONT both replicas must
// serve again within freezeRecoveryBound, without a restart, and nothing
// acknowledged may be lost.
func (c *checker) mongoFreeze(ctx context.Context, w *world) error {
	l := c.startLoad(ctx, 3, c.mongoOps(w, "FerretDB freeze"), 20*time.Second, 20*time.Millisecond)
	sleep(ctx, 500*time.Millisecond) // requests are under way when it freezes
	frozenAt := time.Now()
	if err := c.ferret.pause(); err != nil {
		l.finish()
		return err
	}
	defer func() { _ = c.ferret.resume() }() // also on an early return
	c.logf("   FerretDB (pid %d) frozen with SIGSTOP for %.0f s; 3 clients per replica send reads and writes",
		c.ferret.pid(), mongoFreezeFor.Seconds())
	// /readyz says the replica cannot serve while MongoDB is frozen: asked
	// once the breakers must have tripped, it answers within its own 1 s.
	var readyz []string
	var rmu sync.Mutex
	var rwg sync.WaitGroup
	for _, rep := range c.replicas {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			sleep(ctx, holdBound)
			r, err := c.call(ctx, rep, "GET", "/readyz", "", nil, 10*time.Second)
			rmu.Lock()
			defer rmu.Unlock()
			switch {
			case err != nil:
				readyz = append(readyz, fmt.Sprintf("%s: %v", rep.name, err))
				c.fail("FerretDB frozen: /readyz of replica %s: %v", rep.name, err)
			default:
				readyz = append(readyz, fmt.Sprintf("%s %d in %.0f ms", rep.name, r.Status, ms(r.Dur)))
				if r.Status != 503 {
					c.fail("FerretDB frozen: /readyz of replica %s answers %s", rep.name, r.short())
				}
			}
		}()
	}
	sleep(ctx, mongoFreezeFor)
	rwg.Wait()
	if err := c.ferret.resume(); err != nil {
		l.finish()
		return err
	}
	resumedAt := time.Now()
	probes := l.finish()
	c.logf("   FerretDB resumed with SIGCONT after %.1f s; /readyz while frozen: %s", resumedAt.Sub(frozenAt).Seconds(), strings.Join(readyz, ", "))
	c.judgeFreeze(probes, frozenAt, resumedAt)
	ids := writtenIDs(probes)

	// Both replicas serve a read and a write again, without a restart.
	if err := c.alive(); err != nil {
		return err
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	back := map[string]time.Duration{}
	write := c.trainingOp(w, "after the FerretDB freeze")
	for _, rep := range c.replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var last string
			for ctx.Err() == nil {
				r, err := c.call(ctx, rep, "GET", "/v1/needs/"+w.need1, w.committee, nil, 10*time.Second)
				if err == nil && r.Status == 200 {
					r, err = write.send(ctx, rep, 0)
					if err == nil && r.Status == 201 {
						mu.Lock()
						back[rep.name] = time.Since(resumedAt)
						ids = append(ids, r.str("id"))
						mu.Unlock()
						return
					}
				}
				if err != nil {
					last = err.Error()
				} else {
					last = r.short()
				}
				if time.Since(resumedAt) > recoveryTimeout {
					c.fail("FerretDB freeze: replica %s does not serve %s after SIGCONT: %s", rep.name, recoveryTimeout, last)
					return
				}
				sleep(ctx, 100*time.Millisecond)
			}
		}()
	}
	wg.Wait()
	for _, rep := range c.replicas {
		if d, ok := back[rep.name]; ok {
			c.note("FerretDB freeze: replica %s serves a read and a write %.1f s after SIGCONT, without a restart (bound %.0f s)",
				rep.name, d.Seconds(), freezeRecoveryBound.Seconds())
			if d > freezeRecoveryBound {
				c.fail("FerretDB freeze: replica %s took %.1f s to serve again after SIGCONT, bound %.0f s", rep.name, d.Seconds(), freezeRecoveryBound.Seconds())
			}
		}
	}
	c.trainingsWritten(w, "during and after the FerretDB freeze", ids)
	c.checkRevoked(ctx, "after the FerretDB freeze")
	c.readBack(ctx, "after the FerretDB freeze")
	return nil
}

// judgeFreeze checks and summarises the answers given around the freeze.
// "After detection" is after the replica's breaker tripped (its log says
// when), or after its first 503 if the log does not say.
func (c *checker) judgeFreeze(probes []probe, frozenAt, resumedAt time.Time) {
	var after []probe // refusals once each replica had detected the freeze
	for _, rep := range c.replicas {
		mine := filter(probes, func(p probe) bool { return p.rep == rep })
		during := filter(mine, func(p probe) bool { return p.end.After(frozenAt) })
		c.note("FerretDB frozen, replica %s: %d answers during the freeze %s", rep.name, len(during), counts(during))
		var bad []string
		for _, p := range mine {
			if !p.ok() && !p.unavailable() {
				bad = append(bad, p.describe())
			}
		}
		if len(bad) > 0 {
			c.fail("FerretDB frozen, replica %s: %d answers are neither 2xx nor 503 problem+json with Retry-After: %s",
				rep.name, len(bad), strings.Join(firstN(bad, 5), "; "))
		}
		var first503 time.Time
		for _, p := range mine {
			if p.status == 503 && (first503.IsZero() || p.end.Before(first503)) {
				first503 = p.end
			}
		}
		if first503.IsZero() {
			c.fail("FerretDB frozen, replica %s never answered 503 in %.0f s", rep.name, mongoFreezeFor.Seconds())
		}
		// Detection is the breaker's trip, from the replica's log. A 503 may
		// come before it: a request that needed a new connection fails when
		// the handshake times out, before the breaker has made up its mind.
		line := fmt.Sprintf("FerretDB frozen, replica %s: ", rep.name)
		detect := c.tripTime(rep, "mongodb", frozenAt)
		if detect.IsZero() {
			detect = first503
			line += "no breaker trip in its log; "
		} else {
			line += fmt.Sprintf("breaker tripped %.0f ms after the freeze (log); ", ms(detect.Sub(frozenAt)))
		}
		if !first503.IsZero() {
			line += fmt.Sprintf("first 503 %.0f ms after the freeze; ", ms(first503.Sub(frozenAt)))
		}
		// Admitted while the breaker was still closed: under way at the
		// SIGSTOP, or sent after it but before the trip. They wait on the
		// frozen database until the breaker trips, or a handshake times out.
		admitted := filter(mine, func(p probe) bool {
			return p.end.After(frozenAt) && (detect.IsZero() || p.start.Before(detect))
		})
		underWay := filter(admitted, func(p probe) bool { return p.start.Before(frozenAt) })
		hold, _ := longest(mine)
		c.note("%s%d requests admitted before the trip %s (%d under way at the SIGSTOP); longest hold %.0f ms (%s, bound %.0f s)",
			line, len(admitted), counts(admitted), len(underWay), ms(hold.dur()), hold.what, holdBound.Seconds())
		var held []string
		for _, p := range mine {
			if p.dur() > holdBound {
				held = append(held, p.describe())
			}
		}
		if len(held) > 0 {
			c.fail("FerretDB frozen, replica %s held %d requests longer than %.0f s: %s", rep.name, len(held), holdBound.Seconds(),
				strings.Join(firstN(held, 5), "; "))
		}
		if !detect.IsZero() {
			after = append(after, filter(mine, func(p probe) bool { return !p.start.Before(detect) && !p.ok() && p.start.Before(resumedAt) })...)
			if served := filter(mine, func(p probe) bool { return !p.start.Before(detect) && p.ok() && p.end.Before(resumedAt) }); len(served) > 0 {
				c.note("FerretDB frozen, replica %s served %d requests after the trip (from memory or Redis: allowed)", rep.name, len(served))
			}
		}
	}
	if len(after) == 0 {
		c.fail("FerretDB frozen: no refusal after detection to measure")
		return
	}
	c.note("FerretDB frozen: 503s after each replica's breaker tripped: %s (target p99 ≤ %.0f ms)", latencies(after), ms(fastBound))
	if p99 := quantile(durations(after), 0.99); p99 > fastBound {
		c.fail("FerretDB frozen: p99 of the 503s after detection is %.0f ms, target ≤ %.0f ms", ms(p99), ms(fastBound))
	}
}

// tripTime is when the replica's breaker for store logged its trip after
// since (zero when it did not).
func (c *checker) tripTime(rep *replica, store string, since time.Time) time.Time {
	lines, err := readLog(rep.proc.logPath)
	if err != nil {
		c.fail("reading the log of replica %s: %v", rep.name, err)
		return time.Time{}
	}
	for _, l := range lines {
		if l.Msg == store+" unreachable: failing fast until it answers again" && l.Time.After(since) {
			return l.Time
		}
	}
	return time.Time{}
}

// The Redis freeze.
const (
	redisFreezeFor = 6 * time.Second
	// successGoal: the share of MongoDB-backed requests with valid tokens
	// that must succeed while Redis is frozen or down (issue 13).
	successGoal = 0.99
)

// redisFreeze freezes redis-server (SIGSTOP) while three clients per
// replica send reads and writes that need only MongoDB, with valid tokens,
// and try the logged-out session; one client per replica asks for SMS
// codes, which live in Redis by nature. At least successGoal of the
// MongoDB-backed requests must succeed, the logged-out session must stay
// refused, and an SMS code request must be sent (202) or refused with a
// 503 problem+json with Retry-After. After SIGCONT, both replicas must say
// Redis is back and send SMS codes again, without a restart.
func (c *checker) redisFreeze(ctx context.Context, w *world) error {
	if len(c.revoked) == 0 {
		return fmt.Errorf("no logged-out session to try (the Redis fault logs one out)")
	}
	rev := c.revoked[0]
	ops := append(c.mongoOps(w, "Redis freeze"),
		op{what: "GET /v1/me (logged-out session)", kind: "revoked", send: func(ctx context.Context, rep *replica, _ int) (*resp, error) {
			return c.call(ctx, rep, "GET", "/v1/me", rev.access, nil, 0)
		}},
		op{what: "POST /v1/auth/refresh (logged-out session)", kind: "revoked", send: func(ctx context.Context, rep *replica, _ int) (*resp, error) {
			return c.call(ctx, rep, "POST", "/v1/auth/refresh", "", map[string]string{"refreshToken": rev.refresh}, 0)
		}})
	l := c.startLoad(ctx, 3, ops, 20*time.Second, 20*time.Millisecond)
	sleep(ctx, 500*time.Millisecond)
	frozenAt := time.Now()
	if err := c.redis.pause(); err != nil {
		l.finish()
		return err
	}
	defer func() { _ = c.redis.resume() }()
	c.logf("   Redis (pid %d) frozen with SIGSTOP for %.0f s; 3 clients per replica send MongoDB-backed requests, 1 asks for SMS codes",
		c.redis.pid(), redisFreezeFor.Seconds())
	// Fresh phones: the per-phone resend limit must not be what answers.
	sms := c.startLoad(ctx, 1, []op{c.smsOp()}, 20*time.Second, 1500*time.Millisecond)
	sleep(ctx, redisFreezeFor)
	if err := c.redis.resume(); err != nil {
		sms.finish()
		l.finish()
		return err
	}
	resumedAt := time.Now()
	smsProbes, probes := sms.finish(), l.finish()
	c.logf("   Redis resumed with SIGCONT after %.1f s", resumedAt.Sub(frozenAt).Seconds())

	during := filter(probes, func(p probe) bool { return p.end.After(frozenAt) && p.start.Before(resumedAt) })
	c.successRatio("Redis frozen: MongoDB-backed requests with valid tokens", filter(during, func(p probe) bool { return p.kind == "read" || p.kind == "write" }), successGoal)
	for _, rep := range c.replicas {
		mine := filter(during, func(p probe) bool { return p.rep == rep && (p.kind == "read" || p.kind == "write") })
		trip := "no breaker trip in its log"
		if t := c.tripTime(rep, "redis", frozenAt); !t.IsZero() {
			trip = fmt.Sprintf("breaker tripped %.0f ms after the freeze", ms(t.Sub(frozenAt)))
		}
		c.note("Redis frozen, replica %s: %s; %s, latency %s", rep.name, trip, counts(mine), latencies(mine))
	}
	revoked := filter(probes, func(p probe) bool { return p.kind == "revoked" })
	c.note("Redis frozen: the logged-out session %s, latency %s", counts(revoked), latencies(revoked))
	var bad []string
	for _, p := range revoked {
		if p.status != 401 && !p.unavailable() {
			bad = append(bad, p.describe())
		}
	}
	if len(bad) > 0 {
		c.fail("Redis frozen: %d answers to the logged-out session are not 401 (or 503 with Retry-After): %s", len(bad), strings.Join(firstN(bad, 5), "; "))
	}
	c.note("Redis frozen: SMS code requests %s, latency %s", counts(smsProbes), latencies(smsProbes))
	bad = nil
	for _, p := range smsProbes {
		if p.status != 202 && !p.unavailable() {
			bad = append(bad, p.describe())
		}
	}
	if len(bad) > 0 {
		c.fail("Redis frozen: %d SMS code requests are neither 202 nor 503 problem+json with Retry-After: %s", len(bad), strings.Join(firstN(bad, 5), "; "))
	}
	if len(smsProbes) == 0 {
		c.fail("Redis frozen: no SMS code request was answered")
	}
	c.trainingsWritten(w, "during the Redis freeze", writtenIDs(probes))
	if sent := filter(smsProbes, probe.ok); len(sent) > 0 {
		c.wroteUnchecked(fmt.Sprintf("%d registration SMS codes sent during the Redis freeze", len(sent)), "live 5 minutes in Redis by design; not read back")
	}

	// Back: Redis ok in /readyz, then an SMS code is sent on each replica.
	smsBack := c.smsOp()
	if err := c.recoveredSince(ctx, "Redis freeze (SIGCONT; /readyz says Redis ok, an SMS code is sent)", resumedAt, func(ctx context.Context, rep *replica) error {
		r, err := c.call(ctx, rep, "GET", "/readyz", "", nil, 5*time.Second)
		if err != nil {
			return err
		}
		if r.Status != 200 || r.str("checks", "redis") != "ok" {
			return fmt.Errorf("/readyz: %s", r.short())
		}
		if r, err = smsBack.send(ctx, rep, 0); err != nil {
			return err
		}
		if r.Status != 202 {
			return fmt.Errorf("POST /v1/auth/sms-codes: %s", r.short())
		}
		return nil
	}); err != nil {
		c.fail("%v", err)
	}
	c.checkRevoked(ctx, "after the Redis freeze")
	c.readBack(ctx, "after the Redis freeze")
	return nil
}

// smsOp asks for a registration code for a phone not used before.
func (c *checker) smsOp() op {
	return op{what: "POST /v1/auth/sms-codes", kind: "sms", send: func(ctx context.Context, rep *replica, _ int) (*resp, error) {
		c.mu.Lock()
		c.phones++
		phone := fmt.Sprintf("1360013%04d", c.phones)
		c.mu.Unlock()
		return c.call(ctx, rep, "POST", "/v1/auth/sms-codes", "", map[string]string{"phone": phone, "purpose": "register"}, 0)
	}}
}
