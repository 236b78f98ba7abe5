package models

import (
	"testing"
	"time"
)

func TestEvaluationValidity(t *testing.T) {
	on := time.Date(2024, 3, 1, 0, 0, 0, 0, Shanghai())
	if got := DefaultValidUntil(on); got != "2029-02-28" {
		t.Fatalf("default validity: %s", got)
	}
	e := &OrgEvaluation{Level: "grade_3a", Institution: "评估中心", EvaluatedOn: "2024-03-01", ValidUntil: "2029-02-28"}
	if err := e.Validate("2026-12-05"); err != nil {
		t.Fatal(err)
	}
	for date, want := range map[string]bool{"2024-02-29": false, "2024-03-01": true, "2029-02-28": true, "2029-03-01": false} {
		if e.ValidOn(date) != want {
			t.Errorf("valid on %s: %v", date, !want)
		}
	}
	for _, c := range []struct {
		e     OrgEvaluation
		field string
	}{
		{OrgEvaluation{Level: "6a", Institution: "评估中心", EvaluatedOn: "2024-03-01", ValidUntil: "2025-01-01"}, "level"},
		{OrgEvaluation{Level: "grade_3a", Institution: "评估中心", EvaluatedOn: "2027-03-01", ValidUntil: "2028-01-01"}, "evaluatedOn"},
		{OrgEvaluation{Level: "grade_3a", Institution: "评估中心", EvaluatedOn: "2024-03-01", ValidUntil: "2029-03-01"}, "validUntil"},
		{OrgEvaluation{Level: "grade_3a", Institution: "评估中心", EvaluatedOn: "2024-03-01", ValidUntil: "2024-03-01"}, "validUntil"},
		{OrgEvaluation{Level: "grade_3a", Institution: "评", EvaluatedOn: "2024-03-01", ValidUntil: "2025-03-01"}, "institution"},
	} {
		err, _ := c.e.Validate("2026-12-05").(*Error)
		if err == nil || err.Field != c.field {
			t.Errorf("%+v: %v, want a problem at %s", c.e, err, c.field)
		}
	}
}

func TestCurrentEvaluationIsTheLatestWhileValid(t *testing.T) {
	old := &OrgEvaluation{ID: "a", Level: "grade_5a", EvaluatedOn: "2022-01-01", ValidUntil: "2026-12-31"}
	newer := &OrgEvaluation{ID: "b", Level: "grade_2a", EvaluatedOn: "2025-01-01", ValidUntil: "2026-06-30"}
	h := []*OrgEvaluation{old, newer}
	if c := CurrentEvaluation(h, "2026-01-01"); c != newer {
		t.Fatalf("current: %+v", c)
	}
	// The newer grade expired: the older one does not revive.
	if c := CurrentEvaluation(h, "2026-07-01"); c != nil {
		t.Fatalf("current after the latest expired: %+v", c)
	}
	if LatestEvaluation(nil) != nil || CurrentEvaluation(nil, "2026-01-01") != nil {
		t.Fatal("no history, no evaluation")
	}
}

func TestDemonstrationRule(t *testing.T) {
	agency := func(s OrgStatus) *Organisation {
		return &Organisation{ID: "o", Kind: KindSocialWorkAgency, Status: s, Domains: []string{"social_assistance"}}
	}
	valid := &OrgEvaluation{Level: "grade_3a", EvaluatedOn: "2025-01-01", ValidUntil: "2029-12-31"}
	low := &OrgEvaluation{Level: "grade_2a", EvaluatedOn: "2025-01-01", ValidUntil: "2029-12-31"}
	expired := &OrgEvaluation{Level: "grade_5a", EvaluatedOn: "2020-01-01", ValidUntil: "2024-12-31"}
	const today = "2026-12-05"
	for _, c := range []struct {
		name   string
		o      *Organisation
		latest *OrgEvaluation
		code   Code
	}{
		{"valid 3A", agency(OrgActive), valid, ""},
		{"none", agency(OrgActive), nil, CodeValidEvaluationRequired},
		{"expired", agency(OrgActive), expired, CodeValidEvaluationRequired},
		{"2A", agency(OrgActive), low, CodeValidEvaluationRequired},
		{"suspended", agency(OrgSuspended), valid, CodeOrganisationNotOperating},
		{"exited", agency(OrgExited), valid, CodeOrganisationNotOperating},
	} {
		err := DemonstrationRefusal(c.o, c.latest, today)
		switch {
		case c.code == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.code != "" && (err == nil || err.Code != c.code || err.Kind != KindConflict):
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
	}
	demo := agency(OrgDemonstration)
	if !CountsAsDemonstration(demo, valid, today) || CountsAsDemonstration(demo, expired, today) || CountsAsDemonstration(agency(OrgActive), valid, today) {
		t.Fatal("CountsAsDemonstration")
	}
	charity := &Organisation{Kind: "charity_organisation", Status: OrgDemonstration, Domains: []string{"social_assistance"}}
	veterans := &Organisation{Kind: KindSocialWorkAgency, Status: OrgDemonstration, Domains: []string{"veteran_services"}}
	if CountsAsDemonstration(charity, valid, today) || CountsAsDemonstration(veterans, valid, today) {
		t.Fatal("a charity or an agency outside the nine domains counted")
	}
}

func TestDashboardCountsQualifyingDemonstrationAndAwards(t *testing.T) {
	b := NewDashboardBuilder(time.Date(2026, 12, 5, 2, 0, 0, 0, time.UTC))
	b.AddEvaluation(&OrgEvaluation{ID: "1", OrganisationID: "ok", Level: "grade_4a", EvaluatedOn: "2025-01-01", ValidUntil: "2029-12-31"})
	b.AddEvaluation(&OrgEvaluation{ID: "2", OrganisationID: "lapsed", Level: "grade_4a", EvaluatedOn: "2021-01-01", ValidUntil: "2025-12-31"})
	b.AddEvaluation(&OrgEvaluation{ID: "3", OrganisationID: "downgraded", Level: "grade_5a", EvaluatedOn: "2023-01-01", ValidUntil: "2027-12-31"})
	b.AddEvaluation(&OrgEvaluation{ID: "4", OrganisationID: "downgraded", Level: "grade_2a", EvaluatedOn: "2026-01-01", ValidUntil: "2030-12-31"})
	for _, id := range []string{"ok", "lapsed", "downgraded", "never"} {
		b.AddOrganisation(&Organisation{ID: id, Name: id, Kind: KindSocialWorkAgency, DivisionCode: "410102", Status: OrgDemonstration, Domains: []string{"social_assistance"}})
	}
	for _, c := range []*Commendation{
		{RecipientKind: "organisation", District: "410102", AwardedOn: "2026-03-01"},
		{RecipientKind: "social_worker", District: "410103", AwardedOn: "2026-11-01"},
		{RecipientKind: "social_worker", District: "410103", AwardedOn: "2026-11-02", Revoked: true},
		{RecipientKind: "organisation", District: "410102", AwardedOn: "2025-12-31"},
	} {
		b.AddCommendation(c)
	}
	s := b.Snapshot()
	if s.City.DemonstrationOrganisations != 1 || s.City.ServiceOrganisations != 4 {
		t.Fatalf("demonstration %d, service organisations %d", s.City.DemonstrationOrganisations, s.City.ServiceOrganisations)
	}
	if s.City.Commendations != 2 {
		t.Fatalf("awards this year: %d", s.City.Commendations)
	}
	for _, d := range s.Districts {
		if want := map[string]int{"410102": 1, "410103": 1}[d.Code]; d.Figures.Commendations != want {
			t.Errorf("%s: %d awards", d.Code, d.Figures.Commendations)
		}
	}
}

func TestIncubationAndCommendationValidation(t *testing.T) {
	const today = "2026-12-05"
	for _, c := range []struct {
		i     Incubation
		field string
	}{
		{Incubation{StartedOn: "2026-01-01"}, ""},
		{Incubation{StartedOn: "2026-01-01", EndedOn: "2026-12-05"}, ""},
		{Incubation{StartedOn: "2026-12-06"}, "startedOn"},
		{Incubation{StartedOn: "2026-01-01", EndedOn: "2025-12-31"}, "endedOn"},
		{Incubation{StartedOn: "2026-01-01", EndedOn: "2026-12-06"}, "endedOn"},
	} {
		err, _ := c.i.Validate(today).(*Error)
		if c.field == "" && err != nil || c.field != "" && (err == nil || err.Field != c.field) {
			t.Errorf("%+v: %v, want %q", c.i, err, c.field)
		}
	}
	if (&Incubation{BaseID: "b", OrganisationID: "o"}).ID() != "b#o" {
		t.Fatal("incubation key")
	}
	ok := Commendation{Title: "优秀社工", Level: "city", GrantingBody: "市民政局", AwardedOn: "2026-03-01"}
	if err := ok.Validate(today); err != nil {
		t.Fatal(err)
	}
	for field, c := range map[string]Commendation{
		"title":        {Title: "优", Level: "city", GrantingBody: "市民政局", AwardedOn: "2026-03-01"},
		"level":        {Title: "优秀社工", Level: "province", GrantingBody: "市民政局", AwardedOn: "2026-03-01"},
		"grantingBody": {Title: "优秀社工", Level: "city", AwardedOn: "2026-03-01"},
		"awardedOn":    {Title: "优秀社工", Level: "city", GrantingBody: "市民政局", AwardedOn: "2026-12-06"},
	} {
		err, _ := c.Validate(today).(*Error)
		if err == nil || err.Field != field {
			t.Errorf("%s: %v", field, err)
		}
	}
	if !ok.CountsAsAwardIn(2026) || ok.CountsAsAwardIn(2025) {
		t.Fatal("award year")
	}
	ok.Revoked = true
	if ok.CountsAsAwardIn(2026) {
		t.Fatal("a revoked award counted")
	}
}
