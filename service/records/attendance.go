package records

import (
	"context"
	"strings"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

// HoursStore keeps attendance and service-hours records.
type HoursStore interface {
	// CreateAttendance inserts a; models.ErrConflict when it exists.
	CreateAttendance(ctx context.Context, a *models.Attendance) error
	// Attendance returns models.ErrNotFound when there is none.
	Attendance(ctx context.Context, id string) (*models.Attendance, error)
	SetCheckout(ctx context.Context, id string, at time.Time) error
	// EachAttendance streams every attendance (for reliability figures).
	EachAttendance(ctx context.Context, fn func(*models.Attendance) error) error
	// AttendanceOfVolunteer lists one volunteer's attendance.
	AttendanceOfVolunteer(ctx context.Context, volunteerID string) ([]*models.Attendance, error)
	// CreateHours inserts r; models.ErrConflict when that version exists.
	CreateHours(ctx context.Context, r *models.HoursRecord) error
	// HoursRecord returns models.ErrNotFound when there is none.
	HoursRecord(ctx context.Context, id string) (*models.HoursRecord, error)
	UpdateHours(ctx context.Context, r *models.HoursRecord) error
	// ClaimVerification records the one decision on a record, by unique
	// insert: models.ErrConflict when it was decided before.
	ClaimVerification(ctx context.Context, recordID string, d HoursDecision) error
	// HoursVerification returns the decision claimed on a record
	// (models.ErrNotFound when none).
	HoursVerification(ctx context.Context, recordID string) (*HoursDecision, error)
	HoursOfVolunteer(ctx context.Context, volunteerID string, p Page) ([]*models.HoursRecord, string, error)
	// PendingHours lists a community's pending records ("" = every community's).
	PendingHours(ctx context.Context, community string, p Page) ([]*models.HoursRecord, string, error)
	PendingHoursOfNeeds(ctx context.Context, needIDs []string, p Page) ([]*models.HoursRecord, string, error)
}

// HoursDecision is the one decision on a record as its claim records it:
// all that carrying it out needs, so that anyone may roll it forward when
// the writer that claimed it failed before updating the record.
type HoursDecision struct {
	Status       models.HoursStatus // verified or rejected; "" in claims made before decisions were recorded
	RejectReason string
	By, Name     string // the verifier and their name
	Org          string // "community:<code>" or "organisation:<id>"
	At           time.Time
}

// apply writes the decision into r.
func (d HoursDecision) apply(r *models.HoursRecord) {
	at := d.At
	r.Status, r.RejectReason = d.Status, d.RejectReason
	r.VerifiedBy, r.VerifierName, r.VerifierOrg, r.VerifiedAt = d.By, d.Name, d.Org, &at
}

// checkinEarly is how long before an occurrence starts check-in opens.
const checkinEarly = 30 * time.Minute

// clockSkew is how far ahead of the server's clock a time a client sends
// (a marked check-out) may be.
const clockSkew = 5 * time.Minute

// Hours only for what happened (issue 14): hours are recorded, and
// verified, only for an occurrence that has started, and only for a
// volunteer who held a place in it or whom the need's committee recorded
// as a walk-in. Each refusal names the input it is about, so a client
// can tell them apart.

// notStarted refuses hours for an occurrence that has not started; field
// names the occurrence in the request (body.occurrenceId or path.id).
func notStarted(field string) error {
	zh, en := "该场次尚未开始，不能记录或核实服务时长", "the occurrence has not started: no hours can be recorded or verified for it yet"
	return &models.Error{Kind: models.KindConflict, Zh: zh, En: en, Field: field, Fields: []models.FieldError{{Field: field, Zh: zh, En: en}}}
}

// errNoPresence refuses to verify hours of a volunteer who neither held a
// place in the occurrence nor was recorded there.
func errNoPresence() error {
	zh, en := "该志愿者在该场次没有名额，也未被登记为临时到场者", "the volunteer held no place in this occurrence and was not recorded as a walk-in"
	return &models.Error{Kind: models.KindConflict, Zh: zh, En: en, Field: "id", Fields: []models.FieldError{{Field: "id", Zh: zh, En: en}}}
}

// happened checks what a record rests on before it is verified: its
// occurrence has started, the record was made after that (records made
// before the rule existed may predate it), and the volunteer was there by
// the service's own account: an attendance (a check-in, which needs a
// place, or a line the committee or supervisor marked) or, for a
// self-report, a place held.
func (s *Service) happened(ctx context.Context, r *models.HoursRecord) error {
	start, ok := models.OccurrenceStart(r.OccurrenceID)
	if !ok || s.d.Now().Before(start) || r.BeforeItsOccurrence() {
		return notStarted("id")
	}
	if _, err := s.st.Hours.Attendance(ctx, r.OccurrenceID+"#"+r.VolunteerID); err == nil {
		return nil
	} else if !core.IsKind(err, models.KindNotFound) {
		return err
	}
	held, err := s.holdsPlace(ctx, r.NeedID, r.OccurrenceID+"#"+r.VolunteerID)
	if err != nil {
		return err
	}
	if !held {
		return errNoPresence()
	}
	return nil
}

// occurrenceOf finds the need and occurrence of an occurrence id.
func (s *Service) occurrenceOf(ctx context.Context, occurrenceID string) (*models.Need, models.Occurrence, error) {
	needID, _, ok := strings.Cut(occurrenceID, "#")
	if !ok {
		return nil, models.Occurrence{}, models.Invalid("occurrenceId", "场次编号无效", "invalid occurrence id")
	}
	n, err := s.d.Need(ctx, needID)
	if core.IsKind(err, models.KindNotFound) {
		return nil, models.Occurrence{}, models.Invalid("occurrenceId", "场次不存在", "no such occurrence")
	} else if err != nil {
		return nil, models.Occurrence{}, err
	}
	for _, o := range n.Occurrences() {
		if o.ID == occurrenceID {
			return n, o, nil
		}
	}
	return nil, models.Occurrence{}, models.Invalid("occurrenceId", "场次不存在", "no such occurrence")
}

// mayRunAttendance: the committee, or the plan's accepted supervisor.
func (s *Service) mayRunAttendance(ctx context.Context, actor *Actor, n *models.Need) (*models.Plan, error) {
	p, err := s.d.Plan(ctx, n)
	if err != nil {
		return nil, err
	}
	obj := policy.NeedObject(n)
	if p.SupervisorState == models.SupervisorAccepted {
		obj.Parties = []string{p.SupervisorID} // the accepted supervisor runs attendance with the committee
	}
	if err := policy.Authorize(actor, "mark-attendance", obj); err != nil {
		return nil, err
	}
	return p, nil
}

// CheckinCode is the code the committee's screen shows for an occurrence
// now, and when it changes.
func (s *Service) CheckinCode(ctx context.Context, actor *Actor, occurrenceID string) (string, time.Time, error) {
	n, occ, err := s.occurrenceOf(ctx, occurrenceID)
	if err != nil {
		return "", time.Time{}, err
	}
	if _, err := s.mayRunAttendance(ctx, actor, n); err != nil {
		return "", time.Time{}, err
	}
	now := s.d.Now()
	next := now.Truncate(models.CheckinStep).Add(models.CheckinStep)
	return models.CheckinCode(s.d.CheckinSecret, occ.ID, now), next, nil
}

// Presence is a volunteer's check-in or check-out: the code on the screen
// and where the phone is.
type Presence struct {
	OccurrenceID string
	Code         string
	At           models.Point
}

func (s *Service) checkPresence(n *models.Need, occ models.Occurrence, p Presence, now time.Time) error {
	if now.Before(occ.Window.Start.Add(-checkinEarly)) || now.After(occ.Window.End.Add(2*time.Hour)) {
		return models.E(models.KindConflict, "不在签到时间内", "outside the check-in time")
	}
	if !models.CheckinCodeValid(s.d.CheckinSecret, occ.ID, p.Code, now) {
		return models.Invalid("code", "签到码错误或已过期", "the code is wrong or has expired")
	}
	if !models.WithinRadius(p.At, n.Location, s.d.CheckinRadiusKm) {
		return models.Invalid("location", "不在服务地点附近", "not near the place of service")
	}
	return nil
}

// CheckIn records a volunteer holding a place as present: the rotating
// code and the phone's position near the place. Checking in twice changes
// nothing (the attendance is recorded once, by its id).
func (s *Service) CheckIn(ctx context.Context, actor *Actor, p Presence) (*models.Attendance, error) {
	n, occ, err := s.occurrenceOf(ctx, p.OccurrenceID)
	if err != nil {
		return nil, err
	}
	id := occ.ID + "#" + actor.AccountID
	if ok, err := s.holdsPlace(ctx, n.ID, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, models.E(models.KindForbidden, "你在该场次没有名额", "you hold no place in this occurrence")
	}
	now := s.d.Now()
	if err := s.checkPresence(n, occ, p, now); err != nil {
		return nil, err
	}
	a := &models.Attendance{ID: id, NeedID: n.ID, OccurrenceID: occ.ID, VolunteerID: actor.AccountID, CheckinAt: now}
	if err := s.st.Hours.CreateAttendance(ctx, a); err != nil {
		if core.IsKind(err, models.KindConflict) {
			return s.st.Hours.Attendance(ctx, id)
		}
		return nil, err
	}
	s.d.VolunteerChanged(ctx, actor.AccountID)
	return a, nil
}

func (s *Service) holdsPlace(ctx context.Context, needID, assignmentID string) (bool, error) {
	as, err := s.d.Assignments(ctx, needID)
	if err != nil {
		return false, err
	}
	for _, a := range as {
		if a.ID == assignmentID && a.Active() {
			return true, nil
		}
	}
	return false, nil
}

// CheckOut ends a volunteer's attendance and records the hours (pending
// verification) by the documented rounding rule (models.ServiceHours),
// once the occurrence has started.
// The record's unique id decides: a double check-out yields one record.
// The check-out time is stored first and kept once stored, so a retry
// after a failure at any later step records the hours of the first
// attempt's time, not of its own later one.
func (s *Service) CheckOut(ctx context.Context, actor *Actor, p Presence) (*models.HoursRecord, error) {
	n, occ, err := s.occurrenceOf(ctx, p.OccurrenceID)
	if err != nil {
		return nil, err
	}
	id := occ.ID + "#" + actor.AccountID
	a, err := s.st.Hours.Attendance(ctx, id)
	if core.IsKind(err, models.KindNotFound) {
		return nil, models.E(models.KindConflict, "尚未签到", "you have not checked in")
	} else if err != nil {
		return nil, err
	}
	now := s.d.Now()
	if now.Before(occ.Window.Start) {
		return nil, notStarted("occurrenceId")
	}
	if err := s.checkPresence(n, occ, p, now); err != nil {
		return nil, err
	}
	out := now
	if a.CheckoutAt != nil {
		out = *a.CheckoutAt
	}
	hours := models.ServiceHours(a.CheckinAt, out, occ.Window)
	if hours < models.MinServiceHours {
		// Nothing is stored: the volunteer may check out later.
		return nil, errShortStay("occurrenceId")
	}
	if a.CheckoutAt == nil {
		if err := s.st.Hours.SetCheckout(ctx, id, now); err != nil {
			return nil, err
		}
	}
	return s.recordHours(ctx, n, occ, actor.AccountID, hours, "checkin")
}

// errShortStay refuses hours for a stay that counts less than one quarter
// hour: no record of 0 h is ever made (docs/hours.md).
func errShortStay(field string) error {
	zh, en := "服务时长不足 15 分钟，不记录服务时长", "the stay counts less than 15 minutes: no hours are recorded"
	return &models.Error{Kind: models.KindConflict, Zh: zh, En: en, Field: field, Fields: []models.FieldError{{Field: field, Zh: zh, En: en}}}
}

// recordHours inserts version 1 of a volunteer's hours for an occurrence.
func (s *Service) recordHours(ctx context.Context, n *models.Need, occ models.Occurrence, volunteerID string, hours float64, source string) (*models.HoursRecord, error) {
	p, err := s.d.Plan(ctx, n)
	if err != nil {
		return nil, err
	}
	r := &models.HoursRecord{ID: HoursRecordID(occ.ID, volunteerID, 1), NeedID: n.ID, OccurrenceID: occ.ID, VolunteerID: volunteerID,
		Version: 1, Date: string(models.DateOf(occ.Window.Start)), Hours: hours, Domain: n.Domain, Tasks: n.Tasks,
		Supervised: p.SupervisorState == models.SupervisorAccepted, Source: source, Status: models.HoursPending,
		CommunityCode: n.CommunityCode, CreatedAt: s.d.Now()}
	if err := s.st.Hours.CreateHours(ctx, r); err != nil {
		if core.IsKind(err, models.KindConflict) {
			// A repeat of the same recording (its answer lost) answers the
			// stored record again; a record made another way is a conflict.
			if prior, err := s.st.Hours.HoursRecord(ctx, r.ID); err != nil {
				return nil, err
			} else if prior.Source == source && prior.Hours == hours {
				return prior, nil
			}
			return nil, models.E(models.KindConflict, "该场次的服务时长已记录", "hours for this occurrence are recorded already")
		}
		return nil, err
	}
	return r, nil
}

// Mark is one line of a committee's or supervisor's bulk attendance.
type Mark struct {
	VolunteerID       string
	Checkin, Checkout time.Time
}

// MarkAttendance records attendance and hours for many volunteers at once,
// walk-ins included (a walk-in holds no place), once the occurrence has
// started and for check-outs no later than now: only the committee
// records walk-ins, a supervisor those holding places. Lines already recorded are
// reported and skipped, so a retry after a failure completes the lines the
// failed attempt had not (a walk-in's time claims are found as its own).
func (s *Service) MarkAttendance(ctx context.Context, actor *Actor, occurrenceID string, marks []Mark) ([]*models.HoursRecord, []error, error) {
	n, occ, err := s.occurrenceOf(ctx, occurrenceID)
	if err != nil {
		return nil, nil, err
	}
	if _, err := s.mayRunAttendance(ctx, actor, n); err != nil {
		return nil, nil, err
	}
	now := s.d.Now()
	if now.Before(occ.Window.Start) {
		return nil, nil, notStarted("occurrenceId")
	}
	committee := mayManageNeed(actor, n)
	var out []*models.HoursRecord
	var errs []error
	for i, m := range marks {
		if !m.Checkout.After(m.Checkin) {
			errs = append(errs, models.Invalid("marks["+itoa(i)+"].checkout", "签退须晚于签到", "check-out must be after check-in"))
			continue
		}
		if m.Checkout.After(now.Add(clockSkew)) {
			errs = append(errs, models.Invalid("marks["+itoa(i)+"].checkout", "签退时间不能晚于现在", "check-out cannot be in the future"))
			continue
		}
		if models.ServiceHours(m.Checkin, m.Checkout, occ.Window) < models.MinServiceHours {
			errs = append(errs, errShortStay("marks["+itoa(i)+"].checkout"))
			continue
		}
		if _, err := s.st.Volunteers.Volunteer(ctx, m.VolunteerID); err != nil && !core.IsKind(err, models.KindNotFound) {
			return nil, nil, err
		} else if err != nil {
			errs = append(errs, models.Invalid("marks["+itoa(i)+"].volunteerId", "志愿者不存在", "no such volunteer"))
			continue
		}
		id := occ.ID + "#" + m.VolunteerID
		held, err := s.holdsPlace(ctx, n.ID, id)
		if err != nil {
			return nil, nil, err
		}
		if !held && !committee {
			// 谁记录谁证明: the committee answers for who came to its
			// community's service without a place; a supervisor marks
			// the volunteers holding places.
			field := "marks[" + itoa(i) + "].volunteerId"
			zh, en := "临时到场者只能由社区居委会登记", "only the need's committee records walk-ins"
			errs = append(errs, &models.Error{Kind: models.KindForbidden, Zh: zh, En: en, Field: field, Fields: []models.FieldError{{Field: field, Zh: zh, En: en}}})
			continue
		}
		if !held {
			// A walk-in's time is claimed like a place's, so one volunteer
			// never has two records at overlapping times.
			w := models.Window{Start: m.Checkin.Truncate(models.SlotLength), End: m.Checkout}
			if err := s.d.ClaimTime(ctx, m.VolunteerID, w.Slots(), id); err != nil {
				if core.IsKind(err, models.KindConflict) {
					errs = append(errs, models.Invalid("marks["+itoa(i)+"].volunteerId", "该志愿者此时段已有其他服务记录", "the volunteer has another commitment at that time"))
					continue
				}
				return nil, nil, err
			}
		}
		co := m.Checkout
		a := &models.Attendance{ID: id, NeedID: n.ID, OccurrenceID: occ.ID, VolunteerID: m.VolunteerID, CheckinAt: m.Checkin,
			CheckoutAt: &co, MarkedBy: actor.AccountID, WalkIn: !held}
		if err := s.st.Hours.CreateAttendance(ctx, a); err != nil && !core.IsKind(err, models.KindConflict) {
			return nil, nil, err
		}
		r, err := s.recordHours(ctx, n, occ, m.VolunteerID, models.ServiceHours(m.Checkin, m.Checkout, occ.Window), "marked")
		if err != nil {
			if core.IsOutage(err) {
				return nil, nil, err
			}
			errs = append(errs, err)
			continue
		}
		out = append(out, r)
		s.d.VolunteerChanged(ctx, m.VolunteerID)
	}
	return out, errs, nil
}
