package models

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestCoarsePointSnapsToTheCellNode(t *testing.T) {
	tests := []struct {
		name string
		p    Point
		want Point
	}{
		{"near the node", Point{Lat: 34.7561, Lng: 113.6149}, Point{Lat: 34.76, Lng: 113.61}},
		{"south-west corner of the cell", Point{Lat: 34.7551, Lng: 113.6151}, Point{Lat: 34.76, Lng: 113.62}},
		{"north-east corner of the same cell", Point{Lat: 34.7649, Lng: 113.6249}, Point{Lat: 34.76, Lng: 113.62}},
		{"just across the cell's north edge", Point{Lat: 34.7651, Lng: 113.6249}, Point{Lat: 34.77, Lng: 113.62}},
		{"a node", Point{Lat: 34.75, Lng: 113.6}, Point{Lat: 34.75, Lng: 113.6}},
	}
	for _, tt := range tests {
		if got := CoarsePoint(tt.p); got != tt.want {
			t.Errorf("%s: CoarsePoint(%v) = %v, want %v", tt.name, tt.p, got, tt.want)
		}
		if again := CoarsePoint(CoarsePoint(tt.p)); again != CoarsePoint(tt.p) {
			t.Errorf("%s: snapping a node moved it: %v", tt.name, again)
		}
	}
}

// TestCoarsePointBound: across Zhengzhou's box, every point is within
// 0.72 km of its node and every point of a cell has the same node.
func TestCoarsePointBound(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 4))
	worst := 0.0
	for range 100_000 {
		p := Point{Lat: 34.2 + 0.8*r.Float64(), Lng: 112.7 + 1.5*r.Float64()}
		c := CoarsePoint(p)
		worst = math.Max(worst, DistanceKm(p, c))
		// another point of the same cell: the node, moved by under half a step
		q := Point{Lat: c.Lat + (r.Float64()-0.5)*0.0099, Lng: c.Lng + (r.Float64()-0.5)*0.0099}
		if CoarsePoint(q) != c {
			t.Fatalf("%v and %v share a cell but snap to %v and %v", p, q, c, CoarsePoint(q))
		}
	}
	if worst > 0.72 || worst < 0.6 {
		t.Errorf("largest distance to the node = %.3f km, want 0.6–0.72", worst)
	}
}

func TestDistanceBandOf(t *testing.T) {
	tests := []struct {
		km   float64
		want string
	}{
		{0, "under_1km"},
		{0.999, "under_1km"},
		{1, "from_1_to_3km"},
		{2.999, "from_1_to_3km"},
		{3, "from_3_to_5km"},
		{4.2, "from_3_to_5km"},
		{5, "from_5_to_10km"},
		{9.99, "from_5_to_10km"},
		{10, "over_10km"},
		{120, "over_10km"},
		{math.Inf(1), "over_10km"},
		{math.NaN(), "over_10km"},
	}
	for _, tt := range tests {
		got := DistanceBandOf(tt.km)
		if got.Code != tt.want {
			t.Errorf("DistanceBandOf(%v) = %s, want %s", tt.km, got.Code, tt.want)
		}
		if term, ok := DistanceBands.Label(got.Code); !ok || term != got || got.Zh == "" || got.En == "" {
			t.Errorf("DistanceBandOf(%v) = %+v, not a labelled term of DistanceBands", tt.km, got)
		}
	}
	if len(distanceBandUpperKm) != len(DistanceBands.Terms)-1 {
		t.Errorf("%d upper bounds for %d bands", len(distanceBandUpperKm), len(DistanceBands.Terms))
	}
}
