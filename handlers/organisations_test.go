package handlers_test

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/wushe/wushe/models"
)

// creditCode builds a valid unified social credit code from a serial.
func creditCode(t *testing.T, serial int) string {
	t.Helper()
	first := fmt.Sprintf("52410102MJ%07d", serial)
	c, err := models.CreditCodeCheckChar(first)
	if err != nil {
		t.Fatal(err)
	}
	return first + string(c)
}

func orgBody(t *testing.T, serial int, kind, division string, extra string) string {
	return `{"name":"郑州市测试社会工作服务中心` + fmt.Sprint(serial) + `","kind":"` + kind + `","creditCode":"` + creditCode(t, serial) +
		`","domains":["social_welfare"],"divisionCode":"` + division + `","contactPhone":"13512345678"` + extra + `}`
}

// world is a small city for cross-scope tests: two counties' civil
// affairs, an organisation in each, their admins, a volunteer.
type world struct {
	h                         *harness
	city, zhongyuan, erqi     string // civil affairs tokens
	orgA, orgB                string // organisation ids (中原区, 二七区)
	adminA, adminB, volunteer string // tokens
	volunteerID               string
}

func newWorld(t *testing.T, opts ...harnessOpt) *world {
	t.Helper()
	h := newHarness(t, opts...)
	w := &world{h: h}
	w.city = h.admin("13100000001", "4101")
	w.zhongyuan = h.admin("13100000002", "410102")
	w.erqi = h.admin("13100000003", "410103")
	create := func(tok string, serial int, division string) string {
		r := h.do("POST", "/v1/organisations", orgBody(t, serial, "social_work_agency", division, `,"status":"active"`), bearerHeader(tok)...)
		if r.Status != 201 {
			t.Fatalf("create organisation: %d %s", r.Status, r.Raw)
		}
		return r.str("id")
	}
	w.orgA = create(w.zhongyuan, 1, "410102")
	w.orgB = create(w.erqi, 2, "410103")
	h.register("13100000011")
	h.register("13100000012")
	w.volunteerID = h.register("13100000013")
	for _, m := range []struct{ org, phone string }{{w.orgA, "13100000011"}, {w.orgB, "13100000012"}} {
		if r := h.do("POST", "/v1/organisations/"+m.org+"/members", `{"phone":"`+m.phone+`","role":"org_admin"}`, bearerHeader(w.city)...); r.Status != 201 {
			t.Fatalf("add admin: %d %s", r.Status, r.Raw)
		}
	}
	w.adminA, _ = h.login("13100000011", "secret-pass")
	w.adminB, _ = h.login("13100000012", "secret-pass")
	w.volunteer, _ = h.login("13100000013", "secret-pass")
	return w
}

func TestOrganisationValidation(t *testing.T) {
	w := newWorld(t)
	good := creditCode(t, 50)
	bad := good[:17] + string("0123456789ABCDEFGHJKLMNPQRTUWXY"[(strings.IndexByte("0123456789ABCDEFGHJKLMNPQRTUWXY", good[17])+1)%31])
	base := func(code, extra string) string {
		return `{"name":"测试机构","kind":"social_work_agency","creditCode":"` + code + `","domains":["social_welfare"],"divisionCode":"410102"` + extra + `}`
	}
	cases := []struct {
		name, body string
		status     int
		location   string
	}{
		{"bad check character", base(bad, ""), 422, "body.creditCode"},
		{"forbidden letter", base(good[:5]+"I"+good[6:], ""), 422, "body.creditCode"},
		{"short credit code", base("91350100M00010", ""), 422, "body.creditCode"},
		{"unknown kind", strings.Replace(base(good, ""), "social_work_agency", "bank", 1), 422, "body.kind"},
		{"unknown domain", strings.Replace(base(good, ""), "social_welfare", "space_travel", 1), 422, "body.domains[0]"},
		{"no domain", strings.Replace(base(good, ""), `"social_welfare"`, ``, 1), 422, "body.domains"},
		{"unknown division", strings.Replace(base(good, ""), `"divisionCode":"410102"`, `"divisionCode":"999999"`, 1), 422, "body.divisionCode"},
		{"beds on an agency", base(good, `,"beds":10`), 422, "body.beds"},
		{"elder care without beds", strings.Replace(base(good, ""), "social_work_agency", "elder_care_facility", 1), 422, "body.beds"},
		{"bad contact phone", base(good, `,"contactPhone":"12"`), 422, "body.contactPhone"},
		{"bad initial status", base(good, `,"status":"exited"`), 422, "body.status"},
		{"unknown served division", base(good, `,"divisionsServed":["410102001002","123"]`), 422, "body.divisionsServed[1]"},
		{"duplicate credit code", base(creditCode(t, 1), ""), 409, "body.creditCode"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.h.do("POST", "/v1/organisations", c.body, bearerHeader(w.zhongyuan)...)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Raw)
			}
			if c.location != "" && !strings.Contains(strings.Join(r.locations(), ","), c.location) {
				t.Errorf("errors name %v, want %s", r.locations(), c.location)
			}
		})
	}
	r := w.h.do("GET", "/v1/organisations?division=410102&limit=100", "")
	if n := len(r.Body["items"].([]any)); n != 1 {
		t.Fatalf("refused registrations created organisations: %d in 中原区", n)
	}
	// An elder-care facility carries its beds and the staffing the 1:100 rule requires.
	ec := w.h.do("POST", "/v1/organisations", strings.Replace(base(creditCode(t, 51), `,"beds":250`), "social_work_agency", "elder_care_facility", 1), bearerHeader(w.zhongyuan)...)
	if ec.Status != 201 || ec.Body["requiredSocialWorkers"] != float64(3) {
		t.Fatalf("elder-care facility: %d %s", ec.Status, ec.Raw)
	}
}

// TestOrganisationCrossScope: nobody edits or governs an organisation
// outside their scope, and a refused attempt changes nothing.
func TestOrganisationCrossScope(t *testing.T) {
	w := newWorld(t)
	edit := `{"name":"改名后的机构","domains":["health"],"divisionCode":"410102","contactPhone":"13512345678"}`
	editB := `{"name":"改名后的机构","domains":["health"],"divisionCode":"410103"}`
	cases := []struct {
		name, token, method, path, body string
		status                          int
	}{
		{"org admin edits another organisation", w.adminA, "PUT", "/v1/organisations/" + w.orgB, editB, 403},
		{"volunteer edits an organisation", w.volunteer, "PUT", "/v1/organisations/" + w.orgA, edit, 403},
		{"other county's civil affairs edits", w.erqi, "PUT", "/v1/organisations/" + w.orgA, edit, 403},
		{"org admin changes own status", w.adminA, "POST", "/v1/organisations/" + w.orgA + "/status", `{"to":"demonstration"}`, 403},
		{"other county changes status", w.erqi, "POST", "/v1/organisations/" + w.orgA + "/status", `{"to":"warned"}`, 403},
		{"org admin recognises itself as charity", w.adminA, "POST", "/v1/organisations/" + w.orgA + "/charity-recognition", `{"recognised":true,"recognisedOn":"2024-01-01"}`, 403},
		{"org admin adds staff to another org", w.adminA, "POST", "/v1/organisations/" + w.orgB + "/members", `{"phone":"13100000013","role":"social_worker"}`, 403},
		{"volunteer lists members", w.volunteer, "GET", "/v1/organisations/" + w.orgA + "/members", ``, 403},
		{"org admin lists another org's members", w.adminA, "GET", "/v1/organisations/" + w.orgB + "/members", ``, 403},
		{"org admin registers an organisation", w.adminA, "POST", "/v1/organisations", orgBody(t, 60, "social_work_agency", "410102", ""), 403},
		{"county registers in another county", w.zhongyuan, "POST", "/v1/organisations", orgBody(t, 61, "social_work_agency", "410103", ""), 403},
		{"org admin moves its registration", w.adminA, "PUT", "/v1/organisations/" + w.orgA, strings.Replace(edit, "410102", "410103", 1), 403},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.h.do(c.method, c.path, c.body, bearerHeader(c.token)...)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Raw)
			}
		})
	}
	for _, id := range []string{w.orgA, w.orgB} {
		r := w.h.do("GET", "/v1/organisations/"+id, "")
		if r.str("name") == "改名后的机构" || r.str("status") != "active" || r.Body["charityRecognised"] != false {
			t.Errorf("a refused attempt changed %s: %s", id, r.Raw)
		}
	}
	// The allowed moves work.
	if r := w.h.do("PUT", "/v1/organisations/"+w.orgA, edit, bearerHeader(w.adminA)...); r.Status != 200 || r.str("name") != "改名后的机构" {
		t.Errorf("own admin edits: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/organisations/"+w.orgA+"/members", `{"phone":"13100000013","role":"social_worker"}`, bearerHeader(w.adminA)...); r.Status != 202 {
		t.Errorf("own admin invites a social worker: %d %s", r.Status, r.Raw)
	} else {
		acceptOffer(t, w.h, w.volunteer, r)
	}
	_, refresh := w.h.login("13100000013", "secret-pass")
	r := w.h.do("POST", "/v1/auth/refresh", `{"refreshToken":"`+refresh+`"}`)
	if !strings.Contains(r.Raw, `"role":"social_worker","organisationId":"`+w.orgA+`"`) {
		t.Errorf("staff member lacks the social_worker binding: %s", r.Raw)
	}
	// Contact phones are masked for the public and shown to the organisation's admin.
	if r := w.h.do("GET", "/v1/organisations/"+w.orgA, ""); r.str("contactPhone") != "135****5678" {
		t.Errorf("public sees contact phone %q", r.str("contactPhone"))
	}
	if r := w.h.do("GET", "/v1/organisations/"+w.orgA, "", bearerHeader(w.adminA)...); r.str("contactPhone") != "13512345678" {
		t.Errorf("own admin sees contact phone %q", r.str("contactPhone"))
	}
}

func TestOrganisationStatusMachine(t *testing.T) {
	w := newWorld(t)
	status := func(to, extra string) response {
		return w.h.do("POST", "/v1/organisations/"+w.orgA+"/status", `{"to":"`+to+`"`+extra+`}`, bearerHeader(w.zhongyuan)...)
	}
	// A demonstration organisation holds a valid evaluation (issue 18).
	if r := w.h.do("POST", "/v1/organisations/"+w.orgA+"/evaluations", evaluationBody("grade_4a", today(-1), ""), bearerHeader(w.zhongyuan)...); r.Status != 201 {
		t.Fatalf("evaluation: %d %s", r.Status, r.Raw)
	}
	steps := []struct {
		to, extra string
		status    int
		location  string
	}{
		{"incubating", "", 422, "body.to"}, // active → incubating is illegal
		{"flying", "", 422, "body.to"},
		{"demonstration", `,"note":"示范机构评定"`, 200, ""},
		{"warned", `,"note":"年检不合格"`, 200, ""},
		{"exited", "", 422, "body.reason"},
		{"exited", `,"reason":"made_up"`, 422, "body.reason"},
		{"exited", `,"reason":"long_term_inactivity"`, 200, ""},
		{"active", "", 422, "body.to"}, // exit is final
	}
	for i, s := range steps {
		r := status(s.to, s.extra)
		if r.Status != s.status {
			t.Fatalf("step %d → %s: %d, want %d: %s", i, s.to, r.Status, s.status, r.Raw)
		}
		if s.location != "" && !strings.Contains(strings.Join(r.locations(), ","), s.location) {
			t.Errorf("step %d: errors name %v, want %s", i, r.locations(), s.location)
		}
	}
	h := w.h.do("GET", "/v1/organisations/"+w.orgA+"/history", "")
	items := h.Body["items"].([]any)
	if len(items) != 3 || items[2].(map[string]any)["reason"] != "long_term_inactivity" || items[0].(map[string]any)["from"] != "active" {
		t.Fatalf("history: %s", h.Raw)
	}
	if r := w.h.do("GET", "/v1/organisations/"+w.orgA, ""); r.str("status") != "exited" || r.str("exitReason") != "long_term_inactivity" {
		t.Errorf("after exit: %s", r.Raw)
	}
}

// TestConcurrentStatusChanges: many concurrent changes from one state; the
// unique transition record lets exactly one through.
func TestConcurrentStatusChanges(t *testing.T) {
	w := newWorld(t)
	var ok atomic.Int32
	var wg sync.WaitGroup
	targets := []string{"demonstration", "warned", "suspended"}
	for i := range 120 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := w.h.do("POST", "/v1/organisations/"+w.orgA+"/status", `{"to":"`+targets[i%3]+`"}`, bearerHeader(w.zhongyuan)...)
			switch r.Status {
			case 200:
				ok.Add(1)
			case 409, 422: // stale state, or no longer a legal move from the new state
			default:
				t.Errorf("status %d: %s", r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	h := w.h.do("GET", "/v1/organisations/"+w.orgA+"/history", "")
	items := h.Body["items"].([]any)
	if int(ok.Load()) != len(items) {
		t.Fatalf("%d changes succeeded but history has %d", ok.Load(), len(items))
	}
	// The recorded chain is consistent: each step starts where the last ended.
	prev := "active"
	for _, it := range items {
		m := it.(map[string]any)
		if m["from"] != prev {
			t.Fatalf("broken chain: %s", h.Raw)
		}
		prev = m["to"].(string)
	}
	if r := w.h.do("GET", "/v1/organisations/"+w.orgA, ""); r.str("status") != prev {
		t.Errorf("organisation says %s, history ends at %s", r.str("status"), prev)
	}
}

func TestComplaints(t *testing.T) {
	w := newWorld(t)
	file := w.h.do("POST", "/v1/organisations/"+w.orgA+"/complaints", `{"category":"service_quality","content":"服务人员多次未按约定时间上门服务。"}`, bearerHeader(w.volunteer)...)
	if file.Status != 201 || file.str("status") != "received" {
		t.Fatalf("file: %d %s", file.Status, file.Raw)
	}
	id := file.str("id")
	cases := []struct {
		name, token, method, path, body string
		status                          int
	}{
		{"bad category", w.volunteer, "POST", "/v1/organisations/" + w.orgA + "/complaints", `{"category":"x","content":"服务人员多次未按约定时间上门服务。"}`, 422},
		{"too short", w.volunteer, "POST", "/v1/organisations/" + w.orgA + "/complaints", `{"category":"other","content":"差"}`, 422},
		{"unknown organisation", w.volunteer, "POST", "/v1/organisations/nope/complaints", `{"category":"other","content":"服务人员多次未按约定时间上门服务。"}`, 404},
		{"organisation cannot read complaints about it", w.adminA, "GET", "/v1/complaints/" + id, ``, 404},
		{"other county cannot read", w.erqi, "GET", "/v1/complaints/" + id, ``, 404},
		{"complainant reads own", w.volunteer, "GET", "/v1/complaints/" + id, ``, 200},
		{"complainant cannot handle", w.volunteer, "POST", "/v1/complaints/" + id + "/transitions", `{"to":"dismissed","note":"x"}`, 403},
		{"other county cannot handle", w.erqi, "POST", "/v1/complaints/" + id + "/transitions", `{"to":"dismissed","note":"x"}`, 404},
		{"volunteer cannot list", w.volunteer, "GET", "/v1/complaints", ``, 403},
		{"other county cannot list this county", w.erqi, "GET", "/v1/complaints?division=410102", ``, 403},
		{"illegal jump", w.zhongyuan, "POST", "/v1/complaints/" + id + "/transitions", `{"to":"upheld","note":"直接认定"}`, 422},
		{"note required", w.zhongyuan, "POST", "/v1/complaints/" + id + "/transitions", `{"to":"investigating","note":""}`, 422},
		{"investigate", w.zhongyuan, "POST", "/v1/complaints/" + id + "/transitions", `{"to":"investigating","note":"已约谈机构负责人"}`, 200},
		{"uphold", w.zhongyuan, "POST", "/v1/complaints/" + id + "/transitions", `{"to":"upheld","note":"情况属实，责令整改"}`, 200},
		{"no move after a decision", w.city, "POST", "/v1/complaints/" + id + "/transitions", `{"to":"dismissed","note":"复核"}`, 422},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.h.do(c.method, c.path, c.body, bearerHeader(c.token)...)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Raw)
			}
		})
	}
	r := w.h.do("GET", "/v1/complaints/"+id, "", bearerHeader(w.volunteer)...)
	trail := r.Body["trail"].([]any)
	if r.str("status") != "upheld" || len(trail) != 2 || trail[1].(map[string]any)["note"] != "情况属实，责令整改" {
		t.Fatalf("trail: %s", r.Raw)
	}
	list := w.h.do("GET", "/v1/complaints?status=upheld", "", bearerHeader(w.city)...)
	if n := len(list.Body["items"].([]any)); n != 1 {
		t.Errorf("city list: %d items: %s", n, list.Raw)
	}
	if !strings.Contains(list.Raw, id) || strings.Contains(list.Raw, "filedBy") {
		t.Errorf("list: %s", list.Raw)
	}
}

func TestStations(t *testing.T) {
	w := newWorld(t)
	const town = "410102001" // 林山寨街道, 中原区
	body := `{"townCode":"` + town + `","name":"林山寨街道社会工作服务站","serviceAreas":["social_assistance","community_governance"],"openedOn":"2023-05-01","operatorOrgId":"` + w.orgA + `"}`
	cases := []struct {
		name, token, body string
		status            int
		location          string
	}{
		{"org admin cannot open", w.adminA, body, 403, ""},
		{"other county cannot open", w.erqi, body, 403, ""},
		{"county-level code", w.zhongyuan, strings.Replace(body, `"townCode":"410102001"`, `"townCode":"410102000"`, 1), 422, "body.townCode"},
		{"unknown area", w.zhongyuan, strings.Replace(body, "social_assistance", "tourism", 1), 422, "body.serviceAreas[0]"},
		{"bad date", w.zhongyuan, strings.Replace(body, "2023-05-01", "2023-13-01", 1), 422, "body.openedOn"},
		{"unknown operator", w.zhongyuan, strings.Replace(body, w.orgA, "nope", 1), 422, "body.operatorOrgId"},
		{"not a social worker", w.zhongyuan, strings.Replace(body, `"openedOn"`, `"socialWorkers":["`+w.volunteerID+`"],"openedOn"`, 1), 422, "body.socialWorkers[0]"},
		{"open", w.zhongyuan, body, 201, ""},
		{"second station in one township", w.city, body, 409, "body.townCode"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.h.do("POST", "/v1/stations", c.body, bearerHeader(c.token)...)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Raw)
			}
			if c.location != "" && !strings.Contains(strings.Join(r.locations(), ","), c.location) {
				t.Errorf("errors name %v, want %s", r.locations(), c.location)
			}
		})
	}
	if r := w.h.do("PUT", "/v1/stations/"+town, `{"name":"改名","serviceAreas":["social_assistance"]}`, bearerHeader(w.erqi)...); r.Status != 403 {
		t.Errorf("other county edits a station: %d", r.Status)
	}
	if r := w.h.do("GET", "/v1/stations/"+town, ""); r.str("name") != "林山寨街道社会工作服务站" || r.str("countyCode") != "410102" {
		t.Errorf("station: %s", r.Raw)
	}
	if r := w.h.do("GET", "/v1/stations?division=410103", ""); len(r.Body["items"].([]any)) != 0 {
		t.Errorf("二七区 lists 中原区's station: %s", r.Raw)
	}
	if r := w.h.do("GET", "/v1/stations?division=4101", ""); len(r.Body["items"].([]any)) != 1 {
		t.Errorf("city list: %s", r.Raw)
	}
}

func TestStationRace(t *testing.T) {
	w := newWorld(t)
	var ok atomic.Int32
	var wg sync.WaitGroup
	for range 150 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := w.h.do("POST", "/v1/stations", `{"townCode":"410102002","name":"建设路街道社工站","serviceAreas":["social_assistance"],"openedOn":"2023-05-01"}`, bearerHeader(w.zhongyuan)...)
			if r.Status == 201 {
				ok.Add(1)
			} else if r.Status != 409 {
				t.Errorf("status %d: %s", r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d stations opened in one township", ok.Load())
	}
}

func TestDivisions(t *testing.T) {
	h := newHarness(t)
	r := h.do("GET", "/v1/divisions", "")
	if r.Status != 200 || len(r.Body["items"].([]any)) != 15 {
		t.Fatalf("counties: %d %.300s", r.Status, r.Raw)
	}
	r = h.do("GET", "/v1/divisions?parent=410102001&limit=3", "")
	items := r.Body["items"].([]any)
	if len(items) != 3 || r.str("nextCursor") == "" || items[0].(map[string]any)["level"] != "village" {
		t.Fatalf("page 1: %s", r.Raw)
	}
	r2 := h.do("GET", "/v1/divisions?parent=410102001&limit=3&cursor="+r.str("nextCursor"), "")
	if first := r2.Body["items"].([]any)[0].(map[string]any)["code"].(string); first <= items[2].(map[string]any)["code"].(string) {
		t.Errorf("page 2 does not follow page 1")
	}
	if r := h.do("GET", "/v1/divisions/410102", ""); r.str("name") != "中原区" || r.Body["children"].(float64) < 5 {
		t.Errorf("中原区: %s", r.Raw)
	}
	for path, want := range map[string]int{"/v1/divisions/999999": 404, "/v1/divisions/abc": 422, "/v1/divisions?parent=410199": 404, "/v1/divisions?limit=1000": 422} {
		if r := h.do("GET", path, ""); r.Status != want {
			t.Errorf("%s: %d, want %d", path, r.Status, want)
		}
	}
}

func TestAuditLogScope(t *testing.T) {
	w := newWorld(t)
	if r := w.h.do("POST", "/v1/organisations/"+w.orgA+"/status", `{"to":"warned","note":"年检"}`, bearerHeader(w.zhongyuan)...); r.Status != 200 {
		t.Fatalf("status: %d", r.Status)
	}
	r := w.h.do("GET", "/v1/audit", "", bearerHeader(w.zhongyuan)...)
	if r.Status != 200 || !strings.Contains(r.Raw, `"action":"organisation.status"`) {
		t.Fatalf("中原区 audit: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/audit?division=410102", "", bearerHeader(w.erqi)...); r.Status != 403 {
		t.Errorf("二七区 reads 中原区's audit: %d", r.Status)
	}
	if r := w.h.do("GET", "/v1/audit", "", bearerHeader(w.erqi)...); strings.Contains(r.Raw, "organisation.status") {
		t.Errorf("二七区's own audit shows 中原区's entry: %s", r.Raw)
	}
	if r := w.h.do("GET", "/v1/audit", "", bearerHeader(w.adminA)...); r.Status != 403 {
		t.Errorf("an org admin reads the audit: %d", r.Status)
	}
}
