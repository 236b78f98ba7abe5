package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/roles"
)

const (
	colRoleOffers       = "role_offers"        // _id random
	colRoleOfferAnswers = "role_offer_answers" // _id = offer id: one answer per offer, by a unique insert
)

func init() {
	register(colRoleOffers)
	register(colRoleOfferAnswers)
}

var _ roles.RoleOfferStore = (*RoleOffers)(nil)

// RoleOffers stores offers of roles and their answers.
type RoleOffers struct{ db *DB }

// RoleOffers returns the role offer store.
func (d *DB) RoleOffers() *RoleOffers { return &RoleOffers{db: d} }

type roleOfferDoc struct {
	ID             string     `bson:"_id"`
	Phone          string     `bson:"phone"`
	AccountID      string     `bson:"accountId"`
	Role           string     `bson:"role"`
	CommunityCode  string     `bson:"communityCode,omitempty"`
	DivisionCode   string     `bson:"divisionCode,omitempty"`
	OrganisationID string     `bson:"organisationId,omitempty"`
	CompetitionID  string     `bson:"competitionId,omitempty"`
	BindingKey     string     `bson:"bindingKey"`
	Member         bool       `bson:"member"`
	ScopeName      string     `bson:"scopeName"`
	ScopeDivision  string     `bson:"scopeDivision"`
	OfferedBy      string     `bson:"offeredBy"`
	Status         string     `bson:"status"`
	CreatedAt      time.Time  `bson:"createdAt"`
	ExpiresAt      time.Time  `bson:"expiresAt"`
	AnsweredAt     *time.Time `bson:"answeredAt,omitempty"`
}

func toRoleOfferDoc(o *models.RoleOffer) roleOfferDoc {
	b := o.Binding
	return roleOfferDoc{ID: o.ID, Phone: o.Phone, AccountID: o.AccountID, Role: string(b.Role), CommunityCode: b.CommunityCode,
		DivisionCode: b.DivisionCode, OrganisationID: b.OrganisationID, CompetitionID: b.CompetitionID, BindingKey: b.Key(),
		Member: o.Member, ScopeName: o.ScopeName, ScopeDivision: o.ScopeDivision, OfferedBy: o.OfferedBy, Status: string(o.Status),
		CreatedAt: o.CreatedAt, ExpiresAt: o.ExpiresAt, AnsweredAt: o.AnsweredAt}
}

func (d *roleOfferDoc) model() *models.RoleOffer {
	return &models.RoleOffer{ID: d.ID, Phone: d.Phone, AccountID: d.AccountID,
		Binding: models.RoleBinding{Role: models.Role(d.Role), CommunityCode: d.CommunityCode, DivisionCode: d.DivisionCode,
			OrganisationID: d.OrganisationID, CompetitionID: d.CompetitionID},
		Member: d.Member, ScopeName: d.ScopeName, ScopeDivision: d.ScopeDivision, OfferedBy: d.OfferedBy,
		Status: models.RoleOfferStatus(d.Status), CreatedAt: d.CreatedAt, ExpiresAt: d.ExpiresAt, AnsweredAt: d.AnsweredAt}
}

type roleOfferAnswerDoc struct {
	ID        string    `bson:"_id"`
	Status    string    `bson:"status"`
	AccountID string    `bson:"accountId"`
	At        time.Time `bson:"at"`
}

// CreateRoleOffer inserts a new offer.
func (s *RoleOffers) CreateRoleOffer(ctx context.Context, o *models.RoleOffer) error {
	_, err := s.db.db.Collection(colRoleOffers).InsertOne(ctx, toRoleOfferDoc(o))
	return translate(err, "insert role offer")
}

// RoleOffer finds an offer by id.
func (s *RoleOffers) RoleOffer(ctx context.Context, id string) (*models.RoleOffer, error) {
	var d roleOfferDoc
	if err := s.db.db.Collection(colRoleOffers).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, translate(err, "role offer")
	}
	return d.model(), nil
}

// PendingRoleOffers lists the offers of binding b to phone that are still
// pending (expired ones included: the caller tells them apart).
func (s *RoleOffers) PendingRoleOffers(ctx context.Context, phone string, b models.RoleBinding) ([]*models.RoleOffer, error) {
	cur, err := s.db.db.Collection(colRoleOffers).Find(ctx, bson.M{"phone": phone, "bindingKey": b.Key(), "status": string(models.RoleOfferPending)})
	if err != nil {
		return nil, translate(err, "list role offers")
	}
	var docs []*roleOfferDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "decode role offers")
	}
	out := make([]*models.RoleOffer, len(docs))
	for i, d := range docs {
		out[i] = d.model()
	}
	return out, nil
}

// RoleOffersFor lists, in id order, the offers made to the account and
// those made to its phone while no account held it.
func (s *RoleOffers) RoleOffersFor(ctx context.Context, accountID, phone string, p service.Page) ([]*models.RoleOffer, string, error) {
	or := bson.A{bson.M{"accountId": accountID}}
	if phone != "" {
		or = append(or, bson.M{"accountId": "", "phone": phone})
	}
	return pageModels(ctx, s.db.db.Collection(colRoleOffers), bson.M{"$or": or}, p, func(d *roleOfferDoc) string { return d.ID }, (*roleOfferDoc).model)
}

// AnswerRoleOffer records the one answer to an offer by a unique insert.
func (s *RoleOffers) AnswerRoleOffer(ctx context.Context, a *models.RoleOfferAnswer) error {
	_, err := s.db.db.Collection(colRoleOfferAnswers).InsertOne(ctx, roleOfferAnswerDoc{ID: a.OfferID, Status: string(a.Status), AccountID: a.AccountID, At: a.At})
	return translate(err, "answer role offer")
}

// RoleOfferAnswer reads the answer to an offer.
func (s *RoleOffers) RoleOfferAnswer(ctx context.Context, offerID string) (*models.RoleOfferAnswer, error) {
	var d roleOfferAnswerDoc
	if err := s.db.db.Collection(colRoleOfferAnswers).FindOne(ctx, bson.M{"_id": offerID}).Decode(&d); err != nil {
		return nil, translate(err, "role offer answer")
	}
	return &models.RoleOfferAnswer{OfferID: d.ID, Status: models.RoleOfferStatus(d.Status), AccountID: d.AccountID, At: d.At}, nil
}

// SetRoleOfferStatus copies the decided answer onto the offer.
func (s *RoleOffers) SetRoleOfferStatus(ctx context.Context, id string, status models.RoleOfferStatus, at time.Time) error {
	_, err := s.db.db.Collection(colRoleOffers).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"status": string(status), "answeredAt": at}})
	return translate(err, "update role offer")
}
