package handlers_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// Retry-safe writes (issue 16): the same request again answers the same
// result; a different answer to something answered is a conflict.

// TestRetrySafeAcceptInvitation: accepting twice answers the same 200 and
// holds one place; 100 simultaneous accepts of one invitation hold one
// place and all answer that acceptance; declining after it is a conflict.
func TestRetrySafeAcceptInvitation(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, `,"headcount":1`)
	vid, vtok := w.volunteerWithProfile(t, "13400000301", zy, "")
	inv := invitationIDs(w.invite(t, zy, need, vid))[vid]
	first := w.h.do("POST", "/v1/invitations/"+inv+"/accept", "", bearerHeader(vtok)...)
	again := w.h.do("POST", "/v1/invitations/"+inv+"/accept", "", bearerHeader(vtok)...)
	if first.Status != 200 || again.Status != 200 || first.Raw != again.Raw {
		t.Fatalf("accept twice: %d %s / %d %s", first.Status, first.Raw, again.Status, again.Raw)
	}
	if as, err := w.h.db.Plans().Assignments(context.Background(), need); err != nil || len(as) != 1 {
		t.Fatalf("%d assignments after a double accept (%v), want 1", len(as), err)
	}
	if r := w.h.do("POST", "/v1/invitations/"+inv+"/decline", "", bearerHeader(vtok)...); r.Status != 409 {
		t.Fatalf("decline after accept: %d %s", r.Status, r.Raw)
	}

	// 100 at once, on a need of another day.
	body := strings.NewReplacer(slot(3, 9), slot(5, 9), slot(3, 11), slot(5, 11)).Replace(needBody(zhongyuanCommunity, `,"headcount":1`))
	need2 := w.h.do("POST", "/v1/needs", body, bearerHeader(zy)...).str("id")
	inv2 := invitationIDs(w.invite(t, zy, need2, vid))[vid]
	var mu sync.Mutex
	answers := map[string]int{}
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := w.h.do("POST", "/v1/invitations/"+inv2+"/accept", "", bearerHeader(vtok)...)
			mu.Lock()
			defer mu.Unlock()
			if r.Status != 200 {
				t.Errorf("a simultaneous accept: %d %s", r.Status, r.Raw)
				return
			}
			answers[r.Raw]++
		}()
	}
	wg.Wait()
	if len(answers) != 1 {
		t.Fatalf("%d different answers to one acceptance: %v", len(answers), answers)
	}
	as, err := w.h.db.Plans().Assignments(context.Background(), need2)
	if err != nil || len(as) != 1 || as[0].VolunteerID != vid {
		t.Fatalf("%d assignments after 100 accepts (%v), want 1", len(as), err)
	}
	places, err := w.h.db.Database().Collection("places").CountDocuments(context.Background(), map[string]any{"assignmentId": as[0].ID})
	if err != nil || places != 1 {
		t.Fatalf("%d places held (%v), want 1", places, err)
	}
}

// TestInviteOutcomes: each invitee's outcome is a documented code; inviting
// again answers already_invited with the same invitation (retry-safe); a
// request of which every invitee was refused is not a 200.
func TestInviteOutcomes(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, "")
	vid, _ := w.volunteerWithProfile(t, "13400000401", zy, "")
	unverified, _ := w.volunteerWithProfile(t, "13400000402", "", "")
	outcomes := func(r response) map[string]string {
		out := map[string]string{}
		for _, it := range r.Body["results"].([]any) {
			m := it.(map[string]any)
			out[m["volunteerId"].(string)] = m["outcome"].(string)
		}
		return out
	}
	first := w.invite(t, zy, need, vid, unverified)
	if o := outcomes(first); o[vid] != "invited" || o[unverified] != "refused" {
		t.Fatalf("outcomes %v: %s", o, first.Raw)
	}
	again := w.invite(t, zy, need, vid)
	if o := outcomes(again); o[vid] != "already_invited" || invitationIDs(again)[vid] != invitationIDs(first)[vid] {
		t.Fatalf("inviting again: %s", again.Raw)
	}
	refused := w.h.do("POST", "/v1/needs/"+need+"/invitations", `{"volunteerIds":["`+unverified+`","nobody"]}`, bearerHeader(zy)...)
	locs := strings.Join(refused.locations(), ",")
	if refused.Status < 400 || !strings.Contains(locs, "body.volunteerIds[0]") || !strings.Contains(locs, "body.volunteerIds[1]") {
		t.Fatalf("every invitee refused: %d %s", refused.Status, refused.Raw)
	}
}

// TestHandPickedInvitationScore: a volunteer invited by hand carries the
// score the ranking gives them for that occurrence.
func TestHandPickedInvitationScore(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, "")
	vid, vtok := w.volunteerWithProfile(t, "13400000501", zy, "")
	m := w.h.do("GET", "/v1/needs/"+need+"/matches", "", bearerHeader(zy)...)
	want := -1.0
	for _, c := range list(m, "candidates") {
		if c["volunteerId"] == vid {
			want = c["score"].(float64)
		}
	}
	if want <= 0 {
		t.Fatalf("the ranking's score of the volunteer: %s", m.Raw)
	}
	w.invite(t, zy, need, vid)
	r := w.h.do("GET", "/v1/me/invitations", "", bearerHeader(vtok)...)
	items := list(r, "items")
	if len(items) != 1 || items[0]["score"] != want {
		t.Fatalf("hand-picked invitation score, want %v: %s", want, r.Raw)
	}
}

// TestShortStayRecordsNoHours: a stay counting under 15 minutes is refused
// at check-out (nothing stored, so a later check-out counts), and a marked
// line of that length is refused; no 0 h record is made.
func TestShortStayRecordsNoHours(t *testing.T) {
	clock := &testClock{}
	w := newWorld(t, func(s *harnessSetup) { s.svc.Now = clock.Now; s.svc.Accounts.AccessTokenTTL = 30 * 24 * time.Hour })
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, "")
	vid, vtok := w.volunteerWithProfile(t, "13400000601", zy, "")
	other, _ := w.volunteerWithProfile(t, "13400000602", zy, "")
	add := w.h.do("POST", "/v1/needs/"+need+"/plan/volunteers", `{"volunteerId":"`+vid+`"}`, bearerHeader(zy)...)
	if add.Status != 201 {
		t.Fatalf("place: %d %s", add.Status, add.Raw)
	}
	occ := add.Body["items"].([]any)[0].(map[string]any)["occurrenceId"].(string)
	start := parseSlot(t, slot(3, 9))
	presence := func() string {
		c := w.h.do("GET", "/v1/attendance/code?occurrenceId="+urlEscape(occ), "", bearerHeader(zy)...).str("code")
		return `{"occurrenceId":"` + occ + `","code":"` + c + `","location":{"lat":34.7536,"lng":113.6134}}`
	}
	clock.jumpTo(start)
	checkin := w.h.do("POST", "/v1/me/attendance/checkin", presence(), bearerHeader(vtok)...)
	if again := w.h.do("POST", "/v1/me/attendance/checkin", presence(), bearerHeader(vtok)...); checkin.Status != 200 || again.Raw != checkin.Raw {
		t.Fatalf("check in twice: %d %s / %s", checkin.Status, checkin.Raw, again.Raw)
	}
	clock.jumpTo(start.Add(10 * time.Minute))
	if r := w.h.do("POST", "/v1/me/attendance/checkout", presence(), bearerHeader(vtok)...); r.Status != 409 || !strings.Contains(r.Raw, "15 分钟") {
		t.Fatalf("a 10-minute stay: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/me/hours", "", bearerHeader(vtok)...); len(list(r, "items")) != 0 {
		t.Fatalf("a record after a refused check-out: %s", r.Raw)
	}
	clock.jumpTo(start.Add(20 * time.Minute))
	out := w.h.do("POST", "/v1/me/attendance/checkout", presence(), bearerHeader(vtok)...)
	if out.Status != 200 || out.Body["hours"] != 0.25 {
		t.Fatalf("a 20-minute stay: %d %s", out.Status, out.Raw)
	}
	if again := w.h.do("POST", "/v1/me/attendance/checkout", presence(), bearerHeader(vtok)...); again.Status != 200 || again.Raw != out.Raw {
		t.Fatalf("check out twice: %d %s, first %s", again.Status, again.Raw, out.Raw)
	}
	clock.jumpTo(start.Add(time.Hour))
	mark := `{"occurrenceId":"` + occ + `","marks":[{"volunteerId":"` + other + `","checkin":"` + slot(3, 9) + `","checkout":"` +
		start.Add(10*time.Minute).Format(time.RFC3339) + `"}]}`
	r := w.h.do("POST", "/v1/attendance/marks", mark, bearerHeader(zy)...)
	if len(list(r, "records")) != 0 || !strings.Contains(r.Raw, `"location":"body.marks[0].checkout"`) {
		t.Fatalf("a 10-minute marked line: %d %s", r.Status, r.Raw)
	}
}

// TestCommunityCentre: the committee sets its community's centre point,
// and /v1/divisions shows it; another committee may not; a point outside
// Zhengzhou is refused.
func TestCommunityCentre(t *testing.T) {
	w := newWorld(t)
	zy, eq := w.committees(t)
	path := "/v1/communities/" + zhongyuanCommunity + "/centre"
	if r := w.h.do("GET", "/v1/divisions/"+zhongyuanCommunity, ""); r.Status != 200 || r.Body["lat"] != nil {
		t.Fatalf("before: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("PUT", path, `{"location":{"lat":34.7536,"lng":113.6134}}`, bearerHeader(eq)...); r.Status != 403 {
		t.Fatalf("another committee sets the centre: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("PUT", path, `{"location":{"lat":39.9,"lng":116.4}}`, bearerHeader(zy)...); r.Status != 422 ||
		!strings.Contains(strings.Join(r.locations(), ","), "body.location") {
		t.Fatalf("a centre in Beijing: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("PUT", path, `{"location":{"lat":34.7536,"lng":113.6134}}`, bearerHeader(zy)...); r.Status != 200 || r.Body["lat"] != 34.7536 {
		t.Fatalf("set the centre: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/divisions/"+zhongyuanCommunity, ""); r.Body["lat"] != 34.7536 || r.Body["lng"] != 113.6134 {
		t.Fatalf("the division after: %s", r.Raw)
	}
	found := false
	for _, d := range list(w.h.do("GET", "/v1/divisions?parent="+zhongyuanCommunity[:9]+"&limit=100", ""), "items") {
		if d["code"] == zhongyuanCommunity {
			found = d["lat"] == 34.7536 && d["lng"] == 113.6134
		}
	}
	if !found {
		t.Fatal("the list of the township's communities does not show the centre")
	}
}

// TestCreateFundIdempotencyKey: posting a fund again with the same key
// (also 50 at once) answers the one fund posted, with one deposit; the
// key for a different fund is refused.
func TestCreateFundIdempotencyKey(t *testing.T) {
	w := newFundWorld(t)
	body := fundBody(w.charityA, 1_000_000, 1000, 500_000, "")
	key := append(bearerHeader(w.charityAdminA), "Idempotency-Key", "fund-key-1")
	funds := func() int64 {
		n, err := w.h.db.Database().Collection("funds").CountDocuments(context.Background(), map[string]any{"ownerOrgId": w.charityA})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := funds()
	var mu sync.Mutex
	ids := map[string]bool{}
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := w.h.do("POST", "/v1/funds", body, key...)
			mu.Lock()
			defer mu.Unlock()
			if r.Status != 201 {
				t.Errorf("post fund: %d %s", r.Status, r.Raw)
				return
			}
			ids[r.str("id")] = true
		}()
	}
	wg.Wait()
	if len(ids) != 1 {
		t.Fatalf("%d funds answered for one key, want 1", len(ids))
	}
	var id string
	for k := range ids {
		id = k
	}
	if n := funds() - before; n != 1 {
		t.Fatalf("%d funds stored for one key, want 1", n)
	}
	entries, err := w.h.db.Funds().Entries(context.Background(), id, 0, 10)
	if err != nil || len(entries) != 1 || entries[0].AmountFen != 1_000_000 {
		t.Fatalf("ledger %+v (%v), want one deposit", entries, err)
	}
	other := fundBody(w.charityA, 2_000_000, 1000, 500_000, "")
	if r := w.h.do("POST", "/v1/funds", other, key...); r.Status != 422 || !strings.Contains(r.Raw, "header.Idempotency-Key") {
		t.Fatalf("the key for another fund: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/funds", body, bearerHeader(w.charityAdminA)...); r.Status != 201 || r.str("id") == id {
		t.Fatalf("without a key, a second fund: %d %s", r.Status, r.Raw)
	}
}

// TestRetrySafeVerifyVolunteer: verifying a verified volunteer again
// answers the same view: who verified and when stay the first decision's.
func TestRetrySafeVerifyVolunteer(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	vid, _ := w.volunteerWithProfile(t, "13400000701", zy, "") // verified by zy
	first := w.h.do("GET", "/v1/volunteers/"+vid, "", bearerHeader(zy)...)
	again := w.h.do("POST", "/v1/volunteers/"+vid+"/verification", `{"verified":true}`, bearerHeader(zy)...)
	if again.Status != 200 || again.Body["verifiedAt"] == nil || again.Body["verifiedAt"] != first.Body["verifiedAt"] {
		t.Fatalf("verifying again: %d %s, first %s", again.Status, again.Raw, first.Raw)
	}
}
