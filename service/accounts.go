package service

import (
	"context"
	"time"

	"github.com/wushe/wushe/models"
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
// true); an existing one gets the binding added, its password untouched.
func (s *Service) GrantRole(ctx context.Context, actor *Actor, g Grant) (a *models.Account, created bool, err error) {
	g.Phone = models.NormalisePhone(g.Phone)
	if err := models.ValidatePhone("body.phone", g.Phone); err != nil {
		return nil, false, err
	}
	if err := s.mayGrant(ctx, actor, g.Binding); err != nil {
		return nil, false, err
	}
	return s.grant(ctx, g)
}

// mayGrant checks the binding is well formed and inside one of the actor's
// civil_affairs divisions.
func (s *Service) mayGrant(ctx context.Context, actor *Actor, b models.RoleBinding) error {
	scopes := actor.Bindings(models.RoleCivilAffairs)
	if len(scopes) == 0 {
		return models.E(models.KindForbidden, "仅民政部门可以分配角色", "only civil affairs may grant roles")
	}
	if !grantableRoles[b.Role] {
		return models.Invalid("body.role", "该角色不能通过此接口分配", "this role cannot be granted here")
	}
	var scope string // the division code the binding lies in
	switch b.Role {
	case models.RoleCommunityAdmin:
		if err := models.ValidateDivision("body.communityCode", b.CommunityCode, models.LevelVillage); err != nil {
			return err
		}
		scope = b.CommunityCode
	case models.RoleCivilAffairs:
		if err := models.ValidateDivision("body.divisionCode", b.DivisionCode, ""); err != nil {
			return err
		}
		if d, _ := models.LookupDivision(b.DivisionCode); d.Level != models.LevelCity && d.Level != models.LevelCounty {
			return models.Invalid("body.divisionCode", "民政账号只能绑定市级或县（区）级行政区划", "a civil affairs account binds to the city or one county")
		}
		scope = b.DivisionCode
	default:
		if b.OrganisationID == "" {
			return models.Invalid("body.organisationId", "该角色需要指定机构", "this role needs an organisationId")
		}
		o, err := s.st.Organisations.Organisation(ctx, b.OrganisationID)
		if isKind(err, models.KindNotFound) {
			return models.Invalid("body.organisationId", "机构不存在", "no such organisation")
		} else if err != nil {
			return err
		}
		isCharity := o.Kind == "charity_organisation"
		if b.Role == models.RoleCharityAdmin && !isCharity || b.Role == models.RoleOrgAdmin && isCharity {
			return models.Invalid("body.role", "慈善组织的管理员角色为 charity_admin，其他机构为 org_admin", "charity organisations have charity_admin, others org_admin")
		}
		scope = o.DivisionCode
	}
	for _, sc := range scopes {
		if models.WithinDivision(scope, sc.DivisionCode) {
			return nil
		}
	}
	return models.E(models.KindForbidden, "只能在本辖区内分配角色", "you may grant roles only inside your own division")
}

func (s *Service) grant(ctx context.Context, g Grant) (*models.Account, bool, error) {
	existing, err := s.st.Accounts.AccountByPhone(ctx, g.Phone)
	if isKind(err, models.KindNotFound) {
		var p models.Problems
		collect(&p, models.ValidatePassword("body.password", g.Password))
		collect(&p, models.ValidateName("body.name", g.Name))
		if err := p.Err(); err != nil {
			return nil, false, err
		}
		a, err := s.createAccount(ctx, g.Phone, g.Password, g.Name, []models.RoleBinding{g.Binding})
		if !isKind(err, models.KindConflict) {
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
func (s *Service) addRole(ctx context.Context, accountID string, b models.RoleBinding) (*models.Account, error) {
	lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	unlock, err := s.st.Locker.Lock(lctx, "account:"+accountID, 10*time.Second)
	if err != nil {
		return nil, models.ErrUnavailable.Wrap(err)
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
