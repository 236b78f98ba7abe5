package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/core"
)

// ComplaintDTO is a complaint or report against an organisation.
type ComplaintDTO struct {
	ID             string          `json:"id"`
	OrganisationID string          `json:"organisationId"`
	DivisionCode   string          `json:"divisionCode"`
	Category       string          `json:"category" doc:"complaint_categories"`
	Content        string          `json:"content"`
	Status         string          `json:"status" doc:"complaint_statuses"`
	CreatedAt      time.Time       `json:"createdAt"`
	UpdatedAt      time.Time       `json:"updatedAt"`
	Trail          []TransitionDTO `json:"trail,omitempty"`
}

func complaintDTO(c *models.Complaint, trail []models.Transition) ComplaintDTO {
	d := ComplaintDTO{ID: c.ID, OrganisationID: c.OrganisationID, DivisionCode: c.DivisionCode, Category: c.Category,
		Content: c.Content, Status: string(c.Status), CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	if trail != nil {
		d.Trail = transitionDTOs(trail)
	}
	return d
}

type fileComplaintInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Category string `json:"category" maxLength:"64" doc:"complaint_categories"`
		Content  string `json:"content" minLength:"10" maxLength:"5000"`
	}
}

type complaintOutput struct{ Body ComplaintDTO }

type complaintIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

type listComplaintsInput struct {
	Division string `query:"division" pattern:"^[0-9]{4,12}$" doc:"缺省为本人管辖区划 Default: the caller's own division"`
	Status   string `query:"status" maxLength:"32"`
	PageParams
}

type handleComplaintInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		To   string `json:"to" enum:"investigating,upheld,dismissed"`
		Note string `json:"note" minLength:"1" maxLength:"2000"`
	}
}

func registerComplaints(api huma.API, svc *service.Service) {
	const tag = "complaints"
	huma.Register(api, created(op("file-complaint", http.MethodPost, "/v1/organisations/{id}/complaints", tag,
		"投诉举报机构 Complain about or report an organisation", true, 404, 422)),
		func(ctx context.Context, in *fileComplaintInput) (*complaintOutput, error) {
			c, err := svc.Parties().FileComplaint(ctx, actorFrom(ctx), in.ID, in.Body.Category, in.Body.Content)
			if err != nil {
				return nil, err
			}
			return &complaintOutput{Body: complaintDTO(c, nil)}, nil
		})
	huma.Register(api, op("list-complaints", http.MethodGet, "/v1/complaints", tag,
		"本辖区投诉（民政部门）Complaints of a division (civil affairs)", true, 403, 422),
		func(ctx context.Context, in *listComplaintsInput) (*listOutput[ComplaintDTO], error) {
			list, next, err := svc.Parties().ListComplaints(ctx, actorFrom(ctx), in.Division, in.Status, service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, func(c *models.Complaint) ComplaintDTO { return complaintDTO(c, nil) })
		})
	huma.Register(api, op("get-complaint", http.MethodGet, "/v1/complaints/{id}", tag,
		"一条投诉及处理记录（投诉人或民政）A complaint and its trail (complainant or civil affairs)", true, 404),
		func(ctx context.Context, in *complaintIDInput) (*complaintOutput, error) {
			c, trail, err := svc.Parties().Complaint(ctx, actorFrom(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return &complaintOutput{Body: complaintDTO(c, nonNil(trail))}, nil
		})
	huma.Register(api, op("handle-complaint", http.MethodPost, "/v1/complaints/{id}/transitions", tag,
		"处理投诉（民政部门）Handle a complaint (civil affairs)", true, 403, 404, 409, 422),
		func(ctx context.Context, in *handleComplaintInput) (*complaintOutput, error) {
			c, err := svc.Parties().HandleComplaint(ctx, actorFrom(ctx), in.ID, core.StatusChange{To: in.Body.To, Note: in.Body.Note})
			if err != nil {
				return nil, err
			}
			_, trail, err := svc.Parties().Complaint(ctx, actorFrom(ctx), c.ID)
			if err != nil {
				return nil, err
			}
			return &complaintOutput{Body: complaintDTO(c, nonNil(trail))}, nil
		})
}
