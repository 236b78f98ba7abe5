// Package embedded starts the in-process servers of Wushe's embedded mode: FerretDB v1 with its
// SQLite backend, speaking the MongoDB wire protocol, and miniredis, speaking RESP. Both listen on
// 127.0.0.1 with a free port, so the service and its tests use the same drivers as in production.
//
// It also works around the known defects of those servers (see DESIGN.md): [IndexIDs] gives
// FerretDB's `_id` lookups an index they can use, [StartRedis] makes miniredis expire keys in real
// time, and [StartMongo] quiets FerretDB's WARN-level logging of every error reply. [LockDir]
// guards a data directory against a second process.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Mongo is FerretDB v1 (SQLite backend) running in this process on a loopback port.
//
// Each database is one SQLite file, <dir>/<db>.sqlite; each collection is one table of it, named
// after the collection (lower-cased) plus a hash, and listed in the file's `_ferretdb_collections`.
type Mongo struct {
	dir string
	uri string

	cancel context.CancelFunc
	done   chan struct{} // closed when FerretDB's Run has returned
	once   sync.Once
}

// newMu serialises ferretdb.New, which writes a package-level variable of FerretDB
// (version.Get().Package) and would race when two servers start at once, as in parallel tests.
var newMu sync.Mutex

// MongoOption changes how [StartMongo] starts FerretDB.
type MongoOption func(*mongoOptions)

type mongoOptions struct {
	addr string
}

// ListenAddr makes FerretDB listen on addr (host:port) instead of a free loopback port: a
// server restarted on the same address keeps its URI, so clients in other processes reconnect
// to it (CI kills and restarts `wushe dev-stores` under running replicas).
func ListenAddr(addr string) MongoOption {
	return func(o *mongoOptions) { o.addr = addr }
}

// StartMongo starts FerretDB with its SQLite files in dir (created if missing) and a TCP listener
// on 127.0.0.1 with a free port (or the address of [ListenAddr]). It returns only once the server answers a ping, so [Mongo.URI]
// can be used at once. ctx bounds the start only; the server runs until [Mongo.Close].
//
// FerretDB logs through logger (slog.Default() if nil) filtered to Error level and above, because
// it logs every error reply it sends (a duplicate key, say) at WARN.
//
// One data directory must belong to one process: take [LockDir] on it first. StartMongo does not
// call [IndexIDs]; call [Mongo.IndexIDs] once the collections exist.
func StartMongo(ctx context.Context, dir string, logger *slog.Logger, opts ...MongoOption) (*Mongo, error) {
	o := mongoOptions{addr: "127.0.0.1:0"}
	for _, opt := range opts {
		opt(&o)
	}
	if dir == "" {
		return nil, errors.New("embedded mongo: empty data directory")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("embedded mongo: data directory %q: %w", dir, err)
	}
	// FerretDB passes the directory to SQLite inside a URI without escaping it.
	if strings.ContainsAny(abs, "?#%") {
		return nil, fmt.Errorf("embedded mongo: data directory %q must not contain '?', '#' or '%%'", abs)
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("embedded mongo: create data directory: %w", err)
	}

	if logger == nil {
		logger = slog.Default()
	}
	quiet := slog.New(&minLevelHandler{min: slog.LevelError, next: logger.Handler()}).
		With(slog.String("component", "ferretdb"))

	newMu.Lock()
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: o.addr},
		Handler:   "sqlite",
		SQLiteURL: "file:" + filepath.ToSlash(abs) + "/",
		Logger:    quiet,
	})
	newMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("embedded mongo: %w", err)
	}

	runCtx, cancel := context.WithCancel(context.Background())
	m := &Mongo{dir: abs, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(m.done)
		_ = f.Run(runCtx) // always nil; returns once the listener, connections and backend are closed
	}()
	// The TCP listener is bound by ferretdb.New, so the address is known before Run gets going.
	m.uri = f.MongoDBURI()

	if err := m.waitReady(ctx); err != nil {
		_ = m.Close()
		return nil, fmt.Errorf("embedded mongo: not ready: %w", err)
	}
	return m, nil
}

// waitReady pings the server until it answers, ctx ends, or 30 s pass.
func (m *Mongo) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()

	c, err := mongo.Connect(options.Client().ApplyURI(m.uri).SetMaxPoolSize(1))
	if err != nil {
		return err
	}
	defer func() {
		dctx, dcancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer dcancel()
		_ = c.Disconnect(dctx)
	}()

	for {
		pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
		err = c.Database("admin").RunCommand(pctx, bson.D{{Key: "ping", Value: 1}}).Err()
		pcancel()
		if err == nil {
			return nil
		}
		select {
		case <-m.done:
			return errors.New("FerretDB stopped during start")
		case <-ctx.Done():
			return fmt.Errorf("%w (last ping: %v)", ctx.Err(), err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// URI returns the connection string, mongodb://127.0.0.1:PORT/.
func (m *Mongo) URI() string { return m.uri }

// Dir returns the absolute path of the directory holding the SQLite files.
func (m *Mongo) Dir() string { return m.dir }

// Close stops FerretDB and waits until its listener, connections and SQLite databases are
// closed. Clients still connected are cut off after about 3 s, so disconnect them first for a
// quick close. Close is idempotent and always returns nil.
func (m *Mongo) Close() error {
	m.once.Do(func() {
		m.cancel()
		<-m.done
	})
	return nil
}

// IndexIDs makes `_id` lookups (and FerretDB's updates and deletes, which find their document by
// `_id`) of every existing collection of database db use an index; see the package function
// [IndexIDs]. Collections created later need another call.
func (m *Mongo) IndexIDs(ctx context.Context, db string) error {
	return IndexIDs(ctx, m.dir, db)
}

// minLevelHandler passes on only records at min level or above.
type minLevelHandler struct {
	min  slog.Level
	next slog.Handler
}

func (h *minLevelHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.next.Enabled(ctx, l)
}

func (h *minLevelHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < h.min {
		return nil
	}
	return h.next.Handle(ctx, r)
}

func (h *minLevelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &minLevelHandler{min: h.min, next: h.next.WithAttrs(attrs)}
}

func (h *minLevelHandler) WithGroup(name string) slog.Handler {
	return &minLevelHandler{min: h.min, next: h.next.WithGroup(name)}
}
