// Package service holds Wushe's use cases: registering and logging in,
// posting needs, linking parties, granting money. It declares the small
// store interfaces it needs and makes every authorisation decision.
package service

import (
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/wushe/wushe/matching"
	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/competitions"
	"github.com/wushe/wushe/service/ledger"
	"github.com/wushe/wushe/service/parties"
)

// AccountStore keeps accounts and the phone numbers that identify them.
type AccountStore interface {
	// CreateAccount inserts a, first claiming its phone number by a unique
	// insert; models.ErrConflict when the phone already has an account.
	CreateAccount(ctx context.Context, a *models.Account) error
	// AccountByID returns models.ErrNotFound when there is no such account.
	AccountByID(ctx context.Context, id string) (*models.Account, error)
	// AccountByPhone looks the phone up by its own _id (an index lookup);
	// models.ErrNotFound when no account has it.
	AccountByPhone(ctx context.Context, phone string) (*models.Account, error)
	// SetRoles replaces the account's role bindings. Callers serialise
	// changes to one account with a Locker (FerretDB loses concurrent updates).
	SetRoles(ctx context.Context, id string, roles []models.RoleBinding, at time.Time) error
	// AccountsWithBinding finds the accounts holding a role binding.
	AccountsWithBinding(ctx context.Context, b models.RoleBinding) ([]*models.Account, error)
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

// Limiter counts attempts in fixed windows (Redis).
type Limiter interface {
	// Hit counts one attempt under key; ok is false once more than limit
	// attempts fell in the current window, with the time until it ends.
	Hit(ctx context.Context, key string, limit int, window time.Duration) (ok bool, retryAfter time.Duration, err error)
	// Count reads the attempts counted under key in its current window
	// and the time left in it, without counting one (0 when none).
	Count(ctx context.Context, key string) (n int, retryAfter time.Duration, err error)
}

// Locker serialises short critical sections across replicas (MongoDB, so
// that a Redis outage stops no write).
type Locker interface {
	// Lock takes key, waiting up to wait for other holders to let it go
	// (then an error wrapping ErrLockWait); ctx bounds the whole call,
	// the store's own latency included. The lock lapses after ttl should
	// its holder never unlock.
	Lock(ctx context.Context, key string, ttl, wait time.Duration) (unlock func(), err error)
}

// ErrLockWait is the cause of a Locker's error when other holders kept the
// key for longer than the caller would wait.
var ErrLockWait = errors.New("lock held by others beyond the wait")

// Pinger is a dependency /readyz checks.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Stores is everything the service keeps data in.
type Stores struct {
	Accounts AccountStore
	Sessions SessionStore
	Limiter  Limiter
	Locker   Locker
	Mongo    Pinger
	Redis    Pinger

	// policy.Verified phones, WeChat login, staff changes and personal data (issue 7).
	AccountChanges AccountChangeStore
	Logins         FamilyLister
	Codes          CodeStore
	TokenGates     TokenGates // optional: without it, every request reads its account and login from MongoDB
	PersonalData   PersonalDataStore

	Organisations  parties.OrganisationStore
	Complaints     parties.ComplaintStore
	Stations       parties.StationStore
	Transitions    TransitionStore
	Audit          AuditStore
	Volunteers     parties.VolunteerStore
	SocialWorkers  parties.SocialWorkerStore
	Needs          NeedStore
	Plans          PlanStore
	Invitations    InvitationStore
	Batches        BatchStore
	Hours          HoursStore
	ServiceRecords ServiceRecordStore
	Pathway        PathwayStore
	Supervision    SupervisionStore
	Funds          FundStore
	Notifications  NotificationStore
	Applications   ApplicationStore
	Competitions   competitions.Store
	Dashboard      DashboardStore
	RoleOffers     RoleOfferStore
	Leaderboard    competitions.Leaderboard // optional: without it, vote counts come straight from MongoDB
	Bus            Bus                      // optional: without it, index changes stay on this replica
}

// Config tunes the service; zero values take the documented defaults.
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
	Now             func() time.Time
	Logger          *slog.Logger
	// MatchWeights weighs the parts of a match score; zero means matching.DefaultWeights.
	MatchWeights matching.Weights
	// CheckinRadiusKm is how near the place a phone must be to check in (default 0.5).
	CheckinRadiusKm float64
	// SigningKey signs service-record statements (Ed25519); nil disables signing.
	SigningKey ed25519.PrivateKey
	// Channels carry notifications beyond the inbox (log, SMS, WeChat).
	Channels []Channel
	// OnChannelError counts a failed send (metrics); optional.
	OnChannelError func(channel string)
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

	// Cost bounds of the public reads (see needcache.go and limits.go).
	// NeedCacheTTL is how old the snapshot of published needs behind the
	// counts, the public need lists and "needs near me" may be (default
	// 15s); PublicNeedsCap is how many published needs it reads at most
	// (default 100,000).
	NeedCacheTTL   time.Duration
	PublicNeedsCap int
	// Requests allowed per window from one client IP without a token
	// (default 600 a minute), and of the expensive reads (CE
	// compliance, batch matching, exports) per account and kind (default 20 a minute).
	AnonymousLimitIP int
	AnonymousWindow  time.Duration
	ExpensiveLimit   int
	ExpensiveWindow  time.Duration
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
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.CheckinRadiusKm == 0 {
		c.CheckinRadiusKm = 0.5
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	c.smsDefaults()
	c.limitDefaults()
}

// Service is the set of Wushe's use cases.
type Service struct {
	cfg    Config
	st     Stores
	log    *slog.Logger
	dummy  string // a password hash checked when the phone is unknown, so timing does not tell
	tokens *tokenIssuer
	bus    Bus
	match  matcher
	// ledger appends the funds' money movements.
	ledger *ledger.Ledger
	// comp runs the competitions (package competitions).
	comp *competitions.Service
	// parties runs organisations, stations, complaints, volunteers and
	// social workers (package parties).
	parties *parties.Service
	// degradedAt is when each optional part's failure was last logged
	// (part → *atomic.Int64, Unix seconds); see degraded.
	degradedAt sync.Map
	// needs is the snapshot of published needs behind the public reads.
	needs publicNeedCache
}

// New builds the service. cfg.JWTSecret must be at least 32 bytes.
func New(cfg Config, st Stores) (*Service, error) {
	cfg.defaults()
	if len(cfg.JWTSecret) < 32 {
		return nil, models.Internal("service: JWT secret must be at least 32 bytes, got %d", len(cfg.JWTSecret))
	}
	dummy, err := HashPassword("wushe-timing-equaliser", cfg.Password)
	if err != nil {
		return nil, err
	}
	s := &Service{cfg: cfg, st: st, log: cfg.Logger, dummy: dummy, bus: st.Bus,
		tokens: &tokenIssuer{secret: cfg.JWTSecret, issuer: cfg.Issuer, ttl: cfg.AccessTokenTTL}}
	s.ledger = ledger.New(st.Funds, s.now, cfg.Logger)
	s.comp = competitions.New(competitions.Stores{Competitions: st.Competitions, Applications: st.Applications,
		Funds: st.Funds, Organisations: st.Organisations, Accounts: st.Accounts, Volunteers: st.Volunteers,
		Transitions: st.Transitions, Leaderboard: st.Leaderboard},
		competitions.Deps{Now: s.now, Log: cfg.Logger, Ledger: s.ledger, ManagesFund: managesFund,
			OwnerOperating: s.ownerOperating, Fund: s.Fund, Grant: s.grantApplication, AddRole: s.addRole,
			Audit: s.audit, Notify: s.notify, Degraded: s.degraded, Limit: s.limit, WithLock: s.withLock,
			RecordTransition: s.recordTransition})
	s.parties = parties.New(parties.Stores{Organisations: st.Organisations, Stations: st.Stations, Complaints: st.Complaints,
		Volunteers: st.Volunteers, SocialWorkers: st.SocialWorkers, Accounts: st.Accounts, Transitions: st.Transitions,
		Applications: st.Applications},
		parties.Deps{Shared: s.shared(), VolunteerChanged: s.volunteerChanged, Reliability: s.reliabilityOf,
			FunderApplication: s.funderApplication, MayReadApplication: s.mayReadApplication, Evaluates: s.evaluates})
	return s, nil
}

// Competitions runs the venture-philanthropy competitions.
func (s *Service) Competitions() *competitions.Service { return s.comp }

// Parties runs organisations, stations, complaints, volunteers and social workers.
func (s *Service) Parties() *parties.Service { return s.parties }

func (s *Service) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Millisecond) }

// AccessTokenTTL is how long an access token lives.
func (s *Service) AccessTokenTTL() time.Duration { return s.cfg.AccessTokenTTL }

// ReadyChecks are the dependencies /readyz pings, by name.
func (s *Service) ReadyChecks() map[string]func(context.Context) error {
	return map[string]func(context.Context) error{"mongodb": s.st.Mongo.Ping, "redis": s.st.Redis.Ping}
}
