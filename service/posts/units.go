package posts

import (
	"context"
	"strings"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

// UnitInput is what civil affairs sets on an employing unit.
type UnitInput struct {
	Kind, SubKind, HospitalGrade, Name, DivisionCode, OrganisationID string
	Clients                                                          int
	HasDepartment                                                    bool
}

// unitObject is a unit as the policy sees it: its division, and its linked
// organisation, whose admins manage its posts.
func unitObject(u *models.EmployingUnit) policy.Object {
	o := policy.InDivision(u.DivisionCode)
	if u.OrganisationID != "" {
		o.Orgs = []string{u.OrganisationID}
	}
	return o
}

// CreateUnit registers an employing unit; civil affairs of its division only.
func (s *Service) CreateUnit(ctx context.Context, actor *Actor, in UnitInput) (*models.EmployingUnit, error) {
	now := s.d.Now()
	u := &models.EmployingUnit{ID: core.NewID(), CreatedAt: now, UpdatedAt: now, CreatedBy: actor.AccountID}
	if err := s.applyUnit(ctx, actor, "create-employing-unit", u, in); err != nil {
		return nil, err
	}
	if err := s.st.Posts.CreateUnit(ctx, u); err != nil {
		return nil, err
	}
	_ = s.d.Audit(ctx, actor, "employing_unit.create", "employing_unit:"+u.ID, u.DivisionCode, u.Name)
	return u, nil
}

// applyUnit checks in, and that the actor may act in the unit's (new)
// division, before anything else is read.
func (s *Service) applyUnit(ctx context.Context, actor *Actor, act policy.Action, u *models.EmployingUnit, in UnitInput) error {
	u.Kind, u.SubKind, u.HospitalGrade = in.Kind, in.SubKind, in.HospitalGrade
	u.Name, u.DivisionCode = strings.TrimSpace(in.Name), in.DivisionCode
	u.Clients, u.HasDepartment, u.OrganisationID = in.Clients, in.HasDepartment, in.OrganisationID
	if err := u.Validate(); err != nil {
		return err
	}
	if !policy.Allowed(actor, act, policy.InDivision(u.DivisionCode)) {
		return models.E(models.KindForbidden, "只能登记本辖区的用人单位", "you may register units only in your own division")
	}
	if u.OrganisationID != "" {
		o, err := s.st.Organisations.Organisation(ctx, u.OrganisationID)
		if core.IsKind(err, models.KindNotFound) {
			return models.Invalid("organisationId", "机构不存在", "no such organisation")
		} else if err != nil {
			return err
		}
		if !policy.Allowed(actor, act, policy.InDivision(o.DivisionCode)) {
			return models.Invalid("organisationId", "只能关联本辖区登记的机构", "only an organisation registered in your division may be linked")
		}
	}
	return nil
}

// Unit returns a unit.
func (s *Service) Unit(ctx context.Context, id string) (*models.EmployingUnit, error) {
	return s.st.Posts.Unit(ctx, id)
}

// UpdateUnit replaces a unit's details; civil affairs of its division
// (and of the division it moves to). Its posts follow: each carries the
// unit's kind, division and organisation (where it counts, who manages it).
func (s *Service) UpdateUnit(ctx context.Context, actor *Actor, id string, in UnitInput) (*models.EmployingUnit, error) {
	return core.Locked(s.d.Shared, ctx, "employing_unit:"+id, func() (*models.EmployingUnit, error) {
		u, err := s.st.Posts.Unit(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := policy.Authorize(actor, "update-employing-unit", unitObject(u)); err != nil {
			return nil, err
		}
		if err := s.applyUnit(ctx, actor, "update-employing-unit", u, in); err != nil {
			return nil, err
		}
		u.UpdatedAt = s.d.Now()
		if err := s.st.Posts.UpdateUnit(ctx, u); err != nil {
			return nil, err
		}
		if err := s.followUnit(ctx, u); err != nil {
			return nil, err
		}
		_ = s.d.Audit(ctx, actor, "employing_unit.update", "employing_unit:"+u.ID, u.DivisionCode, u.Name)
		return u, nil
	})
}

// ListUnits lists the units inside a division (signed-in callers).
func (s *Service) ListUnits(ctx context.Context, division string, p Page) ([]*models.EmployingUnit, string, error) {
	if division != "" {
		if err := models.ValidateDivision("division", division, ""); err != nil {
			return nil, "", err
		}
	}
	return s.st.Posts.ListUnits(ctx, division, p.Normalised())
}

// followUnit copies the unit's kind, division and organisation onto each
// of its posts that carries others (each under the post's lock).
func (s *Service) followUnit(ctx context.Context, u *models.EmployingUnit) error {
	pg := Page{Limit: core.MaxPageSize}
	for {
		list, next, err := s.st.Posts.ListPosts(ctx, PostFilter{UnitID: u.ID}, pg)
		if err != nil {
			return err
		}
		for _, p := range list {
			if p.UnitKind == u.Kind && p.DivisionCode == u.DivisionCode && p.OrganisationID == u.OrganisationID {
				continue
			}
			if err := s.d.WithLock(ctx, "post:"+p.ID, func() error {
				cur, err := s.st.Posts.Post(ctx, p.ID)
				if err != nil {
					return err
				}
				cur.UnitKind, cur.DivisionCode, cur.OrganisationID, cur.UpdatedAt = u.Kind, u.DivisionCode, u.OrganisationID, s.d.Now()
				return s.st.Posts.UpdatePost(ctx, cur)
			}); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		pg.Cursor = next
	}
}
