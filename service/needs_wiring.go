package service

import (
	"context"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/parties"
)

// supervisorCandidates is the social workers a need's committee may ask to
// supervise (needs.Deps.SupervisorCandidates): the city pool and the
// carrying organisation's own staff, each once.
func (s *Service) supervisorCandidates(ctx context.Context, organisationID string) ([]*models.SocialWorker, error) {
	inPool := true
	workers, err := s.allSocialWorkers(ctx, parties.SocialWorkerFilter{Supervisor: &inPool})
	if err != nil || organisationID == "" {
		return workers, err
	}
	staff, err := s.allSocialWorkers(ctx, parties.SocialWorkerFilter{OrganisationID: organisationID})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, w := range workers {
		seen[w.AccountID] = true
	}
	for _, w := range staff {
		if !seen[w.AccountID] {
			workers = append(workers, w)
		}
	}
	return workers, nil
}

func (s *Service) allSocialWorkers(ctx context.Context, f parties.SocialWorkerFilter) ([]*models.SocialWorker, error) {
	var out []*models.SocialWorker
	p := Page{Limit: MaxPageSize}
	for {
		list, next, err := s.st.SocialWorkers.ListSocialWorkers(ctx, f, p)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
		if next == "" || len(out) > 100_000 {
			return out, nil
		}
		p.Cursor = next
	}
}
