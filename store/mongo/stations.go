package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/parties"
)

const colStations = "stations" // _id = township code: at most one station per township

// colDivisionCentres: _id = division code; the centre points set for
// communities (the embedded division data has none).
const colDivisionCentres = "division_centres"

func init() { register(colStations); register(colDivisionCentres) }

var _ parties.StationStore = (*Stations)(nil)

// Stations stores the township/street social-work stations.
type Stations struct{ db *DB }

// Stations returns the station store.
func (d *DB) Stations() *Stations { return &Stations{db: d} }

type stationDoc struct {
	TownCode      string    `bson:"_id"`
	Name          string    `bson:"name"`
	ServiceAreas  []string  `bson:"serviceAreas"`
	OperatorOrgID string    `bson:"operatorOrgId,omitempty"`
	SocialWorkers []string  `bson:"socialWorkers"`
	OpenedOn      string    `bson:"openedOn,omitempty"`
	Status        string    `bson:"status"`
	Address       string    `bson:"address,omitempty"`
	Setup         *setupDoc `bson:"setup,omitempty"`
	Scopes        []string  `bson:"scopes"`
	CreatedAt     time.Time `bson:"createdAt"`
	UpdatedAt     time.Time `bson:"updatedAt"`
	CreatedBy     string    `bson:"createdBy"`
}

type setupDoc struct {
	AreaSqm      int      `bson:"areaSqm"`
	Rooms        []string `bson:"rooms"`
	OpeningHours string   `bson:"openingHours,omitempty"`
	ServiceItems []string `bson:"serviceItems"`
	Rules        []string `bson:"rules"`
	SignageOn    string   `bson:"signageOn,omitempty"`
}

func toStationDoc(s *models.Station) stationDoc {
	u := s.Setup
	var setup *setupDoc
	if u.AreaSqm != 0 || len(u.Rooms)+len(u.ServiceItems)+len(u.Rules) > 0 || u.OpeningHours != "" || u.SignageOn != "" {
		setup = &setupDoc{AreaSqm: u.AreaSqm, Rooms: nonNil(u.Rooms), OpeningHours: u.OpeningHours, ServiceItems: nonNil(u.ServiceItems),
			Rules: nonNil(u.Rules), SignageOn: u.SignageOn}
	}
	return stationDoc{Setup: setup, TownCode: s.TownCode, Name: s.Name, ServiceAreas: nonNil(s.ServiceAreas), OperatorOrgID: s.OperatorOrgID,
		SocialWorkers: nonNil(s.SocialWorkers), OpenedOn: s.OpenedOn, Status: s.Status, Address: s.Address,
		Scopes: ancestors(s.TownCode), CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, CreatedBy: s.CreatedBy}
}

func (d *stationDoc) model() *models.Station {
	var setup models.StationSetup
	if u := d.Setup; u != nil {
		setup = models.StationSetup{AreaSqm: u.AreaSqm, Rooms: u.Rooms, OpeningHours: u.OpeningHours, ServiceItems: u.ServiceItems,
			Rules: u.Rules, SignageOn: u.SignageOn}
	}
	return &models.Station{Setup: setup, TownCode: d.TownCode, Name: d.Name, ServiceAreas: d.ServiceAreas, OperatorOrgID: d.OperatorOrgID,
		SocialWorkers: d.SocialWorkers, OpenedOn: d.OpenedOn, Status: d.Status, Address: d.Address, CreatedAt: d.CreatedAt,
		UpdatedAt: d.UpdatedAt, CreatedBy: d.CreatedBy, CountyCode: d.TownCode[:min(6, len(d.TownCode))], SocialWorkerNo: len(d.SocialWorkers)}
}

// CreateStation inserts the township's station; a second one is a conflict.
func (s *Stations) CreateStation(ctx context.Context, st *models.Station) error {
	_, err := s.db.db.Collection(colStations).InsertOne(ctx, toStationDoc(st))
	return translate(err, "insert station")
}

// Station finds a township's station.
func (s *Stations) Station(ctx context.Context, townCode string) (*models.Station, error) {
	var d stationDoc
	if err := s.db.db.Collection(colStations).FindOne(ctx, bson.M{"_id": townCode}).Decode(&d); err != nil {
		return nil, translate(err, "station")
	}
	return d.model(), nil
}

// UpdateStation replaces the station document.
func (s *Stations) UpdateStation(ctx context.Context, st *models.Station) error {
	res, err := s.db.db.Collection(colStations).ReplaceOne(ctx, bson.M{"_id": st.TownCode}, toStationDoc(st))
	if err != nil {
		return translate(err, "update station")
	}
	if res.MatchedCount == 0 {
		return models.ErrNotFound.Wrap(nil)
	}
	return nil
}

// ListStations lists stations inside division (all when empty).
func (s *Stations) ListStations(ctx context.Context, division string, p service.Page) ([]*models.Station, string, error) {
	f := bson.M{}
	if division != "" {
		f["scopes"] = division
	}
	return pageModels(ctx, s.db.db.Collection(colStations), f, p, func(d *stationDoc) string { return d.TownCode }, (*stationDoc).model)
}

type divisionCentreDoc struct {
	Code  string    `bson:"_id"`
	Lat   float64   `bson:"lat"`
	Lng   float64   `bson:"lng"`
	SetBy string    `bson:"setBy"`
	SetAt time.Time `bson:"setAt"`
}

// SetDivisionCentre sets (replaces) a division's centre point.
func (s *Stations) SetDivisionCentre(ctx context.Context, c *parties.DivisionCentre) error {
	_, err := s.db.db.Collection(colDivisionCentres).ReplaceOne(ctx, bson.M{"_id": c.Code},
		divisionCentreDoc{Code: c.Code, Lat: c.Point.Lat, Lng: c.Point.Lng, SetBy: c.SetBy, SetAt: c.SetAt},
		replaceUpsert)
	return translate(err, "set division centre")
}

// DivisionCentres returns the centre points set for any of codes.
func (s *Stations) DivisionCentres(ctx context.Context, codes []string) (map[string]models.Point, error) {
	out := map[string]models.Point{}
	if len(codes) == 0 {
		return out, nil
	}
	docs, err := findAll[divisionCentreDoc](ctx, s.db.db.Collection(colDivisionCentres), bson.M{"_id": bson.M{"$in": codes}})
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		out[d.Code] = models.Point{Lat: d.Lat, Lng: d.Lng}
	}
	return out, nil
}
