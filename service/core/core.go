// Package core holds the few types every service domain shares: the
// caller of a use case (Actor) with its scope checks, and a page of a list.
// It imports only models.
package core

import (
	"time"

	"github.com/wushe/wushe/models"
)

// Actor is the caller of a use case: the account and login its access
// token names, with the role bindings the account holds now (read through
// the account's gate, not taken from the token, whose copy may be stale).
type Actor struct {
	AccountID string
	Roles     []models.RoleBinding
	FamilyID  string // the login this token belongs to
	TokenID   string // jti
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// Has reports whether the actor holds role r in any scope.
func (a *Actor) Has(r models.Role) bool {
	for _, b := range a.Roles {
		if b.Role == r {
			return true
		}
	}
	return false
}

// Bindings lists the actor's bindings of role r.
func (a *Actor) Bindings(r models.Role) []models.RoleBinding {
	var out []models.RoleBinding
	for _, b := range a.Roles {
		if b.Role == r {
			out = append(out, b)
		}
	}
	return out
}

// The scope checks every use case builds its authorisation from.

// Governs reports whether the actor is civil affairs for a division that
// contains code (the city account Governs every code of Zhengzhou).
func (a *Actor) Governs(code string) bool {
	if code == "" {
		return false
	}
	for _, b := range a.Bindings(models.RoleCivilAffairs) {
		if models.WithinDivision(code, b.DivisionCode) {
			return true
		}
	}
	return false
}

// GovernsAny reports whether the actor Governs any of codes.
func (a *Actor) GovernsAny(codes ...string) bool {
	for _, c := range codes {
		if a.Governs(c) {
			return true
		}
	}
	return false
}

// Administers reports whether the actor is org_admin (or charity_admin) of organisation id.
func (a *Actor) Administers(orgID string) bool {
	for _, b := range a.Roles {
		if (b.Role == models.RoleOrgAdmin || b.Role == models.RoleCharityAdmin) && b.OrganisationID == orgID && orgID != "" {
			return true
		}
	}
	return false
}

// WorksFor reports whether the actor is a social worker employed by organisation id.
func (a *Actor) WorksFor(orgID string) bool {
	for _, b := range a.Bindings(models.RoleSocialWorker) {
		if b.OrganisationID == orgID && orgID != "" {
			return true
		}
	}
	return false
}

// RunsCommittee reports whether the actor is community_admin of community code.
func (a *Actor) RunsCommittee(code string) bool {
	for _, b := range a.Bindings(models.RoleCommunityAdmin) {
		if b.CommunityCode == code && code != "" {
			return true
		}
	}
	return false
}

// Organisations lists the Organisations the actor Administers.
func (a *Actor) Organisations() []string {
	var out []string
	for _, b := range a.Roles {
		if (b.Role == models.RoleOrgAdmin || b.Role == models.RoleCharityAdmin) && b.OrganisationID != "" {
			out = append(out, b.OrganisationID)
		}
	}
	return out
}

// Page asks for one page of a list: items after Cursor (an opaque string
// the previous page returned), at most Limit of them.
type Page struct {
	Cursor string
	Limit  int
}

// MaxPageSize caps every list.
const MaxPageSize = 100

// Normalised returns the page with its limit defaulted (20) and capped.
func (p Page) Normalised() Page {
	if p.Limit <= 0 {
		p.Limit = 20
	}
	if p.Limit > MaxPageSize {
		p.Limit = MaxPageSize
	}
	return p
}
