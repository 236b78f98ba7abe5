package money

import (
	"context"
	"strconv"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// DecideApplication approves (a grant from the fund's ledger) or rejects an
// application. Approval takes at most the requested amount and at most what
// the fund has left; the ledger decides the race for the money: of any
// number of simultaneous approvals only those the balance covers succeed.
// An application is granted once whatever the keys: its ledger entry
// carries the key "grant:<application>"; a client's Idempotency-Key
// replays the same approval, and another key on a decided application is a
// conflict. A decision claimed by an attempt that failed before carrying it
// out is carried out by the next request on the application, whoever sends
// it (or released when the fund cannot cover it): no claim leaves an
// application undecidable.
func (s *Service) DecideApplication(ctx context.Context, actor *Actor, id string, d Decision) (*models.Application, bool, error) {
	if d.IdempotencyKey != "" {
		if err := models.ValidateIdempotencyKey(d.IdempotencyKey); err != nil {
			return nil, false, err
		}
	}
	if !d.Approve && (len([]rune(d.Note)) < 2 || len([]rune(d.Note)) > 1000) {
		return nil, false, models.Invalid("reason", "驳回须说明理由（2–1000 个字符）", "a rejection needs a reason (2–1000 characters)")
	}
	if d.Approve && (d.AmountFen <= 0 || d.AmountFen > models.MaxFundFen) {
		return nil, false, models.Invalid("amountFen", "批准金额须为正数（单位：分）", "the approved amount must be positive (in fen)")
	}
	type result struct {
		a        *models.Application
		replayed bool
	}
	r, err := core.Locked(s.d.Shared, ctx, "application:"+id, func() (result, error) {
		a, f, err := s.funderApplication(ctx, actor, id)
		if err != nil {
			return result{}, err
		}
		if a.CompetitionID != "" {
			return result{}, models.E(models.KindConflict, "大赛项目通过评审和颁奖获得资助", "a competition entry is funded through its awards")
		}
		if a.Status.Decided() {
			if d.Approve && d.IdempotencyKey != "" && a.DecisionKey == d.IdempotencyKey && a.GrantedFen == d.AmountFen {
				return result{a, true}, nil
			}
			return result{}, models.E(models.KindConflict, "该申请已有决定", "the application has been decided").WithCode(models.CodeAlreadyDecided)
		}
		if a.Status != models.AppSubmitted && a.Status != models.AppProcurement {
			return result{}, models.E(models.KindConflict, "只有已提交的申请可以审批", "only a submitted application can be decided")
		}
		if d.Approve && (a.OrganisationID == f.OwnerOrgID || actor.Administers(a.OrganisationID)) {
			// A manager of the fund deciding for their own organisation: refused, and recorded.
			division := f.DivisionCode
			if o, err := s.st.Organisations.Organisation(ctx, a.OrganisationID); err == nil {
				division = o.DivisionCode // civil affairs of the applicant's division sees it
			}
			_ = s.d.Audit(ctx, actor, "grant.conflict_of_interest", "application:"+a.ID, division, "approval refused: the applicant is the decider's own organisation")
			return result{}, models.E(models.KindConflict, "不能批准给本机构的资助", "a fund's manager cannot grant money to their own organisation").
				WithCode(models.CodeConflictOfInterest)
		}
		if d.Approve && d.AmountFen > a.RequestedFen {
			return result{}, models.Invalid("amountFen", "批准金额不能超过申请金额", "the approved amount must not exceed the requested amount")
		}
		// The decision is claimed by a unique insert before it is carried
		// out: the lock serialises the common case, the claim decides even
		// if the lock lapsed while a slow ledger write retried.
		claim := &models.DecisionClaim{ApplicationID: a.ID, Approve: d.Approve, AmountFen: d.AmountFen, Key: d.IdempotencyKey,
			Note: d.Note, By: actor.AccountID, At: s.d.Now()}
		for attempt := 0; ; attempt++ {
			if attempt == 3 {
				return result{}, core.ErrStaleState
			}
			err := s.st.Applications.ClaimDecision(ctx, claim)
			if err == nil {
				break
			}
			if !core.IsKind(err, models.KindConflict) {
				return result{}, err
			}
			// Roll forward: the application is undecided, so the claim
			// found is one whose carrying-out failed (or whose
			// acknowledgement was lost). It is carried out now, whoever
			// asks, so that no claim leaves an application "decided"
			// with nothing done; then this request is a replay if it
			// asks the same, and a conflict otherwise.
			prior, err := s.st.Applications.Decision(ctx, a.ID)
			if core.IsKind(err, models.KindNotFound) {
				continue // released meanwhile: claim again
			} else if err != nil {
				return result{}, err
			}
			s.d.Log.WarnContext(ctx, "rolling a pending decision forward", "application", a.ID, "approve", prior.Approve)
			same := prior.Same(d.Approve, d.AmountFen, d.IdempotencyKey)
			switch released, err := s.carryOutDecision(ctx, a, f, prior); {
			case released && !same:
				continue // the fund could not cover the prior claim: this request may decide
			case err != nil:
				return result{}, err
			}
			s.auditDecision(ctx, actor, a, f)
			if !same {
				return result{}, models.E(models.KindConflict, "该申请已有决定", "the application has been decided").WithCode(models.CodeAlreadyDecided)
			}
			return result{a, true}, nil
		}
		if _, err := s.carryOutDecision(ctx, a, f, claim); err != nil {
			return result{}, err
		}
		s.auditDecision(ctx, actor, a, f)
		return result{a, false}, nil
	})
	return r.a, r.replayed, err
}

// carryOutDecision makes the claimed decision c on a (the caller holds the
// application's lock and c is the application's claim): a rejection saves
// it rejected with the claim's reason; an approval is granted from the
// fund's ledger, then saved approved. Every step finds the previous
// attempt's result (GrantApplication's ledger key and grant document), so
// a claim is carried out by its own request or rolled forward by the next
// one, whoever sends it. An approval the fund cannot cover releases the
// claim (released, with the reason as the error): nothing was granted and
// the application may be decided again.
func (s *Service) carryOutDecision(ctx context.Context, a *models.Application, f *models.Fund, c *models.DecisionClaim) (released bool, err error) {
	at := c.At
	if !c.Approve {
		a.Status, a.DecidedBy, a.DecidedAt, a.DecisionNote, a.UpdatedAt = models.AppRejected, c.By, &at, c.Note, s.d.Now()
		return false, s.st.Applications.SaveApplication(ctx, a)
	}
	g, err := s.GrantApplication(ctx, c.By, a, f, c.AmountFen, false, "")
	if core.IsKind(err, models.KindConflict) || core.IsKind(err, models.KindInvalid) {
		// Nothing was granted (the fund cannot cover it): the
		// application may be decided again.
		if rerr := s.st.Applications.ReleaseDecision(ctx, c); rerr != nil {
			return false, rerr
		}
		return true, err
	}
	if err != nil {
		return false, err
	}
	a.Status, a.DecidedBy, a.DecidedAt, a.DecisionNote, a.DecisionKey = models.AppApproved, c.By, &at, c.Note, c.Key
	a.GrantedFen, a.UpdatedAt = g.AmountFen, s.d.Now()
	return false, s.st.Applications.SaveApplication(ctx, a)
}

// auditDecision records a decision made (or rolled forward) by actor.
func (s *Service) auditDecision(ctx context.Context, actor *Actor, a *models.Application, f *models.Fund) {
	if a.Status == models.AppRejected {
		_ = s.d.Audit(ctx, actor, "application.reject", "application:"+a.ID, f.DivisionCode, a.DecisionNote)
		return
	}
	_ = s.d.Audit(ctx, actor, "application.approve", "application:"+a.ID, f.DivisionCode, "")
}

// GrantApplication appends the grant to the fund's ledger (key
// "grant:<application>", so a repeat finds the first entry) and records the
// grant document, then links it to the needs' linkage plans. It is safe to
// repeat after a failure at any step: each step finds the last one's result.
func (s *Service) GrantApplication(ctx context.Context, by string, a *models.Application, f *models.Fund, amount int64, fromReserve bool, tier string) (*models.Grant, error) {
	kind := models.LedgerGrant
	// The key names the amount too: a movement the fund refused leaves its
	// key claimed, and a retry for less must not be taken for a different
	// request under the same key. One grant per application is decided by
	// the decision claim and the grant document, both unique inserts.
	m, err := s.d.Ledger.Append(ctx, by, f.ID, kind, fromReserve, amount, a.ID, "grant:"+a.ID+":"+strconv.FormatInt(amount, 10))
	if err != nil {
		if err == models.ErrInsufficientFunds {
			if fromReserve {
				return nil, models.E(models.KindConflict, "大赛奖金池余额不足", "the competition's prize pool cannot cover this award").WithCode(models.CodeInsufficientFunds)
			}
			return nil, models.E(models.KindConflict, "资金余额不足，无法批准该金额", "the fund's remaining money cannot cover this amount").WithCode(models.CodeInsufficientFunds)
		}
		return nil, err
	}
	g := &models.Grant{ID: a.ID, FundID: f.ID, OrganisationID: a.OrganisationID, OrganisationName: a.OrganisationName, CompetitionID: a.CompetitionID, Tier: tier,
		Title: a.Title, AmountFen: m.Entry.AmountFen, LedgerSeq: m.Entry.Seq, NeedIDs: a.NeedIDs,
		Tranches: models.TrancheAmounts(m.Entry.AmountFen, a.Milestones), CreatedBy: by, CreatedAt: m.Entry.At}
	switch err := s.st.Applications.CreateGrant(ctx, g); {
	case core.IsKind(err, models.KindConflict):
		if g, err = s.st.Applications.Grant(ctx, a.ID); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	}
	for _, needID := range a.NeedIDs {
		if err := s.d.AttachGrant(ctx, needID, g); err != nil {
			s.d.Log.WarnContext(ctx, "attaching a grant to a plan failed", "need", needID, "grant", g.ID, "err", err)
		}
	}
	return g, nil
}

// GrantView is a grant with the state of each tranche.
type GrantView struct {
	Grant       *models.Grant
	Application *models.Application
	Tranches    []TrancheView
	PaidFen     int64
	Evaluation  *models.Evaluation
}

// TrancheView is one milestone's tranche and its steps.
type TrancheView struct {
	Milestone models.Milestone
	AmountFen int64
	Report    *models.TrancheStep
	Verify    *models.TrancheStep
	Release   *models.TrancheStep
	// Status: pending, reported, verified, released.
	Status string
}

// GrantDetail shows a grant to those who may read its application.
func (s *Service) GrantDetail(ctx context.Context, actor *Actor, id string) (*GrantView, error) {
	a, err := s.Application(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	return s.grantView(ctx, a)
}

func (s *Service) grantView(ctx context.Context, a *models.Application) (*GrantView, error) {
	g, err := s.st.Applications.Grant(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	steps, err := s.st.Applications.Steps(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	v := &GrantView{Grant: g, Application: a}
	for i, m := range a.Milestones {
		t := TrancheView{Milestone: m, Status: "pending"}
		if i < len(g.Tranches) {
			t.AmountFen = g.Tranches[i]
		}
		for _, st := range steps {
			if st.Milestone != i {
				continue
			}
			switch st.Step {
			case models.StepReport:
				t.Report = st
			case models.StepVerify:
				t.Verify = st
			case models.StepRelease:
				t.Release = st
				v.PaidFen += st.AmountFen
			}
		}
		switch {
		case t.Release != nil:
			t.Status = "released"
		case t.Verify != nil:
			t.Status = "verified"
		case t.Report != nil:
			t.Status = "reported"
		}
		v.Tranches = append(v.Tranches, t)
	}
	if e, err := s.st.Applications.Evaluation(ctx, a.ID); err == nil {
		v.Evaluation = e
	} else if !core.IsKind(err, models.KindNotFound) {
		return nil, err
	}
	return v, nil
}

func (s *Service) checkMilestone(a *models.Application, milestone int) error {
	if milestone < 0 || milestone >= len(a.Milestones) {
		return models.Invalid("milestone", "没有该里程碑", "no such milestone")
	}
	if !a.Status.Granted() {
		return models.E(models.KindConflict, "项目尚未获得资助", "the project holds no grant")
	}
	return nil
}

// ReportMilestone is the organisation's milestone report; the first one
// starts the project (项目督导).
func (s *Service) ReportMilestone(ctx context.Context, actor *Actor, id string, milestone int, note string) (*GrantView, error) {
	if n := len([]rune(note)); n < 10 || n > 10000 {
		return nil, models.Invalid("report", "里程碑报告须为 10–10000 个字符", "a milestone report must be 10–10000 characters")
	}
	return core.Locked(s.d.Shared, ctx, "application:"+id, func() (*GrantView, error) {
		a, err := s.ownApplication(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		if err := s.checkMilestone(a, milestone); err != nil {
			return nil, err
		}
		var reported error
		st := &models.TrancheStep{GrantID: a.ID, Milestone: milestone, Step: models.StepReport, Note: note, By: actor.AccountID, At: s.d.Now()}
		if err := s.st.Applications.InsertStep(ctx, st); core.IsKind(err, models.KindConflict) {
			// Reported already: the same report by the same person is
			// this request's earlier attempt, answered as done; another
			// is a conflict. Either way the status is rolled forward.
			prior, err := s.recordedStep(ctx, a.ID, milestone, models.StepReport)
			if err != nil {
				return nil, err
			}
			if prior.By != actor.AccountID || prior.Note != note {
				reported = models.E(models.KindConflict, "该里程碑已提交报告", "the milestone was reported already")
			}
		} else if err != nil {
			return nil, err
		}
		if a.Status == models.AppApproved {
			a.Status, a.UpdatedAt = models.AppRunning, s.d.Now()
			if err := s.st.Applications.SaveApplication(ctx, a); err != nil {
				return nil, err
			}
		}
		if reported != nil {
			return nil, reported
		}
		return s.grantView(ctx, a)
	})
}

// VerifyMilestone is the supervising social worker's verification of a
// milestone report, the first of the two steps that release a tranche. The
// last milestone verified completes the project.
func (s *Service) VerifyMilestone(ctx context.Context, actor *Actor, id string, milestone int, note string) (*GrantView, error) {
	return core.Locked(s.d.Shared, ctx, "application:"+id, func() (*GrantView, error) {
		a, err := s.st.Applications.Application(ctx, id)
		if err != nil {
			return nil, err
		}
		if a.SupervisorID != actor.AccountID || !actor.Has(models.RoleSocialWorker) {
			if s.mayReadApplication(ctx, actor, a) {
				return nil, models.E(models.KindForbidden, "只有项目督导社工可以核验里程碑", "only the project's supervising social worker verifies milestones")
			}
			return nil, models.ErrNotFound
		}
		if err := s.checkMilestone(a, milestone); err != nil {
			return nil, err
		}
		v, err := s.grantView(ctx, a)
		if err != nil {
			return nil, err
		}
		t := v.Tranches[milestone]
		if t.Report == nil {
			return nil, models.E(models.KindConflict, "该里程碑尚未提交报告", "the milestone has not been reported")
		}
		if t.Report.By == actor.AccountID {
			return nil, models.E(models.KindForbidden, "不能核验自己提交的报告", "you cannot verify your own report")
		}
		var verified error
		if t.Verify != nil {
			// policy.Verified already: the same verification by the same person
			// is this request's earlier attempt, answered as done;
			// another is a conflict. Either way the completion below is
			// rolled forward.
			if t.Verify.By != actor.AccountID || t.Verify.Note != note {
				verified = models.E(models.KindConflict, "该里程碑已核验", "the milestone was verified already").WithCode(models.CodeAlreadyDecided)
			}
		} else {
			st := &models.TrancheStep{GrantID: a.ID, Milestone: milestone, Step: models.StepVerify, Note: note, By: actor.AccountID, At: s.d.Now()}
			if err := s.st.Applications.InsertStep(ctx, st); core.IsKind(err, models.KindConflict) {
				return nil, models.E(models.KindConflict, "该里程碑已核验", "the milestone was verified already").WithCode(models.CodeAlreadyDecided)
			} else if err != nil {
				return nil, err
			}
			v.Tranches[milestone].Verify, v.Tranches[milestone].Status = st, "verified"
		}
		if allVerified(v) && (a.Status == models.AppRunning || a.Status == models.AppApproved) {
			a.Status, a.UpdatedAt = models.AppCompleted, s.d.Now()
			if err := s.st.Applications.SaveApplication(ctx, a); err != nil {
				return nil, err
			}
		}
		if verified != nil {
			return nil, verified
		}
		return v, nil
	})
}

// recordedStep finds a recorded step of a grant's milestone.
func (s *Service) recordedStep(ctx context.Context, grantID string, milestone int, step string) (*models.TrancheStep, error) {
	steps, err := s.st.Applications.Steps(ctx, grantID)
	if err != nil {
		return nil, err
	}
	for _, st := range steps {
		if st.Milestone == milestone && st.Step == step {
			return st, nil
		}
	}
	return nil, models.ErrNotFound
}

func allVerified(v *GrantView) bool {
	for _, t := range v.Tranches {
		if t.Verify == nil {
			return false
		}
	}
	return true
}

// ReleaseTranche is the funder's release of a verified tranche: a ledger
// entry (key "tranche:<grant>#<milestone>", so it is paid once) and the
// release step. The releaser is never the verifier (two people). The final
// tranche of a government-purchased project, and of any project with an
// evaluation institution engaged, waits for its evaluation.
func (s *Service) ReleaseTranche(ctx context.Context, actor *Actor, id string, milestone int, idemKey string) (*GrantView, error) {
	if idemKey != "" {
		if err := models.ValidateIdempotencyKey(idemKey); err != nil {
			return nil, err
		}
	}
	return core.Locked(s.d.Shared, ctx, "application:"+id, func() (*GrantView, error) {
		a, f, err := s.funderApplication(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		if err := s.checkMilestone(a, milestone); err != nil {
			return nil, err
		}
		v, err := s.grantView(ctx, a)
		if err != nil {
			return nil, err
		}
		t := v.Tranches[milestone]
		if t.Release != nil {
			return v, nil // released already: the same result, however often asked
		}
		if t.Verify == nil {
			return nil, models.E(models.KindConflict, "里程碑须先由项目督导核验", "the supervising social worker must verify the milestone first")
		}
		if t.Verify.By == actor.AccountID {
			return nil, models.E(models.KindForbidden, "核验人与拨付人不能是同一人", "the verifier cannot also release the tranche")
		}
		last := milestone == len(a.Milestones)-1
		if last && (a.EvaluatorOrg != "" || a.Government) && v.Evaluation == nil {
			// A government purchase is always evaluated (seed §17, 绩效评估):
			// with no institution engaged yet, the funder engages one first.
			return nil, models.E(models.KindConflict, "尾款须待受委托评估机构完成绩效评估后拨付", "the final tranche waits for the engaged institution's performance evaluation").
				WithCode(models.CodeEvaluationRequired)
		}
		m, err := s.d.Ledger.Append(ctx, actor.AccountID, f.ID, models.LedgerTranche, false, t.AmountFen, a.ID, "tranche:"+a.ID+"#"+strconv.Itoa(milestone))
		if err != nil {
			return nil, err
		}
		st := &models.TrancheStep{GrantID: a.ID, Milestone: milestone, Step: models.StepRelease, LedgerSeq: m.Entry.Seq,
			AmountFen: t.AmountFen, By: actor.AccountID, At: m.Entry.At}
		if err := s.st.Applications.InsertStep(ctx, st); err != nil && !core.IsKind(err, models.KindConflict) {
			return nil, err
		}
		_ = s.d.Audit(ctx, actor, "grant.release_tranche", "application:"+a.ID, f.DivisionCode, "")
		return s.grantView(ctx, a)
	})
}
