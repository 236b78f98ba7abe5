package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/money"
)

// FundDTO is a fund with its balances, read from the head of its ledger.
type FundDTO struct {
	ID            string    `json:"id"`
	OwnerOrgID    string    `json:"ownerOrgId,omitempty" doc:"设立资金的慈善组织 The charity that posts it"`
	DivisionCode  string    `json:"divisionCode,omitempty" doc:"政府购买服务预算所属行政区划 Division of a government purchase budget"`
	Government    bool      `json:"government" doc:"政府购买服务预算 A government purchase budget"`
	Name          string    `json:"name"`
	TotalFen      int64     `json:"totalFen"`
	RemainingFen  int64     `json:"remainingFen" doc:"可用余额 = 总额 − 预留 − 已资助 Remaining = total − reserved − granted"`
	ReservedFen   int64     `json:"reservedFen" doc:"为公益创投预留 Reserved for competitions"`
	GrantedFen    int64     `json:"grantedFen"`
	PaidFen       int64     `json:"paidFen" doc:"已拨付 Paid out in tranches"`
	Domains       []string  `json:"domains"`
	TargetGroups  []string  `json:"targetGroups"`
	Regions       []string  `json:"regions"`
	GrantMinFen   int64     `json:"grantMinFen"`
	GrantMaxFen   int64     `json:"grantMaxFen"`
	OpensAt       time.Time `json:"opensAt"`
	ClosesAt      time.Time `json:"closesAt"`
	Open          bool      `json:"open" doc:"正在受理申报 Accepting applications now"`
	EligibleKinds []string  `json:"eligibleKinds"`
	LedgerSeq     int       `json:"ledgerSeq" doc:"账本最新条目序号 Seq of the ledger's head entry"`
	CreatedAt     time.Time `json:"createdAt"`
}

func fundDTO(v *money.FundView) FundDTO {
	f := v.Fund
	return FundDTO{ID: f.ID, OwnerOrgID: f.OwnerOrgID, DivisionCode: f.DivisionCode, Government: f.Government(), Name: f.Name,
		TotalFen: f.TotalFen, RemainingFen: v.RemainingFen(), ReservedFen: v.Balance.ReservedFen, GrantedFen: v.Balance.GrantedFen,
		PaidFen: v.Balance.PaidFen, Domains: nonNil(f.Domains), TargetGroups: nonNil(f.TargetGroups), Regions: nonNil(f.Regions),
		GrantMinFen: f.GrantMinFen, GrantMaxFen: f.GrantMaxFen, OpensAt: f.OpensAt, ClosesAt: f.ClosesAt, Open: v.Open,
		EligibleKinds: nonNil(f.EligibleKinds), LedgerSeq: v.HeadSeq, CreatedAt: f.CreatedAt}
}

type fundOutput struct{ Body FundDTO }

type createFundInput struct {
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"128" doc:"同一账号同一键重复提交只设立一笔资金，并返回该资金 A repeat by the same account with the same key posts one fund and answers it"`
	Body           struct {
		OwnerOrgID    string    `json:"ownerOrgId,omitempty" maxLength:"64" doc:"慈善组织的资金必填 Required for a charity's fund"`
		DivisionCode  string    `json:"divisionCode,omitempty" maxLength:"12" doc:"政府购买服务预算必填（市或县区）Required for a purchase budget (city or county)"`
		Name          string    `json:"name" maxLength:"100"`
		TotalFen      int64     `json:"totalFen" doc:"总额（分）Total in fen"`
		Domains       []string  `json:"domains" maxItems:"20"`
		TargetGroups  []string  `json:"targetGroups,omitempty" maxItems:"20" doc:"空为不限 Empty: any group"`
		Regions       []string  `json:"regions" maxItems:"300" doc:"资助地区的行政区划代码 Division codes served"`
		GrantMinFen   int64     `json:"grantMinFen"`
		GrantMaxFen   int64     `json:"grantMaxFen"`
		OpensAt       time.Time `json:"opensAt"`
		ClosesAt      time.Time `json:"closesAt"`
		EligibleKinds []string  `json:"eligibleKinds,omitempty" maxItems:"20" doc:"可申报的机构类型；空为不限 Organisation kinds that may apply; empty: any"`
	}
}

type listFundsInput struct {
	OwnerOrgID   string `query:"ownerOrgId" maxLength:"64"`
	DivisionCode string `query:"divisionCode" maxLength:"12" doc:"该行政区划的政府购买服务预算 Purchase budgets of this division"`
	Region       string `query:"region" maxLength:"12" doc:"资助该地区的资金 Funds serving this division"`
	Domain       string `query:"domain" maxLength:"64"`
	PageParams
}

type fundIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

// LedgerEntryDTO is one money movement.
type LedgerEntryDTO struct {
	Seq          int       `json:"seq"`
	Kind         string    `json:"kind" enum:"deposit,reserve,release,grant,return,tranche"`
	FromReserve  bool      `json:"fromReserve,omitempty"`
	AmountFen    int64     `json:"amountFen"`
	Ref          string    `json:"ref,omitempty" doc:"关联对象（申请、大赛）The application or competition it concerns"`
	RemainingFen int64     `json:"remainingFen"`
	ReservedFen  int64     `json:"reservedFen"`
	GrantedFen   int64     `json:"grantedFen"`
	PaidFen      int64     `json:"paidFen"`
	At           time.Time `json:"at"`
	By           string    `json:"by"`
}

func ledgerEntryDTO(e *models.LedgerEntry) LedgerEntryDTO {
	return LedgerEntryDTO{Seq: e.Seq, Kind: string(e.Kind), FromReserve: e.FromReserve, AmountFen: e.AmountFen, Ref: e.Ref,
		RemainingFen: e.BalanceFen, ReservedFen: e.ReservedFen, GrantedFen: e.GrantedFen, PaidFen: e.PaidFen, At: e.At, By: e.By}
}

type ledgerInput struct {
	ID       string `path:"id" maxLength:"64"`
	AfterSeq int    `query:"afterSeq" minimum:"0" doc:"只列出该序号之后的条目 Entries after this seq"`
	Limit    int    `query:"limit" minimum:"1" maximum:"100" default:"100"`
}

type ledgerOutput struct {
	Body struct {
		Items        []LedgerEntryDTO `json:"items"`
		NextAfterSeq int              `json:"nextAfterSeq" doc:"下一页的 afterSeq；0 表示没有更多 afterSeq of the next page; 0 at the end"`
	}
}

// ReconciliationDTO is the result of replaying a fund's ledger.
type ReconciliationDTO struct {
	FundID       string    `json:"fundId"`
	OK           bool      `json:"ok" doc:"余额与账本一致 Balances equal their ledger"`
	Entries      int       `json:"entries"`
	HeadSeq      int       `json:"headSeq"`
	RemainingFen int64     `json:"remainingFen"`
	ReservedFen  int64     `json:"reservedFen"`
	GrantedFen   int64     `json:"grantedFen"`
	PaidFen      int64     `json:"paidFen"`
	DepositsFen  int64     `json:"depositsFen"`
	GrantsFen    int64     `json:"grantsFen"`
	Problems     []string  `json:"problems"`
	CheckedAt    time.Time `json:"checkedAt"`
}

func reconciliationDTO(r *models.FundReconciliation) ReconciliationDTO {
	return ReconciliationDTO{FundID: r.FundID, OK: r.OK, Entries: r.Entries, HeadSeq: r.HeadSeq, RemainingFen: r.Head.BalanceFen,
		ReservedFen: r.Head.ReservedFen, GrantedFen: r.Head.GrantedFen, PaidFen: r.Head.PaidFen, DepositsFen: r.DepositsFen,
		GrantsFen: r.GrantsFen, Problems: nonNil(r.Problems), CheckedAt: r.CheckedAt}
}

type reconciliationOutput struct{ Body ReconciliationDTO }

// PublicGrantDTO is a grant as disclosed to the public (慈善法 信息公开).
type PublicGrantDTO struct {
	ID               string    `json:"id" doc:"等于申请编号 Equals the application id"`
	FundID           string    `json:"fundId"`
	FundName         string    `json:"fundName"`
	OrganisationID   string    `json:"organisationId"`
	OrganisationName string    `json:"organisationName"`
	Project          string    `json:"project"`
	AmountFen        int64     `json:"amountFen"`
	CompetitionID    string    `json:"competitionId,omitempty"`
	Tier             string    `json:"tier,omitempty"`
	GrantedAt        time.Time `json:"grantedAt"`
}

func publicGrantDTO(g money.PublicGrant) PublicGrantDTO {
	return PublicGrantDTO{ID: g.Grant.ID, FundID: g.Grant.FundID, FundName: g.FundName, OrganisationID: g.Grant.OrganisationID,
		OrganisationName: g.OrganisationName, Project: g.Grant.Title, AmountFen: g.Grant.AmountFen, CompetitionID: g.Grant.CompetitionID,
		Tier: g.Grant.Tier, GrantedAt: g.Grant.CreatedAt}
}

type listGrantsInput struct {
	FundID         string `query:"fundId" maxLength:"64"`
	OrganisationID string `query:"organisationId" maxLength:"64"`
	CompetitionID  string `query:"competitionId" maxLength:"64"`
	PageParams
}

// GrantReportDTO is one grant in a fund's report.
type GrantReportDTO struct {
	ApplicationID    string    `json:"applicationId"`
	OrganisationID   string    `json:"organisationId"`
	OrganisationName string    `json:"organisationName,omitempty"`
	Project          string    `json:"project"`
	AmountFen        int64     `json:"amountFen"`
	PaidFen          int64     `json:"paidFen"`
	TranchesReleased int       `json:"tranchesReleased"`
	Tranches         int       `json:"tranches"`
	LedgerSeq        int       `json:"ledgerSeq"`
	CompetitionID    string    `json:"competitionId,omitempty"`
	GrantedAt        time.Time `json:"grantedAt"`
}

type fundReportOutput struct {
	Body struct {
		Fund           FundDTO           `json:"fund"`
		Grants         []GrantReportDTO  `json:"grants"`
		Truncated      bool              `json:"truncated" doc:"资助过多，仅列出前 1000 项 More than 1,000 grants: the first 1,000 are listed"`
		Reconciliation ReconciliationDTO `json:"reconciliation"`
	}
}

// FundSuggestionDTO is a fund that fits a need.
type FundSuggestionDTO struct {
	Fund    FundDTO     `json:"fund"`
	Score   int         `json:"score" doc:"0–100"`
	Reasons []ReasonDTO `json:"reasons"`
}

// ReasonDTO is one reason of a suggestion.
type ReasonDTO struct {
	Code   string `json:"code"`
	Zh     string `json:"zh"`
	En     string `json:"en"`
	Points int    `json:"points"`
}

type suggestFundsInput struct {
	ID    string `path:"id" maxLength:"64"`
	Limit int    `query:"limit" minimum:"1" maximum:"50" default:"10"`
}

type suggestFundsOutput struct {
	Body struct {
		Items []FundSuggestionDTO `json:"items"`
	}
}

// PriceTableDTO is one version of a division's purchase price table.
type PriceTableDTO struct {
	DivisionCode  string           `json:"divisionCode"`
	EffectiveFrom string           `json:"effectiveFrom" format:"date"`
	MonthlyFen    map[string]int64 `json:"monthlyFen" doc:"每种岗位的月价格（分）Monthly price per post type, in fen"`
	CreatedAt     time.Time        `json:"createdAt"`
}

func priceTableDTO(t *models.PriceTable) PriceTableDTO {
	return PriceTableDTO{DivisionCode: t.DivisionCode, EffectiveFrom: t.EffectiveFrom, MonthlyFen: t.MonthlyFen, CreatedAt: t.CreatedAt}
}

type putPriceTableInput struct {
	Code string `path:"code" maxLength:"12"`
	Body struct {
		EffectiveFrom string           `json:"effectiveFrom" pattern:"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"`
		MonthlyFen    map[string]int64 `json:"monthlyFen" doc:"assistant_social_worker, social_worker, senior_social_worker, staff"`
	}
}

type priceTableOutput struct{ Body PriceTableDTO }

type priceTablesInput struct {
	Code string `path:"code" maxLength:"12"`
}

type priceTablesOutput struct {
	Body struct {
		DivisionCode string          `json:"divisionCode"`
		InForce      *PriceTableDTO  `json:"inForce" doc:"当前生效的价格标准（无则为 null）The table in force (null when none)"`
		DueRevision  bool            `json:"dueRevision" doc:"现行标准已超过 3 年，应当修订 The table in force is over 3 years old and due for revision"`
		Versions     []PriceTableDTO `json:"versions"`
	}
}

func registerFunds(api huma.API, svc *service.Service) {
	const tag = "funds"
	huma.Register(api, created(op("create-fund", http.MethodPost, "/v1/funds", tag,
		"设立资金（慈善组织管理员；政府购买服务预算由民政部门设立）Post a fund (charity_admin; civil affairs for a purchase budget)", true, 403, 409, 422)),
		func(ctx context.Context, in *createFundInput) (*fundOutput, error) {
			b := in.Body
			v, err := svc.Money().CreateFund(ctx, actorFrom(ctx), money.FundInput{OwnerOrgID: b.OwnerOrgID, DivisionCode: b.DivisionCode, Name: b.Name,
				TotalFen: b.TotalFen, GrantMinFen: b.GrantMinFen, GrantMaxFen: b.GrantMaxFen, Domains: b.Domains, TargetGroups: b.TargetGroups,
				Regions: b.Regions, EligibleKinds: b.EligibleKinds, OpensAt: b.OpensAt, ClosesAt: b.ClosesAt, IdempotencyKey: in.IdempotencyKey})
			if err != nil {
				return nil, err
			}
			return &fundOutput{Body: fundDTO(v)}, nil
		})

	huma.Register(api, op("list-funds", http.MethodGet, "/v1/funds", tag,
		"资金列表（公开）List funds (public)", false, 422),
		func(ctx context.Context, in *listFundsInput) (*listOutput[FundDTO], error) {
			list, next, err := svc.Money().ListFunds(ctx, money.FundFilter{OwnerOrgID: in.OwnerOrgID, DivisionCode: in.DivisionCode, Region: in.Region,
				Domain: in.Domain}, service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, fundDTO)
		})

	huma.Register(api, op("get-fund", http.MethodGet, "/v1/funds/{id}", tag,
		"资金详情与余额（公开）A fund and its balances (public)", false, 404),
		func(ctx context.Context, in *fundIDInput) (*fundOutput, error) {
			v, err := svc.Money().Fund(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &fundOutput{Body: fundDTO(v)}, nil
		})

	huma.Register(api, op("fund-ledger", http.MethodGet, "/v1/funds/{id}/ledger", tag,
		"资金账本（资金管理方与民政部门）The fund's ledger (its managers and civil affairs)", true, 403, 404),
		func(ctx context.Context, in *ledgerInput) (*ledgerOutput, error) {
			es, err := svc.Money().FundLedger(ctx, actorFrom(ctx), in.ID, in.AfterSeq, in.Limit)
			if err != nil {
				return nil, err
			}
			out := &ledgerOutput{}
			out.Body.Items = make([]LedgerEntryDTO, len(es))
			for i, e := range es {
				out.Body.Items[i] = ledgerEntryDTO(e)
			}
			if n := len(es); n > 0 && n == max(in.Limit, 1) {
				out.Body.NextAfterSeq = es[n-1].Seq
			}
			return out, nil
		})

	huma.Register(api, op("reconcile-fund", http.MethodGet, "/v1/funds/{id}/reconciliation", tag,
		"对账：逐条重放账本，核对余额 Reconcile: replay the ledger and check the balances", true, 403, 404),
		func(ctx context.Context, in *fundIDInput) (*reconciliationOutput, error) {
			r, err := svc.Money().Reconcile(ctx, actorFrom(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return &reconciliationOutput{Body: reconciliationDTO(r)}, nil
		})

	huma.Register(api, op("fund-report", http.MethodGet, "/v1/funds/{id}/report", tag,
		"资金报告：资助、拨付、对账 Fund report: grants, tranches paid, reconciliation", true, 403, 404),
		func(ctx context.Context, in *fundIDInput) (*fundReportOutput, error) {
			r, err := svc.Money().FundReport(ctx, actorFrom(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			out := &fundReportOutput{}
			out.Body.Fund, out.Body.Truncated = fundDTO(r.Fund), r.Truncated
			out.Body.Grants = make([]GrantReportDTO, len(r.Grants))
			for i, g := range r.Grants {
				out.Body.Grants[i] = GrantReportDTO{ApplicationID: g.Grant.ID, OrganisationID: g.Grant.OrganisationID, OrganisationName: g.Grant.OrganisationName, Project: g.Grant.Title,
					AmountFen: g.Grant.AmountFen, PaidFen: g.PaidFen, TranchesReleased: g.Released, Tranches: len(g.Grant.Tranches),
					LedgerSeq: g.Grant.LedgerSeq, CompetitionID: g.Grant.CompetitionID, GrantedAt: g.Grant.CreatedAt}
			}
			out.Body.Reconciliation = reconciliationDTO(r.Reconciliation)
			return out, nil
		})

	huma.Register(api, op("suggest-funds", http.MethodGet, "/v1/needs/{id}/funds", tag,
		"适合该需求的资金（带理由排序）Funds that fit a need, ranked with reasons", true, 404),
		func(ctx context.Context, in *suggestFundsInput) (*suggestFundsOutput, error) {
			list, err := svc.Money().SuggestFunds(ctx, actorFrom(ctx), in.ID, in.Limit)
			if err != nil {
				return nil, err
			}
			out := &suggestFundsOutput{}
			out.Body.Items = make([]FundSuggestionDTO, len(list))
			for i, sg := range list {
				d := FundSuggestionDTO{Fund: fundDTO(sg.Fund), Score: sg.Score, Reasons: make([]ReasonDTO, len(sg.Reasons))}
				for j, r := range sg.Reasons {
					d.Reasons[j] = ReasonDTO{Code: r.Code, Zh: r.Zh, En: r.En, Points: r.Points}
				}
				out.Body.Items[i] = d
			}
			return out, nil
		})

	huma.Register(api, op("list-grants", http.MethodGet, "/v1/grants", tag,
		"资助公示（公开，不含个人信息）Grants disclosed to the public (no personal data)", false),
		func(ctx context.Context, in *listGrantsInput) (*listOutput[PublicGrantDTO], error) {
			list, next, err := svc.Money().PublicGrants(ctx, money.GrantFilter{FundID: in.FundID, OrganisationID: in.OrganisationID,
				CompetitionID: in.CompetitionID}, service.Page{Cursor: in.Cursor, Limit: in.Limit})
			return page(list, next, err, publicGrantDTO)
		})

	huma.Register(api, created(op("publish-price-table", http.MethodPost, "/v1/divisions/{code}/price-tables", tag,
		"发布政府购买服务价格标准（本辖区民政部门）Publish a purchase price table (civil affairs of the division)", true, 403, 409, 422)),
		func(ctx context.Context, in *putPriceTableInput) (*priceTableOutput, error) {
			t, err := svc.Money().PutPriceTable(ctx, actorFrom(ctx), models.PriceTable{DivisionCode: in.Code, EffectiveFrom: in.Body.EffectiveFrom,
				MonthlyFen: in.Body.MonthlyFen})
			if err != nil {
				return nil, err
			}
			return &priceTableOutput{Body: priceTableDTO(t)}, nil
		})

	huma.Register(api, op("list-price-tables", http.MethodGet, "/v1/divisions/{code}/price-tables", tag,
		"政府购买服务价格标准（公开）A division's purchase price tables (public)", false, 422),
		func(ctx context.Context, in *priceTablesInput) (*priceTablesOutput, error) {
			v, err := svc.Money().PriceTables(ctx, in.Code)
			if err != nil {
				return nil, err
			}
			out := &priceTablesOutput{}
			out.Body.DivisionCode, out.Body.DueRevision = v.DivisionCode, v.DueRevision
			if v.InForce != nil {
				d := priceTableDTO(v.InForce)
				out.Body.InForce = &d
			}
			out.Body.Versions = make([]PriceTableDTO, len(v.Versions))
			for i, t := range v.Versions {
				out.Body.Versions[i] = priceTableDTO(t)
			}
			return out, nil
		})
}
