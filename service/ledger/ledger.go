// Package ledger appends money movements to a fund's append-only ledger.
// A ledger entry's key is (fund, seq): of two writers appending the same
// seq only one succeeds, which is how every money race is decided
// (DESIGN.md "Deciding races"); an idempotency key gives a movement one
// effect however often it is repeated. Who may move a fund's money is the
// caller's business (the service's policy); the ledger only keeps the
// balances right.
package ledger

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/wushe/wushe/models"
)

// FundView is a fund with its balances, read from the head of its ledger.
type FundView struct {
	Fund    *models.Fund
	Balance models.FundBalance
	HeadSeq int
	Open    bool // accepting applications now
}

// RemainingFen is total − reserved − granted.
func (v *FundView) RemainingFen() int64 { return v.Balance.RemainingFen() }

// Store is what the ledger needs of the fund store.
type Store interface {
	// AppendEntry inserts e at e.Seq: models.ErrConflict when that seq is
	// taken, or when e carries an idempotency key another entry of the
	// fund carries already. Entries are never updated or deleted.
	AppendEntry(ctx context.Context, e *models.LedgerEntry) error
	// Entry returns entry seq of the fund, models.ErrNotFound when absent (an _id lookup).
	Entry(ctx context.Context, fundID string, seq int) (*models.LedgerEntry, error)
	// HeadHint returns a seq the ledger is known to have reached (0 when
	// nothing is known): possibly stale, never beyond the real head.
	HeadHint(ctx context.Context, fundID string) int
	// HeadHints is HeadHint for many funds, in at most one round trip.
	HeadHints(ctx context.Context, fundIDs []string) map[string]int
	// EntriesAt reads the entries (fundIDs[i], seqs[i]) in one round trip;
	// absent ones are left out.
	EntriesAt(ctx context.Context, fundIDs []string, seqs []int) ([]*models.LedgerEntry, error)
	// NoteHead records that seq exists, best effort.
	NoteHead(ctx context.Context, fundID string, seq int)
	// ClaimKey inserts an idempotency claim: models.ErrConflict when the key is claimed.
	ClaimKey(ctx context.Context, c *models.FundKeyClaim) error
	// KeyClaim returns models.ErrNotFound when the key was never claimed on the fund.
	KeyClaim(ctx context.Context, fundID, key string) (*models.FundKeyClaim, error)
	// CompleteKey records the seq of the claim's entry (same value from every writer).
	CompleteKey(ctx context.Context, fundID, key string, seq int) error
}

// Movement is the outcome of a money movement.
type Movement struct {
	Entry    *models.LedgerEntry
	Replayed bool // an earlier request with the same Idempotency-Key made this entry
}

// Ledger appends movements; one per service instance.
type Ledger struct {
	st  Store
	now func() time.Time
	log *slog.Logger
	// gates bounds this instance's concurrent append attempts per fund
	// (fund id → chan struct{}); see fundGateSize.
	gates sync.Map
}

// New returns a ledger over st.
func New(st Store, now func() time.Time, log *slog.Logger) *Ledger {
	return &Ledger{st: st, now: now, log: log}
}

func isKind(err error, k models.Kind) bool {
	var e *models.Error
	return errors.As(err, &e) && e.Kind == k
}

// ledgerPatience bounds how long one movement keeps retrying after losing
// the race for the next seq. Every lost race is another writer's success,
// so the ledger always progresses; under hundreds of simultaneous writers
// (and a slow store) one writer may lose many rounds in a row, so the bound
// is a time, not a count. The jittered waits between rounds grow to 32 ms.
const ledgerPatience = 30 * time.Second

var errLedgerBusy = models.E(models.KindUnavailable, "资金账本繁忙，请稍后重试", "the fund's ledger is busy; retry shortly").WithCode(models.CodeObjectBusy)

var errKeyReused = models.E(models.KindConflict, "该幂等键已用于另一笔不同的资金操作", "this Idempotency-Key was used for a different money movement").WithCode(models.CodeIdempotencyKeyReuse)

// Append appends one movement to the fund's ledger: read the head,
// compute the next entry, insert it at head+1, and on losing that seq to
// another writer re-read and try again. A movement that would take a
// balance below zero is refused and nothing is written. With a key, the
// movement has one effect however often and however concurrently it is
// repeated: the key is claimed first, the entry carries the key (unique per
// fund in the store), and a repeat finds the entry by walking the ledger
// from the claim's start. Callers have authorised the actor.
func (l *Ledger) Append(ctx context.Context, by, fundID string, kind models.LedgerKind, fromReserve bool, amount int64, ref, key string) (*Movement, error) {
	if amount <= 0 || amount > models.MaxFundFen {
		return nil, models.Invalid("amountFen", "金额须为正数（单位：分），且不超过 100 亿元", "amount must be positive (in fen) and at most 10 billion yuan")
	}
	if len(ref) > 200 {
		return nil, models.Invalid("ref", "关联编号不超过 200 个字符", "ref must be at most 200 characters")
	}
	if key != "" {
		if err := models.ValidateIdempotencyKey(key); err != nil {
			return nil, err
		}
	}
	gate := l.fundGate(fundID)
	claimStart, seen := 0, 0
	started := time.Now()
	for attempt := 1; ; attempt++ {
		select {
		case gate <- struct{}{}:
		case <-ctx.Done():
			return nil, models.ErrUnavailable.Wrap(ctx.Err())
		}
		var m *Movement
		var err error
		if key != "" && claimStart == 0 {
			// Claimed inside the gate, so the claim's start is close to
			// the head and the walk from it is short.
			claimStart, m, err = l.claimKey(ctx, by, fundID, kind, fromReserve, amount, ref, key)
		}
		if m == nil && err == nil {
			m, err = l.appendOnce(ctx, &seen, claimStart, by, fundID, kind, fromReserve, amount, ref, key)
		}
		<-gate
		if err == nil {
			l.st.NoteHead(ctx, fundID, m.Entry.Seq)
			l.completeKey(ctx, fundID, key, m.Entry.Seq)
			return m, nil
		}
		if err != errLostRace {
			return nil, err
		}
		if time.Since(started) > ledgerPatience {
			l.log.WarnContext(ctx, "fund ledger busy: gave up", "fund", fundID, "attempts", attempt)
			return nil, errLedgerBusy
		}
		sleepJitter(ctx, attempt)
	}
}

// errLostRace: another writer took the seq; read the head again and retry.
var errLostRace = errors.New("lost the race for the next seq")

// appendOnce reads the head, returns the entry carrying key if one is met,
// else computes the next entry and inserts it at head+1. Without a key the
// walk up to the head starts at the latest seq known (the head hint or the
// seq this movement saw last). With a key it never skips an entry: it
// starts at the claim's start (every entry carrying the key comes after
// it), then goes on from the last seq it saw. An insert refused while its
// seq is still free was refused by the key's unique index: the ledger is
// then searched for the key from the claim's start.
func (l *Ledger) appendOnce(ctx context.Context, seen *int, claimStart int, by, fundID string, kind models.LedgerKind, fromReserve bool, amount int64, ref, key string) (*Movement, error) {
	from := max(claimStart, *seen)
	if key == "" {
		from = max(l.st.HeadHint(ctx, fundID), *seen)
	}
	head, mine, err := l.ledgerHead(ctx, fundID, from, key)
	if err != nil {
		return nil, err
	}
	*seen = head.Seq
	if mine != nil {
		return &Movement{Entry: mine, Replayed: true}, nil
	}
	after, err := head.FundBalance.Apply(kind, fromReserve, amount)
	if err != nil {
		return nil, err
	}
	next := &models.LedgerEntry{FundID: fundID, Seq: head.Seq + 1, Kind: kind, FromReserve: fromReserve, AmountFen: amount,
		Ref: ref, IdempotencyKey: key, FundBalance: after, At: l.now(), By: by}
	switch err := l.st.AppendEntry(ctx, next); {
	case err == nil:
		return &Movement{Entry: next}, nil
	case !isKind(err, models.KindConflict):
		return nil, err
	case key == "":
		return nil, errLostRace
	}
	if _, err := l.st.Entry(ctx, fundID, next.Seq); !isKind(err, models.KindNotFound) {
		return nil, errLostRace // the seq is taken (or the read failed): retry
	}
	if m, err := l.findKeyed(ctx, fundID, claimStart, key); err != nil || m != nil {
		return m, err
	}
	return nil, errLostRace
}

// findKeyed walks the ledger from claimStart for the entry carrying key.
func (l *Ledger) findKeyed(ctx context.Context, fundID string, claimStart int, key string) (*Movement, error) {
	_, mine, err := l.ledgerHead(ctx, fundID, claimStart, key)
	if err != nil || mine == nil {
		return nil, err
	}
	return &Movement{Entry: mine, Replayed: true}, nil
}

// fundGateSize bounds the append attempts one service instance makes on one
// fund at a time. It is not a lock and decides nothing (the unique insert
// of the next seq does, between these attempts and those of every other
// replica); it keeps hundreds of simultaneous requests from all re-reading
// the head and re-inserting after every append. One attempt at a time per
// process is best on FerretDB, whose writes are serialised anyway: 500
// simultaneous HTTP approvals (TestApprovalRace) took about half as long
// with 1 as with 8 in the same run, and the contended grant benchmark
// 4.6 ms/op against 9.9 (docs/performance.md).
const fundGateSize = 1

func (l *Ledger) fundGate(fundID string) chan struct{} {
	g, _ := l.gates.LoadOrStore(fundID, make(chan struct{}, fundGateSize))
	return g.(chan struct{})
}

// claimKey finds or inserts the idempotency claim for key on the fund. It
// returns the claim's start seq, or the movement when the claim records it.
func (l *Ledger) claimKey(ctx context.Context, by, fundID string, kind models.LedgerKind, fromReserve bool, amount int64, ref, key string) (int, *Movement, error) {
	c, err := l.st.KeyClaim(ctx, fundID, key)
	if isKind(err, models.KindNotFound) {
		c = &models.FundKeyClaim{FundID: fundID, Key: key, Kind: kind, FromReserve: fromReserve, AmountFen: amount, Ref: ref,
			StartSeq: l.st.HeadHint(ctx, fundID), At: l.now(), By: by}
		err = l.st.ClaimKey(ctx, c)
		if isKind(err, models.KindConflict) {
			c, err = l.st.KeyClaim(ctx, fundID, key)
		}
	}
	if err != nil {
		return 0, nil, err
	}
	if !c.Same(kind, fromReserve, amount, ref) {
		return 0, nil, errKeyReused
	}
	if c.Seq > 0 {
		e, err := l.st.Entry(ctx, fundID, c.Seq)
		if err != nil {
			return 0, nil, err
		}
		return 0, &Movement{Entry: e, Replayed: true}, nil
	}
	return max(c.StartSeq, 1), nil, nil
}

func (l *Ledger) completeKey(ctx context.Context, fundID, key string, seq int) {
	if key == "" {
		return
	}
	if err := l.st.CompleteKey(ctx, fundID, key, seq); err != nil {
		// The claim stays pending; a repeat finds the entry in the ledger.
		l.log.WarnContext(ctx, "completing an idempotency claim failed", "fund", fundID, "seq", seq, "err", err)
	}
}

// ledgerHead reads entry from (an existing seq; 0 starts at seq 1) and
// walks up to the head. With a key, it also returns the entry carrying it,
// if one is met on the way.
func (l *Ledger) ledgerHead(ctx context.Context, fundID string, from int, key string) (head, mine *models.LedgerEntry, err error) {
	if from < 1 {
		from = 1
	}
	start, err := l.st.Entry(ctx, fundID, from)
	if isKind(err, models.KindNotFound) && from > 1 {
		// A hint is never ahead of the ledger; should one be, start over.
		l.log.ErrorContext(ctx, "fund head hint beyond the ledger", "fund", fundID, "seq", from)
		start, err = l.st.Entry(ctx, fundID, 1)
	}
	if err != nil {
		return nil, nil, err
	}
	if key != "" && start.IdempotencyKey == key {
		mine = start
	}
	head, found, err := l.walkLedger(ctx, fundID, start, key)
	if mine == nil {
		mine = found
	}
	return head, mine, err
}

// walkLedger probes the entries after cur one seq at a time (each an _id
// lookup) until one is missing; it returns the last one found and the
// entry carrying key, if met.
func (l *Ledger) walkLedger(ctx context.Context, fundID string, cur *models.LedgerEntry, key string) (head, mine *models.LedgerEntry, err error) {
	for {
		next, err := l.st.Entry(ctx, fundID, cur.Seq+1)
		if isKind(err, models.KindNotFound) {
			if cur.Seq > 1 {
				l.st.NoteHead(ctx, fundID, cur.Seq)
			}
			return cur, mine, nil
		}
		if err != nil {
			return nil, nil, err
		}
		if key != "" && next.IdempotencyKey == key {
			mine = next
		}
		cur = next
	}
}

func sleepJitter(ctx context.Context, attempt int) {
	// Full jitter over an exponentially growing window (1, 2, 4 … 32 ms):
	// the losers of one round spread out instead of all contending again.
	limit := time.Millisecond << min(attempt-1, 5)
	t := time.NewTimer(rand.N(limit))
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// Head reads the fund's latest entry (walking up from the head hint): its
// balances are the fund's.
func (l *Ledger) Head(ctx context.Context, fundID string) (*models.LedgerEntry, error) {
	head, _, err := l.ledgerHead(ctx, fundID, l.st.HeadHint(ctx, fundID), "")
	return head, err
}

// FindKeyed walks the ledger from seq from for the entry carrying key: nil
// when no entry carries it (yet).
func (l *Ledger) FindKeyed(ctx context.Context, fundID string, from int, key string) (*Movement, error) {
	return l.findKeyed(ctx, fundID, from, key)
}

// Heads is Head for many funds in two round trips: their head hints, then
// the entries at and just after each hint. A fund whose ledger has moved
// beyond its hint's next entry (a stale hint) is walked as Head walks it.
func (l *Ledger) Heads(ctx context.Context, fundIDs []string) (map[string]*models.LedgerEntry, error) {
	hints := l.st.HeadHints(ctx, fundIDs)
	ids := make([]string, 0, 2*len(fundIDs))
	seqs := make([]int, 0, 2*len(fundIDs))
	for _, id := range fundIDs {
		from := max(hints[id], 1)
		ids, seqs = append(ids, id, id), append(seqs, from, from+1)
	}
	entries, err := l.st.EntriesAt(ctx, ids, seqs)
	if err != nil {
		return nil, err
	}
	type at struct {
		fund string
		seq  int
	}
	found := make(map[at]*models.LedgerEntry, len(entries))
	for _, e := range entries {
		found[at{e.FundID, e.Seq}] = e
	}
	out := make(map[string]*models.LedgerEntry, len(fundIDs))
	for _, id := range fundIDs {
		from := max(hints[id], 1)
		start, next := found[at{id, from}], found[at{id, from + 1}]
		if start != nil && next == nil {
			out[id] = start
			continue
		}
		head, err := l.Head(ctx, id) // a stale or missing hint: walk
		if err != nil {
			return nil, err
		}
		out[id] = head
	}
	return out, nil
}
