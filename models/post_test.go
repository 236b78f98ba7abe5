package models

import (
	"slices"
	"testing"
)

func TestEmployingUnitValidate(t *testing.T) {
	ok := EmployingUnit{Kind: UnitHospital, HospitalGrade: "grade_2", Name: "郑州市测试医院", DivisionCode: "410102"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		edit  func(u *EmployingUnit)
		field string
	}{
		{"unknown kind", func(u *EmployingUnit) { u.Kind, u.HospitalGrade = "bank", "" }, "kind"},
		{"hospital without grade", func(u *EmployingUnit) { u.HospitalGrade = "" }, "hospitalGrade"},
		{"grade on a school", func(u *EmployingUnit) { u.Kind = UnitSchool }, "hospitalGrade"},
		{"institution without its kind", func(u *EmployingUnit) { u.Kind, u.HospitalGrade = UnitServiceInstitution, "" }, "subKind"},
		{"platform kind on an institution", func(u *EmployingUnit) {
			u.Kind, u.HospitalGrade, u.SubKind = UnitServiceInstitution, "", "children_home"
		}, "subKind"},
		{"sub-kind on a school", func(u *EmployingUnit) { u.Kind, u.HospitalGrade, u.SubKind = UnitSchool, "", "elder_care" }, "subKind"},
		{"city division", func(u *EmployingUnit) { u.DivisionCode = "4101" }, "divisionCode"},
		{"community division", func(u *EmployingUnit) { u.DivisionCode = "410102001002" }, "divisionCode"},
		{"negative clients", func(u *EmployingUnit) { u.Clients = -1 }, "clients"},
		{"short name", func(u *EmployingUnit) { u.Name = "医" }, "name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := ok
			c.edit(&u)
			if !slices.Contains(problemFields(u.Validate()), c.field) {
				t.Fatalf("errors %v, want %s", problemFields(u.Validate()), c.field)
			}
		})
	}
}

func problemFields(err error) []string {
	var out []string
	if e, ok := err.(*Error); ok {
		for _, f := range e.Fields {
			out = append(out, f.Field)
		}
	}
	return out
}

func TestUnitShortfalls(t *testing.T) {
	cases := []struct {
		u      EmployingUnit
		filled int
		want   []string
	}{
		{EmployingUnit{Kind: UnitServiceInstitution, SubKind: "child_welfare"}, 3, []string{ShortfallNoDepartment}},
		{EmployingUnit{Kind: UnitServiceInstitution, SubKind: "child_welfare", HasDepartment: true}, 0, nil},
		{EmployingUnit{Kind: UnitHospital, HospitalGrade: "grade_1"}, 0, nil},
		{EmployingUnit{Kind: UnitHospital, HospitalGrade: "grade_2"}, 1, []string{ShortfallNoDepartment}},
		{EmployingUnit{Kind: UnitHospital, HospitalGrade: "grade_3", HasDepartment: true}, 0, nil},
		{EmployingUnit{Kind: UnitSchool, Clients: 1200}, 0, []string{ShortfallNoPost}},
		{EmployingUnit{Kind: UnitSchool, Clients: 1200}, 1, nil},
		{EmployingUnit{Kind: UnitFuneralService}, 0, nil}, // no clients recorded
		{EmployingUnit{Kind: UnitCommunityPlatform, SubKind: "children_home", Clients: 50}, 0, nil},
	}
	for i, c := range cases {
		if got := UnitShortfalls(&c.u, c.filled); !slices.Equal(got, c.want) {
			t.Errorf("%d %s: %v, want %v", i, c.u.Kind, got, c.want)
		}
	}
}

func validPost() Post {
	return Post{Title: "医务社工", Duties: "住院患者心理疏导与资源链接", Level: CertSocialWorker, Grade: 9, Domain: "health", MonthlyPayFen: 600000}
}

func TestPostGradeBand(t *testing.T) {
	for _, c := range []struct {
		level CertificateLevel
		grade int
		ok    bool
	}{
		{CertAssistant, 11, true}, {CertAssistant, 13, true}, {CertAssistant, 10, false}, {CertAssistant, 14, false},
		{CertSocialWorker, 8, true}, {CertSocialWorker, 10, true}, {CertSocialWorker, 11, false}, {CertSocialWorker, 7, false},
		{CertSenior, 5, true}, {CertSenior, 7, true}, {CertSenior, 8, false}, {CertSenior, 4, false},
	} {
		p := validPost()
		p.Level, p.Grade = c.level, c.grade
		err := p.Validate()
		if (err == nil) != c.ok {
			t.Errorf("%s grade %d: %v, want ok=%v", c.level, c.grade, err, c.ok)
		}
		if !c.ok && !slices.Contains(problemFields(err), "grade") {
			t.Errorf("%s grade %d: errors %v, want grade", c.level, c.grade, problemFields(err))
		}
	}
	p := validPost()
	p.Level = "doctor"
	if !slices.Contains(problemFields(p.Validate()), "level") {
		t.Error("unknown level accepted")
	}
}

func TestCanHold(t *testing.T) {
	p := validPost() // social worker level
	if CanHold("x", CertAssistant, &p) == nil {
		t.Error("an assistant fills a social worker's post")
	}
	if CanHold("x", "", &p) == nil {
		t.Error("no verified certificate fills a post")
	}
	if CanHold("x", CertSocialWorker, &p) != nil || CanHold("x", CertSenior, &p) != nil {
		t.Error("the level or a higher one is refused")
	}
}

func TestCheckPay(t *testing.T) {
	table := &PriceTable{MonthlyFen: map[string]int64{"assistant_social_worker": 400000, "social_worker": 500000, "senior_social_worker": 700000, "staff": 300000}}
	p := validPost() // health: high-risk, social worker 5,000 yuan guide → 6,000 with the premium
	c := CheckPay(&p, table)
	if !c.HasGuide || c.GuideFen != 500000 || c.PremiumPct != 20 || c.RequiredFen != 600000 || !c.MeetsGuide || c.Benefits {
		t.Fatalf("high-risk at the guide: %+v", c)
	}
	p.MonthlyPayFen = 599999
	if CheckPay(&p, table).MeetsGuide {
		t.Error("pay below the premium guide meets it")
	}
	p.Domain, p.SocialInsurance, p.HousingFund = "community_governance", true, true
	if c := CheckPay(&p, table); c.PremiumPct != 0 || c.RequiredFen != 500000 || !c.MeetsGuide || !c.Benefits {
		t.Errorf("ordinary domain: %+v", c)
	}
	if c := CheckPay(&p, nil); c.HasGuide || c.MeetsGuide {
		t.Errorf("no table: %+v", c)
	}
}

func TestAllowanceEligible(t *testing.T) {
	filled := &PostHolding{State: HoldingFilled}
	if !AllowanceEligible(UnitCommunityPlatform, filled, true) {
		t.Error("a certified community worker on post gets no allowance")
	}
	if AllowanceEligible(UnitCommunityPlatform, &PostHolding{State: HoldingOffered}, true) ||
		AllowanceEligible(UnitCommunityPlatform, filled, false) || AllowanceEligible(UnitHospital, filled, true) ||
		AllowanceEligible(UnitCommunityPlatform, nil, true) {
		t.Error("allowance beyond certified holders of community-platform posts")
	}
}

// addPostsFixture adds the posts registry to the dashboard fixture: in
// 中原 a grade II hospital without a department (two posts, one filled,
// one only offered) and in 二七 a children's home with a filled post whose
// holder is certified (the allowance). The fixture's social workers typed
// post titles into their profiles: those count nothing.
func addPostsFixture(b *DashboardBuilder) {
	b.AddEmployingUnit(&EmployingUnit{ID: "u-zy", Name: "测试医院", Kind: UnitHospital, HospitalGrade: "grade_2", DivisionCode: "410102"})
	b.AddEmployingUnit(&EmployingUnit{ID: "u-eq", Name: "儿童之家", Kind: UnitCommunityPlatform, SubKind: "children_home", DivisionCode: "410103001"})
	b.AddPostHolding(&PostHolding{PostID: "p1", State: HoldingFilled}, false) // holdings before their posts: any order
	b.AddPost(&Post{ID: "p1", UnitID: "u-zy", UnitKind: UnitHospital, DivisionCode: "410102", Domain: "health"})
	b.AddPost(&Post{ID: "p2", UnitID: "u-zy", UnitKind: UnitHospital, DivisionCode: "410102", Domain: "health"})
	b.AddPostHolding(&PostHolding{PostID: "p2", State: HoldingOffered}, true)
	b.AddPost(&Post{ID: "p3", UnitID: "u-eq", UnitKind: UnitCommunityPlatform, DivisionCode: "410103001", Domain: "community_governance"})
	b.AddPostHolding(&PostHolding{PostID: "p3", State: HoldingFilled}, true)
}

func TestDashboardPosts(t *testing.T) {
	s := dashboardFixture(t)
	var zy, eq DashboardFigures
	for _, d := range s.Districts {
		switch d.Code {
		case "410102":
			zy = d.Figures
		case "410103":
			eq = d.Figures
		}
	}
	if zy.Posts != 2 || zy.ProfessionalPosts != 1 || eq.Posts != 1 || eq.ProfessionalPosts != 1 || s.City.ProfessionalPosts != 2 {
		t.Fatalf("posts: 中原 %d/%d, 二七 %d/%d, city %d", zy.ProfessionalPosts, zy.Posts, eq.ProfessionalPosts, eq.Posts, s.City.ProfessionalPosts)
	}
	if zy.AllowanceEligible != 0 || eq.AllowanceEligible != 1 {
		t.Errorf("allowance: 中原 %d, 二七 %d", zy.AllowanceEligible, eq.AllowanceEligible)
	}
	want := []PostTally{{District: "410102", Key: UnitHospital, Posts: 2, Filled: 1}, {District: "410103", Key: UnitCommunityPlatform, Posts: 1, Filled: 1}}
	if !slices.Equal(s.PostsByUnitKind, want) {
		t.Errorf("by kind %+v, want %+v", s.PostsByUnitKind, want)
	}
	if len(s.UnitShortfalls) != 1 || s.UnitShortfalls[0].UnitID != "u-zy" || !slices.Equal(s.UnitShortfalls[0].Shortfalls, []string{ShortfallNoDepartment}) {
		t.Errorf("shortfalls %+v", s.UnitShortfalls)
	}
	v, err := s.View("410103")
	if err != nil {
		t.Fatal(err)
	}
	if len(v.PostsByDomain) != 1 || v.PostsByDomain[0] != (PostTally{Key: "community_governance", Posts: 1, Filled: 1}) || len(v.UnitShortfalls) != 0 {
		t.Errorf("二七's view: %+v %+v", v.PostsByDomain, v.UnitShortfalls)
	}
	city, _ := s.View(CityCode)
	if len(city.UnitShortfalls) != 1 || len(city.PostsByDomain) != 2 {
		t.Errorf("city view: %+v %+v", city.PostsByDomain, city.UnitShortfalls)
	}
}
