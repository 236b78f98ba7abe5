package models

// Pure review rules of venture-philanthropy competitions (公益创投、项目大赛):
// the scoring rubric, reviewer normalisation and the disagreement flag, the
// combination of expert review with a public vote, and the conflict-free,
// load-balanced assignment of reviewers to entries. Nothing here touches a
// store; the handlers load the data, call these functions and persist the
// results.

import (
	"fmt"
	"math"
	"regexp"
	"sort"
)

// Criterion is one line of a scoring rubric. A reviewer gives 0..MaxPoints
// whole points; the criterion contributes points/MaxPoints × Weight to the
// weighted total, and the weights of a rubric sum to 100.
type Criterion struct {
	Code      string `json:"code" bson:"code"`
	Zh        string `json:"zh" bson:"zh"`
	En        string `json:"en" bson:"en"`
	Weight    int    `json:"weight" bson:"weight"`
	MaxPoints int    `json:"max_points" bson:"maxpoints"`
}

// Rubric is the ordered list of criteria of a competition.
type Rubric []Criterion

// RubricWeightTotal is the sum of the weights of every valid rubric.
const RubricWeightTotal = 100

// DefaultRubric is the rubric a new competition starts with. (product: the
// six criteria are those of issue 6; MaxPoints equals Weight, as on the usual
// 公益创投 score sheets, so the weighted total is the sum of the points.)
// Treat it as read-only; use Clone to derive a competition's own rubric.
var DefaultRubric = Rubric{
	{Code: "needs_precision", Zh: "需求精准度", En: "Precision of the needs addressed", Weight: 20, MaxPoints: 20},
	{Code: "professionalism", Zh: "专业性与社工参与", En: "Professionalism and social-worker involvement", Weight: 20, MaxPoints: 20},
	{Code: "feasibility", Zh: "可行性", En: "Feasibility", Weight: 20, MaxPoints: 20},
	{Code: "budget", Zh: "预算合理性", En: "Reasonableness of the budget", Weight: 15, MaxPoints: 15},
	{Code: "sustainability", Zh: "可持续性", En: "Sustainability", Weight: 15, MaxPoints: 15},
	{Code: "innovation", Zh: "创新性", En: "Innovation", Weight: 10, MaxPoints: 10},
}

// rubricMaxPoints bounds MaxPoints so that score sheets stay human-sized.
const rubricMaxPoints = 1000

var rubricCodePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// Clone returns a copy of r that shares no memory with r.
func (r Rubric) Clone() Rubric { return append(Rubric(nil), r...) }

// Validate checks that r has at least one criterion, that codes are
// snake_case and unique, labels are present, every weight and maximum is
// positive, and the weights sum to 100. Fields are named rubric[i].name.
func (r Rubric) Validate() error {
	var p Problems
	if len(r) == 0 {
		p.Add("rubric", "评分标准至少需要一项", "a rubric needs at least one criterion")
		return p.Err()
	}
	seen := make(map[string]bool, len(r))
	sum := 0
	for i, c := range r {
		f := indexField("rubric", i)
		switch {
		case !rubricCodePattern.MatchString(c.Code):
			p.Add(childField(f, "code"), "评分项代码须为小写字母开头的 snake_case", "criterion code must be snake_case starting with a letter")
		case seen[c.Code]:
			p.Add(childField(f, "code"), "评分项代码重复", "duplicate criterion code "+c.Code)
		}
		seen[c.Code] = true
		if c.Zh == "" || c.En == "" {
			p.Add(childField(f, "zh"), "评分项须有中文和英文名称", "criterion needs a zh-CN and an English label")
		}
		if c.Weight <= 0 || c.Weight > RubricWeightTotal {
			p.Add(childField(f, "weight"), "权重须为 1–100 的整数", "weight must be an integer from 1 to 100")
		}
		if c.MaxPoints <= 0 || c.MaxPoints > rubricMaxPoints {
			p.Add(childField(f, "max_points"), "满分须为 1–1000 的整数", "max points must be an integer from 1 to 1000")
		}
		sum += c.Weight
	}
	if sum != RubricWeightTotal {
		p.Add("rubric", fmt.Sprintf("各项权重之和须为 100（现为 %d）", sum),
			fmt.Sprintf("weights must sum to 100 (they sum to %d)", sum))
	}
	return p.Err()
}

// WeightedTotal is a reviewer's total for one entry on a 0–100 scale: the sum
// over the criteria of points/MaxPoints × Weight. scores maps criterion codes
// to points. A missing criterion, points outside 0..MaxPoints and a code that
// is not in the rubric are validation errors naming the criterion
// (scores.<code>); an invalid rubric is returned as Validate reports it.
func WeightedTotal(rubric Rubric, scores map[string]int) (float64, error) {
	if err := rubric.Validate(); err != nil {
		return 0, err
	}
	var p Problems
	total := 0.0
	known := make(map[string]bool, len(rubric))
	for _, c := range rubric {
		known[c.Code] = true
		f := childField("scores", c.Code)
		pts, ok := scores[c.Code]
		switch {
		case !ok:
			p.Add(f, "缺少评分项「"+c.Zh+"」的得分", "no score for criterion "+c.Code)
		case pts < 0 || pts > c.MaxPoints:
			p.Add(f, fmt.Sprintf("评分项「%s」的得分须在 0–%d 之间", c.Zh, c.MaxPoints),
				fmt.Sprintf("score for criterion %s must be between 0 and %d", c.Code, c.MaxPoints))
		default:
			total += float64(pts) / float64(c.MaxPoints) * float64(c.Weight)
		}
	}
	extra := make([]string, 0)
	for code := range scores {
		if !known[code] {
			extra = append(extra, code)
		}
	}
	sort.Strings(extra)
	for _, code := range extra {
		p.Add(childField("scores", code), "评分标准中没有该评分项", "the criterion is not in the rubric")
	}
	if err := p.Err(); err != nil {
		return 0, err
	}
	return roundTo(total, 1e9), nil
}

// ReviewScore is one reviewer's weighted total (0–100) for one entry.
type ReviewScore struct {
	ReviewerID string  `json:"reviewer_id"`
	EntryID    string  `json:"entry_id"`
	Total      float64 `json:"total"`
}

// Defaults of NormaliseOptions.
const (
	DefaultMinReviewerEntries = 3
	DefaultZRangeThreshold    = 1.5
	DefaultRawRangeThreshold  = 30.0
)

// NormaliseOptions tune Normalise; a zero field takes its default.
type NormaliseOptions struct {
	// MinEntries is the fewest scored entries for a reviewer's own mean and
	// standard deviation to be used (default 3).
	MinEntries int
	// ZRangeThreshold flags an entry whose reviewers' z-scores span more
	// than this (max − min; default 1.5).
	ZRangeThreshold float64
	// RawRangeThreshold flags an entry whose reviewers' raw totals differ by
	// more than this many points (default 30).
	RawRangeThreshold float64
}

func (o NormaliseOptions) withDefaults() NormaliseOptions {
	if o.MinEntries <= 0 {
		o.MinEntries = DefaultMinReviewerEntries
	}
	if !(o.ZRangeThreshold > 0) {
		o.ZRangeThreshold = DefaultZRangeThreshold
	}
	if !(o.RawRangeThreshold > 0) {
		o.RawRangeThreshold = DefaultRawRangeThreshold
	}
	return o
}

// How a reviewer's z-scores were computed (ReviewerStats.Basis).
const (
	ZBasisOwn    = "own"    // against the reviewer's own mean and σ
	ZBasisPooled = "pooled" // against the pooled mean and σ of all scores
)

// Why a reviewer's z-scores use the pooled basis (ReviewerStats.PooledReason).
const (
	PooledTooFew   = "too_few_entries" // fewer than MinEntries scored entries
	PooledNoSpread = "no_spread"       // every total the same (σ = 0)
)

// ReviewerStats describes how one reviewer's totals were normalised.
type ReviewerStats struct {
	ReviewerID   string  `json:"reviewer_id" bson:"reviewerid"`
	Entries      int     `json:"entries" bson:"entries"`
	Mean         float64 `json:"mean" bson:"mean"`
	SD           float64 `json:"sd" bson:"sd"`
	Basis        string  `json:"basis" bson:"basis"`                          // ZBasisOwn or ZBasisPooled
	PooledReason string  `json:"pooled_reason,omitempty" bson:"pooledreason"` // PooledTooFew or PooledNoSpread
}

// Codes of disagreement flags.
const (
	FlagZRange   = "z_range"
	FlagRawRange = "raw_range"
)

// DisagreementFlag says why an entry's panel is flagged as split.
type DisagreementFlag struct {
	Code      string  `json:"code" bson:"code"` // FlagZRange or FlagRawRange
	Zh        string  `json:"zh" bson:"zh"`
	En        string  `json:"en" bson:"en"`
	Value     float64 `json:"value" bson:"value"`
	Threshold float64 `json:"threshold" bson:"threshold"`
}

// EntryResult is an entry's place in the review ranking.
type EntryResult struct {
	EntryID   string             `json:"entry_id" bson:"entryid"`
	Rank      int                `json:"rank" bson:"rank"`        // 1-based, no shared ranks
	Score     float64            `json:"score" bson:"score"`      // mean of the reviewers' z-scores
	RawMean   float64            `json:"raw_mean" bson:"rawmean"` // mean of the reviewers' weighted totals
	Reviewers int                `json:"reviewers" bson:"reviewers"`
	ZRange    float64            `json:"z_range" bson:"zrange"`     // max − min of the reviewers' z-scores
	RawRange  float64            `json:"raw_range" bson:"rawrange"` // max − min of the raw totals
	Flags     []DisagreementFlag `json:"flags,omitempty" bson:"flags"`
}

// Flagged reports whether the entry's reviewers disagree beyond a threshold.
func (e EntryResult) Flagged() bool { return len(e.Flags) > 0 }

// NormalisedResult is the outcome of Normalise.
type NormalisedResult struct {
	Entries    []EntryResult   `json:"entries" bson:"entries"`     // in rank order
	Reviewers  []ReviewerStats `json:"reviewers" bson:"reviewers"` // by reviewer id
	PooledMean float64         `json:"pooled_mean" bson:"pooledmean"`
	PooledSD   float64         `json:"pooled_sd" bson:"pooledsd"`
}

// Normalise turns reviewers' weighted totals into the review ranking.
//
// The rule:
//   - Each reviewer's totals are converted to z-scores, z = (total − μ)/σ,
//     with μ and σ the mean and population standard deviation of that
//     reviewer's own totals, so a harsh or lenient reviewer (one who scores
//     everything lower or higher) does not decide the ranking.
//   - A reviewer with fewer than MinEntries (3) scored entries, or whose
//     totals are all equal (σ = 0), has no reliable scale of their own: their
//     z-scores are computed against the pooled μ and σ of all totals of all
//     reviewers. They thus neither dominate (a tiny σ would blow their
//     z-scores up) nor vanish (z = 0 for everything), and are read on the
//     common scale. If the pooled σ is 0 as well, their z-scores are 0.
//   - An entry's Score is the mean of its reviewers' z-scores, shown beside
//     RawMean, the mean of their raw totals. Both are rounded to 1e-9 so that
//     ties of exact arithmetic stay ties.
//   - Ranking: Score descending, then RawMean descending, then entry id
//     ascending; ranks are 1, 2, 3, … with no shared rank.
//   - Disagreement: an entry is flagged when its reviewers' z-scores span
//     more than ZRangeThreshold (1.5) or their raw totals span more than
//     RawRangeThreshold (30 points); each reason is a DisagreementFlag.
//
// One score per (reviewer, entry) is expected (the store enforces it); if a
// pair occurs twice the later score replaces the earlier. Non-finite totals
// are ignored.
func Normalise(scores []ReviewScore, opts NormaliseOptions) NormalisedResult {
	opts = opts.withDefaults()
	type key struct{ reviewer, entry string }
	at := make(map[key]int, len(scores))
	var kept []ReviewScore
	for _, s := range scores {
		if math.IsNaN(s.Total) || math.IsInf(s.Total, 0) {
			continue
		}
		k := key{s.ReviewerID, s.EntryID}
		if i, ok := at[k]; ok {
			kept[i] = s
			continue
		}
		at[k] = len(kept)
		kept = append(kept, s)
	}

	all := make([]float64, len(kept))
	byReviewer := map[string][]float64{}
	for i, s := range kept {
		all[i] = s.Total
		byReviewer[s.ReviewerID] = append(byReviewer[s.ReviewerID], s.Total)
	}
	pMean, pSD := meanSD(all)
	res := NormalisedResult{PooledMean: roundTo(pMean, 1e9), PooledSD: roundTo(pSD, 1e9)}

	ids := make([]string, 0, len(byReviewer))
	for id := range byReviewer {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	type scale struct{ mean, sd float64 }
	scales := make(map[string]scale, len(ids))
	for _, id := range ids {
		t := byReviewer[id]
		m, sd := meanSD(t)
		st := ReviewerStats{ReviewerID: id, Entries: len(t), Mean: roundTo(m, 1e9), SD: roundTo(sd, 1e9), Basis: ZBasisOwn}
		switch {
		case len(t) < opts.MinEntries:
			st.Basis, st.PooledReason = ZBasisPooled, PooledTooFew
		case sd <= 1e-9*math.Max(1, math.Abs(m)):
			st.Basis, st.PooledReason = ZBasisPooled, PooledNoSpread
		}
		if st.Basis == ZBasisPooled {
			scales[id] = scale{pMean, pSD}
		} else {
			scales[id] = scale{m, sd}
		}
		res.Reviewers = append(res.Reviewers, st)
	}

	type acc struct{ z, raw []float64 }
	byEntry := map[string]*acc{}
	for _, s := range kept {
		sc := scales[s.ReviewerID]
		z := 0.0
		if sc.sd > 1e-12 {
			z = (s.Total - sc.mean) / sc.sd
		}
		a := byEntry[s.EntryID]
		if a == nil {
			a = &acc{}
			byEntry[s.EntryID] = a
		}
		a.z = append(a.z, z)
		a.raw = append(a.raw, s.Total)
	}
	for id, a := range byEntry {
		zm, _ := meanSD(a.z)
		rm, _ := meanSD(a.raw)
		e := EntryResult{
			EntryID: id, Score: roundTo(zm, 1e9), RawMean: roundTo(rm, 1e9), Reviewers: len(a.z),
			ZRange: roundTo(spread(a.z), 1e9), RawRange: roundTo(spread(a.raw), 1e9),
		}
		if e.ZRange > opts.ZRangeThreshold {
			e.Flags = append(e.Flags, DisagreementFlag{
				Code: FlagZRange, Value: e.ZRange, Threshold: opts.ZRangeThreshold,
				Zh: fmt.Sprintf("评审标准化得分极差 %.2f，超过阈值 %.2f", e.ZRange, opts.ZRangeThreshold),
				En: fmt.Sprintf("reviewers' z-scores span %.2f, above the threshold %.2f", e.ZRange, opts.ZRangeThreshold),
			})
		}
		if e.RawRange > opts.RawRangeThreshold {
			e.Flags = append(e.Flags, DisagreementFlag{
				Code: FlagRawRange, Value: e.RawRange, Threshold: opts.RawRangeThreshold,
				Zh: fmt.Sprintf("评审原始总分相差 %.1f 分，超过 %.1f 分", e.RawRange, opts.RawRangeThreshold),
				En: fmt.Sprintf("reviewers' raw totals differ by %.1f points, more than %.1f", e.RawRange, opts.RawRangeThreshold),
			})
		}
		res.Entries = append(res.Entries, e)
	}
	sortEntryResults(res.Entries)
	for i := range res.Entries {
		res.Entries[i].Rank = i + 1
	}
	return res
}

// sortEntryResults orders entries by Score desc, RawMean desc, EntryID asc.
func sortEntryResults(es []EntryResult) {
	sort.Slice(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.RawMean != b.RawMean {
			return a.RawMean > b.RawMean
		}
		return a.EntryID < b.EntryID
	})
}

// DefaultVoteWeight is the default share of the public vote in the final
// score of a competition with a public vote.
const DefaultVoteWeight = 0.2

// CombinedEntry is an entry's place after the public vote.
type CombinedEntry struct {
	EntryID          string  `json:"entry_id" bson:"entryid"`
	Rank             int     `json:"rank" bson:"rank"`                          // 1-based, no shared ranks
	ReviewRank       int     `json:"review_rank" bson:"reviewrank"`             // place in the review ranking
	ReviewPercentile float64 `json:"review_percentile" bson:"reviewpercentile"` // 0–100
	Votes            int     `json:"votes" bson:"votes"`
	VotePercentile   float64 `json:"vote_percentile" bson:"votepercentile"` // 0–100
	Final            float64 `json:"final" bson:"final"`                    // 0–100
}

// Combine merges the review ranking with public vote counts.
//
// The rule: both are turned into percentile ranks on 0–100, p = 100 ×
// (r − 1)/(n − 1), where r is the entry's ascending rank among the n entries
// (1 = lowest) and tied values share the average of their ranks; a single
// entry has percentile 100. The review percentile ranks the normalised
// Score; the vote percentile ranks the vote count (an entry absent from
// votes has 0 votes; counts for entries not in review are ignored). Then
// final = (1 − weight) × review percentile + weight × vote percentile,
// rounded to 1e-9. Ranking: final descending, then the review ranking
// (Score, RawMean, entry id, as Normalise orders them), which is
// deterministic whatever the input order. weight must be within 0..1
// (DefaultVoteWeight is 0.2); duplicate entries or negative counts are
// validation errors.
func Combine(review []EntryResult, votes map[string]int, weight float64) ([]CombinedEntry, error) {
	if math.IsNaN(weight) || weight < 0 || weight > 1 {
		return nil, Invalid("vote_weight", "公众投票权重须在 0–1 之间", "public vote weight must be between 0 and 1")
	}
	seen := make(map[string]bool, len(review))
	for _, e := range review {
		if seen[e.EntryID] {
			return nil, Invalid("entries", "参赛项目重复", "duplicate entry")
		}
		seen[e.EntryID] = true
		if votes[e.EntryID] < 0 {
			return nil, Invalid(childField("votes", e.EntryID), "票数不能为负", "vote count must not be negative")
		}
	}
	ordered := append([]EntryResult(nil), review...)
	sortEntryResults(ordered)
	scores := make([]float64, len(ordered))
	counts := make([]float64, len(ordered))
	for i, e := range ordered {
		scores[i] = e.Score
		counts[i] = float64(votes[e.EntryID])
	}
	rp, vp := percentileRanks(scores), percentileRanks(counts)
	out := make([]CombinedEntry, len(ordered))
	for i, e := range ordered {
		out[i] = CombinedEntry{
			EntryID: e.EntryID, ReviewRank: i + 1, Votes: votes[e.EntryID],
			ReviewPercentile: rp[i], VotePercentile: vp[i],
			Final: roundTo((1-weight)*rp[i]+weight*vp[i], 1e9),
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Final != out[j].Final {
			return out[i].Final > out[j].Final
		}
		return out[i].ReviewRank < out[j].ReviewRank
	})
	for i := range out {
		out[i].Rank = i + 1
	}
	return out, nil
}

// percentileRanks returns the mid-rank percentile (0–100) of each value;
// ties share the average of their ranks.
func percentileRanks(v []float64) []float64 {
	n := len(v)
	out := make([]float64, n)
	if n == 0 {
		return out
	}
	if n == 1 {
		out[0] = 100
		return out
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	for i := 0; i < n; {
		j := i
		for j+1 < n && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		avg := float64(i+j)/2 + 1 // average 1-based rank of positions i..j
		p := roundTo(100*(avg-1)/float64(n-1), 1e9)
		for k := i; k <= j; k++ {
			out[idx[k]] = p
		}
		i = j + 1
	}
	return out
}
