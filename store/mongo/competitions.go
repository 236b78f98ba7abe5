package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/competitions"
)

const (
	colCompetitions      = "competitions"
	colReviewers         = "competition_reviewers"   // _id = competition#account
	colReviewAssignments = "competition_assignments" // _id = competition#entry#reviewer: one assignment, by unique insert
	colReviewScores      = "competition_scores"      // _id = competition#entry#reviewer: one sheet, by unique insert
	colVotes             = "competition_votes"       // _id = competition#entry#account: one vote, by unique insert
	colResults           = "competition_results"     // _id = competition: the ranking, frozen once
)

func init() {
	register(colCompetitions)
	register(colReviewers)
	register(colReviewAssignments)
	register(colReviewScores)
	register(colVotes)
	register(colResults)
}

var _ competitions.Store = (*Competitions)(nil)

// Competitions stores competitions, their reviewers, assignments, score
// sheets, votes and frozen results. Each model is kept whole under "doc";
// the fields lists filter on are copied to the top level.
type Competitions struct{ db *DB }

// Competitions returns the competition store.
func (d *DB) Competitions() *Competitions { return &Competitions{db: d} }

func (s *Competitions) col(name string) *mongo.Collection { return s.db.db.Collection(name) }

type competitionDoc struct {
	ID      string             `bson:"_id"`
	FundID  string             `bson:"fundId"`
	Phase   string             `bson:"phase"`
	Draft   bool               `bson:"draft"`
	Domains []string           `bson:"domains"`
	Doc     models.Competition `bson:"doc"`
}

func newCompetitionDoc(c *models.Competition) competitionDoc {
	return competitionDoc{ID: c.ID, FundID: c.FundID, Phase: string(c.Phase), Draft: c.Phase == models.PhaseDraft,
		Domains: append([]string{}, c.Domains...), Doc: *c}
}

func (d *competitionDoc) model() *models.Competition { c := d.Doc; return &c }

// CreateCompetition inserts c.
func (s *Competitions) CreateCompetition(ctx context.Context, c *models.Competition) error {
	_, err := s.col(colCompetitions).InsertOne(ctx, newCompetitionDoc(c))
	return translate(err, "insert competition")
}

// Competition finds one by _id.
func (s *Competitions) Competition(ctx context.Context, id string) (*models.Competition, error) {
	var d competitionDoc
	if err := s.col(colCompetitions).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, translate(err, "competition")
	}
	return d.model(), nil
}

// SaveCompetition replaces the document.
func (s *Competitions) SaveCompetition(ctx context.Context, c *models.Competition) error {
	res, err := s.col(colCompetitions).ReplaceOne(ctx, bson.M{"_id": c.ID}, newCompetitionDoc(c))
	if err != nil {
		return translate(err, "save competition")
	}
	if res.MatchedCount == 0 {
		return models.ErrNotFound
	}
	return nil
}

// Competitions lists in _id order.
func (s *Competitions) Competitions(ctx context.Context, f competitions.CompetitionFilter, p service.Page) ([]*models.Competition, string, error) {
	q := bson.M{}
	if f.FundID != "" {
		q["fundId"] = f.FundID
	}
	if f.Phase != "" {
		q["phase"] = string(f.Phase)
	}
	if len(f.Phases) > 0 {
		ph := make([]string, len(f.Phases))
		for i, x := range f.Phases {
			ph[i] = string(x)
		}
		if f.Phase != "" {
			q["$and"] = bson.A{bson.M{"phase": bson.M{"$in": ph}}}
		} else {
			q["phase"] = bson.M{"$in": ph}
		}
	}
	if f.Domain != "" {
		q["domains"] = f.Domain
	}
	if f.ExcludeDrafts {
		q["draft"] = false
	}
	return pageModels(ctx, s.col(colCompetitions), q, p, func(d *competitionDoc) string { return d.ID }, (*competitionDoc).model)
}

type reviewerDoc struct {
	ID            string                     `bson:"_id"`
	CompetitionID string                     `bson:"competitionId"`
	AccountID     string                     `bson:"accountId"`
	Doc           models.CompetitionReviewer `bson:"doc"`
}

func newReviewerDoc(r *models.CompetitionReviewer) reviewerDoc {
	return reviewerDoc{ID: r.CompetitionID + "#" + r.AccountID, CompetitionID: r.CompetitionID, AccountID: r.AccountID, Doc: *r}
}

func (d *reviewerDoc) model() *models.CompetitionReviewer { r := d.Doc; return &r }

// CreateReviewer inserts the record once per competition and account.
func (s *Competitions) CreateReviewer(ctx context.Context, r *models.CompetitionReviewer) error {
	_, err := s.col(colReviewers).InsertOne(ctx, newReviewerDoc(r))
	return translate(err, "insert reviewer")
}

// Reviewer finds one by _id.
func (s *Competitions) Reviewer(ctx context.Context, competitionID, accountID string) (*models.CompetitionReviewer, error) {
	var d reviewerDoc
	if err := s.col(colReviewers).FindOne(ctx, bson.M{"_id": competitionID + "#" + accountID}).Decode(&d); err != nil {
		return nil, translate(err, "reviewer")
	}
	return d.model(), nil
}

// SaveReviewer replaces the record.
func (s *Competitions) SaveReviewer(ctx context.Context, r *models.CompetitionReviewer) error {
	d := newReviewerDoc(r)
	res, err := s.col(colReviewers).ReplaceOne(ctx, bson.M{"_id": d.ID}, d)
	if err != nil {
		return translate(err, "save reviewer")
	}
	if res.MatchedCount == 0 {
		return models.ErrNotFound
	}
	return nil
}

// findAll reads every document of col matching q, in _id order.
func findAll[D any](ctx context.Context, col *mongo.Collection, q bson.M) ([]D, error) {
	cur, err := col.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, translate(err, "list "+col.Name())
	}
	var docs []D
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "decode "+col.Name())
	}
	return docs, nil
}

// Reviewers lists a competition's reviewers.
func (s *Competitions) Reviewers(ctx context.Context, competitionID string) ([]*models.CompetitionReviewer, error) {
	docs, err := findAll[reviewerDoc](ctx, s.col(colReviewers), bson.M{"competitionId": competitionID})
	if err != nil {
		return nil, err
	}
	out := make([]*models.CompetitionReviewer, len(docs))
	for i := range docs {
		out[i] = docs[i].model()
	}
	return out, nil
}

// ReviewerRecords lists an account's reviewer records.
func (s *Competitions) ReviewerRecords(ctx context.Context, accountID string, p service.Page) ([]*models.CompetitionReviewer, string, error) {
	return pageModels(ctx, s.col(colReviewers), bson.M{"accountId": accountID}, p, func(d *reviewerDoc) string { return d.ID }, (*reviewerDoc).model)
}

type reviewAssignmentDoc struct {
	ID            string                  `bson:"_id"`
	CompetitionID string                  `bson:"competitionId"`
	EntryID       string                  `bson:"entryId"`
	ReviewerID    string                  `bson:"reviewerId"`
	Doc           models.ReviewAssignment `bson:"doc"`
}

func (d *reviewAssignmentDoc) model() *models.ReviewAssignment { a := d.Doc; return &a }

func pairID(competitionID, entryID, accountID string) string {
	return competitionID + "#" + entryID + "#" + accountID
}

// InsertAssignment inserts one assignment once.
func (s *Competitions) InsertAssignment(ctx context.Context, a *models.ReviewAssignment) error {
	_, err := s.col(colReviewAssignments).InsertOne(ctx, reviewAssignmentDoc{ID: pairID(a.CompetitionID, a.EntryID, a.ReviewerID),
		CompetitionID: a.CompetitionID, EntryID: a.EntryID, ReviewerID: a.ReviewerID, Doc: *a})
	return translate(err, "insert assignment")
}

// DeleteAssignment removes one by _id.
func (s *Competitions) DeleteAssignment(ctx context.Context, competitionID, entryID, reviewerID string) error {
	_, err := s.col(colReviewAssignments).DeleteOne(ctx, bson.M{"_id": pairID(competitionID, entryID, reviewerID)})
	return translate(err, "delete assignment")
}

// Assignment finds one by _id.
func (s *Competitions) Assignment(ctx context.Context, competitionID, entryID, reviewerID string) (*models.ReviewAssignment, error) {
	var d reviewAssignmentDoc
	if err := s.col(colReviewAssignments).FindOne(ctx, bson.M{"_id": pairID(competitionID, entryID, reviewerID)}).Decode(&d); err != nil {
		return nil, translate(err, "assignment")
	}
	return d.model(), nil
}

// Assignments lists a competition's assignments.
func (s *Competitions) Assignments(ctx context.Context, competitionID string) ([]*models.ReviewAssignment, error) {
	docs, err := findAll[reviewAssignmentDoc](ctx, s.col(colReviewAssignments), bson.M{"competitionId": competitionID})
	if err != nil {
		return nil, err
	}
	out := make([]*models.ReviewAssignment, len(docs))
	for i := range docs {
		out[i] = docs[i].model()
	}
	return out, nil
}

// ReviewerAssignments lists one reviewer's assignments in _id (entry) order.
func (s *Competitions) ReviewerAssignments(ctx context.Context, competitionID, reviewerID string, p service.Page) ([]*models.ReviewAssignment, string, error) {
	return pageModels(ctx, s.col(colReviewAssignments), bson.M{"competitionId": competitionID, "reviewerId": reviewerID}, p,
		func(d *reviewAssignmentDoc) string { return d.ID }, (*reviewAssignmentDoc).model)
}

type scoreSheetDoc struct {
	ID            string            `bson:"_id"`
	CompetitionID string            `bson:"competitionId"`
	EntryID       string            `bson:"entryId"`
	ReviewerID    string            `bson:"reviewerId"`
	Doc           models.ScoreSheet `bson:"doc"`
}

func (d *scoreSheetDoc) model() *models.ScoreSheet { sh := d.Doc; return &sh }

// InsertScoreSheet inserts one sheet once.
func (s *Competitions) InsertScoreSheet(ctx context.Context, sh *models.ScoreSheet) error {
	_, err := s.col(colReviewScores).InsertOne(ctx, scoreSheetDoc{ID: pairID(sh.CompetitionID, sh.EntryID, sh.ReviewerID),
		CompetitionID: sh.CompetitionID, EntryID: sh.EntryID, ReviewerID: sh.ReviewerID, Doc: *sh})
	return translate(err, "insert score sheet")
}

func (s *Competitions) sheets(ctx context.Context, q bson.M) ([]*models.ScoreSheet, error) {
	docs, err := findAll[scoreSheetDoc](ctx, s.col(colReviewScores), q)
	if err != nil {
		return nil, err
	}
	out := make([]*models.ScoreSheet, len(docs))
	for i := range docs {
		out[i] = docs[i].model()
	}
	return out, nil
}

// ScoreSheets lists a competition's sheets.
func (s *Competitions) ScoreSheets(ctx context.Context, competitionID string) ([]*models.ScoreSheet, error) {
	return s.sheets(ctx, bson.M{"competitionId": competitionID})
}

// EntryScoreSheets lists one entry's sheets.
func (s *Competitions) EntryScoreSheets(ctx context.Context, competitionID, entryID string) ([]*models.ScoreSheet, error) {
	return s.sheets(ctx, bson.M{"competitionId": competitionID, "entryId": entryID})
}

type voteDoc struct {
	ID            string        `bson:"_id"`
	CompetitionID string        `bson:"competitionId"`
	EntryID       string        `bson:"entryId"`
	AccountID     string        `bson:"accountId"`
	At            bson.DateTime `bson:"at"`
}

// InsertVote inserts one vote once per account and entry.
func (s *Competitions) InsertVote(ctx context.Context, v *models.Vote) error {
	_, err := s.col(colVotes).InsertOne(ctx, voteDoc{ID: pairID(v.CompetitionID, v.EntryID, v.AccountID),
		CompetitionID: v.CompetitionID, EntryID: v.EntryID, AccountID: v.AccountID, At: bson.NewDateTimeFromTime(v.At)})
	return translate(err, "insert vote")
}

// Vote returns an account's vote for an entry: models.ErrNotFound when
// there is none.
func (s *Competitions) Vote(ctx context.Context, competitionID, entryID, accountID string) (*models.Vote, error) {
	var d voteDoc
	if err := s.col(colVotes).FindOne(ctx, bson.M{"_id": pairID(competitionID, entryID, accountID)}).Decode(&d); err != nil {
		return nil, translate(err, "vote")
	}
	return &models.Vote{CompetitionID: d.CompetitionID, EntryID: d.EntryID, AccountID: d.AccountID, At: d.At.Time().UTC()}, nil
}

// VoteCounts groups the votes by entry ($group with one $sum: within the
// subset FerretDB gets right).
func (s *Competitions) VoteCounts(ctx context.Context, competitionID string) (map[string]int, error) {
	cur, err := s.col(colVotes).Aggregate(ctx, mongo.Pipeline{
		{{Key: "$match", Value: bson.M{"competitionId": competitionID}}},
		{{Key: "$group", Value: bson.M{"_id": "$entryId", "n": bson.M{"$sum": 1}}}},
	})
	if err != nil {
		return nil, translate(err, "count votes")
	}
	var rows []struct {
		ID string `bson:"_id"`
		N  int    `bson:"n"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, translate(err, "count votes")
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.ID] = r.N
	}
	return out, nil
}

type resultsDoc struct {
	ID  string                    `bson:"_id"`
	Doc models.CompetitionResults `bson:"doc"`
}

// InsertResults freezes the ranking once.
func (s *Competitions) InsertResults(ctx context.Context, r *models.CompetitionResults) error {
	_, err := s.col(colResults).InsertOne(ctx, resultsDoc{ID: r.CompetitionID, Doc: *r})
	return translate(err, "insert results")
}

// Results finds the frozen ranking.
func (s *Competitions) Results(ctx context.Context, competitionID string) (*models.CompetitionResults, error) {
	var d resultsDoc
	if err := s.col(colResults).FindOne(ctx, bson.M{"_id": competitionID}).Decode(&d); err != nil {
		return nil, translate(err, "competition results")
	}
	return &d.Doc, nil
}

// DeleteScoreSheet removes a sheet whose assignment was withdrawn while it
// was being submitted (no error when absent).
func (s *Competitions) DeleteScoreSheet(ctx context.Context, competitionID, entryID, reviewerID string) error {
	_, err := s.col(colReviewScores).DeleteOne(ctx, bson.M{"_id": pairID(competitionID, entryID, reviewerID)})
	return translate(err, "delete score sheet")
}
