package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/matching"
	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/needs"
)

// The API's own shapes of the engine's answers: the engine's types may
// change without changing the API, and its JSON tags define nothing here.

// MatchCandidateDTO is one ranked volunteer with the parts of their score.
type MatchCandidateDTO struct {
	Name         string      `json:"name"`
	VolunteerID  string      `json:"volunteerId"`
	Score        int         `json:"score"`
	DistanceBand models.Term `json:"distanceBand" doc:"距离区间（distance_bands 词表）Distance band (vocabulary distance_bands)"`
	Parts        []PartScore `json:"parts"`
}

// PartScore is one named part of a score, with its reason.
type PartScore struct {
	Part   string `json:"part"`
	Points int    `json:"points"`
	Max    int    `json:"max"`
	Zh     string `json:"zh"`
	En     string `json:"en"`
}

// Exclusion counts the volunteers one hard constraint kept out.
type Exclusion struct {
	Reason string `json:"reason"`
	Skill  string `json:"skill,omitempty"`
	Level  int    `json:"level,omitempty"`
	Count  int    `json:"count"`
	Only   int    `json:"only"`
	Zh     string `json:"zh"`
	En     string `json:"en"`
}

// SupervisorExclusion counts the social workers one constraint kept out.
type SupervisorExclusion struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
	Zh     string `json:"zh"`
	En     string `json:"en"`
}

func partScores(ps []matching.PartScore) []PartScore {
	out := make([]PartScore, len(ps))
	for i, p := range ps {
		out[i] = PartScore{Part: string(p.Part), Points: p.Points, Max: p.Max, Zh: p.Zh, En: p.En}
	}
	return out
}

func exclusions(es []matching.Exclusion) []Exclusion {
	out := make([]Exclusion, len(es))
	for i, e := range es {
		out[i] = Exclusion{Reason: string(e.Reason), Skill: e.Skill, Level: e.Level, Count: e.Count, Only: e.Only, Zh: e.Zh, En: e.En}
	}
	return out
}

func supervisorExclusions(es []matching.SupervisorExclusion) []SupervisorExclusion {
	out := make([]SupervisorExclusion, len(es))
	for i, e := range es {
		out[i] = SupervisorExclusion{Reason: string(e.Reason), Count: e.Count, Zh: e.Zh, En: e.En}
	}
	return out
}

// MatchesDTO is the ranking of one occurrence of a need.
type MatchesDTO struct {
	NeedID       string              `json:"needId"`
	OccurrenceID string              `json:"occurrenceId"`
	Candidates   []MatchCandidateDTO `json:"candidates"`
	Volunteers   int                 `json:"volunteers" doc:"参与比较的志愿者总数 Volunteers considered"`
	Eligible     int                 `json:"eligible"`
	Skipped      int                 `json:"skipped" doc:"已报名或已邀请而略去 Left out: already placed or invited"`
	Excluded     int                 `json:"excluded"`
	Exclusions   []Exclusion         `json:"exclusions" doc:"各硬性条件排除的人数，便于放宽条件 How many each hard constraint kept out"`
}

type matchesInput struct {
	ID           string `path:"id" maxLength:"64"`
	OccurrenceID string `query:"occurrenceId" maxLength:"100" doc:"缺省为下一场次 Default: the next occurrence"`
	Limit        int    `query:"limit" minimum:"1" maximum:"50" default:"20"`
}

type matchesOutput struct{ Body MatchesDTO }

// SupervisorSuggestionDTO is one ranked would-be supervisor.
type SupervisorSuggestionDTO struct {
	Name           string      `json:"name"`
	SocialWorkerID string      `json:"socialWorkerId"`
	Score          int         `json:"score"`
	Caseload       int         `json:"caseload"`
	Internal       bool        `json:"internal"`
	Parts          []PartScore `json:"parts"`
}

type supervisorsOutput struct {
	Body struct {
		Candidates []SupervisorSuggestionDTO `json:"candidates"`
		Workers    int                       `json:"workers"`
		Eligible   int                       `json:"eligible"`
		Exclusions []SupervisorExclusion     `json:"exclusions"`
	}
}

type supervisorsInput struct {
	ID    string `path:"id" maxLength:"64"`
	Limit int    `query:"limit" minimum:"1" maximum:"50" default:"10"`
}

func registerMatching(api huma.API, svc *service.Service) {
	const tag = "matching"
	huma.Register(api, op("need-matches", http.MethodGet, "/v1/needs/{id}/matches", tag,
		"匹配的志愿者及理由（社区、督导、民政）Best volunteers with reasons (committee, supervisor, civil affairs)", true, 403, 404, 409, 422),
		func(ctx context.Context, in *matchesInput) (*matchesOutput, error) {
			v, err := svc.Matching().Matches(ctx, actorFrom(ctx), in.ID, in.OccurrenceID, in.Limit)
			if err != nil {
				return nil, err
			}
			r := v.Result
			out := &matchesOutput{Body: MatchesDTO{NeedID: v.Need.ID, OccurrenceID: v.Occurrence.ID, Volunteers: r.Volunteers,
				Eligible: r.Eligible, Skipped: r.Skipped, Excluded: r.Excluded, Exclusions: exclusions(r.Exclusions),
				Candidates: make([]MatchCandidateDTO, len(r.Candidates))}}
			for i, c := range r.Candidates {
				out.Body.Candidates[i] = MatchCandidateDTO{VolunteerID: c.VolunteerID, Score: c.Score, DistanceBand: c.DistanceBand,
					Parts: partScores(c.Parts), Name: v.Names[c.VolunteerID]}
			}
			return out, nil
		})

	huma.Register(api, op("need-supervisors", http.MethodGet, "/v1/needs/{id}/supervisors", tag,
		"督导社工建议及理由 Suggested supervisors with reasons", true, 403, 404),
		func(ctx context.Context, in *supervisorsInput) (*supervisorsOutput, error) {
			r, names, err := svc.Matching().SupervisorSuggestions(ctx, actorFrom(ctx), in.ID, in.Limit)
			if err != nil {
				return nil, err
			}
			out := &supervisorsOutput{}
			out.Body.Workers, out.Body.Eligible, out.Body.Exclusions = r.Workers, r.Eligible, supervisorExclusions(r.Exclusions)
			out.Body.Candidates = make([]SupervisorSuggestionDTO, len(r.Candidates))
			for i, c := range r.Candidates {
				out.Body.Candidates[i] = SupervisorSuggestionDTO{SocialWorkerID: c.SocialWorkerID, Score: c.Score, Caseload: c.Caseload,
					Internal: c.Internal, Parts: partScores(c.Parts), Name: names[c.SocialWorkerID]}
			}
			return out, nil
		})
}

// BatchPlacementDTO proposes one volunteer for one open place.
type BatchPlacementDTO struct {
	NeedID       string `json:"needId"`
	OccurrenceID string `json:"occurrenceId"`
	VolunteerID  string `json:"volunteerId"`
	Score        int    `json:"score"`
}

// BatchProposalDTO is an exact batch assignment, with the greedy figures beside it.
type BatchProposalDTO struct {
	ID              string              `json:"id"`
	Division        string              `json:"division"`
	From            time.Time           `json:"from"`
	To              time.Time           `json:"to"`
	Places          int                 `json:"places" doc:"参与分配的空缺名额 Open places considered"`
	Placements      []BatchPlacementDTO `json:"placements"`
	Objective       int                 `json:"objective" doc:"总分（精确最优）Total score (exact optimum)"`
	GreedyObjective int                 `json:"greedyObjective" doc:"贪心算法的总分，作对比 The greedy total, for comparison"`
	Filled          int                 `json:"filled"`
	GreedyFilled    int                 `json:"greedyFilled"`
	CreatedAt       time.Time           `json:"createdAt"`
}

func batchDTO(p *models.BatchProposal) BatchProposalDTO {
	d := BatchProposalDTO{ID: p.ID, Division: p.Division, From: p.From, To: p.To, Places: p.Places, Objective: p.Objective,
		GreedyObjective: p.GreedyObjective, Filled: p.Filled, GreedyFilled: p.GreedyFilled, CreatedAt: p.CreatedAt,
		Placements: make([]BatchPlacementDTO, len(p.Placements))}
	for i, pl := range p.Placements {
		d.Placements[i] = BatchPlacementDTO{NeedID: pl.NeedID, OccurrenceID: pl.OccurrenceID, VolunteerID: pl.VolunteerID, Score: pl.Score}
	}
	return d
}

type batchInput struct {
	Body struct {
		Division string    `json:"division,omitempty" pattern:"^[0-9]{4,12}$" doc:"社区或区划；社区管理员缺省为本社区 Community or division; a committee's own by default"`
		From     time.Time `json:"from,omitempty" doc:"缺省为现在 Default: now"`
		To       time.Time `json:"to,omitempty" doc:"缺省为起点后 24 小时 Default: 24 h after from"`
	}
}

type batchOutput struct{ Body BatchProposalDTO }

type batchIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

func registerBatch(api huma.API, svc *service.Service) {
	const tag = "matching"
	huma.Register(api, created(op("propose-batch", http.MethodPost, "/v1/matching/batch", tag,
		"批量匹配：提出精确最优的名额分配方案 Propose an exact batch assignment of open places", true, 403, 422)),
		func(ctx context.Context, in *batchInput) (*batchOutput, error) {
			p, err := svc.Matching().ProposeBatch(ctx, actorFrom(ctx), needs.BatchRequest{Division: in.Body.Division, From: in.Body.From, To: in.Body.To})
			if err != nil {
				return nil, err
			}
			return &batchOutput{Body: batchDTO(p)}, nil
		})
	huma.Register(api, op("get-batch", http.MethodGet, "/v1/matching/batch/{id}", tag,
		"一份批量方案（提出者）A batch proposal (its author)", true, 404),
		func(ctx context.Context, in *batchIDInput) (*batchOutput, error) {
			p, err := svc.Matching().BatchProposal(ctx, actorFrom(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return &batchOutput{Body: batchDTO(p)}, nil
		})
	huma.Register(api, op("apply-batch", http.MethodPost, "/v1/matching/batch/{id}/apply", tag,
		"执行批量方案：向选中的志愿者发出邀请（仅一次）Apply: invite the chosen volunteers (once)", true, 404, 409, 422),
		func(ctx context.Context, in *batchIDInput) (*inviteOutput, error) {
			res, err := svc.Matching().ApplyBatch(ctx, actorFrom(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return inviteResults(ctx, res), nil
		})
}
