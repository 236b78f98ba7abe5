package needs

import (
	"context"
	"errors"
	"strconv"
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

// What happened to one would-be invitee (InvitationOutcome.Outcome).
const (
	OutcomeInvited        = "invited"         // invited now
	OutcomeAlreadyInvited = "already_invited" // invited to that occurrence before (the invitation is given)
	OutcomeRefused        = "refused"         // not invited: Err says why
)

// InvitationOutcome is what happened to one would-be invitee.
type InvitationOutcome struct {
	VolunteerID string
	Outcome     string
	Invitation  *models.Invitation
	Err         error // why they were not invited
}

// errAlreadyInvited comes with the earlier invitation from inviteOne.
var errAlreadyInvited = models.E(models.KindConflict, "已邀请过该志愿者", "this volunteer was invited to this occurrence before")

// outcome classifies what inviteOne answered.
func outcome(vid string, inv *models.Invitation, err error) InvitationOutcome {
	switch {
	case err == nil:
		return InvitationOutcome{VolunteerID: vid, Outcome: OutcomeInvited, Invitation: inv}
	case errors.Is(err, errAlreadyInvited) && inv != nil:
		return InvitationOutcome{VolunteerID: vid, Outcome: OutcomeAlreadyInvited, Invitation: inv}
	}
	return InvitationOutcome{VolunteerID: vid, Outcome: OutcomeRefused, Err: err}
}

// nothingInvited is the answer to a request of which every invitee was
// refused: an error naming each one (field(i) names the i-th in the
// request) of the kind they share, else a conflict. It is nil when at
// least one was invited, now or before.
func nothingInvited(out []InvitationOutcome, field func(i int) string) error {
	var kind models.Kind
	e := &models.Error{Zh: "没有邀请任何志愿者", En: "nobody was invited"}
	for i, o := range out {
		if o.Outcome != OutcomeRefused {
			return nil
		}
		var d *models.Error
		if !errors.As(o.Err, &d) {
			return o.Err
		}
		if i == 0 {
			kind = d.Kind
		} else if kind != d.Kind {
			kind = models.KindConflict
		}
		zh, en := d.Zh, d.En
		if len(d.Fields) == 1 {
			zh, en = d.Fields[0].Zh, d.Fields[0].En
		}
		e.Fields = append(e.Fields, models.FieldError{Field: field(i), Zh: o.VolunteerID + "：" + zh, En: o.VolunteerID + ": " + en})
	}
	if len(out) == 0 {
		return nil
	}
	e.Kind = kind
	return e
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
		res, err := m.rank(ctx, n, p, occ, req.Top, true)
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
		score, ok := req.Scores[vid]
		if !ok {
			score = scoreUnknown // chosen by hand: the engine scores them
		}
		inv, err := m.inviteOne(ctx, actor, n, occ, vid, score, now)
		if err != nil && core.IsOutage(err) {
			return nil, err
		}
		out = append(out, outcome(vid, inv, err))
	}
	field := func(i int) string { return "volunteerIds[" + strconv.Itoa(i) + "]" }
	if req.Top > 0 && len(req.Scores) > 0 {
		field = func(int) string { return "top" }
	}
	if err := nothingInvited(out, field); err != nil {
		return nil, err
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
	// Invited before (a repeated request, its answer lost): that
	// invitation, whatever has changed since.
	if prior, err := m.st.Invitations.Invitation(ctx, invitationID(occ.ID, vid)); err == nil {
		return prior, errAlreadyInvited
	} else if !core.IsKind(err, models.KindNotFound) {
		return nil, err
	}
	if vs := matching.CheckVolunteer(asMatched(v), n, occ); len(vs) > 0 {
		return nil, constraintError("volunteerIds", vs)
	}
	if score == scoreUnknown {
		if score, err = m.scoreOf(ctx, n, occ, v); err != nil {
			return nil, err
		}
	}
	inv := &models.Invitation{ID: invitationID(occ.ID, vid), NeedID: n.ID, OccurrenceID: occ.ID, VolunteerID: vid, Window: occ.Window,
		Score: score, Status: models.InvitationPending, InvitedBy: actor.AccountID, CreatedAt: now,
		ExpiresAt: models.InvitationExpiry(now, occ.Window.Start)}
	if !inv.ExpiresAt.After(now) {
		return nil, models.E(models.KindConflict, "距开始不足 2 小时，不能再邀请", "the occurrence starts within 2 hours; too late to invite")
	}
	if err := m.st.Invitations.CreateInvitation(ctx, inv); err != nil {
		if core.IsKind(err, models.KindConflict) {
			prior, err := m.st.Invitations.Invitation(ctx, inv.ID)
			if err != nil {
				return nil, err
			}
			return prior, errAlreadyInvited
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

// scoreUnknown asks inviteOne to score the invitee itself.
const scoreUnknown = -1

// scoreOf is the matching engine's score of volunteer v for occurrence occ
// of need n: what the ranking (Matches, Top) gives them, from the same
// coarse home and reliability figures.
func (m *Matching) scoreOf(ctx context.Context, n *models.Need, occ models.Occurrence, v *models.Volunteer) (int, error) {
	p, err := m.needs.PlanOf(ctx, n)
	if err != nil {
		return 0, err
	}
	rel, err := m.volunteerReliability(ctx, v.AccountID)
	if err != nil {
		return 0, err
	}
	c := *v
	rel.apply(&c)
	return matching.Explain(asMatched(&c), n, occ, matching.Options{Weights: m.d.MatchWeights,
		Supervised: p.SupervisorState == models.SupervisorAccepted}).Score, nil
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
// Accepting again answers the accepted invitation again (a retry after a
// lost answer); accepting a declined, expired or full one is a conflict.
func (m *Matching) AcceptInvitation(ctx context.Context, actor *Actor, id string) (*models.Invitation, error) {
	inv, err := core.Locked(m.d.Shared, ctx, "invitation:"+id, func() (*models.Invitation, error) { return m.acceptInvitation(ctx, actor, id) })
	if inv != nil && inv.Status == models.InvitationAccepted {
		// Also on a repeat: an acceptance whose status update of the need
		// failed (answered 503) is completed by its retry.
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
	if inv.Status == models.InvitationAccepted {
		// A repeat (its first answer lost): the same answer again.
		return inv, nil
	}
	if !inv.Open(now) {
		m.expireIfDue(ctx, inv, now)
		return nil, errInvitationClosed
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
// Declining again answers the declined invitation again; declining an
// accepted one is a conflict.
func (m *Matching) DeclineInvitation(ctx context.Context, actor *Actor, id string) (*models.Invitation, error) {
	return core.Locked(m.d.Shared, ctx, "invitation:"+id, func() (*models.Invitation, error) {
		inv, err := m.ownInvitation(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		now := m.d.Now()
		if inv.Status == models.InvitationDeclined {
			return inv, nil // a repeat: the same answer again
		}
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
	res, err := m.rank(ctx, n, p, occ, 1, true)
	if err != nil || len(res.Candidates) == 0 {
		return nil, err
	}
	c := res.Candidates[0]
	inv, err := m.inviteOne(ctx, systemActor, n, occ, c.VolunteerID, c.Score, now)
	if errors.Is(err, errAlreadyInvited) {
		return nil, nil
	}
	return inv, err
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

// NeedInvitations lists a need's invitations for its committee, with the
// names of the invited (one read for all; an erased account has none):
// the committee calls people by name, not by id, after a reload too.
func (m *Matching) NeedInvitations(ctx context.Context, actor *Actor, needID string) ([]*models.Invitation, map[string]string, error) {
	if _, err := m.needs.NeedForCommittee(ctx, actor, needID); err != nil {
		return nil, nil, err
	}
	list, err := m.st.Invitations.InvitationsOfNeed(ctx, needID)
	if err != nil || len(list) == 0 {
		return list, nil, err
	}
	ids := make([]string, 0, len(list))
	for _, inv := range list {
		ids = append(ids, inv.VolunteerID)
	}
	accounts, err := m.st.Accounts.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	names := make(map[string]string, len(accounts))
	for id, a := range accounts {
		names[id] = a.Name
	}
	return list, names, nil
}

// invitationID is URL-safe and the same for every invitation of one
// volunteer to one occurrence, so its unique insert allows only one.
func invitationID(occurrenceID, volunteerID string) string {
	return hashToken(occurrenceID + "#" + volunteerID)[:32]
}
