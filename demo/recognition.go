package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/store/mongo"
)

// recognition.go: the demo city's comprehensive evaluations, incubation
// bases with their incubated organisations, and awards (issue 18).

// streamRecognition is the random stream of this file (far from the
// numbered streams of options.go, which grow).
const streamRecognition = 100

// demoRecognition is what the city holds of recognition.
type demoRecognition struct {
	evaluations   []*models.OrgEvaluation
	bases         []*models.IncubationBase
	incubations   []*models.Incubation
	commendations []*models.Commendation
}

// demoBaseCounties are the counties with an incubation base: 中原区 (the
// logins' county) and 金水区.
var demoBaseCounties = []string{demoLoginCounty, "410105"}

// recognition draws evaluations (every demonstration agency holds a valid
// 3A–5A one, some with an older expired one behind it; other agencies a
// grade now and then, one of them only an expired one), a base in each of
// demoBaseCounties incubating up to three of the county's organisations,
// and a few awards to agencies and social workers.
func (p *demoPlanner) recognition() error {
	rec := &p.city.recognition
	r := demoRand(p.opts.Seed, streamRecognition, 0)
	eval := func(o *models.Organisation, level string, on, until string) {
		e := &models.OrgEvaluation{ID: fmt.Sprintf("demo-eval-%04d", len(rec.evaluations)+1), OrganisationID: o.ID,
			DivisionCode: o.DivisionCode, Level: level, Institution: "郑州市社会组织评估中心（演示）", EvaluatedOn: on,
			ValidUntil: until, RecordedBy: demoCityAdminID, RecordedAt: p.now}
		rec.evaluations = append(rec.evaluations, e)
	}
	daysAgo := func(n int) string { return demoDate(p.today.AddDate(0, 0, -n)) }
	levels := models.EvaluationLevels.Codes()
	expiredOnly := false
	for _, o := range p.city.orgs {
		if o.Kind != models.KindSocialWorkAgency {
			continue
		}
		switch {
		case o.Status == models.OrgDemonstration:
			if r.IntN(3) == 0 { // an older grade, expired
				on := p.today.AddDate(-7, 0, -r.IntN(300))
				eval(o, levels[1+r.IntN(3)], demoDate(on), models.DefaultValidUntil(on))
			}
			on := p.today.AddDate(0, 0, -30-r.IntN(1400))
			eval(o, levels[2+r.IntN(3)], demoDate(on), models.DefaultValidUntil(on))
		case !expiredOnly && o.Status == models.OrgActive:
			expiredOnly = true // the one agency whose only grade expired
			on := p.today.AddDate(-6, 0, -10)
			eval(o, "grade_4a", demoDate(on), models.DefaultValidUntil(on))
		case o.Status.Operating() && r.IntN(3) == 0:
			on := p.today.AddDate(0, 0, -30-r.IntN(1400))
			eval(o, levels[r.IntN(4)], demoDate(on), models.DefaultValidUntil(on))
		}
	}
	for _, county := range demoBaseCounties {
		cd, _ := models.LookupDivision(county)
		b := &models.IncubationBase{ID: "demo-base-" + county, CountyCode: county, Name: cd.Name + "社工机构孵化基地（演示）",
			Address: "郑州市" + cd.Name + "社会组织服务中心", SpaceM2: 600 + r.IntN(1400), SeedFundsFen: int64(20+r.IntN(80)) * 1_000_000,
			Operator: cd.Name + "社会工作协会", OpenedOn: demoDate(p.today.AddDate(-2, 0, -r.IntN(300))),
			CreatedBy: demoCityAdminID, CreatedAt: p.now, UpdatedAt: p.now}
		if err := b.Validate(); err != nil {
			return fmt.Errorf("demo base %s: %w", b.ID, err)
		}
		rec.bases = append(rec.bases, b)
		n := 0
		for _, o := range p.city.orgs {
			if n == 3 || o.DivisionCode != county || o.Status == models.OrgExited {
				continue
			}
			if o.Status != models.OrgIncubating && n > 0 {
				continue
			}
			i := &models.Incubation{BaseID: b.ID, OrganisationID: o.ID, OrganisationName: o.Name, CountyCode: county,
				StartedOn: daysAgo(60 + r.IntN(600)), RecordedBy: demoCityAdminID, RecordedAt: p.now}
			if o.Status != models.OrgIncubating { // graduated
				i.EndedOn = daysAgo(r.IntN(30))
			}
			rec.incubations = append(rec.incubations, i)
			n++
		}
	}
	award := func(kind, id, name, district, title, level string) {
		c := &models.Commendation{ID: fmt.Sprintf("demo-award-%02d", len(rec.commendations)+1), RecipientKind: kind, RecipientID: id,
			RecipientName: name, District: district, Title: title, Level: level, GrantingBody: "郑州市民政局",
			AwardedOn: daysAgo(r.IntN(200)), Citation: "（演示数据）", DivisionCode: models.CityCode, GrantedBy: demoCityAdminID, GrantedAt: p.now}
		if level == "county" {
			c.GrantingBody, c.DivisionCode = "区民政局", district
		}
		rec.commendations = append(rec.commendations, c)
	}
	agencies := 0
	for _, o := range p.city.orgs {
		if o.Status == models.OrgDemonstration && agencies < 3 {
			level := "county"
			if agencies == 0 {
				level = "city"
			}
			award("organisation", o.ID, o.Name, models.DistrictOf(o.DivisionCode), "优秀社会工作服务机构", level)
			agencies++
		}
	}
	orgDivision := map[string]string{}
	for _, o := range p.city.orgs {
		orgDivision[o.ID] = o.DivisionCode
	}
	for _, w := range p.city.workers[:min(3, len(p.city.workers))] {
		award("social_worker", w.account.ID, w.account.Name, models.SocialWorkerDistrict(w.profile, orgDivision[w.profile.EmployerOrgID]),
			"优秀社会工作者", "city")
	}
	return nil
}

// seedRecognition inserts the i-th recognition record of the city (its
// evaluations, then bases, incubations and awards); n is how many there are.
func seedRecognition(ctx context.Context, db *mongo.DB, rec *demoRecognition, i int) (demoOutcome, error) {
	st := db.Recognition()
	var err error
	switch {
	case i < len(rec.evaluations):
		err = st.AddEvaluation(ctx, rec.evaluations[i])
	case i < len(rec.evaluations)+len(rec.bases):
		err = st.CreateBase(ctx, rec.bases[i-len(rec.evaluations)])
	case i < len(rec.evaluations)+len(rec.bases)+len(rec.incubations):
		err = st.AddIncubation(ctx, rec.incubations[i-len(rec.evaluations)-len(rec.bases)])
	default:
		err = st.AddCommendation(ctx, rec.commendations[i-len(rec.evaluations)-len(rec.bases)-len(rec.incubations)])
	}
	if errors.Is(err, models.ErrConflict) {
		return demoExisted, nil
	}
	return demoCreated, err
}

// size is how many records seedRecognition inserts.
func (rec *demoRecognition) size() int {
	return len(rec.evaluations) + len(rec.bases) + len(rec.incubations) + len(rec.commendations)
}
