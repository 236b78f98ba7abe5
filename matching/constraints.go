package matching

import (
	"math"
	"strconv"
	"time"

	"github.com/wushe/wushe/models"
)

// Reason names one hard constraint a candidate breaks.
type Reason string

const (
	NotVerified       Reason = "not_verified"        // real name not verified
	NoHomeLocation    Reason = "no_location"         // no home point to measure distance from
	TooFar            Reason = "too_far"             // beyond the volunteer's maximum or the need's radius
	NotAvailable      Reason = "not_available"       // weekly availability does not cover the time
	BlackoutDate      Reason = "blackout_date"       // the volunteer marked the day unavailable
	LacksSkill        Reason = "lacks_skill"         // a required skill missing or below its level
	NoBackgroundCheck Reason = "no_background_check" // required, and none valid on the day
	MinorNoConsent    Reason = "minor_no_consent"    // under 18 without a guardian's recorded consent
	MinorHighRisk     Reason = "minor_high_risk"     // under 18, and the need is high-risk
	NoShowBlocked     Reason = "no_show_blocked"     // too many no-shows
	Committed         Reason = "committed"           // already holds a place at an overlapping time
)

// MaxNoShows is how many no-shows block a volunteer from new places.
const MaxNoShows = 3

// Violation is a broken constraint with a message for people.
type Violation struct {
	Reason Reason
	Zh, En string
	Skill  string // for LacksSkill, the skill code; "" otherwise
}

// CheckVolunteer lists every hard constraint volunteer v breaks for
// occurrence occ of need n, always in the same order; none means v may
// take a place. Overlap with the volunteer's other commitments
// is decided by the store (a unique claim per half-hour), and checked
// against known commitments by CheckCommitments, not here.
func CheckVolunteer(v *models.Volunteer, n *models.Need, occ models.Occurrence) []Violation {
	var out []Violation
	add := func(r Reason, zh, en string) { out = append(out, Violation{Reason: r, Zh: zh, En: en}) }
	if !v.RealNameVerified {
		add(NotVerified, "未通过实名认证", "real name not verified")
	}
	if v.Home == nil {
		add(NoHomeLocation, "未填写常住位置", "no home location")
	} else {
		d := models.DistanceKm(*v.Home, n.Location)
		limit := math.Min(v.MaxDistanceKm, n.RadiusKm)
		if d > limit {
			b := models.DistanceBandOf(d) // read by the committee: a band, never the distance
			add(TooFar, "距离 "+b.Zh+"，超出范围 "+km(limit), "distance "+b.En+", beyond "+km(limit))
		}
	}
	if !v.Availability.CoversWindow(occ.Window.Start, occ.Window.End) {
		add(NotAvailable, "该时段不在可服务时间内", "not available at that time")
	}
	if v.BlackedOut(occ.Window.Start) || v.BlackedOut(occ.Window.End.Add(-time.Nanosecond)) {
		add(BlackoutDate, "当天不可服务", "unavailable on that day")
	}
	for _, s := range n.RequiredSkills {
		if have := v.SkillLevel(s.Code); have < s.Level {
			name := s.Code
			if t, ok := models.Skills.Label(s.Code); ok {
				name = t.Zh
			}
			out = append(out, Violation{Reason: LacksSkill, Skill: s.Code,
				Zh: "缺少技能 " + name + "（需 " + strconv.Itoa(s.Level) + " 级，现 " + strconv.Itoa(have) + " 级）",
				En: "lacks " + s.Code + " (needs level " + strconv.Itoa(s.Level) + ", has " + strconv.Itoa(have) + ")"})
		}
	}
	if n.BackgroundCheck && !(v.BackgroundValidOn(occ.Window.Start) && v.BackgroundValidOn(occ.Window.End.Add(-time.Nanosecond))) {
		add(NoBackgroundCheck, "缺少在服务日期有效的无犯罪记录证明", "no background check valid on the day")
	}
	if v.MinorOn(occ.Window.Start) {
		if n.HighRisk() {
			add(MinorHighRisk, "未成年人不能参与高风险服务", "a minor may not serve a high-risk need")
		}
		if v.Guardian == nil {
			add(MinorNoConsent, "未成年人须有监护人同意记录", "a minor needs a guardian's recorded consent")
		}
	}
	if v.Reliability.NoShows >= MaxNoShows {
		add(NoShowBlocked, "多次爽约，暂停接单", "blocked after repeated no-shows")
	}
	return out
}

// CheckCommitments reports the Committed violation when one of the
// windows a volunteer already holds overlaps occurrence occ. The store
// remains the arbiter (a unique claim per half-hour); this lets the engine
// leave out, and count, volunteers it already knows to be taken.
func CheckCommitments(held []models.Window, occ models.Occurrence) []Violation {
	for _, w := range held {
		if w.Overlaps(occ.Window) {
			return []Violation{{Reason: Committed, Zh: "该时段已有其他服务", En: "already committed at an overlapping time"}}
		}
	}
	return nil
}

func km(d float64) string { return strconv.FormatFloat(d, 'f', 1, 64) + " km" }

// SupervisorReason names one constraint a would-be supervisor breaks.
type SupervisorReason string

const (
	SupervisorUnverified  SupervisorReason = "certificate_unverified"
	SupervisorLevelTooLow SupervisorReason = "level_too_low"
	SupervisorNotInPool   SupervisorReason = "not_in_pool"
	SupervisorAtCapacity  SupervisorReason = "at_capacity"
)

// SupervisorViolation is a broken supervisor constraint with a message.
type SupervisorViolation struct {
	Reason SupervisorReason
	Zh, En string
}

// CheckSupervisor lists the constraints social worker w breaks as the
// supervisor of need n whose plan is carried by organisation carrier
// ("" when none), given w's current caseload. A supervisor comes from the
// city pool, or is an internal supervisor employed by the carrier.
func CheckSupervisor(w *models.SocialWorker, n *models.Need, carrier string, caseload int) []SupervisorViolation {
	var out []SupervisorViolation
	add := func(r SupervisorReason, zh, en string) { out = append(out, SupervisorViolation{r, zh, en}) }
	want := n.SupervisorLevel()
	switch {
	case !w.Verified():
		add(SupervisorUnverified, "职业资格证书尚未核验", "certificate not verified")
	case !w.VerifiedLevel().AtLeast(want):
		add(SupervisorLevelTooLow, "督导须持"+certZh(want)+"及以上证书", "the supervisor must hold "+string(want)+" or higher")
	}
	internal := carrier != "" && w.EmployerOrgID == carrier
	if !w.Supervisor && !internal {
		add(SupervisorNotInPool, "不在督导人才库，也不是承接机构的内部督导", "neither in the supervisor pool nor employed by the carrying organisation")
	}
	if limit := w.CaseloadCap; w.Supervisor && limit > 0 && caseload >= limit {
		add(SupervisorAtCapacity, "督导个案已满（"+strconv.Itoa(caseload)+"/"+strconv.Itoa(limit)+"）", "caseload full ("+strconv.Itoa(caseload)+"/"+strconv.Itoa(limit)+")")
	}
	return out
}

func certZh(l models.CertificateLevel) string {
	if t, ok := models.CertificateLevels.Label(string(l)); ok {
		return t.Zh
	}
	return string(l)
}
