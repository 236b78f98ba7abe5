package handlers

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/money"
)

// TeamMemberDTO is one person planned on a project.
type TeamMemberDTO struct {
	Name           string `json:"name" maxLength:"50"`
	Post           string `json:"post" enum:"professional,staff,volunteer" doc:"professional 社会工作专业岗位（持证社工）; staff 其他受薪人员; volunteer 志愿者（不计入人员编制）"`
	SocialWorkerID string `json:"socialWorkerId,omitempty" maxLength:"64" doc:"专业岗位必填：持证社工的账号 Required for a professional post"`
	Level          string `json:"level,omitempty" readOnly:"true" doc:"提交时按已核验证书填写 Filled from the verified certificate on submit"`
	Months         int    `json:"months,omitempty" minimum:"0" maximum:"72" doc:"在岗月数；缺省为合同月数 Months paid; default: the contract's"`
}

// MilestoneDTO is a step of the project's timeline and its tranche share.
type MilestoneDTO struct {
	Name           string `json:"name" maxLength:"100"`
	Due            string `json:"due" pattern:"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"`
	TranchePercent int    `json:"tranchePercent" minimum:"0" maximum:"100" doc:"该期拨付比例（合计 100）Share of the grant paid for it (sum 100)"`
}

// BudgetDTO is the four budget lines, in fen.
type BudgetDTO struct {
	SalaryFen              int64 `json:"salaryFen" minimum:"0" doc:"薪酬待遇"`
	SupervisionTrainingFen int64 `json:"supervisionTrainingFen" minimum:"0" doc:"督导培训经费"`
	ServiceActivitiesFen   int64 `json:"serviceActivitiesFen" minimum:"0" doc:"服务活动经费"`
	ProjectManagementFen   int64 `json:"projectManagementFen" minimum:"0" doc:"项目管理经费"`
}

// FlagDTO is a standing problem of a project.
type FlagDTO struct {
	Code string    `json:"code"`
	Zh   string    `json:"zh"`
	En   string    `json:"en"`
	At   time.Time `json:"at"`
}

// ApplicationDTO is a project application (or a competition entry).
type ApplicationDTO struct {
	ID             string          `json:"id"`
	OrganisationID string          `json:"organisationId"`
	OrgName        string          `json:"organisationName,omitempty"`
	FundID         string          `json:"fundId"`
	CompetitionID  string          `json:"competitionId,omitempty"`
	Title          string          `json:"title"`
	Summary        string          `json:"summary"`
	NeedIDs        []string        `json:"needIds"`
	Domains        []string        `json:"domains"`
	TargetGroup    string          `json:"targetGroup"`
	Beneficiaries  int             `json:"beneficiaries"`
	Regions        []string        `json:"regions"`
	Team           []TeamMemberDTO `json:"team"`
	SupervisorID   string          `json:"supervisorId"`
	Milestones     []MilestoneDTO  `json:"milestones"`
	Budget         BudgetDTO       `json:"budget"`
	BudgetTotalFen int64           `json:"budgetTotalFen"`
	RequestedFen   int64           `json:"requestedFen"`
	Government     bool            `json:"government" doc:"政府购买服务项目 A government-purchased project"`
	ContractStart  string          `json:"contractStart,omitempty"`
	ContractEnd    string          `json:"contractEnd,omitempty"`
	NeedsSurvey    string          `json:"needsSurvey,omitempty" doc:"需求调查 The survey of the people served"`
	KPIs           []KPIDTO        `json:"kpis" doc:"考核指标 Performance targets"`
	CostBasis      *CostBasisDTO   `json:"costBasis,omitempty" doc:"政府购买服务项目提交时的成本核算 How a purchased project's budget was costed at submission"`
	Status         string          `json:"status" enum:"draft,submitted,procurement,approved,running,completed,evaluated,rejected,withdrawn,not_awarded,ineligible"`
	PurchaseStage  string          `json:"purchaseStage,omitempty" doc:"政府购买服务流程：项目申报 declaration → 组织采购 procurement → 合同签订 contract → 项目督导 supervision → 绩效评估 evaluation（里程碑均已核验，待受委托评估机构评估；评估前不能拨付尾款）→ 完成 completed"`
	ProfessionalOf string          `json:"professionalShare" doc:"专业岗位/项目总人数（同一社工只计一次，含志愿者）Professional posts / the project's headcount (each social worker once, volunteers included)"`
	Flags          []FlagDTO       `json:"flags"`
	DecidedAt      *time.Time      `json:"decidedAt,omitempty"`
	DecisionNote   string          `json:"decisionNote,omitempty"`
	GrantedFen     int64           `json:"grantedFen"`
	EvaluatorOrgID string          `json:"evaluatorOrgId,omitempty"`
	CreatedAt      time.Time       `json:"createdAt"`
	SubmittedAt    *time.Time      `json:"submittedAt,omitempty"`
	UpdatedAt      time.Time       `json:"updatedAt"`
}

func applicationDTO(a *models.Application) ApplicationDTO {
	d := ApplicationDTO{ID: a.ID, OrganisationID: a.OrganisationID, OrgName: a.OrganisationName, FundID: a.FundID, CompetitionID: a.CompetitionID, Title: a.Title,
		Summary: a.Summary, NeedIDs: nonNil(a.NeedIDs), Domains: nonNil(a.Domains), TargetGroup: a.TargetGroup,
		Beneficiaries: a.Beneficiaries, Regions: nonNil(a.Regions), SupervisorID: a.SupervisorID,
		Budget: BudgetDTO{SalaryFen: a.Budget.SalaryFen, SupervisionTrainingFen: a.Budget.SupervisionTrainingFen,
			ServiceActivitiesFen: a.Budget.ServiceActivitiesFen, ProjectManagementFen: a.Budget.ProjectManagementFen},
		BudgetTotalFen: a.Budget.TotalFen(), RequestedFen: a.RequestedFen, Government: a.Government, ContractStart: a.ContractStart,
		ContractEnd: a.ContractEnd, Status: string(a.Status), DecidedAt: a.DecidedAt, DecisionNote: a.DecisionNote, GrantedFen: a.GrantedFen,
		EvaluatorOrgID: a.EvaluatorOrg, CreatedAt: a.CreatedAt, SubmittedAt: a.SubmittedAt, UpdatedAt: a.UpdatedAt,
		Team: []TeamMemberDTO{}, Milestones: []MilestoneDTO{}, Flags: []FlagDTO{}, NeedsSurvey: a.NeedsSurvey, KPIs: kpiDTOs(a.KPIs)}
	if a.Government {
		d.PurchaseStage = a.Status.PurchaseStage()
	}
	if c := a.CostBasis; c != nil {
		d.CostBasis = &CostBasisDTO{PriceTableDivision: c.PriceTableDivision, PriceTableFrom: c.PriceTableFrom,
			SalaryCeilingFen: c.SalaryCeilingFen, ActivitiesFen: c.ActivitiesFen}
	}
	pro, paid := models.ProfessionalShare(a.Team)
	d.ProfessionalOf = strconv.Itoa(pro) + "/" + strconv.Itoa(paid)
	for _, m := range a.Team {
		d.Team = append(d.Team, TeamMemberDTO{Name: m.Name, Post: string(m.Post), SocialWorkerID: m.SocialWorkerID, Level: string(m.Level), Months: m.Months})
	}
	for _, m := range a.Milestones {
		d.Milestones = append(d.Milestones, MilestoneDTO{Name: m.Name, Due: m.Due, TranchePercent: m.TranchePercent})
	}
	for _, f := range a.Flags {
		d.Flags = append(d.Flags, FlagDTO{Code: f.Code, Zh: f.Zh, En: f.En, At: f.At})
	}
	return d
}

type applicationOutput struct{ Body ApplicationDTO }

// ApplicationBody is what an organisation writes on an application.
type ApplicationBody struct {
	OrganisationID string          `json:"organisationId" maxLength:"64"`
	FundID         string          `json:"fundId,omitempty" maxLength:"64" doc:"申报的资金；大赛项目可省略 The fund applied to; omitted for a competition entry"`
	CompetitionID  string          `json:"competitionId,omitempty" maxLength:"64" doc:"参赛的公益创投大赛 The competition entered"`
	Title          string          `json:"title" maxLength:"100"`
	Summary        string          `json:"summary,omitempty" maxLength:"5000"`
	NeedIDs        []string        `json:"needIds,omitempty" maxItems:"20"`
	Domains        []string        `json:"domains,omitempty" maxItems:"20"`
	TargetGroup    string          `json:"targetGroup,omitempty" maxLength:"64"`
	Beneficiaries  int             `json:"beneficiaries,omitempty" minimum:"0" maximum:"10000000"`
	Regions        []string        `json:"regions,omitempty" maxItems:"50"`
	Team           []TeamMemberDTO `json:"team,omitempty" maxItems:"200"`
	SupervisorID   string          `json:"supervisorId,omitempty" maxLength:"64" doc:"项目督导社工 The supervising social worker"`
	Milestones     []MilestoneDTO  `json:"milestones,omitempty" maxItems:"24"`
	Budget         BudgetDTO       `json:"budget,omitempty"`
	RequestedFen   int64           `json:"requestedFen,omitempty" minimum:"0"`
	Government     bool            `json:"government,omitempty" doc:"政府购买服务项目 A government-purchased project"`
	ContractStart  string          `json:"contractStart,omitempty" maxLength:"10"`
	ContractEnd    string          `json:"contractEnd,omitempty" maxLength:"10"`
	NeedsSurvey    string          `json:"needsSurvey,omitempty" maxLength:"5000" doc:"需求调查：方法、样本、发现；政府购买服务项目提交时必填 The needs survey: method, sample, findings; required to submit a purchased project"`
	KPIs           []KPIDTO        `json:"kpis,omitempty" maxItems:"30" doc:"考核指标；政府购买服务项目须含数量、质量、成效三类 Performance targets; a purchased project needs one of each kind"`
}

func (b *ApplicationBody) input() money.ApplicationInput {
	in := money.ApplicationInput{OrganisationID: b.OrganisationID, FundID: b.FundID, CompetitionID: b.CompetitionID, Title: b.Title,
		Summary: b.Summary, NeedIDs: b.NeedIDs, Domains: b.Domains, TargetGroup: b.TargetGroup, Beneficiaries: b.Beneficiaries,
		Regions: b.Regions, SupervisorID: b.SupervisorID, RequestedFen: b.RequestedFen, Government: b.Government,
		ContractStart: b.ContractStart, ContractEnd: b.ContractEnd, NeedsSurvey: b.NeedsSurvey, KPIs: kpiInput(b.KPIs),
		Budget: models.Budget{SalaryFen: b.Budget.SalaryFen, SupervisionTrainingFen: b.Budget.SupervisionTrainingFen,
			ServiceActivitiesFen: b.Budget.ServiceActivitiesFen, ProjectManagementFen: b.Budget.ProjectManagementFen}}
	in.Team = teamInput(b.Team)
	for _, m := range b.Milestones {
		in.Milestones = append(in.Milestones, models.Milestone{Name: m.Name, Due: m.Due, TranchePercent: m.TranchePercent})
	}
	return in
}

func teamInput(team []TeamMemberDTO) []models.TeamMember {
	var out []models.TeamMember
	for _, m := range team {
		out = append(out, models.TeamMember{Name: m.Name, Post: models.TeamPost(m.Post), SocialWorkerID: m.SocialWorkerID, Months: m.Months})
	}
	return out
}

type createApplicationInput struct {
	Body ApplicationBody
}

type updateApplicationInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body ApplicationBody
}

type applicationIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

type listApplicationsInput struct {
	OrganisationID string `query:"organisationId" maxLength:"64" doc:"机构编号；organisationId、fundId、competitionId 须给出其一 The organisation's id; one of organisationId, fundId and competitionId is required"`
	FundID         string `query:"fundId" maxLength:"64" doc:"资金编号；三者须给出其一 The fund's id; one of organisationId, fundId and competitionId is required"`
	CompetitionID  string `query:"competitionId" maxLength:"64" doc:"大赛编号；三者须给出其一 The competition's id; one of organisationId, fundId and competitionId is required"`
	Status         string `query:"status" enum:"draft,submitted,procurement,approved,running,completed,evaluated,rejected,withdrawn,not_awarded,ineligible," doc:"按状态筛选 Filter by status"`
	Flagged        bool   `query:"flagged" doc:"仅列出被标记的在建项目 Only running projects with a flag"`
	PageParams
}

type myEvaluationProjectsInput struct {
	Status string `query:"status" enum:"approved,running,completed,evaluated," doc:"按状态筛选 Filter by status"`
	PageParams
}

type decideInput struct {
	ID             string `path:"id" maxLength:"64"`
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"128" doc:"同一键重复提交只生效一次 A repeat with the same key has one effect"`
	Body           struct {
		Decision  string `json:"decision" enum:"approve,reject"`
		AmountFen int64  `json:"amountFen,omitempty" minimum:"0" doc:"批准金额（分），不超过申请金额与资金余额 Approved amount in fen: at most the requested and the remaining"`
		Reason    string `json:"reason,omitempty" maxLength:"1000" doc:"驳回理由（必填）或批注 A rejection's reason (required) or a note"`
	}
}

type decisionOutput struct {
	Body struct {
		ApplicationDTO
		Replayed bool `json:"replayed" doc:"同一 Idempotency-Key 的重复请求：返回首次结果 A repeat with the same Idempotency-Key: the first result"`
	}
}

type teamInputBody struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Team []TeamMemberDTO `json:"team" maxItems:"200"`
	}
}

// TrancheStepDTO is one step of a tranche.
type TrancheStepDTO struct {
	By        string    `json:"by"`
	At        time.Time `json:"at"`
	Note      string    `json:"note,omitempty"`
	LedgerSeq int       `json:"ledgerSeq,omitempty"`
}

func stepDTO(s *models.TrancheStep) *TrancheStepDTO {
	if s == nil {
		return nil
	}
	return &TrancheStepDTO{By: s.By, At: s.At, Note: s.Note, LedgerSeq: s.LedgerSeq}
}

// TrancheDTO is one milestone's tranche.
type TrancheDTO struct {
	Milestone MilestoneDTO    `json:"milestone"`
	AmountFen int64           `json:"amountFen"`
	Status    string          `json:"status" enum:"pending,reported,verified,released"`
	Report    *TrancheStepDTO `json:"report"`
	Verify    *TrancheStepDTO `json:"verification" doc:"项目督导社工核验 Verified by the supervising social worker"`
	Release   *TrancheStepDTO `json:"release" doc:"资助方拨付（与核验人不同）Released by the funder (not the verifier)"`
}

type fundGrantOutput struct {
	Body struct {
		ApplicationID  string         `json:"applicationId"`
		FundID         string         `json:"fundId"`
		OrganisationID string         `json:"organisationId"`
		AmountFen      int64          `json:"amountFen"`
		PaidFen        int64          `json:"paidFen"`
		LedgerSeq      int            `json:"ledgerSeq"`
		NeedIDs        []string       `json:"needIds" doc:"资助挂接的需求（联动方案）Needs whose linkage plans the grant attaches to"`
		CompetitionID  string         `json:"competitionId,omitempty"`
		Tier           string         `json:"tier,omitempty"`
		Tranches       []TrancheDTO   `json:"tranches"`
		Evaluation     *EvaluationDTO `json:"evaluation"`
		GrantedAt      time.Time      `json:"grantedAt"`
	}
}

func grantViewOutput(v *money.GrantView) *fundGrantOutput {
	out := &fundGrantOutput{}
	g := v.Grant
	b := &out.Body
	b.ApplicationID, b.FundID, b.OrganisationID, b.AmountFen, b.PaidFen, b.LedgerSeq = g.ID, g.FundID, g.OrganisationID, g.AmountFen, v.PaidFen, g.LedgerSeq
	b.NeedIDs, b.CompetitionID, b.Tier, b.GrantedAt, b.Evaluation = nonNil(g.NeedIDs), g.CompetitionID, g.Tier, g.CreatedAt, evaluationDTO(v.Evaluation)
	b.Tranches = make([]TrancheDTO, len(v.Tranches))
	for i, t := range v.Tranches {
		b.Tranches[i] = TrancheDTO{Milestone: MilestoneDTO{Name: t.Milestone.Name, Due: t.Milestone.Due, TranchePercent: t.Milestone.TranchePercent},
			AmountFen: t.AmountFen, Status: t.Status, Report: stepDTO(t.Report), Verify: stepDTO(t.Verify), Release: stepDTO(t.Release)}
	}
	return out
}

type milestoneInput struct {
	ID        string `path:"id" maxLength:"64"`
	Milestone int    `path:"milestone" minimum:"0" maximum:"23" doc:"里程碑序号（从 0 开始）Milestone index, from 0"`
	Body      struct {
		Report string `json:"report" maxLength:"10000"`
	}
}

type verifyMilestoneInput struct {
	ID        string `path:"id" maxLength:"64"`
	Milestone int    `path:"milestone" minimum:"0" maximum:"23"`
	Body      struct {
		Note string `json:"note,omitempty" maxLength:"2000"`
	}
}

type releaseInput struct {
	ID             string `path:"id" maxLength:"64"`
	Milestone      int    `path:"milestone" minimum:"0" maximum:"23"`
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"128"`
}

func registerApplications(api huma.API, svc *service.Service) {
	const tag = "applications"
	one := func(a *models.Application, err error) (*applicationOutput, error) {
		if err != nil {
			return nil, err
		}
		return &applicationOutput{Body: applicationDTO(a)}, nil
	}
	huma.Register(api, created(op("create-application", http.MethodPost, "/v1/applications", tag,
		"起草项目申请（机构管理员）Draft a project application (org_admin)", true, 403, 409, 422)),
		func(ctx context.Context, in *createApplicationInput) (*applicationOutput, error) {
			return one(svc.Money().CreateApplication(ctx, actorFrom(ctx), in.Body.input()))
		})

	huma.Register(api, withDescription(op("list-applications", http.MethodGet, "/v1/applications", tag,
		"项目申请列表：本机构的、本资金收到的或本大赛的 Applications of an organisation, to a fund, or in a competition", true, 403, 422),
		"须给出 organisationId、fundId 或 competitionId 之一，否则答复 422。 One of organisationId, fundId and competitionId is required (the first given is used); without any the answer is 422."),
		func(ctx context.Context, in *listApplicationsInput) (*listOutput[ApplicationDTO], error) {
			f := money.ApplicationFilter{OrganisationID: in.OrganisationID, FundID: in.FundID, CompetitionID: in.CompetitionID, Flagged: in.Flagged}
			if in.Status != "" {
				f.Statuses = []models.ApplicationStatus{models.ApplicationStatus(in.Status)}
			}
			list, next, err := svc.Money().ListApplications(ctx, actorFrom(ctx), f, service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, applicationDTO)
		})

	huma.Register(api, withDescription(op("my-evaluation-projects", http.MethodGet, "/v1/me/evaluation-projects", tag,
		"本人所在评估机构受委托评估的项目 Projects engaging the caller's evaluation institution", true),
		"列出委托了本人（evaluator 角色）所在评估机构的项目，含未完成的；没有 evaluator 角色时为空列表。 "+
			"The projects that engaged an institution the caller is an evaluator of, whatever their stage; an empty list without an evaluator binding."),
		func(ctx context.Context, in *myEvaluationProjectsInput) (*listOutput[ApplicationDTO], error) {
			list, next, err := svc.Money().MyEvaluationProjects(ctx, actorFrom(ctx), models.ApplicationStatus(in.Status), service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, applicationDTO)
		})

	huma.Register(api, op("get-application", http.MethodGet, "/v1/applications/{id}", tag,
		"项目申请详情 An application", true, 404),
		func(ctx context.Context, in *applicationIDInput) (*applicationOutput, error) {
			return one(svc.Money().Application(ctx, actorFrom(ctx), in.ID))
		})

	huma.Register(api, described(op("update-application", http.MethodPut, "/v1/applications/{id}", tag,
		"替换草稿 Replace a draft", true, 403, 404, 409, 422), putDescription("草稿（机构、资金与大赛不可改）")+" The organisation, the fund and the competition are fixed."),
		func(ctx context.Context, in *updateApplicationInput) (*applicationOutput, error) {
			return one(svc.Money().UpdateApplication(ctx, actorFrom(ctx), in.ID, in.Body.input()))
		})

	huma.Register(api, op("submit-application", http.MethodPost, "/v1/applications/{id}/submission", tag,
		"提交申请（项目申报）：核对资金条件、团队证书；政府购买服务另核 3 年合同期、80% 专业岗位与价格标准 Submit: checks the fund's terms and the team; purchased projects also the 3-year term, 80% professional posts and the price table",
		true, 403, 404, 409, 422),
		func(ctx context.Context, in *applicationIDInput) (*applicationOutput, error) {
			return one(svc.Money().SubmitApplication(ctx, actorFrom(ctx), in.ID))
		})

	huma.Register(api, op("withdraw-application", http.MethodPost, "/v1/applications/{id}/withdrawal", tag,
		"撤回未决申请 Withdraw an undecided application", true, 403, 404, 409),
		func(ctx context.Context, in *applicationIDInput) (*applicationOutput, error) {
			return one(svc.Money().WithdrawApplication(ctx, actorFrom(ctx), in.ID))
		})

	huma.Register(api, op("start-procurement", http.MethodPost, "/v1/applications/{id}/procurement", tag,
		"进入采购评审（组织采购）Start procurement review (the funder)", true, 403, 404, 409),
		func(ctx context.Context, in *applicationIDInput) (*applicationOutput, error) {
			return one(svc.Money().StartProcurement(ctx, actorFrom(ctx), in.ID))
		})

	huma.Register(api, op("decide-application", http.MethodPost, "/v1/applications/{id}/decision", tag,
		"批准（从资金账本拨出资助）或驳回 Approve (a grant from the fund's ledger) or reject", true, 403, 404, 409, 422),
		func(ctx context.Context, in *decideInput) (*decisionOutput, error) {
			a, replayed, err := svc.Money().DecideApplication(ctx, actorFrom(ctx), in.ID, money.Decision{Approve: in.Body.Decision == "approve",
				AmountFen: in.Body.AmountFen, Note: in.Body.Reason, IdempotencyKey: in.IdempotencyKey})
			if err != nil {
				return nil, err
			}
			out := &decisionOutput{}
			out.Body.ApplicationDTO, out.Body.Replayed = applicationDTO(a), replayed
			return out, nil
		})

	huma.Register(api, op("update-project-team", http.MethodPut, "/v1/applications/{id}/team", tag,
		"调整在建项目团队（政府购买服务项目专业岗位低于 80% 时标记）Change a granted project's team (flags a purchased project below 80% professional posts)",
		true, 403, 404, 409, 422),
		func(ctx context.Context, in *teamInputBody) (*applicationOutput, error) {
			return one(svc.Money().UpdateTeam(ctx, actorFrom(ctx), in.ID, teamInput(in.Body.Team)))
		})

	huma.Register(api, op("engage-evaluator", http.MethodPost, "/v1/applications/{id}/evaluator", tag,
		"委托第三方评估机构（资助方）Engage an evaluation institution (the funder)", true, 403, 404, 409, 422),
		func(ctx context.Context, in *evaluatorInput) (*applicationOutput, error) {
			return one(svc.Money().EngageEvaluator(ctx, actorFrom(ctx), in.ID, in.Body.OrganisationID))
		})

	huma.Register(api, created(op("evaluate-project", http.MethodPost, "/v1/applications/{id}/evaluation", tag,
		"绩效评估（受委托评估机构的评估员）Evaluate a completed project (the engaged institution's evaluator)", true, 403, 404, 409, 422)),
		func(ctx context.Context, in *evaluationInput) (*evaluationOutput, error) {
			ev := models.Evaluation{Score: in.Body.Score, Grade: in.Body.Grade, Report: in.Body.Report}
			for _, r := range in.Body.KPIResults {
				ev.KPIResults = append(ev.KPIResults, models.KPIResult{Index: r.Index, Actual: r.Actual, Met: r.Met})
			}
			e, err := svc.Money().Evaluate(ctx, actorFrom(ctx), in.ID, ev)
			if err != nil {
				return nil, err
			}
			return &evaluationOutput{Body: *evaluationDTO(e)}, nil
		})

	huma.Register(api, op("get-grant", http.MethodGet, "/v1/applications/{id}/grant", tag,
		"资助与分期拨付 The grant and its tranches", true, 404),
		func(ctx context.Context, in *applicationIDInput) (*fundGrantOutput, error) {
			v, err := svc.Money().GrantDetail(ctx, actorFrom(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return grantViewOutput(v), nil
		})

	huma.Register(api, created(op("report-milestone", http.MethodPost, "/v1/applications/{id}/milestones/{milestone}/report", tag,
		"提交里程碑报告（机构管理员）Report a milestone (org_admin)", true, 403, 404, 409, 422)),
		func(ctx context.Context, in *milestoneInput) (*fundGrantOutput, error) {
			v, err := svc.Money().ReportMilestone(ctx, actorFrom(ctx), in.ID, in.Milestone, in.Body.Report)
			if err != nil {
				return nil, err
			}
			return grantViewOutput(v), nil
		})

	huma.Register(api, op("verify-milestone", http.MethodPost, "/v1/applications/{id}/milestones/{milestone}/verification", tag,
		"核验里程碑（项目督导社工）Verify a milestone (the supervising social worker)", true, 403, 404, 409, 422),
		func(ctx context.Context, in *verifyMilestoneInput) (*fundGrantOutput, error) {
			v, err := svc.Money().VerifyMilestone(ctx, actorFrom(ctx), in.ID, in.Milestone, in.Body.Note)
			if err != nil {
				return nil, err
			}
			return grantViewOutput(v), nil
		})

	huma.Register(api, op("release-tranche", http.MethodPost, "/v1/applications/{id}/milestones/{milestone}/release", tag,
		"拨付该期资金（资助方，与核验人不同）Release the tranche (the funder, not the verifier)", true, 403, 404, 409, 422),
		func(ctx context.Context, in *releaseInput) (*fundGrantOutput, error) {
			v, err := svc.Money().ReleaseTranche(ctx, actorFrom(ctx), in.ID, in.Milestone, in.IdempotencyKey)
			if err != nil {
				return nil, err
			}
			return grantViewOutput(v), nil
		})
}
