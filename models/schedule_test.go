package models

import (
	"encoding/json"
	"errors"
	"reflect"
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
		got, err := ParseDate("openedOn", tt.in)
		if tt.ok {
			if err != nil || !got.Equal(tt.want) || got.Location() != Shanghai() {
				t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			continue
		}
		if want := []string{"openedOn: date must be a valid YYYY-MM-DD date"}; !reflect.DeepEqual(problemList(t, err), want) {
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
	_, err := ParseRanges("availability.mon", []string{"08:00-09:00", "09:10-10:00", "11:00-10:00"})
	want := []string{
		"availability.mon[1]: time must be HH:MM on the hour or half hour (e.g. 08:30)",
		"availability.mon[2]: end must be after start",
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
	g, err := ParseWeekGrid("availability", map[string][]string{"sat": {"09:00-10:00"}})
	if err != nil || !g.Has(5, 18) || !g.Has(5, 19) || g.Count() != 2 {
		t.Errorf("sat 09:00-10:00: %x, %v", g, err)
	}
	_, err = ParseWeekGrid("availability", map[string][]string{"xyz": nil, "sat": {"9-10"}})
	want := []string{
		"availability.sat[0]: time must be HH:MM on the hour or half hour (e.g. 08:30)",
		"availability.xyz: unknown day (want mon, tue, wed, thu, fri, sat or sun)",
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
