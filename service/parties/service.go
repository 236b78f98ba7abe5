// Package parties holds the parties of the service and what is known of
// them: organisations (registration, status, charity recognition),
// township social-work stations, complaints against organisations,
// volunteers' profiles with their real-name verification and background
// checks, social workers' profiles with their certificates and the
// supervisor pool, who may appraise a social worker, and the third-party
// evaluation institutions engaged on funded projects. What it needs from
// the rest of the service comes in through Stores and Deps, built by
// service.New.
package parties

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// Actor and Page are the shared vocabulary of the service domains.
type (
	Actor = core.Actor
	Page  = core.Page
)

// AccountReader reads accounts (the name and phone on a profile, the
// social workers a station names).
type AccountReader interface {
	// AccountByID returns models.ErrNotFound when there is no such account.
	AccountByID(ctx context.Context, id string) (*models.Account, error)
	// AccountsByIDs reads many in one round trip; missing ids are absent.
	AccountsByIDs(ctx context.Context, ids []string) (map[string]*models.Account, error)
}

// TransitionReader lists an object's recorded state changes (an
// organisation's or a complaint's trail).
type TransitionReader interface {
	Transitions(ctx context.Context, object string) ([]models.Transition, error)
}

// Stores are the stores parties use. The five parties' own stores are
// whole (the rest of the service reads them too, through service.Stores);
// the others are cut to the calls made.
type Stores struct {
	Organisations OrganisationStore
	Stations      StationStore
	Complaints    ComplaintStore
	Volunteers    VolunteerStore
	SocialWorkers SocialWorkerStore
	Accounts      AccountReader
	Transitions   TransitionReader
}

// Deps is what parties call in the rest of the service: the shared floor
// (clock, log, audit, locks, transitions), and one call each into the
// needs domain's matching index and the volunteers' derived reliability.
type Deps struct {
	*core.Shared
	// VolunteerChanged applies a change of a volunteer's profile to the
	// matching index (and announces it to the other replicas).
	VolunteerChanged func(ctx context.Context, accountID string)
	// Reliability derives a volunteer's service-kept figures from their
	// invitations, places and attendance.
	Reliability func(ctx context.Context, accountID string) (models.Reliability, error)
	// Employment is the person's social-work employment from their
	// pathway, verified where the employer's proof was (a supervisor's
	// front-line experience).
	Employment func(ctx context.Context, accountID string) ([]models.Employment, error)
	// LatestEvaluation is an organisation's latest comprehensive
	// evaluation, nil when none (the recognition domain): a demonstration
	// organisation holds a valid one.
	LatestEvaluation func(ctx context.Context, orgID string) (*models.OrgEvaluation, error)
}

// Service runs the parties' use cases.
type Service struct {
	st Stores
	d  Deps
}

// New builds the parties service.
func New(st Stores, d Deps) *Service { return &Service{st: st, d: d} }

// label is a vocabulary code's Chinese label (the code when unknown).
func label(v models.Vocabulary, code string) string {
	if t, ok := v.Label(code); ok {
		return t.Zh
	}
	return code
}

func itoa(i int) string { return strconv.Itoa(i) }

// hashToken is how an ID number is claimed: by its SHA-256, never itself
// (the same hash service uses for tokens; stored claims depend on it).
func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}
