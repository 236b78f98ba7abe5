// Package money holds the money of Wushe: funds and their ledgers (through
// package ledger), fund search and reports, project applications with their
// submission checks and purchase price tables, and the grants they become,
// paid out tranche by tranche after each milestone is verified and, where
// one is engaged, evaluated. What it needs from the rest of the service
// comes in through Stores and Deps, built by service.New.
package money

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

// OrganisationReader reads organisations (fund owners and applicants).
type OrganisationReader interface {
	// Organisation returns models.ErrNotFound when there is no such organisation.
	Organisation(ctx context.Context, id string) (*models.Organisation, error)
}

// NeedReader reads the needs an application links.
type NeedReader interface {
	// Need returns models.ErrNotFound when there is no such need.
	Need(ctx context.Context, id string) (*models.Need, error)
}

// SocialWorkerReader reads the social workers on a project's team.
type SocialWorkerReader interface {
	// SocialWorker returns models.ErrNotFound when there is no such social worker.
	SocialWorker(ctx context.Context, id string) (*models.SocialWorker, error)
}

// CompetitionReader reads the competition an entry belongs to (an entry
// is withdrawn only while its competition is open).
type CompetitionReader interface {
	Competition(ctx context.Context, id string) (*models.Competition, error)
}

// Stores are the stores the money domain uses.
type Stores struct {
	Funds         FundStore
	Applications  ApplicationStore
	Organisations OrganisationReader
	Needs         NeedReader
	SocialWorkers SocialWorkerReader
	Competitions  CompetitionReader
}

// Deps is what the money domain calls in the rest of the service: the
// shared floor, the fund ledger, one call each of the needs and plans
// domains, and the competition rules over entries.
type Deps struct {
	*core.Shared
	// Ledger appends and reads the funds' money movements.
	Ledger *ledger.Ledger
	// Need reads a need for an actor who may read it (needs: the need a
	// fund is suggested for).
	Need func(ctx context.Context, actor *Actor, id string) (*models.Need, error)
	// AttachGrant records a grant's fund and grant on a need's linkage
	// plan (plans: the fifth party, 慈善资源).
	AttachGrant func(ctx context.Context, needID string, g *models.Grant) error
	// CompetitionFund is the fund an entry of the competition applies to.
	CompetitionFund func(ctx context.Context, competitionID string) (string, error)
	// CheckEntry applies the competition's rules to an entry being submitted.
	CheckEntry func(ctx context.Context, a *models.Application) error
	// MayReadEntry reports whether the actor organises or reviews the
	// competition the entry belongs to.
	MayReadEntry func(ctx context.Context, actor *Actor, a *models.Application) bool
	// MayManageCompetitionID refuses an actor who does not organise the competition.
	MayManageCompetitionID func(ctx context.Context, actor *Actor, id string) error
}

// Service runs the money domain.
type Service struct {
	st Stores
	d  Deps
}

// New builds the money domain's service.
func New(st Stores, d Deps) *Service { return &Service{st: st, d: d} }
