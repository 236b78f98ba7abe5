package needs

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// publishedStatuses are the statuses anyone may see a need in.
var publishedStatuses = []models.NeedStatus{models.NeedOpen, models.NeedStaffed, models.NeedInProgress, models.NeedCompleted,
	models.NeedEvaluated, models.NeedCancelled, models.NeedExpired}

// needSnapshot is this replica's picture of every published need: the
// counts, the public lists and "needs near me" are computed from it in
// memory. It is immutable: a change makes a new snapshot (copy on write),
// so readers never wait for writers.
type needSnapshot struct {
	takenAt   time.Time      // when the read of the store it comes from began
	needs     []*models.Need // by id
	truncated bool           // more than PublicNeedsCap needs were published: the snapshot holds the cap
	counts    sync.Map       // division code → []DivisionCount
}

// NeedsChannel is the bus channel on which replicas announce changed
// needs (the message is the need id).
const NeedsChannel = "needs"

// publicNeedCache holds this replica's snapshot. A need changed on this
// replica is applied to it at once and announced on the bus; the other
// replicas read that one need by id and apply it (milliseconds). A full
// read of the store repairs whatever notice was lost: it starts in the
// background once the snapshot is half NeedCacheTTL old, while the
// snapshot keeps serving, and a request that finds it NeedCacheTTL old
// waits for the read (of concurrent ones, one reads and the others wait):
// no answer is older than NeedCacheTTL with respect to changes whose
// notice was lost, and none misses a change made on this replica.
type publicNeedCache struct {
	mu      sync.Mutex
	snap    *needSnapshot
	loading chan struct{} // closed when the read in flight ends; nil when none
	// pending are the changes applied while a read is in flight (nil: the
	// need is no longer published), applied again to what it read.
	pending map[string]*models.Need
}

// invalidateNeeds drops the snapshot: a change of a need failed in a way
// that leaves its outcome unknown, so the next request reads the store.
func (s *Service) invalidateNeeds() {
	c := &s.cache
	c.mu.Lock()
	c.snap = nil
	if c.pending != nil {
		c.pending = nil
		c.loading = nil // the read in flight began before: its answer is not installed
	}
	c.mu.Unlock()
}

// needSaved brings the snapshots up to date after n was written (err nil)
// or a write of it failed (the outcome unknown: this replica reads the
// store again). Other replicas hear of it on the bus.
func (s *Service) needSaved(ctx context.Context, n *models.Need, err error) {
	if err != nil {
		s.invalidateNeeds()
	} else {
		c := *n
		s.applyNeed(n.ID, &c)
	}
	if s.st.Bus != nil {
		if err := s.st.Bus.Publish(context.WithoutCancel(ctx), NeedsChannel, n.ID); err != nil {
			s.d.Degraded(ctx, "need change notices", err)
		}
	}
}

// applyNeed puts n (nil: not published any more) into the snapshot.
func (s *Service) applyNeed(id string, n *models.Need) {
	if n != nil && !slices.Contains(publishedStatuses, n.Status) {
		n = nil
	}
	c := &s.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != nil {
		c.snap = c.snap.with(id, n)
	}
	if c.pending != nil {
		c.pending[id] = n
	}
}

// FollowNeeds applies the needs other replicas announce, until ctx ends.
func (s *Service) FollowNeeds(ctx context.Context) error {
	if s.st.Bus == nil {
		return nil
	}
	return s.st.Bus.Subscribe(ctx, NeedsChannel, func(id string) {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		n, err := s.st.Needs.Need(rctx, id)
		switch {
		case core.IsKind(err, models.KindNotFound):
			s.applyNeed(id, nil)
		case err != nil:
			// The full read repairs it within NeedCacheTTL.
			s.d.Log.Warn("could not read a need another replica changed", "need", id, "err", err)
		default:
			s.applyNeed(id, n)
		}
	})
}

// RefreshNeedsSoon starts a full read of the published needs in the
// background (after a Redis outage: notices may have been lost).
func (s *Service) RefreshNeedsSoon() {
	c := &s.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loading == nil {
		s.startRead(c)
	}
}

// publishedNeeds returns the snapshot of the published needs: no older
// than NeedCacheTTL, with every change made on this replica.
func (s *Service) publishedNeeds(ctx context.Context) (*needSnapshot, error) {
	c := &s.cache
	for {
		c.mu.Lock()
		sn := c.snap
		if sn != nil {
			age := s.d.Now().Sub(sn.takenAt)
			if age < s.d.NeedCacheTTL {
				if age >= s.d.NeedCacheTTL/2 && c.loading == nil {
					s.startRead(c) // refresh ahead: this request does not wait for it
				}
				c.mu.Unlock()
				return sn, nil
			}
		}
		if c.loading == nil {
			s.startRead(c)
		}
		wait := c.loading
		c.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, models.ErrUnavailable.Wrap(context.Cause(ctx))
		}
		c.mu.Lock()
		sn, failed := c.snap, c.snap == nil || s.d.Now().Sub(c.snap.takenAt) >= s.d.NeedCacheTTL
		c.mu.Unlock()
		if !failed {
			return sn, nil
		}
		// The read failed, or a change's failure dropped it: read again,
		// unless the store is what fails.
		if err := s.lastReadErr(); err != nil {
			return nil, err
		}
	}
}

// startRead starts a full read of the store; c.mu is held.
func (s *Service) startRead(c *publicNeedCache) {
	done := make(chan struct{})
	c.loading, c.pending = done, map[string]*models.Need{}
	taken := s.d.Now() // the caller's clock: tests move theirs while the read runs
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		sn, err := s.readPublishedNeeds(ctx, taken)
		c.mu.Lock()
		defer c.mu.Unlock()
		s.readErr.Store(&readOutcome{err: err})
		if c.loading != done {
			close(done) // dropped by invalidateNeeds: its answer may predate a change
			return
		}
		if err == nil {
			// What changed while the read ran is applied again on top.
			for id, n := range c.pending {
				sn = sn.with(id, n)
			}
			c.snap = sn
		} else {
			s.d.Log.Warn("could not read the published needs; the next request reads again", "err", err)
		}
		c.loading, c.pending = nil, nil
		close(done)
	}()
}

// readOutcome is how the last full read ended.
type readOutcome struct{ err error }

// lastReadErr is the error of the last full read (nil when it succeeded).
func (s *Service) lastReadErr() error {
	if o := s.readErr.Load(); o != nil {
		return o.err
	}
	return nil
}

// with is the snapshot with need id replaced by n (nil: removed).
func (sn *needSnapshot) with(id string, n *models.Need) *needSnapshot {
	i, found := sort.Find(len(sn.needs), func(i int) int { return strings.Compare(id, sn.needs[i].ID) })
	var out []*models.Need
	switch {
	case found && n != nil:
		out = slices.Clone(sn.needs)
		out[i] = n
	case found:
		out = slices.Delete(slices.Clone(sn.needs), i, i+1)
	case n != nil:
		out = make([]*models.Need, 0, len(sn.needs)+1)
		out = append(append(append(out, sn.needs[:i]...), n), sn.needs[i:]...)
	default:
		return sn
	}
	return &needSnapshot{takenAt: sn.takenAt, needs: out, truncated: sn.truncated}
}

// readPublishedNeeds reads every published need (up to the cap), by id.
func (s *Service) readPublishedNeeds(ctx context.Context, taken time.Time) (*needSnapshot, error) {
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
