package models

import (
	"encoding/json"
	"strconv"
	"time"
)

// conventions.go: the API's two conventions of time, in one place: how an
// instant is written, and how a weekday is named.

// InstantLayout is how the API writes an instant: RFC 3339 in UTC with
// exactly three fractional digits, as JavaScript's toISOString does
// ("2026-12-04T01:00:00.000Z"). Local dates are YYYY-MM-DD (DateLayout) and
// local wall times HH:MM in Asia/Shanghai; nothing else is written.
const InstantLayout = "2006-01-02T15:04:05.000Z07:00"

// FormatInstant writes t by InstantLayout (in UTC, truncated to the
// millisecond).
func FormatInstant(t time.Time) string { return t.UTC().Format(InstantLayout) }

// WeekdayNames are the API's names of the days, Monday first.
func WeekdayNames() []string { return weekdayKeys[:] }

// Weekday is a day of the week, 1 = Monday … 7 = Sunday (ISO 8601) in
// Go and in the store, written in JSON as in the availability grid:
// "mon" … "sun".
type Weekday int

// String is the day's API name ("mon" … "sun"), or its number when out of
// range.
func (d Weekday) String() string {
	if d < 1 || d > 7 {
		return strconv.Itoa(int(d))
	}
	return weekdayKeys[d-1]
}

// MarshalJSON writes the day's name.
func (d Weekday) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a day's name ("mon" … "sun").
func (d *Weekday) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return Invalid("", weekdayZh, weekdayEn)
	}
	for i, k := range weekdayKeys {
		if k == name {
			*d = Weekday(i + 1)
			return nil
		}
	}
	return Invalid("", weekdayZh, weekdayEn)
}

const (
	weekdayZh = "星期应为 mon、tue、wed、thu、fri、sat、sun 之一"
	weekdayEn = "a weekday is one of mon, tue, wed, thu, fri, sat, sun"
)
