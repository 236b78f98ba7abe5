package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/storefault"
)

// The posts registry (issue 18): units registered by civil affairs, posts
// managed by civil affairs or the unit's organisation's admins, filled by
// the employer's offer and the worker's acceptance.

func unitBody(kind, extra string) string {
	return `{"kind":"` + kind + `","name":"郑州市测试用人单位","divisionCode":"410102"` + extra + `}`
}

func postBody(level string, grade int, domain string, pay int64, extra string) string {
	return fmt.Sprintf(`{"title":"社会工作专业岗位","duties":"个案服务、小组活动与资源链接","level":%q,"grade":%d,"domain":%q,"monthlyPayFen":%d%s}`,
		level, grade, domain, pay, extra)
}

// unit registers a unit as civil affairs tok and returns its id.
func (w *world) unit(t *testing.T, tok, body string) string {
	t.Helper()
	r := w.h.do("POST", "/v1/employing-units", body, bearerHeader(tok)...)
	if r.Status != 201 {
		t.Fatalf("unit: %d %s", r.Status, r.Raw)
	}
	return r.str("id")
}

func (w *world) post(t *testing.T, tok, unit, body string) string {
	t.Helper()
	r := w.h.do("POST", "/v1/employing-units/"+unit+"/posts", body, bearerHeader(tok)...)
	if r.Status != 201 {
		t.Fatalf("post: %d %s", r.Status, r.Raw)
	}
	return r.str("id")
}

// fill offers post to the worker as tok and has the worker accept.
func (w *world) fill(t *testing.T, tok, post, workerID, workerTok string) {
	t.Helper()
	if r := w.h.do("POST", "/v1/posts/"+post+"/offer", `{"socialWorkerId":"`+workerID+`"}`, bearerHeader(tok)...); r.Status != 200 {
		t.Fatalf("offer: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/posts/"+post+"/acceptance", "", bearerHeader(workerTok)...); r.Status != 200 || r.str("status") != "filled" {
		t.Fatalf("accept: %d %s", r.Status, r.Raw)
	}
}

func TestPostsUnitsAndPosts(t *testing.T) {
	w := newWorld(t)
	for _, c := range []struct {
		name, tok, body string
		status          int
		location        string
	}{
		{"institution without its kind", w.zhongyuan, unitBody("service_institution", ""), 422, "body.subKind"},
		{"hospital without grade", w.zhongyuan, unitBody("hospital", ""), 422, "body.hospitalGrade"},
		{"unknown kind", w.zhongyuan, unitBody("bank", ""), 422, "body.kind"},
		{"community-level division", w.zhongyuan, strings.Replace(unitBody("school", ""), `"410102"`, `"410102001002"`, 1), 422, "body.divisionCode"},
		{"unknown organisation", w.zhongyuan, unitBody("school", `,"organisationId":"nope"`), 422, "body.organisationId"},
		{"another county's organisation", w.zhongyuan, unitBody("school", `,"organisationId":"`+w.orgB+`"`), 422, "body.organisationId"},
		{"another county's civil affairs", w.erqi, unitBody("school", ""), 403, ""},
		{"an org admin", w.adminA, unitBody("school", ""), 403, ""},
		{"a volunteer", w.volunteer, unitBody("school", ""), 403, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := w.h.do("POST", "/v1/employing-units", c.body, bearerHeader(c.tok)...)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Raw)
			}
			if c.location != "" && !strings.Contains(strings.Join(r.locations(), ","), c.location) {
				t.Errorf("errors name %v, want %s", r.locations(), c.location)
			}
		})
	}
	hospital := w.unit(t, w.zhongyuan, unitBody("hospital", `,"hospitalGrade":"grade_2","organisationId":"`+w.orgA+`"`))
	r := w.h.do("GET", "/v1/employing-units/"+hospital, "", bearerHeader(w.volunteer)...)
	if r.Status != 200 || r.Body["requiresDepartment"] != true || r.Body["hasDepartment"] != false {
		t.Fatalf("grade II hospital: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("PUT", "/v1/employing-units/"+hospital, unitBody("hospital", `,"hospitalGrade":"grade_2","hasDepartment":true`), bearerHeader(w.erqi)...); r.Status != 403 {
		t.Fatalf("another county edits the unit: %d %s", r.Status, r.Raw)
	}
	// Posts: civil affairs of the division or the linked organisation's admins.
	for _, c := range []struct {
		name, tok, body string
		status          int
		location        string
	}{
		{"grade outside the level's band", w.adminA, postBody("social_worker", 12, "health", 600000, ""), 422, "body.grade"},
		{"unknown domain", w.adminA, postBody("social_worker", 9, "space", 600000, ""), 422, "body.domain"},
		{"another organisation's admin", w.adminB, postBody("social_worker", 9, "health", 600000, ""), 403, ""},
		{"another county's civil affairs", w.erqi, postBody("social_worker", 9, "health", 600000, ""), 403, ""},
		{"a volunteer", w.volunteer, postBody("social_worker", 9, "health", 600000, ""), 403, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := w.h.do("POST", "/v1/employing-units/"+hospital+"/posts", c.body, bearerHeader(c.tok)...)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Raw)
			}
			if c.location != "" && !strings.Contains(strings.Join(r.locations(), ","), c.location) {
				t.Errorf("errors name %v, want %s", r.locations(), c.location)
			}
		})
	}
	// Pay against the guide: 5,000 yuan for a 社会工作师, +20% in a high-risk domain.
	if r := w.h.do("POST", "/v1/divisions/410102/price-tables", priceTable(dateOf(time.Now().AddDate(0, -1, 0)), 400000, 500000, 700000, 300000), bearerHeader(w.zhongyuan)...); r.Status != 201 {
		t.Fatalf("price table: %d %s", r.Status, r.Raw)
	}
	low := w.post(t, w.adminA, hospital, postBody("social_worker", 9, "health", 550000, `,"socialInsurance":true`))
	r = w.h.do("GET", "/v1/posts/"+low, "", bearerHeader(w.volunteer)...)
	pay, _ := r.Body["pay"].(map[string]any)
	if r.Status != 200 || r.str("status") != "vacant" || pay["guideFen"] != float64(500000) || pay["requiredFen"] != float64(600000) ||
		pay["premiumPct"] != float64(20) || pay["meetsGuide"] != false || pay["benefits"] != false || r.Body["highRisk"] != true {
		t.Fatalf("a high-risk post paid below the premium guide: %d %s", r.Status, r.Raw)
	}
	ok := w.post(t, w.zhongyuan, hospital, postBody("social_worker", 9, "community_governance", 500000, `,"socialInsurance":true,"housingFund":true`))
	r = w.h.do("GET", "/v1/posts/"+ok, "", bearerHeader(w.volunteer)...)
	if pay, _ := r.Body["pay"].(map[string]any); pay["meetsGuide"] != true || pay["benefits"] != true {
		t.Fatalf("an ordinary post at the guide: %s", r.Raw)
	}
	if r := w.h.do("GET", "/v1/posts?division=410102&unitId="+hospital, "", bearerHeader(w.volunteer)...); r.Status != 200 || len(r.items()) != 2 {
		t.Fatalf("list posts: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/posts?division=410103", "", bearerHeader(w.volunteer)...); r.Status != 200 || len(r.items()) != 0 {
		t.Fatalf("二七's posts: %d %s", r.Status, r.Raw)
	}
	// The unit gets its department; a school of 中原 moves to a township: its post follows.
	if r := w.h.do("PUT", "/v1/employing-units/"+hospital, unitBody("hospital", `,"hospitalGrade":"grade_2","hasDepartment":true,"organisationId":"`+w.orgA+`"`), bearerHeader(w.zhongyuan)...); r.Status != 200 || r.Body["hasDepartment"] != true {
		t.Fatalf("edit the unit: %d %s", r.Status, r.Raw)
	}
	school := w.unit(t, w.zhongyuan, unitBody("school", `,"clients":900`))
	sp := w.post(t, w.zhongyuan, school, postBody("assistant_social_worker", 13, "education_tutoring", 400000, ""))
	if r := w.h.do("PUT", "/v1/employing-units/"+school, strings.Replace(unitBody("school", `,"clients":900`), `"410102"`, `"`+linshanzhai+`"`, 1), bearerHeader(w.zhongyuan)...); r.Status != 200 {
		t.Fatalf("move the school: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/posts/"+sp, "", bearerHeader(w.volunteer)...); r.str("divisionCode") != linshanzhai {
		t.Fatalf("the post did not follow its unit: %s", r.Raw)
	}
}

func TestPostsFilling(t *testing.T) {
	w := newWorld(t)
	unit := w.unit(t, w.zhongyuan, unitBody("community_platform", `,"subKind":"community_service_station","organisationId":"`+w.orgA+`"`))
	post := w.post(t, w.zhongyuan, unit, postBody("social_worker", 10, "community_governance", 500000, ""))
	mid, midTok := w.certifiedWorker(t, w.zhongyuan, w.orgA, "13600000001", "social_worker", false, true)
	asst, asstTok := w.certifiedWorker(t, w.zhongyuan, w.orgA, "13600000002", "assistant_social_worker", false, true)
	pending, _ := w.certifiedWorker(t, w.zhongyuan, w.orgA, "13600000003", "senior_social_worker", false, false)

	offer := func(tok, worker string) response {
		return w.h.do("POST", "/v1/posts/"+post+"/offer", `{"socialWorkerId":"`+worker+`"}`, bearerHeader(tok)...)
	}
	// A worker cannot make themselves a holder, nor accept what was not offered.
	if r := offer(midTok, mid); r.Status != 403 {
		t.Fatalf("a worker offers a post to themselves: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/posts/"+post+"/acceptance", "", bearerHeader(midTok)...); r.Status != 403 {
		t.Fatalf("a worker accepts a post never offered: %d %s", r.Status, r.Raw)
	}
	// A lower certificate, or one not verified, fills no post.
	if r := offer(w.adminA, asst); r.Status != 422 || !strings.Contains(strings.Join(r.locations(), ","), "body.socialWorkerId") {
		t.Fatalf("an assistant offered a 社会工作师 post: %d %s", r.Status, r.Raw)
	}
	if r := offer(w.adminA, pending); r.Status != 422 {
		t.Fatalf("an unverified certificate offered a post: %d %s", r.Status, r.Raw)
	}
	if r := offer(w.erqi, mid); r.Status != 403 {
		t.Fatalf("another county's civil affairs offers: %d %s", r.Status, r.Raw)
	}
	if r := offer(w.adminA, mid); r.Status != 200 || r.str("status") != "offered" {
		t.Fatalf("offer: %d %s", r.Status, r.Raw)
	}
	if r := offer(w.zhongyuan, asst); r.Status != 409 || r.str("code") != "post-taken" {
		t.Fatalf("a second offer: %d %s", r.Status, r.Raw)
	}
	if r := offer(w.adminA, mid); r.Status != 200 || r.str("status") != "offered" {
		t.Fatalf("the offer again (a retry answers the same): %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/posts/"+post+"/acceptance", "", bearerHeader(asstTok)...); r.Status != 403 {
		t.Fatalf("someone else accepts the offer: %d %s", r.Status, r.Raw)
	}
	for i := 0; i < 2; i++ { // accepting again answers the same
		r := w.h.do("POST", "/v1/posts/"+post+"/acceptance", "", bearerHeader(midTok)...)
		if r.Status != 200 || r.str("status") != "filled" || r.Body["allowanceEligible"] != true {
			t.Fatalf("accept %d: %d %s", i, r.Status, r.Raw)
		}
	}
	if r := w.h.do("GET", "/v1/me/posts", "", bearerHeader(midTok)...); r.Status != 200 || len(r.items()) != 1 || r.items()[0]["allowanceEligible"] != true {
		t.Fatalf("my posts: %d %s", r.Status, r.Raw)
	}
	// One person holds one post at a time.
	other := w.post(t, w.zhongyuan, unit, postBody("assistant_social_worker", 12, "community_governance", 400000, ""))
	if r := w.h.do("POST", "/v1/posts/"+other+"/offer", `{"socialWorkerId":"`+mid+`"}`, bearerHeader(w.zhongyuan)...); r.Status != 409 || r.str("code") != "holds-another-post" {
		t.Fatalf("a second post for the same person: %d %s", r.Status, r.Raw)
	}
	// Vacating: not by another county, nor without a reason; kept in the history.
	if r := w.h.do("POST", "/v1/posts/"+post+"/vacancy", `{"reason":"合同期满"}`, bearerHeader(w.erqi)...); r.Status != 403 {
		t.Fatalf("another county vacates: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/posts/"+post+"/vacancy", `{"reason":"合同期满"}`, bearerHeader(w.adminA)...); r.Status != 200 || r.str("status") != "vacant" {
		t.Fatalf("vacate: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/posts/"+post+"/vacancy", `{"reason":"合同期满"}`, bearerHeader(w.adminA)...); r.Status != 409 {
		t.Fatalf("vacate a vacant post: %d %s", r.Status, r.Raw)
	}
	w.fill(t, w.zhongyuan, other, mid, midTok) // free again: the second post
	if r := w.h.do("GET", "/v1/posts/"+post+"/history", "", bearerHeader(midTok)...); r.Status != 403 {
		t.Fatalf("a worker reads the history: %d %s", r.Status, r.Raw)
	}
	r := w.h.do("GET", "/v1/posts/"+post+"/history", "", bearerHeader(w.zhongyuan)...)
	if r.Status != 200 || len(r.items()) != 1 || r.items()[0]["state"] != "ended" || r.items()[0]["endReason"] != "合同期满" {
		t.Fatalf("history: %d %s", r.Status, r.Raw)
	}
	// The holder may leave; a changed level the holder does not meet is refused.
	if r := w.h.do("PUT", "/v1/posts/"+other, postBody("senior_social_worker", 6, "community_governance", 800000, ""), bearerHeader(w.zhongyuan)...); r.Status != 422 || !strings.Contains(strings.Join(r.locations(), ","), "body.level") {
		t.Fatalf("raise the level over the holder: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/posts/"+other+"/vacancy", `{"reason":"本人辞职"}`, bearerHeader(midTok)...); r.Status != 200 {
		t.Fatalf("the holder leaves: %d %s", r.Status, r.Raw)
	}
}

// TestPostsConcurrentFill: a hundred and twenty employers' offers of one
// post to different verified workers give one holding; as many offers of
// different posts to one worker give one too.
func TestPostsConcurrentFill(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	unit := w.unit(t, w.zhongyuan, unitBody("school", `,"clients":1500`))
	post := w.post(t, w.zhongyuan, unit, postBody("assistant_social_worker", 13, "education_tutoring", 400000, ""))
	const n = 120
	now := time.Now().UTC()
	workers := make([]string, n)
	for i := range workers {
		workers[i] = fmt.Sprintf("race-worker-%03d", i)
		sw := &models.SocialWorker{AccountID: workers[i], Certificate: &models.SocialWorkerCertificate{Level: models.CertAssistant,
			Number: "SW-" + workers[i], IssuedOn: "2021-06-01", Verification: "verified", VerifiedAt: &now}, CreatedAt: now, UpdatedAt: now}
		if err := w.h.db.SocialWorkers().SaveSocialWorker(ctx, sw); err != nil {
			t.Fatal(err)
		}
	}
	race := func(offers func(i int) (string, string)) map[int]int {
		var mu sync.Mutex
		statuses := map[int]int{}
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				p, worker := offers(i)
				r := w.h.do("POST", "/v1/posts/"+p+"/offer", `{"socialWorkerId":"`+worker+`"}`, bearerHeader(w.zhongyuan)...)
				mu.Lock()
				statuses[r.Status]++
				mu.Unlock()
			}(i)
		}
		wg.Wait()
		return statuses
	}
	if st := race(func(i int) (string, string) { return post, workers[i] }); st[200] != 1 || st[409] != n-1 {
		hs, _ := w.h.db.Posts().Holdings(ctx, []string{post})
		for _, h := range hs[post] {
			t.Logf("holding %+v", h)
		}
		t.Fatalf("one post, %d workers: statuses %v, want one 200 and %d 409", n, st, n-1)
	}
	r := w.h.do("GET", "/v1/posts/"+post+"/history", "", bearerHeader(w.zhongyuan)...)
	if len(r.items()) != 1 {
		t.Fatalf("%d holdings of one post: %s", len(r.items()), r.Raw)
	}
	holder := r.items()[0]["accountId"].(string)
	// One free worker, n vacant posts stored directly.
	free := workers[0]
	if free == holder {
		free = workers[1]
	}
	postIDs := make([]string, n)
	for i := range postIDs {
		p := &models.Post{ID: fmt.Sprintf("race-post-%03d", i), UnitID: unit, UnitKind: models.UnitSchool, DivisionCode: "410102",
			Title: "学校社工", Duties: "学生个案与小组服务", Level: models.CertAssistant, Grade: 13, Domain: "education_tutoring", CreatedAt: now, UpdatedAt: now}
		if err := w.h.db.Posts().CreatePost(ctx, p); err != nil {
			t.Fatal(err)
		}
		postIDs[i] = p.ID
	}
	if st := race(func(i int) (string, string) { return postIDs[i], free }); st[200] != 1 || st[409] != n-1 {
		t.Fatalf("one worker, %d posts: statuses %v", n, st)
	}
	held, err := w.h.db.Posts().HoldingsOf(ctx, free)
	if err != nil || len(held) != 1 {
		t.Fatalf("%d holdings of one worker (%v)", len(held), err)
	}
}

// TestPostsDashboard: the "2,500 professional posts" figure is the number
// of filled, confirmed posts by the unit's division, counted here
// independently as they are seeded; a post title typed into a profile, an
// offer not yet accepted and a vacated post count nothing.
func TestPostsDashboard(t *testing.T) {
	w := newWorld(t)
	want := map[string]int{"410102": 0, "410103": 0}
	selfTyped, selfTok := w.certifiedWorker(t, w.zhongyuan, w.orgA, "13600000010", "social_worker", true, true) // a post title on the profile
	_ = selfTok
	hospital := w.unit(t, w.zhongyuan, unitBody("hospital", `,"hospitalGrade":"grade_2"`)) // grade II, no department: listed
	school := w.unit(t, w.erqi, strings.Replace(unitBody("school", `,"clients":800`), `"410102"`, `"410103001"`, 1))
	station := w.unit(t, w.zhongyuan, unitBody("community_platform", `,"subKind":"community_service_station"`))

	p1 := w.post(t, w.zhongyuan, hospital, postBody("social_worker", 9, "health", 600000, ""))
	w.post(t, w.zhongyuan, hospital, postBody("social_worker", 9, "health", 600000, "")) // vacant
	a, aTok := w.certifiedWorker(t, w.zhongyuan, w.orgA, "13600000011", "senior_social_worker", false, true)
	w.fill(t, w.zhongyuan, p1, a, aTok)
	want["410102"]++
	p3 := w.post(t, w.zhongyuan, station, postBody("assistant_social_worker", 11, "community_governance", 400000, ""))
	b, bTok := w.certifiedWorker(t, w.zhongyuan, w.orgA, "13600000012", "assistant_social_worker", false, true)
	w.fill(t, w.zhongyuan, p3, b, bTok) // a certified community worker: the allowance
	want["410102"]++
	schoolPost := w.post(t, w.erqi, school, postBody("assistant_social_worker", 12, "education_tutoring", 400000, ""))
	c, _ := w.certifiedWorker(t, w.erqi, w.orgB, "13600000013", "social_worker", false, true)
	if r := w.h.do("POST", "/v1/posts/"+schoolPost+"/offer", `{"socialWorkerId":"`+c+`"}`, bearerHeader(w.erqi)...); r.Status != 200 {
		t.Fatalf("offer: %d %s", r.Status, r.Raw) // offered, never accepted: the school has no filled post
	}
	vacated := w.post(t, w.zhongyuan, station, postBody("social_worker", 8, "community_governance", 500000, ""))
	if r := w.h.do("POST", "/v1/posts/"+vacated+"/offer", `{"socialWorkerId":"`+selfTyped+`"}`, bearerHeader(w.zhongyuan)...); r.Status != 200 {
		t.Fatalf("offer: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/posts/"+vacated+"/acceptance", "", bearerHeader(selfTok)...); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/posts/"+vacated+"/vacancy", `{"reason":"调离"}`, bearerHeader(w.zhongyuan)...); r.Status != 200 {
		t.Fatalf("vacate: %d %s", r.Status, r.Raw)
	}

	r := w.h.do("POST", "/v1/dashboard/snapshot?division=4101", "", bearerHeader(w.city)...)
	if r.Status != 200 {
		t.Fatalf("dashboard: %d %s", r.Status, r.Raw)
	}
	var d dashboardBody
	decodeRaw(t, r, &d)
	rows := map[string]DashboardRowFigures{}
	for _, row := range d.Rows {
		rows[row.Code] = row.Figures
	}
	for code, n := range want {
		if got := rows[code].ProfessionalPosts; got != n {
			t.Errorf("%s: professionalPosts %d, want %d filled confirmed posts", code, got, n)
		}
	}
	if got := d.Total.Figures.ProfessionalPosts; got != want["410102"]+want["410103"] {
		t.Errorf("city: professionalPosts %d, want %d", got, want["410102"]+want["410103"])
	}
	if f := rows["410102"]; f.Posts != 4 || f.AllowanceEligible != 1 {
		t.Errorf("中原: %d posts, %d allowance; want 4 and 1", f.Posts, f.AllowanceEligible)
	}
	short := map[string]string{}
	for _, u := range d.UnitShortfalls {
		short[u.UnitID] = strings.Join(u.Shortfalls, ",")
	}
	if short[hospital] != "no_department" || short[school] != "no_filled_post" || len(short) != 2 {
		t.Errorf("unit shortfalls %v, want the hospital (no department) and the school (no filled post)", short)
	}
	byKind := map[string][2]int{}
	for _, k := range d.PostsByUnitKind {
		byKind[k.Key] = [2]int{k.Posts, k.Filled}
	}
	if byKind["hospital"] != [2]int{2, 1} || byKind["community_platform"] != [2]int{2, 1} || byKind["school"] != [2]int{1, 0} {
		t.Errorf("posts by unit kind %v", byKind)
	}
	csv := dashCSV(t, w.h.do("GET", "/v1/dashboard.csv?division=4101", "", bearerHeader(w.city)...))
	col := map[string]int{}
	for i, name := range csv[0] {
		col[name] = i
	}
	if total := csv[len(csv)-1]; total[col["专业岗位"]] != "2" || total[col["已登记岗位"]] != "5" || total[col["享受职业津贴的持证社区工作者"]] != "1" {
		t.Errorf("the CSV's total row: %v", total)
	}
	// 二七's civil affairs sees its own district only.
	r = w.h.do("GET", "/v1/dashboard?division=410103", "", bearerHeader(w.erqi)...)
	decodeRaw(t, r, &d)
	if d.Total.Figures.ProfessionalPosts != 0 || len(d.UnitShortfalls) != 1 || d.UnitShortfalls[0].UnitID != school {
		t.Errorf("二七's dashboard: %s", r.Raw)
	}
}

// dashboardBody is the part of the dashboard the posts tests read.
type dashboardBody struct {
	Rows []struct {
		Code    string              `json:"code"`
		Figures DashboardRowFigures `json:"figures"`
	} `json:"rows"`
	Total struct {
		Figures DashboardRowFigures `json:"figures"`
	} `json:"total"`
	PostsByUnitKind []struct {
		Key    string `json:"key"`
		Posts  int    `json:"posts"`
		Filled int    `json:"filled"`
	} `json:"postsByUnitKind"`
	UnitShortfalls []struct {
		UnitID     string   `json:"unitId"`
		Shortfalls []string `json:"shortfalls"`
	} `json:"unitShortfalls"`
}

// DashboardRowFigures are the posts figures of a row.
type DashboardRowFigures struct {
	ProfessionalPosts int `json:"professionalPosts"`
	Posts             int `json:"posts"`
	AllowanceEligible int `json:"allowanceEligible"`
}

func decodeRaw(t *testing.T, r response, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Raw), v); err != nil {
		t.Fatalf("decode %.300s: %v", r.Raw, err)
	}
}

// TestRetriesFillPost: offering a post and accepting it leave one filled
// holding of that worker, whichever store call fails and however often the
// two requests are retried.
func TestRetriesFillPost(t *testing.T) {
	var f *storefault.Faults
	w := newWorld(t, withFaults(&f))
	unit := w.unit(t, w.zhongyuan, unitBody("community_platform", `,"subKind":"women_home"`))
	type state struct{ post, worker, tok string }
	n := 0
	sweep(t, f, retryCase{
		setup: func(t *testing.T) any {
			n++
			id, tok := w.certifiedWorker(t, w.zhongyuan, w.orgA, fmt.Sprintf("135%08d", n), "assistant_social_worker", false, true)
			return &state{post: w.post(t, w.zhongyuan, unit, postBody("assistant_social_worker", 13, "community_governance", 400000, "")), worker: id, tok: tok}
		},
		act: func(t *testing.T, s any) response {
			st := s.(*state)
			if r := w.h.do("POST", "/v1/posts/"+st.post+"/offer", `{"socialWorkerId":"`+st.worker+`"}`, bearerHeader(w.zhongyuan)...); r.Status != 200 {
				return r
			}
			return w.h.do("POST", "/v1/posts/"+st.post+"/acceptance", "", bearerHeader(st.tok)...)
		},
		done: func(r response) bool { return r.Status == 200 && r.str("status") == "filled" },
		check: func(t *testing.T, s any) {
			st := s.(*state)
			hs, err := w.h.db.Posts().Holdings(context.Background(), []string{st.post})
			if err != nil || len(hs[st.post]) != 1 || hs[st.post][0].AccountID != st.worker || hs[st.post][0].State != models.HoldingFilled {
				t.Fatalf("holdings %+v, %v", hs[st.post], err)
			}
		},
	})
}
