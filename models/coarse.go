package models

import "math"

// What others may know of where a volunteer lives.
//
// A volunteer's exact home point is shown only to the volunteer. Everyone
// else — the committee reading matches, a division listing volunteers, an
// invitation's constraint check — sees the home snapped to its coarse cell
// (CoarsePoint), and distances from it only as a band (DistanceBandOf).
// Since every answer about a volunteer's location is a function of the
// cell alone, two volunteers in one cell get the same answers to every
// query, however many times a need is moved: no sequence of queries can
// place a home more precisely than its cell.

// CoarsePoint is p snapped to the nearest node of the 0.01° grid (0.01° is
// 1.11 km of latitude and 0.91 km of longitude in Zhengzhou): the
// centre of the cell (±0.005°) that holds p. A point is at most 0.72 km
// from its coarse point in Zhengzhou.
func CoarsePoint(p Point) Point {
	return Point{Lat: snapCoarse(p.Lat), Lng: snapCoarse(p.Lng)}
}

// snapCoarse rounds a coordinate to whole hundredths of a degree; every
// point of a cell gives bit-for-bit the same node, the double nearest the
// decimal (34.76, not 34.760000000000005).
func snapCoarse(x float64) float64 {
	return math.Round(x*100) / 100
}

// DistanceBands are the coarse distances shown to anyone but the volunteer
// (product).
var DistanceBands = Vocabulary{
	Name: "distance_bands", Zh: "距离区间", En: "Distance bands",
	Terms: []Term{
		{"under_1km", "1 公里以内", "under 1 km"},
		{"from_1_to_3km", "1–3 公里", "1–3 km"},
		{"from_3_to_5km", "3–5 公里", "3–5 km"},
		{"from_5_to_10km", "5–10 公里", "5–10 km"},
		{"over_10km", "10 公里以上", "over 10 km"},
	},
}

// distanceBandUpperKm are the bands' upper bounds (exclusive), in the
// order of DistanceBands; the last band has none.
var distanceBandUpperKm = [...]float64{1, 3, 5, 10}

// DistanceBandOf is the band of a distance in km: a band holds its lower
// bound, not its upper one (exactly 1 km is "1–3 km"). A distance that is
// not a number is the last band.
func DistanceBandOf(km float64) Term {
	for i, upper := range distanceBandUpperKm {
		if km < upper {
			return DistanceBands.Terms[i]
		}
	}
	return DistanceBands.Terms[len(DistanceBands.Terms)-1]
}
