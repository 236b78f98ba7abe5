package mongo

import (
	"context"
	"errors"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/needs"
)

const (
	colPlans       = "plans"       // _id = need id
	colAssignments = "assignments" // _id = occurrenceId#volunteerId: one place per volunteer per occurrence
	colPlaces      = "places"      // _id = occurrenceId#placeNo: one volunteer per place
	colTimeClaims  = "time_claims" // _id = volunteerId#date#cell: one commitment per volunteer per half-hour
)

func init() {
	register(colPlans)
	register(colAssignments)
	register(colPlaces)
	register(colTimeClaims)
}

var _ needs.PlanStore = (*Plans)(nil)

// Plans stores linkage plans, assignments and the claims that decide them.
type Plans struct{ db *DB }

// Plans returns the plan store.
func (d *DB) Plans() *Plans { return &Plans{db: d} }

type planDoc struct {
	NeedID          string     `bson:"_id"`
	CommunityCode   string     `bson:"communityCode"`
	OrganisationID  string     `bson:"organisationId,omitempty"`
	SupervisorID    string     `bson:"supervisorId,omitempty"`
	SupervisorState string     `bson:"supervisorState,omitempty"`
	FundID          string     `bson:"fundId,omitempty"`
	GrantID         string     `bson:"grantId,omitempty"`
	Confirmed       bool       `bson:"confirmed"`
	ConfirmedBy     string     `bson:"confirmedBy,omitempty"`
	ConfirmedAt     *time.Time `bson:"confirmedAt,omitempty"`
	UpdatedAt       time.Time  `bson:"updatedAt"`
}

// Plan finds a need's plan.
func (s *Plans) Plan(ctx context.Context, needID string) (*models.Plan, error) {
	var d planDoc
	if err := s.db.db.Collection(colPlans).FindOne(ctx, bson.M{"_id": needID}).Decode(&d); err != nil {
		return nil, translate(err, "plan")
	}
	return &models.Plan{NeedID: d.NeedID, CommunityCode: d.CommunityCode, OrganisationID: d.OrganisationID,
		SupervisorID: d.SupervisorID, SupervisorState: models.SupervisorState(d.SupervisorState), FundID: d.FundID,
		GrantID: d.GrantID, Confirmed: d.Confirmed, ConfirmedBy: d.ConfirmedBy, ConfirmedAt: d.ConfirmedAt, UpdatedAt: d.UpdatedAt}, nil
}

// SavePlan inserts or replaces a plan.
func (s *Plans) SavePlan(ctx context.Context, p *models.Plan) error {
	d := planDoc{NeedID: p.NeedID, CommunityCode: p.CommunityCode, OrganisationID: p.OrganisationID, SupervisorID: p.SupervisorID,
		SupervisorState: string(p.SupervisorState), FundID: p.FundID, GrantID: p.GrantID, Confirmed: p.Confirmed,
		ConfirmedBy: p.ConfirmedBy, ConfirmedAt: p.ConfirmedAt, UpdatedAt: p.UpdatedAt}
	_, err := s.db.db.Collection(colPlans).ReplaceOne(ctx, bson.M{"_id": p.NeedID}, d, replaceUpsert)
	return translate(err, "save plan")
}

type assignmentDoc struct {
	ID           string    `bson:"_id"`
	NeedID       string    `bson:"needId"`
	OccurrenceID string    `bson:"occurrenceId"`
	VolunteerID  string    `bson:"volunteerId"`
	PlaceNo      int       `bson:"placeNo"`
	Start        time.Time `bson:"start"`
	End          time.Time `bson:"end"`
	Status       string    `bson:"status"`
	AssignedBy   string    `bson:"assignedBy"`
	CreatedAt    time.Time `bson:"createdAt"`
	UpdatedAt    time.Time `bson:"updatedAt"`
}

// CreateAssignment inserts an assignment once per volunteer and occurrence.
func (s *Plans) CreateAssignment(ctx context.Context, a *models.Assignment) error {
	_, err := s.db.db.Collection(colAssignments).InsertOne(ctx, assignmentDoc{ID: a.ID, NeedID: a.NeedID, OccurrenceID: a.OccurrenceID,
		VolunteerID: a.VolunteerID, PlaceNo: a.PlaceNo, Start: a.Window.Start, End: a.Window.End, Status: string(a.Status),
		AssignedBy: a.AssignedBy, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt})
	return translate(err, "insert assignment")
}

// SetAssignmentPlace records the claimed place.
func (s *Plans) SetAssignmentPlace(ctx context.Context, id string, placeNo int) error {
	_, err := s.db.db.Collection(colAssignments).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"placeNo": placeNo}})
	return translate(err, "set assignment place")
}

// DeleteAssignment removes an assignment.
func (s *Plans) DeleteAssignment(ctx context.Context, id string) error {
	_, err := s.db.db.Collection(colAssignments).DeleteOne(ctx, bson.M{"_id": id})
	return translate(err, "delete assignment")
}

func (d *assignmentDoc) model() *models.Assignment {
	return &models.Assignment{ID: d.ID, NeedID: d.NeedID, OccurrenceID: d.OccurrenceID, VolunteerID: d.VolunteerID,
		PlaceNo: d.PlaceNo, Window: models.Window{Start: d.Start, End: d.End}, Status: models.AssignmentStatus(d.Status),
		AssignedBy: d.AssignedBy, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

func (s *Plans) assignments(ctx context.Context, filter bson.M) ([]*models.Assignment, error) {
	cur, err := s.db.db.Collection(colAssignments).Find(ctx, filter)
	if err != nil {
		return nil, translate(err, "assignments")
	}
	var docs []assignmentDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "assignments")
	}
	out := make([]*models.Assignment, len(docs))
	for i := range docs {
		out[i] = docs[i].model()
	}
	return out, nil
}

// Assignments lists a need's assignments.
func (s *Plans) Assignments(ctx context.Context, needID string) ([]*models.Assignment, error) {
	return s.assignments(ctx, bson.M{"needId": needID})
}

// AssignmentsOfVolunteer lists a volunteer's assignments ending after t.
func (s *Plans) AssignmentsOfVolunteer(ctx context.Context, volunteerID string, t time.Time) ([]*models.Assignment, error) {
	return s.assignments(ctx, bson.M{"volunteerId": volunteerID, "end": bson.M{"$gt": t}})
}

// CommitmentsFrom streams every assignment ending after t.
func (s *Plans) CommitmentsFrom(ctx context.Context, t time.Time, fn func(*models.Assignment) error) error {
	cur, err := s.db.db.Collection(colAssignments).Find(ctx, bson.M{"end": bson.M{"$gt": t}})
	if err != nil {
		return translate(err, "commitments")
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d assignmentDoc
		if err := cur.Decode(&d); err != nil {
			return translate(err, "decode assignment")
		}
		if err := fn(d.model()); err != nil {
			return err
		}
	}
	return translate(cur.Err(), "commitments")
}

// ClaimPlace inserts the place's claim.
func (s *Plans) ClaimPlace(ctx context.Context, occurrenceID string, placeNo int, assignmentID string) error {
	_, err := s.db.db.Collection(colPlaces).InsertOne(ctx, bson.M{"_id": occurrenceID + "#" + strconv.Itoa(placeNo),
		"occurrenceId": occurrenceID, "assignmentId": assignmentID})
	return translate(err, "claim place")
}

// ReleasePlace deletes the place's claim if this assignment holds it.
func (s *Plans) ReleasePlace(ctx context.Context, occurrenceID string, placeNo int, assignmentID string) error {
	_, err := s.db.db.Collection(colPlaces).DeleteOne(ctx, bson.M{"_id": occurrenceID + "#" + strconv.Itoa(placeNo), "assignmentId": assignmentID})
	return translate(err, "release place")
}

func timeClaimID(volunteerID string, slot models.SlotKey) string {
	return volunteerID + "#" + string(slot)
}

// ClaimTime inserts one claim per half-hour, all or none, in one unordered
// insertMany (each claim still a unique insert of its own _id; one round
// trip however long the commitment). A half-hour the same commitment holds
// already (an earlier attempt of the same request, failed after claiming)
// counts as claimed by this one. On any other failure the claims this
// commitment holds are released.
func (s *Plans) ClaimTime(ctx context.Context, volunteerID string, slots []models.SlotKey, assignmentID string) error {
	if len(slots) == 0 {
		return nil
	}
	col := s.db.db.Collection(colTimeClaims)
	ids := make([]string, len(slots))
	docs := make([]any, len(slots))
	for i, sl := range slots {
		ids[i] = timeClaimID(volunteerID, sl)
		docs[i] = bson.M{"_id": ids[i], "assignmentId": assignmentID}
	}
	_, err := col.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return nil
	}
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && bwe.WriteConcernError == nil && len(bwe.WriteErrors) > 0 {
		var taken []string
		for _, we := range bwe.WriteErrors {
			if we.Code != 11000 || we.Index < 0 || we.Index >= len(ids) {
				taken = nil
				break
			}
			taken = append(taken, ids[we.Index])
		}
		if taken != nil {
			n, cerr := col.CountDocuments(ctx, bson.M{"_id": bson.M{"$in": taken}, "assignmentId": assignmentID})
			if cerr == nil && int(n) == len(taken) {
				return nil // held by this commitment already
			}
			if cerr != nil {
				err = cerr
			}
		}
	}
	_ = s.ReleaseTime(context.WithoutCancel(ctx), volunteerID, slots, assignmentID)
	return translate(err, "claim time")
}

// ReleaseTime deletes the half-hour claims this assignment holds.
func (s *Plans) ReleaseTime(ctx context.Context, volunteerID string, slots []models.SlotKey, assignmentID string) error {
	if len(slots) == 0 {
		return nil
	}
	ids := make([]string, len(slots))
	for i, sl := range slots {
		ids[i] = timeClaimID(volunteerID, sl)
	}
	_, err := s.db.db.Collection(colTimeClaims).DeleteMany(ctx, bson.M{"_id": bson.M{"$in": ids}, "assignmentId": assignmentID})
	return translate(err, "release time")
}

// SupervisorCaseload counts the plans a social worker has accepted to supervise.
func (s *Plans) SupervisorCaseload(ctx context.Context, socialWorkerID string) (int, error) {
	n, err := s.db.db.Collection(colPlans).CountDocuments(ctx, bson.M{"supervisorId": socialWorkerID, "supervisorState": string(models.SupervisorAccepted)})
	return int(n), translate(err, "supervisor caseload")
}

// SupervisedNeeds lists the needs whose plans a social worker has accepted to supervise.
func (s *Plans) SupervisedNeeds(ctx context.Context, socialWorkerID string) ([]string, error) {
	cur, err := s.db.db.Collection(colPlans).Find(ctx, bson.M{"supervisorId": socialWorkerID, "supervisorState": string(models.SupervisorAccepted)})
	if err != nil {
		return nil, translate(err, "supervised plans")
	}
	var docs []planDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "supervised plans")
	}
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.NeedID
	}
	return out, nil
}

// SupervisorCaseloads counts, in one query, the plans each of ids has
// accepted to supervise (SupervisorCaseload for many); an id with none is 0.
func (s *Plans) SupervisorCaseloads(ctx context.Context, ids []string) (map[string]int, error) {
	out := make(map[string]int, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	cur, err := s.db.db.Collection(colPlans).Find(ctx, bson.M{"supervisorId": bson.M{"$in": ids}, "supervisorState": string(models.SupervisorAccepted)},
		options.Find().SetProjection(bson.M{"supervisorId": 1}).SetBatchSize(10_000))
	if err != nil {
		return nil, translate(err, "supervisor caseloads")
	}
	var docs []struct {
		SupervisorID string `bson:"supervisorId"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "supervisor caseloads")
	}
	for _, d := range docs {
		out[d.SupervisorID]++
	}
	return out, nil
}
