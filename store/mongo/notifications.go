package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
)

const (
	colNotifications = "notifications" // _id = accountId#natural key: one notification per subject and account
	colNoShows       = "no_shows"      // _id = assignment id
)

func init() {
	register(colNotifications)
	register(colNoShows)
}

var _ service.NotificationStore = (*Notifications)(nil)

// Notifications stores inboxes and no-show marks.
type Notifications struct{ db *DB }

// Notifications returns the notification store.
func (d *DB) Notifications() *Notifications { return &Notifications{db: d} }

type notificationDoc struct {
	ID        string              `bson:"_id"`
	AccountID string              `bson:"accountId"`
	Unread    bool                `bson:"unread"`
	Doc       models.Notification `bson:"doc"`
}

func noteID(accountID, id string) string { return accountID + "#" + id }

// InsertNotification inserts n once per (account, id).
func (s *Notifications) InsertNotification(ctx context.Context, n *models.Notification) error {
	_, err := s.db.db.Collection(colNotifications).InsertOne(ctx, notificationDoc{ID: noteID(n.AccountID, n.ID), AccountID: n.AccountID,
		Unread: n.ReadAt == nil, Doc: *n})
	return translate(err, "insert notification")
}

// Notifications lists an account's inbox in _id order.
func (s *Notifications) Notifications(ctx context.Context, accountID string, unreadOnly bool, p service.Page) ([]*models.Notification, string, error) {
	q := bson.M{"accountId": accountID}
	if unreadOnly {
		q["unread"] = true
	}
	return pageModels(ctx, s.db.db.Collection(colNotifications), q, p, func(d *notificationDoc) string { return d.ID },
		func(d *notificationDoc) *models.Notification { n := d.Doc; return &n })
}

// MarkRead marks one of the account's notifications read (a repeat keeps the first time).
func (s *Notifications) MarkRead(ctx context.Context, accountID, id string, at time.Time) error {
	res, err := s.db.db.Collection(colNotifications).UpdateOne(ctx, bson.M{"_id": noteID(accountID, id), "unread": true},
		bson.M{"$set": bson.M{"unread": false, "doc.readat": at}})
	if err != nil {
		return translate(err, "mark notification read")
	}
	if res.MatchedCount == 0 {
		var d notificationDoc
		if err := s.db.db.Collection(colNotifications).FindOne(ctx, bson.M{"_id": noteID(accountID, id)}).Decode(&d); err != nil {
			return translate(err, "notification")
		}
	}
	return nil
}

// UnreadCount counts an account's unread notifications.
func (s *Notifications) UnreadCount(ctx context.Context, accountID string) (int, error) {
	n, err := s.db.db.Collection(colNotifications).CountDocuments(ctx, bson.M{"accountId": accountID, "unread": true})
	return int(n), translate(err, "count notifications")
}

type noShowDoc struct {
	ID  string        `bson:"_id"`
	Doc models.NoShow `bson:"doc"`
}

// InsertNoShow records a no-show once per place.
func (s *Notifications) InsertNoShow(ctx context.Context, n *models.NoShow) error {
	_, err := s.db.db.Collection(colNoShows).InsertOne(ctx, noShowDoc{ID: n.AssignmentID, Doc: *n})
	return translate(err, "insert no-show")
}

// NoShowsOfVolunteer lists a volunteer's no-shows.
func (s *Notifications) NoShowsOfVolunteer(ctx context.Context, volunteerID string) ([]*models.NoShow, error) {
	cur, err := s.db.db.Collection(colNoShows).Find(ctx, bson.M{"doc.volunteerid": volunteerID}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, translate(err, "no-shows")
	}
	var docs []noShowDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "no-shows")
	}
	out := make([]*models.NoShow, len(docs))
	for i := range docs {
		n := docs[i].Doc
		out[i] = &n
	}
	return out, nil
}
