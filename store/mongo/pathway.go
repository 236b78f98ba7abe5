package mongo

import (
	"context"
	"math"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/records"
)

const (
	colPathways              = "pathways"               // _id = account id: one document per person
	colTraining              = "training_records"       // _id = record id
	colTrainingVerifications = "training_verifications" // _id = record id: decided once
)

func init() {
	register(colPathways)
	register(colTraining)
	register(colTrainingVerifications)
}

var _ records.PathwayStore = (*Pathway)(nil)

// Pathway stores people's pathways and training records.
type Pathway struct{ db *DB }

// Pathway returns the store.
func (d *DB) Pathway() *Pathway { return &Pathway{db: d} }

type educationDoc struct {
	Level           string `bson:"level"`
	SocialWorkMajor bool   `bson:"socialWorkMajor"`
	GraduatedOn     string `bson:"graduatedOn"`
}

type employmentDoc struct {
	Employer      string     `bson:"employer"`
	EmployerOrgID string     `bson:"employerOrgId,omitempty"`
	Start         string     `bson:"start"`
	End           string     `bson:"end,omitempty"`
	Proof         string     `bson:"proof"`
	VerifiedBy    string     `bson:"verifiedBy,omitempty"`
	VerifiedAt    *time.Time `bson:"verifiedAt,omitempty"`
	Note          string     `bson:"note,omitempty"`
}

type examDoc struct {
	Subject string  `bson:"subject"`
	Year    int     `bson:"year"`
	Score   float64 `bson:"score"`
	Passed  bool    `bson:"passed"`
}

type pathwayDoc struct {
	ID         string          `bson:"_id"`
	Education  []educationDoc  `bson:"education"`
	Employment []employmentDoc `bson:"employment"`
	Exams      []examDoc       `bson:"exams"`
	UpdatedAt  time.Time       `bson:"updatedAt"`
}

// PersonPathway finds a person's pathway.
func (s *Pathway) PersonPathway(ctx context.Context, accountID string) (*records.PersonPathway, error) {
	var d pathwayDoc
	if err := s.db.db.Collection(colPathways).FindOne(ctx, bson.M{"_id": accountID}).Decode(&d); err != nil {
		return nil, translate(err, "pathway")
	}
	p := &records.PersonPathway{AccountID: d.ID, UpdatedAt: d.UpdatedAt}
	for _, e := range d.Education {
		p.Education = append(p.Education, models.Education{Level: e.Level, SocialWorkMajor: e.SocialWorkMajor, GraduatedOn: e.GraduatedOn})
	}
	for _, e := range d.Employment {
		p.Employment = append(p.Employment, records.EmploymentPeriod{Employer: e.Employer, EmployerOrgID: e.EmployerOrgID, Start: e.Start,
			End: e.End, Proof: e.Proof, VerifiedBy: e.VerifiedBy, VerifiedAt: e.VerifiedAt, Note: e.Note})
	}
	for _, e := range d.Exams {
		p.Exams = append(p.Exams, records.ExamAttempt{Subject: e.Subject, Year: e.Year, Score: e.Score, Passed: e.Passed})
	}
	return p, nil
}

// SavePathway creates or replaces a person's pathway.
func (s *Pathway) SavePathway(ctx context.Context, p *records.PersonPathway) error {
	d := pathwayDoc{ID: p.AccountID, Education: []educationDoc{}, Employment: []employmentDoc{}, Exams: []examDoc{}, UpdatedAt: p.UpdatedAt}
	for _, e := range p.Education {
		d.Education = append(d.Education, educationDoc{Level: e.Level, SocialWorkMajor: e.SocialWorkMajor, GraduatedOn: e.GraduatedOn})
	}
	for _, e := range p.Employment {
		d.Employment = append(d.Employment, employmentDoc{Employer: e.Employer, EmployerOrgID: e.EmployerOrgID, Start: e.Start, End: e.End,
			Proof: e.Proof, VerifiedBy: e.VerifiedBy, VerifiedAt: e.VerifiedAt, Note: e.Note})
	}
	for _, e := range p.Exams {
		d.Exams = append(d.Exams, examDoc{Subject: e.Subject, Year: e.Year, Score: e.Score, Passed: e.Passed})
	}
	_, err := s.db.db.Collection(colPathways).ReplaceOne(ctx, bson.M{"_id": p.AccountID}, d, replaceUpsert)
	return translate(err, "save pathway")
}

type trainingDoc struct {
	ID          string     `bson:"_id"`
	AccountID   string     `bson:"accountId"`
	Course      string     `bson:"course"`
	Provider    string     `bson:"provider"`
	Category    string     `bson:"category"`
	Hours       float64    `bson:"hours"`
	Date        string     `bson:"date"`
	EvidenceURL string     `bson:"evidenceUrl,omitempty"`
	Status      string     `bson:"status"`
	VerifiedBy  string     `bson:"verifiedBy,omitempty"`
	VerifiedAt  *time.Time `bson:"verifiedAt,omitempty"`
	Note        string     `bson:"note,omitempty"`
	CreatedAt   time.Time  `bson:"createdAt"`
}

func toTrainingDoc(r *records.TrainingRecord) trainingDoc {
	return trainingDoc{ID: r.ID, AccountID: r.AccountID, Course: r.Course, Provider: r.Provider, Category: r.Category, Hours: r.Hours,
		Date: r.Date, EvidenceURL: r.EvidenceURL, Status: r.Status, VerifiedBy: r.VerifiedBy, VerifiedAt: r.VerifiedAt, Note: r.Note,
		CreatedAt: r.CreatedAt}
}

func (d *trainingDoc) model() *records.TrainingRecord {
	return &records.TrainingRecord{ID: d.ID, AccountID: d.AccountID, Course: d.Course, Provider: d.Provider, Category: d.Category,
		Hours: d.Hours, Date: d.Date, EvidenceURL: d.EvidenceURL, Status: d.Status, VerifiedBy: d.VerifiedBy, VerifiedAt: d.VerifiedAt,
		Note: d.Note, CreatedAt: d.CreatedAt}
}

// CreateTraining inserts a training record.
func (s *Pathway) CreateTraining(ctx context.Context, r *records.TrainingRecord) error {
	_, err := s.db.db.Collection(colTraining).InsertOne(ctx, toTrainingDoc(r))
	return translate(err, "insert training")
}

// Training finds a training record by id.
func (s *Pathway) Training(ctx context.Context, id string) (*records.TrainingRecord, error) {
	var d trainingDoc
	if err := s.db.db.Collection(colTraining).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, translate(err, "training record")
	}
	return d.model(), nil
}

// UpdateTraining replaces a training record (its decision, once).
func (s *Pathway) UpdateTraining(ctx context.Context, r *records.TrainingRecord) error {
	_, err := s.db.db.Collection(colTraining).ReplaceOne(ctx, bson.M{"_id": r.ID}, toTrainingDoc(r))
	return translate(err, "update training")
}

type trainingDecisionDoc struct {
	ID       string    `bson:"_id"`
	Verified bool      `bson:"verified"`
	By       string    `bson:"by"`
	Note     string    `bson:"note,omitempty"`
	At       time.Time `bson:"at"`
}

// ClaimTrainingVerification inserts the one decision on a record.
func (s *Pathway) ClaimTrainingVerification(ctx context.Context, recordID string, d records.TrainingDecision) error {
	_, err := s.db.db.Collection(colTrainingVerifications).InsertOne(ctx,
		trainingDecisionDoc{ID: recordID, Verified: d.Verified, By: d.By, Note: d.Note, At: d.At})
	return translate(err, "claim training verification")
}

// TrainingVerification returns the decision recorded on a record.
func (s *Pathway) TrainingVerification(ctx context.Context, recordID string) (*records.TrainingDecision, error) {
	var d trainingDecisionDoc
	if err := s.db.db.Collection(colTrainingVerifications).FindOne(ctx, bson.M{"_id": recordID}).Decode(&d); err != nil {
		return nil, translate(err, "training verification")
	}
	return &records.TrainingDecision{Verified: d.Verified, By: d.By, Note: d.Note, At: d.At}, nil
}

// TrainingOf lists one person's training records in id order.
func (s *Pathway) TrainingOf(ctx context.Context, accountID string, p service.Page) ([]*records.TrainingRecord, string, error) {
	docs, next, err := page(ctx, s.db.db.Collection(colTraining), bson.M{"accountId": accountID}, p, func(d *trainingDoc) string { return d.ID })
	if err != nil {
		return nil, "", err
	}
	out := make([]*records.TrainingRecord, len(docs))
	for i, d := range docs {
		out[i] = d.model()
	}
	return out, next, nil
}

// AllTrainingOf returns every training record of the given people.
func (s *Pathway) AllTrainingOf(ctx context.Context, accountIDs []string) ([]*records.TrainingRecord, error) {
	if len(accountIDs) == 0 {
		return nil, nil
	}
	cur, err := s.db.db.Collection(colTraining).Find(ctx, bson.M{"accountId": bson.M{"$in": accountIDs}})
	if err != nil {
		return nil, translate(err, "training records")
	}
	var docs []*trainingDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "decode training records")
	}
	out := make([]*records.TrainingRecord, len(docs))
	for i, d := range docs {
		out[i] = d.model()
	}
	return out, nil
}

// ServiceHours sums a volunteer's verified hours: for each occurrence the
// verified record of the highest version counts (a pending or rejected
// revision leaves the verified one standing), the rule of the signed
// service record and of the dashboard; a record made before its
// occurrence started does not count. Sums in Go.
func (s *Pathway) ServiceHours(ctx context.Context, volunteerID string) (records.ServiceHoursTotals, error) {
	var tot records.ServiceHoursTotals
	opts := options.Find().SetProjection(bson.M{"occurrenceId": 1, "version": 1, "hours": 1, "supervised": 1, "status": 1, "createdAt": 1})
	cur, err := s.db.db.Collection(colHours).Find(ctx, bson.M{"volunteerId": volunteerID}, opts)
	if err != nil {
		return tot, translate(err, "hours records")
	}
	var docs []*hoursDoc
	if err := cur.All(ctx, &docs); err != nil {
		return tot, translate(err, "decode hours records")
	}
	latest := map[string]*hoursDoc{}
	for _, d := range docs {
		if d.Status != string(models.HoursVerified) || d.model().BeforeItsOccurrence() {
			continue
		}
		if l := latest[d.OccurrenceID]; l == nil || d.Version > l.Version {
			latest[d.OccurrenceID] = d
		}
	}
	var all, supervised int64 // hundredths, so sums are exact
	for _, d := range latest {
		h := int64(math.Round(d.Hours * 100))
		all += h
		if d.Supervised {
			supervised += h
		}
	}
	tot.Verified, tot.Supervised = float64(all)/100, float64(supervised)/100
	return tot, nil
}

// SocialWorkerMembers lists an organisation's social_worker members.
func (s *Pathway) SocialWorkerMembers(ctx context.Context, orgIDs ...string) ([]*models.Member, error) {
	if len(orgIDs) == 0 {
		return nil, nil
	}
	cur, err := s.db.db.Collection(colMembers).Find(ctx, bson.M{"organisationId": bson.M{"$in": orgIDs}, "role": string(models.RoleSocialWorker)},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, translate(err, "members")
	}
	var docs []*memberDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "decode members")
	}
	out := make([]*models.Member, len(docs))
	for i, d := range docs {
		out[i] = &models.Member{OrganisationID: d.OrganisationID, AccountID: d.AccountID, Role: models.Role(d.Role), Name: d.Name,
			Phone: d.Phone, AddedAt: d.AddedAt, AddedBy: d.AddedBy}
	}
	return out, nil
}
