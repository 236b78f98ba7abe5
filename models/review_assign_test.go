package models

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// Reviewer assignment: balanced, conflict-free, checked against brute force.

// checkAssignment verifies the hard rules and returns the loads.
func checkAssignment(t *testing.T, entries []EntryRef, reviewers []ReviewerRef, k int, got map[string][]string) map[string]int {
	t.Helper()
	byID := map[string]ReviewerRef{}
	load := map[string]int{}
	for _, r := range reviewers {
		byID[r.ID] = r
		load[r.ID] = 0
	}
	if len(got) != len(entries) {
		t.Fatalf("assignment covers %d entries, want %d", len(got), len(entries))
	}
	for _, e := range entries {
		rs := got[e.ID]
		if len(rs) != k {
			t.Fatalf("entry %s has %d reviewers %v, want %d", e.ID, len(rs), rs, k)
		}
		if !slices.IsSorted(rs) || len(slices.Compact(slices.Clone(rs))) != k {
			t.Fatalf("entry %s reviewers %v not sorted and distinct", e.ID, rs)
		}
		for _, id := range rs {
			r, ok := byID[id]
			if !ok {
				t.Fatalf("entry %s assigned unknown reviewer %s", e.ID, id)
			}
			if r.Conflicted(e) {
				t.Fatalf("entry %s assigned conflicted reviewer %s", e.ID, id)
			}
			load[id]++
		}
	}
	return load
}

func loadRange(load map[string]int) (lo, hi int) {
	lo, hi = math.MaxInt, 0
	for _, n := range load {
		lo, hi = min(lo, n), max(hi, n)
	}
	return lo, hi
}

func TestConflicted(t *testing.T) {
	r := ReviewerRef{ID: "r", OrganisationID: "own", ConflictOrgs: []string{"past"}, ConflictEntries: []string{"e9"}}
	for _, tt := range []struct {
		e    EntryRef
		want bool
	}{
		{EntryRef{"e1", "own"}, true},
		{EntryRef{"e2", "past"}, true},
		{EntryRef{"e9", "other"}, true},
		{EntryRef{"e3", "other"}, false},
		{EntryRef{"e4", ""}, false},
	} {
		if got := r.Conflicted(tt.e); got != tt.want {
			t.Errorf("Conflicted(%+v) = %v", tt.e, got)
		}
	}
}

func TestAssignReviewersBalanced(t *testing.T) {
	var entries []EntryRef
	for i := range 40 {
		entries = append(entries, EntryRef{ID: fmt.Sprintf("e%02d", i), OrganisationID: fmt.Sprintf("o%d", i%7)})
	}
	var reviewers []ReviewerRef
	for i := range 11 {
		r := ReviewerRef{ID: fmt.Sprintf("r%02d", i)}
		if i < 7 {
			r.OrganisationID = fmt.Sprintf("o%d", i) // own organisation
		}
		if i == 8 {
			r.ConflictOrgs = []string{"o1", "o2"}
		}
		if i == 9 {
			r.ConflictEntries = []string{"e00", "e05", "e39"}
		}
		reviewers = append(reviewers, r)
	}
	got, err := AssignReviewers(entries, reviewers, DefaultReviewersPerEntry)
	if err != nil {
		t.Fatal(err)
	}
	load := checkAssignment(t, entries, reviewers, 3, got)
	if lo, hi := loadRange(load); hi-lo > 1 {
		t.Errorf("loads %v: max − min = %d", load, hi-lo)
	}
	// Deterministic, whatever the input order.
	re, rr := slices.Clone(entries), slices.Clone(reviewers)
	slices.Reverse(re)
	slices.Reverse(rr)
	again, err := AssignReviewers(re, rr, 3)
	if err != nil {
		t.Fatal(err)
	}
	for id, rs := range got {
		if !slices.Equal(again[id], rs) {
			t.Fatalf("entry %s: %v, then %v", id, rs, again[id])
		}
	}
}

// A case where greedy least-loaded in entry order ends unbalanced: the
// flexible entries come first and take the reviewer the last ones need.
func TestAssignReviewersBeatsGreedy(t *testing.T) {
	entries := []EntryRef{{"a1", "x"}, {"a2", "x"}, {"b1", "p"}, {"b2", "p"}}
	reviewers := []ReviewerRef{
		{ID: "r1"},
		{ID: "r2", ConflictOrgs: []string{"p"}},
	}
	got, err := AssignReviewers(entries, reviewers, 1)
	if err != nil {
		t.Fatal(err)
	}
	load := checkAssignment(t, entries, reviewers, 1, got)
	if load["r1"] != 2 || load["r2"] != 2 {
		t.Errorf("loads %v, want 2 and 2", load)
	}
}

func TestAssignReviewersErrors(t *testing.T) {
	entries := []EntryRef{{"e1", "o1"}, {"e2", "o2"}}
	reviewers := []ReviewerRef{{ID: "r1", OrganisationID: "o1"}, {ID: "r2"}, {ID: "r3", ConflictEntries: []string{"e2"}}}
	tests := []struct {
		name string
		e    []EntryRef
		r    []ReviewerRef
		k    int
		want []string
	}{
		{"k", entries, reviewers, 0, []string{"k: reviewers per entry must be at least 1"}},
		{"exactly enough", entries, reviewers, 2, nil},
		{"too few", entries, reviewers, 3, []string{
			"entries.e1: entry e1 has 2 reviewers without a conflict, 3 are needed",
			"entries.e2: entry e2 has 2 reviewers without a conflict, 3 are needed"}},
		{"duplicates", append(slices.Clone(entries), EntryRef{"e1", "o9"}, EntryRef{"", "o1"}),
			append(slices.Clone(reviewers), ReviewerRef{ID: "r2"}), 1, []string{
				"entries: an entry has no id", "entries: duplicate entry", "reviewers: duplicate reviewer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AssignReviewers(tt.e, tt.r, tt.k)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				checkAssignment(t, tt.e, tt.r, tt.k, got)
				return
			}
			if p := problemList(t, err); !slices.Equal(p, tt.want) {
				t.Errorf("problems =\n%s\nwant\n%s", strings.Join(p, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
	// No entries: an empty assignment.
	if got, err := AssignReviewers(nil, reviewers, 3); err != nil || len(got) != 0 {
		t.Errorf("no entries: %v, %v", got, err)
	}
}

// bruteForce enumerates every conflict-free assignment and reports whether
// one exists, the least possible maximum load, the greatest possible minimum
// load and the least possible max − min.
func bruteForce(entries []EntryRef, reviewers []ReviewerRef, k int) (ok bool, bestMax, bestMin, bestSpread int) {
	var options [][][]int // per entry, the k-subsets of eligible reviewer indices
	for _, e := range entries {
		var el []int
		for j, r := range reviewers {
			if !r.Conflicted(e) {
				el = append(el, j)
			}
		}
		var subs [][]int
		var rec func(start int, cur []int)
		rec = func(start int, cur []int) {
			if len(cur) == k {
				subs = append(subs, slices.Clone(cur))
				return
			}
			for i := start; i < len(el); i++ {
				rec(i+1, append(cur, el[i]))
			}
		}
		rec(0, nil)
		if len(subs) == 0 {
			return false, 0, 0, 0
		}
		options = append(options, subs)
	}
	bestMax, bestMin, bestSpread = math.MaxInt, -1, math.MaxInt
	load := make([]int, len(reviewers))
	var walk func(i int)
	walk = func(i int) {
		if i == len(entries) {
			lo, hi := math.MaxInt, 0
			for _, n := range load {
				lo, hi = min(lo, n), max(hi, n)
			}
			bestMax, bestMin, bestSpread = min(bestMax, hi), max(bestMin, lo), min(bestSpread, hi-lo)
			return
		}
		for _, s := range options[i] {
			for _, j := range s {
				load[j]++
			}
			walk(i + 1)
			for _, j := range s {
				load[j]--
			}
		}
	}
	walk(0)
	return true, bestMax, bestMin, bestSpread
}

func TestAssignReviewersMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 2025))
	feasible, infeasible := 0, 0
	for n := range 500 {
		nE, nR := 1+rng.IntN(5), 2+rng.IntN(4)
		k := 1 + rng.IntN(min(3, nR))
		orgs := 1 + rng.IntN(3)
		var entries []EntryRef
		for i := range nE {
			entries = append(entries, EntryRef{ID: fmt.Sprintf("e%d", i), OrganisationID: fmt.Sprintf("o%d", rng.IntN(orgs))})
		}
		var reviewers []ReviewerRef
		for j := range nR {
			r := ReviewerRef{ID: fmt.Sprintf("r%d", j)}
			if rng.IntN(3) == 0 {
				r.OrganisationID = fmt.Sprintf("o%d", rng.IntN(orgs))
			}
			if rng.IntN(4) == 0 {
				r.ConflictOrgs = []string{fmt.Sprintf("o%d", rng.IntN(orgs))}
			}
			for i := range nE {
				if rng.IntN(8) == 0 {
					r.ConflictEntries = append(r.ConflictEntries, fmt.Sprintf("e%d", i))
				}
			}
			reviewers = append(reviewers, r)
		}
		ok, bestMax, bestMin, bestSpread := bruteForce(entries, reviewers, k)
		got, err := AssignReviewers(entries, reviewers, k)
		if ok != (err == nil) {
			t.Fatalf("instance %d: brute force feasible=%v, AssignReviewers err=%v\nentries %+v\nreviewers %+v",
				n, ok, err, entries, reviewers)
		}
		if !ok {
			infeasible++
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("instance %d: infeasible error %v is not ErrInvalid", n, err)
			}
			continue
		}
		feasible++
		load := checkAssignment(t, entries, reviewers, k, got)
		lo, hi := loadRange(load)
		if hi != bestMax || lo != bestMin || hi-lo != bestSpread {
			t.Fatalf("instance %d: loads %v (min %d max %d), brute force best max %d min %d spread %d\nentries %+v\nreviewers %+v",
				n, load, lo, hi, bestMax, bestMin, bestSpread, entries, reviewers)
		}
		if bestSpread <= 1 && hi-lo > 1 {
			t.Fatalf("instance %d: spread %d though %d is possible", n, hi-lo, bestSpread)
		}
	}
	t.Logf("feasible %d infeasible %d", feasible, infeasible)
	if feasible < 200 || infeasible < 20 {
		t.Errorf("random instances: %d feasible, %d infeasible; want a richer mix", feasible, infeasible)
	}
}

func TestAssignReviewersLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var entries []EntryRef
	for i := range 300 {
		entries = append(entries, EntryRef{ID: fmt.Sprintf("e%03d", i), OrganisationID: fmt.Sprintf("o%02d", rng.IntN(60))})
	}
	var reviewers []ReviewerRef
	for j := range 40 {
		reviewers = append(reviewers, ReviewerRef{ID: fmt.Sprintf("r%02d", j), OrganisationID: fmt.Sprintf("o%02d", rng.IntN(60)),
			ConflictOrgs: []string{fmt.Sprintf("o%02d", rng.IntN(60))}})
	}
	got, err := AssignReviewers(entries, reviewers, 3)
	if err != nil {
		t.Fatal(err)
	}
	load := checkAssignment(t, entries, reviewers, 3, got)
	if lo, hi := loadRange(load); hi-lo > 1 {
		t.Errorf("loads %v: max − min = %d", load, hi-lo)
	}
}
