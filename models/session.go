package models

import "time"

// LoginFamily is one login: every refresh token rotated from it belongs to
// it, and revoking it ends the login everywhere. Kept in MongoDB so that a
// Redis loss never makes a revoked login usable again.
type LoginFamily struct {
	ID           string
	AccountID    string
	CreatedAt    time.Time
	RevokedAt    *time.Time
	RevokeReason string // "logout", "reuse", "password_reset", "role_removed", ...
}

// Revoked reports whether the family has been revoked.
func (f *LoginFamily) Revoked() bool { return f.RevokedAt != nil }

// RefreshToken is the stored form of a refresh token: only its SHA-256 hash.
type RefreshToken struct {
	Hash      string
	FamilyID  string
	AccountID string
	Seq       int
	CreatedAt time.Time
	ExpiresAt time.Time
}
