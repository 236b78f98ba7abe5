package handlers

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/roles"
)

type removeRoleInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Role           string `json:"role" enum:"community_admin,civil_affairs,org_admin,charity_admin,social_worker,evaluator"`
		CommunityCode  string `json:"communityCode,omitempty" pattern:"^[0-9]{12}$"`
		DivisionCode   string `json:"divisionCode,omitempty" pattern:"^[0-9]{4,12}$"`
		OrganisationID string `json:"organisationId,omitempty" maxLength:"64"`
		Reason         string `json:"reason,omitempty" maxLength:"500"`
	}
}

type accountStatusInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Reason string `json:"reason,omitempty" maxLength:"500"`
	}
}

type handoverInput struct {
	Code string `path:"code" pattern:"^[0-9]{12}$" doc:"社区（村）级 12 位代码 12-digit village-level code"`
	Body struct {
		Phone    string `json:"phone" pattern:"^1[3-9][0-9]{9}$" patternDescription:"11 位大陆手机号 (11-digit mainland mobile number)" doc:"接任人的手机号 The new holder's phone"`
		Name     string `json:"name,omitempty" maxLength:"50" doc:"新账号的姓名 Name, for a new account"`
		Password string `json:"password,omitempty" maxLength:"128" doc:"新账号的初始密码（可选，否则本人以短信重设）Initial password of a new account (optional; otherwise set by SMS)" writeOnly:"true"`
		Reason   string `json:"reason,omitempty" maxLength:"500"`
	}
}

// HandoverDTO is the committee's new holder and the accounts that lost it.
type HandoverDTO struct {
	CommunityCode string     `json:"communityCode"`
	Admin         AccountDTO `json:"admin"`
	Created       bool       `json:"created" doc:"为接任人新建了账号 A new account was created"`
	Removed       []string   `json:"removed" doc:"失去该角色的账号 Accounts that lost the binding"`
}

type handoverOutput struct {
	Body HandoverDTO
}

// registerStaff adds the staff changes: removing a role, deactivating an
// account, handing a committee over.
func registerStaff(api huma.API, svc *service.Service) {
	o := op("remove-role", http.MethodPost, "/v1/accounts/{id}/roles/remove", "accounts",
		"移除角色（民政：本辖区；机构管理员：本机构）Remove a role binding (civil affairs in its division, an org admin in its organisation)", true, 403, 404, 422)
	o.Description = "该角色自该账号的下一个请求起不再生效（即使令牌仍列出它）；本人的登录与其他角色不受影响。" +
		"The binding stops authorising at the account's next request (even though its tokens still list it); the person's logins and other bindings stay."
	huma.Register(api, o, func(ctx context.Context, in *removeRoleInput) (*accountOutput, error) {
		b := in.Body
		a, err := svc.Roles().RemoveRole(ctx, actorFrom(ctx), in.ID, models.RoleBinding{Role: models.Role(b.Role), CommunityCode: b.CommunityCode,
			DivisionCode: b.DivisionCode, OrganisationID: b.OrganisationID}, b.Reason)
		if err != nil {
			return nil, err
		}
		return &accountOutput{Body: accountDTO(a)}, nil
	})

	o = op("deactivate-account", http.MethodPost, "/v1/accounts/{id}/deactivate", "accounts",
		"停用账号（民政：管辖该账号全部范围）Deactivate an account (civil affairs governing every scope it holds)", true, 403, 404, 422)
	o.Description = "账号不能再登录，所有登录立即失效。仅限管辖该账号全部范围（各角色所在辖区及志愿者所属社区）的民政部门。" +
		"The account can no longer log in; every login of it ends at once. Only civil affairs whose division covers every scope the account holds (each binding's division and the volunteer's home community)."
	huma.Register(api, o, func(ctx context.Context, in *accountStatusInput) (*accountOutput, error) {
		a, err := svc.Roles().DeactivateAccount(ctx, actorFrom(ctx), in.ID, in.Body.Reason)
		if err != nil {
			return nil, err
		}
		return &accountOutput{Body: accountDTO(a)}, nil
	})

	huma.Register(api, op("reactivate-account", http.MethodPost, "/v1/accounts/{id}/reactivate", "accounts",
		"恢复已停用的账号（民政：管辖该账号全部范围）Reactivate a deactivated account (civil affairs governing every scope it holds)", true, 403, 404, 422),
		func(ctx context.Context, in *accountStatusInput) (*accountOutput, error) {
			a, err := svc.Roles().ReactivateAccount(ctx, actorFrom(ctx), in.ID, in.Body.Reason)
			if err != nil {
				return nil, err
			}
			return &accountOutput{Body: accountDTO(a)}, nil
		})

	o = op("community-handover", http.MethodPost, "/v1/communities/{code}/handover", "accounts",
		"社区居委会管理员交接（民政部门）Hand a committee over to a new person (civil affairs)", true, 403, 409, 422)
	o.Description = "接任人获得该社区的 community_admin 角色（新手机号则新建账号），原持有人自下一个请求起失去该角色（其登录不受影响）。" +
		"The new person gets the community's community_admin binding (a new phone gets a new account); former holders lose it from their next request (their logins stay)."
	huma.Register(api, o, func(ctx context.Context, in *handoverInput) (*handoverOutput, error) {
		b := in.Body
		res, err := svc.Roles().HandOver(ctx, actorFrom(ctx), in.Code, roles.Handover{Phone: b.Phone, Name: b.Name, Password: b.Password, Reason: b.Reason})
		if err != nil {
			return nil, err
		}
		removed := res.Removed
		if removed == nil {
			removed = []string{}
		}
		return &handoverOutput{Body: HandoverDTO{CommunityCode: res.CommunityCode, Admin: accountDTO(res.Admin), Created: res.Created, Removed: removed}}, nil
	})
}
