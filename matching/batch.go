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
// The solver is exact: a sparse Jonker–Volgenant-style assignment. Each
// place is a row, each volunteer a column, and each place has a private
// zero-cost "unfilled" column, so every row can be assigned. Costs are
// negated scores; column prices (dual variables, kept ≤ 0, and 0 on free
// columns) make reduced costs non-negative. Rows first take their best
// column where it is free; every other row then augments along a
// shortest path of reduced costs found by Dijkstra on the sparse graph,
// stopping at the first free column, and the prices of the columns it
// settled move so the invariant holds. Integer costs make the optimum
// exact. The work is one short search per contested place, not a search
// of the whole graph per place.
func Assign(places []Place, opts BatchOptions) BatchResult {
	g, vols := newAssignment(places, opts)
	rowCol := g.solve()
	res := BatchResult{Placements: []Placement{}, Unfilled: []string{}}
	for i, p := range places {
		e := rowCol[i]
		if g.col[e] >= int32(len(vols)) {
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
// start[i+1], the last of them its unfilled column.
type assignment struct {
	start []int32
	row   []int32 // the row of each edge
	col   []int32
	cost  []int64
	score []int
	ncol  int
}

func newAssignment(places []Place, opts BatchOptions) (*assignment, []string) {
	colOf := map[string]int32{}
	var vols []string
	g := &assignment{start: make([]int32, 1, len(places)+1)}
	for _, p := range places {
		first := len(g.col)
		for _, o := range p.Candidates {
			c, ok := colOf[o.VolunteerID]
			if !ok {
				c = int32(len(vols))
				colOf[o.VolunteerID] = c
				vols = append(vols, o.VolunteerID)
			}
			dup := false
			for e := first; e < len(g.col); e++ {
				if g.col[e] == c {
					g.score[e] = max(g.score[e], o.Score)
					dup = true
				}
			}
			if !dup {
				g.col = append(g.col, c)
				g.score = append(g.score, o.Score)
			}
		}
		g.col = append(g.col, -1) // the unfilled column, numbered below
		g.score = append(g.score, 0)
		g.start = append(g.start, int32(len(g.col)))
	}
	// With FillFirst every real edge is worth a bonus larger than any
	// difference in total score, so one more filled place always wins.
	var bonus int64
	if opts.FillFirst {
		bonus = 1
		for i := range places {
			hi, lo := 0, 0
			for e := g.start[i]; e < g.start[i+1]-1; e++ {
				hi, lo = max(hi, g.score[e]), min(lo, g.score[e])
			}
			bonus += int64(hi) - int64(lo)
		}
	}
	g.cost = make([]int64, len(g.col))
	g.row = make([]int32, len(g.col))
	for i := range places {
		for e := g.start[i]; e < g.start[i+1]; e++ {
			g.row[e] = int32(i)
			if g.col[e] < 0 {
				g.col[e] = int32(len(vols) + i)
				continue
			}
			g.cost[e] = -(int64(g.score[e]) + bonus)
		}
	}
	g.ncol = len(vols) + len(places)
	return g, vols
}

// solve returns, for each row, the edge it is assigned along.
func (g *assignment) solve() []int32 {
	nrow := len(g.start) - 1
	price := make([]int64, g.ncol)   // column prices v_j ≤ 0
	colEdge := make([]int32, g.ncol) // the edge a column is assigned along; -1 free
	rowEdge := make([]int32, nrow)   // the edge a row is assigned along; -1 free
	for j := range colEdge {
		colEdge[j] = -1
	}
	// Start: each row takes its cheapest column if it is free; that edge
	// is tight with every price 0.
	var free []int32
	for i := 0; i < nrow; i++ {
		best := g.start[i]
		for e := best + 1; e < g.start[i+1]; e++ {
			if g.cost[e] < g.cost[best] {
				best = e
			}
		}
		if colEdge[g.col[best]] < 0 {
			colEdge[g.col[best]], rowEdge[i] = best, best
		} else {
			rowEdge[i] = -1
			free = append(free, int32(i))
		}
	}
	// Shortest augmenting paths for the others.
	dist := make([]int64, g.ncol)
	via := make([]int32, g.ncol) // the edge into each column on its shortest path
	settled := make([]bool, g.ncol)
	for j := range dist {
		dist[j] = math.MaxInt64
	}
	var touched, done []int32
	var h pathHeap
	reach := func(j int32, d int64, e int32) {
		if d < dist[j] {
			if dist[j] == math.MaxInt64 {
				touched = append(touched, j)
			}
			dist[j], via[j] = d, e
			h.push(pathItem{d, j})
		}
	}
	for _, r := range free {
		// The row's own potential: its cheapest reduced cost.
		ur := int64(math.MaxInt64)
		for e := g.start[r]; e < g.start[r+1]; e++ {
			ur = min(ur, g.cost[e]-price[g.col[e]])
		}
		for e := g.start[r]; e < g.start[r+1]; e++ {
			reach(g.col[e], g.cost[e]-price[g.col[e]]-ur, e)
		}
		end, length := int32(-1), int64(0)
		for len(h) > 0 {
			it := h.pop()
			j := it.col
			if settled[j] || it.d > dist[j] {
				continue
			}
			settled[j] = true
			done = append(done, j)
			if colEdge[j] < 0 {
				end, length = j, it.d
				break
			}
			e0 := colEdge[j]
			i := g.row[e0]
			ui := g.cost[e0] - price[j]
			for e := g.start[i]; e < g.start[i+1]; e++ {
				if k := g.col[e]; !settled[k] {
					reach(k, it.d+g.cost[e]-price[k]-ui, e)
				}
			}
		}
		// Settled columns move their prices so reduced costs stay ≥ 0 and
		// the new path is tight; the free column at the end keeps its 0.
		for _, j := range done {
			price[j] += dist[j] - length
		}
		// Flip the path.
		for j := end; ; {
			e := via[j]
			i := g.row[e]
			prev := rowEdge[i]
			rowEdge[i], colEdge[j] = e, e
			if i == r {
				break
			}
			j = g.col[prev]
		}
		for _, j := range touched {
			dist[j], settled[j] = math.MaxInt64, false
		}
		touched, done, h = touched[:0], done[:0], h[:0]
	}
	return rowEdge
}

type pathItem struct {
	d   int64
	col int32
}

// pathHeap is a binary min-heap of tentative distances (ties by column,
// so the search is deterministic); stale items are skipped when popped.
type pathHeap []pathItem

func (a pathItem) less(b pathItem) bool { return a.d < b.d || a.d == b.d && a.col < b.col }

func (h *pathHeap) push(it pathItem) {
	*h = append(*h, it)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !s[i].less(s[p]) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *pathHeap) pop() pathItem {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s = s[:n]
	for i := 0; ; {
		l, m := 2*i+1, i
		if l < n && s[l].less(s[m]) {
			m = l
		}
		if l+1 < n && s[l+1].less(s[m]) {
			m = l + 1
		}
		if m == i {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	*h = s
	return top
}

// greedy takes offers best first (ties: earlier place, earlier offer)
// while both the place and the volunteer are free.
func (g *assignment) greedy(nvol int) (objective, filled int) {
	var edges []int32
	for e := range g.col {
		if g.col[e] < int32(nvol) {
			edges = append(edges, int32(e))
		}
	}
	slices.SortFunc(edges, func(a, b int32) int {
		if c := cmp.Compare(g.score[b], g.score[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b) // edges are in place order, then offer order
	})
	rowTaken := make([]bool, len(g.start)-1)
	colTaken := make([]bool, nvol)
	for _, e := range edges {
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
