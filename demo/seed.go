package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/accounts"
	"github.com/wushe/wushe/store/mongo"
)

// SeedAtStart seeds the demo city unless its marker account exists
// (serve --demo: the first start seeds, later ones only show the logins).
func SeedAtStart(ctx context.Context, db *mongo.DB, opts Options, log *slog.Logger, w io.Writer) (seeded bool, err error) {
	if err := opts.Validate(); err != nil {
		return false, err
	}
	_, err = db.Accounts().AccountByID(ctx, demoCityAdminID)
	switch {
	case err == nil:
		log.Info("demo city already seeded; not seeding again", "marker", demoCityAdminID)
		if opts.Now.IsZero() {
			opts.Now = time.Now()
		}
		city, err := planCity(opts, "")
		if err != nil {
			return false, err
		}
		return false, PrintLogins(w, city.logins, opts.Password)
	case !errors.Is(err, models.ErrNotFound):
		return false, err
	}
	log.Info("seeding the demo city (first start with --demo)")
	res, err := Seed(ctx, db, opts, w)
	if err != nil {
		return false, err
	}
	log.Info("demo city seeded", "elapsedMs", res.Elapsed.Milliseconds())
	return true, PrintLogins(w, res.Logins, opts.Password)
}

// demoOutcome is what one insert found.
type demoOutcome int

const (
	demoCreated demoOutcome = iota
	demoExisted             // inserted by an earlier run
	demoSkipped             // its phone belongs to an account that is not the demo's
)

type Phase struct {
	Name                      string
	Created, Existed, Skipped int
	Elapsed                   time.Duration
}

type Result struct {
	Logins  []Login
	Phases  []Phase
	Elapsed time.Duration
}

// Seed plans the city and inserts it through the stores, ~opts.Workers
// inserts at a time, drawing one progress line per phase on progress.
func Seed(ctx context.Context, db *mongo.DB, opts Options, progress io.Writer) (*Result, error) {
	start := time.Now()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	// argon2id costs ~50 ms and 19 MiB: once for the city, not per account.
	hash, err := accounts.HashPassword(opts.Password, accounts.DefaultPasswordParams)
	if err != nil {
		return nil, err
	}
	city, err := planCity(opts, hash)
	if err != nil {
		return nil, err
	}
	accounts, orgs, vols, workers := db.Accounts(), db.Organisations(), db.Volunteers(), db.SocialWorkers()
	addMember := func(ctx context.Context, m *models.Member) error {
		if m == nil {
			return nil
		}
		if err := orgs.AddMember(ctx, m); err != nil && !errors.Is(err, models.ErrConflict) {
			return err
		}
		return nil
	}
	purchase, ok := city.planPurchase()
	purchases := 0
	if ok {
		purchases = 1
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
			err := db.Stations().CreateStation(ctx, city.stations[i])
			if errors.Is(err, models.ErrConflict) {
				return demoExisted, nil
			}
			return demoCreated, err
		}},
		{"social workers", len(city.workers), opts.Workers, func(i int) string { return city.workers[i].account.ID }, func(ctx context.Context, i int) (demoOutcome, error) {
			w := city.workers[i]
			o, err := createAccount(ctx, accounts, w.account)
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
			o, err := createAccount(ctx, accounts, v.account)
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
			err := db.Needs().CreateNeed(ctx, city.needs[i])
			if errors.Is(err, models.ErrConflict) {
				return demoExisted, nil
			}
			return demoCreated, err
		}},
		{"past shifts", len(city.pastShifts), 1, func(i int) string { return city.pastShifts[i].need.ID }, func(ctx context.Context, i int) (demoOutcome, error) {
			return seedPastShift(ctx, db, city.pastShifts[i])
		}},
		{"funds", len(city.funds), 1, func(i int) string { return city.funds[i].ID }, func(ctx context.Context, i int) (demoOutcome, error) {
			return seedFund(ctx, db, city.funds[i])
		}},
		{"price tables", len(city.priceTables), 1, func(i int) string { return city.priceTables[i].DivisionCode }, func(ctx context.Context, i int) (demoOutcome, error) {
			err := db.Applications().InsertPriceTable(ctx, city.priceTables[i])
			if errors.Is(err, models.ErrConflict) {
				return demoExisted, nil
			}
			return demoCreated, err
		}},
		{"recognition", city.recognition.size(), opts.Workers, func(i int) string { return fmt.Sprint("recognition #", i) }, func(ctx context.Context, i int) (demoOutcome, error) {
			return seedRecognition(ctx, db, &city.recognition, i)
		}},
		// Units, then their posts, then the holdings, in order.
		{"posts", len(city.units) + len(city.posts) + len(city.holdings), 1, func(i int) string { return fmt.Sprint("posts registry #", i) },
			func(ctx context.Context, i int) (demoOutcome, error) { return seedPostsRegistry(ctx, db, city, i) }},
		// Through the service's own use cases, after the funds and price tables it draws on.
		{"purchased project", purchases, 1, func(int) string { return demoPurchaseTitle }, func(ctx context.Context, _ int) (demoOutcome, error) {
			return seedPurchase(ctx, db, purchase, opts.Now)
		}},
		// One at a time and in order: the city account, last, marks the city complete.
		{"logins", len(city.admins), 1, func(i int) string { return city.admins[i].account.ID }, func(ctx context.Context, i int) (demoOutcome, error) {
			a := city.admins[i]
			o, err := createAccount(ctx, accounts, a.account)
			if err != nil || o == demoSkipped {
				return o, err
			}
			return o, addMember(ctx, a.member)
		}},
	}
	res := &Result{Logins: city.logins}
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
		ph := Phase{Name: p.name, Created: counts[demoCreated], Existed: counts[demoExisted], Skipped: counts[demoSkipped],
			Elapsed: time.Since(bar.start)}
		bar.finish(ph)
		res.Phases = append(res.Phases, ph)
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// createAccount inserts a. A conflict is the account of an earlier run
// when an account with a's id exists, and someone else's phone otherwise.
func createAccount(ctx context.Context, accounts *mongo.Accounts, a *models.Account) (demoOutcome, error) {
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

// seedFund writes a fund the way the service does: its ledger's first
// entry (a deposit of the total), then the fund document.
func seedFund(ctx context.Context, db *mongo.DB, f *models.Fund) (demoOutcome, error) {
	funds := db.Funds()
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

// seedPastShift writes a past shift: the need, its plan (unless the
// committee has one by now), then each place the way the service claims
// one (the volunteer's half-hours, the place, the assignment last). Each
// step is a unique insert or skipped when done, so a run interrupted
// anywhere is completed by the next.
func seedPastShift(ctx context.Context, db *mongo.DB, ps demoPastShift) (demoOutcome, error) {
	plans, outcome := db.Plans(), demoCreated
	if err := db.Needs().CreateNeed(ctx, ps.need); errors.Is(err, models.ErrConflict) {
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
