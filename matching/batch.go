package matching

import (
	"cmp"
	"math"
	"slices"
)

// Place is one open place of a batch (e.g. "<occurrenceId>#<placeNo>")
// with the volunteers who may take it and their scores. The caller builds
// the offers from TopK and leaves out anyone who already holds a place
// overlapping this one; within the batch Assign gives each volunteer at
// most one place, which also keeps a volunteer out of two overlapping
// places of the batch.
type Place struct {
	ID         string  `json:"id"`
	Candidates []Offer `json:"candidates"`
}

// Offer is a volunteer who may take a place, and the score of doing so.
type Offer struct {
	VolunteerID string `json:"volunteerId"`
	Score       int    `json:"score"`
}

// BatchOptions tune Assign.
type BatchOptions struct {
	// FillFirst fills as many places as can be filled, and among those
	// assignments takes the best total score. Without it Assign maximises
	// the total score alone, which may leave a place empty when filling it
	// would cost more elsewhere.
	FillFirst bool
}

// Placement is one volunteer given one place.
type Placement struct {
	PlaceID     string `json:"placeId"`
	VolunteerID string `json:"volunteerId"`
	Score       int    `json:"score"`
}

// BatchResult is an optimal assignment, with the greedy one's figures to
// compare.
type BatchResult struct {
	Placements      []Placement `json:"placements"` // in the order of the places
	Unfilled        []string    `json:"unfilled"`   // places left empty
	Objective       int         `json:"objective"`  // total score of the placements
	Filled          int         `json:"filled"`
	GreedyObjective int         `json:"greedyObjective"` // best offer first, while place and volunteer are free
	GreedyFilled    int         `json:"greedyFilled"`
}

// Assign chooses at most one volunteer per place and at most one place
// per volunteer so that the total score is the largest possible (see
// BatchOptions.FillFirst). A repeated offer of one volunteer for one place
// counts once, at its best score.
//
// The solver is exact: a sparse Jonker–Volgenant-style assignment. The
// smaller side are the rows (places, or volunteers when there are fewer
// of them), the other side the columns, and each row has a private
// zero-cost column meaning "left out", so every row can be assigned.
// Costs are negated scores; column prices (dual variables, kept ≤ 0, and
// 0 on free columns) make reduced costs non-negative, and every assigned
// edge has reduced cost 0. That invariant is the proof of optimality
// (TestAssignFamiliesCertified checks it), and every step keeps it:
//  1. each row takes its cheapest column where that column is free;
//  2. two passes of augmenting row reduction (an auction without ε)
//     assign most of the others cheaply;
//  3. each row still free searches for a shortest augmenting path of
//     reduced costs (Dijkstra, stopping at the first free column), with a
//     budget of edges;
//  4. the rows whose search ran out of budget, typically because many
//     equal scores make wide plateaus of equal distance, are served
//     together in phases: one Dijkstra from all of them, then as many
//     vertex-disjoint shortest paths as a depth-first search finds.
//
// Integer costs make the optimum exact. The bad cases of issue 17 (more
// places than volunteers, many equal scores) were a search of the whole
// plateau for every surplus place; with the smaller side as rows and the
// phases they take milliseconds. The ordering among equally good
// assignments is deterministic but unspecified.
func Assign(places []Place, opts BatchOptions) BatchResult {
	g, vols := newAssignment(places, opts)
	chosen := g.match(len(vols))
	res := BatchResult{Placements: []Placement{}, Unfilled: []string{}}
	for i, p := range places {
		e := chosen[i]
		if e < 0 {
			res.Unfilled = append(res.Unfilled, p.ID)
			continue
		}
		res.Placements = append(res.Placements, Placement{PlaceID: p.ID, VolunteerID: vols[g.col[e]], Score: g.score[e]})
		res.Objective += g.score[e]
		res.Filled++
	}
	res.GreedyObjective, res.GreedyFilled = g.greedy(len(vols))
	return res
}

// assignment is the sparse cost matrix: row i's edges are start[i] to
// start[i+1], the last of them its unfilled column. A place-major matrix
// (rows are places) has scores, and its costs are filled in only if it is
// solved as it is; a transposed one has costs and no scores.
type assignment struct {
	start []int32
	row   []int32 // the row of each edge
	col   []int32
	cost  []int64
	score []int
	ncol  int
	bonus int64 // added to every real edge's score in the cost (FillFirst)
}

// fillCosts sets the cost of each edge of a place-major matrix: the
// negated score plus bonus, and 0 for the unfilled column.
func (g *assignment) fillCosts(nvol int) {
	if g.cost != nil {
		return
	}
	g.cost = make([]int64, len(g.col))
	for e, c := range g.col {
		if c < int32(nvol) {
			g.cost[e] = -(int64(g.score[e]) + g.bonus)
		}
	}
}

// match solves the assignment and returns, for each place, the edge it is
// given, or -1 if it stays empty. The rows are the smaller side: places,
// or, when there are fewer volunteers than places, volunteers, each with
// its own "unused" column. Either way the matchings and their scores are
// the same, but with fewer rows than columns most rows find a free column
// at once, while with more rows than columns every surplus row has to
// search until it proves that it stays empty.
func (g *assignment) match(nvol int) []int32 {
	nplace := len(g.start) - 1
	chosen := make([]int32, nplace)
	if nvol >= nplace {
		g.fillCosts(nvol)
		for i, e := range g.solve().rowEdge {
			chosen[i] = -1
			if g.col[e] < int32(nvol) {
				chosen[i] = e
			}
		}
		return chosen
	}
	for i := range chosen {
		chosen[i] = -1
	}
	t := g.transpose(nvol)
	for v, e := range t.solve().rowEdge {
		if p := t.col[e]; p < int32(nplace) {
			chosen[p] = g.edge(p, int32(v))
		}
	}
	return chosen
}

// edge is place p's edge to volunteer v (a short scan: a place has at
// most a few dozen offers).
func (g *assignment) edge(p, v int32) int32 {
	for e := g.start[p]; e < g.start[p+1]; e++ {
		if g.col[e] == v {
			return e
		}
	}
	panic("matching: no edge from the place to its volunteer")
}

// transpose is the same problem with volunteers as rows and places as
// columns: volunteer v's edges are its offers in place order, then its own
// unused column nplace+v, each with the cost the place-major edge has.
func (g *assignment) transpose(nvol int) *assignment {
	nplace := len(g.start) - 1
	t := &assignment{start: make([]int32, nvol+1), ncol: nplace + nvol}
	for _, c := range g.col {
		if c < int32(nvol) {
			t.start[c+1]++
		}
	}
	for v := 0; v < nvol; v++ {
		t.start[v+1] += t.start[v] + 1 // + 1: the unused column
	}
	m := t.start[nvol]
	t.row, t.col, t.cost = make([]int32, m), make([]int32, m), make([]int64, m)
	next := slices.Clone(t.start[:nvol])
	for e, c := range g.col {
		if c >= int32(nvol) {
			continue
		}
		k := next[c]
		next[c]++
		t.row[k], t.col[k], t.cost[k] = c, g.row[e], -(int64(g.score[e]) + g.bonus)
	}
	for v := int32(0); v < int32(nvol); v++ {
		k := t.start[v+1] - 1
		t.row[k], t.col[k] = v, int32(nplace)+v
	}
	return t
}

func newAssignment(places []Place, opts BatchOptions) (*assignment, []string) {
	edges := 0
	for _, p := range places {
		edges += len(p.Candidates) + 1
	}
	// Sized for a volunteer per place at least, which spares the map most
	// of its growing on a large batch.
	colOf := make(map[string]int32, len(places))
	var vols []string
	g := &assignment{
		start: make([]int32, 1, len(places)+1),
		col:   make([]int32, 0, edges),
		score: make([]int, 0, edges),
	}
	// lastRow and lastEdge say which place last offered a volunteer, and
	// along which edge, to merge a repeated offer in constant time.
	var lastRow, lastEdge []int32
	for i, p := range places {
		for _, o := range p.Candidates {
			c, ok := colOf[o.VolunteerID]
			if !ok {
				c = int32(len(vols))
				colOf[o.VolunteerID] = c
				vols = append(vols, o.VolunteerID)
				lastRow, lastEdge = append(lastRow, -1), append(lastEdge, -1)
			}
			if lastRow[c] == int32(i) {
				e := lastEdge[c]
				g.score[e] = max(g.score[e], o.Score)
				continue
			}
			lastRow[c], lastEdge[c] = int32(i), int32(len(g.col))
			g.col = append(g.col, c)
			g.score = append(g.score, o.Score)
		}
		g.col = append(g.col, -1) // the unfilled column, numbered below
		g.score = append(g.score, 0)
		g.start = append(g.start, int32(len(g.col)))
	}
	// With FillFirst every real edge is worth a bonus larger than any
	// difference in total score, so one more filled place always wins.
	if opts.FillFirst {
		g.bonus = 1
		for i := range places {
			hi, lo := 0, 0
			for e := g.start[i]; e < g.start[i+1]-1; e++ {
				hi, lo = max(hi, g.score[e]), min(lo, g.score[e])
			}
			g.bonus += int64(hi) - int64(lo)
		}
	}
	g.row = make([]int32, len(g.col))
	for i := range places {
		for e := g.start[i]; e < g.start[i+1]; e++ {
			g.row[e] = int32(i)
		}
		g.col[g.start[i+1]-1] = int32(len(vols) + i) // the unfilled column
	}
	g.ncol = len(vols) + len(places)
	return g, vols
}

// greedy takes offers best first (ties: earlier place, earlier offer)
// while both the place and the volunteer are free.
func (g *assignment) greedy(nvol int) (objective, filled int) {
	rowTaken := make([]bool, len(g.start)-1)
	colTaken := make([]bool, nvol)
	for _, e := range g.bestFirst(nvol) {
		i := g.row[e]
		if rowTaken[i] || colTaken[g.col[e]] {
			continue
		}
		rowTaken[i], colTaken[g.col[e]] = true, true
		objective += g.score[e]
		filled++
	}
	return objective, filled
}

// bestFirst lists the real edges by score, best first, and in edge order
// (place order, then offer order) among equal scores. Scores usually span
// a hundred values or so, and then a counting sort is linear; a wider span
// falls back to a comparison sort.
func (g *assignment) bestFirst(nvol int) []int32 {
	n, lo, hi := 0, math.MaxInt, math.MinInt
	for e, c := range g.col {
		if c < int32(nvol) {
			n++
			lo, hi = min(lo, g.score[e]), max(hi, g.score[e])
		}
	}
	sorted := make([]int32, 0, n)
	if n == 0 || uint64(hi-lo) > 4*uint64(n) {
		for e, c := range g.col {
			if c < int32(nvol) {
				sorted = append(sorted, int32(e))
			}
		}
		slices.SortFunc(sorted, func(a, b int32) int {
			if c := cmp.Compare(g.score[b], g.score[a]); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		return sorted
	}
	// next[k] is where the next edge of score hi-k goes.
	next := make([]int32, hi-lo+2)
	for e, c := range g.col {
		if c < int32(nvol) {
			next[hi-g.score[e]+1]++
		}
	}
	for k := 1; k < len(next); k++ {
		next[k] += next[k-1]
	}
	sorted = sorted[:n]
	for e, c := range g.col {
		if c < int32(nvol) {
			k := hi - g.score[e]
			sorted[next[k]] = int32(e)
			next[k]++
		}
	}
	return sorted
}
