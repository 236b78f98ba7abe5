package service_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/accounts"
	"github.com/wushe/wushe/store/mongo"
	"github.com/wushe/wushe/store/storetest"
)

var fundSecret = []byte("test-secret-test-secret-test-secret-0123")

type fundEnv struct {
	svc     *service.Service
	db      *mongo.DB
	org     *models.Organisation
	admin   *service.Actor // charity_admin of org
	ctx     context.Context
	opensAt time.Time
}

func newFundEnv(t testing.TB) *fundEnv {
	t.Helper()
	db, rc := storetest.Open(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := service.Config{Accounts: accounts.Config{JWTSecret: fundSecret, Password: accounts.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}}, Logger: quiet}
	st := service.Stores{Accounts: db.Accounts(), Sessions: db.Sessions(),
		Limiter: rc, Locker: db.Locks(), Mongo: db, Redis: rc,
		Organisations: db.Organisations(), Transitions: db.Records(), Audit: db.Records(), Funds: db.Funds()}
	svc, err := service.New(cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	org := newCharity(t, db, "charity-1", "410102")
	return &fundEnv{svc: svc, db: db, org: org, ctx: ctx, opensAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		admin: &service.Actor{AccountID: "admin-1", Roles: []models.RoleBinding{{Role: models.RoleCharityAdmin, OrganisationID: org.ID}}}}
}

// replica is a second service on the same database, as another process would be.
func (e *fundEnv) replica(t *testing.T) *service.Service {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := service.New(service.Config{Accounts: accounts.Config{JWTSecret: fundSecret, Password: accounts.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}}, Logger: quiet},
		service.Stores{Organisations: e.db.Organisations(), Funds: e.db.Funds()})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func newCharity(t testing.TB, db *mongo.DB, id, division string) *models.Organisation {
	t.Helper()
	o := &models.Organisation{ID: id, Name: "郑州市测试慈善会 " + id, Kind: "charity_organisation", CreditCode: "CC-" + id,
		Domains: []string{"social_assistance"}, DivisionCode: division, Status: models.OrgActive, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := db.Organisations().CreateOrganisation(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	return o
}

func (e *fundEnv) input(total, minFen, maxFen int64) service.FundInput {
	return service.FundInput{OwnerOrgID: e.org.ID, Name: "社区助老项目资金", TotalFen: total, GrantMinFen: minFen, GrantMaxFen: maxFen,
		Domains: []string{"social_assistance"}, TargetGroups: []string{"older_people"}, Regions: []string{"410102"},
		EligibleKinds: []string{"social_work_agency"}, OpensAt: e.opensAt, ClosesAt: e.opensAt.AddDate(0, 3, 0)}
}

func (e *fundEnv) fund(t *testing.T, total int64) *service.FundView {
	t.Helper()
	v, err := e.svc.CreateFund(e.ctx, e.admin, e.input(total, 1000, min(total, 50_000)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (e *fundEnv) balance(t *testing.T, id string) models.FundBalance {
	t.Helper()
	b, err := e.svc.FundBalance(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (e *fundEnv) reconciles(t *testing.T, id string) *models.FundReconciliation {
	t.Helper()
	r, err := e.svc.Reconcile(e.ctx, e.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK {
		t.Fatalf("ledger does not reconcile: %v", r.Problems)
	}
	return r
}

// The acceptance: 500 simultaneous grants of 1,000 fen against a
// fund of exactly 100,000 fen: exactly 100 succeed, the others are refused
// for insufficient funds, nothing goes negative and the ledger sums match.
func TestFundGrantRace(t *testing.T) {
	for _, c := range []struct {
		keyed    bool
		replicas int
	}{{false, 1}, {true, 1}, {true, 2}} {
		keyed := c.keyed
		t.Run(fmt.Sprintf("keys=%v,replicas=%d", keyed, c.replicas), func(t *testing.T) {
			e := newFundEnv(t)
			f := e.fund(t, 100_000)
			// Each replica is a service with its own fund store (own head
			// hints, own admission gate) on the same database.
			svcs := []*service.Service{e.svc}
			for len(svcs) < c.replicas {
				svcs = append(svcs, e.replica(t))
			}
			const n = 500
			var ok, refused atomic.Int64
			var mu sync.Mutex
			var other []error
			seqs := map[int]bool{}
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					key := ""
					if keyed {
						key = fmt.Sprintf("approval-%d", i)
					}
					m, err := svcs[i%len(svcs)].Grant(e.ctx, e.admin, f.Fund.ID, 1000, fmt.Sprintf("application-%d", i), key)
					switch {
					case err == nil:
						ok.Add(1)
						mu.Lock()
						if seqs[m.Entry.Seq] {
							t.Errorf("two grants returned seq %d", m.Entry.Seq)
						}
						seqs[m.Entry.Seq] = true
						mu.Unlock()
						if m.Entry.BalanceFen < 0 {
							t.Errorf("negative balance written: %+v", m.Entry)
						}
					case errors.Is(err, models.ErrInsufficientFunds):
						refused.Add(1)
					default:
						mu.Lock()
						other = append(other, err)
						mu.Unlock()
					}
				}()
			}
			began := time.Now()
			close(start)
			wg.Wait()
			took := time.Since(began)
			t.Logf("%d simultaneous grants (keys: %v, replicas: %d): %d granted, %d refused, %d other errors in %v", n, keyed, c.replicas, ok.Load(), refused.Load(), len(other), took)
			if len(other) > 0 {
				t.Fatalf("unexpected errors (%d), e.g. %v", len(other), other[0])
			}
			if ok.Load() != 100 || refused.Load() != n-100 {
				t.Fatalf("granted %d, refused %d; want 100 and %d", ok.Load(), refused.Load(), n-100)
			}
			b := e.balance(t, f.Fund.ID)
			if b != (models.FundBalance{BalanceFen: 0, GrantedFen: 100_000}) {
				t.Fatalf("head balances %+v", b)
			}
			r := e.reconciles(t, f.Fund.ID)
			if r.Entries != 101 || r.HeadSeq != 101 || r.DepositsFen != 100_000 || r.GrantsFen != 100_000 {
				t.Fatalf("reconciliation %+v", r)
			}
			entries, err := e.db.Funds().Entries(e.ctx, f.Fund.ID, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			var sum int64
			for _, en := range entries {
				if en.BalanceFen < 0 {
					t.Fatalf("negative entry %+v", en)
				}
				if en.Kind == models.LedgerGrant {
					sum += en.AmountFen
				}
			}
			if sum+b.BalanceFen != 100_000 {
				t.Fatalf("grants sum to %d, remaining %d", sum, b.BalanceFen)
			}
		})
	}
}

func TestFundIdempotencyKey(t *testing.T) {
	e := newFundEnv(t)
	f := e.fund(t, 100_000)
	id := f.Fund.ID

	first, err := e.svc.Grant(e.ctx, e.admin, id, 5000, "application-1", "key-1")
	if err != nil || first.Replayed {
		t.Fatalf("first grant: %+v %v", first, err)
	}
	again, err := e.svc.Grant(e.ctx, e.admin, id, 5000, "application-1", "key-1")
	if err != nil || !again.Replayed || again.Entry.Seq != first.Entry.Seq {
		t.Fatalf("replay: %+v %v", again, err)
	}
	if b := e.balance(t, id); b.BalanceFen != 95_000 {
		t.Fatalf("after a replay: %+v", b)
	}
	if _, err := e.svc.Grant(e.ctx, e.admin, id, 6000, "application-1", "key-1"); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("same key, other amount: %v", err)
	}

	// 50 concurrent replays of one approval, amid other traffic.
	var wg sync.WaitGroup
	seqs := make(chan int, 50)
	errs := make(chan error, 100)
	start := make(chan struct{})
	for i := range 50 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			m, err := e.svc.Grant(e.ctx, e.admin, id, 7000, "application-2", "key-2")
			if err != nil {
				errs <- err
				return
			}
			seqs <- m.Entry.Seq
		}()
		go func() {
			defer wg.Done()
			<-start
			if _, err := e.svc.Reserve(e.ctx, e.admin, id, 100, fmt.Sprintf("competition-%d", i), ""); err != nil {
				errs <- err
			}
		}()
	}
	close(start)
	wg.Wait()
	close(seqs)
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent replay: %v", err)
	}
	var seq, fresh int
	for s := range seqs {
		if seq != 0 && s != seq {
			t.Fatalf("replays returned seqs %d and %d", seq, s)
		}
		seq = s
		fresh++
	}
	if fresh != 50 {
		t.Fatalf("%d answers", fresh)
	}
	b := e.balance(t, id)
	if want := (models.FundBalance{BalanceFen: 100_000 - 5000 - 7000 - 5000, ReservedFen: 5000, GrantedFen: 12_000}); b != want {
		t.Fatalf("after 50 replays: %+v, want %+v", b, want)
	}
	r := e.reconciles(t, id)
	if r.Entries != 1+1+1+50 {
		t.Fatalf("%d entries", r.Entries)
	}

	// A writer that claimed a key and died before appending: the repeat appends once.
	st := e.db.Funds()
	if err := st.ClaimKey(e.ctx, &models.FundKeyClaim{FundID: id, Key: "key-3", Kind: models.LedgerGrant, AmountFen: 1000, Ref: "application-3", StartSeq: 1}); err != nil {
		t.Fatal(err)
	}
	m3, err := e.svc.Grant(e.ctx, e.admin, id, 1000, "application-3", "key-3")
	if err != nil || m3.Replayed {
		t.Fatalf("after a dead writer: %+v %v", m3, err)
	}
	// A writer that appended and died before completing its claim: the repeat finds the entry.
	head := r.HeadSeq + 1
	if err := st.ClaimKey(e.ctx, &models.FundKeyClaim{FundID: id, Key: "key-4", Kind: models.LedgerGrant, AmountFen: 1000, Ref: "application-4", StartSeq: head}); err != nil {
		t.Fatal(err)
	}
	if err := st.AppendEntry(e.ctx, &models.LedgerEntry{FundID: id, Seq: head + 1, Kind: models.LedgerGrant, AmountFen: 1000, Ref: "application-4",
		IdempotencyKey: "key-4", FundBalance: models.FundBalance{BalanceFen: b.BalanceFen - 2000, ReservedFen: 5000, GrantedFen: 14_000}}); err != nil {
		t.Fatal(err)
	}
	m4, err := e.svc.Grant(e.ctx, e.admin, id, 1000, "application-4", "key-4")
	if err != nil || !m4.Replayed || m4.Entry.Seq != head+1 {
		t.Fatalf("after a writer died before completing: %+v %v", m4, err)
	}
	if r := e.reconciles(t, id); r.HeadSeq != head+1 {
		t.Fatalf("head %d", r.HeadSeq)
	}
}

func TestFundReserveReleaseAward(t *testing.T) {
	e := newFundEnv(t)
	id := e.fund(t, 100_000).Fund.ID
	steps := []struct {
		name string
		do   func() (*service.Movement, error)
		want models.FundBalance
		err  error
	}{
		{"reserve a prize pool", func() (*service.Movement, error) {
			return e.svc.Reserve(e.ctx, e.admin, id, 30_000, "competition-1", "")
		},
			models.FundBalance{BalanceFen: 70_000, ReservedFen: 30_000}, nil},
		{"reserve more than available", func() (*service.Movement, error) {
			return e.svc.Reserve(e.ctx, e.admin, id, 70_001, "competition-2", "")
		},
			models.FundBalance{BalanceFen: 70_000, ReservedFen: 30_000}, models.ErrInsufficientFunds},
		{"award from the pool", func() (*service.Movement, error) {
			return e.svc.GrantFromReserve(e.ctx, e.admin, id, 15_000, "entry-1", "award-1")
		}, models.FundBalance{BalanceFen: 70_000, ReservedFen: 15_000, GrantedFen: 15_000}, nil},
		{"award beyond the pool", func() (*service.Movement, error) {
			return e.svc.GrantFromReserve(e.ctx, e.admin, id, 15_001, "entry-2", "award-2")
		}, models.FundBalance{BalanceFen: 70_000, ReservedFen: 15_000, GrantedFen: 15_000}, models.ErrInsufficientFunds},
		{"grant from available", func() (*service.Movement, error) { return e.svc.Grant(e.ctx, e.admin, id, 20_000, "application-1", "") },
			models.FundBalance{BalanceFen: 50_000, ReservedFen: 15_000, GrantedFen: 35_000}, nil},
		{"release more than reserved", func() (*service.Movement, error) {
			return e.svc.Release(e.ctx, e.admin, id, 15_001, "competition-1", "")
		},
			models.FundBalance{BalanceFen: 50_000, ReservedFen: 15_000, GrantedFen: 35_000}, models.ErrInsufficientFunds},
		{"release the unused pool", func() (*service.Movement, error) {
			return e.svc.Release(e.ctx, e.admin, id, 15_000, "competition-1", "")
		},
			models.FundBalance{BalanceFen: 65_000, GrantedFen: 35_000}, nil},
		{"zero amount", func() (*service.Movement, error) { return e.svc.Grant(e.ctx, e.admin, id, 0, "application-2", "") },
			models.FundBalance{BalanceFen: 65_000, GrantedFen: 35_000}, models.ErrInvalid},
		{"negative amount", func() (*service.Movement, error) { return e.svc.Release(e.ctx, e.admin, id, -5, "competition-1", "") },
			models.FundBalance{BalanceFen: 65_000, GrantedFen: 35_000}, models.ErrInvalid},
	}
	for _, s := range steps {
		m, err := s.do()
		if s.err == nil && err != nil || s.err != nil && !errors.Is(err, s.err) {
			t.Fatalf("%s: err %v, want %v", s.name, err, s.err)
		}
		if err == nil && m.Entry.FundBalance != s.want {
			t.Fatalf("%s: entry %+v, want %+v", s.name, m.Entry.FundBalance, s.want)
		}
		if b := e.balance(t, id); b != s.want {
			t.Fatalf("%s: balance %+v, want %+v", s.name, b, s.want)
		}
	}
	v, err := e.svc.Fund(e.ctx, id)
	if err != nil || v.RemainingFen() != 65_000 || v.HeadSeq != 5 {
		t.Fatalf("fund view %+v %v", v, err)
	}
	r := e.reconciles(t, id)
	if r.Entries != 5 || r.GrantsFen != 35_000 {
		t.Fatalf("reconciliation %+v", r)
	}

	// A forged entry is reported, not fixed.
	if err := e.db.Funds().AppendEntry(e.ctx, &models.LedgerEntry{FundID: id, Seq: 6, Kind: models.LedgerGrant, AmountFen: 1000,
		FundBalance: models.FundBalance{BalanceFen: 65_000, GrantedFen: 36_000}}); err != nil {
		t.Fatal(err)
	}
	r, err = e.svc.Reconcile(e.ctx, e.admin, id)
	if err != nil || r.OK || len(r.Problems) == 0 {
		t.Fatalf("forged entry not reported: %+v %v", r, err)
	}
	t.Logf("reported: %v", r.Problems)
}

func TestFundAuthorisation(t *testing.T) {
	e := newFundEnv(t)
	id := e.fund(t, 100_000).Fund.ID
	other := newCharity(t, e.db, "charity-2", "410103")
	otherAdmin := &service.Actor{AccountID: "admin-2", Roles: []models.RoleBinding{{Role: models.RoleCharityAdmin, OrganisationID: other.ID}}}
	orgAdmin := &service.Actor{AccountID: "admin-3", Roles: []models.RoleBinding{{Role: models.RoleOrgAdmin, OrganisationID: e.org.ID}}}
	volunteer := &service.Actor{AccountID: "vol-1", Roles: []models.RoleBinding{{Role: models.RoleVolunteer}}}
	zhongyuan := &service.Actor{AccountID: "ca-1", Roles: []models.RoleBinding{{Role: models.RoleCivilAffairs, DivisionCode: "410102"}}}
	erqi := &service.Actor{AccountID: "ca-2", Roles: []models.RoleBinding{{Role: models.RoleCivilAffairs, DivisionCode: "410103"}}}

	for name, a := range map[string]*service.Actor{"another charity's admin": otherAdmin, "an org_admin": orgAdmin, "a volunteer": volunteer, "civil affairs": zhongyuan} {
		if _, err := e.svc.Grant(e.ctx, a, id, 1000, "application-1", ""); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("%s grants: %v", name, err)
		}
		if _, err := e.svc.Reserve(e.ctx, a, id, 1000, "competition-1", "k"); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("%s reserves: %v", name, err)
		}
		if _, err := e.svc.CreateFund(e.ctx, a, e.input(1000, 100, 1000)); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("%s posts the charity's fund: %v", name, err)
		}
	}
	for name, a := range map[string]*service.Actor{"another charity's admin": otherAdmin, "a volunteer": volunteer, "another division": erqi} {
		if _, err := e.svc.Reconcile(e.ctx, a, id); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("%s reconciles: %v", name, err)
		}
	}
	if _, err := e.svc.Reconcile(e.ctx, zhongyuan, id); err != nil {
		t.Errorf("civil affairs of the charity's division reconciles: %v", err)
	}
	if b := e.balance(t, id); b.BalanceFen != 100_000 {
		t.Fatalf("a refused actor moved money: %+v", b)
	}

	// A government purchase budget: civil affairs of its division only.
	in := e.input(500_000, 10_000, 100_000)
	in.OwnerOrgID, in.DivisionCode = "", "410102"
	if _, err := e.svc.CreateFund(e.ctx, erqi, in); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("another division posts the budget: %v", err)
	}
	if _, err := e.svc.CreateFund(e.ctx, e.admin, in); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("a charity posts a government budget: %v", err)
	}
	g, err := e.svc.CreateFund(e.ctx, zhongyuan, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Grant(e.ctx, zhongyuan, g.Fund.ID, 10_000, "application-9", ""); err != nil {
		t.Fatalf("civil affairs grants from its budget: %v", err)
	}
	if _, err := e.svc.Grant(e.ctx, erqi, g.Fund.ID, 10_000, "application-9", ""); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("another division grants from the budget: %v", err)
	}
	city := &service.Actor{AccountID: "ca-city", Roles: []models.RoleBinding{{Role: models.RoleCivilAffairs, DivisionCode: models.CityCode}}}
	if _, err := e.svc.Grant(e.ctx, city, g.Fund.ID, 10_000, "application-10", ""); err != nil {
		t.Errorf("the city's civil affairs governs the county budget: %v", err)
	}

	// A charity_admin posts only for an operating charity organisation.
	agency := &models.Organisation{ID: "agency-1", Name: "社工服务中心", Kind: "social_work_agency", CreditCode: "CC-agency-1", DivisionCode: "410102", Status: models.OrgActive}
	if err := e.db.Organisations().CreateOrganisation(e.ctx, agency); err != nil {
		t.Fatal(err)
	}
	in = e.input(1000, 100, 1000)
	in.OwnerOrgID = agency.ID
	agencyAdmin := &service.Actor{AccountID: "admin-4", Roles: []models.RoleBinding{{Role: models.RoleCharityAdmin, OrganisationID: agency.ID}}}
	if _, err := e.svc.CreateFund(e.ctx, agencyAdmin, in); !errors.Is(err, models.ErrInvalid) {
		t.Errorf("a non-charity posts a fund: %v", err)
	}
	if _, err := e.svc.Fund(e.ctx, "no-such-fund"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("missing fund: %v", err)
	}
}

// BenchmarkGrant measures one grant (read the ledger's head, insert the next
// entry) on the real store: sequentially, and with every benchmark
// goroutine granting from the same fund at once (each lost seq retried).
//
//	go test -run x -bench Grant -benchtime 2s ./service/
func BenchmarkGrant(b *testing.B) {
	for _, parallel := range []bool{false, true} {
		name := "sequential"
		if parallel {
			name = "contended"
		}
		b.Run(name, func(b *testing.B) {
			e := newFundEnv(b)
			v, err := e.svc.CreateFund(e.ctx, e.admin, e.input(models.MaxFundFen, 1, 1000))
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			if !parallel {
				for i := 0; i < b.N; i++ {
					if _, err := e.svc.Grant(e.ctx, e.admin, v.Fund.ID, 1, "bench", ""); err != nil {
						b.Fatal(err)
					}
				}
				return
			}
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := e.svc.Grant(e.ctx, e.admin, v.Fund.ID, 1, "bench", ""); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
