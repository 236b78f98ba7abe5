package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/parties"
)

const colSocialWorkers = "social_workers" // _id = account id: one profile per account

func init() { register(colSocialWorkers) }

var _ parties.SocialWorkerStore = (*SocialWorkers)(nil)

type certificateDoc struct {
	Level        string     `bson:"level"`
	Number       string     `bson:"number"`
	IssuedOn     string     `bson:"issuedOn"`
	Verification string     `bson:"verification"`
	VerifiedBy   string     `bson:"verifiedBy,omitempty"`
	VerifiedAt   *time.Time `bson:"verifiedAt,omitempty"`
	Note         string     `bson:"note,omitempty"`
}

type postDoc struct {
	Level string `bson:"level"`
	Grade int    `bson:"grade"`
}

type socialWorkerDoc struct {
	ID              string          `bson:"_id"`
	Certificate     *certificateDoc `bson:"certificate,omitempty"`
	Post            *postDoc        `bson:"post,omitempty"`
	EmployerOrgID   string          `bson:"employerOrgId,omitempty"`
	StationTownCode string          `bson:"stationTownCode,omitempty"`
	Scopes          []string        `bson:"scopes"` // the station's township, the base's district, and every division containing them
	Domains         []string        `bson:"domains"`
	Supervisor      bool            `bson:"supervisor"`
	SupervisorTier  string          `bson:"supervisorTier,omitempty"`
	SupervisorCnty  string          `bson:"supervisorCounty,omitempty"`
	Cohort          int             `bson:"supervisorCohort,omitempty"`
	FrontLine       []int           `bson:"frontLine,omitempty"` // years, months, days
	CaseloadCap     int             `bson:"caseloadCap"`
	Availability    []int64         `bson:"availability"` // models.WeekGrid, 6 words
	Base            *pointDoc       `bson:"base,omitempty"`
	CreatedAt       time.Time       `bson:"createdAt"`
	UpdatedAt       time.Time       `bson:"updatedAt"`
}

func toSocialWorkerDoc(w *models.SocialWorker) socialWorkerDoc {
	scopes := []string{w.StationTownCode}
	if w.Base != nil {
		if county, ok := models.DistrictAt(*w.Base); ok {
			scopes = append(scopes, county)
		}
	}
	d := socialWorkerDoc{ID: w.AccountID, EmployerOrgID: w.EmployerOrgID, StationTownCode: w.StationTownCode,
		Scopes: nonNil(ancestors(scopes...)), Domains: nonNil(w.Domains), Supervisor: w.Supervisor, CaseloadCap: w.CaseloadCap,
		SupervisorTier: w.SupervisorTier, SupervisorCnty: w.SupervisorCounty, Cohort: w.SupervisorCohort,
		Availability: gridWords(w.Availability), Base: toPointDoc(w.Base), CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
	if f := w.FrontLine; f != (models.WorkDuration{}) {
		d.FrontLine = []int{f.Years, f.Months, f.Days}
	}
	if c := w.Certificate; c != nil {
		d.Certificate = &certificateDoc{Level: string(c.Level), Number: c.Number, IssuedOn: c.IssuedOn, Verification: c.Verification,
			VerifiedBy: c.VerifiedBy, VerifiedAt: c.VerifiedAt, Note: c.Note}
	}
	if p := w.Post; p != nil {
		d.Post = &postDoc{Level: string(p.Level), Grade: p.Grade}
	}
	return d
}

func (d *socialWorkerDoc) model() *models.SocialWorker {
	w := &models.SocialWorker{AccountID: d.ID, EmployerOrgID: d.EmployerOrgID, StationTownCode: d.StationTownCode,
		Domains: nonNil(d.Domains), Supervisor: d.Supervisor, CaseloadCap: d.CaseloadCap, Availability: gridFromWords(d.Availability),
		SupervisorTier: d.SupervisorTier, SupervisorCounty: d.SupervisorCnty, SupervisorCohort: d.Cohort,
		Base: d.Base.model(), CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	if f := d.FrontLine; len(f) == 3 {
		w.FrontLine = models.WorkDuration{Years: f[0], Months: f[1], Days: f[2]}
	}
	if c := d.Certificate; c != nil {
		w.Certificate = &models.SocialWorkerCertificate{Level: models.CertificateLevel(c.Level), Number: c.Number, IssuedOn: c.IssuedOn,
			Verification: c.Verification, VerifiedBy: c.VerifiedBy, VerifiedAt: c.VerifiedAt, Note: c.Note}
	}
	if p := d.Post; p != nil {
		w.Post = &models.PostTitle{Level: models.CertificateLevel(p.Level), Grade: p.Grade}
	}
	return w
}

// SocialWorker finds an account's professional profile.
func (s *SocialWorkers) SocialWorker(ctx context.Context, accountID string) (*models.SocialWorker, error) {
	var d socialWorkerDoc
	if err := s.db.db.Collection(colSocialWorkers).FindOne(ctx, bson.M{"_id": accountID}).Decode(&d); err != nil {
		return nil, translate(err, "social worker")
	}
	return d.model(), nil
}

// SocialWorkersByIDs reads the profiles of ids in one round trip; an id
// with no profile is absent from the map.
func (s *SocialWorkers) SocialWorkersByIDs(ctx context.Context, ids []string) (map[string]*models.SocialWorker, error) {
	out := make(map[string]*models.SocialWorker, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	cur, err := s.db.db.Collection(colSocialWorkers).Find(ctx, bson.M{"_id": bson.M{"$in": ids}}, options.Find().SetBatchSize(int32(len(ids)+1)))
	if err != nil {
		return nil, translate(err, "social workers")
	}
	var docs []socialWorkerDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "social workers")
	}
	for i := range docs {
		w := docs[i].model()
		out[w.AccountID] = w
	}
	return out, nil
}

// SocialWorkersEmployedBy lists the profiles employed by one of orgIDs, in
// one round trip.
func (s *SocialWorkers) SocialWorkersEmployedBy(ctx context.Context, orgIDs []string) ([]*models.SocialWorker, error) {
	if len(orgIDs) == 0 {
		return nil, nil
	}
	cur, err := s.db.db.Collection(colSocialWorkers).Find(ctx, bson.M{"employerOrgId": bson.M{"$in": orgIDs}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, translate(err, "social workers")
	}
	var docs []socialWorkerDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "social workers")
	}
	out := make([]*models.SocialWorker, len(docs))
	for i := range docs {
		out[i] = docs[i].model()
	}
	return out, nil
}

// SaveSocialWorker replaces the profile, or inserts it when there is none.
// Callers serialise writes of one profile.
func (s *SocialWorkers) SaveSocialWorker(ctx context.Context, w *models.SocialWorker) error {
	return save(ctx, s.db.db.Collection(colSocialWorkers), w.AccountID, toSocialWorkerDoc(w), "save social worker")
}

// ListSocialWorkers lists profiles in account-id order. MinLevel counts
// only verified certificates.
func (s *SocialWorkers) ListSocialWorkers(ctx context.Context, f parties.SocialWorkerFilter, p service.Page) ([]*models.SocialWorker, string, error) {
	filter := bson.M{}
	if f.OrganisationID != "" {
		filter["employerOrgId"] = f.OrganisationID
	}
	if f.StationTownCode != "" {
		filter["stationTownCode"] = f.StationTownCode
	}
	if f.Division != "" {
		filter["scopes"] = f.Division
	}
	if f.Supervisor != nil {
		filter["supervisor"] = *f.Supervisor
	}
	if f.MinLevel != "" {
		var levels []string
		for _, code := range models.CertificateLevels.Codes() {
			if models.CertificateLevel(code).AtLeast(f.MinLevel) {
				levels = append(levels, code)
			}
		}
		filter["certificate.verification"] = "verified"
		filter["certificate.level"] = bson.M{"$in": nonNil(levels)}
	}
	return pageModels(ctx, s.db.db.Collection(colSocialWorkers), filter, p, func(d *socialWorkerDoc) string { return d.ID }, (*socialWorkerDoc).model)
}

// DeleteSocialWorker removes an account's professional profile (erasure);
// no profile is no error.
func (s *SocialWorkers) DeleteSocialWorker(ctx context.Context, accountID string) error {
	_, err := s.db.db.Collection(colSocialWorkers).DeleteOne(ctx, bson.M{"_id": accountID})
	return translate(err, "delete social worker")
}
