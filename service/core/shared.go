package core

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"time"

	"github.com/wushe/wushe/models"
)

// Shared is what every domain calls in the shared floor of the service:
// the clock and the log, the audit log, the inboxes, rate limits, object
// locks and recorded state transitions. service.New builds one and hands
// it to each domain with the domain's own stores and dependencies.
type Shared struct {
	// Now is the clock, UTC to the millisecond (tests inject their own).
	Now func() time.Time
	Log *slog.Logger
	// Audit writes an audit entry; a failure is logged and returned.
	Audit func(ctx context.Context, actor *Actor, action, object, divisionCode, reason string) error
	// Notify puts n in its account's inbox and sends it on every channel
	// when it is new; it reports whether it was new.
	Notify func(ctx context.Context, n *models.Notification) (bool, error)
	// NotifyAll notifies each account once; it returns how many were new.
	NotifyAll func(ctx context.Context, accountIDs []string, make func(accountID string) *models.Notification) (int, error)
	// Degraded logs (at most once a minute per part) that an optional part failed.
	Degraded func(ctx context.Context, part string, err error)
	// Limit counts one attempt under key: a 429 once more than limit fell in the window.
	Limit func(ctx context.Context, key string, limit int, window time.Duration) error
	// LimitExpensive counts one expensive read of kind by the actor.
	LimitExpensive func(ctx context.Context, actor *Actor, kind string) error
	// WithLock runs fn holding the object's lock (see service.withLock).
	WithLock func(ctx context.Context, object string, fn func() error) error
	// TryLock runs fn holding the object's lock if it is free within a
	// moment, and answers ErrBusy otherwise.
	TryLock func(ctx context.Context, object string, fn func() error) error
	// RecordTransition records a state change (see service.recordTransition);
	// ErrStaleState when a concurrent change won.
	RecordTransition func(ctx context.Context, t *models.Transition, apply func(last models.Transition) error) error
}

// Locked runs fn under the object's lock and returns its result.
func Locked[T any](sh *Shared, ctx context.Context, object string, fn func() (T, error)) (T, error) {
	var out T
	err := sh.WithLock(ctx, object, func() error {
		var err error
		out, err = fn()
		return err
	})
	return out, err
}

// TryLocked runs fn under the object's lock if it is free within a moment
// (ErrBusy otherwise) and returns its result.
func TryLocked[T any](sh *Shared, ctx context.Context, object string, fn func() (T, error)) (T, error) {
	var out T
	err := sh.TryLock(ctx, object, func() error {
		var err error
		out, err = fn()
		return err
	})
	return out, err
}

// The errors every domain answers with.
var (
	ErrForbidden = models.E(models.KindForbidden, "无权操作该对象", "you may not act on this object")
	ErrNotFound  = models.E(models.KindNotFound, "对象不存在", "no such object")
	// ErrBusy answers a request that found its object busy with another
	// request of the same kind (a double press of "accept", say).
	ErrBusy = models.E(models.KindConflict, "该请求正在处理中，请稍后查看结果", "the same request is being handled; check the result shortly").WithCode(models.CodeRequestInProgress)
)

// IsKind reports whether err is a models.Error of kind k.
func IsKind(err error, k models.Kind) bool {
	var e *models.Error
	return errors.As(err, &e) && e.Kind == k
}

// IsOutage reports whether err is a store failing (not a rule refusing).
func IsOutage(err error) bool {
	k := models.KindOf(err)
	return k == models.KindInternal || k == models.KindUnavailable
}

// NewID returns a new random object id (32 hex digits).
func NewID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return hex.EncodeToString(b)
}

// Collect adds err's field problems to p (other errors add nothing).
func Collect(p *models.Problems, err error) {
	if e, ok := err.(*models.Error); ok && e != nil {
		*p = append(*p, e.Fields...)
	}
}

// AllPages reads every page of a list, size items at a time.
func AllPages[T any](size int, fetch func(Page) ([]T, string, error)) ([]T, error) {
	var out []T
	p := Page{Limit: size}
	for {
		items, next, err := fetch(p)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" || len(items) == 0 {
			return out, nil
		}
		p.Cursor = next
	}
}
