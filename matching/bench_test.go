package matching

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
)

// The benchmarks share one synthetic city (see workload_test.go), built
// once per process: 1,000,000 volunteers and 1,000 needs spread over it.
var city = sync.OnceValue(func() *workload { return newWorkload(2026, 1_000_000, 1_000, false) })

var cityIndex = sync.OnceValue(func() *Index {
	w := city()
	ix := NewIndex(w.vols)
	for id, h := range w.held {
		ix.SetCommitments(id, h)
	}
	return ix
})

// latencies reports per-query percentiles beside ns/op, under the unit
// prefix ("" for wall time, "cpu-" for the thread's CPU time).
func latencies(b *testing.B, prefix string, lat []time.Duration) time.Duration {
	b.Helper()
	if len(lat) == 0 {
		return 0
	}
	slices.Sort(lat)
	at := func(p float64) float64 {
		i := min(len(lat)-1, int(p*float64(len(lat))+0.5)-1)
		return float64(lat[max(i, 0)].Microseconds())
	}
	b.ReportMetric(at(0.50), prefix+"p50-µs")
	b.ReportMetric(at(0.99), prefix+"p99-µs")
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	return sum / time.Duration(len(lat))
}

var cityFlat = sync.OnceValue(func() *flat { w := city(); return newFlat(w.vols, w.held) })

var sample sync.Once

// BenchmarkTopK1M: top 20 for needs spread over the city among 1,000,000
// volunteers, at the workload's 3 km, at 5 km (a need's default radius)
// and at 10 km. At each radius: the index with exact exclusion counts,
// the index with Options.CandidatesOnly, and the fair brute force (flat:
// one tight pass over struct-of-arrays copies of every volunteer, with the
// same distance bounds and exact counts; see flat_test.go) with its ratio
// to each in the same run. At 3 km also Rank, the slow reference the tests
// use as an oracle. Besides wall-time percentiles, cpu-p50/cpu-p99 are the
// querying thread's CPU time, which leaves out the time other processes
// held the core.
func BenchmarkTopK1M(b *testing.B) {
	w := city()
	ix := cityIndex()
	occs := make([]models.Occurrence, len(w.needs))
	for i, n := range w.needs {
		occs[i] = n.Occurrences()[0]
	}
	run := func(b *testing.B, needs []*models.Need, rank func(n *models.Need, occ models.Occurrence) Result) time.Duration {
		lat, cpu := make([]time.Duration, 0, b.N), make([]time.Duration, 0, b.N)
		eligible := 0
		runtime.LockOSThread() // so that the thread's CPU time is the query's
		defer runtime.UnlockOSThread()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			j := i % len(needs)
			c0, measured := threadCPU()
			t0 := time.Now()
			r := rank(needs[j], occs[j])
			lat = append(lat, time.Since(t0))
			if c1, _ := threadCPU(); measured {
				cpu = append(cpu, c1-c0)
			}
			eligible += r.Eligible
		}
		b.StopTimer()
		b.ReportMetric(float64(eligible)/float64(b.N), "eligible/op")
		latencies(b, "cpu-", cpu)
		return latencies(b, "", lat)
	}
	for _, radius := range []float64{3, 5, 10} {
		needs := make([]*models.Need, len(w.needs))
		for i, n := range w.needs {
			c := *n
			c.RadiusKm = radius
			needs[i] = &c
		}
		// The index's mean latencies at this radius in this run, for the ratios.
		var indexMean, onlyMean time.Duration
		vs := func(b *testing.B, mean time.Duration) {
			if indexMean > 0 {
				b.ReportMetric(float64(mean)/float64(indexMean), "×index")
			}
			if onlyMean > 0 {
				b.ReportMetric(float64(mean)/float64(onlyMean), "×candidates")
			}
		}
		name := fmt.Sprintf("%gkm/", radius)
		b.Run(name+"index", func(b *testing.B) {
			indexMean = run(b, needs, func(n *models.Need, occ models.Occurrence) Result { return ix.TopK(n, occ, 20, Options{}) })
			if radius == 3 {
				sample.Do(func() { logSample(b, ix.TopK(needs[0], occs[0], 20, Options{})) })
			}
		})
		b.Run(name+"candidates", func(b *testing.B) {
			only := Options{CandidatesOnly: true}
			onlyMean = run(b, needs, func(n *models.Need, occ models.Occurrence) Result { return ix.TopK(n, occ, 20, only) })
		})
		b.Run(name+"flat", func(b *testing.B) {
			f := cityFlat()
			b.ResetTimer()
			vs(b, run(b, needs, func(n *models.Need, occ models.Occurrence) Result { return f.rank(n, occ, 20, Options{}) }))
		})
		if radius != 3 {
			continue
		}
		b.Run(name+"rank", func(b *testing.B) {
			vs(b, run(b, needs, func(n *models.Need, occ models.Occurrence) Result { return Rank(w.vols, w.held, n, occ, 20, Options{}) }))
		})
	}
}

// logSample logs one real answer, for the record.
func logSample(b *testing.B, r Result) {
	var ex, parts []string
	for _, e := range r.Exclusions {
		ex = append(ex, e.En)
	}
	b.Logf("%s: %d eligible of %d; %s", r.OccurrenceID, r.Eligible, r.Volunteers, strings.Join(ex, "; "))
	if len(r.Candidates) > 0 {
		c := r.Candidates[0]
		for _, p := range c.Parts {
			parts = append(parts, fmt.Sprintf("%s %d/%d %s", p.Part, p.Points, p.Max, p.Zh))
		}
		b.Logf("best %s score %d: %s", c.VolunteerID, c.Score, strings.Join(parts, "; "))
	}
}

// BenchmarkIndexBuild1M builds the index of 1,000,000 volunteers and
// reports its heap size per volunteer.
func BenchmarkIndexBuild1M(b *testing.B) {
	w := city()
	var perVolunteer float64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		b.StartTimer()
		ix := NewIndex(w.vols)
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		perVolunteer = float64(after.HeapAlloc-before.HeapAlloc) / float64(len(w.vols))
		runtime.KeepAlive(ix)
		b.StartTimer()
	}
	b.ReportMetric(perVolunteer, "bytes/volunteer")
}

// The batch: 50,000 volunteers of the same city, 1,000 needs of five
// places on one Saturday; each place's offers are its need's top 50.
var batch5k = sync.OnceValue(func() []Place {
	w := newWorkload(2027, 50_000, 1_000, false)
	ix := NewIndex(w.vols)
	for id, h := range w.held {
		ix.SetCommitments(id, h)
	}
	saturday := weekStart.AddDate(0, 0, 5)
	var places []Place
	for _, n := range w.needs {
		d := n.Window.End.Sub(n.Window.Start)
		st := n.Window.Start.In(models.Shanghai())
		s := time.Date(saturday.Year(), saturday.Month(), saturday.Day(), st.Hour(), st.Minute(), 0, 0, models.Shanghai())
		n.Window = &models.Window{Start: s, End: s.Add(d)}
		occ := n.Occurrences()[0]
		res := ix.TopK(n, occ, 50, Options{})
		offers := make([]Offer, len(res.Candidates))
		for i, c := range res.Candidates {
			offers[i] = Offer{VolunteerID: c.VolunteerID, Score: c.Score}
		}
		for p := 1; p <= n.Headcount; p++ {
			places = append(places, Place{ID: occ.ID + "#" + string(rune('0'+p)), Candidates: offers})
		}
	}
	return places
})

// BenchmarkBatch5k assigns 5,000 places among 50,000 volunteers exactly.
func BenchmarkBatch5k(b *testing.B) { benchAssign(b, batch5k()) }

func benchAssign(b *testing.B, places []Place) { benchAssignMode(b, places, BatchOptions{}) }

func benchAssignMode(b *testing.B, places []Place, opts BatchOptions) {
	edges := 0
	for _, p := range places {
		edges += len(p.Candidates)
	}
	var res BatchResult
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res = Assign(places, opts)
	}
	b.StopTimer()
	b.ReportMetric(float64(len(places)), "places")
	b.ReportMetric(float64(edges), "edges")
	b.ReportMetric(float64(res.Objective), "objective")
	b.ReportMetric(float64(res.GreedyObjective), "greedy-objective")
	b.ReportMetric(float64(res.Filled), "filled")
	b.ReportMetric(float64(res.GreedyFilled), "greedy-filled")
}

// batchDense is a harder batch of the same size: every place has exactly
// 50 offers, drawn from the 200 volunteers "near" it on a line of 50,000,
// so neighbouring places compete for the same people.
var batchDense = sync.OnceValue(func() []Place {
	r := rand.New(rand.NewPCG(2028, 1))
	places := make([]Place, 5_000)
	for i := range places {
		places[i].ID = fmt.Sprintf("p%04d", i)
		centre := i * 10
		for _, k := range r.Perm(200)[:50] {
			v := (centre + k - 100 + 50_000) % 50_000
			places[i].Candidates = append(places[i].Candidates, Offer{VolunteerID: fmt.Sprintf("v%05d", v), Score: 40 + r.IntN(61)})
		}
	}
	return places
})

// BenchmarkBatch5kDense: 5,000 places × 50,000 volunteers, 50 offers each.
func BenchmarkBatch5kDense(b *testing.B) { benchAssign(b, batchDense()) }
