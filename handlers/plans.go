package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/needs"
)

// PersonDTO is a party of a plan as the viewer may see them.
type PersonDTO struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Phone string `json:"phone" doc:"方案确认后社区与督导可见完整号码 Unmasked for the committee and the supervisor once the plan is confirmed"`
}

// AssignmentDTO is one volunteer holding one place of one occurrence.
type AssignmentDTO struct {
	ID           string    `json:"id"`
	OccurrenceID string    `json:"occurrenceId"`
	VolunteerID  string    `json:"volunteerId"`
	PlaceNo      int       `json:"placeNo"`
	Start        time.Time `json:"start"`
	End          time.Time `json:"end"`
	Status       string    `json:"status"`
}

// PlanDTO is a need's linkage plan (五社联动方案).
type PlanDTO struct {
	NeedID          string          `json:"needId"`
	CommunityCode   string          `json:"communityCode" doc:"社区（方案所有者）The community that owns the plan"`
	OrganisationID  string          `json:"organisationId,omitempty" doc:"承接机构 Carrying organisation"`
	Supervisor      *PersonDTO      `json:"supervisor,omitempty"`
	SupervisorState string          `json:"supervisorState,omitempty" enum:"proposed,accepted,declined"`
	FundID          string          `json:"fundId,omitempty"`
	GrantID         string          `json:"grantId,omitempty"`
	Confirmed       bool            `json:"confirmed"`
	ConfirmedAt     *time.Time      `json:"confirmedAt,omitempty"`
	Headcount       int             `json:"headcount"`
	Filled          map[string]int  `json:"filled" doc:"各场次已占名额 Places held per occurrence"`
	Volunteers      []PersonDTO     `json:"volunteers"`
	Assignments     []AssignmentDTO `json:"assignments"`
}

func planDTO(v *needs.PlanView) PlanDTO {
	p := v.Plan
	d := PlanDTO{NeedID: p.NeedID, CommunityCode: p.CommunityCode, OrganisationID: p.OrganisationID,
		SupervisorState: string(p.SupervisorState), FundID: p.FundID, GrantID: p.GrantID, Confirmed: p.Confirmed,
		ConfirmedAt: p.ConfirmedAt, Headcount: v.Need.Headcount, Filled: v.Filled, Volunteers: []PersonDTO{}, Assignments: []AssignmentDTO{}}
	if v.Supervisor != nil {
		d.Supervisor = &PersonDTO{ID: v.Supervisor.ID, Name: v.Supervisor.Name, Phone: v.Supervisor.Phone}
	}
	seen := map[string]bool{}
	for _, a := range v.Assignments {
		d.Assignments = append(d.Assignments, AssignmentDTO{ID: a.ID, OccurrenceID: a.OccurrenceID, VolunteerID: a.VolunteerID,
			PlaceNo: a.PlaceNo, Start: a.Window.Start, End: a.Window.End, Status: string(a.Status)})
		if acct := v.Volunteers[a.VolunteerID]; acct != nil && !seen[acct.ID] {
			seen[acct.ID] = true
			d.Volunteers = append(d.Volunteers, PersonDTO{ID: acct.ID, Name: acct.Name, Phone: acct.Phone})
		}
	}
	return d
}

type planOutput struct{ Body PlanDTO }

type addVolunteerInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		VolunteerID   string   `json:"volunteerId" minLength:"1" maxLength:"64"`
		OccurrenceIDs []string `json:"occurrenceIds,omitempty" maxItems:"200" doc:"缺省为全部未开始场次 Default: every occurrence still to come"`
	}
}

type assignmentsOutput struct {
	Body struct {
		Items []AssignmentDTO `json:"items"`
	}
}

type removeVolunteerInput struct {
	ID          string `path:"id" maxLength:"64"`
	VolunteerID string `path:"volunteerId" maxLength:"64"`
}

type supervisorInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		SocialWorkerID string `json:"socialWorkerId" minLength:"1" maxLength:"64"`
	}
}

type supervisionResponseInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Accept bool `json:"accept"`
	}
}

type carrierInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		OrganisationID string `json:"organisationId" maxLength:"64" doc:"空字符串表示取消 Empty to clear"`
	}
}

func registerPlans(api huma.API, svc *service.Service) {
	const tag = "plans"
	view := func(ctx context.Context, needID string) (*planOutput, error) {
		v, err := svc.Needs().Plan(ctx, actorFrom(ctx), needID)
		if err != nil {
			return nil, err
		}
		return &planOutput{Body: planDTO(v)}, nil
	}
	huma.Register(api, op("get-plan", http.MethodGet, "/v1/needs/{id}/plan", tag,
		"联动方案（方案各方可见）The linkage plan (its parties)", true, 404),
		func(ctx context.Context, in *needIDInput) (*planOutput, error) { return view(ctx, in.ID) })

	huma.Register(api, created(op("add-plan-volunteer", http.MethodPost, "/v1/needs/{id}/plan/volunteers", tag,
		"加入志愿者（社区居委会）Place a volunteer (committee)", true, 403, 404, 409, 422)),
		func(ctx context.Context, in *addVolunteerInput) (*assignmentsOutput, error) {
			as, err := svc.Needs().AddVolunteer(ctx, actorFrom(ctx), in.ID, in.Body.VolunteerID, in.Body.OccurrenceIDs)
			if err != nil {
				return nil, err
			}
			out := &assignmentsOutput{}
			for _, a := range as {
				out.Body.Items = append(out.Body.Items, AssignmentDTO{ID: a.ID, OccurrenceID: a.OccurrenceID, VolunteerID: a.VolunteerID,
					PlaceNo: a.PlaceNo, Start: a.Window.Start, End: a.Window.End, Status: string(a.Status)})
			}
			return out, nil
		})

	huma.Register(api, op("remove-plan-volunteer", http.MethodDelete, "/v1/needs/{id}/plan/volunteers/{volunteerId}", tag,
		"移出志愿者（社区居委会）Remove a volunteer (committee)", true, 403, 404),
		func(ctx context.Context, in *removeVolunteerInput) (*planOutput, error) {
			if err := svc.Needs().RemoveVolunteer(ctx, actorFrom(ctx), in.ID, in.VolunteerID); err != nil {
				return nil, err
			}
			return view(ctx, in.ID)
		})

	huma.Register(api, op("propose-supervisor", http.MethodPut, "/v1/needs/{id}/plan/supervisor", tag,
		"邀请督导社工（社区居委会）Propose the supervising social worker (committee)", true, 403, 404, 409, 422),
		func(ctx context.Context, in *supervisorInput) (*planOutput, error) {
			if _, err := svc.Needs().ProposeSupervisor(ctx, actorFrom(ctx), in.ID, in.Body.SocialWorkerID); err != nil {
				return nil, err
			}
			return view(ctx, in.ID)
		})

	huma.Register(api, op("respond-supervision", http.MethodPost, "/v1/needs/{id}/plan/supervisor/response", tag,
		"督导社工接受或谢绝 The proposed supervisor accepts or declines", true, 404, 409, 422),
		func(ctx context.Context, in *supervisionResponseInput) (*planOutput, error) {
			if _, err := svc.Needs().RespondSupervision(ctx, actorFrom(ctx), in.ID, in.Body.Accept); err != nil {
				return nil, err
			}
			return view(ctx, in.ID)
		})

	huma.Register(api, op("set-plan-carrier", http.MethodPut, "/v1/needs/{id}/plan/organisation", tag,
		"指定承接机构（社区居委会）Name the carrying organisation (committee)", true, 403, 404, 409, 422),
		func(ctx context.Context, in *carrierInput) (*planOutput, error) {
			if _, err := svc.Needs().SetCarrier(ctx, actorFrom(ctx), in.ID, in.Body.OrganisationID); err != nil {
				return nil, err
			}
			return view(ctx, in.ID)
		})

	huma.Register(api, op("confirm-plan", http.MethodPost, "/v1/needs/{id}/plan/confirm", tag,
		"确认联动方案（社区居委会）Confirm the linkage plan (committee)", true, 403, 404, 409),
		func(ctx context.Context, in *needIDInput) (*planOutput, error) {
			if _, err := svc.Needs().ConfirmPlan(ctx, actorFrom(ctx), in.ID); err != nil {
				return nil, err
			}
			return view(ctx, in.ID)
		})
}
