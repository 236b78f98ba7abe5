package matching

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"sync"

	"github.com/wushe/wushe/models"
)

// TopK ranks the volunteers for occurrence occ of need n: the k best
// eligible candidates, best first (ties by volunteer id), with their
// parts and reasons, and the exclusion counts of every other volunteer
// indexed. It reads only the cells within the need's radius (and the
// overflow cell); everyone elsewhere is too far by construction. The
// Result equals Rank's over the same volunteers and commitments.
//
// Every member of those cells is counted, but few are scored: the cells
// are read nearest first, and once k candidates are held, a cell whose
// best possible score (every part at its maximum but distance, taken at
// the cell's nearest point) is below the k-th best score offers no one.
// With Options.CandidatesOnly, reading stops at the first such cell.
func (ix *Index) TopK(n *models.Need, occ models.Occurrence, k int, opts Options) Result {
	q := newQuery(n, occ, opts)
	t := newTally(q)
	b := &best{k: k}
	s := scanner{ix: ix, q: q, t: t, b: b, rc: newReach(n.Location, n.RadiusKm),
		oks: make([]uint64, numChecks+len(q.skills)), pre: make([]uint64, numChecks+len(q.skills)+1)}

	ix.mu.RLock()
	t.volunteers = len(ix.byID)
	t.noHome = ix.noHome
	s.placeSkips()
	s.young = youngRow(q.startYMD)
	overflow := len(ix.cells) - 1
	vp := visitPool.Get().(*[]visit)
	defer visitPool.Put(vp)
	visits := (*vp)[:0]
	defer func() { *vp = visits[:0] }()
	if ix.grid.near(n.Location, n.RadiusKm, func(ci int) {
		if v, ok := s.visit(ci); ok {
			visits = append(visits, v)
		}
	}) {
		slices.SortFunc(visits, func(a, b visit) int { return cmp.Compare(a.dmin, b.dmin) })
		for _, v := range visits {
			if q.uncounted && (b.k <= 0 || len(b.h) == b.k && v.bound < b.h[0].score) {
				break // this cell and every farther one cannot enter the best
			}
			s.scan(v)
		}
	} else {
		for ci := 0; ci < overflow; ci++ {
			s.scan(visit{ci: ci, exact: true, bound: math.MaxInt})
		}
	}
	s.scan(visit{ci: overflow, exact: true, bound: math.MaxInt})
	top := b.sorted()
	levels := make([][]int, len(top))
	for i := range top {
		levels[i] = ix.levelsAt(&ix.cells[top[i].ref], top[i].pos, q)
	}
	ix.mu.RUnlock()

	return t.result(q, top, func(i int) Candidate { return q.candidate(top[i].id, &top[i].t, levels[i]) })
}

// visitPool keeps the lists of cells to read between queries: at 10 km a
// list is some 20 KB.
var visitPool = sync.Pool{New: func() any { return new([]visit) }}

// scanner runs one query over cells.
type scanner struct {
	ix  *Index
	q   *query
	t   *tally
	b   *best
	rc  reach
	oks []uint64 // per block: who passes each check, then each required skill
	pre []uint64 // prefix ANDs of oks
	// skips are the positions, by cell, of the volunteers Options.Skip
	// names (those with a home).
	skips map[int32][]int32
	young int // the birth row holding everyone who may be a minor on the day
}

// visit is one cell to read, with what its distance bounds settle.
type visit struct {
	ci         int
	exact      bool    // every distance exact: the overflow cell, odd needs
	dmin, dmax float64 // bounds on the distance from the need to the cell's members
	// some and all are reach rows: members without row some are surely
	// beyond reach, members with row all surely within (-1: no such row,
	// so everyone may be within, and no one surely is).
	some, all int
	bound     int // no member of the cell can score above this
	distPts   int // nor get more distance points than this
}

// visit prepares cell ci for this query; false when no member of it can
// be within the radius.
func (s *scanner) visit(ci int) (visit, bool) {
	if s.rc.exact {
		return visit{ci: ci, exact: true, bound: math.MaxInt}, true
	}
	v := visit{ci: ci, some: -1, all: -1}
	v.dmin, v.dmax = s.rc.bounds(s.ix.grid.box(ci))
	if v.dmin > s.rc.radius {
		return v, false
	}
	for k, step := range reachSteps {
		if step <= v.dmin {
			v.some = rowReach + k // a maximum below step, so below dmin, is out of reach
		}
		if step >= v.dmax && v.all < 0 && s.rc.radius >= v.dmax {
			v.all = rowReach + k // a maximum of step or more, with the radius, covers the whole cell
		}
	}
	v.bound, v.distPts = s.q.bound(v.dmin), s.q.distancePoints(v.dmin)
	return v, true
}

// placeSkips finds where the volunteers to skip sit.
func (s *scanner) placeSkips() {
	for id := range s.q.skip {
		if h, ok := s.ix.byID[id]; ok && s.q.skip[id] {
			if p := s.ix.where[h]; p.cell >= 0 {
				if s.skips == nil {
					s.skips = map[int32][]int32{}
				}
				s.skips[p.cell] = append(s.skips[p.cell], p.pos)
			}
		}
	}
}

// youngRow is the birth row holding every member who may be a minor on
// day (yyyymmdd): one born after day−18 years (see minorOn).
func youngRow(day int32) int {
	k := 0
	for j, y := range bornYears {
		if y*10000 <= day-180000 {
			k = j
		}
	}
	return rowBorn + k
}

// lowBits is the mask of a block of n members.
func lowBits(n int) uint64 {
	if n >= 64 {
		return ^uint64(0)
	}
	return 1<<n - 1
}

// scan tallies the members of one cell and offers the eligible ones.
func (s *scanner) scan(v visit) {
	c := &s.ix.cells[v.ci]
	q, t := s.q, s.t
	skips := s.skips[int32(v.ci)]
	for base := 0; base < c.len(); base += 64 {
		cnt := min(64, c.len()-base)
		lat, lng, mx := c.lat[base:base+cnt], c.lng[base:base+cnt], c.maxKm[base:base+cnt]
		rows := blockRows{c.bits, c.stride, base / 64}
		var near uint64
		if v.exact {
			near = s.rc.blockExact(lat, lng, mx)
		} else {
			maybe, sure := lowBits(cnt), uint64(0)
			if q.uncounted {
				// Nothing to count: only those who may be eligible need a
				// distance, and few are available at the time.
				maybe = s.mayServe(rows)
			}
			if v.some >= 0 {
				maybe &= rows.at(v.some)
			}
			if v.all >= 0 {
				sure = maybe & rows.at(v.all)
			}
			near = sure | s.rc.some(lat, lng, mx, maybe&^sure)
		}
		if near == 0 {
			continue
		}
		t.near += bits.OnesCount64(near)
		oks := s.oks
		oks[chkVerified] = rows.at(rowVerified)
		oks[chkShowsUp] = rows.at(rowShowsUp)
		oks[chkAvailable] = 0
		if q.nslots >= 0 {
			a := ^uint64(0)
			for k := 0; k < q.nslots && a != 0; k++ {
				a &= rows.at((q.first + k) % models.SlotsPerWeek)
			}
			oks[chkAvailable] = a
		}
		maybe := dayHits(rows, rowBlackoutDays, q.blackoutDays)
		oks[chkBlackout] = ^maybe
		for m := near & maybe; m != 0; m &= m - 1 {
			if i := bits.TrailingZeros64(m); !s.blackedOut(c, rows, base, i) {
				oks[chkBlackout] |= 1 << i
			}
		}
		maybe = dayHits(rows, rowHeldDays, q.heldDays) & dayHits(rows, rowHeldHours, q.heldHours)
		oks[chkCommitted] = ^maybe
		for m := near & maybe; m != 0; m &= m - 1 {
			i := bits.TrailingZeros64(m)
			if CheckCommitments(s.ix.heldAt[c.info[base+i].handle], q.occ) == nil {
				oks[chkCommitted] |= 1 << i
			}
		}
		oks[chkBackground] = ^uint64(0)
		if q.need.BackgroundCheck {
			oks[chkBackground] = 0
			lo, hi := min(q.dayNum1, q.dayNum2), max(q.dayNum1, q.dayNum2)
			for m := near & rows.at(rowBackground); m != 0; m &= m - 1 {
				i := bits.TrailingZeros64(m)
				if c.bgFrom[base+i] <= lo && hi <= c.bgTo[base+i] {
					oks[chkBackground] |= 1 << i
				}
			}
		}
		oks[chkMinorRisk], oks[chkMinorConsent] = ^uint64(0), ^uint64(0)
		for m := near & rows.at(s.young); m != 0; m &= m - 1 {
			i := bits.TrailingZeros64(m)
			if minorOn(c.birth[base+i], q.startYMD) {
				if q.highRisk {
					oks[chkMinorRisk] &^= 1 << i
				}
				if rows.at(rowGuardian)&(1<<i) == 0 {
					oks[chkMinorConsent] &^= 1 << i
				}
			}
		}
		irregular := near & rows.at(rowIrregular)
		for j, rs := range q.skills {
			var w uint64
			switch {
			case rs.free:
				w = ^uint64(0)
			case rs.row >= 0:
				w = rows.at(rs.row)
			}
			for m := irregular; m != 0; m &= m - 1 {
				i := bits.TrailingZeros64(m)
				if skillLevelOf(s.ix.irregular[c.info[base+i].handle], rs.code) < rs.level {
					w &^= 1 << i
				} else {
					w |= 1 << i
				}
			}
			oks[numChecks+j] = w
		}
		eligible := s.count(near)
		for _, pos := range skips {
			if i := int(pos) - base; i >= 0 && i < cnt && eligible&(1<<i) != 0 {
				t.skipped++
				eligible &^= 1 << i
			}
		}
		if b := s.b; b.k <= 0 || len(b.h) == b.k && v.bound < b.h[0].score {
			continue // no one here can enter the best
		}
		for m := eligible; m != 0; m &= m - 1 {
			i := bits.TrailingZeros64(m)
			tr := s.ix.rowTraits(c, base+i, q)
			if !v.exact && len(s.b.h) == s.b.k {
				// Cannot enter the best, whatever the parts not read yet?
				// First at the cell's nearest point, then at the member's.
				worst, rb := s.b.h[0].score, q.rowBound(&tr)
				if rb+v.distPts < worst || rb+q.distancePoints(s.nearest(lat[i], lng[i])) < worst {
					continue
				}
			}
			s.offer(c, v.ci, base+i, tr)
		}
	}
}

// blockRows reads the rows of one block of a cell.
type blockRows struct {
	bits      []uint64
	stride, b int
}

func (x blockRows) at(r int) uint64 { return x.bits[r*x.stride+x.b] }

// mayServe is the members of a block verified, not blocked after
// no-shows and available at the time: a superset of the eligible.
func (s *scanner) mayServe(rows blockRows) uint64 {
	if s.q.nslots < 0 {
		return 0
	}
	a := rows.at(rowVerified) & rows.at(rowShowsUp)
	for k := 0; k < s.q.nslots && a != 0; k++ {
		a &= rows.at((s.q.first + k) % models.SlotsPerWeek)
	}
	return a
}

// dayHits ORs the day (or hour) rows from row first of the days set in
// mask: the members that may be hit, to be checked exactly.
func dayHits(rows blockRows, first int, mask uint32) uint64 {
	var w uint64
	for ; mask != 0; mask &= mask - 1 {
		w |= rows.at(first + bits.TrailingZeros32(mask))
	}
	return w
}

// count tallies one block: each check a near member fails, and those it
// fails alone; it returns the members that pass everything.
func (s *scanner) count(near uint64) uint64 {
	oks, pre, t := s.oks, s.pre, s.t
	pre[0] = near
	for i, w := range oks {
		pre[i+1] = pre[i] & w
	}
	suf := ^uint64(0) // AND of oks after i
	for i := len(oks) - 1; i >= 0; i-- {
		fail := near &^ oks[i]
		if fail != 0 {
			alone := bits.OnesCount64(fail & pre[i] & suf)
			if i < numChecks {
				t.count[i] += bits.OnesCount64(fail)
				t.only[i] += alone
			} else {
				t.skillCount[i-numChecks] += bits.OnesCount64(fail)
				t.skillOnly[i-numChecks] += alone
			}
		}
		suf &= oks[i]
	}
	eligible := pre[len(oks)]
	t.eligible += bits.OnesCount64(eligible)
	return eligible
}

// offer completes the traits of one eligible member (tr holds those its
// rows give), scores it and offers it to the best. The id is read only
// when the score may enter.
func (s *scanner) offer(c *cell, ci, pos int, tr traits) {
	m := &c.info[pos]
	tr.distKm = models.DistanceKm(models.Point{Lat: c.lat[pos], Lng: c.lng[pos]}, s.q.need.Location)
	tr.interest = interestIn(m.domains, s.q.domainBit)
	tr.attended, tr.noShows, tr.invited, tr.answered = int(m.attended), int(m.noShows), int(m.invited), int(m.answered)
	tr.hours = m.hours
	score := s.q.score(&tr)
	if b := s.b; b.k <= 0 || len(b.h) == b.k && score < b.h[0].score {
		return
	}
	id := s.ix.ids[c.info[pos].handle]
	if s.b.admits(score, id) {
		s.b.offer(entry{score: score, id: id, t: tr, ref: ci, pos: pos})
	}
}

// blackedOut says whether member i of the block at base, whose day rows
// hit one of the query's dates, is blacked out on that date: from
// blackFrom when the member's dates lie within dayRows days, else from
// the side table.
func (s *scanner) blackedOut(c *cell, rows blockRows, base, i int) bool {
	if rows.at(rowBlackoutFar)>>i&1 != 0 {
		return s.ix.blackedOut(c.info[base+i].handle, s.q)
	}
	from := c.blackFrom[base+i]
	for _, d := range [2]int32{s.q.dayNum1, s.q.dayNum2} {
		if rows.at(rowBlackoutDays+dayRow(d))>>i&1 != 0 && d >= from && d-from < dayRows {
			return true
		}
	}
	return false
}

// nearest is a lower bound on the distance from the need to a member of
// a cell the query reads (not the overflow cell).
func (s *scanner) nearest(lat, lng float64) float64 {
	dy := (lat - s.rc.need.Lat) * kmPerDegree
	dx := (lng - s.rc.need.Lng) * s.rc.kx
	return max(0, math.Sqrt(dx*dx+dy*dy)/(1+s.rc.epsCell)-1e-9)
}

// blackedOut is models.Volunteer.BlackedOut on the window's first and
// last day. ParseDate reads only the canonical YYYY-MM-DD, so equal day
// numbers are equal strings.
func (ix *Index) blackedOut(h uint32, q *query) bool {
	for _, d := range ix.blackouts[h] {
		if d == q.dayNum1 || d == q.dayNum2 {
			return true
		}
	}
	return false
}

// levelAt is the member's level in skill code, as SkillLevel would read it.
func (ix *Index) levelAt(c *cell, pos int, code string) int {
	if c.has(pos, rowIrregular) {
		return skillLevelOf(ix.irregular[c.info[pos].handle], code)
	}
	b, ok := skillBits[code]
	if !ok {
		return 0
	}
	l := 0
	for l < 3 && c.has(pos, rowSkills+3*b+l) {
		l++
	}
	return l
}

// rowTraits reads the score's inputs the bitsets hold: skills, slack and
// the qualification track. offer reads the rest.
func (ix *Index) rowTraits(c *cell, pos int, q *query) traits {
	t := traits{track: c.has(pos, rowTrack), skillN: len(q.need.RequiredSkills)}
	for _, rs := range q.need.RequiredSkills {
		t.skillSum += skillCredit(ix.levelAt(c, pos, rs.Code))
	}
	t.slack = slackAround(func(slot int) bool { return c.has(pos, slot) }, q.first, q.nslots)
	return t
}

// levelsAt are the member's levels in n.RequiredSkills, in order.
func (ix *Index) levelsAt(c *cell, pos int, q *query) []int {
	levels := make([]int, len(q.need.RequiredSkills))
	for j, rs := range q.need.RequiredSkills {
		levels[j] = ix.levelAt(c, pos, rs.Code)
	}
	return levels
}
