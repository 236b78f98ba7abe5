package handlers

import "github.com/wushe/wushe/models"

// DashboardSupervisorsDTO counts the supervisors with a verified
// certificate: the city pool against the "hundred supervisors" programme,
// and the county teams.
type DashboardSupervisorsDTO struct {
	CityPool         int `json:"cityPool" doc:"市级督导人才库人数（仅全市行）Supervisors of the city pool (the city's row only)"`
	CountyTeams      int `json:"countyTeams" doc:"区县督导队伍人数 Supervisors of county teams"`
	ProgrammeTrained int `json:"programmeTrained" doc:"百名社工督导培养工程已培养（仅全市行）Trained by the hundred-supervisors programme (the city's row only)"`
	ProgrammeTarget  int `json:"programmeTarget" doc:"培养工程目标 100 The programme's target, 100"`
}

// DashboardCoverageCellDTO is one district's services in a field or domain.
type DashboardCoverageCellDTO struct {
	District      string `json:"district"`
	Covered       bool   `json:"covered" doc:"有任何服务 Any service exists"`
	NeedsServed   int    `json:"needsServed" doc:"已配齐人员的需求 Needs that reached staffing"`
	Organisations int    `json:"organisations" doc:"服务该领域的运营中组织 Operating organisations serving it"`
	Posts         int    `json:"posts" doc:"已聘且经用人单位确认的岗位 Filled, confirmed posts"`
	Stations      int    `json:"stations" doc:"服务该领域的已配社工的社工站 Staffed stations serving it"`
}

// DashboardCoverageDTO is one civil-affairs field or key domain across the
// districts of the view.
type DashboardCoverageDTO struct {
	Kind             string                     `json:"kind" enum:"civil_affairs_field,key_domain" doc:"民政领域（全覆盖）或社会治理重点领域（基本覆盖）A civil-affairs field (full coverage) or a key governance domain (basic coverage)"`
	Code             string                     `json:"code" doc:"station_service_areas 或 domains 代码 A station_service_areas or domains code"`
	DistrictsCovered int                        `json:"districtsCovered"`
	Districts        []DashboardCoverageCellDTO `json:"districts"`
}

// DashboardTownDTO is one township's station as counted.
type DashboardTownDTO struct {
	Code     string `json:"code"`
	District string `json:"district"`
	Status   string `json:"status" enum:"staffed,open_unstaffed,no_station" doc:"已配社工（计入覆盖）、运营但无社工（不计入）、无站点 Staffed (counts), open but unstaffed (does not count), no station"`
}

func supervisorsDTO(f models.DashboardFigures) DashboardSupervisorsDTO {
	return DashboardSupervisorsDTO{CityPool: f.CitySupervisors, CountyTeams: f.CountySupervisors, ProgrammeTrained: f.ProgrammeSupervisors,
		ProgrammeTarget: models.SupervisorProgrammeTarget}
}

func coverageDTOs(v *models.DashboardView) ([]DashboardCoverageDTO, []DashboardTownDTO) {
	rows := make([]DashboardCoverageDTO, 0, len(v.Coverage))
	for _, r := range v.Coverage {
		d := DashboardCoverageDTO{Kind: r.Kind, Code: r.Code, DistrictsCovered: r.DistrictsCovered, Districts: make([]DashboardCoverageCellDTO, 0, len(r.Cells))}
		for _, c := range r.Cells {
			d.Districts = append(d.Districts, DashboardCoverageCellDTO{District: c.District, Covered: c.Covered, NeedsServed: c.NeedsServed,
				Organisations: c.Organisations, Posts: c.Posts, Stations: c.Stations})
		}
		rows = append(rows, d)
	}
	towns := make([]DashboardTownDTO, 0, len(v.Towns))
	for _, t := range v.Towns {
		towns = append(towns, DashboardTownDTO{Code: t.Town, District: t.District, Status: t.Status})
	}
	return rows, towns
}

// DashboardPriceTableDTO is a purchase price table in force and whether it
// is due for revision (every 3 years, seed §(八)).
type DashboardPriceTableDTO struct {
	Division       string `json:"division"`
	EffectiveFrom  string `json:"effectiveFrom"`
	DueForRevision bool   `json:"dueForRevision" doc:"已超过 3 年未修订 More than 3 years old"`
	DueSince       string `json:"dueSince,omitempty" doc:"应修订之日 The day it became due for revision"`
}

func priceTableDTOs(v *models.DashboardView) []DashboardPriceTableDTO {
	out := make([]DashboardPriceTableDTO, 0, len(v.PriceTables))
	for _, p := range v.PriceTables {
		out = append(out, DashboardPriceTableDTO{Division: p.Division, EffectiveFrom: p.EffectiveFrom, DueForRevision: p.DueSince != "", DueSince: p.DueSince})
	}
	return out
}
