package matching

import (
	"time"

	"github.com/wushe/wushe/models"
)

// Options tune one ranking.
type Options struct {
	// Weights of the score; the zero value means DefaultWeights. Weights
	// not summing to 100 are normalised (see Weights.Normalised).
	Weights Weights
	// Supervised says the need's plan has a supervising social worker, so
	// the qualification-track bonus applies.
	Supervised bool
	// Skip holds volunteers to leave out of the candidates although they
	// qualify: already invited, already placed. They still count as
	// eligible (Result.Skipped says how many).
	Skip map[string]bool
	// CandidatesOnly leaves out the exclusion counts, for callers that use
	// only the candidates (a batch, invitations). Result.Eligible,
	// Skipped, Excluded and Exclusions are then zero and nil. Counting
	// everyone within the radius is most of a query's work at 5 km and
	// more: without it, Index.TopK stops reading cells (nearest first)
	// as soon as none left can hold a better candidate. The default
	// counts exactly; anything that shows the counts must keep it.
	CandidatesOnly bool
}

// query is one need's occurrence, read once into the forms the checks and
// the score use.
type query struct {
	need       *models.Need
	occ        models.Occurrence
	weights    [numParts]int
	supervised bool
	skip       map[string]bool
	uncounted  bool // Options.CandidatesOnly

	// The weekly half-hours the window touches, as CoversWindow reads
	// them: nslots slots from first (mod the week); nslots < 0 when the
	// window is empty and so covers nothing.
	first, nslots int
	// Dates of the first and last instant, as the blackout and background
	// checks read them: strings for blackouts, day numbers for checks.
	day1, day2       string
	dayNum1, dayNum2 int32
	// Day rows (day number mod 32) a blackout on day1 or day2 would set,
	// and those a commitment overlapping the window would set.
	blackoutDays, heldDays uint32
	heldHours              uint32 // hours of the day (Asia/Shanghai) the window touches
	startYMD               int32  // yyyymmdd of the start, for the minor rule
	highRisk               bool
	domainBit              uint32
	// skills are the required skills by distinct code (the highest level
	// asked for a code), the unit exclusions are counted in.
	skills []reqSkill
}

type reqSkill struct {
	code  string
	level int
	row   int // the index row holding "level ≥ this"; -1 when no regular volunteer can meet it
	free  bool
}

func newQuery(n *models.Need, occ models.Occurrence, opts Options) *query {
	w := opts.Weights
	if w == (Weights{}) {
		w = DefaultWeights
	}
	q := &query{need: n, occ: occ, weights: w.Normalised().array(), supervised: opts.Supervised, skip: opts.Skip, uncounted: opts.CandidatesOnly,
		highRisk: n.HighRisk(), domainBit: domainBits[n.Domain]}
	q.first, q.nslots = windowSlots(occ.Window)
	last := occ.Window.End.Add(-time.Nanosecond)
	q.day1, q.day2 = string(models.DateOf(occ.Window.Start)), string(models.DateOf(last))
	q.dayNum1, _ = dayNumber(q.day1)
	q.dayNum2, _ = dayNumber(q.day2)
	q.blackoutDays = 1<<dayRow(q.dayNum1) | 1<<dayRow(q.dayNum2)
	q.heldDays = daySpan(occ.Window)
	q.heldHours = hourSpan(occ.Window)
	q.startYMD = ymd(occ.Window.Start.In(models.Shanghai()))
	for _, s := range n.RequiredSkills {
		found := false
		for i := range q.skills {
			if q.skills[i].code == s.Code {
				q.skills[i].level = max(q.skills[i].level, s.Level)
				found = true
			}
		}
		if !found {
			q.skills = append(q.skills, reqSkill{code: s.Code, level: s.Level})
		}
	}
	for i := range q.skills {
		s := &q.skills[i]
		s.free = s.level <= 0
		s.row = -1
		if b, ok := skillBits[s.code]; ok && s.level >= 1 && s.level <= 3 {
			s.row = rowSkills + 3*b + s.level - 1
		}
	}
	return q
}

// windowSlots reads [start, end) the way models.WeekGrid.CoversWindow
// does: the slots it touches in Asia/Shanghai, from the half hour the
// start falls in; a week or more touches every slot.
func windowSlots(w models.Window) (first, n int) {
	if !w.End.After(w.Start) {
		return 0, -1
	}
	loc := models.Shanghai()
	s := w.Start.In(loc)
	floor := time.Date(s.Year(), s.Month(), s.Day(), s.Hour(), s.Minute()/30*30, 0, 0, loc)
	d := w.End.Sub(floor)
	if d >= models.SlotsPerWeek*models.SlotLength {
		return 0, models.SlotsPerWeek
	}
	first = (int(s.Weekday())+6)%7*models.SlotsPerDay + s.Hour()*2 + s.Minute()/30
	return first, int((d + models.SlotLength - 1) / models.SlotLength)
}

// slackAround counts the free half-hours just before and just after
// the window (up to SlackSlots/2 on each side), reading the weekly grid
// through has.
func slackAround(has func(slot int) bool, first, n int) int {
	const side = SlackSlots / 2
	if n <= 0 || n+SlackSlots > models.SlotsPerWeek {
		return 0
	}
	slack := 0
	for k := 1; k <= side && has((first-k+models.SlotsPerWeek)%models.SlotsPerWeek); k++ {
		slack++
	}
	for k := 0; k < side && has((first+n+k)%models.SlotsPerWeek); k++ {
		slack++
	}
	return slack
}

// dayNumber numbers a YYYY-MM-DD date (days since 1970-01-01); false when
// it is not a valid date. Comparing day numbers is comparing the
// midnights models.ParseDate gives.
func dayNumber(s string) (int32, bool) {
	t, err := models.ParseDate("", s)
	if err != nil {
		return 0, false
	}
	y, m, d := t.Date()
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400), true
}

// dayRows is how many day rows the index keeps for blackouts and for
// commitments: a date sets row (day number mod dayRows).
const dayRows = 32

func dayRow(day int32) int { return int((day%dayRows + dayRows) % dayRows) }

// daySpan is the set of day rows of the dates a window touches in
// Asia/Shanghai. Two windows that overlap share an instant, hence a date,
// hence a row. An empty or inverted window (which Window.Overlaps may
// still call overlapping) and one of a month or more take every row.
func daySpan(w models.Window) uint32 {
	if !w.End.After(w.Start) {
		return ^uint32(0)
	}
	d1, _ := dayNumber(string(models.DateOf(w.Start)))
	d2, _ := dayNumber(string(models.DateOf(w.End.Add(-time.Nanosecond))))
	if d2-d1 >= dayRows-1 {
		return ^uint32(0)
	}
	var m uint32
	for d := d1; d <= d2; d++ {
		m |= 1 << dayRow(d)
	}
	return m
}

// hourSpan is the set of hours of the day (Asia/Shanghai, bit h for
// h:00–h:59) a window touches. An empty or inverted window, and one of a
// day or more, take every hour.
func hourSpan(w models.Window) uint32 {
	const all = 1<<24 - 1
	if !w.End.After(w.Start) || w.End.Sub(w.Start) >= 24*time.Hour {
		return all
	}
	loc := models.Shanghai()
	s := w.Start.In(loc)
	var m uint32
	// From the start's local hour, an hour at a time: while the zone's
	// offset is whole hours (since 1901), each step is the next local hour.
	for t := time.Date(s.Year(), s.Month(), s.Day(), s.Hour(), 0, 0, 0, loc); t.Before(w.End); t = t.Add(time.Hour) {
		if _, off := t.Zone(); off%3600 != 0 {
			return all
		}
		m |= 1 << t.Hour()
	}
	if _, off := w.End.In(loc).Zone(); off%3600 != 0 {
		return all
	}
	return m
}

func ymd(t time.Time) int32 { return int32(t.Year()*10000 + int(t.Month())*100 + t.Day()) }

// birthYMD reads a birth date as yyyymmdd in Asia/Shanghai; 0 when unknown.
func birthYMD(s string) int32 {
	t, err := models.ParseDate("", s)
	if err != nil {
		return 0
	}
	return ymd(t)
}

// minorOn is models.Volunteer.MinorOn over yyyymmdd numbers: a known birth
// date at most the day, and fewer than 18 whole years before it.
func minorOn(birth, day int32) bool { return birth != 0 && birth <= day && (day-birth)/10000 < 18 }

// traitsOf reads the score's inputs from a profile; levels are v's levels
// in n.RequiredSkills, in order.
func (q *query) traitsOf(v *models.Volunteer) (traits, []int) {
	t := traits{
		interest: interestIn(domainMask(v.Domains), q.domainBit),
		attended: v.Reliability.Attended, noShows: v.Reliability.NoShows,
		invited: v.Reliability.Invited, answered: v.Reliability.Accepted + v.Reliability.Declined,
		hours: v.Reliability.CommittedHours, track: v.QualificationTrack,
	}
	if v.Home != nil {
		t.distKm = models.DistanceKm(*v.Home, q.need.Location)
	}
	levels := make([]int, len(q.need.RequiredSkills))
	for j, s := range q.need.RequiredSkills {
		levels[j] = v.SkillLevel(s.Code)
		t.skillSum += skillCredit(levels[j])
	}
	t.skillN = len(levels)
	t.slack = slackAround(func(i int) bool { return v.Availability.Has(i/models.SlotsPerDay, i%models.SlotsPerDay) }, q.first, q.nslots)
	return t, levels
}
