package models

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// review_assign.go: which reviewers score which entries.

// DefaultReviewersPerEntry is k, the number of reviewers per entry.
const DefaultReviewersPerEntry = 3

// EntryRef is an entry as reviewer assignment sees it.
type EntryRef struct {
	ID             string `json:"id"`
	OrganisationID string `json:"organisation_id"` // the applying organisation
}

// ReviewerRef is a reviewer and their conflicts of interest.
type ReviewerRef struct {
	ID string `json:"id"`
	// OrganisationID is the reviewer's own organisation, if any; it is a
	// conflict like those of ConflictOrgs.
	OrganisationID string `json:"organisation_id,omitempty"`
	// ConflictOrgs are organisations the reviewer declared a conflict with
	// (employment in the last two years, family, …).
	ConflictOrgs []string `json:"conflict_orgs,omitempty"`
	// ConflictEntries are entries the reviewer declared a conflict with.
	ConflictEntries []string `json:"conflict_entries,omitempty"`
}

// Conflicted reports whether r may not review e: e belongs to r's own
// organisation or to a declared conflict organisation, or r declared a
// conflict with e itself.
func (r ReviewerRef) Conflicted(e EntryRef) bool {
	if e.OrganisationID != "" && r.OrganisationID == e.OrganisationID {
		return true
	}
	for _, o := range r.ConflictOrgs {
		if o != "" && o == e.OrganisationID {
			return true
		}
	}
	for _, id := range r.ConflictEntries {
		if id == e.ID {
			return true
		}
	}
	return false
}

// AssignReviewers gives every entry exactly k distinct reviewers, none of
// them conflicted (see ReviewerRef.Conflicted), with the reviewers' loads
// as even as possible.
//
// Algorithm: a min-cost flow on the bipartite graph source → entry
// (capacity k) → eligible reviewer (capacity 1) → sink, where the j-th entry
// a reviewer takes costs 2j − 1, so the cost of an assignment is Σ load².
// Minimising the sum of squares over the load vectors of feasible
// assignments (an M-convex set) makes the largest load as small as possible
// and the smallest as large as possible at the same time, so max − min load
// is the least any conflict-free assignment achieves (≤ 1 when conflicts
// allow). Successive shortest paths over entries and reviewers sorted by id
// make the result deterministic and independent of the input order.
//
// Reviewer loads are not capped, so an assignment exists exactly when every
// entry has at least k eligible reviewers; otherwise the error (KindInvalid)
// names each entry that lacks them. k < 1, empty or duplicate ids are
// validation errors. Each entry's reviewer list is sorted by id.
func AssignReviewers(entries []EntryRef, reviewers []ReviewerRef, k int) (map[string][]string, error) {
	if k < 1 {
		var p Problems
		p.Add("k", "每个项目的评审人数须至少为 1", "reviewers per entry must be at least 1")
		return nil, p.Err()
	}
	needs := make([]EntryNeed, len(entries))
	for i, e := range entries {
		needs[i] = EntryNeed{EntryRef: e, Need: k}
	}
	return TopUpReviewers(needs, reviewers, nil)
}

// EntryNeed is an entry that needs Need more reviewers; the reviewers in
// Have review it already and are not assigned it again.
type EntryNeed struct {
	EntryRef
	Need int
	Have []string
}

// TopUpReviewers is AssignReviewers for a panel that is partly in place (a
// re-run after reviewers were added or declared conflicts): each entry gets
// Need more distinct reviewers, none conflicted and none in its Have, and
// load gives the entries each reviewer holds already, so the j-th entry a
// reviewer holds in all costs 2j − 1 and the total loads are balanced. With
// every Have and load empty it is exactly AssignReviewers. An entry with
// fewer eligible reviewers than its Need is named in the error.
func TopUpReviewers(entries []EntryNeed, reviewers []ReviewerRef, load map[string]int) (map[string][]string, error) {
	var p Problems
	es := append([]EntryNeed(nil), entries...)
	rs := append([]ReviewerRef(nil), reviewers...)
	sort.SliceStable(es, func(i, j int) bool { return es[i].ID < es[j].ID })
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID })
	for i, e := range es {
		switch {
		case e.ID == "":
			p.Add("entries", "参赛项目缺少编号", "an entry has no id")
		case i > 0 && es[i-1].ID == e.ID:
			p.Add("entries", "参赛项目重复", "duplicate entry")
		case e.Need < 0:
			p.Add(childField("entries", e.ID), "所需评审人数不能为负", "reviewers needed must not be negative")
		}
	}
	for i, r := range rs {
		if r.ID == "" {
			p.Add("reviewers", "评审专家缺少编号", "a reviewer has no id")
		} else if i > 0 && rs[i-1].ID == r.ID {
			p.Add("reviewers", "评审专家重复", "duplicate reviewer")
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	eligible := make([][]int, len(es))
	want := 0
	for i, e := range es {
		for j, r := range rs {
			if !r.Conflicted(e.EntryRef) && !slices.Contains(e.Have, r.ID) {
				eligible[i] = append(eligible[i], j)
			}
		}
		if len(eligible[i]) < e.Need {
			p.Add(childField("entries", e.ID),
				fmt.Sprintf("项目 %s 仅有 %d 位无利益冲突的评审专家，需要 %d 位", e.ID, len(eligible[i]), e.Need),
				fmt.Sprintf("entry %s has %d reviewers without a conflict, %d are needed", e.ID, len(eligible[i]), e.Need))
		}
		want += e.Need
	}
	if err := p.Err(); err != nil {
		return nil, err
	}

	// Nodes: 0 source, 1..E entries, E+1..E+R reviewers, E+R+1 sink.
	nE, nR := len(es), len(rs)
	g := newFlowGraph(nE + nR + 2)
	src, sink := 0, nE+nR+1
	takers := make([]int, nR) // eligible entries per reviewer: their most useful units
	for i, e := range es {
		if e.Need == 0 {
			continue
		}
		g.add(src, 1+i, e.Need, 0)
		for _, j := range eligible[i] {
			g.add(1+i, 1+nE+j, 1, 0)
			takers[j]++
		}
	}
	for j, r := range rs {
		held := max(load[r.ID], 0)
		for u := held + 1; u <= held+takers[j]; u++ {
			g.add(1+nE+j, sink, 1, 2*u-1)
		}
	}
	if got := g.minCostFlow(src, sink, want); got != want {
		// Unreachable: every entry has its eligible reviewers and loads are uncapped.
		return nil, Internal("reviewer assignment: flow %d of %d", got, want)
	}
	out := make(map[string][]string, nE)
	for i, e := range es {
		list := make([]string, 0, e.Need)
		for _, ei := range g.adj[1+i] {
			ed := g.edges[ei]
			if ed.to > nE && ed.to <= nE+nR && ed.cap == 0 && ed.orig == 1 {
				list = append(list, rs[ed.to-1-nE].ID)
			}
		}
		sort.Strings(list)
		out[e.ID] = list
	}
	return out, nil
}

// flowGraph is a small residual graph for min-cost flow.
type flowGraph struct {
	adj   [][]int
	edges []flowEdge
}

type flowEdge struct {
	to, cap, orig, cost int
}

func newFlowGraph(n int) *flowGraph { return &flowGraph{adj: make([][]int, n)} }

func (g *flowGraph) add(from, to, cap, cost int) {
	g.adj[from] = append(g.adj[from], len(g.edges))
	g.edges = append(g.edges, flowEdge{to: to, cap: cap, orig: cap, cost: cost})
	g.adj[to] = append(g.adj[to], len(g.edges))
	g.edges = append(g.edges, flowEdge{to: from, cap: 0, orig: 0, cost: -cost})
}

// minCostFlow sends up to want units from s to t along successive shortest
// paths (Bellman–Ford queue, so negative residual costs are fine) and
// returns the flow sent.
func (g *flowGraph) minCostFlow(s, t, want int) int {
	n := len(g.adj)
	const inf = math.MaxInt / 4
	dist := make([]int, n)
	prev := make([]int, n) // edge index into the node
	inQ := make([]bool, n)
	flow := 0
	for flow < want {
		for i := range dist {
			dist[i], prev[i] = inf, -1
		}
		dist[s] = 0
		q := []int{s}
		inQ[s] = true
		for len(q) > 0 {
			u := q[0]
			q = q[1:]
			inQ[u] = false
			for _, ei := range g.adj[u] {
				e := g.edges[ei]
				if e.cap > 0 && dist[u]+e.cost < dist[e.to] {
					dist[e.to] = dist[u] + e.cost
					prev[e.to] = ei
					if !inQ[e.to] {
						inQ[e.to] = true
						q = append(q, e.to)
					}
				}
			}
		}
		if dist[t] == inf {
			break
		}
		push := want - flow
		for v := t; v != s; v = g.edges[prev[v]^1].to {
			push = min(push, g.edges[prev[v]].cap)
		}
		for v := t; v != s; v = g.edges[prev[v]^1].to {
			g.edges[prev[v]].cap -= push
			g.edges[prev[v]^1].cap += push
		}
		flow += push
	}
	return flow
}

// meanSD returns the mean and population standard deviation of v (0, 0 for
// an empty slice).
func meanSD(v []float64) (mean, sd float64) {
	if len(v) == 0 {
		return 0, 0
	}
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		sd += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sd / float64(len(v)))
}

// spread is max − min of v (0 for fewer than two values).
func spread(v []float64) float64 {
	if len(v) < 2 {
		return 0
	}
	lo, hi := v[0], v[0]
	for _, x := range v[1:] {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	return hi - lo
}

// roundTo rounds x to the nearest 1/scale, so values equal in exact
// arithmetic compare equal despite floating-point noise.
func roundTo(x, scale float64) float64 {
	r := math.Round(x*scale) / scale
	if r == 0 {
		return 0 // no negative zero
	}
	return r
}
