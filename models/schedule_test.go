package models

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // as in cmd/wushe: the tests must not depend on the host's zoneinfo
)

// problemList flattens a validation error into "field: English message"
// lines; nil for a nil error.
func problemList(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindInvalid {
		t.Fatalf("error %v is not a validation error", err)
	}
	var out []string
	for _, f := range e.Fields {
		if f.Zh == "" {
			t.Errorf("%s: no zh-CN message", f.Field)
		}
		out = append(out, f.Field+": "+f.En)
	}
	return out
}

// sh builds an Asia/Shanghai wall-clock time.
func sh(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, Shanghai())
}

func TestShanghai(t *testing.T) {
	if got := Shanghai().String(); got != "Asia/Shanghai" {
		t.Fatalf("Shanghai() = %q", got)
	}
	// No daylight saving since 1991: UTC+8 in winter and in summer.
	for _, at := range []time.Time{sh(2025, 1, 15, 12, 0), sh(2025, 7, 15, 12, 0)} {
		if _, off := at.Zone(); off != 8*3600 {
			t.Errorf("%v: offset %d", at, off)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2025-03-01", sh(2025, 3, 1, 0, 0), true},
		{"2024-02-29", sh(2024, 2, 29, 0, 0), true},
		{"2025-12-31", sh(2025, 12, 31, 0, 0), true},
		{"2025-02-29", time.Time{}, false}, // not a leap year
		{"2025-04-31", time.Time{}, false},
		{"2025-13-01", time.Time{}, false},
		{"2025-3-1", time.Time{}, false},
		{"20250301", time.Time{}, false},
		{"2025/03/01", time.Time{}, false},
		{" 2025-03-01", time.Time{}, false},
		{"2025-03-01T00:00:00+08:00", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tt := range tests {
		got, err := ParseDate("body.openedOn", tt.in)
		if tt.ok {
			if err != nil || !got.Equal(tt.want) || got.Location() != Shanghai() {
				t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			continue
		}
		if want := []string{"body.openedOn: date must be a valid YYYY-MM-DD date"}; !reflect.DeepEqual(problemList(t, err), want) {
			t.Errorf("ParseDate(%q) err = %v", tt.in, err)
		}
	}
	if err := Date("2025-02-30").Validate("f"); err == nil {
		t.Error(`Date("2025-02-30").Validate passed`)
	}
	if tm, err := Date("2025-03-01").Time(); err != nil || !tm.Equal(sh(2025, 3, 1, 0, 0)) {
		t.Errorf(`Date("2025-03-01").Time() = %v, %v`, tm, err)
	}
}

func TestDateOf(t *testing.T) {
	tests := []struct {
		at   time.Time
		want Date
	}{
		{time.Date(2025, 3, 1, 15, 59, 59, 0, time.UTC), "2025-03-01"},
		{time.Date(2025, 3, 1, 16, 0, 0, 0, time.UTC), "2025-03-02"}, // midnight in Shanghai
		{time.Date(2024, 12, 31, 16, 0, 0, 0, time.UTC), "2025-01-01"},
	}
	for _, tt := range tests {
		if got := DateOf(tt.at); got != tt.want {
			t.Errorf("DateOf(%v) = %s, want %s", tt.at, got, tt.want)
		}
	}
}

func TestParseSlotRange(t *testing.T) {
	const (
		clock  = "r: time must be HH:MM on the hour or half hour (e.g. 08:30)"
		order  = "r: end must be after start"
		format = "r: range must be HH:MM-HH:MM (e.g. 08:00-12:00)"
	)
	tests := []struct {
		in         string
		start, end int
		problem    string
	}{
		{"08:00-12:00", 16, 24, ""},
		{"00:00-00:30", 0, 1, ""},
		{"00:00-24:00", 0, 48, ""},
		{"23:30-24:00", 47, 48, ""},
		{" 08:00 - 09:30 ", 16, 19, ""},
		{"08:15-09:00", 0, 0, clock},
		{"08:00-09:45", 0, 0, clock},
		{"8:00-9:00", 0, 0, clock},
		{"24:00-24:00", 0, 0, clock}, // 24:00 ends a day, never starts one
		{"23:00-24:30", 0, 0, clock},
		{"23:00-25:00", 0, 0, clock},
		{"+8:00-09:00", 0, 0, clock},
		{"08:00-08:00", 0, 0, order},
		{"12:00-08:00", 0, 0, order},
		{"08:00", 0, 0, format},
		{"08:00–09:00", 0, 0, format}, // en dash
		{"", 0, 0, format},
	}
	for _, tt := range tests {
		start, end, err := ParseSlotRange("r", tt.in)
		if tt.problem == "" {
			if err != nil || start != tt.start || end != tt.end {
				t.Errorf("ParseSlotRange(%q) = %d, %d, %v; want %d, %d", tt.in, start, end, err, tt.start, tt.end)
			}
			continue
		}
		if got := problemList(t, err); !reflect.DeepEqual(got, []string{tt.problem}) {
			t.Errorf("ParseSlotRange(%q) problems %q, want %q", tt.in, got, tt.problem)
		}
	}
}

func TestParseAndFormatRanges(t *testing.T) {
	span := func(from, to int) uint64 { return (uint64(1)<<(to-from) - 1) << from }
	tests := []struct {
		in     []string
		mask   uint64
		format []string
	}{
		{nil, 0, []string{}},
		{[]string{"08:00-12:00", "14:00-17:30"}, span(16, 24) | span(28, 35), []string{"08:00-12:00", "14:00-17:30"}},
		{[]string{"09:00-12:00", "08:00-10:00"}, span(16, 24), []string{"08:00-12:00"}},             // overlaps merge
		{[]string{"08:00-09:00", "09:00-10:00"}, span(16, 20), []string{"08:00-10:00"}},             // adjacent runs join
		{[]string{"00:00-00:30", "23:30-24:00"}, 1 | 1<<47, []string{"00:00-00:30", "23:30-24:00"}}, // both ends of the day
		{[]string{"00:00-24:00"}, span(0, 48), []string{"00:00-24:00"}},
	}
	for _, tt := range tests {
		mask, err := ParseRanges("mon", tt.in)
		if err != nil || mask != tt.mask {
			t.Errorf("ParseRanges(%q) = %x, %v; want %x", tt.in, mask, err, tt.mask)
		}
		if got := FormatRanges(mask); !reflect.DeepEqual(got, tt.format) {
			t.Errorf("FormatRanges(%x) = %q, want %q", mask, got, tt.format)
		}
	}
	_, err := ParseRanges("body.availability.mon", []string{"08:00-09:00", "09:10-10:00", "11:00-10:00"})
	want := []string{
		"body.availability.mon[1]: time must be HH:MM on the hour or half hour (e.g. 08:30)",
		"body.availability.mon[2]: end must be after start",
	}
	if got := problemList(t, err); !reflect.DeepEqual(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
}

func TestWeekGridBits(t *testing.T) {
	var g WeekGrid
	g.Set(0, 0)  // bit 0
	g.Set(1, 15) // bit 63: last of word 0
	g.Set(1, 16) // bit 64: first of word 1
	g.Set(6, 47) // bit 335: the last
	g.Set(6, 47) // setting twice changes nothing
	want := WeekGrid{1 | 1<<63, 1, 0, 0, 0, 1 << (335 - 320)}
	if g != want {
		t.Fatalf("grid = %x, want %x", g, want)
	}
	if g.Count() != 4 {
		t.Errorf("Count = %d, want 4", g.Count())
	}
	for _, c := range []struct {
		day, slot int
		want      bool
	}{{0, 0, true}, {0, 1, false}, {1, 15, true}, {1, 16, true}, {1, 17, false}, {6, 46, false}, {6, 47, true}} {
		if got := g.Has(c.day, c.slot); got != c.want {
			t.Errorf("Has(%d, %d) = %v", c.day, c.slot, got)
		}
	}
	if got := g.Day(1); got != 1<<15|1<<16 {
		t.Errorf("Day(1) = %x", got)
	}
	for _, bad := range [][2]int{{-1, 0}, {7, 0}, {0, -1}, {0, 48}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Set(%d, %d) did not panic", bad[0], bad[1])
				}
			}()
			g.Set(bad[0], bad[1])
		}()
	}
	var full WeekGrid
	for d := 0; d < 7; d++ {
		for s := 0; s < SlotsPerDay; s++ {
			full.Set(d, s)
		}
	}
	if full.Count() != SlotsPerWeek || full[5] != 1<<16-1 {
		t.Errorf("full grid: count %d, last word %x", full.Count(), full[5])
	}
}

func TestWeekGridJSON(t *testing.T) {
	var g WeekGrid
	for s := 16; s < 24; s++ {
		g.Set(0, s) // Monday 08:00–12:00
	}
	for s := 28; s < 35; s++ {
		g.Set(0, s) // Monday 14:00–17:30
	}
	g.Set(6, 47) // Sunday 23:30–24:00
	got, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"mon":["08:00-12:00","14:00-17:30"],"tue":[],"wed":[],"thu":[],"fri":[],"sat":[],"sun":["23:30-24:00"]}`
	if string(got) != want {
		t.Fatalf("Marshal = %s\nwant      %s", got, want)
	}
	var back WeekGrid
	if err := json.Unmarshal(got, &back); err != nil || back != g {
		t.Fatalf("round trip = %x, %v; want %x", back, err, g)
	}

	// Missing days are empty; a parsed grid replaces what was there.
	back = g
	if err := json.Unmarshal([]byte(`{"wed":["00:00-24:00"]}`), &back); err != nil {
		t.Fatal(err)
	}
	if back.Count() != 48 || back.Day(2) != 1<<48-1 {
		t.Errorf("wed all day: %x", back)
	}
	// null leaves the grid alone, as encoding/json does for values.
	back = g
	if err := json.Unmarshal([]byte(`null`), &back); err != nil || back != g {
		t.Errorf("null: %x, %v", back, err)
	}

	bad := []struct {
		in   string
		want []string
	}{
		{`{"monday":["08:00-12:00"]}`, []string{"monday: unknown day (want mon, tue, wed, thu, fri, sat or sun)"}},
		{`{"mon":["08:20-12:00"]}`, []string{"mon[0]: time must be HH:MM on the hour or half hour (e.g. 08:30)"}},
		{`{"tue":["08:00-12:00","12:00-12:00"]}`, []string{"tue[1]: end must be after start"}},
		{`{"sun":["22:00-02:00"]}`, []string{"sun[0]: end must be after start"}},
		{`{"sun":["21:00-22:00"],"Sun":["08:00-09:00"],"fri":["x"]}`, []string{
			"Sun: unknown day (want mon, tue, wed, thu, fri, sat or sun)",
			"fri[0]: range must be HH:MM-HH:MM (e.g. 08:00-12:00)",
		}},
		{`{"mon":"08:00-12:00"}`, []string{`: weekly availability must look like {"mon": ["08:00-12:00"], ...}`}},
		{`["mon"]`, []string{`: weekly availability must look like {"mon": ["08:00-12:00"], ...}`}},
	}
	for _, tt := range bad {
		g2 := g
		err := json.Unmarshal([]byte(tt.in), &g2)
		if got := problemList(t, err); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Unmarshal(%s) problems %q, want %q", tt.in, got, tt.want)
		}
		if g2 != g {
			t.Errorf("Unmarshal(%s) changed the grid on error", tt.in)
		}
	}

	// Inside a request body the grid's error reaches the caller.
	var body struct {
		Availability WeekGrid `json:"availability"`
	}
	err = json.Unmarshal([]byte(`{"availability":{"tue":["08:00-12:00","13:00-13:15"]}}`), &body)
	var e *Error
	if !errors.As(err, &e) || e.Field != "tue[1]" {
		t.Errorf("nested: %v", err)
	}
}

func TestParseWeekGridField(t *testing.T) {
	g, err := ParseWeekGrid("body.availability", map[string][]string{"sat": {"09:00-10:00"}})
	if err != nil || !g.Has(5, 18) || !g.Has(5, 19) || g.Count() != 2 {
		t.Errorf("sat 09:00-10:00: %x, %v", g, err)
	}
	_, err = ParseWeekGrid("body.availability", map[string][]string{"xyz": nil, "sat": {"9-10"}})
	want := []string{
		"body.availability.sat[0]: time must be HH:MM on the hour or half hour (e.g. 08:30)",
		"body.availability.xyz: unknown day (want mon, tue, wed, thu, fri, sat or sun)",
	}
	if got := problemList(t, err); !reflect.DeepEqual(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
}

func TestWeekGridCoversWindow(t *testing.T) {
	// 2025-03-03 is a Monday; 2025-03-09 a Sunday.
	var g WeekGrid
	set := func(day, from, to int) {
		for s := from; s < to; s++ {
			g.Set(day, s)
		}
	}
	set(0, 0, 4)   // Mon 00:00–02:00
	set(0, 16, 24) // Mon 08:00–12:00
	set(1, 46, 48) // Tue 23:00–24:00
	set(2, 0, 2)   // Wed 00:00–01:00
	set(6, 44, 48) // Sun 22:00–24:00

	tests := []struct {
		name       string
		start, end time.Time
		want       bool
	}{
		{"exactly the morning", sh(2025, 3, 3, 8, 0), sh(2025, 3, 3, 12, 0), true},
		{"inside one slot", sh(2025, 3, 3, 8, 10), sh(2025, 3, 3, 8, 20), true},
		{"last slot", sh(2025, 3, 3, 11, 30), sh(2025, 3, 3, 12, 0), true},
		{"one minute past the end", sh(2025, 3, 3, 8, 0), sh(2025, 3, 3, 12, 1), false},
		{"one minute before the start", sh(2025, 3, 3, 7, 59), sh(2025, 3, 3, 9, 0), false},
		{"a slot not set", sh(2025, 3, 3, 12, 0), sh(2025, 3, 3, 12, 30), false},
		{"a week later", sh(2025, 3, 10, 8, 0), sh(2025, 3, 10, 12, 0), true},
		{"same hours on Tuesday", sh(2025, 3, 4, 8, 0), sh(2025, 3, 4, 12, 0), false},
		{"across midnight Tue→Wed", sh(2025, 3, 4, 23, 0), sh(2025, 3, 5, 1, 0), true},
		{"across midnight, too long", sh(2025, 3, 4, 23, 0), sh(2025, 3, 5, 1, 30), false},
		{"Sunday night into Monday", sh(2025, 3, 9, 22, 0), sh(2025, 3, 10, 2, 0), true},
		{"Sunday night from too early", sh(2025, 3, 9, 21, 30), sh(2025, 3, 10, 2, 0), false},
		{"given in UTC", time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 3, 4, 0, 0, 0, time.UTC), true},
		{"UTC hours read as Shanghai would be wrong", time.Date(2025, 3, 3, 8, 0, 0, 0, time.UTC), time.Date(2025, 3, 3, 12, 0, 0, 0, time.UTC), false},
		{"empty", sh(2025, 3, 3, 8, 0), sh(2025, 3, 3, 8, 0), false},
		{"inverted", sh(2025, 3, 3, 12, 0), sh(2025, 3, 3, 8, 0), false},
	}
	for _, tt := range tests {
		if got := g.CoversWindow(tt.start, tt.end); got != tt.want {
			t.Errorf("%s: CoversWindow = %v, want %v", tt.name, got, tt.want)
		}
	}

	var full WeekGrid
	for i := range full {
		full[i] = ^uint64(0)
	}
	full[5] = 1<<16 - 1
	long := []time.Time{sh(2025, 3, 3, 8, 0), sh(2025, 3, 13, 8, 0)}
	if !full.CoversWindow(long[0], long[1]) || g.CoversWindow(long[0], long[1]) {
		t.Error("ten-day window: only a full grid covers it")
	}
	if !full.CoversWindow(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("a window of millennia is covered by a full grid")
	}
}

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
	ok := WeeklySchedule{Weekdays: []int{1}, Start: "09:00", End: "11:00", From: "2025-01-01", Until: "2025-12-31"}
	with := func(change func(*WeeklySchedule)) WeeklySchedule {
		s := ok
		s.Weekdays = append([]int(nil), ok.Weekdays...)
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
		{"every day for 200 days", with(func(s *WeeklySchedule) { s.Weekdays = []int{1, 2, 3, 4, 5, 6, 7}; s.Until = "2025-07-19" }), nil},
		{"every day for 201 days", with(func(s *WeeklySchedule) { s.Weekdays = []int{1, 2, 3, 4, 5, 6, 7}; s.Until = "2025-07-20" }),
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
		{"weekday 0 and 8, duplicate 3", with(func(s *WeeklySchedule) { s.Weekdays = []int{0, 3, 8, 3} }), []string{
			"s.weekdays[0]: weekday must be 1 (Monday) to 7 (Sunday)",
			"s.weekdays[2]: weekday must be 1 (Monday) to 7 (Sunday)",
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
	s := WeeklySchedule{Weekdays: []int{1}, Start: "09:00", End: "11:00", From: "2025-01-01", Until: "2025-12-31"}
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
			WeeklySchedule{Weekdays: []int{7}, Start: "14:00", End: "16:30", From: "2025-03-09", Until: "2025-03-23"},
			[]Window{
				{sh(2025, 3, 9, 14, 0), sh(2025, 3, 9, 16, 30)},
				{sh(2025, 3, 16, 14, 0), sh(2025, 3, 16, 16, 30)},
				{sh(2025, 3, 23, 14, 0), sh(2025, 3, 23, 16, 30)},
			}},
		{"Sunday until midnight ends on Monday",
			WeeklySchedule{Weekdays: []int{7}, Start: "22:00", End: "24:00", From: "2025-03-09", Until: "2025-03-09"},
			[]Window{{sh(2025, 3, 9, 22, 0), sh(2025, 3, 10, 0, 0)}}},
		{"weekdays in any order come out in date order",
			WeeklySchedule{Weekdays: []int{5, 1, 3}, Start: "08:00", End: "08:30", From: "2025-03-05", Until: "2025-03-10"},
			[]Window{
				{sh(2025, 3, 5, 8, 0), sh(2025, 3, 5, 8, 30)},
				{sh(2025, 3, 7, 8, 0), sh(2025, 3, 7, 8, 30)},
				{sh(2025, 3, 10, 8, 0), sh(2025, 3, 10, 8, 30)},
			}},
		{"across the new year and a leap day",
			WeeklySchedule{Weekdays: []int{4}, Start: "00:00", End: "01:00", From: "2023-12-28", Until: "2024-03-01"},
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
