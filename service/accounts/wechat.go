package accounts

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// WeChatClient exchanges a mini-program login code (from wx.login) for the
// user's identity (adapters/wechat.API). A code WeChat refuses is a
// models.KindUnauthorized error; a WeChat that cannot be reached,
// models.KindUnavailable.
type WeChatClient interface {
	Code2Session(ctx context.Context, code string) (*models.WeChatIdentity, error)
}

var (
	errWeChatOff        = models.E(models.KindUnavailable, "未配置微信登录", "WeChat login is not configured")
	errWeChatTicket     = models.E(models.KindUnauthorized, "绑定凭证无效或已过期，请重新微信登录", "the binding ticket is invalid or expired; log in with WeChat again")
	errWeChatTaken      = models.E(models.KindConflict, "该微信已绑定其他账号", "this WeChat user is bound to another account")
	errAccountHasWeChat = models.E(models.KindConflict, "该账号已绑定其他微信", "this account is bound to another WeChat user")
	errDeactivated      = models.E(models.KindForbidden, "账号已停用", "this account is deactivated").WithCode(models.CodeAccountDeactivated)
)

// WeChatLogin is the answer to a WeChat login: tokens when the WeChat user
// is bound to an account, otherwise a ticket to bind one with a verified phone.
type WeChatLogin struct {
	Tokens          *Tokens
	Ticket          string
	TicketExpiresIn time.Duration
}

// wechatTicket is what a binding ticket stands for (kept in Redis under
// the ticket's hash, never the ticket).
type wechatTicket struct {
	OpenID  string    `json:"openid"`
	UnionID string    `json:"unionid,omitempty"`
	Expires time.Time `json:"exp"`
}

// LoginWithWeChat exchanges a mini-program login code. The account bound
// to the WeChat user gets tokens, like a password login; an unknown WeChat
// user gets a binding ticket (random, valid models.WeChatTicketTTL) to
// present with a verified phone to BindWeChat. Attempts are limited per
// client IP like logins.
func (s *Service) LoginWithWeChat(ctx context.Context, code, clientIP string) (*WeChatLogin, error) {
	if code == "" || len(code) > 128 {
		return nil, models.Invalid("code", "微信登录凭证无效", "invalid WeChat login code")
	}
	if s.cfg.WeChat == nil {
		return nil, errWeChatOff
	}
	if err := s.d.Limit(ctx, "wechat:ip:"+clientIP, s.cfg.LoginLimitIP, s.cfg.LoginWindow); err != nil {
		return nil, err
	}
	id, err := s.cfg.WeChat.Code2Session(ctx, code)
	if err != nil {
		return nil, err
	}
	accountID, err := s.st.AccountChanges.WeChatAccount(ctx, id.OpenID)
	switch {
	case err == nil:
		a, err := s.st.Accounts.AccountByID(ctx, accountID)
		if err != nil {
			return nil, err
		}
		if a.Status != models.AccountActive {
			return nil, errDeactivated
		}
		t, err := s.startLogin(ctx, a)
		if err != nil {
			return nil, err
		}
		return &WeChatLogin{Tokens: t}, nil
	case !core.IsKind(err, models.KindNotFound):
		return nil, err
	}
	ticket := newRefreshSecret()
	v, _ := json.Marshal(wechatTicket{OpenID: id.OpenID, UnionID: id.UnionID, Expires: s.d.Now().Add(models.WeChatTicketTTL)})
	if err := s.st.Codes.PutTicket(ctx, s.ticketHash(ticket), string(v), models.WeChatTicketTTL); err != nil {
		return nil, models.ErrUnavailable.Wrap(err)
	}
	return &WeChatLogin{Ticket: ticket, TicketExpiresIn: models.WeChatTicketTTL}, nil
}

func (s *Service) ticketHash(ticket string) string { return s.keyedHash("wechat-ticket", ticket) }

// startLogin starts a login family for a and issues its first tokens.
func (s *Service) startLogin(ctx context.Context, a *models.Account) (*Tokens, error) {
	now := s.d.Now()
	fam := &models.LoginFamily{ID: core.NewID(), AccountID: a.ID, CreatedAt: now}
	if err := s.st.Sessions.CreateFamily(ctx, fam); err != nil {
		return nil, err
	}
	return s.issue(ctx, a, fam.ID, 1, now)
}

// WeChatBind binds the WeChat user of a ticket to the account of a phone
// proven by its code (purpose bind_wechat); a phone without an account gets
// a new volunteer account, named Name ("微信用户" by default), with Password
// if given (otherwise it logs in by WeChat, or sets one by SMS).
type WeChatBind struct {
	Ticket, Phone, Code, Name, Password string
}

// BindWeChat links the ticket's WeChat user to an account and logs it in.
// The openid is claimed by a unique insert before any account is created
// or changed, so however many binds of one WeChat user race, one account
// gets it and no other account is created.
func (s *Service) BindWeChat(ctx context.Context, b WeChatBind) (*Tokens, error) {
	b.Phone = models.NormalisePhone(b.Phone)
	b.Name = strings.TrimSpace(b.Name)
	var p models.Problems
	if b.Ticket == "" || len(b.Ticket) > 200 {
		p.Add("ticket", "绑定凭证无效", "invalid ticket")
	}
	core.Collect(&p, models.ValidatePhone("phone", b.Phone))
	core.Collect(&p, models.ValidateCode("code", b.Code))
	if b.Name != "" {
		core.Collect(&p, models.ValidateName("name", b.Name))
	}
	if b.Password != "" {
		core.Collect(&p, models.ValidatePassword("password", b.Password))
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if s.cfg.WeChat == nil {
		return nil, errWeChatOff
	}
	th := s.ticketHash(b.Ticket)
	raw, err := s.st.Codes.Ticket(ctx, th)
	if err != nil {
		return nil, models.ErrUnavailable.Wrap(err)
	}
	var t wechatTicket
	if raw == "" || json.Unmarshal([]byte(raw), &t) != nil || t.OpenID == "" || !s.d.Now().Before(t.Expires) {
		return nil, errWeChatTicket
	}
	if err := s.verifyCode(ctx, b.Phone, models.PurposeBindWeChat, b.Code, "code"); err != nil {
		return nil, err
	}
	id := models.WeChatIdentity{OpenID: t.OpenID, UnionID: t.UnionID}
	a, err := s.st.Accounts.AccountByPhone(ctx, b.Phone)
	switch {
	case err == nil:
		a, err = s.linkWeChat(ctx, a.ID, id)
	case core.IsKind(err, models.KindNotFound):
		a, err = s.createWeChatAccount(ctx, b, id)
	}
	if err != nil {
		return nil, err
	}
	if err := s.st.Codes.DeleteTicket(ctx, th); err != nil {
		s.d.Log.WarnContext(ctx, "binding ticket not deleted; it lapses by itself", "err", err)
	}
	return s.startLogin(ctx, a)
}

// linkWeChat binds the WeChat user to an existing account.
func (s *Service) linkWeChat(ctx context.Context, accountID string, id models.WeChatIdentity) (*models.Account, error) {
	return s.ChangedAccount(ctx, accountID, func(a *models.Account, now time.Time) (string, error) {
		if a.Status != models.AccountActive {
			return "", errDeactivated
		}
		if a.WeChatOpenID != "" && a.WeChatOpenID != id.OpenID {
			return "", errAccountHasWeChat
		}
		if err := s.st.AccountChanges.ClaimWeChat(ctx, id, a.ID, now); err != nil {
			if core.IsKind(err, models.KindConflict) {
				return "", errWeChatTaken
			}
			return "", err
		}
		a.WeChatOpenID, a.WeChatUnionID = id.OpenID, id.UnionID
		return "", nil
	})
}

// createWeChatAccount claims the openid for a new account id, then creates
// the account; if the phone turns out taken, the claim is given back.
func (s *Service) createWeChatAccount(ctx context.Context, b WeChatBind, id models.WeChatIdentity) (*models.Account, error) {
	hash := ""
	if b.Password != "" {
		var err error
		if hash, err = HashPassword(b.Password, s.cfg.Password); err != nil {
			return nil, models.Internal("hash password: %w", err)
		}
	}
	name := b.Name
	if name == "" {
		name = "微信用户"
	}
	now := s.d.Now()
	a := &models.Account{ID: core.NewID(), Phone: b.Phone, Name: name, PasswordHash: hash, Roles: []models.RoleBinding{{Role: models.RoleVolunteer}},
		Status: models.AccountActive, WeChatOpenID: id.OpenID, WeChatUnionID: id.UnionID, CreatedAt: now, UpdatedAt: now}
	if err := s.st.AccountChanges.ClaimWeChat(ctx, id, a.ID, now); err != nil {
		if core.IsKind(err, models.KindConflict) {
			return nil, errWeChatTaken
		}
		return nil, err
	}
	if err := s.st.Accounts.CreateAccount(ctx, a); err != nil {
		_ = s.st.AccountChanges.ReleaseWeChat(context.WithoutCancel(ctx), id.OpenID, a.ID)
		if core.IsKind(err, models.KindConflict) {
			return nil, errPhoneTaken
		}
		return nil, err
	}
	return a, nil
}
