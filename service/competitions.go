package service

import (
	"context"

	"github.com/wushe/wushe/models"
)

// TEMPORARY: the competition hooks the applications call; the competitions
// work replaces this file.

// competitionFund returns the fund of a competition open for entries.
func (s *Service) competitionFund(ctx context.Context, competitionID string) (string, error) {
	return "", models.Invalid("body.competitionId", "大赛不存在", "no such competition")
}

// checkEntry checks a competition entry on submission.
func (s *Service) checkEntry(ctx context.Context, a *models.Application) error {
	return models.E(models.KindConflict, "大赛未开放报名", "the competition is not open for entries")
}

// mayReadEntry: the organiser and the entry's assigned reviewers.
func (s *Service) mayReadEntry(ctx context.Context, actor *Actor, a *models.Application) bool { return false }

// mayManageCompetitionID: the competition's organiser.
func (s *Service) mayManageCompetitionID(ctx context.Context, actor *Actor, id string) error {
	return errForbidden
}

// CompetitionStore keeps competitions (TEMPORARY: defined by the competitions work).
type CompetitionStore interface{}
