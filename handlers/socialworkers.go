package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/parties"
)

// CertificateDTO is a social worker's qualification certificate and its verification.
type CertificateDTO struct {
	Level        string     `json:"level" doc:"certificate_levels"`
	Number       string     `json:"number,omitempty" doc:"证书编号；仅本人、聘用机构管理员与民政可见 Shown to the owner, the employer's admins and civil affairs"`
	IssuedOn     string     `json:"issuedOn" doc:"YYYY-MM-DD"`
	Verification string     `json:"verification" enum:"pending,verified,rejected" doc:"民政核验状态 Civil affairs' verification"`
	VerifiedAt   *time.Time `json:"verifiedAt,omitempty"`
	Note         string     `json:"note,omitempty"`
}

// SocialWorkerDTO is a social worker's professional profile. The phone is
// exact only for the owner, the employer's admins and civil affairs
// governing the worker, who also see the certificate number, the base
// point and the weekly availability.
type SocialWorkerDTO struct {
	AccountID             string              `json:"accountId"`
	Name                  string              `json:"name"`
	Phone                 string              `json:"phone" doc:"其他人看到掩码 Masked for everyone else"`
	Certificate           *CertificateDTO     `json:"certificate,omitempty"`
	Post                  *models.PostTitle   `json:"post,omitempty" doc:"专业技术岗位 Professional post"`
	ProfessionalPostGrade int                 `json:"professionalPostGrade,omitempty" doc:"专业技术岗位等级 5–13（数字越小越高）Professional-technical post grade, 5–13, lower is higher"`
	EmployerOrgID         string              `json:"employerOrgId"`
	StationTownCode       string              `json:"stationTownCode,omitempty" doc:"驻站乡镇（街道）Station township"`
	Domains               []string            `json:"domains"`
	Supervisor            bool                `json:"supervisor" doc:"在市级督导人才库或区县督导队伍中 In the city supervisor pool or a county team"`
	SupervisorTier        string              `json:"supervisorTier,omitempty" enum:"city,county" doc:"supervisor_tiers"`
	SupervisorCounty      string              `json:"supervisorCounty,omitempty" doc:"区县督导队伍所属区县 The county team's county"`
	SupervisorCohort      int                 `json:"supervisorCohort,omitempty" doc:"百名社工督导培养工程批次年份 The hundred-supervisors programme cohort year"`
	FrontLine             *WorkDurationDTO    `json:"frontLine,omitempty" doc:"入库时已核实的一线社会工作年限 Verified front-line experience at admission"`
	CaseloadCap           int                 `json:"caseloadCap" doc:"督导个案上限 Supervision caseload cap"`
	Availability          map[string][]string `json:"availability,omitempty" doc:"每周可服务时段（北京时间）Weekly availability, Asia/Shanghai"`
	Base                  *models.Point       `json:"base,omitempty" doc:"常驻地点（GCJ-02）Base point"`
	CreatedAt             time.Time           `json:"createdAt"`
	UpdatedAt             time.Time           `json:"updatedAt"`
}

func socialWorkerDTO(w *parties.SocialWorkerView) SocialWorkerDTO {
	d := SocialWorkerDTO{AccountID: w.AccountID, Name: w.Name, Phone: w.Phone, Post: w.Post, ProfessionalPostGrade: w.PostGrade,
		EmployerOrgID: w.EmployerOrgID, StationTownCode: w.StationTownCode, Domains: nonNil(w.Domains), Supervisor: w.Supervisor,
		SupervisorTier: w.SupervisorTier, SupervisorCounty: w.SupervisorCounty, SupervisorCohort: w.SupervisorCohort,
		CaseloadCap: w.CaseloadCap, Base: w.Base, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
	if w.Supervisor {
		d.FrontLine = &WorkDurationDTO{Years: w.FrontLine.Years, Months: w.FrontLine.Months, Days: w.FrontLine.Days}
	}
	if c := w.Certificate; c != nil {
		d.Certificate = &CertificateDTO{Level: string(c.Level), Number: c.Number, IssuedOn: c.IssuedOn, Verification: c.Verification,
			VerifiedAt: c.VerifiedAt, Note: c.Note}
	}
	if w.Full {
		d.Availability = weekGridDTO(w.Availability)
	}
	return d
}

// CertificateBody is the certificate a social worker says they hold.
type CertificateBody struct {
	Level    string `json:"level" maxLength:"64" doc:"certificate_levels"`
	Number   string `json:"number" maxLength:"64" doc:"证书编号 Certificate number"`
	IssuedOn string `json:"issuedOn" doc:"发证日期 YYYY-MM-DD Issue date"`
}

// SocialWorkerBody is what a social worker sends for their own profile.
// The employer is the organisation that employs them (their binding).
type SocialWorkerBody struct {
	Certificate     *CertificateBody    `json:"certificate,omitempty" doc:"新的或变更的证书需民政重新核验 A new or changed certificate goes back to pending"`
	Post            *models.PostTitle   `json:"post,omitempty" doc:"须与所持证书相符 Must match the certificate held"`
	StationTownCode string              `json:"stationTownCode,omitempty" pattern:"^[0-9]{9}$" doc:"驻站乡镇（街道），须已设站 Station township; it must have a station"`
	Domains         []string            `json:"domains,omitempty" maxItems:"20" doc:"domains vocabulary"`
	Availability    map[string][]string `json:"availability,omitempty" maxProperties:"7" doc:"如 {\"mon\":[\"08:00-12:00\"]} e.g. {\"mon\":[\"08:00-12:00\"]}"`
	Base            *models.Point       `json:"base,omitempty" doc:"常驻地点（GCJ-02，郑州市内）Base point, inside Zhengzhou"`
}

func (b SocialWorkerBody) input() parties.SocialWorkerInput {
	in := parties.SocialWorkerInput{Post: b.Post, StationTownCode: b.StationTownCode, Domains: b.Domains,
		Availability: b.Availability, Base: b.Base}
	if c := b.Certificate; c != nil {
		in.Certificate = &parties.CertificateInput{Level: models.CertificateLevel(c.Level), Number: c.Number, IssuedOn: c.IssuedOn}
	}
	return in
}

type putSocialWorkerInput struct {
	Body SocialWorkerBody
}

type socialWorkerOutput struct{ Body SocialWorkerDTO }

type socialWorkerIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

type certificateDecisionInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Decision string `json:"decision" enum:"verified,rejected" doc:"核验结论 Decision"`
		Note     string `json:"note,omitempty" maxLength:"500"`
	}
}

type supervisorPoolInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		InPool      bool   `json:"inPool" doc:"进入或退出督导人才库 Join or leave the supervisor pool; joining needs 3 years of verified front-line employment"`
		CaseloadCap int    `json:"caseloadCap,omitempty" minimum:"1" maximum:"50" doc:"督导个案上限 1–50，进入时必填 Caseload cap 1–50, required to join"`
		Tier        string `json:"tier,omitempty" enum:"city,county" doc:"市级人才库或区县队伍；默认：市级民政为市级，区县民政为本区县 City pool or county team; default: the city pool for the city's civil affairs, else the caller's county team"`
		CountyCode  string `json:"countyCode,omitempty" pattern:"^[0-9]{6}$" doc:"区县队伍所属区县 The county team's county"`
		Cohort      int    `json:"cohort,omitempty" minimum:"2010" maximum:"2100" doc:"百名社工督导培养工程批次年份 The programme cohort year"`
	}
}

type listSocialWorkersInput struct {
	Organisation string `query:"organisation" maxLength:"64" doc:"聘用机构 Employer organisation id"`
	Station      string `query:"station" pattern:"^[0-9]{9}$" doc:"驻站乡镇（街道）Station township"`
	Division     string `query:"division" pattern:"^[0-9]{4,12}$" doc:"驻站或常驻地点在该区划内 Station or base inside this division"`
	Supervisor   string `query:"supervisor" enum:"true,false" doc:"是否在督导人才库 In the supervisor pool or not"`
	MinLevel     string `query:"minLevel" enum:"assistant_social_worker,social_worker,senior_social_worker" doc:"已核验证书不低于该等级 Verified certificate at least this level"`
	PageParams
}

func registerSocialWorkers(api huma.API, svc *service.Service) {
	const tag = "social-workers"
	huma.Register(api, op("get-my-social-worker-profile", http.MethodGet, "/v1/me/social-worker-profile", tag,
		"我的社工档案 My social-worker profile", true, 404),
		func(ctx context.Context, _ *struct{}) (*socialWorkerOutput, error) {
			w, err := svc.Parties().MySocialWorkerProfile(ctx, actorFrom(ctx))
			if err != nil {
				return nil, err
			}
			return &socialWorkerOutput{Body: socialWorkerDTO(w)}, nil
		})

	huma.Register(api, described(op("put-my-social-worker-profile", http.MethodPut, "/v1/me/social-worker-profile", tag,
		"填写或替换我的社工档案 Create or replace my social-worker profile", true, 403, 422), putDescription("我的社工档案")),
		func(ctx context.Context, in *putSocialWorkerInput) (*socialWorkerOutput, error) {
			w, err := svc.Parties().SaveMySocialWorkerProfile(ctx, actorFrom(ctx), in.Body.input())
			if err != nil {
				return nil, err
			}
			return &socialWorkerOutput{Body: socialWorkerDTO(w)}, nil
		})

	huma.Register(api, op("list-social-workers", http.MethodGet, "/v1/social-workers", tag,
		"社会工作者列表（手机号掩码）List social workers (phones masked)", true, 422),
		func(ctx context.Context, in *listSocialWorkersInput) (*listOutput[SocialWorkerDTO], error) {
			f := parties.SocialWorkerFilter{OrganisationID: in.Organisation, StationTownCode: in.Station, Division: in.Division,
				MinLevel: models.CertificateLevel(in.MinLevel)}
			if in.Supervisor != "" {
				supervisor := in.Supervisor == "true"
				f.Supervisor = &supervisor
			}
			list, next, err := svc.Parties().ListSocialWorkers(ctx, actorFrom(ctx), f, service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, socialWorkerDTO)
		})

	huma.Register(api, op("get-social-worker", http.MethodGet, "/v1/social-workers/{id}", tag,
		"一位社会工作者的专业档案 A social worker's professional profile", true, 404),
		func(ctx context.Context, in *socialWorkerIDInput) (*socialWorkerOutput, error) {
			w, err := svc.Parties().SocialWorker(ctx, actorFrom(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return &socialWorkerOutput{Body: socialWorkerDTO(w)}, nil
		})

	huma.Register(api, op("verify-social-worker-certificate", http.MethodPost, "/v1/social-workers/{id}/certificate-verification", tag,
		"核验社工证书（民政部门）Verify a certificate (civil affairs)", true, 403, 404, 422),
		func(ctx context.Context, in *certificateDecisionInput) (*socialWorkerOutput, error) {
			w, err := svc.Parties().VerifyCertificate(ctx, actorFrom(ctx), in.ID, parties.CertificateDecision{Decision: in.Body.Decision, Note: in.Body.Note})
			if err != nil {
				return nil, err
			}
			return &socialWorkerOutput{Body: socialWorkerDTO(w)}, nil
		})

	huma.Register(api, op("set-supervisor-pool", http.MethodPost, "/v1/social-workers/{id}/supervisor-pool", tag,
		"进入或退出督导人才库（民政部门）Join or leave the supervisor pool (civil affairs)", true, 403, 404, 422),
		func(ctx context.Context, in *supervisorPoolInput) (*socialWorkerOutput, error) {
			w, err := svc.Parties().SetSupervisorPool(ctx, actorFrom(ctx), in.ID, parties.PoolChange{InPool: in.Body.InPool, CaseloadCap: in.Body.CaseloadCap,
				Tier: in.Body.Tier, CountyCode: in.Body.CountyCode, Cohort: in.Body.Cohort})
			if err != nil {
				return nil, err
			}
			return &socialWorkerOutput{Body: socialWorkerDTO(w)}, nil
		})
}
