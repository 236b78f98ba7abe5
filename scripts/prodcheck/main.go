// Command prodcheck runs Wushe in its production topology and walks the
// five parties through it over HTTP while it breaks the stores and a
// replica underneath, then says whether anything was lost or misbehaved.
//
// It starts, as separate processes with their own ports and log files: a
// redis-server, FerretDB out of process (`wushe dev-stores`), two API
// replicas (`wushe serve`) and two workers (`wushe worker`), all with the
// production variables (MONGO_URI, REDIS_URL, secrets, SMS codes to the
// log, no jobs inside serve, jobs every few seconds through
// WUSHE_JOB_SCHEDULE). Then:
//
//   - the scenario, alternating replicas: the committee logs in with an SMS code (civil affairs is refused one); a volunteer registers with an SMS
//     code read from the replica's log and fills what matching needs; civil
//     affairs appoints a committee, organisations and their people; the
//     committee posts needs, gets matches and invites; the volunteer accepts
//     on the other replica; a worker's scheduled job reminds them of the
//     shift; they check in and out and the committee verifies the hours; a
//     charity's fund grants an organisation's application;
//   - six faults on the same processes: Redis killed and restarted empty
//     (a session logged out before must stay refused, MongoDB-backed
//     requests must keep succeeding); FerretDB killed and restarted on its
//     port (answers meanwhile must be fast 503s with Retry-After); FerretDB
//     frozen with SIGSTOP under load (no request held past a bound, fast
//     503s once detected, recovery after SIGCONT); Redis frozen under load
//     (MongoDB-backed requests keep succeeding, SMS codes 503 or sent); one
//     API replica killed under load and started again (the other must keep
//     answering); one worker killed (the other runs the next firings once);
//   - after each fault and at the end: every write the scenario was
//     acknowledged (2xx) is read back, revoked tokens are still refused.
//
// It prints a summary and exits 1 on any failure; it stops every process
// it started, also on failure or interrupt.
//
//	go build -o /tmp/wushe ./cmd/wushe
//	go run ./scripts/prodcheck -bin /tmp/wushe -work /tmp/prodcheck
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	bin := flag.String("bin", "", "the wushe binary (go build -o … ./cmd/wushe)")
	work := flag.String("work", "", "directory for logs and data (default: a new temporary directory, removed on success)")
	redisBin := flag.String("redis-server", "redis-server", "the redis-server executable")
	timeout := flag.Duration("timeout", 4*time.Minute, "give up after this long")
	flag.Parse()
	if *bin == "" {
		fmt.Fprintln(os.Stderr, "prodcheck: -bin is required (go build -o /tmp/wushe ./cmd/wushe)")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	ok, err := run(ctx, *bin, *work, *redisBin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "prodcheck:", err)
	}
	if err != nil || !ok {
		os.Exit(1)
	}
}

// checker is one run: the processes, the replicas, and what was checked.
type checker struct {
	out  io.Writer
	http *http.Client
	bin  string
	work string

	redis, ferret *proc
	redisAddr     string
	mongoAddr     string
	replicas      [2]*replica
	workers       [2]*proc
	env           []string
	turn          int
	invitedOn     *replica // the replica that sent the invitation

	mu       sync.Mutex
	step     string
	steps    []stepTime
	failures []string
	writes   []write
	revoked  []revokedToken
	notes    []string // figures for the summary
	phones   int      // fresh phone numbers handed out for SMS codes
	started  time.Time

	// The Redis fault's window: job firings enqueued in it may run twice
	// (Redis forgot their task ids), which the job check tells apart.
	redisKilledAt, redisBackAt time.Time
	// The worker fault: a firing the killed worker had run but not yet
	// acknowledged to asynq may run again after its lease.
	workerKilledAt time.Time
	workerVictim   string
}

type stepTime struct {
	name string
	dur  time.Duration
	err  error
}

// write is a 2xx write the scenario made, and how to read it back.
type write struct {
	step, what string
	check      func(ctx context.Context, rep *replica) error // nil: see why
	why        string                                        // what shows the write when check is nil
}

// revokedToken is a login that was ended: its tokens must stay refused.
type revokedToken struct {
	what, access, refresh string
}

func (c *checker) logf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.out, format+"\n", args...)
}

// fail records a failed check; the run goes on and exits 1 at the end.
func (c *checker) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	c.mu.Lock()
	c.failures = append(c.failures, "["+c.step+"] "+msg)
	c.mu.Unlock()
	c.logf("   FAIL %s", msg)
}

func (c *checker) note(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	c.mu.Lock()
	c.notes = append(c.notes, msg)
	c.mu.Unlock()
	c.logf("   %s", msg)
}

// wrote records an acknowledged write.
func (c *checker) wrote(what string, check func(ctx context.Context, rep *replica) error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes = append(c.writes, write{step: c.step, what: what, check: check})
}

// wroteUnchecked records an acknowledged write that readBack does not read:
// why says what shows it instead (a code that lives minutes in Redis by
// design, a logout that the revoked-session check reads).
func (c *checker) wroteUnchecked(what, why string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes = append(c.writes, write{step: c.step, what: what, why: why})
}

// next is the replica for the next step: they alternate.
func (c *checker) next() *replica {
	r := c.replicas[c.turn%2]
	c.turn++
	return r
}

func (c *checker) other(r *replica) *replica {
	if r == c.replicas[0] {
		return c.replicas[1]
	}
	return c.replicas[0]
}

// do runs one step: a failure stops the scenario (later steps need it).
// Before it, every process must still be running.
func (c *checker) do(name string, fn func() error) error {
	c.mu.Lock()
	c.step = name
	c.mu.Unlock()
	c.logf("\n== %s (%.1fs)", name, time.Since(c.started).Seconds())
	t0 := time.Now()
	err := c.alive()
	if err == nil {
		err = fn()
	}
	c.mu.Lock()
	c.steps = append(c.steps, stepTime{name: name, dur: time.Since(t0), err: err})
	c.mu.Unlock()
	return err // fail, which reports it, names the step
}

// alive fails when a process died without being killed by a fault.
func (c *checker) alive() error {
	var errs []error
	for _, p := range c.procs() {
		errs = append(errs, p.died())
	}
	return errors.Join(errs...)
}

func (c *checker) procs() []*proc {
	out := []*proc{c.redis, c.ferret}
	for _, r := range c.replicas {
		if r != nil {
			out = append(out, r.proc)
		}
	}
	out = append(out, c.workers[0], c.workers[1])
	var live []*proc
	for _, p := range out {
		if p != nil {
			live = append(live, p)
		}
	}
	return live
}

// run starts the topology, runs the scenario and the faults, prints the
// summary and stops everything. ok is false when a check failed.
func run(ctx context.Context, bin, work, redisBin string, out io.Writer) (ok bool, err error) {
	if bin, err = filepath.Abs(bin); err != nil {
		return false, err
	}
	if _, err := exec.LookPath(redisBin); err != nil {
		return false, fmt.Errorf("%s not found (apt-get install redis-server): %w", redisBin, err)
	}
	removeWork := false
	if work == "" {
		if work, err = os.MkdirTemp("", "prodcheck-"); err != nil {
			return false, err
		}
		removeWork = true
	}
	if work, err = filepath.Abs(work); err != nil {
		return false, err
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return false, err
	}
	c := &checker{out: out, bin: bin, work: work, started: time.Now(),
		http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}}
	defer func() {
		c.stopAll()
		if err == nil && ok && removeWork {
			_ = os.RemoveAll(work)
		}
	}()
	fmt.Fprintf(out, "prodcheck: logs and data in %s\n", work)

	if err := c.do("start the production topology", func() error { return c.startAll(ctx, redisBin) }); err != nil {
		c.fail("%v", err)
	} else {
		if err := c.scenario(ctx); err != nil {
			c.fail("the scenario stopped: %v", err)
		}
		// Also after a stopped scenario: what was written so far must be there.
		if ctx.Err() == nil {
			_ = c.do("final read-back", func() error {
				c.readBack(ctx, "at the end")
				c.checkRevoked(ctx, "at the end")
				c.checkJobs()
				return nil
			})
		}
	}
	if ctx.Err() != nil {
		c.fail("interrupted or out of time: %v", ctx.Err())
	}
	c.summary()
	return len(c.failures) == 0, nil
}

// startAll starts Redis, FerretDB, two replicas and two workers.
func (c *checker) startAll(ctx context.Context, redisBin string) error {
	ports := map[string]int{}
	for _, k := range []string{"redis", "mongo", "serveA", "serveB", "worker1", "worker2"} {
		p, err := freePort()
		if err != nil {
			return err
		}
		ports[k] = p
	}
	c.redisAddr = "127.0.0.1:" + strconv.Itoa(ports["redis"])
	c.mongoAddr = "127.0.0.1:" + strconv.Itoa(ports["mongo"])
	redisDir := filepath.Join(c.work, "redis")
	if err := os.MkdirAll(redisDir, 0o755); err != nil {
		return err
	}
	c.redis = &proc{name: "redis", path: redisBin, logPath: filepath.Join(c.work, "redis.log"), env: os.Environ(),
		// Nothing on disk: a restart comes back empty, like a Redis that lost its memory.
		args: []string{"--port", strconv.Itoa(ports["redis"]), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", redisDir},
		ready: func(ctx context.Context) error {
			pong, err := redisCommand(ctx, c.redisAddr, "PING")
			if err == nil && pong != "+PONG" {
				err = fmt.Errorf("PING: %q", pong)
			}
			return err
		}}
	uriFile := filepath.Join(c.work, "mongo-uri")
	wantURI := "mongodb://" + c.mongoAddr + "/"
	c.ferret = &proc{name: "ferretdb", path: c.bin, logPath: filepath.Join(c.work, "ferretdb.log"), env: baseEnv(),
		args: []string{"dev-stores", "--dir", filepath.Join(c.work, "ferretdb"), "--uri-file", uriFile, "--addr", c.mongoAddr},
		ready: func(ctx context.Context) error {
			b, err := os.ReadFile(uriFile)
			if err != nil {
				return err
			}
			if got := strings.TrimSpace(string(b)); got != wantURI {
				return fmt.Errorf("URI %q, want %q", got, wantURI)
			}
			return nil
		}}
	secret := func(n int) string {
		b := make([]byte, n)
		_, _ = rand.Read(b)
		return base64.StdEncoding.EncodeToString(b)
	}
	c.env = append(baseEnv(),
		"MONGO_URI="+wantURI,
		"MONGO_DB=wushe",
		"REDIS_URL=redis://"+c.redisAddr+"/0",
		"WUSHE_REDIS_PREFIX=prodcheck:",
		"WUSHE_JWT_SECRET="+secret(48),
		"WUSHE_SIGNING_KEY="+secret(32),
		"WUSHE_DATA_KEY="+secret(32),
		"WUSHE_SMS_PROVIDER=log",
		"WUSHE_INLINE_WORKER=off",
		"WUSHE_BOOTSTRAP_ADMIN_PHONE="+adminPhone,
		"WUSHE_BOOTSTRAP_ADMIN_PASSWORD="+adminPassword,
		"WUSHE_JOB_SCHEDULE="+jobSchedule,
		"WUSHE_SHUTDOWN_TIMEOUT=5s",
		"WUSHE_LOG_LEVEL=info",
	)
	for i, name := range []string{"A", "B"} {
		port := ports["serve"+name]
		base := "http://127.0.0.1:" + strconv.Itoa(port)
		c.replicas[i] = &replica{name: name, base: base, proc: &proc{name: "serve " + name, path: c.bin,
			logPath: filepath.Join(c.work, "serve-"+name+".log"), args: []string{"serve"},
			env:   append(slices.Clone(c.env), "WUSHE_ADDR=127.0.0.1:"+strconv.Itoa(port), "WUSHE_DATA_DIR="+filepath.Join(c.work, "serve-"+name)),
			ready: httpReady(base + "/readyz")}}
	}
	for i := range c.workers {
		name := "worker" + strconv.Itoa(i+1)
		addr := "127.0.0.1:" + strconv.Itoa(ports[name])
		c.workers[i] = &proc{name: name, path: c.bin, logPath: filepath.Join(c.work, name+".log"), args: []string{"worker"},
			env:   append(slices.Clone(c.env), "WUSHE_WORKER_ADDR="+addr, "WUSHE_DATA_DIR="+filepath.Join(c.work, name)),
			ready: httpReady("http://" + addr + "/healthz")}
	}
	// The first replica creates the indexes and the bootstrap account; the
	// rest start beside it at once.
	for _, p := range []*proc{c.redis, c.ferret, c.replicas[0].proc} {
		t0 := time.Now()
		if err := p.start(ctx); err != nil {
			return err
		}
		c.logf("   %-9s pid %-7d ready in %4.0f ms  log %s", p.name, p.pid(), ms(time.Since(t0)), p.logPath)
	}
	var wg sync.WaitGroup
	rest := []*proc{c.replicas[1].proc, c.workers[0], c.workers[1]}
	errs := make([]error, len(rest))
	for i, p := range rest {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			errs[i] = p.start(ctx)
			if errs[i] == nil {
				c.logf("   %-9s pid %-7d ready in %4.0f ms  log %s", p.name, p.pid(), ms(time.Since(t0)), p.logPath)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	c.logf("   replicas %s and %s, Redis %s, FerretDB %s", c.replicas[0].base, c.replicas[1].base, c.redisAddr, c.mongoAddr)
	return nil
}

// baseEnv is this process's environment without the service's variables,
// so nothing from the caller (CI exports MONGO_URI for the tests) leaks in.
func baseEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "WUSHE_") || strings.HasPrefix(k, "MONGO_") || strings.HasPrefix(k, "REDIS_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// stopAll stops every process prodcheck started: the replicas and workers
// first (they drain), then the stores.
func (c *checker) stopAll() {
	var wg sync.WaitGroup
	stop := func(ps ...*proc) {
		for _, p := range ps {
			if p == nil {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := p.stop(); err != nil {
					fmt.Fprintln(c.out, "prodcheck: stop:", err)
				}
			}()
		}
		wg.Wait()
	}
	var front []*proc
	for _, r := range c.replicas {
		if r != nil {
			front = append(front, r.proc)
		}
	}
	stop(append(front, c.workers[0], c.workers[1])...)
	stop(c.ferret, c.redis)
}

// summary prints the steps, the figures and the failures.
func (c *checker) summary() {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.out, "\n==== prodcheck summary (%.1fs, logs in %s)\n", time.Since(c.started).Seconds(), c.work)
	for _, s := range c.steps {
		mark := "ok  "
		if s.err != nil {
			mark = "STOP"
		}
		fmt.Fprintf(c.out, "  %s %6.1fs  %s\n", mark, s.dur.Seconds(), s.name)
	}
	checked := 0
	var other []string
	for _, w := range c.writes {
		if w.check != nil {
			checked++
		} else {
			other = append(other, w.what+": "+w.why)
		}
	}
	fmt.Fprintf(c.out, "  acknowledged writes: %d read back on both replicas after each fault and at the end\n", checked)
	for _, o := range other {
		fmt.Fprintf(c.out, "  acknowledged write %s\n", o)
	}
	for _, n := range c.notes {
		fmt.Fprintf(c.out, "  %s\n", n)
	}
	if len(c.failures) == 0 {
		fmt.Fprintln(c.out, "PASS")
		return
	}
	fmt.Fprintf(c.out, "FAIL: %d failed checks\n", len(c.failures))
	for _, f := range c.failures {
		fmt.Fprintf(c.out, "  - %s\n", f)
	}
}
