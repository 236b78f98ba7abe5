package service

// The shared floor every domain calls through core.Shared: the audit log,
// object locks and recorded state transitions (inboxes are in notify.go,
// rate limits in ratelimit.go, degraded parts in degraded.go).

import (
	"context"
	"errors"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// Page asks for one page of a list (see core.Page).
type Page = core.Page

// MaxPageSize caps every list.
const MaxPageSize = core.MaxPageSize

// TransitionStore records state changes; a record's key (object, seq) is
// unique, so of two concurrent changes of one object only one is recorded.
type TransitionStore interface {
	// RecordTransition inserts t; models.ErrConflict when (t.Object, t.Seq) exists.
	RecordTransition(ctx context.Context, t *models.Transition) error
	// Transitions lists an object's changes in order.
	Transitions(ctx context.Context, object string) ([]models.Transition, error)
}

// AuditStore is the append-only log of privileged reads and actions.
type AuditStore interface {
	AppendAudit(ctx context.Context, e *models.AuditEntry) error
	AuditReader
}

// audit writes an audit entry; a failure is logged, never hidden.
func (s *Service) audit(ctx context.Context, actor *Actor, action, object, divisionCode, reason string) error {
	e := &models.AuditEntry{ID: core.NewID(), At: s.now(), ActorID: actor.AccountID, Action: action, Object: object,
		DivisionCode: divisionCode, Reason: reason}
	if err := s.st.Audit.AppendAudit(ctx, e); err != nil {
		s.log.ErrorContext(ctx, "audit write failed", "action", action, "object", object, "err", err)
		return err
	}
	return nil
}

// errStaleState is returned when a concurrent change won the race.
var errStaleState = core.ErrStaleState

// lockWait bounds how long a request waits its turn for an object another
// request is changing, and lockTTL how long a holder may keep it (after
// that the lock lapses, should its holder have died). A wait runs out only
// when something holds the object far longer than any change takes.
const (
	lockWait = 8 * time.Second
	lockTTL  = 15 * time.Second
)

// errObjectBusy answers a request whose object stayed locked beyond
// lockWait: nothing was changed, and the same request may be sent again.
var errObjectBusy = &models.Error{Kind: models.KindUnavailable, Code: models.CodeObjectBusy, RetryAfter: 2,
	Zh: "该对象正在被其他请求修改，请稍后重试", En: "the object is being changed by another request; retry shortly"}

// withLock runs fn holding the object's lock. FerretDB applies every update
// as read-modify-write with no lock, so two unserialised writes of one
// document can lose one; every read-modify-write of a shared object runs
// under its lock. (Races over places, money and votes are decided by
// unique inserts instead, which need no lock.) The lock lives in MongoDB
// (store/mongo Locks): a Redis outage does not stop a write.
func (s *Service) withLock(ctx context.Context, object string, fn func() error) error {
	unlock, err := s.lock(ctx, object, lockWait)
	if err != nil {
		return err
	}
	defer unlock()
	return fn()
}

// lock takes the object's lock, waiting up to wait for other requests
// that hold it (the store's own latency does not count: a busy database
// slows a request, it does not fail it).
func (s *Service) lock(ctx context.Context, object string, wait time.Duration) (func(), error) {
	unlock, err := s.st.Locker.Lock(ctx, object, lockTTL, wait)
	switch {
	case err == nil:
		return unlock, nil
	case errors.Is(err, ErrLockWait):
		return nil, errObjectBusy.Wrap(err)
	case errors.As(err, new(*models.Error)):
		return nil, err
	}
	return nil, models.ErrUnavailable.Wrap(err)
}

// AuditReader lists the audit log.
type AuditReader interface {
	Audit(ctx context.Context, division string, p Page) ([]*models.AuditEntry, string, error)
}

// AuditLog lists the audit entries of a division for its civil affairs.
func (s *Service) AuditLog(ctx context.Context, actor *Actor, division string, p Page) ([]*models.AuditEntry, string, error) {
	if division == "" {
		if b := actor.Bindings(models.RoleCivilAffairs); len(b) > 0 {
			division = b[0].DivisionCode
		}
	}
	if !actor.Governs(division) {
		return nil, "", core.ErrForbidden
	}
	return s.st.Audit.Audit(ctx, division, p.Normalised())
}

// recordTransition records t. When its step is taken already, either a
// concurrent change won (the object has moved on) or a writer recorded the
// step and died before updating the object: then the object is rolled
// forward with apply to the last recorded step, and errStaleState tells the
// caller to reload. Callers hold the object's lock.
func (s *Service) recordTransition(ctx context.Context, t *models.Transition, apply func(last models.Transition) error) error {
	err := s.st.Transitions.RecordTransition(ctx, t)
	if !core.IsKind(err, models.KindConflict) {
		return err
	}
	trail, terr := s.st.Transitions.Transitions(ctx, t.Object)
	if terr != nil {
		return terr
	}
	if n := len(trail); n > 0 && trail[n-1].Seq >= t.Seq {
		s.log.WarnContext(ctx, "rolling an object forward to its recorded state", "object", t.Object, "seq", trail[n-1].Seq)
		if err := apply(trail[n-1]); err != nil {
			return err
		}
	}
	return errStaleState
}

// tryLocked runs fn under the object's lock if the lock is free within a
// moment, and answers core.ErrBusy otherwise: a request that only repeats one in
// flight is refused at once instead of queueing behind it.
func tryLocked[T any](s *Service, ctx context.Context, object string, fn func() (T, error)) (T, error) {
	var zero T
	unlock, err := s.lock(ctx, object, 50*time.Millisecond)
	if err != nil {
		if errors.Is(err, ErrLockWait) {
			return zero, core.ErrBusy
		}
		return zero, err
	}
	defer unlock()
	return fn()
}

// tryLock is tryLocked for a function with no result.
func (s *Service) tryLock(ctx context.Context, object string, fn func() error) error {
	_, err := tryLocked(s, ctx, object, func() (struct{}, error) { return struct{}{}, fn() })
	return err
}

// shared is what the domains call in the shared floor (see core.Shared).
func (s *Service) shared() *core.Shared {
	return &core.Shared{Now: s.now, Log: s.log, Audit: s.audit, Notify: s.notify, NotifyAll: s.notifyAll,
		Degraded: s.degraded, Limit: s.limit, LimitExpensive: s.limitExpensive, WithLock: s.withLock,
		TryLock: s.tryLock, RecordTransition: s.recordTransition}
}
