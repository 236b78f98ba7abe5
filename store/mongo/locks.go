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
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
)

// colLocks holds one document per held lock, _id = the lock's key, and a
// takeover marker per lapsed lock taken over, _id = key + "#takeover#" +
// the lapsed holder's token. colLockOwners holds one document per process
// that holds or held locks, _id = its owner id, with the last time it was
// seen alive.
const (
	colLocks      = "locks"
	colLockOwners = "lock_owners"
)

func init() { register(colLocks); register(colLockOwners) }

// ownerBeat is how often a process that holds locks says it is alive. A
// lock lapses when its owner has not been seen for the lock's ttl, and at
// least for three beats (or when it was held for maxHold, whatever the
// owner says): so one small write per process every ownerBeat keeps any
// number of its locks, however long a loaded machine makes them take.
const (
	ownerBeat = time.Second
	minLapse  = 3 * ownerBeat
	maxHold   = 10 * time.Minute
)

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
// that long is not. A process that holds locks says every ownerBeat that
// it is alive, so a slow holder keeps its lock; a holder whose process
// died (or froze) leaves locks that lapse after their ttl, and the next
// contender takes them over (see takeOver).
type Locks struct {
	db    *DB
	owner string // this process's owner id

	mu      sync.Mutex
	local   map[string]*localLock
	beating bool              // the owner's heartbeat runs
	stop    chan struct{}     // closed by close: the heartbeat ends
	orphans map[string]string // key → token of locks whose release failed
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
	d.locksOnce.Do(func() {
		d.locks = &Locks{db: d, owner: newToken(), local: map[string]*localLock{}, stop: make(chan struct{})}
	})
	return d.locks
}

type lockDoc struct {
	ID      string    `bson:"_id"`
	Token   string    `bson:"token"`
	Owner   string    `bson:"owner"`
	LapseMs int64     `bson:"lapseMs"` // the ttl: how long the owner may go unseen
	At      time.Time `bson:"at"`
}

type ownerDoc struct {
	ID     string    `bson:"_id"`
	SeenAt time.Time `bson:"seenAt"`
}

// Lock takes key; it lapses if this process is not seen alive for ttl. It
// waits for other holders as long as the lock keeps changing hands, and
// gives up with an error wrapping service.ErrLockWait when one holder kept
// it for wait; ctx bounds the whole call. The returned unlock releases it
// (only if this holder still owns it).
func (l *Locks) Lock(ctx context.Context, key string, ttl, wait time.Duration) (func(), error) {
	if err := l.beat(ctx); err != nil {
		return nil, err
	}
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
		if err := l.deleteIf(rctx, key, token); err != nil {
			l.orphan(key, token) // retried by the heartbeat, so it does not block others until maxHold
		}
	}
	backoff := time.Millisecond
	var holder string // the other process's token seen last, and since when
	var since time.Time
	for {
		now := time.Now()
		_, err := coll.InsertOne(ctx, lockDoc{ID: key, Token: token, Owner: l.owner, LapseMs: ttl.Milliseconds(), At: now})
		if err == nil {
			return func() { release(); releaseLocal() }, nil
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

// beat makes sure this process's heartbeat runs: it records now that the
// owner is alive (so a lock taken next cannot look lapsed) and then every
// ownerBeat until the database is closed. One write per process, whatever
// the number of locks held, on the owner's own document (no other writer).
func (l *Locks) beat(ctx context.Context) error {
	l.mu.Lock()
	running := l.beating
	l.beating = true
	l.mu.Unlock()
	if running {
		return nil
	}
	coll := l.db.db.Collection(colLockOwners)
	seen := func(ctx context.Context) error {
		_, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: l.owner}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "seenAt", Value: time.Now()}}}}, options.UpdateOne().SetUpsert(true))
		return translate(err, "lock owner heartbeat")
	}
	if err := seen(ctx); err != nil {
		l.mu.Lock()
		l.beating = false
		l.mu.Unlock()
		return err
	}
	go func() {
		t := time.NewTicker(ownerBeat)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-t.C:
			}
			bctx, cancel := context.WithTimeout(context.Background(), ownerBeat)
			_ = seen(bctx)
			l.releaseOrphans(bctx)
			cancel()
		}
	}()
	return nil
}

// orphan remembers a lock whose release failed, to release it later.
func (l *Locks) orphan(key, token string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.orphans == nil {
		l.orphans = map[string]string{}
	}
	l.orphans[key] = token
}

// releaseOrphans retries the releases that failed.
func (l *Locks) releaseOrphans(ctx context.Context) {
	l.mu.Lock()
	todo := l.orphans
	l.orphans = nil
	l.mu.Unlock()
	for key, token := range todo {
		if err := l.deleteIf(ctx, key, token); err != nil {
			l.orphan(key, token)
		}
	}
}

// close ends the heartbeat (the database is being closed); this process's
// locks then lapse after their ttl.
func (l *Locks) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
}

// deleteIf removes key's lock document if token still holds it. The
// document is read and then deleted by its _id alone: FerretDB uses an
// index only for a filter that is exactly {_id}, and scans the collection
// for any other. Between the two the holder cannot change: only a lapsed
// lock is taken over, and a holder deleting its own lock has not lapsed.
func (l *Locks) deleteIf(ctx context.Context, key, token string) error {
	coll := l.db.db.Collection(colLocks)
	var cur lockDoc
	err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&cur)
	if terr := translate(err, "read lock "+key); errors.Is(terr, models.ErrNotFound) {
		return nil
	} else if terr != nil {
		return terr
	}
	if cur.Token != token {
		return nil
	}
	_, err = coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}})
	return translate(err, "unlock "+key)
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
	if lapsed, err := l.lapsed(ctx, &cur); err != nil || !lapsed {
		return cur.Token, false, err
	}
	marker := lockDoc{ID: key + "#takeover#" + cur.Token, Token: cur.Token, Owner: l.owner, At: time.Now()}
	if _, err := coll.InsertOne(ctx, marker); err != nil {
		if terr := translate(err, "take over lock "+key); errors.Is(terr, models.ErrConflict) {
			return cur.Token, false, nil // another contender is taking it over
		} else {
			return "", false, terr
		}
	}
	if err := l.deleteIf(ctx, key, cur.Token); err != nil {
		return "", false, err
	}
	return "", true, nil
}

// lapsed reports whether a lock's owner has gone unseen for the lock's ttl
// (its process died or froze), or the lock was held for maxHold.
func (l *Locks) lapsed(ctx context.Context, cur *lockDoc) (bool, error) {
	if time.Since(cur.At) > maxHold {
		return true, nil
	}
	if cur.Owner == l.owner {
		// The caller holds this process's slot for the key, so no request
		// of this process holds the lock: the document is one whose
		// release failed.
		return true, nil
	}
	var o ownerDoc
	err := l.db.db.Collection(colLockOwners).FindOne(ctx, bson.D{{Key: "_id", Value: cur.Owner}}).Decode(&o)
	lapse := max(time.Duration(cur.LapseMs)*time.Millisecond, minLapse)
	if terr := translate(err, "read lock owner"); errors.Is(terr, models.ErrNotFound) {
		return time.Since(cur.At) > lapse, nil
	} else if terr != nil {
		return false, terr
	}
	return time.Since(o.SeenAt) > lapse, nil
}

func newToken() string {
	b := make([]byte, 16)
	_, _ = crand.Read(b)
	return hex.EncodeToString(b)
}
