package mongo

import (
	"context"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
)

var _ service.SocialWorkerStore = (*SocialWorkers)(nil)

// TEMPORARY: being written; replaced by the real implementation.
func (s *SocialWorkers) SocialWorker(ctx context.Context, id string) (*models.SocialWorker, error) {
	return nil, models.ErrNotFound.Wrap(errUnwritten)
}
func (s *SocialWorkers) SaveSocialWorker(ctx context.Context, w *models.SocialWorker) error {
	return errUnwritten
}
func (s *SocialWorkers) ListSocialWorkers(ctx context.Context, f service.SocialWorkerFilter, p service.Page) ([]*models.SocialWorker, string, error) {
	return nil, "", errUnwritten
}
