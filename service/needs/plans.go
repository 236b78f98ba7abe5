package needs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wushe/wushe/matching"
	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

// PlanStore keeps linkage plans and the claims that decide who holds which
// place and which half-hours: every claim is a unique insert (DESIGN.md
// "Deciding races"), so no two volunteers hold one place and no volunteer
// holds two overlapping places, across any number of replicas.
type PlanStore interface {
	// Plan returns models.ErrNotFound when the need has no plan yet.
	Plan(ctx context.Context, needID string) (*models.Plan, error)
	SavePlan(ctx context.Context, p *models.Plan) error
	// CreateAssignment inserts a; models.ErrConflict when the volunteer
	// already holds a place in that occurrence.
	CreateAssignment(ctx context.Context, a *models.Assignment) error
	DeleteAssignment(ctx context.Context, id string) error
	// SetAssignmentPlace records the place an assignment claimed.
	SetAssignmentPlace(ctx context.Context, id string, placeNo int) error
	Assignments(ctx context.Context, needID string) ([]*models.Assignment, error)
	// ClaimPlace takes place placeNo of an occurrence; models.ErrConflict when taken.
	ClaimPlace(ctx context.Context, occurrenceID string, placeNo int, assignmentID string) error
	ReleasePlace(ctx context.Context, occurrenceID string, placeNo int, assignmentID string) error
	// ClaimTime takes all of a volunteer's half-hour cells, or none:
	// models.ErrConflict when any is held by another commitment.
	ClaimTime(ctx context.Context, volunteerID string, slots []models.SlotKey, assignmentID string) error
	ReleaseTime(ctx context.Context, volunteerID string, slots []models.SlotKey, assignmentID string) error
	// CommitmentsFrom calls fn with every assignment ending after t (the
	// matching index's view of who is committed when).
	CommitmentsFrom(ctx context.Context, t time.Time, fn func(*models.Assignment) error) error
	// AssignmentsOfVolunteer lists a volunteer's assignments ending after t.
	AssignmentsOfVolunteer(ctx context.Context, volunteerID string, t time.Time) ([]*models.Assignment, error)
	// SupervisedNeeds lists the needs whose plans a social worker supervises (accepted).
	SupervisedNeeds(ctx context.Context, socialWorkerID string) ([]string, error)
	// SupervisorCaseload counts the plans a social worker supervises (accepted).
	SupervisorCaseload(ctx context.Context, socialWorkerID string) (int, error)
	// SupervisorCaseloads is SupervisorCaseload for many, in one round trip.
	SupervisorCaseloads(ctx context.Context, socialWorkerIDs []string) (map[string]int, error)
}

// PlanOf loads a need's plan, or a new one owned by its community.
func (s *Service) PlanOf(ctx context.Context, n *models.Need) (*models.Plan, error) {
	p, err := s.st.Plans.Plan(ctx, n.ID)
	if core.IsKind(err, models.KindNotFound) {
		return &models.Plan{NeedID: n.ID, CommunityCode: n.CommunityCode}, nil
	}
	return p, err
}

// PlanView is a plan with its need and assignments, as one party sees it.
type PlanView struct {
	Need        *models.Need
	Plan        *models.Plan
	Assignments []*models.Assignment
	Volunteers  map[string]*models.Account // by id; phones masked unless the viewer may see them
	Supervisor  *models.Account
	Filled      map[string]int // places held per occurrence
}

// mayReadPlan: the committee, the supervisor, the carrying organisation's
// admins, volunteers holding a place, civil affairs of the division.
func (s *Service) mayReadPlan(actor *Actor, n *models.Need, p *models.Plan, as []*models.Assignment) bool {
	obj := policy.NeedObject(n)
	obj.Orgs = []string{n.OrganisationID, p.OrganisationID} // the drafting and the carrying organisation
	obj.Parties = []string{p.SupervisorID}
	for _, a := range as {
		obj.Parties = append(obj.Parties, a.VolunteerID) // volunteers holding a place
	}
	return policy.Allowed(actor, "get-plan", obj)
}

// Plan shows a need's linkage plan to its parties. The committee and the
// accepted supervisor see volunteers' phones once the plan is confirmed
// (the work needs them); everyone else sees them masked.
func (s *Service) Plan(ctx context.Context, actor *Actor, needID string) (*PlanView, error) {
	n, err := s.st.Needs.Need(ctx, needID)
	if err != nil {
		return nil, err
	}
	p, err := s.PlanOf(ctx, n)
	if err != nil {
		return nil, err
	}
	as, err := s.st.Plans.Assignments(ctx, needID)
	if err != nil {
		return nil, err
	}
	if !s.mayReadPlan(actor, n, p, as) {
		return nil, core.ErrNotFound
	}
	seePhones := p.Confirmed && (s.MayManageNeed(actor, n) || (p.SupervisorID == actor.AccountID && p.SupervisorState == models.SupervisorAccepted))
	// Every party's account in one read, however many are placed.
	ids := make([]string, 0, len(as)+1)
	for _, a := range as {
		ids = append(ids, a.VolunteerID)
	}
	if p.SupervisorID != "" {
		ids = append(ids, p.SupervisorID)
	}
	accounts, err := s.st.Accounts.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	account := func(id string) (*models.Account, error) {
		a, ok := accounts[id]
		if !ok {
			return nil, models.ErrNotFound.Wrap(fmt.Errorf("account %s", id))
		}
		c := *a // the supervisor may be placed too: each gets its own masking
		return &c, nil
	}
	v := &PlanView{Need: n, Plan: p, Assignments: as, Volunteers: map[string]*models.Account{}, Filled: map[string]int{}}
	for _, a := range as {
		v.Filled[a.OccurrenceID]++
		if _, ok := v.Volunteers[a.VolunteerID]; ok {
			continue
		}
		acct, err := account(a.VolunteerID)
		if err != nil {
			return nil, err
		}
		if !seePhones && acct.ID != actor.AccountID {
			acct.Phone = models.MaskPhone(acct.Phone)
		}
		v.Volunteers[a.VolunteerID] = acct
	}
	if p.SupervisorID != "" {
		sup, err := account(p.SupervisorID)
		if err != nil {
			return nil, err
		}
		if !(p.Confirmed && (s.MayManageNeed(actor, n) || sup.ID == actor.AccountID)) {
			sup.Phone = models.MaskPhone(sup.Phone)
		}
		v.Supervisor = sup
	}
	if seePhones && len(as) > 0 {
		// Officials reading other people's phones: recorded, with the plan as the reason.
		if err := s.d.Audit(ctx, actor, "personal_data.read", "plan:"+n.ID, n.CommunityCode, "已确认联动方案的联系人 contacts of a confirmed plan"); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// NeedForCommittee loads a need its committee manages.
func (s *Service) NeedForCommittee(ctx context.Context, actor *Actor, needID string) (*models.Need, error) {
	n, err := s.st.Needs.Need(ctx, needID)
	if err != nil {
		return nil, err
	}
	if !s.MayManageNeed(actor, n) {
		if n.Status == models.NeedDraft && !s.mayReadDraft(actor, n) {
			return nil, core.ErrNotFound
		}
		return nil, models.E(models.KindForbidden, "只有本社区居委会可以管理联动方案", "only the need's community committee manages its plan")
	}
	return n, nil
}

// constraintError turns broken constraints into a 422 naming the field.
func constraintError(field string, vs []matching.Violation) error {
	var p models.Problems
	for _, v := range vs {
		p.Add(field, v.Zh, v.En)
	}
	e := p.Err().(*models.Error)
	e.Zh, e.En = "该志愿者不符合此需求的条件", "the volunteer does not meet the need's requirements"
	return e
}

// AddVolunteer places a volunteer in a need's plan by the committee's hand:
// every future occurrence (or the listed ones), with the same hard
// constraints the matching engine applies. Each place, each of the
// volunteer's half-hours and the volunteer's one place per occurrence is
// claimed by a unique insert; if any claim fails, every claim made is undone.
// Placing the volunteer again answers the same assignments (retry-safe).
func (s *Service) AddVolunteer(ctx context.Context, actor *Actor, needID, volunteerID string, occurrenceIDs []string) ([]*models.Assignment, error) {
	n, err := s.NeedForCommittee(ctx, actor, needID)
	if err != nil {
		return nil, err
	}
	if !n.Status.Staffable() {
		return nil, models.E(models.KindConflict, "需求不在招募中", "the need is not recruiting")
	}
	v, err := s.st.Volunteers.Volunteer(ctx, volunteerID)
	if core.IsKind(err, models.KindNotFound) {
		return nil, models.Invalid("volunteerId", "该志愿者不存在或尚未填写志愿者资料", "no such volunteer, or no volunteer profile yet")
	} else if err != nil {
		return nil, err
	}
	targets, err := s.targetOccurrences(n, occurrenceIDs)
	if err != nil {
		return nil, err
	}
	for _, occ := range targets {
		if vs := matching.CheckVolunteer(asMatched(v), n, occ); len(vs) > 0 {
			return nil, constraintError("volunteerId", vs)
		}
	}
	var made, out []*models.Assignment
	undo := func() {
		for _, a := range made {
			s.ReleaseAssignment(context.WithoutCancel(ctx), a)
		}
	}
	for _, occ := range targets {
		a, err := s.claimAssignment(ctx, n, occ, volunteerID, actor.AccountID, models.AssignmentAssigned)
		if errors.Is(err, errAlreadyPlaced) && a != nil && a.Status == models.AssignmentAssigned {
			// Placed by a committee before (a repeat, its answer lost):
			// answered again, and never undone by this request.
			out = append(out, a)
			continue
		}
		if err != nil {
			undo()
			return nil, err
		}
		made, out = append(made, a), append(out, a)
	}
	if len(made) > 0 {
		_ = s.d.Audit(ctx, actor, "plan.volunteer_added", "need:"+n.ID, n.CommunityCode, volunteerID)
	}
	if err := s.SyncStaffed(ctx, n.ID, actor.AccountID); err != nil {
		s.d.Log.WarnContext(ctx, "could not update need status after staffing", "need", n.ID, "err", err)
	}
	return out, nil
}

func (s *Service) targetOccurrences(n *models.Need, ids []string) ([]models.Occurrence, error) {
	now := s.d.Now()
	var out []models.Occurrence
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	for _, occ := range n.Occurrences() {
		if !occ.Window.Start.After(now) {
			continue
		}
		if len(ids) == 0 || want[occ.ID] {
			out = append(out, occ)
			delete(want, occ.ID)
		}
	}
	if len(want) > 0 {
		return nil, models.Invalid("occurrenceIds", "包含不存在或已开始的场次", "an occurrence does not exist or has started")
	}
	if len(out) == 0 {
		return nil, models.E(models.KindConflict, "没有尚未开始的场次", "no occurrence is still to come")
	}
	return out, nil
}

var (
	errAlreadyPlaced = models.E(models.KindConflict, "该志愿者已在此场次中", "the volunteer already holds a place in this occurrence").WithCode(models.CodeAlreadyPlaced)
	errOverlap       = models.E(models.KindConflict, "该志愿者在此时段已有其他服务", "the volunteer is committed elsewhere at an overlapping time").WithCode(models.CodeScheduleOverlap)
	errNoPlaces      = models.E(models.KindConflict, "名额已满", "no places left").WithCode(models.CodeNoPlacesLeft)
)

// claimAssignment takes one volunteer's place in one occurrence: the
// assignment (once per volunteer and occurrence), the volunteer's
// half-hours, then the first free place. Any failure undoes the claims;
// a claim whose outcome is unknown (the store failed after it may have
// taken effect) is undone too, as only this assignment's claims are
// released. When the volunteer holds a place in the occurrence already it
// returns that assignment with errAlreadyPlaced.
//
// Claims of one volunteer in one occurrence are made under its lock, so an
// assignment found without a place is one an earlier attempt left
// half-done (its undo failed too, or it died): that is rolled back here,
// and the claim made afresh, instead of answering "already placed" for
// ever.
func (s *Service) claimAssignment(ctx context.Context, n *models.Need, occ models.Occurrence, volunteerID, by string, status models.AssignmentStatus) (*models.Assignment, error) {
	now := s.d.Now()
	a := &models.Assignment{ID: occ.ID + "#" + volunteerID, NeedID: n.ID, OccurrenceID: occ.ID, VolunteerID: volunteerID,
		Window: occ.Window, Status: status, AssignedBy: by, CreatedAt: now, UpdatedAt: now}
	return core.Locked(s.d.Shared, ctx, "assignment:"+a.ID, func() (*models.Assignment, error) {
		err := s.st.Plans.CreateAssignment(ctx, a)
		if core.IsKind(err, models.KindConflict) {
			prev, perr := s.assignment(ctx, n.ID, a.ID)
			if perr != nil {
				return nil, perr
			}
			if prev != nil && prev.PlaceNo > 0 {
				return prev, errAlreadyPlaced
			}
			if prev != nil {
				s.d.Log.WarnContext(ctx, "rolling back a half-done placement", "assignment", prev.ID)
				if err := s.undoClaims(ctx, n, prev); err != nil {
					return nil, err
				}
			}
			err = s.st.Plans.CreateAssignment(ctx, a)
		}
		if core.IsKind(err, models.KindConflict) {
			return nil, errAlreadyPlaced
		} else if err != nil {
			return nil, err
		}
		bg := context.WithoutCancel(ctx)
		slots := occ.Window.Slots()
		if err := s.st.Plans.ClaimTime(ctx, volunteerID, slots, a.ID); err != nil {
			if core.IsKind(err, models.KindConflict) {
				_ = s.st.Plans.DeleteAssignment(bg, a.ID)
				return nil, errOverlap
			}
			_ = s.undoClaims(bg, n, a)
			return nil, err
		}
		for place := 1; place <= n.Headcount; place++ {
			err := s.st.Plans.ClaimPlace(ctx, occ.ID, place, a.ID)
			if err == nil {
				a.PlaceNo = place
				// The assignment is this request's own document (its insert
				// above decided that), so no other writer contends for it.
				if err := s.st.Plans.SetAssignmentPlace(ctx, a.ID, place); err != nil {
					s.ReleaseAssignment(bg, a)
					return nil, err
				}
				s.matching.VolunteerChanged(ctx, volunteerID) // new commitment
				return a, nil
			}
			if !core.IsKind(err, models.KindConflict) {
				_ = s.st.Plans.ReleasePlace(bg, occ.ID, place, a.ID)
				_ = s.st.Plans.ReleaseTime(bg, volunteerID, slots, a.ID)
				_ = s.st.Plans.DeleteAssignment(bg, a.ID)
				return nil, err
			}
		}
		_ = s.st.Plans.ReleaseTime(bg, volunteerID, slots, a.ID)
		_ = s.st.Plans.DeleteAssignment(bg, a.ID)
		return nil, errNoPlaces
	})
}

// assignment finds one of a need's assignments (nil when there is none).
func (s *Service) assignment(ctx context.Context, needID, id string) (*models.Assignment, error) {
	as, err := s.st.Plans.Assignments(ctx, needID)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		if a.ID == id {
			return a, nil
		}
	}
	return nil, nil
}

// undoClaims releases whatever a placeless assignment may hold — its
// half-hours and any place of the occurrence (it claimed at most one, not
// recorded) — and deletes it. Only this assignment's claims are released.
func (s *Service) undoClaims(ctx context.Context, n *models.Need, a *models.Assignment) error {
	for place := 1; place <= n.Headcount; place++ {
		if err := s.st.Plans.ReleasePlace(ctx, a.OccurrenceID, place, a.ID); err != nil {
			return err
		}
	}
	if err := s.st.Plans.ReleaseTime(ctx, a.VolunteerID, a.Window.Slots(), a.ID); err != nil {
		return err
	}
	return s.st.Plans.DeleteAssignment(ctx, a.ID)
}

// ReleaseAssignment frees everything an assignment holds.
func (s *Service) ReleaseAssignment(ctx context.Context, a *models.Assignment) {
	if a.PlaceNo > 0 {
		_ = s.st.Plans.ReleasePlace(ctx, a.OccurrenceID, a.PlaceNo, a.ID)
	}
	_ = s.st.Plans.ReleaseTime(ctx, a.VolunteerID, a.Window.Slots(), a.ID)
	_ = s.st.Plans.DeleteAssignment(ctx, a.ID)
	if a.PlaceNo > 0 {
		s.matching.VolunteerChanged(ctx, a.VolunteerID)
	}
}

// RemoveVolunteer takes a volunteer off a need's plan (every occurrence
// still to come); their places and time are free again.
func (s *Service) RemoveVolunteer(ctx context.Context, actor *Actor, needID, volunteerID string) error {
	n, err := s.NeedForCommittee(ctx, actor, needID)
	if err != nil {
		return err
	}
	as, err := s.st.Plans.Assignments(ctx, needID)
	if err != nil {
		return err
	}
	now := s.d.Now()
	removed := 0
	for _, a := range as {
		if a.VolunteerID == volunteerID && a.Window.Start.After(now) {
			s.ReleaseAssignment(ctx, a)
			removed++
		}
	}
	if removed == 0 {
		return models.E(models.KindNotFound, "该志愿者不在此方案中", "the volunteer holds no place still to come in this plan")
	}
	_ = s.d.Audit(ctx, actor, "plan.volunteer_removed", "need:"+n.ID, n.CommunityCode, volunteerID)
	return s.SyncStaffed(ctx, n.ID, actor.AccountID)
}

// SyncStaffed keeps open/staffed in step with the places held: staffed when
// every occurrence still to come is full, open again when one frees up.
func (s *Service) SyncStaffed(ctx context.Context, needID, by string) error {
	return s.d.WithLock(ctx, "need:"+needID, func() error {
		n, err := s.st.Needs.Need(ctx, needID)
		if err != nil {
			return err
		}
		as, err := s.st.Plans.Assignments(ctx, needID)
		if err != nil {
			return err
		}
		filled := map[string]int{}
		for _, a := range as {
			filled[a.OccurrenceID]++
		}
		full, any := true, false
		now := s.d.Now()
		for _, occ := range n.Occurrences() {
			if occ.Window.Start.After(now) {
				any = true
				if filled[occ.ID] < n.Headcount {
					full = false
				}
			}
		}
		switch {
		case n.Status == models.NeedOpen && any && full:
			return s.moveNeed(ctx, n, models.NeedStaffed, by, "places_filled", "")
		case n.Status == models.NeedStaffed && !full:
			return s.moveNeed(ctx, n, models.NeedOpen, by, "place_freed", "")
		}
		return nil
	})
}
