package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/posts"
)

// The posts registry (issue 18): employing units, their posts, and the
// posts' holdings. A holding's _id is "<postId>#<seq>" (the next tenure
// of a post is claimed by inserting it) and its personSlot is the holder's
// account id while it has not ended, its own _id after: a unique index on
// personSlot gives a person one active holding. Both keys are decided by
// inserts; ending a holding moves personSlot to a value no other document
// has, so no update can violate the index.
const (
	colEmployingUnits = "employing_units" // _id = unit id
	colPosts          = "posts"           // _id = post id
	colPostHoldings   = "post_holdings"   // _id = postId#seq
)

func init() {
	register(colEmployingUnits)
	register(colPosts)
	register(colPostHoldings, mongo.IndexModel{Keys: bson.D{{Key: "personSlot", Value: 1}},
		Options: options.Index().SetUnique(true).SetName("person_slot")})
}

var _ posts.Store = (*Posts)(nil)

// Posts stores the posts registry.
type Posts struct{ db *DB }

// Posts returns the posts registry's store.
func (d *DB) Posts() *Posts { return &Posts{db: d} }

type unitDoc struct {
	ID             string    `bson:"_id"`
	Kind           string    `bson:"kind"`
	SubKind        string    `bson:"subKind,omitempty"`
	HospitalGrade  string    `bson:"hospitalGrade,omitempty"`
	Name           string    `bson:"name"`
	DivisionCode   string    `bson:"divisionCode"`
	Scopes         []string  `bson:"scopes"`
	Clients        int       `bson:"clients"`
	HasDepartment  bool      `bson:"hasDepartment"`
	OrganisationID string    `bson:"organisationId,omitempty"`
	CreatedAt      time.Time `bson:"createdAt"`
	UpdatedAt      time.Time `bson:"updatedAt"`
	CreatedBy      string    `bson:"createdBy"`
}

func toUnitDoc(u *models.EmployingUnit) unitDoc {
	return unitDoc{ID: u.ID, Kind: u.Kind, SubKind: u.SubKind, HospitalGrade: u.HospitalGrade, Name: u.Name, DivisionCode: u.DivisionCode,
		Scopes: ancestors(u.DivisionCode), Clients: u.Clients, HasDepartment: u.HasDepartment, OrganisationID: u.OrganisationID,
		CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, CreatedBy: u.CreatedBy}
}

func (d *unitDoc) model() *models.EmployingUnit {
	return &models.EmployingUnit{ID: d.ID, Kind: d.Kind, SubKind: d.SubKind, HospitalGrade: d.HospitalGrade, Name: d.Name,
		DivisionCode: d.DivisionCode, Clients: d.Clients, HasDepartment: d.HasDepartment, OrganisationID: d.OrganisationID,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, CreatedBy: d.CreatedBy}
}

type registryPostDoc struct {
	ID              string    `bson:"_id"`
	UnitID          string    `bson:"unitId"`
	UnitKind        string    `bson:"unitKind"`
	DivisionCode    string    `bson:"divisionCode"`
	Scopes          []string  `bson:"scopes"`
	OrganisationID  string    `bson:"organisationId,omitempty"`
	Title           string    `bson:"title"`
	Duties          string    `bson:"duties"`
	Requirements    string    `bson:"requirements,omitempty"`
	Level           string    `bson:"level"`
	Grade           int       `bson:"grade"`
	Domain          string    `bson:"domain"`
	MonthlyPayFen   int64     `bson:"monthlyPayFen"`
	SocialInsurance bool      `bson:"socialInsurance"`
	HousingFund     bool      `bson:"housingFund"`
	CreatedAt       time.Time `bson:"createdAt"`
	UpdatedAt       time.Time `bson:"updatedAt"`
	CreatedBy       string    `bson:"createdBy"`
}

func toRegistryPostDoc(p *models.Post) registryPostDoc {
	return registryPostDoc{ID: p.ID, UnitID: p.UnitID, UnitKind: p.UnitKind, DivisionCode: p.DivisionCode, Scopes: ancestors(p.DivisionCode),
		OrganisationID: p.OrganisationID, Title: p.Title, Duties: p.Duties, Requirements: p.Requirements, Level: string(p.Level),
		Grade: p.Grade, Domain: p.Domain, MonthlyPayFen: p.MonthlyPayFen, SocialInsurance: p.SocialInsurance, HousingFund: p.HousingFund,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, CreatedBy: p.CreatedBy}
}

func (d *registryPostDoc) model() *models.Post {
	return &models.Post{ID: d.ID, UnitID: d.UnitID, UnitKind: d.UnitKind, DivisionCode: d.DivisionCode, OrganisationID: d.OrganisationID,
		Title: d.Title, Duties: d.Duties, Requirements: d.Requirements, Level: models.CertificateLevel(d.Level), Grade: d.Grade,
		Domain: d.Domain, MonthlyPayFen: d.MonthlyPayFen, SocialInsurance: d.SocialInsurance, HousingFund: d.HousingFund,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, CreatedBy: d.CreatedBy}
}

type holdingDoc struct {
	ID         string     `bson:"_id"`
	PostID     string     `bson:"postId"`
	Seq        int        `bson:"seq"`
	AccountID  string     `bson:"accountId"`
	PersonSlot string     `bson:"personSlot"`
	State      string     `bson:"state"`
	Level      string     `bson:"level"`
	OfferedBy  string     `bson:"offeredBy"`
	OfferedAt  time.Time  `bson:"offeredAt"`
	StartedOn  string     `bson:"startedOn,omitempty"`
	AcceptedAt *time.Time `bson:"acceptedAt,omitempty"`
	EndedAt    *time.Time `bson:"endedAt,omitempty"`
	EndedBy    string     `bson:"endedBy,omitempty"`
	EndReason  string     `bson:"endReason,omitempty"`
}

func toHoldingDoc(h *models.PostHolding) holdingDoc {
	slot := h.AccountID
	if !h.Active() {
		slot = h.ID
	}
	return holdingDoc{ID: h.ID, PostID: h.PostID, Seq: h.Seq, AccountID: h.AccountID, PersonSlot: slot, State: h.State,
		Level: string(h.Level), OfferedBy: h.OfferedBy, OfferedAt: h.OfferedAt, StartedOn: h.StartedOn, AcceptedAt: h.AcceptedAt,
		EndedAt: h.EndedAt, EndedBy: h.EndedBy, EndReason: h.EndReason}
}

func (d *holdingDoc) model() *models.PostHolding {
	return &models.PostHolding{ID: d.ID, PostID: d.PostID, Seq: d.Seq, AccountID: d.AccountID, State: d.State,
		Level: models.CertificateLevel(d.Level), OfferedBy: d.OfferedBy, OfferedAt: d.OfferedAt, StartedOn: d.StartedOn,
		AcceptedAt: d.AcceptedAt, EndedAt: d.EndedAt, EndedBy: d.EndedBy, EndReason: d.EndReason}
}

// CreateUnit inserts a unit.
func (s *Posts) CreateUnit(ctx context.Context, u *models.EmployingUnit) error {
	_, err := s.db.db.Collection(colEmployingUnits).InsertOne(ctx, toUnitDoc(u))
	return translate(err, "insert employing unit")
}

// Unit finds a unit.
func (s *Posts) Unit(ctx context.Context, id string) (*models.EmployingUnit, error) {
	var d unitDoc
	if err := s.db.db.Collection(colEmployingUnits).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, translate(err, "employing unit")
	}
	return d.model(), nil
}

// UpdateUnit replaces a unit.
func (s *Posts) UpdateUnit(ctx context.Context, u *models.EmployingUnit) error {
	return s.replace(ctx, colEmployingUnits, u.ID, toUnitDoc(u), "update employing unit")
}

func (s *Posts) replace(ctx context.Context, col, id string, doc any, what string) error {
	res, err := s.db.db.Collection(col).ReplaceOne(ctx, bson.M{"_id": id}, doc)
	if err != nil {
		return translate(err, what)
	}
	if res.MatchedCount == 0 {
		return models.ErrNotFound.Wrap(nil)
	}
	return nil
}

// ListUnits lists units inside division (all when empty).
func (s *Posts) ListUnits(ctx context.Context, division string, p service.Page) ([]*models.EmployingUnit, string, error) {
	f := bson.M{}
	if division != "" {
		f["scopes"] = division
	}
	return pageModels(ctx, s.db.db.Collection(colEmployingUnits), f, p, func(d *unitDoc) string { return d.ID }, (*unitDoc).model)
}

// CreatePost inserts a post.
func (s *Posts) CreatePost(ctx context.Context, p *models.Post) error {
	_, err := s.db.db.Collection(colPosts).InsertOne(ctx, toRegistryPostDoc(p))
	return translate(err, "insert post")
}

// Post finds a post (its holder is not read).
func (s *Posts) Post(ctx context.Context, id string) (*models.Post, error) {
	var d registryPostDoc
	if err := s.db.db.Collection(colPosts).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, translate(err, "post")
	}
	return d.model(), nil
}

// UpdatePost replaces a post.
func (s *Posts) UpdatePost(ctx context.Context, p *models.Post) error {
	return s.replace(ctx, colPosts, p.ID, toRegistryPostDoc(p), "update post")
}

// ListPosts lists posts inside a division and/or of a unit.
func (s *Posts) ListPosts(ctx context.Context, f posts.PostFilter, p service.Page) ([]*models.Post, string, error) {
	q := bson.M{}
	if f.Division != "" {
		q["scopes"] = f.Division
	}
	if f.UnitID != "" {
		q["unitId"] = f.UnitID
	}
	return pageModels(ctx, s.db.db.Collection(colPosts), q, p, func(d *registryPostDoc) string { return d.ID }, (*registryPostDoc).model)
}

// Holdings returns the holdings of postIDs by post, in number order.
func (s *Posts) Holdings(ctx context.Context, postIDs []string) (map[string][]*models.PostHolding, error) {
	out := map[string][]*models.PostHolding{}
	if len(postIDs) == 0 {
		return out, nil
	}
	docs, err := findAll[holdingDoc](ctx, s.db.db.Collection(colPostHoldings), bson.M{"postId": bson.M{"$in": postIDs}})
	if err != nil {
		return nil, err
	}
	for i := range docs {
		h := docs[i].model()
		out[h.PostID] = append(out[h.PostID], h)
	}
	for _, hs := range out {
		sortHoldings(hs)
	}
	return out, nil
}

// sortHoldings orders by number ("#10" sorts after "#9").
func sortHoldings(hs []*models.PostHolding) {
	for i := 1; i < len(hs); i++ {
		for j := i; j > 0 && hs[j].Seq < hs[j-1].Seq; j-- {
			hs[j], hs[j-1] = hs[j-1], hs[j]
		}
	}
}

// InsertHolding inserts h: a conflict when its number or its person's
// active slot is taken.
func (s *Posts) InsertHolding(ctx context.Context, h *models.PostHolding) error {
	_, err := s.db.db.Collection(colPostHoldings).InsertOne(ctx, toHoldingDoc(h))
	return translate(err, "insert post holding")
}

// UpdateHolding replaces h.
func (s *Posts) UpdateHolding(ctx context.Context, h *models.PostHolding) error {
	return s.replace(ctx, colPostHoldings, h.ID, toHoldingDoc(h), "update post holding")
}

// HoldingsOf lists an account's holdings.
func (s *Posts) HoldingsOf(ctx context.Context, accountID string) ([]*models.PostHolding, error) {
	docs, err := findAll[holdingDoc](ctx, s.db.db.Collection(colPostHoldings), bson.M{"accountId": accountID})
	if err != nil {
		return nil, err
	}
	out := make([]*models.PostHolding, len(docs))
	for i := range docs {
		out[i] = docs[i].model()
	}
	return out, nil
}

// EachFilledHolding streams every filled holding.
func (s *Posts) EachFilledHolding(ctx context.Context, fn func(*models.PostHolding) error) error {
	return streamDocs(ctx, s.db.db.Collection(colPostHoldings), bson.M{"state": models.HoldingFilled}, nil,
		func(d *holdingDoc) error { return fn(d.model()) })
}

// PriceTables returns every version of the given divisions' price tables.
func (s *Posts) PriceTables(ctx context.Context, divisions []string) ([]*models.PriceTable, error) {
	docs, err := findAll[priceTableDoc](ctx, s.db.db.Collection(colPriceTables), bson.M{"divisionCode": bson.M{"$in": divisions}})
	if err != nil {
		return nil, err
	}
	out := make([]*models.PriceTable, len(docs))
	for i := range docs {
		t := docs[i].Doc
		out[i] = &t
	}
	return out, nil
}
