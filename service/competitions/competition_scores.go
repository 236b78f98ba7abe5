package competitions

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// competition_scores.go: what a reviewer sees of their entries, their score
// sheets, and when the review may end.

// ReviewerEntry is an entry as its reviewer's list shows it.
type ReviewerEntry struct {
	Entry  *models.Application
	Scored bool
}

// MyReviewEntries lists the entries assigned to the actor (a reviewer of the competition).
func (s *Service) MyReviewEntries(ctx context.Context, actor *Actor, id string, p Page) ([]*ReviewerEntry, string, error) {
	c, r, err := s.reviewerOf(ctx, actor, id)
	if err != nil {
		return nil, "", err
	}
	ref, err := s.reviewerRef(ctx, r)
	if err != nil {
		return nil, "", err
	}
	as, next, err := s.st.Competitions.ReviewerAssignments(ctx, c.ID, actor.AccountID, p.Normalised())
	if err != nil {
		return nil, "", err
	}
	sheets, err := s.st.Competitions.ScoreSheets(ctx, c.ID)
	if err != nil {
		return nil, "", err
	}
	out := make([]*ReviewerEntry, 0, len(as))
	for _, a := range as {
		e, err := s.st.Applications.Application(ctx, a.EntryID)
		if core.IsKind(err, models.KindNotFound) {
			continue
		} else if err != nil {
			return nil, "", err
		}
		if ref.Conflicted(models.EntryRef{ID: e.ID, OrganisationID: e.OrganisationID}) {
			continue
		}
		re := &ReviewerEntry{Entry: e}
		for _, sh := range sheets {
			re.Scored = re.Scored || sh.EntryID == e.ID && sh.ReviewerID == actor.AccountID
		}
		out = append(out, re)
	}
	return out, next, nil
}

// ReviewEntryView is an assigned entry with the rubric and the sheets a
// reviewer may see: their own, and the others' once their own is in (with
// no names).
type ReviewEntryView struct {
	Competition *models.Competition
	Entry       *models.Application
	Mine        *models.ScoreSheet
	Others      []*models.ScoreSheet // ReviewerID cleared
}

// ReviewEntry shows an assigned entry to its reviewer.
func (s *Service) ReviewEntry(ctx context.Context, actor *Actor, id, entryID string) (*ReviewEntryView, error) {
	c, _, err := s.reviewerOf(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	e, err := s.entryOf(ctx, c, entryID)
	if err != nil {
		return nil, err
	}
	if _, err := s.assignedReviewer(ctx, c, actor, e); err != nil {
		return nil, err
	}
	sheets, err := s.st.Competitions.EntryScoreSheets(ctx, c.ID, e.ID)
	if err != nil {
		return nil, err
	}
	v := &ReviewEntryView{Competition: c, Entry: e}
	for _, sh := range sheets {
		if sh.ReviewerID == actor.AccountID {
			v.Mine = sh
		}
	}
	if v.Mine != nil {
		for _, sh := range sheets {
			if sh.ReviewerID != actor.AccountID {
				anon := *sh
				anon.ReviewerID = ""
				v.Others = append(v.Others, &anon)
			}
		}
	}
	return v, nil
}

// ScoreInput is a reviewer's score sheet.
type ScoreInput struct {
	Scores  map[string]int
	Comment string
}

// ScoreEntry records the actor's score sheet for an assigned entry, once
// (a unique insert: of any number of concurrent submissions one is kept,
// the others are refused with models.ErrConflict). A conflicted or
// unassigned reviewer is refused (403).
func (s *Service) ScoreEntry(ctx context.Context, actor *Actor, id, entryID string, in ScoreInput) (*models.ScoreSheet, error) {
	if len([]rune(in.Comment)) > 2000 {
		return nil, models.Invalid("comment", "评语不超过 2000 个字符", "comment must be at most 2000 characters")
	}
	c, _, err := s.reviewerOf(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	e, err := s.entryOf(ctx, c, entryID)
	if err != nil {
		return nil, err
	}
	if _, err := s.assignedReviewer(ctx, c, actor, e); err != nil {
		return nil, err
	}
	if c.Phase != models.PhaseReview {
		return nil, models.E(models.KindConflict, "大赛不在评审阶段", "the competition is not in review")
	}
	if !competingStatus(e.Status) {
		return nil, models.E(models.KindConflict, "该项目已不在评选中", "the entry is no longer competing")
	}
	total, err := models.WeightedTotal(c.Rubric, in.Scores)
	if err != nil {
		return nil, err
	}
	sh := &models.ScoreSheet{CompetitionID: c.ID, EntryID: e.ID, ReviewerID: actor.AccountID, Scores: in.Scores, Total: total,
		Comment: strings.TrimSpace(in.Comment), SubmittedAt: s.d.Now()}
	// The insert runs under the competition's lock, after checking again
	// that the review is open and the entry still assigned: a phase change
	// (which freezes the ranking) and a reassignment hold the same lock, so
	// a sheet is never stored behind their back.
	err = s.d.WithLock(ctx, "competition:"+c.ID, func() error {
		cur, err := s.st.Competitions.Competition(ctx, c.ID)
		if err != nil {
			return err
		}
		if cur.Phase != models.PhaseReview {
			return models.E(models.KindConflict, "大赛不在评审阶段", "the competition is not in review")
		}
		if _, err := s.st.Competitions.Assignment(ctx, c.ID, e.ID, actor.AccountID); core.IsKind(err, models.KindNotFound) {
			return errNotAssigned
		} else if err != nil {
			return err
		}
		if err := s.st.Competitions.InsertScoreSheet(ctx, sh); core.IsKind(err, models.KindConflict) {
			return models.E(models.KindConflict, "您已为该项目评分，评分提交后不能修改", "you have scored this entry; a score sheet is final")
		} else if err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// A reassignment may have withdrawn the assignment meanwhile. It
	// restores an assignment whose sheet it finds after withdrawing it; the
	// sheet withdraws itself when it finds its assignment gone. Either way
	// no sheet is left without its assignment.
	if _, err := s.st.Competitions.Assignment(ctx, c.ID, e.ID, actor.AccountID); core.IsKind(err, models.KindNotFound) {
		if err := s.st.Competitions.DeleteScoreSheet(ctx, c.ID, e.ID, actor.AccountID); err != nil {
			return nil, err
		}
		return nil, models.E(models.KindConflict, "该项目的评审分配刚刚变更，请刷新后重试", "the entry's assignment changed just now; reload and retry").WithCode(models.CodeStaleState)
	} else if err != nil {
		return nil, err
	}
	return sh, nil
}

// checkReviewDone: the review can end once every competing entry has at
// least one valid score sheet (unscored entries can be reassigned or ruled out).
func (s *Service) checkReviewDone(ctx context.Context, c *models.Competition) error {
	d, err := s.reviewData(ctx, c)
	if err != nil {
		return err
	}
	counted := map[string]bool{}
	for _, sc := range d.scores {
		counted[sc.EntryID] = true
	}
	var p models.Problems
	ids := make([]string, 0, len(d.entries))
	for id := range d.entries {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if !counted[id] {
			p.Add(fmt.Sprintf("entries.%s", id), "该项目尚无有效评分", "the entry has no valid score sheet")
		}
	}
	if len(p) == 0 {
		return nil
	}
	return &models.Error{Kind: models.KindConflict, Fields: p, Field: p[0].Field,
		Zh: fmt.Sprintf("%d 个项目尚无有效评分，评审不能结束（可重新分配评审或取消其参赛资格）", len(p)),
		En: fmt.Sprintf("%d entries have no valid score sheet yet; the review cannot end (reassign them or rule them out)", len(p))}
}
