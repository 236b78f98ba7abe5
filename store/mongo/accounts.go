package mongo

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/accounts"
)

const (
	colAccounts = "accounts"
	colPhones   = "phones" // _id = phone number: login looks phones up by index on FerretDB too
)

var (
	_ accounts.AccountStore       = (*Accounts)(nil)
	_ accounts.AccountChangeStore = (*Accounts)(nil)
)

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
	ID              string     `bson:"_id"`
	Phone           string     `bson:"phone"`
	Name            string     `bson:"name"`
	PasswordHash    string     `bson:"passwordHash"`
	Roles           []roleDoc  `bson:"roles"`
	Status          string     `bson:"status"`
	WeChatOpenID    string     `bson:"wechatOpenId,omitempty"`
	WeChatUnionID   string     `bson:"wechatUnionId,omitempty"`
	TokensNotBefore *time.Time `bson:"tokensNotBefore,omitempty"`
	CreatedAt       time.Time  `bson:"createdAt"`
	UpdatedAt       time.Time  `bson:"updatedAt"`
}

func toAccountDoc(a *models.Account) accountDoc {
	d := accountDoc{ID: a.ID, Phone: a.Phone, Name: a.Name, PasswordHash: a.PasswordHash, Roles: rolesToDocs(a.Roles),
		Status: string(a.Status), WeChatOpenID: a.WeChatOpenID, WeChatUnionID: a.WeChatUnionID, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	if !a.TokensNotBefore.IsZero() {
		t := a.TokensNotBefore
		d.TokensNotBefore = &t
	}
	return d
}

type phoneDoc struct {
	Phone     string    `bson:"_id"`
	AccountID string    `bson:"accountId"`
	CreatedAt time.Time `bson:"createdAt"`
	ClaimedAt time.Time `bson:"claimedAt"` // when the claim was inserted (zero: before this field)
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
		Status: models.AccountStatus(d.Status), WeChatOpenID: d.WeChatOpenID, WeChatUnionID: d.WeChatUnionID,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	if d.TokensNotBefore != nil {
		a.TokensNotBefore = *d.TokensNotBefore
	}
	for _, r := range d.Roles {
		a.Roles = append(a.Roles, models.RoleBinding{Role: models.Role(r.Role), CommunityCode: r.CommunityCode,
			DivisionCode: r.DivisionCode, OrganisationID: r.OrganisationID, CompetitionID: r.CompetitionID})
	}
	return a
}

// CreateAccount claims the phone by a unique insert, then inserts the account.
func (s *Accounts) CreateAccount(ctx context.Context, a *models.Account) error {
	phones := s.db.db.Collection(colPhones)
	claim := phoneDoc{Phone: a.Phone, AccountID: a.ID, CreatedAt: a.CreatedAt, ClaimedAt: time.Now().UTC()}
	claimed := false // by this call: then a failed account insert gives the phone back
	for attempt := 0; ; attempt++ {
		_, err := phones.InsertOne(ctx, claim)
		if err == nil {
			claimed = true
			break
		}
		err = translate(err, "claim phone")
		if !errors.Is(err, models.ErrConflict) || attempt > 0 {
			return err
		}
		// The phone is claimed. A claim whose account was never inserted
		// (its writer died between the two inserts) must not keep the
		// phone from ever registering: this account's own earlier attempt
		// is rolled forward, another's is given back once it is older than
		// any insert in flight could be.
		var prior phoneDoc
		if err := phones.FindOne(ctx, bson.M{"_id": a.Phone}).Decode(&prior); err != nil {
			return translate(err, "claimed phone")
		}
		if prior.AccountID == a.ID {
			break
		}
		if _, err := s.AccountByID(ctx, prior.AccountID); !errors.Is(err, models.ErrNotFound) {
			if err != nil {
				return err
			}
			return models.ErrConflict.Wrap(errors.New("phone already registered"))
		}
		if time.Since(prior.ClaimedAt) < orphanClaimAge {
			return models.ErrConflict.Wrap(errors.New("phone being registered"))
		}
		if _, err := phones.DeleteOne(ctx, bson.M{"_id": a.Phone, "accountId": prior.AccountID}); err != nil {
			return translate(err, "give back an orphaned phone claim")
		}
	}
	if _, err := s.db.db.Collection(colAccounts).InsertOne(ctx, toAccountDoc(a)); err != nil {
		err = translate(err, "insert account")
		// Give the phone back so that a retry (under a new account id)
		// can succeed, unless the insert took effect after all (an
		// interrupted call may still have written it) or cannot be
		// told: a claim left behind is rolled forward or given back later.
		if claimed {
			bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			got, lerr := s.AccountByID(bg, a.ID)
			if errors.Is(lerr, models.ErrNotFound) || lerr == nil && got.Phone != a.Phone {
				_, _ = phones.DeleteOne(bg, bson.M{"_id": a.Phone, "accountId": a.ID})
			}
		}
		return err
	}
	return nil
}

// orphanClaimAge is how old a phone claim without its account must be
// before another registration may take the phone: far beyond the time
// between the claim and the account insert of a live writer.
const orphanClaimAge = 2 * time.Minute

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

// SaveAccount replaces the account's document (its mutable fields change;
// the id and creation time stay). Callers hold the account's lock.
func (s *Accounts) SaveAccount(ctx context.Context, a *models.Account) error {
	res, err := s.db.db.Collection(colAccounts).ReplaceOne(ctx, bson.M{"_id": a.ID}, toAccountDoc(a))
	if err != nil {
		return translate(err, "save account")
	}
	if res.MatchedCount == 0 {
		return models.ErrNotFound.Wrap(nil)
	}
	return nil
}

// ClaimPhone inserts the phone's claim for the account, or finds it the
// account's own already.
func (s *Accounts) ClaimPhone(ctx context.Context, phone, accountID string, at time.Time) error {
	col := s.db.db.Collection(colPhones)
	_, err := col.InsertOne(ctx, phoneDoc{Phone: phone, AccountID: accountID, CreatedAt: at})
	if err == nil || !mongo.IsDuplicateKeyError(err) {
		return translate(err, "claim phone")
	}
	var held phoneDoc
	if err := col.FindOne(ctx, bson.M{"_id": phone}).Decode(&held); err != nil {
		return translate(err, "phone claim")
	}
	if held.AccountID == accountID {
		return nil
	}
	return models.ErrConflict.Wrap(nil)
}

// ReleasePhone deletes the account's claim of the phone.
func (s *Accounts) ReleasePhone(ctx context.Context, phone, accountID string) error {
	_, err := s.db.db.Collection(colPhones).DeleteOne(ctx, bson.M{"_id": phone, "accountId": accountID})
	return translate(err, "release phone")
}

// AccountsByIDs reads the accounts of ids in one query (the names on a page
// of profiles or candidates); an id with no account is absent from the map.
func (s *Accounts) AccountsByIDs(ctx context.Context, ids []string) (map[string]*models.Account, error) {
	out := make(map[string]*models.Account, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	cur, err := s.db.db.Collection(colAccounts).Find(ctx, bson.M{"_id": bson.M{"$in": ids}}, options.Find().SetBatchSize(int32(len(ids)+1)))
	if err != nil {
		return nil, translate(err, "accounts")
	}
	var docs []accountDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "accounts")
	}
	for i := range docs {
		a := docs[i].model()
		out[a.ID] = a
	}
	return out, nil
}
