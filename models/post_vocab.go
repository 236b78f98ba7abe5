package models

// The vocabularies of the posts registry (社会工作专业岗位): the kinds of
// employing units (用人单位) of seed §(二)–(四), the service-centred public
// institutions of §(三), the grassroots platforms of §(四) and hospital
// grades. Unit kinds are a product grouping of the seed's lists; the
// sub-kinds are the seed's own lists.

// Unit kind codes.
const (
	UnitGovernmentBody       = "government_body"       // 党政机关、人民团体
	UnitServiceInstitution   = "service_institution"   // 以社会工作服务为主的事业单位 (§三)
	UnitPublicInstitution    = "public_institution"    // other public institutions and enterprises (§二)
	UnitHospital             = "hospital"              // 医疗机构 (§三)
	UnitSchool               = "school"                // 学校 (§三, by client count)
	UnitFuneralService       = "funeral_service"       // 殡仪服务机构
	UnitMentalHealth         = "mental_health_rehab"   // 精神疾患治疗康复机构
	UnitPsychologicalService = "psychological_service" // 社会心理健康服务机构
	UnitDrugRehabilitation   = "drug_rehabilitation"   // 禁毒戒毒康复机构
	UnitCommunityCorrection  = "community_correction"  // 司法行政社区矫正机构
	UnitJuvenileProtection   = "juvenile_protection"   // 未成年犯罪关护机构（工读学校）
	UnitCommunityPlatform    = "community_platform"    // 基层公共服务平台 (§四)
	UnitSocialOrganisation   = "social_organisation"   // 社会组织
)

// UnitKinds are the kinds of employing units.
var UnitKinds = Vocabulary{
	Name: "unit_kinds", Zh: "用人单位类型", En: "Employing-unit kinds",
	Terms: []Term{
		{UnitGovernmentBody, "党政机关、人民团体", "Government body or people's organisation"},
		{UnitServiceInstitution, "以社会工作服务为主的事业单位", "Public institution centred on social-work service"},
		{UnitPublicInstitution, "其他企事业单位", "Other public institution or enterprise"},
		{UnitHospital, "医疗机构", "Hospital"},
		{UnitSchool, "学校", "School"},
		{UnitFuneralService, "殡仪服务机构", "Funeral service"},
		{UnitMentalHealth, "精神疾患治疗康复机构", "Mental illness treatment and rehabilitation"},
		{UnitPsychologicalService, "社会心理健康服务机构", "Social psychological health service"},
		{UnitDrugRehabilitation, "禁毒戒毒康复机构", "Drug rehabilitation"},
		{UnitCommunityCorrection, "司法行政社区矫正机构", "Community correction institution"},
		{UnitJuvenileProtection, "未成年犯罪关护机构（工读学校）", "Juvenile offender care (work-study school)"},
		{UnitCommunityPlatform, "基层公共服务平台", "Grassroots public service platform"},
		{UnitSocialOrganisation, "社会组织", "Social organisation"},
	},
}

// ServiceInstitutionKinds are the service-centred public institutions of
// seed §(三), which must set up a social-work department.
var ServiceInstitutionKinds = Vocabulary{
	Name: "service_institution_kinds", Zh: "以社会工作服务为主的事业单位类型", En: "Service-centred public institutions",
	Terms: []Term{
		{"elder_care", "养老机构", "Elder care"},
		{"disability_welfare", "残疾人福利和服务机构", "Disability welfare and service"},
		{"child_welfare", "儿童福利机构", "Child welfare"},
		{"adoption_service", "收养服务机构", "Adoption service"},
		{"women_children_aid", "妇女儿童援助机构", "Aid to women and children"},
		{"worker_service", "职工服务机构", "Worker service"},
		{"marriage_family_service", "婚姻家庭服务机构", "Marriage and family service"},
		{"youth_service", "青少年服务机构", "Youth service"},
		{"social_assistance_service", "社会救助服务机构", "Social assistance service"},
		{"relief_management", "救助管理机构", "Relief management"},
		{"minor_protection", "未成年人保护机构", "Protection of minors"},
		{"veteran_service", "退役军人服务保障机构", "Veteran service"},
		{"disaster_prevention", "防灾减灾服务机构", "Disaster prevention and reduction"},
	},
}

// CommunityPlatformKinds are the grassroots public service platforms and
// units of seed §(四), which are to employ some social workers.
var CommunityPlatformKinds = Vocabulary{
	Name: "community_platform_kinds", Zh: "基层公共服务平台类型", En: "Grassroots platform kinds",
	Terms: []Term{
		{"community_service_station", "城乡社区服务站", "Urban or rural community service station"},
		{"governance_centre", "街道（乡镇）综治中心", "Township comprehensive governance centre"},
		{"party_mass_service_centre", "社区党群服务中心", "Community Party-and-people service centre"},
		{"judicial_office", "司法所", "Judicial office"},
		{"veteran_service_station", "乡镇（街道）退役军人服务站", "Township veteran service station"},
		{"elderly_day_care", "老年人日间照料中心", "Day care centre for older people"},
		{"disability_rehabilitation_centre", "残疾人康复中心", "Disability rehabilitation centre"},
		{"women_home", "妇女之家", "Women's home"},
		{"children_home", "儿童之家", "Children's home"},
		{"worker_service", "职工服务机构", "Worker service"},
		{"grassroots_culture", "基层文化服务机构", "Grassroots cultural service"},
		{"people_mediation", "基层人民调解组织", "Grassroots people's mediation organisation"},
		{"disaster_rescue", "灾害救援组织", "Disaster rescue organisation"},
	},
}

// HospitalGrades are the grades of hospitals (医院等级).
var HospitalGrades = Vocabulary{
	Name: "hospital_grades", Zh: "医疗机构等级", En: "Hospital grades",
	Terms: []Term{
		{"grade_1", "一级", "Grade I"},
		{"grade_2", "二级", "Grade II"},
		{"grade_3", "三级", "Grade III"},
	},
}

// ClientCountUnitKinds are the units seed §(三) staffs "by the number of
// clients and the nature of the work": schools, funeral services and the
// others of that sentence.
var ClientCountUnitKinds = map[string]bool{UnitSchool: true, UnitFuneralService: true, UnitMentalHealth: true,
	UnitPsychologicalService: true, UnitDrugRehabilitation: true, UnitCommunityCorrection: true, UnitJuvenileProtection: true}
