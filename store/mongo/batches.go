package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/needs"
)

const (
	colBatches      = "batch_proposals"
	colBatchApplied = "batch_applied" // _id = proposal id: applied once, by unique insert
)

func init() {
	register(colBatches)
	register(colBatchApplied)
}

var _ needs.BatchStore = (*Batches)(nil)

// Batches stores batch proposals.
type Batches struct{ db *DB }

// Batches returns the batch-proposal store.
func (d *DB) Batches() *Batches { return &Batches{db: d} }

type batchPlacementDoc struct {
	NeedID       string `bson:"needId"`
	OccurrenceID string `bson:"occurrenceId"`
	VolunteerID  string `bson:"volunteerId"`
	Score        int    `bson:"score"`
}

type batchDoc struct {
	ID              string              `bson:"_id"`
	CreatedBy       string              `bson:"createdBy"`
	Division        string              `bson:"division"`
	From            time.Time           `bson:"from"`
	To              time.Time           `bson:"to"`
	Places          int                 `bson:"places"`
	Placements      []batchPlacementDoc `bson:"placements"`
	Objective       int                 `bson:"objective"`
	GreedyObjective int                 `bson:"greedyObjective"`
	Filled          int                 `bson:"filled"`
	GreedyFilled    int                 `bson:"greedyFilled"`
	CreatedAt       time.Time           `bson:"createdAt"`
}

// CreateProposal inserts a proposal.
func (s *Batches) CreateProposal(ctx context.Context, p *models.BatchProposal) error {
	d := batchDoc{ID: p.ID, CreatedBy: p.CreatedBy, Division: p.Division, From: p.From, To: p.To, Places: p.Places,
		Objective: p.Objective, GreedyObjective: p.GreedyObjective, Filled: p.Filled, GreedyFilled: p.GreedyFilled,
		CreatedAt: p.CreatedAt, Placements: []batchPlacementDoc{}}
	for _, pl := range p.Placements {
		d.Placements = append(d.Placements, batchPlacementDoc{pl.NeedID, pl.OccurrenceID, pl.VolunteerID, pl.Score})
	}
	_, err := s.db.db.Collection(colBatches).InsertOne(ctx, d)
	return translate(err, "insert batch proposal")
}

// Proposal finds a proposal by id.
func (s *Batches) Proposal(ctx context.Context, id string) (*models.BatchProposal, error) {
	var d batchDoc
	if err := s.db.db.Collection(colBatches).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, translate(err, "batch proposal")
	}
	p := &models.BatchProposal{ID: d.ID, CreatedBy: d.CreatedBy, Division: d.Division, From: d.From, To: d.To, Places: d.Places,
		Objective: d.Objective, GreedyObjective: d.GreedyObjective, Filled: d.Filled, GreedyFilled: d.GreedyFilled, CreatedAt: d.CreatedAt}
	for _, pl := range d.Placements {
		p.Placements = append(p.Placements, models.BatchPlacement{NeedID: pl.NeedID, OccurrenceID: pl.OccurrenceID, VolunteerID: pl.VolunteerID, Score: pl.Score})
	}
	return p, nil
}

// ClaimApply records the one application of a proposal, pending until
// CompleteApply.
func (s *Batches) ClaimApply(ctx context.Context, id, by string, at time.Time) error {
	_, err := s.db.db.Collection(colBatchApplied).InsertOne(ctx, bson.M{"_id": id, "by": by, "at": at, "pending": true})
	return translate(err, "apply batch proposal")
}

// ApplyCompleted reports whether the proposal's application was carried
// out (a claim written before claims could be pending counts as complete).
func (s *Batches) ApplyCompleted(ctx context.Context, id string) (bool, error) {
	var d struct {
		Pending bool `bson:"pending"`
	}
	if err := s.db.db.Collection(colBatchApplied).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return false, translate(err, "batch application")
	}
	return !d.Pending, nil
}

// CompleteApply marks the proposal's application carried out.
func (s *Batches) CompleteApply(ctx context.Context, id string) error {
	_, err := s.db.db.Collection(colBatchApplied).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$unset": bson.M{"pending": ""}})
	return translate(err, "complete batch application")
}
