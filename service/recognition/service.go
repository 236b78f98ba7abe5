// Package recognition holds what civil affairs records of the standing of
// organisations and social workers (issue 18, items 2 and 6): the
// comprehensive evaluation of organisations (社会组织等级评估) with its
// history, which the demonstration status depends on; the counties'
// incubation bases (社工机构孵化基地) and the organisations they incubate;
// and awards and commendations (表彰、表扬、奖励) of social workers and
// organisations. Every record is its own document, added by a unique
// insert; nothing here updates a shared document under contention.
//
// It reads organisations, social workers and accounts through the small
// interfaces below, and asks the roles domain (Deps.PersonScopes) which
// scopes a person holds, for the CivilAffairsOverPerson relation.
package recognition

import (
	"context"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// Actor and Page are the shared vocabulary of the service domains.
type (
	Actor = core.Actor
	Page  = core.Page
)

// EvaluationStore keeps the organisations' comprehensive evaluations.
type EvaluationStore interface {
	// AddEvaluation inserts e as its own document.
	AddEvaluation(ctx context.Context, e *models.OrgEvaluation) error
	// Evaluations lists an organisation's evaluations, latest first (a
	// history is a handful of documents: one each few years).
	Evaluations(ctx context.Context, orgID string) ([]*models.OrgEvaluation, error)
	// ListEvaluations pages every evaluation, in no useful order (the dashboard).
	ListEvaluations(ctx context.Context, p Page) ([]*models.OrgEvaluation, string, error)
}

// IncubationStore keeps the incubation bases and their incubations.
type IncubationStore interface {
	CreateBase(ctx context.Context, b *models.IncubationBase) error
	// Base returns models.ErrNotFound when there is no such base.
	Base(ctx context.Context, id string) (*models.IncubationBase, error)
	UpdateBase(ctx context.Context, b *models.IncubationBase) error
	// ListBases pages the bases of a county-level division (all when empty).
	ListBases(ctx context.Context, county string, p Page) ([]*models.IncubationBase, string, error)
	// AddIncubation inserts i under i.ID(): models.ErrConflict when the
	// organisation is recorded at the base already.
	AddIncubation(ctx context.Context, i *models.Incubation) error
	// Incubation returns models.ErrNotFound when there is none.
	Incubation(ctx context.Context, baseID, orgID string) (*models.Incubation, error)
	UpdateIncubation(ctx context.Context, i *models.Incubation) error
	// Incubations pages the organisations incubated at a base.
	Incubations(ctx context.Context, baseID string, p Page) ([]*models.Incubation, string, error)
}

// CommendationStore keeps awards and commendations.
type CommendationStore interface {
	AddCommendation(ctx context.Context, c *models.Commendation) error
	// Commendation returns models.ErrNotFound when there is no such award.
	Commendation(ctx context.Context, id string) (*models.Commendation, error)
	UpdateCommendation(ctx context.Context, c *models.Commendation) error
	// CommendationsOf lists a recipient's awards, revoked ones included,
	// latest first (at most a few hundred).
	CommendationsOf(ctx context.Context, kind, recipientID string) ([]*models.Commendation, error)
	// ListCommendations pages every award (the dashboard).
	ListCommendations(ctx context.Context, p Page) ([]*models.Commendation, string, error)
}

// OrganisationReader reads organisations.
type OrganisationReader interface {
	// Organisation returns models.ErrNotFound when there is no such organisation.
	Organisation(ctx context.Context, id string) (*models.Organisation, error)
}

// SocialWorkerReader reads social workers' profiles.
type SocialWorkerReader interface {
	// SocialWorker returns models.ErrNotFound when the account has no profile.
	SocialWorker(ctx context.Context, accountID string) (*models.SocialWorker, error)
}

// AccountReader reads accounts (a social worker's name on an award).
type AccountReader interface {
	AccountByID(ctx context.Context, id string) (*models.Account, error)
}

// Stores are the stores recognition uses.
type Stores struct {
	Evaluations   EvaluationStore
	Incubation    IncubationStore
	Commendations CommendationStore
	Organisations OrganisationReader
	SocialWorkers SocialWorkerReader
	Accounts      AccountReader
}

// Deps is what recognition calls in the rest of the service: the shared
// floor (clock, audit, locks) and the roles domain's answer to which
// scopes a person holds.
type Deps struct {
	*core.Shared
	// PersonScopes lists the division codes of every scope the account
	// holds (what CivilAffairsOverPerson is decided over).
	PersonScopes func(ctx context.Context, accountID string) ([]string, error)
}

// Service runs the recognition use cases.
type Service struct {
	st Stores
	d  Deps
}

// New builds the recognition service.
func New(st Stores, d Deps) *Service { return &Service{st: st, d: d} }

// today is the service's date in Asia/Shanghai.
func (s *Service) today() string { return string(models.DateOf(s.d.Now())) }
