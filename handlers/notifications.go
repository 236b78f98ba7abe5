package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
)

// NotificationDTO is one message in the caller's inbox.
type NotificationDTO struct {
	ID        string            `json:"id"`
	Kind      string            `json:"kind"`
	Title     string            `json:"title" doc:"中文标题 zh-CN title"`
	TitleEn   string            `json:"titleEn"`
	Body      string            `json:"body"`
	BodyEn    string            `json:"bodyEn"`
	Link      string            `json:"link,omitempty" doc:"相关对象的 API 路径 API path of what it is about"`
	Data      map[string]string `json:"data,omitempty"`
	CreatedAt time.Time         `json:"createdAt"`
	ReadAt    *time.Time        `json:"readAt"`
}

func notificationDTO(n *models.Notification) NotificationDTO {
	return NotificationDTO{ID: n.ID, Kind: string(n.Kind), Title: n.TitleZh, TitleEn: n.TitleEn, Body: n.BodyZh, BodyEn: n.BodyEn,
		Link: n.Link, Data: n.Data, CreatedAt: n.CreatedAt, ReadAt: n.ReadAt}
}

type listNotificationsInput struct {
	Unread bool `query:"unread" doc:"仅未读 Unread only"`
	PageParams
}

type notificationsOutput struct {
	Body struct {
		Items  []NotificationDTO `json:"items"`
		Unread int               `json:"unread" doc:"未读条数 Unread count"`
		ListMeta
	}
}

type notificationIDInput struct {
	ID string `path:"id" maxLength:"300"`
}

func registerNotifications(api huma.API, svc *service.Service) {
	const tag = "notifications"
	huma.Register(api, op("list-my-notifications", http.MethodGet, "/v1/me/notifications", tag,
		"本人的通知（收件箱）The caller's inbox", true),
		func(ctx context.Context, in *listNotificationsInput) (*notificationsOutput, error) {
			list, next, unread, err := svc.MyNotifications(ctx, actorFrom(ctx), in.Unread, service.Page{Cursor: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, err
			}
			out := &notificationsOutput{}
			out.Body.Items = make([]NotificationDTO, len(list))
			for i, n := range list {
				out.Body.Items[i] = notificationDTO(n)
			}
			out.Body.Unread, out.Body.NextCursor = unread, next
			return out, nil
		})

	huma.Register(api, op("read-notification", http.MethodPost, "/v1/me/notifications/{id}/read", tag,
		"标记为已读 Mark a notification read", true, 404),
		func(ctx context.Context, in *notificationIDInput) (*struct{}, error) {
			return nil, svc.MarkNotificationRead(ctx, actorFrom(ctx), in.ID)
		})
}
