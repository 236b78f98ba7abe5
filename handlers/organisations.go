package handlers

import (
	"context"
	"net/http"
	"reflect"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/parties"
)

// OrganisationDTO is an organisation's registration data (public) and status.
type OrganisationDTO struct {
	ID                  string    `json:"id"`
	Name                string    `json:"name"`
	Kind                string    `json:"kind" doc:"organisation_kinds"`
	CreditCode          string    `json:"creditCode" doc:"统一社会信用代码 Unified social credit code"`
	Domains             []string  `json:"domains"`
	DivisionCode        string    `json:"divisionCode"`
	DivisionsServed     []string  `json:"divisionsServed"`
	Beds                int       `json:"beds,omitempty"`
	RequiredSocialWorks int       `json:"requiredSocialWorkers,omitempty" doc:"养老机构按每 100 床 1 名社工应配人数 Social workers required at 1 per 100 beds"`
	Status              string    `json:"status" doc:"organisation_statuses"`
	ExitReason          string    `json:"exitReason,omitempty"`
	CharityRecognised   bool      `json:"charityRecognised"`
	CharityRecognisedOn string    `json:"charityRecognisedOn,omitempty"`
	ContactName         string    `json:"contactName,omitempty"`
	ContactPhone        string    `json:"contactPhone,omitempty" doc:"仅本机构管理员与民政可见完整号码 Masked except for its admins and civil affairs"`
	Description         string    `json:"description,omitempty"`
	CreatedAt           time.Time `json:"createdAt"`
	UpdatedAt           time.Time `json:"updatedAt"`

	// The profile (GET /v1/organisations/{id} only; see recognition.go).
	CurrentEvaluation *OrgEvaluationDTO `json:"currentEvaluation,omitempty" doc:"当前有效的综合评估（仅单个机构）The evaluation holding today (one organisation's read only)"`
	Commendations     []CommendationDTO `json:"commendations,omitempty" doc:"所获表彰（未撤销，仅单个机构）Awards not revoked (one organisation's read only)"`
}

func orgDTO(o *models.Organisation) OrganisationDTO {
	return OrganisationDTO{ID: o.ID, Name: o.Name, Kind: o.Kind, CreditCode: o.CreditCode, Domains: nonNil(o.Domains),
		DivisionCode: o.DivisionCode, DivisionsServed: nonNil(o.DivisionsServed), Beds: o.Beds,
		RequiredSocialWorks: models.RequiredSocialWorkers(o.Beds), Status: string(o.Status), ExitReason: o.ExitReason,
		CharityRecognised: o.Charity.Recognised, CharityRecognisedOn: o.Charity.RecognisedOn, ContactName: o.ContactName,
		ContactPhone: o.ContactPhone, Description: o.Description, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// OrganisationBody is what a caller sends to register or edit an organisation.
type OrganisationBody struct {
	Name            string   `json:"name" minLength:"2" maxLength:"100"`
	Kind            string   `json:"kind,omitempty" doc:"organisation_kinds; fixed after registration"`
	CreditCode      string   `json:"creditCode,omitempty" minLength:"18" maxLength:"18" doc:"统一社会信用代码（GB 32100-2015），登记后不可改 Fixed after registration"`
	Domains         []string `json:"domains" minItems:"1" maxItems:"20" doc:"domains vocabulary"`
	DivisionCode    string   `json:"divisionCode" pattern:"^[0-9]{4,9}$" doc:"登记地：市、县（区）或乡镇（街道）代码"`
	DivisionsServed []string `json:"divisionsServed,omitempty" maxItems:"500"`
	Beds            int      `json:"beds,omitempty" minimum:"0" maximum:"100000" doc:"养老机构床位数 Elder-care beds"`
	ContactName     string   `json:"contactName,omitempty" maxLength:"50"`
	ContactPhone    string   `json:"contactPhone,omitempty" pattern:"^1[3-9][0-9]{9}$" patternDescription:"11 位大陆手机号 (11-digit mainland mobile number)"`
	Description     string   `json:"description,omitempty" maxLength:"2000"`
}

func (b OrganisationBody) input() parties.OrganisationInput {
	return parties.OrganisationInput{Name: b.Name, Kind: b.Kind, CreditCode: b.CreditCode, DivisionCode: b.DivisionCode,
		Domains: b.Domains, DivisionsServed: b.DivisionsServed, Beds: b.Beds, ContactName: b.ContactName,
		ContactPhone: b.ContactPhone, Description: b.Description}
}

type createOrgInput struct {
	Body struct {
		OrganisationBody
		Status string `json:"status,omitempty" enum:"incubating,active" doc:"初始状态 Initial status (default incubating)"`
	}
}

type orgOutput struct{ Body OrganisationDTO }

type orgIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

type updateOrgInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body OrganisationBody
}

type listOrgsInput struct {
	Division string `query:"division" pattern:"^[0-9]{4,12}$" doc:"登记于或服务于该区划 Registered in or serving this division"`
	Kind     string `query:"kind" maxLength:"64"`
	Status   string `query:"status" maxLength:"32"`
	Domain   string `query:"domain" maxLength:"64"`
	Name     string `query:"name" maxLength:"50"`
	PageParams
}

type statusInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		To     string `json:"to" maxLength:"32" doc:"目标状态 Target status"`
		Reason string `json:"reason,omitempty" maxLength:"64" doc:"退出原因（exit_reasons）Exit reason"`
		Note   string `json:"note,omitempty" maxLength:"2000"`
	}
}

// TransitionDTO is one recorded state change.
type TransitionDTO struct {
	Seq    int       `json:"seq"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
	Note   string    `json:"note,omitempty"`
}

func transitionDTOs(ts []models.Transition) []TransitionDTO {
	out := make([]TransitionDTO, len(ts))
	for i, t := range ts {
		out[i] = TransitionDTO{Seq: t.Seq, From: t.From, To: t.To, By: t.By, At: t.At, Reason: t.Reason, Note: t.Note}
	}
	return out
}

type historyOutput struct {
	Body struct {
		Items []TransitionDTO `json:"items"`
	}
}

type charityInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Recognised   bool   `json:"recognised"`
		RecognisedOn string `json:"recognisedOn,omitempty" doc:"认定日期 YYYY-MM-DD"`
	}
}

// MemberDTO is one person of an organisation.
type MemberDTO struct {
	AccountID string    `json:"accountId"`
	Role      string    `json:"role"`
	Name      string    `json:"name"`
	Phone     string    `json:"phone"`
	AddedAt   time.Time `json:"addedAt"`
}

type addMemberInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Phone string `json:"phone" pattern:"^1[3-9][0-9]{9}$" patternDescription:"11 位大陆手机号 (11-digit mainland mobile number)"`
		Role  string `json:"role" enum:"org_admin,charity_admin,social_worker,evaluator" doc:"evaluator 仅限督导评估机构 evaluator: evaluation institutions only"`
	}
}

// memberOrOfferOutput is a member added at once (201, MemberDTO) or an
// offer the person has yet to accept (202, RoleOfferDTO).
type memberOrOfferOutput struct {
	Status int
	Body   any
}

type membersInput struct {
	ID string `path:"id" maxLength:"64"`
	PageParams
}

func memberDTO(m *models.Member) MemberDTO {
	return MemberDTO{AccountID: m.AccountID, Role: string(m.Role), Name: m.Name, Phone: m.Phone, AddedAt: m.AddedAt}
}

func registerOrganisations(api huma.API, svc *service.Service) {
	const tag = "organisations"
	huma.Register(api, created(op("create-organisation", http.MethodPost, "/v1/organisations", tag,
		"登记机构（民政部门）Register an organisation (civil affairs)", true, 403, 409, 422)),
		func(ctx context.Context, in *createOrgInput) (*orgOutput, error) {
			o, err := svc.Parties().CreateOrganisation(ctx, actorFrom(ctx), in.Body.input(), models.OrgStatus(in.Body.Status))
			if err != nil {
				return nil, err
			}
			return &orgOutput{Body: orgDTO(o)}, nil
		})

	huma.Register(api, op("list-organisations", http.MethodGet, "/v1/organisations", tag,
		"机构列表（公开）List organisations (public)", false, 422),
		func(ctx context.Context, in *listOrgsInput) (*listOutput[OrganisationDTO], error) {
			list, next, err := svc.Parties().ListOrganisations(ctx, parties.OrganisationFilter{Division: in.Division, Kind: in.Kind,
				Status: in.Status, Domain: in.Domain, Name: in.Name}, service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, orgDTO)
		})

	huma.Register(api, op("get-organisation", http.MethodGet, "/v1/organisations/{id}", tag,
		"一个机构（公开）One organisation (public)", false, 404),
		func(ctx context.Context, in *orgIDInput) (*orgOutput, error) {
			o, err := svc.Parties().Organisation(ctx, actorOrNil(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return orgProfile(ctx, svc, o)
		})

	huma.Register(api, described(op("update-organisation", http.MethodPut, "/v1/organisations/{id}", tag,
		"替换机构信息（本机构管理员或民政）Replace an organisation's details (its admins or civil affairs)", true, 403, 404, 409, 422),
		putDescription("机构信息（类型与统一社会信用代码除外，登记后不可改）")+" The kind and the credit code are fixed after registration."),
		func(ctx context.Context, in *updateOrgInput) (*orgOutput, error) {
			o, err := svc.Parties().UpdateOrganisation(ctx, actorFrom(ctx), in.ID, in.Body.input())
			if err != nil {
				return nil, err
			}
			return &orgOutput{Body: orgDTO(o)}, nil
		})

	huma.Register(api, op("change-organisation-status", http.MethodPost, "/v1/organisations/{id}/status", tag,
		"变更机构状态（民政部门）Change an organisation's status (civil affairs)", true, 403, 404, 409, 422),
		func(ctx context.Context, in *statusInput) (*orgOutput, error) {
			o, err := svc.Parties().ChangeOrganisationStatus(ctx, actorFrom(ctx), in.ID, core.StatusChange{To: in.Body.To, Reason: in.Body.Reason, Note: in.Body.Note})
			if err != nil {
				return nil, err
			}
			return &orgOutput{Body: orgDTO(o)}, nil
		})

	huma.Register(api, op("organisation-history", http.MethodGet, "/v1/organisations/{id}/history", tag,
		"机构状态变更记录（公开）Status history (public)", false, 404),
		func(ctx context.Context, in *orgIDInput) (*historyOutput, error) {
			ts, err := svc.Parties().OrganisationHistory(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			out := &historyOutput{}
			out.Body.Items = transitionDTOs(ts)
			return out, nil
		})

	huma.Register(api, op("recognise-charity", http.MethodPost, "/v1/organisations/{id}/charity-recognition", tag,
		"慈善组织认定（民政部门）Record charity recognition (civil affairs)", true, 403, 404, 422),
		func(ctx context.Context, in *charityInput) (*orgOutput, error) {
			o, err := svc.Parties().RecogniseCharity(ctx, actorFrom(ctx), in.ID, in.Body.Recognised, in.Body.RecognisedOn)
			if err != nil {
				return nil, err
			}
			return &orgOutput{Body: orgDTO(o)}, nil
		})

	o := created(op("add-member", http.MethodPost, "/v1/organisations/{id}/members", tag,
		"按手机号邀请成员（本机构管理员；民政可直接添加）Invite a member by phone (its admins; civil affairs may add directly)", true, 403, 404, 409, 422))
	o.Description = "本人接受邀请后才成为成员（202，答复为邀请：手机号掩码，不含姓名；无论该手机号是否已注册，答复相同；未注册的手机号注册后可见此邀请）。" +
		"管辖该机构且管辖此人全部范围的民政部门直接添加（201，已审计）。不能邀请其他辖区的民政官员（403）。" +
		"The person becomes a member only when they accept (202 with the offer: phone masked, no name; the same answer whether or not the phone is registered; " +
		"an unregistered phone sees the offer once registered). Civil affairs governing the organisation and every scope the person holds adds them at once (201, audited). " +
		"An official of a division the caller does not govern cannot be invited (403)."
	huma.Register(api, offeredOr(api, o, "已发出邀请，本人接受后生效 An offer was made; it takes effect when the person accepts",
		map[int]reflect.Type{http.StatusCreated: reflect.TypeOf(MemberDTO{})}),
		func(ctx context.Context, in *addMemberInput) (*memberOrOfferOutput, error) {
			m, off, err := svc.Roles().AddMember(ctx, actorFrom(ctx), in.ID, in.Body.Phone, models.Role(in.Body.Role))
			if err != nil {
				return nil, err
			}
			if off != nil {
				return &memberOrOfferOutput{Status: http.StatusAccepted, Body: roleOfferDTO(off)}, nil
			}
			return &memberOrOfferOutput{Status: http.StatusCreated, Body: memberDTO(m)}, nil
		})

	huma.Register(api, op("list-members", http.MethodGet, "/v1/organisations/{id}/members", tag,
		"机构成员（本机构人员与民政）Members (its people and civil affairs)", true, 403, 404),
		func(ctx context.Context, in *membersInput) (*listOutput[MemberDTO], error) {
			list, next, err := svc.Roles().Members(ctx, actorFrom(ctx), in.ID, service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, memberDTO)
		})
}
