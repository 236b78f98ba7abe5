package mongo

import (
	"context"
	"regexp"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/parties"
)

const (
	colOrganisations = "organisations"
	colCreditCodes   = "credit_codes" // _id = credit code: one organisation per code, by unique insert
	colMembers       = "org_members"  // _id = organisationId#accountId
)

func init() {
	register(colOrganisations)
	register(colCreditCodes)
	register(colMembers)
}

var _ parties.OrganisationStore = (*Organisations)(nil)

// Organisations stores organisations and their members.
type Organisations struct{ db *DB }

// Organisations returns the organisation store.
func (d *DB) Organisations() *Organisations { return &Organisations{db: d} }

type orgDoc struct {
	ID              string    `bson:"_id"`
	Name            string    `bson:"name"`
	Kind            string    `bson:"kind"`
	CreditCode      string    `bson:"creditCode"`
	Domains         []string  `bson:"domains"`
	DivisionCode    string    `bson:"divisionCode"`
	DivisionsServed []string  `bson:"divisionsServed"`
	Scopes          []string  `bson:"scopes"` // divisionCode, divisionsServed and all their ancestors
	Beds            int       `bson:"beds,omitempty"`
	Status          string    `bson:"status"`
	StatusSeq       int       `bson:"statusSeq"`
	ExitReason      string    `bson:"exitReason,omitempty"`
	Charity         bool      `bson:"charity"`
	CharityOn       string    `bson:"charityOn,omitempty"`
	ContactName     string    `bson:"contactName,omitempty"`
	ContactPhone    string    `bson:"contactPhone,omitempty"`
	Description     string    `bson:"description,omitempty"`
	CreatedAt       time.Time `bson:"createdAt"`
	UpdatedAt       time.Time `bson:"updatedAt"`
	CreatedBy       string    `bson:"createdBy"`
}

func toOrgDoc(o *models.Organisation) orgDoc {
	return orgDoc{ID: o.ID, Name: o.Name, Kind: o.Kind, CreditCode: o.CreditCode, Domains: nonNil(o.Domains),
		DivisionCode: o.DivisionCode, DivisionsServed: nonNil(o.DivisionsServed),
		Scopes: ancestors(append([]string{o.DivisionCode}, o.DivisionsServed...)...), Beds: o.Beds,
		Status: string(o.Status), StatusSeq: o.StatusSeq, ExitReason: o.ExitReason, Charity: o.Charity.Recognised,
		CharityOn: o.Charity.RecognisedOn, ContactName: o.ContactName, ContactPhone: o.ContactPhone,
		Description: o.Description, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, CreatedBy: o.CreatedBy}
}

func (d *orgDoc) model() *models.Organisation {
	return &models.Organisation{ID: d.ID, Name: d.Name, Kind: d.Kind, CreditCode: d.CreditCode, Domains: d.Domains,
		DivisionCode: d.DivisionCode, DivisionsServed: d.DivisionsServed, Beds: d.Beds, Status: models.OrgStatus(d.Status),
		StatusSeq: d.StatusSeq, ExitReason: d.ExitReason, Charity: models.CharityRecognition{Recognised: d.Charity, RecognisedOn: d.CharityOn},
		ContactName: d.ContactName, ContactPhone: d.ContactPhone, Description: d.Description,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, CreatedBy: d.CreatedBy}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CreateOrganisation claims the credit code, then inserts the organisation.
func (s *Organisations) CreateOrganisation(ctx context.Context, o *models.Organisation) error {
	codes := s.db.db.Collection(colCreditCodes)
	if _, err := codes.InsertOne(ctx, bson.M{"_id": o.CreditCode, "organisationId": o.ID}); err != nil {
		return translate(err, "claim credit code")
	}
	if _, err := s.db.db.Collection(colOrganisations).InsertOne(ctx, toOrgDoc(o)); err != nil {
		_, _ = codes.DeleteOne(context.WithoutCancel(ctx), bson.M{"_id": o.CreditCode, "organisationId": o.ID})
		return translate(err, "insert organisation")
	}
	return nil
}

// Organisation finds an organisation by id.
func (s *Organisations) Organisation(ctx context.Context, id string) (*models.Organisation, error) {
	var d orgDoc
	if err := s.db.db.Collection(colOrganisations).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, translate(err, "organisation")
	}
	return d.model(), nil
}

// UpdateOrganisation replaces the organisation document.
func (s *Organisations) UpdateOrganisation(ctx context.Context, o *models.Organisation) error {
	res, err := s.db.db.Collection(colOrganisations).ReplaceOne(ctx, bson.M{"_id": o.ID}, toOrgDoc(o))
	if err != nil {
		return translate(err, "update organisation")
	}
	if res.MatchedCount == 0 {
		return models.ErrNotFound.Wrap(nil)
	}
	return nil
}

// ListOrganisations lists organisations in id order.
func (s *Organisations) ListOrganisations(ctx context.Context, f parties.OrganisationFilter, p service.Page) ([]*models.Organisation, string, error) {
	filter := bson.M{}
	if f.Division != "" {
		filter["scopes"] = f.Division
	}
	if f.Kind != "" {
		filter["kind"] = f.Kind
	}
	if f.Status != "" {
		filter["status"] = f.Status
	}
	if f.Domain != "" {
		filter["domains"] = f.Domain
	}
	if f.Name != "" {
		filter["name"] = bson.M{"$regex": regexp.QuoteMeta(f.Name)}
	}
	return pageModels(ctx, s.db.db.Collection(colOrganisations), filter, p, func(d *orgDoc) string { return d.ID }, (*orgDoc).model)
}

type memberDoc struct {
	ID             string    `bson:"_id"`
	OrganisationID string    `bson:"organisationId"`
	AccountID      string    `bson:"accountId"`
	Role           string    `bson:"role"`
	Name           string    `bson:"name"`
	Phone          string    `bson:"phone"`
	AddedAt        time.Time `bson:"addedAt"`
	AddedBy        string    `bson:"addedBy"`
}

// AddMember inserts a membership once per organisation, account and role.
func (s *Organisations) AddMember(ctx context.Context, m *models.Member) error {
	_, err := s.db.db.Collection(colMembers).InsertOne(ctx, memberDoc{ID: m.OrganisationID + "#" + m.AccountID + "#" + string(m.Role),
		OrganisationID: m.OrganisationID, AccountID: m.AccountID, Role: string(m.Role), Name: m.Name, Phone: m.Phone, AddedAt: m.AddedAt, AddedBy: m.AddedBy})
	return translate(err, "add member")
}

// Members lists an organisation's members.
func (s *Organisations) Members(ctx context.Context, orgID string, p service.Page) ([]*models.Member, string, error) {
	docs, next, err := page(ctx, s.db.db.Collection(colMembers), bson.M{"organisationId": orgID}, p, func(d *memberDoc) string { return d.ID })
	if err != nil {
		return nil, "", err
	}
	out := make([]*models.Member, len(docs))
	for i, d := range docs {
		out[i] = &models.Member{OrganisationID: d.OrganisationID, AccountID: d.AccountID, Role: models.Role(d.Role), Name: d.Name,
			Phone: d.Phone, AddedAt: d.AddedAt, AddedBy: d.AddedBy}
	}
	return out, next, nil
}
