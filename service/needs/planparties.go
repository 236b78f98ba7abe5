package needs

import (
	"context"

	"github.com/wushe/wushe/matching"
	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// The plan's other parties: the supervising social worker (proposed by the
// committee, accepting or declining), the carrying organisation, and the
// committee's confirmation.

// ProposeSupervisor names the social worker the committee asks to
// supervise: verified at the level the need's risk requires, from the city
// pool or employed by the carrying organisation, under their caseload cap.
// The social worker must accept.
func (s *Service) ProposeSupervisor(ctx context.Context, actor *Actor, needID, socialWorkerID string) (*models.Plan, error) {
	n, err := s.NeedForCommittee(ctx, actor, needID)
	if err != nil {
		return nil, err
	}
	var p *models.Plan
	err = s.d.WithLock(ctx, "plan:"+needID, func() error {
		if p, err = s.PlanOf(ctx, n); err != nil {
			return err
		}
		if p.Confirmed && p.SupervisorID != "" && p.SupervisorState != models.SupervisorDeclined {
			// A confirmed plan keeps its supervisor; one confirmed without
			// a supervisor (or whose supervisor declined) may still get one
			// (issue 19: confirming first left the need unsupervisable).
			return models.E(models.KindConflict, "方案已确认，不能更换督导", "the plan is confirmed; its supervisor is fixed")
		}
		if err := s.checkSupervisor(ctx, n, p, socialWorkerID, "socialWorkerId"); err != nil {
			return err
		}
		p.SupervisorID, p.SupervisorState, p.UpdatedAt = socialWorkerID, models.SupervisorProposed, s.d.Now()
		return s.st.Plans.SavePlan(ctx, p)
	})
	if err != nil {
		return nil, err
	}
	_ = s.d.Audit(ctx, actor, "plan.supervisor_proposed", "need:"+n.ID, n.CommunityCode, socialWorkerID)
	return p, nil
}

func (s *Service) checkSupervisor(ctx context.Context, n *models.Need, p *models.Plan, id, field string) error {
	w, err := s.st.SocialWorkers.SocialWorker(ctx, id)
	if core.IsKind(err, models.KindNotFound) {
		return models.Invalid(field, "该社会工作者不存在或尚未填写资料", "no such social worker, or no profile yet")
	} else if err != nil {
		return err
	}
	load, err := s.st.Plans.SupervisorCaseload(ctx, id)
	if err != nil {
		return err
	}
	if p.SupervisorID == id && p.SupervisorState == models.SupervisorAccepted {
		load-- // this plan is already counted
	}
	if vs := matching.CheckSupervisor(w, n, p.OrganisationID, load); len(vs) > 0 {
		var pr models.Problems
		for _, v := range vs {
			pr.Add(field, v.Zh, v.En)
		}
		e := pr.Err().(*models.Error)
		e.Zh, e.En = "该社会工作者不能督导此需求", "the social worker cannot supervise this need"
		return e
	}
	return nil
}

// RespondSupervision is the proposed supervisor's answer.
func (s *Service) RespondSupervision(ctx context.Context, actor *Actor, needID string, accept bool) (*models.Plan, error) {
	n, err := s.st.Needs.Need(ctx, needID)
	if err != nil {
		return nil, err
	}
	var p *models.Plan
	err = s.d.WithLock(ctx, "plan:"+needID, func() error {
		if p, err = s.PlanOf(ctx, n); err != nil {
			return err
		}
		if p.SupervisorID != actor.AccountID {
			return core.ErrNotFound
		}
		if p.SupervisorState != models.SupervisorProposed {
			return models.E(models.KindConflict, "已经答复过", "already answered").WithCode(models.CodeAlreadyDecided)
		}
		if accept {
			if err := s.checkSupervisor(ctx, n, p, actor.AccountID, "accept"); err != nil {
				return err
			}
			p.SupervisorState = models.SupervisorAccepted
		} else {
			p.SupervisorState = models.SupervisorDeclined
		}
		p.UpdatedAt = s.d.Now()
		return s.st.Plans.SavePlan(ctx, p)
	})
	return p, err
}

// SetCarrier names (or clears) the organisation carrying out the need.
func (s *Service) SetCarrier(ctx context.Context, actor *Actor, needID, orgID string) (*models.Plan, error) {
	n, err := s.NeedForCommittee(ctx, actor, needID)
	if err != nil {
		return nil, err
	}
	if orgID != "" {
		o, err := s.st.Organisations.Organisation(ctx, orgID)
		if core.IsKind(err, models.KindNotFound) {
			return nil, models.Invalid("organisationId", "机构不存在", "no such organisation")
		} else if err != nil {
			return nil, err
		}
		if !o.Status.Operating() {
			return nil, models.Invalid("organisationId", "该机构未在正常运营", "the organisation is not active")
		}
	}
	var p *models.Plan
	err = s.d.WithLock(ctx, "plan:"+needID, func() error {
		if p, err = s.PlanOf(ctx, n); err != nil {
			return err
		}
		if p.Confirmed {
			return models.E(models.KindConflict, "方案已确认，不能更换承接机构", "the plan is confirmed; its carrier is fixed")
		}
		p.OrganisationID, p.UpdatedAt = orgID, s.d.Now()
		return s.st.Plans.SavePlan(ctx, p)
	})
	return p, err
}

// ConfirmPlan is the committee's confirmation of the linkage plan: at
// least one volunteer placed, and for a high-risk need an accepted
// supervisor of the required level.
func (s *Service) ConfirmPlan(ctx context.Context, actor *Actor, needID string) (*models.Plan, error) {
	n, err := s.NeedForCommittee(ctx, actor, needID)
	if err != nil {
		return nil, err
	}
	if !n.Status.Staffable() && n.Status != models.NeedInProgress {
		return nil, models.E(models.KindConflict, "需求当前状态不能确认方案", "the need's status does not allow confirming its plan")
	}
	as, err := s.st.Plans.Assignments(ctx, needID)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, models.E(models.KindConflict, "方案中还没有志愿者", "the plan has no volunteers yet")
	}
	var p *models.Plan
	err = s.d.WithLock(ctx, "plan:"+needID, func() error {
		if p, err = s.PlanOf(ctx, n); err != nil {
			return err
		}
		if p.Confirmed {
			return nil
		}
		if n.HighRisk() && p.SupervisorState != models.SupervisorAccepted {
			return models.E(models.KindConflict, "高风险需求须有已接受的督导（社会工作师及以上）", "a high-risk need needs an accepted supervisor (社会工作师 or higher)")
		}
		if p.SupervisorID != "" && p.SupervisorState == models.SupervisorProposed {
			return models.E(models.KindConflict, "督导尚未答复", "the supervisor has not answered yet")
		}
		now := s.d.Now()
		p.Confirmed, p.ConfirmedBy, p.ConfirmedAt, p.UpdatedAt = true, actor.AccountID, &now, now
		return s.st.Plans.SavePlan(ctx, p)
	})
	if err != nil {
		return nil, err
	}
	_ = s.d.Audit(ctx, actor, "plan.confirmed", "need:"+n.ID, n.CommunityCode, "")
	return p, nil
}
