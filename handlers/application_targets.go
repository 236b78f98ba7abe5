package handlers

import (
	"time"

	"github.com/wushe/wushe/models"
)

// application_targets.go: a project's performance targets, the cost basis
// of a purchased project, and the evaluation that scores the targets.

// KPIDTO is one performance target of a project.
type KPIDTO struct {
	Kind      string `json:"kind" enum:"quantity,quality,effect" doc:"服务数量 quantity、服务质量 quality、服务成效 effect"`
	Indicator string `json:"indicator" maxLength:"200" doc:"指标，如：入户探访人次 What is measured"`
	Target    string `json:"target" maxLength:"200" doc:"目标值，如：≥ 480 人次 The target"`
	// Quantity targets cost the service activities.
	Quantity    int64 `json:"quantity,omitempty" minimum:"0" maximum:"10000000" doc:"数量目标（仅数量指标），政府购买服务项目必填 The number of units (quantity targets; required for a purchased project)"`
	UnitCostFen int64 `json:"unitCostFen,omitempty" minimum:"0" maximum:"100000000" doc:"单位服务成本（分），政府购买服务项目必填；服务活动经费不得超过 Σ 数量 × 单位成本 The activity cost of one unit, in fen (required for a purchased project); the service-activities line may not exceed Σ quantity × unit cost"`
}

// CostBasisDTO is how a purchased project's budget was costed at submission.
type CostBasisDTO struct {
	PriceTableDivision string `json:"priceTableDivision" doc:"所用价格标准的区划 The price table's division"`
	PriceTableFrom     string `json:"priceTableFrom" doc:"所用价格标准的生效日期 The price table's effective date"`
	SalaryCeilingFen   int64  `json:"salaryCeilingFen" doc:"按价格标准核算的薪酬上限（分）The salary ceiling from the price table, fen"`
	ActivitiesFen      int64  `json:"activitiesFen" doc:"按数量目标核算的服务活动成本（分）The activities costed from the quantity targets, fen"`
}

func kpiDTOs(ks []models.KPI) []KPIDTO {
	out := make([]KPIDTO, 0, len(ks))
	for _, k := range ks {
		out = append(out, KPIDTO{Kind: k.Kind, Indicator: k.Indicator, Target: k.Target, Quantity: k.Quantity, UnitCostFen: k.UnitCostFen})
	}
	return out
}

func kpiInput(ks []KPIDTO) []models.KPI {
	var out []models.KPI
	for _, k := range ks {
		out = append(out, models.KPI{Kind: k.Kind, Indicator: k.Indicator, Target: k.Target, Quantity: k.Quantity, UnitCostFen: k.UnitCostFen})
	}
	return out
}

type evaluatorInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		OrganisationID string `json:"organisationId" minLength:"1" maxLength:"64" doc:"社会工作督导评估机构 A supervision and evaluation institution"`
	}
}

type evaluationInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Score      int            `json:"score" minimum:"0" maximum:"100"`
		Grade      string         `json:"grade" enum:"excellent,good,pass,fail"`
		Report     string         `json:"report" maxLength:"20000"`
		KPIResults []KPIResultDTO `json:"kpiResults,omitempty" maxItems:"30" doc:"逐项评定项目的考核指标（项目有指标时必填，每项一次）One result per performance target of the project (required when it has targets)"`
	}
}

// KPIResultDTO is an evaluation's finding on one of the project's targets.
type KPIResultDTO struct {
	Index  int    `json:"index" minimum:"0" maximum:"29" doc:"该指标在项目 kpis 中的序号 The target's position in the project's kpis"`
	Actual string `json:"actual" maxLength:"200" doc:"实际完成 What was achieved"`
	Met    bool   `json:"met" doc:"是否达标 Whether the target was met"`
}

// EvaluationDTO is a performance evaluation (绩效评估).
type EvaluationDTO struct {
	ApplicationID  string         `json:"applicationId"`
	OrganisationID string         `json:"organisationId"`
	Score          int            `json:"score"`
	Grade          string         `json:"grade"`
	Report         string         `json:"report"`
	KPIResults     []KPIResultDTO `json:"kpiResults"`
	At             time.Time      `json:"at"`
}

func evaluationDTO(e *models.Evaluation) *EvaluationDTO {
	if e == nil {
		return nil
	}
	d := &EvaluationDTO{ApplicationID: e.ApplicationID, OrganisationID: e.OrganisationID, Score: e.Score, Grade: e.Grade, Report: e.Report, At: e.At,
		KPIResults: []KPIResultDTO{}}
	for _, r := range e.KPIResults {
		d.KPIResults = append(d.KPIResults, KPIResultDTO{Index: r.Index, Actual: r.Actual, Met: r.Met})
	}
	return d
}

type evaluationOutput struct{ Body EvaluationDTO }
