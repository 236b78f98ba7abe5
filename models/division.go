package models

import (
	_ "embed"
	"encoding/json"
	"sort"
	"strings"
	"sync"
)

// DivisionLevel is a tier of China's administrative divisions.
type DivisionLevel string

const (
	LevelCity    DivisionLevel = "city"    // 郑州市, 4-digit code
	LevelCounty  DivisionLevel = "county"  // 区/县/县级市, 6 digits
	LevelTown    DivisionLevel = "town"    // 乡/镇/街道, 9 digits
	LevelVillage DivisionLevel = "village" // 社区居委会/村委会, 12 digits
)

// Division is one administrative division of Zhengzhou with its official
// statistical code (国家统计局 统计用区划代码 2023). Codes are hierarchical:
// a division's code begins with its parent's.
type Division struct {
	Code   string        `json:"code"`
	Name   string        `json:"name"`
	Level  DivisionLevel `json:"level"`
	Parent string        `json:"parent"`
	Kind   string        `json:"kind,omitempty"` // street, town, township, community, village, ...
	Lat    float64       `json:"lat,omitempty"`
	Lng    float64       `json:"lng,omitempty"`
	// OfficialCountyLevel is false for the three statistical zones
	// (经开区, 高新区, 航空港区) that are not official county-level divisions.
	OfficialCountyLevel *bool `json:"official_county_level,omitempty"`
}

// CityCode is Zhengzhou's division code.
const CityCode = "4101"

//go:embed data/zhengzhou-divisions.json
var divisionsJSON []byte

var divisions = sync.OnceValue(func() *divisionIndex {
	var all []Division
	if err := json.Unmarshal(divisionsJSON, &all); err != nil {
		panic("models: embedded divisions are corrupt: " + err.Error())
	}
	idx := &divisionIndex{byCode: make(map[string]*Division, len(all)), children: map[string][]*Division{}}
	for i := range all {
		d := &all[i]
		idx.byCode[d.Code] = d
		idx.children[d.Parent] = append(idx.children[d.Parent], d)
	}
	for _, c := range idx.children {
		sort.Slice(c, func(i, j int) bool { return c[i].Code < c[j].Code })
	}
	return idx
})

type divisionIndex struct {
	byCode   map[string]*Division
	children map[string][]*Division
}

// LookupDivision returns the division with code.
func LookupDivision(code string) (Division, bool) {
	d, ok := divisions().byCode[code]
	if !ok {
		return Division{}, false
	}
	return *d, true
}

// ChildDivisions lists the divisions directly under parent, by code.
func ChildDivisions(parent string) []Division {
	c := divisions().children[parent]
	out := make([]Division, len(c))
	for i, d := range c {
		out[i] = *d
	}
	return out
}

// DivisionsAt lists every division of one level, by code.
func DivisionsAt(level DivisionLevel) []Division {
	var out []Division
	for _, d := range divisions().byCode {
		if d.Level == level {
			out = append(out, *d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// WithinDivision reports whether code is ancestor itself or lies inside it.
func WithinDivision(code, ancestor string) bool {
	return ancestor != "" && strings.HasPrefix(code, ancestor)
}

// ValidateDivision checks that code is a known division of the wanted level
// (any level when level is empty).
func ValidateDivision(field, code string, level DivisionLevel) error {
	d, ok := LookupDivision(code)
	if !ok {
		return Invalid(field, "未知的行政区划代码", "unknown division code")
	}
	if level != "" && d.Level != level {
		return Invalid(field, "行政区划层级不符，应为"+levelZh(level), "division must be of level "+string(level))
	}
	return nil
}

func levelZh(l DivisionLevel) string {
	switch l {
	case LevelCity:
		return "市级"
	case LevelCounty:
		return "县（区）级"
	case LevelTown:
		return "乡镇（街道）级"
	}
	return "社区（村）级"
}
