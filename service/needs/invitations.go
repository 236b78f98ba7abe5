package needs

import (
	"context"
	"errors"
	"time"

	"github.com/wushe/wushe/matching"
	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// InvitationStore keeps invitations to places.
type InvitationStore interface {
	// CreateInvitation inserts inv; models.ErrConflict when that volunteer
	// was invited to that occurrence before.
	CreateInvitation(ctx context.Context, inv *models.Invitation) error
	// Invitation returns models.ErrNotFound when there is no such invitation.
	Invitation(ctx context.Context, id string) (*models.Invitation, error)
	UpdateInvitation(ctx context.Context, inv *models.Invitation) error
	InvitationsOfVolunteer(ctx context.Context, volunteerID string, p Page) ([]*models.Invitation, string, error)
	InvitationsOfNeed(ctx context.Context, needID string) ([]*models.Invitation, error)
	// EachInvitation streams every invitation (to derive reliability figures).
	EachInvitation(ctx context.Context, fn func(*models.Invitation) error) error
	// PendingInvitationsDue lists up to limit pending invitations expiring at or before t.
	PendingInvitationsDue(ctx context.Context, t time.Time, limit int) ([]*models.Invitation, error)
}

// InvitationRequest names whom the committee invites, and to which occurrence.
type InvitationRequest struct {
	OccurrenceID string   // "" = the next occurrence still to come
	VolunteerIDs []string // chosen by hand
	Top          int      // or: the best this many candidates of the matching engine
	Scores       map[string]int
}

// InvitationOutcome is what happened to one would-be invitee.
type InvitationOutcome struct {
	VolunteerID string
	Invitation  *models.Invitation
	Err         error // why they were not invited
}

// Invite sends invitations to volunteers for one occurrence of a need: the
// committee's choice, each checked against the hard constraints. An
// invitation closes after 48 h, or 2 h before the occurrence starts if that
// is sooner. A volunteer is invited to an occurrence at most once.
func (m *Matching) Invite(ctx context.Context, actor *Actor, needID string, req InvitationRequest) ([]InvitationOutcome, error) {
	n, err := m.needs.NeedForCommittee(ctx, actor, needID)
	if err != nil {
		return nil, err
	}
	if !n.Status.Staffable() {
		return nil, models.E(models.KindConflict, "需求不在招募中", "the need is not recruiting")
	}
	occ, err := m.nextOccurrence(n, req.OccurrenceID)
	if err != nil {
		return nil, err
	}
	if len(req.VolunteerIDs) == 0 && req.Top > 0 {
		p, err := m.needs.PlanOf(ctx, n)
		if err != nil {
			return nil, err
		}
		res, err := m.rank(ctx, n, p, occ, req.Top)
		if err != nil {
			return nil, err
		}
		req.Scores = map[string]int{}
		for _, c := range res.Candidates {
			req.VolunteerIDs = append(req.VolunteerIDs, c.VolunteerID)
			req.Scores[c.VolunteerID] = c.Score
		}
		if len(req.VolunteerIDs) == 0 {
			return nil, models.E(models.KindConflict, "没有符合条件的志愿者（见匹配结果中的排除原因）", "no volunteer qualifies (see the exclusions of the matches)")
		}
	}
	if len(req.VolunteerIDs) == 0 {
		return nil, models.Invalid("volunteerIds", "请选择要邀请的志愿者，或填写 top", "choose the volunteers to invite, or give top")
	}
	now := m.d.Now()
	out := make([]InvitationOutcome, 0, len(req.VolunteerIDs))
	for _, vid := range req.VolunteerIDs {
		o := InvitationOutcome{VolunteerID: vid}
		o.Invitation, o.Err = m.inviteOne(ctx, actor, n, occ, vid, req.Scores[vid], now)
		if o.Err != nil && models.KindOf(o.Err) == models.KindInternal {
			return nil, o.Err
		}
		out = append(out, o)
	}
	return out, nil
}

func (m *Matching) inviteOne(ctx context.Context, actor *Actor, n *models.Need, occ models.Occurrence, vid string, score int, now time.Time) (*models.Invitation, error) {
	v, err := m.st.Volunteers.Volunteer(ctx, vid)
	if core.IsKind(err, models.KindNotFound) {
		return nil, models.E(models.KindNotFound, "志愿者不存在或尚未填写资料", "no such volunteer, or no profile yet")
	} else if err != nil {
		return nil, err
	}
	if vs := matching.CheckVolunteer(asMatched(v), n, occ); len(vs) > 0 {
		return nil, constraintError("volunteerIds", vs)
	}
	inv := &models.Invitation{ID: invitationID(occ.ID, vid), NeedID: n.ID, OccurrenceID: occ.ID, VolunteerID: vid, Window: occ.Window,
		Score: score, Status: models.InvitationPending, InvitedBy: actor.AccountID, CreatedAt: now,
		ExpiresAt: models.InvitationExpiry(now, occ.Window.Start)}
	if !inv.ExpiresAt.After(now) {
		return nil, models.E(models.KindConflict, "距开始不足 2 小时，不能再邀请", "the occurrence starts within 2 hours; too late to invite")
	}
	if err := m.st.Invitations.CreateInvitation(ctx, inv); err != nil {
		if core.IsKind(err, models.KindConflict) {
			return nil, models.E(models.KindConflict, "已邀请过该志愿者", "this volunteer was invited to this occurrence before")
		}
		return nil, err
	}
	m.VolunteerChanged(ctx, vid) // one more invitation in their figures
	start := occ.Window.Start.In(models.Shanghai()).Format("01-02 15:04")
	if _, err := m.d.Notify(ctx, &models.Notification{Key: "invitation:" + inv.ID, AccountID: vid, Kind: models.NoteInvitation,
		TitleZh: "服务邀请：" + n.Title, TitleEn: "Invitation: " + n.Title,
		BodyZh: start + " 开始，请在 " + inv.ExpiresAt.In(models.Shanghai()).Format("01-02 15:04") + " 前回复。",
		BodyEn: "Starts " + start + " (Beijing time); answer by " + inv.ExpiresAt.In(models.Shanghai()).Format("01-02 15:04") + ".",
		Link:   "/v1/invitations/" + inv.ID, Data: map[string]string{"thing1": n.Title, "time2": start}, CreatedAt: now}); err != nil {
		m.d.Log.WarnContext(ctx, "could not notify an invitation", "invitation", inv.ID, "err", err)
	}
	return inv, nil
}

// nextOccurrence finds the named occurrence, or the next one still to come.
func (m *Matching) nextOccurrence(n *models.Need, id string) (models.Occurrence, error) {
	now := m.d.Now()
	for _, occ := range n.Occurrences() {
		if occ.Window.Start.After(now) && (id == "" || occ.ID == id) {
			return occ, nil
		}
	}
	if id != "" {
		return models.Occurrence{}, models.Invalid("occurrenceId", "场次不存在或已开始", "no such occurrence, or it has started")
	}
	return models.Occurrence{}, models.E(models.KindConflict, "没有尚未开始的场次", "no occurrence is still to come")
}

// MyInvitations lists the caller's invitations, newest first by id.
func (m *Matching) MyInvitations(ctx context.Context, actor *Actor, p Page) ([]*models.Invitation, string, error) {
	return m.st.Invitations.InvitationsOfVolunteer(ctx, actor.AccountID, p.Normalised())
}

var (
	errInvitationClosed = models.E(models.KindConflict, "邀请已过期或已答复", "the invitation has expired or was answered").WithCode(models.CodeInvitationClosed)
	errNeedNotRecruit   = models.E(models.KindConflict, "需求已不在招募中", "the need is no longer recruiting")
)

// AcceptInvitation takes the invited place. The place, the volunteer's
// half-hours and their one place per occurrence are claimed by unique
// inserts (as for a committee's placement): two volunteers racing for the
// last place cannot both win, and one volunteer cannot accept two
// overlapping needs. Accepting after every place went marks it full.
func (m *Matching) AcceptInvitation(ctx context.Context, actor *Actor, id string) (*models.Invitation, error) {
	inv, err := core.TryLocked(m.d.Shared, ctx, "invitation:"+id, func() (*models.Invitation, error) { return m.acceptInvitation(ctx, actor, id) })
	if inv != nil && inv.Status == models.InvitationAccepted {
		// Also when a repeat is told the invitation was answered: an
		// acceptance whose status update of the need failed (answered 503)
		// is completed by its retry.
		if serr := m.needs.SyncStaffed(ctx, inv.NeedID, actor.AccountID); serr != nil {
			m.d.Log.WarnContext(ctx, "could not update need status after an acceptance", "need", inv.NeedID, "err", serr)
			if err == nil && core.IsKind(serr, models.KindUnavailable) {
				err = serr
			}
		}
	}
	if err != nil {
		return nil, err
	}
	return inv, nil
}

func (m *Matching) acceptInvitation(ctx context.Context, actor *Actor, id string) (*models.Invitation, error) {
	inv, err := m.ownInvitation(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	now := m.d.Now()
	if !inv.Open(now) {
		m.expireIfDue(ctx, inv, now)
		return inv, errInvitationClosed // AcceptInvitation syncs an accepted one's need
	}
	n, err := m.st.Needs.Need(ctx, inv.NeedID)
	if err != nil {
		return nil, err
	}
	if !n.Status.Staffable() {
		return nil, errNeedNotRecruit
	}
	var occ *models.Occurrence
	for _, o := range n.Occurrences() {
		if o.ID == inv.OccurrenceID {
			occ = &o
			break
		}
	}
	if occ == nil {
		return nil, errInvitationClosed // the committee changed the schedule
	}
	v, err := m.st.Volunteers.Volunteer(ctx, actor.AccountID)
	if err != nil {
		return nil, err
	}
	if vs := matching.CheckVolunteer(asMatched(v), n, *occ); len(vs) > 0 { // as the invitation was checked
		return nil, constraintError("id", vs)
	}
	if a, err := m.needs.claimAssignment(ctx, n, *occ, actor.AccountID, inv.InvitedBy, models.AssignmentAccepted); errors.Is(err, errAlreadyPlaced) &&
		a != nil && a.Status == models.AssignmentAccepted {
		// The volunteer took this place by accepting, and there is one
		// invitation per volunteer and occurrence: this one's earlier
		// acceptance claimed it and failed before recording the answer,
		// which is recorded now.
		m.d.Log.WarnContext(ctx, "completing an interrupted acceptance", "invitation", inv.ID)
	} else if err != nil {
		if errors.Is(err, errNoPlaces) {
			inv.Status, inv.AnsweredAt = models.InvitationFull, &now
			if uerr := m.st.Invitations.UpdateInvitation(ctx, inv); uerr != nil {
				return nil, uerr
			}
		}
		return nil, err
	}
	inv.Status, inv.AnsweredAt = models.InvitationAccepted, &now
	if err := m.st.Invitations.UpdateInvitation(ctx, inv); err != nil {
		return nil, err
	}
	return inv, nil
}

// DeclineInvitation answers no; the place stays open for the next candidate.
func (m *Matching) DeclineInvitation(ctx context.Context, actor *Actor, id string) (*models.Invitation, error) {
	return core.TryLocked(m.d.Shared, ctx, "invitation:"+id, func() (*models.Invitation, error) {
		inv, err := m.ownInvitation(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		now := m.d.Now()
		if !inv.Open(now) {
			m.expireIfDue(ctx, inv, now)
			return nil, errInvitationClosed
		}
		inv.Status, inv.AnsweredAt = models.InvitationDeclined, &now
		if err := m.st.Invitations.UpdateInvitation(ctx, inv); err != nil {
			return nil, err
		}
		m.VolunteerChanged(ctx, inv.VolunteerID)
		if _, err := m.InviteNext(context.WithoutCancel(ctx), inv.NeedID, inv.OccurrenceID); err != nil {
			m.d.Log.WarnContext(ctx, "could not invite the next candidate", "need", inv.NeedID, "err", err)
		}
		return inv, nil
	})
}

// InviteNext invites the best candidate not yet placed in or invited to an
// occurrence, when it still has an open place: what a declined or expired
// invitation calls (the worker schedules it for expiries). It returns the
// new invitation, or nil when there is no place or no candidate.
func (m *Matching) InviteNext(ctx context.Context, needID, occurrenceID string) (*models.Invitation, error) {
	n, err := m.st.Needs.Need(ctx, needID)
	if err != nil {
		return nil, err
	}
	if !n.Status.Staffable() {
		return nil, nil
	}
	occ, err := m.nextOccurrence(n, occurrenceID)
	if err != nil {
		return nil, nil // started or gone: nothing to refill
	}
	as, err := m.st.Plans.Assignments(ctx, needID)
	if err != nil {
		return nil, err
	}
	held := 0
	for _, a := range as {
		if a.OccurrenceID == occ.ID {
			held++
		}
	}
	invs, err := m.st.Invitations.InvitationsOfNeed(ctx, needID)
	if err != nil {
		return nil, err
	}
	pending := 0
	now := m.d.Now()
	for _, i := range invs {
		if i.OccurrenceID == occ.ID && i.Open(now) {
			pending++
		}
	}
	if held+pending >= n.Headcount {
		return nil, nil
	}
	p, err := m.needs.PlanOf(ctx, n)
	if err != nil {
		return nil, err
	}
	res, err := m.rank(ctx, n, p, occ, 1)
	if err != nil || len(res.Candidates) == 0 {
		return nil, err
	}
	c := res.Candidates[0]
	return m.inviteOne(ctx, systemActor, n, occ, c.VolunteerID, c.Score, now)
}

// ownInvitation loads an invitation of the caller; anyone else's is not found.
func (m *Matching) ownInvitation(ctx context.Context, actor *Actor, id string) (*models.Invitation, error) {
	inv, err := m.st.Invitations.Invitation(ctx, id)
	if err != nil {
		return nil, err
	}
	if inv.VolunteerID != actor.AccountID {
		return nil, core.ErrNotFound
	}
	return inv, nil
}

// expireIfDue records the expiry of a pending invitation whose time is up.
func (m *Matching) expireIfDue(ctx context.Context, inv *models.Invitation, now time.Time) {
	if inv.Status == models.InvitationPending && !now.Before(inv.ExpiresAt) {
		inv.Status = models.InvitationExpired
		if err := m.st.Invitations.UpdateInvitation(ctx, inv); err != nil {
			m.d.Log.WarnContext(ctx, "could not record an invitation's expiry", "invitation", inv.ID, "err", err)
		}
	}
}

// NeedInvitations lists a need's invitations for its committee.
func (m *Matching) NeedInvitations(ctx context.Context, actor *Actor, needID string) ([]*models.Invitation, error) {
	if _, err := m.needs.NeedForCommittee(ctx, actor, needID); err != nil {
		return nil, err
	}
	return m.st.Invitations.InvitationsOfNeed(ctx, needID)
}

// invitationID is URL-safe and the same for every invitation of one
// volunteer to one occurrence, so its unique insert allows only one.
func invitationID(occurrenceID, volunteerID string) string {
	return hashToken(occurrenceID + "#" + volunteerID)[:32]
}
