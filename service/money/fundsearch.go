package money

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// ListFunds lists funds with their balances (public: 慈善法 信息公开).
func (s *Service) ListFunds(ctx context.Context, f FundFilter, p Page) ([]*FundView, string, error) {
	if f.Region != "" {
		if err := models.ValidateDivision("region", f.Region, ""); err != nil {
			return nil, "", err
		}
	}
	if f.Domain != "" && !models.Domains.Has(f.Domain) {
		return nil, "", models.Invalid("domain", "未知的领域", "unknown domain")
	}
	funds, next, err := s.st.Funds.ListFunds(ctx, f, p.Normalised())
	if err != nil {
		return nil, "", err
	}
	ids := make([]string, len(funds))
	for i, fund := range funds {
		ids[i] = fund.ID
	}
	heads, err := s.d.Ledger.Heads(ctx, ids) // the page's balances in two reads
	if err != nil {
		return nil, "", err
	}
	out := make([]*FundView, len(funds))
	for i, fund := range funds {
		out[i] = s.fundViewAt(fund, heads[fund.ID])
	}
	return out, next, nil
}

// fundView reads a fund's balances from the head of its ledger.
func (s *Service) fundView(ctx context.Context, f *models.Fund) (*FundView, error) {
	head, err := s.d.Ledger.Head(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	return s.fundViewAt(f, head), nil
}

// fundViewAt is fundView with the ledger's head already read.
func (s *Service) fundViewAt(f *models.Fund, head *models.LedgerEntry) *FundView {
	return &FundView{Fund: f, Balance: head.FundBalance, HeadSeq: head.Seq, Open: f.Open(s.d.Now())}
}

// Reason is one line of why something was suggested, in both languages.
type Reason struct {
	Code   string
	Zh, En string
	Points int
}

// FundSuggestion is a fund that fits a need, with its score and reasons.
type FundSuggestion struct {
	Fund    *FundView
	Score   int
	Reasons []Reason
}

// suggestionScan bounds how many funds serving a need's area are read.
const suggestionScan = 1000

// SuggestFunds lists the funds that fit a need — not closed, serving its
// community, its domain and target group, with money left for at least the
// fund's smallest grant — ranked by how well they fit, with reasons. policy.Anyone
// who may read the need may ask.
func (s *Service) SuggestFunds(ctx context.Context, actor *Actor, needID string, limit int) ([]FundSuggestion, error) {
	n, err := s.d.Need(ctx, actor, needID)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 50 {
		limit = 10
	}
	now := s.d.Now()
	var out []FundSuggestion
	p := Page{Limit: MaxPageSize}
	for scanned := 0; scanned < suggestionScan; {
		funds, next, err := s.st.Funds.ListFunds(ctx, FundFilter{Region: n.CommunityCode, Domain: n.Domain}, p)
		if err != nil {
			return nil, err
		}
		scanned += len(funds)
		var serving []*models.Fund
		var ids []string
		for _, f := range funds {
			if fundServes(f, n, now) { // the ledger is read only for funds that could fit
				serving, ids = append(serving, f), append(ids, f.ID)
			}
		}
		heads, err := s.d.Ledger.Heads(ctx, ids) // the page's balances in two reads
		if err != nil {
			return nil, err
		}
		for _, f := range serving {
			if sg, ok := fundFit(s.fundViewAt(f, heads[f.ID]), n, now); ok {
				out = append(out, sg)
			}
		}
		if next == "" {
			break
		}
		p.Cursor = next
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.Score != b.Score:
			return a.Score > b.Score
		case a.Fund.Open != b.Fund.Open:
			return a.Fund.Open // open now before opening later
		case a.Fund.RemainingFen() != b.Fund.RemainingFen():
			return a.Fund.RemainingFen() > b.Fund.RemainingFen()
		}
		return a.Fund.Fund.ID < b.Fund.Fund.ID
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// fundServes: the fund is not closed and serves the need's domain, target
// group and community (pure; the conditions that need no balance).
func fundServes(f *models.Fund, n *models.Need, now time.Time) bool {
	return now.Before(f.ClosesAt) && slices.Contains(f.Domains, n.Domain) &&
		(len(f.TargetGroups) == 0 || slices.Contains(f.TargetGroups, n.TargetGroup)) &&
		core.OverlapsRegions([]string{n.CommunityCode}, f.Regions)
}

// fundFit scores one fund for one need (pure): hard conditions first, then
// points for how specific and how timely the fit is.
func fundFit(v *FundView, n *models.Need, now time.Time) (FundSuggestion, bool) {
	f := v.Fund
	if !fundServes(f, n, now) || v.RemainingFen() < f.GrantMinFen {
		return FundSuggestion{}, false
	}
	sg := FundSuggestion{Fund: v}
	add := func(code, zh, en string, points int) {
		sg.Reasons = append(sg.Reasons, Reason{Code: code, Zh: zh, En: en, Points: points})
		sg.Score += points
	}
	add("domain", "资助领域包含该需求的领域", "the fund's domains include the need's", 40)
	if len(f.TargetGroups) > 0 {
		add("target_group", "资助对象明确包含该服务对象", "the fund names the need's target group", 20)
	} else {
		add("target_group_any", "资助对象不限", "the fund accepts any target group", 10)
	}
	best := 0
	for _, r := range f.Regions {
		if models.WithinDivision(n.CommunityCode, r) && len(r) > best {
			best = len(r)
		}
	}
	switch {
	case best >= 9:
		add("region_local", "资助地区为该需求所在街道或社区", "the fund serves the need's township or community", 20)
	case best == 6:
		add("region_county", "资助地区为该需求所在县（区）", "the fund serves the need's county", 15)
	default:
		add("region_city", "资助地区覆盖全市", "the fund serves the whole city", 10)
	}
	if f.Open(now) {
		add("open", "正在受理申报", "accepting applications now", 10)
	} else {
		add("opens_later", "尚未开始受理申报", "opens for applications later", 0)
	}
	if n.BudgetFen > 0 && n.BudgetFen >= f.GrantMinFen && n.BudgetFen <= f.GrantMaxFen && n.BudgetFen <= v.RemainingFen() {
		add("budget", "需求预算在单笔资助范围内且资金余额充足", "the need's budget fits the grant limits and the remaining money", 10)
	}
	return sg, true
}
