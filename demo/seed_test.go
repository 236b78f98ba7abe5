package demo

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/parties"
	"github.com/wushe/wushe/store/mongo"
	"github.com/wushe/wushe/store/storetest"
)

// smallDemo is the city the tests seed: big enough to have every kind of
// object, small enough to seed in a second or two.
func smallDemo() Options {
	o := DefaultOptions()
	o.Volunteers, o.SocialWorkers, o.Organisations, o.Stations, o.Needs = 50, 10, 20, 10, 30
	return o
}

// counts counts the documents of every collection the demo city fills.
func counts(t *testing.T, db *mongo.DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, col := range []string{"accounts", "phones", "volunteers", "social_workers", "organisations", "credit_codes", "org_members", "stations", "needs",
		"plans", "assignments", "places", "funds", "fund_ledger", "price_tables", "applications", "grants", "tranche_steps", "evaluations", "employing_units", "posts", "post_holdings"} {
		n, err := db.Database().Collection(col).CountDocuments(context.Background(), bson.D{})
		if err != nil {
			t.Fatalf("count %s: %v", col, err)
		}
		out[col] = n
	}
	return out
}

// smallDemoCounts is how many documents the small city has in each
// collection counts counts: the past shifts' plans and places as planned
// (their volunteers are those of one community).
func smallDemoCounts(t *testing.T) map[string]int64 {
	t.Helper()
	opts := smallDemo()
	opts.Now = time.Now()
	city, err := planCity(opts, "")
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
		"funds": 2, "price_tables": 2, // a charity fund and a purchase budget, each with its opening deposit
		// The purchased project, evaluated and paid in full: its grant, the
		// two tranches' report, verification and release, the evaluation;
		// on the ledger the grant and the two payments.
		"applications": 1, "grants": 1, "tranche_steps": 6, "evaluations": 1, "fund_ledger": 2 + 3,
		"employing_units": int64(len(city.units)), "posts": int64(len(city.posts)), "post_holdings": int64(len(city.holdings))}
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// TestSeedAtStartThenAgainInsertsNothing: serve --demo's first start seeds
// the whole city and prints the logins; a later start only prints them; a
// seed regardless finds everything in place. Homes and needs lie in
// Zhengzhou, about 70% in the central districts, each in a community of the
// district it lies in.
func TestSeedAtStartThenAgainInsertsNothing(t *testing.T) {
	db, _ := storetest.Open(t)
	ctx := context.Background()
	var first, second bytes.Buffer
	seeded, err := SeedAtStart(ctx, db, smallDemo(), quiet, &first)
	if err != nil || !seeded {
		t.Fatalf("first start: seeded %v, %v", seeded, err)
	}
	if !strings.Contains(first.String(), "volunteers") || !strings.Contains(first.String(), demoVolunteerPhone(1)) {
		t.Errorf("progress and logins:\n%s", first.String())
	}
	want := smallDemoCounts(t)
	if got := counts(t, db); !reflect.DeepEqual(got, want) {
		t.Fatalf("documents after seeding: %v, want %v", got, want)
	}
	// The purchased project went through the whole workflow: evaluated
	// (purchase stage "completed"), its three targets scored.
	var app struct {
		ID     string `bson:"_id"`
		Status string `bson:"status"`
	}
	if err := db.Database().Collection("applications").FindOne(ctx, bson.M{"doc.title": demoPurchaseTitle}).Decode(&app); err != nil {
		t.Fatalf("the purchased project: %v", err)
	}
	a, err := db.Applications().Application(ctx, app.ID)
	if err != nil || a.Status != models.AppEvaluated || a.Status.PurchaseStage() != "completed" || a.CostBasis == nil {
		t.Fatalf("the purchased project: %+v, %v", a, err)
	}
	if e, err := db.Applications().Evaluation(ctx, app.ID); err != nil || len(e.KPIResults) != 3 || e.OrganisationID != a.EvaluatorOrg {
		t.Fatalf("its evaluation: %+v, %v", e, err)
	}
	if seeded, err := SeedAtStart(ctx, db, smallDemo(), quiet, &second); err != nil || seeded {
		t.Fatalf("second start: seeded %v, %v", seeded, err)
	}
	if logins := first.String()[strings.Index(first.String(), "ROLE"):]; second.String() != logins {
		t.Errorf("the second start printed other logins:\n%s\nwant\n%s", second.String(), logins)
	}
	res, err := Seed(ctx, db, smallDemo(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Phases) != 12 || len(res.Logins) != 7 {
		t.Errorf("%d phases, %d logins", len(res.Phases), len(res.Logins))
	}
	for _, ph := range res.Phases {
		if ph.Created != 0 || ph.Skipped != 0 || ph.Existed == 0 {
			t.Errorf("seeding again, %s: %+v", ph.Name, ph)
		}
	}
	if got := counts(t, db); !reflect.DeepEqual(got, want) {
		t.Fatalf("documents after seeding again: %v, want %v", got, want)
	}

	var homes, needs []models.Point
	for p := (service.Page{Limit: 100}); ; {
		list, next, err := db.Volunteers().ListVolunteers(ctx, parties.VolunteerFilter{}, p)
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
	list, err := db.Needs().NeedsWithStatus(ctx, []models.NeedStatus{models.NeedOpen}, "", 1000)
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
	db, _ := storetest.Open(t)
	// Two writers that died half-way: a social worker's and a volunteer's
	// phone claimed, their accounts never inserted.
	phones := db.Database().Collection("phones")
	for id, phone := range map[string]string{demoWorkerID(3): demoWorkerPhone(3), demoVolunteerID(7): demoVolunteerPhone(7)} {
		if _, err := phones.InsertOne(context.Background(), bson.M{"_id": phone, "accountId": id, "createdAt": time.Now(), "claimedAt": time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	// Interrupted as the volunteers begin.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := &cancelOn{text: "volunteers", cancel: cancel}
	if _, err := Seed(ctx, db, smallDemo(), stop); err == nil {
		t.Fatalf("the interrupted seed did not stop:\n%s", stop.buf.String())
	}
	if got := counts(t, db); got["volunteers"] == 50 || got["needs"] != 0 {
		t.Fatalf("the interrupted seed went on: %v", got)
	}
	var progress bytes.Buffer
	res, err := Seed(context.Background(), db, smallDemo(), &progress)
	if err != nil {
		t.Fatal(err)
	}
	for _, ph := range res.Phases {
		if ph.Skipped != 0 {
			t.Errorf("the resumed seed skipped accounts, %s: %+v\n%s", ph.Name, ph, progress.String())
		}
	}
	if want := smallDemoCounts(t); !reflect.DeepEqual(counts(t, db), want) {
		t.Fatalf("documents after an interrupted seed and a second run: %v, want %v", counts(t, db), want)
	}
}
