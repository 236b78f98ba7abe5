package service

import (
	"context"
	"time"

	"github.com/wushe/wushe/models"
)

// fairnessWindow is how far back "recent hours" reach for the fairness part.
const fairnessWindow = 90 * 24 * time.Hour

// Reliability figures are derived from the documents themselves —
// invitations answered, places taken, hours committed — every time the
// index loads a volunteer, never kept as counters: FerretDB loses
// concurrent $inc updates, and a derived figure cannot drift. (Attendance
// and no-shows join them with the service-hours issue.)
type reliabilities map[string]*models.Reliability

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
	v.Reliability.Invited, v.Reliability.Accepted, v.Reliability.Declined = x.Invited, x.Accepted, x.Declined
	v.Reliability.CommittedHours = x.CommittedHours
}

// volunteerReliability derives one volunteer's figures.
func (s *Service) volunteerReliability(ctx context.Context, id string) (reliabilities, error) {
	r := reliabilities{}
	p := Page{Limit: MaxPageSize}
	for {
		invs, next, err := s.st.Invitations.InvitationsOfVolunteer(ctx, id, p)
		if err != nil {
			return nil, err
		}
		for _, i := range invs {
			r.invitation(i)
		}
		if next == "" {
			break
		}
		p.Cursor = next
	}
	as, err := s.st.Plans.AssignmentsOfVolunteer(ctx, id, s.cfg.Now().Add(-fairnessWindow))
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		r.assignment(a)
	}
	return r, nil
}
