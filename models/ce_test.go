package models

import (
	"strings"
	"testing"
)

func TestCELocalBoundary(t *testing.T) {
	for _, c := range []struct {
		hours []float64
		ok    bool
	}{
		{[]float64{59.5}, false},
		{[]float64{60}, true},
		{[]float64{20.1, 20.2, 19.7}, true}, // sums exactly to 60
		{[]float64{20.1, 20.2, 19.6}, false},
	} {
		var recs []TrainingRecord
		for _, h := range c.hours {
			recs = append(recs, TrainingRecord{Hours: h, On: "2024-05-01", Verified: true, Category: "course"})
		}
		rep := CEStatus(recs, CertAssistant, "2023-03-01", 2024, CurrentCERules)
		if rep.Local == nil || rep.Local.Compliant != c.ok || rep.Local.Required != 60 {
			t.Errorf("%v: local %+v", c.hours, rep.Local)
		}
		if !c.ok && (len(rep.Local.Missing) == 0 || !strings.Contains(rep.Local.Missing[0].Zh, "还需")) {
			t.Errorf("%v: missing %v", c.hours, rep.Local.Missing)
		}
	}
	rep := CEStatus([]TrainingRecord{{Hours: 59.5, On: "2024-05-01", Verified: true}}, CertAssistant, "", 2024, CurrentCERules)
	if m := rep.Local.Missing[0]; !strings.Contains(m.Zh, "还需 0.5 学时") || !strings.Contains(m.En, "needs 0.5 more hours") {
		t.Errorf("missing %v", m)
	}
}

func TestCEUnverifiedAndYearEdges(t *testing.T) {
	recs := []TrainingRecord{
		{Hours: 50, On: "2024-01-01", Verified: true},
		{Hours: 10, On: "2024-12-31", Verified: false}, // not counted
		{Hours: 10, On: "2023-12-31", Verified: true},  // previous year
		{Hours: 10, On: "2025-01-01", Verified: true},  // next year
		{Hours: -1, On: "2024-06-01", Verified: true},  // invalid
		{Hours: 5, On: "2024-02-30", Verified: true},   // invalid date
	}
	rep := CEStatus(recs, CertSocialWorker, "2022-07-01", 2024, CurrentCERules)
	if rep.Local.Hours != 50 || rep.Local.Compliant || rep.Local.Start != "2024-01-01" || rep.Local.End != "2024-12-31" {
		t.Errorf("local %+v", rep.Local)
	}
	want := []CEYear{{2023, 10, 0}, {2024, 50, 10}, {2025, 10, 0}}
	if len(rep.Yearly) != len(want) {
		t.Fatalf("yearly %+v", rep.Yearly)
	}
	for i := range want {
		if rep.Yearly[i] != want[i] {
			t.Errorf("yearly[%d] = %+v, want %+v", i, rep.Yearly[i], want[i])
		}
	}
	notes := ""
	for _, n := range rep.Notes {
		notes += n.Zh + "|" + n.En + "|"
	}
	if !strings.Contains(notes, "10 学时尚未核实") || !strings.Contains(notes, "2 条培训记录") {
		t.Errorf("notes %s", notes)
	}
	// Making the record verified makes the year compliant.
	recs[1].Verified = true
	if rep := CEStatus(recs, CertSocialWorker, "2022-07-01", 2024, CurrentCERules); !rep.Local.Compliant || rep.Local.Hours != 60 {
		t.Errorf("verified: %+v", rep.Local)
	}
}

func TestCENationalPeriods(t *testing.T) {
	// Registered 2021-07-01: periods 2021-07-01..2024-06-30 and 2024-07-01..2027-06-30 overlap 2024.
	recs := []TrainingRecord{
		{Hours: 40, On: "2021-07-01", Verified: true},   // first day of period 1
		{Hours: 31.5, On: "2024-06-30", Verified: true}, // last day of period 1
		{Hours: 30, On: "2024-07-01", Verified: true},   // first day of period 2
		{Hours: 10, On: "2021-06-30", Verified: true},   // before registration
		{Hours: 20, On: "2022-01-01", Verified: false},  // unverified
	}
	rep := CEStatus(recs, CertAssistant, "2021-07-01", 2024, CurrentCERules)
	if len(rep.National) != 2 {
		t.Fatalf("national %+v", rep.National)
	}
	p1, p2 := rep.National[0], rep.National[1]
	if p1.Start != "2021-07-01" || p1.End != "2024-06-30" || p1.Hours != 71.5 || p1.Required != 72 || p1.Compliant || p1.InProgress {
		t.Errorf("period 1 %+v", p1)
	}
	if !strings.Contains(p1.Missing[0].Zh, "还需 0.5 学时") {
		t.Errorf("period 1 missing %v", p1.Missing)
	}
	if p2.Start != "2024-07-01" || p2.End != "2027-06-30" || p2.Hours != 30 || !p2.InProgress || p2.Compliant {
		t.Errorf("period 2 %+v", p2)
	}
	// 72 h is exactly enough for an assistant; a social worker needs 90.
	recs[1].Hours = 32
	rep = CEStatus(recs, CertAssistant, "2021-07-01", 2024, CurrentCERules)
	if !rep.National[0].Compliant {
		t.Errorf("72 h assistant: %+v", rep.National[0])
	}
	rep = CEStatus(recs, CertSocialWorker, "2021-07-01", 2024, CurrentCERules)
	if rep.National[0].Compliant || rep.National[0].Required != 90 {
		t.Errorf("72 h social worker: %+v", rep.National[0])
	}
	if rep := CEStatus(recs, CertSenior, "2021-07-01", 2024, CurrentCERules); rep.National[0].Required != 90 {
		t.Errorf("senior: %+v", rep.National[0])
	}
	// A year inside one period reports only that one; 2021 only the first.
	if rep := CEStatus(recs, CertAssistant, "2021-07-01", 2023, CurrentCERules); len(rep.National) != 1 || rep.National[0].Start != "2021-07-01" {
		t.Errorf("2023: %+v", rep.National)
	}
	if rep := CEStatus(recs, CertAssistant, "2025-01-01", 2024, CurrentCERules); len(rep.National) != 0 || len(rep.Notes) == 0 {
		t.Errorf("registered after the year: %+v", rep)
	}
	if rep := CEStatus(recs, "", "2021-07-01", 2024, CurrentCERules); len(rep.National) != 0 || rep.Local == nil {
		t.Errorf("no certificate: %+v", rep)
	}
	if rep := CEStatus(recs, CertAssistant, "", 2024, CurrentCERules); len(rep.National) != 0 {
		t.Errorf("no registration: %+v", rep)
	}
}

func TestCEDegreeCountsOncePerPeriod(t *testing.T) {
	recs := []TrainingRecord{
		{Hours: 0, On: "2022-06-30", Verified: true, Category: TrainingCategoryDegree},
		{Hours: 0, On: "2023-06-30", Verified: true, Category: TrainingCategoryDegree}, // same period: not again
		{Hours: 5, On: "2023-01-01", Verified: true},
	}
	rep := CEStatus(recs, CertSocialWorker, "2021-07-01", 2023, CurrentCERules)
	if p := rep.National[0]; p.Hours != 95 || !p.DegreeCounted || !p.Compliant {
		t.Errorf("degree: %+v", p)
	}
	recs[0].Verified, recs[1].Verified = false, false
	if p := CEStatus(recs, CertSocialWorker, "2021-07-01", 2023, CurrentCERules).National[0]; p.Hours != 5 || p.DegreeCounted {
		t.Errorf("unverified degree: %+v", p)
	}
}

func TestCERulesInForce(t *testing.T) {
	// Before 2022 Zhengzhou's rule was not in force; before the national rule, nothing.
	rep := CEStatus(nil, CertAssistant, "2018-01-01", 2021, CurrentCERules)
	if rep.Local != nil || len(rep.National) != 1 {
		t.Errorf("2021: %+v", rep)
	}
	if rep := CEStatus(nil, CertAssistant, "2008-01-01", 2008, CurrentCERules); rep.Local != nil || len(rep.National) != 0 {
		t.Errorf("2008: %+v", rep)
	}
	// A newer local rule takes over from its date without a code change.
	rules := append(CERules{{ID: "zz-2026", Scope: CEScopeLocal, EffectiveFrom: "2026-01-01", Basis: CECalendarYear, PeriodYears: 1, Hours: 72, Source: "test"}}, CurrentCERules...)
	if rep := CEStatus(nil, CertAssistant, "", 2026, rules); rep.Local.RuleID != "zz-2026" || rep.Local.Required != 72 {
		t.Errorf("2026: %+v", rep.Local)
	}
	if rep := CEStatus(nil, CertAssistant, "", 2025, rules); rep.Local.RuleID != "zhengzhou-2022" {
		t.Errorf("2025: %+v", rep.Local)
	}
}
