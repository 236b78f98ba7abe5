package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/parties"
)

const colComplaints = "complaints"

func init() { register(colComplaints) }

var _ parties.ComplaintStore = (*Complaints)(nil)

// Complaints stores complaints and reports against organisations.
type Complaints struct{ db *DB }

// Complaints returns the complaint store.
func (d *DB) Complaints() *Complaints { return &Complaints{db: d} }

type complaintDoc struct {
	ID             string    `bson:"_id"`
	OrganisationID string    `bson:"organisationId"`
	DivisionCode   string    `bson:"divisionCode"`
	Scopes         []string  `bson:"scopes"`
	FiledBy        string    `bson:"filedBy"`
	Category       string    `bson:"category"`
	Content        string    `bson:"content"`
	Status         string    `bson:"status"`
	StatusSeq      int       `bson:"statusSeq"`
	CreatedAt      time.Time `bson:"createdAt"`
	UpdatedAt      time.Time `bson:"updatedAt"`
}

func toComplaintDoc(c *models.Complaint) complaintDoc {
	return complaintDoc{ID: c.ID, OrganisationID: c.OrganisationID, DivisionCode: c.DivisionCode, Scopes: ancestors(c.DivisionCode),
		FiledBy: c.FiledBy, Category: c.Category, Content: c.Content, Status: string(c.Status), StatusSeq: c.StatusSeq,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

func (d *complaintDoc) model() *models.Complaint {
	return &models.Complaint{ID: d.ID, OrganisationID: d.OrganisationID, DivisionCode: d.DivisionCode, FiledBy: d.FiledBy,
		Category: d.Category, Content: d.Content, Status: models.ComplaintStatus(d.Status), StatusSeq: d.StatusSeq,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

// CreateComplaint inserts a complaint.
func (s *Complaints) CreateComplaint(ctx context.Context, c *models.Complaint) error {
	_, err := s.db.db.Collection(colComplaints).InsertOne(ctx, toComplaintDoc(c))
	return translate(err, "insert complaint")
}

// Complaint finds a complaint by id.
func (s *Complaints) Complaint(ctx context.Context, id string) (*models.Complaint, error) {
	var d complaintDoc
	if err := s.db.db.Collection(colComplaints).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, translate(err, "complaint")
	}
	return d.model(), nil
}

// UpdateComplaint replaces the complaint document.
func (s *Complaints) UpdateComplaint(ctx context.Context, c *models.Complaint) error {
	_, err := s.db.db.Collection(colComplaints).ReplaceOne(ctx, bson.M{"_id": c.ID}, toComplaintDoc(c))
	return translate(err, "update complaint")
}

// ListComplaints lists complaints inside division, optionally of one status.
func (s *Complaints) ListComplaints(ctx context.Context, division, status string, p service.Page) ([]*models.Complaint, string, error) {
	f := bson.M{"scopes": division}
	if status != "" {
		f["status"] = status
	}
	return pageModels(ctx, s.db.db.Collection(colComplaints), f, p, func(d *complaintDoc) string { return d.ID }, (*complaintDoc).model)
}

// ComplaintsFiledBy lists the complaints an account filed (its data export).
func (s *Complaints) ComplaintsFiledBy(ctx context.Context, accountID string, p service.Page) ([]*models.Complaint, string, error) {
	return pageModels(ctx, s.db.db.Collection(colComplaints), bson.M{"filedBy": accountID}, p, func(d *complaintDoc) string { return d.ID }, (*complaintDoc).model)
}
