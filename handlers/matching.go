package handlers

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/matching"
	"github.com/wushe/wushe/service"
)

// MatchCandidateDTO is one ranked volunteer with the parts of their score.
type MatchCandidateDTO struct {
	matching.Candidate
	Name string `json:"name"`
}

// MatchesDTO is the ranking of one occurrence of a need.
type MatchesDTO struct {
	NeedID       string               `json:"needId"`
	OccurrenceID string               `json:"occurrenceId"`
	Candidates   []MatchCandidateDTO  `json:"candidates"`
	Volunteers   int                  `json:"volunteers" doc:"参与比较的志愿者总数 Volunteers considered"`
	Eligible     int                  `json:"eligible"`
	Skipped      int                  `json:"skipped" doc:"已报名或已邀请而略去 Left out: already placed or invited"`
	Excluded     int                  `json:"excluded"`
	Exclusions   []matching.Exclusion `json:"exclusions" doc:"各硬性条件排除的人数，便于放宽条件 How many each hard constraint kept out"`
}

type matchesInput struct {
	ID           string `path:"id" maxLength:"64"`
	OccurrenceID string `query:"occurrenceId" maxLength:"100" doc:"缺省为下一场次 Default: the next occurrence"`
	Limit        int    `query:"limit" minimum:"1" maximum:"50" default:"20"`
}

type matchesOutput struct{ Body MatchesDTO }

// SupervisorSuggestionDTO is one ranked would-be supervisor.
type SupervisorSuggestionDTO struct {
	matching.SupervisorCandidate
	Name string `json:"name"`
}

type supervisorsOutput struct {
	Body struct {
		Candidates []SupervisorSuggestionDTO      `json:"candidates"`
		Workers    int                            `json:"workers"`
		Eligible   int                            `json:"eligible"`
		Exclusions []matching.SupervisorExclusion `json:"exclusions"`
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
			v, err := svc.Matches(ctx, actorFrom(ctx), in.ID, in.OccurrenceID, in.Limit)
			if err != nil {
				return nil, err
			}
			r := v.Result
			out := &matchesOutput{Body: MatchesDTO{NeedID: v.Need.ID, OccurrenceID: v.Occurrence.ID, Volunteers: r.Volunteers,
				Eligible: r.Eligible, Skipped: r.Skipped, Excluded: r.Excluded, Exclusions: nonNil(r.Exclusions),
				Candidates: make([]MatchCandidateDTO, len(r.Candidates))}}
			for i, c := range r.Candidates {
				out.Body.Candidates[i] = MatchCandidateDTO{Candidate: c, Name: v.Names[c.VolunteerID]}
			}
			return out, nil
		})

	huma.Register(api, op("need-supervisors", http.MethodGet, "/v1/needs/{id}/supervisors", tag,
		"督导社工建议及理由 Suggested supervisors with reasons", true, 403, 404),
		func(ctx context.Context, in *supervisorsInput) (*supervisorsOutput, error) {
			r, names, err := svc.SupervisorSuggestions(ctx, actorFrom(ctx), in.ID, in.Limit)
			if err != nil {
				return nil, err
			}
			out := &supervisorsOutput{}
			out.Body.Workers, out.Body.Eligible, out.Body.Exclusions = r.Workers, r.Eligible, nonNil(r.Exclusions)
			out.Body.Candidates = make([]SupervisorSuggestionDTO, len(r.Candidates))
			for i, c := range r.Candidates {
				out.Body.Candidates[i] = SupervisorSuggestionDTO{SupervisorCandidate: c, Name: names[c.SocialWorkerID]}
			}
			return out, nil
		})
}
