package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
)

const (
	colAccounts = "accounts"
	colPhones   = "phones" // _id = phone number: login looks phones up by index on FerretDB too
)

var _ service.AccountStore = (*Accounts)(nil)

// Accounts stores accounts and the phone numbers that name them.
type Accounts struct{ db *DB }

// Accounts returns the account store.
func (d *DB) Accounts() *Accounts { return &Accounts{db: d} }

type roleDoc struct {
	Role           string `bson:"role"`
	CommunityCode  string `bson:"communityCode,omitempty"`
	DivisionCode   string `bson:"divisionCode,omitempty"`
	OrganisationID string `bson:"organisationId,omitempty"`
	CompetitionID  string `bson:"competitionId,omitempty"`
}

type accountDoc struct {
	ID           string    `bson:"_id"`
	Phone        string    `bson:"phone"`
	Name         string    `bson:"name"`
	PasswordHash string    `bson:"passwordHash"`
	Roles        []roleDoc `bson:"roles"`
	Status       string    `bson:"status"`
	CreatedAt    time.Time `bson:"createdAt"`
	UpdatedAt    time.Time `bson:"updatedAt"`
}

type phoneDoc struct {
	Phone     string    `bson:"_id"`
	AccountID string    `bson:"accountId"`
	CreatedAt time.Time `bson:"createdAt"`
}

func rolesToDocs(rs []models.RoleBinding) []roleDoc {
	out := make([]roleDoc, len(rs))
	for i, r := range rs {
		out[i] = roleDoc{string(r.Role), r.CommunityCode, r.DivisionCode, r.OrganisationID, r.CompetitionID}
	}
	return out
}

func (d accountDoc) model() *models.Account {
	a := &models.Account{ID: d.ID, Phone: d.Phone, Name: d.Name, PasswordHash: d.PasswordHash,
		Status: models.AccountStatus(d.Status), CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	for _, r := range d.Roles {
		a.Roles = append(a.Roles, models.RoleBinding{Role: models.Role(r.Role), CommunityCode: r.CommunityCode,
			DivisionCode: r.DivisionCode, OrganisationID: r.OrganisationID, CompetitionID: r.CompetitionID})
	}
	return a
}

// CreateAccount claims the phone by a unique insert, then inserts the account.
func (s *Accounts) CreateAccount(ctx context.Context, a *models.Account) error {
	phones := s.db.db.Collection(colPhones)
	if _, err := phones.InsertOne(ctx, phoneDoc{Phone: a.Phone, AccountID: a.ID, CreatedAt: a.CreatedAt}); err != nil {
		return translate(err, "claim phone")
	}
	doc := accountDoc{ID: a.ID, Phone: a.Phone, Name: a.Name, PasswordHash: a.PasswordHash,
		Roles: rolesToDocs(a.Roles), Status: string(a.Status), CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	if _, err := s.db.db.Collection(colAccounts).InsertOne(ctx, doc); err != nil {
		// Give the phone back so a retry can succeed.
		_, _ = phones.DeleteOne(context.WithoutCancel(ctx), bson.M{"_id": a.Phone, "accountId": a.ID})
		return translate(err, "insert account")
	}
	return nil
}

// AccountByID finds an account by its id.
func (s *Accounts) AccountByID(ctx context.Context, id string) (*models.Account, error) {
	var d accountDoc
	if err := s.db.db.Collection(colAccounts).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, translate(err, "account "+id)
	}
	return d.model(), nil
}

// AccountByPhone resolves the phone through the phones collection's _id.
func (s *Accounts) AccountByPhone(ctx context.Context, phone string) (*models.Account, error) {
	var p phoneDoc
	if err := s.db.db.Collection(colPhones).FindOne(ctx, bson.M{"_id": phone}).Decode(&p); err != nil {
		return nil, translate(err, "phone")
	}
	return s.AccountByID(ctx, p.AccountID)
}

// SetRoles replaces the account's role bindings.
func (s *Accounts) SetRoles(ctx context.Context, id string, roles []models.RoleBinding, at time.Time) error {
	res, err := s.db.db.Collection(colAccounts).UpdateOne(ctx, bson.M{"_id": id},
		bson.M{"$set": bson.M{"roles": rolesToDocs(roles), "updatedAt": at}})
	if err != nil {
		return translate(err, "set roles")
	}
	if res.MatchedCount == 0 {
		return models.ErrNotFound.Wrap(nil)
	}
	return nil
}
