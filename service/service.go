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
	"github.com/wushe/wushe/service/accounts"
	"github.com/wushe/wushe/service/competitions"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/ledger"
	"github.com/wushe/wushe/service/money"
	"github.com/wushe/wushe/service/needs"
	"github.com/wushe/wushe/service/parties"
	"github.com/wushe/wushe/service/posts"
	"github.com/wushe/wushe/service/recognition"
	"github.com/wushe/wushe/service/records"
	"github.com/wushe/wushe/service/roles"
)

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
	Accounts accounts.AccountStore
	Sessions accounts.SessionStore
	Limiter  Limiter
	Locker   Locker
	Mongo    Pinger
	Redis    Pinger

	// Verified phones, WeChat login, staff changes and personal data (issue 7).
	AccountChanges accounts.AccountChangeStore
	Logins         accounts.FamilyLister
	Codes          accounts.CodeStore
	TokenGates     accounts.TokenGates // optional: without it, every request reads its account and login from MongoDB
	PersonalData   accounts.PersonalDataStore

	Organisations  parties.OrganisationStore
	Complaints     parties.ComplaintStore
	Stations       parties.StationStore
	Transitions    TransitionStore
	Audit          AuditStore
	Volunteers     parties.VolunteerStore
	SocialWorkers  parties.SocialWorkerStore
	Needs          needs.NeedStore
	Plans          needs.PlanStore
	Invitations    needs.InvitationStore
	Batches        needs.BatchStore
	Hours          records.HoursStore
	ServiceRecords records.ServiceRecordStore
	Pathway        records.PathwayStore
	Supervision    records.SupervisionStore
	Funds          money.FundStore
	Notifications  NotificationStore
	Applications   money.ApplicationStore
	Competitions   competitions.Store
	Dashboard      DashboardStore
	RoleOffers     roles.RoleOfferStore
	Leaderboard    competitions.Leaderboard // optional: without it, vote counts come straight from MongoDB
	Bus            needs.Bus                // optional: without it, index changes stay on this replica
	IndexFeed      needs.IndexFeed          // optional: without it, every matching catch-up is a rebuild

	// Evaluations, incubation bases and commendations (issue 18).
	Evaluations   recognition.EvaluationStore
	Incubation    recognition.IncubationStore
	Commendations recognition.CommendationStore
	// Posts keeps the registry of professional posts (issue 18).
	Posts posts.Store
}

// Config tunes the service; zero values take the documented defaults.
type Config struct {
	// Accounts tunes registration, logins, tokens and SMS codes.
	Accounts accounts.Config
	Now      func() time.Time
	Logger   *slog.Logger
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

	// Cost bounds of the public reads (see needs/needcache.go and ratelimit.go).
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
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.CheckinRadiusKm == 0 {
		c.CheckinRadiusKm = 0.5
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	c.limitDefaults()
}

// Service is the set of Wushe's use cases.
type Service struct {
	cfg Config
	st  Stores
	log *slog.Logger
	// ledger appends the funds' money movements.
	ledger *ledger.Ledger
	// comp runs the competitions (package competitions).
	comp *competitions.Service
	// records records service and training (package records).
	records *records.Service
	// money runs funds, applications and grants (package money).
	money *money.Service
	// accounts runs registration, logins and account changes (package accounts).
	accounts *accounts.Service
	// parties runs organisations, stations, complaints, volunteers and
	// social workers (package parties).
	parties *parties.Service
	// recognition records evaluations, incubation and commendations
	// (package recognition).
	recognition *recognition.Service
	// degradedAt is when each optional part's failure was last logged
	// (part → *atomic.Int64, Unix seconds); see degraded.
	degradedAt sync.Map
	// needs keeps the needs and their plans, matching ranks and invites
	// volunteers for them (package needs).
	needs    *needs.Service
	matching *needs.Matching
	// roles decides who holds which role where: members, staff, role
	// offers and grants (package roles).
	roles *roles.Service
	// localAccounts is this replica's memory of accounts (nil without stores).
	localAccounts *accounts.LocalAccounts
	// posts keeps employing units, professional posts and their holders
	// (package posts).
	posts *posts.Service
	// dash keeps the latest dashboard snapshot and its views (dashboard_cache.go).
	dash dashboardCache
}

// New builds the service. cfg.Accounts.JWTSecret must be at least 32 bytes.
func New(cfg Config, st Stores) (*Service, error) {
	cfg.defaults()
	// One memory of accounts per replica, in front of every domain's reads.
	s := &Service{cfg: cfg, log: cfg.Logger}
	if st.Accounts != nil && st.AccountChanges != nil {
		var bus accounts.Bus
		if st.Bus != nil {
			bus = st.Bus
		}
		s.localAccounts = accounts.NewLocalAccounts(st.Accounts, st.AccountChanges, bus, time.Now, cfg.Logger)
		st.Accounts, st.AccountChanges = s.localAccounts, s.localAccounts.Changes()
	}
	s.st = st
	s.ledger = ledger.New(st.Funds, s.now, cfg.Logger)
	var err error
	s.accounts, err = accounts.New(cfg.Accounts, accounts.Stores{Accounts: st.Accounts, Sessions: st.Sessions,
		AccountChanges: st.AccountChanges, Logins: st.Logins, Codes: st.Codes, TokenGates: st.TokenGates, Memory: s.accountMemory(),
		PersonalData: st.PersonalData, Limiter: st.Limiter, Volunteers: st.Volunteers, SocialWorkers: st.SocialWorkers,
		Hours: st.Hours, Invitations: st.Invitations, Plans: st.Plans, Complaints: st.Complaints, Notifications: st.Notifications},
		accounts.Deps{Shared: s.shared(), TooMany: tooMany, WithdrawFromService: s.withdrawFromService,
			VolunteerChanged: func(ctx context.Context, id string) { s.matching.VolunteerChanged(ctx, id) },
			Reliability:      s.applyReliability,
			Supervision: func(ctx context.Context, id string) ([]accounts.ExportSupervision, error) {
				return exportSupervision(ctx, st.Supervision, id)
			},
			Pathway: func(ctx context.Context, id string) ([]accounts.ExportTraining, *accounts.ExportPathway, error) {
				return exportPathway(ctx, st.Pathway, id)
			}})
	if err != nil {
		return nil, err
	}
	s.needs = needs.New(needs.Stores{Needs: st.Needs, Plans: st.Plans, Invitations: st.Invitations, Batches: st.Batches,
		Bus: st.Bus, Organisations: st.Organisations, Volunteers: st.Volunteers, SocialWorkers: st.SocialWorkers,
		Accounts: st.Accounts, Hours: st.Hours, Transitions: st.Transitions, IndexFeed: st.IndexFeed},
		needs.Deps{Shared: s.shared(), Config: needs.Config{MatchWeights: cfg.MatchWeights, NeedCacheTTL: cfg.NeedCacheTTL,
			PublicNeedsCap: cfg.PublicNeedsCap}, SupervisorCandidates: s.supervisorCandidates})
	s.matching = s.needs.Matching()
	// The competition calls run through closures: s.comp is built below,
	// from the money domain's calls.
	s.money = money.New(money.Stores{Funds: st.Funds, Applications: st.Applications, Organisations: st.Organisations,
		Needs: st.Needs, SocialWorkers: st.SocialWorkers, Competitions: st.Competitions},
		money.Deps{Shared: s.shared(), Ledger: s.ledger, Need: s.needs.Need, AttachGrant: s.attachGrant,
			CompetitionFund: func(ctx context.Context, id string) (string, error) { return s.comp.CompetitionFund(ctx, id) },
			CheckEntry:      func(ctx context.Context, a *models.Application) error { return s.comp.CheckEntry(ctx, a) },
			MayReadEntry: func(ctx context.Context, actor *Actor, a *models.Application) bool {
				return s.comp.MayReadEntry(ctx, actor, a)
			},
			MayManageCompetitionID: func(ctx context.Context, actor *Actor, id string) error {
				return s.comp.MayManageCompetitionID(ctx, actor, id)
			}})
	s.comp = competitions.New(competitions.Stores{Competitions: st.Competitions, Applications: st.Applications,
		Funds: st.Funds, Organisations: st.Organisations, Accounts: st.Accounts, Volunteers: st.Volunteers,
		Transitions: st.Transitions, Leaderboard: st.Leaderboard},
		competitions.Deps{Shared: s.shared(), Ledger: s.ledger, ManagesFund: money.ManagesFund,
			OwnerOperating: s.money.OwnerOperating, Fund: s.money.Fund, Grant: s.money.GrantApplication, AddRole: s.accounts.AddRole})
	s.records = records.New(records.Stores{Hours: st.Hours, ServiceRecords: st.ServiceRecords, Pathway: st.Pathway,
		Supervision: st.Supervision, Transitions: st.Transitions, Accounts: st.Accounts, Volunteers: st.Volunteers,
		SocialWorkers: st.SocialWorkers, Organisations: st.Organisations},
		records.Deps{Shared: s.shared(), CheckinSecret: cfg.Accounts.JWTSecret, CheckinRadiusKm: cfg.CheckinRadiusKm,
			SigningKey: cfg.SigningKey, Plan: s.needs.PlanOf, NeedForCommittee: s.needs.NeedForCommittee, VolunteerChanged: s.matching.VolunteerChanged,
			Need: func(ctx context.Context, id string) (*models.Need, error) { return s.st.Needs.Need(ctx, id) },
			Assignments: func(ctx context.Context, needID string) ([]*models.Assignment, error) {
				return s.st.Plans.Assignments(ctx, needID)
			},
			ClaimTime: func(ctx context.Context, volunteerID string, slots []models.SlotKey, assignmentID string) error {
				return s.st.Plans.ClaimTime(ctx, volunteerID, slots, assignmentID)
			},
			SupervisedNeeds: func(ctx context.Context, id string) ([]string, error) { return s.st.Plans.SupervisedNeeds(ctx, id) },
			OrganisationsIn: func(ctx context.Context, division string, p Page) ([]*models.Organisation, string, error) {
				return s.st.Organisations.ListOrganisations(ctx, parties.OrganisationFilter{Division: division}, p)
			}})
	s.parties = parties.New(parties.Stores{Organisations: st.Organisations, Stations: st.Stations, Complaints: st.Complaints,
		Volunteers: st.Volunteers, SocialWorkers: st.SocialWorkers, Accounts: st.Accounts, Transitions: st.Transitions},
		parties.Deps{Shared: s.shared(), VolunteerChanged: func(ctx context.Context, id string) { s.matching.VolunteerChanged(ctx, id) },
			Reliability: func(ctx context.Context, id string) (models.Reliability, error) {
				return s.matching.Reliability(ctx, id)
			},
			Employment: func(ctx context.Context, id string) ([]models.Employment, error) {
				p, err := st.Pathway.PersonPathway(ctx, id)
				if core.IsKind(err, models.KindNotFound) {
					return nil, nil
				} else if err != nil {
					return nil, err
				}
				return records.EmploymentOf(p), nil
			},
			LatestEvaluation: func(ctx context.Context, id string) (*models.OrgEvaluation, error) {
				if st.Evaluations == nil {
					return nil, nil // no evaluation store: none held
				}
				return s.recognition.LatestEvaluation(ctx, id)
			}})
	s.roles = roles.New(roles.Stores{RoleOffers: st.RoleOffers, Accounts: st.Accounts, Organisations: st.Organisations,
		AccountChanges: st.AccountChanges, Volunteers: st.Volunteers},
		roles.Deps{Shared: s.shared(), AddRole: s.accounts.AddRole, CreateAccount: s.accounts.CreateAccount,
			ChangedAccount: s.accounts.ChangedAccount})
	s.recognition = recognition.New(recognition.Stores{Evaluations: st.Evaluations, Incubation: st.Incubation,
		Commendations: st.Commendations, Organisations: st.Organisations, SocialWorkers: st.SocialWorkers, Accounts: st.Accounts},
		recognition.Deps{Shared: s.shared(), PersonScopes: s.roles.PersonScopes})
	s.posts = posts.New(posts.Stores{Posts: st.Posts, SocialWorkers: st.SocialWorkers, Organisations: st.Organisations},
		posts.Deps{Shared: s.shared()})
	return s, nil
}

// Posts keeps the registry of professional posts: employing units, their
// posts and who holds them.
func (s *Service) Posts() *posts.Service { return s.posts }

// Needs keeps the community needs and their linkage plans.
func (s *Service) Needs() *needs.Service { return s.needs }

// Matching ranks volunteers for the needs' places and invites them.
func (s *Service) Matching() *needs.Matching { return s.matching }

// Competitions runs the venture-philanthropy competitions.
func (s *Service) Competitions() *competitions.Service { return s.comp }

// Records records attendance, service hours, statements, the pathway,
// supervision and training.
func (s *Service) Records() *records.Service { return s.records }

// Money runs funds, applications, grants and their tranches.
func (s *Service) Money() *money.Service { return s.money }

// Parties runs organisations, stations, complaints, volunteers and social workers.
func (s *Service) Parties() *parties.Service { return s.parties }

// Recognition records organisations' evaluations, the counties'
// incubation bases and the awards of social workers and organisations.
func (s *Service) Recognition() *recognition.Service { return s.recognition }

// Roles decides who holds which role where: members, staff, role offers
// and grants, and the deactivation of accounts.
func (s *Service) Roles() *roles.Service { return s.roles }

func (s *Service) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Millisecond) }

// Accounts runs registration, logins, tokens and account changes.
func (s *Service) Accounts() *accounts.Service { return s.accounts }

// Actor is the caller of a use case (see core.Actor).
type Actor = core.Actor

// NewID returns a new random object id.
func NewID() string { return core.NewID() }

// ReadyChecks are the dependencies /readyz pings, by name.
func (s *Service) ReadyChecks() map[string]func(context.Context) error {
	return map[string]func(context.Context) error{"mongodb": s.st.Mongo.Ping, "redis": s.st.Redis.Ping}
}

// accountMemory is the replica's memory of accounts for the accounts
// domain; nil (not a nil pointer) when there is none.
func (s *Service) accountMemory() accounts.AccountMemory {
	if s.localAccounts == nil {
		return nil
	}
	return s.localAccounts
}
