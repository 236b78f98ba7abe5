package matching

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
)

// vary makes needs of a workload harder on the index: other radii, odd
// windows (across midnight, into Monday, longer), several skills, levels
// and codes outside the vocabulary.
func vary(r *rand.Rand, n *models.Need) {
	switch r.IntN(10) {
	case 0:
		n.RadiusKm = 0.5 + 9*r.Float64()
	case 1: // Sunday night into Monday
		s := weekStart.AddDate(0, 0, 6).Add(23 * time.Hour)
		n.Window = &models.Window{Start: s, End: s.Add(2 * time.Hour)}
	case 2: // a long day, starting off the half hour
		s := n.Window.Start.Add(10 * time.Minute)
		n.Window = &models.Window{Start: s, End: s.Add(9 * time.Hour)}
	case 3:
		n.RequiredSkills = append(n.RequiredSkills, models.SkillLevel{Code: "first_aid", Level: 1}, models.SkillLevel{Code: "driving", Level: 1 + r.IntN(3)})
	case 4:
		n.RequiredSkills = append(n.RequiredSkills, models.SkillLevel{Code: "not_a_skill", Level: 1})
	case 5:
		n.Domain = "mental_health" // high-risk: minors out
	case 6:
		n.RequiredSkills = []models.SkillLevel{{Code: "cooking", Level: 1}, {Code: "cooking", Level: 2}}
	}
}

// oddities gives some volunteers the irregular data the index keeps aside.
func oddities(r *rand.Rand, vols []*models.Volunteer) {
	for _, v := range vols {
		switch r.IntN(60) {
		case 0:
			v.Skills = append(v.Skills, models.SkillLevel{Code: "not_a_skill", Level: 2})
		case 1:
			v.Skills = append(v.Skills, models.SkillLevel{Code: "driving", Level: 4})
		case 2:
			v.MaxDistanceKm = math.NaN()
		case 3:
			v.Home = &models.Point{Lat: 39.9, Lng: 116.4} // Beijing: the overflow cell
		case 4:
			v.Skills = append([]models.SkillLevel{{Code: "first_aid", Level: 1}}, append(v.Skills, models.SkillLevel{Code: "first_aid", Level: 3})...)
		case 5:
			v.BackgroundCheck = recordedCheck("not a date", "2031-01-01")
		case 6:
			v.BirthDate = ""
		case 7: // a check passed the day before day 0, and dates that are not dates
			v.BackgroundCheck = recordedCheck("1969-12-31", "2031-01-01")
			v.Blackouts = append(v.Blackouts, "2030-6-4", "")
		case 8: // a check the volunteer asserted: nobody recorded it
			v.BackgroundCheck = &models.BackgroundCheck{Result: models.BackgroundPassed, CheckedOn: "2029-01-01", ExpiresOn: "2031-01-01"}
		case 9:
			v.BackgroundCheck = recordedCheck("2029-01-01", "2031-01-01")
			v.BackgroundCheck.Result = models.BackgroundNotPassed
		case 10: // blackouts a multiple of 32 days from a day of the week: the same day rows
			d := weekStart.AddDate(0, 0, r.IntN(7))
			v.Blackouts = []string{d.AddDate(0, 0, 32*(1+r.IntN(2))).Format(models.DateLayout)}
			if r.IntN(2) == 0 {
				v.Blackouts = append(v.Blackouts, d.AddDate(0, 0, -32).Format(models.DateLayout))
			}
		case 11: // blackouts far apart, one in the week
			v.Blackouts = []string{weekStart.AddDate(0, 0, r.IntN(7)).Format(models.DateLayout), weekStart.AddDate(0, 0, 40).Format(models.DateLayout)}
		case 12: // 18 on a day of the week, or born long ago
			v.BirthDate = weekStart.AddDate(-18, 0, r.IntN(7)).Format(models.DateLayout)
			if r.IntN(3) == 0 {
				v.BirthDate = "1931-02-03"
			}
		}
	}
}

func sameResult(t *testing.T, what string, got, want Result) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Fatalf("%s: index and scan differ\nindex: %s\nscan:  %s", what, g, w)
	}
}

// TestIndexEqualsScan: on random data, TopK gives exactly Rank's result
// (candidates, scores, reasons and every exclusion count), before and
// after updates.
func TestIndexEqualsScan(t *testing.T) {
	w := newWorkload(1, 2500, 60, true)
	r := rand.New(rand.NewPCG(2, 2))
	oddities(r, w.vols)
	ix := NewIndex(w.vols)
	for id, h := range w.held {
		ix.SetCommitments(id, h)
	}
	check := func(round string) {
		eligible, seen := 0, map[Reason]bool{}
		for i, n := range w.needs {
			occ := n.Occurrences()[0]
			opts := Options{Supervised: i%2 == 0}
			if i%7 == 0 {
				opts.Weights = Weights{Distance: 3, Reliability: 1}
			}
			if i%5 == 0 {
				opts.Skip = map[string]bool{w.vols[r.IntN(len(w.vols))].AccountID: true}
			}
			k := []int{0, 1, 5, 20, 200}[i%5]
			got := ix.TopK(n, occ, k, opts)
			want := Rank(w.vols, w.held, n, occ, k, opts)
			sameResult(t, round+" "+n.ID, got, want)
			eligible += want.Eligible
			for _, e := range want.Exclusions {
				seen[e.Reason] = true
			}
		}
		if eligible < 100 || len(seen) < len(ExclusionOrder) {
			t.Fatalf("%s: the workload is too easy: %d eligible, reasons seen %v", round, eligible, seen)
		}
	}
	for _, n := range w.needs {
		vary(r, n)
	}
	check("built")

	// Updates: move, change and drop volunteers; add new ones; commit some.
	for i := 0; i < 400; i++ {
		j := r.IntN(len(w.vols))
		switch r.IntN(4) {
		case 0:
			ix.Remove(w.vols[j].AccountID)
			w.vols = append(w.vols[:j], w.vols[j+1:]...)
		case 1:
			v := *w.vols[j]
			p := newPlacer(true).point(r)
			v.Home, v.RealNameVerified, v.QualificationTrack = &p, !v.RealNameVerified, !v.QualificationTrack
			v.Availability = models.WeekGrid{}
			v.Availability.Set(r.IntN(7), r.IntN(48))
			w.vols[j] = &v
			ix.Upsert(&v)
		case 2:
			v := randomVolunteer(r, newPlacer(true), fmt.Sprintf("new%04d", i), models.Skills.Codes(), models.Domains.Codes(), w.held)
			w.vols = append(w.vols, v)
			ix.Upsert(v)
			ix.SetCommitments(v.AccountID, w.held[v.AccountID])
		case 3:
			id := w.vols[j].AccountID
			occ := w.needs[r.IntN(len(w.needs))].Occurrences()[0]
			if len(w.held[id]) > 0 {
				delete(w.held, id)
			} else {
				w.held[id] = []models.Window{occ.Window}
			}
			ix.SetCommitments(id, w.held[id])
		}
	}
	if ix.Len() != len(w.vols) {
		t.Fatalf("Len %d, want %d", ix.Len(), len(w.vols))
	}
	check("updated")
}

// TestCandidatesMeetConstraints: no candidate TopK returns breaks a hard
// constraint, checked by CheckVolunteer and CheckCommitments themselves.
func TestCandidatesMeetConstraints(t *testing.T) {
	w := newWorkload(3, 3000, 40, true)
	byID := map[string]*models.Volunteer{}
	for _, v := range w.vols {
		byID[v.AccountID] = v
	}
	ix := NewIndex(w.vols)
	for id, h := range w.held {
		ix.SetCommitments(id, h)
	}
	total := 0
	for _, n := range w.needs {
		occ := n.Occurrences()[0]
		res := ix.TopK(n, occ, 50, Options{})
		for _, c := range res.Candidates {
			v := byID[c.VolunteerID]
			if vs := append(CheckVolunteer(v, n, occ), CheckCommitments(w.held[v.AccountID], occ)...); len(vs) > 0 {
				t.Fatalf("%s for %s breaks %v", c.VolunteerID, n.ID, reasons(vs))
			}
			total++
		}
	}
	if total == 0 {
		t.Fatal("no candidates at all")
	}
}

// TestDeterministic: the same input gives the same output, whatever the
// order the volunteers were given in, and under concurrent readers.
func TestDeterministic(t *testing.T) {
	w := newWorkload(4, 2000, 10, true)
	a := NewIndex(w.vols)
	shuffled := append([]*models.Volunteer(nil), w.vols...)
	rand.New(rand.NewPCG(9, 9)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	b := NewIndex(shuffled)
	for _, n := range w.needs {
		n.RadiusKm = 8 // many ties
		occ := n.Occurrences()[0]
		first := a.TopK(n, occ, 30, Options{})
		sameResult(t, "shuffled "+n.ID, b.TopK(n, occ, 30, Options{}), first)
		sameResult(t, "again "+n.ID, a.TopK(n, occ, 30, Options{}), first)
	}
	// Readers alongside a writer (run with -race).
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, n := range w.needs {
				a.TopK(n, n.Occurrences()[0], 10, Options{})
			}
		}()
	}
	for i, v := range w.vols[:200] {
		a.Upsert(v)
		a.SetCommitments(v.AccountID, []models.Window{*w.needs[i%len(w.needs)].Window})
	}
	wg.Wait()
}

// TestReachMargin: the approximate distance TopK uses to settle most
// members is within its stated bound of models.DistanceKm.
func TestReachMargin(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for _, lat := range []float64{0, 34.3, 34.75, 35.1, 60, 79} {
		for _, radius := range []float64{0.2, 3, 10, 50, 100} {
			rc := newReach(models.Point{Lat: lat, Lng: 113.6}, radius)
			for i := 0; i < 2000; i++ {
				d := radius * r.Float64()
				a := r.Float64() * 2 * math.Pi
				p := models.Point{Lat: lat + d*math.Sin(a)/kmPerDegree, Lng: 113.6 + d*math.Cos(a)/rc.kx}
				exact := models.DistanceKm(p, rc.need)
				dy, dx := (p.Lat-lat)*kmPerDegree, (p.Lng-113.6)*rc.kx
				approx := math.Sqrt(dx*dx + dy*dy)
				if math.Abs(approx-exact) > exact*rc.eps+1e-12 {
					t.Fatalf("lat %v radius %v: approx %v exact %v, beyond eps %v", lat, radius, approx, exact, rc.eps)
				}
			}
		}
	}
}

// TestReachBoundary puts volunteers within a hair of their limit: TopK
// and Rank must agree on each.
func TestReachBoundary(t *testing.T) {
	need := models.Point{Lat: 34.7535, Lng: 113.6133}
	start := weekStart.Add(9 * time.Hour)
	n := &models.Need{ID: "edge", Domain: "community_governance", Location: need, RadiusKm: 3,
		Window: &models.Window{Start: start, End: start.Add(time.Hour)}}
	r := rand.New(rand.NewPCG(6, 6))
	var vols []*models.Volunteer
	for i := 0; i < 2000; i++ {
		a := r.Float64() * 2 * math.Pi
		d := 0.5 + 5*r.Float64()
		p := models.Point{Lat: need.Lat + d*math.Sin(a)/kmPerDegree, Lng: need.Lng + d*math.Cos(a)/(kmPerDegree*math.Cos(need.Lat*math.Pi/180))}
		exact := models.DistanceKm(p, need)
		v := &models.Volunteer{AccountID: "e" + string(rune('a'+i%26)) + time.Duration(i).String(), RealNameVerified: true, Home: &p}
		switch i % 4 {
		case 0:
			v.MaxDistanceKm = exact
		case 1:
			v.MaxDistanceKm = math.Nextafter(exact, 0)
		case 2:
			v.MaxDistanceKm = 10
		default:
			v.MaxDistanceKm = exact * (1 + 1e-9)
		}
		v.Availability.Set(0, 18)
		v.Availability.Set(0, 19)
		vols = append(vols, v)
	}
	ix := NewIndex(vols)
	occ := n.Occurrences()[0]
	sameResult(t, "boundary", ix.TopK(n, occ, 3000, Options{}), Rank(vols, nil, n, occ, 3000, Options{}))
}

// TestWindowSlots: windowSlots reads a window exactly as CoversWindow does.
func TestWindowSlots(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 3000; i++ {
		var g models.WeekGrid
		for k := 0; k < 300; k++ {
			g.Set(r.IntN(7), r.IntN(48))
		}
		if i%10 == 0 {
			g = models.WeekGrid{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), 1<<16 - 1}
		}
		start := weekStart.Add(time.Duration(r.IntN(14*24*60)) * time.Minute)
		end := start.Add(time.Duration(r.IntN(8*24*60)-60) * time.Minute)
		first, n := windowSlots(models.Window{Start: start, End: end})
		covers := n >= 0
		for k := 0; k < n; k++ {
			s := (first + k) % models.SlotsPerWeek
			covers = covers && g.Has(s/48, s%48)
		}
		if want := g.CoversWindow(start, end); covers != want {
			t.Fatalf("%v–%v: windowSlots says %v, CoversWindow %v", start, end, covers, want)
		}
	}
}

// TestNewIndexDuplicates: of two profiles with one id, the later is kept.
func TestNewIndexDuplicates(t *testing.T) {
	w := newWorkload(8, 600, 10, true)
	r := rand.New(rand.NewPCG(8, 8))
	input := append([]*models.Volunteer(nil), w.vols...)
	for i := 0; i < 200; i++ {
		v := *w.vols[r.IntN(len(w.vols))]
		p := newPlacer(true).point(r)
		v.Home, v.RealNameVerified = &p, true
		input = append(input, &v)
	}
	latest := map[string]*models.Volunteer{}
	for _, v := range input {
		latest[v.AccountID] = v
	}
	var kept []*models.Volunteer
	for _, v := range w.vols {
		kept = append(kept, latest[v.AccountID])
	}
	ix := NewIndex(input)
	if ix.Len() != len(kept) {
		t.Fatalf("Len %d, want %d", ix.Len(), len(kept))
	}
	for _, n := range w.needs {
		occ := n.Occurrences()[0]
		sameResult(t, n.ID, ix.TopK(n, occ, 50, Options{}), Rank(kept, nil, n, occ, 50, Options{}))
	}
}

// TestCellBounds: every member of every cell a query reads lies within the
// cell's distance bounds, by models.DistanceKm, and no cell the query
// leaves out holds a member within the radius.
func TestCellBounds(t *testing.T) {
	w := newWorkload(13, 20000, 200, false)
	ix := NewIndex(w.vols)
	r := rand.New(rand.NewPCG(13, 13))
	checked := 0
	for i, n := range w.needs {
		radius := []float64{0.3, 3, 5, 10, 40, 100 * r.Float64()}[i%6]
		s := scanner{ix: ix, q: newQuery(n, n.Occurrences()[0], Options{}), rc: newReach(n.Location, radius)}
		read := map[int]bool{}
		ix.grid.near(n.Location, radius, func(ci int) {
			v, ok := s.visit(ci)
			c := &ix.cells[ci]
			for pos := range c.lat {
				d := models.DistanceKm(models.Point{Lat: c.lat[pos], Lng: c.lng[pos]}, n.Location)
				if ok && (d < v.dmin || d > v.dmax) {
					t.Fatalf("%s r=%v cell %d: member at %v km, bounds [%v, %v]", n.ID, radius, ci, d, v.dmin, v.dmax)
				}
				if !ok && d <= radius {
					t.Fatalf("%s r=%v cell %d left out, but a member is %v km away", n.ID, radius, ci, d)
				}
				checked++
			}
			read[ci] = ok
		})
		for ci := range len(ix.cells) - 1 {
			if read[ci] {
				continue
			}
			c := &ix.cells[ci]
			for pos := range c.lat {
				if d := models.DistanceKm(models.Point{Lat: c.lat[pos], Lng: c.lng[pos]}, n.Location); d <= radius {
					t.Fatalf("%s r=%v: cell %d not read, but a member is %v km away", n.ID, radius, ci, d)
				}
			}
		}
	}
	if checked < 100000 {
		t.Fatalf("only %d members checked", checked)
	}
}

// TestPruningIsTight: volunteers who score every part in full but
// distance reach the bounds TopK prunes cells and members with, and tie
// with each other; TopK still gives Rank's result, so no bound prunes
// anyone who could enter.
func TestPruningIsTight(t *testing.T) {
	start := weekStart.Add(9 * time.Hour)
	need := &models.Need{ID: "tight", Domain: "community_governance", Location: erqiSquare, RadiusKm: 10,
		Window: &models.Window{Start: start, End: start.Add(time.Hour)}, RequiredSkills: []models.SkillLevel{{Code: "first_aid", Level: 1}}}
	r := rand.New(rand.NewPCG(14, 14))
	var vols []*models.Volunteer
	for i := 0; i < 4000; i++ {
		d, a := 9*math.Sqrt(r.Float64()), 2*math.Pi*r.Float64()
		p := models.CoarsePoint(models.Point{Lat: erqiSquare.Lat + d*math.Sin(a)/kmPerDegree,
			Lng: erqiSquare.Lng + d*math.Cos(a)/(kmPerDegree*math.Cos(erqiSquare.Lat*math.Pi/180))})
		v := &models.Volunteer{AccountID: fmt.Sprintf("t%05d", i), RealNameVerified: true, Home: &p, MaxDistanceKm: 10,
			Skills: []models.SkillLevel{{Code: "first_aid", Level: 3}}, Domains: []string{need.Domain}, QualificationTrack: true,
			Reliability: models.Reliability{Attended: 60, Invited: 60, Accepted: 60}}
		for day := 0; day < 7; day++ {
			for s := 0; s < models.SlotsPerDay; s++ {
				v.Availability.Set(day, s)
			}
		}
		vols = append(vols, v)
	}
	ix := NewIndex(vols)
	occ := need.Occurrences()[0]
	for _, k := range []int{1, 20, 300} {
		for _, sup := range []bool{false, true} {
			for _, only := range []bool{false, true} {
				opts := Options{Supervised: sup, CandidatesOnly: only}
				sameResult(t, fmt.Sprintf("k=%d supervised=%v candidates only=%v", k, sup, only), ix.TopK(need, occ, k, opts), Rank(vols, nil, need, occ, k, opts))
			}
		}
	}
}

// TestHourSpan: a window overlapping another shares an hour of the day
// with it, in every season and across midnight, also before 1901 when
// Shanghai's offset was not whole hours.
func TestHourSpan(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 15))
	for i := 0; i < 20000; i++ {
		base := weekStart.AddDate(-r.IntN(200), 0, r.IntN(400))
		a := models.Window{Start: base.Add(time.Duration(r.IntN(3000)) * time.Minute)}
		a.End = a.Start.Add(time.Duration(r.IntN(1800)-60) * time.Minute)
		b := models.Window{Start: base.Add(time.Duration(r.IntN(3000)) * time.Minute)}
		b.End = b.Start.Add(time.Duration(r.IntN(600)) * time.Second * 7)
		if a.Overlaps(b) && hourSpan(a)&hourSpan(b) == 0 {
			t.Fatalf("%v and %v overlap, hours %024b and %024b", a, b, hourSpan(a), hourSpan(b))
		}
	}
}
