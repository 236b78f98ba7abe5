package service

import (
	"context"

	"github.com/wushe/wushe/models"
)

// attachGrant records the fund and grant on a need's linkage plan (the
// fifth party: 慈善资源); the money domain calls it when it grants.
func (s *Service) attachGrant(ctx context.Context, needID string, g *models.Grant) error {
	n, err := s.st.Needs.Need(ctx, needID)
	if err != nil {
		return err
	}
	return s.withLock(ctx, "plan:"+needID, func() error {
		p, err := s.needs.PlanOf(ctx, n)
		if err != nil {
			return err
		}
		if p.GrantID == g.ID {
			return nil
		}
		p.FundID, p.GrantID, p.UpdatedAt = g.FundID, g.ID, s.now()
		return s.st.Plans.SavePlan(ctx, p)
	})
}
