package mongo

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
)

// colLocks holds one document per held lock, _id = the lock's key, and a
// takeover marker per lapsed lock taken over, _id = key + "#takeover#" +
// the lapsed holder's token.
const colLocks = "locks"

func init() { register(colLocks) }

var _ service.Locker = (*Locks)(nil)

// Locks serialise short read-modify-write sections on one object across
// processes: FerretDB applies an update as read → change → write back with
// no lock between, so two unserialised writers of one document lose one
// (DESIGN.md). They live in MongoDB beside the data they guard, so a Redis
// outage or a Redis that lost its data changes nothing, and a lock is
// decided like every other race: by a unique insert.
//
// Waiters of one process queue in memory, in arrival order, so that only
// the head of each process's queue asks MongoDB; processes contend for the
// document by inserting it, and a loser polls with a short, jittered,
// growing pause. A waiter gives up (service.ErrLockWait) only when the
// lock has not changed hands for the whole wait: a long queue that moves
// is waited out (the request's deadline still bounds it), a holder stuck
// that long is not. A holder renews its lease while it holds the lock, so
// a slow holder keeps it; a holder that died (or whose process froze)
// leaves a lock that lapses after its ttl, and the next contender takes it
// over (see takeOver).
type Locks struct {
	db *DB

	mu    sync.Mutex
	local map[string]*localLock
}

// localLock is one key's in-process queue: a one-slot semaphore (channel
// senders are served in arrival order), the number of requests holding or
// waiting for it (the entry is dropped when nobody needs it), and when the
// slot last changed hands.
type localLock struct {
	slot  chan struct{}
	refs  int
	moved time.Time // guarded by Locks.mu
}

// Locks returns the database's lock service. Use one per process: its
// in-memory queue is what keeps a process's waiters from all polling.
func (d *DB) Locks() *Locks {
	d.locksOnce.Do(func() { d.locks = &Locks{db: d, local: map[string]*localLock{}} })
	return d.locks
}

type lockDoc struct {
	ID        string    `bson:"_id"`
	Token     string    `bson:"token"`
	ExpiresAt time.Time `bson:"expiresAt"`
	At        time.Time `bson:"at"`
}

// Lock takes key, renewing its lease of ttl while held. It waits for other
// holders as long as the lock keeps changing hands, and gives up with an
// error wrapping service.ErrLockWait when one holder kept it for wait;
// ctx bounds the whole call. The returned unlock releases it (only if this
// holder still owns it).
func (l *Locks) Lock(ctx context.Context, key string, ttl, wait time.Duration) (func(), error) {
	releaseLocal, err := l.queue(ctx, key, wait)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", key, err)
	}
	token := newToken()
	coll := l.db.db.Collection(colLocks)
	// release removes this holder's document; it must run even when the
	// request's context has ended, so it has its own short deadline.
	release := func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_, _ = coll.DeleteOne(rctx, bson.D{{Key: "_id", Value: key}, {Key: "token", Value: token}})
	}
	backoff := time.Millisecond
	var holder string // the other process's token seen last, and since when
	var since time.Time
	for {
		now := time.Now()
		_, err := coll.InsertOne(ctx, lockDoc{ID: key, Token: token, ExpiresAt: now.Add(ttl), At: now})
		if err == nil {
			stopRenewing := l.renew(ctx, key, token, ttl)
			return func() { stopRenewing(); release(); releaseLocal() }, nil
		}
		terr := translate(err, "lock "+key)
		if !errors.Is(terr, models.ErrConflict) {
			// The insert may have happened with its reply lost (a cancelled
			// context, a cut connection): remove it, or it would block
			// everyone until it lapses.
			release()
			releaseLocal()
			return nil, terr
		}
		cur, tookOver, err := l.takeOver(ctx, key)
		if err != nil {
			releaseLocal()
			return nil, err
		}
		if tookOver {
			continue // the lapsed lock is gone: insert again at once
		}
		if cur != holder {
			holder, since = cur, time.Now()
		} else if time.Since(since) > wait {
			releaseLocal()
			return nil, fmt.Errorf("lock %s: %w", key, service.ErrLockWait)
		}
		t := time.NewTimer(backoff/2 + rand.N(backoff/2+1))
		select {
		case <-ctx.Done():
			t.Stop()
			releaseLocal()
			return nil, fmt.Errorf("lock %s: %w", key, ctx.Err())
		case <-t.C:
		}
		backoff = min(backoff*2, 32*time.Millisecond)
	}
}

// renew extends the holder's lease every third of ttl until stopped, so
// that a holder slowed down (a loaded machine, a slow store) keeps its lock.
func (l *Locks) renew(ctx context.Context, key, token string, ttl time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(ttl / 3)
		defer t.Stop()
		coll := l.db.db.Collection(colLocks)
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ttl/3)
			_, _ = coll.UpdateOne(rctx, bson.D{{Key: "_id", Value: key}, {Key: "token", Value: token}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "expiresAt", Value: time.Now().Add(ttl)}}}})
			cancel()
		}
	}()
	return func() { close(done); wg.Wait() }
}

// queue waits for this process's turn at key: as long as the slot keeps
// changing hands, or until one holder has had it for wait.
func (l *Locks) queue(ctx context.Context, key string, wait time.Duration) (release func(), err error) {
	l.mu.Lock()
	ll := l.local[key]
	if ll == nil {
		ll = &localLock{slot: make(chan struct{}, 1), moved: time.Now()}
		l.local[key] = ll
	}
	ll.refs++
	l.mu.Unlock()
	done := func() {
		l.mu.Lock()
		if ll.refs--; ll.refs == 0 {
			delete(l.local, key)
		}
		l.mu.Unlock()
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case ll.slot <- struct{}{}:
			l.mu.Lock()
			ll.moved = time.Now()
			l.mu.Unlock()
			return func() {
				l.mu.Lock()
				ll.moved = time.Now()
				l.mu.Unlock()
				<-ll.slot
				done()
			}, nil
		case <-t.C:
			l.mu.Lock()
			stuck := time.Since(ll.moved)
			l.mu.Unlock()
			if stuck >= wait {
				done()
				return nil, service.ErrLockWait
			}
			t.Reset(wait - stuck) // the queue moved meanwhile: wait on
		case <-ctx.Done():
			done()
			return nil, ctx.Err()
		}
	}
}

// takeOver reads the lock document of key: it returns the holder's token,
// or removes the document if its lease has lapsed and reports that the
// lock is (now) free. Of several contenders who find the same lapsed lock,
// one wins the takeover by inserting its marker (keyed by the lapsed
// holder's token): FerretDB deletes by reading then deleting, so two
// deleters of one lapsed lock could otherwise remove a fresh lock that one
// of them had just inserted.
func (l *Locks) takeOver(ctx context.Context, key string) (holder string, free bool, err error) {
	coll := l.db.db.Collection(colLocks)
	var cur lockDoc
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&cur)
	if terr := translate(err, "read lock "+key); errors.Is(terr, models.ErrNotFound) {
		return "", true, nil // released meanwhile
	} else if terr != nil {
		return "", false, terr
	}
	if time.Now().Before(cur.ExpiresAt) {
		return cur.Token, false, nil
	}
	marker := lockDoc{ID: key + "#takeover#" + cur.Token, Token: cur.Token, ExpiresAt: cur.ExpiresAt, At: time.Now()}
	if _, err := coll.InsertOne(ctx, marker); err != nil {
		if terr := translate(err, "take over lock "+key); errors.Is(terr, models.ErrConflict) {
			return cur.Token, false, nil // another contender is taking it over
		} else {
			return "", false, terr
		}
	}
	if _, err := coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "token", Value: cur.Token}}); err != nil {
		return "", false, translate(err, "take over lock "+key)
	}
	return "", true, nil
}

func newToken() string {
	b := make([]byte, 16)
	_, _ = crand.Read(b)
	return hex.EncodeToString(b)
}
