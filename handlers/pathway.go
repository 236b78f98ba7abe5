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

// TrainingDTO is one training record (continuing education).
type TrainingDTO struct {
	ID          string     `json:"id"`
	AccountID   string     `json:"accountId"`
	Course      string     `json:"course"`
	Provider    string     `json:"provider"`
	Category    string     `json:"category" enum:"course,workshop,conference,supervision,degree,online"`
	Hours       float64    `json:"hours"`
	Date        string     `json:"date"`
	EvidenceURL string     `json:"evidenceUrl,omitempty"`
	Status      string     `json:"status" enum:"pending,verified,rejected" doc:"仅已核实的学时计入继续教育 Only verified hours count"`
	VerifiedBy  string     `json:"verifiedBy,omitempty"`
	VerifiedAt  *time.Time `json:"verifiedAt,omitempty"`
	Note        string     `json:"note,omitempty"`
	CreatedAt   time.Time  `json:"createdAt"`
}

func trainingDTO(r *records.TrainingRecord) TrainingDTO {
	return TrainingDTO{ID: r.ID, AccountID: r.AccountID, Course: r.Course, Provider: r.Provider, Category: r.Category, Hours: r.Hours,
		Date: r.Date, EvidenceURL: r.EvidenceURL, Status: r.Status, VerifiedBy: r.VerifiedBy, VerifiedAt: r.VerifiedAt, Note: r.Note,
		CreatedAt: r.CreatedAt}
}

type trainingInput struct {
	Body struct {
		Course      string  `json:"course" minLength:"1" maxLength:"200" doc:"课程名称 Course"`
		Provider    string  `json:"provider" minLength:"1" maxLength:"200" doc:"举办单位 Provider"`
		Category    string  `json:"category" enum:"course,workshop,conference,supervision,degree,online" doc:"培训课程、工作坊、学术会议、专业督导、学历学位教育、网络学习 Category"`
		Hours       float64 `json:"hours" minimum:"0.5" maximum:"500" multipleOf:"0.5" doc:"学时 Hours"`
		Date        string  `json:"date" doc:"YYYY-MM-DD"`
		EvidenceURL string  `json:"evidenceUrl,omitempty" format:"uri" maxLength:"500" doc:"证明材料链接 Evidence link"`
	}
}

type trainingOutput struct{ Body TrainingDTO }

type decisionBody struct {
	Verified bool   `json:"verified" doc:"核实（true）或不予核实（false）Verified or rejected"`
	Note     string `json:"note,omitempty" maxLength:"500"`
}

type trainingDecisionInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body decisionBody
}

// EducationBody is one education entry.
type EducationBody struct {
	Level           string `json:"level" enum:"high_school,junior_college,bachelor,master,doctorate" doc:"education_levels"`
	SocialWorkMajor bool   `json:"socialWorkMajor" doc:"社会工作专业 Social-work major"`
	GraduatedOn     string `json:"graduatedOn" doc:"毕业（或预计毕业）日期 YYYY-MM-DD Graduation date, or expected"`
}

// EmploymentBody is one period of social-work employment.
type EmploymentBody struct {
	Employer      string `json:"employer" minLength:"1" maxLength:"200" doc:"工作单位 Employer"`
	EmployerOrgID string `json:"employerOrgId,omitempty" maxLength:"64" doc:"工作单位在平台上的机构 id（其管理员可出具证明）The employer's organisation id, whose admins may confirm it"`
	Start         string `json:"start" doc:"YYYY-MM-DD"`
	End           string `json:"end,omitempty" doc:"YYYY-MM-DD；在职留空 Empty while ongoing"`
}

// ExamBody is one exam attempt.
type ExamBody struct {
	Subject string  `json:"subject" minLength:"1" maxLength:"100" doc:"科目 Subject"`
	Year    int     `json:"year" minimum:"2008" maximum:"2100"`
	Score   float64 `json:"score" minimum:"0" maximum:"150"`
	Passed  bool    `json:"passed"`
}

// EmploymentDTO is an employment period with its proof status.
type EmploymentDTO struct {
	EmploymentBody
	Proof      string     `json:"proof" enum:"pending,verified,rejected" doc:"用人单位证明的核实状态；仅已核实的年限计入 Only verified periods count"`
	VerifiedBy string     `json:"verifiedBy,omitempty"`
	VerifiedAt *time.Time `json:"verifiedAt,omitempty"`
	Note       string     `json:"note,omitempty"`
}

// HeldCertificateDTO is a verified certificate.
type HeldCertificateDTO struct {
	Level    string `json:"level" doc:"certificate_levels"`
	IssuedOn string `json:"issuedOn"`
}

// WorkDurationDTO is an amount of social-work employment.
type WorkDurationDTO struct {
	Years  int `json:"years"`
	Months int `json:"months"`
	Days   int `json:"days"`
}

// RuleDTO is the eligibility rule row met, or nearest to being met.
type RuleDTO struct {
	ID              string `json:"id"`
	MinEducation    string `json:"minEducation"`
	SocialWorkMajor bool   `json:"socialWorkMajor"`
	Holds           string `json:"holds,omitempty"`
	Years           int    `json:"years"`
	YearsAfterHolds bool   `json:"yearsAfterHolds,omitempty"`
	Zh              string `json:"zh"`
	En              string `json:"en"`
	Source          string `json:"source"`
}

// EligibilityDTO is the exam eligibility for one certificate level.
type EligibilityDTO struct {
	Level            string             `json:"level"`
	ExamYear         int                `json:"examYear"`
	EligibleNow      bool               `json:"eligibleNow" doc:"可报考今年的考试 May sit this year's exam"`
	EarliestExamYear int                `json:"earliestExamYear" doc:"最早可报考的年份；0 表示按现有资料不能报考 Earliest exam year; 0 when never on current data"`
	Held             bool               `json:"held"`
	Rule             *RuleDTO           `json:"rule,omitempty"`
	RuleSet          string             `json:"ruleSet"`
	RuleSetSource    string             `json:"ruleSetSource"`
	Counted          WorkDurationDTO    `json:"counted" doc:"计至考试年 12 月 31 日的已核实社会工作年限 Verified employment counted to 31 December"`
	Missing          []models.Bilingual `json:"missing"`
	Notes            []models.Bilingual `json:"notes"`
}

func eligibilityDTO(e models.Eligibility) EligibilityDTO {
	d := EligibilityDTO{Level: string(e.Level), ExamYear: e.ExamYear, EligibleNow: e.EligibleNow, EarliestExamYear: e.EarliestExamYear,
		Held: e.Held, RuleSet: e.RuleSet, RuleSetSource: e.RuleSetSource,
		Counted: WorkDurationDTO{Years: e.Counted.Years, Months: e.Counted.Months, Days: e.Counted.Days},
		Missing: nonNil(e.Missing), Notes: nonNil(e.Notes)}
	if r := e.Rule; r != nil {
		d.Rule = &RuleDTO{ID: r.ID, MinEducation: r.MinEducation, SocialWorkMajor: r.SocialWorkMajor, Holds: string(r.Holds), Years: r.Years,
			YearsAfterHolds: r.YearsAfterHolds, Zh: r.Zh, En: r.En, Source: r.Source}
	}
	return d
}

// CEYearDTO is one calendar year's training hours.
type CEYearDTO struct {
	Year       int     `json:"year"`
	Hours      float64 `json:"hours" doc:"已核实 Verified"`
	Unverified float64 `json:"unverified"`
}

// CEPeriodDTO is one CE rule applied to one period.
type CEPeriodDTO struct {
	RuleID        string             `json:"ruleId"`
	Source        string             `json:"source"`
	Start         string             `json:"start"`
	End           string             `json:"end"`
	Required      float64            `json:"required"`
	Hours         float64            `json:"hours"`
	DegreeCounted bool               `json:"degreeCounted"`
	Compliant     bool               `json:"compliant"`
	InProgress    bool               `json:"inProgress"`
	Missing       []models.Bilingual `json:"missing"`
}

// CEReportDTO is a person's continuing education for one year: the local
// rule (60 h a year in Zhengzhou) and the national registration periods.
type CEReportDTO struct {
	Year     int                `json:"year"`
	Level    string             `json:"level,omitempty"`
	Yearly   []CEYearDTO        `json:"yearly"`
	Local    *CEPeriodDTO       `json:"local,omitempty"`
	National []CEPeriodDTO      `json:"national"`
	Notes    []models.Bilingual `json:"notes"`
}

func cePeriodDTO(p models.CEPeriod) CEPeriodDTO {
	return CEPeriodDTO{RuleID: p.RuleID, Source: p.Source, Start: p.Start, End: p.End, Required: p.Required, Hours: p.Hours,
		DegreeCounted: p.DegreeCounted, Compliant: p.Compliant, InProgress: p.InProgress, Missing: nonNil(p.Missing)}
}

func ceReportDTO(r models.CEReport) CEReportDTO {
	d := CEReportDTO{Year: r.Year, Level: string(r.Level), Yearly: []CEYearDTO{}, National: []CEPeriodDTO{}, Notes: nonNil(r.Notes)}
	for _, y := range r.Yearly {
		d.Yearly = append(d.Yearly, CEYearDTO{Year: y.Year, Hours: y.Hours, Unverified: y.Unverified})
	}
	if r.Local != nil {
		l := cePeriodDTO(*r.Local)
		d.Local = &l
	}
	for _, p := range r.National {
		d.National = append(d.National, cePeriodDTO(p))
	}
	return d
}

// ThirdPathDTO is the volunteer service shown beside eligibility (参与社会工作服务).
type ThirdPathDTO struct {
	VerifiedVolunteerHours float64 `json:"verifiedVolunteerHours" doc:"已核实的志愿服务时长 Verified volunteer hours"`
	SupervisedHours        float64 `json:"supervisedHours" doc:"其中在督导下的时长 Of which supervised"`
}

// PathwayDTO is a person's pathway and what the rules make of it.
type PathwayDTO struct {
	AccountID    string               `json:"accountId"`
	Education    []EducationBody      `json:"education"`
	Employment   []EmploymentDTO      `json:"employment"`
	Certificates []HeldCertificateDTO `json:"certificates" doc:"社工档案中已核验的证书 Verified certificates of the social-worker profile"`
	Exams        []ExamBody           `json:"exams"`
	Eligibility  []EligibilityDTO     `json:"eligibility" doc:"助理社会工作师、社会工作师、高级社会工作师 The three levels"`
	CE           *CEReportDTO         `json:"continuingEducation,omitempty" doc:"持证社工本年度继续教育 This year's continuing education, for a certificate holder"`
	ThirdPath    ThirdPathDTO         `json:"thirdPath"`
	UpdatedAt    *time.Time           `json:"updatedAt,omitempty"`
}

func employmentDTOs(list []records.EmploymentPeriod) []EmploymentDTO {
	out := []EmploymentDTO{}
	for _, e := range list {
		out = append(out, EmploymentDTO{EmploymentBody: EmploymentBody{Employer: e.Employer, EmployerOrgID: e.EmployerOrgID, Start: e.Start, End: e.End},
			Proof: e.Proof, VerifiedBy: e.VerifiedBy, VerifiedAt: e.VerifiedAt, Note: e.Note})
	}
	return out
}

func pathwayDTO(v *records.PathwayView) PathwayDTO {
	d := PathwayDTO{AccountID: v.AccountID, Education: []EducationBody{}, Employment: employmentDTOs(v.Employment),
		Certificates: []HeldCertificateDTO{}, Exams: []ExamBody{}, Eligibility: []EligibilityDTO{},
		ThirdPath: ThirdPathDTO{VerifiedVolunteerHours: v.Hours.Verified, SupervisedHours: v.Hours.Supervised}}
	if !v.UpdatedAt.IsZero() {
		at := v.UpdatedAt
		d.UpdatedAt = &at
	}
	for _, e := range v.Education {
		d.Education = append(d.Education, EducationBody{Level: e.Level, SocialWorkMajor: e.SocialWorkMajor, GraduatedOn: e.GraduatedOn})
	}
	for _, c := range v.Certificates {
		d.Certificates = append(d.Certificates, HeldCertificateDTO{Level: string(c.Level), IssuedOn: c.ObtainedOn})
	}
	for _, e := range v.Exams {
		d.Exams = append(d.Exams, ExamBody{Subject: e.Subject, Year: e.Year, Score: e.Score, Passed: e.Passed})
	}
	for _, e := range v.Eligibility {
		d.Eligibility = append(d.Eligibility, eligibilityDTO(e))
	}
	if v.CE != nil {
		ce := ceReportDTO(*v.CE)
		d.CE = &ce
	}
	return d
}

type pathwayOutput struct{ Body PathwayDTO }

type educationInput struct {
	Body []EducationBody `maxItems:"10"`
}

type employmentInput struct {
	Body []EmploymentBody `maxItems:"30"`
}

type examsInput struct {
	Body []ExamBody `maxItems:"50"`
}

type employmentDecisionInput struct {
	AccountID string `path:"accountId" maxLength:"64"`
	Index     int    `path:"index" minimum:"0" maximum:"29" doc:"工作经历序号（从 0 起）Index of the period, from 0"`
	Body      decisionBody
}

type employmentDecisionOutput struct {
	Body struct {
		AccountID  string          `json:"accountId"`
		Employment []EmploymentDTO `json:"employment"`
	}
}

// CEPersonDTO is one social worker's line of a compliance report.
type CEPersonDTO struct {
	AccountID string       `json:"accountId"`
	Name      string       `json:"name"`
	Phone     string       `json:"phone" doc:"辖区名单中为掩码 Masked in the division list"`
	Compliant bool         `json:"compliant" doc:"本年度地方要求已满足，且已结束的登记周期均达标 Local rule met for the year and every ended registration period met"`
	Report    *CEReportDTO `json:"report,omitempty"`
}

type orgCEInput struct {
	ID   string `path:"id" maxLength:"64"`
	Year int    `query:"year" minimum:"2009" maximum:"2100" doc:"默认今年 Default: this year"`
}

type orgCEOutput struct {
	Body struct {
		OrganisationID string        `json:"organisationId"`
		Year           int           `json:"year"`
		Compliant      int           `json:"compliant"`
		NonCompliant   int           `json:"nonCompliant"`
		People         []CEPersonDTO `json:"people"`
	}
}

type divisionCEInput struct {
	Division string `query:"division" pattern:"^[0-9]{4,12}$" doc:"默认为本人所辖区划 Default: the caller's division"`
	Year     int    `query:"year" minimum:"2009" maximum:"2100" doc:"默认今年 Default: this year"`
}

// CEOrganisationDTO is one organisation's line of a division's compliance list.
type CEOrganisationDTO struct {
	OrganisationID string        `json:"organisationId"`
	Name           string        `json:"name"`
	DivisionCode   string        `json:"divisionCode"`
	Compliant      int           `json:"compliant"`
	NonCompliant   int           `json:"nonCompliant"`
	NonCompliers   []CEPersonDTO `json:"nonCompliantPeople"`
}

type divisionCEOutput struct {
	Body struct {
		Division      string              `json:"division"`
		Year          int                 `json:"year"`
		Organisations []CEOrganisationDTO `json:"organisations"`
	}
}

func registerPathway(api huma.API, svc *service.Service) {
	const tag = "pathway"
	huma.Register(api, created(op("add-my-training", http.MethodPost, "/v1/me/training", tag,
		"登记一条培训（继续教育）记录 Record a piece of training", true, 422)),
		func(ctx context.Context, in *trainingInput) (*trainingOutput, error) {
			b := in.Body
			r, err := svc.Records().AddTraining(ctx, actorFrom(ctx), records.TrainingInput{Course: b.Course, Provider: b.Provider, Category: b.Category,
				Hours: b.Hours, Date: b.Date, EvidenceURL: b.EvidenceURL})
			if err != nil {
				return nil, err
			}
			return &trainingOutput{Body: trainingDTO(r)}, nil
		})

	huma.Register(api, op("list-my-training", http.MethodGet, "/v1/me/training", tag,
		"我的培训记录 My training records", true, 422),
		func(ctx context.Context, in *PageParams) (*listOutput[TrainingDTO], error) {
			list, next, err := svc.Records().MyTraining(ctx, actorFrom(ctx), service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, trainingDTO)
		})

	huma.Register(api, op("verify-training", http.MethodPost, "/v1/training/{id}/verification", tag,
		"核实培训记录（所在机构或民政，仅一次）Verify a training record (the person's organisation or civil affairs, once)", true, 403, 404, 409, 422),
		func(ctx context.Context, in *trainingDecisionInput) (*trainingOutput, error) {
			r, err := svc.Records().VerifyTraining(ctx, actorFrom(ctx), in.ID, in.Body.Verified, in.Body.Note)
			if err != nil {
				return nil, err
			}
			return &trainingOutput{Body: trainingDTO(r)}, nil
		})

	huma.Register(api, op("get-my-pathway", http.MethodGet, "/v1/me/pathway", tag,
		"我的职业水平路径：报考资格、继续教育与志愿服务 My pathway: exam eligibility, continuing education, volunteer hours", true),
		func(ctx context.Context, _ *struct{}) (*pathwayOutput, error) {
			v, err := svc.Records().MyPathway(ctx, actorFrom(ctx))
			if err != nil {
				return nil, err
			}
			return &pathwayOutput{Body: pathwayDTO(v)}, nil
		})

	huma.Register(api, op("put-my-education", http.MethodPut, "/v1/me/pathway/education", tag,
		"替换我的学历 Replace my education", true, 422),
		func(ctx context.Context, in *educationInput) (*pathwayOutput, error) {
			edu := make([]models.Education, len(in.Body))
			for i, e := range in.Body {
				edu[i] = models.Education{Level: e.Level, SocialWorkMajor: e.SocialWorkMajor, GraduatedOn: e.GraduatedOn}
			}
			v, err := svc.Records().SetMyEducation(ctx, actorFrom(ctx), edu)
			if err != nil {
				return nil, err
			}
			return &pathwayOutput{Body: pathwayDTO(v)}, nil
		})

	huma.Register(api, op("put-my-employment", http.MethodPut, "/v1/me/pathway/employment", tag,
		"替换我的社会工作经历（变更的经历需重新证明）Replace my social-work employment (changed periods need proof again)", true, 422),
		func(ctx context.Context, in *employmentInput) (*pathwayOutput, error) {
			list := make([]records.EmploymentInput, len(in.Body))
			for i, e := range in.Body {
				list[i] = records.EmploymentInput{Employer: e.Employer, EmployerOrgID: e.EmployerOrgID, Start: e.Start, End: e.End}
			}
			v, err := svc.Records().SetMyEmployment(ctx, actorFrom(ctx), list)
			if err != nil {
				return nil, err
			}
			return &pathwayOutput{Body: pathwayDTO(v)}, nil
		})

	huma.Register(api, op("put-my-exams", http.MethodPut, "/v1/me/pathway/exams", tag,
		"替换我的考试记录 Replace my exam attempts", true, 422),
		func(ctx context.Context, in *examsInput) (*pathwayOutput, error) {
			list := make([]records.ExamAttempt, len(in.Body))
			for i, e := range in.Body {
				list[i] = records.ExamAttempt{Subject: e.Subject, Year: e.Year, Score: e.Score, Passed: e.Passed}
			}
			v, err := svc.Records().SetMyExams(ctx, actorFrom(ctx), list)
			if err != nil {
				return nil, err
			}
			return &pathwayOutput{Body: pathwayDTO(v)}, nil
		})

	huma.Register(api, op("verify-employment", http.MethodPost, "/v1/pathway/{accountId}/employment/{index}/verification", tag,
		"证明一段社会工作经历（用人机构管理员或民政）Confirm an employment period (the employer's admin or civil affairs)", true, 403, 404, 422),
		func(ctx context.Context, in *employmentDecisionInput) (*employmentDecisionOutput, error) {
			pw, err := svc.Records().VerifyEmployment(ctx, actorFrom(ctx), in.AccountID, in.Index, in.Body.Verified, in.Body.Note)
			if err != nil {
				return nil, err
			}
			out := &employmentDecisionOutput{}
			out.Body.AccountID, out.Body.Employment = pw.AccountID, employmentDTOs(pw.Employment)
			return out, nil
		})

	huma.Register(api, op("organisation-ce-compliance", http.MethodGet, "/v1/organisations/{id}/ce-compliance", tag,
		"本机构社工的继续教育达标情况 The organisation's social workers' continuing education", true, 403, 404, 422),
		func(ctx context.Context, in *orgCEInput) (*orgCEOutput, error) {
			people, year, err := svc.Records().OrganisationCECompliance(ctx, actorFrom(ctx), in.ID, in.Year)
			if err != nil {
				return nil, err
			}
			out := &orgCEOutput{}
			out.Body.OrganisationID, out.Body.Year, out.Body.People = in.ID, year, []CEPersonDTO{}
			for _, p := range people {
				rep := ceReportDTO(p.Report)
				if p.Compliant {
					out.Body.Compliant++
				} else {
					out.Body.NonCompliant++
				}
				out.Body.People = append(out.Body.People, CEPersonDTO{AccountID: p.AccountID, Name: p.Name, Phone: p.Phone, Compliant: p.Compliant, Report: &rep})
			}
			return out, nil
		})

	huma.Register(api, op("division-ce-compliance", http.MethodGet, "/v1/ce-compliance", tag,
		"辖区内各机构社工继续教育达标情况（民政）Continuing-education compliance by organisation (civil affairs)", true, 403, 422),
		func(ctx context.Context, in *divisionCEInput) (*divisionCEOutput, error) {
			list, division, year, err := svc.Records().DivisionCECompliance(ctx, actorFrom(ctx), in.Division, in.Year)
			if err != nil {
				return nil, err
			}
			out := &divisionCEOutput{}
			out.Body.Division, out.Body.Year, out.Body.Organisations = division, year, []CEOrganisationDTO{}
			for _, o := range list {
				d := CEOrganisationDTO{OrganisationID: o.OrganisationID, Name: o.Name, DivisionCode: o.DivisionCode, Compliant: o.Compliant,
					NonCompliant: o.NonCompliant, NonCompliers: []CEPersonDTO{}}
				for _, p := range o.People {
					d.NonCompliers = append(d.NonCompliers, CEPersonDTO{AccountID: p.AccountID, Name: p.Name, Phone: p.Phone})
				}
				out.Body.Organisations = append(out.Body.Organisations, d)
			}
			return out, nil
		})
}
