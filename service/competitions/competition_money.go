package competitions

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// competition_money.go: a competition's money — the pool reserved when it
// opens, the award plan and its grants from the reserve, the unused reserve
// released when it closes — and the ruling that takes an entry out of the
// awards.

// reservePool holds the prize pool in the fund (available → reserved). The
// ledger key names the amount ("reserve:<id>:<fen>"), and each key tried is
// recorded on the competition first: a draft whose publication failed (an
// insufficient fund) may change its pool and try again under a new key,
// while a draft whose reservation went through but whose phase change was
// lost is refused edits (UpdateCompetition), so its pool is never reserved twice.
func (s *Service) reservePool(ctx context.Context, by string, c *models.Competition) error {
	key := reserveKey(c)
	if !slices.Contains(c.ReserveKeys, key) {
		c.ReserveKeys = append(c.ReserveKeys, key)
		if err := s.st.Competitions.SaveCompetition(ctx, c); err != nil {
			return err
		}
	}
	m, err := s.d.Ledger.Append(ctx, by, c.FundID, models.LedgerReserve, false, c.PoolFen(), "competition:"+c.ID, key)
	if errors.Is(err, models.ErrInsufficientFunds) {
		return models.E(models.KindConflict, "资金可用余额不足以预留大赛奖金池", "the fund's available money cannot cover the prize pool").WithCode(models.CodeInsufficientFunds)
	}
	if err != nil {
		return err
	}
	c.ReserveSeq = m.Entry.Seq
	return nil
}

func reserveKey(c *models.Competition) string {
	return "reserve:" + c.ID + ":" + strconv.FormatInt(c.PoolFen(), 10)
}

// poolReserved reports whether an earlier attempt to publish c reserved its
// pool (its key has a ledger entry).
func (s *Service) poolReserved(ctx context.Context, c *models.Competition) (bool, error) {
	for _, key := range c.ReserveKeys {
		claim, err := s.st.Funds.KeyClaim(ctx, c.FundID, key)
		if core.IsKind(err, models.KindNotFound) {
			continue
		} else if err != nil {
			return false, err
		}
		if claim.Seq > 0 {
			return true, nil
		}
		m, err := s.d.Ledger.FindKeyed(ctx, c.FundID, max(claim.StartSeq, 1), key)
		if err != nil {
			return false, err
		}
		if m != nil {
			return true, nil
		}
	}
	return false, nil
}

// award fixes the award plan (once) from the frozen ranking and carries it
// out: each award is a grant from the reserve and its entry is approved;
// every other undecided entry is not awarded. Repeating it after an
// interruption finds each grant and status already made.
func (s *Service) award(ctx context.Context, by string, c *models.Competition) error {
	if c.AwardsPlannedAt == nil {
		res, err := s.st.Competitions.Results(ctx, c.ID)
		if err != nil {
			return err
		}
		entries, err := s.competingEntries(ctx, c.ID)
		if err != nil {
			return err
		}
		c.Awards = models.PlanAwards(c.Tiers, res.Ranking, func(id string) (int64, bool) {
			a := entries[id]
			if a == nil || !undecidedStatus(a.Status) {
				return 0, false
			}
			return a.RequestedFen, true
		})
		now := s.d.Now()
		c.AwardsPlannedAt, c.UpdatedAt = &now, now
		if err := s.st.Competitions.SaveCompetition(ctx, c); err != nil {
			return err
		}
	}
	f, err := s.st.Funds.Fund(ctx, c.FundID)
	if err != nil {
		return err
	}
	planned := map[string]bool{}
	for _, aw := range c.Awards {
		planned[aw.EntryID] = true
		if err := s.grantAward(ctx, by, c, f, aw); err != nil {
			return err
		}
	}
	return s.eachEntry(ctx, c.ID, func(a *models.Application) error {
		if planned[a.ID] || !undecidedStatus(a.Status) {
			return nil
		}
		return s.d.WithLock(ctx, "application:"+a.ID, func() error {
			a, err := s.st.Applications.Application(ctx, a.ID)
			if err != nil || !undecidedStatus(a.Status) {
				return err
			}
			now := s.d.Now()
			a.Status, a.DecidedBy, a.DecidedAt, a.UpdatedAt = models.AppNotAwarded, by, &now, now
			return s.st.Applications.SaveApplication(ctx, a)
		})
	})
}

func (s *Service) grantAward(ctx context.Context, by string, c *models.Competition, f *models.Fund, aw models.Award) error {
	return s.d.WithLock(ctx, "application:"+aw.EntryID, func() error {
		a, err := s.st.Applications.Application(ctx, aw.EntryID)
		if err != nil {
			return err
		}
		if a.Status.Granted() {
			return nil // granted by an earlier run
		}
		if !undecidedStatus(a.Status) {
			// Withdrawn after the plan was fixed: the place stays empty and
			// its money is released when the competition closes.
			s.d.Log.WarnContext(ctx, "award skipped: entry no longer competing", "competition", c.ID, "entry", a.ID, "status", a.Status)
			return nil
		}
		g, err := s.d.Grant(ctx, by, a, f, aw.AmountFen, true, aw.Tier)
		if err != nil {
			return err
		}
		now := s.d.Now()
		a.Status, a.GrantedFen, a.DecidedBy, a.DecidedAt, a.UpdatedAt = models.AppApproved, g.AmountFen, by, &now, now
		a.DecisionNote = aw.TierName
		return s.st.Applications.SaveApplication(ctx, a)
	})
}

// awardedFen sums the competition's grants.
func (s *Service) awardedFen(ctx context.Context, competitionID string) (int64, error) {
	var sum int64
	p := Page{Limit: MaxPageSize}
	for {
		list, next, err := s.st.Applications.Grants(ctx, core.GrantFilter{CompetitionID: competitionID}, p)
		if err != nil {
			return 0, err
		}
		for _, g := range list {
			sum += g.AmountFen
		}
		if next == "" {
			return sum, nil
		}
		p.Cursor = next
	}
}

// releaseReserve returns the pool's unused part to the fund's available money.
func (s *Service) releaseReserve(ctx context.Context, by string, c *models.Competition) error {
	granted, err := s.awardedFen(ctx, c.ID)
	if err != nil {
		return err
	}
	unused := c.PoolFen() - granted
	if unused <= 0 {
		return nil
	}
	m, err := s.d.Ledger.Append(ctx, by, c.FundID, models.LedgerRelease, false, unused, "competition:"+c.ID, "release:"+c.ID)
	if err != nil {
		return err
	}
	c.ReleaseSeq, c.ReleasedFen = m.Entry.Seq, unused
	return nil
}

// RuleIneligible rules a competing entry out (the organiser, with a reason,
// until the award plan is fixed): it takes no award and no place.
func (s *Service) RuleIneligible(ctx context.Context, actor *Actor, id, entryID, reason string) (*models.Application, error) {
	if n := len([]rune(strings.TrimSpace(reason))); n < 2 || n > 1000 {
		return nil, models.Invalid("reason", "须说明理由（2–1000 个字符）", "a reason is required (2–1000 characters)")
	}
	return core.Locked(s.d.Shared, ctx, "competition:"+id, func() (*models.Application, error) {
		c, err := s.managedCompetition(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		if c.Phase == models.PhaseDraft || c.Phase.Reached(models.PhaseAwarded) || c.AwardsPlannedAt != nil {
			return nil, models.E(models.KindConflict, "颁奖开始后不能再取消参赛资格", "entries cannot be ruled out once awarding has started")
		}
		return core.Locked(s.d.Shared, ctx, "application:"+entryID, func() (*models.Application, error) {
			a, err := s.st.Applications.Application(ctx, entryID)
			if err != nil {
				return nil, err
			}
			if a.CompetitionID != c.ID || a.Status == models.AppDraft {
				return nil, models.ErrNotFound
			}
			if !undecidedStatus(a.Status) {
				return nil, models.E(models.KindConflict, "该项目已不在评选中", "the entry is no longer competing")
			}
			now := s.d.Now()
			a.Status, a.DecidedBy, a.DecidedAt, a.DecisionNote, a.UpdatedAt = models.AppIneligible, actor.AccountID, &now, reason, now
			if err := s.st.Applications.SaveApplication(ctx, a); err != nil {
				return nil, err
			}
			_ = s.d.Audit(ctx, actor, "competition.rule_ineligible", "application:"+a.ID, c.DivisionCode, reason)
			return a, nil
		})
	})
}
