package models

import (
	"encoding/json"
	"regexp"
	"slices"
	"testing"
)

var vocabCodePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// vocabWantNames is every vocabulary the service must carry, in order.
var vocabWantNames = []string{
	"domains", "high_risk_domains", "service_tasks", "target_groups",
	"demonstration_domains", "station_service_areas", "appraisal_dimensions",
	"organisation_kinds", "organisation_statuses", "exit_reasons",
	"certificate_levels", "post_grades",
	"unit_kinds", "service_institution_kinds", "community_platform_kinds", "hospital_grades", "roles", "skills", "education_levels",
	"languages", "budget_lines", "purchase_workflow", "need_statuses",
	"competition_phases", "complaint_statuses", "complaint_categories", "station_statuses", "distance_bands",
	"station_rooms", "station_rules", "station_elements", "supervisor_tiers",
	"evaluation_levels", "award_levels", "award_recipient_kinds", // models/recognition.go
}

func TestVocabulariesNamesAndOrder(t *testing.T) {
	var got []string
	for _, v := range Vocabularies() {
		got = append(got, v.Name)
	}
	if !slices.Equal(got, vocabWantNames) {
		t.Fatalf("vocabulary names = %v, want %v", got, vocabWantNames)
	}
}

func TestVocabulariesWellFormed(t *testing.T) {
	for _, v := range Vocabularies() {
		t.Run(v.Name, func(t *testing.T) {
			if !vocabCodePattern.MatchString(v.Name) {
				t.Errorf("name %q does not match %s", v.Name, vocabCodePattern)
			}
			if v.Zh == "" || v.En == "" {
				t.Errorf("vocabulary labels: zh=%q en=%q, want both non-empty", v.Zh, v.En)
			}
			if len(v.Terms) == 0 {
				t.Fatal("no terms")
			}
			seen := map[string]bool{}
			seenZh := map[string]bool{}
			for i, term := range v.Terms {
				if !vocabCodePattern.MatchString(term.Code) {
					t.Errorf("term %d: code %q does not match %s", i, term.Code, vocabCodePattern)
				}
				if seen[term.Code] {
					t.Errorf("term %d: duplicate code %q", i, term.Code)
				}
				seen[term.Code] = true
				if term.Zh == "" || term.En == "" {
					t.Errorf("term %q: zh=%q en=%q, want both non-empty", term.Code, term.Zh, term.En)
				}
				if seenZh[term.Zh] {
					t.Errorf("term %q: duplicate zh label %q", term.Code, term.Zh)
				}
				seenZh[term.Zh] = true
			}
		})
	}
}

func TestVocabularySizes(t *testing.T) {
	tests := []struct {
		v    Vocabulary
		want int
	}{
		{Domains, 20},
		{HighRiskDomains, 9},
		{ServiceTasks, 26},
		{TargetGroups, 7},
		{DemonstrationDomains, 9},
		{StationServiceAreas, 5},
		{AppraisalDimensions, 6},
		{OrganisationKinds, 9},
		{OrganisationStatuses, 6},
		{CertificateLevels, 3},
		{PostGrades, 3},
		{Roles, 8},
		{Skills, 20},
		{EducationLevels, 5},
		{Languages, 4},
		{BudgetLines, 4},
		{PurchaseWorkflow, 5},
		{NeedStatuses, 8},
		{CompetitionPhases, 7},
		{ComplaintStatuses, 4},
		{DistanceBands, 5},
	}
	for _, tt := range tests {
		if got := len(tt.v.Terms); got != tt.want {
			t.Errorf("%s: %d terms, want %d", tt.v.Name, got, tt.want)
		}
	}
}

// TestSeedLabels checks the Chinese labels against the seed's lists, in the
// seed's order.
func TestSeedLabels(t *testing.T) {
	tests := []struct {
		v    Vocabulary
		want []string
	}{
		{Domains, []string{"社区治理", "社会福利", "社会救助", "扶贫济困", "婚姻家庭", "精神卫生", "残障康复",
			"教育辅导", "就业援助", "职工帮扶", "犯罪预防", "禁毒戒毒", "社区矫正", "安置帮教", "卫生健康", "纠纷调解",
			"应急处置", "灾害救援", "慈善事业", "退役军人服务"}},
		{ServiceTasks, []string{"帮困扶弱", "情绪疏导", "心理抚慰", "精神关爱", "行为矫治", "社会康复", "权益维护",
			"危机干预", "关系调适", "矛盾化解", "能力建设", "资源链接", "社会融入", "培育社区社会组织", "社区活动",
			"社区协商", "需求评估", "方案设计", "项目管理", "绩效评价", "行动研究", "专业督导", "志愿者招募",
			"志愿者注册", "志愿者培训", "志愿者考核"}},
		{DemonstrationDomains, []string{"社区", "社会救助", "老年", "残疾人", "儿童", "医务", "禁毒", "社区矫正", "人民调解"}},
		{StationServiceAreas, []string{"社会救助", "养老服务", "儿童福利", "社区治理", "社会事务"}},
		{AppraisalDimensions, []string{"职业操守", "职业素质", "专业技术", "工作能力", "工作绩效", "服务对象反馈意见"}},
		{BudgetLines, []string{"薪酬待遇", "督导培训经费", "服务活动经费", "项目管理经费"}},
		{PurchaseWorkflow, []string{"项目申报", "组织采购", "合同签订", "项目督导", "绩效评估"}},
		{CertificateLevels, []string{"助理社会工作师", "社会工作师", "高级社会工作师"}},
	}
	for _, tt := range tests {
		var got []string
		for _, term := range tt.v.Terms {
			got = append(got, term.Zh)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s zh labels = %v, want %v", tt.v.Name, got, tt.want)
		}
	}
	// The six priority groups of the seed come first; community_residents is product.
	wantGroups := []string{"低保对象", "特困人员", "困境儿童", "老年人", "残疾人", "困难妇女"}
	for i, zh := range wantGroups {
		if TargetGroups.Terms[i].Zh != zh {
			t.Errorf("target group %d = %q, want %q", i, TargetGroups.Terms[i].Zh, zh)
		}
	}
	// The seed's four exit grounds are all present, with the seed's wording.
	for _, zh := range []string{"内部治理混乱", "服务水平低", "社会信用差", "长期不开展业务活动"} {
		found := false
		for _, term := range ExitReasons.Terms {
			found = found || term.Zh == zh
		}
		if !found {
			t.Errorf("exit_reasons lacks %q", zh)
		}
	}
}

func TestSpecifiedCodes(t *testing.T) {
	tests := []struct {
		v    Vocabulary
		code string
		zh   string
	}{
		{Domains, "community_governance", "社区治理"},
		{Domains, "community_correction", "社区矫正"},
		{Domains, "resettlement_assistance", "安置帮教"},
		{Domains, "veteran_services", "退役军人服务"},
		{ServiceTasks, "crisis_intervention", "危机干预"},
		{ServiceTasks, "behaviour_correction", "行为矫治"},
		{TargetGroups, "community_residents", "社区居民"},
		{OrganisationKinds, "supervision_evaluation_institution", "社会工作督导评估机构"},
		{OrganisationKinds, "elder_care_facility", "养老机构"},
		{OrganisationStatuses, "demonstration", "示范机构"},
		{OrganisationStatuses, "exited", "已退出"},
		{CertificateLevels, "senior_social_worker", "高级社会工作师"},
		{PostGrades, "grade_1", "一级"},
		{PostGrades, "grade_3", "三级"},
		{Roles, "community_admin", "社区居委会管理员"},
		{Roles, "civil_affairs", "民政部门"},
		{Skills, "dialect_henan", "河南方言"},
		{EducationLevels, "high_school", "高中或中专"},
		{Languages, "henan_dialect", "河南话"},
		{BudgetLines, "supervision_training", "督导培训经费"},
		{PurchaseWorkflow, "evaluation", "绩效评估"},
		{NeedStatuses, "in_progress", "进行中"},
		{CompetitionPhases, "public_vote", "公众投票"},
		{ComplaintStatuses, "upheld", "属实"},
	}
	for _, tt := range tests {
		term, ok := tt.v.Label(tt.code)
		if !ok {
			t.Errorf("%s: no term %q", tt.v.Name, tt.code)
			continue
		}
		if term.Code != tt.code || term.Zh != tt.zh {
			t.Errorf("%s.Label(%q) = %+v, want zh %q", tt.v.Name, tt.code, term, tt.zh)
		}
	}
}

func TestRolesMatchRoleConstants(t *testing.T) {
	want := []Role{RoleVolunteer, RoleSocialWorker, RoleCommunityAdmin, RoleOrgAdmin,
		RoleCharityAdmin, RoleReviewer, RoleEvaluator, RoleCivilAffairs}
	got := Roles.Codes()
	if len(got) != len(want) {
		t.Fatalf("roles = %v, want %v", got, want)
	}
	for i, r := range want {
		if got[i] != string(r) {
			t.Errorf("roles[%d] = %q, want %q", i, got[i], r)
		}
	}
}

func TestHighRiskDomains(t *testing.T) {
	for _, term := range HighRiskDomains.Terms {
		d, ok := Domains.Label(term.Code)
		if !ok {
			t.Errorf("high-risk domain %q is not a domain code", term.Code)
			continue
		}
		if d != term {
			t.Errorf("high-risk term %+v differs from domain term %+v", term, d)
		}
	}
	tests := []struct {
		code string
		want bool
	}{
		{"social_welfare", true},
		{"mental_health", true},
		{"drug_control", true},
		{"community_correction", true}, // 矫治帮教
		{"resettlement_assistance", true},
		{"health", true},
		{"dispute_mediation", true},
		{"disability_rehabilitation", true},
		{"emergency_response", true},
		{"community_governance", false},
		{"social_assistance", false},
		{"charity", false},
		{"veteran_services", false},
		{"", false},
		{"unknown", false},
	}
	for _, tt := range tests {
		if got := IsHighRiskDomain(tt.code); got != tt.want {
			t.Errorf("IsHighRiskDomain(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

func TestIsHighRiskTask(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"crisis_intervention", true},
		{"behaviour_correction", true},
		{"emotional_counselling", false},
		{"volunteer_training", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsHighRiskTask(tt.code); got != tt.want {
			t.Errorf("IsHighRiskTask(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
	for _, term := range ServiceTasks.Terms {
		if IsHighRiskTask(term.Code) != (term.Code == "crisis_intervention" || term.Code == "behaviour_correction") {
			t.Errorf("IsHighRiskTask(%q) wrong", term.Code)
		}
	}
}

func TestGroupingMappings(t *testing.T) {
	tests := []struct {
		name   string
		v      Vocabulary
		mapsTo func(string) []string
		want   map[string][]string
	}{
		{"demonstration", DemonstrationDomains, DemonstrationDomainMapsTo, map[string][]string{
			"community":            {"community_governance"},
			"social_assistance":    {"social_assistance"},
			"elderly":              {"social_welfare"},
			"disability":           {"disability_rehabilitation"},
			"children":             {"social_welfare", "education_tutoring"},
			"medical":              {"health"},
			"drug_control":         {"drug_control"},
			"community_correction": {"community_correction"},
			"people_mediation":     {"dispute_mediation"},
		}},
		{"station", StationServiceAreas, StationServiceAreaMapsTo, map[string][]string{
			"social_assistance":    {"social_assistance"},
			"elder_care_services":  {"social_welfare"},
			"child_welfare":        {"social_welfare", "education_tutoring"},
			"community_governance": {"community_governance"},
			"social_affairs":       {"community_governance"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, term := range tt.v.Terms {
				got := tt.mapsTo(term.Code)
				if len(got) == 0 {
					t.Errorf("%q maps to no domain", term.Code)
				}
				for _, d := range got {
					if !Domains.Has(d) {
						t.Errorf("%q maps to %q, not a domain code", term.Code, d)
					}
				}
				if want := tt.want[term.Code]; !slices.Equal(got, want) {
					t.Errorf("%q maps to %v, want %v", term.Code, got, want)
				}
			}
			if got := tt.mapsTo("unknown"); got != nil {
				t.Errorf("unknown maps to %v, want nil", got)
			}
			// The returned slice is the caller's own.
			first := tt.v.Terms[0].Code
			got := tt.mapsTo(first)
			got[0] = "changed"
			if again := tt.mapsTo(first); again[0] == "changed" {
				t.Error("mapping slice shares memory with package data")
			}
		})
	}
}

func TestLookupVocabulary(t *testing.T) {
	for _, name := range vocabWantNames {
		v, ok := LookupVocabulary(name)
		if !ok {
			t.Errorf("LookupVocabulary(%q) not found", name)
			continue
		}
		if v.Name != name || len(v.Terms) == 0 {
			t.Errorf("LookupVocabulary(%q) = %q with %d terms", name, v.Name, len(v.Terms))
		}
	}
	for _, name := range []string{"", "unknown", "Domains", "domain"} {
		if v, ok := LookupVocabulary(name); ok {
			t.Errorf("LookupVocabulary(%q) = %q, want not found", name, v.Name)
		}
	}
}

func TestVocabularyMethods(t *testing.T) {
	v := Vocabulary{Name: "t", Zh: "测试", En: "Test", Terms: []Term{
		{"a", "甲", "A"}, {"b", "乙", "B"},
	}}
	tests := []struct {
		code    string
		has     bool
		wantZh  string
		wantEng string
	}{
		{"a", true, "甲", "A"},
		{"b", true, "乙", "B"},
		{"c", false, "", ""},
		{"", false, "", ""},
		{"A", false, "", ""},
	}
	for _, tt := range tests {
		if got := v.Has(tt.code); got != tt.has {
			t.Errorf("Has(%q) = %v, want %v", tt.code, got, tt.has)
		}
		term, ok := v.Label(tt.code)
		if ok != tt.has || term.Zh != tt.wantZh || term.En != tt.wantEng {
			t.Errorf("Label(%q) = %+v, %v", tt.code, term, ok)
		}
	}
	if got := v.Codes(); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("Codes() = %v", got)
	}
	if got := (Vocabulary{}).Codes(); len(got) != 0 {
		t.Errorf("empty Codes() = %v", got)
	}
	codes := Domains.Codes()
	codes[0] = "changed"
	if Domains.Terms[0].Code != "community_governance" {
		t.Error("Codes() shares memory with the vocabulary")
	}
}

func TestVocabulariesReturnsCopies(t *testing.T) {
	all := Vocabularies()
	all[0].Terms[0].Zh = "changed"
	if Domains.Terms[0].Zh != "社区治理" {
		t.Fatal("Vocabularies() shares memory with package data")
	}
	v, _ := LookupVocabulary("domains")
	v.Terms[0].Code = "changed"
	if !Domains.Has("community_governance") {
		t.Fatal("LookupVocabulary() shares memory with package data")
	}
}

func TestVocabularyJSON(t *testing.T) {
	b, err := json.Marshal(PostGrades)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"post_grades","zh":"岗位等级","en":"Post grades","terms":[` +
		`{"code":"grade_1","zh":"一级","en":"Grade 1"},` +
		`{"code":"grade_2","zh":"二级","en":"Grade 2"},` +
		`{"code":"grade_3","zh":"三级","en":"Grade 3"}]}`
	if string(b) != want {
		t.Errorf("json = %s\nwant   %s", b, want)
	}
}
