// Package needs holds the community needs and how they are staffed: the
// needs and their lifecycle, the public snapshot of published needs, the
// linkage plans with their places and parties (supervisor, carrying
// organisation, the committee's confirmation), and the matching of
// volunteers to places — the candidate index kept current across replicas
// by the Bus, rankings, invitations, batch proposals and the reliability
// figures the index derives. The rules of matching itself are the pure
// package matching; what this package needs from the rest of the service
// comes in through Stores and Deps, built by service.New.
//
// Two types share the work along the seam the domain has: Service keeps
// needs and plans (what a committee posts and staffs by hand), Matching
// ranks and invites volunteers into them (what the engine proposes).
package needs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync/atomic"
	"time"

	"github.com/wushe/wushe/matching"
	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// Actor and Page are the shared vocabulary of the service domains.
type (
	Actor = core.Actor
	Page  = core.Page
)

// MaxPageSize caps every list.
const MaxPageSize = core.MaxPageSize

// OrganisationReader reads organisations (drafting and carrying ones).
type OrganisationReader interface {
	Organisation(ctx context.Context, id string) (*models.Organisation, error)
}

// VolunteerReader reads volunteers' profiles (placements, the index).
type VolunteerReader interface {
	Volunteer(ctx context.Context, accountID string) (*models.Volunteer, error)
	EachVolunteer(ctx context.Context, fn func(*models.Volunteer) error) error
}

// SocialWorkerReader reads a social worker's profile (a proposed supervisor).
type SocialWorkerReader interface {
	SocialWorker(ctx context.Context, accountID string) (*models.SocialWorker, error)
}

// AccountReader reads accounts (names and phones of a plan's parties).
type AccountReader interface {
	AccountByID(ctx context.Context, id string) (*models.Account, error)
	// AccountsByIDs reads many in one round trip; missing ids are absent.
	AccountsByIDs(ctx context.Context, ids []string) (map[string]*models.Account, error)
}

// AttendanceReader reads attendance (the reliability figures count it).
type AttendanceReader interface {
	EachAttendance(ctx context.Context, fn func(*models.Attendance) error) error
	AttendanceOfVolunteer(ctx context.Context, volunteerID string) ([]*models.Attendance, error)
}

// TransitionReader lists an object's recorded state changes.
type TransitionReader interface {
	Transitions(ctx context.Context, object string) ([]models.Transition, error)
}

// Stores are the stores needs use, each cut to the calls made.
type Stores struct {
	Needs       NeedStore
	Plans       PlanStore
	Invitations InvitationStore
	Batches     BatchStore
	Bus         Bus // optional: without it, index changes stay on this replica
	// IndexFeed is optional: without it the index loads whole profiles and
	// every catch-up is a rebuild.
	IndexFeed     IndexFeed
	Organisations OrganisationReader
	Volunteers    VolunteerReader
	SocialWorkers SocialWorkerReader
	Accounts      AccountReader
	Hours         AttendanceReader
	Transitions   TransitionReader
}

// Config tunes matching and the public snapshot (service.Config's fields
// of the same names; service.New applies their defaults).
type Config struct {
	// MatchWeights weighs the parts of a match score; zero means matching.DefaultWeights.
	MatchWeights matching.Weights
	// NeedCacheTTL is how old the snapshot of published needs may be.
	NeedCacheTTL time.Duration
	// PublicNeedsCap is how many published needs the snapshot reads at most.
	PublicNeedsCap int
}

// Deps is what needs call in the rest of the service: the shared floor
// (clock, log, audit, inboxes, limits, locks, transitions) and one call
// into the people domain.
type Deps struct {
	*core.Shared
	Config
	// SupervisorCandidates lists the social workers who may be asked to
	// supervise: the city's supervisor pool and, when organisationID is
	// set, that organisation's own social workers, each once.
	SupervisorCandidates func(ctx context.Context, organisationID string) ([]*models.SocialWorker, error)
}

// Service keeps the needs and their plans.
type Service struct {
	st       Stores
	d        Deps
	cache    publicNeedCache
	readErr  atomic.Pointer[readOutcome] // the last full read of the published needs
	matching *Matching
}

// Matching ranks volunteers for places and invites them; it holds this
// replica's candidate index.
type Matching struct {
	st    Stores
	d     Deps
	needs *Service
	match matcher
}

// New builds the needs service and its matching.
func New(st Stores, d Deps) *Service {
	s := &Service{st: st, d: d}
	s.matching = &Matching{st: st, d: d, needs: s}
	return s
}

// Matching ranks and invites volunteers for the needs' places.
func (s *Service) Matching() *Matching { return s.matching }

// ExpireNeed moves an open need whose last occurrence has ended, never
// staffed, to expired (the worker's job); moved is false when it was no
// longer open.
func (s *Service) ExpireNeed(ctx context.Context, id string) (moved bool, err error) {
	err = s.d.WithLock(ctx, "need:"+id, func() error {
		n, err := s.st.Needs.Need(ctx, id)
		if err != nil || n.Status != models.NeedOpen {
			return err
		}
		moved = true
		return s.moveNeed(ctx, n, models.NeedExpired, systemActor.AccountID, "time_passed", "")
	})
	return moved, err
}

// Reliability derives one volunteer's service-kept figures (invitations
// answered, places taken, hours committed, attendance, no-shows) as the
// index derives them.
func (m *Matching) Reliability(ctx context.Context, volunteerID string) (models.Reliability, error) {
	rel, err := m.volunteerReliability(ctx, volunteerID)
	if err != nil || rel[volunteerID] == nil {
		return models.Reliability{}, err
	}
	return *rel[volunteerID], nil
}

// systemActor is the service acting on its own (re-invitations, jobs).
var systemActor = &Actor{AccountID: "system"}

func label(v models.Vocabulary, code string) string {
	if t, ok := v.Label(code); ok {
		return t.Zh
	}
	return code
}

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}
