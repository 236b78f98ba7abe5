package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// accessClaims are an access token's claims. Roles are the bindings the
// account held when the token was issued, for clients to read; the server
// never authorises with them (Authenticate reads the account's own).
type accessClaims struct {
	Roles  []models.RoleBinding `json:"roles"`
	Family string               `json:"fam"`
	jwt.RegisteredClaims
}

type tokenIssuer struct {
	secret []byte
	issuer string
	ttl    time.Duration
	// verified remembers the claims of tokens whose signature was checked
	// (token string → *Actor): a token is immutable, so a second use needs
	// only its expiry checked. Whether its login still stands is decided
	// per request by Authenticate, never here.
	verified  sync.Map
	nVerified atomic.Int64
}

// verifiedMax caps the remembered tokens; beyond it the memo starts over.
const verifiedMax = 100_000

func (t *tokenIssuer) issue(acct *models.Account, family string, now time.Time) (string, error) {
	c := accessClaims{
		Roles:  acct.Roles,
		Family: family,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    t.issuer,
			Subject:   acct.ID,
			ID:        core.NewID(),
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(t.ttl)),
		},
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.secret)
}

func (t *tokenIssuer) parse(token string, now time.Time) (*Actor, error) {
	if v, ok := t.verified.Load(token); ok {
		a := *v.(*Actor)
		if !now.Before(a.ExpiresAt) {
			return nil, errTokenInvalid
		}
		return &a, nil
	}
	a, err := t.verify(token, now)
	if err != nil {
		return nil, err
	}
	if t.nVerified.Add(1) > verifiedMax {
		t.verified.Clear()
		t.nVerified.Store(1)
	}
	memo := *a
	// A copy of the key: the caller's string may alias a request buffer
	// the HTTP server reuses (Fiber's zero-copy strings).
	t.verified.Store(strings.Clone(token), &memo)
	return a, nil
}

// verify checks the token's signature, algorithm, issuer and expiry and
// reads its claims.
func (t *tokenIssuer) verify(token string, now time.Time) (*Actor, error) {
	var c accessClaims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return t.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(t.issuer),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	if err != nil || c.Subject == "" || c.ID == "" || c.Family == "" {
		return nil, errTokenInvalid
	}
	a := &Actor{AccountID: c.Subject, FamilyID: c.Family, TokenID: c.ID, ExpiresAt: c.ExpiresAt.Time}
	if c.IssuedAt != nil {
		a.IssuedAt = c.IssuedAt.Time
	}
	return a, nil
}

var errTokenInvalid = models.E(models.KindUnauthorized, "访问令牌无效或已过期", "access token is invalid or expired").WithCode(models.CodeTokenInvalid)

// FamilyLister lists an account's logins (MongoDB).
type FamilyLister interface {
	// FamiliesOf lists every login family of the account, revoked ones too.
	FamiliesOf(ctx context.Context, accountID string) ([]*models.LoginFamily, error)
}

// AccountGate is what an account contributes to deciding whether one of
// its access tokens still stands, and what the request may do: the instant
// before which every login of it has ended (Account.TokensNotBefore),
// whether it is active, and the role bindings it holds now. Every change
// of an account's roles or status replaces its cached gate at once
// (setAccountGate); should that write fail, the old entry lapses within
// the cache's TTL (20 s in Redis), the longest a removed binding can still
// authorise.
type AccountGate struct {
	NotBefore time.Time
	Active    bool
	Roles     []models.RoleBinding
}

// gateOf is the account's gate as saved in MongoDB.
func gateOf(a *models.Account) AccountGate {
	return AccountGate{NotBefore: a.TokensNotBefore, Active: a.Status == models.AccountActive, Roles: a.Roles}
}

// setAccountGate caches the gate of an account just saved, replacing any
// entry, so that its next request sees its roles and status as they are
// now. A failed write is logged; the stale entry lapses within its TTL.
func (s *Service) setAccountGate(ctx context.Context, a *models.Account) {
	if s.st.TokenGates == nil {
		return
	}
	if err := s.st.TokenGates.SetAccount(ctx, a.ID, gateOf(a)); err != nil {
		s.d.Degraded(ctx, "token cache", err)
	}
}

// FamilyGate is what a login family contributes: whose it is, when it
// began, and whether it has been revoked.
type FamilyGate struct {
	AccountID string
	CreatedAt time.Time
	Revoked   bool
}

// TokenGates caches, in front of MongoDB, the facts that decide whether an
// access token still stands (Redis). The cache may lose any entry at any
// time (a Redis restarted empty, an eviction, an outage): a missing entry
// is read again from MongoDB, which is the only authority, so a lost cache
// can never revive a revoked token. Entries live briefly (seconds), which
// bounds how long a change the cache did not hear of (its write failed)
// can go unseen.
type TokenGates interface {
	// Gates returns the cached gates of an account and a family; nil for
	// each one not cached. One round trip.
	Gates(ctx context.Context, accountID, familyID string) (*AccountGate, *FamilyGate, error)
	// FillAccount caches g after a read from MongoDB, unless an entry is
	// there already (it may be a newer change's: never overwrite it).
	FillAccount(ctx context.Context, accountID string, g AccountGate) error
	// FillFamily is FillAccount for a family.
	FillFamily(ctx context.Context, familyID string, g FamilyGate) error
	// SetAccount caches g after a change was saved in MongoDB, replacing
	// any entry.
	SetAccount(ctx context.Context, accountID string, g AccountGate) error
	// SetFamily is SetAccount for a family.
	SetFamily(ctx context.Context, familyID string, g FamilyGate) error
}

var errRevoked = models.E(models.KindUnauthorized, "登录已退出或已失效", "login has been revoked").WithCode(models.CodeTokenInvalid)

// Authenticate turns a bearer access token into an Actor, with the role
// bindings its account holds now (a binding removed after the token was
// issued no longer authorises anything; one added does). A token with
// another algorithm (including "none"), another key, a bad signature, no or a
// past expiry is refused with models.ErrUnauthorized; so is one whose login
// was revoked (a logout, a reused refresh token), or that began before its
// account's sessions were all ended (a password reset, a deactivation, an
// erasure), or whose account is no longer active. Those
// facts live in MongoDB (the login family and the account) and are read
// through the TokenGates cache: a cache miss or a cache outage reads
// MongoDB, and MongoDB being unreachable is ErrUnavailable, never a pass.
func (s *Service) Authenticate(ctx context.Context, token string) (*Actor, error) {
	a, err := s.tokens.parse(token, s.d.Now())
	if err != nil {
		return nil, err
	}
	acct, fam := s.cachedGates(ctx, a)
	if acct == nil {
		if acct, err = s.accountGate(ctx, a.AccountID); err != nil {
			return nil, err
		}
	}
	if fam == nil {
		if fam, err = s.familyGate(ctx, a.FamilyID); err != nil {
			return nil, err
		}
	}
	// The family's creation is compared with the account's mark (both in
	// milliseconds, both from MongoDB): every login begun before the mark
	// has ended, even one whose own revocation was never written.
	if !acct.Active || fam.Revoked || fam.AccountID != a.AccountID || fam.CreatedAt.Before(acct.NotBefore) {
		return nil, errRevoked
	}
	a.Roles = acct.Roles
	return a, nil
}

// cachedGates asks the cache; an unavailable cache is a miss.
func (s *Service) cachedGates(ctx context.Context, a *Actor) (*AccountGate, *FamilyGate) {
	if s.st.TokenGates == nil {
		return nil, nil
	}
	acct, fam, err := s.st.TokenGates.Gates(ctx, a.AccountID, a.FamilyID)
	if err != nil {
		s.d.Degraded(ctx, "token cache", err)
		return nil, nil
	}
	return acct, fam
}

// accountGate reads the account's gate from MongoDB and caches it. A
// missing account (erased for good) has no tokens that stand.
func (s *Service) accountGate(ctx context.Context, id string) (*AccountGate, error) {
	acc, err := s.st.Accounts.AccountByID(ctx, id)
	if core.IsKind(err, models.KindNotFound) {
		return &AccountGate{}, nil
	}
	if err != nil {
		return nil, err
	}
	g := gateOf(acc)
	if s.st.TokenGates != nil {
		if err := s.st.TokenGates.FillAccount(ctx, id, g); err != nil {
			s.d.Degraded(ctx, "token cache", err)
		}
	}
	return &g, nil
}

// familyGate reads the login family's gate from MongoDB and caches it.
func (s *Service) familyGate(ctx context.Context, id string) (*FamilyGate, error) {
	f, err := s.st.Sessions.Family(ctx, id)
	if core.IsKind(err, models.KindNotFound) {
		return &FamilyGate{Revoked: true}, nil
	}
	if err != nil {
		return nil, err
	}
	g := FamilyGate{AccountID: f.AccountID, CreatedAt: f.CreatedAt, Revoked: f.Revoked()}
	if s.st.TokenGates != nil {
		if err := s.st.TokenGates.FillFamily(ctx, id, g); err != nil {
			s.d.Degraded(ctx, "token cache", err)
		}
	}
	return &g, nil
}

func newRefreshSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}
