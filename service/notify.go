package service

import (
	"context"
	"log/slog"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// NotificationStore keeps every account's inbox and the no-show marks.
type NotificationStore interface {
	// InsertNotification inserts n once per (account, n.ID):
	// models.ErrConflict when the account was notified of it already.
	InsertNotification(ctx context.Context, n *models.Notification) error
	Notifications(ctx context.Context, accountID string, unreadOnly bool, p Page) ([]*models.Notification, string, error)
	// MarkRead marks one notification read; models.ErrNotFound when the
	// account has no such notification.
	MarkRead(ctx context.Context, accountID, id string, at time.Time) error
	UnreadCount(ctx context.Context, accountID string) (int, error)
	// InsertNoShow records a no-show once: models.ErrConflict when marked.
	InsertNoShow(ctx context.Context, n *models.NoShow) error
	NoShowsOfVolunteer(ctx context.Context, volunteerID string) ([]*models.NoShow, error)
}

// Channel carries a notification beyond the inbox: the log, SMS, WeChat
// subscription messages. Send is called once per notification, after the
// inbox insert that decided it is new.
type Channel interface {
	Name() string
	Send(ctx context.Context, to *models.Account, n *models.Notification) error
}

// LogChannel writes every notification to the log (the embedded default).
type LogChannel struct{ Log *slog.Logger }

// Name is "log".
func (c LogChannel) Name() string { return "log" }

// Send logs the notification's kind, account and title (never a phone).
func (c LogChannel) Send(ctx context.Context, to *models.Account, n *models.Notification) error {
	c.Log.InfoContext(ctx, "notification", "account", to.ID, "kind", n.Kind, "title", n.TitleZh, "link", n.Link)
	return nil
}

// notify puts n in the account's inbox and, when it is new, sends it on
// every channel. It reports whether it was new. A channel failure is logged
// and counted, never returned: the inbox holds the notification either way.
func (s *Service) notify(ctx context.Context, n *models.Notification) (bool, error) {
	if s.st.Notifications == nil {
		return false, nil // a service built without inboxes (some unit tests)
	}
	if n.CreatedAt.IsZero() {
		n.CreatedAt = s.now()
	}
	n.ID = models.NotificationID(n.Key)
	switch err := s.st.Notifications.InsertNotification(ctx, n); {
	case core.IsKind(err, models.KindConflict):
		return false, nil // notified before: a job ran twice, or two workers raced
	case err != nil:
		return false, err
	}
	if len(s.cfg.Channels) == 0 {
		return true, nil
	}
	acct, err := s.st.Accounts.AccountByID(ctx, n.AccountID)
	if err != nil {
		s.log.WarnContext(ctx, "notification: no account to send to", "account", n.AccountID, "err", err)
		return true, nil
	}
	for _, c := range s.cfg.Channels {
		if err := c.Send(ctx, acct, n); err != nil {
			s.log.WarnContext(ctx, "notification channel failed", "channel", c.Name(), "kind", n.Kind, "err", err)
			if s.cfg.OnChannelError != nil {
				s.cfg.OnChannelError(c.Name())
			}
		}
	}
	return true, nil
}

// notifyAll notifies each account once; it returns how many were new.
func (s *Service) notifyAll(ctx context.Context, accountIDs []string, make func(accountID string) *models.Notification) (int, error) {
	sent := 0
	seen := map[string]bool{}
	for _, id := range accountIDs {
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		fresh, err := s.notify(ctx, make(id))
		if err != nil {
			return sent, err
		}
		if fresh {
			sent++
		}
	}
	return sent, nil
}

// MyNotifications lists the caller's inbox.
func (s *Service) MyNotifications(ctx context.Context, actor *Actor, unreadOnly bool, p Page) ([]*models.Notification, string, int, error) {
	list, next, err := s.st.Notifications.Notifications(ctx, actor.AccountID, unreadOnly, p.Normalised())
	if err != nil {
		return nil, "", 0, err
	}
	unread, err := s.st.Notifications.UnreadCount(ctx, actor.AccountID)
	return list, next, unread, err
}

// MarkNotificationRead marks one of the caller's notifications read;
// anyone else's is not found.
func (s *Service) MarkNotificationRead(ctx context.Context, actor *Actor, id string) error {
	return s.st.Notifications.MarkRead(ctx, actor.AccountID, id, s.now())
}
