package parties

import (
	"context"
	"strings"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

// StationStore keeps the township/street social-work stations, and the
// centre points set for communities (centres.go).
type StationStore interface {
	// SetDivisionCentre sets (replaces) the centre point of c.Code.
	SetDivisionCentre(ctx context.Context, c *DivisionCentre) error
	// DivisionCentres returns the centre points set for any of codes.
	DivisionCentres(ctx context.Context, codes []string) (map[string]models.Point, error)
	// CreateStation inserts st keyed by its township: models.ErrConflict
	// when that township has a station already.
	CreateStation(ctx context.Context, st *models.Station) error
	// Station returns models.ErrNotFound when the township has no station.
	Station(ctx context.Context, townCode string) (*models.Station, error)
	UpdateStation(ctx context.Context, st *models.Station) error
	ListStations(ctx context.Context, division string, p Page) ([]*models.Station, string, error)
}

// StationInput is what civil affairs sets on a station.
type StationInput struct {
	TownCode, Name, OperatorOrgID, OpenedOn, Status, Address string
	ServiceAreas, SocialWorkers                              []string
	Setup                                                    models.StationSetup
}

// CreateStation opens the station of a township; civil affairs of that
// division only, and one per township (a unique insert decides).
func (s *Service) CreateStation(ctx context.Context, actor *Actor, in StationInput) (*models.Station, error) {
	now := s.d.Now()
	st := &models.Station{CreatedAt: now, UpdatedAt: now, CreatedBy: actor.AccountID}
	if err := s.applyStation(ctx, st, in); err != nil {
		return nil, err
	}
	if !policy.Allowed(actor, "create-station", policy.InDivision(st.TownCode)) {
		return nil, models.E(models.KindForbidden, "只能在本辖区设立社工站", "you may open stations only in your own division")
	}
	if err := s.st.Stations.CreateStation(ctx, st); err != nil {
		if core.IsKind(err, models.KindConflict) {
			return nil, &models.Error{Kind: models.KindConflict, Zh: "该乡镇（街道）已有社工站", En: "this township already has a station",
				Fields: []models.FieldError{{Field: "townCode", Zh: "该乡镇（街道）已有社工站", En: "this township already has a station"}}}
		}
		return nil, err
	}
	return st, nil
}

func (s *Service) applyStation(ctx context.Context, st *models.Station, in StationInput) error {
	st.TownCode = in.TownCode
	st.Name = strings.TrimSpace(in.Name)
	st.ServiceAreas = in.ServiceAreas
	st.OperatorOrgID = in.OperatorOrgID
	st.SocialWorkers = in.SocialWorkers
	st.OpenedOn = in.OpenedOn
	st.Status = in.Status
	if st.Status == "" {
		st.Status = "open"
	}
	st.Address = strings.TrimSpace(in.Address)
	st.Setup = in.Setup
	st.Setup.OpeningHours = strings.TrimSpace(st.Setup.OpeningHours)
	if err := st.Validate(); err != nil {
		return err
	}
	st.CountyCode = st.TownCode[:6]
	st.SocialWorkerNo = len(st.SocialWorkers)
	if st.OperatorOrgID != "" {
		o, err := s.st.Organisations.Organisation(ctx, st.OperatorOrgID)
		if core.IsKind(err, models.KindNotFound) {
			return models.Invalid("operatorOrgId", "运营机构不存在", "no such organisation")
		} else if err != nil {
			return err
		}
		if !o.Status.Operating() {
			return models.Invalid("operatorOrgId", "运营机构未在正常运营", "the operating organisation is not active")
		}
	}
	seen := map[string]bool{}
	for i, id := range st.SocialWorkers {
		if seen[id] {
			return models.Invalid("socialWorkers["+itoa(i)+"]", "重复的社工", "duplicate social worker")
		}
		seen[id] = true
		a, err := s.st.Accounts.AccountByID(ctx, id)
		if core.IsKind(err, models.KindNotFound) || (err == nil && !a.HasRole(models.RoleSocialWorker)) {
			return models.Invalid("socialWorkers["+itoa(i)+"]", "不是已登记的社会工作者", "not a registered social worker")
		} else if err != nil {
			return err
		}
	}
	return nil
}

// Station returns a township's station (public).
func (s *Service) Station(ctx context.Context, townCode string) (*models.Station, error) {
	return s.st.Stations.Station(ctx, townCode)
}

// UpdateStation edits a station; civil affairs of its division only.
func (s *Service) UpdateStation(ctx context.Context, actor *Actor, townCode string, in StationInput) (*models.Station, error) {
	return s.editStation(ctx, actor, "update-station", townCode, core.Replace(in))
}

// editStation is the one way a station is written after opening (act:
// update-station replaces it, patch-station edits it): under the station's
// lock, edit gets the station as it is and returns the new one, which the
// rules below check as a whole.
func (s *Service) editStation(ctx context.Context, actor *Actor, act policy.Action, townCode string, edit core.Edit[StationInput]) (*models.Station, error) {
	return core.Locked(s.d.Shared, ctx, "station:"+townCode, func() (*models.Station, error) { return s.updateStation(ctx, actor, act, townCode, edit) })
}

func (s *Service) updateStation(ctx context.Context, actor *Actor, act policy.Action, townCode string, edit core.Edit[StationInput]) (*models.Station, error) {
	st, err := s.st.Stations.Station(ctx, townCode)
	if err != nil {
		return nil, err
	}
	if err := policy.Authorize(actor, act, policy.InDivision(st.TownCode)); err != nil {
		return nil, err
	}
	in, err := edit(StationInput{TownCode: st.TownCode, Name: st.Name, OperatorOrgID: st.OperatorOrgID, OpenedOn: st.OpenedOn,
		Status: st.Status, Address: st.Address, ServiceAreas: st.ServiceAreas, SocialWorkers: st.SocialWorkers, Setup: st.Setup})
	if err != nil {
		return nil, err
	}
	in.TownCode = st.TownCode
	if err := s.applyStation(ctx, st, in); err != nil {
		return nil, err
	}
	st.UpdatedAt = s.d.Now()
	if err := s.st.Stations.UpdateStation(ctx, st); err != nil {
		return nil, err
	}
	return st, nil
}

// ListStations lists stations inside a division (public).
func (s *Service) ListStations(ctx context.Context, division string, p Page) ([]*models.Station, string, error) {
	if division != "" {
		if err := models.ValidateDivision("division", division, ""); err != nil {
			return nil, "", err
		}
	}
	return s.st.Stations.ListStations(ctx, division, p.Normalised())
}
