package demo

import (
	"fmt"

	"github.com/wushe/wushe/models"
)

// logins.go draws one login per role and the demo city's money.

// logins: one account per role to try the service with. The social
// worker and the volunteer are the first of each; the administrators are
// accounts of their own, the city's created last.
func (p *demoPlanner) logins() error {
	county, _ := models.LookupDivision(demoLoginCounty)
	community, _ := models.LookupDivision(p.city.volunteers[0].profile.CommunityCode)
	needs := 0
	for _, n := range p.city.needs {
		if n.CommunityCode == community.Code {
			needs++
		}
	}
	org, charity := p.city.orgs[0], p.city.orgs[1]
	admins := []struct {
		id, name, scope string
		role            models.RoleBinding
	}{
		{demoCityAdminID, "郑州市民政局演示账号", models.CityCode + " 郑州市", models.RoleBinding{Role: models.RoleCivilAffairs, DivisionCode: models.CityCode}},
		{demoCountyAdminID, county.Name + "民政局演示账号", county.Code + " " + county.Name, models.RoleBinding{Role: models.RoleCivilAffairs, DivisionCode: county.Code}},
		{demoCommunityAdminID, community.Name + "演示账号", fmt.Sprintf("%s %s, %d open needs", community.Code, community.Name, needs),
			models.RoleBinding{Role: models.RoleCommunityAdmin, CommunityCode: community.Code}},
		{demoOrgAdminID, org.Name + "管理员", org.ID + " " + org.Name, models.RoleBinding{Role: models.RoleOrgAdmin, OrganisationID: org.ID}},
		{demoCharityAdminID, charity.Name + "管理员", charity.ID + " " + charity.Name, models.RoleBinding{Role: models.RoleCharityAdmin, OrganisationID: charity.ID}},
	}
	var cityAdmin demoPerson
	for i, ad := range admins {
		a := p.account(ad.id, demoAdminPhone(i+1), ad.name, ad.role)
		person := demoPerson{account: a}
		if ad.role.OrganisationID != "" {
			person.member = p.member(ad.role.OrganisationID, a)
		}
		p.city.logins = append(p.city.logins, Login{Role: ad.role.Role, Phone: a.Phone, AccountID: a.ID, Name: a.Name, Scope: ad.scope})
		if ad.id == demoCityAdminID {
			cityAdmin = person
		} else {
			p.city.admins = append(p.city.admins, person)
		}
	}
	p.city.admins = append(p.city.admins, cityAdmin) // last: it marks the city complete
	sw, vol := p.city.workers[0], p.city.volunteers[0]
	p.city.logins = append(p.city.logins,
		Login{Role: models.RoleSocialWorker, Phone: sw.account.Phone, AccountID: sw.account.ID, Name: sw.account.Name,
			Scope: fmt.Sprintf("supervisor pool, %s, employed by %s", sw.profile.Certificate.Level, sw.profile.EmployerOrgID)},
		Login{Role: models.RoleVolunteer, Phone: vol.account.Phone, AccountID: vol.account.ID, Name: vol.account.Name,
			Scope: "verified, home in " + county.Name + " " + community.Name})
	return nil
}

// money is the demo city's funds: the demo charity's community fund for the
// whole city, a government purchase budget of the demo county, and purchase
// price tables (the county's from 2021, so due for revision).
func (p *demoPlanner) money() error {
	charity := p.city.orgs[1]
	opens, closes := p.today.AddDate(0, 0, -7).UTC(), p.today.AddDate(0, 3, 0).UTC()
	p.city.funds = []*models.Fund{
		{ID: "demo-fund-0001", OwnerOrgID: charity.ID, Name: charity.Name + "社区关爱基金", TotalFen: 200_000_00,
			Domains: []string{"social_welfare", "community_governance", "social_assistance"}, Regions: []string{models.CityCode},
			GrantMinFen: 5_000_00, GrantMaxFen: 50_000_00, OpensAt: opens, ClosesAt: closes, CreatedBy: demoCharityAdminID, CreatedAt: p.now},
		{ID: "demo-fund-gov-" + demoLoginCounty, DivisionCode: demoLoginCounty, Name: "政府购买社会工作服务预算（演示）", TotalFen: 1_000_000_00,
			Domains: []string{"social_welfare", "social_assistance", "community_governance"}, Regions: []string{demoLoginCounty},
			GrantMinFen: 50_000_00, GrantMaxFen: 300_000_00, OpensAt: opens, ClosesAt: closes, CreatedBy: demoCountyAdminID, CreatedAt: p.now},
	}
	prices := map[string]int64{"assistant_social_worker": 5_500_00, "social_worker": 6_500_00, "senior_social_worker": 8_500_00, "staff": 4_500_00}
	p.city.priceTables = []*models.PriceTable{
		{DivisionCode: models.CityCode, EffectiveFrom: "2024-01-01", MonthlyFen: prices, CreatedBy: demoCityAdminID, CreatedAt: p.now},
		{DivisionCode: demoLoginCounty, EffectiveFrom: "2021-01-01", MonthlyFen: prices, CreatedBy: demoCountyAdminID, CreatedAt: p.now},
	}
	for _, f := range p.city.funds {
		if err := f.Validate(); err != nil {
			return fmt.Errorf("demo fund %s: %w", f.ID, err)
		}
	}
	return nil
}
