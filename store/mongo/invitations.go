package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/needs"
)

const colInvitations = "invitations" // _id derived from (occurrence, volunteer): one invitation per pair

func init() { register(colInvitations) }

var _ needs.InvitationStore = (*Invitations)(nil)

// Invitations stores invitations to places.
type Invitations struct{ db *DB }

// Invitations returns the invitation store.
func (d *DB) Invitations() *Invitations { return &Invitations{db: d} }

type invitationDoc struct {
	ID           string     `bson:"_id"`
	NeedID       string     `bson:"needId"`
	OccurrenceID string     `bson:"occurrenceId"`
	VolunteerID  string     `bson:"volunteerId"`
	Start        time.Time  `bson:"start"`
	End          time.Time  `bson:"end"`
	Score        int        `bson:"score"`
	Status       string     `bson:"status"`
	InvitedBy    string     `bson:"invitedBy"`
	CreatedAt    time.Time  `bson:"createdAt"`
	ExpiresAt    time.Time  `bson:"expiresAt"`
	AnsweredAt   *time.Time `bson:"answeredAt,omitempty"`
}

func toInvitationDoc(i *models.Invitation) invitationDoc {
	return invitationDoc{ID: i.ID, NeedID: i.NeedID, OccurrenceID: i.OccurrenceID, VolunteerID: i.VolunteerID,
		Start: i.Window.Start, End: i.Window.End, Score: i.Score, Status: string(i.Status), InvitedBy: i.InvitedBy,
		CreatedAt: i.CreatedAt, ExpiresAt: i.ExpiresAt, AnsweredAt: i.AnsweredAt}
}

func (d *invitationDoc) model() *models.Invitation {
	return &models.Invitation{ID: d.ID, NeedID: d.NeedID, OccurrenceID: d.OccurrenceID, VolunteerID: d.VolunteerID,
		Window: models.Window{Start: d.Start, End: d.End}, Score: d.Score, Status: models.InvitationStatus(d.Status),
		InvitedBy: d.InvitedBy, CreatedAt: d.CreatedAt, ExpiresAt: d.ExpiresAt, AnsweredAt: d.AnsweredAt}
}

// CreateInvitation inserts an invitation once per volunteer and occurrence.
func (s *Invitations) CreateInvitation(ctx context.Context, inv *models.Invitation) error {
	_, err := s.db.db.Collection(colInvitations).InsertOne(ctx, toInvitationDoc(inv))
	return translate(err, "insert invitation")
}

// Invitation finds an invitation by id.
func (s *Invitations) Invitation(ctx context.Context, id string) (*models.Invitation, error) {
	var d invitationDoc
	if err := s.db.db.Collection(colInvitations).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, translate(err, "invitation")
	}
	return d.model(), nil
}

// UpdateInvitation replaces the invitation document.
func (s *Invitations) UpdateInvitation(ctx context.Context, inv *models.Invitation) error {
	_, err := s.db.db.Collection(colInvitations).ReplaceOne(ctx, bson.M{"_id": inv.ID}, toInvitationDoc(inv))
	return translate(err, "update invitation")
}

// InvitationsOfVolunteer lists a volunteer's invitations in id order.
func (s *Invitations) InvitationsOfVolunteer(ctx context.Context, volunteerID string, p service.Page) ([]*models.Invitation, string, error) {
	return pageModels(ctx, s.db.db.Collection(colInvitations), bson.M{"volunteerId": volunteerID}, p, func(d *invitationDoc) string { return d.ID }, (*invitationDoc).model)
}

// InvitationsOfNeed lists every invitation of a need.
func (s *Invitations) InvitationsOfNeed(ctx context.Context, needID string) ([]*models.Invitation, error) {
	cur, err := s.db.db.Collection(colInvitations).Find(ctx, bson.M{"needId": needID})
	if err != nil {
		return nil, translate(err, "invitations")
	}
	var docs []invitationDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "invitations")
	}
	out := make([]*models.Invitation, len(docs))
	for i := range docs {
		out[i] = docs[i].model()
	}
	return out, nil
}

// EachInvitation streams every invitation.
func (s *Invitations) EachInvitation(ctx context.Context, fn func(*models.Invitation) error) error {
	cur, err := s.db.db.Collection(colInvitations).Find(ctx, bson.M{})
	if err != nil {
		return translate(err, "invitations")
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d invitationDoc
		if err := cur.Decode(&d); err != nil {
			return translate(err, "decode invitation")
		}
		if err := fn(d.model()); err != nil {
			return err
		}
	}
	return translate(cur.Err(), "invitations")
}

// PendingInvitationsDue lists pending invitations whose time is up at t
// (the expiry job's scan: MongoDB, not a delayed task, so a Redis loss
// loses no expiry).
func (s *Invitations) PendingInvitationsDue(ctx context.Context, t time.Time, limit int) ([]*models.Invitation, error) {
	cur, err := s.db.db.Collection(colInvitations).Find(ctx, bson.M{"status": string(models.InvitationPending), "expiresAt": bson.M{"$lte": t}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, translate(err, "due invitations")
	}
	var docs []invitationDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "due invitations")
	}
	out := make([]*models.Invitation, len(docs))
	for i := range docs {
		out[i] = docs[i].model()
	}
	return out, nil
}
