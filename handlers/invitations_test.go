package handlers_test

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func (w *world) invite(t *testing.T, committee, need string, volunteers ...string) response {
	t.Helper()
	r := w.h.do("POST", "/v1/needs/"+need+"/invitations", `{"volunteerIds":["`+strings.Join(volunteers, `","`)+`"]}`, bearerHeader(committee)...)
	if r.Status != 200 {
		t.Fatalf("invite: %d %s", r.Status, r.Raw)
	}
	return r
}

func invitationIDs(r response) map[string]string {
	out := map[string]string{}
	for _, it := range r.Body["results"].([]any) {
		m := it.(map[string]any)
		if inv, ok := m["invitation"].(map[string]any); ok {
			out[m["volunteerId"].(string)] = inv["id"].(string)
		}
	}
	return out
}

func TestInvitationsAcceptDecline(t *testing.T) {
	w := newWorld(t)
	zy, eq := w.committees(t)
	need := w.postNeed(t, zy, "")
	v1, t1 := w.volunteerWithProfile(t, "13400000001", zy, "")
	v2, t2 := w.volunteerWithProfile(t, "13400000002", zy, "")
	unverified, _ := w.volunteerWithProfile(t, "13400000003", "", "")

	r := w.invite(t, zy, need, v1, v2, unverified, "nobody")
	ids := invitationIDs(r)
	if len(ids) != 2 || !strings.Contains(r.Raw, "实名") {
		t.Fatalf("invite results: %s", r.Raw)
	}
	again := w.invite(t, zy, need, v1)
	if invitationIDs(again)[v1] != ids[v1] || !strings.Contains(again.Raw, `"outcome":"already_invited"`) {
		t.Fatalf("a second invitation to one occurrence: %s", again.Raw)
	}
	cases := []struct {
		name, token, method, path, body string
		status                          int
	}{
		{"another committee invites", eq, "POST", "/v1/needs/" + need + "/invitations", `{"volunteerIds":["` + v1 + `"]}`, 403},
		{"a volunteer invites", t1, "POST", "/v1/needs/" + need + "/invitations", `{"volunteerIds":["` + v2 + `"]}`, 403},
		{"another committee lists invitations", eq, "GET", "/v1/needs/" + need + "/invitations", ``, 403},
		{"someone else accepts v1's invitation", t2, "POST", "/v1/invitations/" + ids[v1] + "/accept", ``, 404},
		{"the committee accepts for v1", zy, "POST", "/v1/invitations/" + ids[v1] + "/accept", ``, 404},
		{"unknown invitation", t1, "POST", "/v1/invitations/nope/accept", ``, 404},
		{"v1 accepts", t1, "POST", "/v1/invitations/" + ids[v1] + "/accept", ``, 200},
		{"v1 accepts twice", t1, "POST", "/v1/invitations/" + ids[v1] + "/accept", ``, 200},
		{"v1 declines after accepting", t1, "POST", "/v1/invitations/" + ids[v1] + "/decline", ``, 409},
		{"v2 declines", t2, "POST", "/v1/invitations/" + ids[v2] + "/decline", ``, 200},
		{"v2 declines twice", t2, "POST", "/v1/invitations/" + ids[v2] + "/decline", ``, 200},
		{"v2 accepts after declining", t2, "POST", "/v1/invitations/" + ids[v2] + "/accept", ``, 409},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.h.do(c.method, c.path, c.body, bearerHeader(c.token)...)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Raw)
			}
		})
	}
	mine := w.h.do("GET", "/v1/me/invitations", "", bearerHeader(t1)...)
	if items := mine.Body["items"].([]any); len(items) != 1 || items[0].(map[string]any)["status"] != "accepted" {
		t.Fatalf("v1's invitations: %s", mine.Raw)
	}
	if r := w.h.do("GET", "/v1/me/invitations", "", bearerHeader(t2)...); strings.Contains(r.Raw, ids[v1]) {
		t.Errorf("v2 sees v1's invitation")
	}
	p := w.h.do("GET", "/v1/needs/"+need+"/plan", "", bearerHeader(zy)...)
	as := p.Body["assignments"].([]any)
	if len(as) != 1 || as[0].(map[string]any)["volunteerId"] != v1 || as[0].(map[string]any)["status"] != "accepted" {
		t.Fatalf("plan after acceptance: %s", p.Raw)
	}
	list := w.h.do("GET", "/v1/needs/"+need+"/invitations", "", bearerHeader(zy)...)
	if n := len(list.Body["items"].([]any)); n != 2 {
		t.Errorf("need invitations: %d", n)
	}
	for _, it := range list.items() { // the committee sees names, not ids (issue 19)
		if name, _ := it["volunteerName"].(string); name == "" {
			t.Errorf("invitation without the volunteer's name: %v", it)
		}
	}
	if strings.Contains(w.h.do("GET", "/v1/me/invitations", "", bearerHeader(t1)...).Raw, "volunteerName") {
		t.Errorf("a volunteer's own invitations carry a name field")
	}
}

// TestAcceptRaceForTheLastPlace: many invited volunteers accept at once;
// exactly as many as there are places get one, the rest see "full".
func TestAcceptRaceForTheLastPlace(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, `,"headcount":1`)
	var vols, toks []string
	for i := range 12 {
		id, tok := w.volunteerWithProfile(t, fmt.Sprintf("1340001%04d", i), zy, "")
		vols, toks = append(vols, id), append(toks, tok)
	}
	ids := invitationIDs(w.invite(t, zy, need, vols...))
	if len(ids) != len(vols) {
		t.Fatalf("%d invitations", len(ids))
	}
	var conflict atomic.Int32
	var won sync.Map // volunteers answered 200 (repeats of an acceptance answer it again)
	var wg sync.WaitGroup
	for i := range 240 { // each volunteer presses accept 20 times at once
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := i % len(vols)
			r := w.h.do("POST", "/v1/invitations/"+ids[vols[v]]+"/accept", "", bearerHeader(toks[v])...)
			switch r.Status {
			case 200:
				won.Store(v, true)
			case 409:
				conflict.Add(1)
			default:
				t.Errorf("status %d: %s", r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	p := w.h.do("GET", "/v1/needs/"+need+"/plan", "", bearerHeader(zy)...)
	ok := 0
	won.Range(func(any, any) bool { ok++; return true })
	if ok != 1 || len(p.Body["assignments"].([]any)) != 1 {
		t.Fatalf("%d volunteers' acceptances succeeded, plan holds %s", ok, p.Raw)
	}
	full := 0
	for _, it := range w.h.do("GET", "/v1/needs/"+need+"/invitations", "", bearerHeader(zy)...).Body["items"].([]any) {
		if it.(map[string]any)["status"] == "full" {
			full++
		}
	}
	if full != len(vols)-1 {
		t.Errorf("%d invitations marked full, want %d", full, len(vols)-1)
	}
}

// TestOneVolunteerCannotAcceptOverlappingNeeds: invited to two needs at
// overlapping times, accepting both at once leaves one place held.
func TestOneVolunteerCannotAcceptOverlappingNeeds(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	a := w.postNeed(t, zy, "")
	b := w.h.do("POST", "/v1/needs", strings.Replace(needBody(zhongyuanCommunity, ""), `"start":"`+slot(3, 9)+`"`, `"start":"`+strings.Replace(slot(3, 10), ":00:00", ":30:00", 1)+`"`, 1), bearerHeader(zy)...).str("id")
	vid, tok := w.volunteerWithProfile(t, "13400000101", zy, "")
	ia := invitationIDs(w.invite(t, zy, a, vid))[vid]
	ib := invitationIDs(w.invite(t, zy, b, vid))[vid]
	var mu sync.Mutex
	accepted := map[string]bool{} // invitations answered 200 (repeats answer the same)
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := ia
			if i%2 == 1 {
				id = ib
			}
			if r := w.h.do("POST", "/v1/invitations/"+id+"/accept", "", bearerHeader(tok)...); r.Status == 200 {
				mu.Lock()
				accepted[r.str("id")] = true
				mu.Unlock()
			} else if r.Status != 409 {
				t.Errorf("status %d: %s", r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	if len(accepted) != 1 {
		t.Fatalf("%d overlapping invitations accepted, want 1", len(accepted))
	}
}
