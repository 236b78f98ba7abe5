package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
)

// smallDemo is the city the tests seed: big enough to have every kind of
// object, small enough to seed in a second or two.
func smallDemo() demoOptions {
	o := defaultDemoOptions()
	o.Volunteers, o.SocialWorkers, o.Organisations, o.Stations, o.Needs = 50, 10, 20, 10, 30
	return o
}

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
		"plans", "assignments", "places", "funds", "fund_ledger", "price_tables"} {
		n, err := srv.Stores.DB.Database().Collection(col).CountDocuments(context.Background(), bson.D{})
		if err != nil {
			t.Fatalf("count %s: %v", col, err)
		}
		out[col] = n
	}
	return out
}

// smallDemoCounts is how many documents the small city has in each
// collection demoCounts counts: the past shifts' plans and places as
// planned (their volunteers are those of one community).
func smallDemoCounts(t *testing.T) map[string]int64 {
	t.Helper()
	opts := smallDemo()
	opts.Now = time.Now()
	city, err := planDemoCity(opts, "")
	if err != nil {
		t.Fatal(err)
	}
	var places int64
	for _, ps := range city.pastShifts {
		places += int64(len(ps.assignments))
	}
	return map[string]int64{"accounts": 50 + 10 + 5, "phones": 50 + 10 + 5, "volunteers": 50, "social_workers": 10,
		"organisations": 20, "credit_codes": 20, "org_members": 10 + 2, "stations": 10, "needs": 30 + int64(len(demoPastShifts)),
		"plans": int64(len(demoPastShifts)), "assignments": places, "places": places,
		"funds": 2, "fund_ledger": 2, "price_tables": 2}
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
	for _, phase := range []string{"organisations", "stations", "social workers", "volunteers", "needs", "past shifts", "funds", "price tables", "logins"} {
		if !phaseLine(err2.String(), phase, ", 0 new, ") {
			t.Errorf("second run inserted %s:\n%s", phase, err2.String())
		}
	}
	if out1.String() != out2.String() {
		t.Errorf("the two runs printed different logins:\n%s\n%s", out1.String(), out2.String())
	}

	base, srv := startServer(t, cfg)
	want := smallDemoCounts(t) // a charity fund and a purchase budget, each with its opening deposit
	if got := demoCounts(t, srv); !reflect.DeepEqual(got, want) {
		t.Fatalf("documents after seeding twice: %v, want %v", got, want)
	}
	// A third time in process, as serve --demo would: the marker is there,
	// and seeding regardless finds everything in place.
	ctx := context.Background()
	var progress bytes.Buffer
	if seeded, err := seedDemoAtStart(ctx, srv.Stores, smallDemo(), newLogger(io.Discard, "error"), &progress); err != nil || seeded {
		t.Fatalf("serve --demo on a seeded store: seeded %v, %v", seeded, err)
	}
	res, err := seedDemo(ctx, srv.Stores, smallDemo(), &progress)
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
	for _, line := range lines[1:] {
		f := strings.Fields(line)
		role, phone, password, id := f[0], f[1], f[2], f[3]
		seen[role] = true
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

	// The past shifts: started before the seeding, so the committee login
	// marks the volunteer login's attendance and verifies the hours.
	committee, volunteer := loginToken(t, base, demoAdminPhone(3)), loginToken(t, base, demoVolunteerPhone(1))
	for i := range demoPastShifts {
		n, err := srv.Stores.DB.Needs().Need(ctx, demoPastShiftID(i+1))
		if err != nil {
			t.Fatal(err)
		}
		occ := n.Occurrences()[0]
		if !occ.Window.End.Before(time.Now()) || n.Headcount < 1 {
			t.Fatalf("past shift %s: %+v, %d places", n.ID, occ.Window, n.Headcount)
		}
		body := `{"occurrenceId":"` + occ.ID + `","marks":[{"volunteerId":"` + demoVolunteerID(1) + `","checkin":"` +
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
	if st, mine := get(t, base+"/v1/me/hours", "Authorization", "Bearer "+volunteer); st != 200 || len(mine["items"].([]any)) != len(demoPastShifts) {
		t.Fatalf("the volunteer login's hours: %d %v", st, mine)
	}

	// Homes and needs lie in Zhengzhou, about 70% in the central districts.
	var homes, needs []models.Point
	for p := (service.Page{Limit: 100}); ; {
		list, next, err := srv.Stores.DB.Volunteers().ListVolunteers(ctx, service.VolunteerFilter{}, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range list {
			homes = append(homes, *v.Home)
			if d, ok := models.DistrictAt(*v.Home); !ok || !strings.HasPrefix(v.CommunityCode, d) {
				t.Errorf("volunteer %s: home %v in %q, community %s", v.AccountID, *v.Home, d, v.CommunityCode)
			}
		}
		if next == "" {
			break
		}
		p.Cursor = next
	}
	list, err := srv.Stores.DB.Needs().NeedsWithStatus(ctx, []models.NeedStatus{models.NeedOpen}, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range list {
		needs = append(needs, n.Location)
		if d, ok := models.DistrictAt(n.Location); !ok || !strings.HasPrefix(n.CommunityCode, d) {
			t.Errorf("need %s: at %v in %q, community %s", n.ID, n.Location, d, n.CommunityCode)
		}
	}
	for what, points := range map[string][]models.Point{"volunteer homes": homes, "needs": needs} {
		central := 0
		for _, p := range points {
			if !models.InZhengzhou(p) {
				t.Errorf("%s: %v is outside Zhengzhou", what, p)
			}
			if d, _ := models.DistrictAt(p); slices.Contains(demoCentral, d) {
				central++
			}
		}
		if share := float64(central) / float64(len(points)); share < 0.5 || share > 0.9 {
			t.Errorf("%s: %.0f%% of %d in the central districts, want about 70%%", what, 100*share, len(points))
		}
	}
	if len(homes) != 50 || len(needs) != 30 {
		t.Errorf("%d homes, %d needs", len(homes), len(needs))
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
		needs, _, err := srv.Stores.DB.Needs().ListNeeds(ctx, service.NeedFilter{Community: code}, service.Page{Limit: 100})
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

func TestServeDemoSeedsAtFirstStartOnly(t *testing.T) {
	cfg := testConfig(t)
	_, srv := startServer(t, cfg)
	ctx := context.Background()
	var progress bytes.Buffer
	seeded, err := seedDemoAtStart(ctx, srv.Stores, smallDemo(), newLogger(io.Discard, "error"), &progress)
	if err != nil || !seeded {
		t.Fatalf("first start: seeded %v, %v", seeded, err)
	}
	if !strings.Contains(progress.String(), "volunteers") || !strings.Contains(progress.String(), "15600000001") {
		t.Errorf("progress and logins:\n%s", progress.String())
	}
	before := demoCounts(t, srv)
	seeded, err = seedDemoAtStart(ctx, srv.Stores, smallDemo(), newLogger(io.Discard, "error"), io.Discard)
	if err != nil || seeded {
		t.Fatalf("second start: seeded %v, %v", seeded, err)
	}
	if after := demoCounts(t, srv); !reflect.DeepEqual(before, after) {
		t.Errorf("second start changed the store: %v → %v", before, after)
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

func TestDemoCityIsDeterministicAndValid(t *testing.T) {
	opts := defaultDemoOptions()
	opts.Now = time.Date(2025, 3, 1, 9, 0, 0, 0, models.Shanghai())
	a, err := planDemoCity(opts, "hash")
	if err != nil {
		t.Fatal(err)
	}
	b, err := planDemoCity(opts, "hash")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed drew two different cities")
	}
	kinds := map[string]int{}
	statuses := map[models.OrgStatus]int{}
	codes := map[string]bool{}
	for _, o := range a.orgs {
		kinds[o.Kind]++
		statuses[o.Status]++
		codes[o.CreditCode] = true
		if o.Kind == "elder_care_facility" && (o.Beds < 50 || o.Beds > 500) {
			t.Errorf("%s has %d beds", o.ID, o.Beds)
		}
	}
	if len(codes) != len(a.orgs) {
		t.Errorf("%d credit codes for %d organisations", len(codes), len(a.orgs))
	}
	if kinds["charity_organisation"] != 15 || kinds["supervision_evaluation_institution"] != 5 || kinds["elder_care_facility"] != 20 ||
		kinds["social_work_agency"]+kinds["community_social_organisation"] < 140 {
		t.Errorf("organisation kinds: %v", kinds)
	}
	if statuses[models.OrgIncubating] < 10 || statuses[models.OrgIncubating] > 30 || statuses[models.OrgDemonstration] < 10 || statuses[models.OrgDemonstration] > 30 {
		t.Errorf("organisation statuses: %v", statuses)
	}
	supervisors, verified, checked, minors, weekly, domains := 0, 0, 0, 0, 0, map[string]bool{}
	for _, w := range a.workers {
		if w.profile.Supervisor {
			supervisors++
		}
	}
	for _, v := range a.volunteers {
		if v.profile.RealNameVerified {
			verified++
		}
		if v.profile.MinorOn(opts.Now) {
			minors++
			if v.profile.Guardian == nil {
				t.Errorf("minor %s without guardian consent", v.profile.AccountID)
			}
		}
		if n := v.profile.Availability.Count(); n < 8 || n > 30 {
			t.Errorf("%s is available %d half hours a week", v.profile.AccountID, n)
		}
		// Background checks are recorded by civil affairs, never the volunteer's own.
		if b := v.profile.BackgroundCheck; b != nil {
			if b.RecordedBy != demoCityAdminID || b.RecordedAt == nil || v.profile.IDNumber == "" {
				t.Errorf("%s has a check nobody recorded: %+v", v.profile.AccountID, b)
			}
			if v.profile.RealNameVerified && v.profile.BackgroundValidOn(opts.Now) {
				checked++
			}
		}
	}
	// The needs that require a check (older people, children, disability) have volunteers to match.
	if !a.volunteers[0].profile.BackgroundValidOn(opts.Now) || checked < 1000 {
		t.Errorf("%d verified volunteers with a valid check; the volunteer login's: %+v", checked, a.volunteers[0].profile.BackgroundCheck)
	}
	for _, n := range a.needs {
		domains[n.Domain] = true
		if n.Schedule != nil {
			weekly++
		}
		start, end := n.Span()
		if n.Window != nil && (start.Sub(opts.Now) > 31*24*time.Hour || end.Sub(start) < 2*time.Hour || end.Sub(start) > 4*time.Hour) {
			t.Errorf("need %s from %v to %v", n.ID, start, end)
		}
	}
	if supervisors < 50 || supervisors > 110 || verified < 4000 || verified > 4500 || minors < 80 || minors > 250 ||
		weekly < 100 || weekly > 200 || len(domains) != 20 || len(a.stations) != 200 {
		t.Errorf("supervisors %d, verified %d, minors %d, weekly needs %d, domains %d, stations %d",
			supervisors, verified, minors, weekly, len(domains), len(a.stations))
	}
	if a.admins[len(a.admins)-1].account.ID != demoCityAdminID {
		t.Error("the marker account is not created last")
	}
}

// cancelOn cancels when what is written contains its text.
type cancelOn struct {
	text   string
	cancel context.CancelFunc
	buf    bytes.Buffer
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.buf.Write(p)
	if strings.Contains(c.buf.String(), c.text) {
		c.cancel()
	}
	return len(p), nil
}

// TestSeedResumesAfterInterruption: a seed interrupted in the middle of a
// phase, and accounts whose writer died between the phone claim and the
// account insert, are completed by the next run: the city is whole.
func TestSeedResumesAfterInterruption(t *testing.T) {
	cfg := testConfig(t)
	// Two writers that died half-way: a social worker's and a volunteer's
	// phone claimed, their accounts never inserted.
	srv, err := Open(context.Background(), cfg, newLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	phones := srv.Stores.DB.Database().Collection("phones")
	for id, phone := range map[string]string{demoWorkerID(3): demoWorkerPhone(3), demoVolunteerID(7): demoVolunteerPhone(7)} {
		if _, err := phones.InsertOne(context.Background(), bson.M{"_id": phone, "accountId": id, "createdAt": time.Now(), "claimedAt": time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	// Interrupted as the volunteers begin.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := &cancelOn{text: "volunteers", cancel: cancel}
	if err := run(ctx, seedArgs(cfg), os.Getenv, nil, io.Discard, stop); err == nil {
		t.Fatalf("the interrupted seed did not stop:\n%s", stop.buf.String())
	}
	var progress bytes.Buffer
	if err := run(context.Background(), seedArgs(cfg), os.Getenv, nil, io.Discard, &progress); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(progress.String(), "skipped") && !phaseLine(progress.String(), "social workers", ", 0 skipped") {
		t.Errorf("the resumed seed skipped accounts:\n%s", progress.String())
	}
	_, srv = startServer(t, cfg)
	want := smallDemoCounts(t)
	if got := demoCounts(t, srv); !reflect.DeepEqual(got, want) {
		t.Fatalf("documents after an interrupted seed and a second run: %v, want %v", got, want)
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
	st, m := post(t, base+"/v1/auth/login", `{"phone":"`+phone+`","password":"`+defaultDemoOptions().Password+`"}`)
	if st != 200 {
		t.Fatalf("login %s: %d %v", phone, st, m)
	}
	return m["accessToken"].(string)
}
