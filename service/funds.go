package service

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/wushe/wushe/models"
)

// FundStore keeps funds and their append-only ledgers. A ledger entry's key
// is (fund, seq): of two writers appending the same seq only one succeeds,
// which is how every money race is decided (DESIGN.md "Deciding races").
type FundStore interface {
	// CreateFund inserts the fund document (its first ledger entry is appended first).
	CreateFund(ctx context.Context, f *models.Fund) error
	// Fund returns models.ErrNotFound when there is no such fund.
	Fund(ctx context.Context, id string) (*models.Fund, error)
	// AppendEntry inserts e at e.Seq: models.ErrConflict when that seq is
	// taken, or when e carries an idempotency key another entry of the
	// fund carries already. Entries are never updated or deleted.
	AppendEntry(ctx context.Context, e *models.LedgerEntry) error
	// Entry returns entry seq of the fund, models.ErrNotFound when absent (an _id lookup).
	Entry(ctx context.Context, fundID string, seq int) (*models.LedgerEntry, error)
	// Entries lists up to limit entries with seq > afterSeq, in seq order.
	Entries(ctx context.Context, fundID string, afterSeq, limit int) ([]*models.LedgerEntry, error)
	// HeadHint returns a seq the ledger is known to have reached (0 when
	// nothing is known): possibly stale, never beyond the real head.
	HeadHint(ctx context.Context, fundID string) int
	// NoteHead records that seq exists, best effort.
	NoteHead(ctx context.Context, fundID string, seq int)
	// ClaimKey inserts an idempotency claim: models.ErrConflict when the key is claimed.
	ClaimKey(ctx context.Context, c *models.FundKeyClaim) error
	// KeyClaim returns models.ErrNotFound when the key was never claimed on the fund.
	KeyClaim(ctx context.Context, fundID, key string) (*models.FundKeyClaim, error)
	// CompleteKey records the seq of the claim's entry (same value from every writer).
	CompleteKey(ctx context.Context, fundID, key string, seq int) error
	// ListFunds lists funds matching f, in id order.
	ListFunds(ctx context.Context, f FundFilter, p Page) ([]*models.Fund, string, error)
}

// FundFilter narrows a list of funds; empty fields match all.
type FundFilter struct {
	OwnerOrgID   string
	DivisionCode string // a government budget of this division
	Region       string // funds serving this division or a division containing it
	Domain       string
}

// FundInput is what a caller may set on a new fund.
type FundInput struct {
	OwnerOrgID, DivisionCode, Name     string
	TotalFen, GrantMinFen, GrantMaxFen int64
	Domains, TargetGroups, Regions     []string
	EligibleKinds                      []string
	OpensAt, ClosesAt                  time.Time
}

// FundView is a fund with its balances, read from the head of its ledger.
type FundView struct {
	Fund    *models.Fund
	Balance models.FundBalance
	HeadSeq int
	Open    bool // accepting applications now
}

// RemainingFen is total − reserved − granted.
func (v *FundView) RemainingFen() int64 { return v.Balance.RemainingFen() }

// Movement is the outcome of a money movement.
type Movement struct {
	Entry    *models.LedgerEntry
	Replayed bool // an earlier request with the same Idempotency-Key made this entry
}

// ledgerPatience bounds how long one movement keeps retrying after losing
// the race for the next seq. Every lost race is another writer's success,
// so the ledger always progresses; under hundreds of simultaneous writers
// (and a slow store) one writer may lose many rounds in a row, so the bound
// is a time, not a count. The jittered waits between rounds grow to 32 ms.
const ledgerPatience = 30 * time.Second

var errLedgerBusy = models.E(models.KindUnavailable, "资金账本繁忙，请稍后重试", "the fund's ledger is busy; retry shortly")

var errKeyReused = models.E(models.KindConflict, "该幂等键已用于另一笔不同的资金操作", "this Idempotency-Key was used for a different money movement")

// managesFund reports whether the actor may move the fund's money: a
// charity_admin of the owning organisation, or civil affairs governing the
// division of a government purchase budget.
func (a *Actor) managesFund(f *models.Fund) bool {
	// The money-moving row: the owning charity's admin (FundManager), civil
	// affairs for a purchase budget (a fund has an owner or a division).
	return allowed(a, "decide-application", Object{Manager: f.OwnerOrgID, Division: f.DivisionCode})
}

// ownerOperating refuses a charity fund's money moves and decisions once
// its owner is suspended or has exited: the organisation's powers end with
// its standing, at once (a government budget has no owner).
func (s *Service) ownerOperating(ctx context.Context, f *models.Fund) error {
	if f.OwnerOrgID == "" {
		return nil
	}
	o, err := s.st.Organisations.Organisation(ctx, f.OwnerOrgID)
	if err != nil {
		return err
	}
	if !o.Status.Operating() {
		return models.E(models.KindForbidden, "资金所属机构已暂停或退出，不能动用该资金", "the fund's organisation is suspended or has exited: its money cannot be moved")
	}
	return nil
}

// CreateFund posts a fund: a charity_admin for its own (operating charity)
// organisation, or civil affairs for its division's purchase budget. The
// ledger starts with seq 1, a deposit of the total.
func (s *Service) CreateFund(ctx context.Context, actor *Actor, in FundInput) (*FundView, error) {
	now := s.now()
	f := &models.Fund{ID: newID(), OwnerOrgID: in.OwnerOrgID, DivisionCode: in.DivisionCode, Name: strings.TrimSpace(in.Name),
		TotalFen: in.TotalFen, Domains: in.Domains, TargetGroups: in.TargetGroups, Regions: in.Regions,
		GrantMinFen: in.GrantMinFen, GrantMaxFen: in.GrantMaxFen, OpensAt: in.OpensAt.UTC(), ClosesAt: in.ClosesAt.UTC(),
		EligibleKinds: in.EligibleKinds, CreatedBy: actor.AccountID, CreatedAt: now}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if !actor.managesFund(f) {
		if f.Government() {
			return nil, models.E(models.KindForbidden, "只有本辖区民政部门可以设立政府购买服务预算", "only civil affairs of the division may post its purchase budget")
		}
		return nil, models.E(models.KindForbidden, "只有该慈善组织的管理员可以设立资金", "only a charity_admin of the organisation may post its funds")
	}
	if !f.Government() {
		o, err := s.st.Organisations.Organisation(ctx, f.OwnerOrgID)
		if err != nil {
			if isKind(err, models.KindNotFound) {
				return nil, models.Invalid("body.ownerOrgId", "机构不存在", "no such organisation")
			}
			return nil, err
		}
		if o.Kind != "charity_organisation" {
			return nil, models.Invalid("body.ownerOrgId", "只有慈善组织可以设立资金", "only a charity organisation posts funds")
		}
		if !o.Status.Operating() {
			return nil, models.E(models.KindConflict, "机构当前状态不能设立资金", "the organisation may not post funds in its current status")
		}
	}
	first := &models.LedgerEntry{FundID: f.ID, Seq: 1, Kind: models.LedgerDeposit, AmountFen: f.TotalFen, Ref: f.ID,
		FundBalance: models.FundBalance{BalanceFen: f.TotalFen}, At: now, By: actor.AccountID}
	// The entry first: a fund document never exists without its ledger.
	if err := s.st.Funds.AppendEntry(ctx, first); err != nil {
		return nil, err
	}
	if err := s.st.Funds.CreateFund(ctx, f); err != nil {
		return nil, err
	}
	s.st.Funds.NoteHead(ctx, f.ID, 1)
	return &FundView{Fund: f, Balance: first.FundBalance, HeadSeq: 1, Open: f.Open(now)}, nil
}

// Fund returns a fund with its balances (public: 慈善法 信息公开).
func (s *Service) Fund(ctx context.Context, id string) (*FundView, error) {
	f, err := s.st.Funds.Fund(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.fundView(ctx, f)
}

// FundBalance returns a fund's balances from the head of its ledger.
func (s *Service) FundBalance(ctx context.Context, id string) (models.FundBalance, error) {
	v, err := s.Fund(ctx, id)
	if err != nil {
		return models.FundBalance{}, err
	}
	return v.Balance, nil
}

// Reserve holds amount of the fund's available money (a competition's prize pool).
func (s *Service) Reserve(ctx context.Context, actor *Actor, fundID string, amount int64, ref, idemKey string) (*Movement, error) {
	return s.moveFunds(ctx, actor, fundID, models.LedgerReserve, false, amount, ref, idemKey)
}

// Release returns amount of reserved money to the available balance.
func (s *Service) Release(ctx context.Context, actor *Actor, fundID string, amount int64, ref, idemKey string) (*Movement, error) {
	return s.moveFunds(ctx, actor, fundID, models.LedgerRelease, false, amount, ref, idemKey)
}

// Grant grants amount from the available balance.
func (s *Service) Grant(ctx context.Context, actor *Actor, fundID string, amount int64, ref, idemKey string) (*Movement, error) {
	return s.moveFunds(ctx, actor, fundID, models.LedgerGrant, false, amount, ref, idemKey)
}

// GrantFromReserve grants amount out of the reserved money (competition awards).
func (s *Service) GrantFromReserve(ctx context.Context, actor *Actor, fundID string, amount int64, ref, idemKey string) (*Movement, error) {
	return s.moveFunds(ctx, actor, fundID, models.LedgerGrant, true, amount, ref, idemKey)
}

func (s *Service) moveFunds(ctx context.Context, actor *Actor, fundID string, kind models.LedgerKind, fromReserve bool, amount int64, ref, key string) (*Movement, error) {
	f, err := s.st.Funds.Fund(ctx, fundID)
	if err != nil {
		return nil, err
	}
	if !actor.managesFund(f) {
		return nil, errForbidden
	}
	if err := s.ownerOperating(ctx, f); err != nil {
		return nil, err
	}
	return s.appendMovement(ctx, actor.AccountID, f.ID, kind, fromReserve, amount, ref, key)
}

// appendMovement appends one movement to the fund's ledger: read the head,
// compute the next entry, insert it at head+1, and on losing that seq to
// another writer re-read and try again. A movement that would take a
// balance below zero is refused and nothing is written. With a key, the
// movement has one effect however often and however concurrently it is
// repeated: the key is claimed first, the entry carries the key (unique per
// fund in the store), and a repeat finds the entry by walking the ledger
// from the claim's start. Callers have authorised the actor.
func (s *Service) appendMovement(ctx context.Context, by, fundID string, kind models.LedgerKind, fromReserve bool, amount int64, ref, key string) (*Movement, error) {
	if amount <= 0 || amount > models.MaxFundFen {
		return nil, models.Invalid("body.amountFen", "金额须为正数（单位：分），且不超过 100 亿元", "amount must be positive (in fen) and at most 10 billion yuan")
	}
	if len(ref) > 200 {
		return nil, models.Invalid("body.ref", "关联编号不超过 200 个字符", "ref must be at most 200 characters")
	}
	if key != "" {
		if err := models.ValidateIdempotencyKey(key); err != nil {
			return nil, err
		}
	}
	gate := s.fundGate(fundID)
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
			claimStart, m, err = s.claimKey(ctx, by, fundID, kind, fromReserve, amount, ref, key)
		}
		if m == nil && err == nil {
			m, err = s.appendOnce(ctx, &seen, claimStart, by, fundID, kind, fromReserve, amount, ref, key)
		}
		<-gate
		if err == nil {
			s.st.Funds.NoteHead(ctx, fundID, m.Entry.Seq)
			s.completeKey(ctx, fundID, key, m.Entry.Seq)
			return m, nil
		}
		if err != errLostRace {
			return nil, err
		}
		if time.Since(started) > ledgerPatience {
			s.log.WarnContext(ctx, "fund ledger busy: gave up", "fund", fundID, "attempts", attempt)
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
func (s *Service) appendOnce(ctx context.Context, seen *int, claimStart int, by, fundID string, kind models.LedgerKind, fromReserve bool, amount int64, ref, key string) (*Movement, error) {
	from := max(claimStart, *seen)
	if key == "" {
		from = max(s.st.Funds.HeadHint(ctx, fundID), *seen)
	}
	head, mine, err := s.ledgerHead(ctx, fundID, from, key)
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
		Ref: ref, IdempotencyKey: key, FundBalance: after, At: s.now(), By: by}
	switch err := s.st.Funds.AppendEntry(ctx, next); {
	case err == nil:
		return &Movement{Entry: next}, nil
	case !isKind(err, models.KindConflict):
		return nil, err
	case key == "":
		return nil, errLostRace
	}
	if _, err := s.st.Funds.Entry(ctx, fundID, next.Seq); !isKind(err, models.KindNotFound) {
		return nil, errLostRace // the seq is taken (or the read failed): retry
	}
	if m, err := s.findKeyed(ctx, fundID, claimStart, key); err != nil || m != nil {
		return m, err
	}
	return nil, errLostRace
}

// findKeyed walks the ledger from claimStart for the entry carrying key.
func (s *Service) findKeyed(ctx context.Context, fundID string, claimStart int, key string) (*Movement, error) {
	_, mine, err := s.ledgerHead(ctx, fundID, claimStart, key)
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

func (s *Service) fundGate(fundID string) chan struct{} {
	g, _ := s.fundGates.LoadOrStore(fundID, make(chan struct{}, fundGateSize))
	return g.(chan struct{})
}

// claimKey finds or inserts the idempotency claim for key on the fund. It
// returns the claim's start seq, or the movement when the claim records it.
func (s *Service) claimKey(ctx context.Context, by, fundID string, kind models.LedgerKind, fromReserve bool, amount int64, ref, key string) (int, *Movement, error) {
	c, err := s.st.Funds.KeyClaim(ctx, fundID, key)
	if isKind(err, models.KindNotFound) {
		c = &models.FundKeyClaim{FundID: fundID, Key: key, Kind: kind, FromReserve: fromReserve, AmountFen: amount, Ref: ref,
			StartSeq: s.st.Funds.HeadHint(ctx, fundID), At: s.now(), By: by}
		err = s.st.Funds.ClaimKey(ctx, c)
		if isKind(err, models.KindConflict) {
			c, err = s.st.Funds.KeyClaim(ctx, fundID, key)
		}
	}
	if err != nil {
		return 0, nil, err
	}
	if !c.Same(kind, fromReserve, amount, ref) {
		return 0, nil, errKeyReused
	}
	if c.Seq > 0 {
		e, err := s.st.Funds.Entry(ctx, fundID, c.Seq)
		if err != nil {
			return 0, nil, err
		}
		return 0, &Movement{Entry: e, Replayed: true}, nil
	}
	return max(c.StartSeq, 1), nil, nil
}

func (s *Service) completeKey(ctx context.Context, fundID, key string, seq int) {
	if key == "" {
		return
	}
	if err := s.st.Funds.CompleteKey(ctx, fundID, key, seq); err != nil {
		// The claim stays pending; a repeat finds the entry in the ledger.
		s.log.WarnContext(ctx, "completing an idempotency claim failed", "fund", fundID, "seq", seq, "err", err)
	}
}

// ledgerHead reads entry from (an existing seq; 0 starts at seq 1) and
// walks up to the head. With a key, it also returns the entry carrying it,
// if one is met on the way.
func (s *Service) ledgerHead(ctx context.Context, fundID string, from int, key string) (head, mine *models.LedgerEntry, err error) {
	if from < 1 {
		from = 1
	}
	start, err := s.st.Funds.Entry(ctx, fundID, from)
	if isKind(err, models.KindNotFound) && from > 1 {
		// A hint is never ahead of the ledger; should one be, start over.
		s.log.ErrorContext(ctx, "fund head hint beyond the ledger", "fund", fundID, "seq", from)
		start, err = s.st.Funds.Entry(ctx, fundID, 1)
	}
	if err != nil {
		return nil, nil, err
	}
	if key != "" && start.IdempotencyKey == key {
		mine = start
	}
	head, found, err := s.walkLedger(ctx, fundID, start, key)
	if mine == nil {
		mine = found
	}
	return head, mine, err
}

// walkLedger probes the entries after cur one seq at a time (each an _id
// lookup) until one is missing; it returns the last one found and the
// entry carrying key, if met.
func (s *Service) walkLedger(ctx context.Context, fundID string, cur *models.LedgerEntry, key string) (head, mine *models.LedgerEntry, err error) {
	for {
		next, err := s.st.Funds.Entry(ctx, fundID, cur.Seq+1)
		if isKind(err, models.KindNotFound) {
			if cur.Seq > 1 {
				s.st.Funds.NoteHead(ctx, fundID, cur.Seq)
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

// Reconcile replays a fund's ledger from seq 1 and checks that every
// entry's balances follow from the one before, that none is negative, that
// the seqs have no gaps, that no idempotency key has two entries and that
// the fund's total equals its deposits. It reports inconsistencies; it
// fixes nothing. Managers of the fund and civil affairs may call it.
func (s *Service) Reconcile(ctx context.Context, actor *Actor, fundID string) (*models.FundReconciliation, error) {
	f, err := s.st.Funds.Fund(ctx, fundID)
	if err != nil {
		return nil, err
	}
	if !s.mayAuditFund(ctx, actor, f) {
		return nil, errForbidden
	}
	return s.reconcile(ctx, f)
}

func (s *Service) reconcile(ctx context.Context, f *models.Fund) (*models.FundReconciliation, error) {
	r := &models.FundReconciliation{FundID: f.ID, CheckedAt: s.now()}
	problem := func(seq int, format string, args ...any) {
		r.Problems = append(r.Problems, fmt.Sprintf("seq %d: ", seq)+fmt.Sprintf(format, args...))
	}
	var prev models.FundBalance
	keys := map[string]int{}
	after := 0
	for {
		page, err := s.st.Funds.Entries(ctx, f.ID, after, 500)
		if err != nil {
			return nil, err
		}
		for _, e := range page {
			r.Entries++
			if e.Seq != r.HeadSeq+1 {
				problem(e.Seq, "expected seq %d (gap or disorder)", r.HeadSeq+1)
			}
			if e.FundID != f.ID {
				problem(e.Seq, "entry belongs to fund %q", e.FundID)
			}
			if r.Entries == 1 && (e.Kind != models.LedgerDeposit || e.AmountFen != f.TotalFen) {
				problem(e.Seq, "first entry is %s of %d fen, want a deposit of the total %d", e.Kind, e.AmountFen, f.TotalFen)
			}
			if e.IdempotencyKey != "" {
				if s, ok := keys[e.IdempotencyKey]; ok {
					problem(e.Seq, "idempotency key already used by seq %d", s)
				}
				keys[e.IdempotencyKey] = e.Seq
			}
			if e.BalanceFen < 0 || e.ReservedFen < 0 || e.GrantedFen < 0 || e.PaidFen < 0 {
				problem(e.Seq, "negative balance %+v", e.FundBalance)
			}
			want, err := prev.Apply(e.Kind, e.FromReserve, e.AmountFen)
			switch {
			case err != nil:
				problem(e.Seq, "%s of %d fen cannot follow %+v: %v", e.Kind, e.AmountFen, prev, err)
			case want != e.FundBalance:
				problem(e.Seq, "balances %+v, but %s of %d fen after %+v gives %+v", e.FundBalance, e.Kind, e.AmountFen, prev, want)
			}
			switch e.Kind {
			case models.LedgerDeposit:
				r.DepositsFen += e.AmountFen
			case models.LedgerGrant:
				r.GrantsFen += e.AmountFen
			case models.LedgerReturn:
				r.GrantsFen -= e.AmountFen
			}
			prev, r.HeadSeq = e.FundBalance, e.Seq
			after = e.Seq
		}
		if len(page) < 500 {
			break
		}
	}
	r.Head = prev
	if r.Entries == 0 {
		problem(0, "the fund has no ledger")
	}
	if r.Head.TotalFen() != r.DepositsFen {
		problem(r.HeadSeq, "available+reserved+granted = %d fen, deposits = %d fen", r.Head.TotalFen(), r.DepositsFen)
	}
	if r.Head.GrantedFen != r.GrantsFen {
		problem(r.HeadSeq, "granted = %d fen, grants − returns = %d fen", r.Head.GrantedFen, r.GrantsFen)
	}
	if h := s.st.Funds.HeadHint(ctx, f.ID); h > r.HeadSeq {
		problem(h, "head hint %d is beyond the last entry %d", h, r.HeadSeq)
	}
	r.OK = len(r.Problems) == 0
	if !r.OK {
		s.log.ErrorContext(ctx, "fund ledger does not reconcile", "fund", f.ID, "problems", len(r.Problems))
	}
	return r, nil
}
