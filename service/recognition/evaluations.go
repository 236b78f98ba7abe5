package recognition

import (
	"context"
	"strings"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

// EvaluationInput is what civil affairs records of an evaluation.
type EvaluationInput struct {
	Level, Institution, InstitutionOrgID, EvaluatedOn, ValidUntil, Note string
}

// institutionKind is the organisation kind of supervision and evaluation
// institutions (社会工作督导评估机构).
const institutionKind = "supervision_evaluation_institution"

// RecordEvaluation records a comprehensive evaluation of an organisation:
// civil affairs of its division. Every evaluation is kept; the validity
// defaults to models.EvaluationValidityYears from the evaluation date. It
// returns the evaluation and the organisation's current one afterwards
// (nil when none holds today).
func (s *Service) RecordEvaluation(ctx context.Context, actor *Actor, orgID string, in EvaluationInput) (*models.OrgEvaluation, *models.OrgEvaluation, error) {
	e, err := s.recordEvaluation(ctx, actor, orgID, in)
	if err != nil {
		return nil, nil, err
	}
	list, err := s.st.Evaluations.Evaluations(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	return e, models.CurrentEvaluation(list, s.today()), nil
}

func (s *Service) recordEvaluation(ctx context.Context, actor *Actor, orgID string, in EvaluationInput) (*models.OrgEvaluation, error) {
	o, err := s.st.Organisations.Organisation(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if err := policy.Authorize(actor, "record-organisation-evaluation", policy.OrgObject(o)); err != nil {
		return nil, err
	}
	e := &models.OrgEvaluation{ID: core.NewID(), OrganisationID: o.ID, DivisionCode: o.DivisionCode, Level: in.Level,
		Institution: strings.TrimSpace(in.Institution), InstitutionOrgID: in.InstitutionOrgID, EvaluatedOn: in.EvaluatedOn,
		ValidUntil: in.ValidUntil, Note: in.Note, RecordedBy: actor.AccountID, RecordedAt: s.d.Now()}
	if e.ValidUntil == "" {
		if on, err := models.ParseDate("evaluatedOn", e.EvaluatedOn); err == nil {
			e.ValidUntil = models.DefaultValidUntil(on)
		}
	}
	if err := e.Validate(s.today()); err != nil {
		return nil, err
	}
	if e.InstitutionOrgID != "" {
		if e.InstitutionOrgID == o.ID {
			return nil, models.Invalid("institutionOrgId", "机构不能评估自己", "an organisation cannot evaluate itself")
		}
		inst, err := s.st.Organisations.Organisation(ctx, e.InstitutionOrgID)
		if core.IsKind(err, models.KindNotFound) || err == nil && inst.Kind != institutionKind {
			return nil, models.Invalid("institutionOrgId", "评估机构须为已登记的社会工作督导评估机构", "the institution must be a registered supervision and evaluation institution")
		} else if err != nil {
			return nil, err
		}
	}
	if o.Status == models.OrgExited {
		return nil, models.E(models.KindConflict, "机构已退出，不能再记录评估", "the organisation has exited")
	}
	if err := s.st.Evaluations.AddEvaluation(ctx, e); err != nil {
		return nil, err
	}
	_ = s.d.Audit(ctx, actor, "organisation.evaluation", "organisation:"+o.ID, o.DivisionCode, e.Level+" "+e.EvaluatedOn+"–"+e.ValidUntil)
	return e, nil
}

// Evaluations is an organisation's evaluation history, latest first
// (public, as the registration data), and the current evaluation (nil when
// none holds today).
func (s *Service) Evaluations(ctx context.Context, orgID string) ([]*models.OrgEvaluation, *models.OrgEvaluation, error) {
	if _, err := s.st.Organisations.Organisation(ctx, orgID); err != nil {
		return nil, nil, err
	}
	list, err := s.st.Evaluations.Evaluations(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	return list, models.CurrentEvaluation(list, s.today()), nil
}

// LatestEvaluation is the organisation's latest evaluation, valid or not
// (nil when it has none): what the demonstration rule judges.
func (s *Service) LatestEvaluation(ctx context.Context, orgID string) (*models.OrgEvaluation, error) {
	list, err := s.st.Evaluations.Evaluations(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return models.LatestEvaluation(list), nil
}

// Standing is what an organisation's profile shows of its recognition:
// the current evaluation (nil when none holds) and the awards not revoked.
func (s *Service) Standing(ctx context.Context, orgID string) (*models.OrgEvaluation, []*models.Commendation, error) {
	list, err := s.st.Evaluations.Evaluations(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	awards, err := s.st.Commendations.CommendationsOf(ctx, recipientOrganisation, orgID)
	if err != nil {
		return nil, nil, err
	}
	return models.CurrentEvaluation(list, s.today()), standing(awards), nil
}
