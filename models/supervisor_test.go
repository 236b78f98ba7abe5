package models

import (
	"slices"
	"testing"
	"time"
)

func TestFrontLineExperience(t *testing.T) {
	today := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		emp  []Employment
		want int // whole months
	}{
		{"none", nil, 0},
		{"unverified does not count", []Employment{{Employer: "A", Start: "2015-01-01"}}, 0},
		{"open period runs to today", []Employment{{Employer: "A", Start: "2023-12-05", Verified: true}}, 36},
		{"overlaps count once", []Employment{
			{Employer: "A", Start: "2020-01-01", End: "2021-12-31", Verified: true},
			{Employer: "B", Start: "2021-01-01", End: "2022-12-31", Verified: true}}, 36},
		{"gaps are not counted", []Employment{
			{Employer: "A", Start: "2018-01-01", End: "2018-12-31", Verified: true},
			{Employer: "B", Start: "2020-01-01", End: "2020-12-31", Verified: true}}, 24},
		{"an unreadable date is skipped", []Employment{{Employer: "A", Start: "2019-13-01", Verified: true}}, 0},
	}
	for _, c := range cases {
		if got := FrontLineExperience(c.emp, today).totalMonths(); got != c.want {
			t.Errorf("%s: %d months, want %d", c.name, got, c.want)
		}
	}
}

func TestCheckSupervisorEntry(t *testing.T) {
	today := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	verified := &SocialWorker{Certificate: &SocialWorkerCertificate{Level: CertSocialWorker, Verification: "verified"}}
	enough, short := WorkDuration{Years: 3}, WorkDuration{Years: 2, Months: 11, Days: 30}
	cases := []struct {
		name   string
		w      *SocialWorker
		e      SupervisorEntry
		exp    WorkDuration
		fields []string
	}{
		{"city pool", verified, SupervisorEntry{Tier: SupervisorTierCity, Cohort: 2024}, enough, nil},
		{"county team", verified, SupervisorEntry{Tier: SupervisorTierCounty, CountyCode: "410102"}, enough, nil},
		{"a day short of three years", verified, SupervisorEntry{Tier: SupervisorTierCity}, short, []string{"frontLine"}},
		{"unverified certificate", &SocialWorker{}, SupervisorEntry{Tier: SupervisorTierCity}, enough, []string{"inPool"}},
		{"a county team without a county", verified, SupervisorEntry{Tier: SupervisorTierCounty}, enough, []string{"countyCode"}},
		{"a township as a county", verified, SupervisorEntry{Tier: SupervisorTierCounty, CountyCode: "410102001"}, enough, []string{"countyCode"}},
		{"the city pool with a county", verified, SupervisorEntry{Tier: SupervisorTierCity, CountyCode: "410102"}, enough, []string{"countyCode"}},
		{"unknown tier", verified, SupervisorEntry{Tier: "province"}, enough, []string{"tier"}},
		{"future cohort", verified, SupervisorEntry{Tier: SupervisorTierCity, Cohort: 2027}, enough, []string{"cohort"}},
	}
	for _, c := range cases {
		err := CheckSupervisorEntry(c.w, c.e, c.exp, today)
		var got []string
		if e, ok := err.(*Error); ok {
			for _, f := range e.Fields {
				got = append(got, f.Field)
			}
		}
		if !slices.Equal(got, c.fields) {
			t.Errorf("%s: fields %v, want %v (%v)", c.name, got, c.fields, err)
		}
	}
}

func TestStationMissing(t *testing.T) {
	full := Station{ServiceAreas: []string{"social_assistance"}, SocialWorkers: []string{"sw"}, Setup: StationSetup{AreaSqm: 100,
		Rooms: []string{"casework"}, OpeningHours: "9-17", ServiceItems: []string{"个案"}, Rules: []string{"post_duties", "service_process"},
		SignageOn: "2024-01-01"}}
	if m := full.Missing(); len(m) != 0 {
		t.Fatalf("a complete station lacks %v", m)
	}
	bare := Station{}
	if m := bare.Missing(); !slices.Equal(m, StationElements.Codes()) {
		t.Fatalf("a bare station lacks %v, want all five in order", m)
	}
	officeOnly := full
	officeOnly.Setup.Rooms = []string{"office"}
	if m := officeOnly.Missing(); !slices.Equal(m, []string{"hardware"}) {
		t.Fatalf("no casework or group room: %v", m)
	}
}
