package needs

import (
	"context"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// IndexFeed is what keeps the matching index cheaply: the volunteers cut
// to the fields the index reads, and a change log. Every "volunteer X
// changed" (VolunteerChanged, called after the change is written) is
// appended to the log as well as published on the bus, so a replica that
// missed the message — Redis down or restarted, a dropped subscription —
// catches up by reading the log since its watermark instead of the whole
// collection. The log is the one place a deletion (an erased volunteer)
// survives the document.
type IndexFeed interface {
	// EachMatchProfile streams every volunteer with the fields the index
	// reads (no reliability figures; a Guardian that only says consent is
	// recorded).
	EachMatchProfile(ctx context.Context, fn func(*models.Volunteer) error) error
	RecordVolunteerChange(ctx context.Context, volunteerID string, at time.Time) error
	// VolunteerChangesSince lists, once each, the volunteers logged at or after t.
	VolunteerChangesSince(ctx context.Context, t time.Time) ([]string, error)
	// VolunteersWithPlacesEnding lists, once each, the volunteers holding
	// a place whose window ends in (from, to].
	VolunteersWithPlacesEnding(ctx context.Context, from, to time.Time) ([]string, error)
	// PruneVolunteerChanges deletes the entries logged before t.
	PruneVolunteerChanges(ctx context.Context, t time.Time) (int, error)
}

const (
	// IndexCatchUpMargin is how far before its watermark a catch-up reads
	// the log. A change is applied by the first catch-up after it as long
	// as its entry became readable less than this after the writer stamped
	// it, as the reading replica's clock tells: the writer's clock ahead of
	// or behind the reader's, plus the time from the stamp to the insert's
	// commit, must stay under it. Entries inside the margin are read again
	// by the next catch-up, which costs only a re-read of those volunteers.
	IndexCatchUpMargin = 2 * time.Minute
	// IndexChangeRetention is how long log entries are kept (the job
	// resync_matching prunes older ones). A replica whose watermark is
	// older than this less the margin (a catch-up failing for a day)
	// rebuilds instead of catching up.
	IndexChangeRetention = 48 * time.Hour
	// indexRetryAfter is the Retry-After of a matching call while the index loads.
	indexRetryAfter = 5
)

// errIndexLoading answers matching calls while this replica loads its index.
var errIndexLoading = &models.Error{Kind: models.KindUnavailable, RetryAfter: indexRetryAfter,
	Zh: "匹配索引正在加载，请稍后再试", En: "the matching index is loading; try again shortly"}

// IndexLoading reports whether this replica is loading its matching index
// (StartMatching until the first build and its catch-up are done):
// /readyz is 503 meanwhile and the matching calls answer 503.
func (m *Matching) IndexLoading() bool { return m.match.loading.Load() }

// StartMatching starts loading the index in the background and returns at
// once: the replica serves everything else while it loads, but is not
// ready (IndexLoading) and answers matching calls 503 with Retry-After. A
// failed load is retried. Once loaded, the index follows other replicas'
// changes on the bus and catches up from the change log every catchUp
// (repairing any missed message) until ctx ends. ready, when set, is
// called once the index is loaded.
func (m *Matching) StartMatching(ctx context.Context, catchUp time.Duration, ready func()) error {
	m.match.loading.Store(true)
	if m.st.Bus != nil {
		// Subscribed before the load: a message during it finds no index
		// and is dropped, but its change is in the log the catch-up reads.
		if err := m.st.Bus.Subscribe(ctx, indexChannel, func(id string) {
			if id == resyncAll {
				if err := m.ResyncMatching(context.WithoutCancel(ctx)); err != nil {
					m.d.Log.Warn("matching index resync failed", "err", err)
				}
				return
			}
			if err := m.reindexVolunteer(context.WithoutCancel(ctx), id); err != nil {
				m.d.Log.Warn("could not apply an index change from another replica", "volunteer", id, "err", err)
			}
		}); err != nil {
			m.match.loading.Store(false)
			return err
		}
	}
	go func() {
		for !m.loadAtStart(ctx) {
			select {
			case <-ctx.Done():
				return
			case <-time.After(5 * time.Second):
			}
		}
		if ready != nil {
			ready()
		}
		if catchUp <= 0 {
			return
		}
		t := time.NewTicker(catchUp)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := m.CatchUpMatching(ctx); err != nil {
					m.d.Log.Warn("matching index catch-up failed; the next one retries", "err", err)
				}
			}
		}
	}()
	return nil
}

// loadAtStart builds the index, catches up on what changed meanwhile and
// ends loading; false when it failed (logged).
func (m *Matching) loadAtStart(ctx context.Context) bool {
	start := time.Now()
	m.match.build.Lock()
	ix, err := m.rebuildLocked(ctx)
	m.match.build.Unlock()
	if err != nil {
		m.d.Log.Warn("matching index load failed; retrying in 5 s", "err", err)
		return false
	}
	if _, err := m.CatchUpMatching(ctx); err != nil {
		m.d.Log.Warn("matching index catch-up after the load failed; the next one retries", "err", err)
	}
	m.match.loading.Store(false)
	m.d.Log.Info("matching index loaded", "volunteers", ix.Len(), "ms", time.Since(start).Milliseconds())
	return true
}

// CatchUpMatching applies to this replica's index every volunteer logged
// as changed since its watermark less IndexCatchUpMargin, and every
// volunteer whose place ended meanwhile (time alone changes what the index
// derives from it: the commitment is over, a no-show counts, a place
// leaves the fairness window), then moves the watermark to when it began.
// It reports how many volunteers it re-read. Without an index it does
// nothing (the first use builds one); without a change log, or with a
// watermark older than the log keeps, it rebuilds.
func (m *Matching) CatchUpMatching(ctx context.Context) (int, error) {
	m.match.build.Lock()
	defer m.match.build.Unlock()
	ix := m.match.ix.Load()
	if ix == nil {
		return 0, nil
	}
	now := m.d.Now()
	since := m.match.mark.Add(-IndexCatchUpMargin)
	feed := m.st.IndexFeed
	if feed == nil || now.Sub(since) > IndexChangeRetention {
		ix, err := m.rebuildLocked(ctx)
		if err != nil {
			return 0, err
		}
		return ix.Len(), nil
	}
	changed, err := feed.VolunteerChangesSince(ctx, since)
	if err != nil {
		return 0, err
	}
	ended, err := feed.VolunteersWithPlacesEnding(ctx, since, now)
	if err != nil {
		return 0, err
	}
	aged, err := feed.VolunteersWithPlacesEnding(ctx, since.Add(-fairnessWindow), now.Add(-fairnessWindow))
	if err != nil {
		return 0, err
	}
	seen := map[string]bool{}
	for _, ids := range [][]string{changed, ended, aged} {
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			if err := m.reindexVolunteer(ctx, id); err != nil {
				return 0, err // the watermark stays: the next catch-up reads it all again
			}
		}
	}
	m.match.mark = now
	return len(seen), nil
}

// VolunteerChanged applies a change of one volunteer (profile or
// commitments), already written, to this replica's index, logs it for the
// other replicas' catch-up and announces it to them on the bus.
func (m *Matching) VolunteerChanged(ctx context.Context, id string) {
	if m.match.ix.Load() != nil {
		if err := m.reindexVolunteer(ctx, id); err != nil {
			m.d.Log.WarnContext(ctx, "matching index not updated; the next catch-up repairs it", "volunteer", id, "err", err)
		}
	}
	if m.st.IndexFeed != nil {
		if err := m.st.IndexFeed.RecordVolunteerChange(ctx, id, m.d.Now()); err != nil {
			// Only the bus carries this one now; the daily rebuild repairs a lost message.
			m.d.Log.WarnContext(ctx, "matching change not logged; other replicas rely on the bus for it", "volunteer", id, "err", err)
		}
	}
	if m.st.Bus != nil {
		if err := m.st.Bus.Publish(ctx, indexChannel, id); err != nil {
			// Other replicas catch up from the log when Redis is back (RedisRecovered) and at their next catch-up.
			m.d.Degraded(ctx, "matching bus", err)
		}
	}
}

// reindexVolunteer reloads one volunteer and their commitments into the
// index, or removes them when the profile is gone.
func (m *Matching) reindexVolunteer(ctx context.Context, id string) error {
	ix := m.match.ix.Load()
	if ix == nil {
		return nil
	}
	v, err := m.st.Volunteers.Volunteer(ctx, id)
	if core.IsKind(err, models.KindNotFound) {
		ix.Remove(id)
		return nil
	} else if err != nil {
		return err
	}
	rel, as, now, err := m.volunteerFigures(ctx, id)
	if err != nil {
		return err
	}
	var ws []models.Window // the places still to come are its commitments
	for _, a := range as {
		if a.Window.End.After(now) {
			ws = append(ws, a.Window)
		}
	}
	rel.apply(v)
	ix.Upsert(asMatched(v))
	ix.SetCommitments(id, ws)
	return nil
}

// resyncAll is the bus message that asks every replica to rebuild its index.
const resyncAll = "*"

// RequestMatchingResync asks every replica to rebuild its matching index
// from the database (each API process holds its own): the repair for a
// change the log missed (a process that died between a write and its log
// entry, a write made outside the service).
func (m *Matching) RequestMatchingResync(ctx context.Context) error {
	if m.st.Bus == nil {
		return m.ResyncMatching(ctx)
	}
	return m.st.Bus.Publish(ctx, indexChannel, resyncAll)
}

// PruneIndexChanges deletes the change log's entries older than
// IndexChangeRetention; without a log it does nothing.
func (m *Matching) PruneIndexChanges(ctx context.Context) (int, error) {
	if m.st.IndexFeed == nil {
		return 0, nil
	}
	return m.st.IndexFeed.PruneVolunteerChanges(ctx, m.d.Now().Add(-IndexChangeRetention))
}

// ResyncMatching rebuilds this replica's matching index from the database,
// serving the old one meanwhile, then catches up on what changed during
// the build.
func (m *Matching) ResyncMatching(ctx context.Context) error {
	start := time.Now()
	m.match.build.Lock()
	ix, err := m.rebuildLocked(ctx)
	m.match.build.Unlock()
	if err != nil {
		return err
	}
	if _, err := m.CatchUpMatching(ctx); err != nil {
		return err
	}
	m.d.Log.InfoContext(ctx, "matching index rebuilt", "volunteers", ix.Len(), "ms", time.Since(start).Milliseconds())
	return nil
}

// RedisRecovered catches this replica's index, if it has one, up from the
// change log: changes other replicas announced while the bus was down
// were missed. A failure is logged; the periodic catch-up repairs it.
func (m *Matching) RedisRecovered(ctx context.Context) {
	if m.match.ix.Load() == nil {
		return
	}
	if _, err := m.CatchUpMatching(ctx); err != nil {
		m.d.Log.WarnContext(ctx, "matching catch-up after the Redis outage failed; the periodic one repairs it", "err", err)
	}
}
