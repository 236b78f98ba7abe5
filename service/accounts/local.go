package accounts

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/wushe/wushe/models"
)

// LocalAccountTTL bounds how stale a replica's memory of an account may be
// when it did not hear of a change: a change made on this replica clears
// its entry at once, and one made on another replica clears it when the
// bus message arrives (milliseconds); a message lost with Redis leaves the
// old copy for at most this long. What decides whether a token stands (the
// account's status, its mark, its role bindings, the login family) is
// never read from here: Authenticate reads the token gates (Redis, then
// MongoDB), so this bound concerns what an account reads back (a name, a
// phone), never who may act.
const LocalAccountTTL = 5 * time.Second

// localAccountsMax caps the entries one replica keeps: beyond it, expired
// entries are dropped, then everything (the next reads refill it).
const localAccountsMax = 200_000

// AccountsChannel is the bus channel on which replicas announce account
// changes (the message is the account id; "*" forgets every account).
const AccountsChannel = "accounts"

// Bus carries change notices between replicas (Redis pub/sub).
type Bus interface {
	Publish(ctx context.Context, channel, msg string) error
	// Subscribe calls fn with each message until ctx ends; it returns once subscribed.
	Subscribe(ctx context.Context, channel string, fn func(msg string)) error
}

// LocalAccounts is a replica's memory of account documents in front of
// MongoDB: Cached and AccountsByIDs (what pages show) answer from memory
// when it read the account less than LocalAccountTTL ago; AccountByID always reads MongoDB (and refreshes the
// memory). Every write through it clears the account's
// entry here and tells the other replicas (Follow) to clear theirs. A
// read that began before a change cannot refill the entry with what it
// read: entries are filled only when no change was heard since the read
// began (an epoch counter).
type LocalAccounts struct {
	AccountStore
	changes AccountChangeStore
	bus     Bus
	log     *slog.Logger
	now     func() time.Time

	mu      sync.Mutex
	epoch   uint64
	entries map[string]localAccount
}

type localAccount struct {
	a  *models.Account
	at time.Time
}

// fresh reports whether the entry, read at e.at, may still answer at now
// (a clock that went back makes it stale).
func (e localAccount) fresh(now time.Time) bool {
	return now.Sub(e.at) < LocalAccountTTL && !now.Before(e.at)
}

// NewLocalAccounts puts a replica's memory in front of accounts and changes
// (both the same MongoDB collection). bus may be nil (one replica).
func NewLocalAccounts(accounts AccountStore, changes AccountChangeStore, bus Bus, now func() time.Time, log *slog.Logger) *LocalAccounts {
	return &LocalAccounts{AccountStore: accounts, changes: changes, bus: bus, now: now, log: log,
		entries: map[string]localAccount{}}
}

// Follow clears the entries other replicas announce changes of, until ctx
// ends. Without it, a change on another replica is seen within
// LocalAccountTTL.
func (l *LocalAccounts) Follow(ctx context.Context) error {
	if l.bus == nil {
		return nil
	}
	return l.bus.Subscribe(ctx, AccountsChannel, func(id string) {
		if id == "*" {
			l.ForgetAll()
			return
		}
		l.forget(id)
	})
}

// ForgetAll empties the memory (after a Redis outage: notices may have been
// lost meanwhile).
func (l *LocalAccounts) ForgetAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.epoch++
	clear(l.entries)
}

// Cached answers from memory when it read the account less than
// LocalAccountTTL ago, else reads MongoDB and remembers the answer. For
// reads only (what a page shows): a read-modify-write reads AccountByID.
// The caller gets its own copy.
func (l *LocalAccounts) Cached(ctx context.Context, id string) (*models.Account, error) {
	now := l.now()
	l.mu.Lock()
	e, ok := l.entries[id]
	epoch := l.epoch
	l.mu.Unlock()
	if ok && e.fresh(now) {
		return copyAccount(e.a), nil
	}
	return l.read(ctx, id, epoch, now)
}

// AccountsByIDs answers a page's accounts (names, phones to show) from
// memory where it read them less than LocalAccountTTL ago, and reads the
// rest from MongoDB in one query, remembering them.
func (l *LocalAccounts) AccountsByIDs(ctx context.Context, ids []string) (map[string]*models.Account, error) {
	now := l.now()
	out := make(map[string]*models.Account, len(ids))
	var missing []string
	l.mu.Lock()
	epoch := l.epoch
	for _, id := range ids {
		if e, ok := l.entries[id]; ok && e.fresh(now) {
			out[id] = copyAccount(e.a)
		} else if _, seen := out[id]; !seen {
			missing = append(missing, id)
		}
	}
	l.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	read, err := l.AccountStore.AccountsByIDs(ctx, missing)
	if err != nil {
		return nil, err
	}
	for id, a := range read {
		l.fill(id, a, epoch, now)
		out[id] = copyAccount(a)
	}
	return out, nil
}

// AccountByID reads the account from MongoDB, never from memory (what a
// change or a token's standing is decided on), and remembers it.
func (l *LocalAccounts) AccountByID(ctx context.Context, id string) (*models.Account, error) {
	now := l.now()
	l.mu.Lock()
	epoch := l.epoch
	l.mu.Unlock()
	return l.read(ctx, id, epoch, now)
}

func (l *LocalAccounts) read(ctx context.Context, id string, epoch uint64, now time.Time) (*models.Account, error) {
	a, err := l.AccountStore.AccountByID(ctx, id)
	if err != nil {
		return nil, err
	}
	l.fill(id, a, epoch, now)
	return copyAccount(a), nil
}

// fill remembers a, read at now, unless a change was heard since epoch.
func (l *LocalAccounts) fill(id string, a *models.Account, epoch uint64, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.epoch != epoch {
		return
	}
	if len(l.entries) >= localAccountsMax {
		for k, e := range l.entries {
			if !e.fresh(now) {
				delete(l.entries, k)
			}
		}
		if len(l.entries) >= localAccountsMax {
			clear(l.entries)
		}
	}
	l.entries[id] = localAccount{a: copyAccount(a), at: now}
}

// forget drops id's entry and refuses every fill begun before.
func (l *LocalAccounts) forget(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.epoch++
	delete(l.entries, id)
}

// changed forgets id here and tells the other replicas. A lost notice
// leaves their copy for at most LocalAccountTTL.
func (l *LocalAccounts) changed(ctx context.Context, id string) {
	l.forget(id)
	if l.bus == nil {
		return
	}
	if err := l.bus.Publish(context.WithoutCancel(ctx), AccountsChannel, id); err != nil && l.log != nil {
		l.log.WarnContext(ctx, "account change not announced to other replicas; their copies lapse within the bound",
			"account", id, "bound", LocalAccountTTL.String(), "err", err)
	}
}

// CreateAccount inserts a and forgets any entry of its id.
func (l *LocalAccounts) CreateAccount(ctx context.Context, a *models.Account) error {
	err := l.AccountStore.CreateAccount(ctx, a)
	l.changed(ctx, a.ID)
	return err
}

// SetRoles replaces the account's bindings and forgets its entry, here and
// on the other replicas (also when the write failed: it may have landed).
func (l *LocalAccounts) SetRoles(ctx context.Context, id string, roles []models.RoleBinding, at time.Time) error {
	err := l.AccountStore.SetRoles(ctx, id, roles, at)
	l.changed(ctx, id)
	return err
}

// Changes is the account-change store with the same memory: saving an
// account forgets it everywhere.
func (l *LocalAccounts) Changes() AccountChangeStore { return localChanges{l.changes, l} }

// localChanges passes account changes through, forgetting what they change.
type localChanges struct {
	AccountChangeStore
	l *LocalAccounts
}

// SaveAccount writes a's mutable fields and forgets its entry everywhere
// (also when the write failed: it may have landed).
func (c localChanges) SaveAccount(ctx context.Context, a *models.Account) error {
	err := c.AccountChangeStore.SaveAccount(ctx, a)
	c.l.changed(ctx, a.ID)
	return err
}

// copyAccount is a copy the caller may change without changing the memory.
func copyAccount(a *models.Account) *models.Account {
	c := *a
	c.Roles = slices.Clone(a.Roles)
	return &c
}
