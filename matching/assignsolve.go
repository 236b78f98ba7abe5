package matching

// The exact solver behind Assign: sparse Jonker–Volgenant (a greedy
// start, augmenting row reduction, then shortest augmenting paths), with
// Hungarian phases for the rows whose own search runs long, which is what
// removed the bad cases of issue 17 (see Assign's doc comment and
// BENCHMARKS.md).

import "math"

// solve assigns every row; the solver it returns holds the assignment
// (rowEdge) and the optimal duals.
func (g *assignment) solve() *solver {
	s := newSolver(g)
	var hard []int32
	free := s.start()
	for pass := 0; pass < 2; pass++ { // two passes, as Jonker and Volgenant do
		free = s.reduceRows(free)
	}
	for k, r := range free {
		// Once a quarter of the searches have run out of budget, the
		// batch is one of plateaus, and the rest go to the phases
		// without a search of their own.
		if len(hard) > max(64, k/4) {
			hard = append(hard, free[k:]...)
			break
		}
		if !s.augmentFrom(r, searchBudget) {
			hard = append(hard, r)
		}
	}
	for len(hard) > 0 {
		hard = s.phase(hard)
	}
	return s
}

// searchBudget is how many edges one row's own search may scan before it
// is left to the phases. Most rows of a city batch find a free column
// within a few dozen edges; a row whose search would cross a large plateau
// of equal distances is cheaper to serve together with the others.
var searchBudget = 256

// solver is the state of one solve: the matching both ways, the duals,
// and the scratch space of the searches.
type solver struct {
	g       *assignment
	price   []int64 // column prices v_j ≤ 0, 0 on free columns
	colEdge []int32 // the edge a column is assigned along; -1 free
	rowEdge []int32 // the edge a row is assigned along; -1 free
	freeU   []int64 // the potential u_i of a free row in a phase

	// Dijkstra's scratch: tentative distances, the edge into each column
	// on its shortest path, the columns reached and those settled.
	dist          []int64
	via           []int32
	settled       []bool
	touched, done []int32
	h             pathHeap

	// The tight-path search's scratch: the phase in which a column was
	// last visited, and the current path with where to resume each row.
	seen         []int32
	stamp        int32
	path, resume []int32
}

func newSolver(g *assignment) *solver {
	nrow := len(g.start) - 1
	s := &solver{
		g:       g,
		price:   make([]int64, g.ncol),
		colEdge: make([]int32, g.ncol),
		rowEdge: make([]int32, nrow),
		freeU:   make([]int64, nrow),
		dist:    make([]int64, g.ncol),
		via:     make([]int32, g.ncol),
		settled: make([]bool, g.ncol),
		seen:    make([]int32, g.ncol),
	}
	for j := range s.colEdge {
		s.colEdge[j], s.dist[j] = -1, math.MaxInt64
	}
	return s
}

// start gives each row its cheapest column where that column is still
// free (the edge is tight while every price is 0), and returns the others.
func (s *solver) start() []int32 {
	g := s.g
	var free []int32
	for i := range s.rowEdge {
		best := g.start[i]
		for e := best + 1; e < g.start[i+1]; e++ {
			if g.cost[e] < g.cost[best] {
				best = e
			}
		}
		if s.colEdge[g.col[best]] < 0 {
			s.colEdge[g.col[best]], s.rowEdge[i] = best, best
		} else {
			s.rowEdge[i] = -1
			free = append(free, int32(i))
		}
	}
	return free
}

// reduceRows is Jonker and Volgenant's augmenting row reduction, an
// auction without ε: each free row takes the column of its cheapest
// reduced cost and lowers that column's price by the gap to its second
// cheapest, so the edge is tight and no other edge of the row is cheaper.
// The row it displaces bids again at once if the price fell, and waits
// for the next pass or the searches otherwise. Prices only fall, and only
// on columns that stay assigned, so free columns keep their price 0.
// Returns the rows still free.
func (s *solver) reduceRows(free []int32) []int32 {
	g := s.g
	var still []int32
	for k := 0; k < len(free); k++ {
		i := free[k]
		for {
			j1, j2 := int32(-1), int32(-1)
			u1, u2 := int64(math.MaxInt64), int64(math.MaxInt64)
			for e := g.start[i]; e < g.start[i+1]; e++ {
				switch h := g.cost[e] - s.price[g.col[e]]; {
				case h < u1:
					u2, j2 = u1, j1
					u1, j1 = h, e
				case h < u2:
					u2, j2 = h, e
				}
			}
			e := j1
			lowered := j2 >= 0 && u1 < u2
			if lowered {
				s.price[g.col[e]] -= u2 - u1
			} else if j2 >= 0 && s.colEdge[g.col[e]] >= 0 {
				e = j2 // a tie: take the other column, free if it can be
			}
			j := g.col[e]
			prev := s.colEdge[j]
			s.rowEdge[i], s.colEdge[j] = e, e
			if prev < 0 {
				break
			}
			k0 := g.row[prev]
			s.rowEdge[k0] = -1
			if !lowered {
				still = append(still, k0)
				break
			}
			i = k0
		}
	}
	return still
}

// potential is row i's dual u_i: for an assigned row the one that makes
// its edge tight.
func (s *solver) potential(i int32) int64 {
	if e := s.rowEdge[i]; e >= 0 {
		return s.g.cost[e] - s.price[s.g.col[e]]
	}
	return s.freeU[i]
}

// seed makes the free rows the sources of a search. Each row's potential
// becomes its cheapest reduced cost, so its edges' reduced costs are ≥ 0
// and one is 0; each column reached gets the least of them as its
// tentative distance. The heap is built once from those columns rather
// than by a push per edge: a phase seeds thousands of rows, and most of
// their columns are never popped.
func (s *solver) seed(rows []int32) {
	g := s.g
	for _, r := range rows {
		ur := int64(math.MaxInt64)
		for e := g.start[r]; e < g.start[r+1]; e++ {
			ur = min(ur, g.cost[e]-s.price[g.col[e]])
		}
		s.freeU[r] = ur
		for e := g.start[r]; e < g.start[r+1]; e++ {
			j := g.col[e]
			if d := g.cost[e] - s.price[j] - ur; d < s.dist[j] {
				if s.dist[j] == math.MaxInt64 {
					s.touched = append(s.touched, j)
				}
				s.dist[j], s.via[j] = d, e
			}
		}
	}
	for _, j := range s.touched {
		s.h = append(s.h, pathItem{s.dist[j], j})
	}
	s.h.init()
}

func (s *solver) reach(j int32, d int64, e int32) {
	if d < s.dist[j] {
		if s.dist[j] == math.MaxInt64 {
			s.touched = append(s.touched, j)
		}
		s.dist[j], s.via[j] = d, e
		s.h.push(pathItem{d, j})
	}
}

// dijkstra settles columns in order of reduced-cost distance from the
// seeded rows until it settles a free one, and returns that column and its
// distance; it returns -1 if it scanned more than budget edges first.
// Every row holds its own free "unfilled" column, so a search that is not
// cut short always ends at a free column.
func (s *solver) dijkstra(budget int) (end int32, length int64) {
	g := s.g
	for scanned := 0; len(s.h) > 0; {
		it := s.h.pop()
		j := it.col
		if s.settled[j] || it.d > s.dist[j] {
			continue
		}
		s.settled[j] = true
		s.done = append(s.done, j)
		if s.colEdge[j] < 0 {
			return j, it.d
		}
		i := g.row[s.colEdge[j]]
		ui := s.potential(i)
		if scanned += int(g.start[i+1] - g.start[i]); scanned > budget {
			return -1, 0
		}
		for e := g.start[i]; e < g.start[i+1]; e++ {
			if k := g.col[e]; !s.settled[k] {
				s.reach(k, it.d+g.cost[e]-s.price[k]-ui, e)
			}
		}
	}
	panic("matching: a row lost its unfilled column")
}

// reprice moves the prices of the settled columns by their distance less
// the path's length, which keeps every reduced cost ≥ 0 and makes every
// shortest path of that length tight; the free column at the end keeps
// its 0.
func (s *solver) reprice(length int64) {
	for _, j := range s.done {
		s.price[j] += s.dist[j] - length
	}
}

// clear resets the search's scratch for the next one.
func (s *solver) clear() {
	for _, j := range s.touched {
		s.dist[j], s.settled[j] = math.MaxInt64, false
	}
	s.touched, s.done, s.h = s.touched[:0], s.done[:0], s.h[:0]
}

// flipTo assigns along the shortest path that ends at column end, back to
// the free row it started from.
func (s *solver) flipTo(end int32) {
	g := s.g
	for j := end; ; {
		e := s.via[j]
		i := g.row[e]
		prev := s.rowEdge[i]
		s.rowEdge[i], s.colEdge[j] = e, e
		if prev < 0 {
			return
		}
		j = g.col[prev]
	}
}

// augmentFrom assigns free row r along a shortest augmenting path, or,
// if finding one takes more than budget edges, changes nothing and
// reports false.
func (s *solver) augmentFrom(r int32, budget int) bool {
	defer s.clear()
	s.seed([]int32{r})
	end, length := s.dijkstra(budget)
	if end < 0 {
		return false
	}
	s.reprice(length)
	s.flipTo(end)
	return true
}

// phase serves many free rows at once, as the Hungarian method does with
// Hopcroft–Karp's phases: one Dijkstra from all of them finds the length
// L of the shortest augmenting path; the prices move so that every
// augmenting path of length L is tight (reduced cost 0 on every edge);
// then the first such path and as many more as a depth-first search of
// the tight edges finds, vertex-disjoint, are assigned. Each path is a
// shortest one, so the duals stay optimal for the rows assigned; on
// instances with many equal scores one phase assigns hundreds of rows
// that would each have searched the same plateau. Returns the rows still
// free; the stamp must be new for each phase.
func (s *solver) phase(free []int32) []int32 {
	s.seed(free)
	end, length := s.dijkstra(math.MaxInt)
	s.reprice(length)
	for _, r := range free {
		s.freeU[r] += length
	}
	s.flipTo(end)
	s.clear()
	for {
		s.stamp++
		still := free[:0]
		for _, r := range free {
			if s.rowEdge[r] < 0 && !s.tightPath(r, s.stamp) {
				still = append(still, r)
			}
		}
		if len(still) == len(free) {
			return still
		}
		free = still
	}
}

// tightPath looks depth-first for an augmenting path from free row r made
// of tight edges through columns not yet visited in this phase, and
// assigns along it. A column visited once in a phase is not entered again,
// so a phase's searches together scan each row's edges about once.
func (s *solver) tightPath(r int32, stamp int32) bool {
	g := s.g
	path, resume := s.path[:0], s.resume[:0]
	defer func() { s.path, s.resume = path[:0], resume[:0] }()
	i, next := r, g.start[r]
	for {
		ui := s.potential(i)
		descended := false
		for e := next; e < g.start[i+1]; e++ {
			j := g.col[e]
			if s.seen[j] == stamp || g.cost[e]-ui-s.price[j] != 0 {
				continue
			}
			s.seen[j] = stamp
			path = append(path, e)
			if s.colEdge[j] < 0 {
				for _, e := range path {
					s.rowEdge[g.row[e]], s.colEdge[g.col[e]] = e, e
				}
				return true
			}
			resume = append(resume, e+1)
			i, next = g.row[s.colEdge[j]], g.start[g.row[s.colEdge[j]]]
			descended = true
			break
		}
		if descended {
			continue
		}
		if len(path) == 0 {
			return false
		}
		e := path[len(path)-1]
		path, i = path[:len(path)-1], g.row[e]
		next, resume = resume[len(resume)-1], resume[:len(resume)-1]
	}
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
	*h = s[:n]
	h.down(0)
	return top
}

// init orders a heap filled in any order (Floyd's heap construction).
func (h pathHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h pathHeap) down(i int) {
	n := len(h)
	for {
		l, m := 2*i+1, i
		if l < n && h[l].less(h[m]) {
			m = l
		}
		if l+1 < n && h[l+1].less(h[m]) {
			m = l + 1
		}
		if m == i {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}
