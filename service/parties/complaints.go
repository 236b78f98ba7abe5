package parties

import (
	"context"
	"strings"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

// ComplaintStore keeps complaints and reports against organisations.
type ComplaintStore interface {
	CreateComplaint(ctx context.Context, c *models.Complaint) error
	// Complaint returns models.ErrNotFound when there is no such complaint.
	Complaint(ctx context.Context, id string) (*models.Complaint, error)
	UpdateComplaint(ctx context.Context, c *models.Complaint) error
	// ListComplaints lists complaints whose organisation is registered inside division.
	ListComplaints(ctx context.Context, division, status string, p Page) ([]*models.Complaint, string, error)
	// ComplaintsFiledBy lists the complaints an account filed.
	ComplaintsFiledBy(ctx context.Context, accountID string, p Page) ([]*models.Complaint, string, error)
}

// FileComplaint lets any account complain about, or report, an organisation.
func (s *Service) FileComplaint(ctx context.Context, actor *Actor, orgID, category, content string) (*models.Complaint, error) {
	o, err := s.st.Organisations.Organisation(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var p models.Problems
	if !models.ComplaintCategories.Has(category) {
		p.Add("category", "未知的投诉类别", "unknown complaint category")
	}
	if n := len([]rune(strings.TrimSpace(content))); n < 10 || n > 5000 {
		p.Add("content", "投诉内容须为 10–5000 字", "content must be 10–5000 characters")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	now := s.d.Now()
	c := &models.Complaint{ID: core.NewID(), OrganisationID: orgID, DivisionCode: o.DivisionCode, FiledBy: actor.AccountID,
		Category: category, Content: strings.TrimSpace(content), Status: models.ComplaintReceived, CreatedAt: now, UpdatedAt: now}
	if err := s.st.Complaints.CreateComplaint(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// Complaint shows a complaint to the person who filed it and to civil
// affairs of the organisation's division; to nobody else (not even the
// organisation: a complainant must be safe from retaliation).
func (s *Service) Complaint(ctx context.Context, actor *Actor, id string) (*models.Complaint, []models.Transition, error) {
	c, err := s.st.Complaints.Complaint(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if !policy.Allowed(actor, "get-complaint", policy.Object{Division: c.DivisionCode, Parties: []string{c.FiledBy}}) {
		return nil, nil, core.ErrNotFound
	}
	trail, err := s.st.Transitions.Transitions(ctx, "complaint:"+id)
	if err != nil {
		return nil, nil, err
	}
	return c, trail, nil
}

// ListComplaints lists the complaints of a division for its civil affairs.
func (s *Service) ListComplaints(ctx context.Context, actor *Actor, division, status string, p Page) ([]*models.Complaint, string, error) {
	if division == "" {
		if b := actor.Bindings(models.RoleCivilAffairs); len(b) > 0 {
			division = b[0].DivisionCode
		}
	}
	if err := policy.Authorize(actor, "list-complaints", policy.InDivision(division)); err != nil {
		return nil, "", err
	}
	if status != "" && !models.ComplaintStatuses.Has(status) {
		return nil, "", models.Invalid("status", "未知的投诉状态", "unknown complaint status")
	}
	return s.st.Complaints.ListComplaints(ctx, division, status, p.Normalised())
}

// HandleComplaint moves a complaint along received → investigating →
// upheld/dismissed with a note; each step is kept in its trail.
func (s *Service) HandleComplaint(ctx context.Context, actor *Actor, id string, c core.StatusChange) (*models.Complaint, error) {
	return core.Locked(s.d.Shared, ctx, "complaint:"+id, func() (*models.Complaint, error) { return s.handleComplaint(ctx, actor, id, c) })
}

func (s *Service) handleComplaint(ctx context.Context, actor *Actor, id string, c core.StatusChange) (*models.Complaint, error) {
	cp, err := s.st.Complaints.Complaint(ctx, id)
	if err != nil {
		return nil, err
	}
	if !policy.Allowed(actor, "handle-complaint", policy.InDivision(cp.DivisionCode)) {
		if cp.FiledBy == actor.AccountID {
			return nil, core.ErrForbidden
		}
		return nil, core.ErrNotFound
	}
	to := models.ComplaintStatus(c.To)
	if !models.ComplaintStatuses.Has(c.To) {
		return nil, models.Invalid("to", "未知的投诉状态", "unknown complaint status")
	}
	if !cp.Status.CanMove(to) {
		return nil, models.Invalid("to", "不允许从“"+label(models.ComplaintStatuses, string(cp.Status))+"”变为“"+label(models.ComplaintStatuses, c.To)+"”",
			"illegal status change "+string(cp.Status)+" → "+c.To)
	}
	if n := len([]rune(strings.TrimSpace(c.Note))); n == 0 || n > 2000 {
		return nil, models.Invalid("note", "处理意见须为 1–2000 字", "a note of 1–2000 characters is required")
	}
	now := s.d.Now()
	t := &models.Transition{Object: "complaint:" + id, Seq: cp.StatusSeq + 1, From: string(cp.Status), To: c.To, By: actor.AccountID, At: now, Note: c.Note}
	if err := s.d.RecordTransition(ctx, t, func(last models.Transition) error {
		cp.Status, cp.StatusSeq, cp.UpdatedAt = models.ComplaintStatus(last.To), last.Seq, now
		return s.st.Complaints.UpdateComplaint(ctx, cp)
	}); err != nil {
		return nil, err
	}
	cp.Status, cp.StatusSeq, cp.UpdatedAt = to, t.Seq, now
	if err := s.st.Complaints.UpdateComplaint(ctx, cp); err != nil {
		return nil, err
	}
	return cp, nil
}
