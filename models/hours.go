package models

import "time"

// Attendance is one volunteer's presence at one occurrence: checked in and
// out by themselves with the rotating code and their position, or marked
// by the committee or the supervisor (walk-ins included). Its id is the
// assignment's (occurrence and volunteer), so it is recorded once.
type Attendance struct {
	ID           string // occurrenceId#volunteerId
	NeedID       string
	OccurrenceID string
	VolunteerID  string
	CheckinAt    time.Time
	CheckoutAt   *time.Time
	MarkedBy     string // "" when the volunteer checked in themselves
	WalkIn       bool   // came without a place
}

// HoursStatus is where a service-hours record stands.
type HoursStatus string

const (
	HoursPending  HoursStatus = "pending"
	HoursVerified HoursStatus = "verified"
	HoursRejected HoursStatus = "rejected"
)

// HoursRecord is one version of the hours one volunteer served at one
// occurrence. It stays pending until the community committee or the
// plan's supervisor verifies it (谁记录谁证明: the verifier is recorded);
// an edit after verification creates the next version and never
// overwrites. Its id is occurrence, volunteer and version, so one
// assignment never yields two records of one version.
type HoursRecord struct {
	ID            string // derived from (occurrence, volunteer, version): unique, URL-safe
	NeedID        string
	OccurrenceID  string
	VolunteerID   string
	Version       int
	Date          string // YYYY-MM-DD, Asia/Shanghai
	Hours         float64
	Domain        string
	Tasks         []string
	Supervised    bool
	Source        string // "checkin" or "self_report" or "marked"
	Status        HoursStatus
	VerifiedBy    string
	VerifierName  string
	VerifierOrg   string // the committee or organisation that certifies (谁记录谁证明)
	VerifiedAt    *time.Time
	RejectReason  string
	CommunityCode string
	CreatedAt     time.Time
}

// BeforeItsOccurrence reports whether the record was made before its
// occurrence started: such a record attests nothing that happened (hours
// only for what happened), so it is never verified and the signed service
// record, exports and figures leave it out. The service refuses to make
// one; records made before that rule existed may still be stored.
func (r *HoursRecord) BeforeItsOccurrence() bool {
	start, ok := OccurrenceStart(r.OccurrenceID)
	return ok && r.CreatedAt.Before(start)
}
