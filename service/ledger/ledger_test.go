package ledger_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/ledger"
	"github.com/wushe/wushe/store/storetest"
)

// TestAppendDecidesEveryRace: 200 concurrent grants of 1,000 fen against
// 50,000 fen, half of them repeating one of ten idempotency keys: the
// ledger ends with exactly the grants that fit, each key's movement once,
// no balance below zero and no gap in the seqs (a real FerretDB store).
func TestAppendDecidesEveryRace(t *testing.T) {
	db, _ := storetest.Open(t)
	st := db.Funds()
	ctx := context.Background()
	const fund = "ledger-test-fund"
	if err := st.AppendEntry(ctx, &models.LedgerEntry{FundID: fund, Seq: 1, Kind: models.LedgerDeposit, AmountFen: 50_000,
		FundBalance: models.FundBalance{BalanceFen: 50_000}, At: time.Now(), By: "test"}); err != nil {
		t.Fatal(err)
	}
	l := ledger.New(st, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	var (
		wg                      sync.WaitGroup
		mu                      sync.Mutex
		made, replayed, refused int
	)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := ""
			if i%2 == 0 {
				key = "grant-" + string(rune('a'+i%20/2))
			}
			m, err := l.Append(ctx, "test", fund, models.LedgerGrant, false, 1_000, "ref", key)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && m.Replayed:
				replayed++
			case err == nil:
				made++
			case models.KindOf(err) == models.KindConflict || models.KindOf(err) == models.KindInvalid:
				refused++
			default:
				t.Errorf("append: %v", err)
			}
		}()
	}
	wg.Wait()
	head, err := l.Head(ctx, fund)
	if err != nil {
		t.Fatal(err)
	}
	if head.Seq != 1+made || head.FundBalance.BalanceFen != 50_000-int64(made)*1_000 || head.FundBalance.GrantedFen != int64(made)*1_000 {
		t.Fatalf("head %+v after %d movements", head, made)
	}
	if made != 50 {
		t.Errorf("%d grants made, want 50 (the fund holds 50)", made)
	}
	for seq := 2; seq <= head.Seq; seq++ {
		e, err := st.Entry(ctx, fund, seq)
		if err != nil || e.FundBalance.BalanceFen < 0 {
			t.Fatalf("entry %d: %+v %v", seq, e, err)
		}
	}
	t.Logf("%d made, %d replayed, %d refused", made, replayed, refused)
}
