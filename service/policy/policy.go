// Package policy is the one table of who may do what to which object, and
// the one decision every use case asks it.
package policy

import (
	"sort"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// The policy: who may do what to which object, one row per action (an
// action is named by its API operation id), read as a whole here. A row
// lists the relations any one of which lets the actor act; Also names the
// conditions of the domain the use case checks on top (a fund's balance, a
// reviewer's conflict), which are not about who the actor is.
//
// The rule covers the person as well as the binding: an action on an
// account's roles, standing or logins needs authority over every scope
// that account Holds (CivilAffairsOverPerson), so nobody below civil
// affairs of a covering division touches an official. Power over a person
// needs their consent: adding a member or granting a role to an existing
// account by anyone but civil affairs of the scope is an offer the person
// accepts (see the add-member and grant-role rows).
//
// Use cases call Authorize (or Allowed) with the object they loaded; the
// cross-scope matrix in handlers/policy_matrix_test.go sends every route
// of the API, as every role, at objects of another community,
// organisation, division and person, and checks the answers against this
// table.

// Action names what is done: the API operation id.
type Action string

// Relation is one way an actor stands to an object.
type Relation string

const (
	Anyone    Relation = "anyone"    // no sign-in needed: public pages, signing in
	SignedIn  Relation = "signed_in" // any signed-in account, on its own things only (the /v1/me routes)
	Self      Relation = "self"      // the person the object is about
	Committee Relation = "committee" // community_admin of the object's community
	// CivilAffairs is civil affairs of a division containing the object's
	// division (or community); the city account contains every one.
	CivilAffairs Relation = "civil_affairs"
	// CivilAffairsOverPerson is civil affairs whose division covers every
	// scope the person Holds (each binding's division and the volunteer's
	// home community), never the person themselves.
	CivilAffairsOverPerson Relation = "civil_affairs_over_person"
	OrgAdmin               Relation = "org_admin"    // an admin of the object's organisation (its owner or carrier)
	OrgStaff               Relation = "org_staff"    // a social worker employed by the object's organisation
	FundManager            Relation = "fund_manager" // an admin of the charity that owns the object's fund
	// Party is an account with a named part in the object: the plan's
	// supervisor and placed volunteers, a session's two people, a
	// competition's reviewers, a complaint's complainant, an invitation's
	// invitee, the engaged evaluators.
	Party Relation = "party"
	// Verified is a volunteer whose real name is verified (public votes).
	Verified Relation = "verified_volunteer"
)

// Actor is the caller of a use case (see core.Actor).
type Actor = core.Actor

// Rule is one row of the policy.
type Rule struct {
	Who  []Relation
	Also string // conditions of the domain checked on top, in words
}

// Object is what an action touches, as far as the policy needs to know.
type Object struct {
	Division  string   // division code the object lies in
	Community string   // community code, when it belongs to one
	Orgs      []string // organisations that own or carry it
	Manager   string   // organisation owning the fund it draws on
	Person    string   // account the action is about
	Scopes    []string // every scope (division code) the person Holds
	Parties   []string // accounts with a named part in it
}

var policy = map[Action]Rule{
	// The service itself and signing in.
	"root": {Who: []Relation{Anyone}}, "console": {Who: []Relation{Anyone}}, "volunteer-app": {Who: []Relation{Anyone}},
	"volunteer-app-root": {Who: []Relation{Anyone}},
	"healthz":            {Who: []Relation{Anyone}},
	"readyz":             {Who: []Relation{Anyone}}, "metrics": {Who: []Relation{Anyone}, Also: "served on the metrics address when one is set"},
	"openapi-json": {Who: []Relation{Anyone}}, "openapi-yaml": {Who: []Relation{Anyone}},
	"openapi-3-0-json": {Who: []Relation{Anyone}}, "openapi-3-0-yaml": {Who: []Relation{Anyone}},
	"register":         {Who: []Relation{Anyone}, Also: "with the SMS code sent to the phone"},
	"login":            {Who: []Relation{Anyone}, Also: "failed attempts throttled per phone and client"},
	"login-with-code":  {Who: []Relation{Anyone}, Also: "with the log-in code sent to the account's phone"},
	"refresh":          {Who: []Relation{Anyone}, Also: "holding the refresh token"},
	"logout":           {Who: []Relation{SignedIn}},
	"reset-password":   {Who: []Relation{Anyone}, Also: "with the SMS code sent to the account's phone"},
	"request-sms-code": {Who: []Relation{Anyone}, Also: "limited per phone and client; answers alike whether or not the phone is registered"},
	"wechat-login":     {Who: []Relation{Anyone}}, "wechat-bind": {Who: []Relation{Anyone}, Also: "with the WeChat ticket and the phone's SMS code"},
	"problem-codes": {Who: []Relation{Anyone}}, "problem-code": {Who: []Relation{Anyone}},
	"vocabularies": {Who: []Relation{Anyone}}, "list-divisions": {Who: []Relation{Anyone}}, "get-division": {Who: []Relation{Anyone}},
	"service-record-keys": {Who: []Relation{Anyone}}, "verify-service-record": {Who: []Relation{Anyone}},

	// Accounts and people: power over a person needs authority over the
	// person, and their consent below civil affairs.
	"grant-role": {Who: []Relation{CivilAffairs, CivilAffairsOverPerson},
		Also: "a new phone gets an account; an existing account outside the caller's authority gets an offer it accepts; never an official's below covering civil affairs"},
	"remove-role": {Who: []Relation{CivilAffairs, OrgAdmin},
		Also: "the binding's division (civil affairs) or the organisation's own staff bindings (its admins); ends no login"},
	"deactivate-account": {Who: []Relation{CivilAffairsOverPerson}, Also: "never one's own account"},
	"reactivate-account": {Who: []Relation{CivilAffairsOverPerson}},
	"community-handover": {Who: []Relation{CivilAffairs}},
	"me":                 {Who: []Relation{SignedIn}}, "export-my-data": {Who: []Relation{SignedIn}},
	"erase-me":              {Who: []Relation{SignedIn}, Also: "confirmed by password or SMS code"},
	"change-phone":          {Who: []Relation{SignedIn}, Also: "with the code sent to the new phone"},
	"list-my-notifications": {Who: []Relation{SignedIn}}, "read-notification": {Who: []Relation{Self}},
	"audit-log": {Who: []Relation{CivilAffairs}},
	// Offers of a role (consent): only the person they are made to sees or answers them.
	"list-my-role-offers": {Who: []Relation{SignedIn}}, "get-my-role-offer": {Who: []Relation{Self}},
	"accept-role-offer":  {Who: []Relation{Self}, Also: "while the offer stands: its maker still has the authority, the organisation operates"},
	"decline-role-offer": {Who: []Relation{Self}},

	// Volunteers.
	"get-my-volunteer-profile": {Who: []Relation{SignedIn}}, "patch-my-volunteer-profile": {Who: []Relation{SignedIn}, Also: "as put-my-volunteer-profile, on the profile as it is"},
	"put-my-volunteer-profile": {Who: []Relation{SignedIn}, Also: "birth date from the ID number; a changed verified fact returns the profile to pending"},
	"list-volunteers":          {Who: []Relation{Committee, CivilAffairs}, Also: "phones and ID numbers masked"},
	"get-volunteer":            {Who: []Relation{Self, Committee, CivilAffairs}},
	"verify-volunteer":         {Who: []Relation{Committee, CivilAffairs}, Also: "the volunteer's home community"},
	"record-background-check":  {Who: []Relation{Committee, CivilAffairs}, Also: "the volunteer's home community; audited first"},

	// Needs and linkage plans.
	"list-needs":  {Who: []Relation{Anyone}, Also: "published needs; drafts to their committee and civil affairs"},
	"need-counts": {Who: []Relation{Anyone}, Also: "rate limited per client"}, "needs-near": {Who: []Relation{SignedIn}},
	"get-need":    {Who: []Relation{Anyone}, Also: "a draft only to its committee and civil affairs"},
	"post-need":   {Who: []Relation{Committee, OrgAdmin}, Also: "an organisation posts for itself only, while operating"},
	"update-need": {Who: []Relation{Committee}}, "change-need-status": {Who: []Relation{Committee, CivilAffairs}},
	"patch-need":         {Who: []Relation{Committee}, Also: "as update-need, on the need as it is"},
	"give-need-feedback": {Who: []Relation{Committee}, Also: "after completion, once"},
	"need-history":       {Who: []Relation{Anyone}, Also: "as get-need: a draft's only to its committee and civil affairs"},
	"suggest-funds":      {Who: []Relation{SignedIn}, Also: "public funds that fit a published need"},
	"need-invitations":   {Who: []Relation{Committee, CivilAffairs}},
	"invite":             {Who: []Relation{Committee}},
	"need-matches":       {Who: []Relation{Committee, CivilAffairs, Party}, Also: "distances in bands; audited"},
	"need-supervisors":   {Who: []Relation{Committee, CivilAffairs}},
	"get-plan":           {Who: []Relation{Committee, CivilAffairs, OrgAdmin, Party}},
	"confirm-plan":       {Who: []Relation{Committee}}, "set-plan-carrier": {Who: []Relation{Committee}},
	"propose-supervisor": {Who: []Relation{Committee}}, "respond-supervision": {Who: []Relation{Party}, Also: "the proposed supervisor"},
	"add-plan-volunteer": {Who: []Relation{Committee}}, "remove-plan-volunteer": {Who: []Relation{Committee}},
	"accept-invitation": {Who: []Relation{Party}, Also: "the invitee"}, "decline-invitation": {Who: []Relation{Party}, Also: "the invitee"},
	"my-invitations": {Who: []Relation{SignedIn}},
	"propose-batch":  {Who: []Relation{Committee, CivilAffairs}, Also: "needs of the caller's community or division; rate limited"},
	"get-batch":      {Who: []Relation{Self}, Also: "its author"}, "apply-batch": {Who: []Relation{Self}, Also: "its author, once"},

	// Attendance and hours.
	"checkin-code":    {Who: []Relation{Committee, Party}, Also: "the need's committee or supervisor"},
	"mark-attendance": {Who: []Relation{Committee, Party}, Also: "a started occurrence; volunteers placed or walk-ins"},
	"checkin":         {Who: []Relation{SignedIn}, Also: "holding a place, with the current code, near the need"},
	"checkout":        {Who: []Relation{SignedIn}, Also: "checked in"},
	"my-hours":        {Who: []Relation{SignedIn}}, "my-hours-export": {Who: []Relation{SignedIn}},
	"self-report-hours": {Who: []Relation{SignedIn}, Also: "a past occurrence the volunteer held a place in"},
	"pending-hours":     {Who: []Relation{Committee, Party}},
	"get-hours":         {Who: []Relation{Self, Committee, CivilAffairs, Party}},
	"verify-hours":      {Who: []Relation{Committee, Party}, Also: "never one's own hours"},
	"verify-hours-bulk": {Who: []Relation{Committee, Party}, Also: "each record as verify-hours"},
	"revise-hours":      {Who: []Relation{Committee, CivilAffairs}},
	"dispute-hours":     {Who: []Relation{Self}},
	"export-hours":      {Who: []Relation{Committee, CivilAffairs, OrgAdmin}},
	"my-service-record": {Who: []Relation{SignedIn}}, "my-service-record-html": {Who: []Relation{SignedIn}},

	// Organisations.
	"list-organisations": {Who: []Relation{Anyone}}, "get-organisation": {Who: []Relation{Anyone}},
	"organisation-history":       {Who: []Relation{Anyone}},
	"create-organisation":        {Who: []Relation{CivilAffairs}},
	"update-organisation":        {Who: []Relation{OrgAdmin, CivilAffairs}, Also: "only civil affairs moves the registration"},
	"patch-organisation":         {Who: []Relation{OrgAdmin, CivilAffairs}, Also: "as update-organisation, on the details as they are"},
	"change-organisation-status": {Who: []Relation{CivilAffairs}},
	"recognise-charity":          {Who: []Relation{CivilAffairs}},
	"file-complaint":             {Who: []Relation{SignedIn}, Also: "about any organisation"},
	"list-members":               {Who: []Relation{OrgAdmin, OrgStaff, CivilAffairs}, Also: "phones masked to staff; audited"},
	"add-member": {Who: []Relation{OrgAdmin, CivilAffairs},
		Also: "an admin's add is an offer the person accepts; civil affairs binds directly, audited; never an official below covering civil affairs"},
	"organisation-ce-compliance": {Who: []Relation{OrgAdmin, CivilAffairs}},
	"division-ce-compliance":     {Who: []Relation{CivilAffairs}, Also: "rate limited"},
	"list-complaints":            {Who: []Relation{CivilAffairs}},
	"get-complaint":              {Who: []Relation{CivilAffairs, Party}, Also: "the complainant"},
	"handle-complaint":           {Who: []Relation{CivilAffairs}},

	// Evaluations, incubation bases and commendations (service/recognition).
	"record-organisation-evaluation": {Who: []Relation{CivilAffairs}, Also: "every evaluation kept; not for an exited organisation"},
	"organisation-evaluations":       {Who: []Relation{Anyone}},
	"create-incubation-base":         {Who: []Relation{CivilAffairs}, Also: "the base's county"},
	"update-incubation-base":         {Who: []Relation{CivilAffairs}, Also: "the base's county, which is fixed"},
	"list-incubation-bases":          {Who: []Relation{Anyone}}, "get-incubation-base": {Who: []Relation{Anyone}},
	"list-incubations":  {Who: []Relation{Anyone}},
	"record-incubation": {Who: []Relation{CivilAffairs}, Also: "the base's county, of an organisation registered in it; once per organisation and base"},
	"end-incubation":    {Who: []Relation{CivilAffairs}, Also: "the base's county, once"},
	"grant-commendation": {Who: []Relation{CivilAffairs, CivilAffairsOverPerson},
		Also: "an organisation: civil affairs of its division; a social worker: civil affairs covering every scope the person holds; city-level awards by the city; audited"},
	"revoke-commendation":         {Who: []Relation{CivilAffairs, CivilAffairsOverPerson}, Also: "as grant-commendation, with a reason, once; audited"},
	"organisation-commendations":  {Who: []Relation{Anyone}, Also: "revoked awards left out"},
	"social-worker-commendations": {Who: []Relation{SignedIn}, Also: "as get-social-worker; revoked awards left out"},

	// Social workers and stations.
	"get-my-social-worker-profile": {Who: []Relation{SignedIn}}, "put-my-social-worker-profile": {Who: []Relation{SignedIn}},
	"patch-my-social-worker-profile":   {Who: []Relation{SignedIn}, Also: "a changed certificate returns to pending"},
	"list-social-workers":              {Who: []Relation{SignedIn}, Also: "phones masked"},
	"get-social-worker":                {Who: []Relation{SignedIn}, Also: "the professional profile; phone masked"},
	"social-worker-appraisal":          {Who: []Relation{Self, OrgAdmin, CivilAffairs}},
	"add-appraisal-input":              {Who: []Relation{OrgAdmin, CivilAffairs}},
	"verify-social-worker-certificate": {Who: []Relation{CivilAffairs}, Also: "the employer's division"},
	"set-supervisor-pool":              {Who: []Relation{CivilAffairs}},
	"list-stations":                    {Who: []Relation{Anyone}}, "get-station": {Who: []Relation{Anyone}},
	"create-station": {Who: []Relation{CivilAffairs}}, "update-station": {Who: []Relation{CivilAffairs}},
	"set-community-centre":        {Who: []Relation{Committee, CivilAffairs}},
	"patch-station":               {Who: []Relation{CivilAffairs}, Also: "as update-station"},
	"list-supervision-sessions":   {Who: []Relation{SignedIn}},
	"log-supervision-session":     {Who: []Relation{Party}, Also: "the supervisee's supervisor"},
	"get-supervision-session":     {Who: []Relation{Party}},
	"confirm-supervision-session": {Who: []Relation{Party}, Also: "the supervisee, once"},
	"my-supervision-summary":      {Who: []Relation{SignedIn}},
	"list-my-training":            {Who: []Relation{SignedIn}}, "add-my-training": {Who: []Relation{SignedIn}},
	"verify-training": {Who: []Relation{OrgAdmin, CivilAffairs}, Also: "the person's organisation, once"},
	"get-my-pathway":  {Who: []Relation{SignedIn}}, "put-my-education": {Who: []Relation{SignedIn}},
	"put-my-employment": {Who: []Relation{SignedIn}}, "put-my-exams": {Who: []Relation{SignedIn}},
	"verify-employment": {Who: []Relation{OrgAdmin, CivilAffairs}, Also: "the employer's admin"},

	// Funds, applications, grants.
	"list-funds": {Who: []Relation{Anyone}}, "get-fund": {Who: []Relation{Anyone}}, "list-grants": {Who: []Relation{Anyone}},
	"create-fund": {Who: []Relation{FundManager, CivilAffairs}, Also: "civil affairs for its division's purchase budget"},
	"fund-ledger": {Who: []Relation{FundManager, CivilAffairs}}, "reconcile-fund": {Who: []Relation{FundManager, CivilAffairs}},
	"fund-report":        {Who: []Relation{FundManager, CivilAffairs}},
	"list-applications":  {Who: []Relation{OrgAdmin, FundManager, CivilAffairs}, Also: "the organisation's, the fund's, or the competition's"},
	"create-application": {Who: []Relation{OrgAdmin}, Also: "its own organisation, while operating"},
	"get-application":    {Who: []Relation{OrgAdmin, FundManager, CivilAffairs, Party}},
	"update-application": {Who: []Relation{OrgAdmin}, Also: "a draft"}, "submit-application": {Who: []Relation{OrgAdmin}},
	"patch-application":    {Who: []Relation{OrgAdmin}, Also: "a draft, as update-application"},
	"withdraw-application": {Who: []Relation{OrgAdmin}, Also: "undecided"},
	"decide-application":   {Who: []Relation{FundManager, CivilAffairs}, Also: "the fund's organisation operating; civil affairs for a purchase budget"},
	"start-procurement":    {Who: []Relation{FundManager, CivilAffairs}},
	"get-grant":            {Who: []Relation{OrgAdmin, FundManager, CivilAffairs, Party}},
	"report-milestone":     {Who: []Relation{OrgAdmin}},
	"verify-milestone":     {Who: []Relation{Party}, Also: "the project's supervising social worker, not the reporter"},
	"release-tranche":      {Who: []Relation{FundManager, CivilAffairs}, Also: "not the verifier; the fund's organisation operating"},
	"engage-evaluator":     {Who: []Relation{FundManager, CivilAffairs}},
	"evaluate-project":     {Who: []Relation{Party}, Also: "an evaluator of the engaged institution"},
	"update-project-team":  {Who: []Relation{OrgAdmin}},
	"list-price-tables":    {Who: []Relation{Anyone}}, "publish-price-table": {Who: []Relation{CivilAffairs}},

	// Competitions.
	"list-competitions": {Who: []Relation{Anyone}}, "get-competition": {Who: []Relation{Anyone}, Also: "published"},
	"competition-history":     {Who: []Relation{Anyone}, Also: "published"},
	"competition-leaderboard": {Who: []Relation{Anyone}, Also: "once the vote starts"},
	"competition-results":     {Who: []Relation{Anyone}, Also: "once awarded"},
	"create-competition":      {Who: []Relation{FundManager, CivilAffairs}},
	"update-competition":      {Who: []Relation{FundManager, CivilAffairs}}, "patch-competition": {Who: []Relation{FundManager, CivilAffairs}, Also: "a draft, as update-competition"}, "move-competition-phase": {Who: []Relation{FundManager, CivilAffairs}},
	"reassign-reviewers": {Who: []Relation{FundManager, CivilAffairs}}, "rule-entry-ineligible": {Who: []Relation{FundManager, CivilAffairs}},
	"rebuild-competition-leaderboard": {Who: []Relation{FundManager, CivilAffairs}},
	"competition-report":              {Who: []Relation{FundManager, CivilAffairs}},
	"list-reviewers":                  {Who: []Relation{FundManager, CivilAffairs}}, "invite-reviewer": {Who: []Relation{FundManager, CivilAffairs}},
	"declare-conflict":  {Who: []Relation{Party}, Also: "a reviewer of the competition"},
	"score-entry":       {Who: []Relation{Party}, Also: "an assigned reviewer without a conflict, once"},
	"my-review-entries": {Who: []Relation{Party}}, "review-entry": {Who: []Relation{Party}, Also: "assigned"},
	"my-competition-reviews": {Who: []Relation{SignedIn}},
	"my-evaluation-projects": {Who: []Relation{SignedIn}, Also: "the projects engaging an institution the caller evaluates for"},
	"vote-entry":             {Who: []Relation{Verified}, Also: "one vote per entry, while the vote is open"},

	// The posts registry (issue 18): units registered by civil affairs of
	// their division; posts managed by it or by the unit's organisation's
	// admins, who offer them; the offered worker accepts.
	"list-employing-units": {Who: []Relation{SignedIn}}, "get-employing-unit": {Who: []Relation{SignedIn}},
	"create-employing-unit": {Who: []Relation{CivilAffairs}, Also: "a linked organisation registered in the caller's division"},
	"update-employing-unit": {Who: []Relation{CivilAffairs}, Also: "the unit's division and the one it moves to"},
	"list-posts":            {Who: []Relation{SignedIn}}, "get-post": {Who: []Relation{SignedIn}, Also: "holder by account id only"},
	"my-posts":    {Who: []Relation{SignedIn}},
	"create-post": {Who: []Relation{CivilAffairs, OrgAdmin}, Also: "the unit's division, or an admin of the unit's linked organisation"},
	"update-post": {Who: []Relation{CivilAffairs, OrgAdmin}, Also: "a holder's certificate must meet a changed level"},
	"offer-post": {Who: []Relation{CivilAffairs, OrgAdmin},
		Also: "a vacant post, to a verified social worker whose certificate meets its level, never to oneself; one active holding per post and per person"},
	"accept-post-offer": {Who: []Relation{Self}, Also: "the offered social worker, whose verified certificate still meets the level"},
	"vacate-post":       {Who: []Relation{CivilAffairs, OrgAdmin, Self}, Also: "the employer, or the holder leaving or declining; kept in the history"},
	"post-history":      {Who: []Relation{CivilAffairs, OrgAdmin}},

	// The dashboard.
	"dashboard": {Who: []Relation{CivilAffairs}}, "dashboard-csv": {Who: []Relation{CivilAffairs}},
	"refresh-dashboard": {Who: []Relation{CivilAffairs}, Also: "once a minute per account"},
}

// PolicyOf returns the row of action act.
func PolicyOf(act Action) (Rule, bool) {
	r, ok := policy[act]
	return r, ok
}

// Actions lists every action the policy has a row for, sorted.
func Actions() []Action {
	out := make([]Action, 0, len(policy))
	for a := range policy {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Open reports whether the rule lets a caller act without any relation to
// an object of someone else's: public pages, signing in, and the caller's
// own things.
func (r Rule) Open() bool {
	for _, w := range r.Who {
		if w == Anyone || w == SignedIn || w == Verified {
			return true
		}
	}
	return false
}

// Holds reports whether actor stands to o in relation rel.
func Holds(actor *Actor, rel Relation, o Object) bool {
	signedIn := actor != nil && actor.AccountID != ""
	switch rel {
	case Anyone:
		return true
	case SignedIn:
		return signedIn
	}
	if !signedIn {
		return false
	}
	switch rel {
	case Self:
		return o.Person != "" && o.Person == actor.AccountID
	case Committee:
		return actor.RunsCommittee(o.Community)
	case CivilAffairs:
		return actor.Governs(o.Division) || actor.Governs(o.Community)
	case CivilAffairsOverPerson:
		if o.Person == "" || o.Person == actor.AccountID || len(o.Scopes) == 0 {
			return false
		}
		for _, sc := range o.Scopes {
			if !actor.Governs(sc) {
				return false
			}
		}
		return true
	case OrgAdmin:
		for _, id := range o.Orgs {
			if actor.Administers(id) {
				return true
			}
		}
	case OrgStaff:
		for _, id := range o.Orgs {
			if actor.WorksFor(id) {
				return true
			}
		}
	case FundManager:
		for _, b := range actor.Bindings(models.RoleCharityAdmin) {
			if o.Manager != "" && b.OrganisationID == o.Manager {
				return true
			}
		}
	case Party:
		for _, id := range o.Parties {
			if id != "" && id == actor.AccountID {
				return true
			}
		}
	case Verified:
		return actor.Has(models.RoleVolunteer)
	}
	return false
}

// Allowed is the policy's one decision: whether actor may do act to o.
// An action with no row is refused.
func Allowed(actor *Actor, act Action, o Object) bool {
	r, ok := policy[act]
	if !ok {
		return false
	}
	for _, w := range r.Who {
		if Holds(actor, w, o) {
			return true
		}
	}
	return false
}

// Authorize is Allowed as an error: core.ErrForbidden when the actor may not.
func Authorize(actor *Actor, act Action, o Object) error {
	if !Allowed(actor, act, o) {
		return core.ErrForbidden
	}
	return nil
}

// AllowedAs reports which of the relations of act's row the actor Holds to o.
func AllowedAs(actor *Actor, act Action, o Object, rel Relation) bool {
	r, ok := policy[act]
	if !ok {
		return false
	}
	for _, w := range r.Who {
		if w == rel {
			return Holds(actor, rel, o)
		}
	}
	return false
}

// OrgObject is an organisation as the policy sees it.
func OrgObject(o *models.Organisation) Object {
	return Object{Division: o.DivisionCode, Orgs: []string{o.ID}}
}

// NeedObject is a need as the policy sees it.
func NeedObject(n *models.Need) Object {
	return Object{Community: n.CommunityCode, Division: n.CommunityCode, Orgs: []string{n.OrganisationID}}
}

// InDivision is an object that lies in division (or community) code.
func InDivision(code string) Object { return Object{Division: code, Community: code} }
