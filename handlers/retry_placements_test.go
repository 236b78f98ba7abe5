package handlers_test

import (
	"context"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/storefault"
)

// TestRetriesAcceptInvitation: accepting an invitation takes the one place
// of a need's occurrence once, whichever store call fails: the invitation
// ends accepted, the plan holds the volunteer once, the place and the
// volunteer's half-hours are claimed once and by that assignment, and the
// need is staffed.
func TestRetriesAcceptInvitation(t *testing.T) {
	var f *storefault.Faults
	w := newWorld(t, withFaults(&f))
	zy, _ := w.committees(t)
	vid, vtok := w.volunteerWithProfile(t, "13400000101", zy, "")
	type state struct{ need, inv string }
	day := 3
	sweep(t, f, retryCase{
		setup: func(t *testing.T) any {
			// A need on a day of its own, so that the volunteer's earlier
			// places do not overlap it.
			day++
			body := strings.NewReplacer(slot(3, 9), slot(day, 9), slot(3, 11), slot(day, 11)).Replace(needBody(zhongyuanCommunity, `,"headcount":1`))
			r := w.h.do("POST", "/v1/needs", body, bearerHeader(zy)...)
			if r.Status != 201 {
				t.Fatalf("post need: %d %s", r.Status, r.Raw)
			}
			need := r.str("id")
			return &state{need: need, inv: invitationIDs(w.invite(t, zy, need, vid))[vid]}
		},
		act: func(t *testing.T, s any) response {
			return w.h.do("POST", "/v1/invitations/"+s.(*state).inv+"/accept", "", bearerHeader(vtok)...)
		},
		// A retry after the failed attempt completed is told the
		// invitation was answered; check makes sure it was accepted.
		done: func(r response) bool {
			return r.Status == 200 || r.Status == 409 && strings.Contains(r.Raw, "已答复")
		},
		check: func(t *testing.T, s any) {
			st := s.(*state)
			ctx := context.Background()
			inv, err := w.h.db.Invitations().Invitation(ctx, st.inv)
			if err != nil || inv.Status != models.InvitationAccepted {
				t.Fatalf("invitation: %+v %v", inv, err)
			}
			as, err := w.h.db.Plans().Assignments(ctx, st.need)
			if err != nil || len(as) != 1 || as[0].VolunteerID != vid || as[0].PlaceNo != 1 {
				t.Fatalf("assignments: %d %v", len(as), err)
			}
			db := w.h.db.Database()
			places, err := db.Collection("places").CountDocuments(ctx, bson.M{"occurrenceId": inv.OccurrenceID})
			if err != nil || places != 1 {
				t.Fatalf("%d places claimed, %v", places, err)
			}
			held, err := db.Collection("places").CountDocuments(ctx, bson.M{"occurrenceId": inv.OccurrenceID, "assignmentId": as[0].ID})
			if err != nil || held != 1 {
				t.Fatalf("the place is not the assignment's: %v", err)
			}
			if n, err := w.h.db.Needs().Need(ctx, st.need); err != nil || n.Status != models.NeedStaffed {
				t.Fatalf("need with its one place taken: %s %v", n.Status, err)
			}
			cells, err := db.Collection("time_claims").CountDocuments(ctx, bson.M{"assignmentId": as[0].ID})
			if err != nil || int(cells) != len(as[0].Window.Slots()) {
				t.Fatalf("%d half-hours claimed, want %d (%v)", cells, len(as[0].Window.Slots()), err)
			}
		},
	})
}

// TestRetriesApplyBatch: applying a batch proposal invites each chosen
// volunteer once, whichever store call fails; a retry reports every
// invitation (or, when the failed attempt had completed, that it was
// applied), and the application is then complete: a further one is refused.
func TestRetriesApplyBatch(t *testing.T) {
	var f *storefault.Faults
	w := newWorld(t, withFaults(&f))
	zy, _ := w.committees(t)
	vols := map[string]bool{}
	for _, phone := range []string{"13400000201", "13400000202"} {
		id, _ := w.volunteerWithProfile(t, phone, zy, "")
		vols[id] = true
	}
	type state struct{ need, proposal string }
	day := 3
	sweep(t, f, retryCase{
		setup: func(t *testing.T) any {
			day++ // a need of its own day, batched alone
			body := strings.NewReplacer(slot(3, 9), slot(day, 9), slot(3, 11), slot(day, 11)).Replace(needBody(zhongyuanCommunity, ""))
			r := w.h.do("POST", "/v1/needs", body, bearerHeader(zy)...)
			if r.Status != 201 {
				t.Fatalf("post need: %d %s", r.Status, r.Raw)
			}
			need := r.str("id")
			p := w.h.do("POST", "/v1/matching/batch", `{"from":"`+slot(day, 0)+`","to":"`+slot(day+1, 0)+`"}`, bearerHeader(zy)...)
			if p.Status != 201 || len(p.Body["placements"].([]any)) != 2 {
				t.Fatalf("propose: %d %s", p.Status, p.Raw)
			}
			return &state{need: need, proposal: p.str("id")}
		},
		act: func(t *testing.T, s any) response {
			return w.h.do("POST", "/v1/matching/batch/"+s.(*state).proposal+"/apply", "", bearerHeader(zy)...)
		},
		// A retry after the failed attempt completed (its answer was lost)
		// is told the proposal was applied; check finds the invitations.
		done: func(r response) bool {
			return r.Status == 200 && len(invitationIDs(r)) == 2 || r.Status == 409 && strings.Contains(r.Raw, "已经执行过")
		},
		check: func(t *testing.T, s any) {
			st := s.(*state)
			invs, err := w.h.db.Invitations().InvitationsOfNeed(context.Background(), st.need)
			if err != nil || len(invs) != 2 {
				t.Fatalf("%d invitations, %v", len(invs), err)
			}
			for _, inv := range invs {
				if !vols[inv.VolunteerID] || inv.Status != models.InvitationPending {
					t.Fatalf("invitation %+v", inv)
				}
			}
			if done, err := w.h.db.Batches().ApplyCompleted(context.Background(), st.proposal); err != nil || !done {
				t.Fatalf("application complete: %v %v", done, err)
			}
			if r := w.h.do("POST", "/v1/matching/batch/"+st.proposal+"/apply", "", bearerHeader(zy)...); r.Status != 409 {
				t.Fatalf("applying again: %d %s", r.Status, r.Raw)
			}
		},
	})
}
