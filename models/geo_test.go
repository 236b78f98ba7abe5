package models

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

var zhengzhouDistricts = []struct{ code, name string }{
	{"410102", "中原区"},
	{"410103", "二七区"},
	{"410104", "管城回族区"},
	{"410105", "金水区"},
	{"410106", "上街区"},
	{"410108", "惠济区"},
	{"410122", "中牟县"},
	{"410181", "巩义市"},
	{"410182", "荥阳市"},
	{"410183", "新密市"},
	{"410184", "新郑市"},
	{"410185", "登封市"},
}

func TestDistanceKm(t *testing.T) {
	station := Point{Lat: 34.7466, Lng: 113.6585}     // 郑州站
	eastStation := Point{Lat: 34.7571, Lng: 113.7786} // 郑州东站
	tests := []struct {
		name string
		a, b Point
		want float64 // km
		tol  float64
	}{
		{"郑州站 to 郑州东站", station, eastStation, 11.03, 0.01},
		{"same point", station, station, 0, 0},
		{"one degree of longitude on the equator", Point{0, 0}, Point{0, 1}, 111.195, 0.001},
		{"one degree of latitude", Point{34, 113}, Point{35, 113}, 111.195, 0.001},
		{"pole to pole", Point{90, 0}, Point{-90, 0}, 20015.114, 0.001},
		{"antipodes", Point{0, 0}, Point{0, 180}, 20015.114, 0.001},
		{"across the antimeridian", Point{0, 179.5}, Point{0, -179.5}, 111.195, 0.001},
	}
	for _, tt := range tests {
		got := DistanceKm(tt.a, tt.b)
		if math.Abs(got-tt.want) > tt.tol {
			t.Errorf("%s: DistanceKm = %.4f, want %.4f ± %g", tt.name, got, tt.want, tt.tol)
		}
		if back := DistanceKm(tt.b, tt.a); math.Abs(back-got) > 1e-9 {
			t.Errorf("%s: not symmetric: %v vs %v", tt.name, got, back)
		}
	}
	// The brief's figure: about 11.0 km.
	if d := DistanceKm(station, eastStation); math.Abs(d-11.0) > 0.2 {
		t.Errorf("station to east station = %.3f km, want about 11.0", d)
	}
}

func TestDistrictPolygonsMatchDivisions(t *testing.T) {
	polys := DistrictPolygons()
	if len(polys) != len(zhengzhouDistricts) {
		t.Fatalf("%d districts, want %d", len(polys), len(zhengzhouDistricts))
	}
	for i, d := range polys {
		want := zhengzhouDistricts[i]
		if d.Code != want.code || d.Name != want.name {
			t.Errorf("district %d = %s %s, want %s %s", i, d.Code, d.Name, want.code, want.name)
		}
		div, ok := LookupDivision(d.Code)
		if !ok || div.Level != LevelCounty || div.Name != d.Name || (div.OfficialCountyLevel != nil && !*div.OfficialCountyLevel) {
			t.Errorf("%s: division %+v, %v", d.Code, div, ok)
		}
		if len(d.Rings) == 0 {
			t.Fatalf("%s: no rings", d.Code)
		}
		for j, r := range d.Rings {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				t.Errorf("%s ring %d: %d points, closed %v", d.Code, j, len(r), r[0] == r[len(r)-1])
			}
		}
		// The whole city lies within about 34.26–34.99°N, 112.72–114.22°E.
		if d.Min.Lat < 34.26 || d.Max.Lat > 34.99 || d.Min.Lng < 112.72 || d.Max.Lng > 114.22 {
			t.Errorf("%s: bounding box %v–%v", d.Code, d.Min, d.Max)
		}
	}
	// The copy is the caller's: changing it changes nothing here.
	polys[0].Rings[0][0] = Point{}
	polys[0].Rings = nil
	if again := DistrictPolygons(); again[0].Rings[0][0] == (Point{}) {
		t.Error("DistrictPolygons shares its rings")
	}
}

func TestDistrictAtLabelPoints(t *testing.T) {
	for _, d := range DistrictPolygons() {
		got, ok := DistrictAt(d.Label)
		if !ok || got != d.Code {
			t.Errorf("label point of %s %s %v is in %q (%v)", d.Code, d.Name, d.Label, got, ok)
		}
		if !d.Contains(d.Label) {
			t.Errorf("%s: Contains(label) = false", d.Code)
		}
	}
}

func TestDistrictAt(t *testing.T) {
	tests := []struct {
		name string
		p    Point
		code string
	}{
		{"郑州站", Point{34.7466, 113.6585}, "410103"},
		{"郑州东站", Point{34.7571, 113.7786}, "410104"}, // as these outlines draw it
		{"北京", Point{39.9, 116.4}, ""},
		{"开封", Point{34.797, 114.308}, ""},
		{"null island", Point{0, 0}, ""},
		{"lat and lng swapped", Point{113.6585, 34.7466}, ""},
		{"NaN", Point{math.NaN(), 113.6}, ""},
		{"+Inf", Point{34.7, math.Inf(1)}, ""},
	}
	for _, tt := range tests {
		code, ok := DistrictAt(tt.p)
		if code != tt.code || ok != (tt.code != "") {
			t.Errorf("%s: DistrictAt(%v) = %q, %v; want %q", tt.name, tt.p, code, ok, tt.code)
		}
		if InZhengzhou(tt.p) != (tt.code != "") {
			t.Errorf("%s: InZhengzhou = %v", tt.name, !(tt.code != ""))
		}
	}
}

// The banded lookup must agree with plain even-odd ray casting over every
// ring, for points all over the city's bounding box.
func TestDistrictAtAgreesWithPlainRayCasting(t *testing.T) {
	polys := DistrictPolygons()
	r := rand.New(rand.NewPCG(1, 2))
	m := districts()
	inside, twice := 0, 0
	for range 20000 {
		p := Point{
			Lat: m.min.Lat + r.Float64()*(m.max.Lat-m.min.Lat),
			Lng: m.min.Lng + r.Float64()*(m.max.Lng-m.min.Lng),
		}
		var hits []string
		for _, d := range polys {
			if d.Contains(p) {
				hits = append(hits, d.Code)
			}
		}
		code, ok := DistrictAt(p)
		switch {
		case len(hits) == 0 && ok:
			t.Fatalf("%v: DistrictAt says %s, no polygon contains it", p, code)
		case len(hits) > 0 && (!ok || code != hits[0]):
			t.Fatalf("%v: DistrictAt = %q, polygons %v", p, code, hits)
		}
		if len(hits) > 0 {
			inside++
		}
		if len(hits) > 1 {
			twice++
		}
	}
	// The city fills about 69% of its box; neighbours share their borders
	// exactly, so no point is in two districts.
	if inside < 13000 || inside > 14700 || twice != 0 {
		t.Errorf("%d of 20000 inside, %d in two districts", inside, twice)
	}
}

func TestParseDistrictsHolesAndParts(t *testing.T) {
	// 410199: a 4×4 square with a 2×2 hole, plus a separate 1×1 island.
	// 410198: a square lying inside the hole (listed first, found second).
	const data = `{"type":"FeatureCollection","features":[
	 {"type":"Feature","id":"410199","properties":{"name":"ring","cp":[0.5,0.5]},
	  "geometry":{"type":"MultiPolygon","coordinates":[
	   [[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[1,3],[3,3],[3,1],[1,1]]],
	   [[[10,10],[11,10],[11,11],[10,11]]]]}},
	 {"type":"Feature","id":"410198","properties":{"name":"core","cp":[2,2]},
	  "geometry":{"type":"Polygon","coordinates":[[[1.5,1.5],[2.5,1.5],[2.5,2.5],[1.5,2.5],[1.5,1.5]]]}}]}`
	m, err := parseDistricts([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		p    Point
		want string
	}{
		{Point{0.5, 0.5}, "410199"},
		{Point{3.5, 2}, "410199"},     // between the hole and the outer ring
		{Point{1.2, 1.2}, ""},         // in the hole
		{Point{2, 2}, "410198"},       // in the hole, inside the other district
		{Point{10.5, 10.5}, "410199"}, // the island, whose ring was not closed in the file
		{Point{5, 5}, ""},             // between the parts
		{Point{-0.1, 2}, ""},
		{Point{2, 4.1}, ""},
	}
	for _, tt := range tests {
		got, ok := m.at(tt.p)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("at(%v) = %q, %v; want %q", tt.p, got, ok, tt.want)
		}
	}
	if s := m.byCode["410199"]; len(s.Rings) != 3 || len(s.Rings[2]) != 5 || s.Min != (Point{0, 0}) || s.Max != (Point{11, 11}) {
		t.Errorf("410199: %d rings, island %d points, box %v–%v", len(s.Rings), len(s.Rings[2]), s.Min, s.Max)
	}
	if m.shapes[0].Code != "410198" {
		t.Errorf("districts not in code order: %s first", m.shapes[0].Code)
	}

	for _, bad := range []string{
		`{"features":[{"id":"1","properties":{"name":"x","cp":[0,0]},"geometry":{"type":"Point","coordinates":[0,0]}}]}`,
		`{"features":[{"id":"1","properties":{"name":"x"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`,
		`{"features":[{"id":"1","properties":{"name":"x","cp":[0,0]},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0]]]}}]}`,
		`{"features":[{"id":"1","properties":{"name":"x","cp":[0,0]},"geometry":{"type":"Polygon","coordinates":[[[0],[1,0],[1,1]]]}}]}`,
		`{"features":[{"id":"1","properties":{"name":"x","cp":[0,0]},"geometry":{"type":"Polygon","coordinates":[]}}]}`,
		`{"features":[`,
	} {
		if _, err := parseDistricts([]byte(bad)); err == nil {
			t.Errorf("parseDistricts(%s) accepted", bad)
		}
	}
}

func TestValidatePoint(t *testing.T) {
	const outside = "location: location is outside Zhengzhou"
	tests := []struct {
		name string
		p    Point
		want []string
	}{
		{"郑州站", Point{34.7466, 113.6585}, nil},
		{"登封 label", Point{34.454443, 113.050581}, nil},
		{"北京", Point{39.9, 116.4}, []string{outside}},
		{"null island", Point{0, 0}, []string{outside}},
		{"the pole", Point{90, 0}, []string{outside}},
		{"latitude 91", Point{91, 113.6}, []string{"location.lat: latitude must be between -90 and 90"}},
		{"longitude -181", Point{34.7, -181}, []string{"location.lng: longitude must be between -180 and 180"}},
		{"NaN and Inf", Point{math.NaN(), math.Inf(-1)}, []string{
			"location.lat: latitude must be between -90 and 90",
			"location.lng: longitude must be between -180 and 180",
		}},
	}
	for _, tt := range tests {
		if got := problemList(t, ValidatePoint("location", tt.p)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: problems %q, want %q", tt.name, got, tt.want)
		}
	}
	var e *Error
	if err := ValidatePoint("location", Point{39.9, 116.4}); !errors.As(err, &e) || e.Zh != "位置不在郑州市范围内" || e.Field != "location" {
		t.Errorf("outside: %+v", err)
	}
}

func TestRandomPointIn(t *testing.T) {
	for _, d := range zhengzhouDistricts {
		r := rand.New(rand.NewPCG(7, 7))
		for range 200 {
			p := RandomPointIn(d.code, r)
			if code, ok := DistrictAt(p); !ok || code != d.code {
				t.Fatalf("RandomPointIn(%s) = %v, in %q", d.code, p, code)
			}
		}
	}
	// Deterministic for a seed.
	a := RandomPointIn("410105", rand.New(rand.NewPCG(42, 0)))
	b := RandomPointIn("410105", rand.New(rand.NewPCG(42, 0)))
	if a != b {
		t.Errorf("same seed, different points: %v, %v", a, b)
	}
	if p := RandomPointIn("410102", nil); !InZhengzhou(p) {
		t.Errorf("nil source: %v", p)
	}
	for _, code := range []string{"410171", "4101", ""} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("RandomPointIn(%q) did not panic", code)
				}
			}()
			RandomPointIn(code, nil)
		}()
	}
}

// RandomPointIn's loop limit assumes every district fills more than a
// tenth of its bounding box.
func TestDistrictsFillTheirBoxes(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for _, d := range DistrictPolygons() {
		hits := 0
		for range 2000 {
			p := Point{d.Min.Lat + r.Float64()*(d.Max.Lat-d.Min.Lat), d.Min.Lng + r.Float64()*(d.Max.Lng-d.Min.Lng)}
			if d.Contains(p) {
				hits++
			}
		}
		if hits < 200 {
			t.Errorf("%s %s fills %d/2000 of its box", d.Code, d.Name, hits)
		}
	}
}

func BenchmarkDistrictAt(b *testing.B) {
	m := districts()
	r := rand.New(rand.NewPCG(1, 1))
	points := make([]Point, 1024)
	for i := range points {
		points[i] = Point{
			Lat: m.min.Lat + r.Float64()*(m.max.Lat-m.min.Lat),
			Lng: m.min.Lng + r.Float64()*(m.max.Lng-m.min.Lng),
		}
	}
	for i := 0; b.Loop(); i++ {
		DistrictAt(points[i%len(points)])
	}
}
