// Package posts keeps the registry of professional social-work posts
// (社会工作专业岗位, 郑民文〔2022〕7号 §(二)–(八), (十)): the employing units
// (用人单位) civil affairs registers in its division, the posts of each
// unit, and who holds them. A post is filled by the employer's offer to a
// verified social worker whose certificate meets the post's level and the
// worker's acceptance; the holdings of a post are numbered, and the next
// number is claimed by a unique insert, so one post has one holder however
// many employers act at once. What it needs from the rest of the service
// comes in through Stores and Deps, built by service.New.
package posts

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

// PostFilter narrows a list of posts.
type PostFilter struct {
	Division string // posts of units inside this division
	UnitID   string
}

// Store keeps the units, their posts and the posts' holdings.
type Store interface {
	// CreateUnit inserts a unit under its ID.
	CreateUnit(ctx context.Context, u *models.EmployingUnit) error
	// Unit returns models.ErrNotFound when there is no such unit.
	Unit(ctx context.Context, id string) (*models.EmployingUnit, error)
	UpdateUnit(ctx context.Context, u *models.EmployingUnit) error
	ListUnits(ctx context.Context, division string, p Page) ([]*models.EmployingUnit, string, error)
	// CreatePost inserts a post (without its holder) under its ID.
	CreatePost(ctx context.Context, p *models.Post) error
	// Post returns models.ErrNotFound when there is no such post; its
	// Holder is not read.
	Post(ctx context.Context, id string) (*models.Post, error)
	UpdatePost(ctx context.Context, p *models.Post) error
	ListPosts(ctx context.Context, f PostFilter, p Page) ([]*models.Post, string, error)
	// Holdings returns the holdings of the given posts, by post, each
	// post's in the order of their numbers, in one round trip.
	Holdings(ctx context.Context, postIDs []string) (map[string][]*models.PostHolding, error)
	// InsertHolding inserts h under "<postId>#<seq>": models.ErrConflict
	// when that number is taken, or when h's person has another holding
	// that has not ended (a unique key on the person while active).
	InsertHolding(ctx context.Context, h *models.PostHolding) error
	// UpdateHolding replaces h; ending it frees its person.
	UpdateHolding(ctx context.Context, h *models.PostHolding) error
	// HoldingsOf lists an account's holdings, any state.
	HoldingsOf(ctx context.Context, accountID string) ([]*models.PostHolding, error)
	// EachFilledHolding streams every filled holding (the dashboard).
	EachFilledHolding(ctx context.Context, fn func(*models.PostHolding) error) error
	// PriceTables returns the price tables of the given divisions, every
	// version, in one round trip (the pay guide).
	PriceTables(ctx context.Context, divisions []string) ([]*models.PriceTable, error)
}

// SocialWorkerReader reads social workers' profiles.
type SocialWorkerReader interface {
	// SocialWorker returns models.ErrNotFound when the account has no profile.
	SocialWorker(ctx context.Context, accountID string) (*models.SocialWorker, error)
	// SocialWorkersByIDs reads many profiles in one round trip; missing ids are absent.
	SocialWorkersByIDs(ctx context.Context, ids []string) (map[string]*models.SocialWorker, error)
}

// OrganisationReader reads organisations (a unit's linked organisation).
type OrganisationReader interface {
	Organisation(ctx context.Context, id string) (*models.Organisation, error)
}

// Stores are the stores posts use.
type Stores struct {
	Posts         Store
	SocialWorkers SocialWorkerReader
	Organisations OrganisationReader
}

// Deps is the shared floor (clock, log, audit, locks, notifications).
type Deps struct {
	*core.Shared
}

// Service runs the posts registry's use cases.
type Service struct {
	st Stores
	d  Deps
}

// New builds the posts service.
func New(st Stores, d Deps) *Service { return &Service{st: st, d: d} }
