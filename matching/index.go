package matching

import (
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"

	"github.com/wushe/wushe/models"
)

// Index is an in-memory candidate index over every volunteer of the city.
// TopK ranks the volunteers for one occurrence of a need reading only the
// grid cells within the need's radius, and gives the same Result as Rank
// over the same volunteers and commitments.
//
// Layout. Volunteers live in ~1 km grid cells (see grid). A cell keeps its
// members in compact parallel arrays (coordinates, maximum distance, birth
// and background-check dates, scoring figures) and, per block of 64
// members, a column of bitsets: one row per weekly half-hour (a member's
// availability), one per flag (verified, fewer than MaxNoShows no-shows,
// guardian consent, ...), one per skill and level threshold ("first aid
// at level 2 or more"; one bit per member and threshold, where a mask per
// member would cost 12 bytes and a test per member) and one per threshold
// of the maximum distance (reachSteps). A query reads only the cells
// within the need's radius, nearest first. There it settles who is within
// reach (to count who is too far) from the cell's distance bounds and the
// reach rows, computing a distance only for the members whose maximum
// falls between the cell's nearest and farthest point, and tests 64
// members at once for availability, skills and flags.
// Blackout dates and commitments are kept exactly in side tables, and in
// the bitsets as 32 rows each, one per day number mod 32: a query ORs the
// rows of its dates and goes to the side table only for the few members
// whose rows it hits. Irregular skill lists (codes outside the vocabulary,
// levels outside 1–3) are rare; they sit in a side table behind a flag row
// and are checked exactly.
//
// The index keeps no pointer to the profiles it was given. It is safe for
// any number of concurrent readers and one writer at a time.
type Index struct {
	mu    sync.RWMutex
	grid  grid
	cells []cell // the grid's cells, then the overflow cell

	// By handle, a small number naming a volunteer for as long as it is
	// indexed: its id ("" once freed) and where it sits.
	ids   []string
	where []place
	free  []uint32
	byID  map[string]uint32

	noHome    int                            // volunteers without a home location
	irregular map[uint32][]models.SkillLevel // by handle
	blackouts map[uint32][]int32             // valid blackout dates as day numbers, by handle
	held      map[string][]models.Window     // commitments by volunteer id, indexed or not
	heldAt    map[uint32][]models.Window     // the same, by handle, for indexed volunteers
}

type place struct{ cell, pos int32 } // cell -1: no home location

// Rows of a block's bitsets: the week's half-hours, then flags, then day
// rows, then skills.
const (
	rowVerified     = models.SlotsPerWeek + iota // real name verified
	rowShowsUp                                   // fewer than MaxNoShows no-shows
	rowGuardian                                  // guardian's consent recorded
	rowBackground                                // a background check with readable dates
	rowIrregular                                 // skills outside the vocabulary or levels outside 1–3 (side table)
	rowTrack                                     // on the qualification track
	rowBlackoutFar                               // blackout dates 32 days or more apart: blackFrom cannot settle them
	rowBlackoutDays                              // dayRows rows: a blackout date ≡ r (mod dayRows)
	rowHeldDays     = rowBlackoutDays + dayRows  // dayRows rows: a commitment touches a date ≡ r
	rowHeldHours    = rowHeldDays + dayRows      // 24 rows: a commitment touches hour r of the day
	rowSkills       = rowHeldHours + 24          // then 3 rows per skill: level ≥ 1, ≥ 2, ≥ 3
)

// skillBits numbers the skills vocabulary for the skill rows.
var skillBits = func() map[string]int {
	m := map[string]int{}
	for i, c := range models.Skills.Codes() {
		m[c] = i
	}
	return m
}()

// reachSteps are the thresholds of the reach rows: row rowReach+k holds
// the members whose maximum distance is at least reachSteps[k] km. Beside
// a cell's distance bounds they settle most members' reach without a
// distance: a maximum below the cell's nearest point is surely out, one
// above its farthest point (within the radius) surely in.
var reachSteps = []float64{0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5, 10, 11, 12, 15, 20, 30, 50, 100}

// bornYears are the thresholds of the birth rows: row rowBorn+k holds the
// members with a known birth date in year bornYears[k] or later (k = 0:
// any known date). A query tests for minors only the members born late
// enough to be one on its day.
var bornYears = func() []int32 {
	ys := []int32{0}
	for y := int32(1950); y <= 2100; y += 5 {
		ys = append(ys, y)
	}
	return ys
}()

var (
	rowReach = rowSkills + 3*len(skillBits)
	rowBorn  = rowReach + len(reachSteps)
	numRows  = rowBorn + len(bornYears)
)

// cell holds its members in parallel arrays, position i in each.
type cell struct {
	lat, lng, maxKm []float64
	birth           []int32 // yyyymmdd, 0 unknown
	bgFrom, bgTo    []int32 // day numbers, when rowBackground is set
	// blackFrom is the first valid blackout date (a day number). When the
	// dates lie within dayRows days of it (rowBlackoutFar unset), a day
	// row hit on day d is a blackout on d exactly when d−blackFrom is in
	// [0, dayRows): no side table needed.
	blackFrom []int32
	info      []member
	// bits holds the bitsets row by row, row r of block b at
	// bits[r*stride+b]: a query reads a few rows of every block of a cell,
	// and reads them as runs of consecutive words.
	bits   []uint64
	stride int // the blocks there is room for
}

// member holds what only scoring reads.
type member struct {
	handle   uint32
	domains  uint32
	attended int32
	noShows  int32
	invited  int32
	answered int32
	hours    float64
}

func (c *cell) len() int { return len(c.lat) }

// word is row r of block b.
func (c *cell) word(r, b int) *uint64 { return &c.bits[r*c.stride+b] }

func (c *cell) has(pos, row int) bool { return *c.word(row, pos>>6)>>(pos&63)&1 != 0 }

func (c *cell) set(pos, row int, on bool) {
	w := c.word(row, pos>>6)
	if on {
		*w |= 1 << (pos & 63)
	} else {
		*w &^= 1 << (pos & 63)
	}
}

// NewIndex indexes vols. A later profile with the same id replaces an
// earlier one, as Upsert would.
func NewIndex(vols []*models.Volunteer) *Index {
	g := zhengzhouGrid()
	ix := &Index{grid: g, cells: make([]cell, g.cells()+1), byID: make(map[string]uint32, len(vols)),
		irregular: map[uint32][]models.SkillLevel{}, blackouts: map[uint32][]int32{},
		held: map[string][]models.Window{}, heldAt: map[uint32][]models.Window{}}
	// Size every cell once, so a built index wastes no capacity.
	home := make([]int32, len(vols))
	count := make([]int32, len(ix.cells))
	for i, v := range vols {
		home[i] = int32(ix.cellFor(v))
		if home[i] >= 0 {
			count[home[i]]++
		}
	}
	for ci, n := range count {
		if n > 0 {
			ix.cells[ci].grow(int(n))
		}
	}
	ix.ids = make([]string, 0, len(vols))
	ix.where = make([]place, 0, len(vols))
	for i, v := range vols {
		ix.insert(v, int(home[i]))
	}
	return ix
}

// grow makes room for n more members.
func (c *cell) grow(n int) {
	size := c.len() + n
	c.lat = grown(c.lat, size)
	c.lng = grown(c.lng, size)
	c.maxKm = grown(c.maxKm, size)
	c.birth = grown(c.birth, size)
	c.bgFrom = grown(c.bgFrom, size)
	c.bgTo = grown(c.bgTo, size)
	c.blackFrom = grown(c.blackFrom, size)
	c.info = grown(c.info, size)
	if blocks := (size + 63) / 64; blocks > c.stride {
		bits := make([]uint64, numRows*blocks)
		for r := 0; r < numRows; r++ {
			copy(bits[r*blocks:], c.bits[r*c.stride:(r+1)*c.stride])
		}
		c.bits, c.stride = bits, blocks
	}
}

func grown[T any](s []T, size int) []T {
	if cap(s) >= size {
		return s
	}
	out := make([]T, len(s), size)
	copy(out, s)
	return out
}

// Len is the number of volunteers indexed.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.byID)
}

// Upsert indexes v, replacing its earlier profile.
func (ix *Index) Upsert(v *models.Volunteer) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.remove(v.AccountID)
	ix.insert(v, ix.cellFor(v))
}

// Remove drops the volunteer with id, reporting whether it was indexed.
// Its commitments are kept (see SetCommitments).
func (ix *Index) Remove(id string) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.remove(id)
}

// SetCommitments records the windows volunteer id already holds (every
// active assignment); an occurrence overlapping one of them is excluded
// as Committed. nil forgets them. Commitments are kept by id whether or
// not the volunteer is indexed, so they may arrive before the profile.
func (ix *Index) SetCommitments(volunteerID string, held []models.Window) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if len(held) == 0 {
		delete(ix.held, volunteerID)
	} else {
		ix.held[volunteerID] = append([]models.Window(nil), held...)
	}
	if h, ok := ix.byID[volunteerID]; ok {
		if len(held) == 0 {
			delete(ix.heldAt, h)
		} else {
			ix.heldAt[h] = ix.held[volunteerID]
		}
		if p := ix.where[h]; p.cell >= 0 {
			ix.cells[p.cell].setHeld(int(p.pos), held)
		}
	}
}

// setHeld sets a member's day and hour rows of commitments: the dates and
// the hours of the day the windows touch. A window overlapping one of
// them shares an instant with it, hence a date and an hour.
func (c *cell) setHeld(pos int, held []models.Window) {
	var days, hours uint32
	for _, w := range held {
		days |= daySpan(w)
		hours |= hourSpan(w)
	}
	c.setDays(pos, rowHeldDays, days)
	for r := 0; r < 24; r++ {
		c.set(pos, rowHeldHours+r, hours&(1<<r) != 0)
	}
}

// setDays sets a member's dayRows rows from first to the bits of days.
func (c *cell) setDays(pos, first int, days uint32) {
	for r := 0; r < dayRows; r++ {
		c.set(pos, first+r, days&(1<<r) != 0)
	}
}

// cellFor is the cell v belongs in: -1 without a home, the overflow cell
// for a home outside the grid or a maximum distance that is not a number.
func (ix *Index) cellFor(v *models.Volunteer) int {
	if v.Home == nil {
		return -1
	}
	if c, ok := ix.grid.cellOf(*v.Home); ok && !math.IsNaN(v.MaxDistanceKm) {
		return c
	}
	return len(ix.cells) - 1
}

func (ix *Index) insert(v *models.Volunteer, ci int) {
	if _, dup := ix.byID[v.AccountID]; dup {
		ix.remove(v.AccountID)
	}
	var h uint32
	if n := len(ix.free); n > 0 {
		h, ix.free = ix.free[n-1], ix.free[:n-1]
	} else {
		h = uint32(len(ix.ids))
		ix.ids = append(ix.ids, "")
		ix.where = append(ix.where, place{})
	}
	id := strings.Clone(v.AccountID) // own the bytes: the index outlives the profiles
	ix.ids[h] = id
	ix.byID[id] = h
	if ci < 0 {
		ix.where[h] = place{cell: -1}
		ix.noHome++
		return
	}
	c := &ix.cells[ci]
	if c.len() == cap(c.lat) || c.len() >= 64*c.stride {
		c.grow(max(1, c.len())) // double
	}
	pos := c.len()
	ix.where[h] = place{cell: int32(ci), pos: int32(pos)}
	c.lat = append(c.lat, v.Home.Lat)
	c.lng = append(c.lng, v.Home.Lng)
	c.maxKm = append(c.maxKm, v.MaxDistanceKm)
	birth := birthYMD(v.BirthDate)
	c.birth = append(c.birth, birth)
	var checkedOn, expires int32
	var checked bool
	if b := v.BackgroundCheck; b.Passed() { // only a recorded, passed check counts
		var ok1, ok2 bool
		checkedOn, ok1 = dayNumber(b.CheckedOn)
		expires, ok2 = dayNumber(b.ExpiresOn)
		checked = ok1 && ok2
	}
	c.bgFrom = append(c.bgFrom, checkedOn)
	c.bgTo = append(c.bgTo, expires)
	r := v.Reliability
	c.info = append(c.info, member{handle: h, domains: domainMask(v.Domains),
		attended: clamp32(r.Attended), noShows: clamp32(r.NoShows), invited: clamp32(r.Invited),
		answered: clamp32(r.Accepted + r.Declined), hours: r.CommittedHours})
	for w, word := range v.Availability {
		for word != 0 {
			s := w*64 + bits.TrailingZeros64(word)
			word &= word - 1
			if s < models.SlotsPerWeek {
				c.set(pos, s, true)
			}
		}
	}
	c.set(pos, rowVerified, v.RealNameVerified)
	c.set(pos, rowShowsUp, v.Reliability.NoShows < MaxNoShows)
	c.set(pos, rowGuardian, v.Guardian != nil)
	c.set(pos, rowBackground, checked)
	c.set(pos, rowTrack, v.QualificationTrack)
	for k, t := range reachSteps {
		c.set(pos, rowReach+k, v.MaxDistanceKm >= t)
	}
	for k, y := range bornYears {
		c.set(pos, rowBorn+k, birth != 0 && birth >= y*10000)
	}
	if held := ix.held[id]; len(held) > 0 {
		ix.heldAt[h] = held
		c.setHeld(pos, held)
	}
	var blackout uint32
	var days []int32
	for _, d := range v.Blackouts {
		if n, ok := dayNumber(d); ok { // an invalid date never matches a day
			blackout |= 1 << dayRow(n)
			days = append(days, n)
		}
	}
	var from int32
	if blackout != 0 {
		ix.blackouts[h] = days
		c.setDays(pos, rowBlackoutDays, blackout)
		from = slices.Min(days)
		c.set(pos, rowBlackoutFar, slices.Max(days)-from >= dayRows)
	}
	c.blackFrom = append(c.blackFrom, from)
	irregular := false
	for i, s := range v.Skills {
		b, known := skillBits[s.Code]
		if !known || s.Level < 1 || s.Level > 3 {
			irregular = true
			continue
		}
		if skillLevelOf(v.Skills[:i], s.Code) != 0 { // SkillLevel reads the first entry only
			continue
		}
		for l := 1; l <= s.Level; l++ {
			c.set(pos, rowSkills+3*b+l-1, true)
		}
	}
	if irregular {
		ix.irregular[h] = append([]models.SkillLevel(nil), v.Skills...)
		c.set(pos, rowIrregular, true)
	}
}

func clamp32(x int) int32 { return int32(min(max(x, math.MinInt32), math.MaxInt32)) }

func (ix *Index) remove(id string) bool {
	h, ok := ix.byID[id]
	if !ok {
		return false
	}
	delete(ix.byID, id)
	delete(ix.irregular, h)
	delete(ix.blackouts, h)
	delete(ix.heldAt, h)
	p := ix.where[h]
	ix.ids[h] = ""
	ix.free = append(ix.free, h)
	if p.cell < 0 {
		ix.noHome--
		return true
	}
	c := &ix.cells[p.cell]
	last := c.len() - 1
	if pos := int(p.pos); pos != last {
		// Move the last member into the hole.
		c.lat[pos], c.lng[pos], c.maxKm[pos] = c.lat[last], c.lng[last], c.maxKm[last]
		c.birth[pos], c.bgFrom[pos], c.bgTo[pos] = c.birth[last], c.bgFrom[last], c.bgTo[last]
		c.blackFrom[pos] = c.blackFrom[last]
		c.info[pos] = c.info[last]
		for r := 0; r < numRows; r++ {
			c.set(pos, r, c.has(last, r))
		}
		ix.where[c.info[pos].handle].pos = int32(pos)
	}
	for r := 0; r < numRows; r++ {
		c.set(last, r, false)
	}
	c.lat, c.lng, c.maxKm = c.lat[:last], c.lng[:last], c.maxKm[:last]
	c.birth, c.bgFrom, c.bgTo, c.info = c.birth[:last], c.bgFrom[:last], c.bgTo[:last], c.info[:last]
	c.blackFrom = c.blackFrom[:last]
	return true
}
