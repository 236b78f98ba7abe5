package handlers_test

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/wushe/wushe/models"
)

// The coarse cell of the two volunteers below: node (34.76, 113.62), and
// two homes at its opposite corners, 1.35 km apart.
var (
	cellNode = models.Point{Lat: 34.76, Lng: 113.62}
	homeSW   = models.Point{Lat: 34.7553, Lng: 113.6153}
	homeNE   = models.Point{Lat: 34.7647, Lng: 113.6247}
)

func pointJSON(p models.Point) string {
	return `{"lat":` + strconv.FormatFloat(p.Lat, 'f', -1, 64) + `,"lng":` + strconv.FormatFloat(p.Lng, 'f', -1, 64) + `}`
}

// moveNeed is the committee's PUT of its need, at p with radius r km.
func (w *world) moveNeed(t *testing.T, committee, need string, p models.Point, r float64) {
	t.Helper()
	body := strings.Replace(needBody(zhongyuanCommunity, `,"radiusKm":`+strconv.FormatFloat(r, 'f', -1, 64)),
		`{"lat":34.7535,"lng":113.6133}`, pointJSON(p), 1)
	if res := w.h.do("PUT", "/v1/needs/"+need, body, bearerHeader(committee)...); res.Status != 200 {
		t.Fatalf("move need to %v r=%g: %d %s", p, r, res.Status, res.Raw)
	}
}

// probe reads the need's matches and returns the candidates by volunteer
// id, failing on any exact distance in the answer.
func (w *world) probe(t *testing.T, committee, need string) map[string]map[string]any {
	t.Helper()
	r := w.h.do("GET", "/v1/needs/"+need+"/matches?limit=50", "", bearerHeader(committee)...)
	if r.Status != 200 {
		t.Fatalf("matches: %d %s", r.Status, r.Raw)
	}
	if strings.Contains(r.Raw, "distanceKm") {
		t.Fatalf("the answer carries an exact distance: %s", r.Raw)
	}
	out := map[string]map[string]any{}
	for _, c := range r.Body["candidates"].([]any) {
		m := c.(map[string]any)
		band, _ := m["distanceBand"].(map[string]any)
		if term, ok := models.DistanceBands.Label(fmt.Sprint(band["code"])); !ok || term.Zh != band["zh"] || term.En != band["en"] {
			t.Fatalf("candidate without a labelled distance band: %v", m)
		}
		for _, p := range m["parts"].([]any) {
			part := p.(map[string]any)
			if part["part"] == "distance" && (part["zh"] != "距离 "+band["zh"].(string) || part["en"] != band["en"].(string)+" away") {
				t.Fatalf("the distance reason is not the band: %v", part)
			}
		}
		out[m["volunteerId"].(string)] = m
	}
	return out
}

// sameButName reports whether two candidates differ only in who they are.
func sameButName(a, b map[string]any) bool {
	strip := func(m map[string]any) string {
		c := map[string]any{}
		for k, v := range m {
			if k != "volunteerId" && k != "name" {
				c[k] = v
			}
		}
		j, _ := json.Marshal(c)
		return string(j)
	}
	return strip(a) == strip(b)
}

// TestMatchesCannotLocateAHome reproduces the attack of issue 14: a
// committee moves its own need around a volunteer's home and reads the
// matches each time. It used to read distanceKm to the metre and place the
// home within ~60 m from three reads. Now it reads bands, and even the
// strongest probe the API allows — growing the need's radius until the
// volunteer appears, from three places, which measures a distance as
// finely as one likes — trilaterates only the node of the home's ~1 km
// cell: two volunteers 1.35 km apart in one cell get identical answers to
// every probe, and the solution is ≥ 0.5 km from either home.
func TestMatchesCannotLocateAHome(t *testing.T) {
	w, audit := newAuditedWorld(t)
	zy, _ := w.committees(t)
	sw, _ := w.volunteerWithProfile(t, "13500900001", zy, pointJSON(homeSW))
	ne, _ := w.volunteerWithProfile(t, "13500900002", zy, pointJSON(homeNE))
	need := w.postNeed(t, zy, "")

	// The attack as filed: read, then move the need three times around the homes and read again.
	around := []models.Point{
		{Lat: 34.7535, Lng: 113.6133}, // where the need was posted
		{Lat: 34.7780, Lng: 113.6200}, // 2 km north of the cell
		{Lat: 34.7600, Lng: 113.6420}, // 2 km east
		{Lat: 34.7450, Lng: 113.6010}, // 2.2 km south-west
	}
	bands := map[string]bool{}
	for i, p := range around {
		if i > 0 {
			w.moveNeed(t, zy, need, p, 5)
		}
		got := w.probe(t, zy, need)
		a, b := got[sw], got[ne]
		if a == nil || b == nil {
			t.Fatalf("at %v both volunteers should be candidates: %v", p, got)
		}
		if !sameButName(a, b) {
			t.Errorf("at %v two homes of one cell are told apart:\n%v\n%v", p, a, b)
		}
		bands[a["distanceBand"].(map[string]any)["code"].(string)] = true
	}
	if len(bands) < 2 {
		t.Errorf("the probes should cross a band boundary (to show crossing it leaks nothing): %v", bands)
	}

	// The strongest probe: the radius at which a volunteer appears is their
	// distance to the need, measured to 5/2¹⁴ km ≈ 0.3 m.
	threshold := func(p models.Point) float64 {
		lo, hi := 0.0, 4.99
		for range 14 {
			mid := (lo + hi) / 2
			w.moveNeed(t, zy, need, p, mid)
			got := w.probe(t, zy, need)
			if (got[sw] == nil) != (got[ne] == nil) {
				t.Fatalf("at %v r=%g one home of the cell is a candidate and the other not", p, mid)
			}
			if got[sw] != nil {
				hi = mid
			} else {
				lo = mid
			}
		}
		return (lo + hi) / 2
	}
	var d [3]float64
	for i, p := range around[1:] {
		d[i] = threshold(p)
	}
	est := trilaterate(around[1:], d)
	errSW, errNE, errNode := models.DistanceKm(est, homeSW), models.DistanceKm(est, homeNE), models.DistanceKm(est, cellNode)
	t.Logf("trilaterated %v: %.3f km from the cell's node, %.3f and %.3f km from the two homes", est, errNode, errSW, errNE)
	if errNode > 0.02 {
		t.Errorf("the probes should find the cell's node and nothing finer; they found %v, %.3f km from it", est, errNode)
	}
	if errSW < 0.5 || errNE < 0.5 {
		t.Errorf("the home is placed closer than the cell: %.3f km and %.3f km off", errSW, errNE)
	}

	// Every read of the matches is audited with where the need stood, so the probing shows.
	reads := audit.find("personal_data.read", "need:"+need+"/matches")
	at := map[string]bool{}
	for _, e := range reads {
		if i := strings.Index(e.Reason, "@ "); i >= 0 {
			at[e.Reason[i+2:]] = true
		}
	}
	if len(reads) < len(around)+3*14-3 || len(at) < 40 {
		t.Errorf("audited reads: %d, at %d distinct positions and radii", len(reads), len(at))
	}
	// Refreshing an unchanged list is recorded once (the first read was).
	w.probe(t, zy, need)
	if again := audit.find("personal_data.read", "need:"+need+"/matches"); len(again) != len(reads) {
		t.Errorf("a refresh of an unchanged list added %d audit entries", len(again)-len(reads))
	}
}

// trilaterate solves for the point at distances d from the three centres,
// on a local plane (the two differences of the circle equations are linear).
func trilaterate(c []models.Point, d [3]float64) models.Point {
	const kmPerDeg = 6371.0088 * math.Pi / 180
	o := c[0]
	kx := kmPerDeg * math.Cos(o.Lat*math.Pi/180)
	var x, y [3]float64
	for i := range 3 {
		x[i], y[i] = (c[i].Lng-o.Lng)*kx, (c[i].Lat-o.Lat)*kmPerDeg
	}
	// 2(xi−x0)X + 2(yi−y0)Y = d0² − di² + xi² − x0² + yi² − y0²
	a1, b1 := 2*(x[1]-x[0]), 2*(y[1]-y[0])
	a2, b2 := 2*(x[2]-x[0]), 2*(y[2]-y[0])
	r1 := d[0]*d[0] - d[1]*d[1] + x[1]*x[1] - x[0]*x[0] + y[1]*y[1] - y[0]*y[0]
	r2 := d[0]*d[0] - d[2]*d[2] + x[2]*x[2] - x[0]*x[0] + y[2]*y[2] - y[0]*y[0]
	det := a1*b2 - a2*b1
	X, Y := (r1*b2-r2*b1)/det, (a1*r2-a2*r1)/det
	return models.Point{Lat: o.Lat + Y/kmPerDeg, Lng: o.Lng + X/kx}
}

// TestInviteRefusalShowsNoDistance: a committee inviting a volunteer
// beyond reach learns the band, not the distance.
func TestInviteRefusalShowsNoDistance(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	far, _ := w.volunteerWithProfile(t, "13500900003", zy, pointJSON(models.Point{Lat: 34.8123, Lng: 113.6321})) // ~7 km
	need := w.postNeed(t, zy, "")
	r := w.h.do("POST", "/v1/needs/"+need+"/invitations", `{"volunteerIds":["`+far+`"]}`, bearerHeader(zy)...)
	if r.Status != 422 || !strings.Contains(r.Raw, "5–10 公里") || strings.Contains(r.Raw, "distanceKm") {
		t.Fatalf("invite beyond reach: %s", r.Raw)
	}
	for _, s := range []string{"6.", "7.", "8."} {
		if strings.Contains(r.Raw, "距离 "+s) {
			t.Errorf("the refusal gives a distance: %s", r.Raw)
		}
	}
}
