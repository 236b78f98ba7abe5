package records

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// Deciding on hours: verification (one and many), revision, dispute, the
// record's trail and the committee's queue. Recording them (check-in,
// check-out, marks) is in attendance.go.

var errHoursDecided = models.E(models.KindConflict, "该记录已处理", "the record was decided already").WithCode(models.CodeAlreadyDecided)

// VerifyHours decides pending records: the committee of the need's
// community or the plan's accepted supervisor, never the volunteer
// themselves; a record is verified only for what happened (see happened). Each record is decided once, by a unique insert of the whole
// decision; the verifier and their committee or organisation are recorded
// (谁记录谁证明). The claim is then carried out (the record updated, the
// step added to its trail); a claim whose writer failed before that is
// carried out by the next attempt, whoever makes it. Deciding a decided
// record the same way answers the record again (retry-safe); the other
// way is a conflict.
func (s *Service) VerifyHours(ctx context.Context, actor *Actor, id string, approve bool, reason string) (*models.HoursRecord, error) {
	r, err := s.st.Hours.HoursRecord(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.VolunteerID == actor.AccountID {
		return nil, models.E(models.KindForbidden, "不能核实自己的服务时长", "nobody verifies their own hours")
	}
	n, err := s.d.Need(ctx, r.NeedID)
	if err != nil {
		return nil, err
	}
	p, err := s.mayRunAttendance(ctx, actor, n)
	if err != nil {
		if r.CommunityCode != "" && !actor.Governs(r.CommunityCode) && !actor.RunsCommittee(r.CommunityCode) {
			return nil, core.ErrNotFound
		}
		return nil, err
	}
	if !approve && strings.TrimSpace(reason) == "" {
		return nil, models.Invalid("reason", "驳回须注明原因", "a rejection needs a reason")
	}
	if r.Status != models.HoursPending {
		// The writer that decided it may have failed before its step
		// joined the trail: add the step (once).
		if err := s.hoursEvent(ctx, r.VerifiedBy, r, string(r.Status), r.RejectReason, true); err != nil {
			return nil, err
		}
		return sameDecision(r, approve)
	}
	if approve {
		if r.Hours < models.MinServiceHours {
			return nil, errShortStay("id") // a record from before the rule
		}
		if err := s.happened(ctx, r); err != nil {
			return nil, err
		}
	}
	a, err := s.st.Accounts.AccountByID(ctx, actor.AccountID)
	if err != nil {
		return nil, err
	}
	d := HoursDecision{Status: models.HoursVerified, By: actor.AccountID, Name: a.Name, At: s.d.Now()}
	if !approve {
		d.Status, d.RejectReason = models.HoursRejected, strings.TrimSpace(reason)
	}
	// 谁记录谁证明: the committee certifies for its community; a supervisor
	// for the organisation employing them (or the plan's carrier).
	d.Org = "community:" + n.CommunityCode
	if !mayManageNeed(actor, n) {
		org := p.OrganisationID
		if w, err := s.st.SocialWorkers.SocialWorker(ctx, actor.AccountID); err == nil && w.EmployerOrgID != "" {
			org = w.EmployerOrgID
		}
		if org != "" {
			d.Org = "organisation:" + org
		}
	}
	if err := s.st.Hours.ClaimVerification(ctx, id, d); core.IsKind(err, models.KindConflict) {
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
		return sameDecision(r, approve)
	} else if err != nil {
		return nil, err
	}
	if err := s.carryOutHoursDecision(ctx, r, d); err != nil {
		return nil, err
	}
	return r, nil
}

// sameDecision answers a decision on a decided record: the record again
// when it was decided the same way (a retry whose answer was lost, or a
// second verifier agreeing), a conflict when the other way.
func sameDecision(r *models.HoursRecord, approve bool) (*models.HoursRecord, error) {
	if (r.Status == models.HoursVerified) == approve {
		return r, nil
	}
	return nil, errHoursDecided
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
		if err != nil && core.IsOutage(err) {
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
			needs, err := s.d.SupervisedNeeds(ctx, actor.AccountID)
			if err != nil {
				return nil, "", err
			}
			return s.st.Hours.PendingHoursOfNeeds(ctx, needs, p.Normalised())
		}
	}
	if !actor.RunsCommittee(community) && !actor.Governs(community) {
		return nil, "", core.ErrForbidden
	}
	return s.st.Hours.PendingHours(ctx, community, p.Normalised())
}

// HoursRecordID is URL-safe and the same for one version of one
// volunteer's hours at one occurrence, so its unique insert allows one.
func HoursRecordID(occurrenceID, volunteerID string, version int) string {
	h := sha256.Sum256([]byte(occurrenceID + "#" + volunteerID + "#v" + itoa(version)))
	return hex.EncodeToString(h[:])[:32]
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
	if occ.Window.End.After(s.d.Now()) {
		return nil, models.E(models.KindConflict, "服务结束后才能自报时长", "report hours after the occurrence has ended")
	}
	if max := occ.Window.Hours() + 1; hours <= 0 || hours > max {
		return nil, models.Invalid("hours", "时长须大于 0 且不超过服务时段加 1 小时", "hours must be above 0 and at most the window plus 1 hour")
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
	n, err := s.d.Need(ctx, r.NeedID)
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
		return nil, models.Invalid("reason", "修改须注明原因", "a revision needs a reason")
	}
	if hours <= 0 || hours > 24 {
		return nil, models.Invalid("hours", "时长须为 0–24 小时", "hours must be above 0 and at most 24")
	}
	next := *r
	next.ID, next.Version = HoursRecordID(r.OccurrenceID, r.VolunteerID, r.Version+1), r.Version+1
	next.Hours, next.Status, next.Source, next.CreatedAt = models.RoundHours(hours), models.HoursPending, "revision", s.d.Now()
	next.VerifiedBy, next.VerifierName, next.VerifierOrg, next.VerifiedAt, next.RejectReason = "", "", "", nil, ""
	if err := s.st.Hours.CreateHours(ctx, &next); err != nil {
		if core.IsKind(err, models.KindConflict) {
			// The next version exists: an earlier attempt (maybe this
			// request's, failed after the insert) made it, and may have
			// failed before its step joined the trail: add the step (once).
			if err := s.hoursEvent(ctx, actor.AccountID, r, "revised", reason, true); err != nil {
				return nil, err
			}
			return nil, models.E(models.KindConflict, "该记录已有更新的版本", "a newer version of this record exists").WithCode(models.CodeStaleState)
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
		return core.ErrNotFound
	}
	if r.Status == models.HoursPending {
		return models.E(models.KindConflict, "记录尚未处理", "the record has not been decided yet")
	}
	if n := len([]rune(strings.TrimSpace(reason))); n < 4 || n > 1000 {
		return models.Invalid("reason", "异议理由须为 4–1000 字", "a dispute needs a reason of 4–1000 characters")
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
			At: s.d.Now(), Note: strings.TrimSpace(note), Reason: r.ID}
		err = s.st.Transitions.RecordTransition(ctx, t)
		if !core.IsKind(err, models.KindConflict) {
			return err
		}
	}
	return core.ErrStaleState
}

// HoursTrail shows a record and its trail to the volunteer, the committee
// and the plan's supervisor.
func (s *Service) HoursTrail(ctx context.Context, actor *Actor, id string) (*models.HoursRecord, []models.Transition, error) {
	r, err := s.st.Hours.HoursRecord(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if r.VolunteerID != actor.AccountID {
		n, err := s.d.Need(ctx, r.NeedID)
		if err != nil {
			return nil, nil, err
		}
		if _, err := s.mayRunAttendance(ctx, actor, n); core.IsKind(err, models.KindForbidden) || core.IsKind(err, models.KindNotFound) {
			return nil, nil, core.ErrNotFound
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
			} else if !core.IsKind(err, models.KindNotFound) {
				return nil, "", err
			}
		}
		if _, ok := q.NeedTitles[r.NeedID]; !ok {
			if n, err := s.d.Need(ctx, r.NeedID); err == nil {
				q.NeedTitles[r.NeedID] = n.Title
			} else if !core.IsKind(err, models.KindNotFound) {
				return nil, "", err
			}
		}
	}
	return q, next, nil
}
