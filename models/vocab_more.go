package models

// Vocabularies of appraisal, organisations and the rest of the service
// (the social-work domains, tasks and groups are in vocab.go).

// AppraisalDimensions are the main contents of the appraisal of social-work
// professionals (seed §10).
var AppraisalDimensions = Vocabulary{
	Name: "appraisal_dimensions", Zh: "考核内容", En: "Appraisal dimensions",
	Terms: []Term{
		{"professional_ethics", "职业操守", "Professional ethics"},
		{"professional_quality", "职业素质", "Professional quality"},
		{"professional_skills", "专业技术", "Professional skills"},
		{"work_ability", "工作能力", "Work ability"},
		{"work_performance", "工作绩效", "Work performance"},
		{"client_feedback", "服务对象反馈意见", "Client feedback"},
	},
}

// OrganisationKinds are the kinds of organisation the service knows. (product,
// drawn from the seed's kinds of organisation and service facility)
var OrganisationKinds = Vocabulary{
	Name: "organisation_kinds", Zh: "组织类型", En: "Organisation kinds",
	Terms: []Term{
		{"social_work_agency", "社会工作服务机构", "Social-work service agency"},
		{"community_social_organisation", "社区社会组织", "Community social organisation"},
		{"charity_organisation", "慈善组织", "Charity organisation"},
		{"volunteer_organisation", "志愿服务组织", "Volunteer service organisation"},
		{"supervision_evaluation_institution", "社会工作督导评估机构", "Social-work supervision and evaluation institution"},
		{"elder_care_facility", "养老机构", "Elder-care facility"},
		{"child_welfare_facility", "儿童福利机构", "Child-welfare facility"},
		{"medical_facility", "医疗机构", "Medical facility"},
		{"other_service_facility", "其他服务机构", "Other service facility"},
	},
}

// OrganisationStatuses are the life-cycle states of an organisation. (product)
var OrganisationStatuses = Vocabulary{
	Name: "organisation_statuses", Zh: "机构状态", En: "Organisation statuses",
	Terms: []Term{
		{"incubating", "培育中", "Incubating"},
		{"active", "正常运营", "Active"},
		{"demonstration", "示范机构", "Demonstration organisation"},
		{"warned", "警示", "Warned"},
		{"suspended", "暂停", "Suspended"},
		{"exited", "已退出", "Exited"},
	},
}

// ExitReasons are the grounds on which an organisation is eliminated (seed
// §16: 依法查处各类违法行为，及时淘汰内部治理混乱、服务水平低、社会信用差、
// 长期不开展业务活动等情况的机构). "other" is product.
var ExitReasons = Vocabulary{
	Name: "exit_reasons", Zh: "退出原因", En: "Exit reasons",
	Terms: []Term{
		{"chaotic_internal_governance", "内部治理混乱", "Chaotic internal governance"},
		{"low_service_level", "服务水平低", "Low service level"},
		{"poor_social_credit", "社会信用差", "Poor social credit"},
		{"long_term_inactivity", "长期不开展业务活动", "Long-term inactivity"},
		{"illegal_conduct", "违法行为", "Illegal conduct"},
		{"other", "其他", "Other"},
	},
}

// CertificateLevels are the national social-work qualification certificates,
// lowest first.
var CertificateLevels = Vocabulary{
	Name: "certificate_levels", Zh: "职业资格等级", En: "Certificate levels",
	Terms: []Term{
		{"assistant_social_worker", "助理社会工作师", "Assistant social worker"},
		{"social_worker", "社会工作师", "Social worker"},
		{"senior_social_worker", "高级社会工作师", "Senior social worker"},
	},
}

// PostGrades are the grades within each certificate's post titles (e.g.
// 社会工作师一级岗位), highest first.
var PostGrades = Vocabulary{
	Name: "post_grades", Zh: "岗位等级", En: "Post grades",
	Terms: []Term{
		{"grade_1", "一级", "Grade 1"},
		{"grade_2", "二级", "Grade 2"},
		{"grade_3", "三级", "Grade 3"},
	},
}

// Roles are the account roles; the codes equal the Role constants. (product)
var Roles = Vocabulary{
	Name: "roles", Zh: "角色", En: "Roles",
	Terms: []Term{
		{string(RoleVolunteer), "志愿者", "Volunteer"},
		{string(RoleSocialWorker), "社会工作者", "Social worker"},
		{string(RoleCommunityAdmin), "社区居委会管理员", "Community committee administrator"},
		{string(RoleOrgAdmin), "机构管理员", "Organisation administrator"},
		{string(RoleCharityAdmin), "慈善组织管理员", "Charity organisation administrator"},
		{string(RoleReviewer), "评审专家", "Reviewer"},
		{string(RoleEvaluator), "第三方评估人员", "Third-party evaluator"},
		{string(RoleCivilAffairs), "民政部门", "Civil affairs"},
	},
}

// Skills are practical volunteer skills. This list is product design: the
// seed names no volunteer skills.
var Skills = Vocabulary{
	Name: "skills", Zh: "志愿者技能", En: "Volunteer skills",
	Terms: []Term{
		{"first_aid", "急救", "First aid"},
		{"elder_care", "助老护理", "Elder care"},
		{"tutoring", "课业辅导", "Homework tutoring"},
		{"counselling_support", "心理陪伴", "Emotional companionship"},
		{"sign_language", "手语", "Sign language"},
		{"legal_aid", "法律援助", "Legal aid"},
		{"medical_nursing", "医疗护理", "Medical nursing"},
		{"cooking", "烹饪", "Cooking"},
		{"driving", "驾驶", "Driving"},
		{"photography", "摄影", "Photography"},
		{"it_support", "电脑网络", "Computers and networks"},
		{"haircut", "理发", "Haircutting"},
		{"repair", "家电维修", "Appliance repair"},
		{"translation", "外语翻译", "Foreign-language translation"},
		{"dialect_henan", "河南方言", "Henan dialect"},
		{"arts_crafts", "手工艺", "Arts and crafts"},
		{"sports_coaching", "体育指导", "Sports coaching"},
		{"event_organising", "活动组织", "Event organising"},
		{"fundraising", "筹款", "Fundraising"},
		{"data_entry", "数据录入", "Data entry"},
	},
}

// EducationLevels are the education levels used by the exam-eligibility
// rules, lowest first.
var EducationLevels = Vocabulary{
	Name: "education_levels", Zh: "学历", En: "Education levels",
	Terms: []Term{
		{"high_school", "高中或中专", "High school or secondary vocational school"},
		{"junior_college", "大专", "Junior college"},
		{"bachelor", "本科", "Bachelor's degree"},
		{"master", "硕士", "Master's degree"},
		{"doctorate", "博士", "Doctorate"},
	},
}

// Languages a volunteer or social worker can serve in. (product)
var Languages = Vocabulary{
	Name: "languages", Zh: "服务语言", En: "Languages",
	Terms: []Term{
		{"mandarin", "普通话", "Mandarin"},
		{"henan_dialect", "河南话", "Henan dialect"},
		{"english", "英语", "English"},
		{"sign_language", "手语", "Sign language"},
	},
}

// BudgetLines are the budget lines of a government-purchased social-work
// project (seed §17).
var BudgetLines = Vocabulary{
	Name: "budget_lines", Zh: "项目经费预算科目", En: "Budget lines",
	Terms: []Term{
		{"salary", "薪酬待遇", "Salaries and benefits"},
		{"supervision_training", "督导培训经费", "Supervision and training"},
		{"service_activities", "服务活动经费", "Service activities"},
		{"project_management", "项目管理经费", "Project management"},
	},
}

// PurchaseWorkflow are the states of the standard purchase workflow of
// social-work services (seed §12), in order.
var PurchaseWorkflow = Vocabulary{
	Name: "purchase_workflow", Zh: "购买流程", En: "Purchase workflow",
	Terms: []Term{
		{"declaration", "项目申报", "Project declaration"},
		{"procurement", "组织采购", "Procurement"},
		{"contract", "合同签订", "Contract signing"},
		{"supervision", "项目督导", "Project supervision"},
		{"evaluation", "绩效评估", "Performance evaluation"},
	},
}

// NeedStatuses are the states of a community need. (product)
var NeedStatuses = Vocabulary{
	Name: "need_statuses", Zh: "需求状态", En: "Need statuses",
	Terms: []Term{
		{"draft", "草稿", "Draft"},
		{"open", "招募中", "Open for sign-up"},
		{"staffed", "已满员", "Fully staffed"},
		{"in_progress", "进行中", "In progress"},
		{"completed", "已完成", "Completed"},
		{"evaluated", "已评价", "Evaluated"},
		{"cancelled", "已取消", "Cancelled"},
		{"expired", "已过期", "Expired"},
	},
}

// CompetitionPhases are the phases of a venture-philanthropy competition or
// project contest (公益创投、项目大赛). (product)
var CompetitionPhases = Vocabulary{
	Name: "competition_phases", Zh: "大赛阶段", En: "Competition phases",
	Terms: []Term{
		{"draft", "筹备中", "Draft"},
		{"open", "报名中", "Open for entries"},
		{"review", "专家评审", "Expert review"},
		{"public_vote", "公众投票", "Public vote"},
		{"finalists", "入围公示", "Finalists announced"},
		{"awarded", "已颁奖", "Awarded"},
		{"closed", "已结束", "Closed"},
	},
}

// ComplaintStatuses are the states of a complaint or report about a
// social-work service (seed §16: 投诉、举报受理机制). (product)
var ComplaintStatuses = Vocabulary{
	Name: "complaint_statuses", Zh: "投诉状态", En: "Complaint statuses",
	Terms: []Term{
		{"received", "已受理", "Received"},
		{"investigating", "调查中", "Investigating"},
		{"upheld", "属实", "Upheld"},
		{"dismissed", "不属实", "Dismissed"},
	},
}

// ComplaintCategories classify a complaint or report about an
// organisation; the first four follow the seed's exit grounds. (product)
var ComplaintCategories = Vocabulary{
	Name: "complaint_categories", Zh: "投诉类别", En: "Complaint categories",
	Terms: []Term{
		{"governance", "内部治理混乱", "Chaotic internal governance"},
		{"service_quality", "服务质量差", "Poor service quality"},
		{"credit", "失信行为", "Dishonest conduct"},
		{"inactivity", "长期不开展业务活动", "Long inactivity"},
		{"fees", "违规收费", "Improper fees"},
		{"misconduct", "违法违规行为", "Unlawful conduct"},
		{"other", "其他", "Other"},
	},
}

// StationStatuses are the states of a township/street social-work station. (product)
var StationStatuses = Vocabulary{
	Name: "station_statuses", Zh: "社工站状态", En: "Station statuses",
	Terms: []Term{
		{"planned", "筹建中", "Planned"},
		{"open", "运营中", "Open"},
		{"suspended", "暂停服务", "Suspended"},
		{"closed", "已关闭", "Closed"},
	},
}

// vocabAll lists every vocabulary in the order Vocabularies returns them.
var vocabAll = []*Vocabulary{
	&Domains,
	&HighRiskDomains,
	&ServiceTasks,
	&TargetGroups,
	&DemonstrationDomains,
	&StationServiceAreas,
	&AppraisalDimensions,
	&OrganisationKinds,
	&OrganisationStatuses,
	&ExitReasons,
	&CertificateLevels,
	&PostGrades,
	&UnitKinds, &ServiceInstitutionKinds, &CommunityPlatformKinds, &HospitalGrades, // the posts registry (post_vocab.go)
	&Roles,
	&Skills,
	&EducationLevels,
	&Languages,
	&BudgetLines,
	&PurchaseWorkflow,
	&NeedStatuses,
	&CompetitionPhases,
	&ComplaintStatuses,
	&ComplaintCategories,
	&StationStatuses,
	&DistanceBands,
	&StationRooms,
	&StationRules,
	&StationElements,
	&SupervisorTiers,
}

// Vocabularies returns every vocabulary, in a stable order. The result is a
// copy: changing it does not change the package's data.
func Vocabularies() []Vocabulary {
	out := make([]Vocabulary, len(vocabAll))
	for i, v := range vocabAll {
		out[i] = v.clone()
	}
	return out
}

// LookupVocabulary returns the vocabulary with the given name (e.g.
// "domains"), as a copy.
func LookupVocabulary(name string) (Vocabulary, bool) {
	for _, v := range vocabAll {
		if v.Name == name {
			return v.clone(), true
		}
	}
	return Vocabulary{}, false
}
