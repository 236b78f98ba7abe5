package handlers_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// Issue 18, items 2 and 6: comprehensive evaluations, demonstration
// agencies, incubation bases and commendations.

func evaluationBody(level, evaluatedOn, validUntil string) string {
	b := `{"level":"` + level + `","institution":"郑州市社会组织评估中心","evaluatedOn":"` + evaluatedOn + `"`
	if validUntil != "" {
		b += `,"validUntil":"` + validUntil + `"`
	}
	return b + `}`
}

func incubationBaseBody(county string) string {
	return `{"divisionCode":"` + county + `","name":"社工机构孵化基地` + county + `","address":"建设路 1 号","spaceM2":800,"seedFundsFen":50000000,"operator":"区社会工作协会"}`
}

func commendationBody(recipient, level string) string {
	return `{` + recipient + `,"title":"优秀社会工作服务机构","level":"` + level + `","grantingBody":"民政局","awardedOn":"` + today(0) + `","citation":"服务困境儿童成效突出"}`
}

// yearsAgo is the date n years and d days before today (Asia/Shanghai).
func yearsAgo(n, d int) string {
	sh := time.FixedZone("CST", 8*3600)
	return time.Now().In(sh).AddDate(-n, 0, -d).Format("2006-01-02")
}

// TestDemonstrationNeedsValidEvaluation: an agency of a demonstration
// domain becomes a demonstration organisation only while operating and
// holding a valid evaluation of 3A or above; the refusals are 409 with a
// stable code. Evaluations are kept as a history, latest first.
func TestDemonstrationNeedsValidEvaluation(t *testing.T) {
	w := newWorld(t)
	h := w.h
	demo := func(org, tok string) response {
		return h.do("POST", "/v1/organisations/"+org+"/status", `{"to":"demonstration","note":"评定"}`, bearerHeader(tok)...)
	}
	evaluate := func(org, tok, body string, want int) {
		t.Helper()
		if r := h.do("POST", "/v1/organisations/"+org+"/evaluations", body, bearerHeader(tok)...); r.Status != want {
			t.Fatalf("evaluation %s: %d %s", body, r.Status, r.Raw)
		}
	}
	if r := demo(w.orgB, w.erqi); r.Status != 409 || r.str("code") != "valid-evaluation-required" {
		t.Fatalf("demonstration without an evaluation: %d %s", r.Status, r.Raw)
	}
	evaluate(w.orgB, w.erqi, evaluationBody("grade_5a", yearsAgo(6, 0), ""), 201) // expired a year ago
	if r := demo(w.orgB, w.erqi); r.Status != 409 || r.str("code") != "valid-evaluation-required" || !strings.Contains(r.Raw, "过期") {
		t.Fatalf("demonstration with an expired evaluation: %d %s", r.Status, r.Raw)
	}
	evaluate(w.orgB, w.erqi, evaluationBody("grade_2a", yearsAgo(1, 0), ""), 201)
	if r := demo(w.orgB, w.erqi); r.Status != 409 || r.str("code") != "valid-evaluation-required" {
		t.Fatalf("demonstration with a 2A evaluation: %d %s", r.Status, r.Raw)
	}
	evaluate(w.orgB, w.erqi, evaluationBody("grade_4a", today(-3), ""), 201)
	if r := demo(w.orgB, w.erqi); r.Status != 200 || r.str("status") != "demonstration" {
		t.Fatalf("demonstration with a valid 4A evaluation: %d %s", r.Status, r.Raw)
	}

	// The history: every evaluation, latest first; the current one is the 4A.
	hist := h.do("GET", "/v1/organisations/"+w.orgB+"/evaluations", "")
	items := hist.items()
	if hist.Status != 200 || len(items) != 3 {
		t.Fatalf("history: %d %s", hist.Status, hist.Raw)
	}
	for i, want := range []string{"grade_4a", "grade_2a", "grade_5a"} {
		if items[i]["level"] != want {
			t.Fatalf("history out of order at %d: %s", i, hist.Raw)
		}
	}
	if cur, _ := hist.Body["current"].(map[string]any); cur == nil || cur["level"] != "grade_4a" || items[0]["valid"] != true || items[2]["valid"] != false {
		t.Fatalf("current evaluation: %s", hist.Raw)
	}
	if p := h.do("GET", "/v1/organisations/"+w.orgB, ""); !strings.Contains(p.Raw, `"currentEvaluation":{`) || !strings.Contains(p.Raw, `"level":"grade_4a"`) {
		t.Fatalf("the profile does not show the current evaluation: %s", p.Raw)
	}
	if v := hist.items()[0]["validUntil"].(string); v != yearsAgo(-5, 4) {
		t.Fatalf("default validity: %s, want 5 years less a day from %s", v, today(-3))
	}

	// A suspended agency with a valid evaluation.
	if r := h.do("POST", "/v1/organisations/"+w.orgA+"/evaluations", evaluationBody("grade_5a", today(-1), ""), bearerHeader(w.zhongyuan)...); r.Status != 201 {
		t.Fatalf("evaluation A: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/organisations/"+w.orgA+"/status", `{"to":"suspended","note":"整改"}`, bearerHeader(w.zhongyuan)...); r.Status != 200 {
		t.Fatalf("suspend: %d %s", r.Status, r.Raw)
	}
	if r := demo(w.orgA, w.zhongyuan); r.Status != 409 || r.str("code") != "organisation-not-operating" {
		t.Fatalf("demonstration of a suspended agency: %d %s", r.Status, r.Raw)
	}

	// Bad input names its field.
	for _, c := range []struct{ body, location string }{
		{evaluationBody("6a", today(-1), ""), "body.level"},
		{evaluationBody("grade_3a", today(2), ""), "body.evaluatedOn"},
		{evaluationBody("grade_3a", "2026-02-30", ""), "body.evaluatedOn"},
		{evaluationBody("grade_3a", today(-1), yearsAgo(-6, 0)), "body.validUntil"},
		{evaluationBody("grade_3a", today(-1), today(-2)), "body.validUntil"},
		{`{"level":"grade_3a","institution":"某","evaluatedOn":"` + today(-1) + `"}`, "body.institution"},
		{`{"level":"grade_3a","institution":"评估中心","institutionOrgId":"` + w.orgA + `","evaluatedOn":"` + today(-1) + `"}`, "body.institutionOrgId"},
	} {
		r := h.do("POST", "/v1/organisations/"+w.orgB+"/evaluations", c.body, bearerHeader(w.erqi)...)
		if r.Status != 422 || !strings.Contains(strings.Join(r.locations(), ","), c.location) {
			t.Errorf("%s: %d %s, want 422 at %s", c.body, r.Status, r.Raw, c.location)
		}
	}
	// Only civil affairs of the organisation's division records evaluations.
	for _, tok := range []string{w.zhongyuan, w.adminB, w.adminA, w.volunteer} {
		if r := h.do("POST", "/v1/organisations/"+w.orgB+"/evaluations", evaluationBody("grade_5a", today(-1), ""), bearerHeader(tok)...); r.Status != 403 {
			t.Errorf("evaluation by another: %d %s", r.Status, r.Raw)
		}
	}
	if r := h.do("POST", "/v1/organisations/"+w.orgB+"/evaluations", evaluationBody("grade_5a", today(-1), "")); r.Status != 401 {
		t.Errorf("anonymous evaluation: %d %s", r.Status, r.Raw)
	}
}

// TestIncubationOnce: 120 concurrent requests recording one organisation
// at one base record it once; the county's civil affairs alone manages its
// bases, which are listed per county.
func TestIncubationOnce(t *testing.T) {
	w := newWorld(t)
	h := w.h
	if r := h.do("POST", "/v1/incubation-bases", incubationBaseBody("410102"), bearerHeader(w.erqi)...); r.Status != 403 {
		t.Fatalf("a base of another county: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/incubation-bases", strings.Replace(incubationBaseBody("410102"), `"spaceM2":800`, `"spaceM2":0`, 1), bearerHeader(w.zhongyuan)...); r.Status != 422 || !strings.Contains(r.Raw, "body.spaceM2") {
		t.Fatalf("no space: %d %s", r.Status, r.Raw)
	}
	r := h.do("POST", "/v1/incubation-bases", incubationBaseBody("410102"), bearerHeader(w.zhongyuan)...)
	if r.Status != 201 || r.Body["seedFundsFen"].(float64) != 50000000 {
		t.Fatalf("base: %d %s", r.Status, r.Raw)
	}
	base := r.str("id")
	if r := h.do("POST", "/v1/incubation-bases", incubationBaseBody("410103"), bearerHeader(w.erqi)...); r.Status != 201 {
		t.Fatalf("base B: %d %s", r.Status, r.Raw)
	}
	body := `{"organisationId":"` + w.orgA + `","startedOn":"` + today(-10) + `"}`
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		counts = map[int]int{}
		start  = make(chan struct{})
	)
	for range 120 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r := h.do("POST", "/v1/incubation-bases/"+base+"/incubations", body, bearerHeader(w.zhongyuan)...)
			mu.Lock()
			counts[r.Status]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	if counts[201] != 1 || counts[409] != 119 {
		t.Fatalf("120 concurrent incubations: %v", counts)
	}
	list := h.do("GET", "/v1/incubation-bases/"+base+"/incubations", "")
	if len(list.items()) != 1 || list.items()[0]["organisationId"] != w.orgA {
		t.Fatalf("incubations: %s", list.Raw)
	}
	// Another county's organisation, another county's civil affairs.
	if r := h.do("POST", "/v1/incubation-bases/"+base+"/incubations", `{"organisationId":"`+w.orgB+`","startedOn":"`+today(-1)+`"}`, bearerHeader(w.zhongyuan)...); r.Status != 422 || !strings.Contains(r.Raw, "body.organisationId") {
		t.Fatalf("an organisation of another county: %d %s", r.Status, r.Raw)
	}
	for _, tok := range []string{w.erqi, w.adminA, w.volunteer} {
		if r := h.do("POST", "/v1/incubation-bases/"+base+"/incubations/"+w.orgA+"/end", `{"endedOn":"`+today(0)+`"}`, bearerHeader(tok)...); r.Status != 403 {
			t.Errorf("end by another: %d %s", r.Status, r.Raw)
		}
	}
	if r := h.do("POST", "/v1/incubation-bases/"+base+"/incubations/"+w.orgA+"/end", `{"endedOn":"`+today(0)+`"}`, bearerHeader(w.zhongyuan)...); r.Status != 200 || r.str("endedOn") != today(0) {
		t.Fatalf("graduation: %d %s", r.Status, r.Raw)
	}
	if got := h.do("GET", "/v1/incubation-bases?county=410102", "").items(); len(got) != 1 || got[0]["id"] != base {
		t.Fatalf("bases of 中原区: %v", got)
	}
	if got := h.do("GET", "/v1/incubation-bases", "").items(); len(got) != 2 {
		t.Fatalf("bases of the city: %v", got)
	}
	if r := h.do("GET", "/v1/incubation-bases?county=410102001", ""); r.Status != 422 {
		t.Fatalf("a township as county: %d %s", r.Status, r.Raw)
	}
}

// TestCommendations: awards to organisations and social workers by civil
// affairs covering them, shown on the profiles, counted on the dashboard
// this year, and revoked with a reason (audited), after which they are
// neither shown nor counted.
func TestCommendations(t *testing.T) {
	w := newWorld(t)
	h := w.h
	r := h.do("POST", "/v1/accounts", `{"phone":"13100000091","password":"secret-pass","name":"获奖社工","role":"social_worker","organisationId":"`+w.orgA+`"}`, bearerHeader(w.zhongyuan)...)
	if r.Status != 201 {
		t.Fatalf("social worker: %d %s", r.Status, r.Raw)
	}
	sw := r.str("id")
	swTok, _ := h.login("13100000091", "secret-pass")
	profile := `{"certificate":{"level":"social_worker","number":"SW2022-0091","issuedOn":"2022-06-01"},"domains":["social_welfare"]}`
	if r := h.do("PUT", "/v1/me/social-worker-profile", profile, bearerHeader(swTok)...); r.Status != 200 {
		t.Fatalf("profile: %d %s", r.Status, r.Raw)
	}
	grant := func(tok, recipient, level string) response {
		return h.do("POST", "/v1/commendations", commendationBody(recipient, level), bearerHeader(tok)...)
	}
	toOrg, toWorker := `"organisationId":"`+w.orgA+`"`, `"socialWorkerId":"`+sw+`"`
	// Refused: another county's civil affairs, every other role, nobody.
	for _, tok := range []string{w.erqi, w.adminA, w.adminB, w.volunteer, swTok} {
		for _, rec := range []string{toOrg, toWorker} {
			if r := grant(tok, rec, "county"); r.Status != 403 {
				t.Errorf("award %s by another: %d %s", rec, r.Status, r.Raw)
			}
		}
	}
	if r := grant("", toOrg, "county"); r.Status != 401 {
		t.Errorf("anonymous award: %d %s", r.Status, r.Raw)
	}
	if r := grant(w.zhongyuan, toOrg, "city"); r.Status != 403 {
		t.Errorf("a county grants a city-level award: %d %s", r.Status, r.Raw)
	}
	if r := grant(w.zhongyuan, toOrg+","+toWorker, "county"); r.Status != 422 || !strings.Contains(r.Raw, "body.organisationId") {
		t.Errorf("two recipients: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/commendations", strings.Replace(commendationBody(toOrg, "county"), today(0), today(3), 1), bearerHeader(w.zhongyuan)...); r.Status != 422 || !strings.Contains(r.Raw, "body.awardedOn") {
		t.Errorf("an award in the future: %d %s", r.Status, r.Raw)
	}
	a1 := grant(w.zhongyuan, toOrg, "county")
	a2 := grant(w.city, toOrg, "city")
	a3 := grant(w.zhongyuan, toWorker, "county")
	b1 := grant(w.erqi, `"organisationId":"`+w.orgB+`"`, "county")
	for _, a := range []response{a1, a2, a3, b1} {
		if a.Status != 201 {
			t.Fatalf("award: %d %s", a.Status, a.Raw)
		}
	}
	if a3.str("recipientName") != "获奖社工" {
		t.Errorf("the social worker's name: %s", a3.Raw)
	}
	// Shown on the profiles.
	if p := h.do("GET", "/v1/organisations/"+w.orgA, ""); strings.Count(p.Raw, `"title":"优秀社会工作服务机构"`) != 2 {
		t.Fatalf("organisation profile: %s", p.Raw)
	}
	if l := h.do("GET", "/v1/social-workers/"+sw+"/commendations", "", bearerHeader(w.volunteer)...); len(l.items()) != 1 || l.items()[0]["id"] != a3.str("id") {
		t.Fatalf("social worker's awards: %s", l.Raw)
	}
	ctx := context.Background()
	snap, err := h.svc.TakeDashboardSnapshot(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if snap.City.Commendations != 4 {
		t.Fatalf("awards this year: %d, want 4", snap.City.Commendations)
	}
	for _, d := range snap.Districts {
		want := map[string]int{"410102": 3, "410103": 1}[d.Code]
		if d.Figures.Commendations != want {
			t.Errorf("awards in %s: %d, want %d", d.Code, d.Figures.Commendations, want)
		}
	}

	// Revocation: with a reason, by civil affairs covering the recipient, once, audited.
	revoke := func(tok, id, body string) response {
		return h.do("POST", "/v1/commendations/"+id+"/revocation", body, bearerHeader(tok)...)
	}
	if r := revoke(w.zhongyuan, a1.str("id"), `{"reason":""}`); r.Status != 422 || !strings.Contains(r.Raw, "body.reason") {
		t.Fatalf("revocation without a reason: %d %s", r.Status, r.Raw)
	}
	for _, tok := range []string{w.erqi, w.adminA, w.volunteer} {
		if r := revoke(tok, a1.str("id"), `{"reason":"录入错误"}`); r.Status != 403 {
			t.Errorf("revocation by another: %d %s", r.Status, r.Raw)
		}
	}
	if r := revoke(w.zhongyuan, a1.str("id"), `{"reason":"录入错误，重复登记"}`); r.Status != 200 || r.Body["revoked"] != true {
		t.Fatalf("revocation: %d %s", r.Status, r.Raw)
	}
	if r := revoke(w.zhongyuan, a1.str("id"), `{"reason":"录入错误，重复登记"}`); r.Status != 409 || r.str("code") != "already-decided" {
		t.Fatalf("second revocation: %d %s", r.Status, r.Raw)
	}
	if l := h.do("GET", "/v1/audit?limit=100", "", bearerHeader(w.city)...); !strings.Contains(l.Raw, `"action":"commendation.revoked"`) || !strings.Contains(l.Raw, "重复登记") {
		t.Fatalf("the revocation is not audited: %s", l.Raw)
	}
	if l := h.do("GET", "/v1/organisations/"+w.orgA+"/commendations", ""); len(l.items()) != 1 || l.items()[0]["id"] != a2.str("id") {
		t.Fatalf("after revocation: %s", l.Raw)
	}
	if snap, err = h.svc.TakeDashboardSnapshot(ctx, time.Now()); err != nil || snap.City.Commendations != 3 {
		t.Fatalf("awards after the revocation: %v %v", snap, err)
	}
}

// TestDashboardDemonstrationFigure: the dashboard's demonstration figure,
// taken the next day, equals a count made here from the stored documents
// by the definition (an operating social-work agency with status
// demonstration, a domain of the nine demonstration domains, and a latest
// evaluation of 3A or above valid that day): an agency whose grade lapses
// overnight, one suspended and one downgraded since no longer count.
func TestDashboardDemonstrationFigure(t *testing.T) {
	w := newWorld(t)
	h := w.h
	agency := func(tok string, serial int, division string) string {
		t.Helper()
		r := h.do("POST", "/v1/organisations", orgBody(t, serial, "social_work_agency", division, `,"status":"active"`), bearerHeader(tok)...)
		if r.Status != 201 {
			t.Fatalf("agency: %d %s", r.Status, r.Raw)
		}
		return r.str("id")
	}
	step := func(tok, path, body string, want int) {
		t.Helper()
		if r := h.do("POST", path, body, bearerHeader(tok)...); r.Status != want {
			t.Fatalf("%s %s: %d %s", path, body, r.Status, r.Raw)
		}
	}
	demonstrate := func(tok, id string, evaluation string) {
		t.Helper()
		step(tok, "/v1/organisations/"+id+"/evaluations", evaluation, 201)
		step(tok, "/v1/organisations/"+id+"/status", `{"to":"demonstration","note":"评定"}`, 200)
	}
	d1 := agency(w.zhongyuan, 31, "410102")
	demonstrate(w.zhongyuan, d1, evaluationBody("grade_4a", today(-100), ""))
	d2 := agency(w.zhongyuan, 32, "410102") // its grade holds until today only
	demonstrate(w.zhongyuan, d2, evaluationBody("grade_3a", yearsAgo(1, 0), today(0)))
	d3 := agency(w.erqi, 33, "410103")
	demonstrate(w.erqi, d3, evaluationBody("grade_5a", today(-10), ""))
	step(w.erqi, "/v1/organisations/"+d3+"/status", `{"to":"suspended","note":"整改"}`, 200)
	d4 := agency(w.erqi, 34, "410103") // evaluated, never made a demonstration organisation
	step(w.erqi, "/v1/organisations/"+d4+"/evaluations", evaluationBody("grade_5a", today(-10), ""), 201)
	d5 := agency(w.erqi, 35, "410103")
	demonstrate(w.erqi, d5, evaluationBody("grade_4a", today(-400), ""))
	step(w.erqi, "/v1/organisations/"+d5+"/evaluations", evaluationBody("grade_2a", today(-1), ""), 201) // downgraded
	d6 := agency(w.city, 36, "410103001")
	demonstrate(w.city, d6, evaluationBody("grade_3a", today(-1), ""))

	ctx := context.Background()
	next := time.Now().Add(24 * time.Hour)
	snap, err := h.svc.TakeDashboardSnapshot(ctx, next)
	if err != nil {
		t.Fatal(err)
	}

	// The independent count, from the stored documents.
	day := next.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	nine := map[string]bool{"community_governance": true, "social_assistance": true, "social_welfare": true, "disability_rehabilitation": true,
		"education_tutoring": true, "health": true, "drug_control": true, "community_correction": true, "dispute_mediation": true}
	type eval struct{ on, until, level, at string }
	latest := map[string]eval{}
	cur, err := h.db.Database().Collection("organisation_evaluations").Find(ctx, map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	var evals []struct {
		Org   string    `bson:"organisationId"`
		On    string    `bson:"evaluatedOn"`
		Until string    `bson:"validUntil"`
		Level string    `bson:"level"`
		At    time.Time `bson:"recordedAt"`
	}
	if err := cur.All(ctx, &evals); err != nil {
		t.Fatal(err)
	}
	for _, e := range evals {
		at := e.At.Format(time.RFC3339Nano)
		if l, ok := latest[e.Org]; !ok || e.On > l.on || e.On == l.on && at > l.at {
			latest[e.Org] = eval{e.On, e.Until, e.Level, at}
		}
	}
	cur, err = h.db.Database().Collection("organisations").Find(ctx, map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	var orgs []struct {
		ID       string   `bson:"_id"`
		Kind     string   `bson:"kind"`
		Status   string   `bson:"status"`
		Domains  []string `bson:"domains"`
		Division string   `bson:"divisionCode"`
	}
	if err := cur.All(ctx, &orgs); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	city := 0
	for _, o := range orgs {
		inNine := false
		for _, d := range o.Domains {
			inNine = inNine || nine[d]
		}
		e, ok := latest[o.ID]
		if o.Kind == "social_work_agency" && o.Status == "demonstration" && inNine && ok && e.on <= day && day <= e.until && e.level >= "grade_3a" {
			want[o.Division[:6]]++
			city++
		}
	}
	if city != 2 || want["410102"] != 1 || want["410103"] != 1 {
		t.Fatalf("the independent count: %d %v (d1 and d6 qualify)", city, want)
	}
	if snap.City.DemonstrationOrganisations != city {
		t.Errorf("the dashboard's demonstration figure: %d, counted %d", snap.City.DemonstrationOrganisations, city)
	}
	for _, d := range snap.Districts {
		if d.Figures.DemonstrationOrganisations != want[d.Code] {
			t.Errorf("%s: %d, counted %d", d.Code, d.Figures.DemonstrationOrganisations, want[d.Code])
		}
	}
	// Today d2 still counts.
	if snap, err := h.svc.TakeDashboardSnapshot(ctx, time.Now()); err != nil || snap.City.DemonstrationOrganisations != 3 {
		t.Fatalf("today's figure: %v %v", snap.City.DemonstrationOrganisations, err)
	}
}

// TestRevocationOnce: concurrent revocations of one award revoke it once;
// the others answer 409, and the audit log has one revocation.
func TestRevocationOnce(t *testing.T) {
	w := newWorld(t)
	h := w.h
	a := h.do("POST", "/v1/commendations", commendationBody(`"organisationId":"`+w.orgA+`"`, "county"), bearerHeader(w.zhongyuan)...)
	if a.Status != 201 {
		t.Fatalf("award: %d %s", a.Status, a.Raw)
	}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		counts = map[int]int{}
		start  = make(chan struct{})
	)
	for i := range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			tok := w.zhongyuan
			if i%2 == 1 {
				tok = w.city
			}
			r := h.do("POST", "/v1/commendations/"+a.str("id")+"/revocation", `{"reason":"录入错误"}`, bearerHeader(tok)...)
			mu.Lock()
			counts[r.Status]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	if counts[200] != 1 || counts[409] != 59 {
		t.Fatalf("60 concurrent revocations: %v", counts)
	}
	l := h.do("GET", "/v1/audit?limit=100", "", bearerHeader(w.city)...)
	if n := strings.Count(l.Raw, `"action":"commendation.revoked"`); n != 1 {
		t.Fatalf("%d revocations audited: %s", n, l.Raw)
	}
}
