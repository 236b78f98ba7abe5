package matching

import (
	"math"
	"math/bits"
	"sync"

	"github.com/wushe/wushe/models"
)

// cellKm is the side of a grid cell. A 3 km need touches about 40 cells;
// a central cell holds some hundreds of volunteers at the city's density.
const cellKm = 1.0

// kmPerDegree is one degree of latitude on the sphere models.DistanceKm uses.
const kmPerDegree = 6371.0088 * math.Pi / 180

// grid is a local equirectangular projection of Zhengzhou (longitude
// scaled by the cosine of the box's middle latitude) cut into square
// cells, row-major from the south-west corner. Its box is the districts'
// box widened by gridMarginKm; points outside it, or not finite, go to an
// overflow cell that every query reads.
type grid struct {
	minLat, minLng float64
	kx, ky         float64 // km per degree of longitude and of latitude
	cols, rows     int
}

const gridMarginKm = 5.0

// cellMargin widens the circle a query reads: the projection's scale is
// off by at most 0.6% across the box (cos 34.2° / cos 34.6°); 3% and 100 m
// leave room to spare.
const (
	cellMarginRel = 0.03
	cellMarginKm  = 0.1
	// Beyond maxGridRadiusKm (or for a radius that is not a number) a query
	// reads every cell, with exact distances.
	maxGridRadiusKm = 100.0
)

var zhengzhouGrid = sync.OnceValue(func() grid {
	lo := models.Point{Lat: math.Inf(1), Lng: math.Inf(1)}
	hi := models.Point{Lat: math.Inf(-1), Lng: math.Inf(-1)}
	for _, d := range models.DistrictPolygons() {
		for _, ring := range d.Rings {
			for _, p := range ring {
				lo = models.Point{Lat: math.Min(lo.Lat, p.Lat), Lng: math.Min(lo.Lng, p.Lng)}
				hi = models.Point{Lat: math.Max(hi.Lat, p.Lat), Lng: math.Max(hi.Lng, p.Lng)}
			}
		}
	}
	g := grid{ky: kmPerDegree, kx: kmPerDegree * math.Cos((lo.Lat+hi.Lat)/2*math.Pi/180)}
	g.minLat = lo.Lat - gridMarginKm/g.ky
	g.minLng = lo.Lng - gridMarginKm/g.kx
	g.cols = int(math.Ceil(((hi.Lng-lo.Lng)*g.kx + 2*gridMarginKm) / cellKm))
	g.rows = int(math.Ceil(((hi.Lat-lo.Lat)*g.ky + 2*gridMarginKm) / cellKm))
	return g
})

func (g grid) cells() int { return g.cols * g.rows }

// xy projects a point to km east and north of the box's corner.
func (g grid) xy(p models.Point) (x, y float64) {
	return (p.Lng - g.minLng) * g.kx, (p.Lat - g.minLat) * g.ky
}

// cellOf is the cell holding p; false outside the box (or for NaN).
func (g grid) cellOf(p models.Point) (int, bool) {
	x, y := g.xy(p)
	if !(x >= 0 && y >= 0 && x < float64(g.cols)*cellKm && y < float64(g.rows)*cellKm) {
		return 0, false
	}
	return int(y/cellKm)*g.cols + int(x/cellKm), true
}

// near calls fn for every cell that may hold a point within r km of p,
// and reports false (calling nothing) when the query must read every cell.
func (g grid) near(p models.Point, r float64, fn func(cell int)) bool {
	if !(r <= maxGridRadiusKm) || math.IsNaN(p.Lat) || math.IsNaN(p.Lng) || math.IsInf(p.Lat, 0) || math.IsInf(p.Lng, 0) {
		return false
	}
	if r < 0 {
		return true // nobody is within a negative distance
	}
	x, y := g.xy(p)
	rr := r*(1+cellMarginRel) + cellMarginKm
	c0, c1 := max(0, int(math.Floor((x-rr)/cellKm))), min(g.cols-1, int(math.Floor((x+rr)/cellKm)))
	r0, r1 := max(0, int(math.Floor((y-rr)/cellKm))), min(g.rows-1, int(math.Floor((y+rr)/cellKm)))
	for row := r0; row <= r1; row++ {
		dy := math.Max(0, math.Max(float64(row)*cellKm-y, y-float64(row+1)*cellKm))
		for col := c0; col <= c1; col++ {
			dx := math.Max(0, math.Max(float64(col)*cellKm-x, x-float64(col+1)*cellKm))
			if dx*dx+dy*dy <= rr*rr {
				fn(row*g.cols + col)
			}
		}
	}
	return true
}

// box is cell ci's extent in degrees, widened by a hair (boxPadDeg) so
// that rounding in cellOf never puts a member outside its cell's box.
func (g grid) box(ci int) (lat0, lat1, lng0, lng1 float64) {
	row, col := float64(ci/g.cols), float64(ci%g.cols)
	return g.minLat + row*cellKm/g.ky - boxPadDeg, g.minLat + (row+1)*cellKm/g.ky + boxPadDeg,
		g.minLng + col*cellKm/g.kx - boxPadDeg, g.minLng + (col+1)*cellKm/g.kx + boxPadDeg
}

const boxPadDeg = 1e-9 // about 0.1 mm; cellOf's rounding is below 1e-13°

// reach decides "within min(maximum, radius)" for the members of one
// query, as CheckVolunteer does (not farther than the limit by
// models.DistanceKm), quickly: a local equirectangular distance scaled at
// the need's latitude settles every member clearly inside or outside, and
// only those within a hair of their limit get the exact distance.
type reach struct {
	need   models.Point
	radius float64
	kx     float64 // km per degree of longitude at the need
	eps    float64 // the approximation's relative error bound, with room
	exact  bool    // the approximation is not trusted: always exact
	// A member is surely within lim when approx² ≤ lim²·lo, surely beyond
	// when approx² > lim²·hi.
	lo, hi float64
	// epsCell is eps for the farthest point of any cell grid.near gives
	// (the widened radius plus a cell's diagonal, with room), for the
	// cells' distance bounds.
	epsCell float64
}

// exactBelowKm: limits under a millimetre are always decided exactly, so
// the relative bound never has to cover rounding at tiny distances.
const exactBelowKm = 1e-6

func newReach(need models.Point, radius float64) reach {
	rc := reach{need: need, radius: radius}
	// Scaling longitude at the need's latitude instead of the pair's mean
	// errs by about tan φ·Δφ/2 in relative terms, Δφ ≤ ρ = radius/R; the
	// second-order terms and the sphere's own departure from the plane are
	// below ρ². eps doubles the first term and adds ρ² and 1e-5.
	lat := math.Abs(need.Lat)
	rc.exact = !(radius <= maxGridRadiusKm) || !(lat <= 80) || math.IsNaN(need.Lng) || math.IsInf(need.Lng, 0)
	if rc.exact {
		return rc
	}
	rc.kx = kmPerDegree * math.Cos(need.Lat*math.Pi/180)
	rho := max(radius, 0) / 6371.0088
	rc.eps = math.Tan(lat*math.Pi/180)*rho + rho*rho + 1e-5
	rc.lo, rc.hi = (1-rc.eps)*(1-rc.eps), (1+rc.eps)*(1+rc.eps)
	rho = (max(radius, 0)*(1+cellMarginRel) + cellMarginKm + 2*cellKm) / 6371.0088
	rc.epsCell = math.Tan(lat*math.Pi/180)*rho + rho*rho + 1e-5
	return rc
}

// bounds are a lower and an upper bound on models.DistanceKm from the
// need to any point of the box: the nearest and farthest point of the box
// in the need's local projection, widened by the projection's error
// bound. Only for a query that is not exact, and a box grid.near gave.
func (rc *reach) bounds(lat0, lat1, lng0, lng1 float64) (dmin, dmax float64) {
	y0, y1 := (lat0-rc.need.Lat)*kmPerDegree, (lat1-rc.need.Lat)*kmPerDegree
	x0, x1 := (lng0-rc.need.Lng)*rc.kx, (lng1-rc.need.Lng)*rc.kx
	ny, nx := max(y0, min(0, y1)), max(x0, min(0, x1)) // the box's point nearest the need
	fy, fx := max(-y0, y1), max(-x0, x1)               // and its farthest corner
	dmin = math.Sqrt(nx*nx+ny*ny)/(1+rc.epsCell) - 1e-9
	dmax = math.Sqrt(fx*fx+fy*fy)/(1-rc.epsCell) + 1e-9
	return max(dmin, 0), dmax
}

// some returns the members of mask (bits of a block of a regular cell)
// within reach, as CheckVolunteer decides it: a local equirectangular
// distance settles every member clearly inside or outside, without a
// branch the processor could mispredict; the exact distance decides the
// few within a hair of their limit (and limits under exactBelowKm).
func (rc *reach) some(lat, lng, mx []float64, mask uint64) uint64 {
	var near, hair uint64
	nlat, nlng, kx, r, lo, hi := rc.need.Lat, rc.need.Lng, rc.kx, rc.radius, rc.lo, rc.hi
	for m := mask; m != 0; m &= m - 1 {
		i := bits.TrailingZeros64(m)
		lim := min(mx[i], r)
		dy := (lat[i] - nlat) * kmPerDegree
		dx := (lng[i] - nlng) * kx
		d2, l2 := dx*dx+dy*dy, lim*lim
		near |= b2u(d2 <= l2*lo && lim >= exactBelowKm) << i
		hair |= b2u(d2 > l2*lo && d2 <= l2*hi || lim < exactBelowKm) << i
	}
	for m := hair; m != 0; m &= m - 1 {
		i := bits.TrailingZeros64(m)
		lim := min(mx[i], r)
		if lim >= 0 && !(models.DistanceKm(models.Point{Lat: lat[i], Lng: lng[i]}, rc.need) > lim) {
			near |= 1 << i
		}
	}
	return near
}

// b2u is 1 for true, 0 for false (compiled without a branch).
func b2u(b bool) uint64 {
	var u uint64
	if b {
		u = 1
	}
	return u
}

// blockExact is the members (at most 64) within reach by CheckVolunteer's own test, NaN and all.
func (rc *reach) blockExact(lat, lng, mx []float64) uint64 {
	var near uint64
	for i := range lat {
		if !(models.DistanceKm(models.Point{Lat: lat[i], Lng: lng[i]}, rc.need) > math.Min(mx[i], rc.radius)) {
			near |= 1 << i
		}
	}
	return near
}
