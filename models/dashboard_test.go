package models

import (
	"testing"
	"time"
)

func TestTargets2025(t *testing.T) {
	got := Targets2025()
	want := DashboardTargets{SocialWorkers: 10000, ProfessionalPosts: 2500, ServiceOrganisations: 240, TownsWithStation: 208, DemonstrationOrganisations: 50}
	if got != want {
		t.Fatalf("targets %+v, want %+v", got, want)
	}
	for _, c := range DashboardIndicators {
		if got.Target(c) == 0 {
			t.Errorf("no target for %s", c)
		}
	}
}

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		part, whole int64
		want        float64
	}{{1, 3, 33.3}, {2, 3, 66.7}, {1, 8, 12.5}, {208, 208, 100}, {0, 5, 0}, {3, 10000, 0}, {5, 10000, 0.1}} {
		if p := Percent(c.part, c.whole); p == nil || *p != c.want {
			t.Errorf("Percent(%d, %d) = %v, want %v", c.part, c.whole, p, c.want)
		}
	}
	if Percent(1, 0) != nil {
		t.Error("a share of nothing is not a number")
	}
}

func TestDistrictOf(t *testing.T) {
	for code, want := range map[string]string{"410102": "410102", "410102001": "410102", "410102001002": "410102", "4101": CityCode,
		"": CityCode, "999999": CityCode, "410171001": "410171"} {
		if got := DistrictOf(code); got != want {
			t.Errorf("DistrictOf(%q) = %q, want %q", code, got, want)
		}
	}
}

func verifiedWorker(id, employer, station string, post bool) *SocialWorker {
	w := &SocialWorker{AccountID: id, EmployerOrgID: employer, StationTownCode: station,
		Certificate: &SocialWorkerCertificate{Level: CertSocialWorker, Verification: "verified", IssuedOn: "2021-06-01"}}
	if post {
		w.Post = &PostTitle{Level: CertSocialWorker, Grade: 2}
	}
	return w
}

// dashboardFixture feeds a builder a small city in two districts (中原
// 410102, 二七 410103) and the city level, out of order where order must
// not matter.
func dashboardFixture(t *testing.T) *DashboardSnapshot {
	t.Helper()
	now := time.Date(2026, 11, 25, 23, 30, 0, 0, time.UTC) // 2026-11-26 in Shanghai
	b := NewDashboardBuilder(now)
	jan := time.Date(2026, 1, 31, 17, 0, 0, 0, time.UTC) // 2026-02-01 01:00 in Shanghai
	// Demonstration agencies hold a valid evaluation of 3A or above (issue 18).
	b.AddEvaluation(&OrgEvaluation{ID: "e1", OrganisationID: "agency-town", Level: "grade_4a", EvaluatedOn: "2025-01-01", ValidUntil: "2029-12-31"})
	b.AddEvaluation(&OrgEvaluation{ID: "e2", OrganisationID: "agency-veterans", Level: "grade_5a", EvaluatedOn: "2025-01-01", ValidUntil: "2029-12-31"})
	for _, o := range []*Organisation{
		{ID: "agency", Name: "中原社工中心", Kind: "social_work_agency", DivisionCode: "410102", Status: OrgActive},
		{ID: "agency-town", Name: "林山寨社工站运营机构", Kind: "social_work_agency", DivisionCode: "410102001", Status: OrgDemonstration, Domains: []string{"social_assistance"}},
		// Demonstration outside the nine demonstration domains: not counted (issue 18).
		{ID: "agency-veterans", Name: "退役军人服务社工中心", Kind: "social_work_agency", DivisionCode: "410102", Status: OrgDemonstration, Domains: []string{"veteran_services"}},
		{ID: "incubating", Name: "培育中机构", Kind: "social_work_agency", DivisionCode: "410102", Status: OrgIncubating},
		{ID: "exited", Name: "已退出机构", Kind: "social_work_agency", DivisionCode: "410103", Status: OrgExited},
		{ID: "demo-community", Name: "示范社区组织", Kind: "community_social_organisation", DivisionCode: "410103", Status: OrgDemonstration},
		{ID: "elder-big", Name: "大型养老院", Kind: ElderCareKind, DivisionCode: "410102", Beds: 250, Status: OrgActive},
		{ID: "elder-small", Name: "小型养老院", Kind: ElderCareKind, DivisionCode: "410103", Beds: 80, Status: OrgWarned},
		{ID: "elder-closed", Name: "停业养老院", Kind: ElderCareKind, DivisionCode: "410103", Beds: 80, Status: OrgSuspended},
		{ID: "city-agency", Name: "市级社工机构", Kind: "social_work_agency", DivisionCode: "4101", Status: OrgActive},
		{ID: "charity", Name: "慈善会", Kind: "charity_organisation", DivisionCode: "410102", Status: OrgActive},
	} {
		b.AddOrganisation(o)
	}
	base := Point{Lat: 34.7535, Lng: 113.6133} // 中原区
	unverified := verifiedWorker("pending", "agency", "", true)
	unverified.Certificate.Verification = "pending"
	for _, w := range []*SocialWorker{
		verifiedWorker("sw1", "agency", "", true),       // 中原, post
		verifiedWorker("sw2", "", "410103001", false),   // 二七 by station
		verifiedWorker("sw3", "elder-big", "", false),   // 中原, 1 of the 3 the big home needs
		verifiedWorker("sw4", "elder-small", "", true),  // 二七, the 1 the small home needs
		verifiedWorker("sw5", "city-agency", "", false), // employer at city level, no station, no base: city level
		verifiedWorker("sw6", "gone", "", false),        // unknown employer, no station, no base: city level
		{AccountID: "sw7", Base: &base, Certificate: &SocialWorkerCertificate{Level: CertAssistant, Verification: "verified"}}, // 中原 by base
		unverified,
	} {
		b.AddSocialWorker(w)
	}
	b.AddStation(&Station{TownCode: "410102001", Status: StationOpen, SocialWorkers: []string{"sw-1"}})
	b.AddStation(&Station{TownCode: "410102002", Status: StationOpen, SocialWorkers: []string{"sw-2", "sw-3"}})
	b.AddStation(&Station{TownCode: "410102003", Status: StationOpen}) // open with nobody on post: no coverage (issue 18)
	b.AddStation(&Station{TownCode: "410103001", Status: "planned"})
	for i, s := range []NeedStatus{NeedDraft, NeedOpen, NeedStaffed, NeedInProgress, NeedCompleted, NeedEvaluated, NeedCancelled} {
		b.AddNeed(&Need{ID: "n" + string(rune('a'+i)), CommunityCode: "410102001002", Domain: "social_welfare", Status: s, CreatedAt: jan})
	}
	b.AddNeed(&Need{ID: "eq", CommunityCode: "410103001001", Domain: "community_governance", Status: NeedOpen, CreatedAt: now})
	// Hours: a revision verified after the original (v2 wins, whatever the order);
	// a revision still pending (v1 stands); a rejection and a pending record count nothing.
	b.AddHoursRecord(&HoursRecord{OccurrenceID: "o1", VolunteerID: "v1", Version: 2, Hours: 1.5, Status: HoursVerified, Date: "2026-11-20", Domain: "social_welfare", CommunityCode: "410102001002"})
	b.AddHoursRecord(&HoursRecord{OccurrenceID: "o1", VolunteerID: "v1", Version: 1, Hours: 2, Status: HoursVerified, Date: "2026-11-20", Domain: "social_welfare", CommunityCode: "410102001002"})
	b.AddHoursRecord(&HoursRecord{OccurrenceID: "o1", VolunteerID: "v2", Version: 1, Hours: 2.25, Status: HoursVerified, Date: "2026-11-20", Domain: "social_welfare", CommunityCode: "410102001002"})
	b.AddHoursRecord(&HoursRecord{OccurrenceID: "o1", VolunteerID: "v2", Version: 2, Hours: 3, Status: HoursPending, Date: "2026-11-20", Domain: "social_welfare", CommunityCode: "410102001002"})
	b.AddHoursRecord(&HoursRecord{OccurrenceID: "o2", VolunteerID: "v1", Version: 1, Hours: 4, Status: HoursRejected, Date: "2026-10-20", Domain: "social_welfare", CommunityCode: "410103001001"})
	b.AddHoursRecord(&HoursRecord{OccurrenceID: "o3", VolunteerID: "v3", Version: 1, Hours: 0.75, Status: HoursVerified, Date: "2026-10-02", Domain: "community_governance", CommunityCode: "410103001001"})

	b.AddFund(&Fund{ID: "fund", Domains: []string{"charity", "social_welfare"}})
	for _, a := range []*Application{
		{ID: "app-dom", OrganisationID: "agency", Domains: []string{"mental_health"}, Status: AppRunning},
		{ID: "app-nodom", OrganisationID: "demo-community", Status: AppApproved},
		{ID: "gov-flagged", OrganisationID: "agency", Title: "助老项目", Government: true, Status: AppRunning,
			Flags: []ProjectFlag{{Code: "professional_ratio_below_80"}}},
		{ID: "gov-ok", OrganisationID: "agency", Government: true, Status: AppCompleted},
		{ID: "gov-submitted", OrganisationID: "agency", Government: true, Status: AppSubmitted, Flags: []ProjectFlag{{Code: "price_table_due_revision"}}},
	} {
		b.AddApplication(a)
	}
	b.AddGrant(&Grant{ID: "app-dom", FundID: "fund", OrganisationID: "agency", AmountFen: 50000, CreatedAt: jan})
	b.AddGrant(&Grant{ID: "app-nodom", FundID: "fund", OrganisationID: "demo-community", AmountFen: 1234, CreatedAt: now})
	b.AddGrant(&Grant{ID: "gov-flagged", FundID: "other", OrganisationID: "agency", AmountFen: 7, CreatedAt: now})

	// CE: p1 in two organisations of 中原 counts once there; p2 in 中原 and 二七 counts once in each, once in the city.
	b.AddCEMember("agency", "p1", true)
	b.AddCEMember("agency-town", "p1", true)
	b.AddCEMember("agency", "p2", false)
	b.AddCEMember("demo-community", "p2", false)
	b.AddCEMember("gone", "p3", true) // no such organisation: not counted
	addPostsFixture(b)                // post_test.go: the posts registry's filled and confirmed posts
	return b.Snapshot()
}

func TestDashboardSnapshotCounts(t *testing.T) {
	s := dashboardFixture(t)
	if s.Date != "2026-11-26" || s.CEYear != 2026 {
		t.Fatalf("date %s, year %d", s.Date, s.CEYear)
	}
	if len(s.Districts) != 15 {
		t.Fatalf("%d districts, want every county-level division (15)", len(s.Districts))
	}
	var zy, eq DashboardFigures
	for _, d := range s.Districts {
		switch d.Code {
		case "410102":
			zy = d.Figures
		case "410103":
			eq = d.Figures
		}
	}
	check := func(name string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("中原 social workers", zy.SocialWorkers, 3) // sw1, sw3, sw7
	check("中原 posts", zy.ProfessionalPosts, 1)
	check("二七 social workers", eq.SocialWorkers, 2) // sw2, sw4
	check("二七 posts", eq.ProfessionalPosts, 1)
	check("city-level social workers", s.CityLevel.SocialWorkers, 2) // sw5, sw6
	check("city social workers", s.City.SocialWorkers, 7)
	check("city posts", s.City.ProfessionalPosts, 2)
	check("中原 service organisations", zy.ServiceOrganisations, 3) // agency, agency-town, agency-veterans (demonstration operates)
	check("二七 service organisations", eq.ServiceOrganisations, 0)
	check("city service organisations", s.City.ServiceOrganisations, 4)
	check("中原 demonstration", zy.DemonstrationOrganisations, 1) // agency-town; agency-veterans is outside the nine domains
	// A community organisation marked demonstration (before issue 18 refused
	// it) does not count: demonstration organisations are social-work agencies.
	check("二七 demonstration", eq.DemonstrationOrganisations, 0)
	check("中原 towns", zy.Towns, 14)
	check("中原 stations", zy.TownsWithStation, 2)
	check("二七 stations", eq.TownsWithStation, 0)
	check("city towns", s.City.Towns, 208)
	check("中原 posted", zy.NeedsPosted(), 6)
	check("中原 staffed", zy.NeedsStaffed(), 4)
	check("中原 completed", zy.NeedsCompleted(), 2)
	check("中原 drafts", zy.NeedsByStatus["draft"], 1)
	check("中原 expired (zero, present)", len(zy.NeedsByStatus), 8)
	check("city posted", s.City.NeedsPosted(), 7)
	check("中原 hours", zy.VerifiedHours(), 3.75) // 1.5 (v2) + 2.25 (v1 while v2 pends)
	check("二七 hours", eq.VerifiedHours(), 0.75)
	check("city hours", s.City.HoursHundredths, int64(450))
	check("中原 grants", zy.GrantsFen, int64(50007))
	check("二七 grants", eq.GrantsFen, int64(1234))
	check("city grants", s.City.Grants, 3)
	check("中原 elder care", zy.ElderCareFacilities, 1)
	check("中原 elder care compliant", zy.ElderCareCompliant, 0)
	check("二七 elder care", eq.ElderCareFacilities, 1) // the suspended one is not counted
	check("二七 elder care compliant", eq.ElderCareCompliant, 1)
	check("中原 purchased", zy.PurchasedProjects, 2)
	check("中原 flagged", zy.PurchasedFlagged, 1)
	check("中原 CE people", zy.CEPeople, 2)
	check("中原 CE compliant", zy.CECompliant, 1)
	check("二七 CE people", eq.CEPeople, 1)
	check("city CE people", s.City.CEPeople, 2)
	check("city CE compliant", s.City.CECompliant, 1)
	if len(s.ElderCare) != 2 || s.ElderCare[0].OrganisationID != "elder-big" || s.ElderCare[0].Required != 3 || s.ElderCare[0].Employed != 1 ||
		s.ElderCare[0].Compliant || !s.ElderCare[1].Compliant {
		t.Errorf("elder care: %+v", s.ElderCare)
	}
	if len(s.Flagged) != 1 || s.Flagged[0].ApplicationID != "gov-flagged" || s.Flagged[0].OrganisationName != "中原社工中心" ||
		s.Flagged[0].Flags[0] != "professional_ratio_below_80" {
		t.Errorf("flagged: %+v", s.Flagged)
	}
	// Series: needs by creation month, hours by service month, grants by month; domains by the rules.
	want := map[[3]string]SeriesPoint{
		{"410102", "2026-02", "social_welfare"}:       {Needs: 6},
		{"410102", "2026-02", "mental_health"}:        {Grants: 1, GrantsFen: 50000},
		{"410102", "2026-11", "social_welfare"}:       {HoursHundredths: 375},
		{"410102", "2026-11", ""}:                     {Grants: 1, GrantsFen: 7}, // neither application nor fund has a domain
		{"410103", "2026-10", "community_governance"}: {HoursHundredths: 75},
		{"410103", "2026-11", "community_governance"}: {Needs: 1},
		{"410103", "2026-11", "charity"}:              {Grants: 1, GrantsFen: 1234}, // the fund's first domain
	}
	if len(s.Series) != len(want) {
		t.Errorf("series: %+v", s.Series)
	}
	for _, p := range s.Series {
		w, ok := want[[3]string{p.District, p.Month, p.Domain}]
		w.District, w.Month, w.Domain = p.District, p.Month, p.Domain
		if !ok || p != w {
			t.Errorf("series point %+v, want %+v", p, w)
		}
	}
}

func TestGrantDomain(t *testing.T) {
	if GrantDomain([]string{"a", "b"}, []string{"c"}) != "a" || GrantDomain(nil, []string{"c", "d"}) != "c" || GrantDomain(nil, nil) != "" {
		t.Fatal("grant domain rule")
	}
}

func TestDashboardViews(t *testing.T) {
	s := dashboardFixture(t)
	city, err := s.View(CityCode)
	if err != nil {
		t.Fatal(err)
	}
	if len(city.Rows) != 16 || city.Rows[15].Code != CityCode || city.Total.Figures.SocialWorkers != 7 || len(city.Map) != 15 {
		t.Fatalf("city view: %d rows, total %+v", len(city.Rows), city.Total)
	}
	ind := func(r DashboardRow, code string) Indicator {
		for _, in := range r.Indicators {
			if in.Code == code {
				return in
			}
		}
		t.Fatalf("no %s", code)
		return Indicator{}
	}
	sw := ind(city.Total, IndicatorSocialWorkers)
	if sw.Value != 7 || sw.Target != 10000 || sw.ProgressPct == nil || *sw.ProgressPct != 0.1 || sw.SharePct != nil {
		t.Errorf("city social workers: %+v", sw)
	}
	st := ind(city.Total, IndicatorTownsWithStation)
	if st.Value != 2 || st.Target != 208 || *st.ProgressPct != 1 {
		t.Errorf("city stations: %+v", st)
	}
	zy, err := s.View("410102")
	if err != nil {
		t.Fatal(err)
	}
	if len(zy.Rows) != 1 || zy.Total.Code != "410102" || zy.Total.Name != "中原区" {
		t.Fatalf("county view: %+v", zy.Rows)
	}
	sw = ind(zy.Total, IndicatorSocialWorkers)
	if sw.Value != 3 || sw.Target != 0 || sw.ProgressPct != nil || *sw.SharePct != 42.9 || *sw.TargetSharePct != 0 {
		t.Errorf("中原 social workers: %+v", sw)
	}
	st = ind(zy.Total, IndicatorTownsWithStation)
	if st.Target != 14 || *st.ProgressPct != 14.3 || *st.SharePct != 100 || *st.TargetSharePct != 1 {
		t.Errorf("中原 stations: %+v", st)
	}
	if len(zy.Map) != 1 || zy.Map[0].NeedsPosted != 6 || *zy.Map[0].CoveragePct != 14.3 {
		t.Errorf("中原 map: %+v", zy.Map)
	}
	if len(zy.NonCompliantElderCare) != 1 || zy.NonCompliantElderCare[0].Name != "大型养老院" || len(zy.FlaggedProjects) != 1 {
		t.Errorf("中原 lists: %+v %+v", zy.NonCompliantElderCare, zy.FlaggedProjects)
	}
	eq, _ := s.View("410103")
	if len(eq.NonCompliantElderCare) != 0 || len(eq.FlaggedProjects) != 0 {
		t.Errorf("二七 sees 中原's lists: %+v", eq)
	}
	// The county's series holds its own districts only; the city's sums them by month and domain.
	for _, p := range zy.Series {
		if p.Domain == "community_governance" || p.District != "" {
			t.Errorf("中原 series holds %+v", p)
		}
	}
	var needs int
	for _, p := range city.Series {
		needs += p.Needs
	}
	if needs != 7 {
		t.Errorf("city series needs %d, want 7", needs)
	}
	for _, bad := range []string{"410102001", "999999", "", "41"} {
		if _, err := s.View(bad); err == nil {
			t.Errorf("view of %q accepted", bad)
		}
	}
}
