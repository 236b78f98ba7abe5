package recognition

import (
	"context"
	"strings"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

const (
	recipientOrganisation = "organisation"
	recipientSocialWorker = "social_worker"
)

// CommendationInput is what civil affairs records of an award: exactly one
// of OrganisationID and SocialWorkerID names the recipient.
type CommendationInput struct {
	OrganisationID, SocialWorkerID                  string
	Title, Level, GrantingBody, AwardedOn, Citation string
}

// recipient is an award's recipient as the policy and the dashboard see it.
type recipient struct {
	kind, id, name, district string
	object                   policy.Object
}

// recipientOf loads the recipient: an organisation (civil affairs of its
// division) or a social worker (civil affairs covering every scope the
// person holds). field names the input that named it.
func (s *Service) recipientOf(ctx context.Context, kind, id, field string) (*recipient, error) {
	switch kind {
	case recipientOrganisation:
		o, err := s.st.Organisations.Organisation(ctx, id)
		if err != nil {
			return nil, notFoundAt(err, field, "机构不存在", "no such organisation")
		}
		return &recipient{kind: kind, id: o.ID, name: o.Name, district: models.DistrictOf(o.DivisionCode), object: policy.OrgObject(o)}, nil
	default:
		w, err := s.st.SocialWorkers.SocialWorker(ctx, id)
		if err != nil {
			return nil, notFoundAt(err, field, "该账号没有社会工作者档案", "the account has no social-worker profile")
		}
		employer := ""
		if w.EmployerOrgID != "" {
			if o, err := s.st.Organisations.Organisation(ctx, w.EmployerOrgID); err == nil {
				employer = o.DivisionCode
			} else if !core.IsKind(err, models.KindNotFound) {
				return nil, err
			}
		}
		scopes, err := s.d.PersonScopes(ctx, id)
		if err != nil {
			return nil, notFoundAt(err, field, "该账号不存在", "no such account")
		}
		name := ""
		if a, err := s.st.Accounts.AccountByID(ctx, id); err == nil {
			name = a.Name
		}
		return &recipient{kind: kind, id: id, name: name, district: models.SocialWorkerDistrict(w, employer),
			object: policy.Object{Person: id, Scopes: scopes}}, nil
	}
}

// notFoundAt turns a not-found into a validation error at field.
func notFoundAt(err error, field, zh, en string) error {
	if core.IsKind(err, models.KindNotFound) {
		return models.Invalid(field, zh, en)
	}
	return err
}

// GrantCommendation records an award to an organisation or a social
// worker: civil affairs of a division covering the recipient; a city-level
// award only by the city's civil affairs. Audited.
func (s *Service) GrantCommendation(ctx context.Context, actor *Actor, in CommendationInput) (*models.Commendation, error) {
	if actor == nil {
		return nil, models.ErrUnauthorized
	}
	kind, id, field := recipientOrganisation, in.OrganisationID, "organisationId"
	switch {
	case in.OrganisationID != "" && in.SocialWorkerID != "", in.OrganisationID == "" && in.SocialWorkerID == "":
		return nil, models.Invalid("organisationId", "须且只须填写 organisationId 或 socialWorkerId 之一", "name exactly one of organisationId and socialWorkerId")
	case in.SocialWorkerID != "":
		kind, id, field = recipientSocialWorker, in.SocialWorkerID, "socialWorkerId"
	}
	now := s.d.Now()
	c := &models.Commendation{ID: core.NewID(), RecipientKind: kind, Title: strings.TrimSpace(in.Title), Level: in.Level,
		GrantingBody: strings.TrimSpace(in.GrantingBody), AwardedOn: in.AwardedOn, Citation: in.Citation,
		GrantedBy: actor.AccountID, GrantedAt: now}
	if err := c.Validate(s.today()); err != nil {
		return nil, err
	}
	r, err := s.recipientOf(ctx, kind, id, field)
	if err != nil {
		return nil, err
	}
	if err := policy.Authorize(actor, "grant-commendation", r.object); err != nil {
		return nil, err
	}
	if c.Level == "city" && !actor.Governs(models.CityCode) {
		return nil, models.E(models.KindForbidden, "市级表彰须由市民政部门授予", "a city-level award is granted by the city's civil affairs")
	}
	c.RecipientID, c.RecipientName, c.District = r.id, r.name, r.district
	c.DivisionCode = grantingDivision(actor, r)
	if err := s.st.Commendations.AddCommendation(ctx, c); err != nil {
		return nil, err
	}
	_ = s.d.Audit(ctx, actor, "commendation.granted", "commendation:"+c.ID, c.DivisionCode, c.RecipientKind+":"+c.RecipientID+" "+c.Title)
	return c, nil
}

// grantingDivision is the division of the actor's civil-affairs binding
// that covers the recipient (the narrowest one when several do).
func grantingDivision(actor *Actor, r *recipient) string {
	codes := append([]string{r.district, r.object.Division}, r.object.Scopes...)
	best := ""
	for _, b := range actor.Bindings(models.RoleCivilAffairs) {
		covers := b.DivisionCode == models.CityCode
		for _, c := range codes {
			covers = covers || c != "" && models.WithinDivision(c, b.DivisionCode)
		}
		if covers && len(b.DivisionCode) > len(best) {
			best = b.DivisionCode
		}
	}
	if best == "" {
		best = models.CityCode
	}
	return best
}

// RevokeCommendation revokes a wrongly entered award, with a reason: civil
// affairs covering the recipient (as for granting). The revocation is
// decided by a unique insert of its transition, so it happens once;
// audited. A revoked award is no longer shown on profiles or counted.
func (s *Service) RevokeCommendation(ctx context.Context, actor *Actor, id, reason string) (*models.Commendation, error) {
	reason = strings.TrimSpace(reason)
	if n := len([]rune(reason)); n < 2 || n > 500 {
		return nil, models.Invalid("reason", "撤销须说明理由（2–500 字）", "a revocation needs a reason (2–500 characters)")
	}
	c, err := s.st.Commendations.Commendation(ctx, id)
	if err != nil {
		return nil, err
	}
	field := "organisationId"
	if c.RecipientKind == recipientSocialWorker {
		field = "socialWorkerId"
	}
	r, err := s.recipientOf(ctx, c.RecipientKind, c.RecipientID, field)
	if core.IsKind(err, models.KindInvalid) {
		// The recipient is gone: civil affairs of the granting division decides.
		r, err = &recipient{object: policy.InDivision(c.DivisionCode)}, nil
	}
	if err != nil {
		return nil, err
	}
	if err := policy.Authorize(actor, "revoke-commendation", r.object); err != nil {
		return nil, err
	}
	if c.Revoked {
		return nil, models.E(models.KindConflict, "该表彰已撤销", "the award was revoked already").WithCode(models.CodeAlreadyDecided)
	}
	now := s.d.Now()
	t := &models.Transition{Object: "commendation:" + c.ID, Seq: 1, From: "granted", To: "revoked", By: actor.AccountID, At: now, Reason: reason}
	if err := s.d.RecordTransition(ctx, t, func(last models.Transition) error {
		c.Revoked, c.RevokedReason, c.RevokedBy, c.RevokedAt = true, last.Reason, last.By, last.At
		return s.st.Commendations.UpdateCommendation(ctx, c)
	}); err != nil {
		if core.IsKind(err, models.KindConflict) {
			return nil, models.E(models.KindConflict, "该表彰已撤销", "the award was revoked already").WithCode(models.CodeAlreadyDecided)
		}
		return nil, err
	}
	c.Revoked, c.RevokedReason, c.RevokedBy, c.RevokedAt = true, reason, actor.AccountID, now
	if err := s.st.Commendations.UpdateCommendation(ctx, c); err != nil {
		return nil, err
	}
	_ = s.d.Audit(ctx, actor, "commendation.revoked", "commendation:"+c.ID, c.DivisionCode, reason)
	return c, nil
}

// OrganisationCommendations lists an organisation's awards, latest first,
// revoked ones left out (public).
func (s *Service) OrganisationCommendations(ctx context.Context, orgID string) ([]*models.Commendation, error) {
	if _, err := s.st.Organisations.Organisation(ctx, orgID); err != nil {
		return nil, err
	}
	list, err := s.st.Commendations.CommendationsOf(ctx, recipientOrganisation, orgID)
	return standing(list), err
}

// SocialWorkerCommendations lists a social worker's awards, latest first,
// revoked ones left out (to signed-in callers, as the professional profile).
func (s *Service) SocialWorkerCommendations(ctx context.Context, actor *Actor, accountID string) ([]*models.Commendation, error) {
	if actor == nil {
		return nil, models.ErrUnauthorized
	}
	list, err := s.st.Commendations.CommendationsOf(ctx, recipientSocialWorker, accountID)
	return standing(list), err
}

// standing keeps the awards not revoked.
func standing(list []*models.Commendation) []*models.Commendation {
	out := make([]*models.Commendation, 0, len(list))
	for _, c := range list {
		if !c.Revoked {
			out = append(out, c)
		}
	}
	return out
}
