package mongo

import (
	"context"
	"regexp"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
)

const (
	colTransitions = "transitions" // _id = object#seq (zero-padded): one change per step, by unique insert
	colAudit       = "audit_log"
)

func init() {
	register(colTransitions)
	register(colAudit)
}

var (
	_ service.TransitionStore = (*Records)(nil)
	_ service.AuditStore      = (*Records)(nil)
)

// Records stores append-only records: state transitions and the audit log.
type Records struct{ db *DB }

// Records returns the append-only record store.
func (d *DB) Records() *Records { return &Records{db: d} }

type transitionDoc struct {
	ID     string    `bson:"_id"`
	Object string    `bson:"object"`
	Seq    int       `bson:"seq"`
	From   string    `bson:"from"`
	To     string    `bson:"to"`
	By     string    `bson:"by"`
	At     time.Time `bson:"at"`
	Reason string    `bson:"reason,omitempty"`
	Note   string    `bson:"note,omitempty"`
}

func transitionID(object string, seq int) string {
	s := strconv.Itoa(seq)
	for len(s) < 6 {
		s = "0" + s
	}
	return object + "#" + s
}

// RecordTransition inserts t once.
func (r *Records) RecordTransition(ctx context.Context, t *models.Transition) error {
	_, err := r.db.db.Collection(colTransitions).InsertOne(ctx, transitionDoc{ID: transitionID(t.Object, t.Seq), Object: t.Object,
		Seq: t.Seq, From: t.From, To: t.To, By: t.By, At: t.At, Reason: t.Reason, Note: t.Note})
	return translate(err, "record transition")
}

// Transitions lists an object's transitions in order.
func (r *Records) Transitions(ctx context.Context, object string) ([]models.Transition, error) {
	cur, err := r.db.db.Collection(colTransitions).Find(ctx, bson.M{"object": object},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(1000))
	if err != nil {
		return nil, translate(err, "transitions")
	}
	var docs []transitionDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "transitions")
	}
	out := make([]models.Transition, len(docs))
	for i, d := range docs {
		out[i] = models.Transition{Object: d.Object, Seq: d.Seq, From: d.From, To: d.To, By: d.By, At: d.At, Reason: d.Reason, Note: d.Note}
	}
	return out, nil
}

type auditDoc struct {
	ID           string    `bson:"_id"`
	At           time.Time `bson:"at"`
	ActorID      string    `bson:"actorId"`
	Action       string    `bson:"action"`
	Object       string    `bson:"object"`
	DivisionCode string    `bson:"divisionCode,omitempty"`
	Scopes       []string  `bson:"scopes"`
	Reason       string    `bson:"reason,omitempty"`
}

// AppendAudit appends an audit entry; entries are never updated.
func (r *Records) AppendAudit(ctx context.Context, e *models.AuditEntry) error {
	// Time-ordered ids keep the log in order for paging.
	id := e.At.UTC().Format("20060102T150405.000") + "-" + e.ID
	_, err := r.db.db.Collection(colAudit).InsertOne(ctx, auditDoc{ID: id, At: e.At, ActorID: e.ActorID, Action: e.Action,
		Object: e.Object, DivisionCode: e.DivisionCode, Scopes: ancestors(e.DivisionCode), Reason: e.Reason})
	return translate(err, "append audit")
}

// Audit lists audit entries inside a division, oldest first.
func (r *Records) Audit(ctx context.Context, division string, p service.Page) ([]*models.AuditEntry, string, error) {
	docs, next, err := page(ctx, r.db.db.Collection(colAudit), bson.M{"scopes": division}, p, func(d *auditDoc) string { return d.ID })
	if err != nil {
		return nil, "", err
	}
	out := make([]*models.AuditEntry, len(docs))
	for i, d := range docs {
		out[i] = &models.AuditEntry{ID: d.ID, At: d.At, ActorID: d.ActorID, Action: d.Action, Object: d.Object, DivisionCode: d.DivisionCode, Reason: d.Reason}
	}
	return out, next, nil
}

// AuditAbout lists, oldest first, the audit entries about one person: their
// account, their profiles, their pathway.
func (r *Records) AuditAbout(ctx context.Context, accountID string, limit int) ([]*models.AuditEntry, error) {
	filter := bson.M{"$or": bson.A{
		bson.M{"object": bson.M{"$in": bson.A{"account:" + accountID, "volunteer:" + accountID, "social_worker:" + accountID, "pathway:" + accountID}}},
		bson.M{"object": bson.M{"$regex": "^pathway:" + regexp.QuoteMeta(accountID) + "#"}},
	}}
	cur, err := r.db.db.Collection(colAudit).Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, translate(err, "audit about")
	}
	var docs []auditDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "audit about")
	}
	out := make([]*models.AuditEntry, len(docs))
	for i, d := range docs {
		out[i] = &models.AuditEntry{ID: d.ID, At: d.At, ActorID: d.ActorID, Action: d.Action, Object: d.Object, DivisionCode: d.DivisionCode, Reason: d.Reason}
	}
	return out, nil
}
