package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/records"
)

var _ records.ServiceRecordStore = (*ServiceRecords)(nil)

// ServiceRecords reads verified hours records (the "hours_records"
// collection the Hours store writes) for certificates and exports.
type ServiceRecords struct{ db *DB }

// ServiceRecords returns the store.
func (d *DB) ServiceRecords() *ServiceRecords { return &ServiceRecords{db: d} }

// VerifiedHours lists every verified version matching f.
func (s *ServiceRecords) VerifiedHours(ctx context.Context, f records.VerifiedHoursFilter) ([]*models.HoursRecord, error) {
	filter := bson.M{"status": string(models.HoursVerified)}
	n := 0
	if f.VolunteerID != "" {
		filter["volunteerId"] = f.VolunteerID
		n++
	}
	if f.CommunityCode != "" {
		filter["communityCode"] = f.CommunityCode
		n++
	}
	if f.VerifierOrg != "" {
		filter["verifierOrg"] = f.VerifierOrg
		n++
	}
	if len(f.OccurrenceIDs) > 0 {
		filter["occurrenceId"] = bson.M{"$in": f.OccurrenceIDs}
		n++
	}
	if !f.VerifiedSince.IsZero() {
		filter["verifiedAt"] = bson.M{"$gte": f.VerifiedSince}
		n++
	}
	if n == 0 {
		return nil, models.Internal("verified hours: no filter")
	}
	cur, err := s.db.db.Collection(colHours).Find(ctx, filter)
	if err != nil {
		return nil, translate(err, "verified hours")
	}
	var docs []hoursDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "verified hours")
	}
	out := make([]*models.HoursRecord, 0, len(docs))
	for i := range docs {
		out = append(out, docs[i].model())
	}
	return out, nil
}
