package handlers_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
)

const (
	zhongyuanCommunity = "410102001002" // 碧沙岗社区居委会, 林山寨街道, 中原区
	erqiCommunity      = "410103001001"
)

// committees adds community admins for a 中原区 and an 二七区 community to a world.
func (w *world) committees(t *testing.T) (zy, eq string) {
	t.Helper()
	for _, c := range []struct{ phone, code, tok string }{{"13200000001", zhongyuanCommunity, w.zhongyuan}, {"13200000002", erqiCommunity, w.erqi}} {
		r := w.h.do("POST", "/v1/accounts", `{"phone":"`+c.phone+`","password":"secret-pass","name":"社区书记","role":"community_admin","communityCode":"`+c.code+`"}`, bearerHeader(c.tok)...)
		if r.Status != 201 {
			t.Fatalf("community admin: %d %s", r.Status, r.Raw)
		}
	}
	zy, _ = w.h.login("13200000001", "secret-pass")
	eq, _ = w.h.login("13200000002", "secret-pass")
	return zy, eq
}

// slot is a half-hour-aligned time days from now at hour:00 Asia/Shanghai.
func slot(days, hour int) string {
	sh := time.FixedZone("CST", 8*3600)
	d := time.Now().In(sh).AddDate(0, 0, days)
	return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, sh).Format(time.RFC3339)
}

func needBody(community string, extra string) string {
	return `{"communityCode":"` + community + `","title":"助老上门探访","description":"为独居老人上门探访、陪伴聊天","domain":"social_welfare",` +
		`"tasks":["support_for_vulnerable"],"targetGroup":"older_people","beneficiaries":12,"location":{"lat":34.7535,"lng":113.6133},` +
		`"window":{"start":"` + slot(3, 9) + `","end":"` + slot(3, 11) + `"},"headcount":2` + extra + `}`
}

func TestNeedValidation(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	base := needBody(zhongyuanCommunity, "")
	cases := []struct {
		name, body string
		location   string
	}{
		{"point outside Zhengzhou", strings.Replace(base, `{"lat":34.7535,"lng":113.6133}`, `{"lat":39.9042,"lng":116.4074}`, 1), "body.location"},
		{"end before start", strings.Replace(base, `"end":"`+slot(3, 11)+`"`, `"end":"`+slot(3, 8)+`"`, 1), "body.window.end"},
		{"off the half-hour grid", strings.Replace(base, slot(3, 9), strings.Replace(slot(3, 9), ":00:00", ":10:00", 1), 1), "body.window.start"},
		{"in the past", strings.Replace(strings.Replace(base, slot(3, 9), slot(-3, 9), 1), slot(3, 11), slot(-3, 11), 1), "body.window.start"},
		{"unknown domain", strings.Replace(base, "social_welfare", "astronautics", 1), "body.domain"},
		{"unknown task", strings.Replace(base, "support_for_vulnerable", "juggling", 1), "body.tasks[0]"},
		{"unknown group", strings.Replace(base, "older_people", "martians", 1), "body.targetGroup"},
		{"headcount 0", strings.Replace(base, `"headcount":2`, `"headcount":0`, 1), "body.headcount"},
		{"headcount 501", strings.Replace(base, `"headcount":2`, `"headcount":501`, 1), "body.headcount"},
		{"unknown skill", needBody(zhongyuanCommunity, `,"requiredSkills":[{"code":"levitation","level":1}]`), "body.requiredSkills[0].code"},
		{"skill level 4", needBody(zhongyuanCommunity, `,"requiredSkills":[{"code":"first_aid","level":4}]`), "body.requiredSkills[0].level"},
		{"radius too large", needBody(zhongyuanCommunity, `,"radiusKm":80`), "body.radiusKm"},
		{"a street, not a community", needBody("410102001000", ""), "body.communityCode"},
		{"both window and schedule", needBody(zhongyuanCommunity, `,"schedule":{"weekdays":["mon"],"start":"09:00","end":"11:00","from":"2030-01-01","until":"2030-02-01"}`), "body.schedule"},
		{"schedule until before from", strings.Replace(base, `"window":{"start":"`+slot(3, 9)+`","end":"`+slot(3, 11)+`"}`,
			`"schedule":{"weekdays":["mon","wed"],"start":"09:00","end":"11:00","from":"2030-03-01","until":"2030-02-01"}`, 1), "body.schedule"},
		{"negative budget", needBody(zhongyuanCommunity, `,"budgetFen":-1`), "body.budgetFen"},
		{"short title", strings.Replace(base, "助老上门探访", "助老", 1), "body.title"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.h.do("POST", "/v1/needs", c.body, bearerHeader(zy)...)
			if r.Status != 422 {
				t.Fatalf("status %d, want 422: %s", r.Status, r.Raw)
			}
			if !strings.Contains(strings.Join(r.locations(), ","), c.location) {
				t.Errorf("errors name %v, want %s", r.locations(), c.location)
			}
		})
	}
	if r := w.h.do("GET", "/v1/needs?community="+zhongyuanCommunity, "", bearerHeader(zy)...); len(r.Body["items"].([]any)) != 0 {
		t.Fatalf("a refused need was stored: %s", r.Raw)
	}
}

func TestNeedPostingAndScope(t *testing.T) {
	w := newWorld(t)
	zy, eq := w.committees(t)
	r := w.h.do("POST", "/v1/needs", needBody(zhongyuanCommunity, ""), bearerHeader(zy)...)
	if r.Status != 201 || r.str("status") != "open" || r.Body["backgroundCheck"] != true || r.str("countyCode") != "410102" ||
		r.str("communityName") != "碧沙岗社区居委会" || len(r.Body["occurrences"].([]any)) != 1 {
		t.Fatalf("post: %d %s", r.Status, r.Raw)
	}
	id := r.str("id")
	cases := []struct {
		name, token, method, path, body string
		status                          int
	}{
		{"other committee posts here", eq, "POST", "/v1/needs", needBody(zhongyuanCommunity, ""), 403},
		{"volunteer posts", w.volunteer, "POST", "/v1/needs", needBody(zhongyuanCommunity, ""), 403},
		{"civil affairs posts", w.zhongyuan, "POST", "/v1/needs", needBody(zhongyuanCommunity, ""), 403},
		{"org posts for another org", w.adminA, "POST", "/v1/needs", needBody(zhongyuanCommunity, `,"organisationId":"`+w.orgB+`"`), 403},
		{"other committee edits", eq, "PUT", "/v1/needs/" + id, strings.Replace(needBody(zhongyuanCommunity, ""), "助老上门探访", "被改掉的标题", 1), 403},
		{"volunteer edits", w.volunteer, "PUT", "/v1/needs/" + id, strings.Replace(needBody(zhongyuanCommunity, ""), "助老上门探访", "被改掉的标题", 1), 403},
		{"other committee cancels", eq, "POST", "/v1/needs/" + id + "/transitions", `{"to":"cancelled"}`, 403},
		{"org admin cancels", w.adminA, "POST", "/v1/needs/" + id + "/transitions", `{"to":"cancelled"}`, 403},
		{"other county's civil affairs cancels", w.erqi, "POST", "/v1/needs/" + id + "/transitions", `{"to":"cancelled"}`, 403},
		{"volunteer confirms the plan", w.volunteer, "POST", "/v1/needs/" + id + "/plan/confirm", ``, 403},
		{"other committee adds a volunteer", eq, "POST", "/v1/needs/" + id + "/plan/volunteers", `{"volunteerId":"` + w.volunteerID + `"}`, 403},
		{"volunteer reads a plan they are not in", w.volunteer, "GET", "/v1/needs/" + id + "/plan", ``, 404},
		{"other committee reads the plan", eq, "GET", "/v1/needs/" + id + "/plan", ``, 404},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.h.do(c.method, c.path, c.body, bearerHeader(c.token)...)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Raw)
			}
		})
	}
	after := w.h.do("GET", "/v1/needs/"+id, "")
	if after.str("title") != "助老上门探访" || after.str("status") != "open" {
		t.Fatalf("a refused attempt changed the need: %s", after.Raw)
	}
	// The committee edits; the county's civil affairs may cancel.
	if r := w.h.do("PUT", "/v1/needs/"+id, strings.Replace(needBody(zhongyuanCommunity, ""), "助老上门探访", "助老上门探访（周末）", 1), bearerHeader(zy)...); r.Status != 200 || r.str("title") != "助老上门探访（周末）" {
		t.Fatalf("committee edit: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/needs/"+id+"/transitions", `{"to":"cancelled","note":"天气原因"}`, bearerHeader(w.zhongyuan)...); r.Status != 200 || r.str("status") != "cancelled" {
		t.Fatalf("civil affairs cancel: %d %s", r.Status, r.Raw)
	}
	h := w.h.do("GET", "/v1/needs/"+id+"/history", "")
	items := h.Body["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["to"] != "cancelled" || items[0].(map[string]any)["by"] == "" {
		t.Fatalf("history: %s", h.Raw)
	}
}

func TestNeedDraftsAndLifecycle(t *testing.T) {
	w := newWorld(t)
	zy, eq := w.committees(t)
	// An organisation drafts a need for the community; only the committee publishes it.
	r := w.h.do("POST", "/v1/needs", needBody(zhongyuanCommunity, `,"organisationId":"`+w.orgA+`"`), bearerHeader(w.adminA)...)
	if r.Status != 201 || r.str("status") != "draft" {
		t.Fatalf("org draft: %d %s", r.Status, r.Raw)
	}
	id := r.str("id")
	if r := w.h.do("GET", "/v1/needs/"+id, ""); r.Status != 404 {
		t.Errorf("the public sees a draft: %d", r.Status)
	}
	if r := w.h.do("GET", "/v1/needs/"+id, "", bearerHeader(eq)...); r.Status != 404 {
		t.Errorf("another committee sees a draft: %d", r.Status)
	}
	if r := w.h.do("GET", "/v1/needs?community="+zhongyuanCommunity, ""); strings.Contains(r.Raw, id) {
		t.Errorf("the public list shows a draft")
	}
	if r := w.h.do("GET", "/v1/needs?community="+zhongyuanCommunity, "", bearerHeader(zy)...); !strings.Contains(r.Raw, id) {
		t.Errorf("the committee's list lacks its draft: %s", r.Raw)
	}
	if r := w.h.do("POST", "/v1/needs/"+id+"/transitions", `{"to":"open"}`, bearerHeader(w.adminA)...); r.Status != 403 {
		t.Errorf("the organisation published its own draft: %d", r.Status)
	}
	steps := []struct {
		to     string
		status int
	}{
		{"completed", 422}, {"staffed", 422}, {"expired", 422}, {"open", 200}, {"draft", 422}, {"in_progress", 200},
		{"open", 422}, {"completed", 200}, {"evaluated", 200}, {"cancelled", 422},
	}
	for i, s := range steps {
		r := w.h.do("POST", "/v1/needs/"+id+"/transitions", `{"to":"`+s.to+`"}`, bearerHeader(zy)...)
		if r.Status != s.status {
			t.Fatalf("step %d → %s: %d, want %d: %s", i, s.to, r.Status, s.status, r.Raw)
		}
		if s.status == 422 && !strings.Contains(strings.Join(r.locations(), ","), "body.to") {
			t.Errorf("step %d: errors name %v", i, r.locations())
		}
	}
	h := w.h.do("GET", "/v1/needs/"+id+"/history", "")
	if n := len(h.Body["items"].([]any)); n != 4 {
		t.Fatalf("history has %d entries, want 4: %s", n, h.Raw)
	}
	if r := w.h.do("PUT", "/v1/needs/"+id, needBody(zhongyuanCommunity, ""), bearerHeader(zy)...); r.Status != 409 {
		t.Errorf("edit after completion: %d", r.Status)
	}
}

func TestRecurringNeedExpandsIntoOccurrences(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	from := time.Now().AddDate(0, 0, 7).Format("2006-01-02")
	until := time.Now().AddDate(0, 0, 34).Format("2006-01-02")
	body := strings.Replace(needBody(zhongyuanCommunity, ""), `"window":{"start":"`+slot(3, 9)+`","end":"`+slot(3, 11)+`"}`,
		`"schedule":{"weekdays":["tue","thu"],"start":"14:00","end":"16:30","from":"`+from+`","until":"`+until+`"}`, 1)
	r := w.h.do("POST", "/v1/needs", body, bearerHeader(zy)...)
	if r.Status != 201 {
		t.Fatalf("post: %d %s", r.Status, r.Raw)
	}
	if days, _ := json.Marshal(r.Body["schedule"].(map[string]any)["weekdays"]); string(days) != `["tue","thu"]` {
		t.Errorf("schedule weekdays answered as %s", days)
	}
	occ := r.Body["occurrences"].([]any)
	if len(occ) != 8 {
		t.Fatalf("%d occurrences over four weeks of Tuesdays and Thursdays, want 8", len(occ))
	}
	first := occ[0].(map[string]any)
	start, _ := time.Parse(time.RFC3339, first["start"].(string))
	end, _ := time.Parse(time.RFC3339, first["end"].(string))
	sh := time.FixedZone("CST", 8*3600)
	if start.In(sh).Hour() != 14 || end.Sub(start) != 150*time.Minute || (start.In(sh).Weekday() != time.Tuesday && start.In(sh).Weekday() != time.Thursday) {
		t.Errorf("first occurrence %v–%v", start.In(sh), end.In(sh))
	}
}

func TestNeedsNearAndCounts(t *testing.T) {
	w := newWorld(t)
	zy, eq := w.committees(t)
	// Two needs in 中原区 (one far west), one in 二七区.
	near := w.h.do("POST", "/v1/needs", needBody(zhongyuanCommunity, ""), bearerHeader(zy)...)
	far := w.h.do("POST", "/v1/needs", strings.Replace(needBody(zhongyuanCommunity, `,"radiusKm":3`), `{"lat":34.7535,"lng":113.6133}`, `{"lat":34.7540,"lng":113.5300}`, 1), bearerHeader(zy)...)
	other := w.h.do("POST", "/v1/needs", strings.Replace(needBody(erqiCommunity, ""), `{"lat":34.7535,"lng":113.6133}`, `{"lat":34.7270,"lng":113.6400}`, 1), bearerHeader(eq)...)
	for _, r := range []response{near, far, other} {
		if r.Status != 201 {
			t.Fatalf("post: %d %s", r.Status, r.Raw)
		}
	}
	r := w.h.do("GET", "/v1/needs/near?lat=34.7560&lng=113.6150&radiusKm=10", "", bearerHeader(w.volunteer)...)
	items := r.Body["items"].([]any)
	// The far need is 7.9 km away, beyond its own 3 km radius: not listed.
	if len(items) != 2 || items[0].(map[string]any)["id"] != near.str("id") || items[1].(map[string]any)["id"] != other.str("id") {
		t.Fatalf("near: %s", r.Raw)
	}
	d0, d1 := items[0].(map[string]any)["distanceKm"].(float64), items[1].(map[string]any)["distanceKm"].(float64)
	if d0 > d1 || d0 < 0.2 || d0 > 0.5 {
		t.Errorf("distances %v, %v", d0, d1)
	}
	if r := w.h.do("GET", "/v1/needs/near", "", bearerHeader(w.volunteer)...); r.Status != 422 {
		t.Errorf("near without a point or a home: %d", r.Status)
	}
	if r := w.h.do("GET", "/v1/needs/near?lat=39.9&lng=116.4", "", bearerHeader(w.volunteer)...); r.Status != 422 {
		t.Errorf("near Beijing: %d", r.Status)
	}
	c := w.h.do("GET", "/v1/needs/counts", "")
	got := map[string]float64{}
	for _, it := range c.Body["items"].([]any) {
		m := it.(map[string]any)
		got[m["code"].(string)] = m["total"].(float64)
	}
	if got["410102"] != 2 || got["410103"] != 1 || len(got) != 15 {
		t.Fatalf("counts: %s", c.Raw)
	}
	c = w.h.do("GET", "/v1/needs/counts?division=410102", "")
	if !strings.Contains(c.Raw, `"code":"410102001","name":"林山寨街道","total":2`) {
		t.Errorf("town counts: %s", c.Raw)
	}
	l := w.h.do("GET", "/v1/needs?division=410102&domain=social_welfare&status=open&limit=1", "")
	if len(l.Body["items"].([]any)) != 1 || l.str("nextCursor") == "" {
		t.Fatalf("list page 1: %s", l.Raw)
	}
	l2 := w.h.do("GET", "/v1/needs?division=410102&domain=social_welfare&status=open&limit=1&cursor="+l.str("nextCursor"), "")
	if len(l2.Body["items"].([]any)) != 1 || l2.str("nextCursor") != "" {
		t.Fatalf("list page 2: %s", l2.Raw)
	}
	if r := w.h.do("GET", "/v1/needs?status=flying", ""); r.Status != 422 {
		t.Errorf("bad status filter: %d", r.Status)
	}
}

// TestStatusRollsForwardAfterACrashedWriter: a writer recorded a step and
// died before updating the need; the next change rolls the need forward
// to the recorded state instead of sticking forever.
func TestStatusRollsForwardAfterACrashedWriter(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	id := w.postNeed(t, zy, "")
	crashed := &models.Transition{Object: "need:" + id, Seq: 1, From: "open", To: "cancelled", By: "crashed-writer", At: time.Now()}
	if err := w.h.db.Records().RecordTransition(context.Background(), crashed); err != nil {
		t.Fatal(err)
	}
	if r := w.h.do("POST", "/v1/needs/"+id+"/transitions", `{"to":"in_progress"}`, bearerHeader(zy)...); r.Status != 409 {
		t.Fatalf("change over a recorded step: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/needs/"+id, ""); r.str("status") != "cancelled" {
		t.Fatalf("need not rolled forward: %s", r.Raw)
	}
}
