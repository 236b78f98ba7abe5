package service

import (
	"context"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/posts"
)

// countPosts feeds the posts registry to the snapshot (issue 18): every
// unit and post page by page, and every filled holding streamed, with
// whether its holder's certificate is verified now (the allowance of
// certified community workers). workers are the profiles the snapshot
// read already.
func (s *Service) countPosts(ctx context.Context, b *models.DashboardBuilder, workers map[string]*models.SocialWorker) error {
	if s.st.Posts == nil {
		return nil
	}
	if err := eachItem(func(p Page) ([]*models.EmployingUnit, string, error) {
		return s.st.Posts.ListUnits(ctx, "", p)
	}, b.AddEmployingUnit); err != nil {
		return err
	}
	if err := eachItem(func(p Page) ([]*models.Post, string, error) {
		return s.st.Posts.ListPosts(ctx, posts.PostFilter{}, p)
	}, b.AddPost); err != nil {
		return err
	}
	return s.st.Posts.EachFilledHolding(ctx, func(h *models.PostHolding) error {
		w := workers[h.AccountID]
		b.AddPostHolding(h, w != nil && w.Verified())
		return nil
	})
}
