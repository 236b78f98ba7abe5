package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/records"
)

// dashboard.go: the civil-affairs dashboard's daily snapshots, and the
// streamed scans its counting reads (plain finds iterated in Go: no
// aggregation, which FerretDB gets wrong beyond one accumulator).

const colDashboardSnapshots = "dashboard_snapshots" // _id = date (YYYY-MM-DD, Asia/Shanghai): one snapshot a day

func init() { register(colDashboardSnapshots) }

var (
	_ service.DashboardStore       = (*Dashboard)(nil)
	_ service.VerifiedHoursScanner = (*ServiceRecords)(nil)
	_ service.TrainingScanner      = (*Pathway)(nil)
	_ service.MembershipScanner    = (*Organisations)(nil)
)

// Dashboard stores the dashboard's daily snapshots.
type Dashboard struct{ db *DB }

// Dashboard returns the snapshot store.
func (d *DB) Dashboard() *Dashboard { return &Dashboard{db: d} }

type snapshotDoc struct {
	ID      string                   `bson:"_id"`
	TakenAt time.Time                `bson:"takenAt"`
	Doc     models.DashboardSnapshot `bson:"doc"`
}

// SaveSnapshot inserts the day's snapshot or replaces it.
func (s *Dashboard) SaveSnapshot(ctx context.Context, snap *models.DashboardSnapshot) error {
	return save(ctx, s.db.db.Collection(colDashboardSnapshots), snap.Date,
		snapshotDoc{ID: snap.Date, TakenAt: snap.TakenAt, Doc: *snap}, "save dashboard snapshot")
}

// LatestSnapshot finds the snapshot of the latest date (dates sort as strings).
func (s *Dashboard) LatestSnapshot(ctx context.Context) (*models.DashboardSnapshot, error) {
	var d snapshotDoc
	err := s.db.db.Collection(colDashboardSnapshots).FindOne(ctx, bson.M{}, options.FindOne().SetSort(bson.D{{Key: "_id", Value: -1}})).Decode(&d)
	if err != nil {
		return nil, translate(err, "dashboard snapshot")
	}
	return &d.Doc, nil
}

// streamDocs streams the documents of col matching filter into fn, decoded as D.
func streamDocs[D any](ctx context.Context, col *mongo.Collection, filter bson.M, projection bson.M, fn func(*D) error) error {
	opts := options.Find()
	if projection != nil {
		opts.SetProjection(projection)
	}
	cur, err := col.Find(ctx, filter, opts)
	if err != nil {
		return translate(err, "scan "+col.Name())
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d D
		if err := cur.Decode(&d); err != nil {
			return translate(err, "decode "+col.Name())
		}
		if err := fn(&d); err != nil {
			return err
		}
	}
	return translate(cur.Err(), "scan "+col.Name())
}

// EachVerifiedHours streams every verified version of every hours record.
func (s *ServiceRecords) EachVerifiedHours(ctx context.Context, fn func(*models.HoursRecord) error) error {
	return streamDocs(ctx, s.db.db.Collection(colHours), bson.M{"status": string(models.HoursVerified)},
		bson.M{"occurrenceId": 1, "volunteerId": 1, "version": 1, "date": 1, "hours": 1, "domain": 1, "status": 1, "communityCode": 1, "createdAt": 1},
		func(d *hoursDoc) error { return fn(d.model()) })
}

// EachTraining streams every training record.
func (s *Pathway) EachTraining(ctx context.Context, fn func(*records.TrainingRecord) error) error {
	return streamDocs(ctx, s.db.db.Collection(colTraining), bson.M{}, nil, func(d *trainingDoc) error { return fn(d.model()) })
}

// EachSocialWorkerMembership streams every social_worker membership as
// (organisation, account); names and phones are not read.
func (s *Organisations) EachSocialWorkerMembership(ctx context.Context, fn func(orgID, accountID string) error) error {
	return streamDocs(ctx, s.db.db.Collection(colMembers), bson.M{"role": string(models.RoleSocialWorker)},
		bson.M{"organisationId": 1, "accountId": 1, "role": 1},
		func(d *memberDoc) error { return fn(d.OrganisationID, d.AccountID) })
}
