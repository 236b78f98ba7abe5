package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/wushe/wushe/models"
)

const colWeChat = "wechat_openids" // _id = mini-program openid: one account per WeChat user, by unique insert

func init() { register(colWeChat) }

// AccountsWithBinding finds the accounts holding b. The filter names the
// binding's scope field by a dotted path into the roles array (in the
// subset FerretDB gets right; $elemMatch on sub-documents is not), and the
// exact binding is checked here.
func (s *Accounts) AccountsWithBinding(ctx context.Context, b models.RoleBinding) ([]*models.Account, error) {
	filter := bson.M{"roles.role": string(b.Role)}
	switch {
	case b.CommunityCode != "":
		filter["roles.communityCode"] = b.CommunityCode
	case b.OrganisationID != "":
		filter["roles.organisationId"] = b.OrganisationID
	case b.DivisionCode != "":
		filter["roles.divisionCode"] = b.DivisionCode
	case b.CompetitionID != "":
		filter["roles.competitionId"] = b.CompetitionID
	}
	cur, err := s.db.db.Collection(colAccounts).Find(ctx, filter)
	if err != nil {
		return nil, translate(err, "accounts with binding")
	}
	var docs []accountDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "accounts with binding")
	}
	var out []*models.Account
	for _, d := range docs {
		a := d.model()
		for _, have := range a.Roles {
			if have.Key() == b.Key() {
				out = append(out, a)
				break
			}
		}
	}
	return out, nil
}

// RemoveMembership deletes the organisation membership of the binding taken away.
func (s *Accounts) RemoveMembership(ctx context.Context, orgID, accountID string, role models.Role) error {
	_, err := s.db.db.Collection(colMembers).DeleteOne(ctx, bson.M{"_id": orgID + "#" + accountID + "#" + string(role)})
	return translate(err, "remove membership")
}

type wechatDoc struct {
	OpenID    string    `bson:"_id"`
	UnionID   string    `bson:"unionId,omitempty"`
	AccountID string    `bson:"accountId"`
	CreatedAt time.Time `bson:"createdAt"`
}

// ClaimWeChat inserts the openid's binding, or finds it the account's own.
func (s *Accounts) ClaimWeChat(ctx context.Context, id models.WeChatIdentity, accountID string, at time.Time) error {
	col := s.db.db.Collection(colWeChat)
	_, err := col.InsertOne(ctx, wechatDoc{OpenID: id.OpenID, UnionID: id.UnionID, AccountID: accountID, CreatedAt: at})
	if err == nil || !mongo.IsDuplicateKeyError(err) {
		return translate(err, "claim WeChat user")
	}
	held, err := s.WeChatAccount(ctx, id.OpenID)
	if err != nil {
		return err
	}
	if held == accountID {
		return nil
	}
	return models.ErrConflict.Wrap(nil)
}

// WeChatAccount finds the account an openid is bound to.
func (s *Accounts) WeChatAccount(ctx context.Context, openid string) (string, error) {
	var d wechatDoc
	if err := s.db.db.Collection(colWeChat).FindOne(ctx, bson.M{"_id": openid}).Decode(&d); err != nil {
		return "", translate(err, "WeChat binding")
	}
	return d.AccountID, nil
}

// ReleaseWeChat deletes the account's binding of the openid.
func (s *Accounts) ReleaseWeChat(ctx context.Context, openid, accountID string) error {
	_, err := s.db.db.Collection(colWeChat).DeleteOne(ctx, bson.M{"_id": openid, "accountId": accountID})
	return translate(err, "release WeChat user")
}

// SetMemberPhones updates the phone copied into the account's memberships.
func (s *Accounts) SetMemberPhones(ctx context.Context, accountID, phone string) error {
	_, err := s.db.db.Collection(colMembers).UpdateMany(ctx, bson.M{"accountId": accountID}, bson.M{"$set": bson.M{"phone": phone}})
	return translate(err, "member phones")
}
