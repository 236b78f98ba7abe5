package competitions

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// Venture-philanthropy competitions (公益创投大赛). This file: the
// competition, its hooks into applications, and its phases. Elsewhere:
// reviewers, conflicts and assignment (competition_review.go), score sheets
// (competition_scores.go), the public vote and leaderboard
// (competition_votes.go), the ranking, report and public results
// (competition_results.go), and the money: the reserved pool, awards and
// the release of what is left (competition_money.go).

// Store keeps competitions and everything their review decides.
// Every race is decided by a unique insert on a natural key: one reviewer
// record per competition and account, one assignment per entry and
// reviewer, one score sheet per entry and reviewer, one vote per entry and
// account, one frozen result per competition.
type Store interface {
	CreateCompetition(ctx context.Context, c *models.Competition) error
	// Competition returns models.ErrNotFound when there is no such competition.
	Competition(ctx context.Context, id string) (*models.Competition, error)
	// SaveCompetition replaces the competition. Callers hold its lock.
	SaveCompetition(ctx context.Context, c *models.Competition) error
	// Competitions lists competitions matching f, in id order.
	Competitions(ctx context.Context, f CompetitionFilter, p Page) ([]*models.Competition, string, error)

	// CreateReviewer inserts r: models.ErrConflict when the account reviews
	// the competition already.
	CreateReviewer(ctx context.Context, r *models.CompetitionReviewer) error
	// Reviewer returns models.ErrNotFound when the account is no reviewer of it.
	Reviewer(ctx context.Context, competitionID, accountID string) (*models.CompetitionReviewer, error)
	// SaveReviewer replaces the record. Callers hold its lock.
	SaveReviewer(ctx context.Context, r *models.CompetitionReviewer) error
	// Reviewers lists every reviewer of a competition (at most
	// MaxCompetitionReviewers), by account id.
	Reviewers(ctx context.Context, competitionID string) ([]*models.CompetitionReviewer, error)
	// ReviewerRecords lists the competitions an account reviews.
	ReviewerRecords(ctx context.Context, accountID string, p Page) ([]*models.CompetitionReviewer, string, error)

	// InsertAssignment records one assignment: models.ErrConflict when it exists.
	InsertAssignment(ctx context.Context, a *models.ReviewAssignment) error
	// DeleteAssignment removes one (no error when absent).
	DeleteAssignment(ctx context.Context, competitionID, entryID, reviewerID string) error
	// Assignment returns models.ErrNotFound when the entry is not the reviewer's.
	Assignment(ctx context.Context, competitionID, entryID, reviewerID string) (*models.ReviewAssignment, error)
	// Assignments lists every assignment of a competition.
	Assignments(ctx context.Context, competitionID string) ([]*models.ReviewAssignment, error)
	// ReviewerAssignments lists one reviewer's assignments, in entry order.
	ReviewerAssignments(ctx context.Context, competitionID, reviewerID string, p Page) ([]*models.ReviewAssignment, string, error)

	// InsertScoreSheet records a sheet once: models.ErrConflict when the
	// reviewer scored the entry already.
	InsertScoreSheet(ctx context.Context, s *models.ScoreSheet) error
	// DeleteScoreSheet removes a sheet (no error when absent).
	DeleteScoreSheet(ctx context.Context, competitionID, entryID, reviewerID string) error
	// ScoreSheets lists every sheet of a competition.
	ScoreSheets(ctx context.Context, competitionID string) ([]*models.ScoreSheet, error)
	// EntryScoreSheets lists the sheets of one entry.
	EntryScoreSheets(ctx context.Context, competitionID, entryID string) ([]*models.ScoreSheet, error)

	// InsertVote records a vote once: models.ErrConflict when the account
	// voted for the entry already.
	InsertVote(ctx context.Context, v *models.Vote) error
	// Vote returns an account's vote for an entry: models.ErrNotFound when
	// there is none.
	Vote(ctx context.Context, competitionID, entryID, accountID string) (*models.Vote, error)
	// VoteCounts counts the stored votes of a competition per entry.
	VoteCounts(ctx context.Context, competitionID string) (map[string]int, error)

	// InsertResults freezes the ranking: models.ErrConflict when frozen already.
	InsertResults(ctx context.Context, r *models.CompetitionResults) error
	// Results returns models.ErrNotFound before the ranking is frozen.
	Results(ctx context.Context, competitionID string) (*models.CompetitionResults, error)
}

// CompetitionFilter narrows a list of competitions; empty fields match all.
type CompetitionFilter struct {
	FundID        string
	Phase         models.CompetitionPhase
	Phases        []models.CompetitionPhase
	Domain        string
	ExcludeDrafts bool
}

// MaxCompetitionReviewers bounds a competition's panel.
const MaxCompetitionReviewers = 200

// CompetitionInput is what the organiser writes on a competition.
type CompetitionInput struct {
	FundID            string
	Name, Summary     string
	Domains           []string
	EligibleKinds     []string
	Regions           []string
	Schedule          models.CompetitionSchedule
	Rubric            models.Rubric // nil: models.DefaultRubric
	Tiers             []models.AwardTier
	ReviewersPerEntry int // 0: models.DefaultReviewersPerEntry
	PublicVote        bool
	VoteWeightPercent *int // nil: 20 with a public vote
}

// scheduleActor is who the schedule acts as (AdvanceCompetitions).
const scheduleActor = "system"

// managesCompetition reports whether the actor organises c: it manages the fund c
// draws from (a charity_admin of its charity, or civil affairs governing a
// government budget's division).
func (s *Service) managesCompetition(a *Actor, c *models.Competition) bool {
	return s.d.ManagesFund(a, &models.Fund{OwnerOrgID: c.OwnerOrgID, DivisionCode: c.DivisionCode})
}

// CompetitionFund returns the fund of a competition open for entries.
func (s *Service) CompetitionFund(ctx context.Context, competitionID string) (string, error) {
	c, err := s.st.Competitions.Competition(ctx, competitionID)
	if core.IsKind(err, models.KindNotFound) || err == nil && c.Phase == models.PhaseDraft {
		return "", models.Invalid("competitionId", "大赛不存在", "no such competition")
	} else if err != nil {
		return "", err
	}
	if err := s.entriesOpen(c); err != nil {
		return "", err
	}
	return c.FundID, nil
}

// entriesOpen: entries are accepted in phase open, until review starts.
func (s *Service) entriesOpen(c *models.Competition) error {
	if c.Phase != models.PhaseOpen || !s.d.Now().Before(c.Schedule.ReviewAt) {
		return models.E(models.KindConflict, "大赛未开放报名", "the competition is not open for entries")
	}
	return nil
}

// CheckEntry checks a competition entry on submission: the competition is
// open, the entry's domains meet its theme, its organisation's kind and its
// project's regions are eligible, and it requests at most the largest award.
func (s *Service) CheckEntry(ctx context.Context, a *models.Application) error {
	c, err := s.st.Competitions.Competition(ctx, a.CompetitionID)
	if err != nil {
		return err
	}
	if err := s.entriesOpen(c); err != nil {
		return err
	}
	if !core.Overlaps(a.Domains, c.Domains) {
		return models.Invalid("domains", "项目领域不在大赛主题领域内", "the entry's domains are outside the competition's themes")
	}
	for i, r := range a.Regions {
		if !core.OverlapsRegions([]string{r}, c.Regions) {
			return models.Invalid(core.IndexedField("regions", i), "项目服务地区不在大赛参赛地区内", "the project's region is outside the competition's")
		}
	}
	if len(c.EligibleKinds) > 0 {
		o, err := s.st.Organisations.Organisation(ctx, a.OrganisationID)
		if err != nil {
			return err
		}
		if !slices.Contains(c.EligibleKinds, o.Kind) {
			return models.Invalid("organisationId", "该类型的机构不能参加本大赛", "organisations of this kind may not enter this competition")
		}
	}
	if a.RequestedFen > c.MaxAwardFen() {
		return models.Invalid("requestedFen", "申请金额不能超过大赛最高奖项金额", "the requested amount must not exceed the largest award")
	}
	return nil
}

// mayReadEntry: the organiser, and a reviewer the entry is assigned to who
// has no conflict with it.
func (s *Service) MayReadEntry(ctx context.Context, actor *Actor, a *models.Application) bool {
	if actor == nil {
		return false
	}
	c, err := s.st.Competitions.Competition(ctx, a.CompetitionID)
	if err != nil {
		return false
	}
	if s.managesCompetition(actor, c) {
		return true
	}
	// Reviewers read their entries while the competition is decided; once
	// it is awarded the public results say what there is to say.
	if c.Phase.Reached(models.PhaseAwarded) {
		return false
	}
	_, err = s.assignedReviewer(ctx, c, actor, a)
	return err == nil
}

// mayManageCompetitionID: the competition's organiser.
func (s *Service) MayManageCompetitionID(ctx context.Context, actor *Actor, id string) error {
	_, err := s.managedCompetition(ctx, actor, id)
	return err
}

// managedCompetition loads a competition for its organiser: ErrNotFound for
// an unknown id, core.ErrForbidden for anyone else.
func (s *Service) managedCompetition(ctx context.Context, actor *Actor, id string) (*models.Competition, error) {
	c, err := s.st.Competitions.Competition(ctx, id)
	if err != nil {
		return nil, err
	}
	if actor == nil || !s.managesCompetition(actor, c) {
		return nil, core.ErrForbidden
	}
	return c, nil
}

// visibleCompetition loads a competition anyone may see: drafts only for
// their organiser (models.ErrNotFound for everyone else).
func (s *Service) visibleCompetition(ctx context.Context, actor *Actor, id string) (*models.Competition, error) {
	c, err := s.st.Competitions.Competition(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Phase == models.PhaseDraft && (actor == nil || !s.managesCompetition(actor, c)) {
		return nil, models.ErrNotFound
	}
	return c, nil
}

// competitionInputOf is c as its organiser would send it again.
func competitionInputOf(c *models.Competition) CompetitionInput {
	in := CompetitionInput{FundID: c.FundID, Name: c.Name, Summary: c.Summary, Domains: c.Domains, EligibleKinds: c.EligibleKinds,
		Regions: c.Regions, Schedule: c.Schedule, Rubric: c.Rubric.Clone(), Tiers: append([]models.AwardTier(nil), c.Tiers...),
		ReviewersPerEntry: c.ReviewersPerEntry, PublicVote: c.PublicVote}
	if c.PublicVote {
		w := c.VoteWeightPercent
		in.VoteWeightPercent = &w
	}
	return in
}

func (in CompetitionInput) apply(c *models.Competition) {
	c.Name, c.Summary = strings.TrimSpace(in.Name), in.Summary
	c.Domains, c.EligibleKinds, c.Regions = in.Domains, in.EligibleKinds, in.Regions
	c.Schedule = models.CompetitionSchedule{OpensAt: in.Schedule.OpensAt.UTC(), ReviewAt: in.Schedule.ReviewAt.UTC(),
		VoteAt: in.Schedule.VoteAt.UTC(), FinalistsAt: in.Schedule.FinalistsAt.UTC(), AwardsAt: in.Schedule.AwardsAt.UTC(),
		ClosesAt: in.Schedule.ClosesAt.UTC()}
	if in.Schedule.VoteAt.IsZero() {
		c.Schedule.VoteAt = time.Time{}
	}
	c.Rubric = in.Rubric.Clone()
	if in.Rubric == nil {
		c.Rubric = models.DefaultRubric.Clone()
	}
	c.Tiers = append([]models.AwardTier(nil), in.Tiers...)
	for i := range c.Tiers {
		c.Tiers[i].Name = strings.TrimSpace(c.Tiers[i].Name)
	}
	c.ReviewersPerEntry = in.ReviewersPerEntry
	if c.ReviewersPerEntry == 0 {
		c.ReviewersPerEntry = models.DefaultReviewersPerEntry
	}
	c.PublicVote = in.PublicVote
	c.VoteWeightPercent = 0
	if in.PublicVote {
		c.VoteWeightPercent = int(models.DefaultVoteWeight * 100)
		if in.VoteWeightPercent != nil {
			c.VoteWeightPercent = *in.VoteWeightPercent
		}
	}
}

// checkAgainstFund: the themes are the fund's domains, the regions lie in
// the fund's, and the pool fits in the fund.
func checkAgainstFund(c *models.Competition, f *models.Fund) error {
	var p models.Problems
	for i, d := range c.Domains {
		if len(f.Domains) > 0 && !slices.Contains(f.Domains, d) {
			p.Add(core.IndexedField("domains", i), "大赛主题领域须在资金的资助领域内", "a theme must be one of the fund's domains")
		}
	}
	for i, r := range c.Regions {
		if !core.OverlapsRegions([]string{r}, f.Regions) {
			p.Add(core.IndexedField("regions", i), "参赛地区须在资金的资助地区内", "a region must lie in the fund's regions")
		}
	}
	if c.PoolFen() > f.TotalFen {
		p.Add("tiers", "奖金池超过资金总额", "the prize pool exceeds the fund's total")
	}
	return p.Err()
}

// CreateCompetition drafts a competition on one of the actor's funds.
func (s *Service) CreateCompetition(ctx context.Context, actor *Actor, in CompetitionInput) (*models.Competition, error) {
	f, err := s.st.Funds.Fund(ctx, in.FundID)
	if core.IsKind(err, models.KindNotFound) {
		return nil, models.Invalid("fundId", "资金不存在", "no such fund")
	} else if err != nil {
		return nil, err
	}
	if !s.d.ManagesFund(actor, f) {
		return nil, models.E(models.KindForbidden, "只有资金的管理方可以用它举办大赛", "only the fund's manager may run a competition on it")
	}
	if err := s.d.OwnerOperating(ctx, f); err != nil {
		return nil, err
	}
	now := s.d.Now()
	c := &models.Competition{ID: core.NewID(), FundID: f.ID, OwnerOrgID: f.OwnerOrgID, DivisionCode: f.DivisionCode,
		Phase: models.PhaseDraft, PhaseAt: now, CreatedBy: actor.AccountID, CreatedAt: now, UpdatedAt: now}
	in.apply(c)
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := checkAgainstFund(c, f); err != nil {
		return nil, err
	}
	if err := s.st.Competitions.CreateCompetition(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateCompetition rewrites a draft (its fund stays).
func (s *Service) UpdateCompetition(ctx context.Context, actor *Actor, id string, in CompetitionInput) (*models.Competition, error) {
	return s.EditCompetition(ctx, actor, id, core.Replace(in))
}

// EditCompetition edits a draft (PATCH): the organiser, as for
// UpdateCompetition. Edit gets the draft as it is, under its lock, and the
// result is checked as a whole (against the fund too).
func (s *Service) EditCompetition(ctx context.Context, actor *Actor, id string, edit core.Edit[CompetitionInput]) (*models.Competition, error) {
	return core.Locked(s.d.Shared, ctx, "competition:"+id, func() (*models.Competition, error) {
		c, err := s.managedCompetition(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		if c.Phase != models.PhaseDraft {
			return nil, models.E(models.KindConflict, "大赛发布后不能修改", "a competition cannot be edited once published")
		}
		in, err := edit(competitionInputOf(c))
		if err != nil {
			return nil, err
		}
		if in.FundID != "" && in.FundID != c.FundID {
			return nil, models.Invalid("fundId", "不能更换大赛的资金", "a competition's fund cannot be changed")
		}
		if reserved, err := s.poolReserved(ctx, c); err != nil {
			return nil, err
		} else if reserved {
			return nil, models.E(models.KindConflict, "奖金池已预留，请直接发布大赛", "the prize pool is reserved already; publish the competition")
		}
		f, err := s.st.Funds.Fund(ctx, c.FundID)
		if err != nil {
			return nil, err
		}
		in.apply(c)
		if err := c.Validate(); err != nil {
			return nil, err
		}
		if err := checkAgainstFund(c, f); err != nil {
			return nil, err
		}
		c.UpdatedAt = s.d.Now()
		return c, s.st.Competitions.SaveCompetition(ctx, c)
	})
}

// Competition returns a competition (public once published).
func (s *Service) Competition(ctx context.Context, actor *Actor, id string) (*models.Competition, error) {
	return s.visibleCompetition(ctx, actor, id)
}

// ListCompetitions lists published competitions; a fund's manager listing
// by fund sees its drafts too.
func (s *Service) ListCompetitions(ctx context.Context, actor *Actor, f CompetitionFilter, p Page) ([]*models.Competition, string, error) {
	f.ExcludeDrafts = true
	if f.FundID != "" && actor != nil {
		if fund, err := s.st.Funds.Fund(ctx, f.FundID); err == nil && s.d.ManagesFund(actor, fund) {
			f.ExcludeDrafts = false
		}
	}
	if f.Phase == models.PhaseDraft && f.ExcludeDrafts {
		return nil, "", nil
	}
	return s.st.Competitions.Competitions(ctx, f, p.Normalised())
}

// competingStatus: an entry still in the competition (not a draft, not
// withdrawn, not ruled out).
func competingStatus(st models.ApplicationStatus) bool {
	switch st {
	case models.AppDraft, models.AppWithdrawn, models.AppIneligible, models.AppRejected:
		return false
	}
	return true
}

// undecidedStatus: a competing entry that has not been awarded or passed over.
func undecidedStatus(st models.ApplicationStatus) bool {
	return st == models.AppSubmitted || st == models.AppProcurement
}

// eachEntry calls fn with every submitted entry of the competition, page by page.
func (s *Service) eachEntry(ctx context.Context, competitionID string, fn func(*models.Application) error) error {
	p := Page{Limit: MaxPageSize}
	for {
		list, next, err := s.st.Applications.Applications(ctx, core.ApplicationFilter{CompetitionID: competitionID, ExcludeDrafts: true}, p)
		if err != nil {
			return err
		}
		for _, a := range list {
			if err := fn(a); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		p.Cursor = next
	}
}

// competingEntries returns the competition's competing entries by id.
func (s *Service) competingEntries(ctx context.Context, competitionID string) (map[string]*models.Application, error) {
	out := map[string]*models.Application{}
	err := s.eachEntry(ctx, competitionID, func(a *models.Application) error {
		if competingStatus(a.Status) {
			out[a.ID] = a
		}
		return nil
	})
	return out, err
}
