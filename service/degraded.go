package service

import (
	"context"
	"sync/atomic"
	"time"
)

// degraded notes that an optional part (the token cache, a rate limiter,
// the matching index's bus: all on Redis) failed and the request goes on
// without it. It warns at most once a minute per part, so an outage is
// logged once, not once per request; the store's circuit breaker logs the
// outage's start and end, and /readyz and the metrics show it meanwhile.
func (s *Service) degraded(ctx context.Context, part string, err error) {
	now := time.Now().Unix()
	v, _ := s.degradedAt.LoadOrStore(part, new(atomic.Int64))
	last := v.(*atomic.Int64)
	prev := last.Load()
	if now-prev < 60 || !last.CompareAndSwap(prev, now) {
		return
	}
	s.log.WarnContext(ctx, part+" unavailable; going on without it (warned at most once a minute while it lasts)", "err", err)
}

// RedisRecovered repairs, on this replica, what a Redis outage may have
// left stale: index changes other replicas announced while the bus was
// down (this replica's matching index is rebuilt from MongoDB), accounts
// and needs they changed meanwhile (its copies of accounts are dropped,
// the published needs read again in the background), and votes
// whose leaderboard increments failed (the voting boards are rebuilt from
// the stored votes). Called when the Redis breaker closes.
func (s *Service) RedisRecovered(ctx context.Context) {
	if s.localAccounts != nil {
		s.localAccounts.ForgetAll() // notices of changes may have been lost meanwhile
	}
	s.needs.RefreshNeedsSoon()
	s.matching.RedisRecovered(ctx)
	if s.st.Leaderboard != nil {
		if _, err := s.comp.RebuildVotingLeaderboards(ctx); err != nil {
			s.log.WarnContext(ctx, "leaderboard rebuild after the Redis outage failed; the scheduled rebuild repairs it", "err", err)
		}
	}
}

// Follow keeps this replica's memories current with the changes other
// replicas (and the worker) announce on the bus, until ctx ends: accounts
// (without it, their changes are seen within accounts.LocalAccountTTL) and
// the published needs (within NeedCacheTTL).
func (s *Service) Follow(ctx context.Context) error {
	if s.localAccounts != nil {
		if err := s.localAccounts.Follow(ctx); err != nil {
			return err
		}
	}
	return s.needs.FollowNeeds(ctx)
}
