package models

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // as in cmd/wushe: the tests must not depend on the host's zoneinfo
)

// Windows and weekly schedules.

func TestWindowValidate(t *testing.T) {
	nepal := time.FixedZone("NPT", 5*3600+45*60)
	tests := []struct {
		name string
		w    Window
		want []string
	}{
		{"two hours", Window{sh(2025, 3, 3, 8, 0), sh(2025, 3, 3, 10, 0)}, nil},
		{"half an hour", Window{sh(2025, 3, 3, 8, 30), sh(2025, 3, 3, 9, 0)}, nil},
		{"exactly 24 hours", Window{sh(2025, 3, 3, 8, 0), sh(2025, 3, 4, 8, 0)}, nil},
		{"across midnight", Window{sh(2025, 3, 3, 22, 0), sh(2025, 3, 4, 2, 0)}, nil},
		{"given in UTC", Window{time.Date(2025, 3, 3, 0, 30, 0, 0, time.UTC), time.Date(2025, 3, 3, 1, 0, 0, 0, time.UTC)}, nil},
		{"24.5 hours", Window{sh(2025, 3, 3, 8, 0), sh(2025, 3, 4, 8, 30)}, []string{"w.end: a window may last at most 24 hours"}},
		{"end equals start", Window{sh(2025, 3, 3, 8, 0), sh(2025, 3, 3, 8, 0)}, []string{"w.end: end must be after start"}},
		{"end before start", Window{sh(2025, 3, 3, 10, 0), sh(2025, 3, 3, 8, 0)}, []string{"w.end: end must be after start"}},
		{"quarter past", Window{sh(2025, 3, 3, 8, 15), sh(2025, 3, 3, 10, 0)}, []string{"w.start: time must be on the hour or half hour"}},
		{"one second off", Window{sh(2025, 3, 3, 8, 0), sh(2025, 3, 3, 10, 0).Add(time.Second)}, []string{"w.end: time must be on the hour or half hour"}},
		{"one nanosecond off", Window{sh(2025, 3, 3, 8, 0).Add(1), sh(2025, 3, 3, 10, 0)}, []string{"w.start: time must be on the hour or half hour"}},
		// 10:00 in Nepal is 12:15 in Shanghai: the grid is Shanghai's.
		{"on the hour elsewhere", Window{time.Date(2025, 3, 3, 10, 0, 0, 0, nepal), sh(2025, 3, 3, 14, 0)}, []string{"w.start: time must be on the hour or half hour"}},
		{"missing both", Window{}, []string{"w.start: time is required", "w.end: time is required"}},
	}
	for _, tt := range tests {
		if got := problemList(t, tt.w.Validate("w")); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: problems %q, want %q", tt.name, got, tt.want)
		}
	}
	err := Window{sh(2025, 3, 3, 10, 0), sh(2025, 3, 3, 8, 0)}.Validate("w")
	if e := err.(*Error); e.Fields[0].Zh != "结束时间须晚于开始时间" {
		t.Errorf("zh = %q", e.Fields[0].Zh)
	}
}

func TestWindowOverlapsAndHours(t *testing.T) {
	base := Window{sh(2025, 3, 3, 8, 0), sh(2025, 3, 3, 10, 0)}
	tests := []struct {
		name  string
		o     Window
		want  bool
		hours float64
	}{
		{"identical", base, true, 2},
		{"inside", Window{sh(2025, 3, 3, 8, 30), sh(2025, 3, 3, 9, 0)}, true, 0.5},
		{"around", Window{sh(2025, 3, 3, 7, 0), sh(2025, 3, 3, 11, 0)}, true, 4},
		{"overlaps the end", Window{sh(2025, 3, 3, 9, 30), sh(2025, 3, 3, 12, 0)}, true, 2.5},
		{"overlaps the start", Window{sh(2025, 3, 3, 6, 0), sh(2025, 3, 3, 8, 30)}, true, 2.5},
		{"meets the end", Window{sh(2025, 3, 3, 10, 0), sh(2025, 3, 3, 11, 0)}, false, 1},
		{"meets the start", Window{sh(2025, 3, 3, 7, 0), sh(2025, 3, 3, 8, 0)}, false, 1},
		{"same hours next day", Window{sh(2025, 3, 4, 8, 0), sh(2025, 3, 4, 10, 0)}, false, 2},
		{"same instant in UTC", Window{time.Date(2025, 3, 3, 1, 0, 0, 0, time.UTC), time.Date(2025, 3, 3, 1, 30, 0, 0, time.UTC)}, true, 0.5},
	}
	for _, tt := range tests {
		if got := base.Overlaps(tt.o); got != tt.want {
			t.Errorf("%s: base.Overlaps = %v, want %v", tt.name, got, tt.want)
		}
		if got := tt.o.Overlaps(base); got != tt.want {
			t.Errorf("%s: Overlaps is not symmetric", tt.name)
		}
		if got := tt.o.Hours(); got != tt.hours {
			t.Errorf("%s: Hours = %v, want %v", tt.name, got, tt.hours)
		}
	}
}

func TestWindowSlots(t *testing.T) {
	keys := func(s string) []SlotKey {
		var out []SlotKey
		for _, k := range strings.Fields(s) {
			out = append(out, SlotKey(k))
		}
		return out
	}
	tests := []struct {
		name string
		w    Window
		want []SlotKey
	}{
		{"morning", Window{sh(2025, 3, 3, 8, 0), sh(2025, 3, 3, 10, 0)}, keys("2025-03-03#16 2025-03-03#17 2025-03-03#18 2025-03-03#19")},
		{"first cell of the day", Window{sh(2025, 3, 3, 0, 0), sh(2025, 3, 3, 0, 30)}, keys("2025-03-03#0")},
		{"across midnight", Window{sh(2025, 3, 3, 23, 0), sh(2025, 3, 4, 1, 0)}, keys("2025-03-03#46 2025-03-03#47 2025-03-04#0 2025-03-04#1")},
		{"across the year", Window{sh(2025, 12, 31, 23, 30), sh(2026, 1, 1, 0, 30)}, keys("2025-12-31#47 2026-01-01#0")},
		{"UTC evening is the Shanghai date after", Window{time.Date(2025, 3, 2, 16, 0, 0, 0, time.UTC), time.Date(2025, 3, 2, 17, 0, 0, 0, time.UTC)}, keys("2025-03-03#0 2025-03-03#1")},
		{"off the grid touches both cells", Window{sh(2025, 3, 3, 8, 10), sh(2025, 3, 3, 8, 40)}, keys("2025-03-03#16 2025-03-03#17")},
		{"empty", Window{sh(2025, 3, 3, 8, 0), sh(2025, 3, 3, 8, 0)}, nil},
	}
	for _, tt := range tests {
		if got := tt.w.Slots(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: Slots = %q, want %q", tt.name, got, tt.want)
		}
	}
	day := Window{sh(2025, 3, 3, 0, 0), sh(2025, 3, 4, 0, 0)}.Slots()
	if len(day) != 48 || day[47] != "2025-03-03#47" {
		t.Errorf("a whole day: %d keys, last %q", len(day), day[len(day)-1])
	}

	// Overlapping windows share a key; windows that only meet do not.
	shares := func(a, b Window) bool {
		seen := map[SlotKey]bool{}
		for _, k := range a.Slots() {
			seen[k] = true
		}
		for _, k := range b.Slots() {
			if seen[k] {
				return true
			}
		}
		return false
	}
	a := Window{sh(2025, 3, 3, 8, 0), sh(2025, 3, 3, 10, 0)}
	for _, b := range []Window{
		{sh(2025, 3, 3, 9, 30), sh(2025, 3, 3, 11, 0)},
		{sh(2025, 3, 3, 10, 0), sh(2025, 3, 3, 11, 0)},
		{sh(2025, 3, 3, 6, 0), sh(2025, 3, 3, 8, 0)},
		{sh(2025, 3, 2, 22, 0), sh(2025, 3, 3, 8, 30)},
	} {
		if shares(a, b) != a.Overlaps(b) {
			t.Errorf("%v and %v: shared key %v, overlap %v", a, b, shares(a, b), a.Overlaps(b))
		}
	}
}

func TestWeeklyScheduleValidate(t *testing.T) {
	ok := WeeklySchedule{Weekdays: []Weekday{1}, Start: "09:00", End: "11:00", From: "2025-01-01", Until: "2025-12-31"}
	with := func(change func(*WeeklySchedule)) WeeklySchedule {
		s := ok
		s.Weekdays = append([]Weekday(nil), ok.Weekdays...)
		change(&s)
		return s
	}
	const clock = "time must be HH:MM on the hour or half hour (e.g. 08:30)"
	tests := []struct {
		name string
		s    WeeklySchedule
		want []string
	}{
		{"weekly for a year", ok, nil},
		{"every day for 200 days", with(func(s *WeeklySchedule) { s.Weekdays = []Weekday{1, 2, 3, 4, 5, 6, 7}; s.Until = "2025-07-19" }), nil},
		{"every day for 201 days", with(func(s *WeeklySchedule) { s.Weekdays = []Weekday{1, 2, 3, 4, 5, 6, 7}; s.Until = "2025-07-20" }),
			[]string{"s: a schedule may have at most 200 occurrences"}},
		{"a leap year is 366 days", with(func(s *WeeklySchedule) { s.From, s.Until = "2024-01-01", "2024-12-31" }), nil},
		{"367 days", with(func(s *WeeklySchedule) { s.From, s.Until = "2024-01-01", "2025-01-01" }),
			[]string{"s.until: a schedule may span at most 366 days"}},
		{"one day", with(func(s *WeeklySchedule) { s.From, s.Until = "2025-03-03", "2025-03-03" }), nil},
		{"until before from", with(func(s *WeeklySchedule) { s.From, s.Until = "2025-03-03", "2025-03-02" }),
			[]string{"s.until: until must not be before from"}},
		{"no chosen weekday in range", with(func(s *WeeklySchedule) { s.From, s.Until = "2025-03-04", "2025-03-09" }),
			[]string{"s.weekdays: no chosen weekday falls between from and until"}},
		{"until midnight", with(func(s *WeeklySchedule) { s.Start, s.End = "22:00", "24:00" }), nil},
		{"whole day", with(func(s *WeeklySchedule) { s.Start, s.End = "00:00", "24:00" }), nil},
		{"no weekdays", with(func(s *WeeklySchedule) { s.Weekdays = nil }), []string{"s.weekdays: choose at least one weekday"}},
		{"weekday 0 and 8, duplicate 3", with(func(s *WeeklySchedule) { s.Weekdays = []Weekday{0, 3, 8, 3} }), []string{
			"s.weekdays[0]: a weekday is one of mon, tue, wed, thu, fri, sat, sun",
			"s.weekdays[2]: a weekday is one of mon, tue, wed, thu, fri, sat, sun",
			"s.weekdays[3]: duplicate weekday",
		}},
		{"off-grid start", with(func(s *WeeklySchedule) { s.Start = "09:15" }), []string{"s.start: " + clock}},
		{"start at 24:00", with(func(s *WeeklySchedule) { s.Start, s.End = "24:00", "24:00" }), []string{"s.start: " + clock}},
		{"end 25:00", with(func(s *WeeklySchedule) { s.End = "25:00" }), []string{"s.end: " + clock}},
		{"end equals start", with(func(s *WeeklySchedule) { s.End = "09:00" }), []string{"s.end: end must be after start"}},
		{"overnight is not a schedule", with(func(s *WeeklySchedule) { s.Start, s.End = "22:00", "02:00" }), []string{"s.end: end must be after start"}},
		{"bad dates", with(func(s *WeeklySchedule) { s.From, s.Until = "2025-02-29", "31/12/2025" }), []string{
			"s.from: date must be a valid YYYY-MM-DD date",
			"s.until: date must be a valid YYYY-MM-DD date",
		}},
	}
	for _, tt := range tests {
		if got := problemList(t, tt.s.Validate("s")); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: problems %q, want %q", tt.name, got, tt.want)
		}
		if tt.want != nil && tt.s.Occurrences() != nil {
			t.Errorf("%s: an invalid schedule has occurrences", tt.name)
		}
	}
}

func TestWeeklyScheduleOccurrencesYear(t *testing.T) {
	s := WeeklySchedule{Weekdays: []Weekday{1}, Start: "09:00", End: "11:00", From: "2025-01-01", Until: "2025-12-31"}
	occ := s.Occurrences()
	if len(occ) != 52 {
		t.Fatalf("%d Mondays in 2025, want 52", len(occ))
	}
	if !occ[0].Start.Equal(sh(2025, 1, 6, 9, 0)) || !occ[51].End.Equal(sh(2025, 12, 29, 11, 0)) {
		t.Errorf("first %v, last %v", occ[0], occ[51])
	}
	if got := occ[0].Start.Format(time.RFC3339); got != "2025-01-06T09:00:00+08:00" {
		t.Errorf("first start = %s", got)
	}
	for i, w := range occ {
		if w.Start.Weekday() != time.Monday || w.Hours() != 2 || w.Validate("") != nil {
			t.Errorf("occurrence %d: %v", i, w)
		}
		if _, off := w.Start.Zone(); off != 8*3600 {
			t.Errorf("occurrence %d: offset %d", i, off)
		}
		// No daylight saving: every week is exactly 168 hours after the last.
		if i > 0 && w.Start.Sub(occ[i-1].Start) != 7*24*time.Hour {
			t.Errorf("occurrence %d is %v after the one before", i, w.Start.Sub(occ[i-1].Start))
		}
	}
}

func TestWeeklyScheduleOccurrencesEdges(t *testing.T) {
	tests := []struct {
		name string
		s    WeeklySchedule
		want []Window
	}{
		{"Sundays, first and last day inclusive",
			WeeklySchedule{Weekdays: []Weekday{7}, Start: "14:00", End: "16:30", From: "2025-03-09", Until: "2025-03-23"},
			[]Window{
				{sh(2025, 3, 9, 14, 0), sh(2025, 3, 9, 16, 30)},
				{sh(2025, 3, 16, 14, 0), sh(2025, 3, 16, 16, 30)},
				{sh(2025, 3, 23, 14, 0), sh(2025, 3, 23, 16, 30)},
			}},
		{"Sunday until midnight ends on Monday",
			WeeklySchedule{Weekdays: []Weekday{7}, Start: "22:00", End: "24:00", From: "2025-03-09", Until: "2025-03-09"},
			[]Window{{sh(2025, 3, 9, 22, 0), sh(2025, 3, 10, 0, 0)}}},
		{"weekdays in any order come out in date order",
			WeeklySchedule{Weekdays: []Weekday{5, 1, 3}, Start: "08:00", End: "08:30", From: "2025-03-05", Until: "2025-03-10"},
			[]Window{
				{sh(2025, 3, 5, 8, 0), sh(2025, 3, 5, 8, 30)},
				{sh(2025, 3, 7, 8, 0), sh(2025, 3, 7, 8, 30)},
				{sh(2025, 3, 10, 8, 0), sh(2025, 3, 10, 8, 30)},
			}},
		{"across the new year and a leap day",
			WeeklySchedule{Weekdays: []Weekday{4}, Start: "00:00", End: "01:00", From: "2023-12-28", Until: "2024-03-01"},
			nil}, // checked by count below
	}
	for _, tt := range tests {
		got := tt.s.Occurrences()
		if tt.want == nil {
			// Thursdays from 2023-12-28 to 2024-02-29 inclusive: 10.
			if len(got) != 10 || !got[0].Start.Equal(sh(2023, 12, 28, 0, 0)) || !got[9].Start.Equal(sh(2024, 2, 29, 0, 0)) {
				t.Errorf("%s: %d occurrences, %v … %v", tt.name, len(got), got[0], got[len(got)-1])
			}
			continue
		}
		if len(got) != len(tt.want) {
			t.Fatalf("%s: %d occurrences, want %d", tt.name, len(got), len(tt.want))
		}
		for i := range got {
			if !got[i].Start.Equal(tt.want[i].Start) || !got[i].End.Equal(tt.want[i].End) {
				t.Errorf("%s: occurrence %d = %v, want %v", tt.name, i, got[i], tt.want[i])
			}
		}
	}
}

func TestWeekdayJSONIsTheAvailabilityKey(t *testing.T) {
	raw, err := json.Marshal(WeeklySchedule{Weekdays: []Weekday{1, 4, 7}})
	if err != nil || !strings.Contains(string(raw), `"weekdays":["mon","thu","sun"]`) {
		t.Fatalf("marshal: %s %v", raw, err)
	}
	var s WeeklySchedule
	if err := json.Unmarshal([]byte(`{"weekdays":["sat","tue"]}`), &s); err != nil || !slices.Equal(s.Weekdays, []Weekday{6, 2}) {
		t.Fatalf("unmarshal: %v %v", s.Weekdays, err)
	}
	for _, bad := range []string{`["Mon"]`, `[1]`, `["monday"]`, `[null]`} {
		if err := json.Unmarshal([]byte(`{"weekdays":`+bad+`}`), &s); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	// The grid's keys and the schedule's days are one list.
	g, _ := ParseWeekGrid("", map[string][]string{Weekday(3).String(): {"08:00-09:00"}})
	if keys, _ := json.Marshal(g); !strings.Contains(string(keys), `"wed":["08:00-09:00"]`) {
		t.Errorf("grid: %s", keys)
	}
}
