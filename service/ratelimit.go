package service

import (
	"context"
	"time"

	"github.com/wushe/wushe/models"
)

// limit counts one attempt under key and refuses it (429 with Retry-After)
// once more than limit attempts fell in the window. A Redis outage fails
// open, logged once a minute: rate limits protect against abuse, never
// decide an outcome.
func (s *Service) limit(ctx context.Context, key string, limit int, window time.Duration) error {
	ok, retry, err := s.st.Limiter.Hit(ctx, key, limit, window)
	if err != nil {
		s.degraded(ctx, "rate limiter", err)
		return nil
	}
	if !ok {
		e := *models.ErrRateLimited
		e.RetryAfter = max(1, int(retry.Round(time.Second)/time.Second))
		return &e
	}
	return nil
}
