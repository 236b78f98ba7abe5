package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
)

// democity.go draws the demo city in memory: organisations, stations,
// social workers, volunteers and needs on the real divisions and district
// outlines. seed.go inserts it.

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
	admins      []demoPerson // in insertion order, the city account last
	logins      []demoLogin
}

// demoPlanner draws the city one kind of object after another; later
// kinds refer to earlier ones (stations to agencies, social workers to
// employers and stations, needs to volunteers' homes).
type demoPlanner struct {
	opts  demoOptions
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

// planDemoCity draws the city for opts; hash is every account's password hash.
func planDemoCity(opts demoOptions, hash string) (*demoCity, error) {
	loc := models.Shanghai()
	y, m, d := opts.Now.In(loc).Date()
	p := &demoPlanner{opts: opts, hash: hash, geo: demoGeography(), now: opts.Now.UTC().Truncate(time.Millisecond),
		today: time.Date(y, m, d, 0, 0, 0, 0, loc), city: &demoCity{}, agencies: map[string][]*models.Organisation{},
		employers: map[string][]*models.Organisation{}, stationsByCounty: map[string][]*models.Station{}}
	for _, step := range []func() error{p.organisations, p.stations, p.socialWorkers, p.volunteers, p.needs, p.pastShifts, p.logins, p.money} {
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
		case x < 0.235 && (kind == "social_work_agency" || kind == "community_social_organisation" || kind == "volunteer_organisation"):
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
		issued := demoDay(r, time.Date(2010, 1, 1, 0, 0, 0, 0, models.Shanghai()), max(365, 365*(year-1-2010)))
		w := &models.SocialWorker{AccountID: demoWorkerID(i), EmployerOrgID: employer.ID, Base: &base,
			Domains: demoCodes(r, models.Domains.Codes(), 1+r.IntN(3)), Post: &models.PostTitle{Level: level, Grade: 3 - r.IntN(3)},
			Certificate: &models.SocialWorkerCertificate{Level: level, Number: fmt.Sprintf("SW%d%s%06d", issued.Year(), county, i),
				IssuedOn: demoDate(issued), Verification: service.CertVerified, VerifiedBy: demoCityAdminID, VerifiedAt: &p.now},
			CreatedAt: p.now, UpdatedAt: p.now}
		if i == 1 || level != models.CertAssistant && r.Float64() < 0.4 {
			w.Supervisor, w.CaseloadCap = true, 5
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

// demoLoginNeeds is how many needs lie near the volunteer login's home, in
// the community admin's community.
const demoLoginNeeds = 5

// needs: each in the community of a volunteer, within 1.5 km of their
// home; domains in turn, so that every domain has needs. One-off windows
// of 2–4 h between 08:00 and 20:00 in the next 30 days, or (15%) weekly
// for 4–8 weeks.
func (p *demoPlanner) needs() error {
	domains, skills := models.Domains.Codes(), models.Skills.Codes()
	for i := 1; i <= p.opts.Needs; i++ {
		r := demoRand(p.opts.Seed, streamNeeds, i)
		vol := p.city.volunteers[0].profile
		if i > demoLoginNeeds {
			vol = p.city.volunteers[r.IntN(len(p.city.volunteers))].profile
		}
		county, _ := models.DistrictAt(*vol.Home)
		community, _ := models.LookupDivision(vol.CommunityCode)
		town, _ := models.LookupDivision(community.Parent)
		cd, _ := models.LookupDivision(county)
		domain := domains[(i-1)%len(domains)]
		tpls := demoNeedTemplates[domain]
		tpl := tpls[r.IntN(len(tpls))]
		n := &models.Need{ID: demoNeedID(i), CommunityCode: community.Code, Title: demoShortName(community.Name) + "·" + tpl.title,
			Domain: domain, Tasks: tpl.tasks, TargetGroup: tpl.group, Beneficiaries: 1 + r.IntN(40),
			Location: demoNear(r, *vol.Home, county), Address: "郑州市" + cd.Name + town.Name + demoShortName(community.Name),
			RadiusKm: 3 + 0.5*float64(r.IntN(5)), Headcount: 1 + r.IntN(10), BackgroundCheck: models.DefaultBackgroundCheck(tpl.group),
			InsuranceProvided: r.Float64() < 0.6, Status: models.NeedOpen, PostedBy: demoCityAdminID, CreatedAt: p.now, UpdatedAt: p.now}
		if n.CommunityCode == p.city.volunteers[0].profile.CommunityCode {
			n.PostedBy = demoCommunityAdminID
		}
		if r.Float64() < 0.3 {
			n.BudgetFen = int64(5+r.IntN(46)) * 10_000 // 500–5,000 yuan
		}
		length := 4 + r.IntN(5) // half hours
		first := 16 + r.IntN(24-length+1)
		if r.Float64() < 0.15 {
			from := p.today.AddDate(0, 0, 1+r.IntN(7))
			weekdays := []int{1 + r.IntN(7)}
			if wd := 1 + r.IntN(7); wd != weekdays[0] && r.Float64() < 0.4 {
				weekdays = append(weekdays, wd)
			}
			sort.Ints(weekdays)
			n.Schedule = &models.WeeklySchedule{Weekdays: weekdays, Start: demoClock(first), End: demoClock(first + length),
				From: demoDate(from), Until: demoDate(from.AddDate(0, 0, 7*(4+r.IntN(5))-1))}
		} else {
			start := p.today.AddDate(0, 0, 1+r.IntN(30)).Add(time.Duration(first) * models.SlotLength)
			n.Window = &models.Window{Start: start, End: start.Add(time.Duration(length) * models.SlotLength)}
		}
		n.Description = fmt.Sprintf("%s%s，需要志愿者 %d 名。（演示数据）", cd.Name, n.Title, n.Headcount)
		if r.Float64() < 0.3 {
			skill := tpl.skill
			if skill == "" {
				skill = skills[r.IntN(len(skills))]
			}
			n.RequiredSkills = []models.SkillLevel{{Code: skill, Level: 1 + r.IntN(2)}}
		}
		if err := n.Validate(p.now); err != nil {
			return fmt.Errorf("demo need %s: %w", n.ID, err)
		}
		p.city.needs = append(p.city.needs, n)
	}
	return nil
}

// demoPastShift is a need of the committee login's community whose one
// occurrence started before the day of seeding, with the volunteers who
// held its places: from the first start the committee has attendance to
// mark and hours to verify (hours are recorded only for shifts that have
// started). Nothing is marked yet.
type demoPastShift struct {
	need        *models.Need
	plan        *models.Plan
	assignments []*models.Assignment
}

func demoPastShiftID(i int) string { return fmt.Sprintf("demo-need-past-%d", i) }

// demoPastShifts are the past shifts: days before the day of seeding, the
// first half hour and the length in half hours, the domain.
var demoPastShifts = []struct {
	daysAgo, first, length int
	domain                 string
}{
	{1, 18, 4, "community_governance"}, // yesterday 09:00–11:00
	{3, 28, 5, "social_welfare"},       // three days ago 14:00–16:30
}

// demoPastShiftPlaces is how many volunteers at most held places in a past shift.
const demoPastShiftPlaces = 3

// pastShifts: each placed with the volunteer login and up to two more
// adult volunteers of its community (with a background check when the
// need asks for one), posted a week before and its plan confirmed.
func (p *demoPlanner) pastShifts() error {
	login := p.city.volunteers[0].profile
	county, _ := models.DistrictAt(*login.Home)
	community, _ := models.LookupDivision(login.CommunityCode)
	town, _ := models.LookupDivision(community.Parent)
	cd, _ := models.LookupDivision(county)
	for i, ps := range demoPastShifts {
		r := demoRand(p.opts.Seed, streamPastShifts, i+1)
		tpls := demoNeedTemplates[ps.domain]
		tpl := tpls[r.IntN(len(tpls))]
		start := p.today.AddDate(0, 0, -ps.daysAgo).Add(time.Duration(ps.first) * models.SlotLength)
		posted := start.AddDate(0, 0, -7).UTC()
		n := &models.Need{ID: demoPastShiftID(i + 1), CommunityCode: community.Code, Title: demoShortName(community.Name) + "·" + tpl.title,
			Domain: ps.domain, Tasks: tpl.tasks, TargetGroup: tpl.group, Beneficiaries: 5 + r.IntN(20),
			Location: demoNear(r, *login.Home, county), Address: "郑州市" + cd.Name + town.Name + demoShortName(community.Name),
			RadiusKm: 3, BackgroundCheck: models.DefaultBackgroundCheck(tpl.group), Status: models.NeedInProgress,
			Window:   &models.Window{Start: start, End: start.Add(time.Duration(ps.length) * models.SlotLength)},
			PostedBy: demoCommunityAdminID, CreatedAt: posted, UpdatedAt: posted}
		var placed []*models.Volunteer
		for _, v := range p.city.volunteers {
			if len(placed) == demoPastShiftPlaces {
				break
			}
			pv := v.profile
			if pv.CommunityCode == community.Code && pv.Guardian == nil && (!n.BackgroundCheck || pv.BackgroundCheck != nil) {
				placed = append(placed, pv)
			}
		}
		n.Headcount = len(placed)
		n.Description = fmt.Sprintf("%s%s，需要志愿者 %d 名。（演示数据：已开始的场次，可登记出勤、核实时长）", cd.Name, n.Title, n.Headcount)
		if err := n.Validate(posted); err != nil {
			return fmt.Errorf("demo need %s: %w", n.ID, err)
		}
		occ := n.Occurrences()[0]
		confirmed := posted.Add(24 * time.Hour)
		shift := demoPastShift{need: n, plan: &models.Plan{NeedID: n.ID, CommunityCode: n.CommunityCode, Confirmed: true,
			ConfirmedBy: demoCommunityAdminID, ConfirmedAt: &confirmed, UpdatedAt: confirmed}}
		for k, v := range placed {
			shift.assignments = append(shift.assignments, &models.Assignment{ID: occ.ID + "#" + v.AccountID, NeedID: n.ID, OccurrenceID: occ.ID,
				VolunteerID: v.AccountID, PlaceNo: k + 1, Window: occ.Window, Status: models.AssignmentAccepted,
				AssignedBy: demoCommunityAdminID, CreatedAt: confirmed, UpdatedAt: confirmed})
		}
		p.city.pastShifts = append(p.city.pastShifts, shift)
	}
	return nil
}

// logins: one account per role to try the service with. The social
// worker and the volunteer are the first of each; the administrators are
// accounts of their own, the city's created last.
func (p *demoPlanner) logins() error {
	county, _ := models.LookupDivision(demoLoginCounty)
	community, _ := models.LookupDivision(p.city.volunteers[0].profile.CommunityCode)
	needs := 0
	for _, n := range p.city.needs {
		if n.CommunityCode == community.Code {
			needs++
		}
	}
	org, charity := p.city.orgs[0], p.city.orgs[1]
	admins := []struct {
		id, name, scope string
		role            models.RoleBinding
	}{
		{demoCityAdminID, "郑州市民政局演示账号", models.CityCode + " 郑州市", models.RoleBinding{Role: models.RoleCivilAffairs, DivisionCode: models.CityCode}},
		{demoCountyAdminID, county.Name + "民政局演示账号", county.Code + " " + county.Name, models.RoleBinding{Role: models.RoleCivilAffairs, DivisionCode: county.Code}},
		{demoCommunityAdminID, community.Name + "演示账号", fmt.Sprintf("%s %s, %d open needs", community.Code, community.Name, needs),
			models.RoleBinding{Role: models.RoleCommunityAdmin, CommunityCode: community.Code}},
		{demoOrgAdminID, org.Name + "管理员", org.ID + " " + org.Name, models.RoleBinding{Role: models.RoleOrgAdmin, OrganisationID: org.ID}},
		{demoCharityAdminID, charity.Name + "管理员", charity.ID + " " + charity.Name, models.RoleBinding{Role: models.RoleCharityAdmin, OrganisationID: charity.ID}},
	}
	var cityAdmin demoPerson
	for i, ad := range admins {
		a := p.account(ad.id, demoAdminPhone(i+1), ad.name, ad.role)
		person := demoPerson{account: a}
		if ad.role.OrganisationID != "" {
			person.member = p.member(ad.role.OrganisationID, a)
		}
		p.city.logins = append(p.city.logins, demoLogin{Role: ad.role.Role, Phone: a.Phone, AccountID: a.ID, Name: a.Name, Scope: ad.scope})
		if ad.id == demoCityAdminID {
			cityAdmin = person
		} else {
			p.city.admins = append(p.city.admins, person)
		}
	}
	p.city.admins = append(p.city.admins, cityAdmin) // last: it marks the city complete
	sw, vol := p.city.workers[0], p.city.volunteers[0]
	p.city.logins = append(p.city.logins,
		demoLogin{Role: models.RoleSocialWorker, Phone: sw.account.Phone, AccountID: sw.account.ID, Name: sw.account.Name,
			Scope: fmt.Sprintf("supervisor pool, %s, employed by %s", sw.profile.Certificate.Level, sw.profile.EmployerOrgID)},
		demoLogin{Role: models.RoleVolunteer, Phone: vol.account.Phone, AccountID: vol.account.ID, Name: vol.account.Name,
			Scope: "verified, home in " + county.Name + " " + community.Name})
	return nil
}

// money is the demo city's funds: the demo charity's community fund for the
// whole city, a government purchase budget of the demo county, and purchase
// price tables (the county's from 2021, so due for revision).
func (p *demoPlanner) money() error {
	charity := p.city.orgs[1]
	opens, closes := p.today.AddDate(0, 0, -7).UTC(), p.today.AddDate(0, 3, 0).UTC()
	p.city.funds = []*models.Fund{
		{ID: "demo-fund-0001", OwnerOrgID: charity.ID, Name: charity.Name + "社区关爱基金", TotalFen: 200_000_00,
			Domains: []string{"social_welfare", "community_governance", "social_assistance"}, Regions: []string{models.CityCode},
			GrantMinFen: 5_000_00, GrantMaxFen: 50_000_00, OpensAt: opens, ClosesAt: closes, CreatedBy: demoCharityAdminID, CreatedAt: p.now},
		{ID: "demo-fund-gov-" + demoLoginCounty, DivisionCode: demoLoginCounty, Name: "政府购买社会工作服务预算（演示）", TotalFen: 1_000_000_00,
			Domains: []string{"social_welfare", "social_assistance", "community_governance"}, Regions: []string{demoLoginCounty},
			GrantMinFen: 50_000_00, GrantMaxFen: 300_000_00, OpensAt: opens, ClosesAt: closes, CreatedBy: demoCountyAdminID, CreatedAt: p.now},
	}
	prices := map[string]int64{"assistant_social_worker": 5_500_00, "social_worker": 6_500_00, "senior_social_worker": 8_500_00, "staff": 4_500_00}
	p.city.priceTables = []*models.PriceTable{
		{DivisionCode: models.CityCode, EffectiveFrom: "2024-01-01", MonthlyFen: prices, CreatedBy: demoCityAdminID, CreatedAt: p.now},
		{DivisionCode: demoLoginCounty, EffectiveFrom: "2021-01-01", MonthlyFen: prices, CreatedBy: demoCountyAdminID, CreatedAt: p.now},
	}
	for _, f := range p.city.funds {
		if err := f.Validate(); err != nil {
			return fmt.Errorf("demo fund %s: %w", f.ID, err)
		}
	}
	return nil
}
