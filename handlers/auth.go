package handlers

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/accounts"
)

type actorKey struct{}

// bearer is the security requirement of operations that need a login.
var bearer = []map[string][]string{{"bearer": {}}}

// authenticate checks the bearer token of every operation that declares the
// bearer requirement and puts the actor into the request's context.
func (a *App) authenticate(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		h := ctx.Header("Authorization")
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if len(ctx.Operation().Security) == 0 {
			// A public operation: a valid token makes the caller known (an
			// organisation's admin sees its contact phone); a missing or
			// stale one leaves the caller anonymous.
			known := false
			if ok && tok != "" {
				if actor, err := a.svc.Accounts().Authenticate(ctx.Context(), tok); err == nil {
					ctx = huma.WithValue(ctx, actorKey{}, actor)
					known = true
				}
			}
			// Anonymous reads are limited per client IP (the static
			// vocabularies and divisions excepted: they need no store).
			if !known && ctx.Method() == http.MethodGet && !staticPath(ctx.Operation().Path) {
				if err := a.svc.LimitAnonymous(ctx.Context(), ipFrom(ctx.Context())); err != nil {
					_ = huma.WriteErr(api, ctx, http.StatusTooManyRequests, "", err)
					return
				}
			}
			next(ctx)
			return
		}
		if !ok || tok == "" {
			_ = huma.WriteErr(api, ctx, http.StatusUnauthorized, "",
				models.E(models.KindUnauthorized, "缺少访问令牌（Authorization: Bearer …）", "missing bearer access token").WithCode(models.CodeTokenMissing))
			return
		}
		actor, err := a.svc.Accounts().Authenticate(ctx.Context(), tok)
		if err != nil {
			_ = huma.WriteErr(api, ctx, http.StatusUnauthorized, "", err)
			return
		}
		next(huma.WithValue(ctx, actorKey{}, actor))
	}
}

// staticPath reports whether an operation answers from memory only.
func staticPath(path string) bool {
	return strings.HasPrefix(path, "/v1/meta/") || path == "/v1/divisions" || path == "/v1/divisions/{code}"
}

// actorFrom returns the authenticated caller; operations with the bearer
// requirement always have one.
func actorFrom(ctx context.Context) *service.Actor {
	a, _ := ctx.Value(actorKey{}).(*service.Actor)
	if a == nil {
		panic("handlers: operation without the bearer requirement asked for an actor")
	}
	return a
}

// actorOrNil returns the caller of a public operation, if they sent a valid token.
func actorOrNil(ctx context.Context) *service.Actor {
	a, _ := ctx.Value(actorKey{}).(*service.Actor)
	return a
}

// RoleBindingDTO is one role an account holds, with its scope.
type RoleBindingDTO struct {
	Role           string `json:"role" doc:"角色 Role code (see /v1/meta/vocabularies roles)"`
	CommunityCode  string `json:"communityCode,omitempty" doc:"社区（村）级行政区划代码 Village-level division code"`
	DivisionCode   string `json:"divisionCode,omitempty" doc:"行政区划代码 Division code"`
	OrganisationID string `json:"organisationId,omitempty"`
	CompetitionID  string `json:"competitionId,omitempty"`
}

// AccountDTO is an account as its owner (or an official) sees it.
type AccountDTO struct {
	ID          string           `json:"id"`
	Phone       string           `json:"phone"`
	Name        string           `json:"name"`
	Roles       []RoleBindingDTO `json:"roles"`
	Status      string           `json:"status" enum:"active,deactivated,erased"`
	WeChatBound bool             `json:"wechatBound" doc:"已绑定微信小程序 Bound to a WeChat mini-program user"`
	CreatedAt   time.Time        `json:"createdAt"`
}

func accountDTO(a *models.Account) AccountDTO {
	d := AccountDTO{ID: a.ID, Phone: a.Phone, Name: a.Name, Status: string(a.Status), WeChatBound: a.WeChatOpenID != "", CreatedAt: a.CreatedAt,
		Roles: make([]RoleBindingDTO, 0, len(a.Roles))}
	for _, r := range a.Roles {
		d.Roles = append(d.Roles, RoleBindingDTO{Role: string(r.Role), CommunityCode: r.CommunityCode,
			DivisionCode: r.DivisionCode, OrganisationID: r.OrganisationID, CompetitionID: r.CompetitionID})
	}
	return d
}

type registerInput struct {
	Body struct {
		Phone    string `json:"phone" pattern:"^1[3-9][0-9]{9}$" patternDescription:"11 位大陆手机号 (11-digit mainland mobile number)" doc:"大陆手机号 Mainland mobile number, 11 digits" example:"13800138000"`
		Password string `json:"password" minLength:"8" maxLength:"128" doc:"至少 8 位且不能全为数字 At least 8 characters, not all digits" writeOnly:"true"`
		Name     string `json:"name" minLength:"1" maxLength:"50" doc:"姓名 Name"`
		Code     string `json:"code,omitempty" pattern:"^[0-9]{6}$" patternDescription:"6 位数字 (6 digits)" doc:"发送到该手机的短信验证码（用途 register）The SMS code sent to the phone (purpose register)" writeOnly:"true"`
	}
}

type accountOutput struct {
	Body AccountDTO
}

type loginInput struct {
	Body struct {
		Phone    string `json:"phone" pattern:"^1[3-9][0-9]{9}$" patternDescription:"11 位大陆手机号 (11-digit mainland mobile number)" doc:"大陆手机号 Mainland mobile number" example:"13800138000"`
		Password string `json:"password" minLength:"1" maxLength:"128" writeOnly:"true"`
	}
}

// TokensDTO is the answer to a login or a refresh.
type TokensDTO struct {
	AccessToken  string     `json:"accessToken" doc:"JWT，放在 Authorization: Bearer 中 Send as Authorization: Bearer"`
	RefreshToken string     `json:"refreshToken" doc:"只能使用一次；重复使用将注销整个登录 Single use; reusing it revokes the whole login"`
	TokenType    string     `json:"tokenType" example:"Bearer"`
	ExpiresIn    int        `json:"expiresIn" doc:"访问令牌有效秒数 Access token lifetime in seconds"`
	Account      AccountDTO `json:"account"`
}

type tokensOutput struct {
	Body TokensDTO
}

func tokensDTO(t *accounts.Tokens) *tokensOutput {
	return &tokensOutput{Body: TokensDTO{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, TokenType: "Bearer",
		ExpiresIn: int(t.ExpiresIn / time.Second), Account: accountDTO(t.Account)}}
}

type refreshInput struct {
	Body struct {
		RefreshToken string `json:"refreshToken" minLength:"1" maxLength:"200" writeOnly:"true"`
	}
}

type grantInput struct {
	Body struct {
		Phone          string `json:"phone" pattern:"^1[3-9][0-9]{9}$" patternDescription:"11 位大陆手机号 (11-digit mainland mobile number)" doc:"大陆手机号 Mainland mobile number"`
		Password       string `json:"password,omitempty" maxLength:"128" doc:"新账号的初始密码；已有账号时忽略 Initial password of a new account; ignored for an existing one" writeOnly:"true"`
		Name           string `json:"name,omitempty" maxLength:"50"`
		Role           string `json:"role" enum:"community_admin,civil_affairs,org_admin,charity_admin,social_worker"`
		CommunityCode  string `json:"communityCode,omitempty" pattern:"^[0-9]{12}$" doc:"community_admin：社区（村）级 12 位代码 12-digit village-level code"`
		DivisionCode   string `json:"divisionCode,omitempty" pattern:"^[0-9]{4,12}$" doc:"civil_affairs：市或县（区）代码 City or county code"`
		OrganisationID string `json:"organisationId,omitempty" maxLength:"64"`
	}
}

// grantOutput is the account (201 created, 200 given the binding) or the
// offer made to its person (202, RoleOfferDTO).
type grantOutput struct {
	Status int
	Body   any
}

func registerAuth(api huma.API, svc *service.Service) {
	huma.Register(api, huma.Operation{
		OperationID: "register", Method: http.MethodPost, Path: "/v1/auth/register", Tags: []string{"auth"},
		Summary:       "注册志愿者账号 Register a volunteer account",
		Description:   "需先获取短信验证码（POST /v1/auth/sms-codes，用途 register）。Needs the SMS code sent to the phone first (POST /v1/auth/sms-codes, purpose register).",
		DefaultStatus: http.StatusCreated, MaxBodyBytes: 16 << 10,
		Errors: []int{409, 422, 429},
	}, func(ctx context.Context, in *registerInput) (*accountOutput, error) {
		a, err := svc.Accounts().Register(ctx, accounts.Registration{Phone: in.Body.Phone, Password: in.Body.Password, Name: in.Body.Name, Code: in.Body.Code})
		if err != nil {
			return nil, err
		}
		return &accountOutput{Body: accountDTO(a)}, nil
	})
	if !svc.Accounts().CodelessRegistration() {
		requireBodyField(api, "/v1/auth/register", "code") // as everywhere but embedded demos
	}

	huma.Register(api, huma.Operation{
		OperationID: "login", Method: http.MethodPost, Path: "/v1/auth/login", Tags: []string{"auth"},
		Summary:      "手机号密码登录 Log in with phone and password",
		MaxBodyBytes: 16 << 10, Errors: []int{401, 403, 422, 429},
	}, func(ctx context.Context, in *loginInput) (*tokensOutput, error) {
		ip := ipFrom(ctx)
		t, err := svc.Accounts().Login(ctx, accounts.Credentials{Phone: in.Body.Phone, Password: in.Body.Password, ClientIP: ip})
		if err != nil {
			return nil, err
		}
		return tokensDTO(t), nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "login-with-code", Method: http.MethodPost, Path: "/v1/auth/code-login", Tags: []string{"auth"},
		Summary: "短信验证码登录 Log in with an SMS code",
		Description: "先以用途 login 获取验证码（POST /v1/auth/sms-codes；未注册的手机号不会收到短信，答复相同）。验证码的尝试次数受限；密码错误次数不影响验证码登录。" +
			"First request a code with purpose login (POST /v1/auth/sms-codes; a phone with no account gets no SMS, and the same answer). " +
			"The code's tries are limited; wrong passwords do not hold an SMS-code log-in. " +
			"管理资金或监管的账号（慈善组织管理员、民政部门）须用密码登录（403）。 Accounts holding charity_admin or civil_affairs log in with their password (403).",
		MaxBodyBytes: 4 << 10, Errors: []int{403, 422, 429, 503},
	}, func(ctx context.Context, in *codeLoginInput) (*tokensOutput, error) {
		t, err := svc.Accounts().LoginWithCode(ctx, accounts.CodeLogin{Phone: in.Body.Phone, Code: in.Body.Code, ClientIP: ipFrom(ctx)})
		if err != nil {
			return nil, err
		}
		return tokensDTO(t), nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "refresh", Method: http.MethodPost, Path: "/v1/auth/refresh", Tags: []string{"auth"},
		Summary:      "轮换刷新令牌 Rotate the refresh token",
		Description:  "返回新的令牌对；旧刷新令牌失效。重复使用已用过的刷新令牌会注销该次登录的全部令牌。Returns a new pair; the old refresh token stops working. Presenting a used refresh token revokes every token of that login.",
		MaxBodyBytes: 16 << 10, Errors: []int{401, 422},
	}, func(ctx context.Context, in *refreshInput) (*tokensOutput, error) {
		t, err := svc.Accounts().Refresh(ctx, in.Body.RefreshToken)
		if err != nil {
			return nil, err
		}
		return tokensDTO(t), nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "logout", Method: http.MethodPost, Path: "/v1/auth/logout", Tags: []string{"auth"},
		Summary:  "退出当前登录 Log out (revoke this login)",
		Security: bearer, DefaultStatus: http.StatusNoContent, Errors: []int{401},
	}, func(ctx context.Context, _ *struct{}) (*struct{}, error) {
		return nil, svc.Accounts().Logout(ctx, actorFrom(ctx))
	})

	huma.Register(api, huma.Operation{
		OperationID: "me", Method: http.MethodGet, Path: "/v1/me", Tags: []string{"auth"},
		Summary:  "当前账号及其角色 The caller's account and roles",
		Security: bearer, Errors: []int{401},
	}, func(ctx context.Context, _ *struct{}) (*accountOutput, error) {
		a, err := svc.Accounts().Me(ctx, actorFrom(ctx))
		if err != nil {
			return nil, err
		}
		return &accountOutput{Body: accountDTO(a)}, nil
	})

	grantOp := huma.Operation{
		OperationID: "grant-role", Method: http.MethodPost, Path: "/v1/accounts", Tags: []string{"accounts"},
		Summary: "分配管理角色（民政部门）Grant a privileged role (civil affairs)",
		Description: "新手机号创建账号（201）。已有账号：若本辖区也管辖该账号的全部范围则直接追加角色（200，忽略密码），否则向本人发出邀请，本人接受后生效（202）。" +
			"不能为其他辖区的民政官员分配角色（403）。只能在本辖区内分配。" +
			"A new phone gets a new account (201). An existing account gets the binding at once when the caller's division also covers every scope the account holds " +
			"(200, password ignored); otherwise the person is offered the role and it takes effect when they accept (202). " +
			"An official of a division the caller does not govern gets nothing (403). Only inside the caller's division.",
		Security: bearer, DefaultStatus: http.StatusCreated, MaxBodyBytes: 16 << 10,
		Errors: []int{401, 403, 409, 422},
	}
	huma.Register(api, offeredOr(api, grantOp, "已向本人发出邀请，接受后生效 The person was offered the role; it takes effect when they accept",
		map[int]reflect.Type{http.StatusCreated: reflect.TypeOf(AccountDTO{}), http.StatusOK: reflect.TypeOf(AccountDTO{})}),
		func(ctx context.Context, in *grantInput) (*grantOutput, error) {
			b := in.Body
			a, created, off, err := svc.Roles().GrantRole(ctx, actorFrom(ctx), accounts.Grant{Phone: b.Phone, Password: b.Password, Name: b.Name,
				Binding: models.RoleBinding{Role: models.Role(b.Role), CommunityCode: b.CommunityCode, DivisionCode: b.DivisionCode, OrganisationID: b.OrganisationID}})
			if err != nil {
				return nil, err
			}
			if off != nil {
				return &grantOutput{Status: http.StatusAccepted, Body: roleOfferDTO(off)}, nil
			}
			st := http.StatusOK
			if created {
				st = http.StatusCreated
			}
			return &grantOutput{Status: st, Body: accountDTO(a)}, nil
		})

	registerPhoneCodes(api, svc)
	registerWeChat(api, svc)
}

type smsCodeInput struct {
	Body struct {
		Phone   string `json:"phone" pattern:"^1[3-9][0-9]{9}$" patternDescription:"11 位大陆手机号 (11-digit mainland mobile number)" doc:"接收验证码的手机号 The phone to send the code to" example:"13800138000"`
		Purpose string `json:"purpose" enum:"register,login,reset_password,change_phone,bind_wechat,delete_account" doc:"用途；一个用途的验证码不能用于其他用途 What the code is for; a code works for its purpose only"`
	}
}

type smsCodeOutput struct {
	Body struct {
		ExpiresIn   int `json:"expiresIn" doc:"验证码有效秒数 Seconds the code is valid"`
		ResendAfter int `json:"resendAfter" doc:"多少秒后可再次获取 Seconds before another code may be requested"`
	}
}

type codeLoginInput struct {
	Body struct {
		Phone string `json:"phone" pattern:"^1[3-9][0-9]{9}$" patternDescription:"11 位大陆手机号 (11-digit mainland mobile number)"`
		Code  string `json:"code" pattern:"^[0-9]{6}$" patternDescription:"6 位数字 (6 digits)" doc:"用途 login 的短信验证码 The SMS code (purpose login)" writeOnly:"true"`
	}
}

type passwordResetInput struct {
	Body struct {
		Phone       string `json:"phone" pattern:"^1[3-9][0-9]{9}$" patternDescription:"11 位大陆手机号 (11-digit mainland mobile number)"`
		Code        string `json:"code" pattern:"^[0-9]{6}$" patternDescription:"6 位数字 (6 digits)" doc:"用途 reset_password 的短信验证码 The SMS code (purpose reset_password)" writeOnly:"true"`
		NewPassword string `json:"newPassword" minLength:"8" maxLength:"128" doc:"至少 8 位且不能全为数字 At least 8 characters, not all digits" writeOnly:"true"`
	}
}

func registerPhoneCodes(api huma.API, svc *service.Service) {
	huma.Register(api, huma.Operation{
		OperationID: "request-sms-code", Method: http.MethodPost, Path: "/v1/auth/sms-codes", Tags: []string{"auth"},
		Summary: "发送短信验证码 Send an SMS verification code",
		Description: "6 位验证码，5 分钟内有效，每个客户端最多尝试 5 次（全部客户端合计 10 次）；按 IP、按手机号与 IP、按手机号限频，" +
			"曾从该 IP 登录过的用户不受手机号总限额影响。答复从不透露手机号是否已注册：已注册的手机号申请注册（或改绑）时收到“已有账号”提示短信而非验证码；" +
			"验证码登录、找回密码或注销时，未注册的手机号不会收到短信；答复均相同。" +
			"A 6-digit code, valid 5 minutes, at most 5 tries per client (10 in all); limited per client IP, per phone and client IP, and per phone " +
			"(a client that has logged in to the phone's account is not held by the per-phone bound). The answer never tells whether the phone " +
			"has an account: a registration (or a move) to a registered phone sends it a notice that it has an account instead of a code; " +
			"for login, reset_password and delete_account, a phone with no account gets no SMS; the answer is the same.",
		DefaultStatus: http.StatusAccepted, MaxBodyBytes: 4 << 10, Errors: []int{422, 429, 503},
	}, func(ctx context.Context, in *smsCodeInput) (*smsCodeOutput, error) {
		sent, err := svc.Accounts().RequestCode(ctx, accounts.CodeRequest{Phone: in.Body.Phone, Purpose: models.CodePurpose(in.Body.Purpose), ClientIP: ipFrom(ctx)})
		if err != nil {
			return nil, err
		}
		out := &smsCodeOutput{}
		out.Body.ExpiresIn, out.Body.ResendAfter = int(sent.ExpiresIn/time.Second), int(sent.ResendAfter/time.Second)
		return out, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "reset-password", Method: http.MethodPost, Path: "/v1/auth/password-reset", Tags: []string{"auth"},
		Summary:       "短信验证码重设密码 Reset the password with an SMS code",
		Description:   "重设后该账号的所有登录立即失效。Every login of the account ends at once.",
		DefaultStatus: http.StatusNoContent, MaxBodyBytes: 4 << 10, Errors: []int{422, 429},
	}, func(ctx context.Context, in *passwordResetInput) (*struct{}, error) {
		return nil, svc.Accounts().ResetPassword(ctx, accounts.PasswordReset{Phone: in.Body.Phone, Code: in.Body.Code, NewPassword: in.Body.NewPassword})
	})
}

type wechatLoginInput struct {
	Body struct {
		Code string `json:"code" minLength:"1" maxLength:"128" doc:"小程序 wx.login 返回的 code The code from wx.login" writeOnly:"true"`
	}
}

// WeChatLoginDTO is the answer to a WeChat login: tokens when the WeChat
// user is bound to an account, otherwise a binding ticket.
type WeChatLoginDTO struct {
	Bound           bool       `json:"bound" doc:"已绑定账号：tokens 有值；否则用 ticket 绑定手机号 Bound: tokens are set; otherwise bind a phone with the ticket"`
	Tokens          *TokensDTO `json:"tokens,omitempty"`
	Ticket          string     `json:"ticket,omitempty" doc:"绑定凭证，10 分钟内有效 Binding ticket, valid 10 minutes"`
	TicketExpiresIn int        `json:"ticketExpiresIn,omitempty"`
}

type wechatLoginOutput struct {
	Body WeChatLoginDTO
}

type wechatBindInput struct {
	Body struct {
		Ticket   string `json:"ticket" minLength:"1" maxLength:"200" writeOnly:"true"`
		Phone    string `json:"phone" pattern:"^1[3-9][0-9]{9}$" patternDescription:"11 位大陆手机号 (11-digit mainland mobile number)"`
		Code     string `json:"code" pattern:"^[0-9]{6}$" patternDescription:"6 位数字 (6 digits)" doc:"用途 bind_wechat 的短信验证码 The SMS code (purpose bind_wechat)" writeOnly:"true"`
		Name     string `json:"name,omitempty" maxLength:"50" doc:"新账号的姓名（默认“微信用户”）Name of a new account"`
		Password string `json:"password,omitempty" maxLength:"128" doc:"新账号的密码（可选）Password of a new account (optional)" writeOnly:"true"`
	}
}

func registerWeChat(api huma.API, svc *service.Service) {
	huma.Register(api, huma.Operation{
		OperationID: "wechat-login", Method: http.MethodPost, Path: "/v1/auth/wechat", Tags: []string{"auth"},
		Summary: "微信小程序登录 Log in with a WeChat mini-program code",
		Description: "以 wx.login 的 code 换取身份：已绑定账号则返回令牌，否则返回绑定凭证（POST /v1/auth/wechat/bind）。" +
			"Exchanges a wx.login code: a bound WeChat user gets tokens, an unknown one a ticket to bind a phone (POST /v1/auth/wechat/bind).",
		MaxBodyBytes: 4 << 10, Errors: []int{401, 403, 422, 429, 503},
	}, func(ctx context.Context, in *wechatLoginInput) (*wechatLoginOutput, error) {
		l, err := svc.Accounts().LoginWithWeChat(ctx, in.Body.Code, ipFrom(ctx))
		if err != nil {
			return nil, err
		}
		out := &wechatLoginOutput{}
		if l.Tokens != nil {
			out.Body.Bound, out.Body.Tokens = true, &tokensDTO(l.Tokens).Body
		} else {
			out.Body.Ticket, out.Body.TicketExpiresIn = l.Ticket, int(l.TicketExpiresIn/time.Second)
		}
		return out, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "wechat-bind", Method: http.MethodPost, Path: "/v1/auth/wechat/bind", Tags: []string{"auth"},
		Summary: "以验证过的手机号绑定微信 Bind the WeChat user to a verified phone",
		Description: "该手机号已有账号则绑定到该账号，否则新建志愿者账号；返回令牌。一个微信用户只能绑定一个账号。" +
			"Links the account of the phone, or creates a volunteer account for it, and logs it in. A WeChat user binds to one account only.",
		MaxBodyBytes: 4 << 10, Errors: []int{401, 403, 409, 422, 503},
	}, func(ctx context.Context, in *wechatBindInput) (*tokensOutput, error) {
		b := in.Body
		t, err := svc.Accounts().BindWeChat(ctx, accounts.WeChatBind{Ticket: b.Ticket, Phone: b.Phone, Code: b.Code, Name: b.Name, Password: b.Password})
		if err != nil {
			return nil, err
		}
		return tokensDTO(t), nil
	})
}

type clientIPKey struct{}

// ipFrom is the caller's address: X-Forwarded-For only from a trusted proxy (Fiber's check).
func ipFrom(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return ip
}
