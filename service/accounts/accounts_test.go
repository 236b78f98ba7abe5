package accounts_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/accounts"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/store/storetest"
)

// clock is the accounts' injected clock: tests move it, nothing sleeps.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// outbox keeps the codes sent, by phone.
type outbox struct {
	mu    sync.Mutex
	codes map[string]string
}

func (o *outbox) SendCode(_ context.Context, m models.SMSMessage) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.codes[m.Phone] = m.Code
	return nil
}

func (o *outbox) code(phone string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.codes[phone]
}

type env struct {
	svc   *accounts.Service
	clock *clock
	sms   *outbox
	ctx   context.Context
}

// newEnv builds the accounts service alone on real stores (FerretDB and
// Redis), with a fixed clock and cheap password hashing.
func newEnv(t *testing.T, cfg accounts.Config) *env {
	t.Helper()
	db, rc := storetest.Open(t)
	clk := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	sms := &outbox{codes: map[string]string{}}
	cfg.JWTSecret = []byte("accounts-test-secret-accounts-test-secret")
	cfg.Password = accounts.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}
	cfg.SMS = sms
	locks := db.Locks()
	withLock := func(ctx context.Context, object string, fn func() error) error {
		unlock, err := locks.Lock(ctx, object, 15*time.Second, 8*time.Second)
		if err != nil {
			return err
		}
		defer unlock()
		return fn()
	}
	shared := &core.Shared{Now: clk.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Degraded: func(ctx context.Context, part string, err error) { t.Errorf("%s degraded: %v", part, err) },
		WithLock: withLock, TryLock: withLock}
	svc, err := accounts.New(cfg, accounts.Stores{Accounts: db.Accounts(), Sessions: db.Sessions(), AccountChanges: db.Accounts(),
		Logins: db.Sessions(), Codes: rc, TokenGates: rc, PersonalData: db.PersonalData(), Limiter: rc},
		accounts.Deps{Shared: shared, TooMany: func(time.Duration) *models.Error { return models.ErrRateLimited }})
	if err != nil {
		t.Fatal(err)
	}
	return &env{svc: svc, clock: clk, sms: sms, ctx: accounts.WithClientIP(context.Background(), "203.0.113.7")}
}

// register makes a volunteer account of phone with password, by SMS code.
func (e *env) register(t *testing.T, phone, password string) {
	t.Helper()
	if _, err := e.svc.RequestCode(e.ctx, accounts.CodeRequest{Phone: phone, Purpose: models.PurposeRegister, ClientIP: "203.0.113.7"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Register(e.ctx, accounts.Registration{Phone: phone, Password: password, Name: "张三", Code: e.sms.code(phone)}); err != nil {
		t.Fatal(err)
	}
}

func wantKind(t *testing.T, err error, k models.Kind, what string) {
	t.Helper()
	if models.KindOf(err) != k || err == nil {
		t.Fatalf("%s: got %v, want kind %v", what, err, k)
	}
}

// An access token stands until its expiry on the accounts' own clock, and
// not a moment after.
func TestAccessTokenExpiresOnTheInjectedClock(t *testing.T) {
	e := newEnv(t, accounts.Config{AccessTokenTTL: 10 * time.Minute})
	e.register(t, "13800000001", "pass-word-1")
	tok, err := e.svc.Login(e.ctx, accounts.Credentials{Phone: "13800000001", Password: "pass-word-1", ClientIP: "203.0.113.7"})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.advance(9 * time.Minute)
	if _, err := e.svc.Authenticate(e.ctx, tok.AccessToken); err != nil {
		t.Fatalf("a token 9 minutes old is refused: %v", err)
	}
	e.clock.advance(2 * time.Minute)
	_, err = e.svc.Authenticate(e.ctx, tok.AccessToken)
	wantKind(t, err, models.KindUnauthorized, "a token past its 10 minutes")
}

// A refresh token works once: presented again, it revokes its whole
// login, and the access token issued by the rotation stops at once.
func TestRefreshTokenReuseRevokesTheLogin(t *testing.T) {
	e := newEnv(t, accounts.Config{})
	e.register(t, "13800000002", "pass-word-2")
	first, err := e.svc.Login(e.ctx, accounts.Credentials{Phone: "13800000002", Password: "pass-word-2", ClientIP: "203.0.113.7"})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.advance(time.Minute)
	second, err := e.svc.Refresh(e.ctx, first.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Authenticate(e.ctx, second.AccessToken); err != nil {
		t.Fatalf("the rotated access token is refused: %v", err)
	}
	_, err = e.svc.Refresh(e.ctx, first.RefreshToken)
	wantKind(t, err, models.KindUnauthorized, "a refresh token used twice")
	_, err = e.svc.Authenticate(e.ctx, second.AccessToken)
	wantKind(t, err, models.KindUnauthorized, "an access token of the revoked login")
	_, err = e.svc.Refresh(e.ctx, second.RefreshToken)
	wantKind(t, err, models.KindUnauthorized, "the newest refresh token of the revoked login")
}

// Only failed logins count toward the limit; once it is reached even the
// right password waits, and a password reset by SMS ends every login.
func TestFailedLoginsLimitThenResetEndsSessions(t *testing.T) {
	e := newEnv(t, accounts.Config{LoginLimitPhone: 2})
	e.register(t, "13800000003", "pass-word-3")
	creds := accounts.Credentials{Phone: "13800000003", Password: "pass-word-3", ClientIP: "203.0.113.7"}
	var good *accounts.Tokens
	for range 3 {
		tok, err := e.svc.Login(e.ctx, creds)
		if err != nil {
			t.Fatalf("a right password after right ones: %v", err)
		}
		good = tok
	}
	wrong := creds
	wrong.Password = "not-the-password"
	for range 2 {
		_, err := e.svc.Login(e.ctx, wrong)
		wantKind(t, err, models.KindUnauthorized, "a wrong password")
	}
	_, err := e.svc.Login(e.ctx, creds)
	wantKind(t, err, models.KindRateLimited, "the right password past the failure limit")

	// From another address: one code a minute per phone and address (the
	// registration's code was sent from the first).
	if _, err := e.svc.RequestCode(e.ctx, accounts.CodeRequest{Phone: creds.Phone, Purpose: models.PurposeResetPassword, ClientIP: "198.51.100.9"}); err != nil {
		t.Fatal(err)
	}
	e.clock.advance(time.Second)
	if err := e.svc.ResetPassword(e.ctx, accounts.PasswordReset{Phone: creds.Phone, Code: e.sms.code(creds.Phone), NewPassword: "new-pass-word-3"}); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Authenticate(e.ctx, good.AccessToken)
	wantKind(t, err, models.KindUnauthorized, "an access token from before the reset")
	_, err = e.svc.Refresh(e.ctx, good.RefreshToken)
	wantKind(t, err, models.KindUnauthorized, "a refresh token from before the reset")

	// The reset proved the person holds the phone: the new password logs in
	// at once, from the address the failures came from, and the old one is wrong.
	creds.Password = "new-pass-word-3"
	if _, err := e.svc.Login(e.ctx, creds); err != nil {
		t.Fatalf("the new password right after a reset: %v", err)
	}
	_, err = e.svc.Login(e.ctx, wrong)
	wantKind(t, err, models.KindUnauthorized, "a wrong password after the reset counts afresh")
}
