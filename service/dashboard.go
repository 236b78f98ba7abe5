package service

import (
	"context"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/money"
	"github.com/wushe/wushe/service/needs"
	"github.com/wushe/wushe/service/parties"
	"github.com/wushe/wushe/service/policy"
	"github.com/wushe/wushe/service/records"
)

// dashboard.go: the civil-affairs dashboard (民政驾驶舱, issue 8): a daily
// snapshot of the city's figures against the 2025 targets, counted in Go
// from paged and streamed reads (FerretDB gets $group with more than one
// accumulator silently wrong, so nothing here aggregates in the database),
// and each division's view of the latest snapshot. The counting rules are
// in models/dashboard.go.

// DashboardStore keeps the daily snapshots, one per date (Asia/Shanghai).
type DashboardStore interface {
	// SaveSnapshot inserts the snapshot under its Date, replacing the one
	// taken earlier that day.
	SaveSnapshot(ctx context.Context, s *models.DashboardSnapshot) error
	// LatestSnapshot returns the snapshot of the latest date:
	// models.ErrNotFound when none was ever taken.
	LatestSnapshot(ctx context.Context) (*models.DashboardSnapshot, error)
}

// VerifiedHoursScanner streams every verified version of every hours
// record, in no particular order (the service-records store).
type VerifiedHoursScanner interface {
	EachVerifiedHours(ctx context.Context, fn func(*models.HoursRecord) error) error
}

// TrainingScanner streams every training record (the pathway store).
type TrainingScanner interface {
	EachTraining(ctx context.Context, fn func(*records.TrainingRecord) error) error
}

// MembershipScanner streams every social_worker membership of every
// organisation, as (organisation, account) (the organisation store).
type MembershipScanner interface {
	EachSocialWorkerMembership(ctx context.Context, fn func(orgID, accountID string) error) error
}

// dashboardPage is the page size of the snapshot's paged reads.
const dashboardPage = 500

// eachItem calls fn for every item of a paged list.
func eachItem[T any](list func(Page) ([]T, string, error), fn func(T)) error {
	p := Page{Limit: dashboardPage}
	for {
		items, next, err := list(p)
		if err != nil {
			return err
		}
		for _, it := range items {
			fn(it)
		}
		if next == "" {
			return nil
		}
		p.Cursor = next
	}
}

// TakeDashboardSnapshot counts the city's figures as of now and stores
// them under now's date (Asia/Shanghai); taking it again the same day
// replaces that day's snapshot. The worker calls it daily.
func (s *Service) TakeDashboardSnapshot(ctx context.Context, now time.Time) (*models.DashboardSnapshot, error) {
	snap, err := s.takeSnapshot(ctx, now)
	if err != nil {
		return nil, err
	}
	s.dash.stored(snap)
	return snap, nil
}

// takeSnapshot counts and stores a snapshot (TakeDashboardSnapshot without
// the cache, for the cache's own first load).
func (s *Service) takeSnapshot(ctx context.Context, now time.Time) (*models.DashboardSnapshot, error) {
	if s.st.Dashboard == nil {
		return nil, models.Internal("dashboard: no snapshot store")
	}
	hours, training, memberships := s.st.ServiceRecords, s.st.Pathway, s.st.Organisations
	b := models.NewDashboardBuilder(now)

	// Evaluations before the organisations: the demonstration figure
	// judges each agency's latest one (dashboard_recognition.go).
	if err := s.feedRecognition(ctx, b, true); err != nil {
		return nil, err
	}
	// Organisations first: the rest finds its district through them.
	if err := eachItem(func(p Page) ([]*models.Organisation, string, error) {
		return s.st.Organisations.ListOrganisations(ctx, parties.OrganisationFilter{}, p)
	}, b.AddOrganisation); err != nil {
		return nil, err
	}
	workers := map[string]*models.SocialWorker{}
	if err := eachItem(func(p Page) ([]*models.SocialWorker, string, error) {
		return s.st.SocialWorkers.ListSocialWorkers(ctx, parties.SocialWorkerFilter{}, p)
	}, func(w *models.SocialWorker) {
		workers[w.AccountID] = w
		b.AddSocialWorker(w)
	}); err != nil {
		return nil, err
	}
	if err := eachItem(func(p Page) ([]*models.Station, string, error) {
		return s.st.Stations.ListStations(ctx, "", p)
	}, b.AddStation); err != nil {
		return nil, err
	}
	if err := eachItem(func(p Page) ([]*models.Need, string, error) {
		return s.st.Needs.ListNeeds(ctx, needs.NeedFilter{}, p)
	}, b.AddNeed); err != nil {
		return nil, err
	}
	if err := hours.EachVerifiedHours(ctx, func(r *models.HoursRecord) error { b.AddHoursRecord(r); return nil }); err != nil {
		return nil, err
	}
	// Funds and applications before grants: a grant's domain comes from them.
	if err := eachItem(func(p Page) ([]*models.Fund, string, error) {
		return s.st.Funds.ListFunds(ctx, money.FundFilter{}, p)
	}, b.AddFund); err != nil {
		return nil, err
	}
	if err := eachItem(func(p Page) ([]*models.Application, string, error) {
		return s.st.Applications.Applications(ctx, core.ApplicationFilter{ExcludeDrafts: true}, p)
	}, b.AddApplication); err != nil {
		return nil, err
	}
	if err := eachItem(func(p Page) ([]*models.Grant, string, error) {
		return s.st.Applications.Grants(ctx, core.GrantFilter{}, p)
	}, b.AddGrant); err != nil {
		return nil, err
	}
	if err := s.countCE(ctx, b, workers, memberships, training); err != nil {
		return nil, err
	}
	prices, err := s.st.Applications.PriceTables(ctx, "")
	if err != nil {
		return nil, err
	}
	for _, t := range prices {
		b.AddPriceTable(t)
	}
	if err := s.feedRecognition(ctx, b, false); err != nil {
		return nil, err
	}
	if err := s.countPosts(ctx, b, workers); err != nil {
		return nil, err
	}

	snap := b.Snapshot()
	if err := s.st.Dashboard.SaveSnapshot(ctx, snap); err != nil {
		return nil, err
	}
	return snap, nil
}

// countCE judges continuing education with the rule of the compliance
// reports (records.CECompliant over records.CEReport) for every
// social-worker member of every organisation, for the snapshot's year.
func (s *Service) countCE(ctx context.Context, b *models.DashboardBuilder, workers map[string]*models.SocialWorker,
	memberships MembershipScanner, training TrainingScanner) error {
	type membership struct{ org, account string }
	var members []membership
	people := map[string][]*records.TrainingRecord{}
	if err := memberships.EachSocialWorkerMembership(ctx, func(org, account string) error {
		members = append(members, membership{org, account})
		if _, ok := people[account]; !ok {
			people[account] = nil
		}
		return nil
	}); err != nil {
		return err
	}
	if len(members) == 0 {
		return nil
	}
	if err := training.EachTraining(ctx, func(r *records.TrainingRecord) error {
		if recs, ok := people[r.AccountID]; ok {
			people[r.AccountID] = append(recs, r)
		}
		return nil
	}); err != nil {
		return err
	}
	judged := map[string]bool{}
	for _, m := range members {
		ok, done := judged[m.account]
		if !done {
			ok = records.CECompliant(records.CEReport(workers[m.account], people[m.account], b.CEYear()))
			judged[m.account] = ok
		}
		b.AddCEMember(m.org, m.account, ok)
	}
	return nil
}

// Dashboard is the latest snapshot as seen by civil affairs of division
// (the city 4101 or a county-level division; default the caller's own):
// one row per district of the scope, the scope's total with progress
// against the 2025 targets, the series by month and domain, map data, and
// the non-compliant elder-care facilities and flagged purchased projects.
// Nothing in it names a person. When no snapshot was ever taken, one is
// taken and stored first.
func (s *Service) Dashboard(ctx context.Context, actor *Actor, division string) (*models.DashboardView, error) {
	division, err := dashboardScope(actor, division)
	if err != nil {
		return nil, err
	}
	if s.st.Dashboard == nil {
		return nil, models.Internal("dashboard: no snapshot store")
	}
	v, err := s.dash.view(ctx, division, func(ctx context.Context) (*models.DashboardSnapshot, error) {
		snap, err := s.st.Dashboard.LatestSnapshot(ctx)
		if core.IsKind(err, models.KindNotFound) {
			// The first read ever: two replicas doing this at once both store
			// the same day's snapshot, the later one replacing the earlier.
			return s.takeSnapshot(ctx, s.now())
		}
		return snap, err
	})
	if err != nil {
		return nil, err
	}
	today, err := s.hoursSince(ctx, division, v.TakenAt)
	if err != nil {
		return nil, err
	}
	out := *v // the cached view is shared: the live figure goes on a copy
	out.Today = today
	return &out, nil
}

// hoursSince is the hours verified in division after the snapshot taken
// at since, read live (models.TodayCounter): one read of the versions
// verified since (an index on verifiedAt), and a second only when some of
// them are revisions, for what the snapshot counted of those.
func (s *Service) hoursSince(ctx context.Context, division string, since time.Time) (models.DashboardToday, error) {
	c := models.NewTodayCounter(division, since)
	recent, err := s.st.ServiceRecords.VerifiedHours(ctx, records.VerifiedHoursFilter{VerifiedSince: since})
	if err != nil {
		return models.DashboardToday{}, err
	}
	for _, r := range recent {
		c.Add(r)
	}
	if revised := c.Revised(); len(revised) > 0 {
		earlier, err := s.st.ServiceRecords.VerifiedHours(ctx, records.VerifiedHoursFilter{OccurrenceIDs: revised})
		if err != nil {
			return models.DashboardToday{}, err
		}
		for _, r := range earlier {
			c.AddEarlier(r)
		}
	}
	return c.Figure(), nil
}

// WarmDashboard reads the latest snapshot into the cache when a replica
// starts, so that the first clerk to open the dashboard does not wait for
// its read and decode (about 0.5–1.5 s on the demo city). No snapshot yet:
// nothing is taken here (the first read or the nightly job does that); a
// failure is only logged, the first read tries again.
func (s *Service) WarmDashboard(ctx context.Context) {
	if s.st.Dashboard == nil {
		return
	}
	if _, err := s.dash.view(ctx, models.CityCode, func(ctx context.Context) (*models.DashboardSnapshot, error) {
		return s.st.Dashboard.LatestSnapshot(ctx)
	}); err != nil && !core.IsKind(err, models.KindNotFound) {
		s.log.Warn("dashboard warm-up", "err", err)
	}
}

// dashboardScope is the division actor reads the dashboard of (default:
// their own), once the policy allows it.
func dashboardScope(actor *Actor, division string) (string, error) {
	if actor == nil {
		return "", models.ErrUnauthorized
	}
	bindings := actor.Bindings(models.RoleCivilAffairs)
	if len(bindings) == 0 {
		return "", core.ErrForbidden
	}
	if division == "" {
		division = bindings[0].DivisionCode
	}
	if err := models.ValidateDashboardDivision("division", division); err != nil {
		return "", err
	}
	if err := policy.Authorize(actor, "dashboard", policy.InDivision(division)); err != nil {
		return "", err
	}
	return division, nil
}

// RefreshDashboard takes a snapshot now, for civil affairs who need today's
// figures before the nightly job (at most once a minute per account), and
// shows it for division.
func (s *Service) RefreshDashboard(ctx context.Context, actor *Actor, division string) (*models.DashboardView, error) {
	if _, err := dashboardScope(actor, division); err != nil { // who may read the view may refresh it
		return nil, err
	}
	if err := s.limit(ctx, "dashboard:refresh:"+actor.AccountID, 1, time.Minute); err != nil {
		return nil, err
	}
	if _, err := s.TakeDashboardSnapshot(ctx, s.now()); err != nil {
		return nil, err
	}
	return s.Dashboard(ctx, actor, division)
}
