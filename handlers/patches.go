package handlers

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/competitions"
	"github.com/wushe/wushe/service/money"
	"github.com/wushe/wushe/service/needs"
	"github.com/wushe/wushe/service/parties"
)

// The PATCH operations (see mergepatch.go): each asks the service to edit
// the object, and merges the patch into the object as the service hands
// it over, under its lock.

const patchDescription = "JSON Merge Patch（RFC 7396，Content-Type: application/merge-patch+json 或 application/json）：" +
	"只改所发送的字段，null 删除可选字段，未知字段返回 422；结果按 PUT 的规则整体校验，4xx 时不做任何修改；" +
	"未改动的已核验事实保持已核验。 Only the fields sent change; null removes an optional field; an unknown field is " +
	"refused (422); the result is checked as a whole by the rules of PUT, and nothing changes on a 4xx. A verified fact " +
	"the patch leaves alone stays verified."

// putDescription is what every replacing PUT says of itself.
func putDescription(what string) string {
	return "整体替换" + what + "：未发送的可选字段被清空或恢复默认值。只改部分字段请用 PATCH。 Replaces the whole " +
		"object: an optional field left out is cleared or set back to its default. To change some fields only, use PATCH."
}

func described(o huma.Operation, d string) huma.Operation {
	o.Description = d
	return o
}

func registerPatches(api huma.API, svc *service.Service) {
	volunteer, worker := newPatcher[VolunteerBody](api, "idNumber"), newPatcher[SocialWorkerBody](api)
	org, need := newPatcher[OrganisationBody](api), newPatcher[NeedBody](api)
	application, station := newPatcher[ApplicationBody](api), newPatcher[StationBody](api)
	competition := newPatcher[CompetitionBody](api, "fundId")
	huma.Register(api, volunteer.op(described(op("patch-my-volunteer-profile", http.MethodPatch, "/v1/me/volunteer-profile", "volunteers",
		"修改我的志愿者档案的部分字段 Change some fields of my volunteer profile", true, 403),
		patchDescription+" 修改真实姓名、身份证号或出生日期将撤销实名认证；身份证号只能更换，不能删除。 Changing the real name, "+
			"the ID number or the birth date withdraws the real-name verification; the ID number can be replaced, not removed.")),
		func(ctx context.Context, in *patchMeInput) (*volunteerOutput, error) {
			v, err := svc.Parties().EditMyVolunteerProfile(ctx, actorFrom(ctx), func(cur parties.VolunteerInput) (parties.VolunteerInput, error) {
				b, err := volunteer.apply(ctx, volunteerBodyOf(cur), in.Body)
				return b.input(), err
			})
			if err != nil {
				return nil, err
			}
			return &volunteerOutput{Body: volunteerDTO(v)}, nil
		})

	huma.Register(api, worker.op(described(op("patch-my-social-worker-profile", http.MethodPatch, "/v1/me/social-worker-profile", "social-workers",
		"修改我的社工档案的部分字段 Change some fields of my social-worker profile", true, 403),
		patchDescription+" 修改证书的任一字段将使证书回到待核验，并退出督导人才库。 Changing any field of the certificate "+
			"returns it to pending and takes the worker out of the supervisor pool.")),
		func(ctx context.Context, in *patchMeInput) (*socialWorkerOutput, error) {
			w, err := svc.Parties().EditMySocialWorkerProfile(ctx, actorFrom(ctx), func(cur parties.SocialWorkerInput) (parties.SocialWorkerInput, error) {
				b, err := worker.apply(ctx, socialWorkerBodyOf(cur), in.Body)
				return b.input(), err
			})
			if err != nil {
				return nil, err
			}
			return &socialWorkerOutput{Body: socialWorkerDTO(w)}, nil
		})

	huma.Register(api, org.op(described(op("patch-organisation", http.MethodPatch, "/v1/organisations/{id}", "organisations",
		"修改机构信息的部分字段（本机构管理员或民政）Change some details of an organisation (its admins or civil affairs)", true, 403, 409),
		patchDescription+" 机构类型与统一社会信用代码登记后不可改。 The kind and the credit code are fixed after registration.")),
		func(ctx context.Context, in *patchIDInput) (*orgOutput, error) {
			o, err := svc.Parties().EditOrganisation(ctx, actorFrom(ctx), in.ID, func(cur parties.OrganisationInput) (parties.OrganisationInput, error) {
				b, err := org.apply(ctx, orgBodyOf(cur), in.Body)
				return b.input(), err
			})
			if err != nil {
				return nil, err
			}
			return &orgOutput{Body: orgDTO(o)}, nil
		})

	huma.Register(api, need.op(described(op("patch-need", http.MethodPatch, "/v1/needs/{id}", "needs",
		"修改需求的部分字段（社区居委会；草稿亦可由起草机构修改）Change some fields of a need (committee; a draft also by its drafting organisation)", true, 403, 409),
		patchDescription+" 需求所在社区不可改；已有志愿者报名时，时间、地点、人数和要求不可改。 The community is fixed; once "+
			"volunteers hold places, time, place, headcount and requirements are fixed.")),
		func(ctx context.Context, in *patchIDInput) (*needOutput, error) {
			n, err := svc.Needs().EditNeed(ctx, actorFrom(ctx), in.ID, func(cur needs.NeedInput) (needs.NeedInput, error) {
				b, err := need.apply(ctx, needBodyOf(cur), in.Body)
				return b.input(), err
			})
			if err != nil {
				return nil, err
			}
			return &needOutput{Body: needDTO(n)}, nil
		})

	huma.Register(api, application.op(described(op("patch-application", http.MethodPatch, "/v1/applications/{id}", "applications",
		"修改草稿的部分字段（机构管理员）Change some fields of a draft (org_admin)", true, 403, 409),
		patchDescription+" 机构、资金与大赛创建后不可改。 The organisation, the fund and the competition are fixed once drafted.")),
		func(ctx context.Context, in *patchIDInput) (*applicationOutput, error) {
			a, err := svc.Money().EditApplication(ctx, actorFrom(ctx), in.ID, func(cur money.ApplicationInput) (money.ApplicationInput, error) {
				b, err := application.apply(ctx, applicationBodyOf(cur), in.Body)
				return b.input(), err
			})
			if err != nil {
				return nil, err
			}
			return &applicationOutput{Body: applicationDTO(a)}, nil
		})

	huma.Register(api, competition.op(described(op("patch-competition", http.MethodPatch, "/v1/competitions/{id}", "competitions",
		"修改大赛草稿的部分字段（主办方）Change some fields of a draft competition (the organiser)", true, 403, 404, 409),
		patchDescription+" 资金不可更换；奖金池预留后不可再改。 The fund is fixed; once the prize pool is reserved the draft is fixed.")),
		func(ctx context.Context, in *patchIDInput) (*competitionOutput, error) {
			c, err := svc.Competitions().EditCompetition(ctx, actorFrom(ctx), in.ID, func(cur competitions.CompetitionInput) (competitions.CompetitionInput, error) {
				b, err := competition.apply(ctx, competitionBodyOf(cur), in.Body)
				return b.input(), err
			})
			if err != nil {
				return nil, err
			}
			return &competitionOutput{Body: competitionDTO(c)}, nil
		})

	huma.Register(api, station.op(described(op("patch-station", http.MethodPatch, "/v1/stations/{townCode}", "stations",
		"修改社工站的部分字段（民政部门）Change some fields of a station (civil affairs)", true, 403),
		patchDescription)),
		func(ctx context.Context, in *patchStationInput) (*stationOutput, error) {
			st, err := svc.Parties().EditStation(ctx, actorFrom(ctx), in.TownCode, func(cur parties.StationInput) (parties.StationInput, error) {
				b, err := station.apply(ctx, StationBody{Name: cur.Name, ServiceAreas: cur.ServiceAreas, OperatorOrgID: cur.OperatorOrgID,
					SocialWorkers: cur.SocialWorkers, OpenedOn: cur.OpenedOn, Status: cur.Status, Address: cur.Address,
					Setup: optionalSetup(cur.Setup)}, in.Body)
				return b.input(cur.TownCode), err
			})
			if err != nil {
				return nil, err
			}
			return &stationOutput{Body: stationDTO(st)}, nil
		})
}

// patchStationInput is a merge patch of a township's station.
type patchStationInput struct {
	TownCode string `path:"townCode" pattern:"^[0-9]{9}$"`
	Body     map[string]any
}

// applicationBodyOf is the PUT body that would save in again.
func applicationBodyOf(in money.ApplicationInput) ApplicationBody {
	b := ApplicationBody{OrganisationID: in.OrganisationID, FundID: in.FundID, CompetitionID: in.CompetitionID, Title: in.Title,
		Summary: in.Summary, NeedIDs: in.NeedIDs, Domains: in.Domains, TargetGroup: in.TargetGroup, Beneficiaries: in.Beneficiaries,
		Regions: in.Regions, SupervisorID: in.SupervisorID, RequestedFen: in.RequestedFen, Government: in.Government,
		ContractStart: in.ContractStart, ContractEnd: in.ContractEnd, NeedsSurvey: in.NeedsSurvey, KPIs: kpiDTOs(in.KPIs),
		Budget: BudgetDTO{SalaryFen: in.Budget.SalaryFen, SupervisionTrainingFen: in.Budget.SupervisionTrainingFen,
			ServiceActivitiesFen: in.Budget.ServiceActivitiesFen, ProjectManagementFen: in.Budget.ProjectManagementFen}}
	for _, m := range in.Team {
		b.Team = append(b.Team, TeamMemberDTO{Name: m.Name, Post: string(m.Post), SocialWorkerID: m.SocialWorkerID, Months: m.Months})
	}
	for _, m := range in.Milestones {
		b.Milestones = append(b.Milestones, MilestoneDTO{Name: m.Name, Due: m.Due, TranchePercent: m.TranchePercent})
	}
	return b
}

// competitionBodyOf is the PUT body that would save in again.
func competitionBodyOf(in competitions.CompetitionInput) CompetitionBody {
	b := CompetitionBody{FundID: in.FundID, Name: in.Name, Summary: in.Summary, Domains: in.Domains, EligibleKinds: in.EligibleKinds,
		Regions: in.Regions, Schedule: scheduleDTO(in.Schedule), ReviewersPerEntry: in.ReviewersPerEntry, PublicVote: in.PublicVote,
		VoteWeightPercent: in.VoteWeightPercent}
	for _, c := range in.Rubric {
		b.Rubric = append(b.Rubric, CriterionDTO{Code: c.Code, Zh: c.Zh, En: c.En, Weight: c.Weight, MaxPoints: c.MaxPoints})
	}
	for _, t := range in.Tiers {
		b.Tiers = append(b.Tiers, AwardTierDTO{Code: t.Code, Name: t.Name, Count: t.Count, AmountFen: t.AmountFen})
	}
	return b
}

// volunteerBodyOf is the PUT body that would save in again.
func volunteerBodyOf(in parties.VolunteerInput) VolunteerBody {
	return VolunteerBody{RealName: in.RealName, IDNumber: in.IDNumber, Skills: in.Skills, Credentials: in.Credentials,
		Availability: in.Availability, BlackoutDates: in.Blackouts, Home: in.Home, CommunityCode: in.CommunityCode,
		MaxDistanceKm: in.MaxDistanceKm, Domains: in.Domains, Languages: in.Languages, QualificationTrack: in.QualificationTrack,
		BirthDate: in.BirthDate, Guardian: in.Guardian, Insurance: in.Insurance}
}

// socialWorkerBodyOf is the PUT body that would save in again.
func socialWorkerBodyOf(in parties.SocialWorkerInput) SocialWorkerBody {
	b := SocialWorkerBody{Post: in.Post, StationTownCode: in.StationTownCode, Domains: in.Domains,
		Availability: in.Availability, Base: in.Base}
	if c := in.Certificate; c != nil {
		b.Certificate = &CertificateBody{Level: string(c.Level), Number: c.Number, IssuedOn: c.IssuedOn}
	}
	return b
}

// orgBodyOf is the PUT body that would save in again.
func orgBodyOf(in parties.OrganisationInput) OrganisationBody {
	return OrganisationBody{Name: in.Name, Kind: in.Kind, CreditCode: in.CreditCode, Domains: in.Domains,
		DivisionCode: in.DivisionCode, DivisionsServed: in.DivisionsServed, Beds: in.Beds, ContactName: in.ContactName,
		ContactPhone: in.ContactPhone, Description: in.Description}
}

// needBodyOf is the PUT body that would save in again.
func needBodyOf(in needs.NeedInput) NeedBody {
	return NeedBody{CommunityCode: in.CommunityCode, Title: in.Title, Description: in.Description, Domain: in.Domain,
		Tasks: in.Tasks, TargetGroup: in.TargetGroup, Beneficiaries: in.Beneficiaries, Location: in.Location,
		Address: in.Address, RadiusKm: in.RadiusKm, Window: in.Window, Schedule: in.Schedule,
		RequiredSkills: in.RequiredSkills, Headcount: in.Headcount, BackgroundCheck: in.BackgroundCheck,
		HighRisk: in.HighRisk, BudgetFen: in.BudgetFen, InsuranceProvided: in.InsuranceProvided}
}
