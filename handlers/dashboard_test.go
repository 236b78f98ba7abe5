package handlers_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The dashboard's answer, as the test reads it off the wire.
type dashIndicator struct {
	Code           string   `json:"code"`
	Value          int      `json:"value"`
	Target         int      `json:"target"`
	ProgressPct    *float64 `json:"progressPct"`
	SharePct       *float64 `json:"sharePct"`
	TargetSharePct *float64 `json:"targetSharePct"`
}

type dashCompliance struct {
	Total         int      `json:"total"`
	Compliant     int      `json:"compliant"`
	CompliancePct *float64 `json:"compliancePct"`
}

type dashFigures struct {
	SocialWorkers              int `json:"socialWorkers"`
	ProfessionalPosts          int `json:"professionalPosts"`
	ServiceOrganisations       int `json:"serviceOrganisations"`
	DemonstrationOrganisations int `json:"demonstrationOrganisations"`
	Towns                      int `json:"towns"`
	TownsWithStation           int `json:"townsWithStation"`
	Needs                      struct {
		Posted    int            `json:"posted"`
		Staffed   int            `json:"staffed"`
		Completed int            `json:"completed"`
		ByStatus  map[string]int `json:"byStatus"`
	} `json:"needs"`
	VerifiedHours       float64        `json:"verifiedHours"`
	Grants              int            `json:"grants"`
	GrantsFen           int64          `json:"grantsFen"`
	ElderCare           dashCompliance `json:"elderCare"`
	PurchasedProjects   dashCompliance `json:"purchasedProjects"`
	ContinuingEducation dashCompliance `json:"continuingEducation"`
}

type dashRow struct {
	Code       string          `json:"code"`
	Name       string          `json:"name"`
	Figures    dashFigures     `json:"figures"`
	Indicators []dashIndicator `json:"indicators"`
}

type dashSeries struct {
	Month         string  `json:"month"`
	Domain        string  `json:"domain"`
	Needs         int     `json:"needs"`
	VerifiedHours float64 `json:"verifiedHours"`
	Grants        int     `json:"grants"`
	GrantsFen     int64   `json:"grantsFen"`
}

type dashboard struct {
	Division        string    `json:"division"`
	SnapshotDate    string    `json:"snapshotDate"`
	SnapshotTakenAt time.Time `json:"snapshotTakenAt"`
	Today           struct {
		Since              time.Time `json:"since"`
		HoursVerified      float64   `json:"hoursVerified"`
		Records            int       `json:"records"`
		HoursVerifiedTotal float64   `json:"hoursVerifiedTotal"`
	} `json:"today"`
	Rows   []dashRow `json:"rows"`
	Total  dashRow   `json:"total"`
	Series []dashSeries
	Map    []struct {
		Code             string   `json:"code"`
		Towns            int      `json:"towns"`
		TownsWithStation int      `json:"townsWithStation"`
		CoveragePct      *float64 `json:"coveragePct"`
		NeedsPosted      int      `json:"needsPosted"`
	} `json:"map"`
	NonCompliantElderCare []struct {
		OrganisationID string `json:"organisationId"`
		Beds           int    `json:"beds"`
		Required       int    `json:"requiredSocialWorkers"`
		Employed       int    `json:"employedSocialWorkers"`
	} `json:"nonCompliantElderCare"`
	FlaggedProjects []struct {
		ApplicationID string   `json:"applicationId"`
		Flags         []string `json:"flags"`
	} `json:"flaggedProjects"`
}

func (d *dashboard) row(t *testing.T, code string) dashRow {
	t.Helper()
	for _, r := range d.Rows {
		if r.Code == code {
			return r
		}
	}
	t.Fatalf("no row %s", code)
	return dashRow{}
}

func (r dashRow) indicator(t *testing.T, code string) dashIndicator {
	t.Helper()
	for _, in := range r.Indicators {
		if in.Code == code {
			return in
		}
	}
	t.Fatalf("row %s has no indicator %s", r.Code, code)
	return dashIndicator{}
}

func readDashboard(t *testing.T, h *harness, tok, division string) *dashboard {
	t.Helper()
	r := h.do("GET", "/v1/dashboard?division="+division, "", bearerHeader(tok)...)
	if r.Status != 200 {
		t.Fatalf("dashboard %s: %d %s", division, r.Status, r.Raw)
	}
	var d dashboard
	if err := json.Unmarshal([]byte(r.Raw), &d); err != nil {
		t.Fatal(err)
	}
	return &d
}

// tally is what the test seeded in one district, counted by hand.
type tally struct {
	socialWorkers, posts, serviceOrgs, demonstration, stations int
	elderCare, elderCompliant, purchased, purchasedFlagged     int
	needsByStatus                                              map[string]int
	hours                                                      float64
	grants                                                     int
	grantsFen                                                  int64
	ceTotal, ceCompliant                                       int
}

// pctOf is the test's own percentage: one decimal, half away from zero.
func pctOf(part, whole int) *float64 {
	if whole == 0 {
		return nil
	}
	v := math.Round(float64(part)/float64(whole)*1000) / 10
	return &v
}

func samePct(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(*a-*b) < 1e-9
}

// certifiedWorker registers a social worker employed by org (added by the
// civil affairs token civil), with a certificate of level, a post title
// when post is set, verified by civil affairs when verify is set.
func (w *world) certifiedWorker(t *testing.T, civil, org, phone, level string, post, verify bool) (id, token string) {
	t.Helper()
	id = w.h.register(phone)
	if r := w.h.do("POST", "/v1/organisations/"+org+"/members", `{"phone":"`+phone+`","role":"social_worker"}`, bearerHeader(civil)...); r.Status != 201 {
		t.Fatalf("add social worker: %d %s", r.Status, r.Raw)
	}
	token, _ = w.h.login(phone, "secret-pass")
	body := `{"certificate":{"level":"` + level + `","number":"SW-` + phone + `","issuedOn":"2021-06-01"}`
	if post {
		body += `,"post":{"level":"` + level + `","grade":3}`
	}
	body += `,"domains":["social_welfare"]}`
	if r := w.h.do("PUT", "/v1/me/social-worker-profile", body, bearerHeader(token)...); r.Status != 200 {
		t.Fatalf("social worker profile: %d %s", r.Status, r.Raw)
	}
	if verify {
		if r := w.h.do("POST", "/v1/social-workers/"+id+"/certificate-verification", `{"decision":"verified"}`, bearerHeader(civil)...); r.Status != 200 {
			t.Fatalf("verify certificate: %d %s", r.Status, r.Raw)
		}
	}
	return id, token
}

// dashCSV reads a CSV answer (UTF-8 with BOM), header included.
func dashCSV(t *testing.T, r response) [][]string {
	t.Helper()
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(r.Raw, "\uFEFF") {
		t.Fatalf("csv: %d %q %.300s", r.Status, r.Header.Get("Content-Type"), r.Raw)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Raw, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

var shanghaiTZ = time.FixedZone("CST", 8*3600)

// dateOf is t's calendar date in Asia/Shanghai.
func dateOf(t time.Time) string { return t.In(shanghaiTZ).Format("2006-01-02") }

// TestDashboardRefresh: civil affairs can take a fresh snapshot before the
// nightly job, once a minute; nobody else can.
func TestDashboardRefresh(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	posted := func(r response) int64 { return r.num("total", "figures", "needs", "posted") }
	before := w.h.do("GET", "/v1/dashboard", "", bearerHeader(w.city)...)
	if before.Status != 200 {
		t.Fatalf("dashboard: %d %s", before.Status, before.Raw)
	}
	w.postNeed(t, zy, "")
	if r := w.h.do("GET", "/v1/dashboard", "", bearerHeader(w.city)...); posted(r) != posted(before) {
		t.Fatalf("the snapshot changed without a refresh: %s", r.Raw)
	}
	r := w.h.do("POST", "/v1/dashboard/snapshot", "", bearerHeader(w.city)...)
	if r.Status != 200 || posted(r) != posted(before)+1 {
		t.Fatalf("refresh: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/dashboard/snapshot", "", bearerHeader(w.city)...); r.Status != 429 {
		t.Fatalf("a second refresh within the minute: %d %s", r.Status, r.Raw)
	}
	for name, tok := range map[string]string{"committee": zy, "org admin": w.adminA, "volunteer": w.volunteer} {
		if r := w.h.do("POST", "/v1/dashboard/snapshot", "", bearerHeader(tok)...); r.Status != 403 {
			t.Fatalf("%s refreshes: %d", name, r.Status)
		}
	}
	if r := w.h.do("POST", "/v1/dashboard/snapshot?division=4101", "", bearerHeader(w.zhongyuan)...); r.Status != 403 {
		t.Fatalf("a county refreshes the city's view: %d %s", r.Status, r.Raw)
	}
}

// checkDashboardCSV checks that the CSV holds the figures of the city's
// dashboard, row by row and total, and a county's CSV its own row.
func checkDashboardCSV(t *testing.T, w *fundWorld, city *dashboard, seed map[string]*tally) {
	t.Helper()
	rows := dashCSV(t, w.h.do("GET", "/v1/dashboard.csv?division=4101", "", bearerHeader(w.city)...))
	if len(rows) != 1+15+1 {
		t.Fatalf("csv: %d rows", len(rows))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	cell := func(row []string, name string) string {
		t.Helper()
		i, ok := col[name]
		if !ok {
			t.Fatalf("csv has no column %q: %v", name, rows[0])
		}
		return row[i]
	}
	csvLine := func(code string) []string {
		for _, r := range rows[1 : len(rows)-1] {
			if cell(r, "区划代码") == code {
				return r
			}
		}
		t.Fatalf("csv has no row %s", code)
		return nil
	}
	pctText := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', 1, 64)
	}
	for _, c := range []struct {
		line []string
		row  dashRow
	}{{csvLine(zhongyuan), city.row(t, zhongyuan)}, {csvLine(erqi), city.row(t, erqi)}, {rows[len(rows)-1], city.Total}} {
		f := c.row.Figures
		if cell(c.line, "快照日期") != city.SnapshotDate || cell(c.line, "区划代码") != c.row.Code {
			t.Errorf("csv row %v", c.line)
		}
		for name, want := range map[string]string{
			"持证社工": strconv.Itoa(f.SocialWorkers), "专业岗位": strconv.Itoa(f.ProfessionalPosts), "社工服务机构": strconv.Itoa(f.ServiceOrganisations),
			"有社工站的乡镇街道": strconv.Itoa(f.TownsWithStation), "示范机构": strconv.Itoa(f.DemonstrationOrganisations), "乡镇街道数": strconv.Itoa(f.Towns),
			"已发布需求": strconv.Itoa(f.Needs.Posted), "已满员及之后需求": strconv.Itoa(f.Needs.Staffed), "已完成需求": strconv.Itoa(f.Needs.Completed),
			"需求-草稿": strconv.Itoa(f.Needs.ByStatus["draft"]), "需求-已取消": strconv.Itoa(f.Needs.ByStatus["cancelled"]),
			"已核实志愿服务时长": strconv.FormatFloat(f.VerifiedHours, 'f', 2, 64), "资助笔数": strconv.Itoa(f.Grants),
			"资助金额（元）": fmt.Sprintf("%d.%02d", f.GrantsFen/100, f.GrantsFen%100), "养老机构": strconv.Itoa(f.ElderCare.Total),
			"社工配备达标养老机构": strconv.Itoa(f.ElderCare.Compliant), "政府购买项目": strconv.Itoa(f.PurchasedProjects.Total),
			"未被标记的政府购买项目": strconv.Itoa(f.PurchasedProjects.Compliant), "继续教育人数": strconv.Itoa(f.ContinuingEducation.Total),
			"继续教育达标人数": strconv.Itoa(f.ContinuingEducation.Compliant), "继续教育达标率%": pctText(f.ContinuingEducation.CompliancePct),
			"持证社工进度%": pctText(c.row.indicator(t, "social_workers").ProgressPct), "持证社工占全市%": pctText(c.row.indicator(t, "social_workers").SharePct),
			"有社工站的乡镇街道目标": strconv.Itoa(c.row.indicator(t, "towns_with_station").Target),
		} {
			if got := cell(c.line, name); got != want {
				t.Errorf("csv %s %s = %q, want %q", c.row.Code, name, got, want)
			}
		}
	}
	if county := dashCSV(t, w.h.do("GET", "/v1/dashboard.csv?division="+zhongyuan, "", bearerHeader(w.zhongyuan)...)); len(county) != 3 ||
		county[1][col["持证社工"]] != strconv.Itoa(seed[zhongyuan].socialWorkers) {
		t.Errorf("中原's csv: %v", county)
	}
}
