package demo

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/accounts"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/money"
	"github.com/wushe/wushe/store"
	"github.com/wushe/wushe/store/embedded"
	"github.com/wushe/wushe/store/mongo"
	"github.com/wushe/wushe/store/redis"
)

// purchase.go: the demo county's government-purchased project, run through
// the purchase workflow by the service's own use cases (项目申报 → 组织采购
// → 合同签订 → 项目督导 → 绩效评估) until the engaged institution's
// evaluation completes it and the final tranche is paid. The use cases
// keep the ledger, the grant and the evaluation as the API would; a
// throwaway Redis holds the caches the service keeps on the side.

const demoPurchaseTitle = "独居老人关爱服务（政府购买演示项目）"

// demoPurchaseTeam is how many of the first social workers the org admin
// login's agency employs: the purchase's team.
const demoPurchaseTeam = 4

// demoPurchase is who runs the demo purchase: the applicant agency and its
// social workers, the county's civil affairs (the fund's manager) and an
// evaluation institution.
type demoPurchase struct {
	fundID      string
	agency      *models.Organisation
	workers     []string // verified social workers employed by the agency; the first supervises
	institution *models.Organisation
}

// planPurchase is the org admin login's agency (in the demo county) with
// the social workers it employs, and an evaluation institution; false when
// the city has none.
func (c *demoCity) planPurchase() (demoPurchase, bool) {
	p := demoPurchase{agency: c.orgs[0]}
	for _, w := range c.workers {
		if w.profile.Verified() && w.profile.EmployerOrgID == p.agency.ID && len(p.workers) < demoPurchaseTeam {
			p.workers = append(p.workers, w.account.ID)
		}
	}
	for _, o := range c.orgs {
		if o.Kind == "supervision_evaluation_institution" && o.Status.Operating() && p.institution == nil {
			p.institution = o
		}
	}
	for _, f := range c.funds {
		if f.DivisionCode == demoLoginCounty {
			p.fundID = f.ID
		}
	}
	return p, len(p.workers) > 0 && p.institution != nil && p.fundID != ""
}

// seedPurchase runs the demo purchase to its end, or on from wherever an
// interrupted run left it.
func seedPurchase(ctx context.Context, db *mongo.DB, p demoPurchase, today time.Time) (demoOutcome, error) {
	mr, err := embedded.StartRedis()
	if err != nil {
		return 0, err
	}
	defer mr.Close()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	rc, err := redis.New(mr.URL(), "demo:", quiet)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	st := store.Stores(db, rc)
	st.Bus = nil
	// No one signs in to this service: its token secret is random and dropped.
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return 0, err
	}
	svc, err := service.New(service.Config{Logger: quiet, Accounts: accounts.Config{JWTSecret: secret}}, st)
	if err != nil {
		return 0, err
	}
	return runPurchase(ctx, svc.Money(), p, today)
}

func runPurchase(ctx context.Context, m *money.Service, p demoPurchase, today time.Time) (demoOutcome, error) {
	admin := &core.Actor{AccountID: demoOrgAdminID, Roles: []models.RoleBinding{{Role: models.RoleOrgAdmin, OrganisationID: p.agency.ID}}}
	county := &core.Actor{AccountID: demoCountyAdminID, Roles: []models.RoleBinding{{Role: models.RoleCivilAffairs, DivisionCode: demoLoginCounty}}}
	supervisor := &core.Actor{AccountID: p.workers[0], Roles: []models.RoleBinding{{Role: models.RoleSocialWorker, OrganisationID: p.agency.ID}}}
	evaluator := &core.Actor{AccountID: "demo-evaluator-0001", Roles: []models.RoleBinding{{Role: models.RoleEvaluator, OrganisationID: p.institution.ID}}}

	a, outcome, err := findOrDraftPurchase(ctx, m, admin, p, today)
	if err != nil {
		return 0, err
	}
	step := func(name string, fn func() error) error {
		if err := fn(); err != nil && !core.IsKind(err, models.KindConflict) {
			return fmt.Errorf("demo purchase, %s: %w", name, err)
		}
		a, err = m.Application(ctx, county, a.ID)
		return err
	}
	if a.Status == models.AppDraft {
		if err := step("submit", func() error { _, err := m.SubmitApplication(ctx, admin, a.ID); return err }); err != nil {
			return 0, err
		}
	}
	if a.Status == models.AppSubmitted {
		if err := step("procurement", func() error { _, err := m.StartProcurement(ctx, county, a.ID); return err }); err != nil {
			return 0, err
		}
	}
	if a.Status == models.AppProcurement {
		if err := step("contract", func() error {
			_, _, err := m.DecideApplication(ctx, county, a.ID, money.Decision{Approve: true, AmountFen: a.RequestedFen,
				Note: "经组织采购，签订服务合同（演示）", IdempotencyKey: "demo-purchase-contract"})
			return err
		}); err != nil {
			return 0, err
		}
	}
	last := len(a.Milestones) - 1
	for i := range a.Milestones {
		if err := step("report", func() error {
			_, err := m.ReportMilestone(ctx, admin, a.ID, i, "阶段服务按计划完成，附服务台账与照片（演示）")
			return err
		}); err != nil {
			return 0, err
		}
		if err := step("verify", func() error {
			_, err := m.VerifyMilestone(ctx, supervisor, a.ID, i, "督导核实服务记录（演示）")
			return err
		}); err != nil {
			return 0, err
		}
		if i == last {
			break // the final tranche waits for the evaluation
		}
		if err := step("release", func() error {
			_, err := m.ReleaseTranche(ctx, county, a.ID, i, fmt.Sprintf("demo-purchase-tranche-%d", i))
			return err
		}); err != nil {
			return 0, err
		}
	}
	if a.EvaluatorOrg == "" {
		if err := step("engage", func() error { _, err := m.EngageEvaluator(ctx, county, a.ID, p.institution.ID); return err }); err != nil {
			return 0, err
		}
	}
	if a.Status == models.AppCompleted {
		results := []models.KPIResult{{Index: 0, Actual: "512 人次", Met: true}, {Index: 1, Actual: "93%", Met: true}, {Index: 2, Actual: "12%", Met: true}}
		if err := step("evaluate", func() error {
			_, err := m.Evaluate(ctx, evaluator, a.ID, models.Evaluation{Score: 86, Grade: "good", KPIResults: results,
				Report: "三类考核指标全部达成：探访 512 人次，满意度 93%，孤独感量表得分下降 12%。（演示）"})
			return err
		}); err != nil {
			return 0, err
		}
	}
	if err := step("final tranche", func() error {
		_, err := m.ReleaseTranche(ctx, county, a.ID, last, fmt.Sprintf("demo-purchase-tranche-%d", last))
		return err
	}); err != nil {
		return 0, err
	}
	if a.Status != models.AppEvaluated {
		return 0, fmt.Errorf("demo purchase ended %s, not evaluated", a.Status)
	}
	return outcome, nil
}

// findOrDraftPurchase finds the agency's demo purchase, or drafts it.
func findOrDraftPurchase(ctx context.Context, m *money.Service, admin *core.Actor, p demoPurchase, today time.Time) (*models.Application, demoOutcome, error) {
	list, _, err := m.ListApplications(ctx, admin, money.ApplicationFilter{OrganisationID: p.agency.ID}, core.Page{Limit: 100})
	if err != nil {
		return nil, 0, err
	}
	for _, a := range list {
		if a.Title == demoPurchaseTitle {
			return a, demoExisted, nil
		}
	}
	start := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, models.Shanghai()).AddDate(0, -11, 0)
	end := start.AddDate(1, 0, -1)
	team := make([]models.TeamMember, 0, len(p.workers))
	for i, id := range p.workers {
		team = append(team, models.TeamMember{Name: fmt.Sprintf("项目社工%d", i+1), Post: models.PostProfessional, SocialWorkerID: id})
	}
	// Salaries at the price table's 5,000 yuan a month (under the lowest price, 5,500) for
	// a year; activities as the quantity target costs them (480 × 25 yuan).
	budget := models.Budget{SalaryFen: int64(len(team)) * 5_000_00 * 12, SupervisionTrainingFen: 20_000_00, ServiceActivitiesFen: 12_000_00,
		ProjectManagementFen: 8_000_00}
	a, err := m.CreateApplication(ctx, admin, money.ApplicationInput{OrganisationID: p.agency.ID, FundID: p.fundID, Title: demoPurchaseTitle,
		Summary: "为辖区独居老人提供入户探访、就医陪同和情绪疏导，建立社区支持网络。（演示数据）", Domains: []string{"social_welfare"},
		TargetGroup: "older_people", Beneficiaries: 120, Regions: []string{demoLoginCounty}, Team: team, SupervisorID: p.workers[0],
		Milestones: []models.Milestone{{Name: "需求调研与入户建档", Due: demoDate(start.AddDate(0, 3, 0)), TranchePercent: 40},
			{Name: "探访服务与总结评估", Due: demoDate(end), TranchePercent: 60}},
		Budget: budget, RequestedFen: budget.TotalFen(), Government: true,
		ContractStart: demoDate(start), ContractEnd: demoDate(end),
		NeedsSurvey: "入户问卷 120 份、座谈 3 场：独居老人最缺陪伴与就医协助，三成有孤独感。（演示）",
		KPIs: []models.KPI{{Kind: "quantity", Indicator: "入户探访人次", Target: "≥ 480 人次", Quantity: 480, UnitCostFen: 2500},
			{Kind: "quality", Indicator: "服务满意度", Target: "≥ 90%"}, {Kind: "effect", Indicator: "孤独感量表得分下降", Target: "≥ 10%"}}})
	if err != nil {
		return nil, 0, fmt.Errorf("demo purchase, draft: %w", err)
	}
	return a, demoCreated, nil
}
