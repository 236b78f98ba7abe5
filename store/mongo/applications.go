package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/money"
)

const (
	colApplications = "applications"
	colGrants       = "grants"        // _id = application id: one grant per application, by unique insert
	colTrancheSteps = "tranche_steps" // _id = grant#milestone#step: each step once
	colEvaluations  = "evaluations"   // _id = application id: one evaluation
	colPriceTables  = "price_tables"  // _id = division#effectiveFrom
)

func init() {
	register(colApplications)
	register(colGrants)
	register(colTrancheSteps)
	register(colEvaluations)
	register(colPriceTables)
}

var _ money.ApplicationStore = (*Applications)(nil)

// Applications stores applications, grants, tranche steps, evaluations and
// price tables. The model is kept whole under "doc"; the fields lists filter
// on are copied to the top level.
type Applications struct{ db *DB }

// Applications returns the application store.
func (d *DB) Applications() *Applications { return &Applications{db: d} }

type applicationDoc struct {
	ID             string             `bson:"_id"`
	OrganisationID string             `bson:"organisationId"`
	FundID         string             `bson:"fundId"`
	CompetitionID  string             `bson:"competitionId"`
	Status         string             `bson:"status"`
	Draft          bool               `bson:"draft"`
	Flagged        bool               `bson:"flagged"`
	Doc            models.Application `bson:"doc"`
}

func newApplicationDoc(a *models.Application) applicationDoc {
	return applicationDoc{ID: a.ID, OrganisationID: a.OrganisationID, FundID: a.FundID, CompetitionID: a.CompetitionID,
		Status: string(a.Status), Draft: a.Status == models.AppDraft, Flagged: len(a.Flags) > 0 && a.Status.Granted(), Doc: *a}
}

func (d *applicationDoc) model() *models.Application { a := d.Doc; return &a }

// CreateApplication inserts a.
func (s *Applications) CreateApplication(ctx context.Context, a *models.Application) error {
	_, err := s.db.db.Collection(colApplications).InsertOne(ctx, newApplicationDoc(a))
	return translate(err, "insert application")
}

// Application finds one by _id.
func (s *Applications) Application(ctx context.Context, id string) (*models.Application, error) {
	var d applicationDoc
	if err := s.db.db.Collection(colApplications).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, translate(err, "application")
	}
	return d.model(), nil
}

// SaveApplication replaces the document.
func (s *Applications) SaveApplication(ctx context.Context, a *models.Application) error {
	res, err := s.db.db.Collection(colApplications).ReplaceOne(ctx, bson.M{"_id": a.ID}, newApplicationDoc(a))
	if err != nil {
		return translate(err, "save application")
	}
	if res.MatchedCount == 0 {
		return models.ErrNotFound
	}
	return nil
}

// Applications lists in _id order.
func (s *Applications) Applications(ctx context.Context, f money.ApplicationFilter, p service.Page) ([]*models.Application, string, error) {
	q := bson.M{}
	if f.OrganisationID != "" {
		q["organisationId"] = f.OrganisationID
	}
	if f.FundID != "" {
		q["fundId"] = f.FundID
	}
	if f.CompetitionID != "" {
		q["competitionId"] = f.CompetitionID
	}
	if len(f.Statuses) > 0 {
		st := make([]string, len(f.Statuses))
		for i, x := range f.Statuses {
			st[i] = string(x)
		}
		q["status"] = bson.M{"$in": st}
	}
	if f.ExcludeDrafts {
		q["draft"] = false
	}
	if len(f.EvaluatorOrgs) > 0 {
		// The model's own field (every stored document has it, engaged
		// before this list existed or not): a dotted path with $in, in
		// DESIGN.md's subset.
		q["doc.evaluatororg"] = bson.M{"$in": f.EvaluatorOrgs}
	}
	if f.Flagged {
		q["flagged"] = true
	}
	return pageModels(ctx, s.db.db.Collection(colApplications), q, p, func(d *applicationDoc) string { return d.ID }, (*applicationDoc).model)
}

type grantDoc struct {
	ID             string       `bson:"_id"`
	FundID         string       `bson:"fundId"`
	OrganisationID string       `bson:"organisationId"`
	CompetitionID  string       `bson:"competitionId"`
	Doc            models.Grant `bson:"doc"`
}

func (d *grantDoc) model() *models.Grant { g := d.Doc; return &g }

// CreateGrant inserts the grant once per application.
func (s *Applications) CreateGrant(ctx context.Context, g *models.Grant) error {
	_, err := s.db.db.Collection(colGrants).InsertOne(ctx, grantDoc{ID: g.ID, FundID: g.FundID, OrganisationID: g.OrganisationID,
		CompetitionID: g.CompetitionID, Doc: *g})
	return translate(err, "insert grant")
}

// Grant finds one by _id.
func (s *Applications) Grant(ctx context.Context, id string) (*models.Grant, error) {
	var d grantDoc
	if err := s.db.db.Collection(colGrants).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, translate(err, "grant")
	}
	return d.model(), nil
}

// Grants lists in _id order.
func (s *Applications) Grants(ctx context.Context, f money.GrantFilter, p service.Page) ([]*models.Grant, string, error) {
	q := bson.M{}
	if f.FundID != "" {
		q["fundId"] = f.FundID
	}
	if f.OrganisationID != "" {
		q["organisationId"] = f.OrganisationID
	}
	if f.CompetitionID != "" {
		q["competitionId"] = f.CompetitionID
	}
	return pageModels(ctx, s.db.db.Collection(colGrants), q, p, func(d *grantDoc) string { return d.ID }, (*grantDoc).model)
}

type stepDoc struct {
	ID      string             `bson:"_id"`
	GrantID string             `bson:"grantId"`
	Doc     models.TrancheStep `bson:"doc"`
}

// InsertStep inserts a step once.
func (s *Applications) InsertStep(ctx context.Context, st *models.TrancheStep) error {
	id := fmt.Sprintf("%s#%03d#%s", st.GrantID, st.Milestone, st.Step)
	_, err := s.db.db.Collection(colTrancheSteps).InsertOne(ctx, stepDoc{ID: id, GrantID: st.GrantID, Doc: *st})
	return translate(err, "insert tranche step")
}

// Steps lists a grant's steps.
func (s *Applications) Steps(ctx context.Context, grantID string) ([]*models.TrancheStep, error) {
	cur, err := s.db.db.Collection(colTrancheSteps).Find(ctx, bson.M{"grantId": grantID}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, translate(err, "tranche steps")
	}
	var docs []stepDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "tranche steps")
	}
	out := make([]*models.TrancheStep, len(docs))
	for i := range docs {
		st := docs[i].Doc
		out[i] = &st
	}
	return out, nil
}

type evaluationDoc struct {
	ID  string            `bson:"_id"`
	Doc models.Evaluation `bson:"doc"`
}

// InsertEvaluation inserts the one evaluation of an application.
func (s *Applications) InsertEvaluation(ctx context.Context, e *models.Evaluation) error {
	_, err := s.db.db.Collection(colEvaluations).InsertOne(ctx, evaluationDoc{ID: e.ApplicationID, Doc: *e})
	return translate(err, "insert evaluation")
}

// Evaluation finds an application's evaluation.
func (s *Applications) Evaluation(ctx context.Context, applicationID string) (*models.Evaluation, error) {
	var d evaluationDoc
	if err := s.db.db.Collection(colEvaluations).FindOne(ctx, bson.M{"_id": applicationID}).Decode(&d); err != nil {
		return nil, translate(err, "evaluation")
	}
	return &d.Doc, nil
}

type priceTableDoc struct {
	ID           string            `bson:"_id"`
	DivisionCode string            `bson:"divisionCode"`
	Doc          models.PriceTable `bson:"doc"`
}

// InsertPriceTable inserts a version once per division and date.
func (s *Applications) InsertPriceTable(ctx context.Context, t *models.PriceTable) error {
	_, err := s.db.db.Collection(colPriceTables).InsertOne(ctx, priceTableDoc{ID: t.DivisionCode + "#" + t.EffectiveFrom,
		DivisionCode: t.DivisionCode, Doc: *t})
	return translate(err, "insert price table")
}

// PriceTables lists a division's versions, oldest first.
func (s *Applications) PriceTables(ctx context.Context, divisionCode string) ([]*models.PriceTable, error) {
	filter := bson.M{"divisionCode": divisionCode}
	if divisionCode == "" {
		filter = bson.M{} // every division's (the dashboard's snapshot)
	}
	cur, err := s.db.db.Collection(colPriceTables).Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, translate(err, "price tables")
	}
	var docs []priceTableDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "price tables")
	}
	out := make([]*models.PriceTable, len(docs))
	for i := range docs {
		t := docs[i].Doc
		out[i] = &t
	}
	return out, nil
}

const colDecisions = "application_decisions" // _id = application id: one decision

func init() { register(colDecisions) }

type decisionDoc struct {
	ID  string               `bson:"_id"`
	Doc models.DecisionClaim `bson:"doc"`
}

// ClaimDecision inserts the application's one decision.
func (s *Applications) ClaimDecision(ctx context.Context, c *models.DecisionClaim) error {
	_, err := s.db.db.Collection(colDecisions).InsertOne(ctx, decisionDoc{ID: c.ApplicationID, Doc: *c})
	return translate(err, "claim decision")
}

// Decision finds the application's decision.
func (s *Applications) Decision(ctx context.Context, applicationID string) (*models.DecisionClaim, error) {
	var d decisionDoc
	if err := s.db.db.Collection(colDecisions).FindOne(ctx, bson.M{"_id": applicationID}).Decode(&d); err != nil {
		return nil, translate(err, "decision")
	}
	return &d.Doc, nil
}

// ReleaseDecision deletes a decision claim that could not be carried out
// (the fund could not cover it), so the application can be decided again.
func (s *Applications) ReleaseDecision(ctx context.Context, c *models.DecisionClaim) error {
	_, err := s.db.db.Collection(colDecisions).DeleteOne(ctx, bson.M{"_id": c.ApplicationID, "doc.by": c.By, "doc.at": c.At})
	return translate(err, "release decision")
}
