package handlers_test

import (
	"strings"
	"sync"
	"testing"
)

const linshanzhai = "410102001" // 林山寨街道, 中原区: the test station's township

// openStation has 中原区 civil affairs open the 林山寨街道 station.
func (w *world) openStation(t *testing.T) {
	t.Helper()
	body := `{"townCode":"` + linshanzhai + `","name":"林山寨街道社会工作服务站","serviceAreas":["social_assistance"],"openedOn":"2023-05-01"}`
	if r := w.h.do("POST", "/v1/stations", body, bearerHeader(w.zhongyuan)...); r.Status != 201 {
		t.Fatalf("open station: %d %s", r.Status, r.Raw)
	}
}

func socialWorkerBody(extra string) string {
	return `{"certificate":{"level":"social_worker","number":"SW2021-0001","issuedOn":"2021-06-01"},"post":{"level":"social_worker","grade":2},` +
		`"stationTownCode":"` + linshanzhai + `","domains":["social_welfare","mental_health"],` +
		`"availability":{"tue":["09:00-17:00"]},"base":{"lat":34.75,"lng":113.6}` + extra + `}`
}

func TestSocialWorkerProfile(t *testing.T) {
	w := newWorld(t)
	w.openStation(t)
	id, tok := w.staffSocialWorker(t, w.adminA, w.orgA, "13500000001")
	me := func() response { return w.h.do("GET", "/v1/me/social-worker-profile", "", bearerHeader(tok)...) }

	if r := me(); r.Status != 404 {
		t.Fatalf("no profile yet: %d %s", r.Status, r.Raw)
	}
	for name, other := range map[string]string{"a volunteer": w.volunteer, "an org admin": w.adminA, "civil affairs": w.zhongyuan} {
		if r := w.h.do("PUT", "/v1/me/social-worker-profile", socialWorkerBody(""), bearerHeader(other)...); r.Status != 403 {
			t.Errorf("%s puts a social-worker profile: %d %s", name, r.Status, r.Raw)
		}
	}
	r := w.h.do("PUT", "/v1/me/social-worker-profile", socialWorkerBody(""), bearerHeader(tok)...)
	if r.Status != 200 {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	cert, _ := r.Body["certificate"].(map[string]any)
	if r.str("accountId") != id || r.str("employerOrgId") != w.orgA || r.Body["professionalPostGrade"] != float64(9) ||
		r.Body["supervisor"] != false || r.Body["caseloadCap"] != float64(0) || r.str("phone") != "13500000001" ||
		cert["verification"] != "pending" || cert["number"] != "SW2021-0001" ||
		!strings.Contains(r.Raw, `"tue":["09:00-17:00"]`) || !strings.Contains(r.Raw, `"base":{"lat":34.75,"lng":113.6}`) {
		t.Fatalf("profile: %s", r.Raw)
	}
	saved := me()
	if saved.Raw != r.Raw {
		t.Errorf("GET differs from the PUT's answer:\n%s\n%s", saved.Raw, r.Raw)
	}

	assistant := strings.Replace(socialWorkerBody(""), `"certificate":{"level":"social_worker"`, `"certificate":{"level":"assistant_social_worker"`, 1)
	cases := []struct {
		name, body, location string
	}{
		{"post above the certificate", assistant, "body.post"},
		{"post without a certificate", `{"post":{"level":"assistant_social_worker","grade":1}}`, "body.post"},
		{"post grade 4", strings.Replace(socialWorkerBody(""), `"grade":2`, `"grade":4`, 1), "body.post.grade"},
		{"unknown post level", strings.Replace(socialWorkerBody(""), `"post":{"level":"social_worker"`, `"post":{"level":"chief"`, 1), "body.post.level"},
		{"unknown certificate level", strings.Replace(socialWorkerBody(""), `"certificate":{"level":"social_worker"`, `"certificate":{"level":"wizard"`, 1), "body.certificate.level"},
		{"short certificate number", strings.Replace(socialWorkerBody(""), "SW2021-0001", "SW", 1), "body.certificate.number"},
		{"certificate issued in the future", strings.Replace(socialWorkerBody(""), "2021-06-01", "2099-06-01", 1), "body.certificate.issuedOn"},
		{"certificate issue date malformed", strings.Replace(socialWorkerBody(""), "2021-06-01", "2021/06/01", 1), "body.certificate.issuedOn"},
		{"township without a station", strings.Replace(socialWorkerBody(""), linshanzhai, "410102002", 1), "body.stationTownCode"},
		{"station code of a county", strings.Replace(socialWorkerBody(""), `"stationTownCode":"`+linshanzhai+`"`, `"stationTownCode":"410102000"`, 1), "body.stationTownCode"},
		{"station code malformed", strings.Replace(socialWorkerBody(""), linshanzhai, "4101", 1), "body.stationTownCode"},
		{"base in Beijing", strings.Replace(socialWorkerBody(""), `"lat":34.75,"lng":113.6`, `"lat":39.9,"lng":116.4`, 1), "body.base"},
		{"availability off the half-hour grid", strings.Replace(socialWorkerBody(""), "09:00-17:00", "09:00-17:45", 1), "body.availability.tue[0]"},
		{"unknown domain", strings.Replace(socialWorkerBody(""), "mental_health", "alchemy", 1), "body.domains[1]"},
		{"claims another employer", socialWorkerBody(`,"employerOrgId":"` + w.orgB + `"`), "body.employerOrgId"},
		{"claims a verified certificate", strings.Replace(socialWorkerBody(""), `"issuedOn":"2021-06-01"`, `"issuedOn":"2021-06-01","verification":"verified"`, 1), "body.certificate.verification"},
		{"joins the supervisor pool", socialWorkerBody(`,"supervisor":true`), "body.supervisor"},
		{"sets a caseload cap", socialWorkerBody(`,"caseloadCap":50`), "body.caseloadCap"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.h.do("PUT", "/v1/me/social-worker-profile", c.body, bearerHeader(tok)...)
			if r.Status != 422 {
				t.Fatalf("status %d, want 422: %s", r.Status, r.Raw)
			}
			if !hasLocation(r, c.location) {
				t.Errorf("errors name %v, want %s", r.locations(), c.location)
			}
			if after := me(); after.Raw != saved.Raw {
				t.Errorf("a refused PUT changed the profile:\n%s", after.Raw)
			}
		})
	}
	// A higher certificate may fill a lower post.
	if r := w.h.do("PUT", "/v1/me/social-worker-profile", strings.Replace(socialWorkerBody(""), `"post":{"level":"social_worker"`, `"post":{"level":"assistant_social_worker"`, 1), bearerHeader(tok)...); r.Status != 200 || r.Body["professionalPostGrade"] != float64(12) {
		t.Errorf("lower post: %d %s", r.Status, r.Raw)
	}
}

// TestSocialWorkerCertificateAndPool: civil affairs verifies certificates
// and keeps the supervisor pool; nobody else may, and a refused attempt
// changes nothing.
func TestSocialWorkerCertificateAndPool(t *testing.T) {
	w, audit := newAuditedWorld(t)
	w.openStation(t)
	id, tok := w.staffSocialWorker(t, w.adminA, w.orgA, "13500000001")
	_, otherTok := w.staffSocialWorker(t, w.adminB, w.orgB, "13500000002")
	committee := w.communityAdmin(t, w.zhongyuan, "13600000001", bishagang)
	if r := w.h.do("PUT", "/v1/me/social-worker-profile", socialWorkerBody(""), bearerHeader(tok)...); r.Status != 200 {
		t.Fatalf("profile: %d %s", r.Status, r.Raw)
	}
	state := func() (verification string, supervisor any, caseload any) {
		r := w.h.do("GET", "/v1/social-workers/"+id, "", bearerHeader(w.city)...)
		return r.Body["certificate"].(map[string]any)["verification"].(string), r.Body["supervisor"], r.Body["caseloadCap"]
	}
	verifyPath, poolPath := "/v1/social-workers/"+id+"/certificate-verification", "/v1/social-workers/"+id+"/supervisor-pool"
	refused := []struct {
		name, token, path, body string
		status                  int
		location                string
	}{
		{"the social worker verifies themselves", tok, verifyPath, `{"decision":"verified"}`, 403, ""},
		{"another social worker verifies", otherTok, verifyPath, `{"decision":"verified"}`, 403, ""},
		{"the employer's admin verifies", w.adminA, verifyPath, `{"decision":"verified"}`, 403, ""},
		{"a committee verifies", committee, verifyPath, `{"decision":"verified"}`, 403, ""},
		{"a volunteer verifies", w.volunteer, verifyPath, `{"decision":"verified"}`, 403, ""},
		{"another county verifies", w.erqi, verifyPath, `{"decision":"verified"}`, 403, ""},
		{"an unknown decision", w.zhongyuan, verifyPath, `{"decision":"maybe"}`, 422, "body.decision"},
		{"an unknown social worker", w.zhongyuan, "/v1/social-workers/nobody/certificate-verification", `{"decision":"verified"}`, 404, ""},
		{"the pool before verification", w.city, poolPath, `{"inPool":true,"caseloadCap":5}`, 422, "body.inPool"},
		{"the social worker joins the pool", tok, poolPath, `{"inPool":true,"caseloadCap":5}`, 403, ""},
		{"the employer's admin joins them to the pool", w.adminA, poolPath, `{"inPool":true,"caseloadCap":5}`, 403, ""},
		{"another county joins them to the pool", w.erqi, poolPath, `{"inPool":true,"caseloadCap":5}`, 403, ""},
	}
	run := func(cases []struct {
		name, token, path, body string
		status                  int
		location                string
	}, wantVerification string, wantSupervisor bool) {
		t.Helper()
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := w.h.do("POST", c.path, c.body, bearerHeader(c.token)...)
				if r.Status != c.status {
					t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Raw)
				}
				if c.location != "" && !hasLocation(r, c.location) {
					t.Errorf("errors name %v, want %s", r.locations(), c.location)
				}
				if v, sup, _ := state(); v != wantVerification || sup != wantSupervisor {
					t.Errorf("a refused attempt changed the profile: %s, supervisor %v", v, sup)
				}
			})
		}
	}
	run(refused, "pending", false)
	if n := len(audit.find("social_worker.certificate_verification", "social_worker:"+id)); n != 0 {
		t.Fatalf("refused verifications were audited: %d", n)
	}

	w.frontLine(t, id, tok, w.adminA, w.orgA, 4)
	r := w.h.do("POST", verifyPath, `{"decision":"verified","note":"已核对全国社会工作者职业资格证书查询系统"}`, bearerHeader(w.zhongyuan)...)
	if r.Status != 200 || r.Body["certificate"].(map[string]any)["verification"] != "verified" {
		t.Fatalf("verify: %d %s", r.Status, r.Raw)
	}
	if e := audit.find("social_worker.certificate_verification", "social_worker:"+id); len(e) != 1 || e[0].DivisionCode != "410102" || !strings.HasPrefix(e[0].Reason, "verified") {
		t.Fatalf("audit: %+v", e)
	}
	run([]struct {
		name, token, path, body string
		status                  int
		location                string
	}{
		{"joining without a caseload cap", w.city, poolPath, `{"inPool":true}`, 422, "body.caseloadCap"},
		{"a caseload cap of 51", w.city, poolPath, `{"inPool":true,"caseloadCap":51}`, 422, "body.caseloadCap"},
		{"a caseload cap of 0", w.city, poolPath, `{"inPool":true,"caseloadCap":0}`, 422, "body.caseloadCap"},
		{"another county, once verified", w.erqi, poolPath, `{"inPool":true,"caseloadCap":5}`, 403, ""},
	}, "verified", false)

	if r := w.h.do("POST", poolPath, `{"inPool":true,"caseloadCap":5}`, bearerHeader(w.city)...); r.Status != 200 || r.Body["supervisor"] != true || r.Body["caseloadCap"] != float64(5) {
		t.Fatalf("city adds to the pool: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", poolPath, `{"inPool":false}`, bearerHeader(w.zhongyuan)...); r.Status != 403 {
		t.Fatalf("county takes out of the city's pool: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", poolPath, `{"inPool":false}`, bearerHeader(w.city)...); r.Status != 200 || r.Body["supervisor"] != false || r.Body["caseloadCap"] != float64(5) {
		t.Fatalf("city takes out of the pool: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", poolPath, `{"inPool":true,"caseloadCap":8}`, bearerHeader(w.zhongyuan)...); r.Status != 200 || r.Body["supervisor"] != true || r.Body["supervisorTier"] != "county" {
		t.Fatalf("county adds to its team: %d %s", r.Status, r.Raw)
	}
	if e := audit.find("social_worker.supervisor_pool", "social_worker:"+id); len(e) != 3 {
		t.Fatalf("pool audit: %+v", e)
	}
	// Resubmitting the same certificate keeps it verified; a new number sends it back to pending and out of the pool.
	if r := w.h.do("PUT", "/v1/me/social-worker-profile", socialWorkerBody(""), bearerHeader(tok)...); r.Status != 200 {
		t.Fatalf("resubmit: %d %s", r.Status, r.Raw)
	}
	if v, sup, cap := state(); v != "verified" || sup != true || cap != float64(8) {
		t.Fatalf("unchanged certificate: %s %v %v", v, sup, cap)
	}
	if r := w.h.do("PUT", "/v1/me/social-worker-profile", strings.Replace(socialWorkerBody(""), "SW2021-0001", "SW2024-0099", 1), bearerHeader(tok)...); r.Status != 200 {
		t.Fatalf("new certificate: %d %s", r.Status, r.Raw)
	}
	if v, sup, _ := state(); v != "pending" || sup != false {
		t.Fatalf("changed certificate: %s %v", v, sup)
	}
	// A rejected certificate cannot join the pool.
	if r := w.h.do("POST", verifyPath, `{"decision":"rejected","note":"证书编号查无此证"}`, bearerHeader(w.city)...); r.Status != 200 || r.Body["certificate"].(map[string]any)["note"] != "证书编号查无此证" {
		t.Fatalf("reject: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", poolPath, `{"inPool":true,"caseloadCap":5}`, bearerHeader(w.city)...); r.Status != 422 || !hasLocation(r, "body.inPool") {
		t.Fatalf("rejected certificate joins the pool: %d %s", r.Status, r.Raw)
	}
	// A profile without a certificate has nothing to verify.
	bareID, bareTok := w.staffSocialWorker(t, w.adminA, w.orgA, "13500000003")
	if r := w.h.do("PUT", "/v1/me/social-worker-profile", `{"domains":["health"]}`, bearerHeader(bareTok)...); r.Status != 200 {
		t.Fatalf("bare profile: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/social-workers/"+bareID+"/certificate-verification", `{"decision":"verified"}`, bearerHeader(w.zhongyuan)...); r.Status != 422 || !hasLocation(r, "body.decision") {
		t.Fatalf("no certificate: %d %s", r.Status, r.Raw)
	}
}

// TestSocialWorkerVisibility: the professional profile is open to anyone
// logged in; the phone, certificate number, base and availability only to
// the owner, the employer's admins and civil affairs governing the worker.
func TestSocialWorkerVisibility(t *testing.T) {
	w := newWorld(t)
	w.openStation(t)
	id, tok := w.staffSocialWorker(t, w.adminA, w.orgA, "13500000001")
	otherID, otherTok := w.staffSocialWorker(t, w.adminB, w.orgB, "13500000002")
	committee := w.communityAdmin(t, w.zhongyuan, "13600000001", bishagang)
	if r := w.h.do("PUT", "/v1/me/social-worker-profile", socialWorkerBody(""), bearerHeader(tok)...); r.Status != 200 {
		t.Fatalf("profile: %d %s", r.Status, r.Raw)
	}
	// The other worker: a senior certificate, no station, based in 二七区.
	other := `{"certificate":{"level":"senior_social_worker","number":"SSW-2019-7","issuedOn":"2019-01-01"},"domains":["health"],"base":{"lat":34.74,"lng":113.64}}`
	if r := w.h.do("PUT", "/v1/me/social-worker-profile", other, bearerHeader(otherTok)...); r.Status != 200 {
		t.Fatalf("other profile: %d %s", r.Status, r.Raw)
	}

	cases := []struct {
		name, token string
		full        bool
	}{
		{"the owner", tok, true},
		{"the employer's admin", w.adminA, true},
		{"the county's civil affairs", w.zhongyuan, true},
		{"the city's civil affairs", w.city, true},
		{"another organisation's admin", w.adminB, false},
		{"another county's civil affairs", w.erqi, false},
		{"another social worker", otherTok, false},
		{"a volunteer", w.volunteer, false},
		{"a committee", committee, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.h.do("GET", "/v1/social-workers/"+id, "", bearerHeader(c.token)...)
			if r.Status != 200 {
				t.Fatalf("status %d: %s", r.Status, r.Raw)
			}
			cert := r.Body["certificate"].(map[string]any)
			if r.str("name") != "测试用户" || cert["level"] != "social_worker" || cert["verification"] != "pending" || r.str("employerOrgId") != w.orgA ||
				r.str("stationTownCode") != linshanzhai || r.Body["professionalPostGrade"] != float64(9) || r.Body["supervisor"] != false {
				t.Errorf("professional profile: %s", r.Raw)
			}
			if c.full {
				if r.str("phone") != "13500000001" || cert["number"] != "SW2021-0001" || r.Body["base"] == nil || r.Body["availability"] == nil {
					t.Errorf("full view: %s", r.Raw)
				}
			} else if r.str("phone") != "135****0001" || strings.Contains(r.Raw, "SW2021-0001") || r.Body["base"] != nil || r.Body["availability"] != nil {
				t.Errorf("public view shows contact details: %s", r.Raw)
			}
		})
	}
	if r := w.h.do("GET", "/v1/social-workers/"+id, ""); r.Status != 401 {
		t.Errorf("anonymous: %d", r.Status)
	}
	if r := w.h.do("GET", "/v1/social-workers/nobody", "", bearerHeader(w.volunteer)...); r.Status != 404 {
		t.Errorf("unknown: %d", r.Status)
	}
	if r := w.h.do("GET", "/v1/me/social-worker-profile", "", bearerHeader(w.adminA)...); r.Status != 404 {
		t.Errorf("an admin's own social-worker profile: %d", r.Status)
	}

	// Verify the first worker's certificate so level filters find it.
	w.frontLine(t, id, tok, w.adminA, w.orgA, 4)
	if r := w.h.do("POST", "/v1/social-workers/"+id+"/certificate-verification", `{"decision":"verified"}`, bearerHeader(w.zhongyuan)...); r.Status != 200 {
		t.Fatalf("verify: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/social-workers/"+id+"/supervisor-pool", `{"inPool":true,"caseloadCap":5}`, bearerHeader(w.city)...); r.Status != 200 {
		t.Fatalf("pool: %d %s", r.Status, r.Raw)
	}
	lists := []struct {
		name, token, query string
		status             int
		want               []string
		location           string
	}{
		{"everyone", w.volunteer, "", 200, []string{id, otherID}, ""},
		{"by organisation", w.adminA, "?organisation=" + w.orgA, 200, []string{id}, ""},
		{"by station", committee, "?station=" + linshanzhai, 200, []string{id}, ""},
		{"by the station's county", w.volunteer, "?division=410102", 200, []string{id}, ""},
		{"by the base's county", w.volunteer, "?division=410103", 200, []string{otherID}, ""},
		{"supervisors", w.volunteer, "?supervisor=true", 200, []string{id}, ""},
		{"not supervisors", w.volunteer, "?supervisor=false", 200, []string{otherID}, ""},
		{"verified social worker or above", w.volunteer, "?minLevel=social_worker", 200, []string{id}, ""},
		{"verified senior (the senior is still pending)", w.volunteer, "?minLevel=senior_social_worker", 200, nil, ""},
		{"unknown level", w.volunteer, "?minLevel=wizard", 422, nil, "query.minLevel"},
		{"malformed station", w.volunteer, "?station=4101", 422, nil, "query.station"},
		{"township code that is not one", w.volunteer, "?station=410102999", 422, nil, "query.station"},
		{"unknown division", w.volunteer, "?division=419999", 422, nil, "query.division"},
		{"bad supervisor flag", w.volunteer, "?supervisor=yes", 422, nil, "query.supervisor"},
		{"anonymous", "", "", 401, nil, ""},
	}
	for _, c := range lists {
		t.Run("list "+c.name, func(t *testing.T) {
			var headers []string
			if c.token != "" {
				headers = bearerHeader(c.token)
			}
			r := w.h.do("GET", "/v1/social-workers"+c.query, "", headers...)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Raw)
			}
			if c.location != "" && !hasLocation(r, c.location) {
				t.Errorf("errors name %v, want %s", r.locations(), c.location)
			}
			if c.status != 200 {
				return
			}
			var got []string
			for _, it := range r.Body["items"].([]any) {
				m := it.(map[string]any)
				got = append(got, m["accountId"].(string))
				if !strings.Contains(m["phone"].(string), "****") || m["base"] != nil {
					t.Errorf("list shows contact details: %v", m)
				}
			}
			if strings.Join(got, ",") != strings.Join(sortedIDs(c.want), ",") {
				t.Errorf("listed %v, want %v", got, c.want)
			}
		})
	}
}

// sortedIDs orders ids as the lists do (by account id).
func sortedIDs(ids []string) []string {
	out := append([]string(nil), ids...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestSocialWorkerConcurrentEdits: the owner resubmits the same
// certificate while civil affairs verifies it and puts them in the pool;
// no stale save may undo the verification or the pool membership.
func TestSocialWorkerConcurrentEdits(t *testing.T) {
	w := newWorld(t)
	w.openStation(t)
	id, tok := w.staffSocialWorker(t, w.adminA, w.orgA, "13500000001")
	if r := w.h.do("PUT", "/v1/me/social-worker-profile", socialWorkerBody(""), bearerHeader(tok)...); r.Status != 200 {
		t.Fatalf("profile: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/social-workers/"+id+"/certificate-verification", `{"decision":"verified"}`, bearerHeader(w.zhongyuan)...); r.Status != 200 {
		t.Fatalf("verify: %d %s", r.Status, r.Raw)
	}
	w.frontLine(t, id, tok, w.adminA, w.orgA, 4)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var r response
			switch i % 4 {
			case 0:
				r = w.h.do("POST", "/v1/social-workers/"+id+"/supervisor-pool", `{"inPool":true,"caseloadCap":6}`, bearerHeader(w.city)...)
			case 1:
				r = w.h.do("POST", "/v1/social-workers/"+id+"/certificate-verification", `{"decision":"verified"}`, bearerHeader(w.zhongyuan)...)
			default:
				r = w.h.do("PUT", "/v1/me/social-worker-profile", socialWorkerBody(""), bearerHeader(tok)...)
			}
			if r.Status != 200 {
				t.Errorf("status %d: %s", r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	r := w.h.do("GET", "/v1/social-workers/"+id, "", bearerHeader(tok)...)
	if r.Body["certificate"].(map[string]any)["verification"] != "verified" || r.Body["supervisor"] != true || r.Body["caseloadCap"] != float64(6) {
		t.Fatalf("a concurrent save lost a decision: %s", r.Raw)
	}
}
