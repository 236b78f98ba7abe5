package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/records"
)

const (
	colSupervisionSessions = "supervision_sessions"      // _id = YYYYMMDD-random
	colSessionConfirms     = "supervision_confirmations" // _id = session id: confirmed once
	colNeedFeedback        = "need_feedback"             // _id = need id: one feedback per need
	colAppraisalInputs     = "appraisal_inputs"
)

func init() {
	register(colSupervisionSessions)
	register(colSessionConfirms)
	register(colNeedFeedback)
	register(colAppraisalInputs)
}

var _ records.SupervisionStore = (*Supervision)(nil)

// Supervision stores supervision sessions, their confirmations,
// service-object feedback and appraisal inputs.
type Supervision struct{ db *DB }

// Supervision returns the store.
func (d *DB) Supervision() *Supervision { return &Supervision{db: d} }

type sessionDoc struct {
	ID           string    `bson:"_id"`
	SupervisorID string    `bson:"supervisorId"`
	SuperviseeID string    `bson:"superviseeId"`
	NeedID       string    `bson:"needId,omitempty"`
	Date         string    `bson:"date"`
	Year         int       `bson:"year"`
	Minutes      int       `bson:"minutes"`
	Topic        string    `bson:"topic"`
	Notes        string    `bson:"notes"`
	CreatedAt    time.Time `bson:"createdAt"`
}

func (d *sessionDoc) model() *records.SupervisionSession {
	return &records.SupervisionSession{ID: d.ID, SupervisorID: d.SupervisorID, SuperviseeID: d.SuperviseeID, NeedID: d.NeedID,
		Date: models.Date(d.Date), Year: d.Year, Minutes: d.Minutes, Topic: d.Topic, Notes: d.Notes, CreatedAt: d.CreatedAt}
}

type confirmDoc struct {
	ID          string    `bson:"_id"`
	ConfirmedBy string    `bson:"confirmedBy"`
	ConfirmedAt time.Time `bson:"confirmedAt"`
}

// CreateSession inserts a session.
func (s *Supervision) CreateSession(ctx context.Context, x *records.SupervisionSession) error {
	_, err := s.db.db.Collection(colSupervisionSessions).InsertOne(ctx, sessionDoc{ID: x.ID, SupervisorID: x.SupervisorID,
		SuperviseeID: x.SuperviseeID, NeedID: x.NeedID, Date: string(x.Date), Year: x.Year, Minutes: x.Minutes, Topic: x.Topic,
		Notes: x.Notes, CreatedAt: x.CreatedAt})
	return translate(err, "insert supervision session")
}

// Session finds a session with its confirmation.
func (s *Supervision) Session(ctx context.Context, id string) (*records.SupervisionSession, error) {
	var d sessionDoc
	if err := s.db.db.Collection(colSupervisionSessions).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, translate(err, "supervision session")
	}
	out := []*records.SupervisionSession{d.model()}
	if err := s.withConfirmations(ctx, out); err != nil {
		return nil, err
	}
	return out[0], nil
}

// ClaimConfirmation decides a session's confirmation by a unique insert.
func (s *Supervision) ClaimConfirmation(ctx context.Context, sessionID, by string, at time.Time) error {
	_, err := s.db.db.Collection(colSessionConfirms).InsertOne(ctx, confirmDoc{ID: sessionID, ConfirmedBy: by, ConfirmedAt: at})
	return translate(err, "confirm supervision session")
}

// withConfirmations fills ConfirmedAt from the confirmations collection
// (the one source of truth: a confirmation is its claim).
func (s *Supervision) withConfirmations(ctx context.Context, ss []*records.SupervisionSession) error {
	if len(ss) == 0 {
		return nil
	}
	ids := make([]string, len(ss))
	for i, x := range ss {
		ids[i] = x.ID
	}
	cur, err := s.db.db.Collection(colSessionConfirms).Find(ctx, bson.M{"_id": bson.M{"$in": ids}})
	if err != nil {
		return translate(err, "supervision confirmations")
	}
	var docs []confirmDoc
	if err := cur.All(ctx, &docs); err != nil {
		return translate(err, "supervision confirmations")
	}
	at := make(map[string]time.Time, len(docs))
	for _, d := range docs {
		at[d.ID] = d.ConfirmedAt
	}
	for _, x := range ss {
		if t, ok := at[x.ID]; ok {
			x.ConfirmedAt = &t
		}
	}
	return nil
}

func personField(asSupervisor bool) string {
	if asSupervisor {
		return "supervisorId"
	}
	return "superviseeId"
}

// SessionsOf pages a person's sessions in id (date) order.
func (s *Supervision) SessionsOf(ctx context.Context, accountID string, asSupervisor bool, p service.Page) ([]*records.SupervisionSession, string, error) {
	docs, next, err := page(ctx, s.db.db.Collection(colSupervisionSessions), bson.M{personField(asSupervisor): accountID}, p,
		func(d *sessionDoc) string { return d.ID })
	if err != nil {
		return nil, "", err
	}
	out := make([]*records.SupervisionSession, len(docs))
	for i, d := range docs {
		out[i] = d.model()
	}
	return out, next, s.withConfirmations(ctx, out)
}

// SessionsInYear lists a person's sessions of one year.
func (s *Supervision) SessionsInYear(ctx context.Context, accountID string, asSupervisor bool, year int) ([]*records.SupervisionSession, error) {
	cur, err := s.db.db.Collection(colSupervisionSessions).Find(ctx, bson.M{personField(asSupervisor): accountID, "year": year},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, translate(err, "supervision sessions")
	}
	var docs []sessionDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "supervision sessions")
	}
	out := make([]*records.SupervisionSession, len(docs))
	for i := range docs {
		out[i] = docs[i].model()
	}
	return out, s.withConfirmations(ctx, out)
}

type feedbackDoc struct {
	NeedID         string    `bson:"_id"`
	CommunityCode  string    `bson:"communityCode"`
	SocialWorkerID string    `bson:"socialWorkerId"`
	Year           int       `bson:"year"`
	Rating         int       `bson:"rating"`
	Comment        string    `bson:"comment"`
	GivenBy        string    `bson:"givenBy"`
	GivenAt        time.Time `bson:"givenAt"`
}

// CreateFeedback inserts a need's one feedback.
func (s *Supervision) CreateFeedback(ctx context.Context, f *records.NeedFeedback) error {
	_, err := s.db.db.Collection(colNeedFeedback).InsertOne(ctx, feedbackDoc{NeedID: f.NeedID, CommunityCode: f.CommunityCode,
		SocialWorkerID: f.SocialWorkerID, Year: f.Year, Rating: f.Rating, Comment: f.Comment, GivenBy: f.GivenBy, GivenAt: f.GivenAt})
	return translate(err, "insert need feedback")
}

// FeedbackAbout lists the feedback about a social worker given in year.
func (s *Supervision) FeedbackAbout(ctx context.Context, socialWorkerID string, year int) ([]*records.NeedFeedback, error) {
	cur, err := s.db.db.Collection(colNeedFeedback).Find(ctx, bson.M{"socialWorkerId": socialWorkerID, "year": year},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, translate(err, "need feedback")
	}
	var docs []feedbackDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "need feedback")
	}
	out := make([]*records.NeedFeedback, len(docs))
	for i, d := range docs {
		out[i] = &records.NeedFeedback{NeedID: d.NeedID, CommunityCode: d.CommunityCode, SocialWorkerID: d.SocialWorkerID,
			Year: d.Year, Rating: d.Rating, Comment: d.Comment, GivenBy: d.GivenBy, GivenAt: d.GivenAt}
	}
	return out, nil
}

type appraisalInputDoc struct {
	ID             string    `bson:"_id"`
	SocialWorkerID string    `bson:"socialWorkerId"`
	Year           int       `bson:"year"`
	Dimension      string    `bson:"dimension"`
	Score          int       `bson:"score"`
	Note           string    `bson:"note"`
	GivenBy        string    `bson:"givenBy"`
	GivenAs        string    `bson:"givenAs"`
	GivenAt        time.Time `bson:"givenAt"`
}

// CreateAppraisalInput inserts one appraisal input.
func (s *Supervision) CreateAppraisalInput(ctx context.Context, a *records.AppraisalInput) error {
	_, err := s.db.db.Collection(colAppraisalInputs).InsertOne(ctx, appraisalInputDoc{ID: a.ID, SocialWorkerID: a.SocialWorkerID,
		Year: a.Year, Dimension: a.Dimension, Score: a.Score, Note: a.Note, GivenBy: a.GivenBy, GivenAs: string(a.GivenAs), GivenAt: a.GivenAt})
	return translate(err, "insert appraisal input")
}

// AppraisalInputs lists a social worker's inputs for year, oldest first.
func (s *Supervision) AppraisalInputs(ctx context.Context, socialWorkerID string, year int) ([]*records.AppraisalInput, error) {
	cur, err := s.db.db.Collection(colAppraisalInputs).Find(ctx, bson.M{"socialWorkerId": socialWorkerID, "year": year},
		options.Find().SetSort(bson.D{{Key: "givenAt", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, translate(err, "appraisal inputs")
	}
	var docs []appraisalInputDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "appraisal inputs")
	}
	out := make([]*records.AppraisalInput, len(docs))
	for i, d := range docs {
		out[i] = &records.AppraisalInput{ID: d.ID, SocialWorkerID: d.SocialWorkerID, Year: d.Year, Dimension: d.Dimension,
			Score: d.Score, Note: d.Note, GivenBy: d.GivenBy, GivenAs: models.Role(d.GivenAs), GivenAt: d.GivenAt}
	}
	return out, nil
}
