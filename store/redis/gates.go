package redis

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/accounts"
)

var _ accounts.TokenGates = (*Client)(nil)

// GateTTL is how long a token gate stays cached. It bounds how long a
// revocation, or a change of an account's roles or status, whose cache
// write failed (Redis unreachable from the changing replica, reachable from
// the others) can go unseen; a Redis that lost its data has no entries, and
// every miss reads MongoDB.
const GateTTL = 20 * time.Second

// Gates returns the cached gates of an account and a login family with one
// MGET; nil for each not cached (or unreadable).
func (c *Client) Gates(ctx context.Context, accountID, familyID string) (*accounts.AccountGate, *accounts.FamilyGate, error) {
	ctx, cancel := optional(ctx)
	defer cancel()
	vals, err := c.rdb.MGet(ctx, c.key("gate:a:", accountID), c.key("gate:f:", familyID)).Result()
	if err != nil {
		return nil, nil, err
	}
	var acct *accounts.AccountGate
	var fam *accounts.FamilyGate
	if s, ok := vals[0].(string); ok {
		acct = parseAccountGate(s)
	}
	if s, ok := vals[1].(string); ok {
		fam = parseFamilyGate(s)
	}
	return acct, fam, nil
}

// FillAccount caches g unless an entry exists (SET NX): a reader that read
// MongoDB before a change must not overwrite the change's own entry.
func (c *Client) FillAccount(ctx context.Context, accountID string, g accounts.AccountGate) error {
	ctx, cancel := optional(ctx)
	defer cancel()
	return c.rdb.SetNX(ctx, c.key("gate:a:", accountID), formatAccountGate(g), GateTTL).Err()
}

// FillFamily caches g unless an entry exists.
func (c *Client) FillFamily(ctx context.Context, familyID string, g accounts.FamilyGate) error {
	ctx, cancel := optional(ctx)
	defer cancel()
	return c.rdb.SetNX(ctx, c.key("gate:f:", familyID), formatFamilyGate(g), GateTTL).Err()
}

// SetAccount caches g after a change, replacing any entry.
func (c *Client) SetAccount(ctx context.Context, accountID string, g accounts.AccountGate) error {
	ctx, cancel := optional(ctx)
	defer cancel()
	return c.rdb.Set(ctx, c.key("gate:a:", accountID), formatAccountGate(g), GateTTL).Err()
}

// SetFamily caches g after a change, replacing any entry.
func (c *Client) SetFamily(ctx context.Context, familyID string, g accounts.FamilyGate) error {
	ctx, cancel := optional(ctx)
	defer cancel()
	return c.rdb.Set(ctx, c.key("gate:f:", familyID), formatFamilyGate(g), GateTTL).Err()
}

// Entries are "notBeforeMs|active|roles" (roles a JSON array of the
// account's bindings) and "accountId|createdMs|revoked". An entry in an
// older format (no roles) is unreadable, hence a miss: MongoDB decides.

func formatAccountGate(g accounts.AccountGate) string {
	roles, err := json.Marshal(g.Roles)
	if err != nil || g.Roles == nil {
		roles = []byte("[]") // bindings are plain strings: Marshal cannot fail
	}
	return millis(g.NotBefore) + "|" + bit(g.Active) + "|" + string(roles)
}

func formatFamilyGate(g accounts.FamilyGate) string {
	return g.AccountID + "|" + millis(g.CreatedAt) + "|" + bit(g.Revoked)
}

func parseAccountGate(s string) *accounts.AccountGate {
	parts := strings.SplitN(s, "|", 3)
	if len(parts) != 3 || (parts[1] != "0" && parts[1] != "1") {
		return nil // unreadable: treated as a miss, so MongoDB decides
	}
	t, err := fromMillis(parts[0])
	if err != nil {
		return nil
	}
	var roles []models.RoleBinding
	if err := json.Unmarshal([]byte(parts[2]), &roles); err != nil {
		return nil
	}
	return &accounts.AccountGate{NotBefore: t, Active: parts[1] == "1", Roles: roles}
}

func parseFamilyGate(s string) *accounts.FamilyGate {
	parts := strings.Split(s, "|")
	if len(parts) != 3 || parts[0] == "" || (parts[2] != "0" && parts[2] != "1") {
		return nil
	}
	t, err := fromMillis(parts[1])
	if err != nil {
		return nil
	}
	return &accounts.FamilyGate{AccountID: parts[0], CreatedAt: t, Revoked: parts[2] == "1"}
}

func millis(t time.Time) string {
	if t.IsZero() {
		return "0"
	}
	return strconv.FormatInt(t.UnixMilli(), 10)
}

func fromMillis(s string) (time.Time, error) {
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, errors.New("redis: malformed gate")
	}
	if ms == 0 {
		return time.Time{}, nil
	}
	return time.UnixMilli(ms).UTC(), nil
}

func bit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
