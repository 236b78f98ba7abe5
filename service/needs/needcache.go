package needs

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/wushe/wushe/models"
)

// publishedStatuses are the statuses anyone may see a need in.
var publishedStatuses = []models.NeedStatus{models.NeedOpen, models.NeedStaffed, models.NeedInProgress, models.NeedCompleted,
	models.NeedEvaluated, models.NeedCancelled, models.NeedExpired}

// needSnapshot is one read of every published need: the counts, the
// public lists and "needs near me" are computed from it in memory, so that
// anonymous and frequent reads cost one database scan per NeedCacheTTL on
// each replica instead of one per request (FerretDB scans the whole
// collection for any filter; DESIGN.md).
type needSnapshot struct {
	takenAt   time.Time
	needs     []*models.Need // by id
	truncated bool           // more than PublicNeedsCap needs were published: the snapshot holds the cap
	counts    sync.Map       // division code → []DivisionCount
}

// publicNeedCache holds this replica's snapshot. It is replaced when older than
// NeedCacheTTL and dropped when this replica changes a need, so that a
// committee sees its own change at once; changes made on other replicas
// (or by the worker) show within NeedCacheTTL. Of concurrent requests that
// find it stale, one reads the store and the others wait for that read.
type publicNeedCache struct {
	mu      sync.Mutex
	snap    *needSnapshot
	gen     uint64        // bumped by every local change of a need
	loading chan struct{} // closed when the read in flight ends; nil when none
	loadGen uint64        // the gen the read in flight started at
}

// invalidateNeeds drops the snapshot: a need changed on this replica.
func (s *Service) invalidateNeeds() {
	c := &s.cache
	c.mu.Lock()
	c.gen++
	c.snap = nil
	c.mu.Unlock()
}

// publishedNeeds returns a snapshot of the published needs no older than
// NeedCacheTTL and taken after this replica's last change of a need.
func (s *Service) publishedNeeds(ctx context.Context) (*needSnapshot, error) {
	c := &s.cache
	for {
		c.mu.Lock()
		if sn := c.snap; sn != nil && s.d.Now().Sub(sn.takenAt) < s.d.NeedCacheTTL {
			c.mu.Unlock()
			return sn, nil
		}
		if c.loading != nil {
			wait, fresh := c.loading, c.loadGen == c.gen
			c.mu.Unlock()
			select {
			case <-wait:
			case <-ctx.Done():
				return nil, models.ErrUnavailable.Wrap(context.Cause(ctx))
			}
			if fresh {
				c.mu.Lock()
				sn := c.snap
				c.mu.Unlock()
				if sn != nil {
					return sn, nil
				}
			}
			continue // the read failed, or began before a change: read again
		}
		done := make(chan struct{})
		c.loading, c.loadGen = done, c.gen
		c.mu.Unlock()

		sn, err := s.readPublishedNeeds(ctx)

		c.mu.Lock()
		if err == nil && c.loadGen == c.gen {
			c.snap = sn
		}
		c.loading = nil
		close(done)
		c.mu.Unlock()
		if err != nil {
			return nil, err
		}
		return sn, nil
	}
}

func (s *Service) readPublishedNeeds(ctx context.Context) (*needSnapshot, error) {
	taken := s.d.Now()
	limit := s.d.PublicNeedsCap
	needs, err := s.st.Needs.NeedsWithStatus(ctx, publishedStatuses, "", limit+1)
	if err != nil {
		return nil, err
	}
	sn := &needSnapshot{takenAt: taken}
	if len(needs) > limit {
		needs, sn.truncated = needs[:limit], true
		s.d.Log.WarnContext(ctx, "more published needs than the public snapshot holds: counts and public lists are incomplete; raise WUSHE_PUBLIC_NEEDS_CAP",
			"cap", limit)
	}
	sort.Slice(needs, func(i, j int) bool { return needs[i].ID < needs[j].ID })
	sn.needs = needs
	return sn, nil
}

// matches reports whether a published need passes the filter (the store's
// needFilter, in Go).
func (f NeedFilter) matches(n *models.Need) bool {
	if f.Community != "" && n.CommunityCode != f.Community {
		return false
	}
	if f.Division != "" && (len(n.CommunityCode) < len(f.Division) || n.CommunityCode[:len(f.Division)] != f.Division) {
		return false
	}
	if f.Domain != "" && n.Domain != f.Domain {
		return false
	}
	if len(f.Statuses) > 0 {
		in := false
		for _, st := range f.Statuses {
			in = in || n.Status == st
		}
		if !in {
			return false
		}
	}
	if f.Public && n.Status == models.NeedDraft {
		return false
	}
	if !f.From.IsZero() || !f.To.IsZero() {
		begins, ends := n.Span()
		if !f.From.IsZero() && !ends.After(f.From) {
			return false
		}
		if !f.To.IsZero() && !begins.Before(f.To) {
			return false
		}
	}
	return true
}

// pagePublished pages the snapshot's needs that pass f, in id order, with
// the store's cursor (the last id of the page).
func (sn *needSnapshot) page(f NeedFilter, p Page) ([]*models.Need, string) {
	start := sort.Search(len(sn.needs), func(i int) bool { return sn.needs[i].ID > p.Cursor })
	var out []*models.Need
	for _, n := range sn.needs[start:] {
		if !f.matches(n) {
			continue
		}
		if len(out) == p.Limit {
			return out, out[len(out)-1].ID
		}
		out = append(out, n)
	}
	return out, ""
}
