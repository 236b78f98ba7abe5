package money

import (
	"context"
	"sort"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

// Purchase price tables (政府购买服务价格标准): published per division by its
// civil affairs, versioned by the date they take effect.

// PutPriceTable publishes a version of a division's purchase price table
// (civil affairs of the division).
func (s *Service) PutPriceTable(ctx context.Context, actor *Actor, t models.PriceTable) (*models.PriceTable, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if !policy.Allowed(actor, "publish-price-table", policy.InDivision(t.DivisionCode)) {
		return nil, models.E(models.KindForbidden, "只有本辖区民政部门可以发布价格标准", "only civil affairs of the division publishes its price table")
	}
	t.CreatedBy, t.CreatedAt = actor.AccountID, s.d.Now()
	if err := s.st.Applications.InsertPriceTable(ctx, &t); core.IsKind(err, models.KindConflict) {
		return nil, models.E(models.KindConflict, "该生效日期的价格标准已存在", "a table from that date exists; publish a new effective date")
	} else if err != nil {
		return nil, err
	}
	_ = s.d.Audit(ctx, actor, "price_table.publish", "price_table:"+t.DivisionCode, t.DivisionCode, t.EffectiveFrom)
	return &t, nil
}

// PriceTableView is a division's tables and the one in force.
type PriceTableView struct {
	DivisionCode string
	InForce      *models.PriceTable // nil when none is in force
	DueRevision  bool               // the table in force is older than 3 years
	Versions     []*models.PriceTable
}

// PriceTables shows a division's price tables (public).
func (s *Service) PriceTables(ctx context.Context, code string) (*PriceTableView, error) {
	if err := models.ValidateDivision("code", code, ""); err != nil {
		return nil, err
	}
	vs, err := s.st.Applications.PriceTables(ctx, code)
	if err != nil {
		return nil, err
	}
	v := &PriceTableView{DivisionCode: code, Versions: vs}
	v.InForce = inForce(vs, s.d.Now())
	v.DueRevision = v.InForce != nil && v.InForce.DueForRevision(s.d.Now())
	return v, nil
}

// effectivePriceTable is the table in force at t for code: the division's
// own, else the nearest division above it that has one.
func (s *Service) effectivePriceTable(ctx context.Context, code string, t time.Time) (*models.PriceTable, error) {
	for _, n := range []int{12, 9, 6, 4} {
		if len(code) < n {
			continue
		}
		vs, err := s.st.Applications.PriceTables(ctx, code[:n])
		if err != nil {
			return nil, err
		}
		if pt := inForce(vs, t); pt != nil {
			return pt, nil
		}
	}
	return nil, nil
}

func inForce(vs []*models.PriceTable, t time.Time) *models.PriceTable {
	day := t.In(models.Shanghai()).Format(time.DateOnly)
	sort.Slice(vs, func(i, j int) bool { return vs[i].EffectiveFrom > vs[j].EffectiveFrom })
	for _, v := range vs {
		if v.EffectiveFrom <= day {
			return v
		}
	}
	return nil
}
