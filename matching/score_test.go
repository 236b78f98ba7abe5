package matching

import (
	"math/rand/v2"
	"testing"

	"github.com/wushe/wushe/models"
)

func TestWeights(t *testing.T) {
	if err := DefaultWeights.Validate(); err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, w := range DefaultWeights.array() {
		sum += w
	}
	if sum != 100 {
		t.Fatalf("DefaultWeights sum to %d", sum)
	}
	if DefaultWeights.Normalised() != DefaultWeights {
		t.Fatal("normalising the defaults changed them")
	}
	for _, bad := range []Weights{{}, {Skill: -1, Distance: 101}} {
		if err := bad.Validate(); models.KindOf(err) != models.KindInvalid {
			t.Fatalf("%+v: %v", bad, err)
		}
	}
	cases := []struct{ in, want Weights }{
		{Weights{Distance: 1, Skill: 1, Slack: 1}, Weights{Skill: 34, Distance: 33, Slack: 33}},
		{Weights{Distance: 3, Reliability: 1}, Weights{Distance: 75, Reliability: 25}},
		{Weights{Skill: 7}, Weights{Skill: 100}},
		{Weights{}, DefaultWeights},
		{Weights{Skill: -5, Track: 2}, Weights{Track: 100}},
	}
	for _, c := range cases {
		if got := c.in.Normalised(); got != c.want {
			t.Errorf("%+v normalised to %+v, want %+v", c.in, got, c.want)
		}
	}
	r := rand.New(rand.NewPCG(21, 21))
	for i := 0; i < 1000; i++ {
		var a [numParts]int
		for j := range a {
			a[j] = r.IntN(50)
		}
		got, sum := weightsOf(a).Normalised().array(), 0
		for _, x := range got {
			sum += x
		}
		if sum != 100 && a != [numParts]int{} {
			t.Fatalf("%v normalised to %v (sum %d)", a, got, sum)
		}
	}
}

// TestScoreMonotoneInParts: raising any one part's fraction never lowers
// the score, and the score stays within 0–100.
func TestScoreMonotoneInParts(t *testing.T) {
	r := rand.New(rand.NewPCG(22, 22))
	for i := 0; i < 20000; i++ {
		var w [numParts]int
		for j := range w {
			w[j] = r.IntN(40)
		}
		w = weightsOf(w).Normalised().array()
		var f [numParts]float64
		for j := range f {
			f[j] = r.Float64()
		}
		before, _ := points(f, w)
		j := r.IntN(numParts)
		f[j] += (1 - f[j]) * r.Float64()
		after, _ := points(f, w)
		if after < before || before < 0 || after > 100 {
			t.Fatalf("weights %v: raising part %d took the score from %d to %d", w, j, before, after)
		}
	}
}

// TestScoreMonotoneInVolunteer: making a volunteer better in one respect
// (nearer, more skilled, more free time around, interested, more reliable,
// fewer recent hours, on the track) never lowers Explain's score.
func TestScoreMonotoneInVolunteer(t *testing.T) {
	w := newWorkload(23, 300, 25, true)
	r := rand.New(rand.NewPCG(24, 24))
	better := []struct {
		name string
		do   func(v *models.Volunteer, n *models.Need)
	}{
		{"nearer", func(v *models.Volunteer, n *models.Need) {
			if v.Home != nil {
				h := models.Point{Lat: (v.Home.Lat + n.Location.Lat) / 2, Lng: (v.Home.Lng + n.Location.Lng) / 2}
				v.Home = &h
			}
		}},
		{"more skilled", func(v *models.Volunteer, n *models.Need) {
			for _, s := range n.RequiredSkills {
				found := false
				for i := range v.Skills {
					if v.Skills[i].Code == s.Code {
						v.Skills[i].Level = min(3, v.Skills[i].Level+1)
						found = true
					}
				}
				if !found {
					v.Skills = append(v.Skills, models.SkillLevel{Code: s.Code, Level: 1})
				}
			}
		}},
		{"more time around", func(v *models.Volunteer, n *models.Need) {
			q := newQuery(n, n.Occurrences()[0], Options{})
			s := (q.first + q.nslots) % models.SlotsPerWeek
			v.Availability.Set(s/48, s%48)
		}},
		{"interested", func(v *models.Volunteer, n *models.Need) { v.Domains = append(v.Domains, n.Domain) }},
		{"attended once more", func(v *models.Volunteer, _ *models.Need) { v.Reliability.Attended++ }},
		{"one no-show fewer", func(v *models.Volunteer, _ *models.Need) { v.Reliability.NoShows = max(0, v.Reliability.NoShows-1) }},
		{"answered an invitation", func(v *models.Volunteer, _ *models.Need) {
			if v.Reliability.Accepted+v.Reliability.Declined < v.Reliability.Invited {
				v.Reliability.Declined++
			}
		}},
		{"fewer hours", func(v *models.Volunteer, _ *models.Need) { v.Reliability.CommittedHours /= 2 }},
		{"on the track", func(v *models.Volunteer, _ *models.Need) { v.QualificationTrack = true }},
	}
	for _, n := range w.needs {
		occ := n.Occurrences()[0]
		opts := Options{Supervised: r.IntN(2) == 0}
		for _, v := range w.vols {
			before := Explain(v, n, occ, opts)
			for _, b := range better {
				c := *v
				c.Skills = append([]models.SkillLevel(nil), v.Skills...)
				c.Domains = append([]string(nil), v.Domains...)
				b.do(&c, n)
				if after := Explain(&c, n, occ, opts); after.Score < before.Score {
					t.Fatalf("%s for %s: %s lowered the score %d → %d\n%+v\n%+v", v.AccountID, n.ID, b.name, before.Score, after.Score, before.Parts, after.Parts)
				}
			}
		}
	}
}

// TestNewcomerNotPunished: a volunteer with no record scores on
// reliability like one with a typical record, not like a poor one.
func TestNewcomerNotPunished(t *testing.T) {
	newcomer := traits{}
	typical := traits{attended: 8, noShows: 2, invited: 10, answered: 7}
	poor := traits{attended: 2, noShows: 3, invited: 10, answered: 2}
	fn, ft, fp := newcomer.fractions(false)[4], typical.fractions(false)[4], poor.fractions(false)[4]
	if !(fn > fp) || fn < ft-0.05 {
		t.Fatalf("reliability: newcomer %.3f, typical %.3f, poor %.3f", fn, ft, fp)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 12034: "12,034", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
