package handlers

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/needs"
)

// OccurrenceDTO is one dated instance of a need.
type OccurrenceDTO struct {
	ID    string    `json:"id"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// NeedDTO is a community need. It names no beneficiary.
type NeedDTO struct {
	ID                string                 `json:"id"`
	CommunityCode     string                 `json:"communityCode"`
	CommunityName     string                 `json:"communityName"`
	CountyCode        string                 `json:"countyCode"`
	Title             string                 `json:"title"`
	Description       string                 `json:"description,omitempty"`
	Domain            string                 `json:"domain"`
	Tasks             []string               `json:"tasks"`
	TargetGroup       string                 `json:"targetGroup"`
	Beneficiaries     int                    `json:"beneficiaries"`
	Location          models.Point           `json:"location"`
	Address           string                 `json:"address,omitempty"`
	RadiusKm          float64                `json:"radiusKm"`
	Window            *models.Window         `json:"window,omitempty"`
	Schedule          *models.WeeklySchedule `json:"schedule,omitempty"`
	Occurrences       []OccurrenceDTO        `json:"occurrences"`
	RequiredSkills    []models.SkillLevel    `json:"requiredSkills"`
	Headcount         int                    `json:"headcount"`
	BackgroundCheck   bool                   `json:"backgroundCheck"`
	HighRisk          bool                   `json:"highRisk"`
	SupervisorLevel   string                 `json:"supervisorLevel" doc:"督导最低证书等级 Lowest certificate the supervisor must hold"`
	BudgetFen         int64                  `json:"budgetFen"`
	InsuranceProvided bool                   `json:"insuranceProvided" doc:"由组织方为志愿者投保 The organiser insures the volunteers"`
	Status            string                 `json:"status"`
	OrganisationID    string                 `json:"organisationId,omitempty"`
	DistanceKm        *float64               `json:"distanceKm,omitempty"`
	CreatedAt         time.Time              `json:"createdAt"`
	UpdatedAt         time.Time              `json:"updatedAt"`
}

func needDTO(n *models.Need) NeedDTO {
	d := NeedDTO{ID: n.ID, CommunityCode: n.CommunityCode, Title: n.Title, Description: n.Description, Domain: n.Domain,
		Tasks: nonNil(n.Tasks), TargetGroup: n.TargetGroup, Beneficiaries: n.Beneficiaries, Location: n.Location,
		Address: n.Address, RadiusKm: n.RadiusKm, Window: n.Window, Schedule: n.Schedule, RequiredSkills: nonNil(n.RequiredSkills),
		Headcount: n.Headcount, BackgroundCheck: n.BackgroundCheck, HighRisk: n.HighRisk(), SupervisorLevel: string(n.SupervisorLevel()),
		BudgetFen: n.BudgetFen, InsuranceProvided: n.InsuranceProvided, Status: string(n.Status), OrganisationID: n.OrganisationID,
		CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt, Occurrences: []OccurrenceDTO{}}
	if c, ok := models.LookupDivision(n.CommunityCode); ok {
		d.CommunityName = c.Name
	}
	if len(n.CommunityCode) >= 6 {
		d.CountyCode = n.CommunityCode[:6]
	}
	for _, o := range n.Occurrences() {
		d.Occurrences = append(d.Occurrences, OccurrenceDTO{ID: o.ID, Start: o.Window.Start, End: o.Window.End})
	}
	return d
}

// NeedBody is what a committee sends to post or edit a need.
type NeedBody struct {
	CommunityCode     string                 `json:"communityCode" pattern:"^[0-9]{12}$" doc:"社区（村）12 位代码 12-digit community code"`
	Title             string                 `json:"title" minLength:"4" maxLength:"100"`
	Description       string                 `json:"description,omitempty" maxLength:"5000" doc:"不得包含服务对象姓名 Never name a beneficiary"`
	Domain            string                 `json:"domain" maxLength:"64" doc:"domains"`
	Tasks             []string               `json:"tasks,omitempty" maxItems:"10" doc:"service_tasks"`
	TargetGroup       string                 `json:"targetGroup" maxLength:"64" doc:"target_groups"`
	Beneficiaries     int                    `json:"beneficiaries,omitempty" minimum:"0" maximum:"100000"`
	Location          models.Point           `json:"location" doc:"GCJ-02"`
	Address           string                 `json:"address,omitempty" maxLength:"200"`
	RadiusKm          float64                `json:"radiusKm,omitempty" doc:"招募半径，默认 5 公里 Search radius, default 5 km"`
	Window            *models.Window         `json:"window,omitempty" doc:"一次性服务时段（半点对齐）A one-off window on the half-hour grid"`
	Schedule          *models.WeeklySchedule `json:"schedule,omitempty" doc:"每周重复安排 A weekly schedule"`
	RequiredSkills    []models.SkillLevel    `json:"requiredSkills,omitempty" maxItems:"10"`
	Headcount         int                    `json:"headcount" doc:"每场次招募人数 1–500 Places per occurrence"`
	BackgroundCheck   *bool                  `json:"backgroundCheck,omitempty" doc:"缺省：儿童、老年人、残疾人服务需无犯罪记录 Default on for children, older people, persons with disabilities"`
	HighRisk          bool                   `json:"highRisk,omitempty" doc:"标记为高风险（高风险领域与危机干预等任务自动视为高风险）"`
	BudgetFen         int64                  `json:"budgetFen,omitempty" minimum:"0"`
	InsuranceProvided bool                   `json:"insuranceProvided,omitempty"`
}

func (b NeedBody) input() needs.NeedInput {
	return needs.NeedInput{CommunityCode: b.CommunityCode, Title: b.Title, Description: b.Description, Domain: b.Domain,
		TargetGroup: b.TargetGroup, Address: b.Address, Tasks: b.Tasks, Beneficiaries: b.Beneficiaries, Headcount: b.Headcount,
		Location: b.Location, RadiusKm: b.RadiusKm, Window: b.Window, Schedule: b.Schedule, RequiredSkills: b.RequiredSkills,
		BackgroundCheck: b.BackgroundCheck, HighRisk: b.HighRisk, InsuranceProvided: b.InsuranceProvided, BudgetFen: b.BudgetFen}
}

type postNeedInput struct {
	Body struct {
		NeedBody
		OrganisationID string `json:"organisationId,omitempty" maxLength:"64" doc:"机构代社区起草（需社区发布）Drafting for the committee as this organisation"`
		Draft          bool   `json:"draft,omitempty" doc:"保存为草稿 Save as a draft"`
	}
}

type needOutput struct{ Body NeedDTO }

type needIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

type updateNeedInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body NeedBody
}

type listNeedsInput struct {
	Community string    `query:"community" pattern:"^[0-9]{12}$"`
	Division  string    `query:"division" pattern:"^[0-9]{4,12}$"`
	Domain    string    `query:"domain" maxLength:"64"`
	Status    string    `query:"status" maxLength:"200" doc:"逗号分隔 Comma-separated need_statuses"`
	From      time.Time `query:"from" doc:"时间段起（RFC 3339）Needs ending after this"`
	To        time.Time `query:"to" doc:"时间段止 Needs starting before this"`
	PageParams
}

type nearInput struct {
	Lat      float64 `query:"lat" doc:"缺省为志愿者常住位置 Default: the volunteer's home"`
	Lng      float64 `query:"lng"`
	RadiusKm float64 `query:"radiusKm" minimum:"0" maximum:"50"`
	PageParams
}

type countsInput struct {
	Division string `query:"division" pattern:"^[0-9]{4,9}$"`
}

// DivisionCountDTO counts needs in one division.
type DivisionCountDTO struct {
	Code     string         `json:"code"`
	Name     string         `json:"name"`
	Total    int            `json:"total"`
	ByStatus map[string]int `json:"byStatus"`
}

type countsOutput struct {
	Body struct {
		Items []DivisionCountDTO `json:"items"`
	}
}

func registerNeeds(api huma.API, svc *service.Service) {
	const tag = "needs"
	huma.Register(api, created(op("post-need", http.MethodPost, "/v1/needs", tag,
		"发布社区需求（社区居委会）Post a community need (committee)", true, 403, 422)),
		func(ctx context.Context, in *postNeedInput) (*needOutput, error) {
			i := in.Body.input()
			i.OrganisationID, i.Draft = in.Body.OrganisationID, in.Body.Draft
			n, err := svc.Needs().PostNeed(ctx, actorFrom(ctx), i)
			if err != nil {
				return nil, err
			}
			return &needOutput{Body: needDTO(n)}, nil
		})

	listOp := op("list-needs", http.MethodGet, "/v1/needs", tag,
		"需求列表 List needs by community, division, domain, status and time", false, 422, 429)
	listOp.Description = "社区居委会与辖区民政查看本社区时读取实时数据（含草稿）；其余情况此列表来自每个服务实例最多 15 秒（WUSHE_NEED_CACHE_TTL）前的已发布需求快照；本实例上的修改立即可见。未登录的请求按 IP 限频（默认每分钟 600 次），超出时答复 429 并以 Retry-After 告知等待秒数。 " +
		"A committee (or civil affairs) listing its own community reads live data, drafts included; otherwise it is served from each replica's snapshot of the published needs, at most 15 s old (WUSHE_NEED_CACHE_TTL); a change made through the same replica shows at once. Requests without a token are limited per client IP (600 a minute by default): 429 with Retry-After beyond that."
	huma.Register(api, listOp,
		func(ctx context.Context, in *listNeedsInput) (*listOutput[NeedDTO], error) {
			f := needs.NeedFilter{Community: in.Community, Division: in.Division, Domain: in.Domain, From: in.From, To: in.To}
			for _, st := range strings.Split(in.Status, ",") {
				if st = strings.TrimSpace(st); st != "" {
					f.Statuses = append(f.Statuses, models.NeedStatus(st))
				}
			}
			list, next, err := svc.Needs().ListNeeds(ctx, actorOrNil(ctx), f, service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, needDTO)
		})

	huma.Register(api, op("needs-near", http.MethodGet, "/v1/needs/near", tag,
		"附近的招募中需求（按距离）Open needs near me, nearest first", true, 422),
		func(ctx context.Context, in *nearInput) (*listOutput[NeedDTO], error) {
			var at *models.Point
			if in.Lat != 0 || in.Lng != 0 {
				at = &models.Point{Lat: in.Lat, Lng: in.Lng}
			}
			near, next, err := svc.Needs().NeedsNear(ctx, actorFrom(ctx), at, in.RadiusKm, service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(near, next, err, func(nn needs.NearbyNeed) NeedDTO {
				d := needDTO(nn.Need)
				d.DistanceKm = &nn.DistanceKm
				return d
			})
		})

	countsOp := op("need-counts", http.MethodGet, "/v1/needs/counts", tag,
		"各下级区划需求数 Needs per child division, by status", false, 422, 429)
	countsOp.Description = "计数来自每个服务实例最多 15 秒（WUSHE_NEED_CACHE_TTL）前的已发布需求快照；本实例上的修改立即可见。未登录的请求按 IP 限频（默认每分钟 600 次），超出时答复 429 并以 Retry-After 告知等待秒数。 Counts are served from each replica's snapshot of the published needs, at most 15 s old (WUSHE_NEED_CACHE_TTL); a change made through the same replica shows at once. Requests without a token are limited per client IP (600 a minute by default): 429 with Retry-After beyond that."
	huma.Register(api, countsOp,
		func(ctx context.Context, in *countsInput) (*countsOutput, error) {
			counts, err := svc.Needs().NeedCounts(ctx, in.Division)
			if err != nil {
				return nil, err
			}
			out := &countsOutput{}
			out.Body.Items = make([]DivisionCountDTO, len(counts))
			for i, c := range counts {
				out.Body.Items[i] = DivisionCountDTO{Code: c.Code, Name: c.Name, Total: c.Total, ByStatus: c.ByStatus}
			}
			return out, nil
		})

	huma.Register(api, op("get-need", http.MethodGet, "/v1/needs/{id}", tag,
		"一个需求 One need", false, 404),
		func(ctx context.Context, in *needIDInput) (*needOutput, error) {
			n, err := svc.Needs().Need(ctx, actorOrNil(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return &needOutput{Body: needDTO(n)}, nil
		})

	huma.Register(api, described(op("update-need", http.MethodPut, "/v1/needs/{id}", tag,
		"替换需求（社区居委会）Replace a need (committee)", true, 403, 404, 409, 422), putDescription("需求（所在社区不可改）")+" The community is fixed."),
		func(ctx context.Context, in *updateNeedInput) (*needOutput, error) {
			n, err := svc.Needs().UpdateNeed(ctx, actorFrom(ctx), in.ID, in.Body.input())
			if err != nil {
				return nil, err
			}
			return &needOutput{Body: needDTO(n)}, nil
		})

	huma.Register(api, op("change-need-status", http.MethodPost, "/v1/needs/{id}/transitions", tag,
		"变更需求状态 Move a need through its lifecycle", true, 403, 404, 409, 422),
		func(ctx context.Context, in *statusInput) (*needOutput, error) {
			n, err := svc.Needs().ChangeNeedStatus(ctx, actorFrom(ctx), in.ID, core.StatusChange{To: in.Body.To, Reason: in.Body.Reason, Note: in.Body.Note})
			if err != nil {
				return nil, err
			}
			return &needOutput{Body: needDTO(n)}, nil
		})

	huma.Register(api, op("need-history", http.MethodGet, "/v1/needs/{id}/history", tag,
		"需求状态变更记录（谁、何时）Who moved the need, and when", false, 404),
		func(ctx context.Context, in *needIDInput) (*historyOutput, error) {
			ts, err := svc.Needs().NeedHistory(ctx, actorOrNil(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			out := &historyOutput{}
			out.Body.Items = transitionDTOs(ts)
			return out, nil
		})
}
