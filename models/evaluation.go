package models

import (
	"slices"
	"strings"
	"time"
)

// A project's performance targets (考核指标) and needs survey, and the
// evaluation (绩效评估) that scores them.

// KPI is one of a project's performance targets (考核指标, seed §17): of
// quantity (服务数量), quality (服务质量) or effect (服务成效).
type KPI struct {
	Kind      string `bson:"kind"`      // quantity, quality or effect
	Indicator string `bson:"indicator"` // what is measured, e.g. 入户探访人次
	Target    string `bson:"target"`    // the target, e.g. ≥ 480 人次
	// A quantity target's number of units and the activity cost of one
	// unit: the service-activities line is costed from them (seed §17:
	// 根据服务的数量、规模、质量和效果目标等核算服务成本).
	Quantity    int64 `bson:"quantity"`
	UnitCostFen int64 `bson:"unitcostfen"`
}

// Limits of a quantity target's costing.
const (
	MaxKPIQuantity    = 10_000_000
	MaxKPIUnitCostFen = 100_000_000 // 1 million yuan a unit
)

// CostBasis is how a purchased project's budget was costed at submission:
// the salary ceiling of the price table in force for its team, and the
// service activities costed from its quantity targets.
type CostBasis struct {
	PriceTableDivision string `bson:"pricetabledivision"`
	PriceTableFrom     string `bson:"pricetablefrom"`
	SalaryCeilingFen   int64  `bson:"salaryceilingfen"`
	ActivitiesFen      int64  `bson:"activitiesfen"`
}

// ActivitiesFromTargetsFen is Σ quantity × unit cost over the quantity targets.
func ActivitiesFromTargetsFen(kpis []KPI) int64 {
	var sum int64
	for _, k := range kpis {
		if k.Kind == "quantity" && k.Quantity > 0 && k.UnitCostFen > 0 {
			sum += min(k.Quantity, MaxKPIQuantity) * min(k.UnitCostFen, MaxKPIUnitCostFen)
		}
	}
	return sum
}

// KPIKinds are the kinds of a project's performance targets.
var KPIKinds = []string{"quantity", "quality", "effect"}

// validateTargets checks the needs survey and the KPIs; a purchased
// project is submitted with a survey and a target of each kind (seed §17:
// 开展需求调查，科学设置项目的岗位数量、服务标准和考核指标).
func (a *Application) validateTargets(p *Problems, final bool) {
	if len([]rune(a.NeedsSurvey)) > 5000 {
		p.Add("needsSurvey", "需求调查不超过 5000 个字符", "needs survey must be at most 5000 characters")
	}
	if len(a.KPIs) > 30 {
		p.Add("kpis", "考核指标最多 30 项", "at most 30 performance targets")
		return
	}
	kinds := map[string]bool{}
	for i, k := range a.KPIs {
		if !slices.Contains(KPIKinds, k.Kind) {
			p.Add(indexed("kpis", i)+".kind", "指标类型须为 quantity、quality 或 effect", "kind must be quantity, quality or effect")
		}
		if n := len([]rune(strings.TrimSpace(k.Indicator))); n < 2 || n > 200 {
			p.Add(indexed("kpis", i)+".indicator", "指标名称须为 2–200 个字符", "indicator must be 2–200 characters")
		}
		if n := len([]rune(strings.TrimSpace(k.Target))); n < 1 || n > 200 {
			p.Add(indexed("kpis", i)+".target", "目标值须为 1–200 个字符", "target must be 1–200 characters")
		}
		if k.Quantity < 0 || k.Quantity > MaxKPIQuantity {
			p.Add(indexed("kpis", i)+".quantity", "数量目标须为 0–10000000", "quantity must be 0–10000000")
		}
		if k.UnitCostFen < 0 || k.UnitCostFen > MaxKPIUnitCostFen {
			p.Add(indexed("kpis", i)+".unitCostFen", "单位成本须为 0–100 万元（单位：分）", "unit cost must be 0–1 million yuan, in fen")
		}
		if k.Kind != "quantity" && (k.Quantity != 0 || k.UnitCostFen != 0) {
			p.Add(indexed("kpis", i)+".quantity", "只有数量指标核算单位成本", "only a quantity target carries a quantity and a unit cost")
		}
		kinds[k.Kind] = true
	}
	if !final || !a.Government {
		return
	}
	if len([]rune(strings.TrimSpace(a.NeedsSurvey))) < 10 {
		p.Add("needsSurvey", "政府购买服务项目须附需求调查（至少 10 个字）", "a purchased project needs its needs survey (at least 10 characters)")
	}
	for i, k := range a.KPIs {
		if k.Kind != "quantity" {
			continue
		}
		if k.Quantity <= 0 {
			p.Add(indexed("kpis", i)+".quantity", "政府购买服务项目的数量指标须填写数量，用于核算服务成本", "a purchased project's quantity target needs its number, to cost the services")
		}
		if k.UnitCostFen <= 0 {
			p.Add(indexed("kpis", i)+".unitCostFen", "政府购买服务项目的数量指标须填写单位成本，用于核算服务成本", "a purchased project's quantity target needs its unit cost, to cost the services")
		}
	}
	for _, k := range KPIKinds {
		if !kinds[k] {
			p.Add("kpis", "政府购买服务项目须设服务数量、质量和成效三类考核指标", "a purchased project needs targets of quantity, quality and effect")
			break
		}
	}
}

// Evaluation is the engaged institution's performance evaluation of a
// completed project (绩效评估), inserted once per application.
type Evaluation struct {
	ApplicationID  string `bson:"applicationid"`
	OrganisationID string `bson:"organisationid"` // the evaluation institution
	Score          int    `bson:"score"`          // 0–100
	Grade          string `bson:"grade"`          // excellent, good, pass, fail
	Report         string `bson:"report"`
	// KPIResults score the project's targets, one per KPI in its order.
	KPIResults []KPIResult `bson:"kpiresults"`
	By         string      `bson:"by"`
	At         time.Time   `bson:"at"`
}

// KPIResult is what the evaluation found for one of the project's targets.
type KPIResult struct {
	Index  int    `bson:"index"`  // the KPI's position in the application's list
	Actual string `bson:"actual"` // what was achieved, e.g. 512 人次
	Met    bool   `bson:"met"`
}

// CheckKPIResults requires one result per target of kpis, in any order.
func (e *Evaluation) CheckKPIResults(kpis []KPI) error {
	var p Problems
	seen := make([]bool, len(kpis))
	for i, r := range e.KPIResults {
		switch {
		case r.Index < 0 || r.Index >= len(kpis):
			p.Add(indexed("kpiResults", i)+".index", "没有这一项考核指标", "no such performance target")
		case seen[r.Index]:
			p.Add(indexed("kpiResults", i)+".index", "每项考核指标只评一次", "each target is scored once")
		default:
			seen[r.Index] = true
		}
		if n := len([]rune(strings.TrimSpace(r.Actual))); n < 1 || n > 200 {
			p.Add(indexed("kpiResults", i)+".actual", "实际完成须为 1–200 个字符", "actual must be 1–200 characters")
		}
	}
	if p.Err() == nil && len(e.KPIResults) != len(kpis) {
		p.Add("kpiResults", "须逐项评定项目的全部考核指标", "every performance target of the project must be scored")
	}
	return p.Err()
}

// EvaluationGrades are the grades of a performance evaluation.
var EvaluationGrades = []string{"excellent", "good", "pass", "fail"}

// Validate checks the evaluation.
func (e *Evaluation) Validate() error {
	var p Problems
	if e.Score < 0 || e.Score > 100 {
		p.Add("score", "评分须在 0–100 之间", "score must be 0–100")
	}
	if !slices.Contains(EvaluationGrades, e.Grade) {
		p.Add("grade", "等级须为 excellent、good、pass 或 fail", "grade must be excellent, good, pass or fail")
	}
	if n := len([]rune(strings.TrimSpace(e.Report))); n < 10 || n > 20000 {
		p.Add("report", "评估报告须为 10–20000 个字符", "report must be 10–20000 characters")
	}
	return p.Err()
}
