package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/store/mongo"
)

// posts.go: the demo city's registry of professional posts (issue 18): a
// few employing units of each kind the seed names, their posts, some
// filled and confirmed, some vacant, a grade II hospital without a
// social-work department, a school with students and no social worker, and
// a community platform whose certified worker gets the allowance.

type demoUnitPlan struct {
	unit  *models.EmployingUnit
	posts []demoPostPlan
}

type demoPostPlan struct {
	title, domain string
	level         models.CertificateLevel
	grade         int
	payFen        int64
	fill          bool
}

func demoPostID(i int) string { return fmt.Sprintf("demo-post-%04d", i) }
func demoUnitID(i int) string { return fmt.Sprintf("demo-unit-%04d", i) }

// firstTown is the first township of county in the division data.
func firstTown(county string) string {
	for _, t := range models.DivisionsAt(models.LevelTown) {
		if strings.HasPrefix(t.Code, county) {
			return t.Code
		}
	}
	return county
}

// posts draws the units and posts, and fills the posts marked fill with
// verified social workers whose certificate meets the level, each used
// once (a person holds one post), in the order of the city's workers.
func (p *demoPlanner) posts() error {
	full := true
	units := []demoUnitPlan{
		{&models.EmployingUnit{Kind: models.UnitHospital, HospitalGrade: "grade_3", Name: "郑州市中心医院", DivisionCode: "410102", HasDepartment: true},
			[]demoPostPlan{{"医务社会工作师", "health", models.CertSocialWorker, 9, 680000, full}, {"医务社工（助理）", "health", models.CertAssistant, 12, 480000, full}}},
		{&models.EmployingUnit{Kind: models.UnitHospital, HospitalGrade: "grade_2", Name: "郑州市二七区人民医院", DivisionCode: "410103"},
			[]demoPostPlan{{"医务社工", "health", models.CertAssistant, 13, 380000, false}}},
		{&models.EmployingUnit{Kind: models.UnitServiceInstitution, SubKind: "child_welfare", Name: "郑州市儿童福利院", DivisionCode: "410105", HasDepartment: true},
			[]demoPostPlan{{"儿童社会工作师", "social_welfare", models.CertSocialWorker, 8, 620000, full}, {"儿童社工", "social_welfare", models.CertAssistant, 11, 450000, false}}},
		{&models.EmployingUnit{Kind: models.UnitServiceInstitution, SubKind: "relief_management", Name: "郑州市救助管理站", DivisionCode: "410104"},
			[]demoPostPlan{{"救助社工", "social_assistance", models.CertAssistant, 12, 420000, full}}},
		{&models.EmployingUnit{Kind: models.UnitSchool, Name: "郑州市第四十七中学", DivisionCode: "410105", Clients: 2400},
			[]demoPostPlan{{"学校社工", "education_tutoring", models.CertAssistant, 12, 400000, false}}},
		{&models.EmployingUnit{Kind: models.UnitFuneralService, Name: "郑州市殡仪馆", DivisionCode: "410103", Clients: 6000}, nil},
		{&models.EmployingUnit{Kind: models.UnitCommunityCorrection, Name: "中原区社区矫正管理局", DivisionCode: "410102", Clients: 180},
			[]demoPostPlan{{"矫正社会工作师", "community_correction", models.CertSocialWorker, 10, 560000, full}}},
		{&models.EmployingUnit{Kind: models.UnitCommunityPlatform, SubKind: "community_service_station", Name: "林山寨街道社区服务站", DivisionCode: firstTown("410102")},
			[]demoPostPlan{{"社区社会工作者", "community_governance", models.CertAssistant, 13, 360000, full}}},
		{&models.EmployingUnit{Kind: models.UnitCommunityPlatform, SubKind: "judicial_office", Name: "二七区人民调解中心", DivisionCode: firstTown("410103")},
			[]demoPostPlan{{"调解社工", "dispute_mediation", models.CertAssistant, 12, 380000, false}}},
	}
	used := map[string]bool{}
	holder := func(level models.CertificateLevel) *models.SocialWorker {
		for _, w := range p.city.workers {
			if !used[w.profile.AccountID] && w.profile.VerifiedLevel() == level {
				used[w.profile.AccountID] = true
				return w.profile
			}
		}
		return nil
	}
	n := 0
	for i, plan := range units {
		u := plan.unit
		u.ID, u.CreatedAt, u.UpdatedAt, u.CreatedBy = demoUnitID(i+1), p.now, p.now, demoCityAdminID
		if err := u.Validate(); err != nil {
			return fmt.Errorf("demo unit %s: %w", u.ID, err)
		}
		p.city.units = append(p.city.units, u)
		for _, pp := range plan.posts {
			n++
			post := &models.Post{ID: demoPostID(n), UnitID: u.ID, UnitKind: u.Kind, DivisionCode: u.DivisionCode, Title: pp.title,
				Duties: "个案、小组与社区服务，资源链接，志愿者招募与培训", Requirements: "持有相应等级社会工作者职业资格证书",
				Level: pp.level, Grade: pp.grade, Domain: pp.domain, MonthlyPayFen: pp.payFen, SocialInsurance: true, HousingFund: pp.fill,
				CreatedAt: p.now, UpdatedAt: p.now, CreatedBy: demoCityAdminID}
			if err := post.Validate(); err != nil {
				return fmt.Errorf("demo post %s: %w", post.ID, err)
			}
			p.city.posts = append(p.city.posts, post)
			if !pp.fill {
				continue
			}
			if w := holder(pp.level); w != nil {
				p.city.holdings = append(p.city.holdings, &models.PostHolding{ID: post.ID + "#1", PostID: post.ID, Seq: 1, AccountID: w.AccountID,
					State: models.HoldingFilled, Level: w.VerifiedLevel(), OfferedBy: demoCityAdminID, OfferedAt: p.now,
					StartedOn: demoDate(p.today.AddDate(0, -6, 0)), AcceptedAt: &p.now})
			}
		}
	}
	return nil
}

// seedPostsRegistry inserts one object of the registry: units, then
// posts, then holdings (i counts through the three lists).
func seedPostsRegistry(ctx context.Context, db *mongo.DB, c *demoCity, i int) (demoOutcome, error) {
	var err error
	switch st := db.Posts(); {
	case i < len(c.units):
		err = st.CreateUnit(ctx, c.units[i])
	case i < len(c.units)+len(c.posts):
		err = st.CreatePost(ctx, c.posts[i-len(c.units)])
	default:
		err = st.InsertHolding(ctx, c.holdings[i-len(c.units)-len(c.posts)])
	}
	if errors.Is(err, models.ErrConflict) {
		return demoExisted, nil
	}
	return demoCreated, err
}
