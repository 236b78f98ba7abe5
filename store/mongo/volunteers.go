package mongo

import (
	"context"
	"errors"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
)

var _ service.VolunteerStore = (*Volunteers)(nil)

var errUnwritten = errors.New("not written yet")

// TEMPORARY: being written; replaced by the real implementation.
func (s *Volunteers) Volunteer(ctx context.Context, id string) (*models.Volunteer, error) {
	return nil, models.ErrNotFound.Wrap(errUnwritten)
}
func (s *Volunteers) SaveVolunteer(ctx context.Context, v *models.Volunteer) error {
	return errUnwritten
}
func (s *Volunteers) ListVolunteers(ctx context.Context, f service.VolunteerFilter, p service.Page) ([]*models.Volunteer, string, error) {
	return nil, "", errUnwritten
}
