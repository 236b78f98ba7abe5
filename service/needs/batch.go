package needs

import (
	"context"
	"strconv"
	"time"

	"github.com/wushe/wushe/matching"
	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// BatchStore keeps batch proposals.
type BatchStore interface {
	CreateProposal(ctx context.Context, p *models.BatchProposal) error
	// Proposal returns models.ErrNotFound when there is no such proposal.
	Proposal(ctx context.Context, id string) (*models.BatchProposal, error)
	// ClaimApply records that the proposal is applied, by a unique insert:
	// models.ErrConflict when it was applied before. The claim is pending
	// until CompleteApply.
	ClaimApply(ctx context.Context, id, by string, at time.Time) error
	// ApplyCompleted reports whether a claimed application was carried
	// out (models.ErrNotFound when the proposal was never applied).
	ApplyCompleted(ctx context.Context, id string) (bool, error)
	// CompleteApply marks the claimed application carried out.
	CompleteApply(ctx context.Context, id string) error
}

// BatchRequest chooses the needs of a batch: every open need of a community
// or division whose occurrences start in [From, To).
type BatchRequest struct {
	Division string // a committee's community by default
	From, To time.Time
}

// batchCandidates is how many ranked candidates each open place offers the solver.
const batchCandidates = 50

// ProposeBatch fills every open place of a batch at once: for each place
// the best candidates of the index, then an exact assignment maximising
// the total score with each volunteer in at most one place (the greedy
// figure is reported beside it). A committee batches its community, civil
// affairs a division. Nothing changes until the proposal is applied.
func (m *Matching) ProposeBatch(ctx context.Context, actor *Actor, req BatchRequest) (*models.BatchProposal, error) {
	if req.Division == "" {
		if b := actor.Bindings(models.RoleCommunityAdmin); len(b) > 0 {
			req.Division = b[0].CommunityCode
		}
	}
	if err := models.ValidateDivision("division", req.Division, ""); err != nil {
		return nil, err
	}
	if !actor.RunsCommittee(req.Division) && !actor.Governs(req.Division) {
		return nil, models.E(models.KindForbidden, "只能对本社区或本辖区的需求批量匹配", "you may batch only your own community's or division's needs")
	}
	if err := m.d.LimitExpensive(ctx, actor, "batch"); err != nil {
		return nil, err
	}
	now := m.d.Now()
	if req.From.IsZero() {
		req.From = now
	}
	if req.To.IsZero() {
		req.To = req.From.Add(24 * time.Hour)
	}
	if !req.To.After(req.From) || req.To.Sub(req.From) > 31*24*time.Hour {
		return nil, models.Invalid("to", "时间窗须在开始之后且不超过 31 天", "the window must end after it starts and last at most 31 days")
	}
	needs, err := m.st.Needs.NeedsWithStatus(ctx, []models.NeedStatus{models.NeedOpen}, req.Division, 10_000)
	if err != nil {
		return nil, err
	}
	ix, err := m.candidateIndex(ctx)
	if err != nil {
		return nil, err
	}
	var places []matching.Place
	where := map[string][2]string{} // place id → need id, occurrence id
	for _, n := range needs {
		p, err := m.needs.PlanOf(ctx, n)
		if err != nil {
			return nil, err
		}
		for _, occ := range n.Occurrences() {
			st := occ.Window.Start
			if st.Before(req.From) || !st.Before(req.To) || !st.After(now) {
				continue
			}
			skip, err := m.takenOrInvited(ctx, n.ID, occ.ID)
			if err != nil {
				return nil, err
			}
			open := n.Headcount - len(skip)
			if open <= 0 {
				continue
			}
			res := ix.TopK(n, occ, batchCandidates, matching.Options{Weights: m.d.MatchWeights, Skip: skip,
				Supervised: p.SupervisorState == models.SupervisorAccepted, CandidatesOnly: true}) // only the candidates are read
			offers := make([]matching.Offer, len(res.Candidates))
			for i, c := range res.Candidates {
				offers[i] = matching.Offer{VolunteerID: c.VolunteerID, Score: c.Score}
			}
			for k := 1; k <= open; k++ {
				id := occ.ID + "#" + strconv.Itoa(k)
				places = append(places, matching.Place{ID: id, Candidates: offers})
				where[id] = [2]string{n.ID, occ.ID}
			}
		}
	}
	res := matching.Assign(places, matching.BatchOptions{FillFirst: true})
	bp := &models.BatchProposal{ID: core.NewID(), CreatedBy: actor.AccountID, Division: req.Division, From: req.From, To: req.To,
		Places: len(places), Objective: res.Objective, GreedyObjective: res.GreedyObjective, Filled: res.Filled,
		GreedyFilled: res.GreedyFilled, CreatedAt: m.d.Now()}
	for _, pl := range res.Placements {
		w := where[pl.PlaceID]
		bp.Placements = append(bp.Placements, models.BatchPlacement{NeedID: w[0], OccurrenceID: w[1], VolunteerID: pl.VolunteerID, Score: pl.Score})
	}
	if err := m.st.Batches.CreateProposal(ctx, bp); err != nil {
		return nil, err
	}
	if len(bp.Placements) > 0 {
		// As a match read: volunteers ranked by where they live, for an official.
		if err := m.d.Audit(ctx, actor, "personal_data.read", "batch:"+bp.ID, req.Division,
			"批量匹配方案 a batch proposal: "+strconv.Itoa(len(bp.Placements))+" placements"); err != nil {
			return nil, err
		}
	}
	return bp, nil
}

// BatchProposal shows a proposal to the one who made it.
func (m *Matching) BatchProposal(ctx context.Context, actor *Actor, id string) (*models.BatchProposal, error) {
	bp, err := m.st.Batches.Proposal(ctx, id)
	if err != nil {
		return nil, err
	}
	if bp.CreatedBy != actor.AccountID {
		return nil, core.ErrNotFound
	}
	return bp, nil
}

// ApplyBatch applies a proposal once: every chosen volunteer is invited to
// their place (constraints are checked again, as time has passed). The
// application is claimed first and marked complete last; a claim still
// pending was interrupted (a store failure, a crash), and the next attempt,
// by anyone, rolls it forward: each invitation is a unique insert, so one
// the interrupted attempt sent is found and reported, not sent twice.
// Each placement's outcome is reported; when every one was refused, the
// answer is that error (the application is still complete).
func (m *Matching) ApplyBatch(ctx context.Context, actor *Actor, id string) ([]InvitationOutcome, error) {
	bp, err := m.BatchProposal(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	resumed := false
	if err := m.st.Batches.ClaimApply(ctx, id, actor.AccountID, m.d.Now()); core.IsKind(err, models.KindConflict) {
		done, err := m.st.Batches.ApplyCompleted(ctx, id)
		if err != nil {
			return nil, err
		}
		if done {
			return nil, models.E(models.KindConflict, "该方案已经执行过", "this proposal was applied already")
		}
		m.d.Log.WarnContext(ctx, "rolling forward an interrupted batch application", "proposal", id)
		resumed = true
	} else if err != nil {
		return nil, err
	}
	now := m.d.Now()
	out := make([]InvitationOutcome, 0, len(bp.Placements))
	needs := map[string]*models.Need{}
	for _, pl := range bp.Placements {
		n, ok := needs[pl.NeedID]
		if !ok {
			if n, err = m.st.Needs.Need(ctx, pl.NeedID); err != nil {
				return nil, err
			}
			needs[pl.NeedID] = n
		}
		occ, err := m.nextOccurrence(n, pl.OccurrenceID)
		var inv *models.Invitation
		if err == nil {
			inv, err = m.inviteOne(ctx, actor, n, occ, pl.VolunteerID, pl.Score, now)
		}
		// A failure of the store is the application's, not the
		// volunteer's: it stops here, pending, for a retry to finish.
		if err != nil && core.IsOutage(err) {
			return nil, err
		}
		o := outcome(pl.VolunteerID, inv, err)
		if resumed && o.Outcome == OutcomeAlreadyInvited && inv.InvitedBy == actor.AccountID {
			o.Outcome = OutcomeInvited // sent by the interrupted attempt
		}
		out = append(out, o)
	}
	if err := m.st.Batches.CompleteApply(ctx, id); err != nil {
		return nil, err
	}
	if err := nothingInvited(out, func(int) string { return "id" }); err != nil {
		return nil, err
	}
	return out, nil
}
