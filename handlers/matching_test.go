package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/handlers"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/accounts"
	"github.com/wushe/wushe/service/needs"
)

func TestMatchesExplainAndExclude(t *testing.T) {
	w := newWorld(t)
	zy, eq := w.committees(t)
	need := w.postNeed(t, zy, `,"requiredSkills":[{"code":"first_aid","level":2}]`)
	good, _ := w.volunteerWithProfile(t, "13500100001", zy, "")
	w.volunteerWithProfile(t, "13500100002", "", "")                               // not verified
	w.volunteerWithProfile(t, "13500100003", zy, `{"lat":34.8900,"lng":113.6300}`) // 15 km away
	r := w.h.do("GET", "/v1/needs/"+need+"/matches?limit=5", "", bearerHeader(zy)...)
	if r.Status != 200 {
		t.Fatalf("matches: %d %s", r.Status, r.Raw)
	}
	cands := r.Body["candidates"].([]any)
	if len(cands) != 1 || cands[0].(map[string]any)["volunteerId"] != good || cands[0].(map[string]any)["name"] != "测试用户" {
		t.Fatalf("candidates: %s", r.Raw)
	}
	c := cands[0].(map[string]any)
	if s := c["score"].(float64); s <= 0 || s > 100 || len(c["parts"].([]any)) < 5 {
		t.Errorf("candidate: %v", c)
	}
	if !strings.Contains(r.Raw, "not_verified") || !strings.Contains(r.Raw, "too_far") || r.Body["excluded"].(float64) < 2 {
		t.Errorf("exclusions: %s", r.Raw)
	}
	for name, tok := range map[string]string{"volunteer": w.volunteer, "other committee": eq, "org admin": w.adminA} {
		if r := w.h.do("GET", "/v1/needs/"+need+"/matches", "", bearerHeader(tok)...); r.Status != 403 {
			t.Errorf("%s reads matches: %d", name, r.Status)
		}
	}
	if r := w.h.do("GET", "/v1/needs/"+need+"/matches", "", bearerHeader(w.zhongyuan)...); r.Status != 200 {
		t.Errorf("civil affairs reads matches: %d", r.Status)
	}
	// Invite the top candidate; they leave the candidates; declining invites nobody new (none left).
	inv := w.h.do("POST", "/v1/needs/"+need+"/invitations", `{"top":3}`, bearerHeader(zy)...)
	if ids := invitationIDs(inv); len(ids) != 1 || ids[good] == "" {
		t.Fatalf("invite top: %s", inv.Raw)
	}
	if r := w.h.do("GET", "/v1/needs/"+need+"/matches", "", bearerHeader(zy)...); len(r.Body["candidates"].([]any)) != 0 || r.Body["skipped"].(float64) != 1 {
		t.Errorf("after inviting: %s", r.Raw)
	}
}

func TestDeclineInvitesTheNextCandidate(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, `,"headcount":1`)
	first, firstTok := w.volunteerWithProfile(t, "13500200001", zy, "")
	second, secondTok := w.volunteerWithProfile(t, "13500200002", zy, "")
	ids := invitationIDs(w.h.do("POST", "/v1/needs/"+need+"/invitations", `{"volunteerIds":["`+first+`"]}`, bearerHeader(zy)...))
	if r := w.h.do("POST", "/v1/invitations/"+ids[first]+"/decline", "", bearerHeader(firstTok)...); r.Status != 200 {
		t.Fatalf("decline: %d %s", r.Status, r.Raw)
	}
	mine := w.h.do("GET", "/v1/me/invitations", "", bearerHeader(secondTok)...)
	items := mine.Body["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["needId"] != need || items[0].(map[string]any)["status"] != "pending" {
		t.Fatalf("the next candidate was not invited: %s", mine.Raw)
	}
	_ = second
}

func TestSupervisorSuggestions(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, "")
	sw, _ := w.supervisor(t, "13500300001")
	r := w.h.do("GET", "/v1/needs/"+need+"/supervisors", "", bearerHeader(zy)...)
	if r.Status != 200 || !strings.Contains(r.Raw, sw) {
		t.Fatalf("supervisors: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/needs/"+need+"/supervisors", "", bearerHeader(w.volunteer)...); r.Status != 403 {
		t.Errorf("a volunteer reads supervisor suggestions: %d", r.Status)
	}
}

// TestIndexChangesReachOtherReplicas: two API replicas on the same stores;
// a profile saved through one shows in the other's matches, carried by
// Redis pub/sub (the second replica built its index before the change).
func TestIndexChangesReachOtherReplicas(t *testing.T) {
	var st service.Stores
	w := newWorld(t, func(s *harnessSetup) { s.stores.Bus = s.stores.Redis.(needs.Bus); st = *s.stores })
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, "")
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	replica, err := service.New(service.Config{Accounts: accounts.Config{JWTSecret: testSecret, Password: cheapPasswords}, Logger: quiet}, st)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	loaded := make(chan struct{})
	if err := replica.Matching().StartMatching(ctx, 0, func() { close(loaded) }); err != nil {
		t.Fatal(err)
	}
	<-loaded
	other := handlers.New(replica, handlers.Config{Version: "test", Logger: quiet})
	h2 := &harness{t: t, app: other, svc: replica}
	if r := h2.do("GET", "/v1/needs/"+need+"/matches", "", bearerHeader(zy)...); len(r.Body["candidates"].([]any)) != 0 {
		t.Fatalf("replica before: %s", r.Raw)
	}
	vid, _ := w.volunteerWithProfile(t, "13500400001", zy, "") // saved and verified through the first replica
	deadline := time.Now().Add(5 * time.Second)
	for {
		r := h2.do("GET", "/v1/needs/"+need+"/matches", "", bearerHeader(zy)...)
		if strings.Contains(r.Raw, vid) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replica never saw the new volunteer: %s", r.Raw)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestBatchProposeAndApplyOnce(t *testing.T) {
	w := newWorld(t)
	zy, eq := w.committees(t)
	a := w.postNeed(t, zy, "")
	b := w.h.do("POST", "/v1/needs", strings.Replace(needBody(zhongyuanCommunity, ""), `"start":"`+slot(3, 9)+`"`, `"start":"`+strings.Replace(slot(3, 10), ":00:00", ":30:00", 1)+`"`, 1), bearerHeader(zy)...).str("id")
	var vols []string
	for i := range 3 {
		id, _ := w.volunteerWithProfile(t, "1350050000"+string(rune('1'+i)), zy, "")
		vols = append(vols, id)
	}
	body := `{"from":"` + slot(2, 0) + `","to":"` + slot(5, 0) + `"}`
	r := w.h.do("POST", "/v1/matching/batch", body, bearerHeader(zy)...)
	if r.Status != 201 {
		t.Fatalf("propose: %d %s", r.Status, r.Raw)
	}
	// Two needs × two places, three volunteers, each in at most one (the needs overlap anyway).
	pls := r.Body["placements"].([]any)
	seen := map[string]bool{}
	for _, p := range pls {
		v := p.(map[string]any)["volunteerId"].(string)
		if seen[v] {
			t.Fatalf("a volunteer got two places: %s", r.Raw)
		}
		seen[v] = true
	}
	if r.Body["places"].(float64) != 4 || len(pls) != 3 || r.Body["objective"].(float64) < r.Body["greedyObjective"].(float64) {
		t.Fatalf("proposal: %s", r.Raw)
	}
	id := r.str("id")
	if r := w.h.do("GET", "/v1/matching/batch/"+id, "", bearerHeader(eq)...); r.Status != 404 {
		t.Errorf("another committee reads the proposal: %d", r.Status)
	}
	if r := w.h.do("POST", "/v1/matching/batch", `{"division":"`+zhongyuanCommunity+`"}`, bearerHeader(eq)...); r.Status != 403 {
		t.Errorf("another committee batches this community: %d", r.Status)
	}
	if r := w.h.do("POST", "/v1/matching/batch", `{}`, bearerHeader(w.volunteer)...); r.Status != 422 && r.Status != 403 {
		t.Errorf("a volunteer batches: %d", r.Status)
	}
	ap := w.h.do("POST", "/v1/matching/batch/"+id+"/apply", "", bearerHeader(zy)...)
	if ap.Status != 200 || len(invitationIDs(ap)) != 3 {
		t.Fatalf("apply: %d %s", ap.Status, ap.Raw)
	}
	if r := w.h.do("POST", "/v1/matching/batch/"+id+"/apply", "", bearerHeader(zy)...); r.Status != 409 {
		t.Errorf("applying twice: %d", r.Status)
	}
	n := 0
	for _, need := range []string{a, b} {
		n += len(w.h.do("GET", "/v1/needs/"+need+"/invitations", "", bearerHeader(zy)...).Body["items"].([]any))
	}
	if n != 3 {
		t.Errorf("%d invitations after applying, want 3", n)
	}
}

// TestReliabilityAndFairnessAreDerived: the figures behind the reliability
// and fairness parts come from the invitations and places themselves.
func TestReliabilityAndFairnessAreDerived(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	a := w.postNeed(t, zy, "")
	b := w.h.do("POST", "/v1/needs", strings.Replace(strings.Replace(needBody(zhongyuanCommunity, ""), slot(3, 9), slot(4, 9), 1), slot(3, 11), slot(4, 11), 1), bearerHeader(zy)...).str("id")
	c := w.h.do("POST", "/v1/needs", strings.Replace(strings.Replace(needBody(zhongyuanCommunity, ""), slot(3, 9), slot(5, 9), 1), slot(3, 11), slot(5, 11), 1), bearerHeader(zy)...).str("id")
	v, tok := w.volunteerWithProfile(t, "13500600001", zy, "")
	ids := invitationIDs(w.h.do("POST", "/v1/needs/"+a+"/invitations", `{"volunteerIds":["`+v+`"]}`, bearerHeader(zy)...))
	if r := w.h.do("POST", "/v1/invitations/"+ids[v]+"/decline", "", bearerHeader(tok)...); r.Status != 200 {
		t.Fatalf("decline: %d", r.Status)
	}
	if r := w.h.do("POST", "/v1/needs/"+b+"/plan/volunteers", `{"volunteerId":"`+v+`"}`, bearerHeader(zy)...); r.Status != 201 {
		t.Fatalf("place: %d %s", r.Status, r.Raw)
	}
	r := w.h.do("GET", "/v1/needs/"+c+"/matches", "", bearerHeader(zy)...)
	if !strings.Contains(r.Raw, "回应邀请 1/1") || !strings.Contains(r.Raw, "近期已承担 2 小时") {
		t.Fatalf("derived figures missing from the explanation: %s", r.Raw)
	}
}

func TestProfileShowsDerivedReliability(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, "")
	v, tok := w.volunteerWithProfile(t, "13500700001", zy, "")
	ids := invitationIDs(w.h.do("POST", "/v1/needs/"+need+"/invitations", `{"volunteerIds":["`+v+`"]}`, bearerHeader(zy)...))
	if r := w.h.do("POST", "/v1/invitations/"+ids[v]+"/accept", "", bearerHeader(tok)...); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Raw)
	}
	r := w.h.do("GET", "/v1/me/volunteer-profile", "", bearerHeader(tok)...)
	rel, _ := r.Body["reliability"].(map[string]any)
	if rel["invited"] != float64(1) || rel["accepted"] != float64(1) || rel["committedHours"] != float64(2) {
		t.Fatalf("reliability on the profile: %s", r.Raw)
	}
}
