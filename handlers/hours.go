package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/records"
)

// HoursRecordDTO is one version of a volunteer's hours at one occurrence.
type HoursRecordDTO struct {
	ID           string     `json:"id"`
	NeedID       string     `json:"needId"`
	OccurrenceID string     `json:"occurrenceId"`
	VolunteerID  string     `json:"volunteerId"`
	Version      int        `json:"version"`
	Date         string     `json:"date"`
	Hours        float64    `json:"hours" doc:"签到至签退，限于服务时段前后各 30 分钟，按 15 分钟向下取整 Check-in to check-out within the window ±30 min, rounded down to quarter hours"`
	Domain       string     `json:"domain"`
	Supervised   bool       `json:"supervised"`
	Source       string     `json:"source" enum:"checkin,marked,self_report,revision"`
	Status       string     `json:"status" enum:"pending,verified,rejected"`
	VerifiedBy   string     `json:"verifiedBy,omitempty"`
	VerifierName string     `json:"verifierName,omitempty"`
	VerifierOrg  string     `json:"verifierOrg,omitempty" doc:"出具证明的社区或机构（谁记录谁证明）The committee or organisation that certifies"`
	VerifiedAt   *time.Time `json:"verifiedAt,omitempty"`
	RejectReason string     `json:"rejectReason,omitempty"`
	// In the verification queue only: who and what, so a committee need not look each one up.
	VolunteerName string `json:"volunteerName,omitempty" doc:"待核实列表中提供 In the pending list"`
	NeedTitle     string `json:"needTitle,omitempty" doc:"待核实列表中提供 In the pending list"`
}

func hoursDTO(r *models.HoursRecord) HoursRecordDTO {
	return HoursRecordDTO{ID: r.ID, NeedID: r.NeedID, OccurrenceID: r.OccurrenceID, VolunteerID: r.VolunteerID, Version: r.Version,
		Date: r.Date, Hours: r.Hours, Domain: r.Domain, Supervised: r.Supervised, Source: r.Source, Status: string(r.Status),
		VerifiedBy: r.VerifiedBy, VerifierName: r.VerifierName, VerifierOrg: r.VerifierOrg, VerifiedAt: r.VerifiedAt, RejectReason: r.RejectReason}
}

type codeInput struct {
	OccurrenceID string `query:"occurrenceId" required:"true" minLength:"1" maxLength:"100"`
}

type codeOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         struct {
		Code      string    `json:"code" doc:"当前签到码，每 5 分钟更换 The current code; it changes every 5 minutes"`
		ChangesAt time.Time `json:"changesAt"`
	}
}

type presenceInput struct {
	Body struct {
		OccurrenceID string       `json:"occurrenceId" minLength:"1" maxLength:"100"`
		Code         string       `json:"code" pattern:"^[0-9]{6}$" patternDescription:"6 位签到码 (6-digit code)"`
		Location     models.Point `json:"location" doc:"手机当前位置 GCJ-02 The phone's position"`
	}
}

type attendanceOutput struct {
	Body struct {
		OccurrenceID string    `json:"occurrenceId"`
		CheckinAt    time.Time `json:"checkinAt"`
	}
}

type hoursOutput struct{ Body HoursRecordDTO }

type markInput struct {
	Body struct {
		OccurrenceID string `json:"occurrenceId" minLength:"1" maxLength:"100"`
		Marks        []struct {
			VolunteerID string    `json:"volunteerId" minLength:"1" maxLength:"64"`
			Checkin     time.Time `json:"checkin"`
			Checkout    time.Time `json:"checkout"`
		} `json:"marks" minItems:"1" maxItems:"500"`
	}
}

type markOutput struct {
	Body struct {
		Records  []HoursRecordDTO `json:"records"`
		Problems []*ErrorModel    `json:"problems" doc:"未记录的行及原因 Lines not recorded, and why"`
	}
}

type verifyHoursInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Approve bool   `json:"approve"`
		Reason  string `json:"reason,omitempty" maxLength:"500" doc:"驳回原因 Why it is rejected"`
	}
}

type pendingInput struct {
	Community string `query:"community" pattern:"^[0-9]{12}$"`
	PageParams
}

type myHoursInput struct {
	PageParams
}

func registerHours(api huma.API, svc *service.Service) {
	const tag = "hours"
	huma.Register(api, op("checkin-code", http.MethodGet, "/v1/attendance/code", tag,
		"当前签到码（社区或督导的屏幕）The rotating check-in code (committee or supervisor screen)", true, 403, 422),
		func(ctx context.Context, in *codeInput) (*codeOutput, error) {
			code, next, err := svc.Records().CheckinCode(ctx, actorFrom(ctx), in.OccurrenceID)
			if err != nil {
				return nil, err
			}
			out := &codeOutput{CacheControl: "no-store"}
			out.Body.Code, out.Body.ChangesAt = code, next
			return out, nil
		})
	huma.Register(api, op("checkin", http.MethodPost, "/v1/me/attendance/checkin", tag,
		"签到（签到码与位置）Check in with the code and position", true, 403, 409, 422),
		func(ctx context.Context, in *presenceInput) (*attendanceOutput, error) {
			a, err := svc.Records().CheckIn(ctx, actorFrom(ctx), records.Presence{OccurrenceID: in.Body.OccurrenceID, Code: in.Body.Code, At: in.Body.Location})
			if err != nil {
				return nil, err
			}
			out := &attendanceOutput{}
			out.Body.OccurrenceID, out.Body.CheckinAt = a.OccurrenceID, a.CheckinAt
			return out, nil
		})
	huma.Register(api, op("checkout", http.MethodPost, "/v1/me/attendance/checkout", tag,
		"签退并记录服务时长（待核实）Check out; the hours are recorded pending verification", true, 403, 409, 422),
		func(ctx context.Context, in *presenceInput) (*hoursOutput, error) {
			r, err := svc.Records().CheckOut(ctx, actorFrom(ctx), records.Presence{OccurrenceID: in.Body.OccurrenceID, Code: in.Body.Code, At: in.Body.Location})
			if err != nil {
				return nil, err
			}
			return &hoursOutput{Body: hoursDTO(r)}, nil
		})
	huma.Register(api, op("mark-attendance", http.MethodPost, "/v1/attendance/marks", tag,
		"批量登记出勤（含临时到场者）Mark attendance in bulk, walk-ins included", true, 403, 422),
		func(ctx context.Context, in *markInput) (*markOutput, error) {
			marks := make([]records.Mark, len(in.Body.Marks))
			for i, m := range in.Body.Marks {
				marks[i] = records.Mark{VolunteerID: m.VolunteerID, Checkin: m.Checkin, Checkout: m.Checkout}
			}
			recs, errs, err := svc.Records().MarkAttendance(ctx, actorFrom(ctx), in.Body.OccurrenceID, marks)
			if err != nil {
				return nil, err
			}
			out := &markOutput{}
			out.Body.Records = make([]HoursRecordDTO, len(recs))
			for i, r := range recs {
				out.Body.Records[i] = hoursDTO(r)
			}
			out.Body.Problems = []*ErrorModel{}
			for _, e := range errs {
				out.Body.Problems = append(out.Body.Problems, problem(ctx, 0, "", englishFrom(ctx), []error{e}, func(string, string) {}))
			}
			return out, nil
		})
	huma.Register(api, op("verify-hours", http.MethodPost, "/v1/hours/{id}/verification", tag,
		"核实或驳回服务时长（社区或督导，不可自证）Verify or reject hours (committee or supervisor; never one's own)", true, 403, 404, 409, 422),
		func(ctx context.Context, in *verifyHoursInput) (*hoursOutput, error) {
			r, err := svc.Records().VerifyHours(ctx, actorFrom(ctx), in.ID, in.Body.Approve, in.Body.Reason)
			if err != nil {
				return nil, err
			}
			return &hoursOutput{Body: hoursDTO(r)}, nil
		})
	huma.Register(api, op("pending-hours", http.MethodGet, "/v1/hours/pending", tag,
		"待核实的服务时长（社区）Hours waiting for verification (committee)", true, 403, 422),
		func(ctx context.Context, in *pendingInput) (*listOutput[HoursRecordDTO], error) {
			q, next, err := svc.Records().PendingQueue(ctx, actorFrom(ctx), in.Community, service.Page{Cursor: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, err
			}
			return listOf(q.Records, next, func(r *models.HoursRecord) HoursRecordDTO {
				d := hoursDTO(r)
				d.VolunteerName, d.NeedTitle = q.VolunteerNames[r.VolunteerID], q.NeedTitles[r.NeedID]
				return d
			}), nil
		})
	registerHoursCorrections(api, svc)
	registerBulkVerify(api, svc)
	huma.Register(api, op("my-hours", http.MethodGet, "/v1/me/hours", tag,
		"我的服务时长记录 My service hours", true),
		func(ctx context.Context, in *myHoursInput) (*listOutput[HoursRecordDTO], error) {
			list, next, err := svc.Records().MyHours(ctx, actorFrom(ctx), service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, hoursDTO)
		})
}

type selfReportInput struct {
	Body struct {
		OccurrenceID string  `json:"occurrenceId" minLength:"1" maxLength:"100"`
		Hours        float64 `json:"hours" minimum:"0.25" maximum:"25"`
	}
}

type reviseInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Hours  float64 `json:"hours" minimum:"0.25" maximum:"24"`
		Reason string  `json:"reason" minLength:"1" maxLength:"1000"`
	}
}

type disputeInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Reason string `json:"reason" minLength:"4" maxLength:"1000"`
	}
}

type hoursIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

// HoursTrailDTO is a record with every step taken on it.
type HoursTrailDTO struct {
	Record HoursRecordDTO  `json:"record"`
	Trail  []TransitionDTO `json:"trail"`
}

type hoursTrailOutput struct{ Body HoursTrailDTO }

func registerHoursCorrections(api huma.API, svc *service.Service) {
	const tag = "hours"
	huma.Register(api, created(op("self-report-hours", http.MethodPost, "/v1/me/hours", tag,
		"自报服务时长（服务结束后，待核实）Report hours for a past occurrence (pending verification)", true, 403, 409, 422)),
		func(ctx context.Context, in *selfReportInput) (*hoursOutput, error) {
			r, err := svc.Records().SelfReport(ctx, actorFrom(ctx), in.Body.OccurrenceID, in.Body.Hours)
			if err != nil {
				return nil, err
			}
			return &hoursOutput{Body: hoursDTO(r)}, nil
		})
	huma.Register(api, created(op("revise-hours", http.MethodPost, "/v1/hours/{id}/revisions", tag,
		"更正已处理的记录：新增版本，原版本保留 Revise a decided record: a new version, the old one kept", true, 403, 404, 409, 422)),
		func(ctx context.Context, in *reviseInput) (*hoursOutput, error) {
			r, err := svc.Records().ReviseHours(ctx, actorFrom(ctx), in.ID, in.Body.Hours, in.Body.Reason)
			if err != nil {
				return nil, err
			}
			return &hoursOutput{Body: hoursDTO(r)}, nil
		})
	huma.Register(api, op("dispute-hours", http.MethodPost, "/v1/hours/{id}/disputes", tag,
		"对记录提出异议（志愿者本人）Dispute a decided record (the volunteer)", true, 404, 409, 422),
		func(ctx context.Context, in *disputeInput) (*hoursTrailOutput, error) {
			if err := svc.Records().DisputeHours(ctx, actorFrom(ctx), in.ID, in.Body.Reason); err != nil {
				return nil, err
			}
			return hoursTrail(ctx, svc, in.ID)
		})
	huma.Register(api, op("get-hours", http.MethodGet, "/v1/hours/{id}", tag,
		"一条记录及其处理经过 A record and its trail", true, 404),
		func(ctx context.Context, in *hoursIDInput) (*hoursTrailOutput, error) {
			return hoursTrail(ctx, svc, in.ID)
		})
}

func hoursTrail(ctx context.Context, svc *service.Service, id string) (*hoursTrailOutput, error) {
	r, trail, err := svc.Records().HoursTrail(ctx, actorFrom(ctx), id)
	if err != nil {
		return nil, err
	}
	return &hoursTrailOutput{Body: HoursTrailDTO{Record: hoursDTO(r), Trail: nonNil(transitionDTOs(trail))}}, nil
}

type bulkVerifyInput struct {
	Body struct {
		IDs     []string `json:"ids" minItems:"1" maxItems:"200"`
		Approve bool     `json:"approve"`
		Reason  string   `json:"reason,omitempty" maxLength:"500"`
	}
}

// VerifyResultDTO is the decision on one record of a bulk verification.
type VerifyResultDTO struct {
	ID      string          `json:"id"`
	Record  *HoursRecordDTO `json:"record,omitempty"`
	Problem *ErrorModel     `json:"problem,omitempty"`
}

type bulkVerifyOutput struct {
	Body struct {
		Results []VerifyResultDTO `json:"results"`
	}
}

func registerBulkVerify(api huma.API, svc *service.Service) {
	huma.Register(api, op("verify-hours-bulk", http.MethodPost, "/v1/hours/verification", "hours",
		"批量核实或驳回服务时长 Verify or reject many records at once", true, 422),
		func(ctx context.Context, in *bulkVerifyInput) (*bulkVerifyOutput, error) {
			res, err := svc.Records().VerifyHoursBulk(ctx, actorFrom(ctx), in.Body.IDs, in.Body.Approve, in.Body.Reason)
			if err != nil {
				return nil, err
			}
			out := &bulkVerifyOutput{}
			out.Body.Results = make([]VerifyResultDTO, len(res))
			for i, r := range res {
				d := VerifyResultDTO{ID: r.ID}
				if r.Record != nil {
					h := hoursDTO(r.Record)
					d.Record = &h
				}
				if r.Err != nil {
					d.Problem = problem(ctx, 0, "", englishFrom(ctx), []error{r.Err}, func(string, string) {})
				}
				out.Body.Results[i] = d
			}
			return out, nil
		})
}
