package models

import (
	"errors"
	"testing"
	"time"
)

// TestOnlyARecordedPassedCheckCounts: a check gates placement only when a
// committee or civil affairs recorded it as passed, and only on the days
// between its certificate date and its expiry.
func TestOnlyARecordedPassedCheckCounts(t *testing.T) {
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, Shanghai())
	day := func(s string) time.Time { d, _ := ParseDate("", s); return d.Add(10 * time.Hour) }
	recorded := func() *BackgroundCheck {
		return &BackgroundCheck{Result: BackgroundPassed, CheckedOn: "2026-01-01", ExpiresOn: "2026-12-31", RecordedBy: "c1", RecordedAt: &at}
	}
	cases := []struct {
		name  string
		check func(*BackgroundCheck) *BackgroundCheck
		on    string
		want  bool
	}{
		{"recorded and passed", func(b *BackgroundCheck) *BackgroundCheck { return b }, "2026-06-01", true},
		{"first day", func(b *BackgroundCheck) *BackgroundCheck { return b }, "2026-01-01", true},
		{"last day", func(b *BackgroundCheck) *BackgroundCheck { return b }, "2026-12-31", true},
		{"the day after expiry", func(b *BackgroundCheck) *BackgroundCheck { return b }, "2027-01-01", false},
		{"the day before the certificate", func(b *BackgroundCheck) *BackgroundCheck { return b }, "2025-12-31", false},
		{"none", func(*BackgroundCheck) *BackgroundCheck { return nil }, "2026-06-01", false},
		{"asserted, nobody recorded it", func(b *BackgroundCheck) *BackgroundCheck { b.RecordedBy, b.RecordedAt = "", nil; return b }, "2026-06-01", false},
		{"recorder without a time", func(b *BackgroundCheck) *BackgroundCheck { b.RecordedAt = nil; return b }, "2026-06-01", false},
		{"not passed", func(b *BackgroundCheck) *BackgroundCheck { b.Result = BackgroundNotPassed; return b }, "2026-06-01", false},
		{"unknown result", func(b *BackgroundCheck) *BackgroundCheck { b.Result = "yes"; return b }, "2026-06-01", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := &Volunteer{BackgroundCheck: c.check(recorded())}
			if got := v.BackgroundValidOn(day(c.on)); got != c.want {
				t.Fatalf("valid on %s = %v, want %v", c.on, got, c.want)
			}
		})
	}
}

func TestValidateBackgroundCheck(t *testing.T) {
	today := time.Date(2026, 3, 1, 12, 0, 0, 0, Shanghai())
	ok := BackgroundCheck{Result: BackgroundPassed, CheckedOn: "2026-03-01", ExpiresOn: "2027-03-01"}
	if err := ValidateBackgroundCheck(&ok, today); err != nil {
		t.Fatalf("a good check: %v", err)
	}
	notPassed := BackgroundCheck{Result: BackgroundNotPassed, CheckedOn: "2026-02-01"}
	if err := ValidateBackgroundCheck(&notPassed, today); err != nil {
		t.Fatalf("not passed needs no expiry: %v", err)
	}
	cases := []struct {
		name  string
		edit  func(*BackgroundCheck)
		field string
	}{
		{"unknown result", func(b *BackgroundCheck) { b.Result = "ok" }, "result"},
		{"certificate tomorrow", func(b *BackgroundCheck) { b.CheckedOn = "2026-03-02" }, "checkedOn"},
		{"not a date", func(b *BackgroundCheck) { b.CheckedOn = "2026-02-30" }, "checkedOn"},
		{"passed without expiry", func(b *BackgroundCheck) { b.ExpiresOn = "" }, "expiresOn"},
		{"expiry on the certificate's day", func(b *BackgroundCheck) { b.ExpiresOn = b.CheckedOn }, "expiresOn"},
		{"long reference", func(b *BackgroundCheck) { b.Reference = string(make([]rune, 65)) }, "reference"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := ok
			c.edit(&b)
			err := ValidateBackgroundCheck(&b, today)
			var e *Error
			if !errors.As(err, &e) || len(e.Fields) == 0 || e.Fields[0].Field != c.field {
				t.Fatalf("got %v, want a problem with %s", err, c.field)
			}
		})
	}
}
