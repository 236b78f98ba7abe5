package recognition

import (
	"context"
	"strings"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

// BaseInput is what civil affairs sets on an incubation base.
type BaseInput struct {
	CountyCode, Name, Address, Operator, OperatorOrgID, OpenedOn string
	SpaceM2                                                      int
	SeedFundsFen                                                 int64
}

func applyBase(b *models.IncubationBase, in BaseInput) {
	b.CountyCode, b.Name, b.Address = in.CountyCode, strings.TrimSpace(in.Name), strings.TrimSpace(in.Address)
	b.Operator, b.OperatorOrgID, b.OpenedOn = strings.TrimSpace(in.Operator), in.OperatorOrgID, in.OpenedOn
	b.SpaceM2, b.SeedFundsFen = in.SpaceM2, in.SeedFundsFen
}

// baseObject is a base as the policy sees it: it lies in its county.
func baseObject(b *models.IncubationBase) policy.Object { return policy.InDivision(b.CountyCode) }

// CreateBase registers a county's incubation base: civil affairs of the county (or the city).
func (s *Service) CreateBase(ctx context.Context, actor *Actor, in BaseInput) (*models.IncubationBase, error) {
	now := s.d.Now()
	b := &models.IncubationBase{ID: core.NewID(), CreatedBy: actor.AccountID, CreatedAt: now, UpdatedAt: now}
	applyBase(b, in)
	if err := b.Validate(); err != nil {
		return nil, err
	}
	if err := policy.Authorize(actor, "create-incubation-base", baseObject(b)); err != nil {
		return nil, err
	}
	if err := s.checkOperator(ctx, b); err != nil {
		return nil, err
	}
	if err := s.st.Incubation.CreateBase(ctx, b); err != nil {
		return nil, err
	}
	_ = s.d.Audit(ctx, actor, "incubation_base.created", "incubation_base:"+b.ID, b.CountyCode, b.Name)
	return b, nil
}

func (s *Service) checkOperator(ctx context.Context, b *models.IncubationBase) error {
	if b.OperatorOrgID == "" {
		return nil
	}
	_, err := s.st.Organisations.Organisation(ctx, b.OperatorOrgID)
	if core.IsKind(err, models.KindNotFound) {
		return models.Invalid("operatorOrgId", "运营机构不存在", "no such organisation")
	}
	return err
}

// UpdateBase replaces a base's details; its county is fixed.
func (s *Service) UpdateBase(ctx context.Context, actor *Actor, id string, in BaseInput) (*models.IncubationBase, error) {
	return core.Locked(s.d.Shared, ctx, "incubation_base:"+id, func() (*models.IncubationBase, error) {
		b, err := s.st.Incubation.Base(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := policy.Authorize(actor, "update-incubation-base", baseObject(b)); err != nil {
			return nil, err
		}
		if in.CountyCode != b.CountyCode {
			return nil, models.Invalid("divisionCode", "孵化基地所属县（区）不能变更", "a base's county is fixed")
		}
		applyBase(b, in)
		b.UpdatedAt = s.d.Now()
		if err := b.Validate(); err != nil {
			return nil, err
		}
		if err := s.checkOperator(ctx, b); err != nil {
			return nil, err
		}
		if err := s.st.Incubation.UpdateBase(ctx, b); err != nil {
			return nil, err
		}
		return b, nil
	})
}

// Base returns a base (public).
func (s *Service) Base(ctx context.Context, id string) (*models.IncubationBase, error) {
	return s.st.Incubation.Base(ctx, id)
}

// ListBases lists the bases of a county-level division, or of the whole
// city when county is empty or the city (public).
func (s *Service) ListBases(ctx context.Context, county string, p Page) ([]*models.IncubationBase, string, error) {
	if county == models.CityCode {
		county = ""
	}
	if county != "" {
		if d, ok := models.LookupDivision(county); !ok || d.Level != models.LevelCounty {
			return nil, "", models.Invalid("query.county", "须为郑州市（4101）或县（区）级行政区划代码", "must be the city (4101) or a county-level division")
		}
	}
	return s.st.Incubation.ListBases(ctx, county, p.Normalised())
}

// RecordIncubation records that an organisation registered in the base's
// county is incubated there from startedOn: civil affairs of the county.
// An organisation is recorded at a base once (a unique insert decides
// concurrent requests: one 201, the others 409).
func (s *Service) RecordIncubation(ctx context.Context, actor *Actor, baseID, orgID, startedOn, endedOn string) (*models.Incubation, error) {
	b, err := s.st.Incubation.Base(ctx, baseID)
	if err != nil {
		return nil, err
	}
	if err := policy.Authorize(actor, "record-incubation", baseObject(b)); err != nil {
		return nil, err
	}
	o, err := s.st.Organisations.Organisation(ctx, orgID)
	if core.IsKind(err, models.KindNotFound) {
		return nil, models.Invalid("organisationId", "机构不存在", "no such organisation")
	} else if err != nil {
		return nil, err
	}
	if !models.WithinDivision(o.DivisionCode, b.CountyCode) {
		return nil, models.Invalid("organisationId", "孵化基地只孵化本县（区）登记的机构", "a base incubates organisations registered in its county")
	}
	if o.Status == models.OrgExited {
		return nil, models.E(models.KindConflict, "机构已退出", "the organisation has exited")
	}
	i := &models.Incubation{BaseID: b.ID, OrganisationID: o.ID, OrganisationName: o.Name, CountyCode: b.CountyCode,
		StartedOn: startedOn, EndedOn: endedOn, RecordedBy: actor.AccountID, RecordedAt: s.d.Now()}
	if err := i.Validate(s.today()); err != nil {
		return nil, err
	}
	if err := s.st.Incubation.AddIncubation(ctx, i); err != nil {
		if core.IsKind(err, models.KindConflict) {
			return nil, models.E(models.KindConflict, "该机构已在此孵化基地登记", "the organisation is recorded at this base already")
		}
		return nil, err
	}
	_ = s.d.Audit(ctx, actor, "incubation.recorded", "incubation_base:"+b.ID, b.CountyCode, o.ID)
	return i, nil
}

// EndIncubation records that an incubated organisation graduated or left on endedOn.
func (s *Service) EndIncubation(ctx context.Context, actor *Actor, baseID, orgID, endedOn string) (*models.Incubation, error) {
	return core.Locked(s.d.Shared, ctx, "incubation:"+baseID+"#"+orgID, func() (*models.Incubation, error) {
		b, err := s.st.Incubation.Base(ctx, baseID)
		if err != nil {
			return nil, err
		}
		if err := policy.Authorize(actor, "end-incubation", baseObject(b)); err != nil {
			return nil, err
		}
		i, err := s.st.Incubation.Incubation(ctx, baseID, orgID)
		if err != nil {
			return nil, err
		}
		if i.EndedOn != "" {
			return nil, models.E(models.KindConflict, "该孵化已于 "+i.EndedOn+" 结束", "the incubation ended on "+i.EndedOn).WithCode(models.CodeAlreadyDecided)
		}
		i.EndedOn = endedOn
		if endedOn == "" {
			return nil, models.Invalid("endedOn", "须填写出壳日期", "endedOn is required")
		}
		if err := i.Validate(s.today()); err != nil {
			return nil, err
		}
		if err := s.st.Incubation.UpdateIncubation(ctx, i); err != nil {
			return nil, err
		}
		return i, nil
	})
}

// Incubations lists the organisations incubated at a base (public).
func (s *Service) Incubations(ctx context.Context, baseID string, p Page) ([]*models.Incubation, string, error) {
	if _, err := s.st.Incubation.Base(ctx, baseID); err != nil {
		return nil, "", err
	}
	return s.st.Incubation.Incubations(ctx, baseID, p.Normalised())
}
