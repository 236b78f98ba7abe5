package needs

import (
	"context"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

// NeedStore keeps community needs.
type NeedStore interface {
	CreateNeed(ctx context.Context, n *models.Need) error
	// Need returns models.ErrNotFound when there is no such need.
	Need(ctx context.Context, id string) (*models.Need, error)
	UpdateNeed(ctx context.Context, n *models.Need) error
	ListNeeds(ctx context.Context, f NeedFilter, p Page) ([]*models.Need, string, error)
	// NeedsWithStatus returns every need in one of statuses (at most limit),
	// for in-memory work such as "needs near me" and counts.
	NeedsWithStatus(ctx context.Context, statuses []models.NeedStatus, division string, limit int) ([]*models.Need, error)
}

// NeedFilter narrows a list of needs; empty fields match all.
type NeedFilter struct {
	Community string
	Division  string
	Domain    string
	Statuses  []models.NeedStatus
	From, To  time.Time // the need's span overlaps [From, To)
	Public    bool      // hide drafts
}

// NeedInput is what a committee (or an organisation for it) sets on a need.
type NeedInput struct {
	CommunityCode, Title, Description, Domain, TargetGroup, Address string
	Tasks                                                           []string
	Beneficiaries, Headcount                                        int
	Location                                                        models.Point
	RadiusKm                                                        float64
	Window                                                          *models.Window
	Schedule                                                        *models.WeeklySchedule
	RequiredSkills                                                  []models.SkillLevel
	BackgroundCheck                                                 *bool // nil: the target group's default
	HighRisk, InsuranceProvided                                     bool
	BudgetFen                                                       int64
	OrganisationID                                                  string // posting for the committee
	Draft                                                           bool
}

func applyNeedInput(n *models.Need, in NeedInput) {
	n.CommunityCode = in.CommunityCode
	n.Title = strings.TrimSpace(in.Title)
	n.Description = strings.TrimSpace(in.Description)
	n.Domain = in.Domain
	n.Tasks = in.Tasks
	n.TargetGroup = in.TargetGroup
	n.Beneficiaries = in.Beneficiaries
	n.Location = in.Location
	n.Address = strings.TrimSpace(in.Address)
	n.RadiusKm = in.RadiusKm
	if n.RadiusKm == 0 {
		n.RadiusKm = 5
	}
	n.Window, n.Schedule = in.Window, in.Schedule
	n.RequiredSkills = in.RequiredSkills
	n.Headcount = in.Headcount
	n.BackgroundCheck = models.DefaultBackgroundCheck(in.TargetGroup)
	if in.BackgroundCheck != nil {
		n.BackgroundCheck = *in.BackgroundCheck
	}
	n.HighRiskOverride = in.HighRisk
	n.InsuranceProvided = in.InsuranceProvided
	n.BudgetFen = in.BudgetFen
}

// PostNeed posts a need. The community_admin of the community posts it
// (open, or a draft); an organisation's admin may post a draft for a
// community, which its committee then publishes.
func (s *Service) PostNeed(ctx context.Context, actor *Actor, in NeedInput) (*models.Need, error) {
	now := s.d.Now()
	n := &models.Need{ID: core.NewID(), PostedBy: actor.AccountID, CreatedAt: now, UpdatedAt: now, Status: models.NeedOpen}
	applyNeedInput(n, in)
	if err := n.Validate(now); err != nil {
		return nil, err
	}
	switch {
	case in.OrganisationID != "":
		if !actor.Administers(in.OrganisationID) {
			return nil, models.E(models.KindForbidden, "只能以本机构名义代发需求", "you may post only for your own organisation")
		}
		o, err := s.st.Organisations.Organisation(ctx, in.OrganisationID)
		if err != nil {
			return nil, err
		}
		if !o.Status.Operating() {
			return nil, models.E(models.KindForbidden, "机构未在正常运营", "the organisation is not active")
		}
		n.OrganisationID = in.OrganisationID
		n.Status = models.NeedDraft // the committee confirms by publishing it
	case actor.RunsCommittee(n.CommunityCode):
		if in.Draft {
			n.Status = models.NeedDraft
		}
	default:
		return nil, models.E(models.KindForbidden, "只能为本社区发布需求", "you may post needs only for your own community")
	}
	err := s.st.Needs.CreateNeed(ctx, n)
	s.needSaved(ctx, n, err)
	if err != nil {
		return nil, err
	}
	return n, nil
}

// MayManageNeed reports whether the actor manages the need: the committee of its community.
func (s *Service) MayManageNeed(actor *Actor, n *models.Need) bool {
	return policy.Allowed(actor, "update-need", policy.NeedObject(n))
}

// mayReadDraft: the committee, the organisation that drafted it, civil affairs.
func (s *Service) mayReadDraft(actor *Actor, n *models.Need) bool {
	return actor != nil && (actor.RunsCommittee(n.CommunityCode) || actor.Administers(n.OrganisationID) || actor.Governs(n.CommunityCode))
}

// Need returns a need. Published needs are public (they name no
// beneficiary); drafts only to those preparing them.
func (s *Service) Need(ctx context.Context, actor *Actor, id string) (*models.Need, error) {
	n, err := s.st.Needs.Need(ctx, id)
	if err != nil {
		return nil, err
	}
	if n.Status == models.NeedDraft && !s.mayReadDraft(actor, n) {
		return nil, core.ErrNotFound
	}
	return n, nil
}

// UpdateNeed edits a draft or open need; once volunteers hold places, its
// time, place, size and requirements are fixed (change them by cancelling
// and posting anew), the rest stays editable.
func (s *Service) UpdateNeed(ctx context.Context, actor *Actor, id string, in NeedInput) (n *models.Need, err error) {
	return s.editNeed(ctx, actor, id, core.Replace(in))
}

// editNeed is the one way a need is written after posting (PUT replaces
// it, PATCH edits it): under the need's lock, edit gets the need as it is
// and returns the new one, which the rules below check as a whole.
func (s *Service) editNeed(ctx context.Context, actor *Actor, id string, edit core.Edit[NeedInput]) (n *models.Need, err error) {
	err = s.d.WithLock(ctx, "need:"+id, func() error {
		n, err = s.st.Needs.Need(ctx, id)
		if err != nil {
			return err
		}
		if !s.MayManageNeed(actor, n) && !(n.Status == models.NeedDraft && actor.Administers(n.OrganisationID)) {
			if s.mayReadDraft(actor, n) || n.Status != models.NeedDraft {
				return core.ErrForbidden
			}
			return core.ErrNotFound
		}
		if !s.MayManageNeed(actor, n) {
			// The drafting organisation edits only while it operates: a
			// suspended or exited one loses its powers over its needs at once.
			o, err := s.st.Organisations.Organisation(ctx, n.OrganisationID)
			if err != nil {
				return err
			}
			if !o.Status.Operating() {
				return models.E(models.KindForbidden, "机构未在正常运营", "the organisation is not active")
			}
		}
		if !n.Status.Editable() {
			return models.E(models.KindConflict, "需求已进行或结束，不能修改", "the need can no longer be edited")
		}
		in, err := edit(needInputOf(n))
		if err != nil {
			return err
		}
		in.CommunityCode = n.CommunityCode // a need stays in its community
		assignments, err := s.st.Plans.Assignments(ctx, id)
		if err != nil {
			return err
		}
		old := *n
		applyNeedInput(n, in)
		if len(assignments) > 0 && !sameTerms(&old, n) {
			return models.E(models.KindConflict, "已有志愿者报名，时间、地点、人数和要求不能再改", "volunteers hold places: time, place, headcount and requirements are fixed")
		}
		n.UpdatedAt = s.d.Now()
		if err := n.Validate(s.d.Now()); err != nil {
			return err
		}
		return s.updateNeed(ctx, n)
	})
	return n, err
}

// sameTerms reports whether the terms volunteers signed up to are unchanged.
func sameTerms(a, b *models.Need) bool {
	same := a.Location == b.Location && a.RadiusKm == b.RadiusKm && a.Headcount == b.Headcount &&
		a.Domain == b.Domain && a.BackgroundCheck == b.BackgroundCheck && a.HighRiskOverride == b.HighRiskOverride &&
		len(a.RequiredSkills) == len(b.RequiredSkills)
	if !same {
		return false
	}
	for i := range a.RequiredSkills {
		if a.RequiredSkills[i] != b.RequiredSkills[i] {
			return false
		}
	}
	ao, bo := a.Occurrences(), b.Occurrences()
	if len(ao) != len(bo) {
		return false
	}
	for i := range ao {
		if ao[i].ID != bo[i].ID || !ao[i].Window.End.Equal(bo[i].Window.End) {
			return false
		}
	}
	return true
}

// manualStatuses are the need states a person may set; staffed follows the
// places, expired comes from the worker.
var manualStatuses = map[models.NeedStatus]bool{models.NeedOpen: true, models.NeedInProgress: true,
	models.NeedCompleted: true, models.NeedEvaluated: true, models.NeedCancelled: true}

// ChangeNeedStatus moves a need through its lifecycle: the committee makes
// every move; civil affairs of the division may cancel. Each move records
// who and when, decided by a unique insert.
func (s *Service) ChangeNeedStatus(ctx context.Context, actor *Actor, id string, c core.StatusChange) (n *models.Need, err error) {
	err = s.d.WithLock(ctx, "need:"+id, func() error {
		n, err = s.st.Needs.Need(ctx, id)
		if err != nil {
			return err
		}
		to := models.NeedStatus(c.To)
		// The committee moves its need; civil affairs only cancels it.
		ok := policy.AllowedAs(actor, "change-need-status", policy.NeedObject(n), policy.Committee) ||
			to == models.NeedCancelled && policy.AllowedAs(actor, "change-need-status", policy.NeedObject(n), policy.CivilAffairs)
		if !ok {
			if n.Status == models.NeedDraft && !s.mayReadDraft(actor, n) {
				return core.ErrNotFound
			}
			return core.ErrForbidden
		}
		if !models.NeedStatuses.Has(c.To) {
			return models.Invalid("to", "未知的需求状态", "unknown need status")
		}
		if !manualStatuses[to] {
			return models.Invalid("to", "“"+label(models.NeedStatuses, c.To)+"”由系统自动设置", c.To+" is set by the service itself")
		}
		if !n.Status.CanMove(to) {
			return models.Invalid("to", "不允许从“"+label(models.NeedStatuses, string(n.Status))+"”变为“"+label(models.NeedStatuses, c.To)+"”",
				"illegal status change "+string(n.Status)+" → "+c.To)
		}
		if to == models.NeedOpen && n.Status == models.NeedDraft {
			if err := n.Validate(s.d.Now()); err != nil {
				return err
			}
		}
		return s.moveNeed(ctx, n, to, actor.AccountID, c.Reason, c.Note)
	})
	return n, err
}

// moveNeed records and applies a status change; callers hold the need's lock.
func (s *Service) moveNeed(ctx context.Context, n *models.Need, to models.NeedStatus, by, reason, note string) error {
	now := s.d.Now()
	t := &models.Transition{Object: "need:" + n.ID, Seq: n.StatusSeq + 1, From: string(n.Status), To: string(to), By: by, At: now, Reason: reason, Note: note}
	if err := s.d.RecordTransition(ctx, t, func(last models.Transition) error {
		n.Status, n.StatusSeq, n.UpdatedAt = models.NeedStatus(last.To), last.Seq, now
		return s.updateNeed(ctx, n)
	}); err != nil {
		return err
	}
	n.Status, n.StatusSeq, n.UpdatedAt = to, t.Seq, now
	return s.updateNeed(ctx, n)
}

// updateNeed writes n and brings the published-needs snapshots up to date.
func (s *Service) updateNeed(ctx context.Context, n *models.Need) error {
	err := s.st.Needs.UpdateNeed(ctx, n)
	s.needSaved(ctx, n, err)
	return err
}

// NeedHistory lists a need's status changes (who and when).
func (s *Service) NeedHistory(ctx context.Context, actor *Actor, id string) ([]models.Transition, error) {
	if _, err := s.Need(ctx, actor, id); err != nil {
		return nil, err
	}
	return s.st.Transitions.Transitions(ctx, "need:"+id)
}

// ListNeeds lists needs; drafts only for their committee's own community.
func (s *Service) ListNeeds(ctx context.Context, actor *Actor, f NeedFilter, p Page) ([]*models.Need, string, error) {
	if f.Community != "" {
		if err := models.ValidateDivision("community", f.Community, models.LevelVillage); err != nil {
			return nil, "", err
		}
	}
	if f.Division != "" {
		if err := models.ValidateDivision("division", f.Division, ""); err != nil {
			return nil, "", err
		}
	}
	if f.Domain != "" && !models.Domains.Has(f.Domain) {
		return nil, "", models.Invalid("domain", "未知的领域代码", "unknown domain code")
	}
	for _, st := range f.Statuses {
		if !models.NeedStatuses.Has(string(st)) {
			return nil, "", models.Invalid("status", "未知的需求状态", "unknown need status")
		}
	}
	f.Public = !(actor != nil && f.Community != "" && (actor.RunsCommittee(f.Community) || actor.Governs(f.Community)))
	if !f.Public {
		return s.st.Needs.ListNeeds(ctx, f, p.Normalised()) // the committee's own list, drafts included, always current
	}
	sn, err := s.publishedNeeds(ctx)
	if err != nil {
		return nil, "", err
	}
	list, next := sn.page(f, p.Normalised())
	return list, next, nil
}

// NearbyNeed is an open need with its distance from a point.
type NearbyNeed struct {
	Need       *models.Need
	DistanceKm float64
}

// NeedsNear lists open needs around a point, nearest first: within radiusKm
// of the point and within each need's own recruiting radius. A volunteer
// who gives no point is searched from their home.
func (s *Service) NeedsNear(ctx context.Context, actor *Actor, at *models.Point, radiusKm float64, p Page) ([]NearbyNeed, string, error) {
	if at == nil {
		v, err := s.st.Volunteers.Volunteer(ctx, actor.AccountID)
		if err != nil && !core.IsKind(err, models.KindNotFound) {
			return nil, "", err // the store failed: not the caller's missing location
		}
		if err != nil || v.Home == nil {
			return nil, "", models.Invalid("lat", "请提供位置，或在志愿者资料中填写常住位置", "give a location, or set your home in your volunteer profile")
		}
		at = v.Home
		if radiusKm == 0 {
			radiusKm = v.MaxDistanceKm
		}
	}
	if err := models.ValidatePoint("query", *at); err != nil {
		return nil, "", err
	}
	if radiusKm <= 0 {
		radiusKm = 10
	}
	sn, err := s.publishedNeeds(ctx)
	if err != nil {
		return nil, "", err
	}
	var near []NearbyNeed
	for _, n := range sn.needs {
		if n.Status != models.NeedOpen {
			continue
		}
		d := models.DistanceKm(*at, n.Location)
		if d <= radiusKm && d <= n.RadiusKm {
			near = append(near, NearbyNeed{Need: n, DistanceKm: math.Round(d*100) / 100})
		}
	}
	sort.Slice(near, func(i, j int) bool {
		if near[i].DistanceKm != near[j].DistanceKm {
			return near[i].DistanceKm < near[j].DistanceKm
		}
		return near[i].Need.ID < near[j].Need.ID
	})
	return pageSlice(near, p.Normalised())
}

// DivisionCount is how many needs a child division has, by status.
type DivisionCount struct {
	Code     string
	Name     string
	Total    int
	ByStatus map[string]int
}

// NeedCounts counts published needs per child division of division (the
// city's counties by default), computed in Go from the needs themselves
// (FerretDB gets multi-accumulator aggregations wrong; DESIGN.md). The
// counts come from this replica's snapshot of the published needs: at most
// NeedCacheTTL old (see publishedNeeds). Callers must not change them.
func (s *Service) NeedCounts(ctx context.Context, division string) ([]DivisionCount, error) {
	if division == "" {
		division = models.CityCode
	}
	d, ok := models.LookupDivision(division)
	if !ok {
		return nil, models.Invalid("division", "未知的行政区划代码", "unknown division code")
	}
	if d.Level == models.LevelVillage {
		return nil, models.Invalid("division", "社区没有下级区划", "a community has no child divisions")
	}
	sn, err := s.publishedNeeds(ctx)
	if err != nil {
		return nil, err
	}
	if c, ok := sn.counts.Load(d.Code); ok {
		return c.([]DivisionCount), nil
	}
	out := countNeeds(d, sn.needs)
	sn.counts.Store(d.Code, out)
	return out, nil
}

// countNeeds counts needs per child division of d.
func countNeeds(d models.Division, needs []*models.Need) []DivisionCount {
	division := d.Code
	children := models.ChildDivisions(division)
	idx := map[string]int{}
	out := make([]DivisionCount, len(children))
	for i, c := range children {
		out[i] = DivisionCount{Code: c.Code, Name: c.Name, ByStatus: map[string]int{}}
		idx[c.Code] = i
	}
	childLen := map[models.DivisionLevel]int{models.LevelCity: 6, models.LevelCounty: 9, models.LevelTown: 12}[d.Level]
	for _, n := range needs {
		if len(n.CommunityCode) < childLen {
			continue
		}
		if i, ok := idx[n.CommunityCode[:childLen]]; ok {
			out[i].Total++
			out[i].ByStatus[string(n.Status)]++
		}
	}
	return out
}

// pageSlice pages an in-memory list; the cursor is the offset.
func pageSlice[T any](all []T, p Page) ([]T, string, error) {
	start := 0
	if p.Cursor != "" {
		n, err := parseOffset(p.Cursor)
		if err != nil {
			return nil, "", models.Invalid("cursor", "无效的游标", "invalid cursor")
		}
		start = n
	}
	if start > len(all) {
		start = len(all)
	}
	end := min(start+p.Limit, len(all))
	next := ""
	if end < len(all) {
		next = "o" + strconv.Itoa(end)
	}
	return all[start:end], next, nil
}

func parseOffset(c string) (int, error) {
	if !strings.HasPrefix(c, "o") {
		return 0, core.ErrNotFound
	}
	n := 0
	for _, r := range c[1:] {
		if r < '0' || r > '9' || n > 1e8 {
			return 0, core.ErrNotFound
		}
		n = n*10 + int(r-'0')
	}
	return n, nil
}
