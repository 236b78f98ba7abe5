package models

import (
	"strings"
	"time"
)

// Station is a township/street social-work station (乡镇(街道)社会工作服务站).
// There is at most one per township or street: its id is the township's code.
type Station struct {
	TownCode       string // 9-digit township/street code; also the station's id
	Name           string
	ServiceAreas   []string // station_service_areas vocabulary
	OperatorOrgID  string   // the social-work agency running it, if any
	SocialWorkers  []string // account ids of the social workers staffed there
	OpenedOn       string   // YYYY-MM-DD
	Status         string   // station_statuses vocabulary
	Address        string
	Setup          StationSetup // hardware, services, rules, signage
	CreatedAt      time.Time
	UpdatedAt      time.Time
	CreatedBy      string
	CountyCode     string // derived: the county the township lies in
	SocialWorkerNo int    // derived: len(SocialWorkers)
}

// Validate checks the station's own fields.
func (s *Station) Validate() error {
	var p Problems
	if err := ValidateDivision("townCode", s.TownCode, LevelTown); err != nil {
		collectErr(&p, err)
	}
	if n := len([]rune(strings.TrimSpace(s.Name))); n < 2 || n > 100 {
		p.Add("name", "站点名称须为 2–100 个字符", "name must be 2–100 characters")
	}
	validateCodes(&p, "serviceAreas", s.ServiceAreas, StationServiceAreas, true)
	if !StationStatuses.Has(s.Status) {
		p.Add("status", "未知的站点状态", "unknown station status")
	}
	if s.OpenedOn != "" {
		if _, err := ParseDate("openedOn", s.OpenedOn); err != nil {
			collectErr(&p, err)
		}
	} else if s.Status == "open" {
		p.Add("openedOn", "运营中的站点须填写开站日期", "an open station needs its opening date")
	}
	if len(s.SocialWorkers) > 200 {
		p.Add("socialWorkers", "社工人数过多", "too many social workers")
	}
	s.Setup.validate(&p)
	if len([]rune(s.Address)) > 200 {
		p.Add("address", "地址不超过 200 字", "address must be at most 200 characters")
	}
	return p.Err()
}
