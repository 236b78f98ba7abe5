package service

import (
	"context"
	"fmt"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/needs"
	"github.com/wushe/wushe/service/records"
)

// The scheduled work of the service. Every job takes the time it runs for
// (a controllable clock in tests), finds its work by scanning MongoDB (so
// a Redis loss loses none), and is idempotent: each effect is decided by a
// unique insert or a recorded transition, so a job run twice, or by two
// workers at once, has each effect once.

// JobResult summarises one run of a job.
type JobResult struct {
	Scanned  int // objects looked at
	Changed  int // objects changed
	Notified int // new notifications
}

func (r JobResult) String() string {
	return fmt.Sprintf("scanned=%d changed=%d notified=%d", r.Scanned, r.Changed, r.Notified)
}

// jobScanLimit bounds one run's batch; the next run takes the rest.
const jobScanLimit = 1000

// holders lists the ids of the accounts holding b.
func (s *Service) holders(ctx context.Context, b models.RoleBinding) ([]string, error) {
	as, err := s.st.Accounts.AccountsWithBinding(ctx, b)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(as))
	for _, a := range as {
		ids = append(ids, a.ID)
	}
	return ids, nil
}

// ExpireNeeds moves open needs whose last occurrence has ended, never
// staffed, to expired, and tells the committee.
func (s *Service) ExpireNeeds(ctx context.Context, now time.Time) (JobResult, error) {
	var r JobResult
	// Every open need is looked at: ids are random, so a capped scan from
	// the lowest id would never reach the rest.
	p := Page{Limit: MaxPageSize}
	for {
		open, next, err := s.st.Needs.ListNeeds(ctx, needs.NeedFilter{Statuses: []models.NeedStatus{models.NeedOpen}}, p)
		if err != nil {
			return r, err
		}
		for _, n := range open {
			r.Scanned++
			if _, end := n.Span(); end.IsZero() || end.After(now) {
				continue
			}
			moved, err := s.needs.ExpireNeed(ctx, n.ID)
			if err != nil {
				return r, err
			}
			if !moved {
				continue
			}
			r.Changed++
			ids, err := s.holders(ctx, models.RoleBinding{Role: models.RoleCommunityAdmin, CommunityCode: n.CommunityCode})
			if err != nil {
				return r, err
			}
			k, err := s.notifyAll(ctx, append(ids, n.PostedBy), func(id string) *models.Notification {
				return &models.Notification{Key: "need_expired:" + n.ID, AccountID: id, Kind: models.NoteNeedExpired,
					TitleZh: "需求已过期：" + n.Title, TitleEn: "Need expired: " + n.Title,
					BodyZh: "该需求的服务时间已过，仍未招满志愿者，已自动标记为过期。", BodyEn: "Its time has passed without being staffed; it is now expired.",
					Link: "/v1/needs/" + n.ID, CreatedAt: now}
			})
			r.Notified += k
			if err != nil {
				return r, err
			}
		}
		if next == "" {
			break
		}
		p.Cursor = next
	}
	return r, nil
}

// ExpireInvitations records the expiry of every pending invitation whose
// time is up (48 h, or 2 h before the start), tells the volunteer, and
// invites the next candidate for the place.
func (s *Service) ExpireInvitations(ctx context.Context, now time.Time) (JobResult, error) {
	var r JobResult
	due, err := s.st.Invitations.PendingInvitationsDue(ctx, now, jobScanLimit)
	if err != nil {
		return r, err
	}
	for _, inv := range due {
		r.Scanned++
		expired := false
		err := s.withLock(ctx, "invitation:"+inv.ID, func() error {
			cur, err := s.st.Invitations.Invitation(ctx, inv.ID)
			if err != nil || cur.Status != models.InvitationPending || now.Before(cur.ExpiresAt) {
				return err
			}
			cur.Status = models.InvitationExpired
			expired = true
			return s.st.Invitations.UpdateInvitation(ctx, cur)
		})
		if err != nil {
			return r, err
		}
		if expired {
			r.Changed++
		}
		// Notify and refill even when another run recorded the expiry and
		// died before this step: both are idempotent.
		fresh, err := s.notify(ctx, &models.Notification{Key: "invitation_expired:" + inv.ID, AccountID: inv.VolunteerID,
			Kind: models.NoteInvitationExpiry, TitleZh: "邀请已过期", TitleEn: "Invitation expired",
			BodyZh: "您未在期限内回复的服务邀请已失效。", BodyEn: "An invitation you did not answer in time has lapsed.",
			Link: "/v1/invitations/" + inv.ID, CreatedAt: now})
		if err != nil {
			return r, err
		}
		if fresh {
			r.Notified++
		}
		if _, err := s.matching.InviteNext(ctx, inv.NeedID, inv.OccurrenceID); err != nil {
			s.log.WarnContext(ctx, "re-inviting after an expiry failed", "need", inv.NeedID, "err", err)
		}
	}
	return r, nil
}

// noShowGrace is how long after an occurrence ends attendance may still be
// recorded before the place counts as a no-show.
const noShowGrace = 2 * time.Hour

// noShowLookback bounds how far back the job looks.
const noShowLookback = 7 * 24 * time.Hour

// MarkNoShows records a no-show for every place whose occurrence ended
// (more than the grace ago, within the last week) without attendance, and
// tells the volunteer.
func (s *Service) MarkNoShows(ctx context.Context, now time.Time) (JobResult, error) {
	var r JobResult
	var ended []*models.Assignment
	err := s.st.Plans.CommitmentsFrom(ctx, now.Add(-noShowLookback), func(a *models.Assignment) error {
		if a.Active() && !a.Window.End.After(now.Add(-noShowGrace)) {
			ended = append(ended, a)
		}
		return nil
	})
	if err != nil {
		return r, err
	}
	needs := s.needCache()
	for _, a := range ended {
		r.Scanned++
		if _, err := s.st.Hours.Attendance(ctx, a.ID); err == nil {
			continue
		} else if !core.IsKind(err, models.KindNotFound) {
			return r, err
		}
		// Hours the volunteer reported themselves count as presence.
		if _, err := s.st.Hours.HoursRecord(ctx, records.HoursRecordID(a.OccurrenceID, a.VolunteerID, 1)); err == nil {
			continue
		} else if !core.IsKind(err, models.KindNotFound) {
			return r, err
		}
		n, err := needs.get(ctx, a.NeedID)
		if err != nil {
			return r, err
		}
		if !n.Status.Worked() {
			continue // cancelled, expired or never published: nobody was expected
		}
		ns := &models.NoShow{AssignmentID: a.ID, NeedID: a.NeedID, OccurrenceID: a.OccurrenceID, VolunteerID: a.VolunteerID,
			CommunityCode: n.CommunityCode, Start: a.Window.Start, End: a.Window.End, MarkedAt: now}
		switch err := s.st.Notifications.InsertNoShow(ctx, ns); {
		case err == nil:
			r.Changed++
			s.matching.VolunteerChanged(ctx, a.VolunteerID) // reliability is derived: refresh the index
		case !core.IsKind(err, models.KindConflict):
			return r, err
		}
		fresh, err := s.notify(ctx, &models.Notification{Key: "no_show:" + a.ID, AccountID: a.VolunteerID, Kind: models.NoteNoShow,
			TitleZh: "缺席记录：" + n.Title, TitleEn: "Missed shift: " + n.Title,
			BodyZh: "您报名的服务没有签到记录，已记为缺席。如有误，请联系社区。", BodyEn: "There is no attendance for a shift you held; it counts as missed. Contact the committee if this is wrong.",
			Link: "/v1/needs/" + n.ID, CreatedAt: now})
		if err != nil {
			return r, err
		}
		if fresh {
			r.Notified++
		}
	}
	return r, nil
}

// RemindShifts reminds volunteers 24 hours and 1 hour before each shift
// they hold. A reminder is sent once per place and kind, whenever the job
// first runs inside its window.
func (s *Service) RemindShifts(ctx context.Context, now time.Time) (JobResult, error) {
	var r JobResult
	var soon []*models.Assignment
	err := s.st.Plans.CommitmentsFrom(ctx, now, func(a *models.Assignment) error {
		if a.Active() && a.Window.Start.After(now) && !a.Window.Start.After(now.Add(24*time.Hour)) {
			soon = append(soon, a)
		}
		return nil
	})
	if err != nil {
		return r, err
	}
	needs := s.needCache()
	for _, a := range soon {
		r.Scanned++
		n, err := needs.get(ctx, a.NeedID)
		if err != nil {
			return r, err
		}
		if !n.Status.Worked() {
			continue // no shift to remind of
		}
		kind, id, zh, en := models.NoteShift24h, "shift24:"+a.ID, "明天的志愿服务", "Your shift tomorrow"
		if !a.Window.Start.After(now.Add(time.Hour)) {
			kind, id, zh, en = models.NoteShift1h, "shift1:"+a.ID, "志愿服务 1 小时后开始", "Your shift starts within the hour"
		}
		start := a.Window.Start.In(models.Shanghai()).Format("01-02 15:04")
		fresh, err := s.notify(ctx, &models.Notification{Key: id, AccountID: a.VolunteerID, Kind: kind,
			TitleZh: zh + "：" + n.Title, TitleEn: en + ": " + n.Title,
			BodyZh: start + " 开始，地点：" + n.Address, BodyEn: "Starts " + start + " (Beijing time) at " + n.Address,
			Link: "/v1/needs/" + n.ID, Data: map[string]string{"thing1": n.Title, "time2": start, "thing3": n.Address}, CreatedAt: now})
		if err != nil {
			return r, err
		}
		if fresh {
			r.Notified++
		}
	}
	return r, nil
}

// hoursPendingAfter is how long hours may wait for verification before the
// committee is reminded.
const hoursPendingAfter = 3 * 24 * time.Hour

// RemindPendingHours reminds each committee with hours waiting for its
// verification for more than 3 days, once a day.
func (s *Service) RemindPendingHours(ctx context.Context, now time.Time) (JobResult, error) {
	var r JobResult
	waiting := map[string]int{} // community → records waiting too long
	p := Page{Limit: MaxPageSize}
	for r.Scanned < 20*jobScanLimit {
		recs, next, err := s.st.Hours.PendingHours(ctx, "", p)
		if err != nil {
			return r, err
		}
		for _, h := range recs {
			r.Scanned++
			if h.CreatedAt.Before(now.Add(-hoursPendingAfter)) {
				waiting[h.CommunityCode]++
			}
		}
		if next == "" {
			break
		}
		p.Cursor = next
	}
	day := now.In(models.Shanghai()).Format(time.DateOnly)
	for community, count := range waiting {
		ids, err := s.holders(ctx, models.RoleBinding{Role: models.RoleCommunityAdmin, CommunityCode: community})
		if err != nil {
			return r, err
		}
		k, err := s.notifyAll(ctx, ids, func(id string) *models.Notification {
			return &models.Notification{Key: "hours_pending:" + community + "#" + day, AccountID: id, Kind: models.NoteHoursPending,
				TitleZh: fmt.Sprintf("有 %d 条服务时长待核验超过 3 天", count), TitleEn: fmt.Sprintf("%d hours records have waited over 3 days", count),
				BodyZh: "谁记录谁证明：请尽快核验志愿者的服务时长。", BodyEn: "Please verify the volunteers' hours.",
				Link: "/v1/hours/pending?community=" + community, Data: map[string]string{"number1": fmt.Sprint(count)}, CreatedAt: now}
		})
		r.Notified += k
		if err != nil {
			return r, err
		}
	}
	return r, nil
}

// inactiveAfter is how long without activity an organisation is warned
// (the seed's 长期不开展业务活动 leads to exit).
const inactiveAfter = 180 * 24 * time.Hour

// needCache reads each need once per job run: a need's many places share it.
type needCache struct {
	s    *Service
	seen map[string]*models.Need
}

func (s *Service) needCache() *needCache { return &needCache{s: s, seen: map[string]*models.Need{}} }

func (c *needCache) get(ctx context.Context, id string) (*models.Need, error) {
	if n, ok := c.seen[id]; ok {
		return n, nil
	}
	n, err := c.s.st.Needs.Need(ctx, id)
	if err != nil {
		return nil, err
	}
	c.seen[id] = n
	return n, nil
}
