// Package roles holds who holds which role where: organisations' members
// and staff, the offers of a role that the person accepts or declines,
// civil affairs' grants of privileged roles, the removal of a role binding,
// a committee's handover, and the deactivation and reactivation of an
// account. The accounts domain keeps the accounts themselves; this package
// decides who may bind whom, and asks it to add, create or change them
// through Deps. What it needs from the rest of the service comes in through
// Stores and Deps, built by service.New.
package roles

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

// AccountReader reads accounts (the person behind a phone, the offerer and
// the answerer of an offer).
type AccountReader interface {
	// AccountByID returns models.ErrNotFound when there is no such account.
	AccountByID(ctx context.Context, id string) (*models.Account, error)
	// AccountByPhone returns models.ErrNotFound when no account has the phone.
	AccountByPhone(ctx context.Context, phone string) (*models.Account, error)
}

// MemberStore is the cut of the organisations' store that roles use: the
// organisation a binding lies in, and its member roll.
type MemberStore interface {
	// Organisation returns models.ErrNotFound when there is no such organisation.
	Organisation(ctx context.Context, id string) (*models.Organisation, error)
	// AddMember inserts the membership once (unique on organisation and account).
	AddMember(ctx context.Context, m *models.Member) error
	Members(ctx context.Context, orgID string, p Page) ([]*models.Member, string, error)
}

// BindingStore is the cut of the account changes' store that roles use.
type BindingStore interface {
	// AccountsWithBinding lists the accounts that hold binding b.
	AccountsWithBinding(ctx context.Context, b models.RoleBinding) ([]*models.Account, error)
	// RemoveMembership ends accountID's membership of organisation orgID in
	// role, when that binding is taken away (no-op when absent).
	RemoveMembership(ctx context.Context, orgID, accountID string, role models.Role) error
}

// VolunteerReader reads a volunteer's profile (their home community is a
// scope the account holds).
type VolunteerReader interface {
	// Volunteer returns models.ErrNotFound when the account has no profile.
	Volunteer(ctx context.Context, accountID string) (*models.Volunteer, error)
}

// Stores are the stores roles use: its own RoleOffers, and narrow cuts of
// accounts, organisations, account changes and volunteers.
type Stores struct {
	RoleOffers     RoleOfferStore
	Accounts       AccountReader
	Organisations  MemberStore
	AccountChanges BindingStore
	Volunteers     VolunteerReader
}

// Deps is what roles call in the rest of the service: the shared floor
// (clock, log, audit, inboxes, locks) and three calls into the accounts
// domain, which alone writes accounts.
type Deps struct {
	*core.Shared
	// AddRole adds binding b to the account under its lock (no-op when
	// held) and returns the account.
	AddRole func(ctx context.Context, accountID string, b models.RoleBinding) (*models.Account, error)
	// CreateAccount creates an account holding roles; models.ErrConflict
	// when the phone already has one.
	CreateAccount func(ctx context.Context, phone, password, name string, roles []models.RoleBinding) (*models.Account, error)
	// ChangedAccount applies change to the account under its lock and saves
	// it; a non-empty endReason ends every login of the account.
	ChangedAccount func(ctx context.Context, id string, change func(a *models.Account, now time.Time) (endReason string, err error)) (*models.Account, error)
}

// Service runs the roles' use cases.
type Service struct {
	st Stores
	d  Deps
}

// New builds the roles service.
func New(st Stores, d Deps) *Service { return &Service{st: st, d: d} }
