package needs_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wushe/wushe/service/needs"
)

// TestMatchingLoadFigures measures, on the embedded FerretDB, what a
// replica's matching index costs for a city of n synthetic volunteers
// seeded through the store: the full re-read of whole profiles (what every
// replica did every 10 minutes before the change log), the start to ready
// of StartMatching (a projection, then a catch-up), the heap each index
// keeps, and the catch-up after k changed volunteers. It reports and
// asserts nothing timed; figures go to docs/performance.md.
//
//	WUSHE_MATCHING_LOAD=5000,100000 go test ./service/needs/ -run TestMatchingLoadFigures -v -timeout 60m
func TestMatchingLoadFigures(t *testing.T) {
	sizes := os.Getenv("WUSHE_MATCHING_LOAD")
	if sizes == "" {
		t.Skip("set WUSHE_MATCHING_LOAD=5000,100000 to measure")
	}
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			t.Fatal(err)
		}
		t.Run(s, func(t *testing.T) { loadFigures(t, n) })
	}
}

func heapNow() (heap, total uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc, ms.TotalAlloc
}

func loadFigures(t *testing.T, n int) {
	e := newEnv(t)
	start := time.Now()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < n; i += 4 {
				r := rand.New(rand.NewPCG(uint64(i), 17))
				if err := e.db.Volunteers().SaveVolunteer(e.ctx, syntheticVolunteer(r, i, e.now)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("n=%d seeded in %v", n, time.Since(start).Round(time.Millisecond))

	// Bytes a replica reads: whole documents, and the projection.
	for _, proj := range []bool{false, true} {
		o := options.Find()
		if proj {
			o.SetProjection(bson.M{"skills": 1, "backgroundCheck": 1, "availability": 1, "blackouts": 1, "home": 1,
				"maxDistanceKm": 1, "domains": 1, "qualificationTrack": 1, "birthDate": 1, "realNameVerified": 1,
				"guardian": 1, "guardianSealed": 1})
		}
		cur, err := e.db.Database().Collection("volunteers").Find(e.ctx, bson.M{}, o)
		if err != nil {
			t.Fatal(err)
		}
		var bytes int
		for cur.Next(e.ctx) {
			bytes += len(cur.Current)
		}
		_ = cur.Close(e.ctx)
		t.Logf("n=%d bytes read, projection %v: %.1f MiB (%d B per volunteer)", n, proj, mib(uint64(bytes)), bytes/n)
	}

	// Before: whole profiles, as the periodic rebuild read them; after:
	// StartMatching to ready. Twice each, alternating (a shared machine).
	whole := e.stores
	whole.IndexFeed = nil
	var m *needs.Matching
	for round := 1; round <= 2; round++ {
		h0, a0 := heapNow()
		old := needs.New(whole, e.deps).Matching()
		t0 := time.Now()
		if _, err := old.IndexForTest(e.ctx); err != nil {
			t.Fatal(err)
		}
		full := time.Since(t0)
		h1, a1 := heapNow()
		t.Logf("n=%d round %d full re-read (whole profiles): %v, heap kept %.1f MiB, allocated %.1f MiB", n, round, full.Round(time.Millisecond),
			mib(h1-h0), mib(a1-a0))
		runtime.KeepAlive(old)
		old = nil

		h0, a0 = heapNow()
		m = needs.New(e.stores, e.deps).Matching()
		ready := make(chan struct{})
		ctx, cancel := context.WithCancel(e.ctx)
		defer cancel()
		t0 = time.Now()
		if err := m.StartMatching(ctx, 0, func() { close(ready) }); err != nil {
			t.Fatal(err)
		}
		<-ready
		load := time.Since(t0)
		h1, a1 = heapNow()
		t.Logf("n=%d round %d start to ready (projection + catch-up): %v, heap kept %.1f MiB, allocated %.1f MiB", n, round, load.Round(time.Millisecond),
			mib(h1-h0), mib(a1-a0))
	}

	writer := e.svc.Matching()
	for _, k := range []int{0, 100, 1000} {
		if k > n {
			break
		}
		e.now = e.now.Add(5 * time.Minute) // past the margin of the round before
		for i := 0; i < k; i++ {
			r := rand.New(rand.NewPCG(uint64(i), uint64(k)))
			v := syntheticVolunteer(r, i, e.now)
			if err := e.db.Volunteers().SaveVolunteer(e.ctx, v); err != nil {
				t.Fatal(err)
			}
			writer.VolunteerChanged(e.ctx, v.AccountID)
		}
		t0 := time.Now()
		got, err := m.CatchUpMatching(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		d := time.Since(t0)
		per := "-"
		if got > 0 {
			per = fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000/float64(got))
		}
		t.Logf("n=%d catch-up after %d changed: %v (%d re-read, %s each)", n, k, d.Round(time.Millisecond), got, per)
	}
}

func mib(b uint64) float64 { return float64(int64(b)) / (1 << 20) }
