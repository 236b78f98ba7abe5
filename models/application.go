package models

import (
	"strings"
	"time"
)

// ApplicationStatus is where a project application stands.
type ApplicationStatus string

const (
	AppDraft       ApplicationStatus = "draft"       // the organisation is writing it; only it can read it
	AppSubmitted   ApplicationStatus = "submitted"   // 项目申报: waiting for the funder
	AppProcurement ApplicationStatus = "procurement" // 组织采购: the funder is reviewing or procuring
	AppApproved    ApplicationStatus = "approved"    // 合同签订: granted; the contract stands
	AppRunning     ApplicationStatus = "running"     // 项目督导: delivering, paid in tranches
	AppCompleted   ApplicationStatus = "completed"   // delivered; waiting for evaluation or the last tranche
	AppEvaluated   ApplicationStatus = "evaluated"   // 绩效评估: evaluated by the engaged institution
	AppRejected    ApplicationStatus = "rejected"    // refused by the funder, with a reason
	AppWithdrawn   ApplicationStatus = "withdrawn"   // withdrawn by the organisation before a decision
	AppNotAwarded  ApplicationStatus = "not_awarded" // a competition entry that won no award
	AppIneligible  ApplicationStatus = "ineligible"  // a competition entry ruled out by the organiser
)

// Decided reports whether the funder has decided the application.
func (s ApplicationStatus) Decided() bool {
	switch s {
	case AppDraft, AppSubmitted, AppProcurement, AppWithdrawn:
		return false
	}
	return true
}

// Granted reports whether the application holds a grant.
func (s ApplicationStatus) Granted() bool {
	switch s {
	case AppApproved, AppRunning, AppCompleted, AppEvaluated:
		return true
	}
	return false
}

// PurchaseStage maps a government-purchased project's status onto the
// purchase workflow of DOMAIN.md (项目申报 → 组织采购 → 合同签订 → 项目督导 →
// 绩效评估 → 完成); "" for statuses outside it. A project whose milestones are
// all verified is in evaluation until the engaged institution evaluates it;
// only then is it completed (and its final tranche payable).
func (s ApplicationStatus) PurchaseStage() string {
	switch s {
	case AppSubmitted:
		return "declaration"
	case AppProcurement:
		return "procurement"
	case AppApproved:
		return "contract"
	case AppRunning:
		return "supervision"
	case AppCompleted:
		return "evaluation"
	case AppEvaluated:
		return "completed"
	}
	return ""
}

// TeamPost is what a team member is paid (or not) for.
type TeamPost string

const (
	PostProfessional TeamPost = "professional" // a social-work professional post: a certified social worker
	PostStaff        TeamPost = "staff"        // other paid staff (finance, administration)
	PostVolunteer    TeamPost = "volunteer"    // planned volunteers: unpaid, outside the headcount
)

// TeamMember is one person planned on a project.
type TeamMember struct {
	Name           string           `bson:"name"`
	Post           TeamPost         `bson:"post"`
	SocialWorkerID string           `bson:"socialworkerid"` // account of a professional member; its verified certificate counts
	Level          CertificateLevel `bson:"level"`          // filled from the verified certificate on submit
	Months         int              `bson:"months"`         // months paid on the project (paid posts)
}

// Milestone is a step of the project's timeline, with the share of the
// grant paid when its report is verified and released.
type Milestone struct {
	Name           string `bson:"name"`
	Due            string `bson:"due"`            // YYYY-MM-DD
	TranchePercent int    `bson:"tranchepercent"` // whole percent; a project's milestones sum to 100
}

// Budget is a project's budget in the four lines of seed §17, in fen.
type Budget struct {
	SalaryFen              int64 `bson:"salaryfen"`              // 薪酬待遇
	SupervisionTrainingFen int64 `bson:"supervisiontrainingfen"` // 督导培训经费
	ServiceActivitiesFen   int64 `bson:"serviceactivitiesfen"`   // 服务活动经费
	ProjectManagementFen   int64 `bson:"projectmanagementfen"`   // 项目管理经费
}

// TotalFen is the sum of the four lines.
func (b Budget) TotalFen() int64 {
	return b.SalaryFen + b.SupervisionTrainingFen + b.ServiceActivitiesFen + b.ProjectManagementFen
}

// ProjectFlag is a standing problem of a running project, raised by a
// check and kept with the time it was raised.
type ProjectFlag struct {
	Code string    `bson:"code"` // professional_ratio_below_80, price_table_due_revision, budget_over_price_table
	Zh   string    `bson:"zh"`
	En   string    `bson:"en"`
	At   time.Time `bson:"at"`
}

// Application is an organisation's project application to a fund, or its
// entry in a competition (CompetitionID set; the fund is then the
// competition's).
type Application struct {
	ID               string            `bson:"id"`
	OrganisationID   string            `bson:"organisationid"`
	OrganisationName string            `bson:"organisationname"` // as registered when the application was drafted (shown beside the id)
	FundID           string            `bson:"fundid"`
	CompetitionID    string            `bson:"competitionid"`
	Title            string            `bson:"title"`
	Summary          string            `bson:"summary"`
	NeedIDs          []string          `bson:"needids"`
	Domains          []string          `bson:"domains"`
	TargetGroup      string            `bson:"targetgroup"`
	Beneficiaries    int               `bson:"beneficiaries"`
	Regions          []string          `bson:"regions"` // division codes the project serves (from its needs, or given)
	Team             []TeamMember      `bson:"team"`
	SupervisorID     string            `bson:"supervisorid"` // the project's supervising social worker (an account)
	Milestones       []Milestone       `bson:"milestones"`
	Budget           Budget            `bson:"budget"`
	RequestedFen     int64             `bson:"requestedfen"`
	Government       bool              `bson:"government"`    // a government-purchased project (政府购买服务)
	NeedsSurvey      string            `bson:"needssurvey"`   // the survey of the people served (需求调查): method, sample, findings
	KPIs             []KPI             `bson:"kpis"`          // performance targets (考核指标)
	CostBasis        *CostBasis        `bson:"costbasis"`     // how the budget was costed, set when a purchase is submitted
	ContractStart    string            `bson:"contractstart"` // YYYY-MM-DD; government projects
	ContractEnd      string            `bson:"contractend"`   // YYYY-MM-DD
	Status           ApplicationStatus `bson:"status"`
	Flags            []ProjectFlag     `bson:"flags"`
	// Decision.
	DecidedBy    string     `bson:"decidedby"`
	DecidedAt    *time.Time `bson:"decidedat"`
	DecisionNote string     `bson:"decisionnote"` // a rejection's reason, or the approver's note
	DecisionKey  string     `bson:"decisionkey"`  // the Idempotency-Key of the approval
	GrantedFen   int64      `bson:"grantedfen"`
	EvaluatorOrg string     `bson:"evaluatororg"` // evaluation institution engaged by the funder (绩效评估)
	CreatedBy    string     `bson:"createdby"`
	CreatedAt    time.Time  `bson:"createdat"`
	SubmittedAt  *time.Time `bson:"submittedat"`
	UpdatedAt    time.Time  `bson:"updatedat"`
}

// ProfessionalShare counts the project's professional posts and its whole
// headcount (seed §17: "不低于项目总人数的80%"): a social worker counts once
// however many professional lines name them, and staff and volunteers are
// people of the project too.
func ProfessionalShare(team []TeamMember) (professional, headcount int) {
	seen := map[string]bool{}
	for _, m := range team {
		if m.Post == PostProfessional && m.SocialWorkerID != "" {
			if seen[m.SocialWorkerID] {
				continue
			}
			seen[m.SocialWorkerID] = true
		}
		if m.Post == PostProfessional {
			professional++
		}
		headcount++
	}
	return professional, headcount
}

// ProfessionalShareOK reports whether professional posts are at least 80%
// of the headcount (seed §17): 5·professional ≥ 4·headcount, in integers.
func ProfessionalShareOK(team []TeamMember) bool {
	pro, all := ProfessionalShare(team)
	return all > 0 && 5*pro >= 4*all
}

// MaxContractYears is the longest term of a government purchase contract.
const MaxContractYears = 3

// Validate checks everything that needs no store: a draft may be partial
// (final false); a submission must be whole (final true).
func (a *Application) Validate(final bool) error {
	var p Problems
	if n := len([]rune(strings.TrimSpace(a.Title))); n < 2 || n > 100 {
		p.Add("title", "项目名称须为 2–100 个字符", "title must be 2–100 characters")
	}
	if len([]rune(a.Summary)) > 5000 {
		p.Add("summary", "项目简介不超过 5000 个字符", "summary must be at most 5000 characters")
	}
	if len(a.NeedIDs) > 20 {
		p.Add("needIds", "最多关联 20 个需求", "at most 20 linked needs")
	}
	seen := map[string]bool{}
	for i, id := range a.NeedIDs {
		if id == "" || len(id) > 64 || seen[id] {
			p.Add(indexed("needIds", i), "需求编号无效或重复", "needs ids must be non-empty and distinct")
		}
		seen[id] = true
	}
	validateCodes(&p, "domains", a.Domains, Domains, false)
	if a.TargetGroup != "" && !TargetGroups.Has(a.TargetGroup) {
		p.Add("targetGroup", "未知的服务对象类型", "unknown target group")
	}
	if a.Beneficiaries < 0 || a.Beneficiaries > 10_000_000 {
		p.Add("beneficiaries", "受益人数须在 0–10,000,000 之间", "beneficiaries must be 0–10,000,000")
	}
	for i, c := range a.Regions {
		if _, ok := LookupDivision(c); !ok {
			p.Add(indexed("regions", i), "未知的行政区划代码", "unknown division code")
		}
	}
	a.validateTeam(&p)
	a.validateMilestones(&p, final)
	a.validateTargets(&p, final)
	for _, l := range []struct {
		loc string
		v   int64
	}{{"budget.salaryFen", a.Budget.SalaryFen}, {"budget.supervisionTrainingFen", a.Budget.SupervisionTrainingFen},
		{"budget.serviceActivitiesFen", a.Budget.ServiceActivitiesFen}, {"budget.projectManagementFen", a.Budget.ProjectManagementFen}} {
		if l.v < 0 || l.v > MaxFundFen {
			p.Add(l.loc, "预算金额须在 0 至 100 亿元之间（单位：分）", "a budget line must be 0 to 10 billion yuan (in fen)")
		} else if final && a.Government && l.v == 0 {
			// Seed §17: a purchased project's budget consists of these four lines.
			p.Add(l.loc, "政府购买服务项目的预算须包含薪酬待遇、督导培训、服务活动和项目管理四项经费", "a purchased project's budget needs all four lines: salaries, supervision and training, service activities, project management")
		}
	}
	if a.RequestedFen < 0 || a.RequestedFen > MaxFundFen {
		p.Add("requestedFen", "申请金额须在 0 至 100 亿元之间（单位：分）", "requested amount must be 0 to 10 billion yuan (in fen)")
	}
	if a.Government {
		a.validateContract(&p, final)
	}
	if final {
		switch {
		case a.RequestedFen <= 0:
			p.Add("requestedFen", "提交前须填写申请金额", "a submission needs a requested amount")
		case a.RequestedFen > a.Budget.TotalFen():
			p.Add("requestedFen", "申请金额不能超过项目预算合计", "the requested amount must not exceed the budget total")
		}
		if a.SupervisorID == "" {
			p.Add("supervisorId", "提交前须指定项目督导社工", "a submission needs a supervising social worker")
		}
		if a.Beneficiaries == 0 {
			p.Add("beneficiaries", "提交前须填写受益人数", "a submission needs the number of beneficiaries")
		}
		if a.TargetGroup == "" {
			p.Add("targetGroup", "提交前须填写服务对象", "a submission needs a target group")
		}
		if a.Government && !ProfessionalShareOK(a.Team) {
			p.Add("team", "政府购买服务项目中社会工作专业岗位须占项目人员的 80% 以上", "professional social-work posts must be at least 80% of a purchased project's headcount")
		}
	}
	return p.Err()
}

func (a *Application) validateTeam(p *Problems) {
	if len(a.Team) > 200 {
		p.Add("team", "项目团队最多 200 人", "at most 200 team members")
		return
	}
	for i, m := range a.Team {
		loc := indexed("team", i)
		if n := len([]rune(strings.TrimSpace(m.Name))); n < 1 || n > 50 {
			p.Add(loc+".name", "姓名须为 1–50 个字符", "name must be 1–50 characters")
		}
		switch m.Post {
		case PostProfessional:
			if m.SocialWorkerID == "" {
				p.Add(loc+".socialWorkerId", "专业岗位须关联持证社工账号", "a professional post names a certified social worker's account")
			}
		case PostStaff, PostVolunteer:
		default:
			p.Add(loc+".post", "岗位须为 professional、staff 或 volunteer", "post must be professional, staff or volunteer")
		}
		if m.Months < 0 || m.Months > 12*MaxContractYears*2 {
			p.Add(loc+".months", "在岗月数须在 0–72 之间", "months must be 0–72")
		}
	}
}

func (a *Application) validateMilestones(p *Problems, final bool) {
	if len(a.Milestones) > 24 {
		p.Add("milestones", "最多 24 个里程碑", "at most 24 milestones")
		return
	}
	sum := 0
	for i, m := range a.Milestones {
		loc := indexed("milestones", i)
		if n := len([]rune(strings.TrimSpace(m.Name))); n < 1 || n > 100 {
			p.Add(loc+".name", "里程碑名称须为 1–100 个字符", "milestone name must be 1–100 characters")
		}
		if _, err := ParseDate(loc+".due", m.Due); err != nil {
			p.Add(loc+".due", "日期格式须为 YYYY-MM-DD", "date must be YYYY-MM-DD")
		}
		if m.TranchePercent < 0 || m.TranchePercent > 100 {
			p.Add(loc+".tranchePercent", "拨付比例须在 0–100 之间", "tranche percent must be 0–100")
		}
		sum += m.TranchePercent
	}
	if final && (len(a.Milestones) == 0 || sum != 100) {
		p.Add("milestones", "提交前须设置里程碑，且各期拨付比例合计为 100%", "a submission needs milestones whose tranche percents sum to 100")
	}
}

func (a *Application) validateContract(p *Problems, final bool) {
	if a.ContractStart == "" && a.ContractEnd == "" && !final {
		return
	}
	start, err1 := ParseDate("contractStart", a.ContractStart)
	end, err2 := ParseDate("contractEnd", a.ContractEnd)
	if err1 != nil {
		p.Add("contractStart", "政府购买服务项目须填写合同开始日期（YYYY-MM-DD）", "a purchased project needs a contract start date (YYYY-MM-DD)")
	}
	if err2 != nil {
		p.Add("contractEnd", "政府购买服务项目须填写合同结束日期（YYYY-MM-DD）", "a purchased project needs a contract end date (YYYY-MM-DD)")
	}
	if err1 != nil || err2 != nil {
		return
	}
	if !end.After(start) {
		p.Add("contractEnd", "合同结束日期须晚于开始日期", "the contract must end after it starts")
	} else if end.After(start.AddDate(MaxContractYears, 0, 0)) {
		p.Add("contractEnd", "政府购买服务合同期限不超过 3 年", "a purchase contract runs at most 3 years")
	}
}

// ContractMonths is the contract's length in whole months, rounded up.
func (a *Application) ContractMonths() int {
	start, err1 := ParseDate("", a.ContractStart)
	end, err2 := ParseDate("", a.ContractEnd)
	if err1 != nil || err2 != nil || !end.After(start) {
		return 0
	}
	m := (end.Year()-start.Year())*12 + int(end.Month()-start.Month())
	if start.AddDate(0, m, 0).Before(end) {
		m++
	}
	return m
}

// TrancheAmounts splits a granted amount over the milestones by their
// percents: floor for each, the remainder on the last, so they sum exactly.
func TrancheAmounts(granted int64, milestones []Milestone) []int64 {
	out := make([]int64, len(milestones))
	var sum int64
	for i, m := range milestones {
		out[i] = granted * int64(m.TranchePercent) / 100
		sum += out[i]
	}
	if n := len(out); n > 0 {
		out[n-1] += granted - sum
	}
	return out
}

// Grant is the money a fund gave one application: its _id is the
// application's, so an application has at most one grant. Its tranches
// follow the milestones; each step of a tranche is its own document.
type Grant struct {
	ID               string    `bson:"id"` // = application id
	FundID           string    `bson:"fundid"`
	OrganisationID   string    `bson:"organisationid"`
	OrganisationName string    `bson:"organisationname"`
	CompetitionID    string    `bson:"competitionid"`
	Tier             string    `bson:"tier"`  // the award tier of a competition grant
	Title            string    `bson:"title"` // the project's title (public)
	AmountFen        int64     `bson:"amountfen"`
	LedgerSeq        int       `bson:"ledgerseq"`
	NeedIDs          []string  `bson:"needids"`
	Tranches         []int64   `bson:"tranches"` // amount per milestone
	CreatedBy        string    `bson:"createdby"`
	CreatedAt        time.Time `bson:"createdat"`
}

// TrancheStep is one step of paying a tranche: the organisation reports the
// milestone, the supervising social worker verifies it, the funder releases
// the money. Each step is inserted once (_id grant#milestone#step).
type TrancheStep struct {
	GrantID   string    `bson:"grantid"`
	Milestone int       `bson:"milestone"`
	Step      string    `bson:"step"` // report, verify, release
	Note      string    `bson:"note"`
	LedgerSeq int       `bson:"ledgerseq"` // release
	AmountFen int64     `bson:"amountfen"`
	By        string    `bson:"by"`
	At        time.Time `bson:"at"`
}

// Tranche steps.
const (
	StepReport  = "report"
	StepVerify  = "verify"
	StepRelease = "release"
)

// DecisionClaim is the one decision on an application, inserted before it
// is carried out (_id = the application's): of two decisions racing — an
// approval and a rejection, or two approvals — only one is ever made.
type DecisionClaim struct {
	ApplicationID string    `bson:"applicationid"`
	Approve       bool      `bson:"approve"`
	AmountFen     int64     `bson:"amountfen"`
	Key           string    `bson:"key"`  // the approval's Idempotency-Key, if any
	Note          string    `bson:"note"` // a rejection's reason or the approver's note: what a roll-forward saves
	By            string    `bson:"by"`
	At            time.Time `bson:"at"`
}

// Same reports whether c is the claim of the same request.
func (c *DecisionClaim) Same(approve bool, amount int64, key string) bool {
	return c.Approve == approve && (!approve || c.AmountFen == amount && c.Key == key)
}
