package parties

import (
	"context"
	"strconv"
	"strings"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

// OrganisationStore keeps organisations and their members.
type OrganisationStore interface {
	// CreateOrganisation inserts o, claiming its credit code by a unique
	// insert: models.ErrConflict when another organisation has it.
	CreateOrganisation(ctx context.Context, o *models.Organisation) error
	// Organisation returns models.ErrNotFound when there is no such organisation.
	Organisation(ctx context.Context, id string) (*models.Organisation, error)
	// UpdateOrganisation writes o's editable fields and status fields.
	UpdateOrganisation(ctx context.Context, o *models.Organisation) error
	ListOrganisations(ctx context.Context, f OrganisationFilter, p Page) ([]*models.Organisation, string, error)
	// AddMember inserts the membership once (unique on organisation and account).
	AddMember(ctx context.Context, m *models.Member) error
	Members(ctx context.Context, orgID string, p Page) ([]*models.Member, string, error)
	// EachSocialWorkerMembership streams every social_worker membership
	// of every organisation, as (organisation, account) (the dashboard's
	// service.MembershipScanner).
	EachSocialWorkerMembership(ctx context.Context, fn func(orgID, accountID string) error) error
}

// OrganisationFilter narrows a list of organisations; empty fields match all.
type OrganisationFilter struct {
	Division string // registered in, or serving, this division or a division inside it
	Kind     string
	Status   string
	Domain   string
	Name     string // substring
}

// OrganisationInput is what a caller may set on an organisation.
type OrganisationInput struct {
	Name, Kind, CreditCode, DivisionCode, ContactName, ContactPhone, Description string
	Domains, DivisionsServed                                                     []string
	Beds                                                                         int
}

// CreateOrganisation registers an organisation. Civil affairs registers
// organisations of its own division; a new one starts incubating unless
// initialStatus says active.
func (s *Service) CreateOrganisation(ctx context.Context, actor *Actor, in OrganisationInput, initialStatus models.OrgStatus) (*models.Organisation, error) {
	now := s.d.Now()
	o := &models.Organisation{ID: core.NewID(), CreatedAt: now, UpdatedAt: now, CreatedBy: actor.AccountID}
	applyOrgInput(o, in)
	o.Status = models.OrgIncubating
	if initialStatus == models.OrgActive {
		o.Status = models.OrgActive
	} else if initialStatus != "" && initialStatus != models.OrgIncubating {
		return nil, models.Invalid("status", "新机构的状态只能是培育中或正常运营", "a new organisation is incubating or active")
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if !policy.Allowed(actor, "create-organisation", policy.OrgObject(o)) {
		return nil, models.E(models.KindForbidden, "只能登记本辖区的机构", "you may register organisations only in your own division")
	}
	if err := s.st.Organisations.CreateOrganisation(ctx, o); err != nil {
		if core.IsKind(err, models.KindConflict) {
			return nil, &models.Error{Kind: models.KindConflict, Zh: "该统一社会信用代码已登记", En: "an organisation with this credit code exists",
				Field: "creditCode", Fields: []models.FieldError{{Field: "creditCode", Zh: "该统一社会信用代码已登记", En: "an organisation with this credit code exists"}}}
		}
		return nil, err
	}
	return o, nil
}

func applyOrgInput(o *models.Organisation, in OrganisationInput) {
	o.Name = strings.TrimSpace(in.Name)
	o.Kind = in.Kind
	o.CreditCode = models.NormaliseCreditCode(in.CreditCode)
	o.DivisionCode = in.DivisionCode
	o.Domains = in.Domains
	o.DivisionsServed = in.DivisionsServed
	o.Beds = in.Beds
	o.ContactName = strings.TrimSpace(in.ContactName)
	o.ContactPhone = in.ContactPhone
	o.Description = in.Description
}

// Organisation returns an organisation; its registration data is public
// (慈善法 信息公开), its contact phone only to its admins and civil affairs.
func (s *Service) Organisation(ctx context.Context, actor *Actor, id string) (*models.Organisation, error) {
	o, err := s.st.Organisations.Organisation(ctx, id)
	if err != nil {
		return nil, err
	}
	if actor == nil || !(actor.Administers(id) || actor.Governs(o.DivisionCode)) {
		o.ContactPhone = models.MaskPhone(o.ContactPhone)
	}
	return o, nil
}

// UpdateOrganisation edits an organisation: its own admins or civil affairs
// of its division. Kind and credit code are fixed at registration.
func (s *Service) UpdateOrganisation(ctx context.Context, actor *Actor, id string, in OrganisationInput) (*models.Organisation, error) {
	return s.editOrganisation(ctx, actor, "update-organisation", id, core.Replace(in))
}

// editOrganisation is the one way an organisation's details are written
// (act: update-organisation replaces them, patch-organisation edits them):
// under the organisation's lock, edit gets the details as they are and
// returns the new ones, which the rules below check as a whole.
func (s *Service) editOrganisation(ctx context.Context, actor *Actor, act policy.Action, id string, edit core.Edit[OrganisationInput]) (*models.Organisation, error) {
	return core.Locked(s.d.Shared, ctx, "organisation:"+id, func() (*models.Organisation, error) { return s.updateOrganisation(ctx, actor, act, id, edit) })
}

func (s *Service) updateOrganisation(ctx context.Context, actor *Actor, act policy.Action, id string, edit core.Edit[OrganisationInput]) (*models.Organisation, error) {
	o, err := s.st.Organisations.Organisation(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := policy.Authorize(actor, act, policy.OrgObject(o)); err != nil {
		return nil, err
	}
	if o.Status == models.OrgExited {
		return nil, models.E(models.KindConflict, "机构已退出，不能修改", "the organisation has exited")
	}
	in, err := edit(orgInputOf(o))
	if err != nil {
		return nil, err
	}
	in.Kind, in.CreditCode = o.Kind, o.CreditCode
	if in.DivisionCode != o.DivisionCode && !actor.Governs(in.DivisionCode) {
		return nil, models.E(models.KindForbidden, "只有民政部门可以变更登记地", "only civil affairs may move an organisation's registration")
	}
	applyOrgInput(o, in)
	o.UpdatedAt = s.d.Now()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if err := s.st.Organisations.UpdateOrganisation(ctx, o); err != nil {
		return nil, err
	}
	return o, nil
}

// ListOrganisations lists organisations (public registration data).
func (s *Service) ListOrganisations(ctx context.Context, f OrganisationFilter, p Page) ([]*models.Organisation, string, error) {
	if f.Division != "" {
		if err := models.ValidateDivision("division", f.Division, ""); err != nil {
			return nil, "", err
		}
	}
	list, next, err := s.st.Organisations.ListOrganisations(ctx, f, p.Normalised())
	for _, o := range list {
		o.ContactPhone = models.MaskPhone(o.ContactPhone)
	}
	return list, next, err
}

// ChangeOrganisationStatus moves an organisation through its status
// machine. Only civil affairs of its division may; an exit needs one of the
// seed's exit reasons. The change is decided by a unique insert of its
// transition record, so two concurrent changes cannot both apply.
func (s *Service) ChangeOrganisationStatus(ctx context.Context, actor *Actor, id string, c core.StatusChange) (*models.Organisation, error) {
	return core.Locked(s.d.Shared, ctx, "organisation:"+id, func() (*models.Organisation, error) { return s.changeOrganisationStatus(ctx, actor, id, c) })
}

func (s *Service) changeOrganisationStatus(ctx context.Context, actor *Actor, id string, c core.StatusChange) (*models.Organisation, error) {
	o, err := s.st.Organisations.Organisation(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := policy.Authorize(actor, "change-organisation-status", policy.OrgObject(o)); err != nil {
		return nil, err
	}
	to := models.OrgStatus(c.To)
	if !models.OrganisationStatuses.Has(c.To) {
		return nil, models.Invalid("to", "未知的机构状态", "unknown organisation status")
	}
	if to == models.OrgDemonstration && o.Kind != models.KindSocialWorkAgency {
		// Seed §11: demonstration organisations are social-work service agencies.
		return nil, models.Invalid("to", "只有社会工作服务机构可以认定为示范机构", "only a social-work service agency can be a demonstration organisation")
	}
	if to == models.OrgDemonstration && !models.InDemonstrationDomain(o.Domains) {
		return nil, models.Invalid("to", "示范机构须服务于社区、社会救助、老年、残疾人、儿童、医务、禁毒、社区矫正、人民调解等重点领域之一",
			"a demonstration organisation serves one of the nine demonstration domains (community, social assistance, elderly, disability, children, medical, drug control, community correction, people's mediation)")
	}
	if to == models.OrgDemonstration {
		// Issue 18: operating, with a valid comprehensive evaluation of 3A
		// or above (409); a move the status machine forbids otherwise (from
		// incubating, warned) stays a 422 below.
		refusal, err := demonstrationRefusal(ctx, s.d, o)
		if err != nil {
			return nil, err
		}
		if refusal != nil && (refusal.Code == models.CodeOrganisationNotOperating || o.Status.CanMove(to)) {
			return nil, refusal
		}
	}
	if !o.Status.CanMove(to) {
		return nil, models.Invalid("to", "不允许从“"+label(models.OrganisationStatuses, string(o.Status))+"”变为“"+label(models.OrganisationStatuses, c.To)+"”",
			"illegal status change "+string(o.Status)+" → "+c.To)
	}
	if to == models.OrgExited && !models.ExitReasons.Has(c.Reason) {
		return nil, models.Invalid("reason", "退出须注明退出原因（见 exit_reasons 词表）", "an exit needs a reason from the exit_reasons vocabulary")
	}
	if len([]rune(c.Note)) > 2000 {
		return nil, models.Invalid("note", "备注不超过 2000 字", "note must be at most 2000 characters")
	}
	now := s.d.Now()
	t := &models.Transition{Object: "organisation:" + id, Seq: o.StatusSeq + 1, From: string(o.Status), To: c.To,
		By: actor.AccountID, At: now, Reason: c.Reason, Note: c.Note}
	if err := s.d.RecordTransition(ctx, t, func(last models.Transition) error {
		o.Status, o.StatusSeq, o.UpdatedAt = models.OrgStatus(last.To), last.Seq, now
		return s.st.Organisations.UpdateOrganisation(ctx, o)
	}); err != nil {
		return nil, err
	}
	o.Status, o.StatusSeq, o.UpdatedAt = to, t.Seq, now
	if to == models.OrgExited {
		o.ExitReason = c.Reason
	}
	if err := s.st.Organisations.UpdateOrganisation(ctx, o); err != nil {
		return nil, err
	}
	_ = s.d.Audit(ctx, actor, "organisation.status", "organisation:"+id, o.DivisionCode, string(t.From)+"→"+c.To+" "+c.Reason)
	return o, nil
}

// OrganisationHistory lists the status changes of an organisation (public).
func (s *Service) OrganisationHistory(ctx context.Context, id string) ([]models.Transition, error) {
	if _, err := s.st.Organisations.Organisation(ctx, id); err != nil {
		return nil, err
	}
	return s.st.Transitions.Transitions(ctx, "organisation:"+id)
}

// RecogniseCharity records (or withdraws) charity recognition; civil affairs only.
func (s *Service) RecogniseCharity(ctx context.Context, actor *Actor, id string, recognised bool, on string) (*models.Organisation, error) {
	return core.Locked(s.d.Shared, ctx, "organisation:"+id, func() (*models.Organisation, error) { return s.recogniseCharity(ctx, actor, id, recognised, on) })
}

func (s *Service) recogniseCharity(ctx context.Context, actor *Actor, id string, recognised bool, on string) (*models.Organisation, error) {
	o, err := s.st.Organisations.Organisation(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := policy.Authorize(actor, "recognise-charity", policy.OrgObject(o)); err != nil {
		return nil, err
	}
	if recognised {
		if _, err := models.ParseDate("recognisedOn", on); err != nil {
			return nil, err
		}
		if !o.Status.Operating() {
			return nil, models.E(models.KindConflict, "已停业或退出的机构不能认定为慈善组织", "a suspended or exited organisation cannot be recognised as a charity")
		}
	} else {
		on = ""
	}
	o.Charity = models.CharityRecognition{Recognised: recognised, RecognisedOn: on}
	o.UpdatedAt = s.d.Now()
	if err := s.st.Organisations.UpdateOrganisation(ctx, o); err != nil {
		return nil, err
	}
	_ = s.d.Audit(ctx, actor, "organisation.charity_recognition", "organisation:"+id, o.DivisionCode, strconv.FormatBool(recognised))
	return o, nil
}

// demonstrationRefusal applies models.DemonstrationRefusal to the
// organisation's latest evaluation as of today: nil when it qualifies.
// (A function, not a method: the parties Service is at the house limit.)
func demonstrationRefusal(ctx context.Context, d Deps, o *models.Organisation) (*models.Error, error) {
	var latest *models.OrgEvaluation
	if d.LatestEvaluation != nil {
		var err error
		if latest, err = d.LatestEvaluation(ctx, o.ID); err != nil {
			return nil, err
		}
	}
	return models.DemonstrationRefusal(o, latest, string(models.DateOf(d.Now()))), nil
}
