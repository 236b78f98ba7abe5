package models

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"
)

// Continuing education (继续教育) for practitioners: a local yearly rule
// and the national rule per registration period, both dated data.
// Sources: ../shared/qualification-rules.md.

// TrainingCategoryDegree is the category of a completed degree, which the
// national rule counts as a fixed number of hours once per period.
const TrainingCategoryDegree = "degree"

// TrainingRecord is one piece of continuing education: hours on a date
// (YYYY-MM-DD); only verified records count.
type TrainingRecord struct {
	Hours    float64 `json:"hours"`
	On       string  `json:"on"`
	Verified bool    `json:"verified"`
	Category string  `json:"category"`
}

// CEBasis is the period a CE rule counts over.
type CEBasis string

const (
	CECalendarYear       CEBasis = "calendar_year"       // 1 January – 31 December
	CERegistrationPeriod CEBasis = "registration_period" // PeriodYears from the registration date
)

// CE rule scopes.
const (
	CEScopeLocal    = "local"
	CEScopeNational = "national"
)

// CERule is one continuing-education requirement in force from
// EffectiveFrom: Hours in each period (HoursByLevel overrides it for a
// certificate level). DegreeHours > 0 counts a verified completed degree
// (category TrainingCategoryDegree) as that many hours, once per period,
// instead of its recorded hours; with 0 a degree counts its recorded hours.
type CERule struct {
	ID            string                       `json:"id"`
	Scope         string                       `json:"scope"`              // CEScopeLocal or CEScopeNational
	Division      string                       `json:"division,omitempty"` // administrative division of a local rule
	EffectiveFrom string                       `json:"effective_from"`
	Source        string                       `json:"source"`
	Basis         CEBasis                      `json:"basis"`
	PeriodYears   int                          `json:"period_years"`
	Hours         float64                      `json:"hours"`
	HoursByLevel  map[CertificateLevel]float64 `json:"hours_by_level,omitempty"`
	DegreeHours   float64                      `json:"degree_hours,omitempty"`
	Zh            string                       `json:"zh"`
	En            string                       `json:"en"`
}

// Required is the hours the rule asks of a holder of level (0: none).
func (r CERule) Required(level CertificateLevel) float64 {
	if h, ok := r.HoursByLevel[level]; ok {
		return h
	}
	return r.Hours
}

// CERules is every known CE rule, of both scopes.
type CERules []CERule

// InForce is the rule of scope with the latest EffectiveFrom on or before
// the Asia/Shanghai date of t.
func (rs CERules) InForce(scope string, t time.Time) (CERule, bool) {
	day := DateOf(t)
	var best CERule
	found := false
	for _, r := range rs {
		if r.Scope != scope {
			continue
		}
		if _, err := ParseDate("", r.EffectiveFrom); err != nil || Date(r.EffectiveFrom) > day {
			continue
		}
		if !found || r.EffectiveFrom > best.EffectiveFrom {
			best, found = r, true
		}
	}
	return best, found
}

// CurrentCERules: Zhengzhou's 60 hours a year (郑民文〔2022〕7号 §7, dated
// by its publication, 2022-02-11) and the national 72 / 90 hours per
// 3-year registration period (民发〔2009〕123号, issued 2009-09-07; one
// secondary site says 70 h for the assistant level).
var CurrentCERules = CERules{
	{ID: "zhengzhou-2022", Scope: CEScopeLocal, Division: "4101", EffectiveFrom: "2022-02-11",
		Source: "郑民文〔2022〕7号 第七条", Basis: CECalendarYear, PeriodYears: 1, Hours: 60,
		Zh: "社会工作从业人员每年度接受继续教育累计不少于 60 学时",
		En: "social-work practitioners take at least 60 hours of continuing education each year"},
	{ID: "national-2009", Scope: CEScopeNational, EffectiveFrom: "2009-09-07",
		Source: "《社会工作者继续教育办法》民发〔2009〕123号", Basis: CERegistrationPeriod, PeriodYears: 3,
		HoursByLevel: map[CertificateLevel]float64{CertAssistant: 72, CertSocialWorker: 90, CertSenior: 90},
		DegreeHours:  90,
		Zh:           "每个登记有效期（3 年）内：助理社会工作师不少于 72 学时，社会工作师、高级社会工作师不少于 90 学时；取得学历学位的计 90 学时一次",
		En:           "in each 3-year registration period: at least 72 hours for an assistant social worker, 90 for a social worker or senior social worker; a completed degree counts 90 hours once"},
}

// CEYear is the verified (and, apart, unverified) hours of one calendar year.
type CEYear struct {
	Year       int     `json:"year"`
	Hours      float64 `json:"hours"`
	Unverified float64 `json:"unverified"`
}

// CEPeriod is one rule applied to one period (dates inclusive).
type CEPeriod struct {
	RuleID        string      `json:"rule_id"`
	Source        string      `json:"source"`
	Start         string      `json:"start"`
	End           string      `json:"end"`
	Required      float64     `json:"required"`
	Hours         float64     `json:"hours"` // verified, the degree included as the rule counts it
	DegreeCounted bool        `json:"degree_counted"`
	Compliant     bool        `json:"compliant"`
	InProgress    bool        `json:"in_progress"` // ends after 31 December of the report's year
	Missing       []Bilingual `json:"missing,omitempty"`
}

// CEReport is a person's continuing education for one year.
type CEReport struct {
	Year     int              `json:"year"`
	Level    CertificateLevel `json:"level,omitempty"`
	Yearly   []CEYear         `json:"yearly"`             // every year with records, ascending
	Local    *CEPeriod        `json:"local,omitempty"`    // the local rule for Year; nil when none is in force
	National []CEPeriod       `json:"national,omitempty"` // registration periods that overlap Year
	Notes    []Bilingual      `json:"notes,omitempty"`
}

// ceHours is hours in hundredths, so sums are exact.
func ceHours(h float64) int64 { return int64(math.Round(h * 100)) }

func ceFloat(c int64) float64 { return float64(c) / 100 }

func ceText(c int64) string { return strconv.FormatFloat(ceFloat(c), 'f', -1, 64) }

type ceRec struct {
	day      int64
	hours    int64
	verified bool
	degree   bool
}

// CEStatus reports records against rules for year: verified yearly totals,
// the local rule in force on 31 December of year, and the national rule in
// force on that day applied to each registration period (from
// registeredOn, YYYY-MM-DD) that overlaps year. Unverified records and
// records with invalid dates or hours are not counted, and are noted.
func CEStatus(records []TrainingRecord, level CertificateLevel, registeredOn string, year int, rules CERules) CEReport {
	rep := CEReport{Year: year, Level: level}
	yearStart, yearEnd := qualYearEnd(year-1), qualYearEnd(year)
	lastDay := time.Date(year, 12, 31, 12, 0, 0, 0, Shanghai()) // rules are read as in force on 31 December

	var recs []ceRec
	byYear := map[int]*CEYear{}
	bad := 0
	var unverifiedYear int64
	for _, r := range records {
		t, err := ParseDate("", r.On)
		if err != nil || math.IsNaN(r.Hours) || math.IsInf(r.Hours, 0) || r.Hours < 0 {
			bad++
			continue
		}
		c := ceRec{day: qualDay(t), hours: ceHours(r.Hours), verified: r.Verified, degree: r.Category == TrainingCategoryDegree}
		y := byYear[t.Year()]
		if y == nil {
			y = &CEYear{Year: t.Year()}
			byYear[t.Year()] = y
		}
		if r.Verified {
			y.Hours = ceFloat(ceHours(y.Hours) + c.hours)
		} else {
			y.Unverified = ceFloat(ceHours(y.Unverified) + c.hours)
			if c.day >= yearStart && c.day < yearEnd {
				unverifiedYear += c.hours
			}
		}
		recs = append(recs, c)
	}
	for _, y := range byYear {
		rep.Yearly = append(rep.Yearly, *y)
	}
	sort.Slice(rep.Yearly, func(i, j int) bool { return rep.Yearly[i].Year < rep.Yearly[j].Year })
	if bad > 0 {
		rep.Notes = append(rep.Notes, Bilingual{
			fmt.Sprintf("%d 条培训记录的日期或学时无效，未计入", bad),
			fmt.Sprintf("%d training records with an invalid date or hours not counted", bad)})
	}
	if unverifiedYear > 0 {
		rep.Notes = append(rep.Notes, Bilingual{
			fmt.Sprintf("%d 年另有 %s 学时尚未核实，未计入", year, ceText(unverifiedYear)),
			fmt.Sprintf("%s more hours in %d are not verified and not counted", ceText(unverifiedYear), year)})
	}

	if r, ok := rules.InForce(CEScopeLocal, lastDay); ok {
		p := cePeriod(r, recs, level, yearStart, yearEnd, yearEnd)
		rep.Local = &p
	} else {
		rep.Notes = append(rep.Notes, Bilingual{
			fmt.Sprintf("%d 年无有效的地方继续教育规定", year),
			fmt.Sprintf("no local continuing-education rule in force in %d", year)})
	}

	r, ok := rules.InForce(CEScopeNational, lastDay)
	reg, regErr := ParseDate("", registeredOn)
	switch {
	case !ok:
		rep.Notes = append(rep.Notes, Bilingual{
			fmt.Sprintf("%d 年无有效的全国继续教育规定", year),
			fmt.Sprintf("no national continuing-education rule in force in %d", year)})
	case !level.Valid():
		rep.Notes = append(rep.Notes, Bilingual{"未持有社会工作者职业水平证书，全国登记周期要求不适用",
			"holds no social-work certificate: the national registration-period rule does not apply"})
	case regErr != nil:
		rep.Notes = append(rep.Notes, Bilingual{"缺少有效的证书登记日期，无法计算登记周期",
			"no valid registration date: the registration periods cannot be computed"})
	default:
		n := max(r.PeriodYears, 1)
		if r.Basis == CECalendarYear {
			reg = time.Date(reg.Year(), 1, 1, 0, 0, 0, 0, Shanghai())
		}
		for k := 0; ; k++ {
			s, e := qualDay(reg.AddDate(n*k, 0, 0)), qualDay(reg.AddDate(n*(k+1), 0, 0))
			if s >= yearEnd {
				break
			}
			if e > yearStart {
				rep.National = append(rep.National, cePeriod(r, recs, level, s, e, yearEnd))
			}
		}
		if len(rep.National) == 0 {
			rep.Notes = append(rep.Notes, Bilingual{
				fmt.Sprintf("证书登记日期晚于 %d 年", year),
				fmt.Sprintf("the certificate was registered after %d", year)})
		}
	}
	return rep
}

// cePeriod applies r to the verified records in [s, e); reportEnd is the
// exclusive end of the report's year.
func cePeriod(r CERule, recs []ceRec, level CertificateLevel, s, e, reportEnd int64) CEPeriod {
	var total int64
	degree := false
	for _, c := range recs {
		if !c.verified || c.day < s || c.day >= e {
			continue
		}
		if c.degree && r.DegreeHours > 0 {
			degree = true
			continue
		}
		total += c.hours
	}
	if degree {
		total += ceHours(r.DegreeHours)
	}
	req := ceHours(r.Required(level))
	p := CEPeriod{RuleID: r.ID, Source: r.Source,
		Start: qualDate(s).Format(DateLayout), End: qualDate(e - 1).Format(DateLayout),
		Required: ceFloat(req), Hours: ceFloat(total), DegreeCounted: degree,
		Compliant: total >= req, InProgress: e > reportEnd}
	if !p.Compliant {
		p.Missing = append(p.Missing, Bilingual{
			fmt.Sprintf("还需 %s 学时（%s 至 %s 已核实 %s / %s 学时）", ceText(req-total), p.Start, p.End, ceText(total), ceText(req)),
			fmt.Sprintf("needs %s more hours (%s of %s verified, %s to %s)", ceText(req-total), ceText(total), ceText(req), p.Start, p.End)})
	}
	return p
}
