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
	return &Actor{AccountID: c.Subject, Roles: c.Roles, FamilyID: c.Family, TokenID: c.ID, ExpiresAt: c.ExpiresAt.Time}, nil
}

var errTokenInvalid = models.E(models.KindUnauthorized, "访问令牌无效或已过期", "access token is invalid or expired")

// Authenticate turns a bearer access token into an Actor. A token with
// another algorithm (including "none"), another key, a bad signature, no or a
// past expiry, or whose id or login was revoked, is refused with
// models.ErrUnauthorized. A Redis outage fails open (logged): access tokens
// live only minutes, and login families in MongoDB still stop refreshes.
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
		return nil, models.E(models.KindUnauthorized, "登录已退出或已失效", "login has been revoked")
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
