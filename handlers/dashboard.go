package handlers

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/records"
)

// dashboard.go: the civil-affairs dashboard (民政驾驶舱), as JSON and CSV.

type dashboardInput struct {
	Division string `query:"division" pattern:"^[0-9]{4}([0-9]{2})?$" doc:"郑州市 4101 或区县代码；默认为本人所辖区划 The city (4101) or a county-level code; default: the caller's division"`
}

// DashboardTargetsDTO are the city's 2025 targets.
type DashboardTargetsDTO struct {
	SocialWorkers              int `json:"socialWorkers" doc:"社会工作专业人才 10,000"`
	ProfessionalPosts          int `json:"professionalPosts" doc:"专业岗位 2,500"`
	ServiceOrganisations       int `json:"serviceOrganisations" doc:"社会工作服务机构 240"`
	TownsWithStation           int `json:"townsWithStation" doc:"乡镇（街道）社工站全覆盖：全市乡镇（街道）数 Every township/street"`
	DemonstrationOrganisations int `json:"demonstrationOrganisations" doc:"示范机构 50"`
}

// DashboardNeedsDTO counts needs.
type DashboardNeedsDTO struct {
	Posted    int            `json:"posted" doc:"已发布（草稿以外）Posted: every need but drafts"`
	Staffed   int            `json:"staffed" doc:"已满员及之后（满员、进行中、已完成、已评价）Reached staffing: staffed, in progress, completed, evaluated"`
	Completed int            `json:"completed" doc:"已完成（含已评价）Completed or evaluated"`
	ByStatus  map[string]int `json:"byStatus" doc:"按状态（need_statuses）By status"`
}

// DashboardComplianceDTO is a compliance count.
type DashboardComplianceDTO struct {
	Total         int      `json:"total"`
	Compliant     int      `json:"compliant"`
	CompliancePct *float64 `json:"compliancePct,omitempty" doc:"达标率（%），无对象时省略 Compliant share, omitted when there are none"`
}

// DashboardFiguresDTO are one row's figures.
type DashboardFiguresDTO struct {
	SocialWorkers              int                     `json:"socialWorkers" doc:"持证社工（证书已核验）Social workers with a verified certificate"`
	ProfessionalPosts          int                     `json:"professionalPosts" doc:"已聘任并确认的专业岗位（按用人单位所在区划）Registered posts filled and confirmed, by the unit's division"`
	Posts                      int                     `json:"posts" doc:"已登记的专业岗位（含空缺）Registered posts, vacant included"`
	AllowanceEligible          int                     `json:"allowanceEligible" doc:"享受职业津贴的持证社区工作者 Certified community workers eligible for the allowance"`
	ServiceOrganisations       int                     `json:"serviceOrganisations" doc:"运营中的社会工作服务机构 Operating social-work service agencies"`
	DemonstrationOrganisations int                     `json:"demonstrationOrganisations" doc:"示范机构：运营中、属九个示范领域、持有效 3A 级及以上综合评估、状态为示范的社会工作服务机构 Operating social-work agencies of a demonstration domain with status demonstration and a valid evaluation of 3A or above"`
	Towns                      int                     `json:"towns" doc:"乡镇（街道）数 Townships/streets"`
	TownsWithStation           int                     `json:"townsWithStation" doc:"有运营中且配有社工的社工站的乡镇（街道）Townships/streets with an open station a social worker is on post at"`
	TownsStationOpen           int                     `json:"townsStationOpen" doc:"有运营中社工站的乡镇（街道），不论是否配社工 Townships/streets with an open station, staffed or not"`
	Supervisors                DashboardSupervisorsDTO `json:"supervisors"`
	Needs                      DashboardNeedsDTO       `json:"needs"`
	VerifiedHours              float64                 `json:"verifiedHours" doc:"已核实志愿服务时长（每场次每人取最高已核实版本）Verified volunteer hours; per occurrence and volunteer the highest verified version"`
	Grants                     int                     `json:"grants"`
	GrantsFen                  int64                   `json:"grantsFen" doc:"资助金额（分）Granted, in fen"`
	ElderCare                  DashboardComplianceDTO  `json:"elderCare" doc:"养老机构社工配备（每 100 张床位 1 名持证社工）Elder-care staffing: 1 verified social worker per 100 beds"`
	PurchasedProjects          DashboardComplianceDTO  `json:"purchasedProjects" doc:"已立项的政府购买项目，未被标记者为达标 Granted government-purchased projects; compliant = no standing flag"`
	ContinuingEducation        DashboardComplianceDTO  `json:"continuingEducation" doc:"机构社工继续教育达标 Continuing education of organisations' social workers"`
	Commendations              int                     `json:"commendations" doc:"本年度表彰（未撤销），按受表彰者所在区县 Awards given this year (not revoked), by the recipient's district"`
}

// DashboardIndicatorDTO is one target figure of a row.
type DashboardIndicatorDTO struct {
	Code           string   `json:"code" enum:"social_workers,professional_posts,service_organisations,towns_with_station,demonstration_organisations"`
	Value          int      `json:"value"`
	Target         int      `json:"target" doc:"全市行：2025 年目标；区县行：社工站指标为本区乡镇（街道）数，其余为 0 City row: the 2025 target; district rows: their townships for towns_with_station, else 0"`
	ProgressPct    *float64 `json:"progressPct,omitempty" doc:"完成进度（%）value / target"`
	SharePct       *float64 `json:"sharePct,omitempty" doc:"区县行：占全市数值（%）District rows: share of the city's figure"`
	TargetSharePct *float64 `json:"targetSharePct,omitempty" doc:"区县行：占全市目标（%）District rows: share of the city's target"`
}

// DashboardRowDTO is one row of the table.
type DashboardRowDTO struct {
	Code       string                  `json:"code"`
	Name       string                  `json:"name"`
	Figures    DashboardFiguresDTO     `json:"figures"`
	Indicators []DashboardIndicatorDTO `json:"indicators"`
}

// DashboardSeriesDTO is one month and domain of the charts' series.
type DashboardSeriesDTO struct {
	Month         string  `json:"month" doc:"YYYY-MM（北京时间）Asia/Shanghai"`
	Domain        string  `json:"domain" doc:"domains 代码；空为未知 A domains code; empty when unknown"`
	Needs         int     `json:"needs" doc:"当月创建的已发布需求 Needs created that month, drafts excluded"`
	VerifiedHours float64 `json:"verifiedHours" doc:"服务日期在当月的已核实时长 Verified hours served that month"`
	Grants        int     `json:"grants"`
	GrantsFen     int64   `json:"grantsFen" doc:"当月资助金额（分）Granted that month, in fen"`
}

// DashboardMapAreaDTO is one district on the map.
type DashboardMapAreaDTO struct {
	Code             string   `json:"code"`
	Name             string   `json:"name"`
	Towns            int      `json:"towns"`
	TownsWithStation int      `json:"townsWithStation"`
	CoveragePct      *float64 `json:"coveragePct,omitempty"`
	NeedsPosted      int      `json:"needsPosted"`
}

// DashboardElderCareDTO is a facility below the 1:100 rule.
type DashboardElderCareDTO struct {
	OrganisationID string `json:"organisationId"`
	Name           string `json:"name"`
	District       string `json:"district"`
	Beds           int    `json:"beds"`
	Required       int    `json:"requiredSocialWorkers"`
	Employed       int    `json:"employedSocialWorkers" doc:"受聘的持证社工 Verified social workers employed there"`
}

// DashboardFlaggedProjectDTO is a flagged government-purchased project.
type DashboardFlaggedProjectDTO struct {
	ApplicationID    string   `json:"applicationId"`
	Title            string   `json:"title"`
	OrganisationID   string   `json:"organisationId"`
	OrganisationName string   `json:"organisationName"`
	District         string   `json:"district"`
	Status           string   `json:"status"`
	Flags            []string `json:"flags"`
}

// DashboardDTO is a division's dashboard.
type DashboardDTO struct {
	Division              string                       `json:"division"`
	DivisionName          string                       `json:"divisionName"`
	SnapshotDate          string                       `json:"snapshotDate" doc:"快照日期（北京时间）The snapshot's date, Asia/Shanghai"`
	SnapshotTakenAt       time.Time                    `json:"snapshotTakenAt"`
	CEYear                int                          `json:"ceYear" doc:"继续教育考核年度 The year continuing education is judged for"`
	Targets               DashboardTargetsDTO          `json:"targets"`
	Rows                  []DashboardRowDTO            `json:"rows" doc:"辖区内各区县；全市视图另有市本级及未归属一行（如有）The scope's districts; the city also has a city-level/unattributed row when it has any"`
	Total                 DashboardRowDTO              `json:"total"`
	Series                []DashboardSeriesDTO         `json:"series"`
	Map                   []DashboardMapAreaDTO        `json:"map"`
	NonCompliantElderCare []DashboardElderCareDTO      `json:"nonCompliantElderCare"`
	FlaggedProjects       []DashboardFlaggedProjectDTO `json:"flaggedProjects"`
	Coverage              []DashboardCoverageDTO       `json:"coverage" doc:"各区县民政领域与社会治理重点领域的服务覆盖 Services in each civil-affairs field and key domain, by district"`
	Towns                 []DashboardTownDTO           `json:"towns" doc:"辖区内每个乡镇（街道）的社工站状态 Every township's station state"`
	PriceTables           []DashboardPriceTableDTO     `json:"priceTables" doc:"辖区适用的政府购买服务价格标准及是否应修订 The purchase price tables in force for the scope, and whether each is due for revision"`
	PostsByUnitKind       []DashboardPostTallyDTO      `json:"postsByUnitKind" doc:"按用人单位类型（unit_kinds）的岗位数 Posts by unit kind"`
	PostsByDomain         []DashboardPostTallyDTO      `json:"postsByDomain" doc:"按领域（domains）的岗位数 Posts by domain"`
	UnitShortfalls        []DashboardUnitShortfallDTO  `json:"unitShortfalls" doc:"未按政策设立社工部门或配备社工的用人单位 Units lacking the department or staffing the seed requires"`
	Today                 DashboardTodayDTO            `json:"today" doc:"快照之后新核实的服务时长，实时读取 Hours verified after the snapshot, read live"`
}

// DashboardTodayDTO is what was verified after the snapshot: the snapshot
// is daily, this is read with every view.
type DashboardTodayDTO struct {
	Since              time.Time `json:"since" doc:"快照时间；此后核实的时长实时计入 The snapshot's time; hours verified after it are read live"`
	HoursVerified      float64   `json:"hoursVerified" doc:"快照后新核实的服务时长（净增：快照后核实的修订只计其变化）Net hours verified since the snapshot (a revision verified since counts its change)"`
	Records            int       `json:"records" doc:"快照后新核实的记录数（场次×志愿者）Records (occurrence × volunteer) verified since"`
	HoursVerifiedTotal float64   `json:"hoursVerifiedTotal" doc:"快照数加快照后新核实 The snapshot's verified hours plus those since"`
}

// DashboardPostTallyDTO counts the scope's posts under one key.
type DashboardPostTallyDTO struct {
	Key    string `json:"key"`
	Posts  int    `json:"posts"`
	Filled int    `json:"filled" doc:"已聘任并确认 Filled and confirmed"`
}

// DashboardUnitShortfallDTO is a unit lacking what the seed requires.
type DashboardUnitShortfallDTO struct {
	UnitID        string   `json:"unitId"`
	Name          string   `json:"name"`
	Kind          string   `json:"kind"`
	SubKind       string   `json:"subKind,omitempty"`
	HospitalGrade string   `json:"hospitalGrade,omitempty"`
	District      string   `json:"district"`
	Clients       int      `json:"clients"`
	FilledPosts   int      `json:"filledPosts"`
	Shortfalls    []string `json:"shortfalls" doc:"no_department 未设社会工作部门；no_filled_post 有服务对象但无在任社工"`
}

type dashboardOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         DashboardDTO
}

func hoursOf(hundredths int64) float64 { return float64(hundredths) / 100 }

func complianceDTO(total, compliant int) DashboardComplianceDTO {
	return DashboardComplianceDTO{Total: total, Compliant: compliant, CompliancePct: models.Percent(int64(compliant), int64(total))}
}

func dashboardFiguresDTO(f models.DashboardFigures) DashboardFiguresDTO {
	byStatus := map[string]int{}
	for k, v := range f.NeedsByStatus {
		byStatus[k] = v
	}
	return DashboardFiguresDTO{SocialWorkers: f.SocialWorkers, ProfessionalPosts: f.ProfessionalPosts, Posts: f.Posts, AllowanceEligible: f.AllowanceEligible,
		ServiceOrganisations:       f.ServiceOrganisations,
		DemonstrationOrganisations: f.DemonstrationOrganisations, Towns: f.Towns, TownsWithStation: f.TownsWithStation,
		TownsStationOpen: f.TownsStationOpen, Supervisors: supervisorsDTO(f),
		Needs:         DashboardNeedsDTO{Posted: f.NeedsPosted(), Staffed: f.NeedsStaffed(), Completed: f.NeedsCompleted(), ByStatus: byStatus},
		VerifiedHours: f.VerifiedHours(), Grants: f.Grants, GrantsFen: f.GrantsFen,
		ElderCare:           complianceDTO(f.ElderCareFacilities, f.ElderCareCompliant),
		PurchasedProjects:   complianceDTO(f.PurchasedProjects, f.PurchasedProjects-f.PurchasedFlagged),
		ContinuingEducation: complianceDTO(f.CEPeople, f.CECompliant), Commendations: f.Commendations}
}

func dashboardRowDTO(r models.DashboardRow) DashboardRowDTO {
	out := DashboardRowDTO{Code: r.Code, Name: r.Name, Figures: dashboardFiguresDTO(r.Figures), Indicators: []DashboardIndicatorDTO{}}
	for _, in := range r.Indicators {
		out.Indicators = append(out.Indicators, DashboardIndicatorDTO{Code: in.Code, Value: in.Value, Target: in.Target,
			ProgressPct: in.ProgressPct, SharePct: in.SharePct, TargetSharePct: in.TargetSharePct})
	}
	return out
}

func dashboardDTO(v *models.DashboardView) DashboardDTO {
	t := v.Targets
	out := DashboardDTO{Division: v.Division, DivisionName: v.DivisionName, SnapshotDate: v.Date, SnapshotTakenAt: v.TakenAt, CEYear: v.CEYear,
		Targets: DashboardTargetsDTO{SocialWorkers: t.SocialWorkers, ProfessionalPosts: t.ProfessionalPosts, ServiceOrganisations: t.ServiceOrganisations,
			TownsWithStation: t.TownsWithStation, DemonstrationOrganisations: t.DemonstrationOrganisations},
		Rows: []DashboardRowDTO{}, Total: dashboardRowDTO(v.Total), Series: []DashboardSeriesDTO{}, Map: []DashboardMapAreaDTO{},
		NonCompliantElderCare: []DashboardElderCareDTO{}, FlaggedProjects: []DashboardFlaggedProjectDTO{}}
	for _, r := range v.Rows {
		out.Rows = append(out.Rows, dashboardRowDTO(r))
	}
	out.Coverage, out.Towns = coverageDTOs(v)
	out.PriceTables = priceTableDTOs(v)
	out.Today = DashboardTodayDTO{Since: v.Today.Since, HoursVerified: v.Today.HoursVerified(), Records: v.Today.Records,
		HoursVerifiedTotal: v.Today.TotalHours(v.Total.Figures.HoursHundredths)}
	for _, p := range v.Series {
		out.Series = append(out.Series, DashboardSeriesDTO{Month: p.Month, Domain: p.Domain, Needs: p.Needs, VerifiedHours: hoursOf(p.HoursHundredths),
			Grants: p.Grants, GrantsFen: p.GrantsFen})
	}
	for _, m := range v.Map {
		out.Map = append(out.Map, DashboardMapAreaDTO{Code: m.Code, Name: m.Name, Towns: m.Towns, TownsWithStation: m.TownsWithStation,
			CoveragePct: m.CoveragePct, NeedsPosted: m.NeedsPosted})
	}
	for _, l := range v.NonCompliantElderCare {
		out.NonCompliantElderCare = append(out.NonCompliantElderCare, DashboardElderCareDTO{OrganisationID: l.OrganisationID, Name: l.Name,
			District: l.District, Beds: l.Beds, Required: l.Required, Employed: l.Employed})
	}
	out.PostsByUnitKind, out.PostsByDomain, out.UnitShortfalls = postTallies(v.PostsByUnitKind), postTallies(v.PostsByDomain), []DashboardUnitShortfallDTO{}
	for _, l := range v.UnitShortfalls {
		out.UnitShortfalls = append(out.UnitShortfalls, DashboardUnitShortfallDTO{UnitID: l.UnitID, Name: l.Name, Kind: l.Kind, SubKind: l.SubKind,
			HospitalGrade: l.HospitalGrade, District: l.District, Clients: l.Clients, FilledPosts: l.FilledPosts, Shortfalls: append([]string{}, l.Shortfalls...)})
	}
	for _, p := range v.FlaggedProjects {
		flags := append([]string{}, p.Flags...)
		out.FlaggedProjects = append(out.FlaggedProjects, DashboardFlaggedProjectDTO{ApplicationID: p.ApplicationID, Title: p.Title,
			OrganisationID: p.OrganisationID, OrganisationName: p.OrganisationName, District: p.District, Status: p.Status, Flags: flags})
	}
	return out
}

func registerDashboard(api huma.API, svc *service.Service) {
	const tag = "dashboard"
	// The .csv route first: no later pattern may take it.
	huma.Register(api, withContent(op("dashboard-csv", http.MethodGet, "/v1/dashboard.csv", tag,
		"民政驾驶舱表格（CSV）The dashboard's table as CSV (civil affairs)", true, 403, 422),
		"text/csv", "UTF-8（带 BOM）CSV：各区县一行及合计行 UTF-8 CSV with BOM: one row per district and the total"),
		func(ctx context.Context, in *dashboardInput) (*fileOutput, error) {
			v, err := svc.Dashboard(ctx, actorFrom(ctx), in.Division)
			if err != nil {
				return nil, err
			}
			return dashboardCSV(v)
		})
	huma.Register(api, op("refresh-dashboard", http.MethodPost, "/v1/dashboard/snapshot", tag,
		"立即重新统计（民政；每账号每分钟一次）Take a fresh snapshot now (civil affairs; once a minute per account)", true, 403, 422, 429),
		func(ctx context.Context, in *dashboardInput) (*dashboardOutput, error) {
			v, err := svc.RefreshDashboard(ctx, actorFrom(ctx), in.Division)
			if err != nil {
				return nil, err
			}
			return &dashboardOutput{CacheControl: "no-store", Body: dashboardDTO(v)}, nil
		})
	huma.Register(api, op("dashboard", http.MethodGet, "/v1/dashboard", tag,
		"民政驾驶舱：对照 2025 年目标的各区县数据（民政，按辖区）The civil-affairs dashboard against the 2025 targets, per district (civil affairs, in scope)", true, 403, 422),
		func(ctx context.Context, in *dashboardInput) (*dashboardOutput, error) {
			v, err := svc.Dashboard(ctx, actorFrom(ctx), in.Division)
			if err != nil {
				return nil, err
			}
			return &dashboardOutput{CacheControl: "no-store", Body: dashboardDTO(v)}, nil
		})
}

// dashboardIndicatorNames are the zh-CN column names of the indicators.
var dashboardIndicatorNames = map[string]string{
	models.IndicatorSocialWorkers:              "持证社工",
	models.IndicatorProfessionalPosts:          "专业岗位",
	models.IndicatorServiceOrganisations:       "社工服务机构",
	models.IndicatorTownsWithStation:           "有社工站的乡镇街道",
	models.IndicatorDemonstrationOrganisations: "示范机构",
}

func pct(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', 1, 64)
}

// dashboardCSV writes the table (each row, then the total) as UTF-8 CSV
// with a BOM and CRLF line ends, the figures of the JSON answer.
func dashboardCSV(v *models.DashboardView) (*fileOutput, error) {
	header := []string{"快照日期", "区划代码", "区划名称"}
	for _, c := range models.DashboardIndicators {
		n := dashboardIndicatorNames[c]
		header = append(header, n, n+"目标", n+"进度%", n+"占全市%", n+"占全市目标%")
	}
	header = append(header, "乡镇街道数", "已发布需求", "已满员及之后需求", "已完成需求")
	for _, s := range models.NeedStatuses.Terms {
		header = append(header, "需求-"+s.Zh)
	}
	header = append(header, "已核实志愿服务时长", "资助笔数", "资助金额（元）", "养老机构", "社工配备达标养老机构", "养老机构达标率%",
		"政府购买项目", "未被标记的政府购买项目", "政府购买项目达标率%", "继续教育人数", "继续教育达标人数", "继续教育达标率%",
		"已登记岗位", "享受职业津贴的持证社区工作者")

	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	_ = w.Write(header)
	rows := append(append([]models.DashboardRow{}, v.Rows...), v.Total)
	for i, r := range rows {
		name := r.Name
		if i == len(rows)-1 {
			name = "合计：" + v.DivisionName
		}
		f := dashboardFiguresDTO(r.Figures)
		line := []string{v.Date, r.Code, csvCell(name)}
		for _, in := range r.Indicators {
			line = append(line, strconv.Itoa(in.Value), strconv.Itoa(in.Target), pct(in.ProgressPct), pct(in.SharePct), pct(in.TargetSharePct))
		}
		line = append(line, strconv.Itoa(f.Towns), strconv.Itoa(f.Needs.Posted), strconv.Itoa(f.Needs.Staffed), strconv.Itoa(f.Needs.Completed))
		for _, s := range models.NeedStatuses.Terms {
			line = append(line, strconv.Itoa(f.Needs.ByStatus[s.Code]))
		}
		line = append(line, records.FormatHours(f.VerifiedHours), strconv.Itoa(f.Grants), yuanText(f.GrantsFen),
			strconv.Itoa(f.ElderCare.Total), strconv.Itoa(f.ElderCare.Compliant), pct(f.ElderCare.CompliancePct),
			strconv.Itoa(f.PurchasedProjects.Total), strconv.Itoa(f.PurchasedProjects.Compliant), pct(f.PurchasedProjects.CompliancePct),
			strconv.Itoa(f.ContinuingEducation.Total), strconv.Itoa(f.ContinuingEducation.Compliant), pct(f.ContinuingEducation.CompliancePct),
			strconv.Itoa(f.Posts), strconv.Itoa(f.AllowanceEligible))
		_ = w.Write(line)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, models.Internal("write csv: %v", err)
	}
	return &fileOutput{ContentType: "text/csv; charset=utf-8",
		ContentDisposition: `attachment; filename="dashboard-` + v.Division + `-` + v.Date + `.csv"`, CacheControl: "no-store", Body: b.Bytes()}, nil
}

func postTallies(ts []models.PostTally) []DashboardPostTallyDTO {
	out := []DashboardPostTallyDTO{}
	for _, t := range ts {
		out = append(out, DashboardPostTallyDTO{Key: t.Key, Posts: t.Posts, Filled: t.Filled})
	}
	return out
}

// yuanText is an amount in fen as yuan with two decimals (what a clerk
// reads in a spreadsheet): 1234500 → "12345.00".
func yuanText(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}
