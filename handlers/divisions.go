package handlers

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
)

// DivisionDTO is one administrative division of Zhengzhou.
type DivisionDTO struct {
	Code     string   `json:"code" doc:"国家统计局区划代码 Official statistical code"`
	Name     string   `json:"name"`
	Level    string   `json:"level" enum:"city,county,town,village"`
	Parent   string   `json:"parent"`
	Kind     string   `json:"kind,omitempty" doc:"street/town/township/community/village ..."`
	Lat      *float64 `json:"lat,omitempty" doc:"中心点（GCJ-02）：市、区县取自区划数据，社区取自居委会或民政设定的中心点；没有时缺省 The centre (GCJ-02): from the division data for the city and counties, as set by the committee or civil affairs for a community; absent when there is none"`
	Lng      *float64 `json:"lng,omitempty"`
	Children int      `json:"children" doc:"下级区划数 Number of child divisions"`
}

func divisionDTO(d models.Division) DivisionDTO {
	out := DivisionDTO{Code: d.Code, Name: d.Name, Level: string(d.Level), Parent: d.Parent, Kind: d.Kind,
		Children: len(models.ChildDivisions(d.Code))}
	if d.Lat != 0 {
		out.Lat, out.Lng = &d.Lat, &d.Lng
	}
	return out
}

// withCentres fills the centre points set for divisions the data has none for.
func withCentres(ctx context.Context, svc *service.Service, items []DivisionDTO) error {
	var codes []string
	for _, d := range items {
		if d.Lat == nil {
			codes = append(codes, d.Code)
		}
	}
	if len(codes) == 0 {
		return nil
	}
	set, err := svc.Parties().DivisionCentres(ctx, codes)
	if err != nil {
		return err
	}
	for i, d := range items {
		if p, ok := set[d.Code]; ok && d.Lat == nil {
			items[i].Lat, items[i].Lng = &p.Lat, &p.Lng
		}
	}
	return nil
}

type communityCentreInput struct {
	Code string `path:"code" pattern:"^[0-9]{12}$" doc:"社区（村）区划代码 The community's code"`
	Body struct {
		Location models.Point `json:"location" doc:"中心点（GCJ-02）The centre point (GCJ-02)"`
	}
}

type divisionListInput struct {
	Parent string `query:"parent" pattern:"^[0-9]{2,12}$" doc:"上级区划代码；缺省为郑州市下辖区县 Parent code; default: Zhengzhou's counties"`
	PageParams
}

type divisionListOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         struct {
		Items []DivisionDTO `json:"items"`
		ListMeta
	}
}

type divisionInput struct {
	Code string `path:"code" pattern:"^[0-9]{4,12}$"`
}

type divisionOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         DivisionDTO
}

func registerDivisions(api huma.API, svc *service.Service) {
	huma.Register(api, op("list-divisions", http.MethodGet, "/v1/divisions", "geography",
		"下级行政区划 Child divisions of a division", false, 404, 422),
		func(ctx context.Context, in *divisionListInput) (*divisionListOutput, error) {
			parent := in.Parent
			if parent == "" {
				parent = models.CityCode
			}
			if _, ok := models.LookupDivision(parent); !ok {
				return nil, models.E(models.KindNotFound, "行政区划不存在", "no such division")
			}
			all := models.ChildDivisions(parent)
			out := &divisionListOutput{CacheControl: "public, max-age=300"}
			out.Body.Items = []DivisionDTO{}
			for _, d := range all {
				if in.Cursor != "" && d.Code <= in.Cursor {
					continue
				}
				if len(out.Body.Items) == in.Limit {
					out.Body.NextCursor = out.Body.Items[len(out.Body.Items)-1].Code
					break
				}
				out.Body.Items = append(out.Body.Items, divisionDTO(d))
			}
			if err := withCentres(ctx, svc, out.Body.Items); err != nil {
				return nil, err
			}
			return out, nil
		})

	huma.Register(api, op("get-division", http.MethodGet, "/v1/divisions/{code}", "geography",
		"一个行政区划 One division", false, 404, 422),
		func(ctx context.Context, in *divisionInput) (*divisionOutput, error) {
			d, ok := models.LookupDivision(in.Code)
			if !ok {
				return nil, models.E(models.KindNotFound, "行政区划不存在", "no such division")
			}
			items := []DivisionDTO{divisionDTO(d)}
			if err := withCentres(ctx, svc, items); err != nil {
				return nil, err
			}
			return &divisionOutput{CacheControl: "public, max-age=300", Body: items[0]}, nil
		})

	huma.Register(api, op("set-community-centre", http.MethodPut, "/v1/communities/{code}/centre", "geography",
		"设定社区中心点（社区居委会、民政）Set a community's centre point (committee, civil affairs)", true, 403, 404, 422),
		func(ctx context.Context, in *communityCentreInput) (*divisionOutput, error) {
			d, ok := models.LookupDivision(in.Code)
			if !ok {
				return nil, models.E(models.KindNotFound, "行政区划不存在", "no such division")
			}
			c, err := svc.Parties().SetCommunityCentre(ctx, actorFrom(ctx), in.Code, in.Body.Location)
			if err != nil {
				return nil, err
			}
			out := divisionDTO(d)
			out.Lat, out.Lng = &c.Point.Lat, &c.Point.Lng
			return &divisionOutput{CacheControl: "no-store", Body: out}, nil
		})
}
