package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/wushe/wushe/models"
)

// Actor is the caller of a use case, as its access token says.
type Actor struct {
	AccountID string
	Roles     []models.RoleBinding
	FamilyID  string // the login this token belongs to
	TokenID   string // jti
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// Has reports whether the actor holds role r in any scope.
func (a *Actor) Has(r models.Role) bool {
	for _, b := range a.Roles {
		if b.Role == r {
			return true
		}
	}
	return false
}

// Bindings lists the actor's bindings of role r.
func (a *Actor) Bindings(r models.Role) []models.RoleBinding {
	var out []models.RoleBinding
	for _, b := range a.Roles {
		if b.Role == r {
			out = append(out, b)
		}
	}
	return out
}

type accessClaims struct {
	Roles  []models.RoleBinding `json:"roles"`
	Family string               `json:"fam"`
	jwt.RegisteredClaims
}

type tokenIssuer struct {
	secret []byte
	issuer string
	ttl    time.Duration
}

func (t *tokenIssuer) issue(acct *models.Account, family string, now time.Time) (string, error) {
	c := accessClaims{
		Roles:  acct.Roles,
		Family: family,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    t.issuer,
			Subject:   acct.ID,
			ID:        newID(),
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(t.ttl)),
		},
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.secret)
}

func (t *tokenIssuer) parse(token string, now time.Time) (*Actor, error) {
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
	a := &Actor{AccountID: c.Subject, Roles: c.Roles, FamilyID: c.Family, TokenID: c.ID, ExpiresAt: c.ExpiresAt.Time}
	if c.IssuedAt != nil {
		a.IssuedAt = c.IssuedAt.Time
	}
	return a, nil
}

var errTokenInvalid = models.E(models.KindUnauthorized, "访问令牌无效或已过期", "access token is invalid or expired")

// RevocationMarks keep, per account, the instant before which every access
// token is refused (Redis). A mark needs to live only as long as the access
// tokens it covers; MongoDB keeps the same instant on the account
// (Account.TokensNotBefore), which stops the refresh tokens.
type RevocationMarks interface {
	// SetNotBefore refuses the account's access tokens issued before t, for
	// ttl; of two marks the later wins.
	SetNotBefore(ctx context.Context, accountID string, t time.Time, ttl time.Duration) error
	// NotBefore returns the account's mark, the zero time when none.
	NotBefore(ctx context.Context, accountID string) (time.Time, error)
}

// FamilyLister lists an account's logins (MongoDB).
type FamilyLister interface {
	// FamiliesOf lists every login family of the account, revoked ones too.
	FamiliesOf(ctx context.Context, accountID string) ([]*models.LoginFamily, error)
}

var errRevoked = models.E(models.KindUnauthorized, "登录已退出或已失效", "login has been revoked")

// Authenticate turns a bearer access token into an Actor. A token with
// another algorithm (including "none"), another key, a bad signature, no or a
// past expiry, or whose id or login was revoked, or that was issued before
// its account's sessions were all ended (a password reset, a role removed,
// a deactivation, an erasure), is refused with models.ErrUnauthorized. A
// Redis outage fails open (logged): access tokens live only minutes, and
// login families in MongoDB still stop refreshes.
func (s *Service) Authenticate(ctx context.Context, token string) (*Actor, error) {
	a, err := s.tokens.parse(token, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	denied, err := s.st.Denylist.AnyDenied(ctx, "jti:"+a.TokenID, "fam:"+a.FamilyID, "acct:"+a.AccountID)
	if err != nil {
		s.log.WarnContext(ctx, "token denylist unavailable; accepting token", "err", err)
		return a, nil
	}
	if denied {
		return nil, errRevoked
	}
	if s.st.Revocations != nil {
		nbf, err := s.st.Revocations.NotBefore(ctx, a.AccountID)
		if err != nil {
			s.log.WarnContext(ctx, "revocation marks unavailable; accepting token", "err", err)
			return a, nil
		}
		// iat has whole seconds: a token of the mark's own second passes
		// here, and is stopped by its login family's denial instead.
		if a.IssuedAt.Before(nbf.Truncate(time.Second)) {
			return nil, errRevoked
		}
	}
	return a, nil
}

// newID returns a random 128-bit id, URL-safe.
func newID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return hex.EncodeToString(b)
}

// NewID returns a new random object id.
func NewID() string { return newID() }

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

func isKind(err error, k models.Kind) bool {
	var e *models.Error
	return errors.As(err, &e) && e.Kind == k
}
