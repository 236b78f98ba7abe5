package parties

import (
	"context"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// Who may appraise a social worker, and read their yearly appraisal (年度考核);
// the appraisal itself (inputs and feedback) is kept with supervision.

// appraiser tells how the actor may appraise the worker: as civil affairs
// governing the employer, or as the employer's org_admin ("" when neither).
func (s *Service) appraiser(ctx context.Context, actor *Actor, w *models.SocialWorker) (models.Role, error) {
	if w.EmployerOrgID == "" {
		return "", nil
	}
	if actor.Administers(w.EmployerOrgID) {
		return models.RoleOrgAdmin, nil
	}
	if len(actor.Bindings(models.RoleCivilAffairs)) == 0 {
		return "", nil
	}
	o, err := s.st.Organisations.Organisation(ctx, w.EmployerOrgID)
	if core.IsKind(err, models.KindNotFound) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	if actor.Governs(o.DivisionCode) {
		return models.RoleCivilAffairs, nil
	}
	return "", nil
}

// WorkerForAppraisal loads the worker if the actor may read their appraisal
// (the worker, the employer's admins, civil affairs governing the worker).
func (s *Service) WorkerForAppraisal(ctx context.Context, actor *Actor, id string) (*models.SocialWorker, models.Role, error) {
	w, err := s.st.SocialWorkers.SocialWorker(ctx, id)
	if err != nil {
		return nil, "", err
	}
	as, err := s.appraiser(ctx, actor, w)
	if err != nil {
		return nil, "", err
	}
	if as == "" && actor.AccountID != id {
		if gov, err := s.governsWorker(ctx, actor, w); err != nil {
			return nil, "", err
		} else if !gov {
			return nil, "", core.ErrNotFound
		}
	}
	return w, as, nil
}
