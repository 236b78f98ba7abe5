package needs

import (
	"testing"

	"github.com/wushe/wushe/models"
)

// TestAsMatchedCoarsensACopy: matching gets the home's cell node; the
// profile itself keeps the exact point, and a profile without a home stays
// without one.
func TestAsMatchedCoarsensACopy(t *testing.T) {
	home := models.Point{Lat: 34.7553, Lng: 113.6153}
	v := &models.Volunteer{AccountID: "v1", Home: &home, MaxDistanceKm: 5}
	m := asMatched(v)
	if m == v || m.Home == v.Home {
		t.Fatal("asMatched must not share the profile or its home")
	}
	if *m.Home != (models.Point{Lat: 34.76, Lng: 113.62}) || m.AccountID != "v1" || m.MaxDistanceKm != 5 {
		t.Errorf("asMatched = %+v home %v", m, *m.Home)
	}
	if *v.Home != home {
		t.Errorf("the profile's home changed to %v", *v.Home)
	}
	if none := asMatched(&models.Volunteer{AccountID: "v2"}); none.Home != nil {
		t.Errorf("a volunteer without a home got %v", *none.Home)
	}
}
