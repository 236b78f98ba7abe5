package matching

import (
	"testing"
	"time"

	"github.com/wushe/wushe/models"
)

var sh = time.FixedZone("CST", 8*3600)

// recordedCheck is a passed background check as a committee records it.
func recordedCheck(checkedOn, expiresOn string) *models.BackgroundCheck {
	at := time.Date(2029, 12, 1, 9, 0, 0, 0, sh)
	return &models.BackgroundCheck{Result: models.BackgroundPassed, CheckedOn: checkedOn, ExpiresOn: expiresOn,
		RecordedBy: "committee-1", RecordedAt: &at}
}

// A Saturday morning need in 中原区 and a volunteer who fits it exactly.
func fixture() (*models.Volunteer, *models.Need, models.Occurrence) {
	start := time.Date(2030, 6, 1, 9, 0, 0, 0, sh) // Saturday
	n := &models.Need{ID: "n1", Domain: "community_governance", TargetGroup: "older_people", Location: models.Point{Lat: 34.7535, Lng: 113.6133},
		RadiusKm: 5, Window: &models.Window{Start: start, End: start.Add(2 * time.Hour)}, Headcount: 2,
		RequiredSkills: []models.SkillLevel{{Code: "first_aid", Level: 2}}, BackgroundCheck: true}
	v := &models.Volunteer{AccountID: "v1", RealNameVerified: true, Home: &models.Point{Lat: 34.7600, Lng: 113.6200}, MaxDistanceKm: 3,
		Skills: []models.SkillLevel{{Code: "first_aid", Level: 2}}, BirthDate: "1990-05-01",
		BackgroundCheck: recordedCheck("2030-01-01", "2030-12-31")}
	for slot := 16; slot < 24; slot++ { // Saturday 08:00–12:00
		v.Availability.Set(5, slot)
	}
	return v, n, n.Occurrences()[0]
}

func reasons(vs []Violation) []Reason {
	var out []Reason
	for _, v := range vs {
		out = append(out, v.Reason)
	}
	return out
}

// TestEveryHardConstraint breaks one constraint at a time and expects
// exactly that reason.
func TestEveryHardConstraint(t *testing.T) {
	v, n, occ := fixture()
	if vs := CheckVolunteer(v, n, occ); len(vs) != 0 {
		t.Fatalf("the fitting volunteer breaks %v", reasons(vs))
	}
	cases := []struct {
		name   string
		break_ func(v *models.Volunteer, n *models.Need)
		want   Reason
	}{
		{"not verified", func(v *models.Volunteer, _ *models.Need) { v.RealNameVerified = false }, NotVerified},
		{"no home", func(v *models.Volunteer, _ *models.Need) { v.Home = nil }, NoHomeLocation},
		{"beyond own maximum", func(v *models.Volunteer, _ *models.Need) { v.MaxDistanceKm = 0.5 }, TooFar},
		{"beyond the need's radius", func(_ *models.Volunteer, n *models.Need) { n.RadiusKm = 0.5 }, TooFar},
		{"not available", func(v *models.Volunteer, _ *models.Need) { v.Availability = models.WeekGrid{} }, NotAvailable},
		{"available only part", func(v *models.Volunteer, _ *models.Need) {
			v.Availability = models.WeekGrid{}
			v.Availability.Set(5, 18)
		}, NotAvailable},
		{"blackout", func(v *models.Volunteer, _ *models.Need) { v.Blackouts = []string{"2030-06-01"} }, BlackoutDate},
		{"skill missing", func(v *models.Volunteer, _ *models.Need) { v.Skills = nil }, LacksSkill},
		{"skill too low", func(v *models.Volunteer, _ *models.Need) { v.Skills[0].Level = 1 }, LacksSkill},
		{"no background check", func(v *models.Volunteer, _ *models.Need) { v.BackgroundCheck = nil }, NoBackgroundCheck},
		{"background check expired", func(v *models.Volunteer, _ *models.Need) { v.BackgroundCheck.ExpiresOn = "2030-05-31" }, NoBackgroundCheck},
		{"background check not yet valid", func(v *models.Volunteer, _ *models.Need) { v.BackgroundCheck.CheckedOn = "2030-06-02" }, NoBackgroundCheck},
		{"background check nobody recorded", func(v *models.Volunteer, _ *models.Need) {
			v.BackgroundCheck.RecordedBy, v.BackgroundCheck.RecordedAt = "", nil
		}, NoBackgroundCheck},
		{"background check not passed", func(v *models.Volunteer, _ *models.Need) { v.BackgroundCheck.Result = models.BackgroundNotPassed }, NoBackgroundCheck},
		{"minor without consent", func(v *models.Volunteer, _ *models.Need) { v.BirthDate = "2013-06-02" }, MinorNoConsent},
		{"no-shows", func(v *models.Volunteer, _ *models.Need) { v.Reliability.NoShows = MaxNoShows }, NoShowBlocked},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, n, occ := fixture()
			c.break_(v, n)
			got := reasons(CheckVolunteer(v, n, occ))
			if len(got) != 1 || got[0] != c.want {
				t.Fatalf("reasons %v, want [%s]", got, c.want)
			}
		})
	}
	t.Run("minor with consent on a high-risk need", func(t *testing.T) {
		v, n, occ := fixture()
		v.BirthDate = "2013-06-02" // 16 on the day
		v.Guardian = &models.GuardianConsent{GuardianName: "李四", GuardianPhone: "13800000000", Relationship: "父亲", ConsentedOn: "2030-01-01"}
		if got := reasons(CheckVolunteer(v, n, occ)); len(got) != 0 {
			t.Fatalf("a consenting minor on a normal need: %v", got)
		}
		n.Domain = "mental_health"
		if got := reasons(CheckVolunteer(v, n, occ)); len(got) != 1 || got[0] != MinorHighRisk {
			t.Fatalf("a minor on a high-risk need: %v", got)
		}
	})
	t.Run("turns 18 on the day", func(t *testing.T) {
		v, n, occ := fixture()
		v.BirthDate = "2012-06-01"
		if got := reasons(CheckVolunteer(v, n, occ)); len(got) != 0 {
			t.Fatalf("an 18-year-old: %v", got)
		}
	})
	t.Run("no requirement, no check needed", func(t *testing.T) {
		v, n, occ := fixture()
		n.BackgroundCheck = false
		v.BackgroundCheck = nil
		if got := reasons(CheckVolunteer(v, n, occ)); len(got) != 0 {
			t.Fatalf("%v", got)
		}
	})
}

func TestSupervisorConstraints(t *testing.T) {
	need := &models.Need{Domain: "community_governance"}
	risky := &models.Need{Domain: "mental_health"}
	worker := func(level models.CertificateLevel, verified, pool bool) *models.SocialWorker {
		st := "pending"
		if verified {
			st = "verified"
		}
		return &models.SocialWorker{AccountID: "w", EmployerOrgID: "org1", Supervisor: pool, CaseloadCap: 3,
			Certificate: &models.SocialWorkerCertificate{Level: level, Verification: st}}
	}
	cases := []struct {
		name     string
		w        *models.SocialWorker
		n        *models.Need
		carrier  string
		caseload int
		want     []SupervisorReason
	}{
		{"assistant in pool, normal need", worker(models.CertAssistant, true, true), need, "", 0, nil},
		{"assistant on a high-risk need", worker(models.CertAssistant, true, true), risky, "", 0, []SupervisorReason{SupervisorLevelTooLow}},
		{"social worker on a high-risk need", worker(models.CertSocialWorker, true, true), risky, "", 0, nil},
		{"unverified", worker(models.CertSenior, false, true), need, "", 0, []SupervisorReason{SupervisorUnverified}},
		{"not in pool, not internal", worker(models.CertSocialWorker, true, false), need, "org2", 0, []SupervisorReason{SupervisorNotInPool}},
		{"internal supervisor of the carrier", worker(models.CertSocialWorker, true, false), need, "org1", 0, nil},
		{"caseload full", worker(models.CertSocialWorker, true, true), need, "", 3, []SupervisorReason{SupervisorAtCapacity}},
		{"one below the cap", worker(models.CertSocialWorker, true, true), need, "", 2, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []SupervisorReason
			for _, v := range CheckSupervisor(c.w, c.n, c.carrier, c.caseload) {
				got = append(got, v.Reason)
			}
			if len(got) != len(c.want) {
				t.Fatalf("reasons %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("reasons %v, want %v", got, c.want)
				}
			}
		})
	}
}

func TestCheckCommitments(t *testing.T) {
	_, _, occ := fixture() // Saturday 09:00–11:00
	at := func(h, m int) time.Time { return time.Date(2030, 6, 1, h, m, 0, 0, sh) }
	cases := []struct {
		name string
		held []models.Window
		want bool
	}{
		{"nothing held", nil, false},
		{"overlapping the start", []models.Window{{Start: at(8, 0), End: at(9, 30)}}, true},
		{"inside", []models.Window{{Start: at(9, 30), End: at(10, 0)}}, true},
		{"ending as it starts", []models.Window{{Start: at(7, 0), End: at(9, 0)}}, false},
		{"starting as it ends", []models.Window{{Start: at(11, 0), End: at(12, 0)}}, false},
		{"another day", []models.Window{{Start: at(9, 0).AddDate(0, 0, 7), End: at(11, 0).AddDate(0, 0, 7)}}, false},
		{"second of two", []models.Window{{Start: at(6, 0), End: at(7, 0)}, {Start: at(10, 30), End: at(13, 0)}}, true},
	}
	for _, c := range cases {
		vs := CheckCommitments(c.held, occ)
		if got := len(vs) == 1 && vs[0].Reason == Committed; got != c.want || len(vs) > 1 {
			t.Errorf("%s: %v", c.name, reasons(vs))
		}
	}
}
