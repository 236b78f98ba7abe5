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

// Competition review: reviewers and their conflicts, assignment, score
// sheets, and the organiser's report.

// ConflictDTO is a declared conflict of interest.
type ConflictDTO struct {
	Kind           string    `json:"kind" enum:"own_organisation,employment,family,other"`
	OrganisationID string    `json:"organisationId,omitempty"`
	EntryID        string    `json:"entryId,omitempty"`
	Note           string    `json:"note,omitempty"`
	DeclaredAt     time.Time `json:"declaredAt"`
}

// ReviewerDTO is a reviewer of a competition with their progress.
type ReviewerDTO struct {
	AccountID      string        `json:"accountId"`
	Name           string        `json:"name"`
	Phone          string        `json:"phone,omitempty" doc:"脱敏 Masked"`
	OrganisationID string        `json:"organisationId,omitempty" doc:"评审本人所在机构 The reviewer's own organisation"`
	Conflicts      []ConflictDTO `json:"conflicts"`
	Assigned       int           `json:"assigned"`
	Scored         int           `json:"scored"`
	InvitedAt      time.Time     `json:"invitedAt"`
}

func reviewerDTO(v *competitions.ReviewerView) ReviewerDTO {
	r := v.Reviewer
	d := ReviewerDTO{AccountID: r.AccountID, Name: r.Name, Phone: v.Phone, OrganisationID: r.OrganisationID, Conflicts: []ConflictDTO{},
		Assigned: v.Assigned, Scored: v.Scored, InvitedAt: r.InvitedAt}
	for _, c := range r.Conflicts {
		d.Conflicts = append(d.Conflicts, ConflictDTO{Kind: string(c.Kind), OrganisationID: c.OrganisationID, EntryID: c.EntryID,
			Note: c.Note, DeclaredAt: c.DeclaredAt})
	}
	return d
}

type inviteReviewerInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Phone          string `json:"phone" pattern:"^1[3-9][0-9]{9}$" patternDescription:"11 位大陆手机号 (11-digit mainland mobile number)"`
		Name           string `json:"name,omitempty" maxLength:"50" doc:"主办方对评审的称呼（不显示账号本名）How the organiser calls the reviewer (the account's own name is not shown)"`
		OrganisationID string `json:"organisationId,omitempty" maxLength:"64" doc:"评审本人所在机构（其项目自动回避）The reviewer's own organisation (its entries are avoided)"`
	}
}

type reviewerOutput struct {
	Status int
	Body   ReviewerDTO
}

type reviewersOutput struct {
	Body struct {
		Reviewers []ReviewerDTO `json:"reviewers"`
	}
}

type declareConflictInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Kind           string `json:"kind" enum:"own_organisation,employment,family,other" doc:"本单位、两年内任职、亲属关系或其他 Own organisation, employment in the last two years, family, other"`
		OrganisationID string `json:"organisationId,omitempty" maxLength:"64" doc:"与该机构的全部项目回避 Avoid all of this organisation's entries"`
		EntryID        string `json:"entryId,omitempty" maxLength:"64" doc:"与该项目回避 Avoid this entry"`
		Note           string `json:"note,omitempty" maxLength:"500"`
	}
}

type reviewerRecordOutput struct{ Body ReviewerDTO }

// AssignmentSummaryDTO is the outcome of an assignment run.
type AssignmentSummaryDTO struct {
	Entries           int            `json:"entries"`
	ReviewersPerEntry int            `json:"reviewersPerEntry"`
	Reviewers         int            `json:"reviewers"`
	Kept              int            `json:"kept" doc:"保留的分配（已评分）Assignments kept (scored)"`
	Removed           int            `json:"removed" doc:"撤回的未评分或有冲突的分配 Unscored or conflicted assignments withdrawn"`
	Added             int            `json:"added"`
	Loads             map[string]int `json:"loads" doc:"每位评审的项目数 Entries per reviewer"`
}

type assignmentOutput struct{ Body AssignmentSummaryDTO }

// ReviewEntryItemDTO is an assigned entry in a reviewer's list.
type ReviewEntryItemDTO struct {
	EntryID          string `json:"entryId"`
	OrganisationID   string `json:"organisationId"`
	OrganisationName string `json:"organisationName" doc:"申请时登记的机构名称 The organisation's name as registered when it applied"`
	Title            string `json:"title"`
	Status           string `json:"status"`
	Scored           bool   `json:"scored" doc:"本人已评分 The caller has scored it"`
}

// ScoreSheetDTO is a score sheet; others' sheets carry no reviewer.
type ScoreSheetDTO struct {
	ReviewerID  string         `json:"reviewerId,omitempty"`
	Scores      map[string]int `json:"scores"`
	Total       float64        `json:"total" doc:"加权总分 0–100 Weighted total, 0–100"`
	Comment     string         `json:"comment"`
	SubmittedAt time.Time      `json:"submittedAt"`
}

func sheetDTO(s *models.ScoreSheet) ScoreSheetDTO {
	return ScoreSheetDTO{ReviewerID: s.ReviewerID, Scores: s.Scores, Total: s.Total, Comment: s.Comment, SubmittedAt: s.SubmittedAt}
}

type reviewEntryOutput struct {
	Body struct {
		Entry  ApplicationDTO  `json:"entry"`
		Rubric []CriterionDTO  `json:"rubric"`
		Mine   *ScoreSheetDTO  `json:"mine,omitempty" doc:"本人的评分 The caller's sheet"`
		Others []ScoreSheetDTO `json:"others" doc:"其他评审的评分（提交本人评分后可见，匿名）Other reviewers' sheets (once the caller's is in; anonymous)"`
	}
}

type scoreInput struct {
	ID      string `path:"id" maxLength:"64"`
	EntryID string `path:"entryId" maxLength:"64"`
	Body    struct {
		Scores  map[string]int `json:"scores" doc:"评分项代码 → 得分（0–满分）Criterion code → points (0 to its maximum)"`
		Comment string         `json:"comment,omitempty" maxLength:"2000"`
	}
}

type sheetOutput struct{ Body ScoreSheetDTO }

// FlagReportDTO is a disagreement flag.
type FlagReportDTO struct {
	Code      string  `json:"code" enum:"z_range,raw_range"`
	Zh        string  `json:"zh"`
	En        string  `json:"en"`
	Value     float64 `json:"value"`
	Threshold float64 `json:"threshold"`
}

// AwardDTO is an entry's place in the award plan.
type AwardDTO struct {
	Tier      string `json:"tier"`
	TierName  string `json:"tierName"`
	AmountFen int64  `json:"amountFen"`
}

// ReportEntryDTO is one entry's line of the report.
type ReportEntryDTO struct {
	EntryID          string          `json:"entryId"`
	OrganisationID   string          `json:"organisationId"`
	Title            string          `json:"title"`
	Status           string          `json:"status"`
	RequestedFen     int64           `json:"requestedFen"`
	Assigned         int             `json:"assigned"`
	Scored           int             `json:"scored"`
	Ranked           bool            `json:"ranked" doc:"有有效评分、参与排名 Has valid sheets and is ranked"`
	Rank             int             `json:"rank,omitempty"`
	ReviewRank       int             `json:"reviewRank,omitempty"`
	ReviewScore      float64         `json:"reviewScore" doc:"z 标准化得分均值 Mean z-normalised score"`
	RawMean          float64         `json:"rawMean" doc:"原始总分均值 Mean raw total"`
	Reviewers        int             `json:"reviewers" doc:"计入的评分数 Sheets counted"`
	ZRange           float64         `json:"zRange"`
	RawRange         float64         `json:"rawRange"`
	Flags            []FlagReportDTO `json:"flags"`
	Votes            int             `json:"votes"`
	ReviewPercentile float64         `json:"reviewPercentile"`
	VotePercentile   float64         `json:"votePercentile"`
	FinalScore       float64         `json:"finalScore"`
	Award            *AwardDTO       `json:"award,omitempty"`
	GrantedFen       int64           `json:"grantedFen"`
}

// ReportReviewerDTO is one reviewer's progress and scale.
type ReportReviewerDTO struct {
	AccountID    string  `json:"accountId"`
	Name         string  `json:"name"`
	Assigned     int     `json:"assigned"`
	Scored       int     `json:"scored"`
	Counted      int     `json:"counted" doc:"计入排名的评分数 Sheets counted in the ranking"`
	Mean         float64 `json:"mean"`
	SD           float64 `json:"sd"`
	Basis        string  `json:"basis,omitempty" enum:"own,pooled" doc:"own：按本人均值与标准差；pooled：按全体评分（评分少于 3 个或无差异）own: against their own mean and SD; pooled: against all scores (fewer than 3 sheets or no spread)"`
	PooledReason string  `json:"pooledReason,omitempty" enum:"too_few_entries,no_spread"`
}

// ReportSheetDTO is one sheet, raw and normalised.
type ReportSheetDTO struct {
	EntryID    string  `json:"entryId"`
	ReviewerID string  `json:"reviewerId"`
	Total      float64 `json:"total"`
	Z          float64 `json:"z"`
	Counted    bool    `json:"counted"`
}

type reportOutput struct {
	Body struct {
		Competition    CompetitionDTO      `json:"competition"`
		Frozen         bool                `json:"frozen" doc:"排名已在入围公示时冻结 The ranking was frozen when the finalists were announced"`
		FundBalanceFen int64               `json:"fundBalanceFen"`
		FundReserved   int64               `json:"fundReservedFen"`
		PoolFen        int64               `json:"poolFen"`
		AwardedFen     int64               `json:"awardedFen"`
		ReleasedFen    int64               `json:"releasedFen"`
		PooledMean     float64             `json:"pooledMean"`
		PooledSD       float64             `json:"pooledSd"`
		ExcludedSheets int                 `json:"excludedSheets" doc:"不计入的评分（事后声明冲突、分配撤回、项目退出）Sheets not counted (later conflict, assignment withdrawn, entry out)"`
		Entries        []ReportEntryDTO    `json:"entries"`
		Reviewers      []ReportReviewerDTO `json:"reviewers"`
		Sheets         []ReportSheetDTO    `json:"sheets"`
	}
}

func reportDTO(r *competitions.CompetitionReport) *reportOutput {
	out := &reportOutput{}
	b := &out.Body
	b.Competition, b.Frozen = competitionDTO(r.Competition), r.Frozen
	b.FundBalanceFen, b.FundReserved = r.Fund.Balance.BalanceFen, r.Fund.Balance.ReservedFen
	b.PoolFen, b.AwardedFen, b.ReleasedFen = r.Competition.PoolFen(), r.AwardedFen, r.Competition.ReleasedFen
	b.PooledMean, b.PooledSD, b.ExcludedSheets = r.PooledMean, r.PooledSD, r.Excluded
	b.Entries, b.Reviewers, b.Sheets = []ReportEntryDTO{}, []ReportReviewerDTO{}, []ReportSheetDTO{}
	counted := map[string]int{}
	for _, s := range r.Sheets {
		b.Sheets = append(b.Sheets, ReportSheetDTO{EntryID: s.EntryID, ReviewerID: s.ReviewerID, Total: s.Total, Z: s.Z, Counted: s.Counted})
		if s.Counted {
			counted[s.ReviewerID]++
		}
	}
	for _, e := range r.Entries {
		d := ReportEntryDTO{EntryID: e.Entry.ID, OrganisationID: e.Entry.OrganisationID, Title: e.Entry.Title, Status: string(e.Entry.Status),
			RequestedFen: e.Entry.RequestedFen, Assigned: e.Assigned, Scored: e.Scored, Votes: e.Votes, GrantedFen: e.GrantedFen, Flags: []FlagReportDTO{}}
		if x := e.Result; x != nil {
			d.ReviewScore, d.RawMean, d.Reviewers, d.ZRange, d.RawRange = x.Score, x.RawMean, x.Reviewers, x.ZRange, x.RawRange
			for _, f := range x.Flags {
				d.Flags = append(d.Flags, FlagReportDTO{Code: f.Code, Zh: f.Zh, En: f.En, Value: f.Value, Threshold: f.Threshold})
			}
		}
		if c := e.Combined; c != nil {
			d.Ranked, d.Rank, d.ReviewRank = true, c.Rank, c.ReviewRank
			d.ReviewPercentile, d.VotePercentile, d.FinalScore = c.ReviewPercentile, c.VotePercentile, c.Final
		}
		if a := e.Award; a != nil {
			d.Award = &AwardDTO{Tier: a.Tier, TierName: a.TierName, AmountFen: a.AmountFen}
		}
		b.Entries = append(b.Entries, d)
	}
	for _, rv := range r.Reviewers {
		d := ReportReviewerDTO{AccountID: rv.Reviewer.AccountID, Name: rv.Reviewer.Name, Assigned: rv.Assigned, Scored: rv.Scored,
			Counted: counted[rv.Reviewer.AccountID]}
		if st := rv.Stats; st != nil {
			d.Mean, d.SD, d.Basis, d.PooledReason = st.Mean, st.SD, st.Basis, st.PooledReason
		}
		b.Reviewers = append(b.Reviewers, d)
	}
	return out
}

// MyReviewDTO is a competition the caller reviews.
type MyReviewDTO struct {
	CompetitionID string `json:"competitionId"`
	Name          string `json:"name"`
	Phase         string `json:"phase"`
	Assigned      int    `json:"assigned"`
	Scored        int    `json:"scored"`
}

type myReviewsOutput struct {
	Body struct {
		Items []MyReviewDTO `json:"items"`
		ListMeta
	}
}

type reviewEntriesInput struct {
	ID string `path:"id" maxLength:"64"`
	PageParams
}

func registerCompetitionReview(api huma.API, svc *service.Service) {
	const tag = "competition-review"
	huma.Register(api, created(op("invite-reviewer", http.MethodPost, "/v1/competitions/{id}/reviewers", tag,
		"按手机号邀请评审专家（主办方；新号码创建账号）Invite a reviewer by phone (the organiser; a new phone gets an account)", true, 403, 404, 409, 422)),
		func(ctx context.Context, in *inviteReviewerInput) (*reviewerOutput, error) {
			b := in.Body
			v, isNew, err := svc.Competitions().InviteReviewer(ctx, actorFrom(ctx), in.ID, competitions.ReviewerInvite{Phone: b.Phone,
				Name: b.Name, OrganisationID: b.OrganisationID})
			if err != nil {
				return nil, err
			}
			st := http.StatusOK
			if isNew {
				st = http.StatusCreated
			}
			return &reviewerOutput{Status: st, Body: reviewerDTO(v)}, nil
		})

	huma.Register(api, op("list-reviewers", http.MethodGet, "/v1/competitions/{id}/reviewers", tag,
		"评审专家及评审进度（主办方）Reviewers and their progress (the organiser)", true, 403, 404),
		func(ctx context.Context, in *competitionIDInput) (*reviewersOutput, error) {
			vs, err := svc.Competitions().Reviewers(ctx, actorFrom(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			out := &reviewersOutput{}
			out.Body.Reviewers = make([]ReviewerDTO, 0, len(vs))
			for _, v := range vs {
				out.Body.Reviewers = append(out.Body.Reviewers, reviewerDTO(v))
			}
			return out, nil
		})

	huma.Register(api, created(op("declare-conflict", http.MethodPost, "/v1/competitions/{id}/conflicts", tag,
		"声明利益冲突（评审专家本人，评审结束前）Declare a conflict of interest (the reviewer, until the review ends)", true, 403, 404, 409, 422)),
		func(ctx context.Context, in *declareConflictInput) (*reviewerRecordOutput, error) {
			b := in.Body
			r, err := svc.Competitions().DeclareConflict(ctx, actorFrom(ctx), in.ID, models.Conflict{Kind: models.ConflictKind(b.Kind),
				OrganisationID: b.OrganisationID, EntryID: b.EntryID, Note: b.Note})
			if err != nil {
				return nil, err
			}
			return &reviewerRecordOutput{Body: reviewerDTO(&competitions.ReviewerView{Reviewer: r})}, nil
		})

	huma.Register(api, op("reassign-reviewers", http.MethodPost, "/v1/competitions/{id}/assignments", tag,
		"重新分配未评分的项目（主办方，评审阶段）Re-run the assignment of unscored entries (the organiser, during review)", true, 403, 404, 409),
		func(ctx context.Context, in *competitionIDInput) (*assignmentOutput, error) {
			s, err := svc.Competitions().Reassign(ctx, actorFrom(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return &assignmentOutput{Body: AssignmentSummaryDTO{Entries: s.Entries, ReviewersPerEntry: s.PerEntry, Reviewers: s.Reviewers,
				Kept: s.Kept, Removed: s.Removed, Added: s.Added, Loads: s.Loads}}, nil
		})

	huma.Register(api, op("my-review-entries", http.MethodGet, "/v1/competitions/{id}/review/entries", tag,
		"分配给本人的参赛项目（评审专家）Entries assigned to the caller (a reviewer)", true, 403, 404),
		func(ctx context.Context, in *reviewEntriesInput) (*listOutput[ReviewEntryItemDTO], error) {
			list, next, err := svc.Competitions().MyReviewEntries(ctx, actorFrom(ctx), in.ID, service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, func(e *competitions.ReviewerEntry) ReviewEntryItemDTO {
				return ReviewEntryItemDTO{EntryID: e.Entry.ID, OrganisationID: e.Entry.OrganisationID, OrganisationName: e.Entry.OrganisationName, Title: e.Entry.Title,
					Status: string(e.Entry.Status), Scored: e.Scored}
			})
		})

	huma.Register(api, op("review-entry", http.MethodGet, "/v1/competitions/{id}/review/entries/{entryId}", tag,
		"评审一个已分配的项目：项目、评分标准与评分 An assigned entry with the rubric and the sheets", true, 403, 404),
		func(ctx context.Context, in *entryInput) (*reviewEntryOutput, error) {
			v, err := svc.Competitions().ReviewEntry(ctx, actorFrom(ctx), in.ID, in.EntryID)
			if err != nil {
				return nil, err
			}
			out := &reviewEntryOutput{}
			out.Body.Entry = applicationDTO(v.Entry)
			out.Body.Rubric = competitionDTO(v.Competition).Rubric
			out.Body.Others = []ScoreSheetDTO{}
			if v.Mine != nil {
				m := sheetDTO(v.Mine)
				out.Body.Mine = &m
			}
			for _, s := range v.Others {
				out.Body.Others = append(out.Body.Others, sheetDTO(s))
			}
			return out, nil
		})

	huma.Register(api, created(op("score-entry", http.MethodPost, "/v1/competitions/{id}/entries/{entryId}/scores", tag,
		"提交评分（已分配且无利益冲突的评审专家，每个项目一次）Submit a score sheet (an assigned reviewer without a conflict, once per entry)", true, 403, 404, 409, 422)),
		func(ctx context.Context, in *scoreInput) (*sheetOutput, error) {
			s, err := svc.Competitions().ScoreEntry(ctx, actorFrom(ctx), in.ID, in.EntryID, competitions.ScoreInput{Scores: in.Body.Scores, Comment: in.Body.Comment})
			if err != nil {
				return nil, err
			}
			return &sheetOutput{Body: sheetDTO(s)}, nil
		})

	huma.Register(api, op("competition-report", http.MethodGet, "/v1/competitions/{id}/report", tag,
		"大赛报告：项目、评审进度、原始与标准化得分、分歧标记、票数、排名（主办方）The report: entries, reviewer progress, raw and normalised scores, flags, votes, ranking (the organiser)", true, 403, 404),
		func(ctx context.Context, in *competitionIDInput) (*reportOutput, error) {
			r, err := svc.Competitions().Report(ctx, actorFrom(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return reportDTO(r), nil
		})

	huma.Register(api, op("my-competition-reviews", http.MethodGet, "/v1/me/competition-reviews", tag,
		"本人担任评审的大赛 Competitions the caller reviews", true),
		func(ctx context.Context, in *PageParams) (*myReviewsOutput, error) {
			vs, cs, next, err := svc.Competitions().MyReviews(ctx, actorFrom(ctx), service.Page{Cursor: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, err
			}
			out := &myReviewsOutput{}
			out.Body.Items = make([]MyReviewDTO, 0, len(vs))
			for i, v := range vs {
				out.Body.Items = append(out.Body.Items, MyReviewDTO{CompetitionID: cs[i].ID, Name: cs[i].Name, Phase: string(cs[i].Phase),
					Assigned: v.Assigned, Scored: v.Scored})
			}
			out.Body.NextCursor = next
			return out, nil
		})
}
