package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/money"
	"github.com/wushe/wushe/service/parties"
)

// The worker's oversight jobs: organisations gone quiet, funds whose ledger
// does not reconcile, social workers behind on continuing education.

// WarnInactiveOrganisations warns the admins of every operating
// organisation with no activity (its record, its applications) for 180
// days, once per inactive spell, and tells civil affairs through the audit log.
func (s *Service) WarnInactiveOrganisations(ctx context.Context, now time.Time) (JobResult, error) {
	var r JobResult
	p := Page{Limit: MaxPageSize}
	for r.Scanned < 20*jobScanLimit {
		orgs, next, err := s.st.Organisations.ListOrganisations(ctx, parties.OrganisationFilter{}, p)
		if err != nil {
			return r, err
		}
		for _, o := range orgs {
			r.Scanned++
			if !o.Status.Operating() {
				continue
			}
			last, err := s.lastActivity(ctx, o)
			if err != nil {
				return r, err
			}
			if now.Sub(last) < inactiveAfter {
				continue
			}
			ids, err := s.holders(ctx, models.RoleBinding{Role: models.RoleOrgAdmin, OrganisationID: o.ID})
			if err != nil {
				return r, err
			}
			more, err := s.holders(ctx, models.RoleBinding{Role: models.RoleCharityAdmin, OrganisationID: o.ID})
			if err != nil {
				return r, err
			}
			// Civil affairs of the registration division (the county, else the city) acts on long inactivity.
			county := o.DivisionCode
			if len(county) > 6 {
				county = county[:6]
			}
			officials, err := s.holders(ctx, models.RoleBinding{Role: models.RoleCivilAffairs, DivisionCode: county})
			if err != nil {
				return r, err
			}
			more = append(more, officials...)
			spell := last.In(models.Shanghai()).Format(time.DateOnly)
			k, err := s.notifyAll(ctx, append(ids, more...), func(id string) *models.Notification {
				return &models.Notification{Key: "org_inactive:" + o.ID + "#" + spell, AccountID: id, Kind: models.NoteOrgInactive,
					TitleZh: "机构已 180 天未开展业务活动", TitleEn: "No activity for 180 days",
					BodyZh: o.Name + " 自 " + spell + " 起未开展业务活动。长期不开展业务活动的机构将被警示直至退出。",
					BodyEn: o.Name + " has had no activity since " + spell + "; long inactivity leads to warnings and exit.",
					Link:   "/v1/organisations/" + o.ID, CreatedAt: now}
			})
			r.Notified += k
			if err != nil {
				return r, err
			}
			if k > 0 { // once per spell: the notifications' keys name it
				r.Changed++
				_ = s.audit(ctx, systemActor, "organisation.inactive_warning", "organisation:"+o.ID, o.DivisionCode, "since "+spell)
			}
		}
		if next == "" {
			break
		}
		p.Cursor = next
	}
	return r, nil
}

// lastActivity is the latest change of the organisation or of any of its applications.
func (s *Service) lastActivity(ctx context.Context, o *models.Organisation) (time.Time, error) {
	last := o.UpdatedAt
	if o.CreatedAt.After(last) {
		last = o.CreatedAt
	}
	p := Page{Limit: MaxPageSize}
	for {
		apps, next, err := s.st.Applications.Applications(ctx, core.ApplicationFilter{OrganisationID: o.ID}, p)
		if err != nil {
			return last, err
		}
		for _, a := range apps {
			if a.UpdatedAt.After(last) {
				last = a.UpdatedAt
			}
		}
		if next == "" {
			return last, nil
		}
		p.Cursor = next
	}
}

// ReconcileFunds replays every fund's ledger; a fund that does not
// reconcile is logged as an error and its managers are told.
func (s *Service) ReconcileFunds(ctx context.Context, now time.Time) (JobResult, error) {
	var r JobResult
	var failed []error
	p := Page{Limit: MaxPageSize}
	for {
		funds, next, err := s.st.Funds.ListFunds(ctx, money.FundFilter{}, p)
		if err != nil {
			return r, err
		}
		for _, f := range funds {
			r.Scanned++
			rec, err := s.money.ReconcileLedger(ctx, f)
			if err != nil {
				// One unreadable ledger must not stop the night's check of the others.
				s.log.ErrorContext(ctx, "reconciling a fund failed", "fund", f.ID, "err", err)
				failed = append(failed, err)
				continue
			}
			if rec.OK {
				continue
			}
			r.Changed++
			var ids []string
			if f.Government() {
				ids, err = s.holders(ctx, models.RoleBinding{Role: models.RoleCivilAffairs, DivisionCode: f.DivisionCode})
			} else {
				ids, err = s.holders(ctx, models.RoleBinding{Role: models.RoleCharityAdmin, OrganisationID: f.OwnerOrgID})
			}
			if err != nil {
				return r, err
			}
			k, err := s.notifyAll(ctx, ids, func(id string) *models.Notification {
				return &models.Notification{Key: fmt.Sprintf("ledger:%s#%d", f.ID, rec.HeadSeq), AccountID: id, Kind: models.NoteLedger,
					TitleZh: "资金账本对账异常：" + f.Name, TitleEn: "Fund ledger does not reconcile: " + f.Name,
					BodyZh: strings.Join(rec.Problems, "；"), BodyEn: strings.Join(rec.Problems, "; "),
					Link: "/v1/funds/" + f.ID + "/reconciliation", CreatedAt: now}
			})
			r.Notified += k
			if err != nil {
				return r, err
			}
		}
		if next == "" {
			return r, errors.Join(failed...)
		}
		p.Cursor = next
	}
}

// ceQuarterStart is when the last quarter of the year begins (October).
const ceQuarterStart = time.October

// RemindContinuingEducation reminds, in the last quarter of the year,
// every social worker whose continuing education is short of the yearly
// requirement, once per year and person.
func (s *Service) RemindContinuingEducation(ctx context.Context, now time.Time) (JobResult, error) {
	var r JobResult
	local := now.In(models.Shanghai())
	if local.Month() < ceQuarterStart {
		return r, nil
	}
	year := local.Year()
	p := Page{Limit: MaxPageSize}
	for {
		orgs, next, err := s.st.Organisations.ListOrganisations(ctx, parties.OrganisationFilter{}, p)
		if err != nil {
			return r, err
		}
		for _, o := range orgs {
			people, err := s.records.OrganisationCE(ctx, o.ID, year)
			if err != nil {
				return r, err
			}
			for _, c := range people {
				r.Scanned++
				local := c.Report.Local
				if local == nil || local.Hours >= local.Required {
					continue
				}
				fresh, err := s.notify(ctx, &models.Notification{Key: fmt.Sprintf("ce_due:%d", year), AccountID: c.AccountID, Kind: models.NoteCEDue,
					TitleZh: fmt.Sprintf("%d 年继续教育学时不足", year), TitleEn: fmt.Sprintf("Continuing education short for %d", year),
					BodyZh: fmt.Sprintf("已完成 %.1f 学时，年度要求 %.0f 学时，请在年底前补足。", local.Hours, local.Required),
					BodyEn: fmt.Sprintf("%.1f of %.0f hours done; complete them before the year ends.", local.Hours, local.Required),
					Link:   "/v1/me/pathway", CreatedAt: now})
				if err != nil {
					return r, err
				}
				if fresh {
					r.Notified++
				}
			}
		}
		if next == "" {
			return r, nil
		}
		p.Cursor = next
	}
}

// systemActor is the service acting on its own (jobs).
var systemActor = &Actor{AccountID: "system"}
