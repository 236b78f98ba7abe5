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

const (
	colAttendance    = "attendance"          // _id = occurrenceId#volunteerId: recorded once
	colHours         = "hours_records"       // _id derived from (occurrence, volunteer, version): one record per version
	colVerifications = "hours_verifications" // _id = record id: decided once
)

func init() {
	register(colAttendance)
	// The dashboard's figure since its snapshot reads the versions verified lately.
	register(colHours, mongo.IndexModel{Keys: bson.D{{Key: "verifiedAt", Value: 1}}, Options: options.Index().SetName("verified_at")})
	register(colVerifications)
}

var _ records.HoursStore = (*Hours)(nil)

// Hours stores attendance and service-hours records.
type Hours struct{ db *DB }

// Hours returns the hours store.
func (d *DB) Hours() *Hours { return &Hours{db: d} }

type attendanceDoc struct {
	ID           string     `bson:"_id"`
	NeedID       string     `bson:"needId"`
	OccurrenceID string     `bson:"occurrenceId"`
	VolunteerID  string     `bson:"volunteerId"`
	CheckinAt    time.Time  `bson:"checkinAt"`
	CheckoutAt   *time.Time `bson:"checkoutAt,omitempty"`
	MarkedBy     string     `bson:"markedBy,omitempty"`
	WalkIn       bool       `bson:"walkIn"`
}

func (d *attendanceDoc) model() *models.Attendance {
	return &models.Attendance{ID: d.ID, NeedID: d.NeedID, OccurrenceID: d.OccurrenceID, VolunteerID: d.VolunteerID,
		CheckinAt: d.CheckinAt, CheckoutAt: d.CheckoutAt, MarkedBy: d.MarkedBy, WalkIn: d.WalkIn}
}

// CreateAttendance inserts an attendance once.
func (s *Hours) CreateAttendance(ctx context.Context, a *models.Attendance) error {
	_, err := s.db.db.Collection(colAttendance).InsertOne(ctx, attendanceDoc{ID: a.ID, NeedID: a.NeedID, OccurrenceID: a.OccurrenceID,
		VolunteerID: a.VolunteerID, CheckinAt: a.CheckinAt, CheckoutAt: a.CheckoutAt, MarkedBy: a.MarkedBy, WalkIn: a.WalkIn})
	return translate(err, "insert attendance")
}

// Attendance finds an attendance by id.
func (s *Hours) Attendance(ctx context.Context, id string) (*models.Attendance, error) {
	var d attendanceDoc
	if err := s.db.db.Collection(colAttendance).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, translate(err, "attendance")
	}
	return d.model(), nil
}

// SetCheckout records the check-out time.
func (s *Hours) SetCheckout(ctx context.Context, id string, at time.Time) error {
	_, err := s.db.db.Collection(colAttendance).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"checkoutAt": at}})
	return translate(err, "check out")
}

// EachAttendance streams every attendance.
func (s *Hours) EachAttendance(ctx context.Context, fn func(*models.Attendance) error) error {
	cur, err := s.db.db.Collection(colAttendance).Find(ctx, bson.M{})
	if err != nil {
		return translate(err, "attendance")
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d attendanceDoc
		if err := cur.Decode(&d); err != nil {
			return translate(err, "decode attendance")
		}
		if err := fn(d.model()); err != nil {
			return err
		}
	}
	return translate(cur.Err(), "attendance")
}

type hoursDoc struct {
	ID            string     `bson:"_id"`
	NeedID        string     `bson:"needId"`
	OccurrenceID  string     `bson:"occurrenceId"`
	VolunteerID   string     `bson:"volunteerId"`
	Version       int        `bson:"version"`
	Date          string     `bson:"date"`
	Hours         float64    `bson:"hours"`
	Domain        string     `bson:"domain"`
	Tasks         []string   `bson:"tasks"`
	Supervised    bool       `bson:"supervised"`
	Source        string     `bson:"source"`
	Status        string     `bson:"status"`
	VerifiedBy    string     `bson:"verifiedBy,omitempty"`
	VerifierName  string     `bson:"verifierName,omitempty"`
	VerifierOrg   string     `bson:"verifierOrg,omitempty"`
	VerifiedAt    *time.Time `bson:"verifiedAt,omitempty"`
	RejectReason  string     `bson:"rejectReason,omitempty"`
	CommunityCode string     `bson:"communityCode"`
	CreatedAt     time.Time  `bson:"createdAt"`
}

func toHoursDoc(r *models.HoursRecord) hoursDoc {
	return hoursDoc{ID: r.ID, NeedID: r.NeedID, OccurrenceID: r.OccurrenceID, VolunteerID: r.VolunteerID, Version: r.Version,
		Date: r.Date, Hours: r.Hours, Domain: r.Domain, Tasks: nonNil(r.Tasks), Supervised: r.Supervised, Source: r.Source,
		Status: string(r.Status), VerifiedBy: r.VerifiedBy, VerifierName: r.VerifierName, VerifierOrg: r.VerifierOrg,
		VerifiedAt: r.VerifiedAt, RejectReason: r.RejectReason, CommunityCode: r.CommunityCode, CreatedAt: r.CreatedAt}
}

func (d *hoursDoc) model() *models.HoursRecord {
	return &models.HoursRecord{ID: d.ID, NeedID: d.NeedID, OccurrenceID: d.OccurrenceID, VolunteerID: d.VolunteerID, Version: d.Version,
		Date: d.Date, Hours: d.Hours, Domain: d.Domain, Tasks: d.Tasks, Supervised: d.Supervised, Source: d.Source,
		Status: models.HoursStatus(d.Status), VerifiedBy: d.VerifiedBy, VerifierName: d.VerifierName, VerifierOrg: d.VerifierOrg,
		VerifiedAt: d.VerifiedAt, RejectReason: d.RejectReason, CommunityCode: d.CommunityCode, CreatedAt: d.CreatedAt}
}

// CreateHours inserts one version of a record.
func (s *Hours) CreateHours(ctx context.Context, r *models.HoursRecord) error {
	_, err := s.db.db.Collection(colHours).InsertOne(ctx, toHoursDoc(r))
	return translate(err, "insert hours")
}

// HoursRecord finds a record by id.
func (s *Hours) HoursRecord(ctx context.Context, id string) (*models.HoursRecord, error) {
	var d hoursDoc
	if err := s.db.db.Collection(colHours).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, translate(err, "hours record")
	}
	return d.model(), nil
}

// UpdateHours replaces a record (its decision, once).
func (s *Hours) UpdateHours(ctx context.Context, r *models.HoursRecord) error {
	_, err := s.db.db.Collection(colHours).ReplaceOne(ctx, bson.M{"_id": r.ID}, toHoursDoc(r))
	return translate(err, "update hours")
}

// verificationDoc is the one decision on a record (claims made before
// decisions were recorded hold only by and at).
type verificationDoc struct {
	ID           string    `bson:"_id"`
	By           string    `bson:"by"`
	At           time.Time `bson:"at"`
	Status       string    `bson:"status,omitempty"`
	RejectReason string    `bson:"rejectReason,omitempty"`
	Name         string    `bson:"name,omitempty"`
	Org          string    `bson:"org,omitempty"`
}

// ClaimVerification inserts the one decision on a record.
func (s *Hours) ClaimVerification(ctx context.Context, recordID string, d records.HoursDecision) error {
	_, err := s.db.db.Collection(colVerifications).InsertOne(ctx, verificationDoc{ID: recordID, By: d.By, At: d.At,
		Status: string(d.Status), RejectReason: d.RejectReason, Name: d.Name, Org: d.Org})
	return translate(err, "claim verification")
}

// HoursVerification returns the decision claimed on a record.
func (s *Hours) HoursVerification(ctx context.Context, recordID string) (*records.HoursDecision, error) {
	var d verificationDoc
	if err := s.db.db.Collection(colVerifications).FindOne(ctx, bson.M{"_id": recordID}).Decode(&d); err != nil {
		return nil, translate(err, "hours verification")
	}
	return &records.HoursDecision{Status: models.HoursStatus(d.Status), RejectReason: d.RejectReason, By: d.By, Name: d.Name,
		Org: d.Org, At: d.At}, nil
}

func (s *Hours) list(ctx context.Context, f bson.M, p service.Page) ([]*models.HoursRecord, string, error) {
	return pageModels(ctx, s.db.db.Collection(colHours), f, p, func(d *hoursDoc) string { return d.ID }, (*hoursDoc).model)
}

// HoursOfVolunteer lists a volunteer's records.
func (s *Hours) HoursOfVolunteer(ctx context.Context, volunteerID string, p service.Page) ([]*models.HoursRecord, string, error) {
	return s.list(ctx, bson.M{"volunteerId": volunteerID}, p)
}

// PendingHours lists a community's pending records ("" = every community's).
func (s *Hours) PendingHours(ctx context.Context, community string, p service.Page) ([]*models.HoursRecord, string, error) {
	f := bson.M{"status": string(models.HoursPending)}
	if community != "" {
		f["communityCode"] = community
	}
	return s.list(ctx, f, p)
}

// AttendanceOfVolunteer lists one volunteer's attendance.
func (s *Hours) AttendanceOfVolunteer(ctx context.Context, volunteerID string) ([]*models.Attendance, error) {
	cur, err := s.db.db.Collection(colAttendance).Find(ctx, bson.M{"volunteerId": volunteerID})
	if err != nil {
		return nil, translate(err, "attendance")
	}
	var docs []attendanceDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "attendance")
	}
	out := make([]*models.Attendance, len(docs))
	for i := range docs {
		out[i] = docs[i].model()
	}
	return out, nil
}

// PendingHoursOfNeeds lists the pending records of some needs.
func (s *Hours) PendingHoursOfNeeds(ctx context.Context, needIDs []string, p service.Page) ([]*models.HoursRecord, string, error) {
	return s.list(ctx, bson.M{"needId": bson.M{"$in": nonNil(needIDs)}, "status": string(models.HoursPending)}, p)
}
