package models

import (
	"strings"
	"time"
)

// Exam eligibility for the national social-work qualification
// (社会工作者职业水平评价). The rules are data: a RuleSet carries its
// effective date and source, and each EligibilityRule is one row of the
// published table, so a newer year's rule is a new RuleSet, not new code.
// Sources: ../shared/qualification-rules.md.

// Bilingual is a short message in zh-CN and English.
type Bilingual struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// Education is one completed (or expected) qualification: Level is an
// education_levels code (high_school, junior_college, bachelor, master,
// doctorate), GraduatedOn the YYYY-MM-DD date it was or will be obtained.
type Education struct {
	Level           string `json:"level"`
	SocialWorkMajor bool   `json:"social_work_major"`
	GraduatedOn     string `json:"graduated_on"`
}

// Employment is one period of social-work employment (从事社会工作), both
// dates inclusive; End "" means ongoing. Only periods whose proof from the
// employing unit has been verified count toward the years.
type Employment struct {
	Employer string `json:"employer"`
	Start    string `json:"start"`
	End      string `json:"end,omitempty"`
	Verified bool   `json:"verified"`
}

// HeldCertificate is a certificate the person holds and the date it was
// obtained (YYYY-MM-DD).
type HeldCertificate struct {
	Level      CertificateLevel `json:"level"`
	ObtainedOn string           `json:"obtained_on"`
}

// Pathway is what the eligibility rules read about a person.
type Pathway struct {
	Education    []Education       `json:"education"`
	Employment   []Employment      `json:"employment"`
	Certificates []HeldCertificate `json:"certificates"`
}

// Validate checks codes and dates; field names the pathway (e.g. "body").
// EvaluateEligibility does not require a valid pathway: it skips the
// entries this would reject and says so in the notes.
func (p Pathway) Validate(field string) error {
	var pr Problems
	for i, e := range p.Education {
		f := indexField(childField(field, "education"), i)
		if qualEduRank(e.Level) == 0 {
			pr.Add(childField(f, "level"), "未知的学历（见 education_levels）", "unknown education level (see education_levels)")
		}
		if _, err := ParseDate("", e.GraduatedOn); err != nil {
			pr.Add(childField(f, "graduated_on"), "毕业日期应为 YYYY-MM-DD", "graduation date must be YYYY-MM-DD")
		}
	}
	for i, e := range p.Employment {
		f := indexField(childField(field, "employment"), i)
		if strings.TrimSpace(e.Employer) == "" {
			pr.Add(childField(f, "employer"), "请填写工作单位", "employer is required")
		}
		s, err := ParseDate("", e.Start)
		if err != nil {
			pr.Add(childField(f, "start"), "开始日期应为 YYYY-MM-DD", "start must be YYYY-MM-DD")
		}
		if e.End != "" {
			t, err2 := ParseDate("", e.End)
			if err2 != nil {
				pr.Add(childField(f, "end"), "结束日期应为 YYYY-MM-DD，在职请留空", "end must be YYYY-MM-DD, or empty while ongoing")
			} else if err == nil && t.Before(s) {
				pr.Add(childField(f, "end"), "结束日期不能早于开始日期", "end must not be before start")
			}
		}
	}
	for i, c := range p.Certificates {
		f := indexField(childField(field, "certificates"), i)
		if !c.Level.Valid() {
			pr.Add(childField(f, "level"), "未知的证书等级（见 certificate_levels）", "unknown certificate level (see certificate_levels)")
		}
		if _, err := ParseDate("", c.ObtainedOn); err != nil {
			pr.Add(childField(f, "obtained_on"), "取证日期应为 YYYY-MM-DD", "date obtained must be YYYY-MM-DD")
		}
	}
	return pr.Err()
}

// EligibilityRule is one row of an eligibility table: a candidate meets it
// with an education at least MinEducation (in social work when
// SocialWorkMajor), holding Holds when set, and Years of verified
// social-work employment, counted only from the day Holds was obtained
// when YearsAfterHolds. Education, certificates and years are all counted
// to 31 December of the exam year, so graduates of the year meet a
// 0-year row.
type EligibilityRule struct {
	ID              string           `json:"id"`
	Level           CertificateLevel `json:"level"`
	MinEducation    string           `json:"min_education"`
	SocialWorkMajor bool             `json:"social_work_major"`
	Holds           CertificateLevel `json:"holds,omitempty"`
	Years           int              `json:"years"`
	YearsAfterHolds bool             `json:"years_after_holds,omitempty"`
	Zh              string           `json:"zh"`
	En              string           `json:"en"`
	Source          string           `json:"source"`
}

// RuleSet is the eligibility rules in force from EffectiveFrom (YYYY-MM-DD).
type RuleSet struct {
	ID            string            `json:"id"`
	EffectiveFrom string            `json:"effective_from"`
	Source        string            `json:"source"`
	Rules         []EligibilityRule `json:"rules"`
}

// RuleSets is every known rule set; InForce picks one by date.
type RuleSets []RuleSet

// InForce is the rule set with the latest EffectiveFrom on or before the
// Asia/Shanghai date of t; false when none is in force yet.
func (s RuleSets) InForce(t time.Time) (RuleSet, bool) {
	day := DateOf(t)
	var best RuleSet
	found := false
	for _, r := range s {
		if _, err := ParseDate("", r.EffectiveFrom); err != nil || Date(r.EffectiveFrom) > day {
			continue
		}
		if !found || r.EffectiveFrom > best.EffectiveFrom {
			best, found = r, true
		}
	}
	return best, found
}

const (
	qualSrc71     = "国人部发〔2006〕71号《社会工作者职业水平评价暂行规定》"
	qualSrcSenior = "《高级社会工作师评价办法》"
)

// CurrentRules are the 2006 rules (国人部发〔2006〕71号 §11, §12) with the
// senior rule of 《高级社会工作师评价办法》. Rows are in the order of the
// published tables.
var CurrentRules = RuleSet{
	ID:            "2006-07-20",
	EffectiveFrom: "2006-07-20",
	Source:        qualSrc71 + "；" + qualSrcSenior,
	Rules: []EligibilityRule{
		{ID: "assistant-1", Level: CertAssistant, MinEducation: "high_school", Years: 4,
			Zh: "高中或中专学历，从事社会工作满 4 年", En: "high school or secondary vocational school, 4 years of social work",
			Source: qualSrc71 + " 第十一条（一）"},
		{ID: "assistant-2", Level: CertAssistant, MinEducation: "junior_college", SocialWorkMajor: true, Years: 2,
			Zh: "社会工作专业大专学历，从事社会工作满 2 年", En: "junior college in social work, 2 years of social work",
			Source: qualSrc71 + " 第十一条（二）"},
		{ID: "assistant-3", Level: CertAssistant, MinEducation: "bachelor", SocialWorkMajor: true, Years: 0,
			Zh: "社会工作专业本科及以上学历（含应届毕业生）", En: "bachelor's degree or higher in social work (graduates of the year included)",
			Source: qualSrc71 + " 第十一条（三）"},
		{ID: "assistant-4", Level: CertAssistant, MinEducation: "junior_college", Years: 4,
			Zh: "其他专业大专学历，从事社会工作满 4 年", En: "junior college in another major, 4 years of social work",
			Source: qualSrc71 + " 第十一条（四）"},
		{ID: "assistant-5", Level: CertAssistant, MinEducation: "bachelor", Years: 2,
			Zh: "其他专业本科及以上学历，从事社会工作满 2 年", En: "bachelor's degree or higher in another major, 2 years of social work",
			Source: qualSrc71 + " 第十一条（四）"},
		{ID: "social_worker-1", Level: CertSocialWorker, MinEducation: "high_school", Holds: CertAssistant, Years: 6, YearsAfterHolds: true,
			Zh: "高中或中专学历，取得助理社会工作师资格后从事社会工作满 6 年", En: "high school or secondary vocational school, 6 years of social work after obtaining the assistant certificate",
			Source: qualSrc71 + " 第十二条（一）"},
		{ID: "social_worker-2", Level: CertSocialWorker, MinEducation: "junior_college", SocialWorkMajor: true, Years: 4,
			Zh: "社会工作专业大专学历，从事社会工作满 4 年", En: "junior college in social work, 4 years of social work",
			Source: qualSrc71 + " 第十二条（二）"},
		{ID: "social_worker-3", Level: CertSocialWorker, MinEducation: "bachelor", SocialWorkMajor: true, Years: 3,
			Zh: "社会工作专业本科学历，从事社会工作满 3 年", En: "bachelor's degree in social work, 3 years of social work",
			Source: qualSrc71 + " 第十二条（三）"},
		{ID: "social_worker-4", Level: CertSocialWorker, MinEducation: "master", SocialWorkMajor: true, Years: 1,
			Zh: "社会工作专业硕士学位，从事社会工作满 1 年", En: "master's degree in social work, 1 year of social work",
			Source: qualSrc71 + " 第十二条（四）"},
		{ID: "social_worker-5", Level: CertSocialWorker, MinEducation: "doctorate", SocialWorkMajor: true, Years: 0,
			Zh: "社会工作专业博士学位", En: "doctorate in social work",
			Source: qualSrc71 + " 第十二条（五）"},
		{ID: "social_worker-6", Level: CertSocialWorker, MinEducation: "junior_college", Years: 6,
			Zh: "其他专业大专学历，从事社会工作满 6 年", En: "junior college in another major, 6 years of social work",
			Source: qualSrc71 + " 第十二条（六）"},
		{ID: "social_worker-7", Level: CertSocialWorker, MinEducation: "bachelor", Years: 5,
			Zh: "其他专业本科学历，从事社会工作满 5 年", En: "bachelor's degree in another major, 5 years of social work",
			Source: qualSrc71 + " 第十二条（六）"},
		{ID: "social_worker-8", Level: CertSocialWorker, MinEducation: "master", Years: 3,
			Zh: "其他专业硕士学位，从事社会工作满 3 年", En: "master's degree in another major, 3 years of social work",
			Source: qualSrc71 + " 第十二条（六）"},
		{ID: "social_worker-9", Level: CertSocialWorker, MinEducation: "doctorate", Years: 2,
			Zh: "其他专业博士学位，从事社会工作满 2 年", En: "doctorate in another major, 2 years of social work",
			Source: qualSrc71 + " 第十二条（六）"},
		{ID: "senior-1", Level: CertSenior, MinEducation: "bachelor", Holds: CertSocialWorker, Years: 5, YearsAfterHolds: true,
			Zh:     "本科及以上学历，取得社会工作师资格后从事社会工作满 5 年（考试与评审相结合，考试成绩有效期 3 年）",
			En:     "bachelor's degree or higher, 5 years of social work after obtaining the social worker certificate (exam plus panel review; an exam pass is valid 3 years)",
			Source: qualSrcSenior},
	},
}
