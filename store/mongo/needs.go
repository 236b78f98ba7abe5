package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/needs"
)

const colNeeds = "needs"

func init() { register(colNeeds) }

var _ needs.NeedStore = (*Needs)(nil)

// Needs stores community needs.
type Needs struct{ db *DB }

// Needs returns the need store.
func (d *DB) Needs() *Needs { return &Needs{db: d} }

type needPoint struct {
	Lat float64 `bson:"lat"`
	Lng float64 `bson:"lng"`
}

type windowDoc struct {
	Start time.Time `bson:"start"`
	End   time.Time `bson:"end"`
}

type scheduleDoc struct {
	Weekdays []models.Weekday `bson:"weekdays"` // stored as 1–7
	Start    string           `bson:"start"`
	End      string           `bson:"end"`
	From     string           `bson:"from"`
	Until    string           `bson:"until"`
}

type needSkill struct {
	Code  string `bson:"code"`
	Level int    `bson:"level"`
}

type needDoc struct {
	ID                string       `bson:"_id"`
	CommunityCode     string       `bson:"communityCode"`
	Scopes            []string     `bson:"scopes"`
	Title             string       `bson:"title"`
	Description       string       `bson:"description,omitempty"`
	Domain            string       `bson:"domain"`
	Tasks             []string     `bson:"tasks"`
	TargetGroup       string       `bson:"targetGroup"`
	Beneficiaries     int          `bson:"beneficiaries"`
	Location          needPoint    `bson:"location"`
	Address           string       `bson:"address,omitempty"`
	RadiusKm          float64      `bson:"radiusKm"`
	Window            *windowDoc   `bson:"window,omitempty"`
	Schedule          *scheduleDoc `bson:"schedule,omitempty"`
	Begins            time.Time    `bson:"begins"` // first start, for time filters
	Ends              time.Time    `bson:"ends"`   // last end
	RequiredSkills    []needSkill  `bson:"requiredSkills"`
	Headcount         int          `bson:"headcount"`
	BackgroundCheck   bool         `bson:"backgroundCheck"`
	HighRiskOverride  bool         `bson:"highRiskOverride"`
	BudgetFen         int64        `bson:"budgetFen"`
	InsuranceProvided bool         `bson:"insuranceProvided"`
	Status            string       `bson:"status"`
	StatusSeq         int          `bson:"statusSeq"`
	PostedBy          string       `bson:"postedBy"`
	OrganisationID    string       `bson:"organisationId,omitempty"`
	CreatedAt         time.Time    `bson:"createdAt"`
	UpdatedAt         time.Time    `bson:"updatedAt"`
}

func toNeedDoc(n *models.Need) needDoc {
	d := needDoc{ID: n.ID, CommunityCode: n.CommunityCode, Scopes: ancestors(n.CommunityCode), Title: n.Title,
		Description: n.Description, Domain: n.Domain, Tasks: nonNil(n.Tasks), TargetGroup: n.TargetGroup,
		Beneficiaries: n.Beneficiaries, Location: needPoint{n.Location.Lat, n.Location.Lng}, Address: n.Address,
		RadiusKm: n.RadiusKm, Headcount: n.Headcount, BackgroundCheck: n.BackgroundCheck, HighRiskOverride: n.HighRiskOverride,
		BudgetFen: n.BudgetFen, InsuranceProvided: n.InsuranceProvided, Status: string(n.Status), StatusSeq: n.StatusSeq,
		PostedBy: n.PostedBy, OrganisationID: n.OrganisationID, CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt,
		RequiredSkills: []needSkill{}}
	if n.Window != nil {
		d.Window = &windowDoc{n.Window.Start, n.Window.End}
	}
	if s := n.Schedule; s != nil {
		d.Schedule = &scheduleDoc{s.Weekdays, s.Start, s.End, s.From, s.Until}
	}
	for _, s := range n.RequiredSkills {
		d.RequiredSkills = append(d.RequiredSkills, needSkill{s.Code, s.Level})
	}
	d.Begins, d.Ends = n.Span()
	return d
}

func (d *needDoc) model() *models.Need {
	n := &models.Need{ID: d.ID, CommunityCode: d.CommunityCode, Title: d.Title, Description: d.Description, Domain: d.Domain,
		Tasks: d.Tasks, TargetGroup: d.TargetGroup, Beneficiaries: d.Beneficiaries, Location: models.Point{Lat: d.Location.Lat, Lng: d.Location.Lng},
		Address: d.Address, RadiusKm: d.RadiusKm, Headcount: d.Headcount, BackgroundCheck: d.BackgroundCheck,
		HighRiskOverride: d.HighRiskOverride, BudgetFen: d.BudgetFen, InsuranceProvided: d.InsuranceProvided,
		Status: models.NeedStatus(d.Status), StatusSeq: d.StatusSeq, PostedBy: d.PostedBy, OrganisationID: d.OrganisationID,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	if d.Window != nil {
		n.Window = &models.Window{Start: d.Window.Start, End: d.Window.End}
	}
	if s := d.Schedule; s != nil {
		n.Schedule = &models.WeeklySchedule{Weekdays: s.Weekdays, Start: s.Start, End: s.End, From: s.From, Until: s.Until}
	}
	for _, s := range d.RequiredSkills {
		n.RequiredSkills = append(n.RequiredSkills, models.SkillLevel{Code: s.Code, Level: s.Level})
	}
	return n
}

// CreateNeed inserts a need.
func (s *Needs) CreateNeed(ctx context.Context, n *models.Need) error {
	_, err := s.db.db.Collection(colNeeds).InsertOne(ctx, toNeedDoc(n))
	return translate(err, "insert need")
}

// Need finds a need by id.
func (s *Needs) Need(ctx context.Context, id string) (*models.Need, error) {
	var d needDoc
	if err := s.db.db.Collection(colNeeds).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, translate(err, "need")
	}
	return d.model(), nil
}

// UpdateNeed replaces the need document.
func (s *Needs) UpdateNeed(ctx context.Context, n *models.Need) error {
	res, err := s.db.db.Collection(colNeeds).ReplaceOne(ctx, bson.M{"_id": n.ID}, toNeedDoc(n))
	if err != nil {
		return translate(err, "update need")
	}
	if res.MatchedCount == 0 {
		return models.ErrNotFound.Wrap(nil)
	}
	return nil
}

func needFilter(f needs.NeedFilter) bson.M {
	m := bson.M{}
	if f.Community != "" {
		m["communityCode"] = f.Community
	}
	if f.Division != "" {
		m["scopes"] = f.Division
	}
	if f.Domain != "" {
		m["domain"] = f.Domain
	}
	var statuses []string
	for _, s := range f.Statuses {
		statuses = append(statuses, string(s))
	}
	switch {
	case len(statuses) > 0:
		m["status"] = bson.M{"$in": statuses}
	case f.Public:
		m["status"] = bson.M{"$ne": string(models.NeedDraft)}
	}
	if f.Public && len(statuses) > 0 {
		var pub []string
		for _, s := range statuses {
			if s != string(models.NeedDraft) {
				pub = append(pub, s)
			}
		}
		m["status"] = bson.M{"$in": nonNil(pub)}
	}
	if !f.From.IsZero() {
		m["ends"] = bson.M{"$gt": f.From}
	}
	if !f.To.IsZero() {
		m["begins"] = bson.M{"$lt": f.To}
	}
	return m
}

// ListNeeds lists needs in id order.
func (s *Needs) ListNeeds(ctx context.Context, f needs.NeedFilter, p service.Page) ([]*models.Need, string, error) {
	return pageModels(ctx, s.db.db.Collection(colNeeds), needFilter(f), p, func(d *needDoc) string { return d.ID }, (*needDoc).model)
}

// NeedsWithStatus returns needs in the given statuses inside division.
func (s *Needs) NeedsWithStatus(ctx context.Context, statuses []models.NeedStatus, division string, limit int) ([]*models.Need, error) {
	f := needFilter(needs.NeedFilter{Statuses: statuses, Division: division})
	cur, err := s.db.db.Collection(colNeeds).Find(ctx, f, options.Find().SetLimit(int64(limit)))
	if err != nil {
		return nil, translate(err, "needs")
	}
	var docs []needDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "needs")
	}
	out := make([]*models.Need, len(docs))
	for i := range docs {
		out[i] = docs[i].model()
	}
	return out, nil
}
