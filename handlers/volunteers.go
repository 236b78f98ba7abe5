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

// weekGridDays are the days of a weekly availability's JSON form, Monday first.
var weekGridDays = [7]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// weekGridDTO writes a weekly availability as {"mon": ["08:00-12:00"], ...}, every day present.
func weekGridDTO(g models.WeekGrid) map[string][]string {
	out := make(map[string][]string, len(weekGridDays))
	for d, key := range weekGridDays {
		out[key] = models.FormatRanges(g.Day(d))
	}
	return out
}

// VolunteerDTO is a volunteer's profile. The ID number is only ever shown
// masked; the phone, the guardian's phone and the home point are exact only
// for the owner (and for civil affairs that gives a reason).
type VolunteerDTO struct {
	AccountID               string                  `json:"accountId"`
	Name                    string                  `json:"name" doc:"账号姓名 Account name"`
	Phone                   string                  `json:"phone" doc:"手机号；仅本人（及注明理由的民政）可见完整号码 Masked except for the owner (and civil affairs giving a reason)"`
	RealName                string                  `json:"realName,omitempty" doc:"真实姓名 Real name"`
	IDNumberMasked          string                  `json:"idNumberMasked,omitempty" doc:"身份证号（掩码）Masked resident ID number"`
	RealNameVerified        bool                    `json:"realNameVerified" doc:"实名认证（社区或民政核验）Real name verified by the committee or civil affairs"`
	VerifiedAt              *time.Time              `json:"verifiedAt,omitempty"`
	Skills                  []models.SkillLevel     `json:"skills"`
	Credentials             []models.Credential     `json:"credentials"`
	BackgroundCheck         *models.BackgroundCheck `json:"backgroundCheck,omitempty" doc:"无犯罪记录证明，由社区或民政登记 Criminal-record check, recorded by the committee or civil affairs"`
	IDNumberConflict        bool                    `json:"idNumberConflict,omitempty" doc:"身份证号已由其他账号登记，待民政核查（本人不可见）ID number held by another account, for civil affairs to check (not shown to the owner)"`
	Availability            map[string][]string     `json:"availability" doc:"每周可服务时段（北京时间）Weekly availability, Asia/Shanghai"`
	BlackoutDates           []string                `json:"blackoutDates"`
	Home                    *models.Point           `json:"home,omitempty" doc:"住址坐标（GCJ-02）；homeExact 为 false 时取整到约 1 公里 Home point; rounded to about 1 km unless homeExact"`
	HomeExact               bool                    `json:"homeExact"`
	CommunityCode           string                  `json:"communityCode,omitempty"`
	MaxDistanceKm           float64                 `json:"maxDistanceKm"`
	Domains                 []string                `json:"domains"`
	Languages               []string                `json:"languages"`
	QualificationTrack      bool                    `json:"qualificationTrack" doc:"有意向考取社工证 Working toward the social-work certificate"`
	BirthDate               string                  `json:"birthDate,omitempty"`
	Minor                   bool                    `json:"minor" doc:"今日未满 18 周岁 Under 18 today"`
	Guardian                *models.GuardianConsent `json:"guardian,omitempty"`
	GuardianConsentRecorded bool                    `json:"guardianConsentRecorded"`
	Insurance               *models.Insurance       `json:"insurance,omitempty"`
	Reliability             models.Reliability      `json:"reliability" doc:"服务记录（系统维护，只读）Service record, kept by the service"`
	CreatedAt               time.Time               `json:"createdAt"`
	UpdatedAt               time.Time               `json:"updatedAt"`
}

func volunteerDTO(v *parties.VolunteerView) VolunteerDTO {
	return VolunteerDTO{AccountID: v.AccountID, Name: v.Name, Phone: v.Phone, RealName: v.RealName, IDNumberMasked: v.IDNumberMasked,
		RealNameVerified: v.RealNameVerified, VerifiedAt: v.VerifiedAt, Skills: nonNil(v.Skills), Credentials: nonNil(v.Credentials),
		BackgroundCheck: v.BackgroundCheck, IDNumberConflict: v.IDNumberConflict, Availability: weekGridDTO(v.Availability), BlackoutDates: nonNil(v.Blackouts),
		Home: v.Home, HomeExact: v.Exact, CommunityCode: v.CommunityCode, MaxDistanceKm: v.MaxDistanceKm,
		Domains: nonNil(v.Domains), Languages: nonNil(v.Languages), QualificationTrack: v.QualificationTrack,
		BirthDate: v.BirthDate, Minor: v.Minor, Guardian: v.Guardian, GuardianConsentRecorded: v.Guardian != nil,
		Insurance: v.Insurance, Reliability: v.Reliability, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
}

// VolunteerBody is what a volunteer sends for their own profile.
type VolunteerBody struct {
	RealName           string                  `json:"realName,omitempty" maxLength:"50" doc:"真实姓名；认证后修改将撤销认证 Real name; changing it withdraws verification"`
	IDNumber           string                  `json:"idNumber,omitempty" maxLength:"18" writeOnly:"true" doc:"18 位居民身份证号，只写；不填则保留原号码，修改将撤销认证 18-character resident ID number, write-only; omit to keep the stored one; changing it withdraws verification"`
	Skills             []models.SkillLevel     `json:"skills,omitempty" maxItems:"20" doc:"skills 词表与等级 1–3 Skills vocabulary with level 1–3"`
	Credentials        []models.Credential     `json:"credentials,omitempty" maxItems:"20"`
	Availability       map[string][]string     `json:"availability,omitempty" maxProperties:"7" doc:"如 {\"mon\":[\"08:00-12:00\"]}，整点或半点 On the half-hour grid, e.g. {\"mon\":[\"08:00-12:00\"]}"`
	BlackoutDates      []string                `json:"blackoutDates,omitempty" maxItems:"366" doc:"不可服务日期 YYYY-MM-DD Days off"`
	Home               *models.Point           `json:"home,omitempty" doc:"住址坐标（GCJ-02，郑州市内）Home point, GCJ-02, inside Zhengzhou"`
	CommunityCode      string                  `json:"communityCode,omitempty" pattern:"^[0-9]{12}$" doc:"所在社区（村）12 位代码 Home community, 12-digit code"`
	MaxDistanceKm      *float64                `json:"maxDistanceKm,omitempty" minimum:"0" maximum:"100" doc:"最远服务距离，默认 5 公里 Furthest distance, default 5 km"`
	Domains            []string                `json:"domains,omitempty" maxItems:"20" doc:"domains vocabulary"`
	Languages          []string                `json:"languages,omitempty" maxItems:"4" doc:"languages vocabulary"`
	QualificationTrack bool                    `json:"qualificationTrack,omitempty"`
	BirthDate          string                  `json:"birthDate,omitempty" doc:"YYYY-MM-DD"`
	Guardian           *models.GuardianConsent `json:"guardian,omitempty" doc:"未成年人的监护人同意 A minor's guardian consent"`
	Insurance          *models.Insurance       `json:"insurance,omitempty"`
}

func (b VolunteerBody) input() parties.VolunteerInput {
	return parties.VolunteerInput{RealName: b.RealName, IDNumber: b.IDNumber, Skills: b.Skills, Credentials: b.Credentials,
		Availability: b.Availability, Blackouts: b.BlackoutDates, Home: b.Home,
		CommunityCode: b.CommunityCode, MaxDistanceKm: b.MaxDistanceKm, Domains: b.Domains, Languages: b.Languages,
		QualificationTrack: b.QualificationTrack, BirthDate: b.BirthDate, Guardian: b.Guardian, Insurance: b.Insurance}
}

type putVolunteerInput struct {
	Body VolunteerBody
}

type volunteerOutput struct{ Body VolunteerDTO }

type volunteerIDInput struct {
	ID     string `path:"id" maxLength:"64"`
	Reason string `query:"reason" minLength:"4" maxLength:"200" doc:"民政查看完整手机号与住址的理由，将记入审计日志 Civil affairs: why the exact phone and home are needed; written to the audit log"`
}

type verifyVolunteerInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Verified bool   `json:"verified" doc:"已核对身份证件 Checked against the ID card"`
		Note     string `json:"note,omitempty" maxLength:"500"`
	}
}

type backgroundCheckInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Result    string `json:"result" enum:"passed,not_passed" doc:"passed 通过 / not_passed 未通过"`
		CheckedOn string `json:"checkedOn" doc:"证明出具日期 YYYY-MM-DD Date of the certificate"`
		ExpiresOn string `json:"expiresOn,omitempty" doc:"有效期至 YYYY-MM-DD，通过时必填 Valid until; required when passed"`
		Reference string `json:"reference,omitempty" maxLength:"64" doc:"证明编号 Certificate number"`
		Note      string `json:"note,omitempty" maxLength:"500"`
	}
}

type listVolunteersInput struct {
	Community string `query:"community" pattern:"^[0-9]{12}$" doc:"社区（村）代码；社区管理员缺省为本社区 Community code; a committee's own by default"`
	Division  string `query:"division" pattern:"^[0-9]{4,12}$" doc:"行政区划；民政缺省为本辖区 Division; civil affairs' own by default"`
	Verified  string `query:"verified" enum:"true,false" doc:"是否已实名认证 Real-name verified or not"`
	Conflict  bool   `query:"idNumberConflict" doc:"只列身份证号已由其他账号登记的档案 Only profiles whose ID number another account holds"`
	PageParams
}

func registerVolunteers(api huma.API, svc *service.Service) {
	const tag = "volunteers"
	huma.Register(api, op("get-my-volunteer-profile", http.MethodGet, "/v1/me/volunteer-profile", tag,
		"我的志愿者档案 My volunteer profile", true, 404),
		func(ctx context.Context, _ *struct{}) (*volunteerOutput, error) {
			v, err := svc.Parties().MyVolunteerProfile(ctx, actorFrom(ctx))
			if err != nil {
				return nil, err
			}
			return &volunteerOutput{Body: volunteerDTO(v)}, nil
		})

	huma.Register(api, described(op("put-my-volunteer-profile", http.MethodPut, "/v1/me/volunteer-profile", tag,
		"填写或替换我的志愿者档案 Create or replace my volunteer profile", true, 403, 422),
		putDescription("我的志愿者档案（不发送身份证号则保留原号码）")+" The ID number, write-only, is kept when left out."),
		func(ctx context.Context, in *putVolunteerInput) (*volunteerOutput, error) {
			v, err := svc.Parties().SaveMyVolunteerProfile(ctx, actorFrom(ctx), in.Body.input())
			if err != nil {
				return nil, err
			}
			return &volunteerOutput{Body: volunteerDTO(v)}, nil
		})

	huma.Register(api, op("list-volunteers", http.MethodGet, "/v1/volunteers", tag,
		"志愿者列表（本社区管理员或本辖区民政；手机号、身份证号掩码）List volunteers (own committee or civil affairs; masked)", true, 403, 422),
		func(ctx context.Context, in *listVolunteersInput) (*listOutput[VolunteerDTO], error) {
			f := parties.VolunteerFilter{Community: in.Community, Division: in.Division, IDNumberConflict: in.Conflict}
			if in.Verified != "" {
				verified := in.Verified == "true"
				f.Verified = &verified
			}
			list, next, err := svc.Parties().ListVolunteers(ctx, actorFrom(ctx), f, service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, volunteerDTO)
		})

	huma.Register(api, op("get-volunteer", http.MethodGet, "/v1/volunteers/{id}", tag,
		"一位志愿者的档案（本人、本社区管理员、民政）A volunteer's profile (the owner, their committee, civil affairs)", true, 404, 422),
		func(ctx context.Context, in *volunteerIDInput) (*volunteerOutput, error) {
			v, err := svc.Parties().Volunteer(ctx, actorFrom(ctx), in.ID, in.Reason)
			if err != nil {
				return nil, err
			}
			return &volunteerOutput{Body: volunteerDTO(v)}, nil
		})

	huma.Register(api, op("record-background-check", http.MethodPost, "/v1/volunteers/{id}/background-check", tag,
		"登记志愿者的无犯罪记录证明（本社区管理员或民政，记入审计日志）Record a volunteer's criminal-record check (their committee or civil affairs; audited)", true, 403, 404, 422),
		func(ctx context.Context, in *backgroundCheckInput) (*volunteerOutput, error) {
			b := in.Body
			v, err := svc.Parties().RecordBackgroundCheck(ctx, actorFrom(ctx), in.ID, parties.BackgroundCheckInput{Result: b.Result,
				CheckedOn: b.CheckedOn, ExpiresOn: b.ExpiresOn, Reference: b.Reference, Note: b.Note})
			if err != nil {
				return nil, err
			}
			return &volunteerOutput{Body: volunteerDTO(v)}, nil
		})

	huma.Register(api, op("verify-volunteer", http.MethodPost, "/v1/volunteers/{id}/verification", tag,
		"志愿者实名认证（本社区管理员或民政）Verify a volunteer's real name (their committee or civil affairs)", true, 403, 404, 409, 422),
		func(ctx context.Context, in *verifyVolunteerInput) (*volunteerOutput, error) {
			v, err := svc.Parties().VerifyVolunteer(ctx, actorFrom(ctx), in.ID, parties.Verification{Verified: in.Body.Verified, Note: in.Body.Note})
			if err != nil {
				return nil, err
			}
			return &volunteerOutput{Body: volunteerDTO(v)}, nil
		})
}
