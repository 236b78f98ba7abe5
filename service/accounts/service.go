// Package accounts holds who a caller is: registering and logging in (by
// password, SMS code or WeChat), access and refresh tokens and the login
// families behind them, the token gate every request passes
// (Authenticate), SMS verification codes and their limits, changes of an
// account (its phone, its password, its role bindings), and the person's
// rights over their data (the export and the erasure). What it needs from
// the rest of the service comes in through Stores and Deps, built by
// service.New.
package accounts

import (
	"context"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// Actor and Page are the shared vocabulary of the service domains.
type (
	Actor = core.Actor
	Page  = core.Page
)

// AccountStore keeps accounts and the phone numbers that identify them.
type AccountStore interface {
	// CreateAccount inserts a, first claiming its phone number by a unique
	// insert; models.ErrConflict when the phone already has an account.
	CreateAccount(ctx context.Context, a *models.Account) error
	// AccountByID returns models.ErrNotFound when there is no such account.
	AccountByID(ctx context.Context, id string) (*models.Account, error)
	// AccountsByIDs reads the accounts of ids in one round trip (a page's
	// names); an id with no account is absent from the map. For display
	// only: behind a replica's memory (LocalAccounts) an answer may be up to
	// LocalAccountTTL old.
	AccountsByIDs(ctx context.Context, ids []string) (map[string]*models.Account, error)
	// AccountByPhone looks the phone up by its own _id (an index lookup);
	// models.ErrNotFound when no account has it.
	AccountByPhone(ctx context.Context, phone string) (*models.Account, error)
	// SetRoles replaces the account's role bindings. Callers serialise
	// changes to one account with a Locker (FerretDB loses concurrent updates).
	SetRoles(ctx context.Context, id string, roles []models.RoleBinding, at time.Time) error
	// AccountsWithBinding finds the accounts holding a role binding.
	AccountsWithBinding(ctx context.Context, b models.RoleBinding) ([]*models.Account, error)
}

// AccountMemory is a replica's memory of accounts (LocalAccounts): reads
// for display, at most LocalAccountTTL old.
type AccountMemory interface {
	Cached(ctx context.Context, id string) (*models.Account, error)
}

// SessionStore keeps login families and refresh tokens (MongoDB: a Redis
// loss must not make a revoked login usable again).
type SessionStore interface {
	CreateFamily(ctx context.Context, f *models.LoginFamily) error
	// Family returns models.ErrNotFound when there is no such family.
	Family(ctx context.Context, id string) (*models.LoginFamily, error)
	// RevokeFamily marks the family revoked; revoking twice keeps the first time.
	RevokeFamily(ctx context.Context, id, reason string, at time.Time) error
	CreateRefreshToken(ctx context.Context, t *models.RefreshToken) error
	// RefreshToken returns models.ErrNotFound for an unknown hash.
	RefreshToken(ctx context.Context, hash string) (*models.RefreshToken, error)
	// ClaimRefreshToken records the one use of a refresh token by a unique
	// insert: models.ErrConflict when it was used before.
	ClaimRefreshToken(ctx context.Context, hash string, at time.Time) error
}

// Limiter counts attempts in fixed windows (Redis): failed logins, code
// requests, and the clients known to act for a phone.
type Limiter interface {
	// Hit counts one attempt under key; ok is false once more than limit
	// attempts fell in the current window, with the time until it ends.
	Hit(ctx context.Context, key string, limit int, window time.Duration) (ok bool, retryAfter time.Duration, err error)
	// Count reads the attempts counted under key in its current window
	// and the time left in it, without counting one (0 when none).
	Count(ctx context.Context, key string) (n int, retryAfter time.Duration, err error)
}

// VolunteerReader is what accounts do with volunteer profiles: free the
// ID number of an erased person, and seal profiles saved in the clear.
type VolunteerReader interface {
	Volunteer(ctx context.Context, accountID string) (*models.Volunteer, error)
	SaveVolunteer(ctx context.Context, v *models.Volunteer) error
	ReleaseIDNumber(ctx context.Context, hash, accountID string) error
}

// SocialWorkerReader reads the professional profile (for the export).
type SocialWorkerReader interface {
	SocialWorker(ctx context.Context, accountID string) (*models.SocialWorker, error)
}

// HoursReader reads a volunteer's hours and attendance (for the export).
type HoursReader interface {
	HoursOfVolunteer(ctx context.Context, volunteerID string, p Page) ([]*models.HoursRecord, string, error)
	AttendanceOfVolunteer(ctx context.Context, volunteerID string) ([]*models.Attendance, error)
}

// InvitationReader reads the invitations a volunteer received (for the export).
type InvitationReader interface {
	InvitationsOfVolunteer(ctx context.Context, volunteerID string, p Page) ([]*models.Invitation, string, error)
}

// AssignmentReader reads the places a volunteer held from t on (for the export).
type AssignmentReader interface {
	AssignmentsOfVolunteer(ctx context.Context, volunteerID string, t time.Time) ([]*models.Assignment, error)
}

// ComplaintReader reads the complaints a person filed (for the export).
type ComplaintReader interface {
	ComplaintsFiledBy(ctx context.Context, accountID string, p Page) ([]*models.Complaint, string, error)
}

// NotificationReader reads a person's inbox and missed shifts (for the export).
type NotificationReader interface {
	Notifications(ctx context.Context, accountID string, unreadOnly bool, p Page) ([]*models.Notification, string, error)
	NoShowsOfVolunteer(ctx context.Context, volunteerID string) ([]*models.NoShow, error)
}

// Stores are the stores accounts use: their own, and narrow readers of the
// other domains' stores for the personal-data export and the erasure.
type Stores struct {
	Accounts       AccountStore
	Sessions       SessionStore
	AccountChanges AccountChangeStore
	Logins         FamilyLister // optional: without it, ending sessions relies on the account's mark alone
	Codes          CodeStore
	TokenGates     TokenGates    // optional: without it, every request reads its account and login from MongoDB
	Memory         AccountMemory // optional: without it, GET /v1/me reads MongoDB
	PersonalData   PersonalDataStore
	Limiter        Limiter

	Volunteers    VolunteerReader
	SocialWorkers SocialWorkerReader
	Hours         HoursReader
	Invitations   InvitationReader
	Plans         AssignmentReader
	Complaints    ComplaintReader
	Notifications NotificationReader // optional: without it, the export has no inbox
}

// Deps is what accounts call in the rest of the service: the shared floor
// (clock, log, audit, rate limits, locks), and for the erasure and the
// export a few calls into the volunteer, plan and pathway domains.
type Deps struct {
	*core.Shared
	// TooMany is the 429 that says how long to wait (the code requests'
	// refusals read like every other rate limit's).
	TooMany func(retry time.Duration) *models.Error
	// WithdrawFromService frees the places an erased person holds still to
	// come and declines their open invitations (plans, invitations).
	WithdrawFromService func(ctx context.Context, actor *Actor)
	// VolunteerChanged tells the matching index a volunteer changed.
	VolunteerChanged func(ctx context.Context, id string)
	// Reliability sets v.Reliability to the figures derived from its
	// service (the export shows them as the person's own).
	Reliability func(ctx context.Context, v *models.Volunteer) error
	// Supervision lists the supervision sessions the person took part
	// in, as exported (pathway domain).
	Supervision func(ctx context.Context, accountID string) ([]ExportSupervision, error)
	// Pathway is the person's training records and pathway, as exported
	// (nil pathway when they entered none).
	Pathway func(ctx context.Context, accountID string) ([]ExportTraining, *ExportPathway, error)
}

// Config tunes the accounts; zero values take the documented defaults.
type Config struct {
	JWTSecret       []byte
	Issuer          string        // default "wushe"
	AccessTokenTTL  time.Duration // default 15m
	RefreshTokenTTL time.Duration // default 30 days
	Password        PasswordParams
	// Failed logins allowed per window: of one phone from one client
	// (three times as many per day; five times as many of one phone from
	// all clients), and of one client IP. Successes never count.
	LoginLimitPhone int           // default 10
	LoginLimitIP    int           // default 100
	LoginWindow     time.Duration // default 15m
	// AllowCodelessRegistration lets POST /v1/auth/register create an
	// account without an SMS code: for tests and the embedded demo only
	// (`wushe` never sets it outside embedded mode).
	AllowCodelessRegistration bool
	// SMS sends verification codes; default LogSMS (writes them to the log).
	SMS SMSSender
	// WeChat exchanges mini-program login codes; nil disables WeChat login.
	WeChat WeChatClient
	// Codes sent per phone and per client IP in each SMSWindow, and the
	// shortest interval between two codes to one phone.
	SMSLimitPhone     int           // default 5, from one client IP
	SMSLimitPhoneAll  int           // default 3 × SMSLimitPhone, from all clients
	SMSLimitIP        int           // default 30
	SMSWindow         time.Duration // default 1h
	SMSResendInterval time.Duration // default 60s
}

func (c *Config) defaults() {
	if c.Issuer == "" {
		c.Issuer = "wushe"
	}
	if c.AccessTokenTTL == 0 {
		c.AccessTokenTTL = 15 * time.Minute
	}
	if c.RefreshTokenTTL == 0 {
		c.RefreshTokenTTL = 30 * 24 * time.Hour
	}
	if c.Password == (PasswordParams{}) {
		c.Password = DefaultPasswordParams
	}
	if c.LoginLimitPhone == 0 {
		c.LoginLimitPhone = 10
	}
	if c.LoginLimitIP == 0 {
		c.LoginLimitIP = 100
	}
	if c.LoginWindow == 0 {
		c.LoginWindow = 15 * time.Minute
	}
	c.smsDefaults()
}

// Service runs the accounts and sessions.
type Service struct {
	cfg    Config
	st     Stores
	d      Deps
	dummy  string // a password hash checked when the phone is unknown, so timing does not tell
	tokens *tokenIssuer
}

// New builds the accounts service. cfg.JWTSecret must be at least 32 bytes.
func New(cfg Config, st Stores, d Deps) (*Service, error) {
	if cfg.SMS == nil {
		cfg.SMS = LogSMS{Logger: d.Log}
	}
	cfg.defaults()
	if len(cfg.JWTSecret) < 32 {
		return nil, models.Internal("service: JWT secret must be at least 32 bytes, got %d", len(cfg.JWTSecret))
	}
	dummy, err := HashPassword("wushe-timing-equaliser", cfg.Password)
	if err != nil {
		return nil, err
	}
	return &Service{cfg: cfg, st: st, d: d, dummy: dummy,
		tokens: &tokenIssuer{secret: cfg.JWTSecret, issuer: cfg.Issuer, ttl: cfg.AccessTokenTTL}}, nil
}

// AccessTokenTTL is how long an access token lives.
func (s *Service) AccessTokenTTL() time.Duration { return s.cfg.AccessTokenTTL }

// CodelessRegistration reports whether registration may go without an SMS
// code (Config.AllowCodelessRegistration); the API document says so.
func (s *Service) CodelessRegistration() bool { return s.cfg.AllowCodelessRegistration }
