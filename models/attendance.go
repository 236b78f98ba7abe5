package models

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"time"
)

// CheckinStep is how long one rotating check-in code is shown on the
// committee's screen before the next replaces it.
const CheckinStep = 5 * time.Minute

// CheckinCode is the 6-digit code of an occurrence during the step that
// contains at: an HMAC-SHA256 of the occurrence id and the step number
// under the service's secret, truncated as HOTP does (RFC 4226 §5.3), so
// a code cannot be guessed from earlier ones and changes every step.
func CheckinCode(secret []byte, occurrenceID string, at time.Time) string {
	return checkinCodeAt(secret, occurrenceID, at.Unix()/int64(CheckinStep/time.Second))
}

func checkinCodeAt(secret []byte, occurrenceID string, step int64) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(occurrenceID))
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(step))
	mac.Write(b[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	n := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", n%1_000_000)
}

// CheckinCodeValid accepts the code of the current step and of the one
// before it (a volunteer who read the screen just before it changed).
func CheckinCodeValid(secret []byte, occurrenceID, code string, at time.Time) bool {
	step := at.Unix() / int64(CheckinStep/time.Second)
	for _, s := range []int64{step, step - 1} {
		if hmac.Equal([]byte(checkinCodeAt(secret, occurrenceID, s)), []byte(code)) {
			return true
		}
	}
	return false
}

// HoursUnit is the unit service hours are counted in: a quarter of an hour.
const HoursUnit = 15 * time.Minute

// MinServiceHours is the least a record holds: a stay that counts less
// (under one quarter hour inside the window) records no hours at all, so
// no record of 0 h is ever made or verified.
const MinServiceHours = 0.25

// ServiceHours is the documented rounding rule for hours computed from a
// check-in and a check-out: the time between them, counted only inside the
// occurrence's window widened by 30 minutes on each side (arriving early
// to set up, staying late to tidy up), rounded DOWN to whole quarter hours.
// Instants are absolute, so a shift across midnight or a day boundary in
// Asia/Shanghai is counted by its real length. A check-out before the
// check-in, or outside the widened window entirely, counts 0.
func ServiceHours(checkin, checkout time.Time, window Window) float64 {
	from := maxTime(checkin, window.Start.Add(-30*time.Minute))
	to := minTime(checkout, window.End.Add(30*time.Minute))
	if !to.After(from) {
		return 0
	}
	units := to.Sub(from) / HoursUnit
	return math.Round(float64(units)*HoursUnit.Hours()*100) / 100
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// WithinRadius reports whether a phone's position is close enough to the
// need's place to check in: within radiusKm (the committee's setting).
func WithinRadius(at, place Point, radiusKm float64) bool {
	return DistanceKm(at, place) <= radiusKm
}
