package needs

import (
	"testing"
	"time"

	"github.com/wushe/wushe/models"
)

func TestTallyReliability(t *testing.T) {
	now := time.Date(2030, 6, 10, 12, 0, 0, 0, time.UTC)
	w := func(daysAgo int) models.Window {
		s := now.AddDate(0, 0, -daysAgo)
		return models.Window{Start: s, End: s.Add(2 * time.Hour)}
	}
	places := []*models.Assignment{
		{ID: "o1#v", VolunteerID: "v", Window: w(5)},  // attended
		{ID: "o2#v", VolunteerID: "v", Window: w(3)},  // no-show
		{ID: "o3#v", VolunteerID: "v", Window: w(-2)}, // still to come: neither
	}
	att := []*models.Attendance{{ID: "o1#v", VolunteerID: "v"}, {ID: "o9#v", VolunteerID: "v", WalkIn: true}}
	invs := []*models.Invitation{{VolunteerID: "v", Status: models.InvitationDeclined}, {VolunteerID: "v", Status: models.InvitationAccepted}}
	r := tallyReliability(now, att, places, invs)["v"]
	want := models.Reliability{Invited: 2, Declined: 1, Accepted: 3, Attended: 2, NoShows: 1, CommittedHours: 6}
	if *r != want {
		t.Fatalf("got %+v, want %+v", *r, want)
	}
}
