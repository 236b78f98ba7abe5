package matching

import (
	"math/bits"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/wushe/wushe/models"
)

// flat is the fair brute force the index is measured against: every
// volunteer with a home in one set of flat struct-of-arrays copies, read
// in one tight pass per query. It parses nothing and allocates nothing
// per volunteer, settles distances with the same cheap bounds as the index
// (a latitude-only test, then a local equirectangular distance, the exact
// one only within a hair of the limit), tests availability as six words,
// and scores only the eligible volunteers that may enter the top k. What
// it lacks is the index's grid and 64-wide bitsets. Its Result equals
// Rank's and the index's (TestFlatEqualsIndex); it exists for the
// benchmarks' ratios.
type flat struct {
	lat, lng, maxKm []float64
	regular         []bool // home inside the grid's box and a maximum that is a number: bounds are trusted
	avail           []models.WeekGrid
	flags           []uint8  // flat* bits
	birth           []int32  // yyyymmdd, 0 unknown
	bgFrom, bgTo    []int32  // day numbers, when flatBackground is set
	levels          []uint64 // 2 bits per skill of the vocabulary: its level (0–3)
	info            []member // handle = position in ids
	ids             []string

	volunteers, noHome int
	irregular          map[int][]models.SkillLevel
	blackouts          map[int][]int32
	held               map[int][]models.Window
}

const (
	flatVerified = 1 << iota
	flatShowsUp
	flatGuardian
	flatBackground
	flatIrregular
	flatTrack
	flatBlackout
	flatHeld
)

func newFlat(vols []*models.Volunteer, held map[string][]models.Window) *flat {
	f := &flat{irregular: map[int][]models.SkillLevel{}, blackouts: map[int][]int32{}, held: map[int][]models.Window{}}
	g := zhengzhouGrid()
	f.volunteers = len(vols)
	for _, v := range vols {
		if v.Home == nil {
			f.noHome++
			continue
		}
		i := len(f.ids)
		f.ids = append(f.ids, strings.Clone(v.AccountID))
		f.lat, f.lng, f.maxKm = append(f.lat, v.Home.Lat), append(f.lng, v.Home.Lng), append(f.maxKm, v.MaxDistanceKm)
		_, inBox := g.cellOf(*v.Home)
		f.regular = append(f.regular, inBox && v.MaxDistanceKm == v.MaxDistanceKm)
		f.avail = append(f.avail, v.Availability)
		f.birth = append(f.birth, birthYMD(v.BirthDate))
		var fl uint8
		set := func(bit uint8, on bool) {
			if on {
				fl |= bit
			}
		}
		set(flatVerified, v.RealNameVerified)
		set(flatShowsUp, v.Reliability.NoShows < MaxNoShows)
		set(flatGuardian, v.Guardian != nil)
		set(flatTrack, v.QualificationTrack)
		var from, to int32
		if b := v.BackgroundCheck; b.Passed() {
			var ok1, ok2 bool
			from, ok1 = dayNumber(b.CheckedOn)
			to, ok2 = dayNumber(b.ExpiresOn)
			set(flatBackground, ok1 && ok2)
		}
		f.bgFrom, f.bgTo = append(f.bgFrom, from), append(f.bgTo, to)
		var days []int32
		for _, d := range v.Blackouts {
			if n, ok := dayNumber(d); ok {
				days = append(days, n)
			}
		}
		if len(days) > 0 {
			f.blackouts[i] = days
			set(flatBlackout, true)
		}
		if h := held[v.AccountID]; len(h) > 0 {
			f.held[i] = h
			set(flatHeld, true)
		}
		var lv uint64
		for k, s := range v.Skills {
			b, known := skillBits[s.Code]
			if !known || s.Level < 1 || s.Level > 3 {
				set(flatIrregular, true)
				continue
			}
			if skillLevelOf(v.Skills[:k], s.Code) == 0 {
				lv |= uint64(s.Level) << (2 * b)
			}
		}
		if fl&flatIrregular != 0 {
			f.irregular[i] = v.Skills
		}
		f.levels = append(f.levels, lv)
		f.flags = append(f.flags, fl)
		r := v.Reliability
		f.info = append(f.info, member{handle: uint32(i), domains: domainMask(v.Domains),
			attended: clamp32(r.Attended), noShows: clamp32(r.NoShows), invited: clamp32(r.Invited),
			answered: clamp32(r.Accepted + r.Declined), hours: r.CommittedHours})
	}
	return f
}

// level is volunteer i's level in skill code, as SkillLevel would read it.
func (f *flat) level(i int, code string) int {
	if f.flags[i]&flatIrregular != 0 {
		return skillLevelOf(f.irregular[i], code)
	}
	b, ok := skillBits[code]
	if !ok {
		return 0
	}
	return int(f.levels[i] >> (2 * b) & 3)
}

// within is "not farther than min(maximum, radius)", as the index and
// CheckVolunteer decide it.
func (f *flat) within(rc *reach, i int) bool {
	lim := min(f.maxKm[i], rc.radius)
	p := models.Point{Lat: f.lat[i], Lng: f.lng[i]}
	if rc.exact || !f.regular[i] || lim < exactBelowKm {
		return !(models.DistanceKm(p, rc.need) > lim)
	}
	dy := (p.Lat - rc.need.Lat) * kmPerDegree
	l2 := lim * lim
	if dy*dy > l2*rc.hi { // the latitude alone puts it out of reach
		return false
	}
	dx := (p.Lng - rc.need.Lng) * rc.kx
	d2 := dx*dx + dy*dy
	switch {
	case d2 > l2*rc.hi:
		return false
	case d2 <= l2*rc.lo:
		return true
	}
	return !(models.DistanceKm(p, rc.need) > lim)
}

// rank is TopK by one pass over every volunteer.
func (f *flat) rank(n *models.Need, occ models.Occurrence, k int, opts Options) Result {
	q := newQuery(n, occ, opts)
	t := newTally(q)
	t.volunteers, t.noHome = f.volunteers, f.noHome
	b := &best{k: k}
	rc := newReach(n.Location, n.RadiusKm)
	var window models.WeekGrid // the half-hours the occurrence covers
	for s := 0; s < q.nslots; s++ {
		j := (q.first + s) % models.SlotsPerWeek
		window[j/64] |= 1 << (j % 64)
	}
	lo, hi := min(q.dayNum1, q.dayNum2), max(q.dayNum1, q.dayNum2)
	nc := numChecks + len(q.skills)
	for i := range f.lat {
		if !f.within(&rc, i) {
			continue
		}
		t.near++
		fl := f.flags[i]
		var fail uint64 // bit c: check c broken; bit numChecks+j: required skill j lacking
		if fl&flatVerified == 0 {
			fail |= 1 << chkVerified
		}
		if q.nslots < 0 || !covers(&f.avail[i], &window) {
			fail |= 1 << chkAvailable
		}
		if fl&flatBlackout != 0 && f.blackedOut(i, q) {
			fail |= 1 << chkBlackout
		}
		if q.need.BackgroundCheck && (fl&flatBackground == 0 || f.bgFrom[i] > lo || hi > f.bgTo[i]) {
			fail |= 1 << chkBackground
		}
		if minorOn(f.birth[i], q.startYMD) {
			if q.highRisk {
				fail |= 1 << chkMinorRisk
			}
			if fl&flatGuardian == 0 {
				fail |= 1 << chkMinorConsent
			}
		}
		if fl&flatShowsUp == 0 {
			fail |= 1 << chkShowsUp
		}
		if fl&flatHeld != 0 && CheckCommitments(f.held[i], occ) != nil {
			fail |= 1 << chkCommitted
		}
		for j, rs := range q.skills {
			if !rs.free && f.level(i, rs.code) < rs.level {
				fail |= 1 << (numChecks + j)
			}
		}
		if fail != 0 {
			alone := bits.OnesCount64(fail) == 1
			for c := 0; c < nc; c++ {
				if fail&(1<<c) == 0 {
					continue
				}
				cnt, only := &t.count, &t.only
				if c >= numChecks {
					t.skillCount[c-numChecks]++
					if alone {
						t.skillOnly[c-numChecks]++
					}
					continue
				}
				cnt[c]++
				if alone {
					only[c]++
				}
			}
			continue
		}
		t.eligible++
		f.offer(q, t, b, i)
	}
	top := b.sorted()
	return t.result(q, top, func(j int) Candidate {
		levels := make([]int, len(n.RequiredSkills))
		for s, rs := range n.RequiredSkills {
			levels[s] = f.level(top[j].pos, rs.Code)
		}
		return q.candidate(top[j].id, &top[j].t, levels)
	})
}

func covers(avail, window *models.WeekGrid) bool {
	for w := range window {
		if avail[w]&window[w] != window[w] {
			return false
		}
	}
	return true
}

func (f *flat) blackedOut(i int, q *query) bool {
	for _, d := range f.blackouts[i] {
		if d == q.dayNum1 || d == q.dayNum2 {
			return true
		}
	}
	return false
}

// offer scores eligible volunteer i, unless skipped, and offers it to the
// best; the id is read only when the score may enter.
func (f *flat) offer(q *query, t *tally, b *best, i int) {
	if len(q.skip) > 0 && q.skip[f.ids[i]] {
		t.skipped++
		return
	}
	m := &f.info[i]
	tr := traits{
		distKm:   models.DistanceKm(models.Point{Lat: f.lat[i], Lng: f.lng[i]}, q.need.Location),
		interest: interestIn(m.domains, q.domainBit),
		attended: int(m.attended), noShows: int(m.noShows), invited: int(m.invited), answered: int(m.answered),
		hours: m.hours, track: f.flags[i]&flatTrack != 0, skillN: len(q.need.RequiredSkills),
	}
	for _, rs := range q.need.RequiredSkills {
		tr.skillSum += skillCredit(f.level(i, rs.Code))
	}
	avail := &f.avail[i]
	tr.slack = slackAround(func(s int) bool { return avail[s/64]>>(s%64)&1 != 0 }, q.first, q.nslots)
	score := q.score(&tr)
	if b.k <= 0 || len(b.h) == b.k && score < b.h[0].score {
		return
	}
	if b.admits(score, f.ids[i]) {
		b.offer(entry{score: score, id: f.ids[i], t: tr, pos: i})
	}
}

// TestFlatEqualsIndex: the benchmarks' fair brute force gives exactly the
// index's and Rank's Result (candidates, scores, reasons and every
// exclusion count) on random data with odd volunteers and needs, at the
// radii the benchmarks use and at random ones.
func TestFlatEqualsIndex(t *testing.T) {
	w := newWorkload(11, 3000, 80, true)
	r := rand.New(rand.NewPCG(12, 12))
	oddities(r, w.vols)
	ix := NewIndex(w.vols)
	for id, h := range w.held {
		ix.SetCommitments(id, h)
	}
	f := newFlat(w.vols, w.held)
	eligible := 0
	for i, n := range w.needs {
		vary(r, n)
		if i%4 != 0 {
			n.RadiusKm = []float64{3, 5, 10}[i%3]
		}
		occ := n.Occurrences()[0]
		opts := Options{Supervised: i%2 == 0}
		if i%5 == 0 {
			opts.Skip = map[string]bool{w.vols[r.IntN(len(w.vols))].AccountID: true}
		}
		k := []int{0, 1, 20, 200}[i%4]
		want := Rank(w.vols, w.held, n, occ, k, opts)
		sameResult(t, "flat "+n.ID, f.rank(n, occ, k, opts), want)
		sameResult(t, "index "+n.ID, ix.TopK(n, occ, k, opts), want)
		eligible += want.Eligible

		// Without the counts: the same candidates, no counts.
		opts.CandidatesOnly = true
		got := ix.TopK(n, occ, k, opts)
		sameResult(t, "candidates only "+n.ID, got, Rank(w.vols, w.held, n, occ, k, opts))
		if !reflect.DeepEqual(got.Candidates, want.Candidates) || got.Eligible != 0 || got.Exclusions != nil {
			t.Fatalf("candidates only %s: %+v, want the candidates of %+v and no counts", n.ID, got, want)
		}
	}
	if eligible < 100 {
		t.Fatalf("the workload is too easy: %d eligible", eligible)
	}
}
