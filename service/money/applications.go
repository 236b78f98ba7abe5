package money

import (
	"context"
	"strings"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

// ApplicationStore keeps project applications, their grants, the steps of
// each tranche, evaluations and purchase price tables.
type ApplicationStore interface {
	CreateApplication(ctx context.Context, a *models.Application) error
	// Application returns models.ErrNotFound when there is no such application.
	Application(ctx context.Context, id string) (*models.Application, error)
	// SaveApplication replaces the application. Callers hold its lock.
	SaveApplication(ctx context.Context, a *models.Application) error
	// Applications lists applications matching f, in id order.
	Applications(ctx context.Context, f ApplicationFilter, p Page) ([]*models.Application, string, error)

	// CreateGrant inserts g under the application's id: models.ErrConflict
	// when the application has a grant already.
	CreateGrant(ctx context.Context, g *models.Grant) error
	// Grant returns models.ErrNotFound when the application has no grant.
	Grant(ctx context.Context, id string) (*models.Grant, error)
	Grants(ctx context.Context, f GrantFilter, p Page) ([]*models.Grant, string, error)
	// InsertStep records a tranche step once: models.ErrConflict when that
	// step of that milestone is recorded already.
	InsertStep(ctx context.Context, st *models.TrancheStep) error
	Steps(ctx context.Context, grantID string) ([]*models.TrancheStep, error)
	// ClaimDecision inserts the application's one decision:
	// models.ErrConflict when it has one.
	ClaimDecision(ctx context.Context, c *models.DecisionClaim) error
	// ReleaseDecision deletes a claim whose decision could not be carried out.
	ReleaseDecision(ctx context.Context, c *models.DecisionClaim) error
	// Decision returns models.ErrNotFound when the application is undecided.
	Decision(ctx context.Context, applicationID string) (*models.DecisionClaim, error)
	// InsertEvaluation records the one evaluation of an application:
	// models.ErrConflict when it has one.
	InsertEvaluation(ctx context.Context, e *models.Evaluation) error
	Evaluation(ctx context.Context, applicationID string) (*models.Evaluation, error)

	// InsertPriceTable adds a version: models.ErrConflict when the
	// division has one from that date.
	InsertPriceTable(ctx context.Context, t *models.PriceTable) error
	// PriceTables lists a division's versions ("" lists every division's).
	PriceTables(ctx context.Context, divisionCode string) ([]*models.PriceTable, error)
}

// ApplicationFilter narrows a list of applications (see core).
type ApplicationFilter = core.ApplicationFilter

// GrantFilter narrows a list of grants (see core).
type GrantFilter = core.GrantFilter

// ApplicationInput is what an organisation writes on an application.
type ApplicationInput struct {
	OrganisationID string
	FundID         string
	CompetitionID  string
	Title, Summary string
	NeedIDs        []string
	Domains        []string
	TargetGroup    string
	Beneficiaries  int
	Regions        []string
	Team           []models.TeamMember
	SupervisorID   string
	Milestones     []models.Milestone
	Budget         models.Budget
	RequestedFen   int64
	Government     bool
	ContractStart  string
	ContractEnd    string
	NeedsSurvey    string
	KPIs           []models.KPI
}

// applyingKinds are the organisation kinds that deliver projects.
var applyingKinds = map[string]bool{
	"social_work_agency": true, "community_social_organisation": true, "volunteer_organisation": true,
	"supervision_evaluation_institution": false, "charity_organisation": true,
	"elder_care_facility": true, "child_welfare_facility": true, "medical_facility": true, "other_service_facility": true,
}

// CreateApplication starts a draft for the actor's organisation, to a fund
// or as an entry of a competition (whose fund it then takes).
func (s *Service) CreateApplication(ctx context.Context, actor *Actor, in ApplicationInput) (*models.Application, error) {
	if in.OrganisationID == "" {
		return nil, models.Invalid("organisationId", "须指定申报机构", "an application names its organisation")
	}
	if !policy.Allowed(actor, "create-application", policy.Object{Orgs: []string{in.OrganisationID}}) {
		return nil, models.E(models.KindForbidden, "只有机构管理员可以为本机构申报项目", "only an admin of the organisation may apply for it")
	}
	o, err := s.st.Organisations.Organisation(ctx, in.OrganisationID)
	if core.IsKind(err, models.KindNotFound) {
		return nil, models.Invalid("organisationId", "机构不存在", "no such organisation")
	} else if err != nil {
		return nil, err
	}
	if !o.Status.Operating() {
		return nil, models.E(models.KindConflict, "机构当前状态不能申报项目", "the organisation may not apply in its current status")
	}
	if !applyingKinds[o.Kind] {
		return nil, models.Invalid("organisationId", "该类型的机构不能申报项目", "organisations of this kind do not apply for projects")
	}
	switch {
	case in.CompetitionID != "":
		fundID, err := s.d.CompetitionFund(ctx, in.CompetitionID)
		if err != nil {
			return nil, err
		}
		in.FundID = fundID
	case in.FundID == "":
		return nil, models.Invalid("fundId", "须指定申报的资金或公益创投大赛", "an application names a fund or a competition")
	default:
		if _, err := s.st.Funds.Fund(ctx, in.FundID); core.IsKind(err, models.KindNotFound) {
			return nil, models.Invalid("fundId", "资金不存在", "no such fund")
		} else if err != nil {
			return nil, err
		}
	}
	now := s.d.Now()
	a := &models.Application{ID: core.NewID(), OrganisationID: in.OrganisationID, OrganisationName: o.Name, FundID: in.FundID, CompetitionID: in.CompetitionID,
		Status: models.AppDraft, CreatedBy: actor.AccountID, CreatedAt: now, UpdatedAt: now}
	a.Government = in.Government
	if f, err := s.st.Funds.Fund(ctx, in.FundID); err == nil && f.Government() {
		a.Government = true // a government purchase budget buys government-purchased projects only
	}
	applyInput(a, in)
	if err := a.Validate(false); err != nil {
		return nil, err
	}
	if err := s.st.Applications.CreateApplication(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

func applyInput(a *models.Application, in ApplicationInput) {
	a.Title, a.Summary = strings.TrimSpace(in.Title), in.Summary
	a.NeedIDs, a.Domains, a.TargetGroup, a.Beneficiaries, a.Regions = in.NeedIDs, in.Domains, in.TargetGroup, in.Beneficiaries, in.Regions
	a.Team, a.SupervisorID, a.Milestones, a.Budget, a.RequestedFen = in.Team, in.SupervisorID, in.Milestones, in.Budget, in.RequestedFen
	a.ContractStart, a.ContractEnd = in.ContractStart, in.ContractEnd
	a.NeedsSurvey, a.KPIs = in.NeedsSurvey, in.KPIs
	a.Government = a.Government || in.Government
}

// UpdateApplication rewrites a draft.
func (s *Service) UpdateApplication(ctx context.Context, actor *Actor, id string, in ApplicationInput) (*models.Application, error) {
	return s.editApplication(ctx, actor, id, core.Replace(in))
}

// editApplication is the one way a draft is written (PUT replaces it,
// PATCH edits it): under the application's lock, edit gets the draft as it
// is and returns the new one, which the rules below check as a whole.
func (s *Service) editApplication(ctx context.Context, actor *Actor, id string, edit core.Edit[ApplicationInput]) (*models.Application, error) {
	return core.Locked(s.d.Shared, ctx, "application:"+id, func() (*models.Application, error) {
		a, err := s.ownApplication(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		if a.Status != models.AppDraft {
			return nil, models.E(models.KindConflict, "只有草稿可以修改；运行中的项目请调整团队", "only a draft can be edited; a running project changes its team")
		}
		in, err := edit(applicationInputOf(a))
		if err != nil {
			return nil, err
		}
		applyInput(a, in)
		if err := a.Validate(false); err != nil {
			return nil, err
		}
		a.UpdatedAt = s.d.Now()
		return a, s.st.Applications.SaveApplication(ctx, a)
	})
}

// ownApplication loads an application its organisation's admin may change.
func (s *Service) ownApplication(ctx context.Context, actor *Actor, id string) (*models.Application, error) {
	a, err := s.st.Applications.Application(ctx, id)
	if err != nil {
		return nil, err
	}
	if !policy.Allowed(actor, "update-application", policy.Object{Orgs: []string{a.OrganisationID}}) {
		if s.mayReadApplication(ctx, actor, a) {
			return nil, core.ErrForbidden
		}
		return nil, models.ErrNotFound // a draft's existence is the organisation's business
	}
	// A suspended or exited organisation's powers over its projects end at once.
	o, err := s.st.Organisations.Organisation(ctx, a.OrganisationID)
	if err != nil {
		return nil, err
	}
	if !o.Status.Operating() {
		return nil, models.E(models.KindForbidden, "机构已暂停或退出，不能再办理该项目", "the organisation is suspended or has exited: it cannot act on this project")
	}
	return a, nil
}

// mayReadApplication: the organisation's admins always; once submitted, the
// fund's managers, civil affairs governing the organisation, the project's
// supervisor, its engaged evaluators, and the competition's organiser and
// assigned reviewers.
func (s *Service) mayReadApplication(ctx context.Context, actor *Actor, a *models.Application) bool {
	if actor == nil {
		return false
	}
	obj := policy.Object{Orgs: []string{a.OrganisationID}}
	if policy.AllowedAs(actor, "get-application", obj, policy.OrgAdmin) {
		return true
	}
	if a.Status == models.AppDraft {
		return false // a draft is the organisation's business
	}
	obj.Parties = []string{a.SupervisorID}
	if s.evaluates(actor, a) {
		obj.Parties = append(obj.Parties, actor.AccountID) // an evaluator of the engaged institution
	}
	if policy.AllowedAs(actor, "get-application", obj, policy.Party) {
		return true
	}
	if f, err := s.st.Funds.Fund(ctx, a.FundID); err == nil && ManagesFund(actor, f) {
		return true
	}
	if actor.Has(models.RoleCivilAffairs) {
		if o, err := s.st.Organisations.Organisation(ctx, a.OrganisationID); err == nil && policy.AllowedAs(actor, "get-application", policy.OrgObject(o), policy.CivilAffairs) {
			return true
		}
	}
	return a.CompetitionID != "" && s.d.MayReadEntry(ctx, actor, a)
}

// evaluates reports whether the actor is an evaluator of the institution engaged on a.
func (s *Service) evaluates(actor *Actor, a *models.Application) bool {
	if a.EvaluatorOrg == "" {
		return false
	}
	for _, b := range actor.Bindings(models.RoleEvaluator) {
		if b.OrganisationID == a.EvaluatorOrg {
			return true
		}
	}
	return false
}

// Application returns an application to those who may read it.
func (s *Service) Application(ctx context.Context, actor *Actor, id string) (*models.Application, error) {
	a, err := s.st.Applications.Application(ctx, id)
	if err != nil {
		return nil, err
	}
	if !s.mayReadApplication(ctx, actor, a) {
		return nil, models.ErrNotFound
	}
	return a, nil
}

// ListApplications lists an organisation's applications (its admins), a
// fund's submitted ones (its managers) or a competition's entries (its
// organiser; reviewers see their assigned entries through the review API).
func (s *Service) ListApplications(ctx context.Context, actor *Actor, f ApplicationFilter, p Page) ([]*models.Application, string, error) {
	switch {
	case f.OrganisationID != "":
		if !policy.AllowedAs(actor, "list-applications", policy.Object{Orgs: []string{f.OrganisationID}}, policy.OrgAdmin) {
			return nil, "", core.ErrForbidden
		}
	case f.FundID != "":
		fund, err := s.st.Funds.Fund(ctx, f.FundID)
		if core.IsKind(err, models.KindNotFound) {
			return nil, "", models.Invalid("fundId", "资金不存在", "no such fund")
		} else if err != nil {
			return nil, "", err
		}
		if !s.mayAuditFund(ctx, actor, fund) {
			return nil, "", core.ErrForbidden
		}
		f.ExcludeDrafts = true
	case f.CompetitionID != "":
		if err := s.d.MayManageCompetitionID(ctx, actor, f.CompetitionID); err != nil {
			return nil, "", err
		}
		f.ExcludeDrafts = true
	default:
		return nil, "", models.Invalid("organisationId", "须按机构、资金或大赛查询", "list by organisationId, fundId or competitionId")
	}
	return s.st.Applications.Applications(ctx, f, p.Normalised())
}

// MyEvaluationProjects lists the projects that engaged an evaluation
// institution the caller evaluates for (绩效评估): every institution of
// their evaluator bindings; none when they hold no such binding.
func (s *Service) MyEvaluationProjects(ctx context.Context, actor *Actor, status models.ApplicationStatus, p Page) ([]*models.Application, string, error) {
	if actor == nil {
		return nil, "", models.ErrUnauthorized
	}
	var orgs []string
	for _, b := range actor.Bindings(models.RoleEvaluator) {
		if b.OrganisationID != "" {
			orgs = append(orgs, b.OrganisationID)
		}
	}
	if len(orgs) == 0 {
		return nil, "", nil
	}
	f := ApplicationFilter{EvaluatorOrgs: orgs}
	if status != "" {
		f.Statuses = []models.ApplicationStatus{status}
	}
	return s.st.Applications.Applications(ctx, f, p.Normalised())
}

// WithdrawApplication withdraws an undecided application.
func (s *Service) WithdrawApplication(ctx context.Context, actor *Actor, id string) (*models.Application, error) {
	return core.Locked(s.d.Shared, ctx, "application:"+id, func() (*models.Application, error) {
		a, err := s.ownApplication(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		if a.Status.Decided() || a.Status == models.AppWithdrawn {
			return nil, models.E(models.KindConflict, "已有决定的申请不能撤回", "a decided application cannot be withdrawn")
		}
		if a.CompetitionID != "" && a.Status != models.AppDraft {
			c, err := s.st.Competitions.Competition(ctx, a.CompetitionID)
			if err != nil {
				return nil, err
			}
			if c.Phase != models.PhaseOpen {
				return nil, models.E(models.KindConflict, "大赛已进入评审，参赛项目不能撤回", "the competition is past its open phase; entries can no longer be withdrawn")
			}
		}
		if err := s.settleDecisionClaim(ctx, a); err != nil {
			return nil, err
		}
		a.Status, a.UpdatedAt = models.AppWithdrawn, s.d.Now()
		return a, s.st.Applications.SaveApplication(ctx, a)
	})
}

// settleDecisionClaim rolls forward a decision claimed on the undecided
// application a whose carrying-out failed: a withdrawal must not take back
// an application whose grant may already be on the fund's ledger. When the
// claim is carried out the application is decided (a conflict for the
// caller); when the fund could not cover it the claim is released and
// nothing stands in the way. Callers hold the application's lock.
func (s *Service) settleDecisionClaim(ctx context.Context, a *models.Application) error {
	if a.CompetitionID != "" {
		return nil // entries are funded through their awards, never by a decision
	}
	c, err := s.st.Applications.Decision(ctx, a.ID)
	if core.IsKind(err, models.KindNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	f, err := s.st.Funds.Fund(ctx, a.FundID)
	if err != nil {
		return err
	}
	s.d.Log.WarnContext(ctx, "rolling a pending decision forward", "application", a.ID)
	if released, err := s.carryOutDecision(ctx, a, f, c); released {
		return nil
	} else if err != nil {
		return err
	}
	return models.E(models.KindConflict, "已有决定的申请不能撤回", "a decided application cannot be withdrawn")
}

// UpdateTeam changes a granted project's team. A government-purchased
// project whose professional posts fall below 80% of its paid headcount is
// flagged (not refused: people leave; the flag is what civil affairs acts on).
func (s *Service) UpdateTeam(ctx context.Context, actor *Actor, id string, team []models.TeamMember) (*models.Application, error) {
	return core.Locked(s.d.Shared, ctx, "application:"+id, func() (*models.Application, error) {
		a, err := s.ownApplication(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		if !a.Status.Granted() {
			return nil, models.E(models.KindConflict, "只有已立项的项目可以调整团队；草稿请直接修改", "only a granted project changes its team; edit a draft instead")
		}
		b := *a
		b.Team = team
		if err := b.Validate(false); err != nil {
			return nil, err
		}
		if err := s.fillTeam(ctx, &b); err != nil {
			return nil, err
		}
		a.Team = b.Team
		a.Flags = dropFlag(a.Flags, flagProfessionalShare)
		if a.Government && !models.ProfessionalShareOK(a.Team) {
			a.Flags = append(a.Flags, models.ProjectFlag{Code: flagProfessionalShare, Zh: "社会工作专业岗位低于项目人员的 80%",
				En: "professional posts are below 80% of the paid headcount", At: s.d.Now()})
		}
		a.UpdatedAt = s.d.Now()
		return a, s.st.Applications.SaveApplication(ctx, a)
	})
}

// Decision is a funder's decision on an application.
type Decision struct {
	Approve        bool
	AmountFen      int64
	Note           string // the reason of a rejection (required) or a note
	IdempotencyKey string
}

// StartProcurement moves a submitted application into review (组织采购).
func (s *Service) StartProcurement(ctx context.Context, actor *Actor, id string) (*models.Application, error) {
	return core.Locked(s.d.Shared, ctx, "application:"+id, func() (*models.Application, error) {
		a, _, err := s.funderApplication(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		if a.Status != models.AppSubmitted {
			return nil, models.E(models.KindConflict, "只有已提交的申请可以进入采购评审", "only a submitted application enters procurement")
		}
		a.Status, a.UpdatedAt = models.AppProcurement, s.d.Now()
		return a, s.st.Applications.SaveApplication(ctx, a)
	})
}

// funderApplication loads an application for its fund's manager.
func (s *Service) funderApplication(ctx context.Context, actor *Actor, id string) (*models.Application, *models.Fund, error) {
	a, err := s.st.Applications.Application(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	f, err := s.st.Funds.Fund(ctx, a.FundID)
	if err != nil {
		return nil, nil, err
	}
	if !ManagesFund(actor, f) || a.Status == models.AppDraft {
		if s.mayReadApplication(ctx, actor, a) {
			return nil, nil, core.ErrForbidden
		}
		return nil, nil, models.ErrNotFound
	}
	if err := s.OwnerOperating(ctx, f); err != nil {
		return nil, nil, err
	}
	return a, f, nil
}
