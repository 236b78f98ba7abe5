package matching

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// batchFamily is a kind of batch Assign must solve exactly and fast. The
// generators are deterministic for a given source of randomness, and give
// n places with at most k offers each and no repeated offer, so that the
// same instance can be written out for SciPy (TestDumpBatchFamilies).
type batchFamily struct {
	name string
	seed uint64 // of the 5,000-place benchmark instance
	make func(r *rand.Rand, n, k int) []Place
}

// batchFamilies are the four kinds of issue 17: the city as it is, places
// that fight over the same people, fewer volunteers than places, and
// scores from a handful of values; and a fifth found while solving it:
// as many volunteers as places, so neither side is short and the last
// rows need long augmenting paths.
var batchFamilies = []batchFamily{
	{"random", 1, cityBatch},
	{"contended", 2, contendedBatch},
	{"scarce", 3, scarceBatch},
	{"ties", 4, tiesBatch},
	{"balanced", 5, balancedBatch},
}

// cityBatch is city-like: needs of 1–5 places and ten volunteers per place,
// scattered over a unit square. Each need's offers are the best k
// volunteers within a radius that holds about 20 of them, scored by
// closeness plus a personal part; a need's places share its offers.
func cityBatch(r *rand.Rand, n, k int) []Place {
	nv := 10 * n
	radius := math.Sqrt(20 / (math.Pi * float64(nv)))
	cells := max(1, int(1/radius))
	grid := make([][]int, cells*cells)
	xs, ys := make([]float64, nv), make([]float64, nv)
	cellOf := func(x float64) int { return min(cells-1, int(x*float64(cells))) }
	for v := range nv {
		xs[v], ys[v] = r.Float64(), r.Float64()
		c := cellOf(ys[v])*cells + cellOf(xs[v])
		grid[c] = append(grid[c], v)
	}
	var places []Place
	for need := 0; len(places) < n; need++ {
		x, y := r.Float64(), r.Float64()
		var offers []Offer
		cx, cy := cellOf(x), cellOf(y)
		for gy := max(0, cy-1); gy <= min(cells-1, cy+1); gy++ {
			for gx := max(0, cx-1); gx <= min(cells-1, cx+1); gx++ {
				for _, v := range grid[gy*cells+gx] {
					if d := math.Hypot(xs[v]-x, ys[v]-y); d <= radius {
						score := int(80*(1-d/radius)) + r.IntN(21)
						offers = append(offers, Offer{VolunteerID: fmt.Sprintf("v%06d", v), Score: score})
					}
				}
			}
		}
		slices.SortStableFunc(offers, func(a, b Offer) int { return cmp.Compare(b.Score, a.Score) })
		offers = offers[:min(k, len(offers))]
		for p := range min(1+r.IntN(5), n-len(places)) {
			places = append(places, Place{ID: fmt.Sprintf("n%05d#%d", need, p+1), Candidates: offers})
		}
	}
	return places
}

// contendedBatch: two volunteers per place on a ring, and every place takes
// k of the 3k volunteers around its own spot, so each volunteer is offered
// to about 1.5k neighbouring places; scores 40–100.
func contendedBatch(r *rand.Rand, n, k int) []Place {
	return ringBatch(r, n, 2*n, k, k, 3*k, func() int { return 40 + r.IntN(61) })
}

// scarceBatch: half as many volunteers as places, so at least half the
// places stay empty; k/2 to k offers per place from the 4k volunteers
// around it; scores 0–100.
func scarceBatch(r *rand.Rand, n, k int) []Place {
	return ringBatch(r, n, max(1, n/2), max(1, k/2), k, 4*k, func() int { return r.IntN(101) })
}

// tiesBatch: half as many volunteers as places, k/2 to k offers per place
// from anywhere, and every score one of five values, so many assignments
// share the optimum and a search meets long runs of equal distances. This
// is the kind that took 10 s before issue 17.
func tiesBatch(r *rand.Rand, n, k int) []Place {
	nv := max(1, n/2)
	return ringBatch(r, n, nv, max(1, k/2), k, nv, func() int { return 20 * (1 + r.IntN(5)) })
}

// balancedBatch: as many volunteers as places, k/2 to k offers per place
// from anywhere, scores 0–100.
func balancedBatch(r *rand.Rand, n, k int) []Place {
	return ringBatch(r, n, n, max(1, k/2), k, n, func() int { return r.IntN(101) })
}

// ringBatch puts nv volunteers on a ring and place i at i·nv/n; each place
// draws lo–hi distinct volunteers from the window of the given width
// centred on its spot (the whole ring if the window is wider).
func ringBatch(r *rand.Rand, n, nv, lo, hi, window int, score func() int) []Place {
	window = min(window, nv)
	places := make([]Place, n)
	for i := range places {
		places[i].ID = fmt.Sprintf("p%05d", i)
		centre := i * nv / n
		count := min(window, lo+r.IntN(hi-lo+1))
		for _, d := range r.Perm(window)[:count] {
			v := (centre + d - window/2 + nv) % nv
			places[i].Candidates = append(places[i].Candidates, Offer{VolunteerID: fmt.Sprintf("v%06d", v), Score: score()})
		}
	}
	return places
}

// familyBatch is family f's 5,000-place benchmark instance, always drawn
// from the same seed so that every run and the SciPy script see it.
func familyBatch(f batchFamily) []Place {
	return f.make(rand.New(rand.NewPCG(17, f.seed)), 5_000, 50)
}

// BenchmarkBatchFamily: Assign on each family's 5,000-place instance, in
// both modes.
func BenchmarkBatchFamily(b *testing.B) {
	for _, f := range batchFamilies {
		for _, fill := range []bool{false, true} {
			name := f.name
			if fill {
				name += "/fillfirst"
			}
			// Each instance is drawn inside its own benchmark, so that the
			// garbage collector scans only it, as in a process that
			// assigns one batch.
			b.Run(name, func(b *testing.B) { benchAssignMode(b, familyBatch(f), BatchOptions{FillFirst: fill}) })
		}
	}
}

// BenchmarkBatchFamilySolve: the solve alone (match: the orientation,
// the searches and the phases) on each family's instance with its matrix
// already built, as SciPy's figures are for min_weight_full_bipartite_matching
// on a CSR matrix already built. Assign also maps the string ids, builds
// the matrix, and computes the greedy figure.
func BenchmarkBatchFamilySolve(b *testing.B) {
	for _, f := range batchFamilies {
		for _, fill := range []bool{false, true} {
			name := f.name
			if fill {
				name += "/fillfirst"
			}
			b.Run(name, func(b *testing.B) {
				g, vols := newAssignment(familyBatch(f), BatchOptions{FillFirst: fill})
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					g.match(len(vols))
				}
			})
		}
	}
}

// TestDumpBatchFamilies writes each family's benchmark instance, and
// Assign's answers in both modes, into the directory named by
// WUSHE_BATCH_DUMP, for scripts/batch-scipy.sh to solve with SciPy. It is
// skipped when the variable is unset.
func TestDumpBatchFamilies(t *testing.T) {
	dir := os.Getenv("WUSHE_BATCH_DUMP")
	if dir == "" {
		t.Skip("set WUSHE_BATCH_DUMP to a directory to write the instances")
	}
	for _, f := range batchFamilies {
		places := familyBatch(f)
		if err := dumpBatch(filepath.Join(dir, f.name), places); err != nil {
			t.Fatal(err)
		}
	}
}

// dumpBatch writes base.csv, one "place,volunteer,score" line per offer
// with places and volunteers numbered from 0 in order of appearance, and
// base.json with the sizes and Assign's objective and filled count in
// both modes.
func dumpBatch(base string, places []Place) error {
	var csv strings.Builder
	vols := map[string]int{}
	for i, p := range places {
		for _, o := range p.Candidates {
			v, ok := vols[o.VolunteerID]
			if !ok {
				v = len(vols)
				vols[o.VolunteerID] = v
			}
			fmt.Fprintf(&csv, "%d,%d,%d\n", i, v, o.Score)
		}
	}
	plain, fill := Assign(places, BatchOptions{}), Assign(places, BatchOptions{FillFirst: true})
	summary, err := json.MarshalIndent(map[string]int{
		"places":             len(places),
		"volunteers":         len(vols),
		"objective":          plain.Objective,
		"filled":             plain.Filled,
		"fillFirstObjective": fill.Objective,
		"fillFirstFilled":    fill.Filled,
	}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(base+".csv", []byte(csv.String()), 0o644); err != nil {
		return err
	}
	return os.WriteFile(base+".json", summary, 0o644)
}

// withBudget runs f once with each kind of search: every row by its own
// shortest path, every row in phases, and the mix Assign uses.
func withBudget(t *testing.T, f func(t *testing.T)) {
	saved := searchBudget
	t.Cleanup(func() { searchBudget = saved })
	for _, b := range []int{math.MaxInt, 0, saved} {
		searchBudget = b
		t.Run(fmt.Sprintf("budget=%d", b), f)
	}
}

// TestAssignFamiliesOptimal: on 200 small instances of each family per
// mode (up to 7 places of up to 5 offers), Assign's objective and filled
// count are the exhaustive optimum's, with each kind of search.
func TestAssignFamiliesOptimal(t *testing.T) {
	withBudget(t, func(t *testing.T) {
		for _, f := range batchFamilies {
			r := rand.New(rand.NewPCG(17, f.seed))
			for n := range 400 {
				places := f.make(r, 1+r.IntN(7), 1+r.IntN(5))
				fillFirst := n%2 == 1
				got := Assign(places, BatchOptions{FillFirst: fillFirst})
				wantObj, wantFill := exhaustive(places, fillFirst)
				if got.Objective != wantObj || fillFirst && got.Filled != wantFill {
					t.Fatalf("%s instance %d (fillFirst %v): objective %d filled %d, exhaustive %d filled %d\n%+v",
						f.name, n, fillFirst, got.Objective, got.Filled, wantObj, wantFill, places)
				}
				checkPlacements(t, places, got)
			}
		}
	})
}

// TestAssignFamiliesCertified: on mid-sized instances of each family,
// too large for exhaustive search, the solver's duals prove its
// assignment optimal, with places as rows and with volunteers as rows,
// and every kind of search reaches the same objective.
func TestAssignFamiliesCertified(t *testing.T) {
	objectives := map[string]int{}
	withBudget(t, func(t *testing.T) {
		for _, f := range batchFamilies {
			for _, fillFirst := range []bool{false, true} {
				places := f.make(rand.New(rand.NewPCG(18, f.seed)), 400, 20)
				g, vols := newAssignment(places, BatchOptions{FillFirst: fillFirst})
				g.fillCosts(len(vols))
				checkDuals(t, g, g.solve())
				tr := g.transpose(len(vols))
				checkDuals(t, tr, tr.solve())
				got := Assign(places, BatchOptions{FillFirst: fillFirst})
				checkPlacements(t, places, got)
				key := fmt.Sprint(f.name, fillFirst)
				if want, ok := objectives[key]; ok && got.Objective != want {
					t.Fatalf("%s: objective %d, another search found %d", key, got.Objective, want)
				}
				objectives[key] = got.Objective
			}
		}
	})
}

// checkDuals checks the certificate of optimality of the linear
// programme min Σ cost·x, every row exactly once, every column at most
// once: every row is assigned, column prices are ≤ 0 and 0 on free
// columns, and no edge has a negative reduced cost when each row's
// potential makes its own edge tight. By weak duality no assignment costs
// less.
func checkDuals(t *testing.T, g *assignment, s *solver) {
	t.Helper()
	for j, e := range s.colEdge {
		if s.price[j] > 0 || e < 0 && s.price[j] != 0 {
			t.Fatalf("column %d (edge %d) has price %d", j, e, s.price[j])
		}
	}
	for i, own := range s.rowEdge {
		if own < 0 || s.colEdge[g.col[own]] != own {
			t.Fatalf("row %d is not assigned consistently (edge %d)", i, own)
		}
		u := g.cost[own] - s.price[g.col[own]]
		for e := g.start[i]; e < g.start[i+1]; e++ {
			if red := g.cost[e] - u - s.price[g.col[e]]; red < 0 {
				t.Fatalf("row %d: edge %d has reduced cost %d", i, e, red)
			}
		}
	}
}
