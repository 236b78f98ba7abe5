package handlers

import (
	"context"
	"math"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/records"
)

// SupervisionSessionDTO is one supervision session (督导记录), seen by its
// supervisor and supervisee only.
type SupervisionSessionDTO struct {
	ID           string     `json:"id"`
	SupervisorID string     `json:"supervisorId"`
	SuperviseeID string     `json:"superviseeId"`
	NeedID       string     `json:"needId,omitempty"`
	Date         string     `json:"date" format:"date"`
	Minutes      int        `json:"minutes"`
	Hours        float64    `json:"hours"`
	Topic        string     `json:"topic"`
	Notes        string     `json:"notes" doc:"督导与被督导人双方可见 Visible to both parties"`
	Confirmed    bool       `json:"confirmed" doc:"被督导人已确认（计入督导时数）Confirmed by the supervisee (counts toward supervised hours)"`
	ConfirmedAt  *time.Time `json:"confirmedAt,omitempty"`
	CreatedAt    time.Time  `json:"createdAt"`
}

func sessionDTO(s *records.SupervisionSession) SupervisionSessionDTO {
	return SupervisionSessionDTO{ID: s.ID, SupervisorID: s.SupervisorID, SuperviseeID: s.SuperviseeID, NeedID: s.NeedID,
		Date: string(s.Date), Minutes: s.Minutes, Hours: math.Round(float64(s.Minutes)/60*100) / 100, Topic: s.Topic, Notes: s.Notes,
		Confirmed: s.Confirmed(), ConfirmedAt: s.ConfirmedAt, CreatedAt: s.CreatedAt}
}

type sessionOutput struct{ Body SupervisionSessionDTO }

type logSessionInput struct {
	Body struct {
		SuperviseeID string `json:"superviseeId" minLength:"1" maxLength:"64" doc:"被督导的志愿者或初级社工 The volunteer or junior social worker supervised"`
		NeedID       string `json:"needId,omitempty" maxLength:"64" doc:"督导志愿者时必填 Required when the supervisee is a volunteer"`
		Date         string `json:"date" pattern:"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" doc:"YYYY-MM-DD，不晚于今天 Not in the future"`
		Minutes      int    `json:"minutes" minimum:"15" maximum:"480"`
		Topic        string `json:"topic" minLength:"1" maxLength:"200"`
		Notes        string `json:"notes,omitempty" maxLength:"5000"`
	}
}

type listSessionsInput struct {
	Role string `query:"role" enum:"supervisor,supervisee" default:"supervisor" doc:"以督导或被督导人身份 As supervisor or as supervisee"`
	PageParams
}

type sessionIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

// SupervisionTotalsDTO counts sessions and hours.
type SupervisionTotalsDTO struct {
	Sessions          int     `json:"sessions"`
	Minutes           int     `json:"minutes"`
	Hours             float64 `json:"hours"`
	ConfirmedSessions int     `json:"confirmedSessions"`
	ConfirmedMinutes  int     `json:"confirmedMinutes"`
	ConfirmedHours    float64 `json:"confirmedHours"`
}

func totalsDTO(t records.SupervisionTotals) SupervisionTotalsDTO {
	return SupervisionTotalsDTO{Sessions: t.Sessions, Minutes: t.Minutes, Hours: t.Hours, ConfirmedSessions: t.Confirmed,
		ConfirmedMinutes: t.ConfirmedMinutes, ConfirmedHours: t.ConfirmedHours}
}

type summaryOutput struct {
	Body struct {
		Year            int                  `json:"year"`
		SupervisedHours float64              `json:"supervisedHours" doc:"已确认督导的时数（分钟/60）Hours of confirmed sessions (minutes/60)"`
		Supervised      SupervisionTotalsDTO `json:"supervised" doc:"作为被督导人 As supervisee"`
		Workload        SupervisionTotalsDTO `json:"workload" doc:"作为督导的工作量（全部记录）As supervisor: every session logged"`
	}
}

type yearInput struct {
	Year int `query:"year" minimum:"2000" maximum:"2100" doc:"缺省为今年 Default: this year"`
}

type feedbackInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Rating  int    `json:"rating" minimum:"1" maximum:"5"`
		Comment string `json:"comment,omitempty" maxLength:"1000" doc:"不得含服务对象姓名 No beneficiary names"`
		About   string `json:"about,omitempty" maxLength:"64" doc:"反馈针对的社会工作者；缺省为方案督导 The social worker it is about; default: the plan's supervisor"`
	}
}

// FeedbackDTO is the service-object feedback of one need.
type FeedbackDTO struct {
	NeedID  string    `json:"needId"`
	About   string    `json:"about"`
	Rating  int       `json:"rating"`
	Comment string    `json:"comment"`
	Year    int       `json:"year"`
	GivenAt time.Time `json:"givenAt"`
}

func feedbackDTO(f *records.NeedFeedback) FeedbackDTO {
	return FeedbackDTO{NeedID: f.NeedID, About: f.SocialWorkerID, Rating: f.Rating, Comment: f.Comment, Year: f.Year, GivenAt: f.GivenAt}
}

type feedbackOutput struct{ Body FeedbackDTO }

type appraisalInputInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Year      int    `json:"year" minimum:"2000" maximum:"2100"`
		Dimension string `json:"dimension" minLength:"1" maxLength:"64" doc:"appraisal_dimensions 词表代码（client_feedback 除外）An appraisal_dimensions code other than client_feedback"`
		Score     int    `json:"score" minimum:"1" maximum:"5"`
		Note      string `json:"note,omitempty" maxLength:"1000"`
	}
}

// AppraisalInputDTO is one score on one dimension.
type AppraisalInputDTO struct {
	ID        string    `json:"id"`
	Year      int       `json:"year"`
	Dimension string    `json:"dimension"`
	Score     int       `json:"score"`
	Note      string    `json:"note"`
	GivenBy   string    `json:"givenBy"`
	GivenAs   string    `json:"givenAs" enum:"civil_affairs,org_admin"`
	GivenAt   time.Time `json:"givenAt"`
}

func appraisalInputDTO(a *records.AppraisalInput) AppraisalInputDTO {
	return AppraisalInputDTO{ID: a.ID, Year: a.Year, Dimension: a.Dimension, Score: a.Score, Note: a.Note, GivenBy: a.GivenBy,
		GivenAs: string(a.GivenAs), GivenAt: a.GivenAt}
}

type appraisalInputOutput struct{ Body AppraisalInputDTO }

type appraisalQuery struct {
	ID   string `path:"id" maxLength:"64"`
	Year int    `query:"year" minimum:"2000" maximum:"2100" doc:"缺省为今年 Default: this year"`
}

// AppraisalDimensionDTO is one of the six dimensions.
type AppraisalDimensionDTO struct {
	Code     string              `json:"code"`
	Zh       string              `json:"zh"`
	En       string              `json:"en"`
	Computed bool                `json:"computed" doc:"由社区服务对象反馈汇总 Computed from the committees' feedback"`
	Count    int                 `json:"count"`
	Average  float64             `json:"average" doc:"平均分（无数据为 0）Average score (0 when none)"`
	Inputs   []AppraisalInputDTO `json:"inputs"`
	Feedback []FeedbackDTO       `json:"feedback"`
}

type appraisalOutput struct {
	Body struct {
		SocialWorkerID string                  `json:"socialWorkerId"`
		Year           int                     `json:"year"`
		Dimensions     []AppraisalDimensionDTO `json:"dimensions"`
	}
}

func registerSupervision(api huma.API, svc *service.Service) {
	const tag = "supervision"
	huma.Register(api, created(op("log-supervision-session", http.MethodPost, "/v1/supervision-sessions", tag,
		"记录督导（督导社工）Log a supervision session (supervising social worker)", true, 403, 422)),
		func(ctx context.Context, in *logSessionInput) (*sessionOutput, error) {
			b := in.Body
			s, err := svc.Records().LogSession(ctx, actorFrom(ctx), records.SessionInput{SuperviseeID: b.SuperviseeID, NeedID: b.NeedID,
				Date: b.Date, Minutes: b.Minutes, Topic: b.Topic, Notes: b.Notes})
			if err != nil {
				return nil, err
			}
			return &sessionOutput{Body: sessionDTO(s)}, nil
		})

	huma.Register(api, op("list-supervision-sessions", http.MethodGet, "/v1/supervision-sessions", tag,
		"本人的督导记录 The caller's supervision sessions", true),
		func(ctx context.Context, in *listSessionsInput) (*listOutput[SupervisionSessionDTO], error) {
			list, next, err := svc.Records().SupervisionSessions(ctx, actorFrom(ctx), in.Role != "supervisee", service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, sessionDTO)
		})

	huma.Register(api, op("get-supervision-session", http.MethodGet, "/v1/supervision-sessions/{id}", tag,
		"一条督导记录（督导与被督导人）A supervision session (its two parties)", true, 404),
		func(ctx context.Context, in *sessionIDInput) (*sessionOutput, error) {
			s, err := svc.Records().SupervisionSession(ctx, actorFrom(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return &sessionOutput{Body: sessionDTO(s)}, nil
		})

	huma.Register(api, op("confirm-supervision-session", http.MethodPost, "/v1/supervision-sessions/{id}/confirmation", tag,
		"确认督导记录（被督导人，仅一次）Confirm a session (the supervisee, once)", true, 403, 404, 409),
		func(ctx context.Context, in *sessionIDInput) (*sessionOutput, error) {
			s, err := svc.Records().ConfirmSession(ctx, actorFrom(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return &sessionOutput{Body: sessionDTO(s)}, nil
		})

	huma.Register(api, op("my-supervision-summary", http.MethodGet, "/v1/me/supervision-summary", tag,
		"本人年度督导时数与督导工作量 The caller's supervised hours and supervision workload for a year", true),
		func(ctx context.Context, in *yearInput) (*summaryOutput, error) {
			s, err := svc.Records().MySupervisionSummary(ctx, actorFrom(ctx), in.Year)
			if err != nil {
				return nil, err
			}
			out := &summaryOutput{}
			out.Body.Year, out.Body.SupervisedHours = s.Year, s.Supervised.ConfirmedHours
			out.Body.Supervised, out.Body.Workload = totalsDTO(s.Supervised), totalsDTO(s.Workload)
			return out, nil
		})

	huma.Register(api, created(op("give-need-feedback", http.MethodPost, "/v1/needs/{id}/feedback", "appraisal",
		"服务对象反馈意见（社区居委会，需求完成后，每个需求一次）Service-object feedback (the committee, after completion, once per need)", true, 403, 404, 409, 422)),
		func(ctx context.Context, in *feedbackInput) (*feedbackOutput, error) {
			f, err := svc.Records().GiveFeedback(ctx, actorFrom(ctx), in.ID, records.FeedbackInput{Rating: in.Body.Rating, Comment: in.Body.Comment,
				SocialWorkerID: in.Body.About})
			if err != nil {
				return nil, err
			}
			return &feedbackOutput{Body: feedbackDTO(f)}, nil
		})

	huma.Register(api, created(op("add-appraisal-input", http.MethodPost, "/v1/social-workers/{id}/appraisal-inputs", "appraisal",
		"填写考核评分（用人单位或主管民政）Add an appraisal score (the employer or the civil affairs governing it)", true, 403, 404, 422)),
		func(ctx context.Context, in *appraisalInputInput) (*appraisalInputOutput, error) {
			b := in.Body
			a, err := svc.AddAppraisalInput(ctx, actorFrom(ctx), in.ID, service.AppraisalInputRequest{Year: b.Year, Dimension: b.Dimension,
				Score: b.Score, Note: b.Note})
			if err != nil {
				return nil, err
			}
			return &appraisalInputOutput{Body: appraisalInputDTO(a)}, nil
		})

	huma.Register(api, op("social-worker-appraisal", http.MethodGet, "/v1/social-workers/{id}/appraisal", "appraisal",
		"年度考核六项内容（本人、用人单位、主管民政）The six appraisal dimensions of a year (the worker, the employer, civil affairs)", true, 404),
		func(ctx context.Context, in *appraisalQuery) (*appraisalOutput, error) {
			a, err := svc.Appraisal(ctx, actorFrom(ctx), in.ID, in.Year)
			if err != nil {
				return nil, err
			}
			out := &appraisalOutput{}
			out.Body.SocialWorkerID, out.Body.Year = a.SocialWorkerID, a.Year
			for _, d := range a.Dimensions {
				dd := AppraisalDimensionDTO{Code: d.Code, Zh: d.Zh, En: d.En, Computed: d.Computed, Count: d.Count, Average: d.Average,
					Inputs: []AppraisalInputDTO{}, Feedback: []FeedbackDTO{}}
				for _, x := range d.Inputs {
					dd.Inputs = append(dd.Inputs, appraisalInputDTO(x))
				}
				for _, f := range d.Feedback {
					dd.Feedback = append(dd.Feedback, feedbackDTO(f))
				}
				out.Body.Dimensions = append(out.Body.Dimensions, dd)
			}
			return out, nil
		})
}
