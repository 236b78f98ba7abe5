package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/store/mongo"
)

// The demo city: a realistic Zhengzhou — organisations, township stations,
// social workers, volunteers and open needs on the real divisions and
// district outlines — for demos and for trying the service by hand.
//
//	wushe seed --demo [--volunteers 5000 ...]   into the data directory or MONGO_URI
//	wushe serve --demo                          the same, at the first start only
//
// Every object has a fixed id (demo-v-00001, demo-org-0001, ...) and every
// account a phone derived from its index, so a second run inserts nothing:
// a unique insert that conflicts means "already there". The city is drawn
// from math/rand/v2 with a fixed seed, one stream per object, so the same
// seed gives the same people (need dates follow the day of seeding).

// demoOptions sizes the demo city.
type demoOptions struct {
	Volunteers    int
	SocialWorkers int
	Organisations int
	Stations      int
	Needs         int
	Seed          uint64
	Password      string    // of every demo account
	Workers       int       // concurrent inserts
	Now           time.Time // needs start after it; zero is the time of seeding
}

func defaultDemoOptions() demoOptions {
	return demoOptions{Volunteers: 5000, SocialWorkers: 500, Organisations: 200, Stations: 200, Needs: 1000,
		Seed: 2025, Password: "wushe-demo-2025", Workers: 8}
}

func (o demoOptions) validate() error {
	towns := len(models.DivisionsAt(models.LevelTown))
	for _, c := range []struct {
		flag      string
		n, lo, hi int
	}{{"volunteers", o.Volunteers, 1, 999_999}, {"social-workers", o.SocialWorkers, 1, 999_999},
		{"organisations", o.Organisations, 2, 99_999}, {"stations", o.Stations, 0, towns},
		{"needs", o.Needs, 1, 999_999}, {"workers", o.Workers, 1, 64}} {
		if c.n < c.lo || c.n > c.hi {
			return fmt.Errorf("seed: --%s must be %d–%d, got %d", c.flag, c.lo, c.hi, c.n)
		}
	}
	if err := models.ValidatePassword("--password", o.Password); err != nil {
		return fmt.Errorf("seed: --password: %w", err)
	}
	return nil
}

// Fixed ids and phones. The city civil-affairs account is created last:
// while it exists the demo city is complete (serve --demo looks for it).
const (
	demoCityAdminID      = "demo-a-city"
	demoCountyAdminID    = "demo-a-county"
	demoCommunityAdminID = "demo-a-community"
	demoOrgAdminID       = "demo-a-org"
	demoCharityAdminID   = "demo-a-charity"
	demoLoginCounty      = "410102" // 中原区: the county admin's, the community admin's and the volunteer login's
)

func demoVolunteerID(i int) string    { return fmt.Sprintf("demo-v-%05d", i) }
func demoVolunteerPhone(i int) string { return fmt.Sprintf("156%08d", i) }
func demoWorkerID(i int) string       { return fmt.Sprintf("demo-sw-%04d", i) }
func demoWorkerPhone(i int) string    { return fmt.Sprintf("1561%07d", i) }
func demoOrgID(i int) string          { return fmt.Sprintf("demo-org-%04d", i) }
func demoNeedID(i int) string         { return fmt.Sprintf("demo-need-%04d", i) }
func demoAdminPhone(i int) string     { return fmt.Sprintf("1569%07d", i) }
func demoContactPhone(i int) string   { return fmt.Sprintf("1567%07d", i) }
func demoGuardianPhone(i int) string  { return fmt.Sprintf("1568%07d", i) }
func demoRand(seed uint64, stream, i int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, uint64(stream)<<32|uint64(i)))
}

// Random streams: object i of a kind draws from its own stream (kind, i),
// so resizing one kind leaves the objects already drawn as they were.
const (
	streamOrgs = iota + 1
	streamOrgKinds
	streamStations
	streamWorkers
	streamVolunteers
	streamNeeds
	streamPastShifts
)

// seedCommand is `wushe seed --demo`: its own flags size the city, the
// rest are serve's configuration (data directory, store URIs).
func seedCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	opts := defaultDemoOptions()
	cfg, err := parseConfig("seed", args, getenv, stdout, func(fs *flag.FlagSet) {
		fs.IntVar(&opts.Volunteers, "volunteers", opts.Volunteers, "number of volunteers")
		fs.IntVar(&opts.SocialWorkers, "social-workers", opts.SocialWorkers, "number of social workers")
		fs.IntVar(&opts.Organisations, "organisations", opts.Organisations, "number of organisations")
		fs.IntVar(&opts.Stations, "stations", opts.Stations, "number of township social-work stations (at most one per township)")
		fs.IntVar(&opts.Needs, "needs", opts.Needs, "number of open community needs")
		fs.Uint64Var(&opts.Seed, "seed", opts.Seed, "random seed: the same seed gives the same city (ids and phones do not depend on it: change it on a fresh store)")
		fs.StringVar(&opts.Password, "password", opts.Password, "password of every demo account")
		fs.IntVar(&opts.Workers, "workers", opts.Workers, "concurrent inserts")
	})
	if err != nil {
		return err
	}
	if !cfg.Demo {
		return usageError{"wushe seed: only the demo city can be seeded for now: wushe seed --demo"}
	}
	if err := opts.validate(); err != nil {
		return err
	}
	start := time.Now()
	st, err := openStores(ctx, cfg, newLogger(stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := seedDemo(ctx, st, opts, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "demo city ready in %.1fs\n", time.Since(start).Seconds())
	return printDemoLogins(stdout, res.Logins, opts.Password)
}

// seedDemoAtStart seeds the demo city unless its marker account exists
// (serve --demo: the first start seeds, later ones only show the logins).
func seedDemoAtStart(ctx context.Context, st *stores, opts demoOptions, log *slog.Logger, w io.Writer) (seeded bool, err error) {
	if err := opts.validate(); err != nil {
		return false, err
	}
	_, err = st.DB.Accounts().AccountByID(ctx, demoCityAdminID)
	switch {
	case err == nil:
		log.Info("demo city already seeded; not seeding again", "marker", demoCityAdminID)
		if opts.Now.IsZero() {
			opts.Now = time.Now()
		}
		city, err := planDemoCity(opts, "")
		if err != nil {
			return false, err
		}
		return false, printDemoLogins(w, city.logins, opts.Password)
	case !errors.Is(err, models.ErrNotFound):
		return false, err
	}
	log.Info("seeding the demo city (first start with --demo)")
	res, err := seedDemo(ctx, st, opts, w)
	if err != nil {
		return false, err
	}
	log.Info("demo city seeded", "elapsedMs", res.Elapsed.Milliseconds())
	return true, printDemoLogins(w, res.Logins, opts.Password)
}

// demoOutcome is what one insert found.
type demoOutcome int

const (
	demoCreated demoOutcome = iota
	demoExisted             // inserted by an earlier run
	demoSkipped             // its phone belongs to an account that is not the demo's
)

type demoPhase struct {
	Name                      string
	Created, Existed, Skipped int
	Elapsed                   time.Duration
}

type demoResult struct {
	Logins  []demoLogin
	Phases  []demoPhase
	Elapsed time.Duration
}

// seedDemo plans the city and inserts it through the stores, ~opts.Workers
// inserts at a time, drawing one progress line per phase on progress.
func seedDemo(ctx context.Context, st *stores, opts demoOptions, progress io.Writer) (*demoResult, error) {
	start := time.Now()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	// argon2id costs ~50 ms and 19 MiB: once for the city, not per account.
	hash, err := service.HashPassword(opts.Password, service.DefaultPasswordParams)
	if err != nil {
		return nil, err
	}
	city, err := planDemoCity(opts, hash)
	if err != nil {
		return nil, err
	}
	accounts, orgs, vols, workers := st.DB.Accounts(), st.DB.Organisations(), st.DB.Volunteers(), st.DB.SocialWorkers()
	addMember := func(ctx context.Context, m *models.Member) error {
		if m == nil {
			return nil
		}
		if err := orgs.AddMember(ctx, m); err != nil && !errors.Is(err, models.ErrConflict) {
			return err
		}
		return nil
	}
	phases := []struct {
		name    string
		n       int
		workers int
		id      func(i int) string // for errors
		insert  func(ctx context.Context, i int) (demoOutcome, error)
	}{
		{"organisations", len(city.orgs), opts.Workers, func(i int) string { return city.orgs[i].ID }, func(ctx context.Context, i int) (demoOutcome, error) {
			o := city.orgs[i]
			err := orgs.CreateOrganisation(ctx, o)
			if !errors.Is(err, models.ErrConflict) {
				return demoCreated, err
			}
			if _, err := orgs.Organisation(ctx, o.ID); errors.Is(err, models.ErrNotFound) {
				return demoSkipped, nil // its credit code belongs to another organisation
			} else if err != nil {
				return 0, err
			}
			return demoExisted, nil
		}},
		{"stations", len(city.stations), opts.Workers, func(i int) string { return city.stations[i].TownCode }, func(ctx context.Context, i int) (demoOutcome, error) {
			err := st.DB.Stations().CreateStation(ctx, city.stations[i])
			if errors.Is(err, models.ErrConflict) {
				return demoExisted, nil
			}
			return demoCreated, err
		}},
		{"social workers", len(city.workers), opts.Workers, func(i int) string { return city.workers[i].account.ID }, func(ctx context.Context, i int) (demoOutcome, error) {
			w := city.workers[i]
			o, err := createDemoAccount(ctx, accounts, w.account)
			if err != nil || o == demoSkipped {
				return o, err
			}
			if err := addMember(ctx, w.member); err != nil {
				return 0, err
			}
			if o == demoExisted {
				if _, err := workers.SocialWorker(ctx, w.account.ID); !errors.Is(err, models.ErrNotFound) {
					return demoExisted, err
				}
			}
			return demoCreated, workers.SaveSocialWorker(ctx, w.profile)
		}},
		{"volunteers", len(city.volunteers), opts.Workers, func(i int) string { return city.volunteers[i].account.ID }, func(ctx context.Context, i int) (demoOutcome, error) {
			v := city.volunteers[i]
			o, err := createDemoAccount(ctx, accounts, v.account)
			if err != nil || o == demoSkipped {
				return o, err
			}
			if o == demoExisted {
				if _, err := vols.Volunteer(ctx, v.account.ID); !errors.Is(err, models.ErrNotFound) {
					return demoExisted, err
				}
			}
			return demoCreated, vols.SaveVolunteer(ctx, v.profile)
		}},
		{"needs", len(city.needs), opts.Workers, func(i int) string { return city.needs[i].ID }, func(ctx context.Context, i int) (demoOutcome, error) {
			err := st.DB.Needs().CreateNeed(ctx, city.needs[i])
			if errors.Is(err, models.ErrConflict) {
				return demoExisted, nil
			}
			return demoCreated, err
		}},
		{"past shifts", len(city.pastShifts), 1, func(i int) string { return city.pastShifts[i].need.ID }, func(ctx context.Context, i int) (demoOutcome, error) {
			return seedDemoPastShift(ctx, st, city.pastShifts[i])
		}},
		{"funds", len(city.funds), 1, func(i int) string { return city.funds[i].ID }, func(ctx context.Context, i int) (demoOutcome, error) {
			return seedDemoFund(ctx, st, city.funds[i])
		}},
		{"price tables", len(city.priceTables), 1, func(i int) string { return city.priceTables[i].DivisionCode }, func(ctx context.Context, i int) (demoOutcome, error) {
			err := st.DB.Applications().InsertPriceTable(ctx, city.priceTables[i])
			if errors.Is(err, models.ErrConflict) {
				return demoExisted, nil
			}
			return demoCreated, err
		}},
		// One at a time and in order: the city account, last, marks the city complete.
		{"logins", len(city.admins), 1, func(i int) string { return city.admins[i].account.ID }, func(ctx context.Context, i int) (demoOutcome, error) {
			a := city.admins[i]
			o, err := createDemoAccount(ctx, accounts, a.account)
			if err != nil || o == demoSkipped {
				return o, err
			}
			return o, addMember(ctx, a.member)
		}},
	}
	res := &demoResult{Logins: city.logins}
	tty := isTerminal(progress)
	for _, p := range phases {
		bar := &progressBar{w: progress, tty: tty, name: p.name, total: p.n, start: time.Now()}
		bar.draw()
		counts, err := insertAll(ctx, p.workers, p.n, bar, func(ctx context.Context, i int) (demoOutcome, error) {
			o, err := p.insert(ctx, i)
			if err != nil {
				return 0, fmt.Errorf("%s: %w", p.id(i), err)
			}
			return o, nil
		})
		if err != nil {
			bar.abort()
			return nil, fmt.Errorf("seed %s: %w", p.name, err)
		}
		ph := demoPhase{Name: p.name, Created: counts[demoCreated], Existed: counts[demoExisted], Skipped: counts[demoSkipped],
			Elapsed: time.Since(bar.start)}
		bar.finish(ph)
		res.Phases = append(res.Phases, ph)
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// createDemoAccount inserts a. A conflict is the account of an earlier run
// when an account with a's id exists, and someone else's phone otherwise.
func createDemoAccount(ctx context.Context, accounts *mongo.Accounts, a *models.Account) (demoOutcome, error) {
	err := accounts.CreateAccount(ctx, a)
	if !errors.Is(err, models.ErrConflict) {
		return demoCreated, err
	}
	if _, err := accounts.AccountByID(ctx, a.ID); errors.Is(err, models.ErrNotFound) {
		return demoSkipped, nil
	} else if err != nil {
		return 0, err
	}
	return demoExisted, nil
}

// insertAll runs insert for 0…n-1 on workers goroutines; the first error
// stops the others and is returned.
func insertAll(ctx context.Context, workers, n int, bar *progressBar, insert func(context.Context, int) (demoOutcome, error)) ([3]int, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		next   atomic.Int64
		mu     sync.Mutex
		counts [3]int
		wg     sync.WaitGroup
	)
	for range min(workers, n) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				o, err := insert(ctx, i)
				if err != nil {
					cancel(err)
					return
				}
				mu.Lock()
				counts[o]++
				mu.Unlock()
				bar.add()
			}
		})
	}
	wg.Wait()
	return counts, context.Cause(ctx)
}

// progressBar is one phase's line on w: redrawn in place with \r on a
// terminal, a plain line at every quarter otherwise.
type progressBar struct {
	w     io.Writer
	tty   bool
	name  string
	total int
	start time.Time

	mu      sync.Mutex
	done    int
	drawn   time.Time
	quarter int
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (p *progressBar) line() string {
	const width = 30
	k := width
	if p.total > 0 {
		k = p.done * width / p.total
	}
	return fmt.Sprintf("%-14s [%s%s] %d/%d", p.name, strings.Repeat("#", k), strings.Repeat(".", width-k), p.done, p.total)
}

func (p *progressBar) draw() {
	if p.tty {
		fmt.Fprint(p.w, "\r"+p.line())
		p.drawn = time.Now()
	}
}

func (p *progressBar) add() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	switch {
	case p.tty && (p.done == p.total || time.Since(p.drawn) >= 100*time.Millisecond):
		p.draw()
	case !p.tty && p.done*4/p.total > p.quarter:
		p.quarter = p.done * 4 / p.total
		if p.done < p.total {
			fmt.Fprintln(p.w, p.line())
		}
	}
}

func (p *progressBar) finish(ph demoPhase) {
	summary := fmt.Sprintf("  %.1fs, %d new, %d already there", ph.Elapsed.Seconds(), ph.Created, ph.Existed)
	if ph.Skipped > 0 {
		summary += fmt.Sprintf(", %d skipped (phone or credit code taken by another account or organisation)", ph.Skipped)
	}
	if p.tty {
		fmt.Fprint(p.w, "\r")
	}
	fmt.Fprintln(p.w, p.line()+summary)
}

func (p *progressBar) abort() {
	if p.tty {
		fmt.Fprintln(p.w)
	}
}

// demoLogin is one account to try the service with, per role.
type demoLogin struct {
	Role      models.Role
	Phone     string
	AccountID string
	Name      string
	Scope     string
}

func printDemoLogins(w io.Writer, logins []demoLogin, password string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ROLE\tPHONE\tPASSWORD\tACCOUNT\tNAME\tSCOPE")
	for _, l := range logins {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l.Role, l.Phone, password, l.AccountID, l.Name, l.Scope)
	}
	return tw.Flush()
}

// The plan: every object of the city, built in memory and validated
// before anything is inserted.

// seedDemoFund writes a fund the way the service does: its ledger's first
// entry (a deposit of the total), then the fund document.
func seedDemoFund(ctx context.Context, st *stores, f *models.Fund) (demoOutcome, error) {
	funds := st.DB.Funds()
	if _, err := funds.Fund(ctx, f.ID); err == nil {
		return demoExisted, nil
	} else if !errors.Is(err, models.ErrNotFound) {
		return 0, err
	}
	first := &models.LedgerEntry{FundID: f.ID, Seq: 1, Kind: models.LedgerDeposit, AmountFen: f.TotalFen, Ref: f.ID,
		FundBalance: models.FundBalance{BalanceFen: f.TotalFen}, At: f.CreatedAt, By: f.CreatedBy}
	if err := funds.AppendEntry(ctx, first); err != nil && !errors.Is(err, models.ErrConflict) {
		return 0, err
	}
	if err := funds.CreateFund(ctx, f); err != nil && !errors.Is(err, models.ErrConflict) {
		return 0, err
	}
	return demoCreated, nil
}

// seedDemoPastShift writes a past shift: the need, its plan (unless the
// committee has one by now), then each place the way the service claims
// one (the volunteer's half-hours, the place, the assignment last). Each
// step is a unique insert or skipped when done, so a run interrupted
// anywhere is completed by the next.
func seedDemoPastShift(ctx context.Context, st *stores, ps demoPastShift) (demoOutcome, error) {
	plans, outcome := st.DB.Plans(), demoCreated
	if err := st.DB.Needs().CreateNeed(ctx, ps.need); errors.Is(err, models.ErrConflict) {
		outcome = demoExisted
	} else if err != nil {
		return 0, err
	}
	if _, err := plans.Plan(ctx, ps.need.ID); errors.Is(err, models.ErrNotFound) {
		if err := plans.SavePlan(ctx, ps.plan); err != nil {
			return 0, err
		}
	} else if err != nil {
		return 0, err
	}
	for _, a := range ps.assignments {
		if err := plans.ClaimTime(ctx, a.VolunteerID, a.Window.Slots(), a.ID); err != nil && !errors.Is(err, models.ErrConflict) {
			return 0, err
		}
		if err := plans.ClaimPlace(ctx, a.OccurrenceID, a.PlaceNo, a.ID); err != nil && !errors.Is(err, models.ErrConflict) {
			return 0, err
		}
		if err := plans.CreateAssignment(ctx, a); err != nil && !errors.Is(err, models.ErrConflict) {
			return 0, err
		}
	}
	return outcome, nil
}
