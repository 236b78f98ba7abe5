package models

import (
	"sort"
	"time"
)

// dashboard_prices.go: the purchase price tables in force and whether they
// are due for revision (seed §(八): 购买标准原则上每3年调整一次). A table
// more than 3 years old flags the purchased projects priced by it; the
// dashboard also names the divisions whose table is due, so that civil
// affairs sees the duty itself and not only its projects.

// PriceTableStatus is a division's table in force on the snapshot's day.
type PriceTableStatus struct {
	Division      string `bson:"division"`
	EffectiveFrom string `bson:"effectivefrom"`
	DueSince      string `bson:"duesince"` // the day it became due for revision ("" when not yet)
}

// AddPriceTable notes a version of a division's price table; the one in
// force on the snapshot's day is kept.
func (b *DashboardBuilder) AddPriceTable(t *PriceTable) {
	if t.EffectiveFrom > b.date {
		return
	}
	if cur, ok := b.prices[t.DivisionCode]; ok && cur.EffectiveFrom >= t.EffectiveFrom {
		return
	}
	b.prices[t.DivisionCode] = *t
}

func (b *DashboardBuilder) snapshotPrices() []PriceTableStatus {
	out := make([]PriceTableStatus, 0, len(b.prices))
	day, _ := time.ParseInLocation(time.DateOnly, b.date, Shanghai())
	for code, t := range b.prices {
		st := PriceTableStatus{Division: code, EffectiveFrom: t.EffectiveFrom}
		if t.DueForRevision(day) {
			from, _ := ParseDate("", t.EffectiveFrom)
			st.DueSince = from.AddDate(PriceTableRevisionYears, 0, 0).Format(time.DateOnly)
		}
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Division < out[j].Division })
	return out
}

// pricesInScope is the tables that price purchases in the view's scope:
// every table for the city's view, the county's own and the city's for a
// county's.
func (s *DashboardSnapshot) pricesInScope(division string) []PriceTableStatus {
	out := []PriceTableStatus{}
	for _, p := range s.PriceTables {
		if division == CityCode || p.Division == CityCode || WithinDivision(p.Division, division) {
			out = append(out, p)
		}
	}
	return out
}
