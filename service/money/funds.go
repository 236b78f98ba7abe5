package money

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/ledger"
	"github.com/wushe/wushe/service/policy"
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
	// IdempotencyKey, when given, makes a repeat of the request (same
	// account, same key) answer the fund the first one posted.
	IdempotencyKey string
}

// FundView is a fund with its balances (see package ledger).
type FundView = ledger.FundView

// Movement is the outcome of a money movement (see package ledger).
type Movement = ledger.Movement

// ManagesFund reports whether the actor may move the fund's money: a
// charity_admin of the owning organisation, or civil affairs governing the
// division of a government purchase budget.
func ManagesFund(a *Actor, f *models.Fund) bool {
	// The money-moving row: the owning charity's admin (policy.FundManager), civil
	// affairs for a purchase budget (a fund has an owner or a division).
	return policy.Allowed(a, "decide-application", policy.Object{Manager: f.OwnerOrgID, Division: f.DivisionCode})
}

// OwnerOperating refuses a charity fund's money moves and decisions once
// its owner is suspended or has exited: the organisation's powers end with
// its standing, at once (a government budget has no owner).
func (s *Service) OwnerOperating(ctx context.Context, f *models.Fund) error {
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
//
// With an idempotency key the fund's id is derived from the account and
// the key, so a repeat finds the fund the first request posted (or rolls
// forward the one it left half-made) and answers it; the same key for a
// different fund is a conflict.
func (s *Service) CreateFund(ctx context.Context, actor *Actor, in FundInput) (*FundView, error) {
	now := s.d.Now()
	id := core.NewID()
	if in.IdempotencyKey != "" {
		if err := models.ValidateIdempotencyKey(in.IdempotencyKey); err != nil {
			return nil, err
		}
		h := sha256.Sum256([]byte("fund#" + actor.AccountID + "#" + in.IdempotencyKey))
		id = hex.EncodeToString(h[:])[:32]
	}
	f := &models.Fund{ID: id, OwnerOrgID: in.OwnerOrgID, DivisionCode: in.DivisionCode, Name: strings.TrimSpace(in.Name),
		TotalFen: in.TotalFen, Domains: in.Domains, TargetGroups: in.TargetGroups, Regions: in.Regions,
		GrantMinFen: in.GrantMinFen, GrantMaxFen: in.GrantMaxFen, OpensAt: in.OpensAt.UTC(), ClosesAt: in.ClosesAt.UTC(),
		EligibleKinds: in.EligibleKinds, CreatedBy: actor.AccountID, CreatedAt: now}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if !ManagesFund(actor, f) {
		if f.Government() {
			return nil, models.E(models.KindForbidden, "只有本辖区民政部门可以设立政府购买服务预算", "only civil affairs of the division may post its purchase budget")
		}
		return nil, models.E(models.KindForbidden, "只有该慈善组织的管理员可以设立资金", "only a charity_admin of the organisation may post its funds")
	}
	if !f.Government() {
		o, err := s.st.Organisations.Organisation(ctx, f.OwnerOrgID)
		if err != nil {
			if core.IsKind(err, models.KindNotFound) {
				return nil, models.Invalid("ownerOrgId", "机构不存在", "no such organisation")
			}
			return nil, err
		}
		if o.Kind != "charity_organisation" {
			return nil, models.Invalid("ownerOrgId", "只有慈善组织可以设立资金", "only a charity organisation posts funds")
		}
		if !o.Status.Operating() {
			return nil, models.E(models.KindConflict, "机构当前状态不能设立资金", "the organisation may not post funds in its current status")
		}
	}
	first := &models.LedgerEntry{FundID: f.ID, Seq: 1, Kind: models.LedgerDeposit, AmountFen: f.TotalFen, Ref: f.ID,
		FundBalance: models.FundBalance{BalanceFen: f.TotalFen}, At: now, By: actor.AccountID}
	if in.IdempotencyKey != "" {
		if prior, err := s.st.Funds.Fund(ctx, f.ID); err == nil {
			return s.samePosting(ctx, prior, f)
		} else if !core.IsKind(err, models.KindNotFound) {
			return nil, err
		}
	}
	// The entry first: a fund document never exists without its ledger.
	if err := s.st.Funds.AppendEntry(ctx, first); err != nil {
		// A repeat with the key finds the deposit its first attempt made.
		prior, perr := s.st.Funds.Entry(ctx, f.ID, 1)
		if in.IdempotencyKey == "" || !core.IsKind(err, models.KindConflict) || perr != nil ||
			prior.AmountFen != f.TotalFen || prior.By != actor.AccountID {
			return nil, err
		}
	}
	if err := s.st.Funds.CreateFund(ctx, f); err != nil {
		if prior, perr := s.st.Funds.Fund(ctx, f.ID); in.IdempotencyKey != "" && core.IsKind(err, models.KindConflict) && perr == nil {
			return s.samePosting(ctx, prior, f) // a simultaneous repeat won
		}
		return nil, err
	}
	s.st.Funds.NoteHead(ctx, f.ID, 1)
	return &FundView{Fund: f, Balance: first.FundBalance, HeadSeq: 1, Open: f.Open(now)}, nil
}

// samePosting answers a repeated posting of a fund with the fund posted
// first, or a conflict when the key was used for a different fund.
func (s *Service) samePosting(ctx context.Context, prior, f *models.Fund) (*FundView, error) {
	if prior.CreatedBy != f.CreatedBy || prior.TotalFen != f.TotalFen || prior.Name != f.Name ||
		prior.OwnerOrgID != f.OwnerOrgID || prior.DivisionCode != f.DivisionCode {
		return nil, models.Invalid("header.Idempotency-Key", "该幂等键已用于另一笔资金", "this Idempotency-Key was used for another fund")
	}
	return s.Fund(ctx, prior.ID)
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
	if !ManagesFund(actor, f) {
		return nil, core.ErrForbidden
	}
	if err := s.OwnerOperating(ctx, f); err != nil {
		return nil, err
	}
	return s.d.Ledger.Append(ctx, actor.AccountID, f.ID, kind, fromReserve, amount, ref, key)
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
		return nil, core.ErrForbidden
	}
	return s.ReconcileLedger(ctx, f)
}

// ReconcileLedger is Reconcile without the caller's check, for the nightly
// reconciliation of every fund.
func (s *Service) ReconcileLedger(ctx context.Context, f *models.Fund) (*models.FundReconciliation, error) {
	r := &models.FundReconciliation{FundID: f.ID, CheckedAt: s.d.Now()}
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
		s.d.Log.ErrorContext(ctx, "fund ledger does not reconcile", "fund", f.ID, "problems", len(r.Problems))
	}
	return r, nil
}
