package handlers

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/accounts"
)

type phoneChangeInput struct {
	Body struct {
		Phone string `json:"phone" pattern:"^1[3-9][0-9]{9}$" patternDescription:"11 位大陆手机号 (11-digit mainland mobile number)" doc:"新手机号 The new phone"`
		Code  string `json:"code" pattern:"^[0-9]{6}$" patternDescription:"6 位数字 (6 digits)" doc:"发送到新手机号的验证码（用途 change_phone）The code sent to the new phone (purpose change_phone)" writeOnly:"true"`
		// A stolen access token alone must not move the account to another phone.
		Password string `json:"password,omitempty" maxLength:"128" writeOnly:"true" doc:"当前密码（有密码的账号必填）The current password (required when the account has one)"`
	}
}

type exportOutput struct {
	ContentDisposition string `header:"Content-Disposition"`
	CacheControl       string `header:"Cache-Control"`
	Body               *accounts.PersonalExport
}

type deletionInput struct {
	Body struct {
		Password string `json:"password,omitempty" maxLength:"128" doc:"当前密码 The current password" writeOnly:"true"`
		Code     string `json:"code,omitempty" pattern:"^[0-9]{6}$" patternDescription:"6 位数字 (6 digits)" doc:"或：用途 delete_account 的短信验证码 Or: the SMS code (purpose delete_account)" writeOnly:"true"`
	}
}

// registerMe adds the caller's own account operations: phone change,
// export of their data, erasure.
func registerMe(api huma.API, svc *service.Service) {
	huma.Register(api, op("change-phone", http.MethodPost, "/v1/me/phone", "me",
		"更换手机号（新号码的短信验证码）Change the phone (code sent to the new phone)", true, 409, 422),
		func(ctx context.Context, in *phoneChangeInput) (*accountOutput, error) {
			a, err := svc.Accounts().ChangePhone(ctx, actorFrom(ctx), accounts.PhoneChange{Phone: in.Body.Phone, Code: in.Body.Code, Password: in.Body.Password, ClientIP: ipFrom(ctx)})
			if err != nil {
				return nil, err
			}
			return &accountOutput{Body: accountDTO(a)}, nil
		})

	o := op("export-my-data", http.MethodGet, "/v1/me/export", "me",
		"导出本人的全部数据 Download everything the service holds about the caller", true, 404)
	o.Description = "账号、角色、登录记录、志愿者与社工档案、服务时长、签到、邀请、岗位、培训、职业路径、督导，以及官方查看本人数据的记录；" +
		"不含他人的信息。身份证号仅显示掩码。Account, roles, logins, volunteer and social-worker profiles, hours, attendance, invitations, places, " +
		"training, pathway, supervision, and officials' reads of the caller's data; nothing about anyone else. The ID number is masked."
	huma.Register(api, o, func(ctx context.Context, _ *struct{}) (*exportOutput, error) {
		x, err := svc.Accounts().Export(ctx, actorFrom(ctx))
		if err != nil {
			return nil, err
		}
		return &exportOutput{ContentDisposition: `attachment; filename="wushe-my-data.json"`, CacheControl: "no-store", Body: x}, nil
	})

	o = op("erase-me", http.MethodPost, "/v1/me/deletion", "me",
		"注销账号并删除个人信息 Delete the caller's account and personal data", true, 404, 422, 429)
	o.DefaultStatus = http.StatusNoContent
	o.Description = "以密码或短信验证码确认。删除姓名、手机号、身份证号、监护人、住址位置等个人信息并退出所有登录；" +
		"已核验的服务时长仍计入社区与机构的统计，署名为“已注销用户”。手机号可重新注册。" +
		"Confirmed by password or SMS code. Erases name, phone, ID number, guardian, home and the rest, and ends every login; " +
		"verified hours still count toward the community's and organisation's totals, attributed to 已注销用户. The phone may register again."
	huma.Register(api, o, func(ctx context.Context, in *deletionInput) (*struct{}, error) {
		return nil, svc.Accounts().EraseMe(ctx, actorFrom(ctx), accounts.ErasureConfirmation{Password: in.Body.Password, Code: in.Body.Code, ClientIP: ipFrom(ctx)})
	})
}
