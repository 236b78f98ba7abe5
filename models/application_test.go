package models

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func validApplication() Application {
	return Application{OrganisationID: "org-1", FundID: "fund-1", Title: "独居老人关爱行动", TargetGroup: "older_people", Beneficiaries: 40,
		Regions: []string{"410102001002"}, SupervisorID: "sw-1", RequestedFen: 50_000,
		Team:        []TeamMember{{Name: "社工甲", Post: PostProfessional, SocialWorkerID: "sw-1"}, {Name: "志愿者", Post: PostVolunteer}},
		Milestones:  []Milestone{{Name: "评估", Due: "2027-03-01", TranchePercent: 40}, {Name: "结项", Due: "2027-09-01", TranchePercent: 60}},
		Budget:      Budget{SalaryFen: 30_000, SupervisionTrainingFen: 5_000, ServiceActivitiesFen: 30_000, ProjectManagementFen: 5_000},
		NeedsSurvey: "入户问卷 120 份：独居老人最缺陪伴与就医协助",
		KPIs: []KPI{{Kind: "quantity", Indicator: "入户探访人次", Target: "≥ 480", Quantity: 480, UnitCostFen: 2500}, {Kind: "quality", Indicator: "服务满意度", Target: "≥ 90%"},
			{Kind: "effect", Indicator: "孤独感量表得分下降", Target: "≥ 10%"}}}
}

func hasField(t *testing.T, err error, field string) bool {
	t.Helper()
	for _, p := range problemList(t, err) {
		if strings.HasPrefix(p, field+": ") {
			return true
		}
	}
	return false
}

func TestApplicationValidate(t *testing.T) {
	cases := []struct {
		name  string
		final bool
		edit  func(*Application)
		field string // "" = valid
	}{
		{"valid submission", true, func(*Application) {}, ""},
		{"partial draft", false, func(a *Application) { a.Milestones, a.RequestedFen, a.SupervisorID = nil, 0, "" }, ""},
		{"short title", false, func(a *Application) { a.Title = "项" }, "title"},
		{"unknown group", false, func(a *Application) { a.TargetGroup = "cats" }, "targetGroup"},
		{"unknown region", false, func(a *Application) { a.Regions = []string{"999"} }, "regions[0]"},
		{"duplicate need", false, func(a *Application) { a.NeedIDs = []string{"n1", "n1"} }, "needIds[1]"},
		{"professional without account", false, func(a *Application) { a.Team[0].SocialWorkerID = "" }, "team[0].socialWorkerId"},
		{"unknown post", false, func(a *Application) { a.Team[1].Post = "intern" }, "team[1].post"},
		{"bad due date", false, func(a *Application) { a.Milestones[0].Due = "2027-13-01" }, "milestones[0].due"},
		{"negative budget line", false, func(a *Application) { a.Budget.ProjectManagementFen = -1 }, "budget.projectManagementFen"},
		{"tranches not 100%", true, func(a *Application) { a.Milestones[1].TranchePercent = 59 }, "milestones"},
		{"no milestones", true, func(a *Application) { a.Milestones = nil }, "milestones"},
		{"no amount", true, func(a *Application) { a.RequestedFen = 0 }, "requestedFen"},
		{"more than the budget", true, func(a *Application) { a.RequestedFen = 70_001 }, "requestedFen"},
		{"a purchase without its needs survey", true, func(a *Application) {
			a.Government, a.ContractStart, a.ContractEnd, a.NeedsSurvey = true, "2027-01-01", "2027-12-31", ""
			a.Team = []TeamMember{{Name: "社工", Post: PostProfessional, SocialWorkerID: "sw"}}
		}, "needsSurvey"},
		{"a purchase without an effect target", true, func(a *Application) {
			a.Government, a.ContractStart, a.ContractEnd, a.KPIs = true, "2027-01-01", "2027-12-31", a.KPIs[:2]
			a.Team = []TeamMember{{Name: "社工", Post: PostProfessional, SocialWorkerID: "sw"}}
		}, "kpis"},
		{"a target of an unknown kind", false, func(a *Application) { a.KPIs = []KPI{{Kind: "speed", Indicator: "响应时间", Target: "1 天"}} }, "kpis[0].kind"},
		{"a purchase with a budget line at 0", true, func(a *Application) {
			a.Government, a.ContractStart, a.ContractEnd, a.Budget.ProjectManagementFen = true, "2027-01-01", "2027-12-31", 0
			a.Team = []TeamMember{{Name: "社工", Post: PostProfessional, SocialWorkerID: "sw"}}
		}, "budget.projectManagementFen"},
		{"no supervisor", true, func(a *Application) { a.SupervisorID = "" }, "supervisorId"},
		{"no beneficiaries", true, func(a *Application) { a.Beneficiaries = 0 }, "beneficiaries"},
	}
	for _, c := range cases {
		a := validApplication()
		c.edit(&a)
		err := a.Validate(c.final)
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.field != "" && !hasField(t, err, c.field):
			t.Errorf("%s: %v, want a problem at %s", c.name, problemList(t, err), c.field)
		}
	}
}

// TestPurchaseRules checks the seed's rules for government-purchased
// projects at their boundaries: a contract of at most 3 years, and
// professional posts at least 80% of the paid headcount.
func TestPurchaseRules(t *testing.T) {
	contract := []struct {
		start, end string
		ok         bool
		months     int
	}{
		{"2027-01-01", "2030-01-01", true, 36},  // exactly 3 years
		{"2027-01-01", "2030-01-02", false, 37}, // one day more
		{"2027-01-31", "2027-02-28", true, 1},
		{"2027-01-01", "2027-01-01", false, 0}, // ends when it starts
		{"2028-02-29", "2031-02-28", true, 36}, // from a leap day
	}
	for _, c := range contract {
		a := validApplication()
		a.Government, a.ContractStart, a.ContractEnd = true, c.start, c.end
		a.Team = []TeamMember{{Name: "社工", Post: PostProfessional, SocialWorkerID: "sw"}}
		err := a.Validate(true)
		if (err == nil) != c.ok {
			t.Errorf("contract %s–%s: %v, want ok=%v", c.start, c.end, err, c.ok)
		}
		if got := a.ContractMonths(); got != c.months {
			t.Errorf("contract %s–%s: %d months, want %d", c.start, c.end, got, c.months)
		}
	}
	share := []struct {
		pro, staff, volunteers int
		ok                     bool
	}{
		{4, 1, 0, true},    // exactly 80%
		{4, 1, 10, false},  // volunteers are people of the project (seed: 项目总人数)
		{12, 2, 1, true},   // 12 of 15 = 80%
		{3, 1, 0, false},   // 75%
		{7, 2, 0, false},   // 77.8%
		{8, 2, 0, true},    // 80%
		{1, 0, 0, true},    // 100%
		{0, 0, 5, false},   // no professional post at all
		{0, 1, 0, false},   // 0%
		{39, 10, 0, false}, // 79.6%
	}
	for _, c := range share {
		var team []TeamMember
		for range c.pro {
			team = append(team, TeamMember{Post: PostProfessional})
		}
		for range c.staff {
			team = append(team, TeamMember{Post: PostStaff})
		}
		for range c.volunteers {
			team = append(team, TeamMember{Post: PostVolunteer})
		}
		if got := ProfessionalShareOK(team); got != c.ok {
			t.Errorf("%d professional, %d staff, %d volunteers: %v, want %v", c.pro, c.staff, c.volunteers, got, c.ok)
		}
	}
	// The loophole of issue 18: four lines naming one social worker and a
	// staff member are one professional of two people, not 4/5.
	gamed := []TeamMember{{Post: PostProfessional, SocialWorkerID: "sw-1"}, {Post: PostProfessional, SocialWorkerID: "sw-1"},
		{Post: PostProfessional, SocialWorkerID: "sw-1"}, {Post: PostProfessional, SocialWorkerID: "sw-1"}, {Post: PostStaff}}
	if pro, all := ProfessionalShare(gamed); pro != 1 || all != 2 || ProfessionalShareOK(gamed) {
		t.Errorf("one social worker on four lines: %d/%d, ok %v", pro, all, ProfessionalShareOK(gamed))
	}
}

func TestTrancheAmountsSumExactly(t *testing.T) {
	if got := TrancheAmounts(45_001, []Milestone{{TranchePercent: 40}, {TranchePercent: 60}}); got[0] != 18_000 || got[1] != 27_001 {
		t.Fatalf("45,001 at 40/60: %v", got)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := 1 + r.IntN(8)
		ms := make([]Milestone, n)
		left := 100
		for i := range ms {
			p := left
			if i < n-1 {
				p = r.IntN(left + 1)
			}
			ms[i].TranchePercent, left = p, left-p
		}
		granted := r.Int64N(MaxFundFen)
		var sum int64
		for i, a := range TrancheAmounts(granted, ms) {
			if a < 0 {
				t.Fatalf("negative tranche %d of %d over %+v", i, granted, ms)
			}
			sum += a
		}
		if sum != granted {
			t.Fatalf("tranches of %d sum to %d over %+v", granted, sum, ms)
		}
	}
}

func TestPriceTable(t *testing.T) {
	pt := PriceTable{DivisionCode: "410102", EffectiveFrom: "2024-03-01",
		MonthlyFen: map[string]int64{"assistant_social_worker": 500_000, "social_worker": 600_000, "senior_social_worker": 800_000, "staff": 400_000}}
	if err := pt.Validate(); err != nil {
		t.Fatal(err)
	}
	team := []TeamMember{{Post: PostProfessional, Level: "senior_social_worker", Months: 6}, {Post: PostProfessional, Level: "social_worker"},
		{Post: PostStaff}, {Post: PostVolunteer}}
	// 800,000×6 + 600,000×12 + 400,000×12; the volunteer costs nothing.
	if got := pt.SalaryCeilingFen(team, 12); got != 4_800_000+7_200_000+4_800_000 {
		t.Errorf("ceiling %d", got)
	}
	sh := Shanghai()
	for _, c := range []struct {
		day string
		due bool
	}{{"2027-02-28", false}, {"2027-03-01", true}, {"2030-01-01", true}} {
		d, _ := time.ParseInLocation(time.DateOnly, c.day, sh)
		if got := pt.DueForRevision(d); got != c.due {
			t.Errorf("due for revision on %s: %v, want %v", c.day, got, c.due)
		}
	}
	bad := pt
	bad.MonthlyFen = map[string]int64{"social_worker": 600_000, "intern": 1}
	err := bad.Validate()
	for _, f := range []string{"monthlyFen.staff", "monthlyFen.intern", "monthlyFen.assistant_social_worker"} {
		if !hasField(t, err, f) {
			t.Errorf("want a problem at %s: %v", f, problemList(t, err))
		}
	}
	town := pt
	town.DivisionCode = "410102001"
	if !hasField(t, town.Validate(), "path.code") {
		t.Error("a township's price table was accepted")
	}
}
