package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/posts"
)

// posts.go: the registry of professional social-work posts (社会工作专业岗位,
// issue 18): employing units, their posts, offers, acceptance and vacancy.

// EmployingUnitDTO is an employing unit (用人单位).
type EmployingUnitDTO struct {
	ID                 string    `json:"id"`
	Kind               string    `json:"kind" doc:"unit_kinds"`
	SubKind            string    `json:"subKind,omitempty" doc:"service_institution_kinds 或 community_platform_kinds"`
	HospitalGrade      string    `json:"hospitalGrade,omitempty" doc:"hospital_grades"`
	Name               string    `json:"name"`
	DivisionCode       string    `json:"divisionCode"`
	Clients            int       `json:"clients" doc:"服务对象人数（学生、服务对象、床位）Clients served"`
	HasDepartment      bool      `json:"hasDepartment" doc:"设有社会工作科室（部门）Has a social-work department"`
	OrganisationID     string    `json:"organisationId,omitempty" doc:"关联机构；其管理员可管理本单位岗位 Linked organisation, whose admins manage the posts"`
	RequiresDepartment bool      `json:"requiresDepartment" doc:"政策要求设立社会工作部门（以社会工作服务为主的事业单位、二级及以上医疗机构）The seed requires a department"`
	StaffedByClients   bool      `json:"staffedByClients" doc:"按服务对象人数配备社工（学校、殡仪服务机构等）Staffed by client count"`
	CreatedAt          time.Time `json:"createdAt"`
	UpdatedAt          time.Time `json:"updatedAt"`
}

func unitDTO(u *models.EmployingUnit) EmployingUnitDTO {
	return EmployingUnitDTO{ID: u.ID, Kind: u.Kind, SubKind: u.SubKind, HospitalGrade: u.HospitalGrade, Name: u.Name, DivisionCode: u.DivisionCode,
		Clients: u.Clients, HasDepartment: u.HasDepartment, OrganisationID: u.OrganisationID, RequiresDepartment: u.RequiresDepartment(),
		StaffedByClients: u.StaffedByClients(), CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

// EmployingUnitBody is what civil affairs sets on a unit.
type EmployingUnitBody struct {
	Kind           string `json:"kind" maxLength:"64" doc:"unit_kinds"`
	SubKind        string `json:"subKind,omitempty" maxLength:"64" doc:"以社会工作服务为主的事业单位填 service_institution_kinds，基层平台填 community_platform_kinds"`
	HospitalGrade  string `json:"hospitalGrade,omitempty" maxLength:"16" doc:"医疗机构填 hospital_grades"`
	Name           string `json:"name" minLength:"2" maxLength:"100"`
	DivisionCode   string `json:"divisionCode" pattern:"^[0-9]{6}([0-9]{3})?$" doc:"县（区）6 位或乡镇（街道）9 位代码 County or township code"`
	Clients        int    `json:"clients,omitempty" minimum:"0" maximum:"10000000"`
	HasDepartment  bool   `json:"hasDepartment,omitempty"`
	OrganisationID string `json:"organisationId,omitempty" maxLength:"64"`
}

func (b EmployingUnitBody) input() posts.UnitInput {
	return posts.UnitInput{Kind: b.Kind, SubKind: b.SubKind, HospitalGrade: b.HospitalGrade, Name: b.Name, DivisionCode: b.DivisionCode,
		Clients: b.Clients, HasDepartment: b.HasDepartment, OrganisationID: b.OrganisationID}
}

// PostHoldingDTO is one tenure of a post.
type PostHoldingDTO struct {
	ID         string     `json:"id"`
	Seq        int        `json:"seq" doc:"第几任 The tenure's number"`
	AccountID  string     `json:"accountId" doc:"社工账号 The social worker's account"`
	State      string     `json:"state" enum:"offered,filled,ended" doc:"offered 待接受；filled 在任（已确认）；ended 已结束"`
	Level      string     `json:"level" doc:"聘任时已核验的证书等级 The verified certificate when offered"`
	OfferedAt  time.Time  `json:"offeredAt"`
	StartedOn  string     `json:"startedOn,omitempty"`
	AcceptedAt *time.Time `json:"acceptedAt,omitempty"`
	EndedAt    *time.Time `json:"endedAt,omitempty"`
	OfferedBy  string     `json:"offeredBy,omitempty" doc:"仅历史记录 History only"`
	EndedBy    string     `json:"endedBy,omitempty" doc:"仅历史记录 History only"`
	EndReason  string     `json:"endReason,omitempty" doc:"仅历史记录 History only"`
}

func holdingDTO(h *models.PostHolding, history bool) PostHoldingDTO {
	d := PostHoldingDTO{ID: h.ID, Seq: h.Seq, AccountID: h.AccountID, State: h.State, Level: string(h.Level), OfferedAt: h.OfferedAt,
		StartedOn: h.StartedOn, AcceptedAt: h.AcceptedAt, EndedAt: h.EndedAt}
	if history {
		d.OfferedBy, d.EndedBy, d.EndReason = h.OfferedBy, h.EndedBy, h.EndReason
	}
	return d
}

// PostPayDTO is a post's pay against the division's guide.
type PostPayDTO struct {
	HasGuide    bool  `json:"hasGuide" doc:"本区县或全市有生效的价格标准 A price table is in force"`
	GuideFen    int64 `json:"guideFen" doc:"价格标准中该证书等级的月价格（分）The table's monthly price for the level"`
	PremiumPct  int   `json:"premiumPct" doc:"高风险领域上浮（%）High-risk premium"`
	RequiredFen int64 `json:"requiredFen" doc:"含上浮的指导价（分）The guide with the premium"`
	MeetsGuide  bool  `json:"meetsGuide" doc:"月薪不低于指导价 Pay at least the guide"`
	Benefits    bool  `json:"benefits" doc:"社会保险和住房公积金均已办理 Social insurance and housing fund both"`
}

// PostDTO is a professional post.
type PostDTO struct {
	ID                string          `json:"id"`
	UnitID            string          `json:"unitId"`
	UnitKind          string          `json:"unitKind" doc:"unit_kinds"`
	DivisionCode      string          `json:"divisionCode"`
	OrganisationID    string          `json:"organisationId,omitempty"`
	Title             string          `json:"title"`
	Duties            string          `json:"duties"`
	Requirements      string          `json:"requirements,omitempty"`
	Level             string          `json:"level" doc:"certificate_levels：岗位要求的证书 The certificate the post requires"`
	Grade             int             `json:"grade" doc:"专业技术岗位等级 5–13 Professional-technical grade"`
	Domain            string          `json:"domain" doc:"domains"`
	HighRisk          bool            `json:"highRisk" doc:"职业风险高的领域 A high-risk domain"`
	MonthlyPayFen     int64           `json:"monthlyPayFen"`
	SocialInsurance   bool            `json:"socialInsurance"`
	HousingFund       bool            `json:"housingFund"`
	Status            string          `json:"status" enum:"vacant,offered,filled" doc:"vacant 空缺；offered 待接受；filled 在任（计入专业岗位数）"`
	Holder            *PostHoldingDTO `json:"holder,omitempty" doc:"当前任职（待接受或在任）The current holding"`
	Pay               PostPayDTO      `json:"pay"`
	AllowanceEligible bool            `json:"allowanceEligible" doc:"持证社区工作者职业津贴（基层平台岗位的在任持证社工）Certified community worker's allowance"`
	CreatedAt         time.Time       `json:"createdAt"`
	UpdatedAt         time.Time       `json:"updatedAt"`
}

func postDTO(v *posts.PostView) PostDTO {
	p := v.Post
	d := PostDTO{ID: p.ID, UnitID: p.UnitID, UnitKind: p.UnitKind, DivisionCode: p.DivisionCode, OrganisationID: p.OrganisationID,
		Title: p.Title, Duties: p.Duties, Requirements: p.Requirements, Level: string(p.Level), Grade: p.Grade, Domain: p.Domain,
		HighRisk: models.IsHighRiskDomain(p.Domain), MonthlyPayFen: p.MonthlyPayFen, SocialInsurance: p.SocialInsurance, HousingFund: p.HousingFund,
		Status: "vacant", AllowanceEligible: v.AllowanceEligible, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
		Pay: PostPayDTO{HasGuide: v.Pay.HasGuide, GuideFen: v.Pay.GuideFen, PremiumPct: v.Pay.PremiumPct, RequiredFen: v.Pay.RequiredFen,
			MeetsGuide: v.Pay.MeetsGuide, Benefits: v.Pay.Benefits}}
	if h := p.Holder; h != nil {
		hd := holdingDTO(h, false)
		d.Holder, d.Status = &hd, h.State
	}
	return d
}

// PostBody is what the employer sets on a post.
type PostBody struct {
	Title           string `json:"title" minLength:"2" maxLength:"100"`
	Duties          string `json:"duties" minLength:"4" maxLength:"2000" doc:"岗位职责 Duties"`
	Requirements    string `json:"requirements,omitempty" maxLength:"2000" doc:"任职条件 Requirements"`
	Level           string `json:"level" enum:"assistant_social_worker,social_worker,senior_social_worker" doc:"岗位要求的证书 The certificate required"`
	Grade           int    `json:"grade" minimum:"5" maximum:"13" doc:"专业技术岗位等级：高级 5–7，中级 8–10，初级 11–13 Professional-technical grade within the level's band"`
	Domain          string `json:"domain" maxLength:"64" doc:"domains"`
	MonthlyPayFen   int64  `json:"monthlyPayFen" minimum:"0" maximum:"100000000"`
	SocialInsurance bool   `json:"socialInsurance,omitempty"`
	HousingFund     bool   `json:"housingFund,omitempty"`
}

func (b PostBody) input() posts.PostInput {
	return posts.PostInput{Title: b.Title, Duties: b.Duties, Requirements: b.Requirements, Domain: b.Domain,
		Level: models.CertificateLevel(b.Level), Grade: b.Grade, MonthlyPayFen: b.MonthlyPayFen, SocialInsurance: b.SocialInsurance, HousingFund: b.HousingFund}
}

type unitOutput struct{ Body EmployingUnitDTO }
type postOutput struct{ Body PostDTO }

type unitIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

type postIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

type listUnitsInput struct {
	Division string `query:"division" pattern:"^[0-9]{4,9}$"`
	PageParams
}

type listPostsInput struct {
	Division string `query:"division" pattern:"^[0-9]{4,9}$"`
	UnitID   string `query:"unitId" maxLength:"64"`
	PageParams
}

type postItemsOutput struct {
	Body struct {
		Items []PostDTO `json:"items"`
	}
}

type holdingItemsOutput struct {
	Body struct {
		Items []PostHoldingDTO `json:"items"`
	}
}

func postViews(list []*posts.PostView, err error) (*postItemsOutput, error) {
	if err != nil {
		return nil, err
	}
	out := &postItemsOutput{}
	out.Body.Items = make([]PostDTO, len(list))
	for i, v := range list {
		out.Body.Items[i] = postDTO(v)
	}
	return out, nil
}

func postResult(v *posts.PostView, err error) (*postOutput, error) {
	if err != nil {
		return nil, err
	}
	return &postOutput{Body: postDTO(v)}, nil
}

func unitResult(u *models.EmployingUnit, err error) (*unitOutput, error) {
	if err != nil {
		return nil, err
	}
	return &unitOutput{Body: unitDTO(u)}, nil
}

func registerPosts(api huma.API, svc *service.Service) {
	const tag = "posts"
	huma.Register(api, created(op("create-employing-unit", http.MethodPost, "/v1/employing-units", tag,
		"登记用人单位（民政部门）Register an employing unit (civil affairs)", true, 403, 422)),
		func(ctx context.Context, in *struct{ Body EmployingUnitBody }) (*unitOutput, error) {
			return unitResult(svc.Posts().CreateUnit(ctx, actorFrom(ctx), in.Body.input()))
		})
	huma.Register(api, op("list-employing-units", http.MethodGet, "/v1/employing-units", tag,
		"用人单位列表 List employing units", true, 422),
		func(ctx context.Context, in *listUnitsInput) (*listOutput[EmployingUnitDTO], error) {
			list, next, err := svc.Posts().ListUnits(ctx, in.Division, service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, unitDTO)
		})
	huma.Register(api, op("get-employing-unit", http.MethodGet, "/v1/employing-units/{id}", tag,
		"一个用人单位 One employing unit", true, 404, 422),
		func(ctx context.Context, in *unitIDInput) (*unitOutput, error) {
			return unitResult(svc.Posts().Unit(ctx, in.ID))
		})
	huma.Register(api, described(op("update-employing-unit", http.MethodPut, "/v1/employing-units/{id}", tag,
		"替换用人单位信息（民政部门）Replace a unit (civil affairs)", true, 403, 404, 422), putDescription("用人单位信息")),
		func(ctx context.Context, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body EmployingUnitBody
		}) (*unitOutput, error) {
			return unitResult(svc.Posts().UpdateUnit(ctx, actorFrom(ctx), in.ID, in.Body.input()))
		})
	huma.Register(api, created(op("create-post", http.MethodPost, "/v1/employing-units/{id}/posts", tag,
		"设置社会工作专业岗位（民政部门或单位关联机构管理员）Add a post (civil affairs or the unit's organisation admin)", true, 403, 404, 422)),
		func(ctx context.Context, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body PostBody
		}) (*postOutput, error) {
			return postResult(svc.Posts().CreatePost(ctx, actorFrom(ctx), in.ID, in.Body.input()))
		})
	huma.Register(api, op("list-posts", http.MethodGet, "/v1/posts", tag,
		"专业岗位列表 List posts", true, 422),
		func(ctx context.Context, in *listPostsInput) (*listOutput[PostDTO], error) {
			list, next, err := svc.Posts().ListPosts(ctx, posts.PostFilter{Division: in.Division, UnitID: in.UnitID},
				service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, postDTO)
		})
	huma.Register(api, op("my-posts", http.MethodGet, "/v1/me/posts", "me",
		"我的岗位：待接受的聘任和在任岗位 My offers and posts", true),
		func(ctx context.Context, _ *struct{}) (*postItemsOutput, error) {
			return postViews(svc.Posts().MyPosts(ctx, actorFrom(ctx)))
		})
	huma.Register(api, op("get-post", http.MethodGet, "/v1/posts/{id}", tag,
		"一个专业岗位 One post", true, 404, 422),
		func(ctx context.Context, in *postIDInput) (*postOutput, error) {
			return postResult(svc.Posts().Post(ctx, in.ID))
		})
	huma.Register(api, described(op("update-post", http.MethodPut, "/v1/posts/{id}", tag,
		"替换岗位信息（不含在任者）Replace a post's details (not its holder)", true, 403, 404, 422), putDescription("岗位信息")),
		func(ctx context.Context, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body PostBody
		}) (*postOutput, error) {
			return postResult(svc.Posts().UpdatePost(ctx, actorFrom(ctx), in.ID, in.Body.input()))
		})
	huma.Register(api, op("offer-post", http.MethodPost, "/v1/posts/{id}/offer", tag,
		"聘任：把空缺岗位聘给持相应证书的社工（用人单位）Offer a vacant post to a certified social worker (the employer)", true, 403, 404, 409, 422),
		func(ctx context.Context, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body struct {
				SocialWorkerID string `json:"socialWorkerId" minLength:"1" maxLength:"64"`
				StartedOn      string `json:"startedOn,omitempty" doc:"YYYY-MM-DD"`
			}
		}) (*postOutput, error) {
			return postResult(svc.Posts().Offer(ctx, actorFrom(ctx), in.ID, posts.OfferInput{SocialWorkerID: in.Body.SocialWorkerID, StartedOn: in.Body.StartedOn}))
		})
	huma.Register(api, op("accept-post-offer", http.MethodPost, "/v1/posts/{id}/acceptance", tag,
		"接受岗位聘任（被聘社工本人）Accept the post offered to you", true, 403, 404, 409),
		func(ctx context.Context, in *postIDInput) (*postOutput, error) {
			return postResult(svc.Posts().Accept(ctx, actorFrom(ctx), in.ID))
		})
	huma.Register(api, op("vacate-post", http.MethodPost, "/v1/posts/{id}/vacancy", tag,
		"空出岗位：撤回或谢绝聘任、离任（用人单位或在任者本人）Vacate a post (the employer, or the holder)", true, 403, 404, 409, 422),
		func(ctx context.Context, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body struct {
				Reason string `json:"reason" minLength:"2" maxLength:"500"`
			}
		}) (*postOutput, error) {
			return postResult(svc.Posts().Vacate(ctx, actorFrom(ctx), in.ID, posts.VacateInput{Reason: in.Body.Reason}))
		})
	huma.Register(api, op("post-history", http.MethodGet, "/v1/posts/{id}/history", tag,
		"岗位任职历史（民政部门或单位关联机构管理员）A post's holdings, oldest first", true, 403, 404),
		func(ctx context.Context, in *postIDInput) (*holdingItemsOutput, error) {
			hs, err := svc.Posts().History(ctx, actorFrom(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			out := &holdingItemsOutput{}
			out.Body.Items = make([]PostHoldingDTO, len(hs))
			for i, h := range hs {
				out.Body.Items[i] = holdingDTO(h, true)
			}
			return out, nil
		})
}
