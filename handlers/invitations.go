package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/needs"
)

// InvitationDTO is an invitation to one place of one occurrence.
type InvitationDTO struct {
	ID           string `json:"id"`
	NeedID       string `json:"needId"`
	OccurrenceID string `json:"occurrenceId"`
	VolunteerID  string `json:"volunteerId"`
	// VolunteerName is set in a need's invitations (the committee's view).
	VolunteerName string     `json:"volunteerName,omitempty" doc:"志愿者姓名（需求的邀请列表）The volunteer's name (in a need's invitations)"`
	Start         time.Time  `json:"start"`
	End           time.Time  `json:"end"`
	Score         int        `json:"score"`
	Status        string     `json:"status" enum:"pending,accepted,declined,expired,full"`
	CreatedAt     time.Time  `json:"createdAt"`
	ExpiresAt     time.Time  `json:"expiresAt" doc:"48 小时后，或开始前 2 小时（取较早者）48 h after sending, or 2 h before the start if sooner"`
	AnsweredAt    *time.Time `json:"answeredAt,omitempty"`
}

func invitationDTO(i *models.Invitation) InvitationDTO {
	return InvitationDTO{ID: i.ID, NeedID: i.NeedID, OccurrenceID: i.OccurrenceID, VolunteerID: i.VolunteerID,
		Start: i.Window.Start, End: i.Window.End, Score: i.Score, Status: string(i.Status), CreatedAt: i.CreatedAt,
		ExpiresAt: i.ExpiresAt, AnsweredAt: i.AnsweredAt}
}

// InviteResultDTO is what happened to one would-be invitee. A request
// answers 200 when at least one was invited (now or before); when every
// one was refused it answers the refusal (409 or 422) naming each.
type InviteResultDTO struct {
	VolunteerID string         `json:"volunteerId"`
	Outcome     string         `json:"outcome" enum:"invited,already_invited,refused" doc:"invited：已发出邀请；already_invited：此前已邀请（附该邀请，重试安全）；refused：未邀请（见 problem）invited: invited now; already_invited: invited to that occurrence before (that invitation is given: retry-safe); refused: not invited (see problem)"`
	Invitation  *InvitationDTO `json:"invitation,omitempty" doc:"invited、already_invited 时给出 Given when invited or already_invited"`
	Problem     *ErrorModel    `json:"problem,omitempty" doc:"refused 时：未邀请的原因 When refused: why they were not invited"`
}

type inviteInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		OccurrenceID string   `json:"occurrenceId,omitempty" maxLength:"100" doc:"缺省为下一场次 Default: the next occurrence"`
		VolunteerIDs []string `json:"volunteerIds,omitempty" maxItems:"100" doc:"亲自挑选的志愿者 Chosen by hand"`
		Top          int      `json:"top,omitempty" minimum:"0" maximum:"50" doc:"或：邀请匹配结果前 N 名 Or: invite the best N candidates"`
	}
}

type inviteOutput struct {
	Body struct {
		Results []InviteResultDTO `json:"results"`
	}
}

type invitationOutput struct{ Body InvitationDTO }

type invitationIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

type needInvitationsOutput struct {
	Body struct {
		Items []InvitationDTO `json:"items"`
	}
}

type myInvitationsInput struct {
	PageParams
}

func registerInvitations(api huma.API, svc *service.Service) {
	const tag = "invitations"
	huma.Register(api, op("invite", http.MethodPost, "/v1/needs/{id}/invitations", tag,
		"邀请志愿者（社区居委会）Invite volunteers to a place (committee)", true, 403, 404, 409, 422),
		func(ctx context.Context, in *inviteInput) (*inviteOutput, error) {
			res, err := svc.Matching().Invite(ctx, actorFrom(ctx), in.ID, needs.InvitationRequest{OccurrenceID: in.Body.OccurrenceID, VolunteerIDs: in.Body.VolunteerIDs, Top: in.Body.Top})
			if err != nil {
				return nil, err
			}
			return inviteResults(ctx, res), nil
		})

	huma.Register(api, op("need-invitations", http.MethodGet, "/v1/needs/{id}/invitations", tag,
		"需求的邀请（社区居委会）A need's invitations (committee)", true, 403, 404),
		func(ctx context.Context, in *needIDInput) (*needInvitationsOutput, error) {
			list, names, err := svc.Matching().NeedInvitations(ctx, actorFrom(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			out := &needInvitationsOutput{}
			out.Body.Items = make([]InvitationDTO, len(list))
			for i, inv := range list {
				out.Body.Items[i] = invitationDTO(inv)
				out.Body.Items[i].VolunteerName = names[inv.VolunteerID]
			}
			return out, nil
		})

	huma.Register(api, op("my-invitations", http.MethodGet, "/v1/me/invitations", tag,
		"我收到的邀请 My invitations", true),
		func(ctx context.Context, in *myInvitationsInput) (*listOutput[InvitationDTO], error) {
			list, next, err := svc.Matching().MyInvitations(ctx, actorFrom(ctx), service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, invitationDTO)
		})

	huma.Register(api, op("accept-invitation", http.MethodPost, "/v1/invitations/{id}/accept", tag,
		"接受邀请（占用名额）Accept an invitation (takes the place)", true, 404, 409, 422),
		func(ctx context.Context, in *invitationIDInput) (*invitationOutput, error) {
			inv, err := svc.Matching().AcceptInvitation(ctx, actorFrom(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return &invitationOutput{Body: invitationDTO(inv)}, nil
		})

	huma.Register(api, op("decline-invitation", http.MethodPost, "/v1/invitations/{id}/decline", tag,
		"谢绝邀请 Decline an invitation", true, 404, 409),
		func(ctx context.Context, in *invitationIDInput) (*invitationOutput, error) {
			inv, err := svc.Matching().DeclineInvitation(ctx, actorFrom(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return &invitationOutput{Body: invitationDTO(inv)}, nil
		})
}

func inviteResults(ctx context.Context, res []needs.InvitationOutcome) *inviteOutput {
	out := &inviteOutput{}
	out.Body.Results = []InviteResultDTO{}
	en := englishFrom(ctx)
	for _, r := range res {
		d := InviteResultDTO{VolunteerID: r.VolunteerID, Outcome: r.Outcome}
		if r.Invitation != nil {
			i := invitationDTO(r.Invitation)
			d.Invitation = &i
		}
		if r.Err != nil {
			d.Problem = problem(ctx, 0, "", en, []error{r.Err}, func(string, string) {})
		}
		out.Body.Results = append(out.Body.Results, d)
	}
	return out
}
