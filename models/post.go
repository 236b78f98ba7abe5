package models

import (
	"strings"
	"time"
)

// post.go: the registry of professional social-work posts (社会工作专业岗位,
// seed §(二)–(八), (十)): employing units, their posts, and who holds them.
// A post counts toward the city's 2,500 once it is filled and confirmed:
// the employer offered it to a verified social worker whose certificate
// meets the post's level, and the worker accepted.

// EmployingUnit is an employer of social-work posts (用人单位).
type EmployingUnit struct {
	ID            string
	Kind          string // unit_kinds
	SubKind       string // service_institution_kinds or community_platform_kinds, for those two kinds
	HospitalGrade string // hospital_grades, for hospitals
	Name          string
	DivisionCode  string // the county or township it lies in
	// Clients is the number of people it serves (students, clients, beds);
	// the seed staffs schools, funeral services and the like by it.
	Clients int
	// HasDepartment: it has a social-work department (社会工作科室/部门).
	HasDepartment bool
	// OrganisationID links a registered organisation; that organisation's
	// admins manage the unit's posts.
	OrganisationID string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	CreatedBy      string
}

// Validate checks the unit's own fields.
func (u *EmployingUnit) Validate() error {
	var p Problems
	if !UnitKinds.Has(u.Kind) {
		p.Add("kind", "未知的用人单位类型（见 unit_kinds）", "unknown unit kind (see unit_kinds)")
	}
	switch u.Kind {
	case UnitServiceInstitution:
		if !ServiceInstitutionKinds.Has(u.SubKind) {
			p.Add("subKind", "须填写事业单位类型（见 service_institution_kinds）", "a service-centred institution needs its kind (see service_institution_kinds)")
		}
	case UnitCommunityPlatform:
		if !CommunityPlatformKinds.Has(u.SubKind) {
			p.Add("subKind", "须填写平台类型（见 community_platform_kinds）", "a community platform needs its kind (see community_platform_kinds)")
		}
	default:
		if u.SubKind != "" {
			p.Add("subKind", "该类型单位不填写子类型", "only service institutions and community platforms have a sub-kind")
		}
	}
	if u.Kind == UnitHospital {
		if !HospitalGrades.Has(u.HospitalGrade) {
			p.Add("hospitalGrade", "医疗机构须填写等级（见 hospital_grades）", "a hospital needs its grade (see hospital_grades)")
		}
	} else if u.HospitalGrade != "" {
		p.Add("hospitalGrade", "只有医疗机构填写等级", "only hospitals have a grade")
	}
	if n := len([]rune(strings.TrimSpace(u.Name))); n < 2 || n > 100 {
		p.Add("name", "单位名称须为 2–100 个字符", "name must be 2–100 characters")
	}
	if d, ok := LookupDivision(u.DivisionCode); !ok || (d.Level != LevelCounty && d.Level != LevelTown) {
		p.Add("divisionCode", "须为县（区）或乡镇（街道）代码", "must be a county or township code")
	}
	if u.Clients < 0 || u.Clients > 10_000_000 {
		p.Add("clients", "服务对象人数须为 0–10,000,000", "clients must be 0–10,000,000")
	}
	return p.Err()
}

// hospitalGradeRank is 1, 2 or 3 for a hospital's grade, 0 otherwise.
func hospitalGradeRank(g string) int {
	switch g {
	case "grade_1":
		return 1
	case "grade_2":
		return 2
	case "grade_3":
		return 3
	}
	return 0
}

// RequiresDepartment: the seed requires a social-work department of
// service-centred public institutions and of hospitals of grade II and
// above (§三).
func (u *EmployingUnit) RequiresDepartment() bool {
	return u.Kind == UnitServiceInstitution || (u.Kind == UnitHospital && hospitalGradeRank(u.HospitalGrade) >= 2)
}

// StaffedByClients: the seed staffs the unit by its number of clients
// (schools, funeral services, …), and it has clients.
func (u *EmployingUnit) StaffedByClients() bool { return ClientCountUnitKinds[u.Kind] && u.Clients > 0 }

// Unit shortfall codes: why a unit is listed on the dashboard.
const (
	ShortfallNoDepartment = "no_department"  // required a social-work department, has none
	ShortfallNoPost       = "no_filled_post" // staffed by clients, has clients, no filled post
)

// UnitShortfalls lists what the seed requires of u that it lacks, given
// how many of its posts are filled and confirmed.
func UnitShortfalls(u *EmployingUnit, filledPosts int) []string {
	var out []string
	if u.RequiresDepartment() && !u.HasDepartment {
		out = append(out, ShortfallNoDepartment)
	}
	if u.StaffedByClients() && filledPosts == 0 {
		out = append(out, ShortfallNoPost)
	}
	return out
}

// Post is a professional social-work post (社会工作专业岗位) of a unit.
type Post struct {
	ID             string
	UnitID         string
	UnitKind       string // copied from the unit
	DivisionCode   string // copied from the unit: where the post counts
	OrganisationID string // copied from the unit: whose admins manage it
	Title          string
	Duties         string
	Requirements   string
	// Level is the certificate the post requires (证书等级); Grade is its
	// professional-technical post grade (专业技术岗位等级, 5–13), within the
	// level's band: senior 5–7, social worker 8–10, assistant 11–13.
	Level           CertificateLevel
	Grade           int
	Domain          string // domains
	MonthlyPayFen   int64
	SocialInsurance bool         // 社会保险
	HousingFund     bool         // 住房公积金
	Holder          *PostHolding // the current holding (offered or filled), nil when vacant
	CreatedAt       time.Time
	UpdatedAt       time.Time
	CreatedBy       string
}

// GradeBand is the professional-technical grades of a certificate's posts:
// senior 5–7, social worker 8–10, assistant 11–13 (seed §六).
func GradeBand(l CertificateLevel) (lo, hi int) {
	b, ok := postGradeBase[l]
	if !ok {
		return 0, 0
	}
	return b + 1, b + 3
}

// Validate checks the post's own fields.
func (p *Post) Validate() error {
	var pr Problems
	if n := len([]rune(strings.TrimSpace(p.Title))); n < 2 || n > 100 {
		pr.Add("title", "岗位名称须为 2–100 个字符", "title must be 2–100 characters")
	}
	if n := len([]rune(strings.TrimSpace(p.Duties))); n < 4 || n > 2000 {
		pr.Add("duties", "岗位职责须为 4–2000 个字符", "duties must be 4–2000 characters")
	}
	if len([]rune(p.Requirements)) > 2000 {
		pr.Add("requirements", "任职条件不超过 2000 字", "requirements must be at most 2000 characters")
	}
	if !p.Level.Valid() {
		pr.Add("level", "未知的证书等级（见 certificate_levels）", "unknown certificate level (see certificate_levels)")
	} else if lo, hi := GradeBand(p.Level); p.Grade < lo || p.Grade > hi {
		pr.Add("grade", "专业技术岗位等级与证书等级不符：助理社会工作师 11–13 级，社会工作师 8–10 级，高级社会工作师 5–7 级",
			"the professional-technical grade must lie in the level's band: assistant 11–13, social worker 8–10, senior 5–7")
	}
	if !Domains.Has(p.Domain) {
		pr.Add("domain", "未知的领域（见 domains）", "unknown domain (see domains)")
	}
	if p.MonthlyPayFen < 0 || p.MonthlyPayFen > 100_000_000 {
		pr.Add("monthlyPayFen", "月薪须为 0–1,000,000 元（单位：分）", "monthly pay must be 0–1,000,000 yuan, in fen")
	}
	return pr.Err()
}

// Holding states.
const (
	HoldingOffered = "offered" // the employer offered the post; the worker has not accepted
	HoldingFilled  = "filled"  // the worker accepted: filled and confirmed
	HoldingEnded   = "ended"   // vacated, declined or withdrawn
)

// PostHolding is one tenure of a post: the employer's offer to a social
// worker, the worker's acceptance, and its end. Holdings of a post are
// numbered 1, 2, …; the next number is claimed by a unique insert, so two
// employers filling one post at once give one holding.
type PostHolding struct {
	ID         string // "<postId>#<seq>"
	PostID     string
	Seq        int
	AccountID  string
	State      string
	Level      CertificateLevel // the holder's verified certificate when offered
	OfferedBy  string
	OfferedAt  time.Time
	StartedOn  string // YYYY-MM-DD
	AcceptedAt *time.Time
	EndedAt    *time.Time
	EndedBy    string
	EndReason  string
}

// Active: offered or filled (the post is taken).
func (h *PostHolding) Active() bool { return h != nil && h.State != HoldingEnded }

// HighRiskPremiumPercent is how much higher the pay guide of a post in a
// high-risk domain is than the price table's price for its level (seed §八
// raises it without a figure; product: 20%).
const HighRiskPremiumPercent = 20

// PayCheck is a post's pay against the division's guide.
type PayCheck struct {
	HasGuide    bool  // a price table is in force for the division
	GuideFen    int64 // the table's monthly price for the post's level
	PremiumPct  int   // HighRiskPremiumPercent in a high-risk domain, else 0
	RequiredFen int64 // the guide with the premium
	MeetsGuide  bool
	// Benefits: social insurance and the housing fund, both required (§八).
	Benefits bool
}

// CheckPay compares a post's pay with the guide of the price table in
// force (nil when none: HasGuide false and MeetsGuide false).
func CheckPay(p *Post, t *PriceTable) PayCheck {
	c := PayCheck{Benefits: p.SocialInsurance && p.HousingFund}
	if IsHighRiskDomain(p.Domain) {
		c.PremiumPct = HighRiskPremiumPercent
	}
	if t == nil {
		return c
	}
	c.GuideFen = t.MonthlyFen[string(p.Level)]
	c.HasGuide = c.GuideFen > 0
	c.RequiredFen = c.GuideFen * int64(100+c.PremiumPct) / 100
	c.MeetsGuide = c.HasGuide && p.MonthlyPayFen >= c.RequiredFen
	return c
}

// AllowanceEligible: a community worker with a verified certificate
// holding a filled post in a community platform gets the occupational
// allowance (职业津贴, seed §十).
func AllowanceEligible(unitKind string, h *PostHolding, verified bool) bool {
	return unitKind == UnitCommunityPlatform && h != nil && h.State == HoldingFilled && verified
}

// CanHold checks that a social worker with the verified certificate held
// may be offered post: the certificate meets the post's level (a higher
// one fills a lower post, as ValidatePost reads the seed).
func CanHold(field string, held CertificateLevel, p *Post) error {
	if !held.Valid() {
		return Invalid(field, "该社工没有已核验的职业资格证书", "the social worker has no verified certificate")
	}
	if !held.AtLeast(p.Level) {
		return Invalid(field, "所持证书低于岗位要求的证书等级", "the certificate held is below the post's level")
	}
	return nil
}
