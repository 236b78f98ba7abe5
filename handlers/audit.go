package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
)

// AuditEntryDTO is one privileged action or personal-data read.
type AuditEntryDTO struct {
	ID           string    `json:"id"`
	At           time.Time `json:"at"`
	ActorID      string    `json:"actorId"`
	Action       string    `json:"action"`
	Object       string    `json:"object"`
	DivisionCode string    `json:"divisionCode,omitempty"`
	Reason       string    `json:"reason,omitempty"`
}

type auditInput struct {
	Division string `query:"division" pattern:"^[0-9]{4,12}$"`
	PageParams
}

func registerAudit(api huma.API, svc *service.Service) {
	huma.Register(api, op("audit-log", http.MethodGet, "/v1/audit", "audit",
		"审计日志（民政部门，本辖区）Audit log of a division (civil affairs)", true, 403, 422),
		func(ctx context.Context, in *auditInput) (*listOutput[AuditEntryDTO], error) {
			list, next, err := svc.AuditLog(ctx, actorFrom(ctx), in.Division, service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, func(e *models.AuditEntry) AuditEntryDTO {
				return AuditEntryDTO{ID: e.ID, At: e.At, ActorID: e.ActorID, Action: e.Action, Object: e.Object,
					DivisionCode: e.DivisionCode, Reason: e.Reason}
			})
		})
}
