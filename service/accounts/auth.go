package accounts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// Tokens is what a login or a refresh returns.
type Tokens struct {
	AccessToken  string
	RefreshToken string
	ExpiresIn    time.Duration
	Account      *models.Account
}

// Registration is a member of the public signing up as a volunteer, with
// the SMS code sent to the phone (purpose register).
type Registration struct {
	Phone, Password, Name, Code string
}

var errPhoneTaken = models.E(models.KindConflict, "该手机号已注册", "this phone number is already registered").WithCode(models.CodePhoneRegistered)

// Register creates a volunteer account. The phone must be a mainland mobile
// number not yet registered (models.ErrConflict otherwise), proven by the
// code sent to it, unless Config.AllowCodelessRegistration (tests, demo).
func (s *Service) Register(ctx context.Context, r Registration) (*models.Account, error) {
	r.Phone = models.NormalisePhone(r.Phone)
	var p models.Problems
	core.Collect(&p, models.ValidatePhone("phone", r.Phone))
	core.Collect(&p, models.ValidatePassword("password", r.Password))
	core.Collect(&p, models.ValidateName("name", r.Name))
	if r.Code != "" || !s.cfg.AllowCodelessRegistration {
		if r.Code == "" {
			p.Add("code", "请填写短信验证码", "the SMS code is required")
		} else {
			core.Collect(&p, models.ValidateCode("code", r.Code))
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if r.Code != "" {
		if err := s.verifyCode(ctx, r.Phone, models.PurposeRegister, r.Code, "code"); err != nil {
			return nil, err
		}
	}
	return s.CreateAccount(ctx, r.Phone, r.Password, r.Name, []models.RoleBinding{{Role: models.RoleVolunteer}})
}

// CreateAccount creates an active account of phone holding roles (with no
// password when password is empty); a conflict when the phone has one.
func (s *Service) CreateAccount(ctx context.Context, phone, password, name string, roles []models.RoleBinding) (*models.Account, error) {
	hash := ""
	if password != "" {
		var err error
		if hash, err = HashPassword(password, s.cfg.Password); err != nil {
			return nil, models.Internal("hash password: %w", err)
		}
	}
	now := s.d.Now()
	a := &models.Account{ID: core.NewID(), Phone: phone, Name: strings.TrimSpace(name), PasswordHash: hash,
		Roles: roles, Status: models.AccountActive, CreatedAt: now, UpdatedAt: now}
	if err := s.st.Accounts.CreateAccount(ctx, a); err != nil {
		if core.IsKind(err, models.KindConflict) {
			return nil, errPhoneTaken
		}
		return nil, err
	}
	return a, nil
}

// Credentials are a phone and a password, and where the attempt came from.
type Credentials struct {
	Phone, Password, ClientIP string
}

var errBadLogin = models.E(models.KindUnauthorized, "手机号或密码错误", "wrong phone number or password").WithCode(models.CodeLoginFailed)

// Login checks the password and starts a login family. Attempts are limited
// per phone and per client IP; a Redis outage fails open (logged).
func (s *Service) Login(ctx context.Context, c Credentials) (*Tokens, error) {
	c.Phone = models.NormalisePhone(c.Phone)
	if err := models.ValidatePhone("phone", c.Phone); err != nil {
		return nil, err
	}
	a, err := s.st.Accounts.AccountByPhone(ctx, c.Phone)
	if err != nil && !core.IsKind(err, models.KindNotFound) {
		return nil, err
	}
	limits := s.loginLimits(c, passwordGeneration(a))
	if err := s.checkLimits(ctx, limits); err != nil {
		return nil, err
	}
	failed := func() (*Tokens, error) {
		s.countFailure(ctx, limits)
		return nil, errBadLogin
	}
	if a == nil {
		CheckPassword(s.dummy, c.Password) // same work as a real check: timing does not reveal who is registered
		return failed()
	}
	if !a.HasPassword() {
		CheckPassword(s.dummy, c.Password) // an account made by WeChat or a handover sets its password by SMS first
		return failed()
	}
	if !CheckPassword(a.PasswordHash, c.Password) {
		return failed()
	}
	if a.Status != models.AccountActive {
		return nil, errDeactivated
	}
	s.rememberClient(ctx, c.Phone, c.ClientIP)
	return s.startLogin(ctx, a)
}

// CodeLogin is a phone and the log-in code texted to it, and where the
// attempt came from.
type CodeLogin struct {
	Phone, Code, ClientIP string
}

// LoginWithCode starts a login family for the account of a phone that
// proved it holds the phone with a code (purpose login): the way in for
// volunteers who never set a password (most register by SMS in WeChat),
// and for anyone whose wrong passwords hold the password log-in. The code's
// own tries are limited (verifyCode); the password failures do not hold it.
func (s *Service) LoginWithCode(ctx context.Context, c CodeLogin) (*Tokens, error) {
	c.Phone = models.NormalisePhone(c.Phone)
	var p models.Problems
	core.Collect(&p, models.ValidatePhone("phone", c.Phone))
	core.Collect(&p, models.ValidateCode("code", c.Code))
	if err := p.Err(); err != nil {
		return nil, err
	}
	// Wrong codes count against the address like wrong passwords (a bound
	// on probing many phones from one place); the code's own tries are
	// limited per phone by verifyCode.
	limits := []failureLimit{{"login:fail-ip:" + c.ClientIP, s.cfg.LoginLimitIP, s.cfg.LoginWindow}}
	if err := s.checkLimits(ctx, limits); err != nil {
		return nil, err
	}
	if err := s.verifyCode(ctx, c.Phone, models.PurposeLogin, c.Code, "code"); err != nil {
		if core.IsKind(err, models.KindInvalid) {
			s.countFailure(ctx, limits)
		}
		return nil, err
	}
	a, err := s.st.Accounts.AccountByPhone(ctx, c.Phone)
	if core.IsKind(err, models.KindNotFound) { // no code was sent: verifyCode refused already; kept for a race with an erasure
		return nil, models.Invalid("code", "验证码无效，请重新获取", "no valid code; request a new one")
	} else if err != nil {
		return nil, err
	}
	if a.Status != models.AccountActive {
		return nil, errDeactivated
	}
	if passwordOnly(a) {
		return nil, models.E(models.KindForbidden, "该账号管理资金或监管事务，须用密码登录",
			"this account manages money or oversight: it logs in with its password")
	}
	s.rememberClient(ctx, c.Phone, c.ClientIP)
	return s.startLogin(ctx, a)
}

// passwordOnly tells whether the account holds a role whose power must not
// rest on the phone alone (a SIM swap): civil affairs (oversight, sanctions)
// and a charity's admin (money). They log in with their password; a
// forgotten one is reset by SMS, which ends every login and is noticed.
func passwordOnly(a *models.Account) bool {
	for _, b := range a.Roles {
		if b.Role == models.RoleCivilAffairs || b.Role == models.RoleCharityAdmin {
			return true
		}
	}
	return false
}

// failureLimit is a count of failed logins allowed per window under a key.
type failureLimit struct {
	key    string
	limit  int
	window time.Duration
}

// passwordGeneration names the account's current password (a short hash of
// its hash; "" without an account): the per-phone failure counts are kept
// under it, so that resetting the password with an SMS code, which proves
// the person holds the phone, starts them afresh. A correct password is
// never refused for a forgotten one's failures once it has been reset.
func passwordGeneration(a *models.Account) string {
	if a == nil || a.PasswordHash == "" {
		return ""
	}
	h := sha256.Sum256([]byte(a.PasswordHash))
	return hex.EncodeToString(h[:6])
}

// loginLimits are the failure counts a login is held to: of this phone from
// this client (the working limit, with a longer day limit so that the
// waits grow), of this phone from all clients (a bound on distributed
// guessing, five times the first), and of this client. Only failures
// count: a clerk who logs in often is never locked out, and someone else's
// wrong passwords from elsewhere cost the owner nothing below the
// distributed bound; an SMS-code login is never held by them.
func (s *Service) loginLimits(c Credentials, generation string) []failureLimit {
	phone := s.phoneTag(c.Phone) + ":" + generation
	n, w := s.cfg.LoginLimitPhone, s.cfg.LoginWindow
	return []failureLimit{
		{"login:fail:" + phone + ":" + c.ClientIP, n, w},
		{"login:fail-day:" + phone + ":" + c.ClientIP, 3 * n, 24 * time.Hour},
		{"login:fail:" + phone, 5 * n, w},
		{"login:fail-ip:" + c.ClientIP, s.cfg.LoginLimitIP, w},
	}
}

// checkLimits refuses (429, with the longest wait among the limits
// reached, in Retry-After and in words) once a limit's failures are
// reached. A Redis outage fails open, logged once a minute.
func (s *Service) checkLimits(ctx context.Context, limits []failureLimit) error {
	var wait time.Duration
	for _, l := range limits {
		n, left, err := s.st.Limiter.Count(ctx, l.key)
		if err != nil {
			s.d.Degraded(ctx, "rate limiter", err)
			return nil
		}
		if n >= l.limit {
			wait = max(wait, left)
		}
	}
	if wait == 0 {
		return nil
	}
	secs := max(1, int(wait.Round(time.Second)/time.Second))
	mins := (secs + 59) / 60
	return &models.Error{Kind: models.KindRateLimited, RetryAfter: secs,
		Zh: fmt.Sprintf("密码错误次数过多，请 %d 分钟后再试，或用短信验证码登录、重设密码", mins),
		En: fmt.Sprintf("too many wrong passwords: try again in %d min, or log in or reset the password with an SMS code", mins)}
}

// countFailure counts one failed login under every limit.
func (s *Service) countFailure(ctx context.Context, limits []failureLimit) {
	for _, l := range limits {
		if _, _, err := s.st.Limiter.Hit(ctx, l.key, l.limit, l.window); err != nil {
			s.d.Degraded(ctx, "rate limiter", err)
			return
		}
	}
}

func (s *Service) issue(ctx context.Context, a *models.Account, family string, seq int, now time.Time) (*Tokens, error) {
	access, err := s.tokens.issue(a, family, now)
	if err != nil {
		return nil, models.Internal("sign access token: %w", err)
	}
	refresh := newRefreshSecret()
	rt := &models.RefreshToken{Hash: hashToken(refresh), FamilyID: family, AccountID: a.ID, Seq: seq,
		CreatedAt: now, ExpiresAt: now.Add(s.cfg.RefreshTokenTTL)}
	if err := s.st.Sessions.CreateRefreshToken(ctx, rt); err != nil {
		return nil, err
	}
	return &Tokens{AccessToken: access, RefreshToken: refresh, ExpiresIn: s.cfg.AccessTokenTTL, Account: a}, nil
}

var errBadRefresh = models.E(models.KindUnauthorized, "刷新令牌无效或已失效，请重新登录", "refresh token is invalid or revoked; log in again").WithCode(models.CodeRefreshTokenInvalid)

// Refresh rotates a refresh token: the presented one stops working and a new
// pair is returned, with the account's current role bindings. Presenting a
// refresh token a second time (a stolen copy, or a replay) revokes its whole
// login family. The single use is decided by a unique insert, so two
// concurrent refreshes with one token cannot both succeed.
func (s *Service) Refresh(ctx context.Context, refresh string) (*Tokens, error) {
	if refresh == "" || len(refresh) > 200 {
		return nil, errBadRefresh
	}
	hash := hashToken(refresh)
	rt, err := s.st.Sessions.RefreshToken(ctx, hash)
	if core.IsKind(err, models.KindNotFound) {
		return nil, errBadRefresh
	} else if err != nil {
		return nil, err
	}
	now := s.d.Now()
	fam, err := s.st.Sessions.Family(ctx, rt.FamilyID)
	if err != nil {
		return nil, err
	}
	if fam.Revoked() || now.After(rt.ExpiresAt) {
		return nil, errBadRefresh
	}
	if err := s.st.Sessions.ClaimRefreshToken(ctx, hash, now); err != nil {
		if core.IsKind(err, models.KindConflict) {
			s.d.Log.WarnContext(ctx, "refresh token reused; revoking its login", "family", fam.ID, "account", fam.AccountID)
			if err := s.revokeFamily(ctx, fam.ID, "reuse"); err != nil {
				return nil, err
			}
			return nil, errBadRefresh
		}
		return nil, err
	}
	a, err := s.st.Accounts.AccountByID(ctx, rt.AccountID)
	if err != nil {
		return nil, err
	}
	if a.Status != models.AccountActive {
		return nil, errBadRefresh
	}
	if fam.CreatedAt.Before(a.TokensNotBefore) {
		// Every login of the account was ended after this one began.
		if err := s.revokeFamily(ctx, fam.ID, "sessions_ended"); err != nil {
			return nil, err
		}
		return nil, errBadRefresh
	}
	return s.issue(ctx, a, fam.ID, rt.Seq+1, now)
}

// revokeFamily ends a login: no refresh token or access token of it works
// again. MongoDB records it; the token cache is told at once, and should
// that fail, its entry expires within seconds (TokenGates).
func (s *Service) revokeFamily(ctx context.Context, family, reason string) error {
	now := s.d.Now()
	if err := s.st.Sessions.RevokeFamily(ctx, family, reason, now); err != nil {
		return err
	}
	if s.st.TokenGates == nil {
		return nil
	}
	f, err := s.st.Sessions.Family(ctx, family)
	if err != nil {
		return err
	}
	if err := s.st.TokenGates.SetFamily(ctx, family, FamilyGate{AccountID: f.AccountID, CreatedAt: f.CreatedAt, Revoked: true}); err != nil {
		s.d.Degraded(ctx, "token cache", err)
	}
	return nil
}

// endSessions ends every login of an account at once, after the caller
// has saved the account with TokensNotBefore = at (under its lock): every
// login begun before at stops at once (Authenticate compares each login's
// start with the account's mark, in MongoDB), and each family is also
// revoked, so that a family's own record tells the story.
func (s *Service) endSessions(ctx context.Context, a *models.Account, reason string) error {
	s.setAccountGate(ctx, a)
	if s.st.Logins == nil {
		return nil
	}
	fams, err := s.st.Logins.FamiliesOf(ctx, a.ID)
	if err != nil {
		return err
	}
	for _, f := range fams {
		if !f.Revoked() {
			if err := s.revokeFamily(ctx, f.ID, reason); err != nil {
				return err
			}
		}
	}
	return nil
}

// PasswordReset sets a new password with the code sent to the phone.
type PasswordReset struct {
	Phone, Code, NewPassword string
}

// ResetPassword sets a new password once the code sent to the account's
// phone (purpose reset_password) checks out, and ends every login of the
// account: a reset is what a person does when someone else may know the
// old password.
func (s *Service) ResetPassword(ctx context.Context, r PasswordReset) error {
	r.Phone = models.NormalisePhone(r.Phone)
	var p models.Problems
	core.Collect(&p, models.ValidatePhone("phone", r.Phone))
	core.Collect(&p, models.ValidatePassword("newPassword", r.NewPassword))
	core.Collect(&p, models.ValidateCode("code", r.Code))
	if err := p.Err(); err != nil {
		return err
	}
	if err := s.verifyCode(ctx, r.Phone, models.PurposeResetPassword, r.Code, "code"); err != nil {
		return err
	}
	a, err := s.st.Accounts.AccountByPhone(ctx, r.Phone)
	if core.IsKind(err, models.KindNotFound) {
		return models.Invalid("code", "验证码无效，请重新获取", "no valid code; request a new one")
	} else if err != nil {
		return err
	}
	hash, err := HashPassword(r.NewPassword, s.cfg.Password)
	if err != nil {
		return models.Internal("hash password: %w", err)
	}
	return s.changeAccount(ctx, a.ID, func(a *models.Account, now time.Time) (string, error) {
		a.PasswordHash = hash
		return "password_reset", nil
	})
}

// changeAccount applies change to the account under its lock and saves it,
// then replaces the account's cached gate, so that its next request sees
// its roles and status as saved (see setAccountGate). A non-empty reason
// from change ends every login of the account (see endSessions) as part of
// the same step: for changes to the person's whole standing (a password, a
// deactivation, an erasure), not for one role binding.
func (s *Service) changeAccount(ctx context.Context, id string, change func(a *models.Account, now time.Time) (endReason string, err error)) error {
	_, err := s.ChangedAccount(ctx, id, change)
	return err
}

// ChangedAccount is changeAccount returning the saved account.
func (s *Service) ChangedAccount(ctx context.Context, id string, change func(a *models.Account, now time.Time) (endReason string, err error)) (*models.Account, error) {
	return core.Locked(s.d.Shared, ctx, "account:"+id, func() (*models.Account, error) {
		a, err := s.st.Accounts.AccountByID(ctx, id)
		if err != nil {
			return nil, err
		}
		now := s.d.Now()
		reason, err := change(a, now)
		if err != nil {
			return nil, err
		}
		a.UpdatedAt = now
		if reason != "" {
			a.TokensNotBefore = now
		}
		if err := s.st.AccountChanges.SaveAccount(ctx, a); err != nil {
			return nil, err
		}
		if reason == "" {
			s.setAccountGate(ctx, a)
		} else if err := s.endSessions(ctx, a, reason); err != nil {
			return nil, err
		}
		return a, nil
	})
}

// Logout ends the caller's login: its refresh tokens and access tokens stop working.
func (s *Service) Logout(ctx context.Context, actor *Actor) error {
	return s.revokeFamily(ctx, actor.FamilyID, "logout")
}

// Me returns the caller's account, from this replica's memory when it read
// it recently (LocalAccountTTL), with the role bindings the caller's token
// was just authorised with (read through the token gates, never stale).
func (s *Service) Me(ctx context.Context, actor *Actor) (*models.Account, error) {
	a, err := s.cachedAccount(ctx, actor.AccountID)
	if err != nil {
		return nil, err
	}
	if actor.Roles != nil {
		a.Roles = slices.Clone(actor.Roles)
	}
	return a, nil
}

// cachedAccount reads an account for display: from the replica's memory
// (Stores.Memory) when it has one.
func (s *Service) cachedAccount(ctx context.Context, id string) (*models.Account, error) {
	if s.st.Memory != nil {
		return s.st.Memory.Cached(ctx, id)
	}
	return s.st.Accounts.AccountByID(ctx, id)
}
