// Package breaker is the circuit breaker in front of each store (MongoDB,
// Redis): after the first sign that the store is unreachable, requests fail
// at once with a clear error instead of each waiting for a driver timeout,
// a background probe watches for the store's return, and in-flight work
// waiting on the dead store is released.
//
// A Breaker is closed (the store is up) or open (down). Trip opens it: the
// transition is logged once, the outage context (Context) is cancelled so
// that work bound to it stops waiting, and a probe runs every interval
// until it succeeds; then the breaker closes, which is logged once too, and
// OnUp is called. Suspect runs one probe at once and trips on its failure:
// for signs that may be transient (a timeout) rather than certain (a
// refused connection).
package breaker

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// ErrOpen is the cause of the errors of an open breaker. It reports
// Outage() true, which is how layers that may not import the stores (the
// HTTP handlers) tell an outage already logged from a new failure.
var ErrOpen error = outageError{}

type outageError struct{}

func (outageError) Error() string { return "circuit breaker open: the store is unreachable" }

// Outage marks the error as an outage the breaker has logged.
func (outageError) Outage() bool { return true }

// Breaker guards one store.
type Breaker struct {
	name     string
	probe    func(ctx context.Context) error
	interval time.Duration
	log      *slog.Logger

	open    atomic.Bool
	since   atomic.Int64 // Unix ms of the last trip
	probing atomic.Bool  // a suspect probe or the probe loop is running

	mu     sync.Mutex
	outage context.Context // cancelled when the breaker trips; renewed when it closes
	cancel context.CancelCauseFunc

	onChange []func(up bool)
	stop     chan struct{} // closed by Close: no more probes
	stopOnce sync.Once
}

// ProbeTimeout bounds one probe. It is generous: a store that is merely
// busy (a machine under load, a pool of connections all in use) must not
// look like an outage; probes should use a connection of their own.
const ProbeTimeout = 2 * time.Second

// New returns a closed breaker for the store called name, whose probe is
// run every interval while it is open (each with ProbeTimeout).
func New(name string, probe func(ctx context.Context) error, interval time.Duration, log *slog.Logger) *Breaker {
	if log == nil {
		log = slog.Default()
	}
	b := &Breaker{name: name, probe: probe, interval: interval, log: log, stop: make(chan struct{})}
	b.outage, b.cancel = context.WithCancelCause(context.Background())
	return b
}

// Name is the store's name.
func (b *Breaker) Name() string { return b.name }

// Up reports whether the breaker is closed.
func (b *Breaker) Up() bool { return !b.open.Load() }

// Since is when the breaker last tripped (zero when it never did).
func (b *Breaker) Since() time.Time {
	if ms := b.since.Load(); ms > 0 {
		return time.UnixMilli(ms)
	}
	return time.Time{}
}

// OnChange registers fn, called with false when the breaker trips and
// true when it closes again (metrics, resyncs).
func (b *Breaker) OnChange(fn func(up bool)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.onChange = append(b.onChange, fn)
}

// Allow is nil while the breaker is closed, and an error wrapping ErrOpen
// while it is open.
func (b *Breaker) Allow() error {
	if b.open.Load() {
		return ErrOpen
	}
	return nil
}

// Context is done while the breaker is open (its cause is ErrOpen): work
// that waits on the store can bind to it and stop waiting at the trip.
func (b *Breaker) Context() context.Context {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.outage
}

// Trip opens the breaker because of err (a sign that the store is down).
func (b *Breaker) Trip(err error) {
	if !b.open.CompareAndSwap(false, true) {
		return
	}
	b.since.Store(time.Now().UnixMilli())
	b.mu.Lock()
	b.cancel(ErrOpen)
	fns := append([]func(bool){}, b.onChange...)
	b.mu.Unlock()
	b.log.Error(b.name+" unreachable: failing fast until it answers again", "store", b.name, "err", err)
	for _, fn := range fns {
		fn(false)
	}
	b.startProbing()
}

// Suspect probes the store now (once, however many call it at the same
// time) and trips the breaker when the probe fails.
func (b *Breaker) Suspect(err error) {
	if b.open.Load() || !b.probing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), ProbeTimeout)
		perr := b.probe(ctx)
		cancel()
		b.probing.Store(false)
		if perr != nil {
			b.Trip(errors.Join(err, perr))
		}
	}()
}

func (b *Breaker) startProbing() {
	for !b.probing.CompareAndSwap(false, true) {
		time.Sleep(time.Millisecond) // a suspect probe is finishing
	}
	go func() {
		defer b.probing.Store(false)
		t := time.NewTicker(b.interval)
		defer t.Stop()
		for {
			select {
			case <-b.stop:
				return
			case <-t.C:
			}
			ctx, cancel := context.WithTimeout(context.Background(), ProbeTimeout)
			err := b.probe(ctx)
			cancel()
			if err == nil {
				b.close()
				return
			}
		}
	}()
}

func (b *Breaker) close() {
	b.mu.Lock()
	b.outage, b.cancel = context.WithCancelCause(context.Background())
	fns := append([]func(bool){}, b.onChange...)
	b.mu.Unlock()
	b.open.Store(false)
	b.log.Warn(b.name+" answers again", "store", b.name, "downFor", time.Since(b.Since()).Round(time.Millisecond).String())
	for _, fn := range fns {
		fn(true)
	}
}

// Close stops the probing (the store's client is being closed).
func (b *Breaker) Close() { b.stopOnce.Do(func() { close(b.stop) }) }

// Check runs the probe now and trips the breaker when it fails (readiness
// checks, which must see an outage even when no request has run into it).
func (b *Breaker) Check(ctx context.Context) error {
	err := b.probe(ctx)
	deadline, ok := ctx.Deadline()
	switch {
	case err == nil:
	// Too slow: a second opinion with the probe's own time. The deadline
	// counts even when ctx does not say so yet: a driver's socket deadline,
	// taken from ctx, often fires before ctx's own timer marks it done.
	case ctx.Err() != nil, ok && !time.Now().Before(deadline):
		b.Suspect(err)
	default:
		b.Trip(err)
	}
	return err
}

// RetryAfter is a sensible wait before retrying a request refused by an
// open breaker, in seconds.
func (b *Breaker) RetryAfter() int {
	return max(1, int((2*b.interval+time.Second-1)/time.Second))
}
