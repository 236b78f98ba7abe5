package models

import (
	"regexp"
	"strings"
	"time"
	"unicode"
)

// Role is what an account may do, within the scope of its binding.
type Role string

const (
	RoleVolunteer      Role = "volunteer"
	RoleSocialWorker   Role = "social_worker"
	RoleCommunityAdmin Role = "community_admin"
	RoleOrgAdmin       Role = "org_admin"
	RoleCharityAdmin   Role = "charity_admin"
	RoleReviewer       Role = "reviewer"
	RoleEvaluator      Role = "evaluator"
	RoleCivilAffairs   Role = "civil_affairs"
)

// RoleBinding gives an account one role within one scope: a community
// (village-level division code), a division, an organisation or a competition.
type RoleBinding struct {
	Role           Role   `json:"role"`
	CommunityCode  string `json:"communityCode,omitempty"`
	DivisionCode   string `json:"divisionCode,omitempty"`
	OrganisationID string `json:"organisationId,omitempty"`
	CompetitionID  string `json:"competitionId,omitempty"`
}

// Key identifies the binding within an account's set.
func (b RoleBinding) Key() string {
	return string(b.Role) + "|" + b.CommunityCode + "|" + b.DivisionCode + "|" + b.OrganisationID + "|" + b.CompetitionID
}

// AccountStatus is whether an account may log in.
type AccountStatus string

const (
	AccountActive      AccountStatus = "active"
	AccountDeactivated AccountStatus = "deactivated"
	// AccountErased is an account whose person asked for their data to be
	// deleted: the document stays (other people's records point to it) with
	// every personal field erased.
	AccountErased AccountStatus = "erased"
)

// ErasedName is the name shown for an erased account wherever its records
// are still counted (verified hours, plans, audit).
const ErasedName = "已注销用户"

// Account is one person, with every role they hold.
type Account struct {
	ID           string
	Phone        string
	Name         string
	PasswordHash string // "" for an account created without one (WeChat, handover): it logs in by WeChat or resets by SMS
	Roles        []RoleBinding
	Status       AccountStatus
	// WeChatOpenID is the mini-program openid bound to the account ("" when
	// none); notifications are sent to it.
	WeChatOpenID  string
	WeChatUnionID string
	// TokensNotBefore ends every login started before it: refresh tokens of
	// older login families and access tokens issued before it are refused
	// (set by a password reset, a deactivation, an erasure: changes to the
	// person's whole standing; a removed role binding ends no login).
	TokensNotBefore time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// HasPassword reports whether the account can log in with a password.
func (a *Account) HasPassword() bool { return a.PasswordHash != "" }

// RemoveRole removes the binding with b's key; it reports whether the
// account held it.
func (a *Account) RemoveRole(b RoleBinding) bool {
	for i, have := range a.Roles {
		if have.Key() == b.Key() {
			a.Roles = append(a.Roles[:i:i], a.Roles[i+1:]...)
			return true
		}
	}
	return false
}

// Erase clears every personal field of the account and ends its logins; the
// id stays, so records that point to it (verified hours, plans, the audit
// log) keep counting, attributed to ErasedName.
func (a *Account) Erase(at time.Time) {
	a.Phone, a.Name, a.PasswordHash = "", ErasedName, ""
	a.WeChatOpenID, a.WeChatUnionID = "", ""
	a.Roles = nil
	a.Status = AccountErased
	a.TokensNotBefore, a.UpdatedAt = at, at
}

// HasRole reports whether the account holds role r in any scope.
func (a *Account) HasRole(r Role) bool {
	for _, b := range a.Roles {
		if b.Role == r {
			return true
		}
	}
	return false
}

// AddRole adds b unless the account holds it already; it reports whether
// anything changed.
func (a *Account) AddRole(b RoleBinding) bool {
	for _, have := range a.Roles {
		if have.Key() == b.Key() {
			return false
		}
	}
	a.Roles = append(a.Roles, b)
	return true
}

var mainlandMobile = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// PhonePattern is the mainland-China mobile number format (11 digits, 13x–19x).
const PhonePattern = `^1[3-9][0-9]{9}$`

// NormalisePhone strips a +86/86 prefix, spaces and dashes.
func NormalisePhone(p string) string {
	p = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, p)
	p = strings.TrimPrefix(p, "+86")
	if len(p) == 13 && strings.HasPrefix(p, "86") {
		p = p[2:]
	}
	return p
}

// ValidatePhone checks a mainland mobile number.
func ValidatePhone(field, p string) error {
	if !mainlandMobile.MatchString(p) {
		return Invalid(field, "手机号格式不正确，应为 11 位大陆手机号", "phone must be an 11-digit mainland mobile number")
	}
	return nil
}

// MaskPhone shows the first 3 and last 4 digits: 138****5678.
func MaskPhone(p string) string {
	if len(p) < 7 {
		return strings.Repeat("*", len(p))
	}
	return p[:3] + strings.Repeat("*", len(p)-7) + p[len(p)-4:]
}

// ValidatePassword requires at least 8 characters, not all digits.
func ValidatePassword(field, pw string) error {
	if len([]rune(pw)) < 8 {
		return Invalid(field, "密码至少 8 个字符", "password must be at least 8 characters")
	}
	allDigits := true
	for _, r := range pw {
		if !unicode.IsDigit(r) {
			allDigits = false
			break
		}
	}
	if allDigits {
		return Invalid(field, "密码不能全为数字", "password must not be all digits")
	}
	return nil
}

// ValidateName requires a non-blank display name of at most 50 characters.
func ValidateName(field, name string) error {
	n := len([]rune(strings.TrimSpace(name)))
	if n == 0 || n > 50 {
		return Invalid(field, "姓名须为 1–50 个字符", "name must be 1–50 characters")
	}
	return nil
}
