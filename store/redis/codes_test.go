package redis_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wushe/wushe/service/accounts"
	"github.com/wushe/wushe/store/storetest"
)

// TestUseCodeOnce: of 200 concurrent tries of the right code, exactly one
// gets it (the check and the delete are one Lua script).
func TestUseCodeOnce(t *testing.T) {
	_, rc := storetest.Open(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	if err := rc.PutCode(ctx, "k", "right", now.Add(5*time.Minute), 6*time.Minute); err != nil {
		t.Fatal(err)
	}
	var accepted, missing atomic.Int32
	var wg sync.WaitGroup
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := rc.UseCode(ctx, "k", "right", "", now, accounts.CodeTries{PerClient: 5, All: 5})
			if err != nil {
				t.Error(err)
			}
			switch out {
			case accounts.CodeAccepted:
				accepted.Add(1)
			case accounts.CodeMissing:
				missing.Add(1)
			default:
				t.Errorf("outcome %d", out)
			}
		}()
	}
	wg.Wait()
	if accepted.Load() != 1 || missing.Load() != 199 {
		t.Fatalf("%d accepted, %d missing; want 1 and 199", accepted.Load(), missing.Load())
	}
}

func TestUseCodeTriesAndExpiry(t *testing.T) {
	_, rc := storetest.Open(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	_ = rc.PutCode(ctx, "k", "right", now.Add(5*time.Minute), 6*time.Minute)
	for i := 1; i <= 5; i++ {
		out, _ := rc.UseCode(ctx, "k", "wrong", "", now, accounts.CodeTries{PerClient: 5, All: 5})
		want := accounts.CodeWrong
		if i == 5 {
			want = accounts.CodeExhausted
		}
		if out != want {
			t.Fatalf("wrong try %d: %d, want %d", i, out, want)
		}
	}
	if out, _ := rc.UseCode(ctx, "k", "right", "", now, accounts.CodeTries{PerClient: 5, All: 5}); out != accounts.CodeMissing {
		t.Fatalf("the right code after 5 tries: %d, want missing", out)
	}
	// A new code resets the tries; at its expiry (the caller's clock) it is refused and gone.
	_ = rc.PutCode(ctx, "k", "right", now.Add(5*time.Minute), 6*time.Minute)
	if out, _ := rc.UseCode(ctx, "k", "right", "", now.Add(5*time.Minute), accounts.CodeTries{PerClient: 5, All: 5}); out != accounts.CodeExpired {
		t.Fatalf("at expiry: %d, want expired", out)
	}
	if out, _ := rc.UseCode(ctx, "k", "right", "", now, accounts.CodeTries{PerClient: 5, All: 5}); out != accounts.CodeMissing {
		t.Fatalf("after expiry: %d, want missing", out)
	}
	// The right code on the last try still works.
	_ = rc.PutCode(ctx, "k", "right", now.Add(5*time.Minute), 6*time.Minute)
	for range 4 {
		_, _ = rc.UseCode(ctx, "k", "wrong", "", now, accounts.CodeTries{PerClient: 5, All: 5})
	}
	if out, _ := rc.UseCode(ctx, "k", "right", "", now, accounts.CodeTries{PerClient: 5, All: 5}); out != accounts.CodeAccepted {
		t.Fatalf("right on the fifth try: %d", out)
	}
}

func TestTickets(t *testing.T) {
	_, rc := storetest.Open(t)
	ctx := context.Background()
	if err := rc.PutTicket(ctx, "h", `{"openid":"o"}`, time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, _ := rc.Ticket(ctx, "h"); v != `{"openid":"o"}` {
		t.Fatalf("ticket %q", v)
	}
	_ = rc.DeleteTicket(ctx, "h")
	if v, err := rc.Ticket(ctx, "h"); v != "" || err != nil {
		t.Fatalf("deleted ticket %q %v", v, err)
	}
}

// TestUseCodePerClient: a client that used its tries is refused while the
// code stays valid for another client; the tries in all still void it.
func TestUseCodePerClient(t *testing.T) {
	_, rc := storetest.Open(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	tries := accounts.CodeTries{PerClient: 5, All: 10}
	_ = rc.PutCode(ctx, "k", "right", now.Add(5*time.Minute), 6*time.Minute)
	for i := 1; i <= 5; i++ {
		out, _ := rc.UseCode(ctx, "k", "wrong", "stranger", now, tries)
		if want := map[bool]accounts.CodeOutcome{true: accounts.CodeClientUsedUp, false: accounts.CodeWrong}[i == 5]; out != want {
			t.Fatalf("stranger's try %d: %d, want %d", i, out, want)
		}
	}
	if out, _ := rc.UseCode(ctx, "k", "right", "stranger", now, tries); out != accounts.CodeClientUsedUp {
		t.Fatalf("the stranger's sixth try, right: %d", out)
	}
	if out, _ := rc.UseCode(ctx, "k", "right", "owner", now, tries); out != accounts.CodeAccepted {
		t.Fatalf("the owner's right code after the stranger's tries: %d", out)
	}
	// Ten wrong tries in all, from two clients, void the code.
	_ = rc.PutCode(ctx, "k", "right", now.Add(5*time.Minute), 6*time.Minute)
	for i := 1; i <= 10; i++ {
		out, _ := rc.UseCode(ctx, "k", "wrong", []string{"a", "b"}[i%2], now, tries)
		if i == 10 && out != accounts.CodeExhausted {
			t.Fatalf("tenth wrong try in all: %d", out)
		}
	}
	if out, _ := rc.UseCode(ctx, "k", "right", "owner", now, tries); out != accounts.CodeMissing {
		t.Fatalf("after ten wrong tries in all: %d", out)
	}
}
