package matching

import (
	"math"
	"strconv"
	"strings"

	"github.com/wushe/wushe/models"
)

// Part names one component of a volunteer's score.
type Part string

// The parts of a volunteer's score, in the order they are reported.
const (
	PartSkill       Part = "skill"       // required skills, by level held
	PartDistance    Part = "distance"    // nearer is better, halving every DistanceHalfKm
	PartSlack       Part = "slack"       // free half-hours just before and after the time
	PartDomain      Part = "domain"      // the need's domain among the volunteer's interests
	PartReliability Part = "reliability" // attendance and answered invitations, with a prior
	PartFairness    Part = "fairness"    // fewer hours already committed is better
	PartTrack       Part = "track"       // on the qualification track, and the plan is supervised
)

const numParts = 7

var partOrder = [numParts]Part{PartSkill, PartDistance, PartSlack, PartDomain, PartReliability, PartFairness, PartTrack}

// Constants of the score's parts, named so that the explanations and the
// documentation can cite them.
const (
	// DistanceHalfKm: the distance part halves every 2 km (1 at the door,
	// 0.5 at 2 km, 0.25 at 4 km).
	DistanceHalfKm = 2.0
	// SlackSlots: up to 2 free half-hours before and 2 after the time
	// count, so a volunteer who can come early or stay late scores higher.
	SlackSlots = 4
	// AttendancePriorShows and AttendancePriorNoShows are the Beta(4, 1)
	// prior of the attendance rate: a newcomer counts as 80% reliable, the
	// rate of a typical volunteer, and a few records move it gently.
	AttendancePriorShows   = 4
	AttendancePriorNoShows = 1
	// ResponsePriorAnswered and ResponsePriorIgnored are the Beta(3, 1)
	// prior of the share of invitations answered (accepted or declined).
	ResponsePriorAnswered = 3
	ResponsePriorIgnored  = 1
	// AttendanceShare is attendance's share of the reliability part; the
	// rest is answered invitations.
	AttendanceShare = 0.7
	// FairnessHalfHours: the fairness part halves every 20 hours of
	// recently committed service.
	FairnessHalfHours = 20.0
)

// Weights are the points each part of the score is worth; the score is
// the sum over parts of weight × fraction (each part's fraction is 0–1
// and its points are rounded to a whole number), so with weights summing
// to 100 a score is an integer from 0 to 100 and optimal assignments are
// exact. Weights are configuration: Validate them when loaded; the engine
// normalises whatever it is given (see Normalised).
type Weights struct {
	Skill       int `json:"skill"`
	Distance    int `json:"distance"`
	Slack       int `json:"slack"`
	Domain      int `json:"domain"`
	Reliability int `json:"reliability"`
	Fairness    int `json:"fairness"`
	Track       int `json:"track"`
}

// DefaultWeights are the product's defaults. Distance leads (a volunteer
// who lives close comes, and comes back); skills follow; reliability and
// fairness keep the same few people from being asked every time; domain
// interest and slack break near-ties; the qualification-track bonus (only
// on supervised needs) helps volunteers on their way to becoming social
// workers. An unsupervised need therefore scores at most 92.
var DefaultWeights = Weights{Skill: 20, Distance: 25, Slack: 10, Domain: 10, Reliability: 15, Fairness: 12, Track: 8}

func (w Weights) array() [numParts]int {
	return [numParts]int{w.Skill, w.Distance, w.Slack, w.Domain, w.Reliability, w.Fairness, w.Track}
}

func weightsOf(a [numParts]int) Weights {
	return Weights{Skill: a[0], Distance: a[1], Slack: a[2], Domain: a[3], Reliability: a[4], Fairness: a[5], Track: a[6]}
}

// Validate requires every weight to be at least 0 and one above 0. Weights
// that do not sum to 100 are valid and are scaled to 100 by Normalised.
func (w Weights) Validate() error {
	sum := 0
	for i, x := range w.array() {
		if x < 0 {
			return models.Invalid("weights."+string(partOrder[i]), "权重不能为负数", "a weight cannot be negative")
		}
		sum += x
	}
	if sum == 0 {
		return models.Invalid("weights", "权重不能全为 0", "at least one weight must be above 0")
	}
	return nil
}

// Normalised scales w to sum to exactly 100 by the largest-remainder
// method (ties to the earlier part), so every score stays within 0–100.
// Negative weights count as 0; all-zero weights give DefaultWeights.
func (w Weights) Normalised() Weights {
	a := w.array()
	sum := 0
	for i := range a {
		a[i] = max(a[i], 0)
		sum += a[i]
	}
	switch sum {
	case 0:
		return DefaultWeights
	case 100:
		return weightsOf(a)
	}
	var out, rem [numParts]int
	given := 0
	for i, x := range a {
		out[i] = x * 100 / sum
		rem[i] = x * 100 % sum
		given += out[i]
	}
	for ; given < 100; given++ {
		best := 0
		for i := 1; i < numParts; i++ {
			if rem[i] > rem[best] {
				best = i
			}
		}
		out[best]++
		rem[best] = -1
	}
	return weightsOf(out)
}

// Interest in the need's domain.
const (
	interestOther  = iota // lists domains, not this one
	interestAny           // lists no domain of the vocabulary
	interestListed        // lists the need's domain
)

// traits are what the score reads of one volunteer for one occurrence.
// Both the reference scan (from a *models.Volunteer) and the index (from
// its compact record) produce them; one function scores them, so the two
// agree to the last point.
type traits struct {
	distKm           float64
	skillSum, skillN int // Σ min(level, 3) over the required skills, and how many
	slack            int // free half-hours around the time, 0–SlackSlots
	interest         int
	attended         int
	noShows          int
	invited          int
	answered         int
	hours            float64
	track            bool
}

// fractions are the parts of the score, each in [0, 1].
func (t *traits) fractions(supervised bool) [numParts]float64 {
	var f [numParts]float64
	f[0] = 1
	if t.skillN > 0 {
		f[0] = float64(t.skillSum) / float64(3*t.skillN)
	}
	f[1] = math.Exp2(-t.distKm / DistanceHalfKm)
	f[2] = float64(t.slack) / SlackSlots
	f[3] = float64(t.interest) / interestListed
	f[4] = AttendanceShare*t.attendanceRate() + (1-AttendanceShare)*t.responseRate()
	f[5] = math.Exp2(-max(t.hours, 0) / FairnessHalfHours)
	if supervised && t.track {
		f[6] = 1
	}
	return f
}

func (t *traits) attendanceRate() float64 {
	a, n := float64(max(t.attended, 0)), float64(max(t.noShows, 0))
	return (a + AttendancePriorShows) / (a + n + AttendancePriorShows + AttendancePriorNoShows)
}

func (t *traits) responseRate() float64 {
	inv := max(t.invited, 0)
	ans := min(max(t.answered, 0), inv)
	return float64(ans+ResponsePriorAnswered) / float64(inv+ResponsePriorAnswered+ResponsePriorIgnored)
}

// points turns fractions into whole points: round(weight × fraction) per
// part, so raising any one fraction never lowers the total.
func points(f [numParts]float64, w [numParts]int) (total int, pts [numParts]int) {
	for i := range f {
		pts[i] = partPoints(w[i], f[i])
		total += pts[i]
	}
	return total, pts
}

// partPoints is one part's points: round(w × x), x clamped to [0, 1].
func partPoints(w int, x float64) int {
	if !(x >= 0) { // NaN as well
		x = 0
	}
	return int(math.Floor(float64(w)*min(x, 1) + 0.5))
}

// PartScore is one part of a candidate's score with its reason.
type PartScore struct {
	Part   Part   `json:"part"`
	Points int    `json:"points"`
	Max    int    `json:"max"` // the part's weight
	Zh     string `json:"zh"`
	En     string `json:"en"`
}

// Candidate is a volunteer who meets every hard constraint of an
// occurrence, with the score and its parts.
//
// Explanations give the distance only as a band (models.DistanceBandOf),
// in DistanceBand and in the distance part's reason: a candidate list is
// read by others than the volunteer. DistanceKm, to the metre, is for the
// engine's own tests and is never serialised.
type Candidate struct {
	VolunteerID  string      `json:"volunteerId"`
	Score        int         `json:"score"`
	DistanceKm   float64     `json:"-"`
	DistanceBand models.Term `json:"distanceBand" doc:"距离区间（distance_bands 词表）Distance band (vocabulary distance_bands)"`
	Parts        []PartScore `json:"parts"`
}

// Explain scores volunteer v for occurrence occ of need n and gives every
// part with its reason, whether or not v meets the hard constraints (check
// those with CheckVolunteer): "why is this person ranked there?".
func Explain(v *models.Volunteer, n *models.Need, occ models.Occurrence, opts Options) Candidate {
	q := newQuery(n, occ, opts)
	t, levels := q.traitsOf(v)
	return q.candidate(v.AccountID, &t, levels)
}

// candidate assembles the explained candidate from its traits; levels are
// the volunteer's levels in n.RequiredSkills, in order.
func (q *query) candidate(id string, t *traits, levels []int) Candidate {
	total, pts := points(t.fractions(q.supervised), q.weights)
	c := Candidate{VolunteerID: id, Score: total, DistanceKm: math.Round(t.distKm*1000) / 1000,
		DistanceBand: models.DistanceBandOf(t.distKm), Parts: make([]PartScore, numParts)}
	for i, p := range partOrder {
		zh, en := q.reason(p, t, levels)
		c.Parts[i] = PartScore{Part: p, Points: pts[i], Max: q.weights[i], Zh: zh, En: en}
	}
	return c
}

// bound is the highest score a volunteer at least dmin km from the need
// can get: every part at its maximum but distance, which is taken at
// dmin. Points never fall as a fraction rises (see points), so no one
// that far scores above it.
func (q *query) bound(dmin float64) int {
	f := [numParts]float64{1, math.Exp2(-dmin / DistanceHalfKm), 1, 1, 1, 1, 0}
	if q.supervised {
		f[6] = 1
	}
	total, _ := points(f, q.weights)
	return total
}

// rowBound is the highest score a volunteer with t's skills, slack and
// track can get, but for the distance part: domain, reliability and
// fairness at their maximum. Adding distancePoints at a lower bound on the
// volunteer's distance bounds the whole score.
func (q *query) rowBound(t *traits) int {
	w := &q.weights
	total := w[3] + w[4] + w[5] + partPoints(w[2], float64(t.slack)/SlackSlots)
	if t.skillN > 0 { // as fractions computes it
		total += partPoints(w[0], float64(t.skillSum)/float64(3*t.skillN))
	} else {
		total += w[0]
	}
	if q.supervised && t.track {
		total += w[6]
	}
	return total
}

// distancePoints are the distance part's points at d km; they never rise
// with d.
func (q *query) distancePoints(d float64) int {
	return partPoints(q.weights[1], math.Exp2(-d/DistanceHalfKm))
}

// score is the total alone, for ranking.
func (q *query) score(t *traits) int {
	total, _ := points(t.fractions(q.supervised), q.weights)
	return total
}

func (q *query) reason(p Part, t *traits, levels []int) (zh, en string) {
	switch p {
	case PartSkill:
		req := q.need.RequiredSkills
		if len(req) == 0 {
			return "无技能要求", "no skills required"
		}
		met := 0
		var zs, es []string
		for j, s := range req {
			if levels[j] >= s.Level {
				met++
			}
			z, e := skillName(s.Code)
			zs = append(zs, z+" "+strconv.Itoa(levels[j])+" 级")
			es = append(es, e+" level "+strconv.Itoa(levels[j]))
		}
		frac := strconv.Itoa(met) + "/" + strconv.Itoa(len(req))
		return "技能匹配 " + frac + "（" + strings.Join(zs, "、") + "）", "skills " + frac + " (" + strings.Join(es, ", ") + ")"
	case PartDistance:
		b := models.DistanceBandOf(t.distKm)
		return "距离 " + b.Zh, b.En + " away"
	case PartSlack:
		if t.slack == 0 {
			return "时间刚好，前后无余量", "no free time around it"
		}
		h := hours(float64(t.slack) / 2)
		return "前后可延长 " + h + " 小时", h + " h free around the time"
	case PartDomain:
		switch t.interest {
		case interestListed:
			z, e := domainName(q.need.Domain)
			return "关注领域：" + z, "interested in " + e
		case interestAny:
			return "未限定关注领域", "no preferred domain"
		}
		return "关注其他领域", "prefers other domains"
	case PartReliability:
		var zs, es []string
		if done := max(t.attended, 0) + max(t.noShows, 0); done > 0 {
			zs = append(zs, "出勤 "+strconv.Itoa(max(t.attended, 0))+"/"+strconv.Itoa(done))
			es = append(es, "attended "+strconv.Itoa(max(t.attended, 0))+" of "+strconv.Itoa(done))
		}
		if inv := max(t.invited, 0); inv > 0 {
			ans := strconv.Itoa(min(max(t.answered, 0), inv))
			zs = append(zs, "回应邀请 "+ans+"/"+strconv.Itoa(inv))
			es = append(es, "answered "+ans+" of "+strconv.Itoa(inv)+" invitations")
		}
		if len(zs) == 0 {
			return "新志愿者，按先验计", "new volunteer, scored by the prior"
		}
		return strings.Join(zs, "，"), strings.Join(es, ", ")
	case PartFairness:
		if !(t.hours > 0) {
			return "近期尚未承担服务", "no hours committed recently"
		}
		return "近期已承担 " + hours(t.hours) + " 小时", hours(t.hours) + " h committed recently"
	}
	switch {
	case !q.supervised:
		return "本需求无督导，不计入成长路径", "no supervisor, so no qualification credit"
	case t.track:
		return "督导下服务，计入社工成长路径", "supervised hours count toward the qualification track"
	}
	return "未加入社工成长计划", "not on the qualification track"
}

func hours(h float64) string { return strconv.FormatFloat(math.Round(h*10)/10, 'f', -1, 64) }

func skillName(code string) (zh, en string) {
	if t, ok := models.Skills.Label(code); ok {
		return t.Zh, t.En
	}
	return code, code
}

func domainName(code string) (zh, en string) {
	if t, ok := models.Domains.Label(code); ok {
		return t.Zh, t.En
	}
	return code, code
}

// domainBits numbers the domains vocabulary for the interest masks; a
// code beyond the 32nd, or outside the vocabulary, is no interest at all.
var domainBits = func() map[string]uint32 {
	m := map[string]uint32{}
	for i, c := range models.Domains.Codes() {
		if i < 32 {
			m[c] = 1 << i
		}
	}
	return m
}()

func domainMask(codes []string) uint32 {
	var m uint32
	for _, c := range codes {
		m |= domainBits[c]
	}
	return m
}

// interestIn reads a volunteer's interest mask against the need's domain bit.
func interestIn(mask, need uint32) int {
	switch {
	case mask&need != 0:
		return interestListed
	case mask == 0:
		return interestAny
	}
	return interestOther
}

// skillLevelOf is models.Volunteer.SkillLevel over a bare list: the first
// entry for code, 0 when none.
func skillLevelOf(skills []models.SkillLevel, code string) int {
	for _, s := range skills {
		if s.Code == code {
			return s.Level
		}
	}
	return 0
}

// skillCredit is what one required skill adds to the skill part.
func skillCredit(level int) int { return min(max(level, 0), 3) }
