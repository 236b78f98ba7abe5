package parties

import (
	"context"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/policy"
)

// A community's centre point: the embedded division data has points for
// the city and its official counties only, so the committee of a
// community, or civil affairs governing it, sets the community's centre
// (a client posting a need starts from it instead of inventing a point).
// The centres are kept with the stations (StationStore).

// DivisionCentre is a centre point set for a division, with who set it.
type DivisionCentre struct {
	Code  string
	Point models.Point
	SetBy string
	SetAt time.Time
}

// SetCommunityCentre sets (replaces) the centre point of a community: its
// committee or civil affairs governing it. The point lies in Zhengzhou, and
// in the community's own district when that district has an outline.
func (s *Service) SetCommunityCentre(ctx context.Context, actor *Actor, code string, p models.Point) (*DivisionCentre, error) {
	if err := models.ValidateDivision("code", code, models.LevelVillage); err != nil {
		return nil, err
	}
	if err := policy.Authorize(actor, "set-community-centre", policy.InDivision(code)); err != nil {
		return nil, err
	}
	if err := models.ValidatePoint("location", p); err != nil {
		return nil, err
	}
	if at, ok := models.DistrictAt(p); ok && hasOutline(code[:6]) && at != code[:6] {
		return nil, models.Invalid("location", "中心点不在该社区所在的区县", "the point is outside the community's district")
	}
	c := &DivisionCentre{Code: code, Point: p, SetBy: actor.AccountID, SetAt: s.d.Now()}
	if err := s.st.Stations.SetDivisionCentre(ctx, c); err != nil {
		return nil, err
	}
	_ = s.d.Audit(ctx, actor, "division.centre", "division:"+code, code, "")
	return c, nil
}

// DivisionCentres returns the centre points set for any of codes (public).
func (s *Service) DivisionCentres(ctx context.Context, codes []string) (map[string]models.Point, error) {
	return s.st.Stations.DivisionCentres(ctx, codes)
}

// hasOutline reports whether a county has a polygon in the embedded data
// (the three statistical zones have none).
func hasOutline(county string) bool {
	for _, d := range models.DistrictPolygons() {
		if d.Code == county {
			return true
		}
	}
	return false
}
