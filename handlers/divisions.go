package handlers

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
)

// DivisionDTO is one administrative division of Zhengzhou.
type DivisionDTO struct {
	Code     string   `json:"code" doc:"国家统计局区划代码 Official statistical code"`
	Name     string   `json:"name"`
	Level    string   `json:"level" enum:"city,county,town,village"`
	Parent   string   `json:"parent"`
	Kind     string   `json:"kind,omitempty" doc:"street/town/township/community/village ..."`
	Lat      *float64 `json:"lat,omitempty"`
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

func registerDivisions(api huma.API) {
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
			out := &divisionListOutput{CacheControl: "public, max-age=86400"}
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
			return out, nil
		})

	huma.Register(api, op("get-division", http.MethodGet, "/v1/divisions/{code}", "geography",
		"一个行政区划 One division", false, 404, 422),
		func(ctx context.Context, in *divisionInput) (*divisionOutput, error) {
			d, ok := models.LookupDivision(in.Code)
			if !ok {
				return nil, models.E(models.KindNotFound, "行政区划不存在", "no such division")
			}
			return &divisionOutput{CacheControl: "public, max-age=86400", Body: divisionDTO(d)}, nil
		})
}
