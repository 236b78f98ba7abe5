package money

import (
	"context"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// EditApplication edits a draft (PATCH): its organisation's admins, as for
// UpdateApplication. Edit gets the draft as it is, under its lock, and the
// result is checked as a whole.
func (s *Service) EditApplication(ctx context.Context, actor *Actor, id string, edit core.Edit[ApplicationInput]) (*models.Application, error) {
	return s.editApplication(ctx, actor, id, edit)
}

// applicationInputOf is a as its organisation would send it again. The
// organisation, the fund and the competition are fixed once created; the
// team's certificate levels are filled on submission.
func applicationInputOf(a *models.Application) ApplicationInput {
	in := ApplicationInput{OrganisationID: a.OrganisationID, FundID: a.FundID, CompetitionID: a.CompetitionID,
		Title: a.Title, Summary: a.Summary, NeedIDs: a.NeedIDs, Domains: a.Domains, TargetGroup: a.TargetGroup,
		Beneficiaries: a.Beneficiaries, Regions: a.Regions, SupervisorID: a.SupervisorID, Milestones: a.Milestones,
		Budget: a.Budget, RequestedFen: a.RequestedFen, Government: a.Government, ContractStart: a.ContractStart,
		ContractEnd: a.ContractEnd, NeedsSurvey: a.NeedsSurvey, KPIs: a.KPIs}
	for _, m := range a.Team {
		m.Level = ""
		in.Team = append(in.Team, m)
	}
	return in
}
