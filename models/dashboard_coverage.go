package models

import "sort"

// dashboard_coverage.go: what the seed asks to be covered besides the five
// targets: social-work services in every civil-affairs field (民政领域全
// 覆盖) and the key domains of social governance (社会治理重点领域基本覆
// 盖), district by district; township stations that are staffed against
// those merely open; and the supervisors of the city pool and the county
// teams against the "hundred supervisors" programme.

// DomainCoverage is one district's social-work services in one key domain
// (a Domains code): needs of the domain that reached staffing, operating
// organisations serving it, filled and confirmed posts in it, and open,
// staffed stations serving a civil-affairs field that maps onto it.
type DomainCoverage struct {
	District      string `bson:"district"`
	Domain        string `bson:"domain"`
	NeedsServed   int    `bson:"needsserved"`
	Organisations int    `bson:"organisations"`
	Posts         int    `bson:"posts"`
	Stations      int    `bson:"stations"`
}

// Covered reports whether any service exists.
func (c DomainCoverage) Covered() bool {
	return c.NeedsServed+c.Organisations+c.Posts+c.Stations > 0
}

func (c *DomainCoverage) add(o DomainCoverage) {
	c.NeedsServed += o.NeedsServed
	c.Organisations += o.Organisations
	c.Posts += o.Posts
	c.Stations += o.Stations
}

// Coverage kinds: the civil-affairs fields (StationServiceAreas) and the
// key domains of social governance (Domains).
const (
	CoverageCivilAffairsField = "civil_affairs_field"
	CoverageKeyDomain         = "key_domain"
)

// CoverageRow is one field or domain across the districts of a view.
type CoverageRow struct {
	Kind             string // CoverageCivilAffairsField or CoverageKeyDomain
	Code             string // a StationServiceAreas or Domains code
	Cells            []CoverageCell
	DistrictsCovered int
}

// CoverageCell is one district's services in a row's field or domain.
type CoverageCell struct {
	District string
	DomainCoverage
	Covered bool
}

func (b *DashboardBuilder) cover(district, domain string, fn func(*DomainCoverage)) {
	if !Domains.Has(domain) {
		return
	}
	k := [2]string{district, domain}
	c := b.coverage[k]
	if c == nil {
		c = &DomainCoverage{District: district, Domain: domain}
		b.coverage[k] = c
	}
	fn(c)
}

// CoverPost counts a filled, confirmed post of domain in district toward
// the coverage by domain.
func (b *DashboardBuilder) CoverPost(district, domain string) {
	b.cover(district, domain, func(c *DomainCoverage) { c.Posts++ })
}

// countSupervisor counts a supervisor of the city pool or a county team.
func (b *DashboardBuilder) countSupervisor(w *SocialWorker) {
	if !w.Supervisor || !w.Verified() {
		return
	}
	if w.SupervisorCohort > 0 {
		b.city.ProgrammeSupervisors++
	}
	if w.SupervisorTier == SupervisorTierCounty {
		b.count(DistrictOf(w.SupervisorCounty), func(f *DashboardFigures) { f.CountySupervisors++ })
		return
	}
	b.city.CitySupervisors++
}

// snapshotCoverage adds the staffed stations' fields and lists the
// coverage by district and domain (only what has something).
func (b *DashboardBuilder) snapshotCoverage(staffed func(town string) bool) []DomainCoverage {
	for town, areas := range b.stationAreas {
		if !staffed(town) {
			continue
		}
		seen := map[string]bool{}
		for _, a := range areas {
			for _, d := range StationServiceAreaMapsTo(a) {
				if !seen[d] {
					seen[d] = true
					b.cover(DistrictOf(town), d, func(c *DomainCoverage) { c.Stations++ })
				}
			}
		}
	}
	out := make([]DomainCoverage, 0, len(b.coverage))
	for _, c := range b.coverage {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].District != out[j].District {
			return out[i].District < out[j].District
		}
		return out[i].Domain < out[j].Domain
	})
	return out
}

// coverageRows is the coverage of the districts of a view: first the five
// civil-affairs fields (a field counts what its key domains count, see
// StationServiceAreaMapsTo), then the twenty key domains.
func (s *DashboardSnapshot) coverageRows(districts []string) []CoverageRow {
	byKey := map[[2]string]DomainCoverage{}
	for _, c := range s.Coverage {
		byKey[[2]string{c.District, c.Domain}] = c
	}
	row := func(kind, code string, domains []string) CoverageRow {
		r := CoverageRow{Kind: kind, Code: code, Cells: []CoverageCell{}}
		for _, d := range districts {
			cell := CoverageCell{District: d}
			cell.Domain = code
			for _, dom := range domains {
				cell.add(byKey[[2]string{d, dom}])
			}
			cell.District = d
			cell.Covered = cell.DomainCoverage.Covered()
			if cell.Covered {
				r.DistrictsCovered++
			}
			r.Cells = append(r.Cells, cell)
		}
		return r
	}
	var out []CoverageRow
	for _, a := range StationServiceAreas.Codes() {
		out = append(out, row(CoverageCivilAffairsField, a, StationServiceAreaMapsTo(a)))
	}
	for _, d := range Domains.Codes() {
		out = append(out, row(CoverageKeyDomain, d, []string{d}))
	}
	return out
}

// TownCoverage is one township's station as the dashboard counts it.
type TownCoverage struct {
	Town     string `bson:"town"`
	District string `bson:"district"`
	Status   string `bson:"status"` // TownStaffed, TownOpenUnstaffed or TownNoStation
}

// Township coverage states.
const (
	TownStaffed       = "staffed"        // an open station with a social worker on post: counts
	TownOpenUnstaffed = "open_unstaffed" // open, nobody on post: does not count
	TownNoStation     = "no_station"     // no open station
)
