package records

import (
	"context"
	"sort"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

// cecompliance.go: continuing-education compliance of an organisation or a division.

// CEPerson is one social worker's CE report in a compliance list.
type CEPerson struct {
	AccountID string
	Name      string
	Phone     string
	Report    models.CEReport
	Compliant bool
}

// CECompliant reports whether a CE report meets the rules: the local rule
// for the year is met, and every national registration period that has
// ended by the end of the year is met (the compliance lists, the reminders
// and the dashboard judge alike).
func CECompliant(r models.CEReport) bool {
	if r.Local != nil && !r.Local.Compliant {
		return false
	}
	for _, p := range r.National {
		if !p.InProgress && !p.Compliant {
			return false
		}
	}
	return true
}

func (s *Service) complianceYear(year int) (int, error) {
	now := s.d.Now().In(models.Shanghai()).Year()
	if year == 0 {
		return now, nil
	}
	if year < 2009 || year > now+1 {
		return 0, models.Invalid("year", "年份须在 2009 年至明年之间", "year must be between 2009 and next year")
	}
	return year, nil
}

// OrganisationCECompliance is each social worker member's CE report for
// year: the organisation's admins and civil affairs governing it.
func (s *Service) OrganisationCECompliance(ctx context.Context, actor *Actor, orgID string, year int) ([]*CEPerson, int, error) {
	o, err := s.st.Organisations.Organisation(ctx, orgID)
	if err != nil {
		return nil, 0, err
	}
	if err := policy.Authorize(actor, "organisation-ce-compliance", policy.OrgObject(o)); err != nil {
		return nil, 0, err
	}
	if year, err = s.complianceYear(year); err != nil {
		return nil, 0, err
	}
	if err := s.d.LimitExpensive(ctx, actor, "ce-organisation"); err != nil {
		return nil, 0, err
	}
	people, err := s.OrganisationCE(ctx, o.ID, year)
	if err != nil {
		return nil, 0, err
	}
	if len(people) > 0 { // names and full phones: a read of personal data, audited like the member roll
		if err := s.d.Audit(ctx, actor, "personal_data.read", "organisation:"+o.ID+"/ce-compliance", o.DivisionCode, "继续教育名单 the CE compliance roll"); err != nil {
			return nil, 0, err
		}
	}
	return people, year, nil
}

// OrganisationCE is the CE report for year of each social-worker member of
// an organisation, unchecked: the callers decide who may read it.
func (s *Service) OrganisationCE(ctx context.Context, orgID string, year int) ([]*CEPerson, error) {
	byOrg, err := s.organisationsCE(ctx, []string{orgID}, year)
	if err != nil {
		return nil, err
	}
	return byOrg[orgID], nil
}

// organisationsCE is OrganisationCE for many organisations in five reads
// whatever their number: the social-worker members, the social workers
// they employ (bound by civil affairs without a membership: they count
// toward the targets, so they are on the list too — issue 18), their
// training, their profiles and their accounts. A person without a profile
// is judged with none.
func (s *Service) organisationsCE(ctx context.Context, orgIDs []string, year int) (map[string][]*CEPerson, error) {
	out := make(map[string][]*CEPerson, len(orgIDs))
	if len(orgIDs) == 0 {
		return out, nil
	}
	members, err := s.st.Pathway.SocialWorkerMembers(ctx, orgIDs...)
	if err != nil {
		return out, err
	}
	employed, err := s.st.SocialWorkers.SocialWorkersEmployedBy(ctx, orgIDs)
	if err != nil {
		return out, err
	}
	for _, w := range employed {
		members = append(members, &models.Member{OrganisationID: w.EmployerOrgID, AccountID: w.AccountID, Role: models.RoleSocialWorker})
	}
	if len(members) == 0 {
		return out, nil
	}
	var ids []string
	seen := map[string]bool{}
	for _, m := range members {
		if !seen[m.AccountID] {
			seen[m.AccountID] = true
			ids = append(ids, m.AccountID)
		}
	}
	recs, err := s.st.Pathway.AllTrainingOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	byPerson := map[string][]*TrainingRecord{}
	for _, r := range recs {
		byPerson[r.AccountID] = append(byPerson[r.AccountID], r)
	}
	workers, err := s.st.SocialWorkers.SocialWorkersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	accounts, err := s.st.Accounts.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	listed := map[[2]string]bool{} // (organisation, person): once each
	for _, m := range members {
		key := [2]string{m.OrganisationID, m.AccountID}
		if listed[key] {
			continue
		}
		listed[key] = true
		// Each organisation's line gets its own copy: callers mask phones.
		p := &CEPerson{AccountID: m.AccountID, Name: m.Name, Phone: m.Phone, Report: CEReport(workers[m.AccountID], byPerson[m.AccountID], year)}
		if a, ok := accounts[m.AccountID]; ok {
			p.Name, p.Phone = a.Name, a.Phone
		}
		p.Compliant = CECompliant(p.Report)
		out[m.OrganisationID] = append(out[m.OrganisationID], p)
	}
	for _, people := range out {
		sort.Slice(people, func(i, j int) bool { return people[i].AccountID < people[j].AccountID })
	}
	return out, nil
}

// CEOrganisation is one organisation's line of a division's compliance list.
type CEOrganisation struct {
	OrganisationID string
	Name           string
	DivisionCode   string
	Compliant      int
	NonCompliant   int
	People         []*CEPerson // the non-compliant, phones masked
}

// DivisionCECompliance lists, per organisation registered inside
// division, how many social workers meet the CE rules for year and who
// does not: civil affairs governing the division.
// It answers with the division and year it used (defaults: the caller's
// division, this year).
func (s *Service) DivisionCECompliance(ctx context.Context, actor *Actor, division string, year int) ([]*CEOrganisation, string, int, error) {
	if division == "" {
		if b := actor.Bindings(models.RoleCivilAffairs); len(b) > 0 {
			division = b[0].DivisionCode
		}
	}
	if err := policy.Authorize(actor, "division-ce-compliance", policy.InDivision(division)); err != nil {
		return nil, "", 0, err
	}
	year, err := s.complianceYear(year)
	if err != nil {
		return nil, "", 0, err
	}
	if err := s.d.LimitExpensive(ctx, actor, "ce-division"); err != nil {
		return nil, "", 0, err
	}
	var orgs []*models.Organisation
	pg := Page{Limit: core.MaxPageSize}
	for {
		page, next, err := s.d.OrganisationsIn(ctx, division, pg)
		if err != nil {
			return nil, "", 0, err
		}
		for _, o := range page {
			if models.WithinDivision(o.DivisionCode, division) { // not those serving it but registered elsewhere
				orgs = append(orgs, o)
			}
		}
		if next == "" {
			break
		}
		pg.Cursor = next
	}
	ids := make([]string, len(orgs))
	for i, o := range orgs {
		ids[i] = o.ID
	}
	byOrg, err := s.organisationsCE(ctx, ids, year)
	if err != nil {
		return nil, "", 0, err
	}
	var out []*CEOrganisation
	for _, o := range orgs {
		people := byOrg[o.ID]
		line := &CEOrganisation{OrganisationID: o.ID, Name: o.Name, DivisionCode: o.DivisionCode, People: []*CEPerson{}}
		for _, p := range people {
			if p.Compliant {
				line.Compliant++
				continue
			}
			line.NonCompliant++
			p.Phone = models.MaskPhone(p.Phone)
			line.People = append(line.People, p)
		}
		out = append(out, line)
	}
	return out, division, year, nil
}
