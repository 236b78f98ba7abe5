package posts

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

// PostInput is what the employer sets on a post.
type PostInput struct {
	Title, Duties, Requirements, Domain string
	Level                               models.CertificateLevel
	Grade                               int
	MonthlyPayFen                       int64
	SocialInsurance, HousingFund        bool
}

// PostView is a post with its current holding, its pay against the
// division's guide and, for a community platform, whether its holder gets
// the certified community worker's allowance.
type PostView struct {
	*models.Post
	Pay               models.PayCheck
	AllowanceEligible bool
}

// postObject is a post as the policy sees it: its division and the
// organisation of its unit; person is the holder acted on, if any.
func postObject(p *models.Post, person string) policy.Object {
	o := policy.InDivision(p.DivisionCode)
	if p.OrganisationID != "" {
		o.Orgs = []string{p.OrganisationID}
	}
	o.Person = person
	return o
}

func applyPost(p *models.Post, in PostInput) error {
	p.Title, p.Duties, p.Requirements = strings.TrimSpace(in.Title), strings.TrimSpace(in.Duties), strings.TrimSpace(in.Requirements)
	p.Domain, p.Level, p.Grade = in.Domain, in.Level, in.Grade
	p.MonthlyPayFen, p.SocialInsurance, p.HousingFund = in.MonthlyPayFen, in.SocialInsurance, in.HousingFund
	return p.Validate()
}

// CreatePost adds a post to a unit: civil affairs of the unit's division,
// or an admin of the unit's linked organisation.
func (s *Service) CreatePost(ctx context.Context, actor *Actor, unitID string, in PostInput) (*PostView, error) {
	u, err := s.st.Posts.Unit(ctx, unitID)
	if err != nil {
		return nil, err
	}
	if err := policy.Authorize(actor, "create-post", unitObject(u)); err != nil {
		return nil, err
	}
	now := s.d.Now()
	p := &models.Post{ID: core.NewID(), UnitID: u.ID, UnitKind: u.Kind, DivisionCode: u.DivisionCode, OrganisationID: u.OrganisationID,
		CreatedAt: now, UpdatedAt: now, CreatedBy: actor.AccountID}
	if err := applyPost(p, in); err != nil {
		return nil, err
	}
	if err := s.st.Posts.CreatePost(ctx, p); err != nil {
		return nil, err
	}
	_ = s.d.Audit(ctx, actor, "post.create", "post:"+p.ID, p.DivisionCode, p.Title)
	return s.view(ctx, p)
}

// UpdatePost replaces a post's details (not its holder, nor its unit):
// as create-post. A post with a holder keeps a level its holder meets.
func (s *Service) UpdatePost(ctx context.Context, actor *Actor, id string, in PostInput) (*PostView, error) {
	return core.Locked(s.d.Shared, ctx, "post:"+id, func() (*PostView, error) {
		p, err := s.post(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := policy.Authorize(actor, "update-post", postObject(p, "")); err != nil {
			return nil, err
		}
		if err := applyPost(p, in); err != nil {
			return nil, err
		}
		if h := p.Holder; h.Active() && !h.Level.AtLeast(p.Level) {
			return nil, models.Invalid("level", "岗位在任者的证书低于新的证书等级；请先空出岗位", "the holder's certificate is below the new level; vacate the post first")
		}
		p.UpdatedAt = s.d.Now()
		if err := s.st.Posts.UpdatePost(ctx, p); err != nil {
			return nil, err
		}
		_ = s.d.Audit(ctx, actor, "post.update", "post:"+p.ID, p.DivisionCode, p.Title)
		return s.view(ctx, p)
	})
}

// post reads a post and its current holding.
func (s *Service) post(ctx context.Context, id string) (*models.Post, error) {
	p, err := s.st.Posts.Post(ctx, id)
	if err != nil {
		return nil, err
	}
	hs, err := s.st.Posts.Holdings(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	p.Holder = current(hs[id])
	return p, nil
}

// current is the last holding when it has not ended.
func current(hs []*models.PostHolding) *models.PostHolding {
	if len(hs) == 0 || !hs[len(hs)-1].Active() {
		return nil
	}
	return hs[len(hs)-1]
}

// Post shows a post (signed-in callers).
func (s *Service) Post(ctx context.Context, id string) (*PostView, error) {
	p, err := s.post(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, p)
}

// ListPosts lists posts inside a division or of one unit (signed-in callers).
func (s *Service) ListPosts(ctx context.Context, f PostFilter, pg Page) ([]*PostView, string, error) {
	if f.Division != "" {
		if err := models.ValidateDivision("division", f.Division, ""); err != nil {
			return nil, "", err
		}
	}
	list, next, err := s.st.Posts.ListPosts(ctx, f, pg.Normalised())
	if err != nil || len(list) == 0 {
		return []*PostView{}, next, err
	}
	ids := make([]string, len(list))
	for i, p := range list {
		ids[i] = p.ID
	}
	hs, err := s.st.Posts.Holdings(ctx, ids)
	if err != nil {
		return nil, "", err
	}
	for _, p := range list {
		p.Holder = current(hs[p.ID])
	}
	views, err := s.views(ctx, list)
	return views, next, err
}

func (s *Service) view(ctx context.Context, p *models.Post) (*PostView, error) {
	vs, err := s.views(ctx, []*models.Post{p})
	if err != nil {
		return nil, err
	}
	return vs[0], nil
}

// views adds the pay check (one read of the price tables of the posts'
// counties and the city) and the allowance (one read of the profiles of
// filled community-platform posts' holders, when there are any).
func (s *Service) views(ctx context.Context, list []*models.Post) ([]*PostView, error) {
	divs := map[string]bool{models.CityCode: true}
	var platformHolders []string
	for _, p := range list {
		divs[models.DistrictOf(p.DivisionCode)] = true
		if h := p.Holder; p.UnitKind == models.UnitCommunityPlatform && h != nil && h.State == models.HoldingFilled {
			platformHolders = append(platformHolders, h.AccountID)
		}
	}
	codes := make([]string, 0, len(divs))
	for c := range divs {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	tables, err := s.st.Posts.PriceTables(ctx, codes)
	if err != nil {
		return nil, err
	}
	workers := map[string]*models.SocialWorker{}
	if len(platformHolders) > 0 {
		if workers, err = s.st.SocialWorkers.SocialWorkersByIDs(ctx, platformHolders); err != nil {
			return nil, err
		}
	}
	now := s.d.Now()
	out := make([]*PostView, len(list))
	for i, p := range list {
		v := &PostView{Post: p, Pay: models.CheckPay(p, guideFor(tables, p.DivisionCode, now))}
		if h := p.Holder; h != nil {
			w := workers[h.AccountID]
			v.AllowanceEligible = models.AllowanceEligible(p.UnitKind, h, w != nil && w.Verified())
		}
		out[i] = v
	}
	return out, nil
}

// guideFor is the price table in force at now for a post in division: its
// county's, else the city's (nil when neither has one).
func guideFor(tables []*models.PriceTable, division string, now time.Time) *models.PriceTable {
	day := now.In(models.Shanghai()).Format(time.DateOnly)
	for _, code := range []string{models.DistrictOf(division), models.CityCode} {
		var best *models.PriceTable
		for _, t := range tables {
			if t.DivisionCode == code && t.EffectiveFrom <= day && (best == nil || t.EffectiveFrom > best.EffectiveFrom) {
				best = t
			}
		}
		if best != nil {
			return best
		}
	}
	return nil
}
