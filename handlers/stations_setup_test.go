package handlers_test

import (
	"slices"
	"testing"
)

// TestStationSetupAndCoverage (issue 18): a station records the seed's
// hardware, services, rules and signage and says which elements it still
// lacks; an open station with nobody on post is "open, unstaffed" on the
// dashboard and does not cover its township; the coverage by field and
// domain shows a district's services.
func TestStationSetupAndCoverage(t *testing.T) {
	w := newWorld(t)
	full := `{"townCode":"` + linshanzhai + `","name":"林山寨街道社会工作服务站","serviceAreas":["social_assistance","elder_care_services"],` +
		`"openedOn":"2023-05-01","setup":{"areaSqm":180,"rooms":["office","casework","group_work"],"openingHours":"周一至周五 9:00–17:30",` +
		`"serviceItems":["困难群众个案帮扶","独居老人探访"],"rules":["post_duties","service_process","supervision"],"signageOn":"2023-05-01"}}`
	r := w.h.do("POST", "/v1/stations", full, bearerHeader(w.zhongyuan)...)
	if r.Status != 201 {
		t.Fatalf("open station: %d %s", r.Status, r.Raw)
	}
	if m := r.Body["missing"].([]any); len(m) != 1 || m[0] != "staffing" {
		t.Fatalf("a station with nobody on post lacks staffing only: %v", m)
	}
	bare := `{"townCode":"410102002","name":"桐柏路街道社会工作服务站","serviceAreas":["child_welfare"],"openedOn":"2024-01-01"}`
	r = w.h.do("POST", "/v1/stations", bare, bearerHeader(w.zhongyuan)...)
	if r.Status != 201 {
		t.Fatalf("open bare station: %d %s", r.Status, r.Raw)
	}
	if m := r.Body["missing"].([]any); len(m) != 5 {
		t.Fatalf("a bare station lacks all five elements: %v", m)
	}
	for _, c := range []struct{ body, location string }{
		{`{"setup":{"rooms":["kitchen"]}}`, "body.setup.rooms[0]"},
		{`{"setup":{"rules":["post_duties","post_duties"]}}`, "body.setup.rules[1]"},
		{`{"setup":{"signageOn":"2023-13-01"}}`, "body.setup.signageOn"},
		{`{"setup":{"areaSqm":-1}}`, "body.setup.areaSqm"},
		{`{"setup":{"serviceItems":["x"]}}`, "body.setup.serviceItems"},
	} {
		if r := w.h.do("PATCH", "/v1/stations/410102002", c.body, withMergePatch(w.zhongyuan)...); r.Status != 422 || !hasLocation(r, c.location) {
			t.Errorf("%s: %d %s", c.body, r.Status, r.Raw)
		}
	}
	if r := w.h.do("PATCH", "/v1/stations/410102002", `{"setup":{"signageOn":"2024-02-01"}}`, withMergePatch(w.zhongyuan)...); r.Status != 200 ||
		r.Body["setup"].(map[string]any)["signageOn"] != "2024-02-01" || slices.Contains(r.Body["missing"].([]any), any("signage")) {
		t.Fatalf("patch the signage: %d %s", r.Status, r.Raw)
	}
	// A social worker on post at 林山寨 staffs it.
	_, tok := w.staffSocialWorker(t, w.adminA, w.orgA, "13500800001")
	if r := w.h.do("PUT", "/v1/me/social-worker-profile", socialWorkerBody(""), bearerHeader(tok)...); r.Status != 200 {
		t.Fatalf("profile: %d %s", r.Status, r.Raw)
	}
	id := w.h.do("GET", "/v1/me/social-worker-profile", "", bearerHeader(tok)...).str("accountId")
	if r := w.h.do("POST", "/v1/social-workers/"+id+"/certificate-verification", `{"decision":"verified"}`, bearerHeader(w.zhongyuan)...); r.Status != 200 {
		t.Fatalf("verify: %d %s", r.Status, r.Raw)
	}
	d := w.h.do("GET", "/v1/dashboard?division=410102", "", bearerHeader(w.zhongyuan)...)
	if d.Status != 200 {
		t.Fatalf("dashboard: %d %s", d.Status, d.Raw)
	}
	towns := map[string]string{}
	for _, x := range d.Body["towns"].([]any) {
		m := x.(map[string]any)
		towns[m["code"].(string)] = m["status"].(string)
	}
	if towns[linshanzhai] != "staffed" || towns["410102002"] != "open_unstaffed" || towns["410102003"] != "no_station" {
		t.Fatalf("township states: %s %s %s", towns[linshanzhai], towns["410102002"], towns["410102003"])
	}
	fig := d.Body["total"].(map[string]any)["figures"].(map[string]any)
	if fig["townsWithStation"] != float64(1) || fig["townsStationOpen"] != float64(2) {
		t.Fatalf("staffed vs open: %v %v", fig["townsWithStation"], fig["townsStationOpen"])
	}
	cell := func(kind, code string) map[string]any {
		for _, x := range d.Body["coverage"].([]any) {
			row := x.(map[string]any)
			if row["kind"] == kind && row["code"] == code {
				return row["districts"].([]any)[0].(map[string]any)
			}
		}
		t.Fatalf("no coverage row %s %s", kind, code)
		return nil
	}
	// The staffed station serves social assistance and elder care; the
	// unstaffed one's child welfare is not covered by it.
	if c := cell("civil_affairs_field", "social_assistance"); c["covered"] != true || c["stations"] != float64(1) || c["district"] != "410102" {
		t.Errorf("social assistance: %v", c)
	}
	if c := cell("key_domain", "drug_control"); c["covered"] != false {
		t.Errorf("drug control: %v", c)
	}
	if len(d.Body["coverage"].([]any)) != 25 {
		t.Errorf("coverage rows: %d, want 5 fields + 20 domains", len(d.Body["coverage"].([]any)))
	}
}
