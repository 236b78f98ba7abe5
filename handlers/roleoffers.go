package handlers

import (
	"context"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
)

// RoleOfferDTO is an offer of a role that its person accepts or declines.
// Whoever made it sees the phone masked and never the account behind it.
type RoleOfferDTO struct {
	ID             string     `json:"id"`
	Status         string     `json:"status" enum:"pending,accepted,declined,expired"`
	Phone          string     `json:"phone" doc:"手机号（掩码）The phone, masked"`
	Role           string     `json:"role"`
	OrganisationID string     `json:"organisationId,omitempty"`
	CommunityCode  string     `json:"communityCode,omitempty"`
	DivisionCode   string     `json:"divisionCode,omitempty"`
	ScopeName      string     `json:"scopeName" doc:"邀请方（机构、社区或行政区划）的名称 Who offers: the organisation, community or division"`
	Member         bool       `json:"member" doc:"接受后同时成为机构成员 Accepting also makes the person a member of the organisation"`
	CreatedAt      time.Time  `json:"createdAt"`
	ExpiresAt      time.Time  `json:"expiresAt"`
	AnsweredAt     *time.Time `json:"answeredAt,omitempty"`
}

func roleOfferDTO(o *models.RoleOffer) RoleOfferDTO {
	return RoleOfferDTO{ID: o.ID, Status: string(o.Status), Phone: models.MaskPhone(o.Phone), Role: string(o.Binding.Role),
		OrganisationID: o.Binding.OrganisationID, CommunityCode: o.Binding.CommunityCode, DivisionCode: o.Binding.DivisionCode,
		ScopeName: o.ScopeName, Member: o.Member, CreatedAt: o.CreatedAt, ExpiresAt: o.ExpiresAt, AnsweredAt: o.AnsweredAt}
}

type roleOfferOutput struct{ Body RoleOfferDTO }

type roleOfferIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

// offeredOr documents an operation that answers either with what it did
// at once (status: type) or with an offer (202), whose body is one or the
// other: Huma documents one body per operation by itself.
func offeredOr(api huma.API, o huma.Operation, desc string, direct map[int]reflect.Type) huma.Operation {
	reg := api.OpenAPI().Components.Schemas
	if o.Responses == nil {
		o.Responses = map[string]*huma.Response{}
	}
	for status, t := range direct {
		o.Responses[strconv.Itoa(status)] = &huma.Response{Description: http.StatusText(status),
			Content: map[string]*huma.MediaType{"application/json": {Schema: reg.Schema(t, true, t.Name())}}}
	}
	o.Responses["202"] = &huma.Response{Description: desc,
		Content: map[string]*huma.MediaType{"application/json": {Schema: reg.Schema(reflect.TypeOf(RoleOfferDTO{}), true, "RoleOfferDTO")}}}
	return o
}

// registerRoleOffers adds the person's side of offers: their list, and
// accepting or declining one.
func registerRoleOffers(api huma.API, svc *service.Service) {
	const tag = "me"
	o := op("list-my-role-offers", http.MethodGet, "/v1/me/role-offers", tag,
		"本人收到的角色邀请 Role offers made to the caller", true, 422)
	o.Description = "机构添加成员、或为已有账号分配角色时，本人接受后才生效。包括在本人注册前发给本手机号的邀请。" +
		"Adding a member, or a role for an existing account, takes effect only when the person accepts. Includes offers made to the caller's phone before it was registered."
	huma.Register(api, o, func(ctx context.Context, in *struct{ PageParams }) (*listOutput[RoleOfferDTO], error) {
		list, next, err := svc.Roles().MyRoleOffers(ctx, actorFrom(ctx), service.Page{Cursor: in.Cursor, Limit: in.Limit})
		return page(list, next, err, roleOfferDTO)
	})

	huma.Register(api, op("get-my-role-offer", http.MethodGet, "/v1/me/role-offers/{id}", tag,
		"一条角色邀请 One role offer made to the caller", true, 404),
		func(ctx context.Context, in *roleOfferIDInput) (*roleOfferOutput, error) {
			off, err := svc.Roles().MyRoleOffer(ctx, actorFrom(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return &roleOfferOutput{Body: roleOfferDTO(off)}, nil
		})

	o = op("accept-role-offer", http.MethodPost, "/v1/me/role-offers/{id}/accept", tag,
		"接受角色邀请 Accept a role offer", true, 404, 409)
	o.Description = "角色（以及机构成员身份）自此生效。重复接受答复相同。已拒绝或已过期的邀请不能接受（409）。" +
		"The role (and the membership) takes effect now. Accepting again answers the same. A declined or expired offer cannot be accepted (409)."
	huma.Register(api, o, func(ctx context.Context, in *roleOfferIDInput) (*roleOfferOutput, error) {
		off, err := svc.Roles().AcceptRoleOffer(ctx, actorFrom(ctx), in.ID)
		if err != nil {
			return nil, err
		}
		return &roleOfferOutput{Body: roleOfferDTO(off)}, nil
	})

	o = op("decline-role-offer", http.MethodPost, "/v1/me/role-offers/{id}/decline", tag,
		"拒绝角色邀请 Decline a role offer", true, 404, 409)
	o.Description = "什么都不会改变，此邀请之后也不能再接受。The offer changes nothing and can no longer be accepted."
	huma.Register(api, o, func(ctx context.Context, in *roleOfferIDInput) (*roleOfferOutput, error) {
		off, err := svc.Roles().DeclineRoleOffer(ctx, actorFrom(ctx), in.ID)
		if err != nil {
			return nil, err
		}
		return &roleOfferOutput{Body: roleOfferDTO(off)}, nil
	})
}
