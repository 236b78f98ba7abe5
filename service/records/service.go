// Package records holds what is recorded of service and training and what
// is certified from it: attendance and check-in, service hours and the one
// decision on each, signed service-record statements and hours exports,
// the qualification pathway, supervision sessions and service-object
// feedback, continuing-education compliance and training records. What it
// needs from the rest of the service comes in through Stores and Deps,
// built by service.New.
package records

import (
	"context"
	"crypto/ed25519"
	"strconv"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

// Actor and Page are the shared vocabulary of the service domains.
type (
	Actor = core.Actor
	Page  = core.Page
)

// TransitionStore keeps the trails of hours records.
type TransitionStore interface {
	// RecordTransition inserts t; models.ErrConflict when (t.Object, t.Seq) exists.
	RecordTransition(ctx context.Context, t *models.Transition) error
	// Transitions lists an object's changes in order.
	Transitions(ctx context.Context, object string) ([]models.Transition, error)
}

// AccountReader reads accounts (verifiers' and volunteers' names, the
// roles of a person whose work is verified).
type AccountReader interface {
	AccountByID(ctx context.Context, id string) (*models.Account, error)
	// AccountsByIDs reads many in one round trip; missing ids are absent.
	AccountsByIDs(ctx context.Context, ids []string) (map[string]*models.Account, error)
}

// VolunteerReader reads volunteer profiles (names and ID numbers on
// statements, marked volunteers).
type VolunteerReader interface {
	Volunteer(ctx context.Context, accountID string) (*models.Volunteer, error)
}

// SocialWorkerReader reads social-worker profiles (certificates, employers).
type SocialWorkerReader interface {
	SocialWorker(ctx context.Context, accountID string) (*models.SocialWorker, error)
	// SocialWorkersByIDs reads many in one round trip; missing ids are absent.
	SocialWorkersByIDs(ctx context.Context, ids []string) (map[string]*models.SocialWorker, error)
	// SocialWorkersEmployedBy lists the profiles whose employer is one of
	// orgIDs, in one round trip.
	SocialWorkersEmployedBy(ctx context.Context, orgIDs []string) ([]*models.SocialWorker, error)
}

// OrganisationReader reads organisations (certifiers, employers).
type OrganisationReader interface {
	Organisation(ctx context.Context, id string) (*models.Organisation, error)
}

// Stores are the stores records use: its own four, and narrow readers of
// the others.
type Stores struct {
	Hours          HoursStore
	ServiceRecords ServiceRecordStore
	Pathway        PathwayStore
	Supervision    SupervisionStore
	Transitions    TransitionStore
	Accounts       AccountReader
	Volunteers     VolunteerReader
	SocialWorkers  SocialWorkerReader
	Organisations  OrganisationReader
}

// Deps is what records call in the rest of the service: the shared floor
// (of which it uses the clock, the audit log, the expensive-read limit and
// the object locks), the settings of check-in and statements, the needs
// and plans that hours are recorded against, the matching index, and the
// organisation list.
type Deps struct {
	*core.Shared

	// CheckinSecret keys the rotating check-in codes.
	CheckinSecret []byte
	// CheckinRadiusKm is how near the place a phone must be to check in.
	CheckinRadiusKm float64
	// SigningKey signs service-record statements (Ed25519); nil disables signing.
	SigningKey ed25519.PrivateKey

	// Need reads a need (models.ErrNotFound when there is none).
	Need func(ctx context.Context, id string) (*models.Need, error)
	// Plan is the need's plan (an empty one when it has none).
	Plan func(ctx context.Context, n *models.Need) (*models.Plan, error)
	// Assignments lists the places in a need's plan.
	Assignments func(ctx context.Context, needID string) ([]*models.Assignment, error)
	// ClaimTime claims a walk-in's time slots for an attendance
	// (models.ErrConflict when the volunteer is taken then).
	ClaimTime func(ctx context.Context, volunteerID string, slots []models.SlotKey, assignmentID string) error
	// SupervisedNeeds lists the needs whose plans a social worker supervises.
	SupervisedNeeds func(ctx context.Context, socialWorkerID string) ([]string, error)
	// NeedForCommittee reads a need its committee manages (forbidden or
	// not found otherwise).
	NeedForCommittee func(ctx context.Context, actor *Actor, needID string) (*models.Need, error)
	// VolunteerChanged refreshes a volunteer in the matching index.
	VolunteerChanged func(ctx context.Context, id string)
	// OrganisationsIn pages the organisations registered in, or serving,
	// a division.
	OrganisationsIn func(ctx context.Context, division string, p Page) ([]*models.Organisation, string, error)
}

// Service records service and training.
type Service struct {
	st Stores
	d  Deps
}

// New builds the records service.
func New(st Stores, d Deps) *Service { return &Service{st: st, d: d} }

// mayManageNeed: the need's committee (or civil affairs above it).
func mayManageNeed(actor *Actor, n *models.Need) bool {
	return policy.Allowed(actor, "update-need", policy.NeedObject(n))
}

func itoa(i int) string { return strconv.Itoa(i) }
