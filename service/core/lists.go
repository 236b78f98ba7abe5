package core

import (
	"slices"
	"strconv"

	"github.com/wushe/wushe/models"
)

// Overlaps reports whether a and b share an element.
func Overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// OverlapsRegions reports whether some project region lies inside some
// fund region.
func OverlapsRegions(project, fund []string) bool {
	for _, p := range project {
		for _, f := range fund {
			if models.WithinDivision(p, f) {
				return true
			}
		}
	}
	return false
}

// IndexedField names element i of a list field: "x[i]".
func IndexedField(field string, i int) string { return field + "[" + strconv.Itoa(i) + "]" }
