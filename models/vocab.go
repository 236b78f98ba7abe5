package models

import "slices"

// Controlled vocabularies of the service, as data.
//
// Every term has a stable English snake_case code (what is stored and sent
// over the API) and a zh-CN and an English label. Unless a comment says
// "product", the lists and their Chinese labels come from the seed policy
// (郑民文〔2022〕7号, see /work/shared/DOMAIN.md); the Chinese label is the
// text of that policy. Codes never change once published: add terms, do not
// rename them.

// Term is one entry of a controlled vocabulary.
type Term struct {
	Code string `json:"code"`
	Zh   string `json:"zh"`
	En   string `json:"en"`
}

// Vocabulary is a named, ordered list of terms.
type Vocabulary struct {
	Name  string `json:"name"` // e.g. "domains"
	Zh    string `json:"zh"`
	En    string `json:"en"`
	Terms []Term `json:"terms"`
}

// Has reports whether code is a term of v.
func (v Vocabulary) Has(code string) bool {
	_, ok := v.Label(code)
	return ok
}

// Codes returns the codes of v, in order. The slice is the caller's own.
func (v Vocabulary) Codes() []string {
	out := make([]string, len(v.Terms))
	for i, t := range v.Terms {
		out[i] = t.Code
	}
	return out
}

// Label returns the term with the given code.
func (v Vocabulary) Label(code string) (Term, bool) {
	for _, t := range v.Terms {
		if t.Code == code {
			return t, true
		}
	}
	return Term{}, false
}

// clone returns a copy of v whose Terms do not share memory with v.
func (v Vocabulary) clone() Vocabulary {
	c := v
	c.Terms = append([]Term(nil), v.Terms...)
	return c
}

// Domains are the 20 key domains (重点领域) of social work. They are the one
// vocabulary of domains: organisations, funds, competitions and needs all use
// these codes, and the seed's other lists (demonstration domains, station
// service areas, high-risk domains) map onto them.
var Domains = Vocabulary{
	Name: "domains", Zh: "重点领域", En: "Key domains",
	Terms: []Term{
		{"community_governance", "社区治理", "Community governance"},
		{"social_welfare", "社会福利", "Social welfare"},
		{"social_assistance", "社会救助", "Social assistance"},
		{"poverty_relief", "扶贫济困", "Poverty relief"},
		{"marriage_family", "婚姻家庭", "Marriage and family"},
		{"mental_health", "精神卫生", "Mental health"},
		{"disability_rehabilitation", "残障康复", "Disability rehabilitation"},
		{"education_tutoring", "教育辅导", "Education and tutoring"},
		{"employment_assistance", "就业援助", "Employment assistance"},
		{"worker_support", "职工帮扶", "Worker support"},
		{"crime_prevention", "犯罪预防", "Crime prevention"},
		{"drug_control", "禁毒戒毒", "Drug control and rehabilitation"},
		{"community_correction", "社区矫正", "Community correction"},
		{"resettlement_assistance", "安置帮教", "Resettlement and assistance of released persons"},
		{"health", "卫生健康", "Health"},
		{"dispute_mediation", "纠纷调解", "Dispute mediation"},
		{"emergency_response", "应急处置", "Emergency response"},
		{"disaster_relief", "灾害救援", "Disaster relief"},
		{"charity", "慈善事业", "Charity"},
		{"veteran_services", "退役军人服务", "Veteran services"},
	},
}

// HighRiskDomains are the domains whose social-work posts are "highly
// specialised and of high occupational risk" and get a higher pay guide
// (seed §8: 社会福利、精神卫生、禁毒戒毒、矫治帮教、卫生健康、纠纷调解、残障康复、
// 应急处置). The seed's 矫治帮教 maps onto two domains, 社区矫正 and 安置帮教,
// so the list has 9 domain codes; labels are the domains' labels.
var HighRiskDomains = Vocabulary{
	Name: "high_risk_domains", Zh: "职业风险高的领域", En: "High-risk domains",
	Terms: []Term{
		{"social_welfare", "社会福利", "Social welfare"},
		{"mental_health", "精神卫生", "Mental health"},
		{"drug_control", "禁毒戒毒", "Drug control and rehabilitation"},
		{"community_correction", "社区矫正", "Community correction"},
		{"resettlement_assistance", "安置帮教", "Resettlement and assistance of released persons"},
		{"health", "卫生健康", "Health"},
		{"dispute_mediation", "纠纷调解", "Dispute mediation"},
		{"disability_rehabilitation", "残障康复", "Disability rehabilitation"},
		{"emergency_response", "应急处置", "Emergency response"},
	},
}

// IsHighRiskDomain reports whether the domain code is one of the high-risk,
// higher-pay domains.
func IsHighRiskDomain(code string) bool { return HighRiskDomains.Has(code) }

// ServiceTasks are the occupational tasks of social work (社会工作职业任务,
// seed §1): casework services, community work, management, supervision and
// volunteer work.
var ServiceTasks = Vocabulary{
	Name: "service_tasks", Zh: "职业任务", En: "Service tasks",
	Terms: []Term{
		// services to individuals, families and groups
		{"support_for_vulnerable", "帮困扶弱", "Helping the needy and vulnerable"},
		{"emotional_counselling", "情绪疏导", "Emotional counselling"},
		{"psychological_comfort", "心理抚慰", "Psychological comfort"},
		{"mental_care", "精神关爱", "Mental and spiritual care"},
		{"behaviour_correction", "行为矫治", "Behaviour correction"},
		{"social_rehabilitation", "社会康复", "Social rehabilitation"},
		{"rights_protection", "权益维护", "Rights protection"},
		{"crisis_intervention", "危机干预", "Crisis intervention"},
		{"relationship_adjustment", "关系调适", "Relationship adjustment"},
		{"conflict_resolution", "矛盾化解", "Conflict resolution"},
		{"capacity_building", "能力建设", "Capacity building"},
		{"resource_linking", "资源链接", "Resource linking"},
		{"social_integration", "社会融入", "Social integration"},
		// community work
		{"community_organisation_cultivation", "培育社区社会组织", "Cultivating community social organisations"},
		{"community_activities", "社区活动", "Community activities"},
		{"community_consultation", "社区协商", "Community consultation"},
		// management
		{"needs_assessment", "需求评估", "Needs assessment"},
		{"programme_design", "方案设计", "Programme design"},
		{"project_management", "项目管理", "Project management"},
		{"performance_evaluation", "绩效评价", "Performance evaluation"},
		{"action_research", "行动研究", "Action research"},
		// supervision
		{"professional_supervision", "专业督导", "Professional supervision"},
		// volunteers
		{"volunteer_recruitment", "志愿者招募", "Volunteer recruitment"},
		{"volunteer_registration", "志愿者注册", "Volunteer registration"},
		{"volunteer_training", "志愿者培训", "Volunteer training"},
		{"volunteer_assessment", "志愿者考核", "Volunteer assessment"},
	},
}

// IsHighRiskTask reports whether the task is a high-risk one: crisis
// intervention or behaviour correction. (product: what follows from it, such
// as requiring a qualified social worker, is decided by the callers)
func IsHighRiskTask(code string) bool {
	return code == "crisis_intervention" || code == "behaviour_correction"
}

// TargetGroups are the priority groups of social-work service (seed §2),
// plus a general group of community residents. (community_residents: product)
var TargetGroups = Vocabulary{
	Name: "target_groups", Zh: "服务对象群体", En: "Target groups",
	Terms: []Term{
		{"subsistence_allowance_recipients", "低保对象", "Subsistence allowance recipients"},
		{"extremely_poor_persons", "特困人员", "Persons in extreme poverty"},
		{"children_in_difficulty", "困境儿童", "Children in difficulty"},
		{"older_people", "老年人", "Older people"},
		{"persons_with_disabilities", "残疾人", "Persons with disabilities"},
		{"women_in_difficulty", "困难妇女", "Women in difficulty"},
		{"community_residents", "社区居民", "Community residents"},
	},
}

// DemonstrationDomains are the domains in which the city aims to build 50
// demonstration social-work service organisations by 2025 (seed §11). Each
// maps onto domain codes via DemonstrationDomainMapsTo.
var DemonstrationDomains = Vocabulary{
	Name: "demonstration_domains", Zh: "示范机构领域", En: "Demonstration-organisation domains",
	Terms: []Term{
		{"community", "社区", "Community"},
		{"social_assistance", "社会救助", "Social assistance"},
		{"elderly", "老年", "Older people"},
		{"disability", "残疾人", "Persons with disabilities"},
		{"children", "儿童", "Children"},
		{"medical", "医务", "Medical social work"},
		{"drug_control", "禁毒", "Drug control"},
		{"community_correction", "社区矫正", "Community correction"},
		{"people_mediation", "人民调解", "People's mediation"},
	},
}

// vocabDemonstrationDomainMap is DOMAIN.md's mapping of the demonstration
// domains onto key domains. 残疾人 is not named there; it maps to 残障康复.
var vocabDemonstrationDomainMap = map[string][]string{
	"community":            {"community_governance"},
	"social_assistance":    {"social_assistance"},
	"elderly":              {"social_welfare"},
	"disability":           {"disability_rehabilitation"},
	"children":             {"social_welfare", "education_tutoring"},
	"medical":              {"health"},
	"drug_control":         {"drug_control"},
	"community_correction": {"community_correction"},
	"people_mediation":     {"dispute_mediation"},
}

// DemonstrationDomainMapsTo returns the domain codes a demonstration domain
// groups, or nil for an unknown code. The slice is the caller's own.
func DemonstrationDomainMapsTo(code string) []string {
	return vocabCopyCodes(vocabDemonstrationDomainMap[code])
}

// InDemonstrationDomain reports whether domains include a key domain of one
// of the nine demonstration domains (seed §11: 社区、社会救助、老年、残疾人、
// 儿童、医务、禁毒、社区矫正、人民调解).
func InDemonstrationDomain(domains []string) bool {
	for _, codes := range vocabDemonstrationDomainMap {
		for _, c := range codes {
			if slices.Contains(domains, c) {
				return true
			}
		}
	}
	return false
}

// StationServiceAreas are the areas in which township/street social-work
// stations serve (seed §12). Each maps onto domain codes via
// StationServiceAreaMapsTo.
var StationServiceAreas = Vocabulary{
	Name: "station_service_areas", Zh: "社会工作服务站服务领域", En: "Station service areas",
	Terms: []Term{
		{"social_assistance", "社会救助", "Social assistance"},
		{"elder_care_services", "养老服务", "Elder-care services"},
		{"child_welfare", "儿童福利", "Child welfare"},
		{"community_governance", "社区治理", "Community governance"},
		{"social_affairs", "社会事务", "Social affairs"},
	},
}

// vocabStationServiceAreaMap is DOMAIN.md's mapping of the station service
// areas onto key domains.
var vocabStationServiceAreaMap = map[string][]string{
	"social_assistance":    {"social_assistance"},
	"elder_care_services":  {"social_welfare"},
	"child_welfare":        {"social_welfare", "education_tutoring"},
	"community_governance": {"community_governance"},
	"social_affairs":       {"community_governance"},
}

// StationServiceAreaMapsTo returns the domain codes a station service area
// groups, or nil for an unknown code. The slice is the caller's own.
func StationServiceAreaMapsTo(code string) []string {
	return vocabCopyCodes(vocabStationServiceAreaMap[code])
}

func vocabCopyCodes(codes []string) []string {
	if codes == nil {
		return nil
	}
	return append([]string(nil), codes...)
}
