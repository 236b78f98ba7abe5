package models

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Notification is one message to one account, kept in its inbox and sent
// on through the account's other channels. Its Key is a natural key of
// what it is about (a reminder of one shift, the expiry of one
// invitation), so a job that runs twice notifies once: the inbox insert
// is unique and the channels are used only by the insert that won.
type Notification struct {
	ID        string            `bson:"id"`  // opaque and URL-safe: derived from Key
	Key       string            `bson:"key"` // what it is about, e.g. shift24:<assignment>; unique per account
	AccountID string            `bson:"accountid"`
	Kind      NotificationKind  `bson:"kind"`
	TitleZh   string            `bson:"titlezh"`
	TitleEn   string            `bson:"titleen"`
	BodyZh    string            `bson:"bodyzh"`
	BodyEn    string            `bson:"bodyen"`
	Link      string            `bson:"link"` // the API object it is about, e.g. /v1/needs/<id>
	Data      map[string]string `bson:"data"` // fields for a channel's template (WeChat subscription messages)
	CreatedAt time.Time         `bson:"createdat"`
	ReadAt    *time.Time        `bson:"readat"`
}

// NotificationKind says what a notification is about; channels choose
// templates by it.
type NotificationKind string

// Notification kinds.
const (
	NoteInvitation       NotificationKind = "invitation"         // a volunteer is invited to a place
	NoteInvitationExpiry NotificationKind = "invitation_expired" // an invitation lapsed unanswered
	NoteShift24h         NotificationKind = "shift_reminder_24h"
	NoteShift1h          NotificationKind = "shift_reminder_1h"
	NoteNoShow           NotificationKind = "no_show"
	NoteHoursPending     NotificationKind = "hours_pending" // hours waiting for verification for 3 days
	NoteCEDue            NotificationKind = "ce_due"        // continuing education short in the last quarter
	NoteOrgInactive      NotificationKind = "org_inactive"  // no activity for 180 days (长期不开展业务活动)
	NoteLedger           NotificationKind = "ledger_problem"
	NoteDecision         NotificationKind = "application_decided"
	NoteTranche          NotificationKind = "tranche_released"
	NoteCompetition      NotificationKind = "competition_phase"
	NoteNeedExpired      NotificationKind = "need_expired"
	NoteRoleOffer        NotificationKind = "role_offer" // a person is offered a role (a membership, a binding) to accept
)

// NoShow records that a volunteer held a place of an occurrence that ended
// without their attendance; one per place (id = the assignment's).
type NoShow struct {
	AssignmentID  string    `bson:"assignmentid"`
	NeedID        string    `bson:"needid"`
	OccurrenceID  string    `bson:"occurrenceid"`
	VolunteerID   string    `bson:"volunteerid"`
	CommunityCode string    `bson:"communitycode"`
	Start         time.Time `bson:"start"`
	End           time.Time `bson:"end"`
	MarkedAt      time.Time `bson:"markedat"`
}

// NotificationID is the URL-safe id of the notification with key.
func NotificationID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:12])
}
