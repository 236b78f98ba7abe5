package service

import (
	"context"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// Grant asks for a person (by phone) to hold a privileged role binding.
type Grant struct {
	Phone, Password, Name string
	Binding               models.RoleBinding
}

// grantableRoles are the roles POST /v1/accounts may give.
var grantableRoles = map[models.Role]bool{
	models.RoleCommunityAdmin: true, models.RoleCivilAffairs: true,
	models.RoleOrgAdmin: true, models.RoleCharityAdmin: true, models.RoleSocialWorker: true,
}

// GrantRole gives a person a privileged role binding. Only civil_affairs may,
// and only inside its own division. A new phone gets a new account (created
// true). An existing account gets the binding at once only when the
// caller's division also covers the person (every scope the account holds;
// see bindsDirectly), shown as HandOver shows it: the phone masked and, of
// its bindings, only the one granted. Otherwise the person is offered the
// role and accepts or declines it (off is returned, nothing changes yet);
// an official of a division the caller does not govern is offered nothing.
func (s *Service) GrantRole(ctx context.Context, actor *Actor, g Grant) (a *models.Account, created bool, off *models.RoleOffer, err error) {
	g.Phone = models.NormalisePhone(g.Phone)
	if err := models.ValidatePhone("body.phone", g.Phone); err != nil {
		return nil, false, nil, err
	}
	scope, err := s.bindingScope(ctx, actor, g.Binding)
	if err != nil {
		return nil, false, nil, err
	}
	existing, err := s.st.Accounts.AccountByPhone(ctx, g.Phone)
	switch {
	case core.IsKind(err, models.KindNotFound):
		existing = nil
	case err != nil:
		return nil, false, nil, err
	default:
		if err := refuseOfficial(actor, existing); err != nil {
			return nil, false, nil, models.E(models.KindForbidden, "不能为该账号分配角色", "this account cannot be given a role by you")
		}
		direct, err := s.bindsDirectly(ctx, actor, scope, existing)
		if err != nil {
			return nil, false, nil, err
		}
		if !direct {
			off, err := s.offerRole(ctx, actor, offer{phone: g.Phone, account: existing, binding: g.Binding,
				scopeName: s.scopeName(ctx, g.Binding), scopeDivision: scope})
			return nil, false, off, err
		}
	}
	if existing == nil {
		// A new account. Should the phone have been registered meanwhile,
		// the caller asks again (and the person is then asked, if need be).
		a, err = s.newGrantedAccount(ctx, g)
		created = true
	} else {
		a, err = s.addRole(ctx, existing.ID, g.Binding)
	}
	if err != nil {
		return nil, false, nil, err
	}
	_ = s.audit(ctx, actor, "account.role_granted", "account:"+a.ID, scope, g.Binding.Key())
	if !created {
		a = masked(a)
		a.Roles, a.WeChatOpenID, a.WeChatUnionID = []models.RoleBinding{g.Binding}, "", ""
	}
	return a, created, nil, nil
}

// scopeName names a binding's scope for the person offered it: the
// organisation, the community or the division.
func (s *Service) scopeName(ctx context.Context, b models.RoleBinding) string {
	if b.OrganisationID != "" {
		if o, err := s.st.Organisations.Organisation(ctx, b.OrganisationID); err == nil {
			return o.Name
		}
	}
	for _, code := range []string{b.CommunityCode, b.DivisionCode} {
		if d, ok := models.LookupDivision(code); ok {
			return d.Name
		}
	}
	return "五社联动平台"
}

// bindingScope checks the binding is well formed and inside one of the
// actor's civil_affairs divisions, and returns the division code it lies in.
func (s *Service) bindingScope(ctx context.Context, actor *Actor, b models.RoleBinding) (string, error) {
	scopes := actor.Bindings(models.RoleCivilAffairs)
	if len(scopes) == 0 {
		return "", models.E(models.KindForbidden, "仅民政部门可以分配角色", "only civil affairs may grant roles")
	}
	if !grantableRoles[b.Role] {
		return "", models.Invalid("body.role", "该角色不能通过此接口分配", "this role cannot be granted here")
	}
	scope, err := s.scopeOf(ctx, b)
	if err != nil {
		return "", err
	}
	for _, sc := range scopes {
		if models.WithinDivision(scope, sc.DivisionCode) {
			return scope, nil
		}
	}
	return "", models.E(models.KindForbidden, "只能在本辖区内分配角色", "you may grant roles only inside your own division")
}

// scopeOf validates a privileged binding and returns the division code it
// lies in: the community, the division, or the organisation's division.
func (s *Service) scopeOf(ctx context.Context, b models.RoleBinding) (string, error) {
	var scope string
	switch b.Role {
	case models.RoleCommunityAdmin:
		if err := models.ValidateDivision("body.communityCode", b.CommunityCode, models.LevelVillage); err != nil {
			return "", err
		}
		scope = b.CommunityCode
	case models.RoleCivilAffairs:
		if err := models.ValidateDivision("body.divisionCode", b.DivisionCode, ""); err != nil {
			return "", err
		}
		if d, _ := models.LookupDivision(b.DivisionCode); d.Level != models.LevelCity && d.Level != models.LevelCounty {
			return "", models.Invalid("body.divisionCode", "民政账号只能绑定市级或县（区）级行政区划", "a civil affairs account binds to the city or one county")
		}
		scope = b.DivisionCode
	default:
		if b.OrganisationID == "" {
			return "", models.Invalid("body.organisationId", "该角色需要指定机构", "this role needs an organisationId")
		}
		o, err := s.st.Organisations.Organisation(ctx, b.OrganisationID)
		if core.IsKind(err, models.KindNotFound) {
			return "", models.Invalid("body.organisationId", "机构不存在", "no such organisation")
		} else if err != nil {
			return "", err
		}
		isCharity := o.Kind == "charity_organisation"
		if b.Role == models.RoleCharityAdmin && !isCharity || b.Role == models.RoleOrgAdmin && isCharity {
			return "", models.Invalid("body.role", "慈善组织的管理员角色为 charity_admin，其他机构为 org_admin", "charity organisations have charity_admin, others org_admin")
		}
		scope = o.DivisionCode
	}
	return scope, nil
}

// newGrantedAccount creates the account of a phone that has none, holding
// the granted binding; models.ErrConflict when the phone was registered
// since it was looked up.
func (s *Service) newGrantedAccount(ctx context.Context, g Grant) (*models.Account, error) {
	var p models.Problems
	core.Collect(&p, models.ValidatePassword("body.password", g.Password))
	core.Collect(&p, models.ValidateName("body.name", g.Name))
	if err := p.Err(); err != nil {
		return nil, err
	}
	a, err := s.createAccount(ctx, g.Phone, g.Password, g.Name, []models.RoleBinding{g.Binding})
	if core.IsKind(err, models.KindConflict) {
		return nil, models.E(models.KindConflict, "该手机号刚刚注册了账号，请重试", "this phone was registered just now; try again")
	}
	return a, err
}

func (s *Service) grant(ctx context.Context, g Grant) (*models.Account, bool, error) {
	existing, err := s.st.Accounts.AccountByPhone(ctx, g.Phone)
	if core.IsKind(err, models.KindNotFound) {
		var p models.Problems
		core.Collect(&p, models.ValidatePassword("body.password", g.Password))
		core.Collect(&p, models.ValidateName("body.name", g.Name))
		if err := p.Err(); err != nil {
			return nil, false, err
		}
		a, err := s.createAccount(ctx, g.Phone, g.Password, g.Name, []models.RoleBinding{g.Binding})
		if !core.IsKind(err, models.KindConflict) {
			return a, err == nil, err
		}
		// Lost a race with another registration of this phone: add the binding to theirs.
		existing, err = s.st.Accounts.AccountByPhone(ctx, g.Phone)
		if err != nil {
			return nil, false, err
		}
	} else if err != nil {
		return nil, false, err
	}
	a, err := s.addRole(ctx, existing.ID, g.Binding)
	return a, false, err
}

// addRole adds a binding under a per-account lock: FerretDB applies updates
// as read-modify-write, so two unserialised role changes could lose one.
// The account's cached gate is replaced in the same step, so the binding
// authorises from the person's next request.
func (s *Service) addRole(ctx context.Context, accountID string, b models.RoleBinding) (*models.Account, error) {
	unlock, err := s.lock(ctx, "account:"+accountID, lockWait)
	if err != nil {
		return nil, err
	}
	defer unlock()
	a, err := s.st.Accounts.AccountByID(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if a.AddRole(b) {
		if err := s.st.Accounts.SetRoles(ctx, a.ID, a.Roles, s.now()); err != nil {
			return nil, err
		}
		s.setAccountGate(ctx, a)
	}
	return a, nil
}

// BootstrapAdmin makes sure a civil_affairs account for division exists with
// this phone: it creates the account, or adds the binding to an existing one.
// Used by `wushe admin create` and WUSHE_BOOTSTRAP_ADMIN_*; no actor needed.
func (s *Service) BootstrapAdmin(ctx context.Context, phone, password, name, division string) (*models.Account, bool, error) {
	phone = models.NormalisePhone(phone)
	if err := models.ValidatePhone("phone", phone); err != nil {
		return nil, false, err
	}
	if err := models.ValidateDivision("division", division, ""); err != nil {
		return nil, false, err
	}
	if name == "" {
		name = "民政管理员"
	}
	return s.grant(ctx, Grant{Phone: phone, Password: password, Name: name,
		Binding: models.RoleBinding{Role: models.RoleCivilAffairs, DivisionCode: division}})
}

// AccountChangeStore changes accounts after they are created, and keeps
// the unique claims that name them (phones, WeChat openids). Callers hold
// the account's lock ("account:"+id) around every read-modify-write.
type AccountChangeStore interface {
	// SaveAccount writes a's mutable fields (name, phone, password hash,
	// roles, status, WeChat ids, TokensNotBefore, UpdatedAt);
	// models.ErrNotFound when there is no such account.
	SaveAccount(ctx context.Context, a *models.Account) error
	// ClaimPhone records that accountID holds phone, by a unique insert:
	// models.ErrConflict when another account holds it; claiming one's own
	// again succeeds.
	ClaimPhone(ctx context.Context, phone, accountID string, at time.Time) error
	// ReleasePhone gives up accountID's claim of phone (no-op when it holds none).
	ReleasePhone(ctx context.Context, phone, accountID string) error
	// AccountsWithBinding lists the accounts that hold binding b.
	AccountsWithBinding(ctx context.Context, b models.RoleBinding) ([]*models.Account, error)
	// SetMemberPhones updates the copies of the account's phone in its
	// organisation memberships (after a phone change).
	SetMemberPhones(ctx context.Context, accountID, phone string) error
	// ClaimWeChat binds an openid to accountID by a unique insert keyed by
	// the openid: models.ErrConflict when another account has it; binding
	// one's own again succeeds.
	ClaimWeChat(ctx context.Context, id models.WeChatIdentity, accountID string, at time.Time) error
	// WeChatAccount returns the id of the account bound to openid;
	// models.ErrNotFound when none is.
	WeChatAccount(ctx context.Context, openid string) (string, error)
	// ReleaseWeChat removes accountID's binding of openid (no-op when absent).
	ReleaseWeChat(ctx context.Context, openid, accountID string) error
	// RemoveMembership ends accountID's membership of organisation orgID in
	// role, when that binding is taken away (no-op when absent).
	RemoveMembership(ctx context.Context, orgID, accountID string, role models.Role) error
}

// PhoneChange moves the caller's account to a new phone, proven by the
// code sent to that phone (purpose change_phone).
type PhoneChange struct {
	Phone, Code string
	Password    string // the current password: required when the account has one
	ClientIP    string
}

// ChangePhone moves the caller's account to a new phone. The new number is
// claimed by a unique insert before the account changes, so two accounts
// can never end up with one phone; the old number is then free for others.
func (s *Service) ChangePhone(ctx context.Context, actor *Actor, c PhoneChange) (*models.Account, error) {
	c.Phone = models.NormalisePhone(c.Phone)
	var p models.Problems
	core.Collect(&p, models.ValidatePhone("body.phone", c.Phone))
	core.Collect(&p, models.ValidateCode("body.code", c.Code))
	if err := p.Err(); err != nil {
		return nil, err
	}
	cur, err := s.st.Accounts.AccountByID(ctx, actor.AccountID)
	if err != nil {
		return nil, err
	}
	if cur.HasPassword() {
		// The person, not only their token: a stolen access token would
		// otherwise move the account to the thief's phone, then reset it.
		limits := s.loginLimits(Credentials{Phone: cur.Phone, ClientIP: c.ClientIP})
		if err := s.checkLimits(ctx, limits); err != nil {
			return nil, err
		}
		if c.Password == "" || !CheckPassword(cur.PasswordHash, c.Password) {
			s.countFailure(ctx, limits)
			return nil, models.Invalid("body.password", "请输入正确的当前密码", "give your current password")
		}
	}
	if err := s.verifyCode(ctx, c.Phone, models.PurposeChangePhone, c.Code, "body.code"); err != nil {
		return nil, err
	}
	old := ""
	a, err := s.changedAccount(ctx, actor.AccountID, func(a *models.Account, now time.Time) (string, error) {
		if a.Status == models.AccountErased {
			return "", core.ErrNotFound
		}
		if a.Phone == c.Phone {
			return "", nil
		}
		if err := s.st.AccountChanges.ClaimPhone(ctx, c.Phone, a.ID, now); err != nil {
			if core.IsKind(err, models.KindConflict) {
				return "", &models.Error{Kind: models.KindConflict, Zh: "该手机号已被其他账号使用", En: "another account has this phone number",
					Fields: []models.FieldError{{Field: "body.phone", Zh: "该手机号已被其他账号使用", En: "another account has this phone number"}}}
			}
			return "", err
		}
		old, a.Phone = a.Phone, c.Phone
		return "", nil
	})
	if err != nil {
		// A claim of the new number made before a failed save stays with
		// this account, so the move can simply be retried.
		return nil, err
	}
	if old != "" {
		// Member rolls show the new number, not one that may soon be someone else's.
		if err := s.st.AccountChanges.SetMemberPhones(ctx, a.ID, a.Phone); err != nil {
			s.log.WarnContext(ctx, "member rolls still show the old phone", "account", a.ID, "err", err)
		}
		// Only now, with the account saved under its new number, is the old one free.
		if err := s.st.AccountChanges.ReleasePhone(ctx, old, a.ID); err != nil {
			s.log.WarnContext(ctx, "old phone not released; it stays unusable until released", "account", a.ID, "err", err)
		}
	}
	return a, nil
}
