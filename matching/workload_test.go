package matching

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/wushe/wushe/models"
)

// The synthetic workload of the matching issue: volunteers and needs
// inside the real district polygons, 70% of both in the central districts
// (中原 410102, 二七 410103, 管城 410104, 金水 410105, 惠济 410108) and the
// rest by area; need radius 3 km; volunteer maximum distance uniform
// 1–10 km; 30% of needs require one skill out of 20; each volunteer
// available 8–30 random half-hours a week, drawn as blocks of 1–3 hours
// between 07:00 and 22:00 (as people give them: "Saturday 09:00–11:00").
// Needs fall in the week of Monday 2030-06-03 and last 1–2 hours between
// 08:00 and 20:00. The rest (verification, checks, minors, reliability,
// commitments) is set at plausible rates so that every constraint bites.

var centralDistricts = []string{"410102", "410103", "410104", "410105", "410108"}

// districtAreas are the districts' areas in km² (shoelace on a local
// projection of their outer rings).
var districtAreas = sync.OnceValue(func() map[string]float64 {
	out := map[string]float64{}
	for _, d := range models.DistrictPolygons() {
		k := kmPerDegree * math.Cos(d.Label.Lat*math.Pi/180)
		for _, ring := range d.Rings {
			a := 0.0
			for i := 0; i+1 < len(ring); i++ {
				a += ring[i].Lng*k*ring[i+1].Lat*kmPerDegree - ring[i+1].Lng*k*ring[i].Lat*kmPerDegree
			}
			out[d.Code] += math.Abs(a) / 2
		}
	}
	return out
})

// placer draws points: in a district, 70% central, 30% elsewhere, by area
// within each; or, for the small dense tests, uniformly in a 5 km disc
// around 二七广场.
type placer struct {
	central, other []string
	cw, ow         []float64 // cumulative areas
	dense          bool
}

var erqiSquare = models.Point{Lat: 34.7536, Lng: 113.6653}

func newPlacer(dense bool) *placer {
	p := &placer{dense: dense}
	isCentral := map[string]bool{}
	for _, c := range centralDistricts {
		isCentral[c] = true
	}
	areas := districtAreas()
	for _, d := range models.DistrictPolygons() {
		if isCentral[d.Code] {
			p.central = append(p.central, d.Code)
			p.cw = append(p.cw, last(p.cw)+areas[d.Code])
		} else {
			p.other = append(p.other, d.Code)
			p.ow = append(p.ow, last(p.ow)+areas[d.Code])
		}
	}
	return p
}

func last(s []float64) float64 {
	if len(s) == 0 {
		return 0
	}
	return s[len(s)-1]
}

func (p *placer) point(r *rand.Rand) models.Point {
	if p.dense {
		d, a := 5*math.Sqrt(r.Float64()), 2*math.Pi*r.Float64()
		return models.Point{Lat: erqiSquare.Lat + d*math.Sin(a)/kmPerDegree,
			Lng: erqiSquare.Lng + d*math.Cos(a)/(kmPerDegree*math.Cos(erqiSquare.Lat*math.Pi/180))}
	}
	codes, cum := p.central, p.cw
	if r.Float64() >= 0.7 {
		codes, cum = p.other, p.ow
	}
	x := r.Float64() * last(cum)
	i := 0
	for i < len(cum)-1 && cum[i] < x {
		i++
	}
	return models.RandomPointIn(codes[i], r)
}

type workload struct {
	vols  []*models.Volunteer
	needs []*models.Need
	held  map[string][]models.Window
}

var weekStart = time.Date(2030, 6, 3, 0, 0, 0, 0, models.Shanghai()) // a Monday

// newWorkload builds nv volunteers and nn needs from seed; dense puts
// everything in a 5 km disc, so that small tests have many candidates.
func newWorkload(seed uint64, nv, nn int, dense bool) *workload {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	pl := newPlacer(dense)
	skills, domains := models.Skills.Codes(), models.Domains.Codes()
	w := &workload{held: map[string][]models.Window{}}
	w.vols = make([]*models.Volunteer, nv)
	for i := range w.vols {
		w.vols[i] = randomVolunteer(r, pl, fmt.Sprintf("v%07d", i), skills, domains, w.held)
	}
	for i := 0; i < nn; i++ {
		w.needs = append(w.needs, randomNeed(r, pl, fmt.Sprintf("n%05d", i), skills, domains))
	}
	return w
}

func randomVolunteer(r *rand.Rand, pl *placer, id string, skills, domains []string, held map[string][]models.Window) *models.Volunteer {
	v := &models.Volunteer{AccountID: id, RealNameVerified: r.Float64() < 0.92, MaxDistanceKm: 1 + 9*r.Float64()}
	if r.Float64() < 0.99 {
		p := pl.point(r)
		v.Home = &p
	}
	for _, k := range r.Perm(len(skills))[:r.IntN(4)] {
		v.Skills = append(v.Skills, models.SkillLevel{Code: skills[k], Level: 1 + r.IntN(3)})
	}
	for _, k := range r.Perm(len(domains))[:r.IntN(4)] {
		v.Domains = append(v.Domains, domains[k])
	}
	want := 8 + r.IntN(23)
	for got := 0; got < want; {
		day, start, length := r.IntN(7), 14+r.IntN(30), 2+r.IntN(5)
		for s := start; s < start+length && s < 44 && got < want; s++ {
			if !v.Availability.Has(day, s) {
				v.Availability.Set(day, s)
				got++
			}
		}
	}
	if r.Float64() < 0.6 {
		v.BackgroundCheck = recordedCheck("2029-01-15", weekStart.AddDate(0, 0, r.IntN(400)-30).Format(models.DateLayout))
	}
	if r.Float64() < 0.06 {
		v.BirthDate = fmt.Sprintf("%d-%02d-%02d", 2012+r.IntN(6), 1+r.IntN(12), 1+r.IntN(28))
		if r.Float64() < 0.5 {
			v.Guardian = &models.GuardianConsent{GuardianName: "监护人", GuardianPhone: "13800000000", Relationship: "母亲", ConsentedOn: "2030-01-01"}
		}
	} else {
		v.BirthDate = fmt.Sprintf("%d-%02d-%02d", 1950+r.IntN(56), 1+r.IntN(12), 1+r.IntN(28))
	}
	inv := r.IntN(21)
	acc := r.IntN(inv + 1)
	v.Reliability = models.Reliability{Invited: inv, Accepted: acc, Declined: r.IntN(inv - acc + 1), Attended: r.IntN(31)}
	if r.Float64() < 0.05 {
		v.Reliability.NoShows = 1 + r.IntN(4)
	}
	v.Reliability.CommittedHours = math.Round(r.ExpFloat64()*120) / 10
	v.QualificationTrack = r.Float64() < 0.2
	if r.Float64() < 0.04 {
		for range 1 + r.IntN(2) {
			v.Blackouts = append(v.Blackouts, weekStart.AddDate(0, 0, r.IntN(7)).Format(models.DateLayout))
		}
	}
	if r.Float64() < 0.03 {
		start := weekStart.AddDate(0, 0, r.IntN(7)).Add(time.Duration(16+r.IntN(24)) * models.SlotLength)
		held[id] = []models.Window{{Start: start, End: start.Add(time.Duration(2+r.IntN(5)) * models.SlotLength)}}
	}
	return v
}

func randomNeed(r *rand.Rand, pl *placer, id string, skills, domains []string) *models.Need {
	start := weekStart.AddDate(0, 0, r.IntN(7)).Add(time.Duration(16+r.IntN(24)) * models.SlotLength)
	n := &models.Need{ID: id, Domain: domains[r.IntN(len(domains))], TargetGroup: "older_people", Location: pl.point(r), RadiusKm: 3,
		Window: &models.Window{Start: start, End: start.Add(time.Duration(2+r.IntN(3)) * models.SlotLength)}, Headcount: 5,
		BackgroundCheck: r.Float64() < 0.25, Status: models.NeedOpen}
	if r.Float64() < 0.3 {
		n.RequiredSkills = []models.SkillLevel{{Code: skills[r.IntN(len(skills))], Level: 1 + r.IntN(2)}}
	}
	return n
}
