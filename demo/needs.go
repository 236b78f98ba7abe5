package demo

import (
	"fmt"
	"slices"
	"time"

	"github.com/wushe/wushe/models"
)

// needs.go draws the open needs and the past shifts.

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
			weekdays := []models.Weekday{models.Weekday(1 + r.IntN(7))}
			if wd := models.Weekday(1 + r.IntN(7)); wd != weekdays[0] && r.Float64() < 0.4 {
				weekdays = append(weekdays, wd)
			}
			slices.Sort(weekdays)
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
