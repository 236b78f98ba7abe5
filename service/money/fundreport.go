package money

import (
	"context"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

// mayAuditFund: the fund's managers and civil affairs over its owner.
func (s *Service) mayAuditFund(ctx context.Context, actor *Actor, f *models.Fund) bool {
	return ManagesFund(actor, f) || policy.Allowed(actor, "fund-ledger", s.fundAuditObject(ctx, f))
}

// fundAuditObject is a fund as its auditors see it: its manager, and the
// division of a purchase budget or of the charity that owns it.
func (s *Service) fundAuditObject(ctx context.Context, f *models.Fund) policy.Object {
	o := policy.Object{Manager: f.OwnerOrgID, Division: f.DivisionCode}
	if f.OwnerOrgID != "" {
		if org, err := s.st.Organisations.Organisation(ctx, f.OwnerOrgID); err == nil {
			o.Division = org.DivisionCode
		}
	}
	return o
}

// FundLedger lists a fund's ledger entries after afterSeq (its managers and
// civil affairs over it).
func (s *Service) FundLedger(ctx context.Context, actor *Actor, fundID string, afterSeq, limit int) ([]*models.LedgerEntry, error) {
	f, err := s.st.Funds.Fund(ctx, fundID)
	if err != nil {
		return nil, err
	}
	if !s.mayAuditFund(ctx, actor, f) {
		return nil, core.ErrForbidden
	}
	if afterSeq < 0 {
		return nil, models.Invalid("afterSeq", "afterSeq 不能为负数", "afterSeq must not be negative")
	}
	return s.st.Funds.Entries(ctx, fundID, afterSeq, Page{Limit: limit}.Normalised().Limit)
}

// GrantPaid is a grant with what has been paid of it.
type GrantPaid struct {
	Grant    *models.Grant
	PaidFen  int64
	Released int // tranches released
}

// FundReport is a fund's balance, grants with their tranches paid, and the
// result of replaying its ledger.
type FundReport struct {
	Fund           *FundView
	Grants         []GrantPaid
	Reconciliation *models.FundReconciliation
	Truncated      bool // more grants than a report lists
}

// reportGrants caps the grants one report lists.
const reportGrants = 1000

// FundReport reports on a fund (its managers and civil affairs over it).
func (s *Service) FundReport(ctx context.Context, actor *Actor, fundID string) (*FundReport, error) {
	f, err := s.st.Funds.Fund(ctx, fundID)
	if err != nil {
		return nil, err
	}
	if !s.mayAuditFund(ctx, actor, f) {
		return nil, core.ErrForbidden
	}
	v, err := s.fundView(ctx, f)
	if err != nil {
		return nil, err
	}
	r := &FundReport{Fund: v}
	p := Page{Limit: MaxPageSize}
	for {
		gs, next, err := s.st.Applications.Grants(ctx, GrantFilter{FundID: fundID}, p)
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			steps, err := s.st.Applications.Steps(ctx, g.ID)
			if err != nil {
				return nil, err
			}
			gp := GrantPaid{Grant: g}
			for _, st := range steps {
				if st.Step == models.StepRelease {
					gp.PaidFen += st.AmountFen
					gp.Released++
				}
			}
			r.Grants = append(r.Grants, gp)
		}
		if next == "" {
			break
		}
		if len(r.Grants) >= reportGrants {
			r.Truncated = true
			break
		}
		p.Cursor = next
	}
	if r.Reconciliation, err = s.ReconcileLedger(ctx, f); err != nil {
		return nil, err
	}
	return r, nil
}

// PublicGrant is what 慈善法 信息公开 discloses of a grant: organisation,
// project, amount, date — nothing personal.
type PublicGrant struct {
	Grant            *models.Grant
	OrganisationName string
	FundName         string
}

// PublicGrants lists grants for anyone, without login.
func (s *Service) PublicGrants(ctx context.Context, f GrantFilter, p Page) ([]PublicGrant, string, error) {
	gs, next, err := s.st.Applications.Grants(ctx, f, p.Normalised())
	if err != nil {
		return nil, "", err
	}
	orgs, funds := map[string]string{}, map[string]string{}
	out := make([]PublicGrant, len(gs))
	for i, g := range gs {
		if _, ok := orgs[g.OrganisationID]; !ok {
			if o, err := s.st.Organisations.Organisation(ctx, g.OrganisationID); err == nil {
				orgs[g.OrganisationID] = o.Name
			}
		}
		if _, ok := funds[g.FundID]; !ok {
			if fd, err := s.st.Funds.Fund(ctx, g.FundID); err == nil {
				funds[g.FundID] = fd.Name
			}
		}
		out[i] = PublicGrant{Grant: g, OrganisationName: orgs[g.OrganisationID], FundName: funds[g.FundID]}
	}
	return out, next, nil
}
