package handlers_test

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/wushe/wushe/models"
)

const allWeek = `{"mon":["00:00-24:00"],"tue":["00:00-24:00"],"wed":["00:00-24:00"],"thu":["00:00-24:00"],"fri":["00:00-24:00"],"sat":["00:00-24:00"],"sun":["00:00-24:00"]}`

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

func idNumber(serial int) string {
	first := fmt.Sprintf("41010219900307%03d", serial%1000)
	return first + string(models.IDCheckChar(first))
}

// volunteer registers a volunteer living near 碧沙岗 (中原区), gives them a
// profile available all week, and has the committee verify their real name
// and record a passed background check.
func (w *world) volunteerWithProfile(t *testing.T, phone, committee, home string) (id, token string) {
	t.Helper()
	if home == "" {
		home = `{"lat":34.7560,"lng":113.6150}`
	}
	id = w.h.register(phone)
	token, _ = w.h.login(phone, "secret-pass")
	body := `{"realName":"志愿者` + phone[7:] + `","idNumber":"` + idNumber(atoi(phone[8:])) + `","skills":[{"code":"first_aid","level":2}],` +
		`"availability":` + allWeek + `,"home":` + home + `,"communityCode":"` + zhongyuanCommunity + `","maxDistanceKm":5,` +
		`"birthDate":"1990-03-07"}`
	if r := w.h.do("PUT", "/v1/me/volunteer-profile", body, bearerHeader(token)...); r.Status != 200 {
		t.Fatalf("volunteer profile: %d %s", r.Status, r.Raw)
	}
	if committee != "" {
		if r := w.h.do("POST", "/v1/volunteers/"+id+"/verification", `{"verified":true}`, bearerHeader(committee)...); r.Status != 200 {
			t.Fatalf("verify volunteer: %d %s", r.Status, r.Raw)
		}
		w.recordCheck(t, committee, id)
	}
	return id, token
}

// recordCheck has a committee (or civil affairs) record a passed background check.
func (w *world) recordCheck(t *testing.T, official, volunteer string) {
	t.Helper()
	body := `{"result":"passed","checkedOn":"2025-01-01","expiresOn":"2099-01-01","reference":"WFZ-2025-001"}`
	if r := w.h.do("POST", "/v1/volunteers/"+volunteer+"/background-check", body, bearerHeader(official)...); r.Status != 200 {
		t.Fatalf("record background check: %d %s", r.Status, r.Raw)
	}
}

// supervisor makes a verified 社会工作师 of orgA in the supervisor pool.
func (w *world) supervisor(t *testing.T, phone string) (id, token string) {
	t.Helper()
	id = w.h.register(phone)
	addMemberAccepted(t, w.h, w.adminA, w.orgA, phone, "social_worker")
	token, _ = w.h.login(phone, "secret-pass")
	body := `{"certificate":{"level":"social_worker","number":"SW2021-0001","issuedOn":"2021-06-01"},"post":{"level":"social_worker","grade":3},"domains":["social_welfare"]}`
	if r := w.h.do("PUT", "/v1/me/social-worker-profile", body, bearerHeader(token)...); r.Status != 200 {
		t.Fatalf("social worker profile: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/social-workers/"+id+"/certificate-verification", `{"decision":"verified","note":"核验证书原件"}`, bearerHeader(w.zhongyuan)...); r.Status != 200 {
		t.Fatalf("verify certificate: %d %s", r.Status, r.Raw)
	}
	w.frontLine(t, id, token, w.adminA, w.orgA, 4)
	if r := w.h.do("POST", "/v1/social-workers/"+id+"/supervisor-pool", `{"inPool":true,"caseloadCap":5}`, bearerHeader(w.city)...); r.Status != 200 {
		t.Fatalf("supervisor pool: %d %s", r.Status, r.Raw)
	}
	return id, token
}

func (w *world) postNeed(t *testing.T, committee, extra string) string {
	t.Helper()
	r := w.h.do("POST", "/v1/needs", needBody(zhongyuanCommunity, extra), bearerHeader(committee)...)
	if r.Status != 201 {
		t.Fatalf("post need: %d %s", r.Status, r.Raw)
	}
	return r.str("id")
}

// TestLinkagePlanWalkthrough: the committee posts a need, places a
// volunteer, the supervisor accepts, the committee confirms; each party
// sees what the work needs and no more.
func TestLinkagePlanWalkthrough(t *testing.T) {
	w := newWorld(t)
	zy, eq := w.committees(t)
	need := w.postNeed(t, zy, "") // social_welfare: high-risk, needs a 社会工作师 supervisor
	vid, vtok := w.volunteerWithProfile(t, "13300000001", zy, "")
	otherVol, otherTok := w.volunteerWithProfile(t, "13300000002", zy, "")
	swID, swTok := w.supervisor(t, "13300000009")

	if r := w.h.do("POST", "/v1/needs/"+need+"/plan/confirm", "", bearerHeader(zy)...); r.Status != 409 {
		t.Fatalf("confirm with no volunteers: %d %s", r.Status, r.Raw)
	}
	add := w.h.do("POST", "/v1/needs/"+need+"/plan/volunteers", `{"volunteerId":"`+vid+`"}`, bearerHeader(zy)...)
	if add.Status != 201 || len(add.Body["items"].([]any)) != 1 || add.Body["items"].([]any)[0].(map[string]any)["placeNo"] != float64(1) {
		t.Fatalf("add volunteer: %d %s", add.Status, add.Raw)
	}
	if r := w.h.do("POST", "/v1/needs/"+need+"/plan/volunteers", `{"volunteerId":"`+vid+`"}`, bearerHeader(zy)...); r.Status != 201 || r.Raw != add.Raw {
		t.Fatalf("adding twice (retry-safe: the same answer): %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/needs/"+need+"/plan/confirm", "", bearerHeader(zy)...); r.Status != 409 || !strings.Contains(r.Raw, "督导") {
		t.Fatalf("confirming a high-risk need without a supervisor: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("PUT", "/v1/needs/"+need+"/plan/supervisor", `{"socialWorkerId":"`+swID+`"}`, bearerHeader(eq)...); r.Status != 403 {
		t.Fatalf("another committee proposes: %d", r.Status)
	}
	if r := w.h.do("PUT", "/v1/needs/"+need+"/plan/supervisor", `{"socialWorkerId":"`+vid+`"}`, bearerHeader(zy)...); r.Status != 422 {
		t.Fatalf("a volunteer as supervisor: %d %s", r.Status, r.Raw)
	}
	p := w.h.do("PUT", "/v1/needs/"+need+"/plan/supervisor", `{"socialWorkerId":"`+swID+`"}`, bearerHeader(zy)...)
	if p.Status != 200 || p.str("supervisorState") != "proposed" {
		t.Fatalf("propose: %d %s", p.Status, p.Raw)
	}
	if r := w.h.do("POST", "/v1/needs/"+need+"/plan/supervisor/response", `{"accept":true}`, bearerHeader(otherTok)...); r.Status != 404 {
		t.Fatalf("someone else answers for the supervisor: %d", r.Status)
	}
	if r := w.h.do("POST", "/v1/needs/"+need+"/plan/confirm", "", bearerHeader(swTok)...); r.Status != 403 {
		t.Fatalf("a social worker confirms the plan: %d", r.Status)
	}
	if r := w.h.do("POST", "/v1/needs/"+need+"/plan/supervisor/response", `{"accept":true}`, bearerHeader(swTok)...); r.Status != 200 || r.str("supervisorState") != "accepted" {
		t.Fatalf("accept: %d %s", r.Status, r.Raw)
	}
	// Before confirmation the supervisor sees the volunteer's phone masked.
	if r := w.h.do("GET", "/v1/needs/"+need+"/plan", "", bearerHeader(swTok)...); !strings.Contains(r.Raw, "133****0001") {
		t.Fatalf("supervisor before confirmation: %s", r.Raw)
	}
	c := w.h.do("POST", "/v1/needs/"+need+"/plan/confirm", "", bearerHeader(zy)...)
	if c.Status != 200 || c.Body["confirmed"] != true {
		t.Fatalf("confirm: %d %s", c.Status, c.Raw)
	}
	for name, tok := range map[string]string{"committee": zy, "supervisor": swTok} {
		r := w.h.do("GET", "/v1/needs/"+need+"/plan", "", bearerHeader(tok)...)
		if r.Status != 200 || !strings.Contains(r.Raw, `"phone":"13300000001"`) {
			t.Errorf("%s after confirmation lacks the volunteer's phone: %s", name, r.Raw)
		}
	}
	r := w.h.do("GET", "/v1/needs/"+need+"/plan", "", bearerHeader(vtok)...)
	if r.Status != 200 || !strings.Contains(r.Raw, `"phone":"13300000001"`) || strings.Contains(r.Raw, `"phone":"13300000009"`) {
		t.Errorf("the volunteer's view: %s", r.Raw)
	}
	for name, tok := range map[string]string{"another volunteer": otherTok, "another committee": eq, "another org": w.adminB} {
		if r := w.h.do("GET", "/v1/needs/"+need+"/plan", "", bearerHeader(tok)...); r.Status != 404 {
			t.Errorf("%s reads the plan: %d", name, r.Status)
		}
	}
	_ = otherVol
	if r := w.h.do("GET", "/v1/needs/"+need, ""); r.str("status") != "open" {
		t.Errorf("need with 1 of 2 places: %s", r.str("status"))
	}
}

func TestAddVolunteerChecksConstraints(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, `,"requiredSkills":[{"code":"first_aid","level":3}]`)
	unverified, _ := w.volunteerWithProfile(t, "13300000011", "", "")
	low, _ := w.volunteerWithProfile(t, "13300000012", zy, "")
	far, _ := w.volunteerWithProfile(t, "13300000013", zy, `{"lat":34.8900,"lng":113.6300}`) // 惠济区, about 15 km north
	cases := []struct {
		name, volunteer, want string
	}{
		{"unverified", unverified, "实名"},
		{"skill level too low", low, "急救"},
		{"too far", far, "距离"},
		{"no such volunteer", "nobody", "志愿者"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.h.do("POST", "/v1/needs/"+need+"/plan/volunteers", `{"volunteerId":"`+c.volunteer+`"}`, bearerHeader(zy)...)
			if r.Status != 422 || !strings.Contains(strings.Join(r.locations(), ","), "body.volunteerId") || !strings.Contains(r.Raw, c.want) {
				t.Fatalf("status %d: %s", r.Status, r.Raw)
			}
		})
	}
	p := w.h.do("GET", "/v1/needs/"+need+"/plan", "", bearerHeader(zy)...)
	if len(p.Body["assignments"].([]any)) != 0 {
		t.Fatalf("a refused volunteer was placed: %s", p.Raw)
	}
}

// TestLastPlaceRace: hundreds of concurrent placements of many volunteers
// into one place; exactly one holds it.
func TestLastPlaceRace(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, `,"headcount":3`)
	var vols []string
	for i := range 20 {
		id, _ := w.volunteerWithProfile(t, fmt.Sprintf("1330001%04d", i), zy, "")
		vols = append(vols, id)
	}
	var full atomic.Int32
	var placed sync.Map // volunteers answered 201 (a repeat of a placement answers it again)
	var wg sync.WaitGroup
	for i := range 300 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := w.h.do("POST", "/v1/needs/"+need+"/plan/volunteers", `{"volunteerId":"`+vols[i%len(vols)]+`"}`, bearerHeader(zy)...)
			switch r.Status {
			case 201:
				placed.Store(vols[i%len(vols)], true)
			case 409:
				full.Add(1)
			default:
				t.Errorf("status %d: %s", r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	p := w.h.do("GET", "/v1/needs/"+need+"/plan", "", bearerHeader(zy)...)
	as := p.Body["assignments"].([]any)
	places := map[float64]bool{}
	for _, a := range as {
		places[a.(map[string]any)["placeNo"].(float64)] = true
	}
	ok := 0
	placed.Range(func(any, any) bool { ok++; return true })
	if ok != 3 || len(as) != 3 || len(places) != 3 {
		t.Fatalf("%d volunteers placed, plan holds %d assignments on places %v; want 3 on 1..3", ok, len(as), places)
	}
	if r := w.h.do("GET", "/v1/needs/"+need, ""); r.str("status") != "staffed" {
		t.Errorf("full need is %s, want staffed", r.str("status"))
	}
	// Removing one frees a place and reopens the need.
	gone := as[0].(map[string]any)["volunteerId"].(string)
	if r := w.h.do("DELETE", "/v1/needs/"+need+"/plan/volunteers/"+gone, "", bearerHeader(zy)...); r.Status != 200 {
		t.Fatalf("remove: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/needs/"+need, ""); r.str("status") != "open" {
		t.Errorf("after a removal the need is %s, want open", r.str("status"))
	}
	for _, v := range vols {
		if _, held := placed.Load(v); held {
			continue
		}
		r := w.h.do("POST", "/v1/needs/"+need+"/plan/volunteers", `{"volunteerId":"`+v+`"}`, bearerHeader(zy)...)
		if r.Status == 201 {
			break
		}
	}
	p = w.h.do("GET", "/v1/needs/"+need+"/plan", "", bearerHeader(zy)...)
	if n := len(p.Body["assignments"].([]any)); n != 3 {
		t.Fatalf("after refilling: %d assignments", n)
	}
}

// TestOverlapRace: one volunteer placed concurrently into two needs at
// overlapping times holds at most one of them.
func TestOverlapRace(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	a := w.postNeed(t, zy, `,"headcount":5`)
	b := w.h.do("POST", "/v1/needs", strings.Replace(needBody(zhongyuanCommunity, `,"headcount":5`), `"start":"`+slot(3, 9)+`"`, `"start":"`+strings.Replace(slot(3, 10), ":00:00", ":30:00", 1)+`"`, 1), bearerHeader(zy)...).str("id")
	vid, _ := w.volunteerWithProfile(t, "13300000021", zy, "")
	var won sync.Map // needs answered 201 (a repeat of a placement answers it again)
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			need := a
			if i%2 == 1 {
				need = b
			}
			r := w.h.do("POST", "/v1/needs/"+need+"/plan/volunteers", `{"volunteerId":"`+vid+`"}`, bearerHeader(zy)...)
			if r.Status == 201 {
				won.Store(need, true)
			} else if r.Status != 409 {
				t.Errorf("status %d: %s", r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	held := 0
	for _, n := range []string{a, b} {
		p := w.h.do("GET", "/v1/needs/"+n+"/plan", "", bearerHeader(zy)...)
		held += len(p.Body["assignments"].([]any))
	}
	ok := 0
	won.Range(func(any, any) bool { ok++; return true })
	if ok != 1 || held != 1 {
		t.Fatalf("placements in %d needs succeeded, %d held; want exactly 1", ok, held)
	}
}

// TestSupervisorAfterConfirmation: a plan confirmed without a supervisor
// (a need that does not require one) can still be given one, who accepts;
// once it has one, the confirmed plan keeps it.
func TestSupervisorAfterConfirmation(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	body := strings.Replace(strings.Replace(needBody(zhongyuanCommunity, ""), `"social_welfare"`, `"community_governance"`, 1), `"older_people"`, `"community_residents"`, 1)
	r := w.h.do("POST", "/v1/needs", body, bearerHeader(zy)...)
	if r.Status != 201 {
		t.Fatalf("post need: %d %s", r.Status, r.Raw)
	}
	need := r.str("id")
	vid, _ := w.volunteerWithProfile(t, "13300000021", zy, "")
	swID, swTok := w.supervisor(t, "13300000029")
	other, _ := w.supervisor(t, "13300000028")
	if r := w.h.do("POST", "/v1/needs/"+need+"/plan/volunteers", `{"volunteerId":"`+vid+`"}`, bearerHeader(zy)...); r.Status != 201 {
		t.Fatalf("add volunteer: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/needs/"+need+"/plan/confirm", "", bearerHeader(zy)...); r.Status != 200 {
		t.Fatalf("confirm without a supervisor: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("PUT", "/v1/needs/"+need+"/plan/supervisor", `{"socialWorkerId":"`+swID+`"}`, bearerHeader(zy)...); r.Status != 200 || r.str("supervisorState") != "proposed" {
		t.Fatalf("a supervisor for the confirmed plan: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/needs/"+need+"/plan/supervisor/response", `{"accept":true}`, bearerHeader(swTok)...); r.Status != 200 || r.str("supervisorState") != "accepted" {
		t.Fatalf("the supervisor accepts: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("PUT", "/v1/needs/"+need+"/plan/supervisor", `{"socialWorkerId":"`+other+`"}`, bearerHeader(zy)...); r.Status != 409 {
		t.Fatalf("replacing the confirmed plan's supervisor: %d %s", r.Status, r.Raw)
	}
}
