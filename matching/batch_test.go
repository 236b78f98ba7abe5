package matching

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// randomBatch makes a small batch: up to 6 places, up to 7 volunteers,
// sparse offers with scores 0–100 drawn from few values, so ties abound.
func randomBatch(r *rand.Rand) []Place {
	np, nv := 1+r.IntN(6), 1+r.IntN(7)
	places := make([]Place, np)
	for i := range places {
		places[i].ID = fmt.Sprintf("p%d", i)
		for v := 0; v < nv; v++ {
			if r.Float64() < 0.45 {
				places[i].Candidates = append(places[i].Candidates, Offer{VolunteerID: fmt.Sprintf("v%d", v), Score: 10 * r.IntN(11)})
			}
		}
		if r.IntN(8) == 0 && len(places[i].Candidates) > 0 { // a repeated offer
			o := places[i].Candidates[0]
			o.Score = r.IntN(101)
			places[i].Candidates = append(places[i].Candidates, o)
		}
	}
	return places
}

// exhaustive is the best (filled, objective) over every assignment, by
// objective or, with fillFirst, by filled then objective.
func exhaustive(places []Place, fillFirst bool) (objective, filled int) {
	bestObj, bestFill := -1<<62, -1
	used := map[string]bool{}
	var walk func(i, obj, fill int)
	walk = func(i, obj, fill int) {
		if i == len(places) {
			if fillFirst && (fill > bestFill || fill == bestFill && obj > bestObj) || !fillFirst && obj > bestObj {
				bestObj, bestFill = obj, fill
			}
			return
		}
		walk(i+1, obj, fill) // leave the place empty
		for _, o := range places[i].Candidates {
			if !used[o.VolunteerID] {
				used[o.VolunteerID] = true
				walk(i+1, obj+o.Score, fill+1)
				used[o.VolunteerID] = false
			}
		}
	}
	walk(0, 0, 0)
	return bestObj, bestFill
}

// TestAssignIsOptimal: on 600 small random batches (300 in each mode)
// Assign's objective is the exhaustive optimum, its placements are valid
// and add up, and the greedy objective is never better; with each kind of
// search (see withBudget).
func TestAssignIsOptimal(t *testing.T) { withBudget(t, testAssignIsOptimal) }

func testAssignIsOptimal(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 11))
	worse := 0
	for n := 0; n < 600; n++ {
		places := randomBatch(r)
		fillFirst := n%2 == 1
		got := Assign(places, BatchOptions{FillFirst: fillFirst})
		wantObj, wantFill := exhaustive(places, fillFirst)
		if got.Objective != wantObj || fillFirst && got.Filled != wantFill {
			t.Fatalf("instance %d (fillFirst %v): objective %d filled %d, exhaustive %d filled %d\n%+v\n%+v",
				n, fillFirst, got.Objective, got.Filled, wantObj, wantFill, places, got)
		}
		checkPlacements(t, places, got)
		if !fillFirst && got.GreedyObjective > got.Objective {
			t.Fatalf("instance %d: greedy %d beats the optimum %d", n, got.GreedyObjective, got.Objective)
		}
		if got.GreedyObjective < got.Objective {
			worse++
		}
	}
	if worse == 0 {
		t.Fatal("greedy was optimal on every instance: the instances are too easy to tell")
	}
}

func checkPlacements(t *testing.T, places []Place, got BatchResult) {
	t.Helper()
	offers := map[[2]string]int{}
	for _, p := range places {
		for _, o := range p.Candidates {
			k := [2]string{p.ID, o.VolunteerID}
			if s, ok := offers[k]; !ok || o.Score > s {
				offers[k] = o.Score
			}
		}
	}
	placeUsed, volUsed := map[string]bool{}, map[string]bool{}
	sum := 0
	for _, pl := range got.Placements {
		s, ok := offers[[2]string{pl.PlaceID, pl.VolunteerID}]
		switch {
		case !ok || s != pl.Score:
			t.Fatalf("placement %+v is not an offer at its best score", pl)
		case placeUsed[pl.PlaceID] || volUsed[pl.VolunteerID]:
			t.Fatalf("placement %+v repeats a place or a volunteer", pl)
		}
		placeUsed[pl.PlaceID], volUsed[pl.VolunteerID] = true, true
		sum += s
	}
	if sum != got.Objective || len(got.Placements) != got.Filled || got.Filled+len(got.Unfilled) != len(places) {
		t.Fatalf("figures do not add up: %+v", got)
	}
}

// TestAssignDeterministic: equal input, equal output.
func TestAssignDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 12))
	for n := 0; n < 50; n++ {
		places := randomBatch(r)
		a, b := Assign(places, BatchOptions{}), Assign(places, BatchOptions{})
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("%v\n%v", a, b)
		}
	}
}

// TestAssignLarger checks a mid-sized contested batch against the
// optimum's certificate: no augmenting improvement exists, checked by
// comparing with a second solve on shuffled input (same objective).
func TestAssignLarger(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 13))
	places := make([]Place, 300)
	for i := range places {
		places[i].ID = fmt.Sprintf("p%03d", i)
		for k := 0; k < 8; k++ {
			places[i].Candidates = append(places[i].Candidates, Offer{VolunteerID: fmt.Sprintf("v%03d", r.IntN(250)), Score: r.IntN(101)})
		}
	}
	a := Assign(places, BatchOptions{})
	shuffled := append([]Place(nil), places...)
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	b := Assign(shuffled, BatchOptions{})
	checkPlacements(t, places, a)
	if a.Objective != b.Objective {
		t.Fatalf("objective depends on input order: %d vs %d", a.Objective, b.Objective)
	}
	if a.GreedyObjective > a.Objective {
		t.Fatalf("greedy %d beats %d", a.GreedyObjective, a.Objective)
	}
	if empty := Assign(nil, BatchOptions{}); empty.Filled != 0 || len(empty.Placements) != 0 {
		t.Fatalf("empty batch: %+v", empty)
	}
}

// TestBestFirstOrder: the greedy's order is every real edge once, by
// score best first and in edge order among equals, both by the counting
// sort (narrow scores) and by the comparison sort (scores far apart).
func TestBestFirstOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 14))
	for _, spread := range []int{10, 1 << 40} {
		places := make([]Place, 200)
		for i := range places {
			for k := 0; k < 6; k++ {
				places[i].Candidates = append(places[i].Candidates, Offer{VolunteerID: fmt.Sprint(r.IntN(300)), Score: r.IntN(spread) - spread/3})
			}
		}
		g, vols := newAssignment(places, BatchOptions{})
		order := g.bestFirst(len(vols))
		real := 0
		for _, c := range g.col {
			if c < int32(len(vols)) {
				real++
			}
		}
		if len(order) != real {
			t.Fatalf("spread %d: %d edges listed of %d", spread, len(order), real)
		}
		seen := map[int32]bool{}
		for k, e := range order {
			if seen[e] || g.col[e] >= int32(len(vols)) {
				t.Fatalf("spread %d: edge %d listed twice or not real", spread, e)
			}
			seen[e] = true
			if k > 0 {
				a, b := order[k-1], e
				if g.score[a] < g.score[b] || g.score[a] == g.score[b] && a > b {
					t.Fatalf("spread %d: edge %d (score %d) before edge %d (score %d)", spread, a, g.score[a], b, g.score[b])
				}
			}
		}
	}
}
