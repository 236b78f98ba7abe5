package models

import (
	"math"
	"time"
)

// dashboard.go: the civil-affairs dashboard (民政驾驶舱): the city's 2025
// targets, the figures a daily snapshot holds, and the pure rules that
// count them. The service feeds a DashboardBuilder with documents it reads
// page by page (no aggregation pipeline: FerretDB gets $group wrong), and
// a snapshot answers any division's view without reading anything else.
//
// Counting rules (each one is also in docs/dashboard.md):
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
	SocialWorkers              int `bson:"socialworkers"`
	ProfessionalPosts          int `bson:"professionalposts"`
	ServiceOrganisations       int `bson:"serviceorganisations"`
	TownsWithStation           int `bson:"townswithstation"` // every township/street of the city
	DemonstrationOrganisations int `bson:"demonstrationorganisations"`
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
	SocialWorkers              int            `bson:"socialworkers"`              // verified certificates
	ProfessionalPosts          int            `bson:"professionalposts"`          // registered posts filled and confirmed (dashboard_posts.go)
	Posts                      int            `bson:"posts"`                      // registered posts, filled or not
	AllowanceEligible          int            `bson:"allowanceeligible"`          // certified holders of community-platform posts
	ServiceOrganisations       int            `bson:"serviceorganisations"`       // operating social_work_agency
	DemonstrationOrganisations int            `bson:"demonstrationorganisations"` // CountsAsDemonstration: operating agencies of a demonstration domain with a valid 3A+ evaluation
	Towns                      int            `bson:"towns"`                      // townships/streets in the division
	TownsWithStation           int            `bson:"townswithstation"`           // of them, with an open station staffed by a social worker
	NeedsByStatus              map[string]int `bson:"needsbystatus"`
	HoursHundredths            int64          `bson:"hourshundredths"` // verified volunteer hours × 100 (exact sums)
	Grants                     int            `bson:"grants"`
	GrantsFen                  int64          `bson:"grantsfen"`
	ElderCareFacilities        int            `bson:"eldercarefacilities"`
	ElderCareCompliant         int            `bson:"eldercarecompliant"`
	PurchasedProjects          int            `bson:"purchasedprojects"` // government-purchased projects holding a grant
	PurchasedFlagged           int            `bson:"purchasedflagged"`  // of them, with a standing flag
	CEPeople                   int            `bson:"cepeople"`          // social-worker members of organisations registered here
	CECompliant                int            `bson:"cecompliant"`
	TownsStationOpen           int            `bson:"townsstationopen"`     // townships with an open station, staffed or not
	CitySupervisors            int            `bson:"citysupervisors"`      // verified supervisors of the city pool (city row only)
	CountySupervisors          int            `bson:"countysupervisors"`    // verified supervisors of county teams
	ProgrammeSupervisors       int            `bson:"programmesupervisors"` // trained by the "hundred supervisors" programme (city row only)
	Commendations              int            `bson:"commendations"`        // awards given in the snapshot's year, not revoked (CountsAsAwardIn)
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
	return f.SocialWorkers == 0 && f.ProfessionalPosts == 0 && f.Posts == 0 && f.ServiceOrganisations == 0 && f.DemonstrationOrganisations == 0 &&
		f.TownsWithStation == 0 && f.HoursHundredths == 0 && f.Grants == 0 && f.GrantsFen == 0 && f.ElderCareFacilities == 0 &&
		f.PurchasedProjects == 0 && f.CEPeople == 0 && f.TownsStationOpen == 0 && f.Commendations == 0 && f.CountySupervisors == 0 && f.CitySupervisors == 0 && f.needs(func(NeedStatus) bool { return true }) == 0
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
	Code    string           `bson:"code"`
	Name    string           `bson:"name"`
	Figures DashboardFigures `bson:"figures"`
}

// SeriesPoint is one cell of the charts' series: what happened in a
// district, a month (YYYY-MM, Asia/Shanghai) and a domain. Needs are
// counted in the month they were created (drafts left out), verified
// hours in the month of their service date, grants in the month they
// were made.
type SeriesPoint struct {
	District        string `bson:"district"`
	Month           string `bson:"month"`
	Domain          string `bson:"domain"`
	Needs           int    `bson:"needs"`
	HoursHundredths int64  `bson:"hourshundredths"`
	Grants          int    `bson:"grants"`
	GrantsFen       int64  `bson:"grantsfen"`
}

// ElderCareLine is one elder-care facility's staffing against the 1:100
// rule: verified social workers employed there against ceil(beds/100).
type ElderCareLine struct {
	OrganisationID string `bson:"organisationid"`
	Name           string `bson:"name"`
	District       string `bson:"district"`
	Beds           int    `bson:"beds"`
	Required       int    `bson:"required"`
	Employed       int    `bson:"employed"`
	Compliant      bool   `bson:"compliant"`
}

// FlaggedProject is a government-purchased project with a standing flag.
type FlaggedProject struct {
	ApplicationID    string   `bson:"applicationid"`
	Title            string   `bson:"title"`
	OrganisationID   string   `bson:"organisationid"`
	OrganisationName string   `bson:"organisationname"`
	District         string   `bson:"district"`
	Status           string   `bson:"status"`
	Flags            []string `bson:"flags"` // flag codes
}

// DashboardSnapshot is the dashboard's figures on one day; the service
// takes one a day and keeps it under its date.
type DashboardSnapshot struct {
	Date      string            `bson:"date"` // YYYY-MM-DD, Asia/Shanghai: the snapshot's id
	TakenAt   time.Time         `bson:"takenat"`
	CEYear    int               `bson:"ceyear"`    // the year continuing education is judged for
	City      DashboardFigures  `bson:"city"`      // the whole city, the city-level bucket included
	CityLevel DashboardFigures  `bson:"citylevel"` // registered at city level, or of no known district
	Districts []DistrictFigures `bson:"districts"` // every county-level division, by code
	Series    []SeriesPoint     `bson:"series"`    // by district, month, domain
	ElderCare []ElderCareLine   `bson:"eldercare"` // every counted facility
	Flagged   []FlaggedProject  `bson:"flagged"`   // flagged government-purchased projects
	Targets   DashboardTargets  `bson:"targets"`   // the targets in force when it was taken
	Coverage  []DomainCoverage  `bson:"coverage"`  // services by district and key domain (only what has some)
	Towns     []TownCoverage    `bson:"towns"`     // every township: staffed, open but unstaffed, or no station
	// PriceTables are the purchase price tables in force, with the day each
	// became due for revision.
	PriceTables []PriceTableStatus `bson:"pricetables"`
	// The posts registry (dashboard_posts.go).
	PostsByUnitKind []PostTally         `bson:"postsbyunitkind"` // by district and unit kind
	PostsByDomain   []PostTally         `bson:"postsbydomain"`   // by district and domain
	UnitShortfalls  []UnitShortfallLine `bson:"unitshortfalls"`  // units lacking a required department or staffing
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
