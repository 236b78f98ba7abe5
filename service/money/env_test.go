package money_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/ledger"
	"github.com/wushe/wushe/service/money"
	"github.com/wushe/wushe/store/mongo"
	"github.com/wushe/wushe/store/storetest"
)

// newMoney builds the money domain on db's real stores, with the clock
// now and the shared floor's audit and locks on the same database. The
// calls into other domains are stand-ins: needs are read straight from the
// store, plans ignore grants, and there are no competitions.
func newMoney(db *mongo.DB, now time.Time) *money.Service {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := func() time.Time { return now }
	funds := db.Funds()
	locks := db.Locks()
	withLock := func(ctx context.Context, object string, fn func() error) error {
		unlock, err := locks.Lock(ctx, object, 15*time.Second, 8*time.Second)
		if err != nil {
			return err
		}
		defer unlock()
		return fn()
	}
	sh := &core.Shared{Now: clock, Log: quiet, WithLock: withLock, TryLock: withLock,
		Audit: func(ctx context.Context, a *core.Actor, action, object, division, reason string) error {
			return db.Records().AppendAudit(ctx, &models.AuditEntry{ID: core.NewID(), At: clock(), ActorID: a.AccountID,
				Action: action, Object: object, DivisionCode: division, Reason: reason})
		}}
	return money.New(money.Stores{Funds: funds, Applications: db.Applications(), Organisations: db.Organisations(),
		Needs: db.Needs(), SocialWorkers: db.SocialWorkers(), Competitions: db.Competitions()},
		money.Deps{Shared: sh, Ledger: ledger.New(funds, clock, quiet),
			Need: func(ctx context.Context, _ *core.Actor, id string) (*models.Need, error) {
				return db.Needs().Need(ctx, id)
			},
			AttachGrant: func(context.Context, string, *models.Grant) error { return nil },
			CompetitionFund: func(context.Context, string) (string, error) {
				return "", models.Invalid("competitionId", "大赛不存在", "no such competition")
			},
			CheckEntry:   func(context.Context, *models.Application) error { return nil },
			MayReadEntry: func(context.Context, *core.Actor, *models.Application) bool { return false },
			MayManageCompetitionID: func(context.Context, *core.Actor, string) error {
				return core.ErrForbidden
			}})
}

// openMoney opens fresh stores for one test.
func openMoney(t testing.TB) *mongo.DB {
	t.Helper()
	db, _ := storetest.Open(t)
	return db
}
