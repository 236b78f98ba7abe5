package mongo

import (
	"context"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/recognition"
)

// recognition.go: organisations' comprehensive evaluations, the counties'
// incubation bases and their incubations, and commendations (issue 18).
// Every record is its own document, inserted once.
const (
	colOrgEvaluations  = "organisation_evaluations" // _id = new id; one document per evaluation
	colIncubationBases = "incubation_bases"         // _id = new id
	colIncubations     = "incubations"              // _id = "<base>#<organisation>": once per organisation and base
	colCommendations   = "commendations"            // _id = new id
)

func init() {
	register(colOrgEvaluations)
	register(colIncubationBases)
	register(colIncubations)
	register(colCommendations)
}

var (
	_ recognition.EvaluationStore   = (*Recognition)(nil)
	_ recognition.IncubationStore   = (*Recognition)(nil)
	_ recognition.CommendationStore = (*Recognition)(nil)
)

// Recognition stores evaluations, incubation and commendations.
type Recognition struct{ db *DB }

// Recognition returns the recognition store.
func (d *DB) Recognition() *Recognition { return &Recognition{db: d} }

type orgEvaluationDoc struct {
	ID               string    `bson:"_id"`
	OrganisationID   string    `bson:"organisationId"`
	DivisionCode     string    `bson:"divisionCode"`
	Level            string    `bson:"level"`
	Institution      string    `bson:"institution"`
	InstitutionOrgID string    `bson:"institutionOrgId,omitempty"`
	EvaluatedOn      string    `bson:"evaluatedOn"`
	ValidUntil       string    `bson:"validUntil"`
	Note             string    `bson:"note,omitempty"`
	RecordedBy       string    `bson:"recordedBy"`
	RecordedAt       time.Time `bson:"recordedAt"`
}

func (d *orgEvaluationDoc) model() *models.OrgEvaluation {
	return &models.OrgEvaluation{ID: d.ID, OrganisationID: d.OrganisationID, DivisionCode: d.DivisionCode, Level: d.Level,
		Institution: d.Institution, InstitutionOrgID: d.InstitutionOrgID, EvaluatedOn: d.EvaluatedOn, ValidUntil: d.ValidUntil,
		Note: d.Note, RecordedBy: d.RecordedBy, RecordedAt: d.RecordedAt}
}

// AddEvaluation inserts an evaluation.
func (r *Recognition) AddEvaluation(ctx context.Context, e *models.OrgEvaluation) error {
	_, err := r.db.db.Collection(colOrgEvaluations).InsertOne(ctx, orgEvaluationDoc{ID: e.ID, OrganisationID: e.OrganisationID,
		DivisionCode: e.DivisionCode, Level: e.Level, Institution: e.Institution, InstitutionOrgID: e.InstitutionOrgID,
		EvaluatedOn: e.EvaluatedOn, ValidUntil: e.ValidUntil, Note: e.Note, RecordedBy: e.RecordedBy, RecordedAt: e.RecordedAt})
	return translate(err, "insert organisation evaluation")
}

// Evaluations lists an organisation's evaluations, latest first.
func (r *Recognition) Evaluations(ctx context.Context, orgID string) ([]*models.OrgEvaluation, error) {
	docs, err := findAll[orgEvaluationDoc](ctx, r.db.db.Collection(colOrgEvaluations), bson.M{"organisationId": orgID})
	if err != nil {
		return nil, err
	}
	out := make([]*models.OrgEvaluation, len(docs))
	for i := range docs {
		out[i] = docs[i].model()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Later(out[j]) })
	return out, nil
}

// ListEvaluations pages every evaluation in _id order.
func (r *Recognition) ListEvaluations(ctx context.Context, p service.Page) ([]*models.OrgEvaluation, string, error) {
	return pageModels(ctx, r.db.db.Collection(colOrgEvaluations), bson.M{}, p, func(d *orgEvaluationDoc) string { return d.ID }, (*orgEvaluationDoc).model)
}

type incubationBaseDoc struct {
	ID            string    `bson:"_id"`
	CountyCode    string    `bson:"countyCode"`
	Name          string    `bson:"name"`
	Address       string    `bson:"address"`
	SpaceM2       int       `bson:"spaceM2"`
	SeedFundsFen  int64     `bson:"seedFundsFen"`
	Operator      string    `bson:"operator"`
	OperatorOrgID string    `bson:"operatorOrgId,omitempty"`
	OpenedOn      string    `bson:"openedOn,omitempty"`
	CreatedBy     string    `bson:"createdBy"`
	CreatedAt     time.Time `bson:"createdAt"`
	UpdatedAt     time.Time `bson:"updatedAt"`
}

func toBaseDoc(b *models.IncubationBase) incubationBaseDoc {
	return incubationBaseDoc{ID: b.ID, CountyCode: b.CountyCode, Name: b.Name, Address: b.Address, SpaceM2: b.SpaceM2,
		SeedFundsFen: b.SeedFundsFen, Operator: b.Operator, OperatorOrgID: b.OperatorOrgID, OpenedOn: b.OpenedOn,
		CreatedBy: b.CreatedBy, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt}
}

func (d *incubationBaseDoc) model() *models.IncubationBase {
	return &models.IncubationBase{ID: d.ID, CountyCode: d.CountyCode, Name: d.Name, Address: d.Address, SpaceM2: d.SpaceM2,
		SeedFundsFen: d.SeedFundsFen, Operator: d.Operator, OperatorOrgID: d.OperatorOrgID, OpenedOn: d.OpenedOn,
		CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

// CreateBase inserts a base.
func (r *Recognition) CreateBase(ctx context.Context, b *models.IncubationBase) error {
	_, err := r.db.db.Collection(colIncubationBases).InsertOne(ctx, toBaseDoc(b))
	return translate(err, "insert incubation base")
}

// Base finds a base.
func (r *Recognition) Base(ctx context.Context, id string) (*models.IncubationBase, error) {
	var d incubationBaseDoc
	if err := r.db.db.Collection(colIncubationBases).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, translate(err, "incubation base")
	}
	return d.model(), nil
}

// UpdateBase replaces a base (its lock held by the caller).
func (r *Recognition) UpdateBase(ctx context.Context, b *models.IncubationBase) error {
	res, err := r.db.db.Collection(colIncubationBases).ReplaceOne(ctx, bson.M{"_id": b.ID}, toBaseDoc(b))
	if err != nil {
		return translate(err, "update incubation base")
	}
	if res.MatchedCount == 0 {
		return models.ErrNotFound.Wrap(nil)
	}
	return nil
}

// ListBases pages the bases of a county (all when empty).
func (r *Recognition) ListBases(ctx context.Context, county string, p service.Page) ([]*models.IncubationBase, string, error) {
	f := bson.M{}
	if county != "" {
		f["countyCode"] = county
	}
	return pageModels(ctx, r.db.db.Collection(colIncubationBases), f, p, func(d *incubationBaseDoc) string { return d.ID }, (*incubationBaseDoc).model)
}

type incubationDoc struct {
	ID               string    `bson:"_id"`
	BaseID           string    `bson:"baseId"`
	OrganisationID   string    `bson:"organisationId"`
	OrganisationName string    `bson:"organisationName"`
	CountyCode       string    `bson:"countyCode"`
	StartedOn        string    `bson:"startedOn"`
	EndedOn          string    `bson:"endedOn,omitempty"`
	RecordedBy       string    `bson:"recordedBy"`
	RecordedAt       time.Time `bson:"recordedAt"`
}

func toIncubationDoc(i *models.Incubation) incubationDoc {
	return incubationDoc{ID: i.ID(), BaseID: i.BaseID, OrganisationID: i.OrganisationID, OrganisationName: i.OrganisationName,
		CountyCode: i.CountyCode, StartedOn: i.StartedOn, EndedOn: i.EndedOn, RecordedBy: i.RecordedBy, RecordedAt: i.RecordedAt}
}

func (d *incubationDoc) model() *models.Incubation {
	return &models.Incubation{BaseID: d.BaseID, OrganisationID: d.OrganisationID, OrganisationName: d.OrganisationName,
		CountyCode: d.CountyCode, StartedOn: d.StartedOn, EndedOn: d.EndedOn, RecordedBy: d.RecordedBy, RecordedAt: d.RecordedAt}
}

// AddIncubation inserts an incubation under "<base>#<organisation>":
// models.ErrConflict when it is recorded already.
func (r *Recognition) AddIncubation(ctx context.Context, i *models.Incubation) error {
	_, err := r.db.db.Collection(colIncubations).InsertOne(ctx, toIncubationDoc(i))
	return translate(err, "insert incubation")
}

// Incubation finds an organisation's incubation at a base.
func (r *Recognition) Incubation(ctx context.Context, baseID, orgID string) (*models.Incubation, error) {
	var d incubationDoc
	if err := r.db.db.Collection(colIncubations).FindOne(ctx, bson.M{"_id": baseID + "#" + orgID}).Decode(&d); err != nil {
		return nil, translate(err, "incubation")
	}
	return d.model(), nil
}

// UpdateIncubation replaces an incubation (its lock held by the caller).
func (r *Recognition) UpdateIncubation(ctx context.Context, i *models.Incubation) error {
	d := toIncubationDoc(i)
	res, err := r.db.db.Collection(colIncubations).ReplaceOne(ctx, bson.M{"_id": d.ID}, d)
	if err != nil {
		return translate(err, "update incubation")
	}
	if res.MatchedCount == 0 {
		return models.ErrNotFound.Wrap(nil)
	}
	return nil
}

// Incubations pages a base's incubations.
func (r *Recognition) Incubations(ctx context.Context, baseID string, p service.Page) ([]*models.Incubation, string, error) {
	return pageModels(ctx, r.db.db.Collection(colIncubations), bson.M{"baseId": baseID}, p, func(d *incubationDoc) string { return d.ID }, (*incubationDoc).model)
}

type commendationDoc struct {
	ID            string    `bson:"_id"`
	RecipientKind string    `bson:"recipientKind"`
	RecipientID   string    `bson:"recipientId"`
	RecipientName string    `bson:"recipientName"`
	District      string    `bson:"district"`
	Title         string    `bson:"title"`
	Level         string    `bson:"level"`
	GrantingBody  string    `bson:"grantingBody"`
	AwardedOn     string    `bson:"awardedOn"`
	Citation      string    `bson:"citation,omitempty"`
	DivisionCode  string    `bson:"divisionCode"`
	GrantedBy     string    `bson:"grantedBy"`
	GrantedAt     time.Time `bson:"grantedAt"`
	Revoked       bool      `bson:"revoked"`
	RevokedReason string    `bson:"revokedReason,omitempty"`
	RevokedBy     string    `bson:"revokedBy,omitempty"`
	RevokedAt     time.Time `bson:"revokedAt,omitempty"`
}

func toCommendationDoc(c *models.Commendation) commendationDoc {
	return commendationDoc{ID: c.ID, RecipientKind: c.RecipientKind, RecipientID: c.RecipientID, RecipientName: c.RecipientName,
		District: c.District, Title: c.Title, Level: c.Level, GrantingBody: c.GrantingBody, AwardedOn: c.AwardedOn, Citation: c.Citation,
		DivisionCode: c.DivisionCode, GrantedBy: c.GrantedBy, GrantedAt: c.GrantedAt, Revoked: c.Revoked, RevokedReason: c.RevokedReason,
		RevokedBy: c.RevokedBy, RevokedAt: c.RevokedAt}
}

func (d *commendationDoc) model() *models.Commendation {
	return &models.Commendation{ID: d.ID, RecipientKind: d.RecipientKind, RecipientID: d.RecipientID, RecipientName: d.RecipientName,
		District: d.District, Title: d.Title, Level: d.Level, GrantingBody: d.GrantingBody, AwardedOn: d.AwardedOn, Citation: d.Citation,
		DivisionCode: d.DivisionCode, GrantedBy: d.GrantedBy, GrantedAt: d.GrantedAt, Revoked: d.Revoked, RevokedReason: d.RevokedReason,
		RevokedBy: d.RevokedBy, RevokedAt: d.RevokedAt}
}

// AddCommendation inserts an award.
func (r *Recognition) AddCommendation(ctx context.Context, c *models.Commendation) error {
	_, err := r.db.db.Collection(colCommendations).InsertOne(ctx, toCommendationDoc(c))
	return translate(err, "insert commendation")
}

// Commendation finds an award.
func (r *Recognition) Commendation(ctx context.Context, id string) (*models.Commendation, error) {
	var d commendationDoc
	if err := r.db.db.Collection(colCommendations).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, translate(err, "commendation")
	}
	return d.model(), nil
}

// UpdateCommendation replaces an award (its revocation decided by a unique
// transition record first).
func (r *Recognition) UpdateCommendation(ctx context.Context, c *models.Commendation) error {
	res, err := r.db.db.Collection(colCommendations).ReplaceOne(ctx, bson.M{"_id": c.ID}, toCommendationDoc(c))
	if err != nil {
		return translate(err, "update commendation")
	}
	if res.MatchedCount == 0 {
		return models.ErrNotFound.Wrap(nil)
	}
	return nil
}

// maxCommendationsOf caps one recipient's list.
const maxCommendationsOf = 500

// CommendationsOf lists a recipient's awards, latest first.
func (r *Recognition) CommendationsOf(ctx context.Context, kind, recipientID string) ([]*models.Commendation, error) {
	cur, err := r.db.db.Collection(colCommendations).Find(ctx, bson.M{"recipientKind": kind, "recipientId": recipientID},
		options.Find().SetSort(bson.D{{Key: "awardedOn", Value: -1}, {Key: "_id", Value: 1}}).SetLimit(maxCommendationsOf).SetBatchSize(maxCommendationsOf+1))
	if err != nil {
		return nil, translate(err, "list commendations")
	}
	var docs []commendationDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "decode commendations")
	}
	out := make([]*models.Commendation, len(docs))
	for i := range docs {
		out[i] = docs[i].model()
	}
	return out, nil
}

// ListCommendations pages every award in _id order.
func (r *Recognition) ListCommendations(ctx context.Context, p service.Page) ([]*models.Commendation, string, error) {
	return pageModels(ctx, r.db.db.Collection(colCommendations), bson.M{}, p, func(d *commendationDoc) string { return d.ID }, (*commendationDoc).model)
}
