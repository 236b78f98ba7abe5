// Package mongo implements the service's stores on MongoDB, keeping to the
// subset of MongoDB that FerretDB v1 also gets right (DESIGN.md): _id
// lookups, unique inserts to decide races, no multi-document transactions.
package mongo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/store/breaker"
	"github.com/wushe/wushe/store/roundtrip"
)

// DB is a connected database with Wushe's collections, behind a circuit
// breaker (Breaker) that the driver's own monitoring feeds.
type DB struct {
	client  *mongo.Client
	probe   *mongo.Client // the breaker's, outside the pool
	db      *mongo.Database
	breaker *breaker.Breaker

	locksOnce sync.Once
	locks     *Locks
}

// Open connects to uri (pooled, with timeouts) and uses database name.
// log receives the breaker's transitions (nil: slog.Default()).
//
// The breaker trips when the driver's heartbeat to the server fails, when
// a command fails on the network, or when a connection cannot be made;
// a command that merely timed out asks a probe first. Heartbeats run every
// second (the driver's default is 10 s), so a frozen or vanished server is
// noticed within a few seconds even without traffic.
func Open(ctx context.Context, uri, name string, log ...*slog.Logger) (*DB, error) {
	var l *slog.Logger
	if len(log) > 0 {
		l = log[0]
	}
	d := &DB{}
	// The driver's heartbeat is the main detector: it runs on connections
	// of its own, every second. A heartbeat that fails outright (refused,
	// reset) trips the breaker; one that timed out asks a probe first.
	// A polled heartbeat (FerretDB's) times out after the connect timeout,
	// so a frozen server is found within interval + connect timeout +
	// breaker.ProbeTimeout = 1 + 2 + 2 s, when the requests it holds are
	// released (prodcheck's FerretDB freeze requires no hold over 6 s).
	heartbeatFailed := func(e *event.ServerHeartbeatFailedEvent) {
		if mongo.IsTimeout(e.Failure) {
			d.breaker.Suspect(e.Failure)
		} else {
			d.breaker.Trip(e.Failure)
		}
	}
	opts := options.Client().ApplyURI(uri).
		SetConnectTimeout(2 * time.Second).
		// The driver spends this budget on choosing a server and then on
		// waiting for a pooled connection: under a load peak (hundreds of
		// requests, 100 connections) the wait is queueing, not an outage,
		// so it is long. Outages are the breaker's: it refuses new requests
		// at once and releases those waiting here.
		SetServerSelectionTimeout(30 * time.Second).
		SetHeartbeatInterval(time.Second).
		SetMaxPoolSize(100).
		SetMinPoolSize(2).
		SetTimeout(30 * time.Second).
		SetServerMonitor(&event.ServerMonitor{
			ServerHeartbeatFailed: heartbeatFailed,
		}).
		SetMonitor(&event.CommandMonitor{
			// Every command is one round trip (a cursor's getMore too):
			// counted on the request's counter, if it carries one.
			Started: func(ctx context.Context, e *event.CommandStartedEvent) {
				if roundtrip.From(ctx) != nil {
					coll, _ := e.Command.Lookup(e.CommandName).StringValueOK()
					roundtrip.AddMongo(ctx, e.CommandName+" "+coll)
				}
			},
			Failed: func(_ context.Context, e *event.CommandFailedEvent) { d.observe(e.Failure) },
		}).
		SetPoolMonitor(&event.PoolMonitor{
			Event: func(e *event.PoolEvent) {
				if e.Type == event.ConnectionCheckOutFailed && e.Reason == event.ReasonConnectionErrored {
					if mongo.IsTimeout(e.Error) {
						d.breaker.Suspect(e.Error) // a slow handshake on a busy machine, or a frozen server
					} else {
						d.breaker.Trip(e.Error)
					}
				}
			},
		})
	c, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("mongo: connect: %w", err)
	}
	// Probes use a client of their own: with every pooled connection busy
	// (a load peak), a probe through the pool would wait and time out, and
	// a busy database would look like a dead one.
	probe, err := mongo.Connect(options.Client().ApplyURI(uri).SetConnectTimeout(2 * time.Second).
		SetServerSelectionTimeout(2 * time.Second).SetMaxPoolSize(1).SetMinPoolSize(0))
	if err != nil {
		_ = c.Disconnect(context.Background())
		return nil, fmt.Errorf("mongo: connect: %w", err)
	}
	d.client, d.probe, d.db = c, probe, c.Database(name)
	d.breaker = breaker.New("mongodb", func(ctx context.Context) error { return probe.Ping(ctx, readpref.Primary()) }, 500*time.Millisecond, l)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := c.Ping(pctx, readpref.Primary()); err != nil {
		_ = d.Close(context.Background())
		return nil, fmt.Errorf("mongo: ping %s: %w", redactURI(uri), err)
	}
	return d, nil
}

// observe feeds a failed command's error to the breaker: a connection
// refused or reset is an outage. A timeout is not taken as one here: it is
// usually the caller's deadline (a lock wait, a request's), and a frozen
// server is the heartbeat's to find.
func (d *DB) observe(err error) {
	if err != nil && mongo.IsNetworkError(err) && !mongo.IsTimeout(err) && !errors.Is(err, context.Canceled) {
		d.breaker.Trip(err)
	}
}

// Breaker is the database's circuit breaker (request admission, readiness, metrics).
func (d *DB) Breaker() *breaker.Breaker { return d.breaker }

// Name is the database's name.
func (d *DB) Name() string { return d.db.Name() }

// Database exposes the driver's database (for tests and tools).
func (d *DB) Database() *mongo.Database { return d.db }

// Close stops the breaker's probes and disconnects.
func (d *DB) Close(ctx context.Context) error {
	d.breaker.Close()
	d.locksOnce.Do(func() {}) // after this, d.locks is what Locks made, if anything
	if d.locks != nil {
		d.locks.close()
	}
	return errors.Join(d.client.Disconnect(ctx), d.probe.Disconnect(ctx))
}

// Ping checks the server answers.
func (d *DB) Ping(ctx context.Context) error { return d.client.Ping(ctx, readpref.Primary()) }

// Drop removes the whole database (tests).
func (d *DB) Drop(ctx context.Context) error { return d.db.Drop(ctx) }

// collections are created at start, so the embedded _id index fix can find
// them; each store file adds its own with register.
var collections = []string{colAccounts, colPhones, colFamilies, colRefreshTokens, colRefreshUses}

// indexes beyond _id, by collection. Only unique and compound indexes
// (FerretDB has no TTL, text or geo indexes); hot lookups go through _id.
var indexes = map[string][]mongo.IndexModel{}

// register declares a collection and its secondary indexes.
func register(name string, idx ...mongo.IndexModel) {
	collections = append(collections, name)
	indexes[name] = append(indexes[name], idx...)
}

// EnsureSchema creates the collections and indexes; it is idempotent.
func (d *DB) EnsureSchema(ctx context.Context) error {
	have, err := d.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return fmt.Errorf("mongo: list collections: %w", err)
	}
	exists := map[string]bool{}
	for _, n := range have {
		exists[n] = true
	}
	for _, n := range collections {
		if exists[n] {
			continue
		}
		if err := d.db.CreateCollection(ctx, n); err != nil && !isNamespaceExists(err) {
			return fmt.Errorf("mongo: create collection %s: %w", n, err)
		}
	}
	for col, idx := range indexes {
		if len(idx) == 0 {
			continue
		}
		if _, err := d.db.Collection(col).Indexes().CreateMany(ctx, idx); err != nil {
			return fmt.Errorf("mongo: create indexes on %s: %w", col, err)
		}
	}
	return nil
}

func isNamespaceExists(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && (ce.Code == 48 || ce.Name == "NamespaceExists")
}

// translate turns driver errors into domain errors. FerretDB reports a
// unique violation caused by an update as InternalError, so both forms of a
// duplicate count as conflicts.
func translate(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return models.ErrNotFound.Wrap(fmt.Errorf("%s", what))
	case mongo.IsDuplicateKeyError(err):
		return models.ErrConflict.Wrap(fmt.Errorf("%s: %w", what, err))
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled), mongo.IsTimeout(err), mongo.IsNetworkError(err),
		errors.Is(err, breaker.ErrOpen), errors.As(err, new(topology.ServerSelectionError)):
		return models.ErrUnavailable.Wrap(fmt.Errorf("%s: %w", what, err))
	}
	return models.Internal("%s: %w", what, err)
}

func redactURI(uri string) string {
	if i := strings.Index(uri, "@"); i > 0 {
		if j := strings.Index(uri, "://"); j > 0 && j < i {
			return uri[:j+3] + "***" + uri[i:]
		}
	}
	return uri
}

var replaceUpsert = options.Replace().SetUpsert(true)
