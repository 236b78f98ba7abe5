package models

import (
	"strings"
	"testing"
	"time"
)

// qualToday is a day in the 2024 exam year, Asia/Shanghai.
var qualToday = time.Date(2024, 6, 1, 10, 0, 0, 0, Shanghai())

func qualFind(t *testing.T, es []Eligibility, l CertificateLevel) Eligibility {
	t.Helper()
	for _, e := range es {
		if e.Level == l {
			return e
		}
	}
	t.Fatalf("no answer for %s in %+v", l, es)
	return Eligibility{}
}

func qualMissingHas(e Eligibility, s string) bool {
	for _, m := range e.Missing {
		if strings.Contains(m.Zh, s) || strings.Contains(m.En, s) {
			return true
		}
	}
	return false
}

// TestEligibilityEveryRow tests each row of CurrentRules at its boundary:
// exactly enough by 31 December 2024 (eligible for the 2024 exam) and one
// day short (earliest 2025 while employment goes on; never when it has
// ended).
func TestEligibilityEveryRow(t *testing.T) {
	type anchor int
	const (
		byWork anchor = iota // the anchor is the start of employment
		byCert               // the anchor is the date the prior certificate was obtained
		byGrad               // the anchor is the graduation date (0-year rows)
	)
	rows := []struct {
		id     string
		edu    string
		sw     bool
		holds  CertificateLevel
		by     anchor
		exact  string // the latest anchor that is exactly enough for 2024
		oneDay string // one day short for 2024
	}{
		{"assistant-1", "high_school", false, "", byWork, "2021-01-01", "2021-01-02"},
		{"assistant-2", "junior_college", true, "", byWork, "2023-01-01", "2023-01-02"},
		{"assistant-3", "bachelor", true, "", byGrad, "2024-12-31", "2025-01-01"},
		{"assistant-4", "junior_college", false, "", byWork, "2021-01-01", "2021-01-02"},
		{"assistant-5", "bachelor", false, "", byWork, "2023-01-01", "2023-01-02"},
		{"social_worker-1", "high_school", false, CertAssistant, byCert, "2019-01-01", "2019-01-02"},
		{"social_worker-2", "junior_college", true, "", byWork, "2021-01-01", "2021-01-02"},
		{"social_worker-3", "bachelor", true, "", byWork, "2022-01-01", "2022-01-02"},
		{"social_worker-4", "master", true, "", byWork, "2024-01-01", "2024-01-02"},
		{"social_worker-5", "doctorate", true, "", byGrad, "2024-12-31", "2025-01-01"},
		{"social_worker-6", "junior_college", false, "", byWork, "2019-01-01", "2019-01-02"},
		{"social_worker-7", "bachelor", false, "", byWork, "2020-01-01", "2020-01-02"},
		{"social_worker-8", "master", false, "", byWork, "2022-01-01", "2022-01-02"},
		{"social_worker-9", "doctorate", false, "", byWork, "2023-01-01", "2023-01-02"},
		{"senior-1", "bachelor", false, CertSocialWorker, byCert, "2020-01-01", "2020-01-02"},
	}
	if len(rows) != len(CurrentRules.Rules) {
		t.Fatalf("test covers %d rows, CurrentRules has %d", len(rows), len(CurrentRules.Rules))
	}
	byID := map[string]EligibilityRule{}
	for _, r := range CurrentRules.Rules {
		byID[r.ID] = r
	}
	build := func(r struct {
		id     string
		edu    string
		sw     bool
		holds  CertificateLevel
		by     anchor
		exact  string
		oneDay string
	}, at, end string) Pathway {
		p := Pathway{Education: []Education{{Level: r.edu, SocialWorkMajor: r.sw, GraduatedOn: "2000-07-01"}}}
		switch r.by {
		case byWork:
			p.Employment = []Employment{{Employer: "某社区居委会", Start: at, End: end, Verified: true}}
		case byCert:
			p.Employment = []Employment{{Employer: "某社工机构", Start: "2005-03-01", End: end, Verified: true}}
			p.Certificates = []HeldCertificate{{Level: r.holds, ObtainedOn: at}}
		case byGrad:
			p.Education[0].GraduatedOn = at
		}
		return p
	}
	for _, r := range rows {
		rule, ok := byID[r.id]
		if !ok {
			t.Fatalf("no row %s", r.id)
		}
		check := func(name string, p Pathway, now bool, earliest int) {
			t.Helper()
			e := qualFind(t, EvaluateEligibility(p, CurrentRules, qualToday), rule.Level)
			if e.EligibleNow != now || e.EarliestExamYear != earliest {
				t.Errorf("%s %s: eligible now %v earliest %d, want %v %d (missing %v)", r.id, name, e.EligibleNow, e.EarliestExamYear, now, earliest, e.Missing)
			}
			if earliest != 0 && (e.Rule == nil || e.Rule.ID != r.id) {
				t.Errorf("%s %s: rule %+v, want %s", r.id, name, e.Rule, r.id)
			}
			if now && len(e.Missing) != 0 {
				t.Errorf("%s %s: eligible but missing %v", r.id, name, e.Missing)
			}
			if !now && len(e.Missing) == 0 {
				t.Errorf("%s %s: not eligible now but nothing missing", r.id, name)
			}
		}
		// Ongoing employment.
		check("exact", build(r, r.exact, ""), true, 2024)
		check("one day short", build(r, r.oneDay, ""), false, 2025)
		if r.by == byGrad {
			e := qualFind(t, EvaluateEligibility(build(r, r.oneDay, ""), CurrentRules, qualToday), rule.Level)
			if !qualMissingHas(e, "2024 年 12 月 31 日前取得") {
				t.Errorf("%s: missing %v, want the graduation deadline", r.id, e.Missing)
			}
			continue
		}
		e := qualFind(t, EvaluateEligibility(build(r, r.oneDay, ""), CurrentRules, qualToday), rule.Level)
		if !qualMissingHas(e, "还需 1 天") || !qualMissingHas(e, "needs 1 day more") {
			t.Errorf("%s: missing %v, want 1 day", r.id, e.Missing)
		}
		// Employment that has ended: exactly on 31 December, or one day before.
		check("ended exact", build(r, r.exact, "2024-12-31"), true, 2024)
		check("ended one day short", build(r, r.exact, "2024-12-30"), false, 0)
		// The same boundary a year later: the previous 31 December falls short.
		next := r.exact[:3] + string(r.exact[3]+1) + r.exact[4:]
		if r.exact[3] == '9' {
			next = "2020" + r.exact[4:]
		}
		check("next year", build(r, next, ""), false, 2025)
	}
}

func TestEligibilityOtherMajorNeedsTwoMoreYears(t *testing.T) {
	for _, c := range []struct {
		edu          string
		swYears      int
		level        CertificateLevel
		swID, otherI string
	}{
		{"junior_college", 2, CertAssistant, "assistant-2", "assistant-4"},
		{"bachelor", 0, CertAssistant, "assistant-3", "assistant-5"},
		{"junior_college", 4, CertSocialWorker, "social_worker-2", "social_worker-6"},
		{"bachelor", 3, CertSocialWorker, "social_worker-3", "social_worker-7"},
		{"master", 1, CertSocialWorker, "social_worker-4", "social_worker-8"},
		{"doctorate", 0, CertSocialWorker, "social_worker-5", "social_worker-9"},
	} {
		start := time.Date(2024-c.swYears+1, 1, 1, 0, 0, 0, 0, time.UTC).Format(DateLayout)
		for _, sw := range []bool{true, false} {
			p := Pathway{
				Education:  []Education{{Level: c.edu, SocialWorkMajor: sw, GraduatedOn: "2010-06-30"}},
				Employment: []Employment{{Employer: "站", Start: start, Verified: true}},
			}
			e := qualFind(t, EvaluateEligibility(p, CurrentRules, qualToday), c.level)
			want, id := 2024, c.swID
			if !sw {
				want, id = 2026, c.otherI
			}
			if e.EarliestExamYear != want || e.Rule == nil || e.Rule.ID != id {
				t.Errorf("%s sw=%v: earliest %d rule %v, want %d %s", c.edu, sw, e.EarliestExamYear, e.Rule, want, id)
			}
			if !sw && !qualMissingHas(e, "还需 2 年") {
				t.Errorf("%s other: missing %v, want 2 more years", c.edu, e.Missing)
			}
		}
	}
}

func TestEligibilityUnverifiedNotCounted(t *testing.T) {
	p := Pathway{
		Education:  []Education{{Level: "high_school", GraduatedOn: "2010-06-30"}},
		Employment: []Employment{{Employer: "养老院", Start: "2015-01-01", End: "2023-12-31", Verified: false}},
	}
	e := qualFind(t, EvaluateEligibility(p, CurrentRules, qualToday), CertAssistant)
	if e.EligibleNow || e.EarliestExamYear != 0 || e.Counted != (WorkDuration{}) {
		t.Fatalf("unverified counted: %+v", e)
	}
	found := false
	for _, n := range e.Notes {
		found = found || strings.Contains(n.Zh, "尚未核实") && strings.Contains(n.En, "not verified")
	}
	if !found {
		t.Errorf("notes %v do not say unverified periods were left out", e.Notes)
	}
	p.Employment[0].Verified = true
	if e := qualFind(t, EvaluateEligibility(p, CurrentRules, qualToday), CertAssistant); !e.EligibleNow {
		t.Errorf("verified: %+v", e)
	}
}

func TestEligibilityOverlapCountedOnce(t *testing.T) {
	p := Pathway{
		Education: []Education{{Level: "high_school", GraduatedOn: "2010-06-30"}},
		Employment: []Employment{
			{Employer: "A", Start: "2021-01-01", End: "2022-12-31", Verified: true},
			{Employer: "B", Start: "2022-01-01", End: "2023-12-31", Verified: true},
			{Employer: "C", Start: "2023-06-01", End: "2023-06-30", Verified: true}, // inside B
			{Employer: "D", Start: "2024-01-01", End: "2024-12-30", Verified: true}, // touches B
		},
	}
	e := qualFind(t, EvaluateEligibility(p, CurrentRules, qualToday), CertAssistant)
	if want := (WorkDuration{3, 11, 30}); e.Counted != want {
		t.Errorf("counted %+v, want %+v", e.Counted, want)
	}
	if e.EligibleNow || e.EarliestExamYear != 0 || !qualMissingHas(e, "还需 1 天") {
		t.Errorf("overlap double-counted or wrong shortfall: %+v", e)
	}
}

func TestEligibilitySeparatePeriodsAndMissingText(t *testing.T) {
	// Leftover days of separate periods: 16 + 16 = 32 days = 1 month 1 day.
	p := Pathway{
		Education: []Education{{Level: "high_school", GraduatedOn: "2010-06-30"}},
		Employment: []Employment{
			{Employer: "A", Start: "2020-01-01", End: "2020-01-16", Verified: true},
			{Employer: "B", Start: "2020-03-01", End: "2020-03-16", Verified: true},
		},
	}
	e := qualFind(t, EvaluateEligibility(p, CurrentRules, qualToday), CertAssistant)
	if want := (WorkDuration{0, 1, 1}); e.Counted != want {
		t.Errorf("counted %+v, want %+v", e.Counted, want)
	}
	// Ongoing since 2022-04-01: 2 years 9 months to 31 December 2024.
	p.Employment = []Employment{{Employer: "A", Start: "2022-04-01", Verified: true}}
	e = qualFind(t, EvaluateEligibility(p, CurrentRules, qualToday), CertAssistant)
	if !qualMissingHas(e, "还需 1 年 3 个月社会工作年限") || !qualMissingHas(e, "needs 1 year 3 months more social-work employment") {
		t.Errorf("missing %v", e.Missing)
	}
	if e.EarliestExamYear != 2026 || e.Rule.ID != "assistant-1" {
		t.Errorf("earliest %d rule %s, want 2026 assistant-1", e.EarliestExamYear, e.Rule.ID)
	}
	// Ongoing employment: a later today, in the same year, changes nothing.
	e2 := qualFind(t, EvaluateEligibility(p, CurrentRules, time.Date(2024, 12, 31, 23, 0, 0, 0, Shanghai())), CertAssistant)
	if e2.EarliestExamYear != 2026 || e2.Counted != e.Counted {
		t.Errorf("later today: %+v", e2)
	}
}

func TestEligibilityExamYearInShanghai(t *testing.T) {
	// 2024-12-31 16:30 UTC is 2025-01-01 in Shanghai: the 2025 exam.
	p := Pathway{
		Education:  []Education{{Level: "high_school", GraduatedOn: "2010-06-30"}},
		Employment: []Employment{{Employer: "A", Start: "2021-01-02", Verified: true}},
	}
	e := qualFind(t, EvaluateEligibility(p, CurrentRules, time.Date(2024, 12, 31, 16, 30, 0, 0, time.UTC)), CertAssistant)
	if e.ExamYear != 2025 || !e.EligibleNow {
		t.Errorf("%+v", e)
	}
}

func TestEligibilityCertificateRows(t *testing.T) {
	// Employment before obtaining the assistant certificate does not count
	// toward social_worker-1; without the certificate the row is missing it.
	p := Pathway{
		Education:  []Education{{Level: "high_school", GraduatedOn: "2000-06-30"}},
		Employment: []Employment{{Employer: "A", Start: "2001-01-01", Verified: true}},
	}
	sw := qualFind(t, EvaluateEligibility(p, CurrentRules, qualToday), CertSocialWorker)
	if sw.EarliestExamYear != 0 || sw.Rule == nil || sw.Rule.ID != "social_worker-1" || !qualMissingHas(sw, "需持有助理社会工作师证书") {
		t.Errorf("no certificate: %+v", sw)
	}
	as := qualFind(t, EvaluateEligibility(p, CurrentRules, qualToday), CertAssistant)
	if !as.EligibleNow || as.Held {
		t.Errorf("assistant: %+v", as)
	}
	p.Certificates = []HeldCertificate{{Level: CertAssistant, ObtainedOn: "2022-05-01"}}
	es := EvaluateEligibility(p, CurrentRules, qualToday)
	if a := qualFind(t, es, CertAssistant); !a.Held {
		t.Errorf("assistant held not flagged: %+v", a)
	}
	if sw := qualFind(t, es, CertSocialWorker); sw.EarliestExamYear != 2028 || !qualMissingHas(sw, "取得助理社会工作师证书后") {
		t.Errorf("social worker after assistant 2022-05-01: %+v", sw)
	}
	// Senior: needs bachelor or higher as well as the certificate.
	p.Certificates = []HeldCertificate{{Level: CertSocialWorker, ObtainedOn: "2015-01-01"}}
	sn := qualFind(t, EvaluateEligibility(p, CurrentRules, qualToday), CertSenior)
	if sn.EligibleNow || sn.EarliestExamYear != 0 || !qualMissingHas(sn, "需本科及以上学历") {
		t.Errorf("senior with high school: %+v", sn)
	}
	p.Education = append(p.Education, Education{Level: "bachelor", GraduatedOn: "2026-07-01"})
	sn = qualFind(t, EvaluateEligibility(p, CurrentRules, qualToday), CertSenior)
	if sn.EarliestExamYear != 2026 || sn.Rule.ID != "senior-1" || !qualMissingHas(sn, "2024 年 12 月 31 日前取得") {
		t.Errorf("senior with a bachelor due 2026: %+v", sn)
	}
	// A senior certificate already held.
	p.Certificates = append(p.Certificates, HeldCertificate{Level: CertSenior, ObtainedOn: "2023-01-01"})
	if sn := qualFind(t, EvaluateEligibility(p, CurrentRules, qualToday), CertSenior); !sn.Held {
		t.Errorf("senior held: %+v", sn)
	}
}

func TestEligibilityGraduatesOfTheYear(t *testing.T) {
	p := Pathway{Education: []Education{{Level: "bachelor", SocialWorkMajor: true, GraduatedOn: "2024-07-01"}}}
	today := time.Date(2024, 3, 1, 9, 0, 0, 0, Shanghai()) // before graduation
	e := qualFind(t, EvaluateEligibility(p, CurrentRules, today), CertAssistant)
	if !e.EligibleNow || e.Rule.ID != "assistant-3" {
		t.Errorf("graduate of the year: %+v", e)
	}
	sw := qualFind(t, EvaluateEligibility(p, CurrentRules, today), CertSocialWorker)
	if sw.EarliestExamYear != 0 || sw.Rule.ID != "social_worker-3" || !qualMissingHas(sw, "还需 3 年社会工作年限") {
		t.Errorf("social worker without work: earliest %d rule %v missing %v, want never, social_worker-3, 3 years", sw.EarliestExamYear, sw.Rule, sw.Missing)
	}
	// With work starting after graduation and going on: 3 full years by 31 December 2027.
	p.Employment = []Employment{{Employer: "社工站", Start: "2024-07-15", Verified: true}}
	if sw := qualFind(t, EvaluateEligibility(p, CurrentRules, today), CertSocialWorker); sw.EarliestExamYear != 2027 || sw.Rule.ID != "social_worker-3" {
		t.Errorf("social worker: earliest %d rule %v, want 2027 social_worker-3", sw.EarliestExamYear, sw.Rule)
	}
	p.Employment = nil
	// Other major, graduating this year: 2 years needed.
	p.Education[0].SocialWorkMajor = false
	if e := qualFind(t, EvaluateEligibility(p, CurrentRules, today), CertAssistant); e.EligibleNow || e.EarliestExamYear != 0 {
		t.Errorf("other major without work: %+v", e)
	}
}

func TestEligibilityNeverAndBadInput(t *testing.T) {
	es := EvaluateEligibility(Pathway{}, CurrentRules, qualToday)
	if len(es) != 3 {
		t.Fatalf("%d answers", len(es))
	}
	for _, e := range es {
		if e.EligibleNow || e.EarliestExamYear != 0 || e.Rule == nil || len(e.Missing) == 0 {
			t.Errorf("empty pathway: %+v", e)
		}
		if e.RuleSet != CurrentRules.ID || !strings.Contains(e.RuleSetSource, "国人部发〔2006〕71号") {
			t.Errorf("rule set not named: %+v", e)
		}
	}
	bad := Pathway{
		Education:    []Education{{Level: "phd", GraduatedOn: "2010-01-01"}, {Level: "bachelor", GraduatedOn: "2010-13-01"}},
		Employment:   []Employment{{Employer: "", Start: "2020-01-01", End: "2019-01-01", Verified: true}},
		Certificates: []HeldCertificate{{Level: "master_social_worker", ObtainedOn: "2020-01-01"}},
	}
	err := bad.Validate("body")
	if KindOf(err) != KindInvalid {
		t.Fatalf("Validate: %v", err)
	}
	if n := len(err.(*Error).Fields); n != 5 {
		t.Errorf("Validate found %d problems, want 5: %+v", n, err.(*Error).Fields)
	}
	e := qualFind(t, EvaluateEligibility(bad, CurrentRules, qualToday), CertAssistant)
	if e.EligibleNow || len(e.Notes) < 3 {
		t.Errorf("bad input: %+v", e)
	}
	good := Pathway{
		Education:    []Education{{Level: "bachelor", GraduatedOn: "2010-07-01"}},
		Employment:   []Employment{{Employer: "A", Start: "2020-01-01"}},
		Certificates: []HeldCertificate{{Level: CertAssistant, ObtainedOn: "2021-01-01"}},
	}
	if err := good.Validate("body"); err != nil {
		t.Errorf("good pathway: %v", err)
	}
}

func TestRuleSetsInForce(t *testing.T) {
	newer := RuleSet{ID: "2030", EffectiveFrom: "2030-01-01", Rules: []EligibilityRule{
		{ID: "assistant-x", Level: CertAssistant, MinEducation: "high_school", Years: 3, Source: "test"}}}
	sets := RuleSets{CurrentRules, newer}
	for _, c := range []struct {
		at   time.Time
		want string
		ok   bool
	}{
		{time.Date(2006, 7, 19, 23, 59, 0, 0, Shanghai()), "", false},
		{time.Date(2006, 7, 20, 0, 0, 0, 0, Shanghai()), "2006-07-20", true},
		{time.Date(2029, 12, 31, 16, 0, 0, 0, time.UTC), "2030", true}, // 2030-01-01 in Shanghai
		{time.Date(2029, 12, 31, 15, 59, 0, 0, time.UTC), "2006-07-20", true},
	} {
		got, ok := sets.InForce(c.at)
		if ok != c.ok || got.ID != c.want {
			t.Errorf("InForce(%v) = %q %v, want %q %v", c.at, got.ID, ok, c.want, c.ok)
		}
	}
	// A newer rule set applies without a code change.
	p := Pathway{
		Education:  []Education{{Level: "high_school", GraduatedOn: "2010-06-30"}},
		Employment: []Employment{{Employer: "A", Start: "2028-01-01", Verified: true}},
	}
	today := time.Date(2030, 3, 1, 0, 0, 0, 0, Shanghai())
	rs, _ := sets.InForce(today)
	es := EvaluateEligibility(p, rs, today)
	if len(es) != 1 || !es[0].EligibleNow || es[0].Rule.ID != "assistant-x" {
		t.Errorf("newer rules: %+v", es)
	}
}

func TestCurrentRulesWellFormed(t *testing.T) {
	if CurrentRules.EffectiveFrom != "2006-07-20" {
		t.Errorf("effective %s", CurrentRules.EffectiveFrom)
	}
	seen := map[string]bool{}
	for _, r := range CurrentRules.Rules {
		if seen[r.ID] || !r.Level.Valid() || qualEduRank(r.MinEducation) == 0 || r.Source == "" || r.Zh == "" || r.En == "" || r.Years < 0 {
			t.Errorf("bad row %+v", r)
		}
		if r.Holds != "" && !r.Holds.Valid() {
			t.Errorf("bad holds %+v", r)
		}
		seen[r.ID] = true
	}
}
