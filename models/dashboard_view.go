package models

import (
	"sort"
	"time"
)

// dashboard_view.go: one division's view of a snapshot: its districts, the
// total row, the indicators against the 2025 targets, the map and series.

// DashboardView is what one division's civil affairs sees of a snapshot.
type DashboardView struct {
	Division     string
	DivisionName string
	Date         string
	TakenAt      time.Time
	CEYear       int
	Targets      DashboardTargets
	// Rows: the districts of the scope, and for the city a last row for
	// what is registered at city level or in no known district, when any.
	Rows  []DashboardRow
	Total DashboardRow // the scope: the city, or the one district
	// Series sums the scope's districts by month and domain (District empty).
	Series                []SeriesPoint
	Map                   []MapArea
	NonCompliantElderCare []ElderCareLine
	FlaggedProjects       []FlaggedProject
	// Coverage is the services in each civil-affairs field and key domain,
	// per district of the scope; Towns is every township of the scope with
	// its station's state (staffed, open but unstaffed, none).
	Coverage []CoverageRow
	Towns    []TownCoverage
	// PriceTables are the tables pricing the scope's purchases.
	PriceTables []PriceTableStatus
	// The posts registry: posts by unit kind and by domain summed over the
	// scope (District empty), and the units lacking what the seed requires.
	PostsByUnitKind []PostTally
	PostsByDomain   []PostTally
	UnitShortfalls  []UnitShortfallLine
	// Today is what was verified after the snapshot, read live with the view
	// (never cached with it).
	Today DashboardToday
}

// DashboardRow is one row of the dashboard table.
type DashboardRow struct {
	Code       string
	Name       string
	Figures    DashboardFigures
	Indicators []Indicator
}

// Indicator is one target figure of a row. Targets are city-wide: the
// city's row shows progress against them; a district's row shows its
// share of the city's figure and of the city's target. The township
// target applies everywhere (every township a station), so every row
// also shows its own station coverage.
type Indicator struct {
	Code           string
	Value          int
	Target         int      // the city's 2025 target; a district's own townships for towns_with_station; else 0
	ProgressPct    *float64 // Value / Target
	SharePct       *float64 // district rows: Value / the city's value
	TargetSharePct *float64 // district rows: Value / the city's target
}

// MapArea is one district's map data.
type MapArea struct {
	Code             string
	Name             string
	Towns            int
	TownsWithStation int
	CoveragePct      *float64
	NeedsPosted      int
}

// ValidateDashboardDivision checks that code is the city or a county-level division.
func ValidateDashboardDivision(field, code string) error {
	d, ok := LookupDivision(code)
	if !ok || (d.Level != LevelCity && d.Level != LevelCounty) {
		return Invalid(field, "须为郑州市（4101）或区县代码", "must be the city (4101) or a county-level division")
	}
	return nil
}

// View is the snapshot as seen for division (the city or a county-level
// division; see ValidateDashboardDivision).
func (s *DashboardSnapshot) View(division string) (*DashboardView, error) {
	if err := ValidateDashboardDivision("query.division", division); err != nil {
		return nil, err
	}
	d, _ := LookupDivision(division)
	v := &DashboardView{Division: division, DivisionName: d.Name, Date: s.Date, TakenAt: s.TakenAt, CEYear: s.CEYear, Targets: s.Targets,
		Rows: []DashboardRow{}, Series: []SeriesPoint{}, Map: []MapArea{}, NonCompliantElderCare: []ElderCareLine{}, FlaggedProjects: []FlaggedProject{}}
	city := division == CityCode
	inScope := func(district string) bool { return city || district == division }
	for _, df := range s.Districts {
		if !inScope(df.Code) {
			continue
		}
		v.Rows = append(v.Rows, s.row(df.Code, df.Name, df.Figures, false))
		f := df.Figures
		v.Map = append(v.Map, MapArea{Code: df.Code, Name: df.Name, Towns: f.Towns, TownsWithStation: f.TownsWithStation,
			CoveragePct: Percent(int64(f.TownsWithStation), int64(f.Towns)), NeedsPosted: f.NeedsPosted()})
	}
	if city {
		if !s.CityLevel.empty() {
			v.Rows = append(v.Rows, s.row(CityCode, "市本级及未归属区县", s.CityLevel, false))
		}
		v.Total = s.row(CityCode, d.Name, s.City, true)
	} else if len(v.Rows) == 1 {
		v.Total = v.Rows[0]
	}
	sum := map[[2]string]*SeriesPoint{}
	var keys [][2]string
	for _, p := range s.Series {
		if !inScope(p.District) {
			continue
		}
		k := [2]string{p.Month, p.Domain}
		q := sum[k]
		if q == nil {
			q = &SeriesPoint{Month: p.Month, Domain: p.Domain}
			sum[k] = q
			keys = append(keys, k)
		}
		q.Needs += p.Needs
		q.HoursHundredths += p.HoursHundredths
		q.Grants += p.Grants
		q.GrantsFen += p.GrantsFen
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	for _, k := range keys {
		v.Series = append(v.Series, *sum[k])
	}
	for _, l := range s.ElderCare {
		if inScope(l.District) && !l.Compliant {
			v.NonCompliantElderCare = append(v.NonCompliantElderCare, l)
		}
	}
	for _, p := range s.Flagged {
		if inScope(p.District) {
			v.FlaggedProjects = append(v.FlaggedProjects, p)
		}
	}
	var districts []string
	for _, df := range s.Districts {
		if inScope(df.Code) {
			districts = append(districts, df.Code)
		}
	}
	v.Coverage = s.coverageRows(districts)
	v.PriceTables = s.pricesInScope(division)
	v.Towns = []TownCoverage{}
	for _, t := range s.Towns {
		if inScope(t.District) {
			v.Towns = append(v.Towns, t)
		}
	}
	s.postsView(v, inScope)
	return v, nil
}

// row builds a table row; cityRow marks the city's total.
func (s *DashboardSnapshot) row(code, name string, f DashboardFigures, cityRow bool) DashboardRow {
	r := DashboardRow{Code: code, Name: name, Figures: f}
	for _, c := range DashboardIndicators {
		in := Indicator{Code: c, Value: f.Indicator(c)}
		target := int64(s.Targets.Target(c))
		switch {
		case cityRow:
			in.Target = int(target)
			in.ProgressPct = Percent(int64(in.Value), target)
		default:
			in.SharePct = Percent(int64(in.Value), int64(s.City.Indicator(c)))
			in.TargetSharePct = Percent(int64(in.Value), target)
			if c == IndicatorTownsWithStation {
				in.Target = f.Towns
				in.ProgressPct = Percent(int64(in.Value), int64(f.Towns))
			}
		}
		r.Indicators = append(r.Indicators, in)
	}
	return r
}
