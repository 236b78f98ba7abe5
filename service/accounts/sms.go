package accounts

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// SMSSender sends verification codes by SMS (adapters/sms, or LogSMS). An
// error means the code did not leave; it must not contain the code.
type SMSSender interface {
	SendCode(ctx context.Context, m models.SMSMessage) error
}

// CodeOutcome is what one try of a verification code found.
type CodeOutcome int

const (
	CodeAccepted     CodeOutcome = iota // the right code, used now: no other try gets it
	CodeWrong                           // another code; tries remain
	CodeMissing                         // no code (never sent, used, or void)
	CodeExpired                         // past its validity
	CodeExhausted                       // wrong, and that was the last try: the code is void
	CodeClientUsedUp                    // this client used its tries of the code; it stays valid for others
)

// CodeTries bounds the tries of one code: per client (so that a stranger
// guessing cannot void the code its owner holds) and in all (so that
// guessing from many addresses stays bounded).
type CodeTries struct {
	PerClient, All int
}

// CodeStore keeps verification codes (only their hashes) and WeChat
// binding tickets (only their hashes) in Redis: losing them costs a user a
// new code, never a wrong outcome.
type CodeStore interface {
	// PutCode stores the hash of a new code under key, replacing any earlier
	// code and its tries; the entry lapses after ttl.
	PutCode(ctx context.Context, key, hash string, expires time.Time, ttl time.Duration) error
	// UseCode counts one try of client against the code under key,
	// atomically: a right code is deleted as it is accepted, so of
	// concurrent tries one wins; an expired code, or the last wrong try in
	// all, deletes it too. A client past its own tries gets
	// CodeClientUsedUp and the code is left as it is.
	UseCode(ctx context.Context, key, hash, client string, now time.Time, tries CodeTries) (CodeOutcome, error)
	// PutTicket stores value under a ticket's hash for ttl.
	PutTicket(ctx context.Context, hash, value string, ttl time.Duration) error
	// Ticket returns the value stored under a ticket's hash, "" when none.
	Ticket(ctx context.Context, hash string) (string, error)
	DeleteTicket(ctx context.Context, hash string) error
}

func (c *Config) smsDefaults() {
	if c.SMSLimitPhone == 0 {
		c.SMSLimitPhone = 5
	}
	if c.SMSLimitPhoneAll == 0 {
		c.SMSLimitPhoneAll = 3 * c.SMSLimitPhone
	}
	if c.SMSLimitIP == 0 {
		c.SMSLimitIP = 30
	}
	if c.SMSWindow == 0 {
		c.SMSWindow = time.Hour
	}
	if c.SMSResendInterval == 0 {
		c.SMSResendInterval = time.Minute
	}
}

// CodeRequest asks for a verification code to be sent to a phone.
type CodeRequest struct {
	Phone    string
	Purpose  models.CodePurpose
	ClientIP string
}

// CodeSent tells the client how long the code is valid and when it may ask again.
type CodeSent struct {
	ExpiresIn   time.Duration
	ResendAfter time.Duration
}

var errCodeSendFailed = models.E(models.KindUnavailable, "短信发送失败，请稍后再试", "the SMS could not be sent; try again later")

// RequestCode sends a 6-digit code for one purpose. Codes are limited per
// client IP, per phone from one client IP, and per phone from all clients
// (see limitCodes); a Redis outage refuses (a code that cannot be stored
// cannot be checked). The answer never tells whether the phone has an
// account: a registration code for a registered phone, or a move to one,
// sends that phone a notice that it has an account instead of a code; a
// log-in code, a password reset or an erasure of a phone with no account
// sends nothing.
func (s *Service) RequestCode(ctx context.Context, r CodeRequest) (*CodeSent, error) {
	r.Phone = models.NormalisePhone(r.Phone)
	var p models.Problems
	core.Collect(&p, models.ValidatePhone("phone", r.Phone))
	if !r.Purpose.Valid() {
		p.Add("purpose", "未知的验证码用途", "unknown purpose")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	// Limits first: probing which phones are registered costs attempts too.
	if err := s.limitCodes(ctx, r); err != nil {
		return nil, err
	}
	sent := &CodeSent{ExpiresIn: models.CodeTTL, ResendAfter: s.cfg.SMSResendInterval}
	_, err := s.st.Accounts.AccountByPhone(ctx, r.Phone)
	registered := err == nil
	if err != nil && !core.IsKind(err, models.KindNotFound) {
		return nil, err
	}
	if registered && (r.Purpose == models.PurposeRegister || r.Purpose == models.PurposeChangePhone) {
		// The same work as a code (an SMS), and the same answer.
		if err := s.cfg.SMS.SendCode(ctx, models.SMSMessage{Phone: r.Phone, Purpose: r.Purpose, AccountExists: true}); err != nil {
			s.d.Log.ErrorContext(ctx, "SMS not sent", "phone", models.MaskPhone(r.Phone), "purpose", r.Purpose, "err", err)
			return nil, errCodeSendFailed
		}
		return sent, nil
	}
	if !registered && (r.Purpose == models.PurposeLogin || r.Purpose == models.PurposeResetPassword || r.Purpose == models.PurposeDeleteAccount) {
		s.d.Log.InfoContext(ctx, "verification code not sent: no account has the phone", "phone", models.MaskPhone(r.Phone), "purpose", r.Purpose)
		return sent, nil
	}
	code, err := newCode()
	if err != nil {
		return nil, models.Internal("draw code: %w", err)
	}
	now := s.d.Now()
	if err := s.st.Codes.PutCode(ctx, s.codeKey(r.Purpose, r.Phone), s.codeHash(r.Purpose, r.Phone, code),
		now.Add(models.CodeTTL), models.CodeTTL+time.Minute); err != nil {
		return nil, models.ErrUnavailable.Wrap(err)
	}
	if err := s.cfg.SMS.SendCode(ctx, models.SMSMessage{Phone: r.Phone, Code: code, Purpose: r.Purpose, TTL: models.CodeTTL}); err != nil {
		s.d.Log.ErrorContext(ctx, "SMS not sent", "phone", models.MaskPhone(r.Phone), "purpose", r.Purpose, "err", err)
		return nil, errCodeSendFailed
	}
	return sent, nil
}

// limitCodes holds code requests to: SMSLimitIP per SMSWindow from one
// client IP; one per SMSResendInterval and SMSLimitPhone per SMSWindow to
// one phone from one client IP; and SMSLimitPhoneAll per SMSWindow to one
// phone from all clients (a bound on SMS bombing from many addresses).
// A stranger exhausts only their own per-phone tier; the phone-wide tier
// takes several addresses to exhaust, and even then a client that has
// logged in to the phone's account or used one of its codes before keeps
// getting codes (see rememberClient): its owner is not locked out.
func (s *Service) limitCodes(ctx context.Context, r CodeRequest) error {
	ph := s.phoneTag(r.Phone)
	checks := []struct {
		key    string
		limit  int
		window time.Duration
	}{
		{"sms:ip:" + r.ClientIP, s.cfg.SMSLimitIP, s.cfg.SMSWindow},
		{"sms:phone-resend:" + ph + ":" + r.ClientIP, 1, s.cfg.SMSResendInterval},
		{"sms:phone-ip:" + ph + ":" + r.ClientIP, s.cfg.SMSLimitPhone, s.cfg.SMSWindow},
		{"sms:phone:" + ph, s.cfg.SMSLimitPhoneAll, s.cfg.SMSWindow},
	}
	for i, ch := range checks {
		ok, retry, err := s.st.Limiter.Hit(ctx, ch.key, ch.limit, ch.window)
		if err != nil {
			return models.ErrUnavailable.Wrap(err)
		}
		if !ok && i == len(checks)-1 && s.knownClient(ctx, r.Phone, r.ClientIP) {
			ok = true
		}
		if !ok {
			e := s.d.TooMany(retry)
			e.Zh, e.En = "验证码发送过于频繁，"+strings.TrimPrefix(e.Zh, "请求过于频繁，"), "too many codes requested; "+strings.TrimPrefix(e.En, "too many requests; ")
			return e
		}
	}
	return nil
}

// knownClientWindow is how long a client that logged in to an account (or
// used one of its codes) stays known for the phone.
const knownClientWindow = 30 * 24 * time.Hour

// rememberClient notes that clientIP proved it acts for phone's account.
func (s *Service) rememberClient(ctx context.Context, phone, clientIP string) {
	if clientIP == "" {
		return
	}
	if _, _, err := s.st.Limiter.Hit(ctx, "sms:known:"+s.phoneTag(phone)+":"+clientIP, 1<<30, knownClientWindow); err != nil {
		s.d.Degraded(ctx, "rate limiter", err)
	}
}

// knownClient reports whether clientIP logged in to phone's account (or
// used one of its codes) within knownClientWindow.
func (s *Service) knownClient(ctx context.Context, phone, clientIP string) bool {
	if clientIP == "" {
		return false
	}
	n, _, err := s.st.Limiter.Count(ctx, "sms:known:"+s.phoneTag(phone)+":"+clientIP)
	return err == nil && n > 0
}

// newCode draws a uniformly random 6-digit code.
func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// secretKey derives a key for one use from the JWT secret, so codes,
// tickets and Redis key names are keyed without another secret to manage.
func (s *Service) secretKey(use string) []byte {
	m := hmac.New(sha256.New, s.cfg.JWTSecret)
	m.Write([]byte("wushe/" + use))
	return m.Sum(nil)
}

func (s *Service) keyedHash(use string, parts ...string) string {
	m := hmac.New(sha256.New, s.secretKey(use))
	m.Write([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(m.Sum(nil))
}

// codeHash is what is stored of a code: an HMAC over purpose, phone and
// code, never the code itself.
func (s *Service) codeHash(purpose models.CodePurpose, phone, code string) string {
	return s.keyedHash("sms-code", string(purpose), phone, code)
}

// phoneTag names a phone in Redis keys without writing the number there.
func (s *Service) phoneTag(phone string) string { return s.keyedHash("phone-tag", phone)[:32] }

func (s *Service) codeKey(purpose models.CodePurpose, phone string) string {
	return "sms:" + string(purpose) + ":" + s.phoneTag(phone)
}

// verifyCode uses the code sent to phone for purpose (once). Every failure
// is a validation error on field, so the client knows which input to fix.
func (s *Service) verifyCode(ctx context.Context, phone string, purpose models.CodePurpose, code, field string) error {
	if code == "" {
		return models.Invalid(field, "请填写短信验证码", "the SMS code is required")
	}
	if err := models.ValidateCode(field, code); err != nil {
		return err
	}
	out, err := s.st.Codes.UseCode(ctx, s.codeKey(purpose, phone), s.codeHash(purpose, phone, code), ClientIPFrom(ctx), s.d.Now(),
		CodeTries{PerClient: models.CodeMaxTries, All: models.CodeMaxTriesAll})
	if err != nil {
		return models.ErrUnavailable.Wrap(err)
	}
	if out == CodeAccepted {
		s.rememberClient(ctx, phone, ClientIPFrom(ctx))
		return nil
	}
	if purpose == models.PurposeLogin || purpose == models.PurposeResetPassword {
		// A phone with no account was sent no code: telling a wrong code
		// from a missing one would tell who is registered. One answer.
		return models.Invalid(field, "验证码错误或已失效，请重新获取", "the code is wrong or no longer valid; request a new one")
	}
	switch out {
	case CodeWrong:
		return models.Invalid(field, "验证码错误", "wrong code")
	case CodeExpired:
		return models.Invalid(field, "验证码已过期，请重新获取", "the code has expired; request a new one")
	case CodeExhausted, CodeClientUsedUp:
		// To this client the code is void either way; to its owner elsewhere
		// it may still be good (see CodeTries).
		return models.Invalid(field, "验证码错误次数过多，已失效，请重新获取", "too many wrong tries; the code is void, request a new one")
	}
	return models.Invalid(field, "验证码无效，请重新获取", "no valid code; request a new one")
}

type clientIPKey struct{}

// WithClientIP tells the service which client address a request comes
// from (handlers set it on every request): limits and code tries count
// per address.
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey{}, ip)
}

// ClientIPFrom is the client address WithClientIP set ("" when none).
func ClientIPFrom(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return ip
}

// LogSMS is the development SMS sender, and the default when Config.SMS is
// nil: it writes the code to the log instead of sending it. It is the one
// place a code is ever logged. (The real provider is in adapters/sms; this
// one stays here because New falls back to it and it does no I/O but the
// service's own log.)
type LogSMS struct{ Logger *slog.Logger }

// SendCode logs the code.
func (l LogSMS) SendCode(ctx context.Context, m models.SMSMessage) error {
	lg := l.Logger
	if lg == nil {
		lg = slog.Default()
	}
	if m.AccountExists {
		lg.InfoContext(ctx, "SMS not sent (log adapter): the phone already has an account",
			"phone", models.MaskPhone(m.Phone), "purpose", string(m.Purpose))
		return nil
	}
	lg.WarnContext(ctx, "SMS not sent (log adapter, development only): verification code",
		"phone", models.MaskPhone(m.Phone), "purpose", string(m.Purpose), "code", m.Code, "validMinutes", int(m.TTL/time.Minute))
	return nil
}

// SendTemplate logs a notification text (never the phone in full).
func (l LogSMS) SendTemplate(ctx context.Context, phone, template string, param map[string]string) error {
	lg := l.Logger
	if lg == nil {
		lg = slog.Default()
	}
	lg.InfoContext(ctx, "SMS not sent (log adapter): notification", "phone", models.MaskPhone(phone), "template", template, "param", param)
	return nil
}
