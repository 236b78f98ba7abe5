package matching

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run with -update if the change is meant):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// A Saturday morning need in 中原区 asking for first aid, and one
// volunteer for each thing worth explaining.
func goldenScene() (*models.Need, models.Occurrence, []*models.Volunteer, map[string][]models.Window) {
	start := time.Date(2030, 6, 1, 9, 0, 0, 0, models.Shanghai()) // Saturday
	n := &models.Need{ID: "n-golden", Domain: "community_governance", TargetGroup: "older_people",
		Location: models.Point{Lat: 34.7535, Lng: 113.6133}, RadiusKm: 5, Headcount: 3,
		Window:         &models.Window{Start: start, End: start.Add(2 * time.Hour)},
		RequiredSkills: []models.SkillLevel{{Code: "first_aid", Level: 2}}, BackgroundCheck: true}
	at := func(kmNorth float64) *models.Point {
		return &models.Point{Lat: n.Location.Lat + kmNorth/kmPerDegree, Lng: n.Location.Lng}
	}
	check := recordedCheck("2030-01-01", "2030-12-31")
	vol := func(id string, km float64, level int) *models.Volunteer {
		v := &models.Volunteer{AccountID: id, RealNameVerified: true, Home: at(km), MaxDistanceKm: 8, BirthDate: "1985-03-02",
			Skills: []models.SkillLevel{{Code: "first_aid", Level: level}}, BackgroundCheck: check}
		for s := 16; s < 24; s++ { // Saturday 08:00–12:00
			v.Availability.Set(5, s)
		}
		return v
	}
	an := vol("v-an", 0.8, 3)
	an.Domains = []string{"community_governance", "social_welfare"}
	an.Reliability = models.Reliability{Invited: 10, Accepted: 8, Declined: 2, Attended: 12}
	an.QualificationTrack = true
	bo := vol("v-bo", 2.5, 2) // a newcomer, free exactly for the need
	bo.Availability = models.WeekGrid{}
	for s := 18; s < 22; s++ {
		bo.Availability.Set(5, s)
	}
	chen := vol("v-chen", 1.2, 2) // a busy veteran
	chen.Domains = []string{"health"}
	chen.Reliability = models.Reliability{Invited: 20, Accepted: 15, Declined: 3, Attended: 30, NoShows: 2, CommittedHours: 46.5}
	du := vol("v-du", 1, 1)
	er := vol("v-er", 9, 3)
	fang := vol("v-fang", 0, 3)
	fang.Home = nil
	gu := vol("v-gu", 1.5, 2)
	gu.Availability, gu.BackgroundCheck = models.WeekGrid{}, nil
	he := vol("v-he", 0.5, 2)
	he.BirthDate = "2014-09-01"
	jin := vol("v-jin", 0.7, 3)
	jin.Reliability.NoShows = MaxNoShows
	kong := vol("v-kong", 0.9, 3)
	lan := vol("v-lan", 1.1, 2)
	lan.Blackouts = []string{"2030-06-01"}
	ma := vol("v-ma", 3.3, 2)
	ma.RealNameVerified = false
	held := map[string][]models.Window{"v-kong": {{Start: start.Add(time.Hour), End: start.Add(3 * time.Hour)}}}
	return n, n.Occurrences()[0], []*models.Volunteer{an, bo, chen, du, er, fang, gu, he, jin, kong, lan, ma}, held
}

func formatResult(r Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d volunteers, %d eligible, %d excluded, %d skipped\n", r.OccurrenceID, r.Volunteers, r.Eligible, r.Excluded, r.Skipped)
	for _, e := range r.Exclusions {
		fmt.Fprintf(&b, "  exclusion %-20s %s | %s\n", e.Reason, e.Zh, e.En)
	}
	for i, c := range r.Candidates {
		fmt.Fprintf(&b, "%d. %s score %d (%.3f km)\n", i+1, c.VolunteerID, c.Score, c.DistanceKm)
		for _, p := range c.Parts {
			fmt.Fprintf(&b, "   %-12s %3d/%-3d %s | %s\n", p.Part, p.Points, p.Max, p.Zh, p.En)
		}
	}
	return b.String()
}

// TestExplanationsGolden pins the explanations a committee reads, from
// the scan and from the index alike.
func TestExplanationsGolden(t *testing.T) {
	n, occ, vols, held := goldenScene()
	var out strings.Builder
	for _, c := range []struct {
		title string
		opts  Options
	}{
		{"supervised, default weights", Options{Supervised: true}},
		{"unsupervised, distance only, v-an skipped", Options{Weights: Weights{Distance: 1}, Skip: map[string]bool{"v-an": true}}},
	} {
		want := Rank(vols, held, n, occ, 10, c.opts)
		ix := NewIndex(vols)
		for id, h := range held {
			ix.SetCommitments(id, h)
		}
		sameResult(t, c.title, ix.TopK(n, occ, 10, c.opts), want)
		fmt.Fprintf(&out, "== %s\n%s\n", c.title, formatResult(want))
	}
	golden(t, "explanations.golden", out.String())
}

func TestSupervisorsGolden(t *testing.T) {
	n := &models.Need{ID: "n-sup", CommunityCode: "410102001001", Domain: "community_governance", Location: models.Point{Lat: 34.7535, Lng: 113.6133}}
	risky := *n
	risky.Domain = "mental_health"
	cert := func(l models.CertificateLevel, verified bool) *models.SocialWorkerCertificate {
		st := "verified"
		if !verified {
			st = "pending"
		}
		return &models.SocialWorkerCertificate{Level: l, Verification: st}
	}
	near := models.Point{Lat: 34.7600, Lng: 113.6200}
	workers := []*models.SocialWorker{
		{AccountID: "sw-a", Certificate: cert(models.CertSocialWorker, true), Supervisor: true, Domains: []string{"community_governance"}, StationTownCode: "410102001", CaseloadCap: 5},
		{AccountID: "sw-b", Certificate: cert(models.CertSenior, true), Supervisor: true, Domains: []string{"social_welfare", "mental_health"}, Base: &near},
		{AccountID: "sw-c", Certificate: cert(models.CertAssistant, true), Supervisor: true, Domains: []string{"community_governance"}, StationTownCode: "410103001", CaseloadCap: 3},
		{AccountID: "sw-d", Certificate: cert(models.CertSenior, false), Supervisor: true},
		{AccountID: "sw-e", Certificate: cert(models.CertSocialWorker, true), EmployerOrgID: "org-2"},
		{AccountID: "sw-f", Certificate: cert(models.CertSocialWorker, true), EmployerOrgID: "org-1", StationTownCode: "410102002", Domains: []string{"mental_health"}},
		{AccountID: "sw-g", Certificate: cert(models.CertSocialWorker, true), Supervisor: true, CaseloadCap: 2, Domains: []string{"community_governance"}},
	}
	loads := map[string]int{"sw-a": 2, "sw-b": 4, "sw-g": 2, "sw-f": 1}
	var b strings.Builder
	for _, need := range []*models.Need{n, &risky} {
		res := RankSupervisors(workers, loads, need, "org-1", 5)
		fmt.Fprintf(&b, "== %s (%s): %d workers, %d eligible\n", need.ID, need.Domain, res.Workers, res.Eligible)
		for _, e := range res.Exclusions {
			fmt.Fprintf(&b, "  exclusion %-22s %s | %s\n", e.Reason, e.Zh, e.En)
		}
		for i, c := range res.Candidates {
			fmt.Fprintf(&b, "%d. %s score %d caseload %d internal %v\n", i+1, c.SocialWorkerID, c.Score, c.Caseload, c.Internal)
			for _, p := range c.Parts {
				fmt.Fprintf(&b, "   %-10s %3d/%-3d %s | %s\n", p.Part, p.Points, p.Max, p.Zh, p.En)
			}
			if vs := CheckSupervisor(workers[indexOfWorker(workers, c.SocialWorkerID)], need, "org-1", loads[c.SocialWorkerID]); len(vs) > 0 {
				t.Fatalf("suggested %s breaks %v", c.SocialWorkerID, vs)
			}
		}
		b.WriteString("\n")
	}
	golden(t, "supervisors.golden", b.String())
}

func indexOfWorker(ws []*models.SocialWorker, id string) int {
	for i, w := range ws {
		if w.AccountID == id {
			return i
		}
	}
	return -1
}
