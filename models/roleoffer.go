package models

import "time"

// RoleOfferStatus is where an offer of a role stands.
type RoleOfferStatus string

// Role offer statuses. An offer is pending until its person answers it or
// it lapses; "expired" is never stored, it is a pending offer read after
// its ExpiresAt.
const (
	RoleOfferPending  RoleOfferStatus = "pending"
	RoleOfferAccepted RoleOfferStatus = "accepted"
	RoleOfferDeclined RoleOfferStatus = "declined"
	RoleOfferExpired  RoleOfferStatus = "expired"
)

// RoleOfferTTL is how long a person has to answer an offer.
const RoleOfferTTL = 7 * 24 * time.Hour

// RoleOffer invites one person to take a role binding: power over a person
// (a membership, a new role on an existing account) takes effect only when
// the person accepts it. It is addressed to the account that held Phone
// when it was made, or, when no account did, to whoever registers Phone
// before it expires.
type RoleOffer struct {
	ID        string
	Phone     string // normalised; the person's number when offered
	AccountID string // the addressee; "" while the phone had no account
	Binding   RoleBinding
	// Member: accepting also enters the person in the organisation's
	// member roll (an offer made through the members route).
	Member bool
	// ScopeName names the organisation (or community, division) for the
	// person reading the offer: a snapshot taken when it was made.
	ScopeName string
	// ScopeDivision is the division code the binding lies in (audit).
	ScopeDivision string
	OfferedBy     string // account id of who made it
	Status        RoleOfferStatus
	CreatedAt     time.Time
	ExpiresAt     time.Time
	AnsweredAt    *time.Time
}

// StatusAt is the offer's status as seen at now: a pending offer past its
// expiry reads as expired.
func (o *RoleOffer) StatusAt(now time.Time) RoleOfferStatus {
	if o.Status == RoleOfferPending && !now.Before(o.ExpiresAt) {
		return RoleOfferExpired
	}
	return o.Status
}

// AddressedTo reports whether the account (with its current phone) is the
// person the offer is for: the account it was made to, or, for an offer
// made to a phone without an account, the account holding that phone now.
func (o *RoleOffer) AddressedTo(accountID, phone string) bool {
	if o.AccountID != "" {
		return o.AccountID == accountID
	}
	return phone != "" && o.Phone == phone
}

// RoleOfferAnswer is the one answer to an offer, kept by a unique insert so
// that concurrent accepts and declines are decided once.
type RoleOfferAnswer struct {
	OfferID   string
	Status    RoleOfferStatus // accepted or declined
	AccountID string          // who answered
	At        time.Time
}
