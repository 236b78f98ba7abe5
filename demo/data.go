package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/wushe/wushe/models"
)

// data.go holds the demo city's geography, names and need templates.

// demoGeo is the geography the city is drawn on.
type demoGeo struct {
	central, outer   []string // official districts
	centralW, outerW []float64
	others           []string                     // every county-level division but the central ones
	villages, towns  map[string][]models.Division // by county
}

// demoCentral are Zhengzhou's central districts, where 70% of people live
// in the demo city; they are weighted by their number of communities, the
// other official districts by area.
var demoCentral = []string{"410102", "410103", "410104", "410105", "410108"}

var demoGeography = sync.OnceValue(func() *demoGeo {
	g := &demoGeo{villages: map[string][]models.Division{}, towns: map[string][]models.Division{}}
	for _, c := range models.ChildDivisions(models.CityCode) {
		for _, t := range models.ChildDivisions(c.Code) {
			g.towns[c.Code] = append(g.towns[c.Code], t)
			g.villages[c.Code] = append(g.villages[c.Code], models.ChildDivisions(t.Code)...)
		}
		if !slices.Contains(demoCentral, c.Code) {
			g.others = append(g.others, c.Code)
		}
	}
	// Areas by counting the points of a regular grid that fall in each district.
	polys := models.DistrictPolygons()
	lo, hi := polys[0].Min, polys[0].Max
	for _, p := range polys {
		lo = models.Point{Lat: min(lo.Lat, p.Min.Lat), Lng: min(lo.Lng, p.Min.Lng)}
		hi = models.Point{Lat: max(hi.Lat, p.Max.Lat), Lng: max(hi.Lng, p.Max.Lng)}
	}
	area := map[string]float64{}
	const steps = 200
	for a := range steps {
		for b := range steps {
			p := models.Point{Lat: lo.Lat + (hi.Lat-lo.Lat)*(float64(a)+0.5)/steps, Lng: lo.Lng + (hi.Lng-lo.Lng)*(float64(b)+0.5)/steps}
			if c, ok := models.DistrictAt(p); ok {
				area[c]++
			}
		}
	}
	for _, p := range polys {
		if slices.Contains(demoCentral, p.Code) {
			g.central = append(g.central, p.Code)
			g.centralW = append(g.centralW, float64(len(g.villages[p.Code])))
		} else {
			g.outer = append(g.outer, p.Code)
			g.outerW = append(g.outerW, max(area[p.Code], 1))
		}
	}
	return g
})

// district draws the official district a person lives in.
func (g *demoGeo) district(r *rand.Rand) string {
	if r.Float64() < 0.7 {
		return demoWeighted(r, g.central, g.centralW)
	}
	return demoWeighted(r, g.outer, g.outerW)
}

// orgCounty draws where an organisation is registered: 60% in the central
// districts, the rest in any other county-level division (the statistical
// zones included).
func (g *demoGeo) orgCounty(r *rand.Rand) string {
	if r.Float64() < 0.6 {
		return demoWeighted(r, g.central, g.centralW)
	}
	return g.others[r.IntN(len(g.others))]
}

func demoWeighted(r *rand.Rand, codes []string, w []float64) string {
	var sum float64
	for _, x := range w {
		sum += x
	}
	x := r.Float64() * sum
	for i, wi := range w {
		if x < wi {
			return codes[i]
		}
		x -= wi
	}
	return codes[len(codes)-1]
}

// demoNear is a point within 1.5 km of home in the same district (home
// itself when a few draws all fall across the border).
func demoNear(r *rand.Rand, home models.Point, county string) models.Point {
	for range 20 {
		d, θ := 1.5*math.Sqrt(r.Float64()), 2*math.Pi*r.Float64()
		p := models.Point{Lat: home.Lat + d*math.Cos(θ)/111.2, Lng: home.Lng + d*math.Sin(θ)/(111.2*math.Cos(home.Lat*math.Pi/180))}
		if c, ok := models.DistrictAt(p); ok && c == county && models.DistanceKm(p, home) <= 1.5 {
			return p
		}
	}
	return home
}

// demoAvailability sets slots half hours between 07:00 and 22:00, in
// stretches of 1–4 hours.
func demoAvailability(r *rand.Rand, slots int) models.WeekGrid {
	var g models.WeekGrid
	for g.Count() < slots {
		d, first, n := r.IntN(7), 14+r.IntN(28), 2+r.IntN(7)
		for s := first; s < min(first+n, 44) && g.Count() < slots; s++ {
			g.Set(d, s)
		}
	}
	return g
}

func demoClock(slot int) string { return fmt.Sprintf("%02d:%02d", slot/2, slot%2*30) }

// demoCodes draws n distinct codes, kept in the vocabulary's order.
func demoCodes(r *rand.Rand, codes []string, n int) []string {
	idx := r.Perm(len(codes))[:min(n, len(codes))]
	sort.Ints(idx)
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = codes[j]
	}
	return out
}

// demoOrgKinds lists n organisation kinds in the demo city's proportions:
// about 15 charities, 5 supervision and evaluation institutions and 20
// elder-care facilities in 200, mostly social-work agencies and community
// social organisations. The first is a social-work agency, the second a charity.
func demoOrgKinds(n int, r *rand.Rand) []string {
	share := []struct {
		kind string
		per  float64 // per 200
	}{{"charity_organisation", 15}, {"supervision_evaluation_institution", 5}, {"elder_care_facility", 20},
		{"volunteer_organisation", 6}, {"child_welfare_facility", 2}, {"medical_facility", 3}, {"other_service_facility", 2},
		{"social_work_agency", 80}}
	rest := []string{}
	for _, s := range share {
		k := int(math.Round(s.per * float64(n) / 200))
		if s.kind == "charity_organisation" || s.kind == "social_work_agency" {
			k = max(k-1, 0) // the first two are placed below
		}
		for range k {
			rest = append(rest, s.kind)
		}
	}
	for len(rest) < n-2 {
		rest = append(rest, "community_social_organisation")
	}
	rest = rest[:n-2]
	r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	return append([]string{"social_work_agency", "charity_organisation"}, rest...)
}

func demoOrgDomains(r *rand.Rand, kind string) []string {
	base := map[string][]string{"community_social_organisation": {"community_governance"}, "charity_organisation": {"charity"},
		"elder_care_facility": {"social_welfare", "health"}, "child_welfare_facility": {"social_welfare", "education_tutoring"},
		"medical_facility": {"health", "mental_health"}, "other_service_facility": {"disability_rehabilitation"}}[kind]
	out := append([]string(nil), base...)
	for _, c := range demoCodes(r, models.Domains.Codes(), 1+r.IntN(2)) {
		if !slices.Contains(out, c) && len(out) < 3 {
			out = append(out, c)
		}
	}
	return out
}

// demoCreditCode is a valid unified social credit code: the registering
// authority and type of the kind (5x civil affairs: 51 social group, 52
// social service organisation, 53 foundation; 12 public institution), the
// county's code, an organisation code unique to the index, and the check character.
func demoCreditCode(r *rand.Rand, kind, county string, i int) string {
	prefix := map[string]string{"community_social_organisation": "51", "volunteer_organisation": "51", "charity_organisation": "53",
		"child_welfare_facility": "12", "medical_facility": "12"}[kind]
	if prefix == "" {
		prefix = "52"
	}
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	org := []byte("MJ")
	for k, x := 0, i; k < 4; k, x = k+1, x/31 {
		org = append(org, alphabet[x%31])
	}
	for range 3 {
		org = append(org, alphabet[r.IntN(31)])
	}
	first17 := prefix + county + string(org)
	check, _ := models.CreditCodeCheckChar(first17)
	return first17 + string(check)
}

var (
	demoFlavours = []string{"阳光", "同心", "和美", "暖心", "益民", "馨苑", "春晖", "启明", "乐善", "仁爱", "康宁", "嵩山", "黄河", "绿城", "商都",
		"博爱", "众和", "善邻", "心桥", "惠民", "福瑞", "长青", "永和", "安康", "翠竹", "民安", "明德", "厚德", "德馨", "恒爱"}
	demoOrgSuffixes = map[string][]string{
		"social_work_agency":                 {"社会工作服务中心", "社会工作服务社", "社工服务中心"},
		"community_social_organisation":      {"邻里互助会", "社区文体协会", "社区老年协会", "社区调解会", "社区读书会"},
		"charity_organisation":               {"慈善基金会", "公益基金会", "慈善会"},
		"volunteer_organisation":             {"志愿服务协会", "志愿者协会"},
		"supervision_evaluation_institution": {"社会工作督导评估中心", "社会组织评估中心"},
		"elder_care_facility":                {"颐养院", "养老院", "康养中心", "老年公寓"},
		"child_welfare_facility":             {"儿童福利院", "未成年人救助保护中心"},
		"medical_facility":                   {"社区卫生服务中心", "康复医院"},
		"other_service_facility":             {"残疾人托养中心", "综合服务中心"},
	}
)

func demoOrgName(r *rand.Rand, kind string, county models.Division, used map[string]bool) string {
	place := county.Name
	if county.OfficialCountyLevel == nil || *county.OfficialCountyLevel {
		place = "郑州市" + place
	}
	suffixes := demoOrgSuffixes[kind]
	var name string
	for try := 0; ; try++ {
		name = place + demoFlavours[r.IntN(len(demoFlavours))] + suffixes[r.IntN(len(suffixes))]
		if try >= 10 {
			name = fmt.Sprintf("%s%s第%d%s", place, demoFlavours[r.IntN(len(demoFlavours))], try, suffixes[0])
		}
		if !used[name] {
			used[name] = true
			return name
		}
	}
}

var (
	demoSurnames = []rune("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶贺顾毛郝龚邵万钱严武戴孔汤")
	demoGivens   = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华玉萍红鹏飞建国晓东海燕宇浩然欣怡涵轩雨萱佳琪文博思远嘉豪晨阳俊凯心")
)

func demoGiven(r *rand.Rand) string {
	g := string(demoGivens[r.IntN(len(demoGivens))])
	if r.Float64() < 0.7 {
		g += string(demoGivens[r.IntN(len(demoGivens))])
	}
	return g
}

func demoName(r *rand.Rand) string {
	return string(demoSurnames[r.IntN(len(demoSurnames))]) + demoGiven(r)
}

// demoShortName drops the committee from a community's name: 碧沙岗社区居委会 → 碧沙岗社区.
func demoShortName(name string) string {
	for _, s := range []string{"居民委员会", "村民委员会", "居委会", "村委会"} {
		if n, ok := strings.CutSuffix(name, s); ok && n != "" {
			return n
		}
	}
	return name
}

type demoNeedTemplate struct {
	title, group string
	tasks        []string
	skill        string // the skill a need of this kind may require
}

// demoNeedTemplates are needs a community posts, by domain; together they
// reach every target group.
var demoNeedTemplates = map[string][]demoNeedTemplate{
	"community_governance": {{"社区议事会会务协助", "community_residents", []string{"community_consultation"}, "event_organising"},
		{"楼院环境整治志愿行动", "community_residents", []string{"community_activities"}, ""}},
	"social_welfare": {{"独居老人上门探访", "older_people", []string{"support_for_vulnerable", "mental_care"}, "elder_care"},
		{"长者助餐点送餐", "older_people", []string{"support_for_vulnerable"}, "cooking"},
		{"困境儿童周末陪伴", "children_in_difficulty", []string{"psychological_comfort"}, "counselling_support"}},
	"social_assistance": {{"低保家庭入户走访登记", "subsistence_allowance_recipients", []string{"needs_assessment", "resource_linking"}, "data_entry"},
		{"特困人员生活照料", "extremely_poor_persons", []string{"support_for_vulnerable"}, "elder_care"}},
	"poverty_relief": {{"爱心物资分拣与发放", "subsistence_allowance_recipients", []string{"resource_linking"}, "driving"},
		{"困难家庭冬季送温暖", "extremely_poor_persons", []string{"support_for_vulnerable"}, ""}},
	"marriage_family": {{"家庭关系调适小组活动", "community_residents", []string{"relationship_adjustment"}, "counselling_support"},
		{"困难妇女互助小组", "women_in_difficulty", []string{"emotional_counselling", "social_integration"}, ""}},
	"mental_health": {{"精神障碍康复者社区融入活动", "persons_with_disabilities", []string{"social_rehabilitation", "social_integration"}, "counselling_support"},
		{"心理健康知识宣传", "community_residents", []string{"emotional_counselling"}, ""}},
	"disability_rehabilitation": {{"残疾人康复训练陪护", "persons_with_disabilities", []string{"social_rehabilitation"}, "medical_nursing"},
		{"助残出行陪同", "persons_with_disabilities", []string{"support_for_vulnerable"}, "driving"},
		{"听障居民手语沟通协助", "persons_with_disabilities", []string{"rights_protection"}, "sign_language"}},
	"education_tutoring": {{"四点半课堂作业辅导", "children_in_difficulty", []string{"capacity_building"}, "tutoring"},
		{"暑期安全教育课堂", "children_in_difficulty", []string{"capacity_building"}, ""}},
	"employment_assistance": {{"就业援助简历辅导", "women_in_difficulty", []string{"capacity_building", "resource_linking"}, "it_support"},
		{"社区招聘会现场服务", "community_residents", []string{"resource_linking"}, "event_organising"}},
	"worker_support": {{"困难职工家庭走访", "subsistence_allowance_recipients", []string{"support_for_vulnerable", "needs_assessment"}, ""},
		{"新就业形态劳动者爱心驿站值守", "community_residents", []string{"resource_linking"}, ""}},
	"crime_prevention": {{"青少年法治宣传课堂", "children_in_difficulty", []string{"rights_protection"}, "legal_aid"},
		{"防诈骗宣传进楼院", "older_people", []string{"rights_protection"}, ""}},
	"drug_control": {{"禁毒知识宣传", "community_residents", []string{"capacity_building"}, ""},
		{"社区康复人员帮扶走访", "community_residents", []string{"social_rehabilitation", "social_integration"}, ""}},
	"community_correction": {{"社区矫正对象公益劳动协助", "community_residents", []string{"social_integration"}, ""},
		{"矫正对象就业技能培训协助", "community_residents", []string{"capacity_building"}, "it_support"}},
	"resettlement_assistance": {{"安置帮教对象走访", "community_residents", []string{"social_integration", "resource_linking"}, ""}},
	"health": {{"社区义诊协助", "older_people", []string{"resource_linking"}, "medical_nursing"},
		{"慢病老人健康监测", "older_people", []string{"support_for_vulnerable"}, "medical_nursing"},
		{"居民急救知识培训", "community_residents", []string{"capacity_building"}, "first_aid"}},
	"dispute_mediation": {{"邻里纠纷调解协助", "community_residents", []string{"conflict_resolution"}, "legal_aid"},
		{"物业矛盾协商会记录", "community_residents", []string{"community_consultation"}, "data_entry"}},
	"emergency_response": {{"防汛应急物资清点", "community_residents", []string{"resource_linking"}, ""},
		{"应急疏散演练协助", "older_people", []string{"community_activities"}, "first_aid"}},
	"disaster_relief": {{"灾后入户需求排查", "extremely_poor_persons", []string{"needs_assessment"}, ""},
		{"救灾物资装卸转运", "community_residents", []string{"resource_linking"}, "driving"}},
	"charity": {{"慈善义卖活动服务", "community_residents", []string{"resource_linking"}, "fundraising"},
		{"公益项目宣传拍摄", "community_residents", []string{"resource_linking"}, "photography"}},
	"veteran_services": {{"退役军人家庭走访慰问", "older_people", []string{"support_for_vulnerable"}, ""},
		{"老兵口述历史记录", "older_people", []string{"mental_care"}, "dialect_henan"}},
}
