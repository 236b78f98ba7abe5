package models

import (
	"bytes"
	"encoding/json"
	"math/bits"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Weekly availability and schedules are reckoned in Asia/Shanghai on a
// half-hour grid. Asia/Shanghai has kept UTC+8 without daylight saving
// since 1991, so a half hour of wall-clock time is always a half hour.
const (
	SlotsPerDay  = 48
	SlotsPerWeek = 7 * SlotsPerDay // 336
	SlotLength   = 30 * time.Minute
)

// DateLayout is the wire form of a calendar date.
const DateLayout = "2006-01-02"

var shanghai = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		// cmd/wushe embeds tzdata, so this happens only in a binary that
		// forgot to; UTC+8 is exact for every date since 1991.
		return time.FixedZone("CST", 8*60*60)
	}
	return loc
})

// Shanghai is the Asia/Shanghai time zone, in which dates, weekly
// availability and schedules are read.
func Shanghai() *time.Location { return shanghai() }

// Date is a calendar date, YYYY-MM-DD, in Asia/Shanghai.
type Date string

// DateOf is the Asia/Shanghai calendar date of t.
func DateOf(t time.Time) Date { return Date(t.In(Shanghai()).Format(DateLayout)) }

// Validate checks that d is a real YYYY-MM-DD date.
func (d Date) Validate(field string) error {
	_, err := ParseDate(field, string(d))
	return err
}

// Time is the start (00:00 Asia/Shanghai) of the date, or an error when d
// is not a real YYYY-MM-DD date.
func (d Date) Time() (time.Time, error) { return ParseDate("", string(d)) }

// ParseDate reads YYYY-MM-DD (two-digit month and day, a day that exists)
// as midnight at the start of that date in Asia/Shanghai.
func ParseDate(field, s string) (time.Time, error) {
	t, err := time.ParseInLocation(DateLayout, s, Shanghai())
	if err != nil {
		return time.Time{}, Invalid(field, "日期格式应为 YYYY-MM-DD，且须为有效日期", "date must be a valid YYYY-MM-DD date")
	}
	return t, nil
}

// childField names a part of field ("window" + "end" → "window.end").
func childField(field, name string) string {
	if field == "" {
		return name
	}
	return field + "." + name
}

func indexField(field string, i int) string { return field + "[" + strconv.Itoa(i) + "]" }

const (
	clockZh = "时间须为整点或半点，格式 HH:MM（如 08:30）"
	clockEn = "time must be HH:MM on the hour or half hour (e.g. 08:30)"
	orderZh = "结束时间须晚于开始时间"
	orderEn = "end must be after start"
)

// parseClock reads "HH:MM" on the half-hour grid as a slot boundary,
// 0 ("00:00") to 48 ("24:00").
func parseClock(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if (m != 0 && m != 30) || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*2 + m/30, true
}

// formatClock writes slot boundary b (0–48) as "HH:MM".
func formatClock(b int) string {
	h, m := b/2, b%2*30
	return string([]byte{byte('0' + h/10), byte('0' + h%10), ':', byte('0' + m/10), '0'})
}

// ParseSlotRange reads "HH:MM-HH:MM" on the half-hour grid, end exclusive
// and "24:00" allowed as the end, as the slots [start, end) of one day.
func ParseSlotRange(field, s string) (start, end int, err error) {
	from, to, found := strings.Cut(strings.TrimSpace(s), "-")
	if !found {
		return 0, 0, Invalid(field, "时段格式应为 HH:MM-HH:MM（如 08:00-12:00）", "range must be HH:MM-HH:MM (e.g. 08:00-12:00)")
	}
	start, ok1 := parseClock(strings.TrimSpace(from))
	end, ok2 := parseClock(strings.TrimSpace(to))
	switch {
	case !ok1 || !ok2 || start == SlotsPerDay:
		return 0, 0, Invalid(field, clockZh, clockEn)
	case end <= start:
		return 0, 0, Invalid(field, orderZh, orderEn)
	}
	return start, end, nil
}

// ParseRanges reads one day's ranges (see ParseSlotRange) as a 48-bit
// mask, bit s for slot s. Overlapping ranges are merged.
func ParseRanges(field string, ranges []string) (uint64, error) {
	var mask uint64
	var p Problems
	for i, r := range ranges {
		start, end, err := ParseSlotRange(indexField(field, i), r)
		if err != nil {
			p = append(p, err.(*Error).Fields...)
			continue
		}
		mask |= (uint64(1)<<(end-start) - 1) << start
	}
	if err := p.Err(); err != nil {
		return 0, err
	}
	return mask, nil
}

// FormatRanges writes a 48-bit day mask as its maximal runs, in order,
// e.g. ["08:00-12:00", "14:00-17:30"]; never nil.
func FormatRanges(mask uint64) []string {
	out := []string{}
	for s := 0; s < SlotsPerDay; {
		if mask&(1<<s) == 0 {
			s++
			continue
		}
		e := s
		for e < SlotsPerDay && mask&(1<<e) != 0 {
			e++
		}
		out = append(out, formatClock(s)+"-"+formatClock(e))
		s = e
	}
	return out
}

// weekdayKeys are the API's names of the days, Monday first: WeekGrid's
// JSON keys and a Weekday's JSON value. There is one weekday convention.
var weekdayKeys = [7]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// WeekGrid is a weekly availability: a set of the week's 336 half-hour
// slots in Asia/Shanghai. Bit i is weekday i/48 (0 = Monday) and slot
// i%48 (0 = 00:00–00:30).
type WeekGrid [6]uint64

func gridBit(day, slot int) int {
	if day < 0 || day > 6 || slot < 0 || slot >= SlotsPerDay {
		panic("models: WeekGrid day " + strconv.Itoa(day) + " slot " + strconv.Itoa(slot) + " out of range")
	}
	return day*SlotsPerDay + slot
}

func (g *WeekGrid) setBit(i int)     { g[i/64] |= 1 << (i % 64) }
func (g WeekGrid) hasBit(i int) bool { return g[i/64]&(1<<(i%64)) != 0 }

// Set adds slot (0–47) of day (0 = Monday … 6 = Sunday); it panics when
// either is out of range.
func (g *WeekGrid) Set(day, slot int) { g.setBit(gridBit(day, slot)) }

// Has reports whether slot (0–47) of day (0 = Monday … 6 = Sunday) is set;
// it panics when either is out of range.
func (g WeekGrid) Has(day, slot int) bool { return g.hasBit(gridBit(day, slot)) }

// Count is the number of slots set.
func (g WeekGrid) Count() int {
	n := 0
	for _, w := range g {
		n += bits.OnesCount64(w)
	}
	return n
}

// Day is the 48-bit mask of day (0 = Monday), bit s for slot s.
func (g WeekGrid) Day(day int) uint64 {
	var m uint64
	for s := 0; s < SlotsPerDay; s++ {
		if g.hasBit(gridBit(day, s)) {
			m |= 1 << s
		}
	}
	return m
}

// weekdayIndex turns Go's Sunday-first weekday into Monday = 0.
func weekdayIndex(w time.Weekday) int { return (int(w) + 6) % 7 }

// CoversWindow reports whether every half-hour slot that [start, end)
// touches, read in Asia/Shanghai, is set. A window across midnight spans
// two days, and Sunday night runs on into Monday morning. An empty or
// inverted window covers nothing.
func (g WeekGrid) CoversWindow(start, end time.Time) bool {
	if !end.After(start) {
		return false
	}
	loc := Shanghai()
	s := start.In(loc)
	floor := time.Date(s.Year(), s.Month(), s.Day(), s.Hour(), s.Minute()/30*30, 0, 0, loc)
	d := end.Sub(floor)
	if d >= SlotsPerWeek*SlotLength {
		return g.Count() == SlotsPerWeek
	}
	n := int((d + SlotLength - 1) / SlotLength)
	first := weekdayIndex(s.Weekday())*SlotsPerDay + s.Hour()*2 + s.Minute()/30
	for k := 0; k < n; k++ {
		if !g.hasBit((first + k) % SlotsPerWeek) {
			return false
		}
	}
	return true
}

// MarshalJSON writes the grid as {"mon":["08:00-12:00"],"tue":[],…}, every
// day present, Monday first.
func (g WeekGrid) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for d, key := range weekdayKeys {
		if d > 0 {
			b.WriteByte(',')
		}
		ranges, err := json.Marshal(FormatRanges(g.Day(d)))
		if err != nil {
			return nil, err
		}
		b.WriteString(`"` + key + `":`)
		b.Write(ranges)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads the form MarshalJSON writes; missing days are empty.
// Errors name the failing range relative to the object, e.g. "tue[1]".
func (g *WeekGrid) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	var days map[string][]string
	if err := json.Unmarshal(data, &days); err != nil {
		return Invalid("", `每周时段格式应为 {"mon": ["08:00-12:00"], …}`, `weekly availability must look like {"mon": ["08:00-12:00"], ...}`)
	}
	parsed, err := ParseWeekGrid("", days)
	if err != nil {
		return err
	}
	*g = parsed
	return nil
}

// ParseWeekGrid reads day keys ("mon" … "sun") with their ranges (see
// ParseSlotRange) into a grid, naming each failure under field.
func ParseWeekGrid(field string, days map[string][]string) (WeekGrid, error) {
	keys := make([]string, 0, len(days))
	for k := range days {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var g WeekGrid
	var p Problems
	for _, k := range keys {
		day := -1
		for d, key := range weekdayKeys {
			if k == key {
				day = d
			}
		}
		if day < 0 {
			p.Add(childField(field, k), "未知的星期（应为 mon、tue、wed、thu、fri、sat、sun）",
				"unknown day (want mon, tue, wed, thu, fri, sat or sun)")
			continue
		}
		mask, err := ParseRanges(childField(field, k), days[k])
		if err != nil {
			p = append(p, err.(*Error).Fields...)
			continue
		}
		for s := 0; s < SlotsPerDay; s++ {
			if mask&(1<<s) != 0 {
				g.Set(day, s)
			}
		}
	}
	if err := p.Err(); err != nil {
		return WeekGrid{}, err
	}
	return g, nil
}

// Window is one stretch of time, [Start, End).
type Window struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// onGrid reports whether t falls on the hour or half hour in Asia/Shanghai.
func onGrid(t time.Time) bool {
	l := t.In(Shanghai())
	return l.Minute()%30 == 0 && l.Second() == 0 && l.Nanosecond() == 0
}

// Validate requires both ends on the half-hour grid in Asia/Shanghai, the
// end after the start, and at most 24 hours between them.
func (w Window) Validate(field string) error {
	var p Problems
	for _, end := range []struct {
		name string
		t    time.Time
	}{{"start", w.Start}, {"end", w.End}} {
		switch {
		case end.t.IsZero():
			p.Add(childField(field, end.name), "请填写时间", "time is required")
		case !onGrid(end.t):
			p.Add(childField(field, end.name), "时间须为整点或半点", "time must be on the hour or half hour")
		}
	}
	if len(p) == 0 {
		switch {
		case !w.End.After(w.Start):
			p.Add(childField(field, "end"), orderZh, orderEn)
		case w.End.Sub(w.Start) > 24*time.Hour:
			p.Add(childField(field, "end"), "时段不能超过 24 小时", "a window may last at most 24 hours")
		}
	}
	return p.Err()
}

// Overlaps reports whether the two windows share any instant; windows that
// only meet end to start do not overlap.
func (w Window) Overlaps(o Window) bool { return w.Start.Before(o.End) && o.Start.Before(w.End) }

// Hours is the window's length in hours.
func (w Window) Hours() float64 { return w.End.Sub(w.Start).Hours() }

// SlotKey names one half-hour cell of one Asia/Shanghai date,
// "YYYY-MM-DD#cell" with cell 0–47 written without padding ("2025-03-01#17"
// is 08:30–09:00). A unique index on (volunteer, SlotKey) makes a second
// commitment that overlaps the first fail to insert.
type SlotKey string

// Slots lists the keys of every cell the window touches, in order: 48 at
// most for a valid window, none when End is not after Start.
func (w Window) Slots() []SlotKey {
	if !w.End.After(w.Start) {
		return nil
	}
	loc := Shanghai()
	s := w.Start.In(loc)
	var keys []SlotKey
	for t := time.Date(s.Year(), s.Month(), s.Day(), s.Hour(), s.Minute()/30*30, 0, 0, loc); t.Before(w.End); t = t.Add(SlotLength) {
		keys = append(keys, SlotKey(t.Format(DateLayout)+"#"+strconv.Itoa(t.Hour()*2+t.Minute()/30)))
	}
	return keys
}

// Limits of a WeeklySchedule.
const (
	MaxScheduleDays        = 366
	MaxScheduleOccurrences = 200
)

// WeeklySchedule is a recurring need's series: the same hours on chosen
// weekdays between two dates, both inclusive, in Asia/Shanghai.
type WeeklySchedule struct {
	Weekdays []Weekday `json:"weekdays"` // "mon" … "sun"
	Start    string    `json:"start"`    // "HH:MM" on the half-hour grid
	End      string    `json:"end"`      // "HH:MM", after Start; "24:00" ends at midnight
	From     string    `json:"from"`     // YYYY-MM-DD, first day
	Until    string    `json:"until"`    // YYYY-MM-DD, last day
}

// civilDays is the number of calendar days from a to b (midnights of
// Asia/Shanghai dates), counted on the civil calendar.
func civilDays(a, b time.Time) int {
	ua := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	ub := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua) / (24 * time.Hour))
}

// isoWeekday is 1 = Monday … 7 = Sunday.
func isoWeekday(t time.Time) int { return weekdayIndex(t.Weekday()) + 1 }

// Validate checks the weekdays (1–7, unique, at least one), the hours
// (on the half-hour grid, end after start), the dates (until not before
// from, at most 366 days inclusive) and the number of occurrences (1–200).
func (s WeeklySchedule) Validate(field string) error {
	var p Problems
	days := childField(field, "weekdays")
	if len(s.Weekdays) == 0 {
		p.Add(days, "请至少选择一个星期", "choose at least one weekday")
	}
	var seen [8]bool
	for i, d := range s.Weekdays {
		switch {
		case d < 1 || d > 7:
			p.Add(indexField(days, i), weekdayZh, weekdayEn)
		case seen[d]:
			p.Add(indexField(days, i), "星期重复", "duplicate weekday")
		default:
			seen[d] = true
		}
	}
	start, okStart := parseClock(s.Start)
	if !okStart || start == SlotsPerDay {
		okStart = false
		p.Add(childField(field, "start"), clockZh, clockEn)
	}
	end, okEnd := parseClock(s.End)
	switch {
	case !okEnd:
		p.Add(childField(field, "end"), clockZh, clockEn)
	case okStart && end <= start:
		p.Add(childField(field, "end"), orderZh, orderEn)
	}
	from, errFrom := ParseDate(childField(field, "from"), s.From)
	until, errUntil := ParseDate(childField(field, "until"), s.Until)
	for _, err := range []error{errFrom, errUntil} {
		if err != nil {
			p = append(p, err.(*Error).Fields...)
		}
	}
	if errFrom == nil && errUntil == nil {
		switch n := civilDays(from, until) + 1; {
		case n < 1:
			p.Add(childField(field, "until"), "结束日期不能早于开始日期", "until must not be before from")
		case n > MaxScheduleDays:
			p.Add(childField(field, "until"), "计划期不能超过 366 天", "a schedule may span at most 366 days")
		default:
			count := 0
			for d := 0; d < n; d++ {
				if seen[isoWeekday(from.AddDate(0, 0, d))] {
					count++
				}
			}
			switch {
			case count == 0 && len(s.Weekdays) > 0:
				p.Add(days, "计划期内没有所选星期的日期", "no chosen weekday falls between from and until")
			case count > MaxScheduleOccurrences:
				p.Add(field, "重复活动最多 200 次", "a schedule may have at most 200 occurrences")
			}
		}
	}
	return p.Err()
}

// Occurrences expands a valid schedule into its windows in Asia/Shanghai,
// in order; it returns nil when Validate fails.
func (s WeeklySchedule) Occurrences() []Window {
	if s.Validate("") != nil {
		return nil
	}
	loc := Shanghai()
	start, _ := parseClock(s.Start)
	end, _ := parseClock(s.End)
	from, _ := ParseDate("", s.From)
	until, _ := ParseDate("", s.Until)
	var want [8]bool
	for _, d := range s.Weekdays {
		want[d] = true
	}
	var out []Window
	for d := 0; d <= civilDays(from, until); d++ {
		day := from.AddDate(0, 0, d)
		if !want[isoWeekday(day)] {
			continue
		}
		y, m, dd := day.Date()
		out = append(out, Window{
			Start: time.Date(y, m, dd, start/2, start%2*30, 0, 0, loc),
			End:   time.Date(y, m, dd, end/2, end%2*30, 0, 0, loc), // 24:00 normalises to the next midnight
		})
	}
	return out
}
