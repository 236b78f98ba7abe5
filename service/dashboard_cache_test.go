package service

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
)

// The dashboard cache: one load serves every reader until the freshness
// bound; a snapshot this replica stores shows at once; one taken elsewhere
// shows once the bound has passed; a failed load is not kept.
func TestDashboardCache(t *testing.T) {
	now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	c := &dashboardCache{clock: func() time.Time { return now }}
	stored := snapshotOn(t, "2026-12-04", 1)
	var loads atomic.Int32
	load := func(context.Context) (*models.DashboardSnapshot, error) {
		loads.Add(1)
		return stored, nil
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.view(ctx, "4101", load); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := loads.Load(); n != 1 {
		t.Fatalf("200 concurrent readers loaded %d times, want 1", n)
	}
	first, _ := c.view(ctx, "4101", load)
	if again, _ := c.view(ctx, "4101", load); again != first {
		t.Error("the same division's view was made again")
	}

	// Another replica stores a newer snapshot: within the bound this
	// replica still answers the one it has, then the new one.
	stored = snapshotOn(t, "2026-12-05", 2)
	now = now.Add(dashboardFresh)
	if v, _ := c.view(ctx, "4101", load); v.Date != "2026-12-04" {
		t.Errorf("at the bound: %s", v.Date)
	}
	now = now.Add(time.Second)
	if v, _ := c.view(ctx, "4101", load); v.Date != "2026-12-05" || loads.Load() != 2 {
		t.Errorf("past the bound: %s after %d loads", v.Date, loads.Load())
	}

	// A snapshot this replica stores shows at once.
	c.stored(snapshotOn(t, "2026-12-06", 3))
	if v, _ := c.view(ctx, "4101", load); v.Date != "2026-12-06" || loads.Load() != 2 {
		t.Errorf("after storing: %s after %d loads", v.Date, loads.Load())
	}

	// A failed load answers the error and keeps nothing.
	now = now.Add(2 * dashboardFresh)
	boom := errors.New("database down")
	if _, err := c.view(ctx, "4101", func(context.Context) (*models.DashboardSnapshot, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("failed load: %v", err)
	}
	if v, _ := c.view(ctx, "4101", load); v.Date != "2026-12-05" {
		t.Errorf("after a failed load: %s", v.Date)
	}
}

// snapshotOn is an empty city snapshot of date with n needs posted.
func snapshotOn(t *testing.T, date string, n int) *models.DashboardSnapshot {
	t.Helper()
	day, err := time.ParseInLocation("2006-01-02", date, models.Shanghai())
	if err != nil {
		t.Fatal(err)
	}
	b := models.NewDashboardBuilder(day.Add(12 * time.Hour))
	for i := range n {
		b.AddNeed(&models.Need{ID: string(rune('a' + i)), CommunityCode: "410102007002", Status: models.NeedOpen, CreatedAt: day})
	}
	return b.Snapshot()
}
