package service

import (
	"context"

	"github.com/wushe/wushe/models"
)

// memberRoles are the roles an organisation gives its people.
func memberRoleFor(o *models.Organisation, role models.Role) (models.Role, error) {
	switch role {
	case models.RoleSocialWorker:
		return role, nil
	case models.RoleOrgAdmin, models.RoleCharityAdmin:
		if o.Kind == "charity_organisation" {
			return models.RoleCharityAdmin, nil
		}
		return models.RoleOrgAdmin, nil
	case models.RoleEvaluator:
		if o.Kind == "supervision_evaluation_institution" {
			return role, nil // evaluates the projects its institution is engaged on (绩效评估)
		}
		return "", models.Invalid("body.role", "只有社会工作督导评估机构可以设置评估员", "only a supervision and evaluation institution has evaluators")
	}
	return "", models.Invalid("body.role", "机构成员角色只能是管理员、社会工作者或评估员", "a member is an administrator, a social worker or an evaluator")
}

// AddMember gives a registered person (found by phone) a role in an
// organisation: its admins and civil affairs of its division may. Adding a
// social worker gives them the social_worker binding to the organisation;
// their certificate is verified by civil affairs separately. An official
// (an account with a civil_affairs binding) is added only by civil affairs
// governing every division the official holds, never by an organisation's
// admin. The answer names the account by id only: the phone masked and no
// name, as the caller may not read the account.
func (s *Service) AddMember(ctx context.Context, actor *Actor, orgID, phone string, role models.Role) (*models.Member, error) {
	o, err := s.st.Organisations.Organisation(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if !actor.administers(orgID) && !actor.governs(o.DivisionCode) {
		return nil, errForbidden
	}
	if !o.Status.Operating() && o.Status != models.OrgIncubating {
		return nil, models.E(models.KindConflict, "机构已暂停或退出，不能添加成员", "the organisation is suspended or has exited")
	}
	role, err = memberRoleFor(o, role)
	if err != nil {
		return nil, err
	}
	phone = models.NormalisePhone(phone)
	if err := models.ValidatePhone("body.phone", phone); err != nil {
		return nil, err
	}
	a, err := s.st.Accounts.AccountByPhone(ctx, phone)
	if isKind(err, models.KindNotFound) {
		return nil, &models.Error{Kind: models.KindNotFound, Zh: "该手机号尚未注册，请先让本人注册", En: "no account has this phone; ask the person to register first",
			Fields: []models.FieldError{{Field: "body.phone", Zh: "该手机号尚未注册", En: "no account has this phone"}}}
	} else if err != nil {
		return nil, err
	}
	for _, b := range a.Roles {
		if b.Role == models.RoleCivilAffairs && !actor.governs(b.DivisionCode) {
			return nil, models.E(models.KindForbidden, "不能将该账号添加为机构成员", "this account cannot be made a member of an organisation")
		}
	}
	m := &models.Member{OrganisationID: orgID, AccountID: a.ID, Role: role, Name: a.Name, Phone: a.Phone, AddedAt: s.now(), AddedBy: actor.AccountID}
	if err := s.st.Organisations.AddMember(ctx, m); err != nil && !isKind(err, models.KindConflict) {
		return nil, err
	}
	if _, err := s.addRole(ctx, a.ID, models.RoleBinding{Role: role, OrganisationID: orgID}); err != nil {
		return nil, err
	}
	_ = s.audit(ctx, actor, "organisation.member_added", "organisation:"+orgID, o.DivisionCode, string(role)+" "+a.ID)
	shown := *m
	shown.Name, shown.Phone = "", models.MaskPhone(a.Phone)
	return &shown, nil
}

// Members lists an organisation's people: for its admins and civil affairs.
func (s *Service) Members(ctx context.Context, actor *Actor, orgID string, p Page) ([]*models.Member, string, error) {
	o, err := s.st.Organisations.Organisation(ctx, orgID)
	if err != nil {
		return nil, "", err
	}
	if !actor.administers(orgID) && !actor.governs(o.DivisionCode) && !actor.worksFor(orgID) {
		return nil, "", errForbidden
	}
	list, next, err := s.st.Organisations.Members(ctx, orgID, p.Normalised())
	if err != nil {
		return nil, "", err
	}
	if !actor.administers(orgID) && !actor.governs(o.DivisionCode) {
		for _, m := range list {
			m.Phone = models.MaskPhone(m.Phone)
		}
	} else if len(list) > 0 {
		if err := s.audit(ctx, actor, "personal_data.read", "organisation:"+orgID+"/members", o.DivisionCode, "机构成员名册 the organisation's member roll"); err != nil {
			return nil, "", err
		}
	}
	return list, next, nil
}
