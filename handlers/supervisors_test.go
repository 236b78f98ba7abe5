package handlers_test

import (
	"fmt"
	"testing"
	"time"
)

// frontLine gives a social worker of org years of social-work employment
// there, confirmed by the organisation's admin: what a supervisor needs.
func (w *world) frontLine(t *testing.T, id, tok, orgAdmin, org string, years int) {
	t.Helper()
	start := time.Now().AddDate(-years, 0, -3).Format("2006-01-02")
	emp := fmt.Sprintf(`[{"employer":"郑州市测试社会工作服务中心","employerOrgId":"%s","start":"%s"}]`, org, start)
	if r := w.h.do("PUT", "/v1/me/pathway/employment", emp, bearerHeader(tok)...); r.Status != 200 {
		t.Fatalf("employment: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/pathway/"+id+"/employment/0/verification", `{"verified":true}`, bearerHeader(orgAdmin)...); r.Status != 200 {
		t.Fatalf("confirm employment: %d %s", r.Status, r.Raw)
	}
}

// TestSupervisorsComeFromTheFrontLine (issue 18): the pool takes only a
// verified social worker with three years of front-line employment the
// employer confirmed; the city keeps the city pool, a county its own team;
// the dashboard counts both against the hundred-supervisors programme.
func TestSupervisorsComeFromTheFrontLine(t *testing.T) {
	w := newWorld(t)
	w.openStation(t)
	id, tok := w.staffSocialWorker(t, w.adminA, w.orgA, "13500700001")
	if r := w.h.do("PUT", "/v1/me/social-worker-profile", socialWorkerBody(""), bearerHeader(tok)...); r.Status != 200 {
		t.Fatalf("profile: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/social-workers/"+id+"/certificate-verification", `{"decision":"verified"}`, bearerHeader(w.zhongyuan)...); r.Status != 200 {
		t.Fatalf("verify: %d %s", r.Status, r.Raw)
	}
	pool := "/v1/social-workers/" + id + "/supervisor-pool"
	join := `{"inPool":true,"caseloadCap":5,"cohort":2024}`
	// Two confirmed years: not enough.
	w.frontLine(t, id, tok, w.adminA, w.orgA, 2)
	if r := w.h.do("POST", pool, join, bearerHeader(w.city)...); r.Status != 422 || !hasLocation(r, "body.frontLine") {
		t.Fatalf("two years: %d %s", r.Status, r.Raw)
	}
	// Five years the worker typed but nobody confirmed: not counted.
	emp := fmt.Sprintf(`[{"employer":"某社工机构","employerOrgId":"%s","start":"%d-01-01"}]`, w.orgA, time.Now().Year()-5)
	if r := w.h.do("PUT", "/v1/me/pathway/employment", emp, bearerHeader(tok)...); r.Status != 200 {
		t.Fatalf("employment: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", pool, join, bearerHeader(w.city)...); r.Status != 422 || !hasLocation(r, "body.frontLine") {
		t.Fatalf("unconfirmed years: %d %s", r.Status, r.Raw)
	}
	w.frontLine(t, id, tok, w.adminA, w.orgA, 4)
	for _, c := range []struct {
		name, token, body string
		status            int
		location          string
	}{
		{"the county puts them in the city pool", w.zhongyuan, `{"inPool":true,"caseloadCap":5,"tier":"city"}`, 403, ""},
		{"another county's team", w.zhongyuan, `{"inPool":true,"caseloadCap":5,"tier":"county","countyCode":"410103"}`, 403, ""},
		{"a county team without a county", w.city, `{"inPool":true,"caseloadCap":5,"tier":"county"}`, 422, "body.countyCode"},
		{"an unknown tier", w.city, `{"inPool":true,"caseloadCap":5,"tier":"province"}`, 422, "body.tier"},
		{"a cohort in the future", w.city, fmt.Sprintf(`{"inPool":true,"caseloadCap":5,"cohort":%d}`, time.Now().Year()+1), 422, "body.cohort"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := w.h.do("POST", pool, c.body, bearerHeader(c.token)...)
			if r.Status != c.status || c.location != "" && !hasLocation(r, c.location) {
				t.Fatalf("status %d, want %d at %s: %s", r.Status, c.status, c.location, r.Raw)
			}
		})
	}
	r := w.h.do("POST", pool, join, bearerHeader(w.city)...)
	if r.Status != 200 || r.str("supervisorTier") != "city" || r.Body["supervisorCohort"] != float64(2024) ||
		r.Body["frontLine"].(map[string]any)["years"] != float64(4) {
		t.Fatalf("the city's pool: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", pool, `{"inPool":false}`, bearerHeader(w.zhongyuan)...); r.Status != 403 {
		t.Fatalf("the county takes a supervisor out of the city pool: %d %s", r.Status, r.Raw)
	}
	// A second worker joins 中原区's team.
	id2, tok2 := w.staffSocialWorker(t, w.adminA, w.orgA, "13500700002")
	if r := w.h.do("PUT", "/v1/me/social-worker-profile", socialWorkerBody(""), bearerHeader(tok2)...); r.Status != 200 {
		t.Fatalf("profile: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/social-workers/"+id2+"/certificate-verification", `{"decision":"verified"}`, bearerHeader(w.zhongyuan)...); r.Status != 200 {
		t.Fatalf("verify: %d %s", r.Status, r.Raw)
	}
	w.frontLine(t, id2, tok2, w.adminA, w.orgA, 3)
	r = w.h.do("POST", "/v1/social-workers/"+id2+"/supervisor-pool", `{"inPool":true,"caseloadCap":4}`, bearerHeader(w.zhongyuan)...)
	if r.Status != 200 || r.str("supervisorTier") != "county" || r.str("supervisorCounty") != "410102" {
		t.Fatalf("the county's team: %d %s", r.Status, r.Raw)
	}
	d := w.h.do("GET", "/v1/dashboard?division=4101", "", bearerHeader(w.city)...)
	sup := d.Body["total"].(map[string]any)["figures"].(map[string]any)["supervisors"].(map[string]any)
	if sup["cityPool"] != float64(1) || sup["countyTeams"] != float64(1) || sup["programmeTrained"] != float64(1) || sup["programmeTarget"] != float64(100) {
		t.Fatalf("supervisors on the dashboard: %v", sup)
	}
}
