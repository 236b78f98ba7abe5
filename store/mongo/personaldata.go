package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/accounts"
)

var _ accounts.PersonalDataStore = (*PersonalData)(nil)

// PersonalData erases a person's data across collections and finds what is
// kept about them.
type PersonalData struct{ db *DB }

// PersonalData returns the personal-data store.
func (d *DB) PersonalData() *PersonalData { return &PersonalData{db: d} }

// ErasePerson deletes the person's profiles and pathway and erases the
// copies of their name and phone in other records.
func (s *PersonalData) ErasePerson(ctx context.Context, accountID string) error {
	if err := s.db.Volunteers().DeleteVolunteer(ctx, accountID); err != nil {
		return err
	}
	if err := s.db.SocialWorkers().DeleteSocialWorker(ctx, accountID); err != nil {
		return err
	}
	if _, err := s.db.db.Collection(colPathways).DeleteOne(ctx, bson.M{"_id": accountID}); err != nil {
		return translate(err, "delete pathway")
	}
	if _, err := s.db.db.Collection(colMembers).UpdateMany(ctx, bson.M{"accountId": accountID},
		bson.M{"$set": bson.M{"name": models.ErasedName, "phone": ""}}); err != nil {
		return translate(err, "erase memberships")
	}
	if _, err := s.db.db.Collection(colHours).UpdateMany(ctx, bson.M{"verifiedBy": accountID},
		bson.M{"$set": bson.M{"verifierName": models.ErasedName}}); err != nil {
		return translate(err, "erase verifier name")
	}
	if _, err := s.db.db.Collection(colReviewers).UpdateMany(ctx, bson.M{"accountId": accountID},
		bson.M{"$set": bson.M{"doc.name": models.ErasedName}}); err != nil {
		return translate(err, "erase reviewer name")
	}
	return s.eraseFromTeams(ctx, accountID)
}

// eraseFromTeams replaces the person's name in the teams of the
// applications that list them (read and rewritten in Go: FerretDB does not
// match inside arrays of sub-documents). Each application is rewritten only
// by this erasure; a concurrent edit of the same draft may keep the name,
// and the next erasure pass over it (a repeat of the request) removes it.
func (s *PersonalData) eraseFromTeams(ctx context.Context, accountID string) error {
	col := s.db.db.Collection(colApplications)
	cur, err := col.Find(ctx, bson.M{})
	if err != nil {
		return translate(err, "applications")
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d applicationDoc
		if err := cur.Decode(&d); err != nil {
			return translate(err, "decode application")
		}
		changed := false
		for i := range d.Doc.Team {
			if d.Doc.Team[i].SocialWorkerID == accountID && d.Doc.Team[i].Name != models.ErasedName {
				d.Doc.Team[i].Name, changed = models.ErasedName, true
			}
		}
		if changed {
			if _, err := col.ReplaceOne(ctx, bson.M{"_id": d.ID}, d); err != nil {
				return translate(err, "erase team name")
			}
		}
	}
	return translate(cur.Err(), "applications")
}

// PlaintextVolunteers lists profiles saved before sealing.
func (s *PersonalData) PlaintextVolunteers(ctx context.Context) ([]string, error) {
	return s.db.Volunteers().PlaintextVolunteers(ctx)
}

// AuditAbout lists the audit entries about the person.
func (s *PersonalData) AuditAbout(ctx context.Context, accountID string, limit int) ([]*models.AuditEntry, error) {
	return s.db.Records().AuditAbout(ctx, accountID, limit)
}
