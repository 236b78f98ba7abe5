package accounts_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/accounts"
	"github.com/wushe/wushe/store/storetest"
)

func newAccount(t *testing.T, st accounts.AccountStore, id, name string) *models.Account {
	t.Helper()
	a := &models.Account{ID: id, Phone: "1390000" + id[len(id)-4:], Name: name, Status: models.AccountActive,
		Roles: []models.RoleBinding{{Role: models.RoleVolunteer}}, CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC()}
	if err := st.CreateAccount(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestLocalAccountsBound: a replica's memory answers Cached within
// LocalAccountTTL of its read, AccountByID always reads MongoDB, and a
// change it did not hear of (saved behind its back: a lost notice) is seen
// once the bound has passed.
func TestLocalAccountsBound(t *testing.T) {
	db, _ := storetest.Open(t)
	ctx := context.Background()
	clk := &clock{now: time.Now()}
	local := accounts.NewLocalAccounts(db.Accounts(), db.Accounts(), nil, clk.Now, quietLog())
	a := newAccount(t, local, "acct-local-0001", "甲")
	if got, err := local.Cached(ctx, a.ID); err != nil || got.Name != "甲" {
		t.Fatalf("first read: %+v %v", got, err)
	}
	behind := *a
	behind.Name = "乙"
	if err := db.Accounts().SaveAccount(ctx, &behind); err != nil { // another replica, its notice lost
		t.Fatal(err)
	}
	if got, _ := local.Cached(ctx, a.ID); got.Name != "甲" {
		t.Fatalf("within the bound the memory answers: got %q", got.Name)
	}
	clk.advance(accounts.LocalAccountTTL)
	if got, _ := local.Cached(ctx, a.ID); got.Name != "乙" {
		t.Fatalf("past the bound the change is seen: got %q", got.Name)
	}
	behind.Name = "丙"
	if err := db.Accounts().SaveAccount(ctx, &behind); err != nil {
		t.Fatal(err)
	}
	if got, _ := local.AccountByID(ctx, a.ID); got.Name != "丙" {
		t.Fatalf("AccountByID reads MongoDB: got %q", got.Name)
	}
	// A caller's copy is its own.
	got, _ := local.Cached(ctx, a.ID)
	got.Name, got.Roles[0].Role = "改", models.RoleCivilAffairs
	if again, _ := local.Cached(ctx, a.ID); again.Name != "丙" || again.Roles[0].Role != models.RoleVolunteer {
		t.Fatalf("a caller changed the memory: %+v", again)
	}
}

// TestLocalAccountsWritesForget: a write through the memory forgets the
// account at once on this replica, and on another replica (its own memory
// on the same stores) when the notice arrives on the Redis bus.
func TestLocalAccountsWritesForget(t *testing.T) {
	db, rc := storetest.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	here := accounts.NewLocalAccounts(db.Accounts(), db.Accounts(), rc, time.Now, quietLog())
	there := accounts.NewLocalAccounts(db.Accounts(), db.Accounts(), rc, time.Now, quietLog())
	if err := there.Follow(ctx); err != nil {
		t.Fatal(err)
	}
	a := newAccount(t, here, "acct-local-0002", "甲")
	for _, l := range []*accounts.LocalAccounts{here, there} {
		if got, _ := l.Cached(ctx, a.ID); got.Name != "甲" {
			t.Fatalf("first read: %q", got.Name)
		}
	}
	a.Name = "乙"
	if err := here.Changes().SaveAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, _ := here.Cached(ctx, a.ID); got.Name != "乙" {
		t.Fatalf("the writing replica must read its own write: %q", got.Name)
	}
	deadline := time.Now().Add(accounts.LocalAccountTTL)
	for {
		got, _ := there.Cached(ctx, a.ID)
		if got.Name == "乙" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the other replica never heard of the change: %q", got.Name)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := here.SetRoles(ctx, a.ID, []models.RoleBinding{{Role: models.RoleVolunteer}, {Role: models.RoleCivilAffairs, DivisionCode: "4101"}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if got, _ := here.Cached(ctx, a.ID); len(got.Roles) != 2 {
		t.Fatalf("roles after SetRoles: %+v", got.Roles)
	}
}

// TestLocalAccountsNoStaleRefill: reads racing with writes never leave a
// copy older than the last write in memory: after 200 goroutines read and
// write one account concurrently, the memory answers what MongoDB holds.
func TestLocalAccountsNoStaleRefill(t *testing.T) {
	db, _ := storetest.Open(t)
	ctx := context.Background()
	local := accounts.NewLocalAccounts(db.Accounts(), db.Accounts(), nil, time.Now, quietLog())
	a := newAccount(t, local, "acct-local-0003", "v0")
	var mu sync.Mutex // writes serialised as the service does (the account's lock)
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%4 == 0 {
				mu.Lock()
				defer mu.Unlock()
				c := *a
				c.Name = fmt.Sprintf("v%d", i)
				if err := local.Changes().SaveAccount(ctx, &c); err != nil {
					t.Error(err)
				}
				return
			}
			if _, err := local.Cached(ctx, a.ID); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	stored, err := db.Accounts().AccountByID(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := local.Cached(ctx, a.ID); got.Name != stored.Name {
		t.Fatalf("memory %q, MongoDB %q", got.Name, stored.Name)
	}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestTokenMemoOwnsItsKeys: the HTTP server hands Authenticate strings
// that alias a request buffer it reuses; the memo of verified tokens must
// not change when that buffer does (else one person's token would become
// another's).
func TestTokenMemoOwnsItsKeys(t *testing.T) {
	e := newEnv(t, accounts.Config{AccessTokenTTL: 10 * time.Minute})
	type login struct{ id, token string }
	var logins []login
	for i := range 12 {
		phone := fmt.Sprintf("138000001%02d", i)
		e.register(t, phone, "pass-word-1")
		tok, err := e.svc.Login(e.ctx, accounts.Credentials{Phone: phone, Password: "pass-word-1", ClientIP: "203.0.113.7"})
		if err != nil {
			t.Fatal(err)
		}
		logins = append(logins, login{tok.Account.ID, tok.AccessToken})
	}
	// One buffer, reused for every request, as fasthttp's; the strings
	// Authenticate gets alias it.
	buf := make([]byte, 0, 4096)
	for round := range 2 {
		for _, l := range logins {
			buf = append(buf[:0], l.token...)
			actor, err := e.svc.Authenticate(e.ctx, unsafe.String(&buf[0], len(buf)))
			if err != nil {
				t.Fatal(err)
			}
			if actor.AccountID != l.id {
				t.Fatalf("round %d: a token of %s authenticated as %s", round, l.id, actor.AccountID)
			}
		}
	}
}

// TestLocalAccountsPages: a page's accounts come from memory where it has
// them and from one read for the rest; a write through the memory shows in
// the next page.
func TestLocalAccountsPages(t *testing.T) {
	db, _ := storetest.Open(t)
	ctx := context.Background()
	local := accounts.NewLocalAccounts(db.Accounts(), db.Accounts(), nil, time.Now, quietLog())
	a := newAccount(t, local, "acct-local-0011", "甲")
	b := newAccount(t, local, "acct-local-0012", "乙")
	if _, err := local.Cached(ctx, a.ID); err != nil { // a is in memory, b is not
		t.Fatal(err)
	}
	page, err := local.AccountsByIDs(ctx, []string{a.ID, b.ID, "nobody", a.ID})
	if err != nil || len(page) != 2 || page[a.ID].Name != "甲" || page[b.ID].Name != "乙" {
		t.Fatalf("page: %v %v", page, err)
	}
	b.Name = "丙"
	if err := local.Changes().SaveAccount(ctx, b); err != nil {
		t.Fatal(err)
	}
	if page, _ := local.AccountsByIDs(ctx, []string{a.ID, b.ID}); page[b.ID].Name != "丙" {
		t.Fatalf("after the change: %q", page[b.ID].Name)
	}
	page[a.ID].Name = "改"
	if again, _ := local.AccountsByIDs(ctx, []string{a.ID}); again[a.ID].Name != "甲" {
		t.Fatalf("a caller changed the memory: %q", again[a.ID].Name)
	}
}
