package models

import "time"

// BatchPlacement proposes one volunteer for one open place.
type BatchPlacement struct {
	NeedID       string
	OccurrenceID string
	VolunteerID  string
	Score        int
}

// BatchProposal is an exact batch assignment of open places to volunteers
// (each volunteer at most one place in the batch), kept until the committee
// or civil affairs applies it by inviting the chosen volunteers.
type BatchProposal struct {
	ID              string
	CreatedBy       string
	Division        string // the community or division whose needs were batched
	From, To        time.Time
	Places          int // open places considered
	Placements      []BatchPlacement
	Objective       int // total score of the placements
	GreedyObjective int // the greedy assignment's total, for comparison
	Filled          int
	GreedyFilled    int
	CreatedAt       time.Time
}
