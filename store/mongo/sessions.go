package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/accounts"
)

const (
	colFamilies      = "login_families"
	colRefreshTokens = "refresh_tokens" // _id = SHA-256 of the token
	colRefreshUses   = "refresh_uses"   // _id = SHA-256 of a used token: its one use, by unique insert
)

var (
	_ accounts.SessionStore = (*Sessions)(nil)
	_ accounts.FamilyLister = (*Sessions)(nil)
)

func init() {
	indexes[colFamilies] = append(indexes[colFamilies], mongo.IndexModel{Keys: bson.D{{Key: "accountId", Value: 1}}})
}

// Sessions stores login families and refresh tokens.
type Sessions struct{ db *DB }

// Sessions returns the session store.
func (d *DB) Sessions() *Sessions { return &Sessions{db: d} }

type familyDoc struct {
	ID           string     `bson:"_id"`
	AccountID    string     `bson:"accountId"`
	CreatedAt    time.Time  `bson:"createdAt"`
	RevokedAt    *time.Time `bson:"revokedAt,omitempty"`
	RevokeReason string     `bson:"revokeReason,omitempty"`
}

type refreshDoc struct {
	Hash      string    `bson:"_id"`
	FamilyID  string    `bson:"familyId"`
	AccountID string    `bson:"accountId"`
	Seq       int       `bson:"seq"`
	CreatedAt time.Time `bson:"createdAt"`
	ExpiresAt time.Time `bson:"expiresAt"`
}

// CreateFamily inserts a new login family.
func (s *Sessions) CreateFamily(ctx context.Context, f *models.LoginFamily) error {
	_, err := s.db.db.Collection(colFamilies).InsertOne(ctx,
		familyDoc{ID: f.ID, AccountID: f.AccountID, CreatedAt: f.CreatedAt})
	return translate(err, "insert login family")
}

// Family finds a login family by id.
func (s *Sessions) Family(ctx context.Context, id string) (*models.LoginFamily, error) {
	var d familyDoc
	if err := s.db.db.Collection(colFamilies).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, translate(err, "login family")
	}
	return &models.LoginFamily{ID: d.ID, AccountID: d.AccountID, CreatedAt: d.CreatedAt, RevokedAt: d.RevokedAt, RevokeReason: d.RevokeReason}, nil
}

// RevokeFamily sets revokedAt once; concurrent revocations all leave it revoked.
func (s *Sessions) RevokeFamily(ctx context.Context, id, reason string, at time.Time) error {
	_, err := s.db.db.Collection(colFamilies).UpdateOne(ctx,
		bson.M{"_id": id, "revokedAt": bson.M{"$exists": false}},
		bson.M{"$set": bson.M{"revokedAt": at, "revokeReason": reason}})
	return translate(err, "revoke login family")
}

// CreateRefreshToken stores a refresh token's hash.
func (s *Sessions) CreateRefreshToken(ctx context.Context, t *models.RefreshToken) error {
	_, err := s.db.db.Collection(colRefreshTokens).InsertOne(ctx, refreshDoc{Hash: t.Hash, FamilyID: t.FamilyID,
		AccountID: t.AccountID, Seq: t.Seq, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt})
	return translate(err, "insert refresh token")
}

// RefreshToken finds a refresh token by its hash.
func (s *Sessions) RefreshToken(ctx context.Context, hash string) (*models.RefreshToken, error) {
	var d refreshDoc
	if err := s.db.db.Collection(colRefreshTokens).FindOne(ctx, bson.M{"_id": hash}).Decode(&d); err != nil {
		return nil, translate(err, "refresh token")
	}
	return &models.RefreshToken{Hash: d.Hash, FamilyID: d.FamilyID, AccountID: d.AccountID, Seq: d.Seq,
		CreatedAt: d.CreatedAt, ExpiresAt: d.ExpiresAt}, nil
}

// ClaimRefreshToken inserts the token's one use; a second use is a conflict.
func (s *Sessions) ClaimRefreshToken(ctx context.Context, hash string, at time.Time) error {
	_, err := s.db.db.Collection(colRefreshUses).InsertOne(ctx, bson.M{"_id": hash, "usedAt": at})
	return translate(err, "claim refresh token")
}

// FamiliesOf lists every login family of an account.
func (s *Sessions) FamiliesOf(ctx context.Context, accountID string) ([]*models.LoginFamily, error) {
	cur, err := s.db.db.Collection(colFamilies).Find(ctx, bson.M{"accountId": accountID})
	if err != nil {
		return nil, translate(err, "login families")
	}
	var docs []familyDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "login families")
	}
	out := make([]*models.LoginFamily, len(docs))
	for i, d := range docs {
		out[i] = &models.LoginFamily{ID: d.ID, AccountID: d.AccountID, CreatedAt: d.CreatedAt, RevokedAt: d.RevokedAt, RevokeReason: d.RevokeReason}
	}
	return out, nil
}
