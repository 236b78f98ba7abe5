package roles

import (
	"context"
	"strings"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

// Staff changes: removing a role binding, deactivating an account, handing
// a committee over to a new person. Whoever loses a binding loses it at
// their next request: requests are authorised with the bindings the
// account holds now (Authenticate reads them through the account's gate),
// so a binding taken away ends no login. Only a change of the person's
// whole standing (a deactivation, an erasure, a password reset) ends every
// login of theirs (see endSessions in package accounts).

func validReason(field, reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if n := len([]rune(reason)); n > 500 {
		return "", models.Invalid(field, "理由不超过 500 字", "the reason must be at most 500 characters")
	}
	return reason, nil
}

// mayChangeBinding decides whether the actor may take binding b away:
// civil affairs for a binding inside its division, an organisation's admin
// for the social_worker and admin bindings of its own organisation. It
// returns the division the change is audited under.
func (s *Service) mayChangeBinding(ctx context.Context, actor *Actor, b models.RoleBinding) (string, error) {
	// Evaluators are named by their institution (as members), so they are
	// removed here too when they leave it.
	if !grantableRoles[b.Role] && b.Role != models.RoleEvaluator {
		return "", models.Invalid("role", "该角色不能通过此接口移除", "this role cannot be removed here")
	}
	scope, err := s.scopeOf(ctx, b)
	if err != nil {
		return "", err
	}
	if policy.AllowedAs(actor, "remove-role", policy.InDivision(scope), policy.CivilAffairs) {
		return scope, nil
	}
	if policy.AllowedAs(actor, "remove-role", policy.Object{Orgs: []string{b.OrganisationID}}, policy.OrgAdmin) &&
		(b.Role == models.RoleSocialWorker || b.Role == models.RoleOrgAdmin || b.Role == models.RoleCharityAdmin || b.Role == models.RoleEvaluator) {
		return scope, nil
	}
	return "", models.E(models.KindForbidden, "只能移除本辖区或本机构的角色", "you may remove roles only inside your own division or organisation")
}

// RemoveRole takes one role binding away from an account: it stops
// authorising anything at the account's next request, even with a token
// that still lists it; the person's logins, and their other bindings, stay.
// Removing an organisation binding ends the membership. Audited.
func (s *Service) RemoveRole(ctx context.Context, actor *Actor, accountID string, b models.RoleBinding, reason string) (*models.Account, error) {
	reason, err := validReason("reason", reason)
	if err != nil {
		return nil, err
	}
	division, err := s.mayChangeBinding(ctx, actor, b)
	if err != nil {
		return nil, err
	}
	a, err := s.d.ChangedAccount(ctx, accountID, func(a *models.Account, now time.Time) (string, error) {
		if a.Status == models.AccountErased || !a.RemoveRole(b) {
			return "", models.E(models.KindNotFound, "该账号没有此角色", "the account does not hold this role")
		}
		return "", nil // the binding, not the person's standing: no login ends
	})
	if core.IsKind(err, models.KindNotFound) {
		return nil, models.E(models.KindNotFound, "该账号没有此角色", "the account does not hold this role")
	} else if err != nil {
		return nil, err
	}
	if b.OrganisationID != "" {
		if err := s.st.AccountChanges.RemoveMembership(ctx, b.OrganisationID, a.ID, b.Role); err != nil {
			s.d.Log.WarnContext(ctx, "membership not removed", "account", a.ID, "organisation", b.OrganisationID, "err", err)
		}
	}
	_ = s.d.Audit(ctx, actor, "account.role_removed", "account:"+a.ID, division, strings.TrimSpace(b.Key()+" "+reason))
	return masked(a), nil
}

// masked is the account as a staff change shows it to the official: the
// phone masked (the official acted on the account, not on its number).
func masked(a *models.Account) *models.Account {
	c := *a
	c.Phone = models.MaskPhone(a.Phone)
	c.PasswordHash = ""
	return &c
}

// accountScope decides whether the actor may deactivate (or reactivate)
// account a, a change to the person's whole standing: only civil affairs,
// and only when its division covers every scope the account holds (each
// binding's division and a volunteer's home community; the city for a
// binding whose division cannot be told, and for an account with none). So
// an official's account is touched only by civil affairs of a division
// covering the official's own, and an organisation's admin never
// deactivates anyone: they remove their organisation's binding instead.
// Nobody deactivates themselves. It returns the division the change is
// audited under.
func (s *Service) accountScope(ctx context.Context, actor *Actor, a *models.Account) (string, error) {
	if a.ID == actor.AccountID {
		return "", models.E(models.KindForbidden, "不能停用自己的账号", "you may not deactivate your own account")
	}
	scopes, err := s.scopesHeld(ctx, a)
	if err != nil {
		return "", err
	}
	// deactivate-account and reactivate-account share the one rule.
	if !policy.Allowed(actor, "deactivate-account", policy.Object{Person: a.ID, Scopes: scopes}) {
		return "", models.E(models.KindForbidden, "只有管辖该账号全部范围的民政部门可以停用或恢复该账号",
			"only civil affairs governing every scope the account holds may deactivate or reactivate it")
	}
	return scopes[0], nil
}

// scopesHeld lists the division codes of every scope account a holds: its
// privileged bindings' divisions and its volunteer home community; the city
// for a binding whose division cannot be told (a reviewer's competition, an
// organisation gone), and when it holds none at all.
func (s *Service) scopesHeld(ctx context.Context, a *models.Account) ([]string, error) {
	var scopes []string
	for _, b := range a.Roles {
		if b.Role == models.RoleVolunteer {
			continue
		}
		sc, err := s.scopeOf(ctx, b)
		switch {
		case err == nil:
			scopes = append(scopes, sc)
		case core.IsKind(err, models.KindInvalid):
			scopes = append(scopes, models.CityCode)
		default:
			return nil, err
		}
	}
	if v, err := s.st.Volunteers.Volunteer(ctx, a.ID); err == nil && v.CommunityCode != "" {
		scopes = append(scopes, v.CommunityCode)
	} else if err != nil && !core.IsKind(err, models.KindNotFound) {
		return nil, err
	}
	if len(scopes) == 0 {
		scopes = []string{models.CityCode}
	}
	return scopes, nil
}

// DeactivateAccount stops an account from logging in and ends every login
// of it at once. Deactivating twice changes nothing more.
func (s *Service) DeactivateAccount(ctx context.Context, actor *Actor, accountID, reason string) (*models.Account, error) {
	return s.setAccountStatus(ctx, actor, accountID, reason, models.AccountDeactivated)
}

// ReactivateAccount lets a deactivated account log in again.
func (s *Service) ReactivateAccount(ctx context.Context, actor *Actor, accountID, reason string) (*models.Account, error) {
	return s.setAccountStatus(ctx, actor, accountID, reason, models.AccountActive)
}

func (s *Service) setAccountStatus(ctx context.Context, actor *Actor, accountID, reason string, to models.AccountStatus) (*models.Account, error) {
	reason, err := validReason("reason", reason)
	if err != nil {
		return nil, err
	}
	a, err := s.st.Accounts.AccountByID(ctx, accountID)
	if core.IsKind(err, models.KindNotFound) {
		return nil, core.ErrNotFound
	} else if err != nil {
		return nil, err
	}
	if a.Status == models.AccountErased {
		return nil, core.ErrNotFound
	}
	division, err := s.accountScope(ctx, actor, a)
	if err != nil {
		return nil, err
	}
	changed := false
	a, err = s.d.ChangedAccount(ctx, accountID, func(a *models.Account, now time.Time) (string, error) {
		if a.Status == models.AccountErased {
			return "", core.ErrNotFound
		}
		changed = a.Status != to
		a.Status = to
		if to == models.AccountDeactivated {
			return "deactivated", nil
		}
		return "", nil
	})
	if err != nil {
		return nil, err
	}
	if changed {
		action := "account.deactivated"
		if to == models.AccountActive {
			action = "account.reactivated"
		}
		_ = s.d.Audit(ctx, actor, action, "account:"+a.ID, division, reason)
	}
	return masked(a), nil
}

// Handover asks that a community's committee (community_admin binding) pass
// to the person with Phone: created with Name (and Password, if given;
// otherwise they set one by SMS) when the phone has no account.
type Handover struct {
	Phone, Name, Password, Reason string
}

// HandoverResult is the committee's new holder and the accounts that lost it.
type HandoverResult struct {
	CommunityCode string
	// Admin is the new committee holder as the official sees them: the
	// phone masked, and of their bindings only the committee's.
	Admin   *models.Account
	Created bool
	Removed []string
}

// HandOver gives a community's community_admin binding to a new person and
// takes it from every other holder, in one step under the community's
// lock: civil affairs governing the community only. Each former holder
// loses the committee at their next request; their logins and other
// bindings stay (as with RemoveRole).
func (s *Service) HandOver(ctx context.Context, actor *Actor, community string, h Handover) (*HandoverResult, error) {
	h.Phone, h.Name = models.NormalisePhone(h.Phone), strings.TrimSpace(h.Name)
	var p models.Problems
	core.Collect(&p, models.ValidateDivision("code", community, models.LevelVillage))
	core.Collect(&p, models.ValidatePhone("phone", h.Phone))
	if h.Password != "" {
		core.Collect(&p, models.ValidatePassword("password", h.Password))
	}
	reason, err := validReason("reason", h.Reason)
	core.Collect(&p, err)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if !policy.Allowed(actor, "community-handover", policy.InDivision(community)) {
		return nil, models.E(models.KindForbidden, "只能为本辖区的社区办理交接", "you may hand over only communities of your own division")
	}
	b := models.RoleBinding{Role: models.RoleCommunityAdmin, CommunityCode: community}
	return core.Locked(s.d.Shared, ctx, "community-admins:"+community, func() (*HandoverResult, error) {
		res := &HandoverResult{CommunityCode: community}
		a, err := s.st.Accounts.AccountByPhone(ctx, h.Phone)
		switch {
		case core.IsKind(err, models.KindNotFound):
			if err := models.ValidateName("name", h.Name); err != nil {
				return nil, err
			}
			if a, err = s.d.CreateAccount(ctx, h.Phone, h.Password, h.Name, []models.RoleBinding{b}); err != nil {
				return nil, err
			}
			res.Created = true
		case err != nil:
			return nil, err
		case a.Status != models.AccountActive:
			return nil, models.E(models.KindConflict, "接任人的账号已停用", "the new holder's account is deactivated")
		default:
			if a, err = s.d.AddRole(ctx, a.ID, b); err != nil {
				return nil, err
			}
		}
		shown := *a
		shown.Phone, shown.Roles = models.MaskPhone(a.Phone), []models.RoleBinding{b}
		res.Admin = &shown
		holders, err := s.st.AccountChanges.AccountsWithBinding(ctx, b)
		if err != nil {
			return nil, err
		}
		for _, old := range holders {
			if old.ID == a.ID {
				continue
			}
			_, err := s.d.ChangedAccount(ctx, old.ID, func(o *models.Account, now time.Time) (string, error) {
				o.RemoveRole(b)
				return "", nil
			})
			if err != nil {
				return nil, err
			}
			res.Removed = append(res.Removed, old.ID)
		}
		_ = s.d.Audit(ctx, actor, "community.handover", "community:"+community, community,
			strings.TrimSpace("to "+a.ID+" from "+strings.Join(res.Removed, ",")+" "+reason))
		return res, nil
	})
}
