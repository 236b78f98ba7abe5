package models

import (
	"math"
	"sort"
	"time"
)

// dashboard.go: the civil-affairs dashboard (民政驾驶舱): the city's 2025
// targets, the figures a daily snapshot holds, and the pure rules that
// count them. The service feeds a DashboardBuilder with documents it reads
// page by page (no aggregation pipeline: FerretDB gets $group wrong), and
// a snapshot answers any division's view without reading anything else.
//
// Counting rules (each one is also in the README, "Dashboard"):
//   - a document belongs to the county-level division (district) its code
//     starts with; a code of the city itself, or none, goes to the
//     city-level bucket (CityCode), counted in the city's total only;
//   - organisations by their registration division; social workers by
//     their employer's registration division, else their station's
//     township, else the district of their base; needs and hours by their
//     community; grants and purchased projects by the grantee
//     organisation's registration division.

// Dashboard indicator codes: the five 2025 targets.
const (
	IndicatorSocialWorkers              = "social_workers"
	IndicatorProfessionalPosts          = "professional_posts"
	IndicatorServiceOrganisations       = "service_organisations"
	IndicatorTownsWithStation           = "towns_with_station"
	IndicatorDemonstrationOrganisations = "demonstration_organisations"
)

// DashboardIndicators lists the indicator codes in display order.
var DashboardIndicators = []string{IndicatorSocialWorkers, IndicatorProfessionalPosts, IndicatorServiceOrganisations,
	IndicatorTownsWithStation, IndicatorDemonstrationOrganisations}

// DashboardTargets are the city-wide targets for 2025 (郑民文〔2022〕7号):
// 10,000 social-work professionals, 2,500 professional posts, 240 service
// organisations, a station in every township/street, 50 demonstration
// organisations.
type DashboardTargets struct {
	SocialWorkers              int
	ProfessionalPosts          int
	ServiceOrganisations       int
	TownsWithStation           int // every township/street of the city
	DemonstrationOrganisations int
}

// Targets2025 are the 2025 targets; the township target is the number of
// township-level divisions of Zhengzhou in the embedded data (208).
func Targets2025() DashboardTargets {
	return DashboardTargets{SocialWorkers: 10000, ProfessionalPosts: 2500, ServiceOrganisations: 240,
		TownsWithStation: len(DivisionsAt(LevelTown)), DemonstrationOrganisations: 50}
}

// Target is the target of one indicator code (0 for an unknown code).
func (t DashboardTargets) Target(code string) int {
	switch code {
	case IndicatorSocialWorkers:
		return t.SocialWorkers
	case IndicatorProfessionalPosts:
		return t.ProfessionalPosts
	case IndicatorServiceOrganisations:
		return t.ServiceOrganisations
	case IndicatorTownsWithStation:
		return t.TownsWithStation
	case IndicatorDemonstrationOrganisations:
		return t.DemonstrationOrganisations
	}
	return 0
}

// ServiceOrganisationKinds are the organisation kinds counted toward the
// 240 social-work service organisations (社会工作服务机构): agencies only,
// not community social organisations, charities or facilities.
var ServiceOrganisationKinds = map[string]bool{"social_work_agency": true}

// ElderCareKind is the organisation kind the 1:100 staffing rule applies to.
const ElderCareKind = "elder_care_facility"

// StationOpen is the station status that counts a township as covered.
const StationOpen = "open"

// CountsAsSocialWorker: a social worker counts toward the target once
// civil affairs has verified their certificate.
func CountsAsSocialWorker(w *SocialWorker) bool { return w != nil && w.Verified() }

// CountsAsProfessionalPost: a verified social worker holding a post title.
func CountsAsProfessionalPost(w *SocialWorker) bool { return CountsAsSocialWorker(w) && w.Post != nil }

// CountsAsServiceOrganisation: an operating social-work service organisation.
func CountsAsServiceOrganisation(o *Organisation) bool {
	return ServiceOrganisationKinds[o.Kind] && o.Status.Operating()
}

// CountsAsElderCareFacility: an operating elder-care facility with beds,
// which the 1 social worker per 100 beds rule applies to.
func CountsAsElderCareFacility(o *Organisation) bool {
	return o.Kind == ElderCareKind && o.Beds > 0 && o.Status.Operating()
}

// NeedPosted: every need but a draft has been posted.
func NeedPosted(s NeedStatus) bool { return s != NeedDraft }

// NeedReachedStaffing: staffed, or further along (in progress, completed,
// evaluated): the "staffed" step of the posted → staffed → completed funnel.
func NeedReachedStaffing(s NeedStatus) bool {
	return s == NeedStaffed || s == NeedInProgress || s == NeedCompleted || s == NeedEvaluated
}

// NeedDone: completed or evaluated.
func NeedDone(s NeedStatus) bool { return s == NeedCompleted || s == NeedEvaluated }

// DashboardFigures are the counts of one district (or the city).
type DashboardFigures struct {
	SocialWorkers              int // verified certificates
	ProfessionalPosts          int // verified, holding a post title
	ServiceOrganisations       int // operating social_work_agency
	DemonstrationOrganisations int // status demonstration, any kind
	Towns                      int // townships/streets in the division
	TownsWithStation           int // of them, with an open station
	NeedsByStatus              map[string]int
	HoursHundredths            int64 // verified volunteer hours × 100 (exact sums)
	Grants                     int
	GrantsFen                  int64
	ElderCareFacilities        int
	ElderCareCompliant         int
	PurchasedProjects          int // government-purchased projects holding a grant
	PurchasedFlagged           int // of them, with a standing flag
	CEPeople                   int // social-worker members of organisations registered here
	CECompliant                int
}

func newFigures() *DashboardFigures {
	f := &DashboardFigures{NeedsByStatus: map[string]int{}}
	for _, c := range NeedStatuses.Codes() {
		f.NeedsByStatus[c] = 0
	}
	return f
}

func (f *DashboardFigures) needs(keep func(NeedStatus) bool) int {
	n := 0
	for s, c := range f.NeedsByStatus {
		if keep(NeedStatus(s)) {
			n += c
		}
	}
	return n
}

// NeedsPosted counts every need that is not a draft.
func (f *DashboardFigures) NeedsPosted() int { return f.needs(NeedPosted) }

// NeedsStaffed counts needs that reached staffing (NeedReachedStaffing).
func (f *DashboardFigures) NeedsStaffed() int { return f.needs(NeedReachedStaffing) }

// NeedsCompleted counts completed and evaluated needs.
func (f *DashboardFigures) NeedsCompleted() int { return f.needs(NeedDone) }

// VerifiedHours is the sum of verified volunteer hours.
func (f *DashboardFigures) VerifiedHours() float64 { return float64(f.HoursHundredths) / 100 }

// Indicator returns the value of an indicator code.
func (f *DashboardFigures) Indicator(code string) int {
	switch code {
	case IndicatorSocialWorkers:
		return f.SocialWorkers
	case IndicatorProfessionalPosts:
		return f.ProfessionalPosts
	case IndicatorServiceOrganisations:
		return f.ServiceOrganisations
	case IndicatorTownsWithStation:
		return f.TownsWithStation
	case IndicatorDemonstrationOrganisations:
		return f.DemonstrationOrganisations
	}
	return 0
}

// empty reports whether nothing was counted (towns aside).
func (f *DashboardFigures) empty() bool {
	return f.SocialWorkers == 0 && f.ProfessionalPosts == 0 && f.ServiceOrganisations == 0 && f.DemonstrationOrganisations == 0 &&
		f.TownsWithStation == 0 && f.HoursHundredths == 0 && f.Grants == 0 && f.GrantsFen == 0 && f.ElderCareFacilities == 0 &&
		f.PurchasedProjects == 0 && f.CEPeople == 0 && f.needs(func(NeedStatus) bool { return true }) == 0
}

// Percent is part/whole in percent, rounded to one decimal place; nil when
// whole is 0.
func Percent(part, whole int64) *float64 {
	if whole == 0 {
		return nil
	}
	p := math.Round(float64(part)*1000/float64(whole)) / 10
	return &p
}

// DistrictFigures are the figures of one county-level division.
type DistrictFigures struct {
	Code    string
	Name    string
	Figures DashboardFigures
}

// SeriesPoint is one cell of the charts' series: what happened in a
// district, a month (YYYY-MM, Asia/Shanghai) and a domain. Needs are
// counted in the month they were created (drafts left out), verified
// hours in the month of their service date, grants in the month they
// were made.
type SeriesPoint struct {
	District        string
	Month           string
	Domain          string
	Needs           int
	HoursHundredths int64
	Grants          int
	GrantsFen       int64
}

// ElderCareLine is one elder-care facility's staffing against the 1:100
// rule: verified social workers employed there against ceil(beds/100).
type ElderCareLine struct {
	OrganisationID string
	Name           string
	District       string
	Beds           int
	Required       int
	Employed       int
	Compliant      bool
}

// FlaggedProject is a government-purchased project with a standing flag.
type FlaggedProject struct {
	ApplicationID    string
	Title            string
	OrganisationID   string
	OrganisationName string
	District         string
	Status           string
	Flags            []string // flag codes
}

// DashboardSnapshot is the dashboard's figures on one day; the service
// takes one a day and keeps it under its date.
type DashboardSnapshot struct {
	Date      string // YYYY-MM-DD, Asia/Shanghai: the snapshot's id
	TakenAt   time.Time
	CEYear    int               // the year continuing education is judged for
	City      DashboardFigures  // the whole city, the city-level bucket included
	CityLevel DashboardFigures  // registered at city level, or of no known district
	Districts []DistrictFigures // every county-level division, by code
	Series    []SeriesPoint     // by district, month, domain
	ElderCare []ElderCareLine   // every counted facility
	Flagged   []FlaggedProject  // flagged government-purchased projects
	Targets   DashboardTargets  // the targets in force when it was taken
}

// DistrictOf is the county-level division that contains code, or CityCode
// for the city itself, an empty or an unknown code.
func DistrictOf(code string) string {
	if len(code) >= 6 {
		if d, ok := LookupDivision(code[:6]); ok && d.Level == LevelCounty {
			return code[:6]
		}
	}
	return CityCode
}

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
// Feed organisations first (social workers, grants and projects look their
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
}

// NewDashboardBuilder starts a snapshot taken at now.
func NewDashboardBuilder(now time.Time) *DashboardBuilder {
	local := now.In(Shanghai())
	return &DashboardBuilder{date: string(DateOf(now)), takenAt: now.UTC(), ceYear: local.Year(), city: newFigures(),
		districts: map[string]*DashboardFigures{}, orgs: map[string]builderOrg{}, elderCare: map[string]*ElderCareLine{},
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
		if o.Status == OrgDemonstration {
			f.DemonstrationOrganisations++
		}
	})
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
	b.count(SocialWorkerDistrict(w, employer), func(f *DashboardFigures) {
		f.SocialWorkers++
		if CountsAsProfessionalPost(w) {
			f.ProfessionalPosts++
		}
	})
	if l := b.elderCare[w.EmployerOrgID]; l != nil {
		l.Employed++
	}
}

// AddStation counts a station: an open one covers its township.
func (b *DashboardBuilder) AddStation(s *Station) {
	if s.Status != StationOpen {
		return
	}
	if d, ok := LookupDivision(s.TownCode); !ok || d.Level != LevelTown {
		return
	}
	b.count(DistrictOf(s.TownCode), func(f *DashboardFigures) { f.TownsWithStation++ })
}

// AddNeed counts a need by its status, and in the series by the month it
// was created (drafts are not in the series).
func (b *DashboardBuilder) AddNeed(n *Need) {
	d := DistrictOf(n.CommunityCode)
	b.count(d, func(f *DashboardFigures) { f.NeedsByStatus[string(n.Status)]++ })
	if NeedPosted(n.Status) {
		b.point(d, monthOf(n.CreatedAt), n.Domain).Needs++
	}
}

// AddHoursRecord takes one version of an hours record. Only verified
// versions count, and of each occurrence and volunteer only the highest
// verified version (the rule of the signed service record): an edit after
// verification supersedes the older version once it is verified itself.
func (b *DashboardBuilder) AddHoursRecord(r *HoursRecord) {
	if r.Status != HoursVerified {
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
	s := &DashboardSnapshot{Date: b.date, TakenAt: b.takenAt, CEYear: b.ceYear, Targets: Targets2025(),
		Series: []SeriesPoint{}, ElderCare: []ElderCareLine{}, Flagged: b.flagged}
	if s.Flagged == nil {
		s.Flagged = []FlaggedProject{}
	}
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
