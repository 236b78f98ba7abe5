package service

import (
	"strconv"

	"github.com/wushe/wushe/models"
)

// The scope checks every use case builds its authorisation from.

// governs reports whether the actor is civil affairs for a division that
// contains code (the city account governs every code of Zhengzhou).
func (a *Actor) governs(code string) bool {
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

// governsAny reports whether the actor governs any of codes.
func (a *Actor) governsAny(codes ...string) bool {
	for _, c := range codes {
		if a.governs(c) {
			return true
		}
	}
	return false
}

// administers reports whether the actor is org_admin (or charity_admin) of organisation id.
func (a *Actor) administers(orgID string) bool {
	for _, b := range a.Roles {
		if (b.Role == models.RoleOrgAdmin || b.Role == models.RoleCharityAdmin) && b.OrganisationID == orgID && orgID != "" {
			return true
		}
	}
	return false
}

// worksFor reports whether the actor is a social worker employed by organisation id.
func (a *Actor) worksFor(orgID string) bool {
	for _, b := range a.Bindings(models.RoleSocialWorker) {
		if b.OrganisationID == orgID && orgID != "" {
			return true
		}
	}
	return false
}

// runsCommittee reports whether the actor is community_admin of community code.
func (a *Actor) runsCommittee(code string) bool {
	for _, b := range a.Bindings(models.RoleCommunityAdmin) {
		if b.CommunityCode == code && code != "" {
			return true
		}
	}
	return false
}

// organisations lists the organisations the actor administers.
func (a *Actor) organisations() []string {
	var out []string
	for _, b := range a.Roles {
		if (b.Role == models.RoleOrgAdmin || b.Role == models.RoleCharityAdmin) && b.OrganisationID != "" {
			out = append(out, b.OrganisationID)
		}
	}
	return out
}

var (
	errForbidden = models.E(models.KindForbidden, "无权操作该对象", "you may not act on this object")
	errNotFound  = models.E(models.KindNotFound, "对象不存在", "no such object")
)

func itoa(i int) string { return strconv.Itoa(i) }
