package models

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// qualification_eval.go: evaluating a pathway against the dated eligibility rules.

// WorkDuration is an amount of social-work employment: whole calendar
// months of each period, plus leftover days. Leftover days of separate
// periods are added and every 31 count as one more month, so a month is
// never counted that a calendar would not count.
type WorkDuration struct {
	Years  int `json:"years"`
	Months int `json:"months"`
	Days   int `json:"days"`
}

func (d WorkDuration) totalMonths() int { return d.Years*12 + d.Months }

// Eligibility is the answer for one certificate level.
type Eligibility struct {
	Level            CertificateLevel `json:"level"`
	ExamYear         int              `json:"exam_year"`          // this year's exam (Asia/Shanghai)
	EligibleNow      bool             `json:"eligible_now"`       // for the exam of ExamYear
	EarliestExamYear int              `json:"earliest_exam_year"` // 0 when never on current data
	Held             bool             `json:"held"`               // the person already holds this certificate or a higher one
	Rule             *EligibilityRule `json:"rule,omitempty"`     // the row met (or nearest to being met)
	RuleSet          string           `json:"rule_set"`           // RuleSet.ID
	RuleSetSource    string           `json:"rule_set_source"`
	Counted          WorkDuration     `json:"counted"` // verified employment counted to 31 December of ExamYear
	Missing          []Bilingual      `json:"missing,omitempty"`
	Notes            []Bilingual      `json:"notes,omitempty"`
}

// qualHorizon is how many exam years ahead EvaluateEligibility looks for
// the earliest eligible one.
const qualHorizon = 60

// EvaluateEligibility evaluates rules for each level the rule set names
// (assistant, social worker, senior in rank order). Only verified
// employment counts; ongoing employment is counted as continuing to 31
// December of the exam year considered; overlapping periods count once.
// Entries with unreadable dates or codes are skipped and noted.
func EvaluateEligibility(p Pathway, rules RuleSet, today time.Time) []Eligibility {
	year := today.In(Shanghai()).Year()
	in := qualPrepare(p)
	levels := []CertificateLevel{CertAssistant, CertSocialWorker, CertSenior}
	var out []Eligibility
	for _, lvl := range levels {
		var rows []EligibilityRule
		for _, r := range rules.Rules {
			if r.Level == lvl {
				rows = append(rows, r)
			}
		}
		if len(rows) == 0 {
			continue
		}
		e := Eligibility{Level: lvl, ExamYear: year, RuleSet: rules.ID, RuleSetSource: rules.Source,
			Counted: in.duration(0, qualYearEnd(year)), Notes: append([]Bilingual(nil), in.notes...)}
		e.Held = in.holds(lvl, qualYearEnd(year+qualHorizon)) >= 0
		if e.Held {
			e.Notes = append(e.Notes, Bilingual{"已持有该证书或更高等级证书", "already holds this certificate or a higher one"})
		}
		if in.ongoing {
			e.Notes = append(e.Notes, Bilingual{
				fmt.Sprintf("在职经历按持续至 %d 年 12 月 31 日计算", year),
				fmt.Sprintf("ongoing employment is counted as continuing to 31 December %d", year)})
		}
		// Earliest year: the first exam year, from this one, that a row meets.
		for y := year; y <= year+qualHorizon && e.EarliestExamYear == 0; y++ {
			if r, ok := in.bestMet(rows, y); ok {
				e.EarliestExamYear = y
				rr := r
				e.Rule = &rr
			}
		}
		e.EligibleNow = e.EarliestExamYear == year
		if !e.EligibleNow {
			if e.Rule == nil {
				r := in.nearest(rows, year)
				e.Rule = &r
			}
			e.Missing = in.missing(*e.Rule, year)
		}
		out = append(out, e)
	}
	return out
}

// qualInput is a pathway read into civil day numbers.
type qualInput struct {
	edu     []qualEdu
	periods [][2]int64 // verified, merged, [start, end) in civil days
	ongoing bool       // a verified period has no end
	certs   []qualCert
	notes   []Bilingual
}

type qualEdu struct {
	rank int
	sw   bool
	on   int64
}

type qualCert struct {
	rank int
	on   int64
}

// qualOpenEnd stands for "no end yet"; periods are clipped before use.
const qualOpenEnd = int64(1) << 40

// qualDay is the civil day number (days since 1970-01-01) of a date.
func qualDay(t time.Time) int64 {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func qualDate(day int64) time.Time { return time.Unix(day*86400, 0).UTC() }

// qualYearEnd is the exclusive end of the count: the day after 31 December.
func qualYearEnd(year int) int64 { return qualDay(time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC)) }

func qualParse(s string) (int64, bool) {
	t, err := ParseDate("", s)
	if err != nil {
		return 0, false
	}
	return qualDay(t), true
}

func qualEduRank(code string) int {
	for i, t := range EducationLevels.Terms {
		if t.Code == code {
			return i + 1
		}
	}
	return 0
}

func qualEduLabel(code string) Bilingual {
	for _, t := range EducationLevels.Terms {
		if t.Code == code {
			return Bilingual{t.Zh, strings.ToLower(t.En)}
		}
	}
	return Bilingual{code, code}
}

func qualPrepare(p Pathway) qualInput {
	var in qualInput
	skipped := 0
	for _, e := range p.Education {
		r := qualEduRank(e.Level)
		on, ok := qualParse(e.GraduatedOn)
		if r == 0 || !ok {
			skipped++
			continue
		}
		in.edu = append(in.edu, qualEdu{r, e.SocialWorkMajor, on})
	}
	if skipped > 0 {
		in.notes = append(in.notes, Bilingual{
			fmt.Sprintf("%d 条学历缺少有效的学历代码或毕业日期，未计入", skipped),
			fmt.Sprintf("%d education entries without a valid level or graduation date not counted", skipped)})
	}
	skipped = 0
	for _, c := range p.Certificates {
		on, ok := qualParse(c.ObtainedOn)
		if !c.Level.Valid() || !ok {
			skipped++
			continue
		}
		in.certs = append(in.certs, qualCert{c.Level.Rank(), on})
	}
	if skipped > 0 {
		in.notes = append(in.notes, Bilingual{
			fmt.Sprintf("%d 张证书缺少有效的等级或取证日期，未计入", skipped),
			fmt.Sprintf("%d certificates without a valid level or date obtained not counted", skipped)})
	}
	var raw, unverified [][2]int64
	skipped = 0
	for _, e := range p.Employment {
		s, ok := qualParse(e.Start)
		end := qualOpenEnd
		if ok && e.End != "" {
			var ok2 bool
			var last int64
			last, ok2 = qualParse(e.End)
			ok = ok2 && last >= s
			end = last + 1
		}
		if !ok {
			skipped++
			continue
		}
		if !e.Verified {
			unverified = append(unverified, [2]int64{s, end})
			continue
		}
		if e.End == "" {
			in.ongoing = true
		}
		raw = append(raw, [2]int64{s, end})
	}
	if skipped > 0 {
		in.notes = append(in.notes, Bilingual{
			fmt.Sprintf("%d 段工作经历日期无效，未计入", skipped),
			fmt.Sprintf("%d employment periods with invalid dates not counted", skipped)})
	}
	if len(unverified) > 0 {
		in.notes = append(in.notes, Bilingual{
			fmt.Sprintf("%d 段工作经历尚未核实（须由用人单位出具证明），未计入社会工作年限", len(unverified)),
			fmt.Sprintf("%d employment periods are not verified (proof from the employer is needed) and are not counted", len(unverified))})
	}
	in.periods = qualMerge(raw)
	return in
}

// qualMerge sorts and joins overlapping or touching periods.
func qualMerge(ps [][2]int64) [][2]int64 {
	sort.Slice(ps, func(i, j int) bool { return ps[i][0] < ps[j][0] })
	var out [][2]int64
	for _, p := range ps {
		if n := len(out); n > 0 && p[0] <= out[n-1][1] {
			if p[1] > out[n-1][1] {
				out[n-1][1] = p[1]
			}
			continue
		}
		out = append(out, p)
	}
	return out
}

// qualMonths is the whole calendar months from day a to day b (exclusive)
// and the days left over.
func qualMonths(a, b int64) (months, days int) {
	ta, tb := qualDate(a), qualDate(b)
	m := (tb.Year()-ta.Year())*12 + int(tb.Month()-ta.Month())
	for m > 0 && ta.AddDate(0, m, 0).After(tb) {
		m--
	}
	return m, int(b - qualDay(ta.AddDate(0, m, 0)))
}

// duration is the verified employment within [from, to).
func (in qualInput) duration(from, to int64) WorkDuration {
	months, days := 0, 0
	for _, p := range in.periods {
		s, e := max(p[0], from), min(p[1], to)
		if s >= e {
			continue
		}
		m, d := qualMonths(s, e)
		months += m
		days += d
	}
	months += days / 31
	return WorkDuration{Years: months / 12, Months: months % 12, Days: days % 31}
}

// holds is the earliest day a certificate of rank ≥ lvl was obtained
// before end, or -1.
func (in qualInput) holds(lvl CertificateLevel, end int64) int64 {
	best := int64(-1)
	for _, c := range in.certs {
		if c.rank >= lvl.Rank() && c.on < end && (best < 0 || c.on < best) {
			best = c.on
		}
	}
	return best
}

// check evaluates one row for the exam of year: what is missing (empty when
// met) and the shortfall in months of employment, for ranking.
func (in qualInput) check(r EligibilityRule, year int) (missing []Bilingual, shortMonths int) {
	end := qualYearEnd(year)
	eduOK, eduLater := false, false
	for _, e := range in.edu {
		if e.rank >= qualEduRank(r.MinEducation) && (!r.SocialWorkMajor || e.sw) {
			if e.on < end {
				eduOK = true
			} else {
				eduLater = true
			}
		}
	}
	if !eduOK {
		lbl := qualEduLabel(r.MinEducation)
		zh, en := lbl.Zh+"及以上学历", lbl.En+" or higher"
		if r.SocialWorkMajor {
			zh, en = "社会工作专业"+zh, en+" in social work"
		}
		b := Bilingual{"需" + zh, "needs " + en}
		if eduLater {
			b = Bilingual{fmt.Sprintf("需于 %d 年 12 月 31 日前取得%s", year, zh),
				fmt.Sprintf("needs %s obtained by 31 December %d", en, year)}
		}
		missing = append(missing, b)
	}
	from := int64(0)
	if r.Holds != "" {
		obtained := in.holds(r.Holds, end)
		if obtained < 0 {
			lbl := qualLevelLabel(r.Holds)
			missing = append(missing, Bilingual{"需持有" + lbl.Zh + "证书", "needs the " + lbl.En + " certificate"})
			if r.YearsAfterHolds {
				shortMonths = r.Years * 12
				missing = append(missing, Bilingual{
					fmt.Sprintf("取得%s证书后还需 %d 年社会工作年限", lbl.Zh, r.Years),
					fmt.Sprintf("then %d years of social-work employment after obtaining it", r.Years)})
				return missing, shortMonths
			}
		} else if r.YearsAfterHolds {
			from = obtained
		}
	}
	got := in.duration(from, end)
	need := r.Years * 12
	if got.totalMonths() < need {
		short := WorkDuration{}
		m := need - got.totalMonths()
		if got.Days > 0 {
			m--
			short.Days = 31 - got.Days
		}
		short.Years, short.Months = m/12, m%12
		shortMonths = need - got.totalMonths()
		zh, en := qualDurationText(short)
		after := Bilingual{"", ""}
		if r.YearsAfterHolds && r.Holds != "" {
			lbl := qualLevelLabel(r.Holds)
			after = Bilingual{"取得" + lbl.Zh + "证书后", " after obtaining the " + lbl.En + " certificate"}
		}
		missing = append(missing, Bilingual{
			fmt.Sprintf("还需 %s%s社会工作年限（计至 %d 年 12 月 31 日）", zh, after.Zh, year),
			fmt.Sprintf("needs %s more social-work employment%s (counted to 31 December %d)", en, after.En, year)})
	}
	return missing, shortMonths
}

func qualDurationText(d WorkDuration) (zh, en string) {
	var z, e []string
	plural := func(n int, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.Itoa(n) + " " + one + "s"
	}
	if d.Years > 0 {
		z, e = append(z, fmt.Sprintf("%d 年", d.Years)), append(e, plural(d.Years, "year"))
	}
	if d.Months > 0 {
		z, e = append(z, fmt.Sprintf("%d 个月", d.Months)), append(e, plural(d.Months, "month"))
	}
	if d.Days > 0 {
		z, e = append(z, fmt.Sprintf("%d 天", d.Days)), append(e, plural(d.Days, "day"))
	}
	return strings.Join(z, " "), strings.Join(e, " ")
}

// bestMet is the met row for the exam of year with the fewest years
// required; on a tie the most specific (higher education, then social-work
// major), then first in table order.
func (in qualInput) bestMet(rows []EligibilityRule, year int) (EligibilityRule, bool) {
	var best EligibilityRule
	found := false
	better := func(r EligibilityRule) bool {
		if r.Years != best.Years {
			return r.Years < best.Years
		}
		if a, b := qualEduRank(r.MinEducation), qualEduRank(best.MinEducation); a != b {
			return a > b
		}
		return r.SocialWorkMajor && !best.SocialWorkMajor
	}
	for _, r := range rows {
		if m, _ := in.check(r, year); len(m) == 0 && (!found || better(r)) {
			best, found = r, true
		}
	}
	return best, found
}

// nearest is the row closest to being met: one whose education is met
// before one whose is not, then one whose certificate is held, then the
// smallest shortfall of employment, then first in table order.
func (in qualInput) nearest(rows []EligibilityRule, year int) EligibilityRule {
	score := func(r EligibilityRule) [3]int {
		_, short := in.check(r, year)
		s := [3]int{0, 0, short}
		if !in.eduMet(r, qualYearEnd(year)) {
			s[0] = 1
		}
		if r.Holds != "" && in.holds(r.Holds, qualYearEnd(year)) < 0 {
			s[1] = 1
		}
		return s
	}
	best, bestScore := rows[0], score(rows[0])
	for _, r := range rows[1:] {
		if sc := score(r); sc[0] < bestScore[0] || sc[0] == bestScore[0] && (sc[1] < bestScore[1] || sc[1] == bestScore[1] && sc[2] < bestScore[2]) {
			best, bestScore = r, sc
		}
	}
	return best
}

// eduMet reports whether an education obtained before end meets r.
func (in qualInput) eduMet(r EligibilityRule, end int64) bool {
	for _, e := range in.edu {
		if e.rank >= qualEduRank(r.MinEducation) && (!r.SocialWorkMajor || e.sw) && e.on < end {
			return true
		}
	}
	return false
}

func (in qualInput) missing(r EligibilityRule, year int) []Bilingual {
	m, _ := in.check(r, year)
	return m
}

func qualLevelLabel(l CertificateLevel) Bilingual {
	switch l {
	case CertAssistant:
		return Bilingual{"助理社会工作师", "assistant social worker"}
	case CertSocialWorker:
		return Bilingual{"社会工作师", "social worker"}
	case CertSenior:
		return Bilingual{"高级社会工作师", "senior social worker"}
	}
	return Bilingual{string(l), string(l)}
}
