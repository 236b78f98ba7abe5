package competitions

import (
	"context"
	"errors"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// A competition's phases: moved by its organiser, or by the schedule when
// the worker ticks (AdvanceCompetitions), each change kept in its history.

// MoveCompetition is the organiser's explicit phase change: only to the
// next phase, and only once what that phase needs holds (see advance).
// Asking for the phase the competition is in already answers it unchanged.
func (s *Service) MoveCompetition(ctx context.Context, actor *Actor, id string, to models.CompetitionPhase) (*models.Competition, error) {
	if _, err := s.managedCompetition(ctx, actor, id); err != nil {
		return nil, err
	}
	return s.advance(ctx, actor.AccountID, id, to)
}

// AdvanceCompetitions moves every published competition whose next phase
// has started by now (its schedule), as far as the schedule allows, and
// returns how many phase changes it made. It is idempotent: a phase is
// changed under the competition's lock and recorded once, and each phase's
// work (reserve, assignment, ranking, awards, release) finds what an
// earlier, interrupted run did. A competition whose next phase cannot
// start yet (too few reviewers, unscored entries, an insufficient fund) is
// logged and left for the next run.
func (s *Service) AdvanceCompetitions(ctx context.Context, now time.Time) (int, error) {
	moved := 0
	var errs []error
	f := CompetitionFilter{Phases: []models.CompetitionPhase{models.PhaseOpen, models.PhaseReview, models.PhasePublicVote,
		models.PhaseFinalists, models.PhaseAwarded}}
	p := Page{Limit: MaxPageSize}
	for {
		list, next, err := s.st.Competitions.Competitions(ctx, f, p)
		if err != nil {
			return moved, err
		}
		for _, c := range list {
			for {
				to, ok := c.NextPhase()
				if !ok || now.Before(c.Schedule.Start(to)) {
					break
				}
				moved2, err := s.advance(ctx, scheduleActor, c.ID, to)
				if err != nil {
					if k := models.KindOf(err); k == models.KindInternal || k == models.KindUnavailable {
						errs = append(errs, err)
					}
					s.d.Log.WarnContext(ctx, "competition phase not advanced", "competition", c.ID, "to", to, "err", err)
					break
				}
				if moved2.Phase != to {
					break
				}
				moved++
				c = moved2
			}
		}
		if next == "" {
			break
		}
		p.Cursor = next
	}
	return moved, errors.Join(errs...)
}

// advance moves competition id to phase to. Under the competition's lock
// it does the work the phase needs first — each step idempotent — and then
// records the change (a unique transition seq):
//   - open: the prize pool is reserved (ledger key "reserve:<id>");
//   - review: each entry gets k conflict-free reviewers (models.AssignReviewers);
//   - leaving review: every competing entry has at least one valid score sheet;
//   - public_vote: the leaderboard is built;
//   - finalists: the ranking is computed and frozen (competition_results);
//   - awarded: the award plan is fixed, then each award is granted from the
//     reserve (ledger key "grant:<entry>") and the rest are not awarded;
//   - closed: the unused reserve returns to the fund (key "release:<id>").
func (s *Service) advance(ctx context.Context, by, id string, to models.CompetitionPhase) (*models.Competition, error) {
	return core.Locked(s.d.Shared, ctx, "competition:"+id, func() (*models.Competition, error) {
		c, err := s.st.Competitions.Competition(ctx, id)
		if err != nil {
			return nil, err
		}
		if c.Phase == to {
			return c, nil
		}
		if err := c.CheckMove(to); err != nil {
			return nil, err
		}
		if c.Phase == models.PhaseReview {
			if err := s.checkReviewDone(ctx, c); err != nil {
				return nil, err
			}
		}
		switch to {
		case models.PhaseOpen:
			err = s.reservePool(ctx, by, c)
		case models.PhaseReview:
			_, err = s.assignReviewers(ctx, c, by, false)
		case models.PhasePublicVote:
			_, err = s.rebuildBoard(ctx, c)
		case models.PhaseFinalists:
			_, err = s.freezeResults(ctx, c)
		case models.PhaseAwarded:
			err = s.award(ctx, by, c)
		case models.PhaseClosed:
			err = s.releaseReserve(ctx, by, c)
		}
		if err != nil {
			return nil, err
		}
		now := s.d.Now()
		t := &models.Transition{Object: "competition:" + id, Seq: c.PhaseSeq + 1, From: string(c.Phase), To: string(to), By: by, At: now}
		err = s.d.RecordTransition(ctx, t, func(last models.Transition) error {
			c.Phase, c.PhaseSeq, c.PhaseAt, c.UpdatedAt = models.CompetitionPhase(last.To), last.Seq, last.At, now
			return s.st.Competitions.SaveCompetition(ctx, c)
		})
		switch {
		case errors.Is(err, core.ErrStaleState) && c.Phase == to && c.PhaseSeq == t.Seq:
			// An earlier attempt of this very move recorded it and failed
			// before saving the competition: recordTransition rolled the
			// competition forward to it (with the phase's work, found again
			// above), so this retry completes the move instead of
			// answering "changed by someone else".
		case err != nil:
			return nil, err
		default:
			c.Phase, c.PhaseSeq, c.PhaseAt, c.UpdatedAt = to, t.Seq, now, now
			if err := s.st.Competitions.SaveCompetition(ctx, c); err != nil {
				return nil, err
			}
		}
		if by != scheduleActor {
			_ = s.d.Audit(ctx, &Actor{AccountID: by}, "competition.phase", "competition:"+id, c.DivisionCode, t.From+"→"+t.To)
		}
		return c, nil
	})
}

// CompetitionHistory lists a competition's phase changes.
func (s *Service) CompetitionHistory(ctx context.Context, actor *Actor, id string) ([]models.Transition, error) {
	if _, err := s.visibleCompetition(ctx, actor, id); err != nil {
		return nil, err
	}
	return s.st.Transitions.Transitions(ctx, "competition:"+id)
}
