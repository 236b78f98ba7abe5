package core

import "github.com/wushe/wushe/models"

// ApplicationFilter narrows a list of applications; empty fields match all.
type ApplicationFilter struct {
	OrganisationID string
	FundID         string
	CompetitionID  string
	Statuses       []models.ApplicationStatus
	ExcludeDrafts  bool
	Flagged        bool     // only running projects with a flag
	EvaluatorOrgs  []string // projects engaging any of these evaluation institutions
}

// GrantFilter narrows a list of grants.
type GrantFilter struct {
	FundID         string
	OrganisationID string
	CompetitionID  string
}

// ErrStaleState answers a change of an object someone else changed first
// (its recorded transition is ahead of the stored document).
var ErrStaleState = models.E(models.KindConflict, "对象状态已被他人修改，请刷新后重试", "the object was changed by someone else; reload and retry").WithCode(models.CodeStaleState)
