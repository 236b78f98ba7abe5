package models

import (
	"slices"
	"time"
)

// A division's purchase price table (政府购买服务价格标准): the monthly
// ceiling per post type that purchased projects' salaries must keep under.

// PriceTable is a division's purchase price table (购买服务价格标准): the
// monthly price of each post type from a date. A table is revised every 3
// years (seed); one older than that is flagged for revision.
type PriceTable struct {
	DivisionCode  string           `bson:"divisioncode"`
	EffectiveFrom string           `bson:"effectivefrom"` // YYYY-MM-DD
	MonthlyFen    map[string]int64 `bson:"monthlyfen"`    // post type → monthly price in fen
	CreatedBy     string           `bson:"createdby"`
	CreatedAt     time.Time        `bson:"createdat"`
}

// PriceTablePostTypes are the post types a price table prices: the three
// certificate levels and other paid staff.
var PriceTablePostTypes = []string{"assistant_social_worker", "social_worker", "senior_social_worker", "staff"}

// PriceTableRevisionYears is how often a price table must be revised.
const PriceTableRevisionYears = 3

// Validate checks the table.
func (t *PriceTable) Validate() error {
	var p Problems
	if d, ok := LookupDivision(t.DivisionCode); !ok || (d.Level != LevelCity && d.Level != LevelCounty) {
		p.Add("path.code", "价格标准须属于市或县（区）", "a price table belongs to the city or a county")
	}
	if _, err := ParseDate("effectiveFrom", t.EffectiveFrom); err != nil {
		p.Add("effectiveFrom", "生效日期格式须为 YYYY-MM-DD", "effectiveFrom must be YYYY-MM-DD")
	}
	for _, k := range PriceTablePostTypes {
		v, ok := t.MonthlyFen[k]
		if !ok || v <= 0 || v > 100_000_000 {
			p.Add("monthlyFen."+k, "须为每种岗位填写正数月价格（单位：分，不超过 100 万元）", "each post type needs a positive monthly price (in fen, at most 1 million yuan)")
		}
	}
	for k := range t.MonthlyFen {
		if !slices.Contains(PriceTablePostTypes, k) {
			p.Add("monthlyFen."+k, "未知的岗位类型", "unknown post type")
		}
	}
	return p.Err()
}

// DueForRevision reports whether the table is older than 3 years on day.
func (t *PriceTable) DueForRevision(day time.Time) bool {
	from, err := ParseDate("", t.EffectiveFrom)
	return err == nil && !day.Before(from.AddDate(PriceTableRevisionYears, 0, 0))
}

// SalaryCeilingFen is what the table allows for the team's salaries: the
// monthly price of each paid member's post times its months (the contract's
// months when the member gives none).
func (t *PriceTable) SalaryCeilingFen(team []TeamMember, contractMonths int) int64 {
	var sum int64
	for _, m := range team {
		months := m.Months
		if months == 0 {
			months = contractMonths
		}
		switch m.Post {
		case PostProfessional:
			level := string(m.Level)
			if level == "" {
				level = "assistant_social_worker"
			}
			sum += t.MonthlyFen[level] * int64(months)
		case PostStaff:
			sum += t.MonthlyFen["staff"] * int64(months)
		}
	}
	return sum
}
