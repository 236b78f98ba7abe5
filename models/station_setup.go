package models

import "strings"

// station_setup.go: what the seed asks a township station to have (§(十二):
// 明确社会工作服务站的硬件设置、服务内容、人员配备、制度建设、相关标识):
// its space and rooms, its services and opening hours, its rules, its
// signage. The staffing is the station's social workers.

// StationSetup is a station's hardware, services, rules and signage.
type StationSetup struct {
	AreaSqm      int      // floor area in m²
	Rooms        []string // StationRooms
	OpeningHours string   // e.g. 周一至周五 9:00–17:30
	ServiceItems []string // the services offered, in words (个案、小组、社区活动……)
	Rules        []string // StationRules: the rules the station has adopted
	SignageOn    string   // YYYY-MM-DD the station's sign was put up; "" when not
}

// StationRooms are the functional rooms of a station. (product)
var StationRooms = Vocabulary{
	Name: "station_rooms", Zh: "社工站功能室", En: "Station rooms",
	Terms: []Term{
		{"office", "办公室", "Office"},
		{"reception", "接待室", "Reception"},
		{"casework", "个案工作室", "Casework room"},
		{"group_work", "小组活动室", "Group-work room"},
		{"activity", "多功能活动室", "Multi-purpose room"},
		{"supervision", "督导室", "Supervision room"},
		{"records", "档案室", "Records room"},
	},
}

// StationRules are the rules a station keeps (制度建设). (product)
var StationRules = Vocabulary{
	Name: "station_rules", Zh: "社工站制度", En: "Station rules",
	Terms: []Term{
		{"post_duties", "岗位职责", "Post duties"},
		{"service_process", "服务流程", "Service process"},
		{"supervision", "督导制度", "Supervision"},
		{"records", "档案管理制度", "Records management"},
		{"finance", "财务管理制度", "Financial management"},
		{"safety", "安全管理制度", "Safety"},
		{"complaints", "投诉处理制度", "Complaints handling"},
		{"volunteers", "志愿者管理制度", "Volunteer management"},
	},
}

// StationElements are the five elements of the seed a station is checked
// against, in the seed's order.
var StationElements = Vocabulary{
	Name: "station_elements", Zh: "社工站建设要素", En: "Station elements",
	Terms: []Term{
		{"hardware", "硬件设置", "Hardware"},
		{"services", "服务内容", "Services"},
		{"staffing", "人员配备", "Staffing"},
		{"rules", "制度建设", "Rules"},
		{"signage", "相关标识", "Signage"},
	},
}

// Missing is the seed's elements the station does not show yet: hardware
// (an area and at least a casework or group-work room), services (service
// areas, opening hours and at least one service item), staffing (a social
// worker on post), rules (post duties and service process at least) and
// signage. The product's reading of "明确" in the seed; reported, not
// refused, so that a station can be recorded while it is being built.
func (s *Station) Missing() []string {
	var out []string
	u := s.Setup
	if u.AreaSqm <= 0 || !(hasCode(u.Rooms, "casework") || hasCode(u.Rooms, "group_work")) {
		out = append(out, "hardware")
	}
	if len(s.ServiceAreas) == 0 || strings.TrimSpace(u.OpeningHours) == "" || len(u.ServiceItems) == 0 {
		out = append(out, "services")
	}
	if len(s.SocialWorkers) == 0 {
		out = append(out, "staffing")
	}
	if !hasCode(u.Rules, "post_duties") || !hasCode(u.Rules, "service_process") {
		out = append(out, "rules")
	}
	if u.SignageOn == "" {
		out = append(out, "signage")
	}
	return out
}

func hasCode(list []string, code string) bool {
	for _, c := range list {
		if c == code {
			return true
		}
	}
	return false
}

func (u *StationSetup) validate(p *Problems) {
	if u.AreaSqm < 0 || u.AreaSqm > 100000 {
		p.Add("setup.areaSqm", "场地面积须为 0–100000 平方米", "floor area must be 0–100000 m²")
	}
	validateCodes(p, "setup.rooms", u.Rooms, StationRooms, false)
	validateCodes(p, "setup.rules", u.Rules, StationRules, false)
	if len([]rune(u.OpeningHours)) > 100 {
		p.Add("setup.openingHours", "服务时间不超过 100 字", "opening hours must be at most 100 characters")
	}
	if len(u.ServiceItems) > 30 {
		p.Add("setup.serviceItems", "服务项目不超过 30 项", "at most 30 service items")
	}
	for _, it := range u.ServiceItems {
		if n := len([]rune(strings.TrimSpace(it))); n < 2 || n > 100 {
			p.Add("setup.serviceItems", "每个服务项目须为 2–100 个字符", "each service item must be 2–100 characters")
			break
		}
	}
	if u.SignageOn != "" {
		if _, err := ParseDate("setup.signageOn", u.SignageOn); err != nil {
			collectErr(p, err)
		}
	}
}
