package roles

import (
	"context"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// PersonScopes lists the division codes of every scope the account holds
// (its privileged bindings' divisions and its volunteer home community;
// see scopesHeld): what the CivilAffairsOverPerson relation is decided
// over, for the domains that act on a person (recognition's awards).
// models.ErrNotFound when there is no such account.
func (s *Service) PersonScopes(ctx context.Context, accountID string) ([]string, error) {
	a, err := s.st.Accounts.AccountByID(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if a.Status == models.AccountErased {
		return nil, core.ErrNotFound
	}
	return s.scopesHeld(ctx, a)
}
