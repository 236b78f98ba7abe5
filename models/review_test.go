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

func approx(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestDefaultRubric(t *testing.T) {
	if err := DefaultRubric.Validate(); err != nil {
		t.Fatalf("DefaultRubric.Validate() = %v", err)
	}
	want := []struct{ code, zh string }{
		{"needs_precision", "需求精准度"}, {"professionalism", "专业性与社工参与"}, {"feasibility", "可行性"},
		{"budget", "预算合理性"}, {"sustainability", "可持续性"}, {"innovation", "创新性"},
	}
	if len(DefaultRubric) != len(want) {
		t.Fatalf("DefaultRubric has %d criteria, want %d", len(DefaultRubric), len(want))
	}
	for i, w := range want {
		if c := DefaultRubric[i]; c.Code != w.code || c.Zh != w.zh {
			t.Errorf("criterion %d = %s/%s, want %s/%s", i, c.Code, c.Zh, w.code, w.zh)
		}
	}
	c := DefaultRubric.Clone()
	c[0].Weight = 99
	if DefaultRubric[0].Weight == 99 {
		t.Fatal("Clone shares memory with DefaultRubric")
	}
}

func TestRubricValidate(t *testing.T) {
	tests := []struct {
		name string
		r    Rubric
		want []string
	}{
		{"empty", nil, []string{"rubric: a rubric needs at least one criterion"}},
		{"ok", Rubric{{"a", "甲", "A", 60, 10}, {"b", "乙", "B", 40, 5}}, nil},
		{"sum", Rubric{{"a", "甲", "A", 60, 10}, {"b", "乙", "B", 30, 5}},
			[]string{"rubric: weights must sum to 100 (they sum to 90)"}},
		{"bad fields", Rubric{{"A-1", "甲", "A", 0, 0}, {"b", "", "B", 100, 5}, {"b", "乙", "B", 0, 2000}},
			[]string{
				"rubric[0].code: criterion code must be snake_case starting with a letter",
				"rubric[0].weight: weight must be an integer from 1 to 100",
				"rubric[0].max_points: max points must be an integer from 1 to 1000",
				"rubric[1].zh: criterion needs a zh-CN and an English label",
				"rubric[2].code: duplicate criterion code b",
				"rubric[2].weight: weight must be an integer from 1 to 100",
				"rubric[2].max_points: max points must be an integer from 1 to 1000",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := problemList(t, tt.r.Validate()); !slices.Equal(got, tt.want) {
				t.Errorf("Validate() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestWeightedTotal(t *testing.T) {
	full := map[string]int{}
	zero := map[string]int{}
	for _, c := range DefaultRubric {
		full[c.Code], zero[c.Code] = c.MaxPoints, 0
	}
	custom := Rubric{{"a", "甲", "A", 60, 10}, {"b", "乙", "B", 40, 3}}
	tests := []struct {
		name   string
		r      Rubric
		scores map[string]int
		want   float64
	}{
		{"full marks", DefaultRubric, full, 100},
		{"zero", DefaultRubric, zero, 0},
		{"default sums points", DefaultRubric, map[string]int{"needs_precision": 18, "professionalism": 15,
			"feasibility": 17, "budget": 12, "sustainability": 10, "innovation": 7}, 79},
		{"scaled", custom, map[string]int{"a": 5, "b": 1}, 30 + 40.0/3},
		{"scaled full", custom, map[string]int{"a": 10, "b": 3}, 100},
	}
	for _, tt := range tests {
		got, err := WeightedTotal(tt.r, tt.scores)
		if err != nil || !approx(got, tt.want) {
			t.Errorf("%s: WeightedTotal = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
}

func TestWeightedTotalErrors(t *testing.T) {
	custom := Rubric{{"a", "甲", "A", 60, 10}, {"b", "乙", "B", 40, 3}}
	tests := []struct {
		name   string
		r      Rubric
		scores map[string]int
		want   []string
	}{
		{"missing", custom, map[string]int{"a": 5}, []string{"scores.b: no score for criterion b"}},
		{"above max", custom, map[string]int{"a": 11, "b": 3},
			[]string{"scores.a: score for criterion a must be between 0 and 10"}},
		{"negative", custom, map[string]int{"a": 1, "b": -1},
			[]string{"scores.b: score for criterion b must be between 0 and 3"}},
		{"unknown", custom, map[string]int{"a": 1, "b": 1, "z": 1, "c": 2}, []string{
			"scores.c: the criterion is not in the rubric", "scores.z: the criterion is not in the rubric"}},
		{"nil scores", custom, nil, []string{"scores.a: no score for criterion a", "scores.b: no score for criterion b"}},
		{"bad rubric", Rubric{{"a", "甲", "A", 50, 10}}, map[string]int{"a": 1},
			[]string{"rubric: weights must sum to 100 (they sum to 50)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := WeightedTotal(tt.r, tt.scores)
			if err == nil {
				t.Fatalf("WeightedTotal = %v, want an error", got)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v is not ErrInvalid", err)
			}
			if p := problemList(t, err); !slices.Equal(p, tt.want) {
				t.Errorf("problems =\n%s\nwant\n%s", strings.Join(p, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func rankingOf(es []EntryResult) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.EntryID
		if e.Rank != i+1 {
			panic(fmt.Sprintf("entry %s at %d has rank %d", e.EntryID, i, e.Rank))
		}
	}
	return out
}

// rawRanking orders entries by raw mean (desc), then id.
func rawRanking(es []EntryResult) []string {
	c := slices.Clone(es)
	slices.SortStableFunc(c, func(a, b EntryResult) int {
		if a.RawMean != b.RawMean {
			if a.RawMean > b.RawMean {
				return -1
			}
			return 1
		}
		return strings.Compare(a.EntryID, b.EntryID)
	})
	return rankingOf(renumber(c))
}

func renumber(es []EntryResult) []EntryResult {
	for i := range es {
		es[i].Rank = i + 1
	}
	return es
}

// harshPanel is fixed data: eight entries, four reviewers, three reviewers per
// entry, each reviewer scoring six entries. Fair reviewers score an entry's
// quality; reviewer "harsh" scores it 25 points lower when bias is set.
func harshPanel(bias float64) []ReviewScore {
	quality := map[string]float64{"e1": 88, "e2": 84, "e3": 81, "e4": 77, "e5": 73, "e6": 70, "e7": 66, "e8": 61}
	panel := map[string][]string{ // reviewer → entries
		"fair1": {"e1", "e2", "e3", "e5", "e6", "e8"},
		"fair2": {"e1", "e3", "e4", "e5", "e7", "e8"},
		"fair3": {"e2", "e3", "e4", "e6", "e7", "e8"},
		"harsh": {"e1", "e2", "e4", "e5", "e6", "e7"},
	}
	var out []ReviewScore
	for _, r := range []string{"fair1", "fair2", "fair3", "harsh"} {
		for _, e := range panel[r] {
			total := quality[e]
			if r == "harsh" {
				total -= bias
			}
			out = append(out, ReviewScore{ReviewerID: r, EntryID: e, Total: total})
		}
	}
	return out
}

func TestNormaliseHarshReviewer(t *testing.T) {
	fair := Normalise(harshPanel(0), NormaliseOptions{})
	biased := Normalise(harshPanel(25), NormaliseOptions{})
	truth := []string{"e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8"}

	if got := rawRanking(fair.Entries); !slices.Equal(got, truth) {
		t.Fatalf("raw ranking without bias = %v, want %v", got, truth)
	}
	// The bias would decide a raw-mean ranking …
	if got := rawRanking(biased.Entries); slices.Equal(got, truth) {
		t.Fatalf("raw ranking with the harsh reviewer = %v; the fixture should show the bias", got)
	}
	// … but not the normalised one.
	if got := rankingOf(biased.Entries); !slices.Equal(got, truth) {
		t.Errorf("normalised ranking with the harsh reviewer = %v, want %v", got, truth)
	}
	if got := rankingOf(fair.Entries); !slices.Equal(got, truth) {
		t.Errorf("normalised ranking without bias = %v, want %v", got, truth)
	}
	for i := range biased.Entries {
		b, f := biased.Entries[i], fair.Entries[i]
		if b.Score != f.Score {
			t.Errorf("%s: normalised score %v with bias, %v without", b.EntryID, b.Score, f.Score)
		}
		if b.Flagged() {
			t.Errorf("%s flagged: %+v", b.EntryID, b.Flags)
		}
	}
	for _, r := range biased.Reviewers {
		if r.Basis != ZBasisOwn {
			t.Errorf("reviewer %s basis %s, want own", r.ReviewerID, r.Basis)
		}
	}
	// The raw mean is still reported beside the normalised score.
	for _, e := range biased.Entries {
		if e.EntryID == "e1" && !approx(e.RawMean, (88+88+63)/3.0) {
			t.Errorf("e1 raw mean = %v", e.RawMean)
		}
	}
}

func TestNormaliseDisagreement(t *testing.T) {
	base := []ReviewScore{
		{"r1", "a", 80}, {"r1", "b", 70}, {"r1", "c", 60}, {"r1", "split", 90},
		{"r2", "a", 82}, {"r2", "b", 71}, {"r2", "c", 59}, {"r2", "split", 88},
		{"r3", "a", 79}, {"r3", "b", 69}, {"r3", "c", 61}, {"r3", "split", 40},
	}
	res := Normalise(base, NormaliseOptions{})
	for _, e := range res.Entries {
		if e.EntryID != "split" {
			if e.Flagged() {
				t.Errorf("%s flagged: %+v", e.EntryID, e.Flags)
			}
			continue
		}
		codes := []string{}
		for _, f := range e.Flags {
			codes = append(codes, f.Code)
			if f.Zh == "" || f.En == "" || !(f.Value > f.Threshold) {
				t.Errorf("flag %+v", f)
			}
		}
		if !slices.Equal(codes, []string{FlagZRange, FlagRawRange}) {
			t.Errorf("split panel flags = %v, want z_range and raw_range", codes)
		}
		if e.RawRange != 50 {
			t.Errorf("raw range = %v, want 50", e.RawRange)
		}
	}

	// Raw totals within 30 points, but opposite ends of each reviewer's scale.
	zOnly := []ReviewScore{
		{"r1", "a", 90}, {"r1", "b", 80}, {"r1", "c", 70}, {"r1", "x", 60},
		{"r2", "a", 60}, {"r2", "b", 70}, {"r2", "c", 80}, {"r2", "x", 85},
	}
	res = Normalise(zOnly, NormaliseOptions{})
	for _, e := range res.Entries {
		if e.EntryID != "x" {
			continue
		}
		if len(e.Flags) != 1 || e.Flags[0].Code != FlagZRange || e.RawRange != 25 {
			t.Errorf("x: flags %+v, raw range %v; want only z_range", e.Flags, e.RawRange)
		}
	}
	// A higher threshold silences it.
	res = Normalise(zOnly, NormaliseOptions{ZRangeThreshold: 5})
	for _, e := range res.Entries {
		if e.Flagged() {
			t.Errorf("%s flagged with threshold 5: %+v", e.EntryID, e.Flags)
		}
	}
}

func TestNormaliseFewEntriesAndNoSpread(t *testing.T) {
	scores := []ReviewScore{
		{"full", "a", 90}, {"full", "b", 70}, {"full", "c", 50}, {"full", "d", 30},
		{"few", "a", 95}, {"few", "d", 35}, // two entries: fewer than 3
		{"flat", "a", 60}, {"flat", "b", 60}, {"flat", "c", 60}, // σ = 0
	}
	res := Normalise(scores, NormaliseOptions{})
	var all []float64
	for _, s := range scores {
		all = append(all, s.Total)
	}
	pm, psd := meanSD(all)
	if !approx(res.PooledMean, pm) || !approx(res.PooledSD, psd) || psd == 0 {
		t.Fatalf("pooled = %v ± %v, want %v ± %v", res.PooledMean, res.PooledSD, pm, psd)
	}
	want := map[string][2]string{
		"few":  {ZBasisPooled, PooledTooFew},
		"flat": {ZBasisPooled, PooledNoSpread},
		"full": {ZBasisOwn, ""},
	}
	for _, r := range res.Reviewers {
		if w := want[r.ReviewerID]; r.Basis != w[0] || r.PooledReason != w[1] {
			t.Errorf("%s: basis %s/%s, want %s/%s", r.ReviewerID, r.Basis, r.PooledReason, w[0], w[1])
		}
	}
	fm, fsd := meanSD([]float64{90, 70, 50, 30})
	z := func(reviewer string, total float64) float64 {
		if reviewer == "full" {
			return (total - fm) / fsd
		}
		return (total - pm) / psd
	}
	wantScore := map[string]float64{
		"a": (z("full", 90) + z("few", 95) + z("flat", 60)) / 3,
		"b": (z("full", 70) + z("flat", 60)) / 2,
		"c": (z("full", 50) + z("flat", 60)) / 2,
		"d": (z("full", 30) + z("few", 35)) / 2,
	}
	for _, e := range res.Entries {
		if !approx(e.Score, wantScore[e.EntryID]) {
			t.Errorf("%s: score %v, want %v", e.EntryID, e.Score, wantScore[e.EntryID])
		}
	}
	// The flat reviewer's 60 is below the pooled mean, so it counts (neither
	// dominating with an infinite z nor vanishing with z = 0).
	if z("flat", 60) == 0 || math.Abs(z("flat", 60)) > 2 {
		t.Errorf("flat reviewer's z = %v", z("flat", 60))
	}
	// A single reviewer scoring once, with every total equal: z = 0.
	one := Normalise([]ReviewScore{{"r", "a", 50}}, NormaliseOptions{})
	if len(one.Entries) != 1 || one.Entries[0].Score != 0 || one.Reviewers[0].PooledReason != PooledTooFew {
		t.Errorf("single score: %+v", one)
	}
	// MinEntries is configurable.
	res = Normalise(scores, NormaliseOptions{MinEntries: 2})
	for _, r := range res.Reviewers {
		if r.ReviewerID == "few" && r.Basis != ZBasisOwn {
			t.Errorf("few with MinEntries 2: basis %s", r.Basis)
		}
	}
}

func TestNormaliseTiesAndDeterminism(t *testing.T) {
	// r1 (mean 70, σ 16.3) and r2 (mean 70, σ 8.2) give p and q the same
	// z-score: p goes first on its higher raw mean. a and c tie on z-score and
	// raw mean: they go by id. b and d tie on z-score; d has the higher raw mean.
	scores := []ReviewScore{
		{"r2", "d", 99}, // replaced by the later score of the same pair
		{"r1", "p", 90}, {"r1", "a", 70}, {"r1", "b", 50},
		{"r2", "q", 80}, {"r2", "c", 70}, {"r2", "d", 60},
		{"r3", "a", math.NaN()}, // ignored
	}
	want := []string{"p", "q", "a", "c", "d", "b"}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		s := slices.Clone(scores)
		if i > 0 { // shuffle all but the repeated pair's order
			rng.Shuffle(len(s)-1, func(a, b int) { s[a+1], s[b+1] = s[b+1], s[a+1] })
			if j := slices.Index(s, ReviewScore{"r2", "d", 60}); j >= 0 {
				s = append(s[:j], s[j+1:]...)
				s = append(s, ReviewScore{"r2", "d", 60})
			}
		}
		res := Normalise(s, NormaliseOptions{})
		if got := rankingOf(res.Entries); !slices.Equal(got, want) {
			t.Fatalf("ranking = %v, want %v (%+v)", got, want, res.Entries)
		}
		if len(res.Reviewers) != 2 {
			t.Fatalf("reviewers = %+v; the NaN score should be ignored", res.Reviewers)
		}
		e := res.Entries
		if e[0].Score != e[1].Score || e[2].Score != e[3].Score || e[2].RawMean != e[3].RawMean || e[4].Score != e[5].Score {
			t.Fatalf("expected ties: %+v", e)
		}
	}
}

func TestCombine(t *testing.T) {
	review := []EntryResult{
		{EntryID: "a", Score: 1.2, RawMean: 85},
		{EntryID: "b", Score: 0.5, RawMean: 80},
		{EntryID: "c", Score: 0.5, RawMean: 78},
		{EntryID: "d", Score: -0.4, RawMean: 70},
		{EntryID: "e", Score: -1.8, RawMean: 55},
	}
	votes := map[string]int{"a": 3, "b": 40, "c": 40, "d": 3, "e": 100, "ghost": 9999}
	got, err := Combine(review, votes, DefaultVoteWeight)
	if err != nil {
		t.Fatal(err)
	}
	// Review percentiles (ascending ranks e1 d2 {b,c}3.5 a5): e 0, d 25, b=c 62.5, a 100.
	// Vote percentiles (ascending ranks {a,d}1.5 {b,c}3.5 e5): a=d 12.5, b=c 62.5, e 100.
	want := []struct {
		id         string
		rev, vote  float64
		final      float64
		reviewRank int
	}{
		{"a", 100, 12.5, 82.5, 1},
		{"b", 62.5, 62.5, 62.5, 2}, // b and c tie on final: the review ranking decides
		{"c", 62.5, 62.5, 62.5, 3},
		{"d", 25, 12.5, 22.5, 4},
		{"e", 0, 100, 20, 5},
	}
	if len(got) != len(want) {
		t.Fatalf("Combine returned %d entries: %+v", len(got), got)
	}
	for i, w := range want {
		g := got[i]
		if g.EntryID != w.id || g.Rank != i+1 || !approx(g.ReviewPercentile, w.rev) ||
			!approx(g.VotePercentile, w.vote) || !approx(g.Final, w.final) || g.ReviewRank != w.reviewRank {
			t.Errorf("place %d = %+v, want %+v", i+1, g, w)
		}
	}
	// Input order does not matter.
	rev := slices.Clone(review)
	slices.Reverse(rev)
	again, _ := Combine(rev, votes, DefaultVoteWeight)
	if !slices.Equal(again, got) {
		t.Errorf("reversed input gives %+v", again)
	}
	// Weight 0 is the review ranking; weight 1 the vote ranking (ties by review).
	w0, _ := Combine(review, votes, 0)
	w1, _ := Combine(review, votes, 1)
	ids := func(cs []CombinedEntry) (out []string) {
		for _, c := range cs {
			out = append(out, c.EntryID)
		}
		return out
	}
	if g := ids(w0); !slices.Equal(g, []string{"a", "b", "c", "d", "e"}) {
		t.Errorf("weight 0: %v", g)
	}
	if g := ids(w1); !slices.Equal(g, []string{"e", "b", "c", "a", "d"}) {
		t.Errorf("weight 1: %v", g)
	}
	// No votes at all: every vote percentile is the same.
	nv, _ := Combine(review, nil, 0.2)
	for _, c := range nv {
		if c.VotePercentile != 50 {
			t.Errorf("no votes: %+v", c)
		}
	}
	one, _ := Combine(review[:1], nil, 0.2)
	if one[0].Final != 100 {
		t.Errorf("single entry: %+v", one[0])
	}
	for _, w := range []float64{-0.1, 1.1, math.NaN()} {
		if _, err := Combine(review, votes, w); !errors.Is(err, ErrInvalid) {
			t.Errorf("weight %v: err %v", w, err)
		}
	}
	if _, err := Combine(append(slices.Clone(review), review[0]), votes, 0.2); !errors.Is(err, ErrInvalid) {
		t.Errorf("duplicate entry: err %v", err)
	}
	if _, err := Combine(review, map[string]int{"a": -1}, 0.2); !errors.Is(err, ErrInvalid) {
		t.Errorf("negative votes: err %v", err)
	}
}
