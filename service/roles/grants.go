package roles

import (
	"context"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/accounts"
	"github.com/wushe/wushe/service/core"
)

// Granting a privileged role (POST /v1/accounts) binds directly or makes
// an offer (see offers.go); the accounts domain creates the account or
// adds the binding.

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
func (s *Service) GrantRole(ctx context.Context, actor *Actor, g accounts.Grant) (a *models.Account, created bool, off *models.RoleOffer, err error) {
	g.Phone = models.NormalisePhone(g.Phone)
	if err := models.ValidatePhone("phone", g.Phone); err != nil {
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
		a, err = s.d.AddRole(ctx, existing.ID, g.Binding)
	}
	if err != nil {
		return nil, false, nil, err
	}
	_ = s.d.Audit(ctx, actor, "account.role_granted", "account:"+a.ID, scope, g.Binding.Key())
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
		return "", models.Invalid("role", "该角色不能通过此接口分配", "this role cannot be granted here")
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
		if err := models.ValidateDivision("communityCode", b.CommunityCode, models.LevelVillage); err != nil {
			return "", err
		}
		scope = b.CommunityCode
	case models.RoleCivilAffairs:
		if err := models.ValidateDivision("divisionCode", b.DivisionCode, ""); err != nil {
			return "", err
		}
		if d, _ := models.LookupDivision(b.DivisionCode); d.Level != models.LevelCity && d.Level != models.LevelCounty {
			return "", models.Invalid("divisionCode", "民政账号只能绑定市级或县（区）级行政区划", "a civil affairs account binds to the city or one county")
		}
		scope = b.DivisionCode
	default:
		if b.OrganisationID == "" {
			return "", models.Invalid("organisationId", "该角色需要指定机构", "this role needs an organisationId")
		}
		o, err := s.st.Organisations.Organisation(ctx, b.OrganisationID)
		if core.IsKind(err, models.KindNotFound) {
			return "", models.Invalid("organisationId", "机构不存在", "no such organisation")
		} else if err != nil {
			return "", err
		}
		isCharity := o.Kind == "charity_organisation"
		if b.Role == models.RoleCharityAdmin && !isCharity || b.Role == models.RoleOrgAdmin && isCharity {
			return "", models.Invalid("role", "慈善组织的管理员角色为 charity_admin，其他机构为 org_admin", "charity organisations have charity_admin, others org_admin")
		}
		scope = o.DivisionCode
	}
	return scope, nil
}

// newGrantedAccount creates the account of a phone that has none, holding
// the granted binding; models.ErrConflict when the phone was registered
// since it was looked up.
func (s *Service) newGrantedAccount(ctx context.Context, g accounts.Grant) (*models.Account, error) {
	var p models.Problems
	core.Collect(&p, models.ValidatePassword("password", g.Password))
	core.Collect(&p, models.ValidateName("name", g.Name))
	if err := p.Err(); err != nil {
		return nil, err
	}
	a, err := s.d.CreateAccount(ctx, g.Phone, g.Password, g.Name, []models.RoleBinding{g.Binding})
	if core.IsKind(err, models.KindConflict) {
		return nil, models.E(models.KindConflict, "该手机号刚刚注册了账号，请重试", "this phone was registered just now; try again")
	}
	return a, err
}
