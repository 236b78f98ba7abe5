package models

import (
	"testing"
	"time"
)

func TestCheckinCodeRotates(t *testing.T) {
	secret := []byte("check-in-secret")
	t0 := time.Date(2030, 6, 1, 9, 0, 0, 0, time.UTC)
	c0 := CheckinCode(secret, "occ1", t0)
	if len(c0) != 6 {
		t.Fatalf("code %q", c0)
	}
	if CheckinCode(secret, "occ1", t0.Add(4*time.Minute)) != c0 {
		t.Error("code changed within a step")
	}
	c1 := CheckinCode(secret, "occ1", t0.Add(CheckinStep))
	if c1 == c0 {
		t.Error("code did not change after a step")
	}
	if CheckinCode(secret, "occ2", t0) == c0 || CheckinCode([]byte("other"), "occ1", t0) == c0 {
		t.Error("code does not depend on the occurrence and the secret")
	}
	cases := []struct {
		code string
		at   time.Time
		ok   bool
	}{
		{c0, t0, true},
		{c0, t0.Add(CheckinStep + time.Minute), true},    // the previous step's code still works
		{c0, t0.Add(2*CheckinStep + time.Minute), false}, // two steps later it does not
		{c1, t0, false}, // a future code does not
		{"000000", t0, c0 == "000000"},
		{"", t0, false},
	}
	for i, c := range cases {
		if got := CheckinCodeValid(secret, "occ1", c.code, c.at); got != c.ok {
			t.Errorf("case %d: valid=%v, want %v", i, got, c.ok)
		}
	}
}

func TestServiceHoursRounding(t *testing.T) {
	sh := Shanghai()
	at := func(d, h, m int) time.Time { return time.Date(2030, 6, d, h, m, 0, 0, sh) }
	win := Window{Start: at(1, 9, 0), End: at(1, 11, 0)}
	night := Window{Start: at(1, 22, 0), End: at(2, 2, 0)} // across midnight in Asia/Shanghai
	cases := []struct {
		name      string
		in, out   time.Time
		window    Window
		wantHours float64
	}{
		{"exact window", at(1, 9, 0), at(1, 11, 0), win, 2},
		{"rounds down to the quarter", at(1, 9, 0), at(1, 10, 59), win, 1.75},
		{"14 minutes count 0", at(1, 9, 0), at(1, 9, 14), win, 0},
		{"15 minutes count a quarter", at(1, 9, 0), at(1, 9, 15), win, 0.25},
		{"early arrival counts 30 min at most", at(1, 8, 0), at(1, 11, 0), win, 2.5},
		{"late stay counts 30 min at most", at(1, 9, 0), at(1, 13, 0), win, 2.5},
		{"check-out before check-in", at(1, 10, 0), at(1, 9, 0), win, 0},
		{"entirely outside the window", at(1, 14, 0), at(1, 16, 0), win, 0},
		{"across midnight", at(1, 22, 0), at(2, 2, 0), night, 4},
		{"across midnight, partial", at(1, 23, 10), at(2, 1, 5), night, 1.75},
		{"UTC instants count the same", at(1, 9, 0).UTC(), at(1, 11, 0).UTC(), win, 2},
	}
	for _, c := range cases {
		if got := ServiceHours(c.in, c.out, c.window); got != c.wantHours {
			t.Errorf("%s: %v h, want %v", c.name, got, c.wantHours)
		}
	}
}

func TestWithinRadius(t *testing.T) {
	place := Point{Lat: 34.7535, Lng: 113.6133}
	if !WithinRadius(Point{Lat: 34.7540, Lng: 113.6140}, place, 0.2) {
		t.Error("90 m away is outside 200 m")
	}
	if WithinRadius(Point{Lat: 34.7600, Lng: 113.6200}, place, 0.2) {
		t.Error("900 m away is inside 200 m")
	}
}
