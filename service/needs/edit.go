package needs

import (
	"context"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// EditNeed edits a need that can still be edited (PATCH): who may, and what
// may change once volunteers hold places, as for UpdateNeed. Edit gets the
// need as it is, under its lock, and the result is checked as a whole.
func (s *Service) EditNeed(ctx context.Context, actor *Actor, id string, edit core.Edit[NeedInput]) (*models.Need, error) {
	return s.editNeed(ctx, actor, id, edit)
}

// needInputOf is n as its committee would send it again. A background
// check that is the target group's default is left unset, so that an edit
// of the target group takes the new group's default.
func needInputOf(n *models.Need) NeedInput {
	in := NeedInput{CommunityCode: n.CommunityCode, Title: n.Title, Description: n.Description, Domain: n.Domain,
		TargetGroup: n.TargetGroup, Address: n.Address, Tasks: n.Tasks, Beneficiaries: n.Beneficiaries,
		Headcount: n.Headcount, Location: n.Location, RadiusKm: n.RadiusKm, Window: n.Window, Schedule: n.Schedule,
		RequiredSkills: n.RequiredSkills, HighRisk: n.HighRiskOverride, InsuranceProvided: n.InsuranceProvided,
		BudgetFen: n.BudgetFen}
	if check := n.BackgroundCheck; check != models.DefaultBackgroundCheck(n.TargetGroup) {
		in.BackgroundCheck = &check
	}
	return in
}
