package models

import "time"

// supervisor.go: who may supervise. The seed (郑民文〔2022〕7号 §(十八))
// asks for a city supervisor pool built from front-line workers (坚持从社工
// 一线选拔), the "hundred supervisors" training programme (百名社工督导培养
// 工程) that fills it, and each county's own supervisor team.

// Supervisor tiers: the city's pool or a county's team.
const (
	SupervisorTierCity   = "city"   // 市级督导人才库
	SupervisorTierCounty = "county" // 区县（市）督导人才队伍
)

// SupervisorTiers is the vocabulary of tiers.
var SupervisorTiers = Vocabulary{
	Name: "supervisor_tiers", Zh: "督导层级", En: "Supervisor tiers",
	Terms: []Term{
		{SupervisorTierCity, "市级督导人才库", "City supervisor pool"},
		{SupervisorTierCounty, "区县督导队伍", "County supervisor team"},
	},
}

// SupervisorProgrammeTarget is the "hundred supervisors" programme's goal
// (百名社工督导培养工程): a hundred supervisors trained for the city pool.
const SupervisorProgrammeTarget = 100

// SupervisorMinFrontLineMonths is the verified front-line social-work
// employment a supervisor needs: three years. The seed says only that
// supervisors are chosen from the front line; three years is the product's
// reading (the common bar of China's supervisor-training programmes), kept
// here as the one number to change.
const SupervisorMinFrontLineMonths = 36

// FrontLineExperience is the verified social-work employment on a person's
// pathway up to today: overlapping periods count once, unverified ones not
// at all, an open period runs to today.
func FrontLineExperience(employment []Employment, today time.Time) WorkDuration {
	in := qualPrepare(Pathway{Employment: employment})
	return in.duration(0, qualDay(today)+1)
}

// SupervisorEntry is a social worker's admission to a tier.
type SupervisorEntry struct {
	Tier       string // SupervisorTierCity or SupervisorTierCounty
	CountyCode string // the county of a county team
	Cohort     int    // year of the programme's cohort trained in; 0 when none
}

// CheckSupervisorEntry checks the rules a social worker must meet to enter
// the pool or a team: a verified certificate, the front-line experience,
// a known tier, a county for a county team, a plausible cohort year.
func CheckSupervisorEntry(w *SocialWorker, e SupervisorEntry, experience WorkDuration, today time.Time) error {
	var p Problems
	if !w.Verified() {
		p.Add("inPool", "证书通过核验后才能进入督导人才库", "only a social worker with a verified certificate may join the supervisor pool")
	}
	if experience.totalMonths() < SupervisorMinFrontLineMonths {
		p.Add("frontLine", "督导须从一线社工中选拔：已核实的社会工作年限不足 3 年（工作经历须由用人单位核实）",
			"supervisors are chosen from the front line: less than 3 years of verified social-work employment (employment is verified by the employer)")
	}
	switch e.Tier {
	case SupervisorTierCity:
		if e.CountyCode != "" {
			p.Add("countyCode", "市级督导人才库不属于区县", "the city pool belongs to no county")
		}
	case SupervisorTierCounty:
		if err := ValidateDivision("countyCode", e.CountyCode, LevelCounty); err != nil {
			collectErr(&p, err)
		}
	default:
		p.Add("tier", "未知的督导层级", "unknown supervisor tier")
	}
	if e.Cohort != 0 && (e.Cohort < 2010 || e.Cohort > today.Year()) {
		p.Add("cohort", "培养工程批次年份无效", "the programme cohort year is not valid")
	}
	return p.Err()
}
