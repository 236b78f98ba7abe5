// Package mongo implements the service's stores on MongoDB, keeping to the
// subset of MongoDB that FerretDB v1 also gets right (DESIGN.md): _id
// lookups, unique inserts to decide races, no multi-document transactions.
package mongo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"

	"github.com/wushe/wushe/models"
)

// DB is a connected database with Wushe's collections.
type DB struct {
	client *mongo.Client
	db     *mongo.Database
}

// Open connects to uri (pooled, with timeouts) and uses database name.
func Open(ctx context.Context, uri, name string) (*DB, error) {
	opts := options.Client().ApplyURI(uri).
		SetConnectTimeout(5 * time.Second).
		SetServerSelectionTimeout(5 * time.Second).
		SetMaxPoolSize(100).
		SetMinPoolSize(2).
		SetTimeout(30 * time.Second)
	c, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("mongo: connect: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := c.Ping(pctx, readpref.Primary()); err != nil {
		_ = c.Disconnect(context.Background())
		return nil, fmt.Errorf("mongo: ping %s: %w", redactURI(uri), err)
	}
	return &DB{client: c, db: c.Database(name)}, nil
}

// Name is the database's name.
func (d *DB) Name() string { return d.db.Name() }

// Database exposes the driver's database (for tests and tools).
func (d *DB) Database() *mongo.Database { return d.db }

// Close disconnects.
func (d *DB) Close(ctx context.Context) error { return d.client.Disconnect(ctx) }

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
	case errors.Is(err, context.DeadlineExceeded), mongo.IsTimeout(err), mongo.IsNetworkError(err):
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
