package models

import "time"

// InvitationStatus is where an invitation to a place stands.
type InvitationStatus string

const (
	InvitationPending  InvitationStatus = "pending"
	InvitationAccepted InvitationStatus = "accepted"
	InvitationDeclined InvitationStatus = "declined"
	InvitationExpired  InvitationStatus = "expired"
	InvitationFull     InvitationStatus = "full" // accepted too late: every place was taken
)

// InvitationTTL is how long an invitation stays open at most; it also
// closes InvitationCutoff before the occurrence starts, whichever is sooner.
const (
	InvitationTTL    = 48 * time.Hour
	InvitationCutoff = 2 * time.Hour
)

// Invitation asks one volunteer to take a place in one occurrence of a need.
// There is at most one per volunteer and occurrence (its id is the pair).
type Invitation struct {
	ID           string // derived from (occurrence, volunteer): unique per pair, URL-safe
	NeedID       string
	OccurrenceID string
	VolunteerID  string
	Window       Window
	Score        int // the match score when invited (0 when chosen by hand)
	Status       InvitationStatus
	InvitedBy    string
	CreatedAt    time.Time
	ExpiresAt    time.Time
	AnsweredAt   *time.Time
}

// InvitationExpiry is when an invitation sent at now for an occurrence
// starting at start closes: 48 h later, or 2 h before the start if sooner.
func InvitationExpiry(now, start time.Time) time.Time {
	exp := now.Add(InvitationTTL)
	if cut := start.Add(-InvitationCutoff); cut.Before(exp) {
		exp = cut
	}
	return exp
}

// Open reports whether the invitation can still be answered at now.
func (i *Invitation) Open(now time.Time) bool {
	return i.Status == InvitationPending && now.Before(i.ExpiresAt)
}
