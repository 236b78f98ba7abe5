package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/competitions"
)

// Venture-philanthropy competitions (公益创投大赛): the organiser's
// competition and phases, the public page, leaderboard and results, and the
// public vote. Reviewers, scoring and the report are in competition_review.go.

// ScheduleDTO is when each phase after draft starts.
type ScheduleDTO struct {
	OpensAt     time.Time  `json:"opensAt" doc:"报名开始（发布即开放）Entries open (publishing opens them)"`
	ReviewAt    time.Time  `json:"reviewAt" doc:"报名截止、专家评审开始 Entries close, review starts"`
	VoteAt      *time.Time `json:"voteAt,omitempty" doc:"公众投票开始（仅设投票时）Public vote starts (only with a public vote)"`
	FinalistsAt time.Time  `json:"finalistsAt" doc:"入围公示 Finalists announced"`
	AwardsAt    time.Time  `json:"awardsAt" doc:"颁奖 Awards"`
	ClosesAt    time.Time  `json:"closesAt" doc:"结束，未用奖金退回资金 Closed: the unused pool returns to the fund"`
}

func (s ScheduleDTO) model() models.CompetitionSchedule {
	m := models.CompetitionSchedule{OpensAt: s.OpensAt, ReviewAt: s.ReviewAt, FinalistsAt: s.FinalistsAt, AwardsAt: s.AwardsAt, ClosesAt: s.ClosesAt}
	if s.VoteAt != nil {
		m.VoteAt = *s.VoteAt
	}
	return m
}

func scheduleDTO(s models.CompetitionSchedule) ScheduleDTO {
	d := ScheduleDTO{OpensAt: s.OpensAt, ReviewAt: s.ReviewAt, FinalistsAt: s.FinalistsAt, AwardsAt: s.AwardsAt, ClosesAt: s.ClosesAt}
	if !s.VoteAt.IsZero() {
		v := s.VoteAt
		d.VoteAt = &v
	}
	return d
}

// CriterionDTO is one line of the scoring rubric.
type CriterionDTO struct {
	Code      string `json:"code" maxLength:"64" doc:"snake_case 代码 snake_case code"`
	Zh        string `json:"zh" maxLength:"100"`
	En        string `json:"en" maxLength:"200"`
	Weight    int    `json:"weight" doc:"权重，各项合计 100 Weight; the weights sum to 100"`
	MaxPoints int    `json:"maxPoints" doc:"满分 Maximum points"`
}

// AwardTierDTO is one award level: count entries get amountFen each.
type AwardTierDTO struct {
	Code      string `json:"code" maxLength:"32" doc:"snake_case 代码，如 first_prize snake_case code, e.g. first_prize"`
	Name      string `json:"name" maxLength:"50" doc:"如 一等奖 e.g. 一等奖"`
	Count     int    `json:"count" minimum:"1" maximum:"1000"`
	AmountFen int64  `json:"amountFen" minimum:"1" doc:"每个获奖项目的奖励（分）Award per entry, in fen"`
}

// CompetitionDTO is a competition as anyone sees it once published.
type CompetitionDTO struct {
	ID                string         `json:"id"`
	Name              string         `json:"name"`
	Summary           string         `json:"summary"`
	FundID            string         `json:"fundId"`
	OwnerOrgID        string         `json:"ownerOrgId,omitempty" doc:"主办慈善组织 The organising charity"`
	DivisionCode      string         `json:"divisionCode,omitempty" doc:"主办民政部门的行政区划 The organising civil affairs' division"`
	Domains           []string       `json:"domains" doc:"主题领域 Theme domains"`
	EligibleKinds     []string       `json:"eligibleKinds" doc:"可参赛的机构类型；为空表示不限 Organisation kinds that may enter; empty = any"`
	Regions           []string       `json:"regions" doc:"项目须位于这些地区 Projects must lie in these regions"`
	Schedule          ScheduleDTO    `json:"schedule"`
	Rubric            []CriterionDTO `json:"rubric"`
	Tiers             []AwardTierDTO `json:"tiers"`
	PoolFen           int64          `json:"poolFen" doc:"奖金池 = Σ 名额 × 金额 Prize pool = Σ count × amount"`
	MaxAwardFen       int64          `json:"maxAwardFen" doc:"最高奖项金额：参赛申请金额上限 The largest award: the most an entry may request"`
	ReviewersPerEntry int            `json:"reviewersPerEntry"`
	PublicVote        bool           `json:"publicVote"`
	VoteWeightPercent int            `json:"voteWeightPercent" doc:"公众投票在最终得分中的权重（%）Share of the public vote in the final score (%)"`
	Phase             string         `json:"phase" enum:"draft,open,review,public_vote,finalists,awarded,closed"`
	PhaseAt           time.Time      `json:"phaseAt"`
	NextPhase         string         `json:"nextPhase,omitempty"`
	NextPhaseAt       *time.Time     `json:"nextPhaseAt,omitempty" doc:"下一阶段按日程开始的时间 When the next phase starts by the schedule"`
	ReservedFen       int64          `json:"reservedFen" doc:"已为本大赛预留的奖金池（发布后）The pool held for it (once published)"`
	ReleasedFen       int64          `json:"releasedFen" doc:"结束时退回资金的未用奖金 Unused pool returned at close"`
	CreatedAt         time.Time      `json:"createdAt"`
	UpdatedAt         time.Time      `json:"updatedAt"`
}

func competitionDTO(c *models.Competition) CompetitionDTO {
	d := CompetitionDTO{ID: c.ID, Name: c.Name, Summary: c.Summary, FundID: c.FundID, OwnerOrgID: c.OwnerOrgID, DivisionCode: c.DivisionCode,
		Domains: nonNil(c.Domains), EligibleKinds: nonNil(c.EligibleKinds), Regions: nonNil(c.Regions),
		Schedule: scheduleDTO(c.Schedule), Rubric: []CriterionDTO{}, Tiers: []AwardTierDTO{}, PoolFen: c.PoolFen(), MaxAwardFen: c.MaxAwardFen(),
		ReviewersPerEntry: c.ReviewersPerEntry, PublicVote: c.PublicVote, VoteWeightPercent: c.VoteWeightPercent,
		Phase: string(c.Phase), PhaseAt: c.PhaseAt, ReleasedFen: c.ReleasedFen, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	for _, r := range c.Rubric {
		d.Rubric = append(d.Rubric, CriterionDTO{Code: r.Code, Zh: r.Zh, En: r.En, Weight: r.Weight, MaxPoints: r.MaxPoints})
	}
	for _, t := range c.Tiers {
		d.Tiers = append(d.Tiers, AwardTierDTO{Code: t.Code, Name: t.Name, Count: t.Count, AmountFen: t.AmountFen})
	}
	if next, ok := c.NextPhase(); ok {
		d.NextPhase = string(next)
		if at := c.Schedule.Start(next); !at.IsZero() && next != models.PhaseOpen {
			d.NextPhaseAt = &at
		}
	}
	if c.ReserveSeq > 0 {
		d.ReservedFen = c.PoolFen()
	}
	return d
}

type competitionOutput struct{ Body CompetitionDTO }

// CompetitionBody is what the organiser writes on a competition.
type CompetitionBody struct {
	FundID            string         `json:"fundId" minLength:"1" maxLength:"64" doc:"奖金池来源：主办方管理的资金 The fund the pool is drawn from (one the organiser manages)"`
	Name              string         `json:"name" maxLength:"100"`
	Summary           string         `json:"summary,omitempty" maxLength:"5000"`
	Domains           []string       `json:"domains" maxItems:"20" doc:"主题领域（domains 词表）Theme domains (the domains vocabulary)"`
	EligibleKinds     []string       `json:"eligibleKinds,omitempty" maxItems:"20" doc:"organisation_kinds 词表；缺省不限 organisation_kinds codes; default any"`
	Regions           []string       `json:"regions" maxItems:"50" doc:"参赛项目须位于的行政区划 Division codes entries must lie in"`
	Schedule          ScheduleDTO    `json:"schedule"`
	Rubric            []CriterionDTO `json:"rubric,omitempty" maxItems:"20" doc:"缺省为默认六项评分标准 Default: the six default criteria"`
	Tiers             []AwardTierDTO `json:"tiers" maxItems:"10" doc:"奖项等级：名额 × 金额 Award tiers: count × amount"`
	ReviewersPerEntry int            `json:"reviewersPerEntry,omitempty" minimum:"0" maximum:"10" doc:"每个项目的评审人数，缺省 3 Reviewers per entry, default 3"`
	PublicVote        bool           `json:"publicVote,omitempty" doc:"是否设公众投票环节 Whether there is a public vote"`
	VoteWeightPercent *int           `json:"voteWeightPercent,omitempty" minimum:"0" maximum:"100" doc:"公众投票权重（%），缺省 20 Vote weight (%), default 20"`
}

func (b *CompetitionBody) input() competitions.CompetitionInput {
	in := competitions.CompetitionInput{FundID: b.FundID, Name: b.Name, Summary: b.Summary, Domains: b.Domains, EligibleKinds: b.EligibleKinds,
		Regions: b.Regions, Schedule: b.Schedule.model(), ReviewersPerEntry: b.ReviewersPerEntry, PublicVote: b.PublicVote,
		VoteWeightPercent: b.VoteWeightPercent}
	if b.Rubric != nil {
		in.Rubric = models.Rubric{}
		for _, c := range b.Rubric {
			in.Rubric = append(in.Rubric, models.Criterion{Code: c.Code, Zh: c.Zh, En: c.En, Weight: c.Weight, MaxPoints: c.MaxPoints})
		}
	}
	for _, t := range b.Tiers {
		in.Tiers = append(in.Tiers, models.AwardTier{Code: t.Code, Name: t.Name, Count: t.Count, AmountFen: t.AmountFen})
	}
	return in
}

type createCompetitionInput struct {
	Body CompetitionBody
}

type updateCompetitionInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body CompetitionBody
}

type competitionIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

type listCompetitionsInput struct {
	FundID string `query:"fundId" maxLength:"64" doc:"该资金的大赛；资金管理方可见草稿 Competitions on this fund; its manager also sees drafts"`
	Phase  string `query:"phase" enum:"draft,open,review,public_vote,finalists,awarded,closed"`
	Domain string `query:"domain" maxLength:"64"`
	PageParams
}

type movePhaseInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		To string `json:"to" enum:"open,review,public_vote,finalists,awarded,closed" doc:"下一阶段 The next phase"`
	}
}

type entryInput struct {
	ID      string `path:"id" maxLength:"64"`
	EntryID string `path:"entryId" maxLength:"64"`
}

// VoteDTO is a recorded vote.
type VoteDTO struct {
	CompetitionID string    `json:"competitionId"`
	EntryID       string    `json:"entryId"`
	At            time.Time `json:"at"`
}

type voteOutput struct{ Body VoteDTO }

// LeaderboardRowDTO is one entry's standing in the public vote.
type LeaderboardRowDTO struct {
	Rank             int    `json:"rank"`
	EntryID          string `json:"entryId"`
	Title            string `json:"title"`
	OrganisationName string `json:"organisationName"`
	Votes            int    `json:"votes"`
}

type leaderboardOutput struct {
	Body struct {
		CompetitionID string              `json:"competitionId"`
		TotalVotes    int                 `json:"totalVotes"`
		Entries       []LeaderboardRowDTO `json:"entries"`
	}
}

func leaderboard(id string, rows []competitions.LeaderboardRow, err error) (*leaderboardOutput, error) {
	if err != nil {
		return nil, err
	}
	out := &leaderboardOutput{}
	out.Body.CompetitionID, out.Body.Entries = id, make([]LeaderboardRowDTO, 0, len(rows))
	for _, r := range rows {
		out.Body.Entries = append(out.Body.Entries, LeaderboardRowDTO{Rank: r.Rank, EntryID: r.EntryID, Title: r.Title,
			OrganisationName: r.OrganisationName, Votes: r.Votes})
		out.Body.TotalVotes += r.Votes
	}
	return out, nil
}

// PublicResultDTO is one entry of the public results: no reviewer, no
// individual score sheet, nothing personal.
type PublicResultDTO struct {
	Rank             int     `json:"rank"`
	EntryID          string  `json:"entryId"`
	OrganisationName string  `json:"organisationName"`
	Title            string  `json:"title"`
	FinalScore       float64 `json:"finalScore" doc:"最终得分 0–100：评审百分位与投票百分位加权 Final score 0–100: review and vote percentiles, weighted"`
	ReviewScore      float64 `json:"reviewScore" doc:"评审标准化得分（各评审 z 分数的平均）Normalised review score (mean of the reviewers' z-scores)"`
	RawMean          float64 `json:"rawMean" doc:"评审原始总分均值（0–100）Mean raw total (0–100)"`
	Votes            int     `json:"votes"`
	Tier             string  `json:"tier,omitempty"`
	TierName         string  `json:"tierName,omitempty"`
	AwardFen         int64   `json:"awardFen"`
}

type resultsOutput struct {
	Body struct {
		Competition CompetitionDTO    `json:"competition"`
		AwardedFen  int64             `json:"awardedFen"`
		Entries     []PublicResultDTO `json:"entries"`
	}
}

func registerCompetitions(api huma.API, svc *service.Service) {
	const tag = "competitions"
	one := func(c *models.Competition, err error) (*competitionOutput, error) {
		if err != nil {
			return nil, err
		}
		return &competitionOutput{Body: competitionDTO(c)}, nil
	}

	huma.Register(api, created(op("create-competition", http.MethodPost, "/v1/competitions", tag,
		"起草公益创投大赛（资金管理方：慈善组织管理员或本辖区民政）Draft a competition (the fund's manager)", true, 403, 422)),
		func(ctx context.Context, in *createCompetitionInput) (*competitionOutput, error) {
			return one(svc.Competitions().CreateCompetition(ctx, actorFrom(ctx), in.Body.input()))
		})

	huma.Register(api, op("list-competitions", http.MethodGet, "/v1/competitions", tag,
		"公益创投大赛列表（公开；草稿仅主办方按资金查询时可见）Competitions (public; drafts only to their organiser listing by fund)", false, 422),
		func(ctx context.Context, in *listCompetitionsInput) (*listOutput[CompetitionDTO], error) {
			list, next, err := svc.Competitions().ListCompetitions(ctx, actorOrNil(ctx), competitions.CompetitionFilter{FundID: in.FundID,
				Phase: models.CompetitionPhase(in.Phase), Domain: in.Domain}, service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, competitionDTO)
		})

	huma.Register(api, op("get-competition", http.MethodGet, "/v1/competitions/{id}", tag,
		"大赛公开页面 A competition's public page", false, 404),
		func(ctx context.Context, in *competitionIDInput) (*competitionOutput, error) {
			return one(svc.Competitions().Competition(ctx, actorOrNil(ctx), in.ID))
		})

	huma.Register(api, op("update-competition", http.MethodPut, "/v1/competitions/{id}", tag,
		"修改草稿（主办方）Edit a draft (the organiser)", true, 403, 404, 409, 422),
		func(ctx context.Context, in *updateCompetitionInput) (*competitionOutput, error) {
			return one(svc.Competitions().UpdateCompetition(ctx, actorFrom(ctx), in.ID, in.Body.input()))
		})

	huma.Register(api, op("move-competition-phase", http.MethodPost, "/v1/competitions/{id}/phase", tag,
		"进入下一阶段（主办方；也按日程自动进行）Move to the next phase (the organiser; also by the schedule)", true, 403, 404, 409, 422),
		func(ctx context.Context, in *movePhaseInput) (*competitionOutput, error) {
			return one(svc.Competitions().MoveCompetition(ctx, actorFrom(ctx), in.ID, models.CompetitionPhase(in.Body.To)))
		})

	huma.Register(api, op("competition-history", http.MethodGet, "/v1/competitions/{id}/history", tag,
		"大赛阶段变更记录 A competition's phase changes", false, 404),
		func(ctx context.Context, in *competitionIDInput) (*historyOutput, error) {
			ts, err := svc.Competitions().CompetitionHistory(ctx, actorOrNil(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			out := &historyOutput{}
			out.Body.Items = transitionDTOs(ts)
			return out, nil
		})

	huma.Register(api, created(op("vote-entry", http.MethodPost, "/v1/competitions/{id}/entries/{entryId}/votes", tag,
		"公众投票（实名核验的志愿者，每个项目一票）Vote for an entry (verified volunteers, one vote per entry)", true, 403, 404, 409, 429)),
		func(ctx context.Context, in *entryInput) (*voteOutput, error) {
			v, err := svc.Competitions().Vote(ctx, actorFrom(ctx), in.ID, in.EntryID, competitions.VoteInput{ClientIP: ipFrom(ctx)})
			if err != nil {
				return nil, err
			}
			return &voteOutput{Body: VoteDTO{CompetitionID: v.CompetitionID, EntryID: v.EntryID, At: v.At}}, nil
		})

	huma.Register(api, op("competition-leaderboard", http.MethodGet, "/v1/competitions/{id}/leaderboard", tag,
		"公众投票排行榜（投票开始后公开）The public vote's leaderboard (public once the vote starts)", false, 404),
		func(ctx context.Context, in *competitionIDInput) (*leaderboardOutput, error) {
			rows, err := svc.Competitions().Leaderboard(ctx, actorOrNil(ctx), in.ID)
			return leaderboard(in.ID, rows, err)
		})

	huma.Register(api, op("rebuild-competition-leaderboard", http.MethodPost, "/v1/competitions/{id}/leaderboard/rebuild", tag,
		"按已存投票重建排行榜（主办方）Rebuild the leaderboard from the stored votes (the organiser)", true, 403, 404, 409),
		func(ctx context.Context, in *competitionIDInput) (*leaderboardOutput, error) {
			rows, err := svc.Competitions().RebuildLeaderboard(ctx, actorFrom(ctx), in.ID)
			return leaderboard(in.ID, rows, err)
		})

	huma.Register(api, op("competition-results", http.MethodGet, "/v1/competitions/{id}/results", tag,
		"大赛结果（颁奖后公开，无需登录）Results (public once awarded, no login)", false, 404),
		func(ctx context.Context, in *competitionIDInput) (*resultsOutput, error) {
			r, err := svc.Competitions().Results(ctx, actorOrNil(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			out := &resultsOutput{}
			out.Body.Competition, out.Body.AwardedFen = competitionDTO(r.Competition), r.AwardedFen
			out.Body.Entries = make([]PublicResultDTO, 0, len(r.Entries))
			for _, e := range r.Entries {
				out.Body.Entries = append(out.Body.Entries, PublicResultDTO{Rank: e.Rank, EntryID: e.EntryID, OrganisationName: e.OrganisationName,
					Title: e.Title, FinalScore: e.FinalScore, ReviewScore: e.ReviewScore, RawMean: e.RawMean, Votes: e.Votes,
					Tier: e.Tier, TierName: e.TierName, AwardFen: e.AwardFen})
			}
			return out, nil
		})

	huma.Register(api, op("rule-entry-ineligible", http.MethodPost, "/v1/competitions/{id}/entries/{entryId}/ineligibility", tag,
		"取消参赛资格（主办方，颁奖前，须说明理由）Rule an entry out (the organiser, before awarding, with a reason)", true, 403, 404, 409, 422),
		func(ctx context.Context, in *ineligibleInput) (*applicationOutput, error) {
			a, err := svc.Competitions().RuleIneligible(ctx, actorFrom(ctx), in.ID, in.EntryID, in.Body.Reason)
			if err != nil {
				return nil, err
			}
			return &applicationOutput{Body: applicationDTO(a)}, nil
		})

	registerCompetitionReview(api, svc)
}

type ineligibleInput struct {
	ID      string `path:"id" maxLength:"64"`
	EntryID string `path:"entryId" maxLength:"64"`
	Body    struct {
		Reason string `json:"reason" maxLength:"1000"`
	}
}
