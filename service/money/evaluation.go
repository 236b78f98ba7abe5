package money

import (
	"context"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// Third-party performance evaluation (绩效评估): the funder engages a
// supervision and evaluation institution; its evaluators evaluate the
// completed project before the final tranche.

// EngageEvaluator engages an evaluation institution (社会工作督导评估机构) on
// a granted project; its evaluators may then read and evaluate it.
func (s *Service) EngageEvaluator(ctx context.Context, actor *Actor, id, orgID string) (*models.Application, error) {
	o, err := s.st.Organisations.Organisation(ctx, orgID)
	if core.IsKind(err, models.KindNotFound) {
		return nil, models.Invalid("organisationId", "机构不存在", "no such organisation")
	} else if err != nil {
		return nil, err
	}
	if o.Kind != "supervision_evaluation_institution" || !o.Status.Operating() {
		return nil, models.Invalid("organisationId", "须为正常运营的社会工作督导评估机构", "must be an active supervision and evaluation institution")
	}
	return core.Locked(s.d.Shared, ctx, "application:"+id, func() (*models.Application, error) {
		a, _, err := s.funderApplication(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		if !a.Status.Granted() || a.Status == models.AppEvaluated {
			return nil, models.E(models.KindConflict, "只有已立项且未评估的项目可以委托评估", "only a granted, unevaluated project can be given an evaluator")
		}
		if o.ID == a.OrganisationID {
			return nil, models.Invalid("organisationId", "评估机构不能评估自己的项目", "an institution cannot evaluate its own project")
		}
		a.EvaluatorOrg, a.UpdatedAt = o.ID, s.d.Now()
		return a, s.st.Applications.SaveApplication(ctx, a)
	})
}

// Evaluate records the engaged institution's evaluation of a completed project.
func (s *Service) Evaluate(ctx context.Context, actor *Actor, id string, e models.Evaluation) (*models.Evaluation, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return core.Locked(s.d.Shared, ctx, "application:"+id, func() (*models.Evaluation, error) {
		a, err := s.st.Applications.Application(ctx, id)
		if err != nil {
			return nil, err
		}
		if !s.evaluates(actor, a) {
			if s.mayReadApplication(ctx, actor, a) {
				return nil, models.E(models.KindForbidden, "只有受委托的评估机构可以评估", "only the engaged institution evaluates")
			}
			return nil, models.ErrNotFound
		}
		if a.Status != models.AppCompleted {
			return nil, models.E(models.KindConflict, "项目完成全部里程碑后才能评估", "a project is evaluated once every milestone is verified")
		}
		if err := e.CheckKPIResults(a.KPIs); err != nil {
			return nil, err // the evaluation scores the project's targets (issue 18)
		}
		e.ApplicationID, e.OrganisationID, e.By, e.At = a.ID, a.EvaluatorOrg, actor.AccountID, s.d.Now()
		if err := s.st.Applications.InsertEvaluation(ctx, &e); core.IsKind(err, models.KindConflict) {
			return nil, models.E(models.KindConflict, "该项目已评估", "the project was evaluated already")
		} else if err != nil {
			return nil, err
		}
		a.Status, a.UpdatedAt = models.AppEvaluated, s.d.Now()
		return &e, s.st.Applications.SaveApplication(ctx, a)
	})
}
