package money

import (
	"context"
	"slices"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// Submitting an application: the checks of the fund's terms, the team's
// certificates and, for a government purchase, the contract term, the share
// of professional posts and the price table.

// SubmitApplication sends a draft to the funder (项目申报) after the checks
// that need the store: the fund's window, eligibility, regions and limits;
// the linked needs; the team's certificates; for a government-purchased
// project the 80% professional share and the division's price table.
func (s *Service) SubmitApplication(ctx context.Context, actor *Actor, id string) (*models.Application, error) {
	return core.Locked(s.d.Shared, ctx, "application:"+id, func() (*models.Application, error) {
		a, err := s.ownApplication(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		if a.Status != models.AppDraft {
			return nil, models.E(models.KindConflict, "该申请已提交", "the application was submitted already")
		}
		if err := s.checkSubmission(ctx, a); err != nil {
			return nil, err
		}
		if a.CompetitionID != "" {
			if err := s.d.CheckEntry(ctx, a); err != nil {
				return nil, err
			}
		}
		now := s.d.Now()
		a.Status, a.SubmittedAt, a.UpdatedAt = models.AppSubmitted, &now, now
		return a, s.st.Applications.SaveApplication(ctx, a)
	})
}

func (s *Service) checkSubmission(ctx context.Context, a *models.Application) error {
	if err := s.fillTeam(ctx, a); err != nil {
		return err
	}
	if err := s.fillFromNeeds(ctx, a); err != nil {
		return err
	}
	if err := a.Validate(true); err != nil {
		return err
	}
	f, err := s.st.Funds.Fund(ctx, a.FundID)
	if err != nil {
		return err
	}
	if a.CompetitionID == "" && !f.Open(s.d.Now()) {
		return models.E(models.KindConflict, "该资金不在申报期内", "the fund is not accepting applications now")
	}
	if a.CompetitionID == "" && (a.RequestedFen < f.GrantMinFen || a.RequestedFen > f.GrantMaxFen) {
		return models.Invalid("requestedFen", "申请金额须在该资金的单笔资助上下限之间", "the requested amount must be within the fund's grant limits")
	}
	o, err := s.st.Organisations.Organisation(ctx, a.OrganisationID)
	if err != nil {
		return err
	}
	if len(f.EligibleKinds) > 0 && !slices.Contains(f.EligibleKinds, o.Kind) {
		return models.E(models.KindConflict, "该资金不接受此类机构申报", "the fund does not accept organisations of this kind")
	}
	if !core.OverlapsRegions(a.Regions, f.Regions) {
		return models.Invalid("regions", "项目服务地区不在该资金的资助地区内", "the project's regions are outside the fund's")
	}
	if len(a.Domains) > 0 && !core.Overlaps(a.Domains, f.Domains) {
		return models.Invalid("domains", "项目领域不在该资金的资助领域内", "the project's domains are outside the fund's")
	}
	if len(f.TargetGroups) > 0 && !slices.Contains(f.TargetGroups, a.TargetGroup) {
		return models.Invalid("targetGroup", "服务对象不在该资金的资助范围内", "the target group is outside the fund's")
	}
	if a.Government {
		return s.checkPurchase(ctx, a, f)
	}
	return nil
}

// fillTeam checks each professional member is a verified social worker
// employed by the applicant, named on one line only, and records the
// certificate level (the price table prices by it); the supervisor must be
// a verified social worker too.
func (s *Service) fillTeam(ctx context.Context, a *models.Application) error {
	seen := map[string]bool{}
	for i := range a.Team {
		m := &a.Team[i]
		if m.Post != models.PostProfessional {
			continue
		}
		if seen[m.SocialWorkerID] {
			return models.Invalid(core.IndexedField("team", i)+".socialWorkerId", "同一社会工作者只能占一个专业岗位", "a social worker holds one professional post of a project")
		}
		seen[m.SocialWorkerID] = true
		w, err := s.st.SocialWorkers.SocialWorker(ctx, m.SocialWorkerID)
		if err != nil && !core.IsKind(err, models.KindNotFound) {
			return err
		}
		if err != nil || !w.Verified() {
			return models.Invalid(core.IndexedField("team", i)+".socialWorkerId", "专业岗位须由证书已核验的社会工作者担任", "a professional post needs a social worker with a verified certificate")
		}
		if w.EmployerOrgID != a.OrganisationID {
			return models.Invalid(core.IndexedField("team", i)+".socialWorkerId", "专业岗位须由申报机构聘用的社会工作者担任", "a professional post needs a social worker employed by the applicant")
		}
		m.Level = w.VerifiedLevel()
	}
	if a.SupervisorID != "" {
		w, err := s.st.SocialWorkers.SocialWorker(ctx, a.SupervisorID)
		if err != nil && !core.IsKind(err, models.KindNotFound) {
			return err
		}
		if err != nil || !w.Verified() {
			return models.Invalid("supervisorId", "项目督导须为证书已核验的社会工作者", "the supervisor must be a social worker with a verified certificate")
		}
	}
	return nil
}

// fillFromNeeds checks the linked needs exist and takes the project's
// regions and domains from them when the application gives none.
func (s *Service) fillFromNeeds(ctx context.Context, a *models.Application) error {
	for i, id := range a.NeedIDs {
		n, err := s.st.Needs.Need(ctx, id)
		if core.IsKind(err, models.KindNotFound) {
			return models.Invalid(core.IndexedField("needIds", i), "需求不存在", "no such need")
		} else if err != nil {
			return err
		}
		if n.Status == models.NeedDraft {
			return models.Invalid(core.IndexedField("needIds", i), "不能关联未发布的需求", "a draft need cannot be linked")
		}
		if !slices.Contains(a.Regions, n.CommunityCode) {
			a.Regions = append(a.Regions, n.CommunityCode)
		}
		if !slices.Contains(a.Domains, n.Domain) {
			a.Domains = append(a.Domains, n.Domain)
		}
	}
	if len(a.Regions) == 0 {
		return models.Invalid("regions", "须关联需求或填写服务地区", "link needs or give the regions served")
	}
	return nil
}

// checkPurchase applies the price table of the fund's division (or the
// nearest one above it) to a government-purchased project's salary line.
func (s *Service) checkPurchase(ctx context.Context, a *models.Application, f *models.Fund) error {
	division := f.DivisionCode
	if division == "" && len(a.Regions) > 0 {
		division = a.Regions[0]
	}
	t, err := s.effectivePriceTable(ctx, division, s.d.Now())
	if err != nil {
		return err
	}
	a.Flags = dropFlag(a.Flags, "price_table_due_revision")
	if t == nil {
		return models.E(models.KindConflict, "该地区尚未发布政府购买服务价格标准", "the division has no purchase price table yet")
	}
	if t.DueForRevision(s.d.Now()) {
		a.Flags = append(a.Flags, models.ProjectFlag{Code: "price_table_due_revision", Zh: "价格标准已超过 3 年未修订",
			En: "the price table is more than 3 years old", At: s.d.Now()})
	}
	ceiling := t.SalaryCeilingFen(a.Team, a.ContractMonths())
	if a.Budget.SalaryFen > ceiling {
		return models.Invalid("budget.salaryFen", "薪酬待遇超出本地区政府购买服务价格标准", "the salary line exceeds the division's purchase price table")
	}
	activities := models.ActivitiesFromTargetsFen(a.KPIs)
	if a.Budget.ServiceActivitiesFen > activities {
		return models.Invalid("budget.serviceActivitiesFen", "服务活动经费超出按数量目标核算的成本（数量 × 单位成本）",
			"the service-activities line exceeds the cost of the quantity targets (quantity × unit cost)")
	}
	a.CostBasis = &models.CostBasis{PriceTableDivision: t.DivisionCode, PriceTableFrom: t.EffectiveFrom, SalaryCeilingFen: ceiling,
		ActivitiesFen: activities}
	return nil
}

// Flag codes of running projects.
const flagProfessionalShare = "professional_ratio_below_80"

func dropFlag(flags []models.ProjectFlag, code string) []models.ProjectFlag {
	out := flags[:0:0]
	for _, f := range flags {
		if f.Code != code {
			out = append(out, f)
		}
	}
	return out
}
