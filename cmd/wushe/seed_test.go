package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wushe/wushe/demo"
	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/needs"
)

// smallDemo is the city of seedArgs, for seeding it again in process.
func smallDemo() demo.Options {
	o := demo.DefaultOptions()
	o.Volunteers, o.SocialWorkers, o.Organisations, o.Stations, o.Needs = 50, 10, 20, 10, 30
	return o
}

// seedArgs seeds the small city into cfg's stores.
func seedArgs(cfg Config) []string {
	args := []string{"seed", "--demo", "--data-dir", cfg.DataDir, "--mongo-db", cfg.MongoDB, "--redis-prefix", cfg.RedisPrefix,
		"--log-level", "error", "--volunteers", "50", "--social-workers", "10", "--organisations", "20", "--stations", "10", "--needs", "30"}
	if cfg.DataKey != "" { // external stores: the key that seals ID numbers comes from the configuration
		args = append(args, "--data-key", cfg.DataKey)
	}
	if cfg.MongoURI != "" {
		args = append(args, "--sms-provider", "log")
	}
	return args
}

// demoCounts counts the documents of every collection the demo city fills.
func demoCounts(t *testing.T, srv *Server) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, col := range []string{"accounts", "phones", "volunteers", "social_workers", "organisations", "credit_codes", "org_members", "stations", "needs",
		"plans", "assignments", "places", "funds", "fund_ledger", "price_tables", "employing_units", "posts", "post_holdings"} {
		n, err := srv.Stores.DB.Database().Collection(col).CountDocuments(context.Background(), bson.D{})
		if err != nil {
			t.Fatalf("count %s: %v", col, err)
		}
		out[col] = n
	}
	return out
}

func TestSeedDemoSmallCityTwiceThenLogIn(t *testing.T) {
	cfg := testConfig(t)
	var out1, out2, err2 bytes.Buffer
	if err := run(context.Background(), seedArgs(cfg), os.Getenv, nil, &out1, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), seedArgs(cfg), os.Getenv, nil, &out2, &err2); err != nil {
		t.Fatal(err)
	}
	for _, phase := range []string{"organisations", "stations", "social workers", "volunteers", "needs", "past shifts", "funds", "price tables", "posts", "logins"} {
		if !phaseLine(err2.String(), phase, ", 0 new, ") {
			t.Errorf("second run inserted %s:\n%s", phase, err2.String())
		}
	}
	if out1.String() != out2.String() {
		t.Errorf("the two runs printed different logins:\n%s\n%s", out1.String(), out2.String())
	}

	base, srv := startServer(t, cfg)
	// A third time in process, as serve --demo would: the marker is there,
	// and seeding regardless finds everything in place. (demo's own tests
	// count every collection against the plan.)
	ctx := context.Background()
	want := demoCounts(t, srv)
	for col, n := range want {
		if n == 0 {
			t.Errorf("no %s seeded", col)
		}
	}
	if seeded, err := demo.SeedAtStart(ctx, srv.Stores.DB, smallDemo(), newLogger(io.Discard, "error"), io.Discard); err != nil || seeded {
		t.Fatalf("serve --demo on a seeded store: seeded %v, %v", seeded, err)
	}
	res, err := demo.Seed(ctx, srv.Stores.DB, smallDemo(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for _, ph := range res.Phases {
		if ph.Created != 0 || ph.Skipped != 0 {
			t.Errorf("third run, %s: %+v", ph.Name, ph)
		}
	}
	if got := demoCounts(t, srv); !reflect.DeepEqual(got, want) {
		t.Fatalf("documents after seeding a third time: %v, want %v", got, want)
	}

	// Every printed login works and holds the role it is printed for.
	lines := strings.Split(strings.TrimSpace(out1.String()), "\n")
	if len(lines) != 8 || !strings.HasPrefix(lines[0], "ROLE") {
		t.Fatalf("logins table:\n%s", out1.String())
	}
	seen := map[string]bool{}
	var committeePhone, volunteerPhone, volunteerID string
	for _, line := range lines[1:] {
		f := strings.Fields(line)
		role, phone, password, id := f[0], f[1], f[2], f[3]
		seen[role] = true
		switch models.Role(role) {
		case models.RoleCommunityAdmin:
			committeePhone = phone
		case models.RoleVolunteer:
			volunteerPhone, volunteerID = phone, id
		}
		st, tokens := post(t, base+"/v1/auth/login", `{"phone":"`+phone+`","password":"`+password+`"}`)
		if st != 200 {
			t.Errorf("login %s %s: %d %v", role, phone, st, tokens)
			continue
		}
		var binding map[string]any
		for _, b := range tokens["account"].(map[string]any)["roles"].([]any) {
			if b.(map[string]any)["role"] == role {
				binding = b.(map[string]any)
			}
		}
		if binding == nil {
			t.Errorf("login %s %s: roles %v", role, phone, tokens["account"])
			continue
		}
		checkDemoLogin(t, srv, models.Role(role), id, binding)
	}
	for _, r := range []models.Role{models.RoleCivilAffairs, models.RoleCommunityAdmin, models.RoleOrgAdmin, models.RoleCharityAdmin,
		models.RoleSocialWorker, models.RoleVolunteer} {
		if !seen[string(r)] {
			t.Errorf("no %s login printed", r)
		}
	}

	// The past shifts (the needs in progress): started before the seeding,
	// so the committee login marks the volunteer login's attendance and
	// verifies the hours.
	committee, volunteer := loginToken(t, base, committeePhone), loginToken(t, base, volunteerPhone)
	past, err := srv.Stores.DB.Needs().NeedsWithStatus(ctx, []models.NeedStatus{models.NeedInProgress}, "", 100)
	if err != nil || len(past) == 0 {
		t.Fatalf("past shifts: %d, %v", len(past), err)
	}
	for _, n := range past {
		occ := n.Occurrences()[0]
		if !occ.Window.End.Before(time.Now()) || n.Headcount < 1 {
			t.Fatalf("past shift %s: %+v, %d places", n.ID, occ.Window, n.Headcount)
		}
		body := `{"occurrenceId":"` + occ.ID + `","marks":[{"volunteerId":"` + volunteerID + `","checkin":"` +
			occ.Window.Start.Format(time.RFC3339) + `","checkout":"` + occ.Window.End.Format(time.RFC3339) + `"}]}`
		st, marked := post(t, base+"/v1/attendance/marks", body, "Authorization", "Bearer "+committee)
		recs, _ := marked["records"].([]any)
		if st != 200 || len(recs) != 1 {
			t.Fatalf("mark the volunteer login in %s: %d %v", n.ID, st, marked)
		}
		rec := recs[0].(map[string]any)
		if st, v := post(t, base+"/v1/hours/"+rec["id"].(string)+"/verification", `{"approve":true}`, "Authorization", "Bearer "+committee); st != 200 || v["status"] != "verified" {
			t.Fatalf("verify %v: %d %v", rec, st, v)
		}
	}
	if st, mine := get(t, base+"/v1/me/hours", "Authorization", "Bearer "+volunteer); st != 200 || len(mine["items"].([]any)) != len(past) {
		t.Fatalf("the volunteer login's hours: %d %v", st, mine)
	}
}

// phaseLine reports whether a progress line of phase in out contains s.
func phaseLine(out, phase, s string) bool {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, phase+" ") && strings.Contains(l, s) {
			return true
		}
	}
	return false
}

// checkDemoLogin checks that the login is what the table says it is.
func checkDemoLogin(t *testing.T, srv *Server, role models.Role, id string, binding map[string]any) {
	t.Helper()
	ctx := context.Background()
	switch role {
	case models.RoleCivilAffairs:
		if d := binding["divisionCode"]; d != "4101" && d != "410102" {
			t.Errorf("civil affairs of %v", d)
		}
	case models.RoleCommunityAdmin:
		code, _ := binding["communityCode"].(string)
		needs, _, err := srv.Stores.DB.Needs().ListNeeds(ctx, needs.NeedFilter{Community: code}, service.Page{Limit: 100})
		if err != nil || !strings.HasPrefix(code, "410102") || len(needs) == 0 {
			t.Errorf("community admin of %s (中原区?) with %d needs: %v", code, len(needs), err)
		}
	case models.RoleOrgAdmin, models.RoleCharityAdmin:
		o, err := srv.Stores.DB.Organisations().Organisation(ctx, binding["organisationId"].(string))
		want := map[models.Role]string{models.RoleOrgAdmin: "social_work_agency", models.RoleCharityAdmin: "charity_organisation"}[role]
		if err != nil || o.Kind != want || !o.Status.Operating() {
			t.Errorf("%s of %+v: %v", role, o, err)
		}
	case models.RoleSocialWorker:
		w, err := srv.Stores.DB.SocialWorkers().SocialWorker(ctx, id)
		if err != nil || !w.Supervisor || !w.Verified() || w.EmployerOrgID != binding["organisationId"] {
			t.Errorf("social worker login %+v: %v", w, err)
		}
	case models.RoleVolunteer:
		v, err := srv.Stores.DB.Volunteers().Volunteer(ctx, id)
		if err != nil || !v.RealNameVerified || v.Home == nil || !strings.HasPrefix(v.CommunityCode, "410102") {
			t.Errorf("volunteer login %+v: %v", v, err)
		} else if d, _ := models.DistrictAt(*v.Home); d != "410102" {
			t.Errorf("volunteer login's home %v is in %s", *v.Home, d)
		}
	default:
		t.Errorf("unexpected login role %s", role)
	}
}

func TestSeedRefusesWhileServerHoldsDataDir(t *testing.T) {
	if os.Getenv("MONGO_URI") != "" {
		t.Skip("the data-directory lock guards the embedded FerretDB only")
	}
	cfg := testConfig(t)
	startServer(t, cfg)
	err := run(context.Background(), seedArgs(cfg), func(string) string { return "" }, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("seed while serving: %v", err)
	}
}

func TestDemoFlagFromEnvironment(t *testing.T) {
	for env, want := range map[string]bool{"": false, "1": true, "true": true, "0": false} {
		cfg, err := loadConfig("serve", nil, func(k string) string { return map[string]string{"WUSHE_DEMO": env}[k] }, io.Discard)
		if err != nil || cfg.Demo != want {
			t.Errorf("WUSHE_DEMO=%q: demo %v, %v", env, cfg.Demo, err)
		}
	}
	if cfg, err := loadConfig("serve", []string{"--demo"}, func(string) string { return "" }, io.Discard); err != nil || !cfg.Demo {
		t.Errorf("--demo: %v %v", cfg.Demo, err)
	}
	if err := run(context.Background(), []string{"seed", "--data-dir", t.TempDir()}, func(string) string { return "" }, nil, io.Discard, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "--demo") {
		t.Errorf("seed without --demo: %v", err)
	}
}

// get reads url with the given headers.
func get(t *testing.T, url string, header ...string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(res.Body).Decode(&m)
	return res.StatusCode, m
}

// loginToken logs a demo account in with the demo password.
func loginToken(t *testing.T, base, phone string) string {
	t.Helper()
	st, m := post(t, base+"/v1/auth/login", `{"phone":"`+phone+`","password":"`+demo.DefaultOptions().Password+`"}`)
	if st != 200 {
		t.Fatalf("login %s: %d %v", phone, st, m)
	}
	return m["accessToken"].(string)
}
