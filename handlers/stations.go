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

// StationDTO is a township/street social-work station.
type StationDTO struct {
	TownCode          string          `json:"townCode" doc:"乡镇（街道）代码，也是站点标识 Township code, also the station's id"`
	CountyCode        string          `json:"countyCode"`
	Name              string          `json:"name"`
	ServiceAreas      []string        `json:"serviceAreas" doc:"station_service_areas"`
	OperatorOrgID     string          `json:"operatorOrgId,omitempty"`
	SocialWorkers     []string        `json:"socialWorkers" doc:"驻站社工账号 Staffed social workers' account ids"`
	SocialWorkerCount int             `json:"socialWorkerCount"`
	OpenedOn          string          `json:"openedOn,omitempty"`
	Status            string          `json:"status" doc:"station_statuses"`
	Address           string          `json:"address,omitempty"`
	Setup             StationSetupDTO `json:"setup"`
	Missing           []string        `json:"missing" doc:"尚未具备的建设要素（station_elements）：硬件设置、服务内容、人员配备、制度建设、相关标识 The seed's elements the station does not show yet"`
	CreatedAt         time.Time       `json:"createdAt"`
	UpdatedAt         time.Time       `json:"updatedAt"`
}

func stationDTO(s *models.Station) StationDTO {
	return StationDTO{TownCode: s.TownCode, CountyCode: s.CountyCode, Name: s.Name, ServiceAreas: nonNil(s.ServiceAreas),
		OperatorOrgID: s.OperatorOrgID, SocialWorkers: nonNil(s.SocialWorkers), SocialWorkerCount: s.SocialWorkerNo,
		OpenedOn: s.OpenedOn, Status: s.Status, Address: s.Address, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt,
		Setup: setupDTO(s.Setup), Missing: nonNil(s.Missing())}
}

// StationSetupDTO is a station's hardware, services, rules and signage.
type StationSetupDTO struct {
	AreaSqm      int      `json:"areaSqm" required:"false" minimum:"0" maximum:"100000" doc:"场地面积（平方米）Floor area, m²"`
	Rooms        []string `json:"rooms" required:"false" maxItems:"7" doc:"station_rooms"`
	OpeningHours string   `json:"openingHours,omitempty" maxLength:"100" doc:"服务时间 Opening hours"`
	ServiceItems []string `json:"serviceItems" required:"false" maxItems:"30" doc:"服务项目 Services offered"`
	Rules        []string `json:"rules" required:"false" maxItems:"8" doc:"station_rules"`
	SignageOn    string   `json:"signageOn,omitempty" doc:"标识牌悬挂日期 YYYY-MM-DD The date the sign was put up"`
}

func setupDTO(u models.StationSetup) StationSetupDTO {
	return StationSetupDTO{AreaSqm: u.AreaSqm, Rooms: nonNil(u.Rooms), OpeningHours: u.OpeningHours, ServiceItems: nonNil(u.ServiceItems),
		Rules: nonNil(u.Rules), SignageOn: u.SignageOn}
}

func (d *StationSetupDTO) model() models.StationSetup {
	if d == nil {
		return models.StationSetup{}
	}
	return models.StationSetup{AreaSqm: d.AreaSqm, Rooms: d.Rooms, OpeningHours: d.OpeningHours, ServiceItems: d.ServiceItems,
		Rules: d.Rules, SignageOn: d.SignageOn}
}

type StationBody struct {
	Name          string           `json:"name" minLength:"2" maxLength:"100"`
	ServiceAreas  []string         `json:"serviceAreas" minItems:"1" maxItems:"5"`
	OperatorOrgID string           `json:"operatorOrgId,omitempty" maxLength:"64"`
	SocialWorkers []string         `json:"socialWorkers,omitempty" maxItems:"200"`
	OpenedOn      string           `json:"openedOn,omitempty" doc:"YYYY-MM-DD"`
	Status        string           `json:"status,omitempty" doc:"station_statuses (default open)"`
	Address       string           `json:"address,omitempty" maxLength:"200"`
	Setup         *StationSetupDTO `json:"setup,omitempty" doc:"硬件设置、服务内容、制度建设、相关标识 Hardware, services, rules, signage"`
}

func (b StationBody) input(town string) parties.StationInput {
	return parties.StationInput{TownCode: town, Name: b.Name, ServiceAreas: b.ServiceAreas, OperatorOrgID: b.OperatorOrgID,
		SocialWorkers: b.SocialWorkers, OpenedOn: b.OpenedOn, Status: b.Status, Address: b.Address, Setup: b.Setup.model()}
}

type createStationInput struct {
	Body struct {
		TownCode string `json:"townCode" pattern:"^[0-9]{9}$" doc:"乡镇（街道）9 位代码 9-digit township code"`
		StationBody
	}
}

type stationIDInput struct {
	TownCode string `path:"townCode" pattern:"^[0-9]{9}$"`
}

type updateStationInput struct {
	TownCode string `path:"townCode" pattern:"^[0-9]{9}$"`
	Body     StationBody
}

type stationOutput struct{ Body StationDTO }

type listStationsInput struct {
	Division string `query:"division" pattern:"^[0-9]{4,9}$"`
	PageParams
}

func registerStations(api huma.API, svc *service.Service) {
	const tag = "stations"
	huma.Register(api, created(op("create-station", http.MethodPost, "/v1/stations", tag,
		"设立乡镇（街道）社工站（民政部门）Open a township station (civil affairs)", true, 403, 409, 422)),
		func(ctx context.Context, in *createStationInput) (*stationOutput, error) {
			st, err := svc.Parties().CreateStation(ctx, actorFrom(ctx), in.Body.input(in.Body.TownCode))
			if err != nil {
				return nil, err
			}
			return &stationOutput{Body: stationDTO(st)}, nil
		})
	huma.Register(api, op("list-stations", http.MethodGet, "/v1/stations", tag,
		"社工站列表（公开）List stations (public)", false, 422),
		func(ctx context.Context, in *listStationsInput) (*listOutput[StationDTO], error) {
			list, next, err := svc.Parties().ListStations(ctx, in.Division, service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, stationDTO)
		})
	huma.Register(api, op("get-station", http.MethodGet, "/v1/stations/{townCode}", tag,
		"一个社工站（公开）One station (public)", false, 404, 422),
		func(ctx context.Context, in *stationIDInput) (*stationOutput, error) {
			st, err := svc.Parties().Station(ctx, in.TownCode)
			if err != nil {
				return nil, err
			}
			return &stationOutput{Body: stationDTO(st)}, nil
		})
	huma.Register(api, described(op("update-station", http.MethodPut, "/v1/stations/{townCode}", tag,
		"替换社工站信息（民政部门）Replace a station (civil affairs)", true, 403, 404, 422), putDescription("社工站信息")),
		func(ctx context.Context, in *updateStationInput) (*stationOutput, error) {
			st, err := svc.Parties().UpdateStation(ctx, actorFrom(ctx), in.TownCode, in.Body.input(in.TownCode))
			if err != nil {
				return nil, err
			}
			return &stationOutput{Body: stationDTO(st)}, nil
		})
}

// optionalSetup is a station's setup as a body carries it: absent when
// nothing is recorded.
func optionalSetup(u models.StationSetup) *StationSetupDTO {
	if u.AreaSqm == 0 && len(u.Rooms)+len(u.ServiceItems)+len(u.Rules) == 0 && u.OpeningHours == "" && u.SignageOn == "" {
		return nil
	}
	d := setupDTO(u)
	return &d
}
