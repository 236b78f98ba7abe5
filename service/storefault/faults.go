// Package storefault wraps the service's stores so that a test can fail
// the Nth store call of a flow, either before the call reaches the store
// (nothing was written) or after it returned (the write took effect but the
// caller saw an error, as when an acknowledgement is lost), and then retry
// the flow until it completes. The wrappers are generated from
// service.Stores, so a store method added later is counted too.
package storefault

//go:generate go run ./internal/gen

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
)

// ErrInjected is the cause of every failure the wrappers make.
var ErrInjected = errors.New("storefault: injected failure")

// Mode says when the failing call fails.
type Mode int

const (
	// Before fails the call without making it.
	Before Mode = iota
	// After makes the call and then reports a failure.
	After
)

func (m Mode) String() string {
	if m == After {
		return "after"
	}
	return "before"
}

// Faults counts store calls and fails the one it is armed for.
type Faults struct {
	mu     sync.Mutex
	calls  int
	failAt int // 0: fail nothing
	mode   Mode
	failed string // the operation that was failed, once
	ops    []string
}

// Wrap returns s with every set store wrapped, and the Faults that drive them.
func Wrap(s service.Stores) (service.Stores, *Faults) {
	f := &Faults{}
	out := wrap(s, f)
	if s.Locker != nil {
		out.Locker = lockerFault{inner: s.Locker, f: f}
	}
	return out, f
}

// Arm restarts the count: the nth call from now on that can fail fails
// once, in the given mode.
func (f *Faults) Arm(n int, m Mode) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls, f.failAt, f.mode, f.failed, f.ops = 0, n, m, "", nil
}

// Disarm stops failing calls and restarts the count.
func (f *Faults) Disarm() { f.Arm(0, Before) }

// Failed names the operation that was failed since Arm ("" when none was).
func (f *Faults) Failed() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failed
}

// Ops lists the operations counted since Arm, in order.
func (f *Faults) Ops() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.ops...)
}

func injected(op string) error {
	return models.ErrUnavailable.Wrap(errors.Join(ErrInjected, errors.New(op)))
}

// before counts a call and fails it when it is the armed call of mode Before.
func (f *Faults) before(op string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.ops = append(f.ops, op)
	if f.failAt == f.calls && f.mode == Before {
		f.failed = op
		return injected(op)
	}
	return nil
}

// after fails a call that was made when it is the armed call of mode After
// (a call that failed by itself keeps its own error).
func (f *Faults) after(op string, err error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failAt != f.calls || f.mode != After || f.failed != "" || f.ops[len(f.ops)-1] != op {
		return err
	}
	f.failed = op
	if err != nil {
		return err
	}
	return injected(op)
}

// lockerFault is written by hand: a lock whose taking is failed after the
// fact must be let go, as the contract says a failed Lock holds nothing.
type lockerFault struct {
	inner service.Locker
	f     *Faults
}

func (w lockerFault) Lock(ctx context.Context, key string, ttl, wait time.Duration) (func(), error) {
	if err := w.f.before("Locker.Lock"); err != nil {
		return nil, err
	}
	unlock, err := w.inner.Lock(ctx, key, ttl, wait)
	if err2 := w.f.after("Locker.Lock", err); err2 != nil {
		if err == nil {
			unlock()
		}
		return nil, err2
	}
	return unlock, nil
}
