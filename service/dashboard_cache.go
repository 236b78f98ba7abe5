package service

import (
	"context"
	"sync"
	"time"

	"github.com/wushe/wushe/models"
)

// dashboardFresh bounds how stale a replica's dashboard may be: a snapshot
// taken by another replica (the nightly job, a refresh) shows here at most
// this long after it was stored. A snapshot this replica takes shows at
// once. The bound holds without Redis: the cache asks the database again
// once it is this old.
const dashboardFresh = 30 * time.Second

// dashboardCache keeps the latest snapshot and the views already made of
// it, so that a read of the dashboard is a map lookup, not a read and
// decode of the snapshot (about 0.5 s on the demo city) and a computation
// of the view. Views are shared by the readers: read-only once made.
type dashboardCache struct {
	mu     sync.Mutex
	snap   *models.DashboardSnapshot
	loaded time.Time // when snap was read or stored (the machine's clock)
	views  map[string]*models.DashboardView
	clock  func() time.Time // time.Now; a test's clock
}

func (c *dashboardCache) now() time.Time {
	if c.clock != nil {
		return c.clock()
	}
	return time.Now()
}

// view returns division's view of the latest snapshot, calling load when
// the cache is empty or older than dashboardFresh. Concurrent readers of a
// stale cache wait for one load.
func (c *dashboardCache) view(ctx context.Context, division string, load func(context.Context) (*models.DashboardSnapshot, error)) (*models.DashboardView, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap == nil || c.now().Sub(c.loaded) > dashboardFresh {
		snap, err := load(ctx)
		if err != nil {
			return nil, err
		}
		c.keep(snap)
	}
	if v, ok := c.views[division]; ok {
		return v, nil
	}
	v, err := c.snap.View(division)
	if err != nil {
		return nil, err
	}
	c.views[division] = v
	return v, nil
}

// stored replaces the cache by a snapshot this replica just stored.
func (c *dashboardCache) stored(snap *models.DashboardSnapshot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.keep(snap)
}

func (c *dashboardCache) keep(snap *models.DashboardSnapshot) {
	c.snap, c.loaded, c.views = snap, c.now(), map[string]*models.DashboardView{}
}
