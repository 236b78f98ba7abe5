package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
)

func trainingBody(hours float64, date string) string {
	return `{"course":"老年社会工作实务","provider":"郑州市社会工作协会","category":"course","hours":` + ftoa(hours) +
		`,"date":"` + date + `","evidenceUrl":"https://example.org/cert/1"}`
}

func (w *world) addTraining(t *testing.T, tok string, hours float64, date string) string {
	t.Helper()
	r := w.h.do("POST", "/v1/me/training", trainingBody(hours, date), bearerHeader(tok)...)
	if r.Status != 201 || r.str("status") != "pending" {
		t.Fatalf("add training: %d %s", r.Status, r.Raw)
	}
	return r.str("id")
}

// orgPerson finds one person's line in an organisation's CE report.
func orgPerson(t *testing.T, r response, id string) map[string]any {
	t.Helper()
	people, _ := r.Body["people"].([]any)
	for _, p := range people {
		if m := p.(map[string]any); m["accountId"] == id {
			return m
		}
	}
	t.Fatalf("%s not in the report: %s", id, r.Raw)
	return nil
}

// TestTrainingAndCECompliance: training is verified once, by the person's
// organisation or the civil affairs governing it; only verified hours
// count toward the 60 hours a year; each report is read in scope only.
func TestTrainingAndCECompliance(t *testing.T) {
	w := newWorld(t)
	swID, sw := w.staffSocialWorker(t, w.adminA, w.orgA, "13500000101")
	_, swB := w.staffSocialWorker(t, w.adminB, w.orgB, "13500000102")
	today := string(models.DateOf(time.Now()))

	t1 := w.addTraining(t, sw, 30, today)
	t2 := w.addTraining(t, sw, 29.5, today)
	pending := w.addTraining(t, sw, 0.5, today)
	volTraining := w.addTraining(t, w.volunteer, 2, today)
	bTraining := w.addTraining(t, swB, 3, today)

	verify := func(id string) string { return "/v1/training/" + id + "/verification" }
	cases := []struct {
		name, token, method, path, body string
		status                          int
	}{
		{"bad hours", sw, "POST", "/v1/me/training", trainingBody(0.25, today), 422},
		{"too many hours", sw, "POST", "/v1/me/training", trainingBody(501, today), 422},
		{"future date", sw, "POST", "/v1/me/training", trainingBody(2, "2999-01-01"), 422},
		{"unknown category", sw, "POST", "/v1/me/training", strings.Replace(trainingBody(2, today), `"course","hours"`, `"party","hours"`, 1), 422},
		{"the person verifies their own training", sw, "POST", verify(t1), `{"verified":true}`, 403},
		{"a volunteer verifies their own training", w.volunteer, "POST", verify(volTraining), `{"verified":true}`, 403},
		{"a volunteer verifies a social worker's training", w.volunteer, "POST", verify(t1), `{"verified":true}`, 403},
		{"another organisation's admin verifies", w.adminB, "POST", verify(t1), `{"verified":true}`, 403},
		{"another county's civil affairs verifies", w.erqi, "POST", verify(t1), `{"verified":true}`, 403},
		{"an org admin verifies a non-staff volunteer", w.adminA, "POST", verify(volTraining), `{"verified":true}`, 403},
		{"an org admin verifies another org's staff", w.adminA, "POST", verify(bTraining), `{"verified":true}`, 403},
		{"an unknown record", w.adminA, "POST", verify("nope"), `{"verified":true}`, 404},
		{"the employer's admin verifies", w.adminA, "POST", verify(t1), `{"verified":true,"note":"核对结业证书"}`, 200},
		{"decided twice", w.zhongyuan, "POST", verify(t1), `{"verified":false}`, 409},
		{"civil affairs governing the employer verifies", w.zhongyuan, "POST", verify(t2), `{"verified":true}`, 200},
		{"the other org's admin verifies its staff", w.adminB, "POST", verify(bTraining), `{"verified":true}`, 200},
		{"a volunteer reads an org's compliance", w.volunteer, "GET", "/v1/organisations/" + w.orgA + "/ce-compliance", "", 403},
		{"a social worker reads the org's compliance", sw, "GET", "/v1/organisations/" + w.orgA + "/ce-compliance", "", 403},
		{"another org's admin reads compliance", w.adminB, "GET", "/v1/organisations/" + w.orgA + "/ce-compliance", "", 403},
		{"another county reads an org's compliance", w.erqi, "GET", "/v1/organisations/" + w.orgA + "/ce-compliance", "", 403},
		{"an unknown organisation", w.zhongyuan, "GET", "/v1/organisations/nope/ce-compliance", "", 404},
		{"a volunteer reads a division's compliance", w.volunteer, "GET", "/v1/ce-compliance", "", 403},
		{"an org admin reads a division's compliance", w.adminA, "GET", "/v1/ce-compliance?division=410102", "", 403},
		{"another county reads a division's compliance", w.erqi, "GET", "/v1/ce-compliance?division=410102", "", 403},
		{"a county reads the city", w.zhongyuan, "GET", "/v1/ce-compliance?division=4101", "", 403},
		{"the org admin reads its compliance", w.adminA, "GET", "/v1/organisations/" + w.orgA + "/ce-compliance", "", 200},
		{"the governing county reads it", w.zhongyuan, "GET", "/v1/organisations/" + w.orgA + "/ce-compliance", "", 200},
		{"the city reads a county", w.city, "GET", "/v1/ce-compliance?division=410102", "", 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if r := w.h.do(c.method, c.path, c.body, bearerHeader(c.token)...); r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Raw)
			}
		})
	}

	list := w.h.do("GET", "/v1/me/training?limit=2", "", bearerHeader(sw)...)
	if items := list.Body["items"].([]any); list.Status != 200 || len(items) != 2 || list.str("nextCursor") == "" {
		t.Fatalf("my training, page 1: %d %s", list.Status, list.Raw)
	}
	list2 := w.h.do("GET", "/v1/me/training?limit=2&cursor="+urlEscape(list.str("nextCursor")), "", bearerHeader(sw)...)
	if items := list2.Body["items"].([]any); len(items) != 1 || list2.str("nextCursor") != "" {
		t.Fatalf("my training, page 2: %s", list2.Raw)
	}

	// 59.5 verified hours (and 0.5 unverified) fall short of the 60.
	year := fmt.Sprint(time.Now().In(models.Shanghai()).Year())
	report := func() map[string]any {
		t.Helper()
		r := w.h.do("GET", "/v1/organisations/"+w.orgA+"/ce-compliance?year="+year, "", bearerHeader(w.adminA)...)
		if r.Status != 200 {
			t.Fatalf("org report: %d %s", r.Status, r.Raw)
		}
		return orgPerson(t, r, swID)
	}
	p := report()
	local := p["report"].(map[string]any)["local"].(map[string]any)
	if p["compliant"] != false || local["hours"] != 59.5 || local["required"] != float64(60) || p["phone"] != "13500000101" {
		t.Fatalf("59.5 h verified: %v", p)
	}
	div := w.h.do("GET", "/v1/ce-compliance?year="+year, "", bearerHeader(w.zhongyuan)...)
	orgs := div.Body["organisations"].([]any)
	if div.Status != 200 || div.str("division") != "410102" || len(orgs) != 1 {
		t.Fatalf("division report: %d %s", div.Status, div.Raw)
	}
	line := orgs[0].(map[string]any)
	people := line["nonCompliantPeople"].([]any)
	if line["organisationId"] != w.orgA || line["compliant"] != float64(0) || line["nonCompliant"] != float64(1) || len(people) != 1 ||
		people[0].(map[string]any)["phone"] != models.MaskPhone("13500000101") {
		t.Fatalf("division line: %v", line)
	}

	// The pending half hour becomes verified: exactly 60 hours is compliant.
	if r := w.h.do("POST", verify(pending), `{"verified":true}`, bearerHeader(w.adminA)...); r.Status != 200 || r.str("status") != "verified" {
		t.Fatalf("verify the last half hour: %d %s", r.Status, r.Raw)
	}
	if p := report(); p["compliant"] != true || p["report"].(map[string]any)["local"].(map[string]any)["hours"] != float64(60) {
		t.Fatalf("60 h verified: %v", p)
	}
	div = w.h.do("GET", "/v1/ce-compliance?division=410102&year="+year, "", bearerHeader(w.city)...)
	line = div.Body["organisations"].([]any)[0].(map[string]any)
	if line["compliant"] != float64(1) || line["nonCompliant"] != float64(0) || len(line["nonCompliantPeople"].([]any)) != 0 {
		t.Fatalf("division line after 60 h: %v", line)
	}
	// A rejected record does not count either.
	extra := w.addTraining(t, sw, 10, today)
	if r := w.h.do("POST", verify(extra), `{"verified":false,"note":"无证明"}`, bearerHeader(w.zhongyuan)...); r.Status != 200 || r.str("status") != "rejected" {
		t.Fatalf("reject: %d %s", r.Status, r.Raw)
	}
	if p := report(); p["report"].(map[string]any)["local"].(map[string]any)["hours"] != float64(60) {
		t.Fatalf("a rejected record counted: %v", p)
	}
}

// TestPathwayEligibility: /v1/me/pathway evaluates the stored pathway for
// the three levels; only employment confirmed in scope counts.
func TestPathwayEligibility(t *testing.T) {
	w := newWorld(t)
	now := time.Now().In(models.Shanghai())
	year := now.Year()
	pathway := func(tok string) response {
		t.Helper()
		r := w.h.do("GET", "/v1/me/pathway", "", bearerHeader(tok)...)
		if r.Status != 200 {
			t.Fatalf("pathway: %d %s", r.Status, r.Raw)
		}
		return r
	}
	level := func(r response, lvl string) map[string]any {
		t.Helper()
		for _, e := range r.Body["eligibility"].([]any) {
			if m := e.(map[string]any); m["level"] == lvl {
				return m
			}
		}
		t.Fatalf("no %s in %s", lvl, r.Raw)
		return nil
	}

	// A bachelor in social work graduating this year may sit this year's assistant
	// exam; with no work yet, never the social worker exam on current data.
	gradID := w.h.register("13500000201")
	grad, _ := w.h.login("13500000201", "secret-pass")
	edu := fmt.Sprintf(`[{"level":"bachelor","socialWorkMajor":true,"graduatedOn":"%d-06-30"}]`, year)
	if r := w.h.do("PUT", "/v1/me/pathway/education", edu, bearerHeader(grad)...); r.Status != 200 {
		t.Fatalf("education: %d %s", r.Status, r.Raw)
	}
	r := pathway(grad)
	if a := level(r, "assistant_social_worker"); r.str("accountId") != gradID || a["eligibleNow"] != true || a["earliestExamYear"] != float64(year) {
		t.Fatalf("graduate of the year: %v", a)
	}
	if s := level(r, "social_worker"); s["eligibleNow"] != false || s["earliestExamYear"] != float64(0) || len(s["missing"].([]any)) == 0 {
		t.Fatalf("graduate, social worker: %v", s)
	}

	// A 大专 graduate of another major with 3 years of confirmed work: not yet, next year.
	jcID, jc := w.staffSocialWorker(t, w.adminA, w.orgA, "13500000202")
	if r := w.h.do("PUT", "/v1/me/pathway/education", `[{"level":"junior_college","socialWorkMajor":false,"graduatedOn":"2015-07-01"}]`, bearerHeader(jc)...); r.Status != 200 {
		t.Fatalf("education: %d %s", r.Status, r.Raw)
	}
	emp := fmt.Sprintf(`[{"employer":"郑州市测试社会工作服务中心1","employerOrgId":"%s","start":"%d-01-01"}]`, w.orgA, year-2)
	if r := w.h.do("PUT", "/v1/me/pathway/employment", emp, bearerHeader(jc)...); r.Status != 200 {
		t.Fatalf("employment: %d %s", r.Status, r.Raw)
	}
	if a := level(pathway(jc), "assistant_social_worker"); a["eligibleNow"] != false || a["earliestExamYear"] != float64(0) {
		t.Fatalf("unconfirmed employment counted: %v", a)
	}
	empVerify := "/v1/pathway/" + jcID + "/employment/0/verification"
	cases := []struct {
		name, token, path string
		status            int
	}{
		{"the person confirms their own employment", jc, empVerify, 403},
		{"a volunteer confirms", w.volunteer, empVerify, 403},
		{"another organisation's admin confirms", w.adminB, empVerify, 403},
		{"another county confirms", w.erqi, empVerify, 403},
		{"no such period", w.adminA, "/v1/pathway/" + jcID + "/employment/3/verification", 404},
		{"no such person", w.adminA, "/v1/pathway/nobody/employment/0/verification", 404},
		{"the employer's admin confirms", w.adminA, empVerify, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if r := w.h.do("POST", c.path, `{"verified":true}`, bearerHeader(c.token)...); r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Raw)
			}
		})
	}
	r = pathway(jc)
	a := level(r, "assistant_social_worker")
	counted := a["counted"].(map[string]any)
	if a["eligibleNow"] != false || a["earliestExamYear"] != float64(year+1) || counted["years"] != float64(3) || len(a["missing"].([]any)) == 0 {
		t.Fatalf("大专, other major, 3 years: %v", a)
	}
	if e := r.Body["employment"].([]any)[0].(map[string]any); e["proof"] != "verified" {
		t.Fatalf("employment proof: %v", e)
	}
	// Re-sending the same period keeps its proof; a changed one needs proof again.
	if r := w.h.do("PUT", "/v1/me/pathway/employment", emp, bearerHeader(jc)...); r.Body["employment"].([]any)[0].(map[string]any)["proof"] != "verified" {
		t.Fatalf("unchanged period lost its proof: %s", r.Raw)
	}
	changed := strings.Replace(emp, fmt.Sprintf("%d-01-01", year-2), fmt.Sprintf("%d-01-01", year-5), 1)
	if r := w.h.do("PUT", "/v1/me/pathway/employment", changed, bearerHeader(jc)...); r.Body["employment"].([]any)[0].(map[string]any)["proof"] != "pending" {
		t.Fatalf("changed period kept its proof: %s", r.Raw)
	}

	// Another person's pathway is not readable: /v1/me/pathway is always the caller's.
	if r := pathway(w.volunteer); r.str("accountId") != w.volunteerID || len(r.Body["education"].([]any)) != 0 {
		t.Fatalf("volunteer's pathway: %s", r.Raw)
	}

	// Exams and validation.
	if r := w.h.do("PUT", "/v1/me/pathway/exams", fmt.Sprintf(`[{"subject":"社会工作综合能力（初级）","year":%d,"score":62,"passed":true}]`, year), bearerHeader(grad)...); r.Status != 200 ||
		len(r.Body["exams"].([]any)) != 1 {
		t.Fatalf("exams: %d %s", r.Status, r.Raw)
	}
	bad := []struct{ path, body, location string }{
		{"/v1/me/pathway/education", `[{"level":"bachelor","socialWorkMajor":true,"graduatedOn":"2024-02-30"}]`, "body[0].graduatedOn"},
		{"/v1/me/pathway/employment", `[{"employer":"某社区","start":"2024-05-01","end":"2024-04-01"}]`, "body[0].end"},
		{"/v1/me/pathway/employment", `[{"employer":"某社区","employerOrgId":"nope","start":"2024-05-01"}]`, "body[0].employerOrgId"},
		{"/v1/me/pathway/exams", `[{"subject":"x","year":2999,"score":50,"passed":false}]`, "body[0].year"},
	}
	for _, b := range bad {
		if r := w.h.do("PUT", b.path, b.body, bearerHeader(grad)...); r.Status != 422 || !strings.Contains(strings.Join(r.locations(), ","), b.location) {
			t.Errorf("PUT %s %s: %d %s", b.path, b.body, r.Status, r.Raw)
		}
	}
}

// TestPathwayThirdPathAndCE: verified volunteer hours (the highest verified version of
// each occurrence) and supervised hours beside eligibility; a certificate
// holder sees this year's CE report.
func TestPathwayThirdPathAndCE(t *testing.T) {
	w := newWorld(t)
	swID, sw := w.supervisor(t, "13500000301")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	col := w.h.db.Database().Collection("hours_records")
	docs := []any{
		map[string]any{"_id": "o1#v1", "occurrenceId": "o1", "volunteerId": swID, "version": 1, "hours": 3.0, "supervised": false, "status": "verified"},
		map[string]any{"_id": "o1#v2", "occurrenceId": "o1", "volunteerId": swID, "version": 2, "hours": 2.0, "supervised": true, "status": "verified"},
		map[string]any{"_id": "o2#v1", "occurrenceId": "o2", "volunteerId": swID, "version": 1, "hours": 4.0, "supervised": true, "status": "pending"},
		map[string]any{"_id": "o3#v1", "occurrenceId": "o3", "volunteerId": swID, "version": 1, "hours": 1.5, "supervised": false, "status": "verified"},
		map[string]any{"_id": "o4#v1", "occurrenceId": "o4", "volunteerId": swID, "version": 1, "hours": 5.0, "supervised": true, "status": "verified"},
		map[string]any{"_id": "o4#v2", "occurrenceId": "o4", "volunteerId": swID, "version": 2, "hours": 5.0, "supervised": true, "status": "pending"},
		map[string]any{"_id": "o5#v1", "occurrenceId": "o5", "volunteerId": "someone-else", "version": 1, "hours": 9.0, "supervised": true, "status": "verified"},
	}
	if _, err := col.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	w.addTraining(t, sw, 12, string(models.DateOf(time.Now())))
	r := w.h.do("GET", "/v1/me/pathway", "", bearerHeader(sw)...)
	third := r.Body["thirdPath"].(map[string]any)
	// o1: version 2 (2 h, supervised); o3: 1.5 h; o4: version 1 (5 h, supervised) stands while its
	// revision is pending; o2 is pending; o5 is someone else's. 8.5 h, 7 h supervised.
	if r.Status != 200 || third["verifiedVolunteerHours"] != 8.5 || third["supervisedHours"] != float64(7) {
		t.Fatalf("third path: %d %s", r.Status, r.Raw)
	}
	certs := r.Body["certificates"].([]any)
	ce, _ := r.Body["continuingEducation"].(map[string]any)
	if len(certs) != 1 || certs[0].(map[string]any)["level"] != "social_worker" || ce == nil || ce["level"] != "social_worker" ||
		ce["local"].(map[string]any)["hours"] != float64(0) || len(ce["national"].([]any)) == 0 {
		t.Fatalf("certificate and CE: %s", r.Raw)
	}
	if s := r.Body["eligibility"].([]any)[1].(map[string]any); s["level"] != "social_worker" || s["held"] != true {
		t.Fatalf("held certificate: %v", s)
	}
}
