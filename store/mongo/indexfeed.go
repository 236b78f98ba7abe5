package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/needs"
)

// colIndexChanges is the matching index's change log: one entry per
// "volunteer X changed" a replica announced, so that every replica can
// catch up on what it missed on the bus by reading the entries since its
// watermark (service/needs/resync.go). Entries are inserted, never
// updated; a job deletes those older than needs.IndexChangeRetention.
const colIndexChanges = "index_changes"

func init() {
	register(colIndexChanges, mongo.IndexModel{Keys: bson.D{{Key: "at", Value: 1}}, Options: options.Index().SetName("at")})
}

var _ needs.IndexFeed = (*IndexFeed)(nil)

// IndexFeed reads what the matching index is built from, cut to the
// fields it needs, and keeps its change log.
type IndexFeed struct{ db *DB }

// IndexFeed is the matching index's reads and change log.
func (d *DB) IndexFeed() *IndexFeed { return &IndexFeed{db: d} }

type indexChangeDoc struct {
	ID          string    `bson:"_id"`
	VolunteerID string    `bson:"volunteerId"`
	At          time.Time `bson:"at"`
}

// RecordVolunteerChange appends "volunteer id changed at at" to the log.
func (s *IndexFeed) RecordVolunteerChange(ctx context.Context, volunteerID string, at time.Time) error {
	_, err := s.db.db.Collection(colIndexChanges).InsertOne(ctx, indexChangeDoc{ID: bson.NewObjectID().Hex(), VolunteerID: volunteerID, At: at})
	return translate(err, "record index change")
}

// VolunteerChangesSince lists, once each, the volunteers with a log entry
// at or after t (a range on the indexed "at").
func (s *IndexFeed) VolunteerChangesSince(ctx context.Context, t time.Time) ([]string, error) {
	cur, err := s.db.db.Collection(colIndexChanges).Find(ctx, bson.M{"at": bson.M{"$gte": t}},
		options.Find().SetProjection(bson.M{"volunteerId": 1}))
	if err != nil {
		return nil, translate(err, "index changes")
	}
	defer cur.Close(ctx)
	seen := map[string]bool{}
	var out []string
	for cur.Next(ctx) {
		var d indexChangeDoc
		if err := cur.Decode(&d); err != nil {
			return nil, translate(err, "decode index change")
		}
		if !seen[d.VolunteerID] {
			seen[d.VolunteerID] = true
			out = append(out, d.VolunteerID)
		}
	}
	return out, translate(cur.Err(), "index changes")
}

// PruneVolunteerChanges deletes the log entries before t.
func (s *IndexFeed) PruneVolunteerChanges(ctx context.Context, t time.Time) (int, error) {
	res, err := s.db.db.Collection(colIndexChanges).DeleteMany(ctx, bson.M{"at": bson.M{"$lt": t}})
	if err != nil {
		return 0, translate(err, "prune index changes")
	}
	return int(res.DeletedCount), nil
}

// VolunteersWithPlacesEnding lists, once each, the volunteers holding a
// place whose window ends in (from, to]: time alone changes what the index
// derives from such a place (a commitment over, a no-show, a place leaving
// the fairness window).
func (s *IndexFeed) VolunteersWithPlacesEnding(ctx context.Context, from, to time.Time) ([]string, error) {
	cur, err := s.db.db.Collection(colAssignments).Find(ctx, bson.M{"end": bson.M{"$gt": from, "$lte": to}},
		options.Find().SetProjection(bson.M{"volunteerId": 1}))
	if err != nil {
		return nil, translate(err, "places ending")
	}
	defer cur.Close(ctx)
	seen := map[string]bool{}
	var out []string
	for cur.Next(ctx) {
		var d struct {
			VolunteerID string `bson:"volunteerId"`
		}
		if err := cur.Decode(&d); err != nil {
			return nil, translate(err, "decode place")
		}
		if !seen[d.VolunteerID] {
			seen[d.VolunteerID] = true
			out = append(out, d.VolunteerID)
		}
	}
	return out, translate(cur.Err(), "places ending")
}

// matchProfileFields are the volunteer fields the index reads: no name, ID
// number, credentials or insurance, and the sealed guardian details only
// to learn that there are some (they are never opened here).
var matchProfileFields = bson.M{"skills": 1, "backgroundCheck": 1, "availability": 1, "blackouts": 1, "home": 1,
	"maxDistanceKm": 1, "domains": 1, "qualificationTrack": 1, "birthDate": 1, "realNameVerified": 1,
	"guardian": 1, "guardianSealed": 1}

// EachMatchProfile streams every volunteer as the index sees them: the
// fields of matchProfileFields, a Guardian that only says consent is
// recorded, and no reliability figures (the index derives them).
func (s *IndexFeed) EachMatchProfile(ctx context.Context, fn func(*models.Volunteer) error) error {
	cur, err := s.db.db.Collection(colVolunteers).Find(ctx, bson.M{}, options.Find().SetProjection(matchProfileFields))
	if err != nil {
		return translate(err, "volunteers")
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d volunteerDoc
		if err := cur.Decode(&d); err != nil {
			return translate(err, "decode volunteer")
		}
		v := &models.Volunteer{AccountID: d.ID, RealNameVerified: d.RealNameVerified, Skills: make([]models.SkillLevel, len(d.Skills)),
			Availability: gridFromWords(d.Availability), Blackouts: d.Blackouts, Home: d.Home.model(), MaxDistanceKm: d.MaxDistanceKm,
			Domains: d.Domains, QualificationTrack: d.QualificationTrack, BirthDate: d.BirthDate}
		for i, s := range d.Skills {
			v.Skills[i] = models.SkillLevel(s)
		}
		if b := d.BackgroundCheck; b != nil && b.RecordedBy != "" && b.RecordedAt != nil {
			v.BackgroundCheck = &models.BackgroundCheck{Result: b.Result, CheckedOn: b.CheckedOn, ExpiresOn: b.ExpiresOn,
				RecordedBy: b.RecordedBy, RecordedAt: b.RecordedAt}
		}
		if d.Guardian != nil || d.GuardianSealed != "" {
			v.Guardian = &models.GuardianConsent{}
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return translate(cur.Err(), "volunteers")
}
