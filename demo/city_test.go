package demo

import (
	"reflect"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
)

func TestDemoCityIsDeterministicAndValid(t *testing.T) {
	opts := DefaultOptions()
	opts.Now = time.Date(2025, 3, 1, 9, 0, 0, 0, models.Shanghai())
	a, err := planCity(opts, "hash")
	if err != nil {
		t.Fatal(err)
	}
	b, err := planCity(opts, "hash")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed drew two different cities")
	}
	kinds := map[string]int{}
	statuses := map[models.OrgStatus]int{}
	codes := map[string]bool{}
	for _, o := range a.orgs {
		kinds[o.Kind]++
		statuses[o.Status]++
		codes[o.CreditCode] = true
		if o.Kind == "elder_care_facility" && (o.Beds < 50 || o.Beds > 500) {
			t.Errorf("%s has %d beds", o.ID, o.Beds)
		}
	}
	if len(codes) != len(a.orgs) {
		t.Errorf("%d credit codes for %d organisations", len(codes), len(a.orgs))
	}
	if kinds["charity_organisation"] != 15 || kinds["supervision_evaluation_institution"] != 5 || kinds["elder_care_facility"] != 20 ||
		kinds["social_work_agency"]+kinds["community_social_organisation"] < 140 {
		t.Errorf("organisation kinds: %v", kinds)
	}
	if statuses[models.OrgIncubating] < 10 || statuses[models.OrgIncubating] > 30 || statuses[models.OrgDemonstration] < 10 || statuses[models.OrgDemonstration] > 30 {
		t.Errorf("organisation statuses: %v", statuses)
	}
	supervisors, verified, checked, minors, weekly, domains := 0, 0, 0, 0, 0, map[string]bool{}
	for _, w := range a.workers {
		if w.profile.Supervisor {
			supervisors++
		}
	}
	for _, v := range a.volunteers {
		if v.profile.RealNameVerified {
			verified++
		}
		if v.profile.MinorOn(opts.Now) {
			minors++
			if v.profile.Guardian == nil {
				t.Errorf("minor %s without guardian consent", v.profile.AccountID)
			}
		}
		if n := v.profile.Availability.Count(); n < 8 || n > 30 {
			t.Errorf("%s is available %d half hours a week", v.profile.AccountID, n)
		}
		// Background checks are recorded by civil affairs, never the volunteer's own.
		if b := v.profile.BackgroundCheck; b != nil {
			if b.RecordedBy != demoCityAdminID || b.RecordedAt == nil || v.profile.IDNumber == "" {
				t.Errorf("%s has a check nobody recorded: %+v", v.profile.AccountID, b)
			}
			if v.profile.RealNameVerified && v.profile.BackgroundValidOn(opts.Now) {
				checked++
			}
		}
	}
	// The needs that require a check (older people, children, disability) have volunteers to match.
	if !a.volunteers[0].profile.BackgroundValidOn(opts.Now) || checked < 1000 {
		t.Errorf("%d verified volunteers with a valid check; the volunteer login's: %+v", checked, a.volunteers[0].profile.BackgroundCheck)
	}
	for _, n := range a.needs {
		domains[n.Domain] = true
		if n.Schedule != nil {
			weekly++
		}
		start, end := n.Span()
		if n.Window != nil && (start.Sub(opts.Now) > 31*24*time.Hour || end.Sub(start) < 2*time.Hour || end.Sub(start) > 4*time.Hour) {
			t.Errorf("need %s from %v to %v", n.ID, start, end)
		}
	}
	if supervisors < 50 || supervisors > 110 || verified < 4000 || verified > 4500 || minors < 80 || minors > 250 ||
		weekly < 100 || weekly > 200 || len(domains) != 20 || len(a.stations) != 200 {
		t.Errorf("supervisors %d, verified %d, minors %d, weekly needs %d, domains %d, stations %d",
			supervisors, verified, minors, weekly, len(domains), len(a.stations))
	}
	if a.admins[len(a.admins)-1].account.ID != demoCityAdminID {
		t.Error("the marker account is not created last")
	}
}
