package redis_test

import (
	"context"
	"testing"

	"github.com/wushe/wushe/store/storetest"
)

// A board exists even when empty, increments only touch an existing board,
// and Replace swaps the whole board at once.
func TestLeaderboard(t *testing.T) {
	_, rc := storetest.Open(t)
	lb := rc.Leaderboards()
	ctx := context.Background()
	if _, ok, err := lb.Top(ctx, "b"); err != nil || ok {
		t.Fatalf("missing board: ok=%v err=%v", ok, err)
	}
	// An increment on a missing board leaves it missing.
	if err := lb.IncrIfPresent(ctx, "b", "e1", 1); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := lb.Top(ctx, "b"); ok {
		t.Fatal("an increment created a partial board")
	}
	if err := lb.Replace(ctx, "b", map[string]float64{}); err != nil {
		t.Fatal(err)
	}
	if m, ok, err := lb.Top(ctx, "b"); err != nil || !ok || len(m) != 0 {
		t.Fatalf("empty board: %v %v %v", m, ok, err)
	}
	if err := lb.Replace(ctx, "b", map[string]float64{"e1": 2, "e2": 5, "e3": 0}); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if err := lb.IncrIfPresent(ctx, "b", "e1", 1); err != nil {
			t.Fatal(err)
		}
	}
	m, ok, err := lb.Top(ctx, "b")
	if err != nil || !ok || len(m) != 3 || m[0].Member != "e1" || m[0].Score != 6 || m[1].Member != "e2" || m[2].Score != 0 {
		t.Fatalf("board %+v %v %v", m, ok, err)
	}
	// Lost: the key is gone, and Top says so.
	if err := rc.Redis().Del(ctx, lb.LeaderboardKey("b")).Err(); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := lb.Top(ctx, "b"); ok {
		t.Fatal("deleted board still reported")
	}
	if keys, _ := rc.Redis().Keys(ctx, rc.Prefix()+"lb:*").Result(); len(keys) != 0 {
		t.Fatalf("temporary keys left: %v", keys)
	}
}
