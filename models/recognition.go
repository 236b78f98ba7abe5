package models

import (
	"strconv"
	"strings"
	"time"
)

// recognition.go: what civil affairs records of an organisation's and a
// social worker's standing (issue 18, items 2 and 6): the comprehensive
// evaluation of organisations (社会组织等级评估, seed §16 探索开展社会工作
// 服务机构综合评估) with its history, the rule for demonstration agencies
// (示范性社会工作服务机构, seed §11), the counties' incubation bases (孵化
// 基地, seed §11) and the awards and commendations (表彰、表扬、奖励, seed §9).

// EvaluationValidityYears is how long a comprehensive evaluation's grade
// holds: 5 years, the national rule for social organisations' grade
// evaluation (社会组织评估管理办法, 民政部令第39号, 2010, art. 26: 评估等级
// 有效期为5年).
const EvaluationValidityYears = 5

// MinDemonstrationLevel is the lowest evaluation grade a demonstration
// agency holds: 3A (a product assumption; the seed names no grade, and
// 3A is the grade most local rules ask of organisations taking on
// government-purchased services).
const MinDemonstrationLevel = "grade_3a"

// EvaluationLevels are the grades of a comprehensive evaluation, lowest first.
var EvaluationLevels = Vocabulary{
	Name: "evaluation_levels", Zh: "社会组织评估等级", En: "Organisation evaluation grades",
	Terms: []Term{
		{"grade_1a", "1A 级", "Grade 1A"},
		{"grade_2a", "2A 级", "Grade 2A"},
		{"grade_3a", "3A 级", "Grade 3A"},
		{"grade_4a", "4A 级", "Grade 4A"},
		{"grade_5a", "5A 级", "Grade 5A"},
	},
}

// AwardLevels are the levels of an award: who grants it.
var AwardLevels = Vocabulary{
	Name: "award_levels", Zh: "表彰级别", En: "Award levels",
	Terms: []Term{
		{"city", "市级", "City"},
		{"county", "县（区）级", "County"},
	},
}

// AwardRecipientKinds are what an award is given to.
var AwardRecipientKinds = Vocabulary{
	Name: "award_recipient_kinds", Zh: "表彰对象类型", En: "Award recipients",
	Terms: []Term{
		{"organisation", "机构", "Organisation"},
		{"social_worker", "社会工作者", "Social worker"},
	},
}

func init() { vocabAll = append(vocabAll, &EvaluationLevels, &AwardLevels, &AwardRecipientKinds) }

// LevelRank is a grade's rank (1 for 1A … 5 for 5A; 0 when unknown).
func LevelRank(level string) int {
	for i, c := range EvaluationLevels.Codes() {
		if c == level {
			return i + 1
		}
	}
	return 0
}

// OrgEvaluation is one comprehensive evaluation of an organisation. Every
// evaluation is kept (its own document); the latest one supersedes the
// earlier ones and is current while it is valid.
type OrgEvaluation struct {
	ID               string
	OrganisationID   string
	DivisionCode     string // the organisation's registration division, for civil affairs' scope
	Level            string // evaluation_levels
	Institution      string // the evaluating institution's name
	InstitutionOrgID string // optional: the institution as an organisation of the service
	EvaluatedOn      string // YYYY-MM-DD
	ValidUntil       string // YYYY-MM-DD, the last day the grade holds
	Note             string
	RecordedBy       string
	RecordedAt       time.Time
}

// DefaultValidUntil is the last day of a grade given on evaluatedOn:
// EvaluationValidityYears later, less a day.
func DefaultValidUntil(evaluatedOn time.Time) string {
	return evaluatedOn.AddDate(EvaluationValidityYears, 0, -1).Format(DateLayout)
}

// Validate checks the evaluation's own fields; today bounds its date.
func (e *OrgEvaluation) Validate(today string) error {
	var p Problems
	if !EvaluationLevels.Has(e.Level) {
		p.Add("level", "未知的评估等级（见 evaluation_levels）", "unknown grade (see evaluation_levels)")
	}
	if n := len([]rune(strings.TrimSpace(e.Institution))); n < 2 || n > 100 {
		p.Add("institution", "评估机构名称须为 2–100 个字符", "institution must be 2–100 characters")
	}
	on, onErr := ParseDate("evaluatedOn", e.EvaluatedOn)
	if onErr != nil {
		collectErr(&p, onErr)
	} else if e.EvaluatedOn > today {
		p.Add("evaluatedOn", "评估日期不能晚于今天", "the evaluation date cannot be in the future")
	}
	if _, err := ParseDate("validUntil", e.ValidUntil); err != nil {
		collectErr(&p, err)
	} else if onErr == nil {
		if e.ValidUntil <= e.EvaluatedOn {
			p.Add("validUntil", "有效期须晚于评估日期", "validUntil must be after the evaluation date")
		} else if e.ValidUntil > DefaultValidUntil(on) {
			p.Add("validUntil", "评估等级有效期不超过 5 年", "a grade holds at most 5 years")
		}
	}
	if len([]rune(e.Note)) > 2000 {
		p.Add("note", "备注不超过 2000 字", "note must be at most 2000 characters")
	}
	return p.Err()
}

// ValidOn reports whether the grade holds on date (YYYY-MM-DD).
func (e *OrgEvaluation) ValidOn(date string) bool {
	return e != nil && e.EvaluatedOn <= date && date <= e.ValidUntil
}

// Later reports whether e supersedes f: evaluated later, or the same day
// and recorded later (ids break a tie).
func (e *OrgEvaluation) Later(f *OrgEvaluation) bool {
	if f == nil {
		return true
	}
	if e.EvaluatedOn != f.EvaluatedOn {
		return e.EvaluatedOn > f.EvaluatedOn
	}
	if !e.RecordedAt.Equal(f.RecordedAt) {
		return e.RecordedAt.After(f.RecordedAt)
	}
	return e.ID > f.ID
}

// LatestEvaluation is the evaluation that supersedes the others (nil when none).
func LatestEvaluation(history []*OrgEvaluation) *OrgEvaluation {
	var latest *OrgEvaluation
	for _, e := range history {
		if e.Later(latest) {
			latest = e
		}
	}
	return latest
}

// CurrentEvaluation is the latest evaluation when it holds on date; nil
// when there is none or it has expired (an older grade does not revive).
func CurrentEvaluation(history []*OrgEvaluation, date string) *OrgEvaluation {
	if l := LatestEvaluation(history); l.ValidOn(date) {
		return l
	}
	return nil
}

// DemonstrationRefusal says why an agency of a demonstration domain may not
// be made a demonstration organisation on date, given its latest
// evaluation (nil when none): it must be operating (not suspended or
// exited) and hold a valid comprehensive evaluation of at least
// MinDemonstrationLevel. Nil when it may.
func DemonstrationRefusal(o *Organisation, latest *OrgEvaluation, date string) *Error {
	if o.Status == OrgSuspended || o.Status == OrgExited {
		return &Error{Kind: KindConflict, Code: CodeOrganisationNotOperating,
			Zh: "停业或已退出的机构不能认定为示范机构", En: "a suspended or exited organisation cannot be a demonstration organisation"}
	}
	switch {
	case latest == nil:
		return &Error{Kind: KindConflict, Code: CodeValidEvaluationRequired,
			Zh: "示范机构须有有效的综合评估（3A 级及以上），该机构没有评估记录", En: "a demonstration organisation needs a valid comprehensive evaluation (3A or above); this one has none"}
	case !latest.ValidOn(date):
		return &Error{Kind: KindConflict, Code: CodeValidEvaluationRequired,
			Zh: "该机构的综合评估已于 " + latest.ValidUntil + " 过期", En: "the organisation's comprehensive evaluation expired on " + latest.ValidUntil}
	case LevelRank(latest.Level) < LevelRank(MinDemonstrationLevel):
		return &Error{Kind: KindConflict, Code: CodeValidEvaluationRequired,
			Zh: "示范机构的综合评估等级须为 3A 级及以上", En: "a demonstration organisation's evaluation grade must be 3A or above"}
	}
	return nil
}

// CountsAsDemonstration is the dashboard's definition of a demonstration
// organisation on date: an operating social-work agency with status
// demonstration, a domain among the nine demonstration domains, and a
// valid evaluation of at least MinDemonstrationLevel (latest: its latest
// evaluation, nil when none). An agency whose grade expired keeps its
// status but no longer counts.
func CountsAsDemonstration(o *Organisation, latest *OrgEvaluation, date string) bool {
	return o.Status == OrgDemonstration && o.Kind == KindSocialWorkAgency && InDemonstrationDomain(o.Domains) &&
		DemonstrationRefusal(o, latest, date) == nil
}

// IncubationBase is a county's incubation base for social-work agencies
// (社工机构孵化基地): office and service space and start-up money.
type IncubationBase struct {
	ID            string
	CountyCode    string // the county-level division whose civil affairs runs it
	Name          string
	Address       string
	SpaceM2       int   // floor space in square metres
	SeedFundsFen  int64 // start-up money available to incubated organisations
	Operator      string
	OperatorOrgID string // optional: the operator as an organisation of the service
	OpenedOn      string // optional YYYY-MM-DD
	CreatedBy     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Validate checks the base's own fields.
func (b *IncubationBase) Validate() error {
	var p Problems
	if d, ok := LookupDivision(b.CountyCode); !ok || d.Level != LevelCounty {
		p.Add("divisionCode", "须为县（区）级行政区划代码", "must be a county-level division")
	}
	if n := len([]rune(strings.TrimSpace(b.Name))); n < 2 || n > 100 {
		p.Add("name", "名称须为 2–100 个字符", "name must be 2–100 characters")
	}
	if n := len([]rune(strings.TrimSpace(b.Address))); n < 2 || n > 200 {
		p.Add("address", "地址须为 2–200 个字符", "address must be 2–200 characters")
	}
	if b.SpaceM2 < 1 || b.SpaceM2 > 1_000_000 {
		p.Add("spaceM2", "场地面积须为 1–1000000 平方米", "space must be 1–1,000,000 m²")
	}
	if b.SeedFundsFen < 0 || b.SeedFundsFen > 100_000_000_000 {
		p.Add("seedFundsFen", "启动资金须为 0–10 亿元（以分计）", "seed funds must be 0–1,000,000,000 yuan (in fen)")
	}
	if n := len([]rune(strings.TrimSpace(b.Operator))); n < 2 || n > 100 {
		p.Add("operator", "运营方须为 2–100 个字符", "operator must be 2–100 characters")
	}
	if b.OpenedOn != "" {
		if _, err := ParseDate("openedOn", b.OpenedOn); err != nil {
			collectErr(&p, err)
		}
	}
	return p.Err()
}

// Incubation is one organisation incubated at one base; its key (base and
// organisation) is unique, so an organisation is recorded at a base once.
type Incubation struct {
	BaseID           string
	OrganisationID   string
	OrganisationName string
	CountyCode       string
	StartedOn        string // YYYY-MM-DD
	EndedOn          string // YYYY-MM-DD when it graduated or left; "" while incubated
	RecordedBy       string
	RecordedAt       time.Time
}

// ID is the incubation's key: "<base>#<organisation>".
func (i *Incubation) ID() string { return i.BaseID + "#" + i.OrganisationID }

// Validate checks the dates; neither lies after today.
func (i *Incubation) Validate(today string) error {
	var p Problems
	if _, err := ParseDate("startedOn", i.StartedOn); err != nil {
		collectErr(&p, err)
	} else if i.StartedOn > today {
		p.Add("startedOn", "入驻日期不能晚于今天", "the start cannot be in the future")
	}
	if i.EndedOn != "" {
		if _, err := ParseDate("endedOn", i.EndedOn); err != nil {
			collectErr(&p, err)
		} else if i.EndedOn < i.StartedOn {
			p.Add("endedOn", "出壳日期不能早于入驻日期", "the end cannot be before the start")
		} else if i.EndedOn > today {
			p.Add("endedOn", "出壳日期不能晚于今天", "the end cannot be in the future")
		}
	}
	return p.Err()
}

// Commendation is an award or commendation (表彰、表扬、奖励) given by civil affairs
// to a social worker or an organisation. Awards are only added; a wrongly
// entered one is revoked with a reason, and then no longer shown or counted.
type Commendation struct {
	ID            string
	RecipientKind string // award_recipient_kinds
	RecipientID   string // organisation id or the social worker's account id
	RecipientName string
	District      string // the county-level division it is counted in (CityCode when none)
	Title         string
	Level         string // award_levels
	GrantingBody  string
	AwardedOn     string // YYYY-MM-DD
	Citation      string
	DivisionCode  string // the granting civil affairs' division
	GrantedBy     string
	GrantedAt     time.Time
	Revoked       bool
	RevokedReason string
	RevokedBy     string
	RevokedAt     time.Time
}

// Validate checks the award's own fields; today bounds its date.
func (a *Commendation) Validate(today string) error {
	var p Problems
	if n := len([]rune(strings.TrimSpace(a.Title))); n < 2 || n > 100 {
		p.Add("title", "表彰名称须为 2–100 个字符", "title must be 2–100 characters")
	}
	if !AwardLevels.Has(a.Level) {
		p.Add("level", "级别须为 city 或 county", "level must be city or county")
	}
	if n := len([]rune(strings.TrimSpace(a.GrantingBody))); n < 2 || n > 100 {
		p.Add("grantingBody", "授予单位须为 2–100 个字符", "grantingBody must be 2–100 characters")
	}
	if _, err := ParseDate("awardedOn", a.AwardedOn); err != nil {
		collectErr(&p, err)
	} else if a.AwardedOn > today {
		p.Add("awardedOn", "表彰日期不能晚于今天", "the award date cannot be in the future")
	}
	if len([]rune(a.Citation)) > 2000 {
		p.Add("citation", "事迹不超过 2000 字", "citation must be at most 2000 characters")
	}
	return p.Err()
}

// CountsAsAwardIn reports whether the award counts in year's figures:
// not revoked, and awarded that year.
func (a *Commendation) CountsAsAwardIn(year int) bool {
	return !a.Revoked && len(a.AwardedOn) >= 4 && a.AwardedOn[:4] == itoa4(year)
}

func itoa4(y int) string { return strconv.Itoa(y) }
