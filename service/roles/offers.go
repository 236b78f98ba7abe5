package roles

import (
	"context"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// Consent for power over a person. Adding someone to an organisation, or
// giving an existing account a new role, makes an offer that the person
// accepts or declines; until they accept, nothing changes in their account
// or in any member roll. Civil affairs binds directly only when its
// division covers both the binding and the person (every scope the
// account already holds); that is audited as before.
//
// The caller learns nothing about the account behind the phone: the answer
// is the offer (masked phone, no account id, no name), the same whether or
// not the phone is registered. An offer to a phone that has no account is
// stored and shown to whoever registers that phone before it expires; it
// is sent to no one until then.

// RoleOfferStore keeps offers of roles and their answers.
type RoleOfferStore interface {
	CreateRoleOffer(ctx context.Context, o *models.RoleOffer) error
	// RoleOffer returns models.ErrNotFound when there is no such offer.
	RoleOffer(ctx context.Context, id string) (*models.RoleOffer, error)
	// PendingRoleOffers lists the offers of binding b to phone whose
	// stored status is pending (those past their expiry included).
	PendingRoleOffers(ctx context.Context, phone string, b models.RoleBinding) ([]*models.RoleOffer, error)
	// RoleOffersFor lists, in id order, the offers made to the account and
	// those made to phone while no account held it.
	RoleOffersFor(ctx context.Context, accountID, phone string, p Page) ([]*models.RoleOffer, string, error)
	// AnswerRoleOffer records the one answer to an offer by a unique
	// insert: models.ErrConflict when it was answered before.
	AnswerRoleOffer(ctx context.Context, a *models.RoleOfferAnswer) error
	// RoleOfferAnswer returns models.ErrNotFound while the offer is unanswered.
	RoleOfferAnswer(ctx context.Context, offerID string) (*models.RoleOfferAnswer, error)
	// SetRoleOfferStatus copies the decided answer onto the offer (a cache
	// of the answer document, which decides).
	SetRoleOfferStatus(ctx context.Context, id string, status models.RoleOfferStatus, at time.Time) error
}

var (
	errOfficial = models.E(models.KindForbidden, "不能将该账号添加为机构成员", "this account cannot be made a member of an organisation")
	// An offer that is not the caller's is not found, never forbidden: its
	// id tells the caller nothing.
	errNoOffer      = models.E(models.KindNotFound, "邀请不存在", "no such offer")
	errOfferExpired = models.E(models.KindConflict, "邀请已过期", "the offer has expired").WithCode(models.CodeInvitationClosed)
	errOfferLapsed  = models.E(models.KindConflict, "邀请已失效：发出邀请的人已无此权限，或机构已暂停或退出", "the offer no longer stands: whoever made it lost the authority, or the organisation is suspended or has exited").WithCode(models.CodeInvitationClosed)
)

// refuseOfficial refuses any binding of an official (an account holding
// civil_affairs) by someone who is not civil affairs of a division covering
// each of the official's own: not even an offer is made.
func refuseOfficial(actor *Actor, a *models.Account) error {
	for _, b := range a.Roles {
		if b.Role == models.RoleCivilAffairs && !actor.Governs(b.DivisionCode) {
			return errOfficial
		}
	}
	return nil
}

// bindsDirectly reports whether civil affairs may bind account a without
// the person's consent: the actor governs the binding's scope and every
// scope the account holds. An account holding no scope at all (no
// privileged binding, no volunteer home community) is under nobody's
// division, so the binding's scope decides.
func (s *Service) bindsDirectly(ctx context.Context, actor *Actor, scope string, a *models.Account) (bool, error) {
	if !actor.Governs(scope) {
		return false, nil
	}
	scopes, err := s.scopesHeld(ctx, a)
	if err != nil {
		return false, err
	}
	holdsNone := len(scopes) == 1 && scopes[0] == models.CityCode
	for _, b := range a.Roles {
		if b.Role != models.RoleVolunteer {
			holdsNone = false
		}
	}
	if holdsNone {
		return true, nil
	}
	for _, sc := range scopes {
		if !actor.Governs(sc) {
			return false, nil
		}
	}
	return true, nil
}

// offer is what offerRole needs to make an offer.
type offer struct {
	phone         string
	account       *models.Account // nil when the phone has no account
	binding       models.RoleBinding
	member        bool
	scopeName     string
	scopeDivision string
}

// offerRole makes an offer (or finds the same one still open) and tells
// the person. It returns the offer as the caller may see it: the phone
// masked and no account id.
func (s *Service) offerRole(ctx context.Context, actor *Actor, in offer) (*models.RoleOffer, error) {
	now := s.d.Now()
	accountID := ""
	if in.account != nil {
		accountID = in.account.ID
	}
	open, err := s.st.RoleOffers.PendingRoleOffers(ctx, in.phone, in.binding)
	if err != nil {
		return nil, err
	}
	for _, o := range open {
		if o.StatusAt(now) == models.RoleOfferPending && o.Member == in.member && (o.AccountID == accountID || o.AccountID == "") {
			return shownOffer(o), nil // asked again: the same offer, no second notice
		}
	}
	o := &models.RoleOffer{ID: core.NewID(), Phone: in.phone, AccountID: accountID, Binding: in.binding, Member: in.member,
		ScopeName: in.scopeName, ScopeDivision: in.scopeDivision, OfferedBy: actor.AccountID,
		Status: models.RoleOfferPending, CreatedAt: now, ExpiresAt: now.Add(models.RoleOfferTTL)}
	if err := s.st.RoleOffers.CreateRoleOffer(ctx, o); err != nil {
		return nil, err
	}
	_ = s.d.Audit(ctx, actor, "role_offer.made", "role_offer:"+o.ID, in.scopeDivision, in.binding.Key())
	if in.account != nil {
		s.noticeOffer(ctx, o)
	}
	return shownOffer(o), nil
}

// noticeOffer tells the person of an offer (inbox, then SMS and WeChat
// for the kinds given a template). A failure leaves the offer standing:
// the person also finds it in their list of offers.
func (s *Service) noticeOffer(ctx context.Context, o *models.RoleOffer) {
	role, _ := models.Roles.Label(string(o.Binding.Role))
	until := o.ExpiresAt.In(models.Shanghai()).Format("01-02 15:04")
	if _, err := s.d.Notify(ctx, &models.Notification{Key: "role_offer:" + o.ID, AccountID: o.AccountID, Kind: models.NoteRoleOffer,
		TitleZh: "角色邀请：" + o.ScopeName, TitleEn: "Role offer: " + o.ScopeName,
		BodyZh: o.ScopeName + " 邀请您担任" + role.Zh + "。接受前不会有任何变化；请在 " + until + " 前接受或拒绝。",
		BodyEn: o.ScopeName + " offers you the role " + role.En + ". Nothing changes unless you accept; answer by " + until + " (Beijing time).",
		Link:   "/v1/me/role-offers/" + o.ID, Data: map[string]string{"thing1": o.ScopeName, "thing2": role.Zh, "time3": until},
		CreatedAt: o.CreatedAt}); err != nil {
		s.d.Log.WarnContext(ctx, "could not notify a role offer", "offer", o.ID, "err", err)
	}
}

// shownOffer is the offer as whoever made it sees it.
func shownOffer(o *models.RoleOffer) *models.RoleOffer {
	c := *o
	c.Phone, c.AccountID = models.MaskPhone(o.Phone), ""
	return &c
}

// MyRoleOffers lists the offers made to the caller (their account, or
// their phone before they registered it), each with its status now.
func (s *Service) MyRoleOffers(ctx context.Context, actor *Actor, p Page) ([]*models.RoleOffer, string, error) {
	me, err := s.st.Accounts.AccountByID(ctx, actor.AccountID)
	if err != nil {
		return nil, "", err
	}
	list, next, err := s.st.RoleOffers.RoleOffersFor(ctx, me.ID, me.Phone, p.Normalised())
	if err != nil {
		return nil, "", err
	}
	now := s.d.Now()
	for _, o := range list {
		o.Status = o.StatusAt(now)
	}
	return list, next, nil
}

// MyRoleOffer is one offer made to the caller; anyone else's is not found.
func (s *Service) MyRoleOffer(ctx context.Context, actor *Actor, id string) (*models.RoleOffer, error) {
	o, _, err := s.myOffer(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	o.Status = o.StatusAt(s.d.Now())
	return o, nil
}

func (s *Service) myOffer(ctx context.Context, actor *Actor, id string) (*models.RoleOffer, *models.Account, error) {
	o, err := s.st.RoleOffers.RoleOffer(ctx, id)
	if core.IsKind(err, models.KindNotFound) {
		return nil, nil, errNoOffer
	} else if err != nil {
		return nil, nil, err
	}
	me, err := s.st.Accounts.AccountByID(ctx, actor.AccountID)
	if err != nil {
		return nil, nil, err
	}
	if !o.AddressedTo(me.ID, me.Phone) {
		return nil, nil, errNoOffer
	}
	return o, me, nil
}

// AcceptRoleOffer takes the offered role: the binding is added to the
// caller's account and, for a membership, the person enters the member
// roll. The one answer is decided by a unique insert, so concurrent
// accepts (and a decline racing them) give one outcome; each step after it
// is idempotent (the binding added under the account's lock, the member
// entry a unique insert), so an accept repeated, or retried after a
// failure, completes the same binding once.
func (s *Service) AcceptRoleOffer(ctx context.Context, actor *Actor, id string) (*models.RoleOffer, error) {
	o, me, err := s.myOffer(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	ans, err := s.st.RoleOffers.RoleOfferAnswer(ctx, o.ID)
	if core.IsKind(err, models.KindNotFound) {
		now := s.d.Now()
		if o.StatusAt(now) == models.RoleOfferExpired {
			return nil, errOfferExpired
		}
		if err := s.offerStands(ctx, o, me); err != nil {
			return nil, err
		}
		ans = &models.RoleOfferAnswer{OfferID: o.ID, Status: models.RoleOfferAccepted, AccountID: me.ID, At: now}
		won := false
		if ans, won, err = s.answerOffer(ctx, ans); err != nil {
			return nil, err
		}
		if won {
			_ = s.d.Audit(ctx, actor, "role_offer.accepted", "account:"+me.ID, o.ScopeDivision, o.Binding.Key()+" offer "+o.ID)
		}
	} else if err != nil {
		return nil, err
	}
	if ans.Status != models.RoleOfferAccepted {
		return nil, models.E(models.KindConflict, "邀请已被拒绝", "the offer was declined")
	}
	if err := s.applyOffer(ctx, o, ans); err != nil {
		return nil, err
	}
	o.Status, o.AnsweredAt = models.RoleOfferAccepted, &ans.At
	return o, nil
}

// applyOffer gives the accepted binding (and membership); repeating it
// changes nothing more.
func (s *Service) applyOffer(ctx context.Context, o *models.RoleOffer, ans *models.RoleOfferAnswer) error {
	a, err := s.st.Accounts.AccountByID(ctx, ans.AccountID)
	if err != nil {
		return err
	}
	if o.Member {
		m := &models.Member{OrganisationID: o.Binding.OrganisationID, AccountID: a.ID, Role: o.Binding.Role, Name: a.Name, Phone: a.Phone,
			AddedAt: ans.At, AddedBy: o.OfferedBy}
		if err := s.st.Organisations.AddMember(ctx, m); err != nil && !core.IsKind(err, models.KindConflict) {
			return err
		}
	}
	if _, err := s.d.AddRole(ctx, a.ID, o.Binding); err != nil {
		return err
	}
	if o.Status != models.RoleOfferAccepted {
		if err := s.st.RoleOffers.SetRoleOfferStatus(ctx, o.ID, models.RoleOfferAccepted, ans.At); err != nil {
			s.d.Log.WarnContext(ctx, "role offer status not updated; its answer decides", "offer", o.ID, "err", err)
		}
	}
	return nil
}

// offerStands checks, at acceptance, that the offer could still be made
// now: the organisation operates, and whoever made it still holds the
// authority to (and may offer a role to this person).
func (s *Service) offerStands(ctx context.Context, o *models.RoleOffer, me *models.Account) error {
	by, err := s.st.Accounts.AccountByID(ctx, o.OfferedBy)
	if core.IsKind(err, models.KindNotFound) {
		return errOfferLapsed
	} else if err != nil {
		return err
	}
	if by.Status != models.AccountActive {
		return errOfferLapsed
	}
	offerer := &Actor{AccountID: by.ID, Roles: by.Roles}
	if refuseOfficial(offerer, me) != nil {
		return errOfferLapsed
	}
	if o.Member {
		org, err := s.st.Organisations.Organisation(ctx, o.Binding.OrganisationID)
		if core.IsKind(err, models.KindNotFound) {
			return errOfferLapsed
		} else if err != nil {
			return err
		}
		if !org.Status.Operating() && org.Status != models.OrgIncubating {
			return errOfferLapsed
		}
		if !offerer.Administers(org.ID) && !offerer.Governs(org.DivisionCode) {
			return errOfferLapsed
		}
		return nil
	}
	if _, err := s.bindingScope(ctx, offerer, o.Binding); err != nil {
		if models.KindOf(err) == models.KindInternal || models.KindOf(err) == models.KindUnavailable {
			return err
		}
		return errOfferLapsed
	}
	return nil
}

// DeclineRoleOffer turns the offer down: nothing changes, and it cannot be
// accepted afterwards. Declining twice answers the same.
func (s *Service) DeclineRoleOffer(ctx context.Context, actor *Actor, id string) (*models.RoleOffer, error) {
	o, me, err := s.myOffer(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	ans, err := s.st.RoleOffers.RoleOfferAnswer(ctx, o.ID)
	if core.IsKind(err, models.KindNotFound) {
		now := s.d.Now()
		if o.StatusAt(now) == models.RoleOfferExpired {
			return nil, errOfferExpired
		}
		ans = &models.RoleOfferAnswer{OfferID: o.ID, Status: models.RoleOfferDeclined, AccountID: me.ID, At: now}
		if ans, _, err = s.answerOffer(ctx, ans); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	if ans.Status != models.RoleOfferDeclined {
		return nil, models.E(models.KindConflict, "邀请已被接受", "the offer was accepted")
	}
	if o.Status != models.RoleOfferDeclined {
		if err := s.st.RoleOffers.SetRoleOfferStatus(ctx, o.ID, models.RoleOfferDeclined, ans.At); err != nil {
			s.d.Log.WarnContext(ctx, "role offer status not updated; its answer decides", "offer", o.ID, "err", err)
		}
	}
	o.Status, o.AnsweredAt = models.RoleOfferDeclined, &ans.At
	return o, nil
}

// answerOffer stores the one answer to an offer (a unique insert): won
// when this answer is the one; otherwise the answer stored first.
func (s *Service) answerOffer(ctx context.Context, ans *models.RoleOfferAnswer) (*models.RoleOfferAnswer, bool, error) {
	switch err := s.st.RoleOffers.AnswerRoleOffer(ctx, ans); {
	case err == nil:
		return ans, true, nil
	case core.IsKind(err, models.KindConflict):
		first, err := s.st.RoleOffers.RoleOfferAnswer(ctx, ans.OfferID)
		return first, false, err
	default:
		return nil, false, err
	}
}
