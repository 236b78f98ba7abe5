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

func init() { register(colStations) }

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
	Scopes        []string  `bson:"scopes"`
	CreatedAt     time.Time `bson:"createdAt"`
	UpdatedAt     time.Time `bson:"updatedAt"`
	CreatedBy     string    `bson:"createdBy"`
}

func toStationDoc(s *models.Station) stationDoc {
	return stationDoc{TownCode: s.TownCode, Name: s.Name, ServiceAreas: nonNil(s.ServiceAreas), OperatorOrgID: s.OperatorOrgID,
		SocialWorkers: nonNil(s.SocialWorkers), OpenedOn: s.OpenedOn, Status: s.Status, Address: s.Address,
		Scopes: ancestors(s.TownCode), CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, CreatedBy: s.CreatedBy}
}

func (d *stationDoc) model() *models.Station {
	return &models.Station{TownCode: d.TownCode, Name: d.Name, ServiceAreas: d.ServiceAreas, OperatorOrgID: d.OperatorOrgID,
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
