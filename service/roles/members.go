package roles

import (
	"context"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
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
		return "", models.Invalid("role", "只有社会工作督导评估机构可以设置评估员", "only a supervision and evaluation institution has evaluators")
	}
	return "", models.Invalid("role", "机构成员角色只能是管理员、社会工作者或评估员", "a member is an administrator, a social worker or an evaluator")
}

// AddMember asks for a person (found by phone) to take a role in an
// organisation: its admins and civil affairs of its division may ask.
// Civil affairs whose division covers the organisation and the person
// (every scope their account holds) adds them at once, audited; anyone
// else makes an offer that the person accepts or declines (see
// offers.go), and nothing changes until they accept. Exactly one of
// the member and the offer is returned.
//
// An official (an account with a civil_affairs binding) is offered nothing
// by anyone but civil affairs governing every division the official holds.
// Otherwise the caller learns nothing of the account: an offer looks the
// same whether or not the phone is registered (an unregistered phone's
// offer waits for whoever registers it), and a direct member is shown by
// account id only, with the phone masked and no name.
func (s *Service) AddMember(ctx context.Context, actor *Actor, orgID, phone string, role models.Role) (*models.Member, *models.RoleOffer, error) {
	o, err := s.st.Organisations.Organisation(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	if !actor.Administers(orgID) && !actor.Governs(o.DivisionCode) {
		return nil, nil, core.ErrForbidden
	}
	if !o.Status.Operating() && o.Status != models.OrgIncubating {
		return nil, nil, models.E(models.KindConflict, "机构已暂停或退出，不能添加成员", "the organisation is suspended or has exited")
	}
	role, err = memberRoleFor(o, role)
	if err != nil {
		return nil, nil, err
	}
	phone = models.NormalisePhone(phone)
	if err := models.ValidatePhone("phone", phone); err != nil {
		return nil, nil, err
	}
	b := models.RoleBinding{Role: role, OrganisationID: orgID}
	in := offer{phone: phone, binding: b, member: true, scopeName: o.Name, scopeDivision: o.DivisionCode}
	a, err := s.st.Accounts.AccountByPhone(ctx, phone)
	switch {
	case core.IsKind(err, models.KindNotFound):
		off, err := s.offerRole(ctx, actor, in)
		return nil, off, err
	case err != nil:
		return nil, nil, err
	}
	if err := refuseOfficial(actor, a); err != nil {
		return nil, nil, err
	}
	direct, err := s.bindsDirectly(ctx, actor, o.DivisionCode, a)
	if err != nil {
		return nil, nil, err
	}
	if !direct {
		in.account = a
		off, err := s.offerRole(ctx, actor, in)
		return nil, off, err
	}
	m := &models.Member{OrganisationID: orgID, AccountID: a.ID, Role: role, Name: a.Name, Phone: a.Phone, AddedAt: s.d.Now(), AddedBy: actor.AccountID}
	if err := s.st.Organisations.AddMember(ctx, m); err != nil && !core.IsKind(err, models.KindConflict) {
		return nil, nil, err
	}
	if _, err := s.d.AddRole(ctx, a.ID, b); err != nil {
		return nil, nil, err
	}
	_ = s.d.Audit(ctx, actor, "organisation.member_added", "organisation:"+orgID, o.DivisionCode, string(role)+" "+a.ID)
	shown := *m
	shown.Name, shown.Phone = "", models.MaskPhone(a.Phone)
	return &shown, nil, nil
}

// Members lists an organisation's people: for its admins and civil affairs.
func (s *Service) Members(ctx context.Context, actor *Actor, orgID string, p Page) ([]*models.Member, string, error) {
	o, err := s.st.Organisations.Organisation(ctx, orgID)
	if err != nil {
		return nil, "", err
	}
	if !actor.Administers(orgID) && !actor.Governs(o.DivisionCode) && !actor.WorksFor(orgID) {
		return nil, "", core.ErrForbidden
	}
	list, next, err := s.st.Organisations.Members(ctx, orgID, p.Normalised())
	if err != nil {
		return nil, "", err
	}
	if !actor.Administers(orgID) && !actor.Governs(o.DivisionCode) {
		for _, m := range list {
			m.Phone = models.MaskPhone(m.Phone)
		}
	} else if len(list) > 0 {
		if err := s.d.Audit(ctx, actor, "personal_data.read", "organisation:"+orgID+"/members", o.DivisionCode, "机构成员名册 the organisation's member roll"); err != nil {
			return nil, "", err
		}
	}
	return list, next, nil
}
