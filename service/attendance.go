package service

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/wushe/wushe/models"
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
	return &models.Error{Kind: models.KindConflict, Zh: zh, En: en, Field: "path.id", Fields: []models.FieldError{{Field: "path.id", Zh: zh, En: en}}}
}

// happened checks what a record rests on before it is verified: its
// occurrence has started, the record was made after that (records made
// before the rule existed may predate it), and the volunteer was there by
// the service's own account: an attendance (a check-in, which needs a
// place, or a line the committee or supervisor marked) or, for a
// self-report, a place held.
func (s *Service) happened(ctx context.Context, r *models.HoursRecord) error {
	start, ok := models.OccurrenceStart(r.OccurrenceID)
	if !ok || s.now().Before(start) || r.BeforeItsOccurrence() {
		return notStarted("path.id")
	}
	if _, err := s.st.Hours.Attendance(ctx, r.OccurrenceID+"#"+r.VolunteerID); err == nil {
		return nil
	} else if !isKind(err, models.KindNotFound) {
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
		return nil, models.Occurrence{}, models.Invalid("body.occurrenceId", "场次编号无效", "invalid occurrence id")
	}
	n, err := s.st.Needs.Need(ctx, needID)
	if isKind(err, models.KindNotFound) {
		return nil, models.Occurrence{}, models.Invalid("body.occurrenceId", "场次不存在", "no such occurrence")
	} else if err != nil {
		return nil, models.Occurrence{}, err
	}
	for _, o := range n.Occurrences() {
		if o.ID == occurrenceID {
			return n, o, nil
		}
	}
	return nil, models.Occurrence{}, models.Invalid("body.occurrenceId", "场次不存在", "no such occurrence")
}

// mayRunAttendance: the committee, or the plan's accepted supervisor.
func (s *Service) mayRunAttendance(ctx context.Context, actor *Actor, n *models.Need) (*models.Plan, error) {
	p, err := s.plan(ctx, n)
	if err != nil {
		return nil, err
	}
	if s.mayManageNeed(actor, n) || (p.SupervisorID == actor.AccountID && p.SupervisorState == models.SupervisorAccepted) {
		return p, nil
	}
	return nil, errForbidden
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
	now := s.cfg.Now()
	next := now.Truncate(models.CheckinStep).Add(models.CheckinStep)
	return models.CheckinCode(s.cfg.JWTSecret, occ.ID, now), next, nil
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
	if !models.CheckinCodeValid(s.cfg.JWTSecret, occ.ID, p.Code, now) {
		return models.Invalid("body.code", "签到码错误或已过期", "the code is wrong or has expired")
	}
	if !models.WithinRadius(p.At, n.Location, s.cfg.CheckinRadiusKm) {
		return models.Invalid("body.location", "不在服务地点附近", "not near the place of service")
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
	now := s.now()
	if err := s.checkPresence(n, occ, p, now); err != nil {
		return nil, err
	}
	a := &models.Attendance{ID: id, NeedID: n.ID, OccurrenceID: occ.ID, VolunteerID: actor.AccountID, CheckinAt: now}
	if err := s.st.Hours.CreateAttendance(ctx, a); err != nil {
		if isKind(err, models.KindConflict) {
			return s.st.Hours.Attendance(ctx, id)
		}
		return nil, err
	}
	s.volunteerChanged(ctx, actor.AccountID)
	return a, nil
}

func (s *Service) holdsPlace(ctx context.Context, needID, assignmentID string) (bool, error) {
	as, err := s.st.Plans.Assignments(ctx, needID)
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
	if isKind(err, models.KindNotFound) {
		return nil, models.E(models.KindConflict, "尚未签到", "you have not checked in")
	} else if err != nil {
		return nil, err
	}
	now := s.now()
	if now.Before(occ.Window.Start) {
		return nil, notStarted("body.occurrenceId")
	}
	if err := s.checkPresence(n, occ, p, now); err != nil {
		return nil, err
	}
	out := now
	if a.CheckoutAt != nil {
		out = *a.CheckoutAt
	} else if err := s.st.Hours.SetCheckout(ctx, id, now); err != nil {
		return nil, err
	}
	return s.recordHours(ctx, n, occ, actor.AccountID, models.ServiceHours(a.CheckinAt, out, occ.Window), "checkin")
}

// isOutage tells a store's failure (the request fails and may be retried)
// from a domain answer about one line of a bulk request.
func isOutage(err error) bool {
	k := models.KindOf(err)
	return k == models.KindInternal || k == models.KindUnavailable
}

// recordHours inserts version 1 of a volunteer's hours for an occurrence.
func (s *Service) recordHours(ctx context.Context, n *models.Need, occ models.Occurrence, volunteerID string, hours float64, source string) (*models.HoursRecord, error) {
	p, err := s.plan(ctx, n)
	if err != nil {
		return nil, err
	}
	r := &models.HoursRecord{ID: hoursRecordID(occ.ID, volunteerID, 1), NeedID: n.ID, OccurrenceID: occ.ID, VolunteerID: volunteerID,
		Version: 1, Date: string(models.DateOf(occ.Window.Start)), Hours: hours, Domain: n.Domain, Tasks: n.Tasks,
		Supervised: p.SupervisorState == models.SupervisorAccepted, Source: source, Status: models.HoursPending,
		CommunityCode: n.CommunityCode, CreatedAt: s.now()}
	if err := s.st.Hours.CreateHours(ctx, r); err != nil {
		if isKind(err, models.KindConflict) {
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
	now := s.now()
	if now.Before(occ.Window.Start) {
		return nil, nil, notStarted("body.occurrenceId")
	}
	committee := s.mayManageNeed(actor, n)
	var out []*models.HoursRecord
	var errs []error
	for i, m := range marks {
		if !m.Checkout.After(m.Checkin) {
			errs = append(errs, models.Invalid("body.marks["+itoa(i)+"].checkout", "签退须晚于签到", "check-out must be after check-in"))
			continue
		}
		if m.Checkout.After(now.Add(clockSkew)) {
			errs = append(errs, models.Invalid("body.marks["+itoa(i)+"].checkout", "签退时间不能晚于现在", "check-out cannot be in the future"))
			continue
		}
		if _, err := s.st.Volunteers.Volunteer(ctx, m.VolunteerID); err != nil && !isKind(err, models.KindNotFound) {
			return nil, nil, err
		} else if err != nil {
			errs = append(errs, models.Invalid("body.marks["+itoa(i)+"].volunteerId", "志愿者不存在", "no such volunteer"))
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
			field := "body.marks[" + itoa(i) + "].volunteerId"
			zh, en := "临时到场者只能由社区居委会登记", "only the need's committee records walk-ins"
			errs = append(errs, &models.Error{Kind: models.KindForbidden, Zh: zh, En: en, Field: field, Fields: []models.FieldError{{Field: field, Zh: zh, En: en}}})
			continue
		}
		if !held {
			// A walk-in's time is claimed like a place's, so one volunteer
			// never has two records at overlapping times.
			w := models.Window{Start: m.Checkin.Truncate(models.SlotLength), End: m.Checkout}
			if err := s.st.Plans.ClaimTime(ctx, m.VolunteerID, w.Slots(), id); err != nil {
				if isKind(err, models.KindConflict) {
					errs = append(errs, models.Invalid("body.marks["+itoa(i)+"].volunteerId", "该志愿者此时段已有其他服务记录", "the volunteer has another commitment at that time"))
					continue
				}
				return nil, nil, err
			}
		}
		co := m.Checkout
		a := &models.Attendance{ID: id, NeedID: n.ID, OccurrenceID: occ.ID, VolunteerID: m.VolunteerID, CheckinAt: m.Checkin,
			CheckoutAt: &co, MarkedBy: actor.AccountID, WalkIn: !held}
		if err := s.st.Hours.CreateAttendance(ctx, a); err != nil && !isKind(err, models.KindConflict) {
			return nil, nil, err
		}
		r, err := s.recordHours(ctx, n, occ, m.VolunteerID, models.ServiceHours(m.Checkin, m.Checkout, occ.Window), "marked")
		if err != nil {
			if isOutage(err) {
				return nil, nil, err
			}
			errs = append(errs, err)
			continue
		}
		out = append(out, r)
		s.volunteerChanged(ctx, m.VolunteerID)
	}
	return out, errs, nil
}

var errHoursDecided = models.E(models.KindConflict, "该记录已处理", "the record was decided already")

// VerifyHours decides pending records: the committee of the need's
// community or the plan's accepted supervisor, never the volunteer
// themselves; a record is verified only for what happened (see happened). Each record is decided once, by a unique insert of the whole
// decision; the verifier and their committee or organisation are recorded
// (谁记录谁证明). The claim is then carried out (the record updated, the
// step added to its trail); a claim whose writer failed before that is
// carried out by the next attempt, whoever makes it, which then answers
// that the record was decided.
func (s *Service) VerifyHours(ctx context.Context, actor *Actor, id string, approve bool, reason string) (*models.HoursRecord, error) {
	r, err := s.st.Hours.HoursRecord(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.VolunteerID == actor.AccountID {
		return nil, models.E(models.KindForbidden, "不能核实自己的服务时长", "nobody verifies their own hours")
	}
	n, err := s.st.Needs.Need(ctx, r.NeedID)
	if err != nil {
		return nil, err
	}
	p, err := s.mayRunAttendance(ctx, actor, n)
	if err != nil {
		if r.CommunityCode != "" && !actor.Governs(r.CommunityCode) && !actor.RunsCommittee(r.CommunityCode) {
			return nil, errNotFound
		}
		return nil, err
	}
	if !approve && strings.TrimSpace(reason) == "" {
		return nil, models.Invalid("body.reason", "驳回须注明原因", "a rejection needs a reason")
	}
	if r.Status != models.HoursPending {
		// The writer that decided it may have failed before its step
		// joined the trail: add the step (once).
		if err := s.hoursEvent(ctx, r.VerifiedBy, r, string(r.Status), r.RejectReason, true); err != nil {
			return nil, err
		}
		return nil, errHoursDecided
	}
	if approve {
		if err := s.happened(ctx, r); err != nil {
			return nil, err
		}
	}
	a, err := s.st.Accounts.AccountByID(ctx, actor.AccountID)
	if err != nil {
		return nil, err
	}
	d := HoursDecision{Status: models.HoursVerified, By: actor.AccountID, Name: a.Name, At: s.now()}
	if !approve {
		d.Status, d.RejectReason = models.HoursRejected, strings.TrimSpace(reason)
	}
	// 谁记录谁证明: the committee certifies for its community; a supervisor
	// for the organisation employing them (or the plan's carrier).
	d.Org = "community:" + n.CommunityCode
	if !s.mayManageNeed(actor, n) {
		org := p.OrganisationID
		if w, err := s.st.SocialWorkers.SocialWorker(ctx, actor.AccountID); err == nil && w.EmployerOrgID != "" {
			org = w.EmployerOrgID
		}
		if org != "" {
			d.Org = "organisation:" + org
		}
	}
	if err := s.st.Hours.ClaimVerification(ctx, id, d); isKind(err, models.KindConflict) {
		// Decided by an earlier claim, whose writer may have failed before
		// carrying it out: roll that decision forward, then answer.
		prior, err := s.st.Hours.HoursVerification(ctx, id)
		if err != nil {
			return nil, err
		}
		if prior.Status == "" {
			// A claim from before decisions were recorded in claims names
			// no decision: this verifier's is carried out.
			prior = &d
		}
		if err := s.carryOutHoursDecision(ctx, r, *prior); err != nil {
			return nil, err
		}
		return nil, errHoursDecided
	} else if err != nil {
		return nil, err
	}
	if err := s.carryOutHoursDecision(ctx, r, d); err != nil {
		return nil, err
	}
	return r, nil
}

// carryOutHoursDecision writes a claimed decision into its record and adds
// its step to the record's trail; both steps may be repeated.
func (s *Service) carryOutHoursDecision(ctx context.Context, r *models.HoursRecord, d HoursDecision) error {
	d.apply(r)
	if err := s.st.Hours.UpdateHours(ctx, r); err != nil {
		return err
	}
	return s.hoursEvent(ctx, d.By, r, string(r.Status), r.RejectReason, true)
}

// VerifyOutcome is the decision on one record of a bulk verification.
type VerifyOutcome struct {
	ID     string
	Record *models.HoursRecord
	Err    error
}

// VerifyHoursBulk decides many records at once, each by the same rules as
// VerifyHours; the outcome of each is reported.
func (s *Service) VerifyHoursBulk(ctx context.Context, actor *Actor, ids []string, approve bool, reason string) ([]VerifyOutcome, error) {
	out := make([]VerifyOutcome, 0, len(ids))
	for _, id := range ids {
		r, err := s.VerifyHours(ctx, actor, id, approve, reason)
		if err != nil && isOutage(err) {
			return nil, err
		}
		out = append(out, VerifyOutcome{ID: id, Record: r, Err: err})
	}
	return out, nil
}

// MyHours lists the caller's hours records.
func (s *Service) MyHours(ctx context.Context, actor *Actor, p Page) ([]*models.HoursRecord, string, error) {
	return s.st.Hours.HoursOfVolunteer(ctx, actor.AccountID, p.Normalised())
}

// PendingHours is a committee's queue of records to verify.
func (s *Service) PendingHours(ctx context.Context, actor *Actor, community string, p Page) ([]*models.HoursRecord, string, error) {
	if community == "" {
		if b := actor.Bindings(models.RoleCommunityAdmin); len(b) > 0 {
			community = b[0].CommunityCode
		} else if actor.Has(models.RoleSocialWorker) {
			// A supervisor's queue: the needs whose plans they supervise.
			needs, err := s.st.Plans.SupervisedNeeds(ctx, actor.AccountID)
			if err != nil {
				return nil, "", err
			}
			return s.st.Hours.PendingHoursOfNeeds(ctx, needs, p.Normalised())
		}
	}
	if !actor.RunsCommittee(community) && !actor.Governs(community) {
		return nil, "", errForbidden
	}
	return s.st.Hours.PendingHours(ctx, community, p.Normalised())
}

// hoursRecordID is URL-safe and the same for one version of one
// volunteer's hours at one occurrence, so its unique insert allows one.
func hoursRecordID(occurrenceID, volunteerID string, version int) string {
	return hashToken(occurrenceID + "#" + volunteerID + "#v" + itoa(version))[:32]
}

// SelfReport records hours the volunteer reports for a past occurrence in
// which they held a place and for which nothing is recorded yet; it stays
// pending until verified like any other record.
func (s *Service) SelfReport(ctx context.Context, actor *Actor, occurrenceID string, hours float64) (*models.HoursRecord, error) {
	n, occ, err := s.occurrenceOf(ctx, occurrenceID)
	if err != nil {
		return nil, err
	}
	if ok, err := s.holdsPlace(ctx, n.ID, occ.ID+"#"+actor.AccountID); err != nil {
		return nil, err
	} else if !ok {
		return nil, models.E(models.KindForbidden, "你在该场次没有名额", "you hold no place in this occurrence")
	}
	if occ.Window.End.After(s.cfg.Now()) {
		return nil, models.E(models.KindConflict, "服务结束后才能自报时长", "report hours after the occurrence has ended")
	}
	if max := occ.Window.Hours() + 1; hours <= 0 || hours > max {
		return nil, models.Invalid("body.hours", "时长须大于 0 且不超过服务时段加 1 小时", "hours must be above 0 and at most the window plus 1 hour")
	}
	return s.recordHours(ctx, n, occ, actor.AccountID, models.RoundHours(hours), "self_report")
}

// ReviseHours corrects a decided record by adding its next version
// (pending); the earlier version is kept as it was, never overwritten.
// The committee or the plan's supervisor revises, with a reason.
func (s *Service) ReviseHours(ctx context.Context, actor *Actor, id string, hours float64, reason string) (*models.HoursRecord, error) {
	r, err := s.st.Hours.HoursRecord(ctx, id)
	if err != nil {
		return nil, err
	}
	n, err := s.st.Needs.Need(ctx, r.NeedID)
	if err != nil {
		return nil, err
	}
	if _, err := s.mayRunAttendance(ctx, actor, n); err != nil {
		return nil, err
	}
	if r.Status == models.HoursPending {
		return nil, models.E(models.KindConflict, "待核实的记录请直接核实或驳回", "a pending record is verified or rejected, not revised")
	}
	if strings.TrimSpace(reason) == "" {
		return nil, models.Invalid("body.reason", "修改须注明原因", "a revision needs a reason")
	}
	if hours <= 0 || hours > 24 {
		return nil, models.Invalid("body.hours", "时长须为 0–24 小时", "hours must be above 0 and at most 24")
	}
	next := *r
	next.ID, next.Version = hoursRecordID(r.OccurrenceID, r.VolunteerID, r.Version+1), r.Version+1
	next.Hours, next.Status, next.Source, next.CreatedAt = models.RoundHours(hours), models.HoursPending, "revision", s.now()
	next.VerifiedBy, next.VerifierName, next.VerifierOrg, next.VerifiedAt, next.RejectReason = "", "", "", nil, ""
	if err := s.st.Hours.CreateHours(ctx, &next); err != nil {
		if isKind(err, models.KindConflict) {
			// The next version exists: an earlier attempt (maybe this
			// request's, failed after the insert) made it, and may have
			// failed before its step joined the trail: add the step (once).
			if err := s.hoursEvent(ctx, actor.AccountID, r, "revised", reason, true); err != nil {
				return nil, err
			}
			return nil, models.E(models.KindConflict, "该记录已有更新的版本", "a newer version of this record exists")
		}
		return nil, err
	}
	if err := s.hoursEvent(ctx, actor.AccountID, r, "revised", reason, true); err != nil {
		return nil, err
	}
	return &next, nil
}

// DisputeHours lets the volunteer contest a decided record; the dispute
// joins the record's trail for the committee and supervisor to resolve
// (by a revision).
func (s *Service) DisputeHours(ctx context.Context, actor *Actor, id, reason string) error {
	r, err := s.st.Hours.HoursRecord(ctx, id)
	if err != nil {
		return err
	}
	if r.VolunteerID != actor.AccountID {
		return errNotFound
	}
	if r.Status == models.HoursPending {
		return models.E(models.KindConflict, "记录尚未处理", "the record has not been decided yet")
	}
	if n := len([]rune(strings.TrimSpace(reason))); n < 4 || n > 1000 {
		return models.Invalid("body.reason", "异议理由须为 4–1000 字", "a dispute needs a reason of 4–1000 characters")
	}
	return s.hoursEvent(ctx, actor.AccountID, r, "disputed", reason, false)
}

// hoursEvent appends to a record's trail (one step per unique seq). A step
// taken once per version (once: its decision, its revision) is not added
// again when the trail has it: a retry after a failure that came after the
// step was written adds nothing.
func (s *Service) hoursEvent(ctx context.Context, by string, r *models.HoursRecord, what, note string, once bool) error {
	object := "hours:" + r.OccurrenceID + "#" + r.VolunteerID
	for attempt := 0; attempt < 5; attempt++ {
		trail, err := s.st.Transitions.Transitions(ctx, object)
		if err != nil {
			return err
		}
		if once && slices.ContainsFunc(trail, func(t models.Transition) bool { return t.To == what && t.Reason == r.ID }) {
			return nil
		}
		t := &models.Transition{Object: object, Seq: len(trail) + 1, From: string(r.Status), To: what, By: by,
			At: s.now(), Note: strings.TrimSpace(note), Reason: r.ID}
		err = s.st.Transitions.RecordTransition(ctx, t)
		if !isKind(err, models.KindConflict) {
			return err
		}
	}
	return errStaleState
}

// HoursTrail shows a record and its trail to the volunteer, the committee
// and the plan's supervisor.
func (s *Service) HoursTrail(ctx context.Context, actor *Actor, id string) (*models.HoursRecord, []models.Transition, error) {
	r, err := s.st.Hours.HoursRecord(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if r.VolunteerID != actor.AccountID {
		n, err := s.st.Needs.Need(ctx, r.NeedID)
		if err != nil {
			return nil, nil, err
		}
		if _, err := s.mayRunAttendance(ctx, actor, n); isKind(err, models.KindForbidden) || isKind(err, models.KindNotFound) {
			return nil, nil, errNotFound
		} else if err != nil {
			return nil, nil, err
		}
	}
	trail, err := s.st.Transitions.Transitions(ctx, "hours:"+r.OccurrenceID+"#"+r.VolunteerID)
	return r, trail, err
}

// PendingHoursQueue is a page of the verification queue with the names
// the committee needs to recognise each record.
type PendingHoursQueue struct {
	Records        []*models.HoursRecord
	VolunteerNames map[string]string // by account id
	NeedTitles     map[string]string // by need id
}

// PendingQueue is PendingHours with the volunteers' names and the needs'
// titles (the same readers: the committee, civil affairs, the supervisor).
func (s *Service) PendingQueue(ctx context.Context, actor *Actor, community string, p Page) (*PendingHoursQueue, string, error) {
	recs, next, err := s.PendingHours(ctx, actor, community, p)
	if err != nil {
		return nil, "", err
	}
	q := &PendingHoursQueue{Records: recs, VolunteerNames: map[string]string{}, NeedTitles: map[string]string{}}
	for _, r := range recs {
		if _, ok := q.VolunteerNames[r.VolunteerID]; !ok {
			if a, err := s.st.Accounts.AccountByID(ctx, r.VolunteerID); err == nil {
				q.VolunteerNames[r.VolunteerID] = a.Name
			} else if !isKind(err, models.KindNotFound) {
				return nil, "", err
			}
		}
		if _, ok := q.NeedTitles[r.NeedID]; !ok {
			if n, err := s.st.Needs.Need(ctx, r.NeedID); err == nil {
				q.NeedTitles[r.NeedID] = n.Title
			} else if !isKind(err, models.KindNotFound) {
				return nil, "", err
			}
		}
	}
	return q, next, nil
}
