package matching

import (
	"container/heap"
	"sort"
	"strconv"

	"github.com/wushe/wushe/models"
)

// Result is the ranking of one occurrence of a need: the best candidates,
// and what kept the others out, so a committee knows what to relax. With
// Options.CandidatesOnly only the candidates and Volunteers are given.
type Result struct {
	NeedID       string      `json:"needId"`
	OccurrenceID string      `json:"occurrenceId"`
	Candidates   []Candidate `json:"candidates"` // best first: score, then volunteer id
	Volunteers   int         `json:"volunteers"` // every volunteer considered
	Eligible     int         `json:"eligible"`   // meet every hard constraint
	Skipped      int         `json:"skipped"`    // eligible, but left out by Options.Skip
	Excluded     int         `json:"excluded"`   // break at least one: Volunteers − Eligible
	Exclusions   []Exclusion `json:"exclusions"` // in ExclusionOrder; reasons no one broke are left out
}

// Exclusion counts the volunteers one hard constraint kept out.
//
// Counting rule: distance is the gate. A volunteer with no home location,
// or beyond reach (farther than their own maximum or the need's radius),
// is counted once, under NoHomeLocation or TooFar, and nothing else is
// asked of them: a committee cannot use "not available" about someone 30
// km away. Every volunteer within reach is checked against every other
// constraint and counted under each one they break (and, for LacksSkill,
// under each required skill they lack), so the counts may add up to more
// than Result.Excluded. Only counts those who break this constraint and no
// other: relaxing this one alone would admit them. For the two gates, Only
// equals Count.
type Exclusion struct {
	Reason Reason `json:"reason"`
	Skill  string `json:"skill,omitempty"` // LacksSkill: the skill code
	Level  int    `json:"level,omitempty"` // LacksSkill: the level asked for
	Count  int    `json:"count"`
	Only   int    `json:"only"`
	Zh     string `json:"zh"` // "41 人缺少急救（2 级），其中 30 人仅此一项"
	En     string `json:"en"` // "41 lack first aid (level 2), 30 for this alone"
}

// ExclusionOrder is the order in which exclusions are reported: the two
// gates, then the other constraints as CheckVolunteer checks them, then
// known commitments.
var ExclusionOrder = []Reason{NoHomeLocation, TooFar, NotVerified, NotAvailable, BlackoutDate, LacksSkill,
	NoBackgroundCheck, MinorHighRisk, MinorNoConsent, NoShowBlocked, Committed}

// The constraints checked within reach, in ExclusionOrder; LacksSkill
// stands for one check per required skill.
const (
	chkVerified = iota
	chkAvailable
	chkBlackout
	chkBackground
	chkMinorRisk
	chkMinorConsent
	chkShowsUp
	chkCommitted
	numChecks
)

var checkReason = [numChecks]Reason{NotVerified, NotAvailable, BlackoutDate, NoBackgroundCheck, MinorHighRisk, MinorNoConsent, NoShowBlocked, Committed}

// tally counts exclusions as the Exclusion comment says.
type tally struct {
	volunteers, noHome, near, eligible, skipped int
	count, only                                 [numChecks]int
	skillCount, skillOnly                       []int
}

func newTally(q *query) *tally {
	return &tally{skillCount: make([]int, len(q.skills)), skillOnly: make([]int, len(q.skills))}
}

// addViolations counts one volunteer's violations (from CheckVolunteer and
// CheckCommitments) and reports whether the volunteer is eligible.
func (t *tally) addViolations(q *query, vs []Violation) bool {
	t.volunteers++
	for _, v := range vs {
		if v.Reason == NoHomeLocation {
			t.noHome++
			return false
		}
	}
	for _, v := range vs {
		if v.Reason == TooFar {
			return false
		}
	}
	t.near++
	// Distinct constraints broken: a check, or (as -1-j) required skill j.
	var broken []int
	seen := func(x int) bool {
		for _, b := range broken {
			if b == x {
				return true
			}
		}
		return false
	}
	for _, v := range vs {
		x, known := 0, false
		if v.Reason == LacksSkill {
			for j, s := range q.skills {
				if s.code == v.Skill {
					x, known = -1-j, true
				}
			}
		} else {
			for c, r := range checkReason {
				if r == v.Reason {
					x, known = c, true
				}
			}
		}
		if known && !seen(x) {
			broken = append(broken, x)
		}
	}
	for _, x := range broken {
		if x >= 0 {
			t.count[x]++
			if len(broken) == 1 {
				t.only[x]++
			}
		} else {
			t.skillCount[-1-x]++
			if len(broken) == 1 {
				t.skillOnly[-1-x]++
			}
		}
	}
	if len(broken) == 0 {
		t.eligible++
		return true
	}
	return false
}

// exclusions lists the counts in ExclusionOrder, leaving out zeros.
func (t *tally) exclusions(q *query) []Exclusion {
	out := []Exclusion{}
	add := func(e Exclusion) {
		if e.Count > 0 {
			e.Zh, e.En = exclusionText(e)
			out = append(out, e)
		}
	}
	tooFar := t.volunteers - t.noHome - t.near
	for _, r := range ExclusionOrder {
		switch r {
		case NoHomeLocation:
			add(Exclusion{Reason: r, Count: t.noHome, Only: t.noHome})
		case TooFar:
			add(Exclusion{Reason: r, Count: tooFar, Only: tooFar})
		case LacksSkill:
			for j, s := range q.skills {
				add(Exclusion{Reason: r, Skill: s.code, Level: s.level, Count: t.skillCount[j], Only: t.skillOnly[j]})
			}
		default:
			for c, cr := range checkReason {
				if cr == r {
					add(Exclusion{Reason: r, Count: t.count[c], Only: t.only[c]})
				}
			}
		}
	}
	return out
}

func exclusionText(e Exclusion) (zh, en string) {
	n := thousands(e.Count)
	var z, en0 string
	switch e.Reason {
	case NoHomeLocation:
		z, en0 = n+" 人未填写常住位置", n+" have no home location"
	case TooFar:
		z, en0 = n+" 人距离过远", n+" too far"
	case NotVerified:
		z, en0 = n+" 人未通过实名认证", n+" not verified"
	case NotAvailable:
		z, en0 = n+" 人该时段不可服务", n+" not available"
	case BlackoutDate:
		z, en0 = n+" 人当天不可服务", n+" unavailable that day"
	case LacksSkill:
		zs, es := skillName(e.Skill)
		lv := strconv.Itoa(e.Level)
		z, en0 = n+" 人缺少"+zs+"（"+lv+" 级）", n+" lack "+es+" (level "+lv+")"
	case NoBackgroundCheck:
		z, en0 = n+" 人无有效的无犯罪记录证明", n+" without a valid background check"
	case MinorHighRisk:
		z, en0 = n+" 名未成年人不能参与高风险服务", n+" minors on a high-risk need"
	case MinorNoConsent:
		z, en0 = n+" 名未成年人无监护人同意", n+" minors without guardian consent"
	case NoShowBlocked:
		z, en0 = n+" 人因多次爽约暂停接单", n+" blocked after no-shows"
	case Committed:
		z, en0 = n+" 人该时段已有其他服务", n+" already committed at that time"
	default:
		z, en0 = n+" 人："+string(e.Reason), n+" "+string(e.Reason)
	}
	if e.Reason != NoHomeLocation && e.Reason != TooFar && e.Only > 0 {
		z += "，其中 " + thousands(e.Only) + " 人仅此一项"
		en0 += ", " + thousands(e.Only) + " for this alone"
	}
	return z, en0
}

// thousands writes n with a comma every three digits: 12,034.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// result assembles the Result from the tally and the best entries, given
// a way to explain each.
func (t *tally) result(q *query, top []entry, explain func(i int) Candidate) Result {
	r := Result{NeedID: q.need.ID, OccurrenceID: q.occ.ID, Candidates: make([]Candidate, len(top)),
		Volunteers: t.volunteers, Eligible: t.eligible, Skipped: t.skipped, Excluded: t.volunteers - t.eligible,
		Exclusions: t.exclusions(q)}
	if q.uncounted {
		r.Eligible, r.Skipped, r.Excluded, r.Exclusions = 0, 0, 0, nil
	}
	for i := range top {
		r.Candidates[i] = explain(i)
	}
	return r
}

// entry is one scored eligible volunteer; ref and pos say where to find
// it again.
type entry struct {
	score    int
	id       string
	t        traits
	ref, pos int
}

// better orders candidates: higher score, then lower volunteer id, so
// equal input gives equal output.
func better(a, b *entry) bool { return a.score > b.score || a.score == b.score && a.id < b.id }

// best keeps the k best entries offered, the worst on top of a heap.
type best struct {
	k int
	h []entry
}

func (b *best) Len() int           { return len(b.h) }
func (b *best) Less(i, j int) bool { return better(&b.h[j], &b.h[i]) }
func (b *best) Swap(i, j int)      { b.h[i], b.h[j] = b.h[j], b.h[i] }
func (b *best) Push(x any)         { b.h = append(b.h, x.(entry)) }
func (b *best) Pop() any           { e := b.h[len(b.h)-1]; b.h = b.h[:len(b.h)-1]; return e }

// admits reports whether an entry of score and id would enter, so the
// caller can skip computing the rest of it.
func (b *best) admits(score int, id string) bool {
	if len(b.h) < b.k || b.k <= 0 {
		return b.k > 0
	}
	w := &b.h[0]
	return score > w.score || score == w.score && id < w.id
}

func (b *best) offer(e entry) {
	switch {
	case b.k <= 0:
	case len(b.h) < b.k:
		heap.Push(b, e)
	case better(&e, &b.h[0]):
		b.h[0] = e
		heap.Fix(b, 0)
	}
}

// sorted returns the entries best first.
func (b *best) sorted() []entry {
	out := append([]entry(nil), b.h...)
	sort.Slice(out, func(i, j int) bool { return better(&out[i], &out[j]) })
	return out
}

// Rank is the reference ranking: every volunteer is checked with
// CheckVolunteer and CheckCommitments (held maps a volunteer id to the
// windows they already hold) and scored, the k best kept. It gives the
// same Result as Index.TopK over the same volunteers and commitments, and
// is what the index is tested against; for a handful of volunteers it is
// also the simplest way to rank them.
func Rank(vols []*models.Volunteer, held map[string][]models.Window, n *models.Need, occ models.Occurrence, k int, opts Options) Result {
	q := newQuery(n, occ, opts)
	t := newTally(q)
	b := &best{k: k}
	for i, v := range vols {
		vs := append(CheckVolunteer(v, n, occ), CheckCommitments(held[v.AccountID], occ)...)
		if !t.addViolations(q, vs) {
			continue
		}
		if q.skip[v.AccountID] {
			t.skipped++
			continue
		}
		tr, _ := q.traitsOf(v)
		b.offer(entry{score: q.score(&tr), id: v.AccountID, t: tr, ref: i})
	}
	top := b.sorted()
	return t.result(q, top, func(i int) Candidate {
		_, levels := q.traitsOf(vols[top[i].ref])
		return q.candidate(top[i].id, &top[i].t, levels)
	})
}
