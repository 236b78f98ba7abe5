package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/recognition"
)

// recognition.go: organisations' comprehensive evaluations, the counties'
// incubation bases and their incubations, and awards of social workers and
// organisations (issue 18; service/recognition).

// OrgEvaluationDTO is one comprehensive evaluation of an organisation.
type OrgEvaluationDTO struct {
	ID               string    `json:"id"`
	OrganisationID   string    `json:"organisationId"`
	Level            string    `json:"level" doc:"evaluation_levels（grade_1a–grade_5a）"`
	Institution      string    `json:"institution" doc:"评估机构 Evaluating institution"`
	InstitutionOrgID string    `json:"institutionOrgId,omitempty"`
	EvaluatedOn      string    `json:"evaluatedOn"`
	ValidUntil       string    `json:"validUntil" doc:"等级有效期最后一天 Last day the grade holds"`
	Valid            bool      `json:"valid" doc:"今天是否有效（最新一次评估且未过期）Whether it is the latest evaluation and holds today"`
	Note             string    `json:"note,omitempty"`
	RecordedAt       time.Time `json:"recordedAt"`
}

func orgEvaluationDTO(e *models.OrgEvaluation, current *models.OrgEvaluation) OrgEvaluationDTO {
	return OrgEvaluationDTO{ID: e.ID, OrganisationID: e.OrganisationID, Level: e.Level, Institution: e.Institution,
		InstitutionOrgID: e.InstitutionOrgID, EvaluatedOn: e.EvaluatedOn, ValidUntil: e.ValidUntil,
		Valid: current != nil && current.ID == e.ID, Note: e.Note, RecordedAt: e.RecordedAt}
}

type orgEvaluationInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Level            string `json:"level" enum:"grade_1a,grade_2a,grade_3a,grade_4a,grade_5a" doc:"评估等级 Grade"`
		Institution      string `json:"institution" minLength:"2" maxLength:"100" doc:"评估机构名称 Evaluating institution"`
		InstitutionOrgID string `json:"institutionOrgId,omitempty" maxLength:"64" doc:"评估机构（已登记的督导评估机构）The institution, when registered here"`
		EvaluatedOn      string `json:"evaluatedOn" doc:"评估日期 YYYY-MM-DD"`
		ValidUntil       string `json:"validUntil,omitempty" doc:"有效期至（含），默认评估日期起 5 年 Last valid day; default 5 years"`
		Note             string `json:"note,omitempty" maxLength:"2000"`
	}
}

type orgEvaluationOutput struct{ Body OrgEvaluationDTO }

type orgEvaluationsOutput struct {
	Body struct {
		Items   []OrgEvaluationDTO `json:"items" doc:"全部评估，最新在前 Every evaluation, latest first"`
		Current *OrgEvaluationDTO  `json:"current,omitempty" doc:"当前有效的评估；没有时省略 The evaluation holding today; omitted when none"`
	}
}

// CommendationDTO is one award or commendation.
type CommendationDTO struct {
	ID            string     `json:"id"`
	RecipientKind string     `json:"recipientKind" enum:"organisation,social_worker"`
	RecipientID   string     `json:"recipientId"`
	RecipientName string     `json:"recipientName"`
	Title         string     `json:"title"`
	Level         string     `json:"level" enum:"city,county"`
	GrantingBody  string     `json:"grantingBody"`
	AwardedOn     string     `json:"awardedOn"`
	Citation      string     `json:"citation,omitempty"`
	Revoked       bool       `json:"revoked"`
	RevokedReason string     `json:"revokedReason,omitempty"`
	RevokedAt     *time.Time `json:"revokedAt,omitempty"`
	GrantedAt     time.Time  `json:"grantedAt"`
}

func commendationDTO(c *models.Commendation) CommendationDTO {
	d := CommendationDTO{ID: c.ID, RecipientKind: c.RecipientKind, RecipientID: c.RecipientID, RecipientName: c.RecipientName,
		Title: c.Title, Level: c.Level, GrantingBody: c.GrantingBody, AwardedOn: c.AwardedOn, Citation: c.Citation,
		Revoked: c.Revoked, RevokedReason: c.RevokedReason, GrantedAt: c.GrantedAt}
	if c.Revoked {
		at := c.RevokedAt
		d.RevokedAt = &at
	}
	return d
}

type commendationInput struct {
	Body struct {
		OrganisationID string `json:"organisationId,omitempty" maxLength:"64" doc:"受表彰机构（与 socialWorkerId 二选一）The organisation, or"`
		SocialWorkerID string `json:"socialWorkerId,omitempty" maxLength:"64" doc:"受表彰社工（账号编号）the social worker's account"`
		Title          string `json:"title" minLength:"2" maxLength:"100" doc:"表彰名称 Title"`
		Level          string `json:"level" enum:"city,county" doc:"award_levels：市级须由市民政授予 city-level awards by the city"`
		GrantingBody   string `json:"grantingBody" minLength:"2" maxLength:"100" doc:"授予单位 Granting body"`
		AwardedOn      string `json:"awardedOn" doc:"表彰日期 YYYY-MM-DD"`
		Citation       string `json:"citation,omitempty" maxLength:"2000" doc:"事迹 Citation"`
	}
}

type commendationOutput struct{ Body CommendationDTO }

type revokeInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Reason string `json:"reason" minLength:"2" maxLength:"500" doc:"撤销理由 Why the award is revoked"`
	}
}

type commendationsOutput struct {
	Body struct {
		Items []CommendationDTO `json:"items" doc:"未撤销的表彰，最新在前 Awards not revoked, latest first"`
	}
}

func commendationsOf(list []*models.Commendation, err error) (*commendationsOutput, error) {
	if err != nil {
		return nil, err
	}
	out := &commendationsOutput{}
	out.Body.Items = make([]CommendationDTO, len(list))
	for i, c := range list {
		out.Body.Items[i] = commendationDTO(c)
	}
	return out, nil
}

// IncubationBaseDTO is a county's incubation base.
type IncubationBaseDTO struct {
	ID            string    `json:"id"`
	DivisionCode  string    `json:"divisionCode" doc:"所属县（区）County-level division"`
	Name          string    `json:"name"`
	Address       string    `json:"address"`
	SpaceM2       int       `json:"spaceM2" doc:"场地面积（平方米）Floor space, m²"`
	SeedFundsFen  int64     `json:"seedFundsFen" doc:"启动资金（分）Seed funds, in fen"`
	Operator      string    `json:"operator"`
	OperatorOrgID string    `json:"operatorOrgId,omitempty"`
	OpenedOn      string    `json:"openedOn,omitempty"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

func baseDTO(b *models.IncubationBase) IncubationBaseDTO {
	return IncubationBaseDTO{ID: b.ID, DivisionCode: b.CountyCode, Name: b.Name, Address: b.Address, SpaceM2: b.SpaceM2,
		SeedFundsFen: b.SeedFundsFen, Operator: b.Operator, OperatorOrgID: b.OperatorOrgID, OpenedOn: b.OpenedOn,
		CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt}
}

// IncubationBaseBody is what civil affairs sends to register or replace a base.
type IncubationBaseBody struct {
	DivisionCode  string `json:"divisionCode" pattern:"^[0-9]{6}$" doc:"所属县（区）代码，登记后不可改 County-level division; fixed"`
	Name          string `json:"name" minLength:"2" maxLength:"100"`
	Address       string `json:"address" minLength:"2" maxLength:"200"`
	SpaceM2       int    `json:"spaceM2" minimum:"1" maximum:"1000000" doc:"场地面积（平方米）Floor space, m²"`
	SeedFundsFen  int64  `json:"seedFundsFen" minimum:"0" maximum:"100000000000" doc:"启动资金（分）Seed funds, in fen"`
	Operator      string `json:"operator" minLength:"2" maxLength:"100" doc:"运营方 Operator"`
	OperatorOrgID string `json:"operatorOrgId,omitempty" maxLength:"64"`
	OpenedOn      string `json:"openedOn,omitempty" doc:"启用日期 YYYY-MM-DD"`
}

func (b IncubationBaseBody) input() recognition.BaseInput {
	return recognition.BaseInput{CountyCode: b.DivisionCode, Name: b.Name, Address: b.Address, SpaceM2: b.SpaceM2,
		SeedFundsFen: b.SeedFundsFen, Operator: b.Operator, OperatorOrgID: b.OperatorOrgID, OpenedOn: b.OpenedOn}
}

type createBaseInput struct{ Body IncubationBaseBody }

type updateBaseInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body IncubationBaseBody
}

type baseOutput struct{ Body IncubationBaseDTO }

type listBasesInput struct {
	County string `query:"county" pattern:"^[0-9]{4}([0-9]{2})?$" doc:"县（区）代码，或 4101 / 省略为全市 A county-level code; the city (4101) or none for all"`
	PageParams
}

// IncubationDTO is one organisation incubated at a base.
type IncubationDTO struct {
	BaseID           string    `json:"baseId"`
	OrganisationID   string    `json:"organisationId"`
	OrganisationName string    `json:"organisationName"`
	DivisionCode     string    `json:"divisionCode"`
	StartedOn        string    `json:"startedOn"`
	EndedOn          string    `json:"endedOn,omitempty" doc:"出壳（结束）日期；孵化中时省略 Graduated or left; omitted while incubated"`
	RecordedAt       time.Time `json:"recordedAt"`
}

func incubationDTO(i *models.Incubation) IncubationDTO {
	return IncubationDTO{BaseID: i.BaseID, OrganisationID: i.OrganisationID, OrganisationName: i.OrganisationName,
		DivisionCode: i.CountyCode, StartedOn: i.StartedOn, EndedOn: i.EndedOn, RecordedAt: i.RecordedAt}
}

type incubationInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		OrganisationID string `json:"organisationId" minLength:"1" maxLength:"64" doc:"本县（区）登记的机构 An organisation registered in the base's county"`
		StartedOn      string `json:"startedOn" doc:"入驻日期 YYYY-MM-DD"`
		EndedOn        string `json:"endedOn,omitempty" doc:"出壳日期 YYYY-MM-DD"`
	}
}

type endIncubationInput struct {
	ID             string `path:"id" maxLength:"64"`
	OrganisationID string `path:"organisationId" maxLength:"64"`
	Body           struct {
		EndedOn string `json:"endedOn" doc:"出壳（结束）日期 YYYY-MM-DD"`
	}
}

type incubationOutput struct{ Body IncubationDTO }

type baseIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

type basePageInput struct {
	ID string `path:"id" maxLength:"64"`
	PageParams
}

func registerRecognition(api huma.API, svc *service.Service) {
	const tag = "recognition"
	huma.Register(api, created(op("record-organisation-evaluation", http.MethodPost, "/v1/organisations/{id}/evaluations", tag,
		"记录机构综合评估（本辖区民政）Record an organisation's comprehensive evaluation (civil affairs of its division)", true, 403, 404, 409, 422)),
		func(ctx context.Context, in *orgEvaluationInput) (*orgEvaluationOutput, error) {
			e, current, err := svc.Recognition().RecordEvaluation(ctx, actorFrom(ctx), in.ID, recognition.EvaluationInput{Level: in.Body.Level,
				Institution: in.Body.Institution, InstitutionOrgID: in.Body.InstitutionOrgID, EvaluatedOn: in.Body.EvaluatedOn,
				ValidUntil: in.Body.ValidUntil, Note: in.Body.Note})
			if err != nil {
				return nil, err
			}
			return &orgEvaluationOutput{Body: orgEvaluationDTO(e, current)}, nil
		})

	huma.Register(api, op("organisation-evaluations", http.MethodGet, "/v1/organisations/{id}/evaluations", tag,
		"机构综合评估记录（公开）An organisation's evaluation history (public)", false, 404),
		func(ctx context.Context, in *orgIDInput) (*orgEvaluationsOutput, error) {
			list, current, err := svc.Recognition().Evaluations(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			out := &orgEvaluationsOutput{}
			out.Body.Items = make([]OrgEvaluationDTO, len(list))
			for i, e := range list {
				out.Body.Items[i] = orgEvaluationDTO(e, current)
			}
			if current != nil {
				d := orgEvaluationDTO(current, current)
				out.Body.Current = &d
			}
			return out, nil
		})

	huma.Register(api, op("organisation-commendations", http.MethodGet, "/v1/organisations/{id}/commendations", tag,
		"机构所获表彰（公开）An organisation's awards (public)", false, 404),
		func(ctx context.Context, in *orgIDInput) (*commendationsOutput, error) {
			return commendationsOf(svc.Recognition().OrganisationCommendations(ctx, in.ID))
		})

	huma.Register(api, op("social-worker-commendations", http.MethodGet, "/v1/social-workers/{id}/commendations", tag,
		"社工所获表彰 A social worker's awards", true),
		func(ctx context.Context, in *orgIDInput) (*commendationsOutput, error) {
			return commendationsOf(svc.Recognition().SocialWorkerCommendations(ctx, actorFrom(ctx), in.ID))
		})

	huma.Register(api, created(op("grant-commendation", http.MethodPost, "/v1/commendations", tag,
		"记录表彰（管辖受表彰者的民政）Record an award (civil affairs covering the recipient)", true, 403, 422)),
		func(ctx context.Context, in *commendationInput) (*commendationOutput, error) {
			b := in.Body
			c, err := svc.Recognition().GrantCommendation(ctx, actorFrom(ctx), recognition.CommendationInput{OrganisationID: b.OrganisationID,
				SocialWorkerID: b.SocialWorkerID, Title: b.Title, Level: b.Level, GrantingBody: b.GrantingBody, AwardedOn: b.AwardedOn, Citation: b.Citation})
			if err != nil {
				return nil, err
			}
			return &commendationOutput{Body: commendationDTO(c)}, nil
		})

	huma.Register(api, op("revoke-commendation", http.MethodPost, "/v1/commendations/{id}/revocation", tag,
		"撤销误录的表彰（须说明理由，已审计）Revoke a wrongly entered award (with a reason; audited)", true, 403, 404, 409, 422),
		func(ctx context.Context, in *revokeInput) (*commendationOutput, error) {
			c, err := svc.Recognition().RevokeCommendation(ctx, actorFrom(ctx), in.ID, in.Body.Reason)
			if err != nil {
				return nil, err
			}
			return &commendationOutput{Body: commendationDTO(c)}, nil
		})

	huma.Register(api, created(op("create-incubation-base", http.MethodPost, "/v1/incubation-bases", tag,
		"登记社工机构孵化基地（本县民政）Register an incubation base (the county's civil affairs)", true, 403, 422)),
		func(ctx context.Context, in *createBaseInput) (*baseOutput, error) {
			b, err := svc.Recognition().CreateBase(ctx, actorFrom(ctx), in.Body.input())
			if err != nil {
				return nil, err
			}
			return &baseOutput{Body: baseDTO(b)}, nil
		})

	huma.Register(api, op("list-incubation-bases", http.MethodGet, "/v1/incubation-bases", tag,
		"孵化基地列表，可按县（区）筛选（公开）Incubation bases, per county (public)", false, 422),
		func(ctx context.Context, in *listBasesInput) (*listOutput[IncubationBaseDTO], error) {
			list, next, err := svc.Recognition().ListBases(ctx, in.County, service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, baseDTO)
		})

	huma.Register(api, op("get-incubation-base", http.MethodGet, "/v1/incubation-bases/{id}", tag,
		"一个孵化基地（公开）One incubation base (public)", false, 404),
		func(ctx context.Context, in *baseIDInput) (*baseOutput, error) {
			b, err := svc.Recognition().Base(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &baseOutput{Body: baseDTO(b)}, nil
		})

	huma.Register(api, described(op("update-incubation-base", http.MethodPut, "/v1/incubation-bases/{id}", tag,
		"替换孵化基地信息（本县民政）Replace a base's details (the county's civil affairs)", true, 403, 404, 422),
		putDescription("孵化基地信息（所属县（区）不可改）")+" The county is fixed."),
		func(ctx context.Context, in *updateBaseInput) (*baseOutput, error) {
			b, err := svc.Recognition().UpdateBase(ctx, actorFrom(ctx), in.ID, in.Body.input())
			if err != nil {
				return nil, err
			}
			return &baseOutput{Body: baseDTO(b)}, nil
		})

	huma.Register(api, created(op("record-incubation", http.MethodPost, "/v1/incubation-bases/{id}/incubations", tag,
		"登记入驻孵化的机构（本县民政；每个机构在一个基地只登记一次）Record an incubated organisation (the county's civil affairs; once per organisation and base)", true, 403, 404, 409, 422)),
		func(ctx context.Context, in *incubationInput) (*incubationOutput, error) {
			i, err := svc.Recognition().RecordIncubation(ctx, actorFrom(ctx), in.ID, in.Body.OrganisationID, in.Body.StartedOn, in.Body.EndedOn)
			if err != nil {
				return nil, err
			}
			return &incubationOutput{Body: incubationDTO(i)}, nil
		})

	huma.Register(api, op("list-incubations", http.MethodGet, "/v1/incubation-bases/{id}/incubations", tag,
		"孵化基地的入驻机构（公开）Organisations incubated at a base (public)", false, 404),
		func(ctx context.Context, in *basePageInput) (*listOutput[IncubationDTO], error) {
			list, next, err := svc.Recognition().Incubations(ctx, in.ID, service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, incubationDTO)
		})

	huma.Register(api, op("end-incubation", http.MethodPost, "/v1/incubation-bases/{id}/incubations/{organisationId}/end", tag,
		"记录机构出壳（本县民政）Record that an incubated organisation graduated or left (the county's civil affairs)", true, 403, 404, 409, 422),
		func(ctx context.Context, in *endIncubationInput) (*incubationOutput, error) {
			i, err := svc.Recognition().EndIncubation(ctx, actorFrom(ctx), in.ID, in.OrganisationID, in.Body.EndedOn)
			if err != nil {
				return nil, err
			}
			return &incubationOutput{Body: incubationDTO(i)}, nil
		})
}

// orgProfile is one organisation's read: its registration data with its
// current evaluation and its awards.
func orgProfile(ctx context.Context, svc *service.Service, o *models.Organisation) (*orgOutput, error) {
	current, awards, err := svc.Recognition().Standing(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	d := orgDTO(o)
	if current != nil {
		e := orgEvaluationDTO(current, current)
		d.CurrentEvaluation = &e
	}
	for _, c := range awards {
		d.Commendations = append(d.Commendations, commendationDTO(c))
	}
	return &orgOutput{Body: d}, nil
}
