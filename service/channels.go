package service

import (
	"context"

	"github.com/wushe/wushe/models"
)

// TemplateTexter sends an approved SMS template with parameters
// (adapters/sms.Aliyun, LogSMS).
type TemplateTexter interface {
	SendTemplate(ctx context.Context, phone, template string, param map[string]string) error
}

// SMSNotices sends the notification kinds that have an approved SMS
// template to the account's phone, with the notification's data as the
// template's parameters. Kinds without a template stay in the inbox.
type SMSNotices struct {
	Texter    TemplateTexter
	Templates map[models.NotificationKind]string
}

// Name is "sms".
func (c SMSNotices) Name() string { return "sms" }

// Send texts one notification.
func (c SMSNotices) Send(ctx context.Context, to *models.Account, n *models.Notification) error {
	tpl := c.Templates[n.Kind]
	if tpl == "" || to.Phone == "" || c.Texter == nil {
		return nil
	}
	return c.Texter.SendTemplate(ctx, to.Phone, tpl, n.Data)
}
