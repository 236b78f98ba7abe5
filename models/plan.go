package models

import "time"

// SupervisorState is where the supervising social worker stands on a plan.
type SupervisorState string

const (
	SupervisorProposed SupervisorState = "proposed"
	SupervisorAccepted SupervisorState = "accepted"
	SupervisorDeclined SupervisorState = "declined"
)

// Plan is the linkage plan (五社联动方案) of one need: the community owns
// it; a carrying organisation, a supervising social worker, the volunteers
// (assignments) and, later, a fund or grant are linked to it.
type Plan struct {
	NeedID          string
	CommunityCode   string
	OrganisationID  string // carrying organisation, optional
	SupervisorID    string
	SupervisorState SupervisorState
	FundID          string // filled by the funds issue
	GrantID         string
	Confirmed       bool
	ConfirmedBy     string
	ConfirmedAt     *time.Time
	UpdatedAt       time.Time
}

// AssignmentStatus is where a volunteer's place stands.
type AssignmentStatus string

const (
	AssignmentAssigned  AssignmentStatus = "assigned"  // placed by the committee
	AssignmentAccepted  AssignmentStatus = "accepted"  // took an invitation
	AssignmentWithdrawn AssignmentStatus = "withdrawn" // removed; its place and time are free again
)

// Assignment is one volunteer holding one place of one occurrence.
type Assignment struct {
	ID           string // occurrenceId#volunteerId
	NeedID       string
	OccurrenceID string
	VolunteerID  string
	PlaceNo      int
	Window       Window
	Status       AssignmentStatus
	AssignedBy   string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Active reports whether the assignment holds its place.
func (a *Assignment) Active() bool { return a.Status != AssignmentWithdrawn }
