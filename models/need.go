package models

import (
	"math"
	"strings"
	"time"
)

// NeedStatus is where a community need stands in its lifecycle.
type NeedStatus string

const (
	NeedDraft      NeedStatus = "draft"
	NeedOpen       NeedStatus = "open"
	NeedStaffed    NeedStatus = "staffed"
	NeedInProgress NeedStatus = "in_progress"
	NeedCompleted  NeedStatus = "completed"
	NeedEvaluated  NeedStatus = "evaluated"
	NeedCancelled  NeedStatus = "cancelled"
	NeedExpired    NeedStatus = "expired"
)

// needMoves is the need lifecycle: draft → open → staffed → in_progress →
// completed → evaluated, with cancel from any state before work starts, and
// expiry of what was never staffed. staffed → open happens when a place frees up.
var needMoves = map[NeedStatus][]NeedStatus{
	NeedDraft:      {NeedOpen, NeedCancelled},
	NeedOpen:       {NeedStaffed, NeedInProgress, NeedCancelled, NeedExpired},
	NeedStaffed:    {NeedOpen, NeedInProgress, NeedCancelled},
	NeedInProgress: {NeedCompleted, NeedCancelled},
	NeedCompleted:  {NeedEvaluated},
}

// CanMove reports whether the lifecycle allows from → to.
func (from NeedStatus) CanMove(to NeedStatus) bool {
	for _, s := range needMoves[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Worked reports whether volunteers are expected at the need's shifts:
// published and neither cancelled nor expired.
func (s NeedStatus) Worked() bool {
	switch s {
	case NeedOpen, NeedStaffed, NeedInProgress, NeedCompleted, NeedEvaluated:
		return true
	}
	return false
}

// Editable reports whether the committee may still edit the need.
func (s NeedStatus) Editable() bool { return s == NeedDraft || s == NeedOpen }

// Staffable reports whether volunteers may still join.
func (s NeedStatus) Staffable() bool { return s == NeedOpen || s == NeedStaffed }

// MaxHeadcount is the most places one need may have.
const MaxHeadcount = 500

// Need is a community need posted by a committee (or by an organisation on
// its behalf, confirmed by the committee).
type Need struct {
	ID             string
	CommunityCode  string
	Title          string
	Description    string
	Domain         string
	Tasks          []string
	TargetGroup    string
	Beneficiaries  int
	Location       Point
	Address        string
	RadiusKm       float64
	Window         *Window         // a one-off need
	Schedule       *WeeklySchedule // a recurring need: a series of dated occurrences
	RequiredSkills []SkillLevel
	Headcount      int // places per occurrence
	// BackgroundCheck requires a valid background check of every volunteer;
	// on by default for children, older people and persons with disabilities.
	BackgroundCheck   bool
	HighRiskOverride  bool // the committee marks a need high-risk beyond the rules
	BudgetFen         int64
	InsuranceProvided bool // the organiser insures the volunteers
	Status            NeedStatus
	StatusSeq         int
	PostedBy          string
	OrganisationID    string // set when an organisation posted it on the committee's behalf
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// groupsNeedingChecks are the target groups whose needs require background
// checks by default.
var groupsNeedingChecks = map[string]bool{"children_in_difficulty": true, "older_people": true, "persons_with_disabilities": true}

// DefaultBackgroundCheck reports whether a need for group requires background checks by default.
func DefaultBackgroundCheck(group string) bool { return groupsNeedingChecks[group] }

// HighRisk reports whether the need is high-risk: a high-risk domain, a
// high-risk task (危机干预, 行为矫治), or the committee's own marking.
func (n *Need) HighRisk() bool {
	if n.HighRiskOverride || IsHighRiskDomain(n.Domain) {
		return true
	}
	for _, t := range n.Tasks {
		if IsHighRiskTask(t) {
			return true
		}
	}
	return false
}

// SupervisorLevel is the lowest certificate the need's supervisor must hold.
func (n *Need) SupervisorLevel() CertificateLevel { return SupervisorLevelFor(n.HighRisk()) }

// Occurrence is one dated instance of a need, with its own places.
type Occurrence struct {
	ID     string // needID#YYYYMMDDThhmm (Asia/Shanghai start)
	NeedID string
	Window Window
}

// Occurrences lists the need's dated instances in order.
func (n *Need) Occurrences() []Occurrence {
	var ws []Window
	switch {
	case n.Window != nil:
		ws = []Window{*n.Window}
	case n.Schedule != nil:
		ws = n.Schedule.Occurrences()
	}
	out := make([]Occurrence, len(ws))
	for i, w := range ws {
		out[i] = Occurrence{ID: OccurrenceID(n.ID, w.Start), NeedID: n.ID, Window: w}
	}
	return out
}

// OccurrenceID names the occurrence of need starting at start.
func OccurrenceID(needID string, start time.Time) string {
	return needID + "#" + start.In(Shanghai()).Format("20060102T1504")
}

// OccurrenceStart is the start an occurrence id names (minute precision,
// which is all a start has); false when id is not an occurrence id.
func OccurrenceStart(id string) (time.Time, bool) {
	i := strings.LastIndexByte(id, '#')
	if i < 0 {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation("20060102T1504", id[i+1:], Shanghai())
	return t, err == nil
}

// Span is the first start and the last end of the need.
func (n *Need) Span() (time.Time, time.Time) {
	occ := n.Occurrences()
	if len(occ) == 0 {
		return time.Time{}, time.Time{}
	}
	return occ[0].Window.Start, occ[len(occ)-1].Window.End
}

// Validate checks the need's own fields; now is the time of posting
// (a need may not start in the past).
func (n *Need) Validate(now time.Time) error {
	var p Problems
	if l := len([]rune(strings.TrimSpace(n.Title))); l < 4 || l > 100 {
		p.Add("title", "标题须为 4–100 个字符", "title must be 4–100 characters")
	}
	if len([]rune(n.Description)) > 5000 {
		p.Add("description", "描述不超过 5000 字", "description must be at most 5000 characters")
	}
	collectErr(&p, ValidateDivision("communityCode", n.CommunityCode, LevelVillage))
	if !Domains.Has(n.Domain) {
		p.Add("domain", "未知的领域代码（见 domains 词表）", "unknown domain code (see domains)")
	}
	validateCodes(&p, "tasks", n.Tasks, ServiceTasks, false)
	if !TargetGroups.Has(n.TargetGroup) {
		p.Add("targetGroup", "未知的服务对象群体（见 target_groups 词表）", "unknown target group (see target_groups)")
	}
	if n.Beneficiaries < 0 || n.Beneficiaries > 100000 {
		p.Add("beneficiaries", "受益人数须为 0–100000", "beneficiaries must be 0–100000")
	}
	collectErr(&p, ValidatePoint("location", n.Location))
	if len([]rune(n.Address)) > 200 {
		p.Add("address", "地址不超过 200 字", "address must be at most 200 characters")
	}
	if math.IsNaN(n.RadiusKm) || n.RadiusKm <= 0 || n.RadiusKm > 50 {
		p.Add("radiusKm", "招募半径须为 0–50 公里", "radius must be more than 0 and at most 50 km")
	}
	switch {
	case n.Window != nil && n.Schedule != nil:
		p.Add("schedule", "一次性时段与每周安排只能二选一", "give either a one-off window or a weekly schedule, not both")
	case n.Window == nil && n.Schedule == nil:
		p.Add("window", "请填写服务时段（window）或每周安排（schedule）", "a window or a weekly schedule is required")
	case n.Window != nil:
		if err := n.Window.Validate("window"); err != nil {
			collectErr(&p, err)
		} else if !n.Window.Start.After(now) {
			p.Add("window.start", "开始时间须在将来", "start must be in the future")
		}
	default:
		if err := n.Schedule.Validate("schedule"); err != nil {
			collectErr(&p, err)
		} else if occ := n.Schedule.Occurrences(); len(occ) > 0 && !occ[0].Start.After(now) {
			p.Add("schedule.from", "首次服务须在将来", "the first occurrence must be in the future")
		}
	}
	seen := map[string]bool{}
	for i, s := range n.RequiredSkills {
		f := indexed("requiredSkills", i)
		switch {
		case !Skills.Has(s.Code):
			p.Add(f+".code", "未知的技能（见 skills 词表）", "unknown skill (see skills)")
		case seen[s.Code]:
			p.Add(f+".code", "重复的技能", "duplicate skill")
		}
		seen[s.Code] = true
		if s.Level < 1 || s.Level > 3 {
			p.Add(f+".level", "技能等级须为 1–3", "skill level must be 1–3")
		}
	}
	if n.Headcount <= 0 || n.Headcount > MaxHeadcount {
		p.Add("headcount", "招募人数须为 1–500", "headcount must be 1–500")
	}
	if n.BudgetFen < 0 || n.BudgetFen > 1_000_000_000_00 {
		p.Add("budgetFen", "预算须为 0 到 10 亿元（以分计）", "budget must be 0 to 1,000,000,000 yuan, in fen")
	}
	return p.Err()
}
