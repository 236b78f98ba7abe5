package mongo

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/money"
)

const (
	colFunds      = "funds"
	colFundLedger = "fund_ledger" // _id = fundId#seq (zero-padded): one entry per seq, by unique insert
	colFundHeads  = "fund_heads"  // _id = fundId: a hint of the ledger's head seq, never beyond it
	colFundKeys   = "fund_keys"   // _id = fundId#key: one claim per Idempotency-Key and fund
)

func init() {
	register(colFunds)
	// idem is "k:<key>" for an entry with an Idempotency-Key and "s:<seq>"
	// otherwise, so the index makes a key have at most one entry per fund.
	register(colFundLedger, mongo.IndexModel{Keys: bson.D{{Key: "fundId", Value: 1}, {Key: "idem", Value: 1}},
		Options: options.Index().SetUnique(true).SetName("fund_idem")})
	register(colFundHeads)
	register(colFundKeys)
}

var _ money.FundStore = (*Funds)(nil)

// Funds stores funds, their ledgers, head hints and idempotency claims.
type Funds struct {
	db    *DB
	heads sync.Map // fundId → *headHint: this process's latest known seq
}

type headHint struct {
	mu  sync.Mutex
	seq int
}

// Funds returns the fund store.
func (d *DB) Funds() *Funds { return &Funds{db: d} }

type fundDoc struct {
	ID            string    `bson:"_id"`
	OwnerOrgID    string    `bson:"ownerOrgId,omitempty"`
	DivisionCode  string    `bson:"divisionCode,omitempty"`
	Name          string    `bson:"name"`
	TotalFen      int64     `bson:"totalFen"`
	Domains       []string  `bson:"domains"`
	TargetGroups  []string  `bson:"targetGroups"`
	Regions       []string  `bson:"regions"`
	Scopes        []string  `bson:"scopes"` // regions and their ancestors
	GrantMinFen   int64     `bson:"grantMinFen"`
	GrantMaxFen   int64     `bson:"grantMaxFen"`
	OpensAt       time.Time `bson:"opensAt"`
	ClosesAt      time.Time `bson:"closesAt"`
	EligibleKinds []string  `bson:"eligibleKinds"`
	CreatedBy     string    `bson:"createdBy"`
	CreatedAt     time.Time `bson:"createdAt"`
}

func (d *fundDoc) model() *models.Fund {
	return &models.Fund{ID: d.ID, OwnerOrgID: d.OwnerOrgID, DivisionCode: d.DivisionCode, Name: d.Name, TotalFen: d.TotalFen,
		Domains: d.Domains, TargetGroups: d.TargetGroups, Regions: d.Regions, GrantMinFen: d.GrantMinFen, GrantMaxFen: d.GrantMaxFen,
		OpensAt: d.OpensAt, ClosesAt: d.ClosesAt, EligibleKinds: d.EligibleKinds, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt}
}

// CreateFund inserts the fund document.
func (s *Funds) CreateFund(ctx context.Context, f *models.Fund) error {
	_, err := s.db.db.Collection(colFunds).InsertOne(ctx, fundDoc{ID: f.ID, OwnerOrgID: f.OwnerOrgID, DivisionCode: f.DivisionCode,
		Name: f.Name, TotalFen: f.TotalFen, Domains: nonNil(f.Domains), TargetGroups: nonNil(f.TargetGroups), Regions: nonNil(f.Regions),
		Scopes: ancestors(f.Regions...), GrantMinFen: f.GrantMinFen, GrantMaxFen: f.GrantMaxFen, OpensAt: f.OpensAt, ClosesAt: f.ClosesAt,
		EligibleKinds: nonNil(f.EligibleKinds), CreatedBy: f.CreatedBy, CreatedAt: f.CreatedAt})
	return translate(err, "insert fund")
}

// Fund finds a fund by id.
func (s *Funds) Fund(ctx context.Context, id string) (*models.Fund, error) {
	var d fundDoc
	if err := s.db.db.Collection(colFunds).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return nil, translate(err, "fund")
	}
	return d.model(), nil
}

type ledgerDoc struct {
	ID          string    `bson:"_id"`
	FundID      string    `bson:"fundId"`
	Seq         int       `bson:"seq"`
	Kind        string    `bson:"kind"`
	FromReserve bool      `bson:"fromReserve,omitempty"`
	AmountFen   int64     `bson:"amountFen"`
	Ref         string    `bson:"ref,omitempty"`
	Key         string    `bson:"key,omitempty"`
	Idem        string    `bson:"idem"`
	BalanceFen  int64     `bson:"balanceFen"`
	ReservedFen int64     `bson:"reservedFen"`
	GrantedFen  int64     `bson:"grantedFen"`
	PaidFen     int64     `bson:"paidFen"`
	At          time.Time `bson:"at"`
	By          string    `bson:"by"`
}

func (d *ledgerDoc) model() *models.LedgerEntry {
	return &models.LedgerEntry{FundID: d.FundID, Seq: d.Seq, Kind: models.LedgerKind(d.Kind), FromReserve: d.FromReserve,
		AmountFen: d.AmountFen, Ref: d.Ref, IdempotencyKey: d.Key,
		FundBalance: models.FundBalance{BalanceFen: d.BalanceFen, ReservedFen: d.ReservedFen, GrantedFen: d.GrantedFen, PaidFen: d.PaidFen},
		At:          d.At, By: d.By}
}

// ledgerID is the entry's _id; the seq is zero-padded so _id order is seq order.
func ledgerID(fundID string, seq int) string { return fmt.Sprintf("%s#%010d", fundID, seq) }

// AppendEntry inserts the entry once; a taken seq or a used key is a conflict.
func (s *Funds) AppendEntry(ctx context.Context, e *models.LedgerEntry) error {
	idem := "s:" + strconv.Itoa(e.Seq)
	if e.IdempotencyKey != "" {
		idem = "k:" + e.IdempotencyKey
	}
	_, err := s.db.db.Collection(colFundLedger).InsertOne(ctx, ledgerDoc{ID: ledgerID(e.FundID, e.Seq), FundID: e.FundID, Seq: e.Seq,
		Kind: string(e.Kind), FromReserve: e.FromReserve, AmountFen: e.AmountFen, Ref: e.Ref, Key: e.IdempotencyKey, Idem: idem,
		BalanceFen: e.BalanceFen, ReservedFen: e.ReservedFen, GrantedFen: e.GrantedFen, PaidFen: e.PaidFen, At: e.At, By: e.By})
	return translate(err, "append ledger entry")
}

// Entry finds one entry by its _id.
func (s *Funds) Entry(ctx context.Context, fundID string, seq int) (*models.LedgerEntry, error) {
	var d ledgerDoc
	if err := s.db.db.Collection(colFundLedger).FindOne(ctx, bson.M{"_id": ledgerID(fundID, seq)}).Decode(&d); err != nil {
		return nil, translate(err, "ledger entry")
	}
	return d.model(), nil
}

// Entries lists entries after afterSeq in seq order.
func (s *Funds) Entries(ctx context.Context, fundID string, afterSeq, limit int) ([]*models.LedgerEntry, error) {
	cur, err := s.db.db.Collection(colFundLedger).Find(ctx,
		bson.M{"fundId": fundID, "_id": bson.M{"$gt": ledgerID(fundID, afterSeq)}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, translate(err, "ledger")
	}
	var docs []ledgerDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "ledger")
	}
	out := make([]*models.LedgerEntry, len(docs))
	for i := range docs {
		out[i] = docs[i].model()
	}
	return out, nil
}

func (s *Funds) hint(fundID string) *headHint {
	h, _ := s.heads.LoadOrStore(fundID, &headHint{})
	return h.(*headHint)
}

// HeadHint returns the later of this process's known head and the stored hint.
func (s *Funds) HeadHint(ctx context.Context, fundID string) int {
	h := s.hint(fundID)
	h.mu.Lock()
	seq := h.seq
	h.mu.Unlock()
	if seq > 0 {
		return seq
	}
	var d struct {
		Seq int `bson:"seq"`
	}
	if err := s.db.db.Collection(colFundHeads).FindOne(ctx, bson.M{"_id": fundID}).Decode(&d); err != nil {
		return 0
	}
	h.mu.Lock()
	h.seq = max(h.seq, d.Seq)
	h.mu.Unlock()
	return d.Seq
}

// NoteHead records that seq exists. The stored hint is written only by the
// writer that advanced this process's hint; a lost or reordered write
// leaves it stale (lower), never beyond the ledger.
func (s *Funds) NoteHead(ctx context.Context, fundID string, seq int) {
	h := s.hint(fundID)
	h.mu.Lock()
	advanced := seq > h.seq
	if advanced {
		h.seq = seq
	}
	h.mu.Unlock()
	if !advanced {
		return
	}
	_, _ = s.db.db.Collection(colFundHeads).ReplaceOne(ctx, bson.M{"_id": fundID},
		bson.M{"_id": fundID, "seq": seq}, replaceUpsert)
}

type fundKeyDoc struct {
	ID          string    `bson:"_id"`
	FundID      string    `bson:"fundId"`
	Key         string    `bson:"key"`
	Kind        string    `bson:"kind"`
	FromReserve bool      `bson:"fromReserve,omitempty"`
	AmountFen   int64     `bson:"amountFen"`
	Ref         string    `bson:"ref,omitempty"`
	StartSeq    int       `bson:"startSeq"`
	Seq         int       `bson:"seq"`
	At          time.Time `bson:"at"`
	By          string    `bson:"by"`
}

func fundKeyID(fundID, key string) string { return fundID + "#" + key }

// ClaimKey inserts the claim once.
func (s *Funds) ClaimKey(ctx context.Context, c *models.FundKeyClaim) error {
	_, err := s.db.db.Collection(colFundKeys).InsertOne(ctx, fundKeyDoc{ID: fundKeyID(c.FundID, c.Key), FundID: c.FundID, Key: c.Key,
		Kind: string(c.Kind), FromReserve: c.FromReserve, AmountFen: c.AmountFen, Ref: c.Ref, StartSeq: c.StartSeq, Seq: c.Seq, At: c.At, By: c.By})
	return translate(err, "claim idempotency key")
}

// KeyClaim finds a claim by its _id.
func (s *Funds) KeyClaim(ctx context.Context, fundID, key string) (*models.FundKeyClaim, error) {
	var d fundKeyDoc
	if err := s.db.db.Collection(colFundKeys).FindOne(ctx, bson.M{"_id": fundKeyID(fundID, key)}).Decode(&d); err != nil {
		return nil, translate(err, "idempotency claim")
	}
	return &models.FundKeyClaim{FundID: d.FundID, Key: d.Key, Kind: models.LedgerKind(d.Kind), FromReserve: d.FromReserve,
		AmountFen: d.AmountFen, Ref: d.Ref, StartSeq: d.StartSeq, Seq: d.Seq, At: d.At, By: d.By}, nil
}

// CompleteKey sets the claim's seq. Every writer sets the same value (the
// one entry the key has), so a lost concurrent update loses nothing.
func (s *Funds) CompleteKey(ctx context.Context, fundID, key string, seq int) error {
	_, err := s.db.db.Collection(colFundKeys).UpdateOne(ctx, bson.M{"_id": fundKeyID(fundID, key)}, bson.M{"$set": bson.M{"seq": seq}})
	return translate(err, "complete idempotency claim")
}

// ListFunds lists funds in _id order.
func (s *Funds) ListFunds(ctx context.Context, f money.FundFilter, p service.Page) ([]*models.Fund, string, error) {
	q := bson.M{}
	if f.OwnerOrgID != "" {
		q["ownerOrgId"] = f.OwnerOrgID
	}
	if f.DivisionCode != "" {
		q["divisionCode"] = f.DivisionCode
	}
	if f.Region != "" {
		q["regions"] = bson.M{"$in": ancestors(f.Region)} // a fund serving the region or a division containing it
	}
	if f.Domain != "" {
		q["domains"] = f.Domain
	}
	return pageModels(ctx, s.db.db.Collection(colFunds), q, p, func(d *fundDoc) string { return d.ID }, (*fundDoc).model)
}

// HeadHints is HeadHint for many funds: one read of the stored hints, for
// the funds this process knows no head of (none when it knows them all).
func (s *Funds) HeadHints(ctx context.Context, fundIDs []string) map[string]int {
	out := make(map[string]int, len(fundIDs))
	var unknown []string
	for _, id := range fundIDs {
		h := s.hint(id)
		h.mu.Lock()
		out[id] = h.seq
		h.mu.Unlock()
		if out[id] == 0 {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) == 0 {
		return out
	}
	cur, err := s.db.db.Collection(colFundHeads).Find(ctx, bson.M{"_id": bson.M{"$in": unknown}}, options.Find().SetBatchSize(int32(len(unknown)+1)))
	if err != nil {
		return out // a hint is only a hint: the walk starts lower
	}
	var docs []struct {
		ID  string `bson:"_id"`
		Seq int    `bson:"seq"`
	}
	if cur.All(ctx, &docs) != nil {
		return out
	}
	for _, d := range docs {
		h := s.hint(d.ID)
		h.mu.Lock()
		h.seq = max(h.seq, d.Seq)
		out[d.ID] = h.seq
		h.mu.Unlock()
	}
	return out
}

// EntriesAt reads the entries (fundIDs[i], seqs[i]) in one query; absent
// ones are left out.
func (s *Funds) EntriesAt(ctx context.Context, fundIDs []string, seqs []int) ([]*models.LedgerEntry, error) {
	ids := make([]string, len(fundIDs))
	for i := range fundIDs {
		ids[i] = ledgerID(fundIDs[i], seqs[i])
	}
	if len(ids) == 0 {
		return nil, nil
	}
	cur, err := s.db.db.Collection(colFundLedger).Find(ctx, bson.M{"_id": bson.M{"$in": ids}}, options.Find().SetBatchSize(int32(len(ids)+1)))
	if err != nil {
		return nil, translate(err, "ledger entries")
	}
	var docs []ledgerDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "ledger entries")
	}
	out := make([]*models.LedgerEntry, len(docs))
	for i := range docs {
		out[i] = docs[i].model()
	}
	return out, nil
}
