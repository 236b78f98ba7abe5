package competitions

import (
	"context"
	"math"
	"sort"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/ledger"
)

// competition_results.go: the ranking (models.Normalise, then
// models.Combine with the public vote), frozen when the finalists are
// announced; the organiser's report; the public results.

// reviewData is what a ranking is computed from.
type reviewData struct {
	entries   map[string]*models.Application // competing entries
	reviewers []*models.CompetitionReviewer
	refs      map[string]models.ReviewerRef
	assigned  []*models.ReviewAssignment
	sheets    []*models.ScoreSheet
	// scores are the valid sheets' totals: a competing entry, still
	// assigned to the reviewer, who has no conflict with it.
	scores   []models.ReviewScore
	excluded int
}

func (s *Service) reviewData(ctx context.Context, c *models.Competition) (*reviewData, error) {
	d := &reviewData{refs: map[string]models.ReviewerRef{}}
	var err error
	if d.entries, err = s.competingEntries(ctx, c.ID); err != nil {
		return nil, err
	}
	if d.reviewers, err = s.st.Competitions.Reviewers(ctx, c.ID); err != nil {
		return nil, err
	}
	for _, r := range d.reviewers {
		ref, err := s.reviewerRef(ctx, r)
		if err != nil {
			return nil, err
		}
		d.refs[r.AccountID] = ref
	}
	if d.assigned, err = s.st.Competitions.Assignments(ctx, c.ID); err != nil {
		return nil, err
	}
	if d.sheets, err = s.st.Competitions.ScoreSheets(ctx, c.ID); err != nil {
		return nil, err
	}
	assigned := map[string]bool{}
	for _, a := range d.assigned {
		assigned[a.EntryID+"#"+a.ReviewerID] = true
	}
	for _, sh := range d.sheets {
		e := d.entries[sh.EntryID]
		ref, ok := d.refs[sh.ReviewerID]
		if e == nil || !ok || !assigned[sh.EntryID+"#"+sh.ReviewerID] ||
			ref.Conflicted(models.EntryRef{ID: e.ID, OrganisationID: e.OrganisationID}) {
			d.excluded++
			continue
		}
		d.scores = append(d.scores, models.ReviewScore{ReviewerID: sh.ReviewerID, EntryID: sh.EntryID, Total: sh.Total})
	}
	return d, nil
}

// computeResults ranks the competition now: the review normalised, then
// combined with the stored votes (weight 0 without a public vote, which
// keeps the review's order).
func (s *Service) computeResults(ctx context.Context, c *models.Competition, d *reviewData) (*models.CompetitionResults, error) {
	r := &models.CompetitionResults{CompetitionID: c.ID, Review: models.Normalise(d.scores, models.NormaliseOptions{}),
		VoteWeight: c.VoteWeight(), Votes: map[string]int{}, FrozenAt: s.d.Now()}
	if c.PublicVote {
		counts, err := s.st.Competitions.VoteCounts(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		for id, n := range counts {
			if d.entries[id] != nil {
				r.Votes[id] = n
			}
		}
	}
	ranking, err := models.Combine(r.Review.Entries, r.Votes, r.VoteWeight)
	if err != nil {
		return nil, err
	}
	r.Ranking = ranking
	return r, nil
}

// freezeResults computes the ranking and stores it once; a repeat (or a
// crashed earlier attempt) keeps the ranking stored first.
func (s *Service) freezeResults(ctx context.Context, c *models.Competition) (*models.CompetitionResults, error) {
	if r, err := s.st.Competitions.Results(ctx, c.ID); err == nil {
		return r, nil
	} else if !core.IsKind(err, models.KindNotFound) {
		return nil, err
	}
	d, err := s.reviewData(ctx, c)
	if err != nil {
		return nil, err
	}
	r, err := s.computeResults(ctx, c, d)
	if err != nil {
		return nil, err
	}
	if err := s.st.Competitions.InsertResults(ctx, r); core.IsKind(err, models.KindConflict) {
		return s.st.Competitions.Results(ctx, c.ID)
	} else if err != nil {
		return nil, err
	}
	return r, nil
}

// results are the frozen ranking once the finalists are announced, the
// live one before.
func (s *Service) results(ctx context.Context, c *models.Competition, d *reviewData) (*models.CompetitionResults, bool, error) {
	if c.Phase.Reached(models.PhaseFinalists) {
		r, err := s.st.Competitions.Results(ctx, c.ID)
		if err == nil {
			return r, true, nil
		}
		if !core.IsKind(err, models.KindNotFound) {
			return nil, false, err
		}
	}
	r, err := s.computeResults(ctx, c, d)
	return r, false, err
}

// CompetitionReport is the organiser's view of a competition.
type CompetitionReport struct {
	Competition *models.Competition
	Fund        *ledger.FundView
	Frozen      bool // the ranking is the frozen one
	Entries     []ReportEntry
	Reviewers   []ReportReviewer
	Sheets      []ReportSheet
	Excluded    int // sheets not counted (conflict declared later, assignment withdrawn, entry out)
	PooledMean  float64
	PooledSD    float64
	AwardedFen  int64
}

// ReportEntry is one entry's line in the report.
type ReportEntry struct {
	Entry      *models.Application
	Assigned   int
	Scored     int
	Result     *models.EntryResult   // nil when no valid sheet
	Combined   *models.CombinedEntry // nil when unranked
	Votes      int
	Award      *models.Award
	GrantedFen int64
}

// ReportReviewer is one reviewer's progress and scale.
type ReportReviewer struct {
	Reviewer *models.CompetitionReviewer
	Assigned int
	Scored   int
	Stats    *models.ReviewerStats // how their totals were normalised
}

// ReportSheet is one sheet's total, raw and normalised.
type ReportSheet struct {
	EntryID    string
	ReviewerID string
	Total      float64
	Z          float64
	Counted    bool
}

// Report is the organiser's report: entries, reviewer progress, every
// sheet raw and normalised, disagreement flags, votes and the ranking.
func (s *Service) Report(ctx context.Context, actor *Actor, id string) (*CompetitionReport, error) {
	c, err := s.managedCompetition(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	d, err := s.reviewData(ctx, c)
	if err != nil {
		return nil, err
	}
	res, frozen, err := s.results(ctx, c, d)
	if err != nil {
		return nil, err
	}
	fund, err := s.d.Fund(ctx, c.FundID)
	if err != nil {
		return nil, err
	}
	rep := &CompetitionReport{Competition: c, Fund: fund, Frozen: frozen, Excluded: d.excluded,
		PooledMean: res.Review.PooledMean, PooledSD: res.Review.PooledSD}
	stats := map[string]*models.ReviewerStats{}
	for i := range res.Review.Reviewers {
		stats[res.Review.Reviewers[i].ReviewerID] = &res.Review.Reviewers[i]
	}
	counted := map[string]bool{}
	for _, sc := range d.scores {
		counted[sc.EntryID+"#"+sc.ReviewerID] = true
	}
	assignedBy, scoredBy := map[string]int{}, map[string]int{}
	assignedTo, scoredFor := map[string]int{}, map[string]int{}
	for _, a := range d.assigned {
		assignedBy[a.ReviewerID]++
		assignedTo[a.EntryID]++
	}
	for _, sh := range d.sheets {
		scoredBy[sh.ReviewerID]++
		scoredFor[sh.EntryID]++
		z := 0.0
		if st := stats[sh.ReviewerID]; st != nil {
			mean, sd := st.Mean, st.SD
			if st.Basis == models.ZBasisPooled {
				mean, sd = res.Review.PooledMean, res.Review.PooledSD
			}
			if sd > 1e-12 {
				z = (sh.Total - mean) / sd
			}
		}
		rep.Sheets = append(rep.Sheets, ReportSheet{EntryID: sh.EntryID, ReviewerID: sh.ReviewerID, Total: sh.Total,
			Z: roundScore(z), Counted: counted[sh.EntryID+"#"+sh.ReviewerID]})
	}
	for _, r := range d.reviewers {
		rep.Reviewers = append(rep.Reviewers, ReportReviewer{Reviewer: r, Assigned: assignedBy[r.AccountID], Scored: scoredBy[r.AccountID],
			Stats: stats[r.AccountID]})
	}
	review := map[string]*models.EntryResult{}
	for i := range res.Review.Entries {
		review[res.Review.Entries[i].EntryID] = &res.Review.Entries[i]
	}
	combined := map[string]*models.CombinedEntry{}
	for i := range res.Ranking {
		combined[res.Ranking[i].EntryID] = &res.Ranking[i]
	}
	awards := map[string]*models.Award{}
	for i := range c.Awards {
		awards[c.Awards[i].EntryID] = &c.Awards[i]
	}
	err = s.eachEntry(ctx, c.ID, func(a *models.Application) error {
		rep.Entries = append(rep.Entries, ReportEntry{Entry: a, Assigned: assignedTo[a.ID], Scored: scoredFor[a.ID],
			Result: review[a.ID], Combined: combined[a.ID], Votes: res.Votes[a.ID], Award: awards[a.ID], GrantedFen: a.GrantedFen})
		rep.AwardedFen += a.GrantedFen
		return nil
	})
	if err != nil {
		return nil, err
	}
	sortReportEntries(rep.Entries)
	return rep, nil
}

// sortReportEntries puts ranked entries first, in rank order, then the rest by id.
func sortReportEntries(es []ReportEntry) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i].Combined, es[j].Combined
		switch {
		case a != nil && b != nil:
			return a.Rank < b.Rank
		case a != nil || b != nil:
			return a != nil
		}
		return es[i].Entry.ID < es[j].Entry.ID
	})
}

func roundScore(x float64) float64 {
	r := math.Round(x*1e6) / 1e6
	if r == 0 {
		return 0 // no negative zero
	}
	return r
}

// PublicResult is one entry of the public results: nothing personal, no
// reviewer and no individual score sheet.
type PublicResult struct {
	Rank             int
	EntryID          string
	OrganisationName string
	Title            string
	FinalScore       float64 // 0–100: review percentile blended with the vote percentile
	ReviewScore      float64 // mean z-normalised review score
	RawMean          float64 // mean of the reviewers' weighted totals (0–100)
	Votes            int
	Tier             string
	TierName         string
	AwardFen         int64
}

// PublicResults are a competition's results, public once it is awarded.
type PublicResults struct {
	Competition *models.Competition
	Entries     []PublicResult
	AwardedFen  int64
}

// Results publishes the ranking and the awards once the competition is
// awarded (anyone, no login). Entries ruled out after the ranking was
// frozen are left out and the places renumbered.
func (s *Service) Results(ctx context.Context, actor *Actor, id string) (*PublicResults, error) {
	c, err := s.visibleCompetition(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !c.Phase.Reached(models.PhaseAwarded) {
		return nil, models.E(models.KindNotFound, "大赛结果尚未公布", "the results are published once the competition is awarded")
	}
	res, err := s.st.Competitions.Results(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	review := map[string]models.EntryResult{}
	for _, e := range res.Review.Entries {
		review[e.EntryID] = e
	}
	awards := map[string]models.Award{}
	for _, a := range c.Awards {
		awards[a.EntryID] = a
	}
	names := orgNames{s: s}
	out := &PublicResults{Competition: c}
	for _, r := range res.Ranking {
		e, err := s.st.Applications.Application(ctx, r.EntryID)
		if err != nil {
			return nil, err
		}
		if !competingStatus(e.Status) {
			continue // ruled out or withdrawn after the ranking was frozen
		}
		pr := PublicResult{Rank: len(out.Entries) + 1, EntryID: e.ID, OrganisationName: names.of(ctx, e.OrganisationID), Title: e.Title,
			FinalScore: r.Final, ReviewScore: review[e.ID].Score, RawMean: review[e.ID].RawMean, Votes: r.Votes}
		if a, ok := awards[e.ID]; ok && e.Status.Granted() {
			pr.Tier, pr.TierName, pr.AwardFen = a.Tier, a.TierName, e.GrantedFen
			out.AwardedFen += e.GrantedFen
		}
		out.Entries = append(out.Entries, pr)
	}
	return out, nil
}
