package service

import (
	"context"

	"github.com/wushe/wushe/models"
)

// feedRecognition feeds the dashboard's builder what the recognition domain
// keeps, page by page: the evaluations (first: before the organisations,
// whose demonstration status they qualify) or the commendations (counted
// in the snapshot's year). Without the stores (older wiring), nothing.
func (s *Service) feedRecognition(ctx context.Context, b *models.DashboardBuilder, evaluations bool) error {
	if evaluations {
		if s.st.Evaluations == nil {
			return nil
		}
		return eachItem(func(p Page) ([]*models.OrgEvaluation, string, error) {
			return s.st.Evaluations.ListEvaluations(ctx, p)
		}, b.AddEvaluation)
	}
	if s.st.Commendations == nil {
		return nil
	}
	return eachItem(func(p Page) ([]*models.Commendation, string, error) {
		return s.st.Commendations.ListCommendations(ctx, p)
	}, b.AddCommendation)
}
