package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/parties"
)

// city.go draws the demo city in memory: organisations, stations,
// social workers, volunteers and needs on the real divisions and district
// outlines (needs.go and logins.go the rest). seed.go inserts it.

type demoPerson struct {
	account *models.Account
	member  *models.Member // the organisation membership, if any
}

type demoWorker struct {
	demoPerson
	profile *models.SocialWorker
}

type demoVolunteer struct {
	demoPerson
	profile *models.Volunteer
}

type demoCity struct {
	funds       []*models.Fund
	priceTables []*models.PriceTable
	orgs        []*models.Organisation
	stations    []*models.Station
	workers     []demoWorker
	volunteers  []demoVolunteer
	needs       []*models.Need
	pastShifts  []demoPastShift
	admins      []demoPerson    // in insertion order, the city account last
	recognition demoRecognition // evaluations, incubation bases, awards (recognition.go)
	// The posts registry (posts.go).
	units    []*models.EmployingUnit
	posts    []*models.Post
	holdings []*models.PostHolding
	logins   []Login
}

// demoPlanner draws the city one kind of object after another; later
// kinds refer to earlier ones (stations to agencies, social workers to
// employers and stations, needs to volunteers' homes).
type demoPlanner struct {
	opts  Options
	hash  string
	geo   *demoGeo
	now   time.Time // of every CreatedAt
	today time.Time // midnight in Asia/Shanghai; needs start from tomorrow
	city  *demoCity

	agencies         map[string][]*models.Organisation // operating social-work agencies by county: station operators
	employers        map[string][]*models.Organisation // organisations that employ social workers, by county
	allEmployers     []*models.Organisation
	stationsByCounty map[string][]*models.Station
}

// planCity draws the city for opts; hash is every account's password hash.
func planCity(opts Options, hash string) (*demoCity, error) {
	loc := models.Shanghai()
	y, m, d := opts.Now.In(loc).Date()
	p := &demoPlanner{opts: opts, hash: hash, geo: demoGeography(), now: opts.Now.UTC().Truncate(time.Millisecond),
		today: time.Date(y, m, d, 0, 0, 0, 0, loc), city: &demoCity{}, agencies: map[string][]*models.Organisation{},
		employers: map[string][]*models.Organisation{}, stationsByCounty: map[string][]*models.Station{}}
	for _, step := range []func() error{p.organisations, p.stations, p.socialWorkers, p.volunteers, p.needs, p.pastShifts, p.logins, p.money, p.recognition, p.posts} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return p.city, nil
}

func demoDate(t time.Time) string { return t.Format(models.DateLayout) }

// demoDay is a day among the days from from on.
func demoDay(r *rand.Rand, from time.Time, days int) time.Time {
	return from.AddDate(0, 0, r.IntN(days))
}

func demoNotAfter(t, last time.Time) time.Time {
	if t.After(last) {
		return last
	}
	return t
}

func (p *demoPlanner) account(id, phone, name string, role models.RoleBinding) *models.Account {
	return &models.Account{ID: id, Phone: phone, Name: name, PasswordHash: p.hash, Roles: []models.RoleBinding{role},
		Status: models.AccountActive, CreatedAt: p.now, UpdatedAt: p.now}
}

func (p *demoPlanner) member(org string, a *models.Account) *models.Member {
	return &models.Member{OrganisationID: org, AccountID: a.ID, Role: a.Roles[0].Role, Name: a.Name, Phone: a.Phone,
		AddedAt: p.now, AddedBy: demoCityAdminID}
}

// organisations: kinds in the city's proportions, the first two being the
// org_admin's social-work agency and the charity_admin's charity, in 中原区.
func (p *demoPlanner) organisations() error {
	kinds := demoOrgKinds(p.opts.Organisations, demoRand(p.opts.Seed, streamOrgKinds, 0))
	usedNames := map[string]bool{}
	for i := 1; i <= p.opts.Organisations; i++ {
		r := demoRand(p.opts.Seed, streamOrgs, i)
		kind := kinds[i-1]
		county := demoLoginCounty
		if i > 2 {
			county = p.geo.orgCounty(r)
		}
		cd, _ := models.LookupDivision(county)
		label, _ := models.OrganisationKinds.Label(kind)
		o := &models.Organisation{ID: demoOrgID(i), Kind: kind, DivisionCode: county, Status: models.OrgActive,
			Name: demoOrgName(r, kind, cd, usedNames), CreditCode: demoCreditCode(r, kind, county, i), Domains: demoOrgDomains(r, kind),
			ContactName: demoName(r), ContactPhone: demoContactPhone(i), Description: label.Zh + "，服务" + cd.Name + "。（演示数据）",
			CreatedAt: p.now, UpdatedAt: p.now, CreatedBy: demoCityAdminID}
		towns := p.geo.towns[county]
		for _, j := range r.Perm(len(towns))[:min(len(towns), 1+r.IntN(3))] {
			o.DivisionsServed = append(o.DivisionsServed, towns[j].Code)
		}
		sort.Strings(o.DivisionsServed)
		switch kind {
		case "elder_care_facility":
			o.Beds = 50 + r.IntN(451)
		case "charity_organisation":
			on := demoDay(r, time.Date(2017, 1, 1, 0, 0, 0, 0, models.Shanghai()), 2000)
			o.Charity = models.CharityRecognition{Recognised: true, RecognisedOn: demoDate(demoNotAfter(on, p.today.AddDate(0, 0, -1)))}
		}
		switch x := r.Float64(); {
		case i <= 2: // the logins' organisations are active
		case x < 0.10:
			o.Status = models.OrgIncubating
		case x < 0.6 && kind == models.KindSocialWorkAgency && models.InDemonstrationDomain(o.Domains): // agencies in the nine domains (issue 18)
			o.Status = models.OrgDemonstration
		}
		if err := o.Validate(); err != nil {
			return fmt.Errorf("demo organisation %s: %w", o.ID, err)
		}
		p.city.orgs = append(p.city.orgs, o)
		switch kind {
		case "social_work_agency", "elder_care_facility", "child_welfare_facility", "medical_facility", "supervision_evaluation_institution":
			p.employers[county] = append(p.employers[county], o)
			p.allEmployers = append(p.allEmployers, o)
		}
		if kind == "social_work_agency" && o.Status.Operating() {
			p.agencies[county] = append(p.agencies[county], o)
		}
	}
	return nil
}

// stations: a random opts.Stations of the townships, in code order, run
// by a social-work agency of the county when it has one.
func (p *demoPlanner) stations() error {
	towns := models.DivisionsAt(models.LevelTown)
	chosen := demoRand(p.opts.Seed, streamStations, 0).Perm(len(towns))[:p.opts.Stations]
	sort.Ints(chosen)
	areas := models.StationServiceAreas.Codes()
	for _, j := range chosen {
		t := towns[j]
		r := demoRand(p.opts.Seed, streamStations, j+1)
		county, _ := models.LookupDivision(t.Parent)
		s := &models.Station{TownCode: t.Code, Name: t.Name + "社会工作服务站", Status: "open", ServiceAreas: demoCodes(r, areas, 2+r.IntN(len(areas)-1)),
			SocialWorkers: []string{}, Address: "郑州市" + county.Name + t.Name, CreatedAt: p.now, UpdatedAt: p.now, CreatedBy: demoCityAdminID}
		if ops := p.agencies[county.Code]; len(ops) > 0 {
			s.OperatorOrgID = ops[r.IntN(len(ops))].ID
		}
		s.OpenedOn = demoDate(demoNotAfter(demoDay(r, time.Date(2019, 1, 1, 0, 0, 0, 0, models.Shanghai()), 2000), p.today.AddDate(0, 0, -1)))
		s.Setup = demoStationSetup(j, s.OpenedOn)
		p.city.stations = append(p.city.stations, s)
		p.stationsByCounty[county.Code] = append(p.stationsByCounty[county.Code], s)
	}
	return nil // validated once their social workers are known
}

// socialWorkers: verified certificates (60% assistant, 30% social worker,
// 10% senior) with a matching post, an employer of their county when it
// has one and a station of their county when it has one; about 40% of
// those above assistant are in the supervisor pool. The first is the
// supervisor login.
func (p *demoPlanner) socialWorkers() error {
	year := p.today.Year()
	for i := 1; i <= p.opts.SocialWorkers; i++ {
		r := demoRand(p.opts.Seed, streamWorkers, i)
		county := p.geo.district(r)
		if i <= demoPurchaseTeam {
			county = demoLoginCounty // the demo purchase's team (purchase.go)
		}
		base := models.RandomPointIn(county, r)
		level := models.CertAssistant
		switch x := r.Float64(); {
		case i == 1 || x >= 0.6 && x < 0.9:
			level = models.CertSocialWorker
		case x >= 0.9:
			level = models.CertSenior
		}
		pool := p.employers[county]
		if len(pool) == 0 {
			pool = p.allEmployers
		}
		employer := pool[r.IntN(len(pool))]
		if i <= demoPurchaseTeam {
			employer = p.city.orgs[0] // the org admin login's agency
		}
		issued := demoDay(r, time.Date(2010, 1, 1, 0, 0, 0, 0, models.Shanghai()), max(365, 365*(year-1-2010)))
		w := &models.SocialWorker{AccountID: demoWorkerID(i), EmployerOrgID: employer.ID, Base: &base,
			Domains: demoCodes(r, models.Domains.Codes(), 1+r.IntN(3)), Post: &models.PostTitle{Level: level, Grade: 3 - r.IntN(3)},
			Certificate: &models.SocialWorkerCertificate{Level: level, Number: fmt.Sprintf("SW%d%s%06d", issued.Year(), county, i),
				IssuedOn: demoDate(issued), Verification: parties.CertVerified, VerifiedBy: demoCityAdminID, VerifiedAt: &p.now},
			CreatedAt: p.now, UpdatedAt: p.now}
		if i == 1 || level != models.CertAssistant && r.Float64() < 0.4 {
			w.Supervisor, w.CaseloadCap = true, 5
			// Two in three in the city pool (most trained by the hundred-
			// supervisors programme), the rest on their county's team.
			w.SupervisorTier, w.FrontLine = models.SupervisorTierCity, models.WorkDuration{Years: 3 + i%9, Months: i % 12}
			if i%3 == 2 {
				w.SupervisorTier, w.SupervisorCounty = models.SupervisorTierCounty, county
			} else if i%5 != 4 {
				w.SupervisorCohort = 2021 + i%4
			}
		}
		if ss := p.stationsByCounty[county]; len(ss) > 0 {
			s := ss[r.IntN(len(ss))]
			w.StationTownCode = s.TownCode
			s.SocialWorkers = append(s.SocialWorkers, w.AccountID)
		}
		for d := range 5 { // Monday to Friday, 09:00–12:00 and 14:00–18:00
			for slot := 18; slot < 36; slot++ {
				if slot < 24 || slot >= 28 {
					w.Availability.Set(d, slot)
				}
			}
		}
		if err := w.Validate(); err != nil {
			return fmt.Errorf("demo social worker %s: %w", w.AccountID, err)
		}
		a := p.account(w.AccountID, demoWorkerPhone(i), demoName(r), models.RoleBinding{Role: models.RoleSocialWorker, OrganisationID: employer.ID})
		p.city.workers = append(p.city.workers, demoWorker{demoPerson{a, p.member(employer.ID, a)}, w})
	}
	for _, s := range p.city.stations {
		if err := s.Validate(); err != nil {
			return fmt.Errorf("demo station %s: %w", s.TownCode, err)
		}
	}
	return nil
}

// volunteers: 70% in the central districts, in a random community of the
// district their home is in. The first is the volunteer login: verified,
// an adult, in 中原区.
func (p *demoPlanner) volunteers() error {
	skills := models.Skills.Codes()
	for i := 1; i <= p.opts.Volunteers; i++ {
		r := demoRand(p.opts.Seed, streamVolunteers, i)
		county := p.geo.district(r)
		if i == 1 {
			county = demoLoginCounty
		}
		home := models.RandomPointIn(county, r)
		villages := p.geo.villages[county]
		name := demoName(r)
		v := &models.Volunteer{AccountID: demoVolunteerID(i), RealName: name, Home: &home, CommunityCode: villages[r.IntN(len(villages))].Code,
			MaxDistanceKm: math.Round((1+9*r.Float64())*10) / 10, Domains: demoCodes(r, models.Domains.Codes(), 1+r.IntN(3)),
			Languages: []string{"mandarin"}, QualificationTrack: r.Float64() < 0.1, CreatedAt: p.now, UpdatedAt: p.now}
		minor := r.Float64() < 0.03 && i != 1
		age := 18 + r.IntN(53)
		if minor {
			age = 14 + r.IntN(4)
		}
		birth := p.today.AddDate(-age, 0, -r.IntN(365))
		v.BirthDate = demoDate(birth)
		if minor {
			v.Guardian = &models.GuardianConsent{GuardianName: string([]rune(name)[:1]) + demoGiven(r), GuardianPhone: demoGuardianPhone(i),
				Relationship: []string{"父亲", "母亲"}[r.IntN(2)], ConsentedOn: demoDate(p.today.AddDate(0, 0, -1-r.IntN(300)))}
		}
		if r.Float64() < 0.85 || i == 1 {
			first17 := county + birth.Format("20060102") + fmt.Sprintf("%03d", 1+r.IntN(999))
			v.IDNumber = first17 + string(models.IDCheckChar(first17))
			v.RealNameVerified, v.VerifiedBy, v.VerifiedAt = true, demoCityAdminID, &p.now
		}
		for _, code := range demoCodes(r, skills, 1+r.IntN(3)) {
			level := 1
			if x := r.Float64(); x >= 0.85 {
				level = 3
			} else if x >= 0.5 {
				level = 2
			}
			v.Skills = append(v.Skills, models.SkillLevel{Code: code, Level: level})
			switch code {
			case "first_aid":
				v.Credentials = append(v.Credentials, models.Credential{Skill: code, Name: "红十字救护员证",
					Number: fmt.Sprintf("HRC%08d", i), ExpiresOn: demoDate(p.today.AddDate(1+r.IntN(3), 0, 0))})
			case "sign_language":
				v.Languages = append(v.Languages, "sign_language")
			}
		}
		if r.Float64() < 0.4 {
			v.Languages = append(v.Languages, "henan_dialect")
		}
		if r.Float64() < 0.08 {
			v.Languages = append(v.Languages, "english")
		}
		v.Availability = demoAvailability(r, 8+r.IntN(23))
		// Checks as the city's civil affairs recorded them on seeing the
		// certificate; only a volunteer with an ID number can have one.
		if i == 1 || r.Float64() < 0.4 {
			passed := p.today.AddDate(0, 0, -r.IntN(700))
			if v.IDNumber != "" {
				v.BackgroundCheck = &models.BackgroundCheck{Result: models.BackgroundPassed, CheckedOn: demoDate(passed),
					ExpiresOn: demoDate(passed.AddDate(2, 0, 0)), Reference: fmt.Sprintf("WFZ%08d", i), RecordedBy: demoCityAdminID, RecordedAt: &p.now}
			}
		}
		if r.Float64() < 0.3 {
			v.Insurance = &models.Insurance{Insurer: "中国人民财产保险股份有限公司郑州市分公司", PolicyNo: fmt.Sprintf("PICC%08d", i),
				ExpiresOn: demoDate(p.today.AddDate(0, 1+r.IntN(11), 0))}
		}
		if err := v.Validate(); err != nil {
			return fmt.Errorf("demo volunteer %s: %w", v.AccountID, err)
		}
		a := p.account(v.AccountID, demoVolunteerPhone(i), name, models.RoleBinding{Role: models.RoleVolunteer})
		p.city.volunteers = append(p.city.volunteers, demoVolunteer{demoPerson{account: a}, v})
	}
	return nil
}

// demoStationSetup is a station's hardware, services, rules and signage:
// most stations are complete; every seventh has no sign yet and every
// eleventh only its space, so the console shows what is missing.
func demoStationSetup(j int, openedOn string) models.StationSetup {
	u := models.StationSetup{AreaSqm: 120 + j%10*20, Rooms: []string{"office", "reception", "casework", "group_work"},
		OpeningHours: "周一至周五 9:00–17:30", ServiceItems: []string{"困难群众个案帮扶", "独居老人探访", "儿童课后四点半课堂"},
		Rules: []string{"post_duties", "service_process", "supervision", "records", "safety"}, SignageOn: openedOn}
	if j%7 == 3 {
		u.SignageOn = ""
	}
	if j%11 == 5 {
		u = models.StationSetup{AreaSqm: 80, Rooms: []string{"office"}}
	}
	return u
}
