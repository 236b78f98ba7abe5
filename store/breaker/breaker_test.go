package breaker

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

// fakeStore is a store whose reachability the test sets.
type fakeStore struct{ down atomic.Bool }

func (f *fakeStore) probe(context.Context) error {
	if f.down.Load() {
		return errors.New("connection refused")
	}
	return nil
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// eventually waits for cond (the probe runs on its own goroutine).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 1000 {
		if cond() {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("never: %s", what)
}

func TestTripAllowsNothingUntilTheProbeSucceeds(t *testing.T) {
	var st fakeStore
	b := New("db", st.probe, 10*time.Millisecond, quiet())
	defer b.Close()
	var changes []bool
	changed := make(chan bool, 4)
	b.OnChange(func(up bool) { changed <- up })
	if !b.Up() || b.Allow() != nil || b.Context().Err() != nil {
		t.Fatal("a new breaker is not closed")
	}
	outage := b.Context()
	st.down.Store(true)
	b.Trip(errors.New("heartbeat failed"))
	b.Trip(errors.New("again")) // a second trip changes nothing
	if b.Up() || !errors.Is(b.Allow(), ErrOpen) {
		t.Fatal("tripped breaker allows requests")
	}
	if !errors.Is(context.Cause(outage), ErrOpen) {
		t.Fatalf("in-flight work was not released: %v", context.Cause(outage))
	}
	var o interface{ Outage() bool }
	if !errors.As(b.Allow(), &o) || !o.Outage() {
		t.Error("ErrOpen does not say it is an outage")
	}
	if b.Since().IsZero() || b.RetryAfter() < 1 {
		t.Errorf("since %v, retry after %d", b.Since(), b.RetryAfter())
	}
	changes = append(changes, <-changed)
	time.Sleep(50 * time.Millisecond) // several failed probes
	if b.Up() {
		t.Fatal("closed while the store is still down")
	}
	st.down.Store(false)
	eventually(t, "closed after the store came back", b.Up)
	changes = append(changes, <-changed)
	if len(changes) != 2 || changes[0] || !changes[1] {
		t.Errorf("transitions %v, want [false true]", changes)
	}
	if b.Context().Err() != nil {
		t.Error("the outage context of the new period is already done")
	}
}

func TestSuspectTripsOnlyWhenTheProbeFails(t *testing.T) {
	var st fakeStore
	b := New("cache", st.probe, 10*time.Millisecond, quiet())
	defer b.Close()
	for range 20 {
		b.Suspect(errors.New("slow reply"))
	}
	time.Sleep(30 * time.Millisecond)
	if !b.Up() {
		t.Fatal("a suspicion with a healthy store tripped the breaker")
	}
	st.down.Store(true)
	b.Suspect(errors.New("slow reply"))
	eventually(t, "tripped after a failed probe", func() bool { return !b.Up() })
}

func TestCheckTripsAndCloseStopsProbing(t *testing.T) {
	var st fakeStore
	var probes atomic.Int32
	probe := func(ctx context.Context) error { probes.Add(1); return st.probe(ctx) }
	b := New("db", probe, 5*time.Millisecond, quiet())
	st.down.Store(true)
	if err := b.Check(context.Background()); err == nil || b.Up() {
		t.Fatalf("check of a dead store: %v, up %v", err, b.Up())
	}
	b.Close()
	time.Sleep(20 * time.Millisecond)
	n := probes.Load()
	time.Sleep(30 * time.Millisecond)
	if probes.Load() != n {
		t.Error("probes went on after Close")
	}
}

// lateContext has reached its deadline but does not say so yet, as when a
// socket deadline taken from a context fires before the context's timer.
type lateContext struct{ context.Context }

func (lateContext) Deadline() (time.Time, bool) { return time.Now().Add(-time.Millisecond), true }

func TestCheckOutOfTimeAsksASecondOpinion(t *testing.T) {
	var st fakeStore // up: the check was only slow
	slow := func(ctx context.Context) error {
		if _, late := ctx.(lateContext); late {
			return errors.New("read tcp: i/o timeout") // the socket's deadline fired
		}
		return st.probe(ctx)
	}
	b := New("db", slow, 5*time.Millisecond, quiet())
	defer b.Close()
	var trips atomic.Int32
	b.OnChange(func(up bool) {
		if !up {
			trips.Add(1)
		}
	})
	if err := b.Check(lateContext{context.Background()}); err == nil {
		t.Fatal("the slow check did not fail")
	}
	time.Sleep(30 * time.Millisecond) // the second opinion
	if !b.Up() || trips.Load() > 0 {
		t.Fatal("a check that ran out of time tripped the breaker of a store that answers")
	}
}
