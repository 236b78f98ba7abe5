package needs

import (
	"context"
	"time"

	"github.com/wushe/wushe/models"
)

// fairnessWindow is how far back "recent hours" reach for the fairness part.
const fairnessWindow = 90 * 24 * time.Hour

// Reliability figures are derived from the documents themselves —
// invitations answered, places taken, hours committed, attendance, and
// no-shows (a place whose occurrence ended in the last 90 days with no
// attendance) — every time the index loads a volunteer, never kept as
// counters: FerretDB loses concurrent $inc updates, and a derived figure
// cannot drift.
type reliabilities map[string]*models.Reliability

// tallyReliability derives the figures from a volunteer set's attendance,
// places and invitations (each stream may be empty).
func tallyReliability(now time.Time, attended []*models.Attendance, places []*models.Assignment, invs []*models.Invitation) reliabilities {
	r := reliabilities{}
	seen := map[string]bool{}
	for _, a := range attended {
		seen[a.ID] = true
		r.of(a.VolunteerID).Attended++
	}
	for _, a := range places {
		r.assignment(a)
		if a.Window.End.Before(now) && !seen[a.ID] {
			r.of(a.VolunteerID).NoShows++
		}
	}
	for _, i := range invs {
		r.invitation(i)
	}
	return r
}

func (r reliabilities) of(id string) *models.Reliability {
	if r[id] == nil {
		r[id] = &models.Reliability{}
	}
	return r[id]
}

func (r reliabilities) invitation(i *models.Invitation) {
	x := r.of(i.VolunteerID)
	x.Invited++
	if i.Status == models.InvitationDeclined {
		x.Declined++
	}
}

func (r reliabilities) assignment(a *models.Assignment) {
	x := r.of(a.VolunteerID)
	x.Accepted++
	x.CommittedHours += a.Window.Hours()
}

// apply sets v's service-kept figures, keeping what this issue does not derive.
func (r reliabilities) apply(v *models.Volunteer) {
	x := r[v.AccountID]
	if x == nil {
		x = &models.Reliability{}
	}
	v.Reliability = *x
}

// volunteerReliability derives one volunteer's figures.
func (m *Matching) volunteerReliability(ctx context.Context, id string) (reliabilities, error) {
	rel, _, _, err := m.volunteerFigures(ctx, id)
	return rel, err
}

// volunteerFigures derives one volunteer's figures, and gives the places
// read for them (those ending after now less the fairness window) with
// the now they were derived at.
func (m *Matching) volunteerFigures(ctx context.Context, id string) (reliabilities, []*models.Assignment, time.Time, error) {
	var invs []*models.Invitation
	p := Page{Limit: MaxPageSize}
	for {
		page, next, err := m.st.Invitations.InvitationsOfVolunteer(ctx, id, p)
		if err != nil {
			return nil, nil, time.Time{}, err
		}
		invs = append(invs, page...)
		if next == "" {
			break
		}
		p.Cursor = next
	}
	now := m.d.Now()
	as, err := m.st.Plans.AssignmentsOfVolunteer(ctx, id, now.Add(-fairnessWindow))
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	att, err := m.st.Hours.AttendanceOfVolunteer(ctx, id)
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	return tallyReliability(now, att, as, invs), as, now, nil
}
