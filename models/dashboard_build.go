package models

import (
	"sort"
	"time"
)

// dashboard_build.go: DashboardBuilder, which counts a snapshot from the
// documents the service feeds it one at a time, by the rules of dashboard.go.

type builderOrg struct {
	district, name string
}

type hoursKey struct{ occurrence, volunteer string }

type hoursBest struct {
	version    int
	hundredths int64
	district   string
	month      string
	domain     string
}

type seriesKey struct{ district, month, domain string }

// DashboardBuilder counts a snapshot from documents fed one at a time.
// Feed evaluations first (the demonstration figure needs them), then
// organisations (social workers, grants and projects look their
// organisation up), funds and applications before grants; the rest in any
// order.
type DashboardBuilder struct {
	date      string
	takenAt   time.Time
	ceYear    int
	city      *DashboardFigures
	districts map[string]*DashboardFigures
	orgs      map[string]builderOrg
	elderCare map[string]*ElderCareLine
	hours     map[hoursKey]hoursBest
	fundDom   map[string]string
	appDom    map[string]string
	series    map[seriesKey]*SeriesPoint
	ceSeen    map[string]bool // district + "\x00" + account, and "city\x00" + account
	flagged   []FlaggedProject
	// Stations cover their township when open and staffed: by the
	// station's own list, or by a counted social worker based there.
	openStations map[string]bool // town → the station lists social workers
	staffedTowns map[string]bool // towns a counted social worker is based at
	stationAreas map[string][]string
	coverage     map[[2]string]*DomainCoverage // district, domain
	prices       map[string]PriceTable         // division → the table in force
	// latestEval is each organisation's latest comprehensive evaluation
	// (AddEvaluation, fed before the organisations; dashboard_recognition.go).
	latestEval map[string]*OrgEvaluation
	reg        *postsBuild // the posts registry (dashboard_posts.go)
}

// NewDashboardBuilder starts a snapshot taken at now.
func NewDashboardBuilder(now time.Time) *DashboardBuilder {
	local := now.In(Shanghai())
	return &DashboardBuilder{date: string(DateOf(now)), takenAt: now.UTC().Truncate(time.Millisecond), ceYear: local.Year(), city: newFigures(),
		districts: map[string]*DashboardFigures{}, orgs: map[string]builderOrg{}, elderCare: map[string]*ElderCareLine{},
		openStations: map[string]bool{}, staffedTowns: map[string]bool{}, stationAreas: map[string][]string{},
		coverage: map[[2]string]*DomainCoverage{}, prices: map[string]PriceTable{},
		hours: map[hoursKey]hoursBest{}, fundDom: map[string]string{}, appDom: map[string]string{},
		series: map[seriesKey]*SeriesPoint{}, ceSeen: map[string]bool{}}
}

// CEYear is the year the snapshot judges continuing education for.
func (b *DashboardBuilder) CEYear() int { return b.ceYear }

func (b *DashboardBuilder) district(code string) *DashboardFigures {
	f := b.districts[code]
	if f == nil {
		f = newFigures()
		b.districts[code] = f
	}
	return f
}

// count applies fn to the district's figures and to the city's.
func (b *DashboardBuilder) count(district string, fn func(*DashboardFigures)) {
	fn(b.district(district))
	fn(b.city)
}

func (b *DashboardBuilder) point(district, month, domain string) *SeriesPoint {
	k := seriesKey{district, month, domain}
	p := b.series[k]
	if p == nil {
		p = &SeriesPoint{District: district, Month: month, Domain: domain}
		b.series[k] = p
	}
	return p
}

func monthOf(t time.Time) string { return t.In(Shanghai()).Format("2006-01") }

// AddOrganisation counts an organisation.
func (b *DashboardBuilder) AddOrganisation(o *Organisation) {
	d := DistrictOf(o.DivisionCode)
	b.orgs[o.ID] = builderOrg{district: d, name: o.Name}
	b.count(d, func(f *DashboardFigures) {
		if CountsAsServiceOrganisation(o) {
			f.ServiceOrganisations++
		}
		if CountsAsDemonstration(o, b.latestEval[o.ID], b.date) {
			f.DemonstrationOrganisations++
		}
	})
	if o.Status.Operating() {
		for _, dom := range o.Domains {
			b.cover(d, dom, func(c *DomainCoverage) { c.Organisations++ })
		}
	}
	if CountsAsElderCareFacility(o) {
		b.elderCare[o.ID] = &ElderCareLine{OrganisationID: o.ID, Name: o.Name, District: d, Beds: o.Beds, Required: RequiredSocialWorkers(o.Beds)}
	}
}

// SocialWorkerDistrict is where a social worker is counted: their
// employer's registration district, else their station's, else their
// base's; CityCode when none is known. employerDivision is the employer's
// registration division ("" when unknown).
func SocialWorkerDistrict(w *SocialWorker, employerDivision string) string {
	if d := DistrictOf(employerDivision); employerDivision != "" && d != CityCode {
		return d
	}
	if d := DistrictOf(w.StationTownCode); d != CityCode {
		return d
	}
	if w.Base != nil {
		if c, ok := DistrictAt(*w.Base); ok {
			return c
		}
	}
	return CityCode
}

// AddSocialWorker counts a social worker (after the organisations).
func (b *DashboardBuilder) AddSocialWorker(w *SocialWorker) {
	if !CountsAsSocialWorker(w) {
		return
	}
	employer := ""
	if o, ok := b.orgs[w.EmployerOrgID]; ok && w.EmployerOrgID != "" {
		employer = o.district
	}
	b.count(SocialWorkerDistrict(w, employer), func(f *DashboardFigures) { f.SocialWorkers++ })
	if l := b.elderCare[w.EmployerOrgID]; l != nil {
		l.Employed++
	}
	if w.StationTownCode != "" {
		b.staffedTowns[w.StationTownCode] = true
	}
	b.countSupervisor(w)
}

// AddStation notes a station: an open one covers its township once a social
// worker is on post there (its own list, or a counted social worker based
// at it); an open station with nobody in it covers nothing (issue 18).
// Counted by Snapshot.
func (b *DashboardBuilder) AddStation(s *Station) {
	if s.Status != StationOpen {
		return
	}
	if d, ok := LookupDivision(s.TownCode); !ok || d.Level != LevelTown {
		return
	}
	b.openStations[s.TownCode] = b.openStations[s.TownCode] || len(s.SocialWorkers) > 0
	b.stationAreas[s.TownCode] = append(b.stationAreas[s.TownCode], s.ServiceAreas...)
}

// AddNeed counts a need by its status, and in the series by the month it
// was created (drafts are not in the series).
func (b *DashboardBuilder) AddNeed(n *Need) {
	d := DistrictOf(n.CommunityCode)
	b.count(d, func(f *DashboardFigures) { f.NeedsByStatus[string(n.Status)]++ })
	if NeedReachedStaffing(n.Status) {
		b.cover(d, n.Domain, func(c *DomainCoverage) { c.NeedsServed++ })
	}
	if NeedPosted(n.Status) {
		b.point(d, monthOf(n.CreatedAt), n.Domain).Needs++
	}
}

// AddHoursRecord takes one version of an hours record. Only verified
// versions count, and of each occurrence and volunteer only the highest
// verified version (the rule of the signed service record): an edit after
// verification supersedes the older version once it is verified itself.
// A record made before its occurrence started does not count.
func (b *DashboardBuilder) AddHoursRecord(r *HoursRecord) {
	if r.Status != HoursVerified || r.BeforeItsOccurrence() {
		return
	}
	if r.VerifiedAt != nil && !r.VerifiedAt.Before(b.takenAt) {
		// Verified after the snapshot's time (while it was being counted):
		// the view's today counts it (TodayCounter), never both.
		return
	}
	k := hoursKey{r.OccurrenceID, r.VolunteerID}
	if cur, ok := b.hours[k]; ok && cur.version >= r.Version {
		return
	}
	month := ""
	if len(r.Date) >= 7 {
		month = r.Date[:7]
	}
	b.hours[k] = hoursBest{version: r.Version, hundredths: hundredths(r.Hours), district: DistrictOf(r.CommunityCode), month: month, domain: r.Domain}
}

// AddFund notes a fund's first domain (a grant's domain when its
// application names none).
func (b *DashboardBuilder) AddFund(f *Fund) {
	if len(f.Domains) > 0 {
		b.fundDom[f.ID] = f.Domains[0]
	}
}

// AddApplication notes an application's first domain and counts a
// government-purchased project holding a grant, flagged or not.
func (b *DashboardBuilder) AddApplication(a *Application) {
	if len(a.Domains) > 0 {
		b.appDom[a.ID] = a.Domains[0]
	}
	if !a.Government || !a.Status.Granted() {
		return
	}
	org := b.orgs[a.OrganisationID]
	d := org.district
	if d == "" {
		d = CityCode
	}
	flagged := len(a.Flags) > 0
	b.count(d, func(f *DashboardFigures) {
		f.PurchasedProjects++
		if flagged {
			f.PurchasedFlagged++
		}
	})
	if flagged {
		p := FlaggedProject{ApplicationID: a.ID, Title: a.Title, OrganisationID: a.OrganisationID, OrganisationName: org.name,
			District: d, Status: string(a.Status)}
		for _, fl := range a.Flags {
			p.Flags = append(p.Flags, fl.Code)
		}
		b.flagged = append(b.flagged, p)
	}
}

// GrantDomain is the domain a grant is counted under: its application's
// first domain, else its fund's first domain ("" when neither has one).
func GrantDomain(applicationDomains, fundDomains []string) string {
	if len(applicationDomains) > 0 {
		return applicationDomains[0]
	}
	if len(fundDomains) > 0 {
		return fundDomains[0]
	}
	return ""
}

// AddGrant counts a grant (after funds and applications): in the grantee
// organisation's district, under GrantDomain, in the month it was made.
func (b *DashboardBuilder) AddGrant(g *Grant) {
	d := b.orgs[g.OrganisationID].district
	if d == "" {
		d = CityCode
	}
	b.count(d, func(f *DashboardFigures) {
		f.Grants++
		f.GrantsFen += g.AmountFen
	})
	domain := b.appDom[g.ID]
	if domain == "" {
		domain = b.fundDom[g.FundID]
	}
	p := b.point(d, monthOf(g.CreatedAt), domain)
	p.Grants++
	p.GrantsFen += g.AmountFen
}

// AddCEMember counts one social-worker membership of an organisation for
// continuing education (after the organisations): a person is counted once
// per district and once in the city, whatever number of organisations
// they belong to.
func (b *DashboardBuilder) AddCEMember(orgID, accountID string, compliant bool) {
	d := b.orgs[orgID].district
	if d == "" {
		return // the organisation is gone
	}
	add := func(key string, f *DashboardFigures) {
		if b.ceSeen[key] {
			return
		}
		b.ceSeen[key] = true
		f.CEPeople++
		if compliant {
			f.CECompliant++
		}
	}
	add(d+"\x00"+accountID, b.district(d))
	add("city\x00"+accountID, b.city)
}

// Snapshot finishes the counting.
func (b *DashboardBuilder) Snapshot() *DashboardSnapshot {
	for _, h := range b.hours {
		b.count(h.district, func(f *DashboardFigures) { f.HoursHundredths += h.hundredths })
		b.point(h.district, h.month, h.domain).HoursHundredths += h.hundredths
	}
	b.hours = map[hoursKey]hoursBest{}
	staffed := func(town string) bool { return b.openStations[town] || b.staffedTowns[town] }
	s := &DashboardSnapshot{Date: b.date, TakenAt: b.takenAt, CEYear: b.ceYear, Targets: Targets2025(),
		Series: []SeriesPoint{}, ElderCare: []ElderCareLine{}, Flagged: b.flagged, Towns: []TownCoverage{}}
	for _, t := range DivisionsAt(LevelTown) {
		tc := TownCoverage{Town: t.Code, District: DistrictOf(t.Code), Status: TownNoStation}
		if _, open := b.openStations[t.Code]; open {
			tc.Status = TownOpenUnstaffed
			if staffed(t.Code) {
				tc.Status = TownStaffed
			}
		}
		s.Towns = append(s.Towns, tc)
	}
	for town := range b.openStations {
		b.count(DistrictOf(town), func(f *DashboardFigures) {
			f.TownsStationOpen++
			if staffed(town) {
				f.TownsWithStation++
			}
		})
	}
	if s.Flagged == nil {
		s.Flagged = []FlaggedProject{}
	}
	b.countPosts(s) // before the coverage: filled posts cover their domain
	s.Coverage = b.snapshotCoverage(staffed)
	b.openStations = map[string]bool{}
	s.PriceTables = b.snapshotPrices()
	for _, l := range b.elderCare {
		l.Compliant = l.Employed >= l.Required
		c := *l
		b.count(l.District, func(f *DashboardFigures) {
			f.ElderCareFacilities++
			if c.Compliant {
				f.ElderCareCompliant++
			}
		})
		s.ElderCare = append(s.ElderCare, c)
	}
	for _, t := range DivisionsAt(LevelTown) {
		b.count(DistrictOf(t.Code), func(f *DashboardFigures) { f.Towns++ })
	}
	for _, c := range DivisionsAt(LevelCounty) {
		s.Districts = append(s.Districts, DistrictFigures{Code: c.Code, Name: c.Name, Figures: *b.district(c.Code)})
	}
	s.CityLevel = *b.district(CityCode)
	s.City = *b.city
	for _, p := range b.series {
		s.Series = append(s.Series, *p)
	}
	sort.Slice(s.Series, func(i, j int) bool {
		a, c := s.Series[i], s.Series[j]
		if a.District != c.District {
			return a.District < c.District
		}
		if a.Month != c.Month {
			return a.Month < c.Month
		}
		return a.Domain < c.Domain
	})
	sort.Slice(s.ElderCare, func(i, j int) bool {
		a, c := s.ElderCare[i], s.ElderCare[j]
		if a.District != c.District {
			return a.District < c.District
		}
		return a.OrganisationID < c.OrganisationID
	})
	sort.Slice(s.Flagged, func(i, j int) bool { return s.Flagged[i].ApplicationID < s.Flagged[j].ApplicationID })
	return s
}
