package mongo

import (
	"context"
	"encoding/json"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/parties"
)

const colVolunteers = "volunteers" // _id = account id: one profile per account

func init() { register(colVolunteers) }

var _ parties.VolunteerStore = (*Volunteers)(nil)

type pointDoc struct {
	Lat float64 `bson:"lat"`
	Lng float64 `bson:"lng"`
}

func toPointDoc(p *models.Point) *pointDoc {
	if p == nil {
		return nil
	}
	return &pointDoc{Lat: p.Lat, Lng: p.Lng}
}

func (d *pointDoc) model() *models.Point {
	if d == nil {
		return nil
	}
	return &models.Point{Lat: d.Lat, Lng: d.Lng}
}

// gridWords stores a WeekGrid as 6 int64s: BSON has no unsigned 64-bit
// integer, so each word is bit-cast (a set top bit reads back negative).
func gridWords(g models.WeekGrid) []int64 {
	out := make([]int64, len(g))
	for i, w := range g {
		out[i] = int64(w)
	}
	return out
}

func gridFromWords(words []int64) models.WeekGrid {
	var g models.WeekGrid
	for i := 0; i < len(g) && i < len(words); i++ {
		g[i] = uint64(words[i])
	}
	return g
}

type skillDoc struct {
	Code  string `bson:"code"`
	Level int    `bson:"level"`
}

type credentialDoc struct {
	Skill     string `bson:"skill,omitempty"`
	Name      string `bson:"name"`
	Number    string `bson:"number,omitempty"`
	ExpiresOn string `bson:"expiresOn,omitempty"`
}

// backgroundDoc is a recorded background check. A document written before
// checks were recorded (passedOn, no recordedBy) was the volunteer's own
// claim: it reads back as no check.
type backgroundDoc struct {
	Result     string     `bson:"result,omitempty"`
	CheckedOn  string     `bson:"checkedOn,omitempty"`
	ExpiresOn  string     `bson:"expiresOn,omitempty"`
	Reference  string     `bson:"reference,omitempty"`
	RecordedBy string     `bson:"recordedBy,omitempty"`
	RecordedAt *time.Time `bson:"recordedAt,omitempty"`
}

type guardianDoc struct {
	Name         string `bson:"name"`
	Phone        string `bson:"phone"`
	Relationship string `bson:"relationship"`
	ConsentedOn  string `bson:"consentedOn"`
}

type insuranceDoc struct {
	Insurer   string `bson:"insurer"`
	PolicyNo  string `bson:"policyNo,omitempty"`
	ExpiresOn string `bson:"expiresOn"`
}

type reliabilityDoc struct {
	Invited        int     `bson:"invited"`
	Accepted       int     `bson:"accepted"`
	Declined       int     `bson:"declined"`
	Attended       int     `bson:"attended"`
	NoShows        int     `bson:"noShows"`
	CommittedHours float64 `bson:"committedHours"`
}

type volunteerDoc struct {
	ID                 string          `bson:"_id"`
	RealName           string          `bson:"realName,omitempty"`
	IDNumber           string          `bson:"idNumber,omitempty"`       // legacy plaintext: read, never written
	IDNumberSealed     string          `bson:"idNumberSealed,omitempty"` // AES-256-GCM (store/seal.DataCipher)
	RealNameVerified   bool            `bson:"realNameVerified"`
	VerifiedBy         string          `bson:"verifiedBy,omitempty"`
	VerifiedAt         *time.Time      `bson:"verifiedAt,omitempty"`
	IDNumberConflict   bool            `bson:"idNumberConflict,omitempty"`
	Skills             []skillDoc      `bson:"skills"`
	Credentials        []credentialDoc `bson:"credentials"`
	BackgroundCheck    *backgroundDoc  `bson:"backgroundCheck,omitempty"`
	Availability       []int64         `bson:"availability"` // models.WeekGrid, 6 words
	Blackouts          []string        `bson:"blackouts"`
	Home               *pointDoc       `bson:"home,omitempty"`
	CommunityCode      string          `bson:"communityCode,omitempty"`
	Scopes             []string        `bson:"scopes"` // the home community and every division containing it
	MaxDistanceKm      float64         `bson:"maxDistanceKm"`
	Domains            []string        `bson:"domains"`
	Languages          []string        `bson:"languages"`
	QualificationTrack bool            `bson:"qualificationTrack"`
	BirthDate          string          `bson:"birthDate,omitempty"`
	Guardian           *guardianDoc    `bson:"guardian,omitempty"`       // legacy plaintext: read, never written
	GuardianSealed     string          `bson:"guardianSealed,omitempty"` // the guardianDoc as JSON, sealed
	Insurance          *insuranceDoc   `bson:"insurance,omitempty"`
	Reliability        reliabilityDoc  `bson:"reliability"`
	CreatedAt          time.Time       `bson:"createdAt"`
	UpdatedAt          time.Time       `bson:"updatedAt"`
}

// Sealing contexts: a sealed value opens only in the record and field it was sealed for.
func idNumberContext(accountID string) string { return "volunteer:" + accountID + "#idNumber" }
func guardianContext(accountID string) string { return "volunteer:" + accountID + "#guardian" }

// toVolunteerDoc builds the stored form, sealing the ID number and the
// guardian's details with the DB's data key; they are never written in the clear.
func (s *Volunteers) toVolunteerDoc(v *models.Volunteer) (volunteerDoc, error) {
	d := volunteerDoc{ID: v.AccountID, RealName: v.RealName, RealNameVerified: v.RealNameVerified,
		VerifiedBy: v.VerifiedBy, VerifiedAt: v.VerifiedAt, IDNumberConflict: v.IDNumberConflict, Skills: make([]skillDoc, len(v.Skills)),
		Credentials: make([]credentialDoc, len(v.Credentials)), Availability: gridWords(v.Availability),
		Blackouts: nonNil(v.Blackouts), Home: toPointDoc(v.Home), CommunityCode: v.CommunityCode,
		Scopes: nonNil(ancestors(v.CommunityCode)), MaxDistanceKm: v.MaxDistanceKm, Domains: nonNil(v.Domains),
		Languages: nonNil(v.Languages), QualificationTrack: v.QualificationTrack, BirthDate: v.BirthDate,
		Reliability: reliabilityDoc(v.Reliability), CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
	for i, s := range v.Skills {
		d.Skills[i] = skillDoc(s)
	}
	for i, c := range v.Credentials {
		d.Credentials[i] = credentialDoc(c)
	}
	if b := v.BackgroundCheck; b.Recorded() {
		d.BackgroundCheck = &backgroundDoc{Result: b.Result, CheckedOn: b.CheckedOn, ExpiresOn: b.ExpiresOn, Reference: b.Reference,
			RecordedBy: b.RecordedBy, RecordedAt: b.RecordedAt}
	}
	if in := v.Insurance; in != nil {
		d.Insurance = &insuranceDoc{Insurer: in.Insurer, PolicyNo: in.PolicyNo, ExpiresOn: in.ExpiresOn}
	}
	if v.IDNumber == "" && v.Guardian == nil {
		return d, nil
	}
	c, err := s.db.dataCipher()
	if err != nil {
		return d, models.Internal("seal volunteer: %w", err)
	}
	if d.IDNumberSealed, err = c.Seal(v.IDNumber, idNumberContext(v.AccountID)); err != nil {
		return d, models.Internal("seal ID number: %w", err)
	}
	if g := v.Guardian; g != nil {
		raw, err := json.Marshal(guardianDoc{Name: g.GuardianName, Phone: g.GuardianPhone, Relationship: g.Relationship, ConsentedOn: g.ConsentedOn})
		if err != nil {
			return d, models.Internal("encode guardian: %w", err)
		}
		if d.GuardianSealed, err = c.Seal(string(raw), guardianContext(v.AccountID)); err != nil {
			return d, models.Internal("seal guardian: %w", err)
		}
	}
	return d, nil
}

// model opens the sealed fields (or takes the legacy plaintext ones of a
// profile saved before sealing). Errors never carry the values.
func (s *Volunteers) model(d *volunteerDoc) (*models.Volunteer, error) {
	v := &models.Volunteer{AccountID: d.ID, RealName: d.RealName, IDNumber: d.IDNumber, RealNameVerified: d.RealNameVerified,
		VerifiedBy: d.VerifiedBy, VerifiedAt: d.VerifiedAt, IDNumberConflict: d.IDNumberConflict, Skills: make([]models.SkillLevel, len(d.Skills)),
		Credentials: make([]models.Credential, len(d.Credentials)), Availability: gridFromWords(d.Availability),
		Blackouts: nonNil(d.Blackouts), Home: d.Home.model(), CommunityCode: d.CommunityCode, MaxDistanceKm: d.MaxDistanceKm,
		Domains: nonNil(d.Domains), Languages: nonNil(d.Languages), QualificationTrack: d.QualificationTrack,
		BirthDate: d.BirthDate, Reliability: models.Reliability(d.Reliability), CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	for i, s := range d.Skills {
		v.Skills[i] = models.SkillLevel(s)
	}
	for i, c := range d.Credentials {
		v.Credentials[i] = models.Credential(c)
	}
	if b := d.BackgroundCheck; b != nil && b.RecordedBy != "" && b.RecordedAt != nil {
		v.BackgroundCheck = &models.BackgroundCheck{Result: b.Result, CheckedOn: b.CheckedOn, ExpiresOn: b.ExpiresOn, Reference: b.Reference,
			RecordedBy: b.RecordedBy, RecordedAt: b.RecordedAt}
	}
	g := d.Guardian
	if d.IDNumberSealed != "" || d.GuardianSealed != "" {
		c, err := s.db.dataCipher()
		if err != nil {
			return nil, models.Internal("open volunteer %s: %w", d.ID, err)
		}
		if d.IDNumberSealed != "" {
			if v.IDNumber, err = c.Open(d.IDNumberSealed, idNumberContext(d.ID)); err != nil {
				return nil, models.Internal("open ID number of volunteer %s: %w", d.ID, err)
			}
		}
		if d.GuardianSealed != "" {
			raw, err := c.Open(d.GuardianSealed, guardianContext(d.ID))
			if err != nil {
				return nil, models.Internal("open guardian of volunteer %s: %w", d.ID, err)
			}
			g = &guardianDoc{}
			if err := json.Unmarshal([]byte(raw), g); err != nil {
				return nil, models.Internal("decode guardian of volunteer %s", d.ID)
			}
		}
	}
	if g != nil {
		v.Guardian = &models.GuardianConsent{GuardianName: g.Name, GuardianPhone: g.Phone, Relationship: g.Relationship, ConsentedOn: g.ConsentedOn}
	}
	if in := d.Insurance; in != nil {
		v.Insurance = &models.Insurance{Insurer: in.Insurer, PolicyNo: in.PolicyNo, ExpiresOn: in.ExpiresOn}
	}
	return v, nil
}

// Volunteer finds an account's profile.
func (s *Volunteers) Volunteer(ctx context.Context, accountID string) (*models.Volunteer, error) {
	var d volunteerDoc
	if err := s.db.db.Collection(colVolunteers).FindOne(ctx, bson.M{"_id": accountID}).Decode(&d); err != nil {
		return nil, translate(err, "volunteer")
	}
	return s.model(&d)
}

// SaveVolunteer replaces the profile, or inserts it when there is none.
// Callers serialise writes of one profile (FerretDB loses concurrent
// updates of one document).
func (s *Volunteers) SaveVolunteer(ctx context.Context, v *models.Volunteer) error {
	d, err := s.toVolunteerDoc(v)
	if err != nil {
		return err
	}
	return save(ctx, s.db.db.Collection(colVolunteers), v.AccountID, d, "save volunteer")
}

// ListVolunteers lists profiles in account-id order.
func (s *Volunteers) ListVolunteers(ctx context.Context, f parties.VolunteerFilter, p service.Page) ([]*models.Volunteer, string, error) {
	filter := bson.M{}
	if f.Community != "" {
		filter["communityCode"] = f.Community
	}
	if f.Division != "" {
		filter["scopes"] = f.Division
	}
	if f.Verified != nil {
		filter["realNameVerified"] = *f.Verified
	}
	if f.IDNumberConflict {
		filter["idNumberConflict"] = true
	}
	docs, next, err := page(ctx, s.db.db.Collection(colVolunteers), filter, p, func(d *volunteerDoc) string { return d.ID })
	if err != nil {
		return nil, "", err
	}
	out := make([]*models.Volunteer, len(docs))
	for i, d := range docs {
		if out[i], err = s.model(d); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}

// save replaces the document with _id id, or inserts it when there is none.
// Replace-then-insert keeps to the subset FerretDB gets right (no upsert);
// an insert that loses a race with another insert of the id replaces it.
func save(ctx context.Context, col *mongo.Collection, id string, doc any, what string) error {
	res, err := col.ReplaceOne(ctx, bson.M{"_id": id}, doc)
	if err != nil {
		return translate(err, what)
	}
	if res.MatchedCount > 0 {
		return nil
	}
	if _, err := col.InsertOne(ctx, doc); err == nil || !mongo.IsDuplicateKeyError(err) {
		return translate(err, what)
	}
	_, err = col.ReplaceOne(ctx, bson.M{"_id": id}, doc)
	return translate(err, what)
}

const colIDNumbers = "id_numbers" // _id = SHA-256 of a resident ID number: one account per person

func init() { register(colIDNumbers) }

// ClaimIDNumber inserts the claim, or finds it already the account's own.
func (s *Volunteers) ClaimIDNumber(ctx context.Context, hash, accountID string) error {
	col := s.db.db.Collection(colIDNumbers)
	_, err := col.InsertOne(ctx, bson.M{"_id": hash, "accountId": accountID})
	if err == nil || !mongo.IsDuplicateKeyError(err) {
		return translate(err, "claim ID number")
	}
	var held struct {
		AccountID string `bson:"accountId"`
	}
	if err := col.FindOne(ctx, bson.M{"_id": hash}).Decode(&held); err != nil {
		return translate(err, "ID number claim")
	}
	if held.AccountID == accountID {
		return nil
	}
	return models.ErrConflict.Wrap(parties.IDNumberHeldBy(held.AccountID))
}

// ReleaseIDNumber deletes the account's claim.
func (s *Volunteers) ReleaseIDNumber(ctx context.Context, hash, accountID string) error {
	_, err := s.db.db.Collection(colIDNumbers).DeleteOne(ctx, bson.M{"_id": hash, "accountId": accountID})
	return translate(err, "release ID number")
}

// EachVolunteer streams every profile to fn.
func (s *Volunteers) EachVolunteer(ctx context.Context, fn func(*models.Volunteer) error) error {
	cur, err := s.db.db.Collection(colVolunteers).Find(ctx, bson.M{})
	if err != nil {
		return translate(err, "volunteers")
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d volunteerDoc
		if err := cur.Decode(&d); err != nil {
			return translate(err, "decode volunteer")
		}
		v, err := s.model(&d)
		if err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return translate(cur.Err(), "volunteers")
}

// DeleteVolunteer removes an account's profile (erasure); no profile is no error.
func (s *Volunteers) DeleteVolunteer(ctx context.Context, accountID string) error {
	_, err := s.db.db.Collection(colVolunteers).DeleteOne(ctx, bson.M{"_id": accountID})
	return translate(err, "delete volunteer")
}

// PlaintextVolunteers lists the profiles that still hold an ID number or
// guardian details in the clear (saved before sealing), to be sealed.
func (s *Volunteers) PlaintextVolunteers(ctx context.Context) ([]string, error) {
	cur, err := s.db.db.Collection(colVolunteers).Find(ctx, bson.M{"$or": bson.A{
		bson.M{"idNumber": bson.M{"$exists": true}}, bson.M{"guardian": bson.M{"$exists": true}}}})
	if err != nil {
		return nil, translate(err, "plaintext volunteers")
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "plaintext volunteers")
	}
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out, nil
}
