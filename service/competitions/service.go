// Package competitions holds the venture-philanthropy competitions
// (公益创投大赛): the competition and its phases, reviewers, conflicts and
// assignment, score sheets, the public vote and leaderboard, the ranking
// and public results, and the prize money. Entries are applications of the
// money domain; what this package needs from the rest of the service comes
// in through Stores and Deps, built by service.New.
package competitions

import (
	"context"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/ledger"
)

// Actor and Page are the shared vocabulary of the service domains.
type (
	Actor = core.Actor
	Page  = core.Page
)

// MaxPageSize caps every list.
const MaxPageSize = core.MaxPageSize

// ApplicationReader is what competitions read and write of applications
// (a competition entry is an application).
type ApplicationReader interface {
	Application(ctx context.Context, id string) (*models.Application, error)
	SaveApplication(ctx context.Context, a *models.Application) error
	Applications(ctx context.Context, f core.ApplicationFilter, p Page) ([]*models.Application, string, error)
	Grants(ctx context.Context, f core.GrantFilter, p Page) ([]*models.Grant, string, error)
}

// FundReader reads funds and the keys of their ledger movements.
type FundReader interface {
	Fund(ctx context.Context, id string) (*models.Fund, error)
	KeyClaim(ctx context.Context, fundID, key string) (*models.FundKeyClaim, error)
}

// OrganisationReader reads organisations (entrants and reviewers' employers).
type OrganisationReader interface {
	Organisation(ctx context.Context, id string) (*models.Organisation, error)
}

// AccountReader reads accounts (reviewers).
type AccountReader interface {
	AccountByID(ctx context.Context, id string) (*models.Account, error)
	AccountByPhone(ctx context.Context, phone string) (*models.Account, error)
}

// VolunteerReader reads volunteers (voters must be verified).
type VolunteerReader interface {
	Volunteer(ctx context.Context, accountID string) (*models.Volunteer, error)
}

// TransitionReader lists an object's recorded state changes.
type TransitionReader interface {
	Transitions(ctx context.Context, object string) ([]models.Transition, error)
}

// Stores are the stores competitions use, each cut to the calls made.
type Stores struct {
	Competitions  Store
	Applications  ApplicationReader
	Funds         FundReader
	Organisations OrganisationReader
	Accounts      AccountReader
	Volunteers    VolunteerReader
	Transitions   TransitionReader
	Leaderboard   Leaderboard // optional: without it, vote counts come straight from MongoDB
}

// Deps is what competitions call in the rest of the service: the clock,
// the log, the fund ledger, the fund rules and grants of the money domain,
// roles of the accounts domain, and the shared audit, notification, rate
// limit, lock and transition records.
type Deps struct {
	// Shared is the shared floor: clock, log, audit, inboxes, limits, locks, transitions.
	*core.Shared
	Ledger *ledger.Ledger
	// ManagesFund reports whether the actor may move the fund's money.
	ManagesFund func(a *Actor, f *models.Fund) bool
	// OwnerOperating refuses a fund whose owner is suspended or has exited.
	OwnerOperating func(ctx context.Context, f *models.Fund) error
	// Fund reads a fund with its balances.
	Fund func(ctx context.Context, id string) (*ledger.FundView, error)
	// Grant funds an application (from the reserve for an award).
	Grant func(ctx context.Context, by string, a *models.Application, f *models.Fund, amount int64, fromReserve bool, tier string) (*models.Grant, error)
	// AddRole gives an account a role binding (reviewers).
	AddRole func(ctx context.Context, accountID string, b models.RoleBinding) (*models.Account, error)
}

// Service runs the competitions.
type Service struct {
	st Stores
	d  Deps
}

// New builds the competitions service.
func New(st Stores, d Deps) *Service { return &Service{st: st, d: d} }
