package mongo_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/store/storetest"
)

func TestFundLedgerStore(t *testing.T) {
	db, _ := storetest.Open(t)
	ctx := context.Background()
	st := db.Funds()
	entry := func(seq int, key string) *models.LedgerEntry {
		return &models.LedgerEntry{FundID: "fund-1", Seq: seq, Kind: models.LedgerDeposit, AmountFen: 1, IdempotencyKey: key,
			FundBalance: models.FundBalance{BalanceFen: int64(seq)}}
	}
	// 200 simultaneous inserts of one seq: exactly one succeeds.
	var won, lost atomic.Int64
	var wg sync.WaitGroup
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch err := st.AppendEntry(ctx, entry(1, "")); {
			case err == nil:
				won.Add(1)
			case errors.Is(err, models.ErrConflict):
				lost.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if won.Load() != 1 || lost.Load() != 199 {
		t.Fatalf("won %d lost %d", won.Load(), lost.Load())
	}
	// Seqs beyond 9 and 99 sort by seq (zero-padded _id).
	for seq := 2; seq <= 120; seq++ {
		key := ""
		if seq == 7 {
			key = "k-7"
		}
		if err := st.AppendEntry(ctx, entry(seq, key)); err != nil {
			t.Fatal(err)
		}
	}
	// One key, one entry per fund, whatever the seq; another fund may reuse it.
	if err := st.AppendEntry(ctx, entry(121, "k-7")); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("second entry with a key: %v", err)
	}
	other := entry(1, "k-7")
	other.FundID = "fund-2"
	if err := st.AppendEntry(ctx, other); err != nil {
		t.Fatalf("the key on another fund: %v", err)
	}
	if _, err := st.Entry(ctx, "fund-1", 121); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("missing entry: %v", err)
	}
	if e, err := st.Entry(ctx, "fund-1", 7); err != nil || e.IdempotencyKey != "k-7" || e.BalanceFen != 7 {
		t.Fatalf("entry 7: %+v %v", e, err)
	}
	list, err := st.Entries(ctx, "fund-1", 5, 100)
	if err != nil || len(list) != 100 || list[0].Seq != 6 || list[99].Seq != 105 {
		t.Fatalf("entries: %d %v", len(list), err)
	}
	for i := 1; i < len(list); i++ {
		if list[i].Seq != list[i-1].Seq+1 {
			t.Fatalf("out of order at %d: %d after %d", i, list[i].Seq, list[i-1].Seq)
		}
	}
	// Head hints: stale allowed, never beyond what was noted; stored for a new process.
	st.NoteHead(ctx, "fund-1", 120)
	st.NoteHead(ctx, "fund-1", 50)
	if h := st.HeadHint(ctx, "fund-1"); h != 120 {
		t.Fatalf("hint %d", h)
	}
	if h := db.Funds().HeadHint(ctx, "fund-1"); h != 120 {
		t.Fatalf("stored hint %d", h)
	}
	if h := db.Funds().HeadHint(ctx, "fund-9"); h != 0 {
		t.Fatalf("hint of an unknown fund %d", h)
	}
	// Idempotency claims: one per fund and key.
	c := &models.FundKeyClaim{FundID: "fund-1", Key: "k-8", Kind: models.LedgerGrant, AmountFen: 5, Ref: "app", StartSeq: 3}
	if err := st.ClaimKey(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := st.ClaimKey(ctx, c); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("second claim: %v", err)
	}
	if err := st.CompleteKey(ctx, "fund-1", "k-8", 9); err != nil {
		t.Fatal(err)
	}
	got, err := st.KeyClaim(ctx, "fund-1", "k-8")
	if err != nil || got.Seq != 9 || got.StartSeq != 3 || !got.Same(models.LedgerGrant, false, 5, "app") {
		t.Fatalf("claim %+v %v", got, err)
	}
}
