package parties

import (
	"context"

	"github.com/wushe/wushe/models"
)

// VolunteerStore keeps volunteers' profiles (one per account).
type VolunteerStore interface {
	// Volunteer returns models.ErrNotFound when the account has no profile.
	Volunteer(ctx context.Context, accountID string) (*models.Volunteer, error)
	// SaveVolunteer inserts or replaces the profile.
	SaveVolunteer(ctx context.Context, v *models.Volunteer) error
	ListVolunteers(ctx context.Context, f VolunteerFilter, p Page) ([]*models.Volunteer, string, error)
	// ClaimIDNumber records that accountID holds the ID number with this
	// hash, by a unique insert: models.ErrConflict when another account
	// holds it, wrapping an IDNumberHeldBy that names the holder; claiming
	// one's own again succeeds.
	ClaimIDNumber(ctx context.Context, hash, accountID string) error
	// ReleaseIDNumber gives up accountID's claim (no-op when not held).
	ReleaseIDNumber(ctx context.Context, hash, accountID string) error
	// EachVolunteer calls fn with every profile (to build the matching index).
	EachVolunteer(ctx context.Context, fn func(*models.Volunteer) error) error
}

// VolunteerFilter narrows a list of volunteers; empty fields match all.
type VolunteerFilter struct {
	Community string // home community (village-level code)
	Division  string // home community inside this division
	Verified  *bool  // real-name verified or not
	// IDNumberConflict lists only profiles whose ID number another account held.
	IDNumberConflict bool
}

// IDNumberHeldBy is the account that holds a contested ID number (the
// cause of ClaimIDNumber's conflict), for civil affairs' audit entry.
type IDNumberHeldBy string

func (h IDNumberHeldBy) Error() string { return "the ID number is held by account " + string(h) }

// SocialWorkerStore keeps social workers' professional profiles.
type SocialWorkerStore interface {
	// SocialWorker returns models.ErrNotFound when the account has no profile.
	SocialWorker(ctx context.Context, accountID string) (*models.SocialWorker, error)
	// SaveSocialWorker inserts or replaces the profile.
	SaveSocialWorker(ctx context.Context, w *models.SocialWorker) error
	ListSocialWorkers(ctx context.Context, f SocialWorkerFilter, p Page) ([]*models.SocialWorker, string, error)
	// SocialWorkersByIDs reads many profiles in one round trip; missing ids are absent.
	SocialWorkersByIDs(ctx context.Context, ids []string) (map[string]*models.SocialWorker, error)
	// SocialWorkersEmployedBy lists the profiles employed by one of orgIDs, in one round trip.
	SocialWorkersEmployedBy(ctx context.Context, orgIDs []string) ([]*models.SocialWorker, error)
}

// SocialWorkerFilter narrows a list of social workers; empty fields match all.
type SocialWorkerFilter struct {
	OrganisationID  string
	StationTownCode string
	Division        string // station or base inside this division
	Supervisor      *bool  // in the supervisor pool
	MinLevel        models.CertificateLevel
}
