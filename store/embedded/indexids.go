package embedded

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // database/sql driver "sqlite", the one FerretDB uses
)

// idExpr is the expression FerretDB v1.24's SQLite backend compares `_id` with, in the WHERE
// clause of a find whose filter is exactly {_id: <string|ObjectID>} and of every update and delete
// (metadata.IDColumn in internal/backends/sqlite). FerretDB's own unique `_id_` index is on
// `_ferretdb_sjson->"_id"`, which SQLite's planner does not match to this expression.
const idExpr = `_ferretdb_sjson->'$._id'`

// idIndexPrefix names the indexes IndexIDs creates: idIndexPrefix + table name. FerretDB names its
// own indexes <table>_<index name>, so they cannot collide.
const idIndexPrefix = "wushe_id_"

// IndexIDs creates, on every collection of database db kept in the FerretDB SQLite directory dir,
// a unique index on the exact expression FerretDB's `_id` lookups use, so that they SEARCH an
// index instead of scanning the table:
//
//	CREATE UNIQUE INDEX IF NOT EXISTS "wushe_id_<table>" ON "<table>" (_ferretdb_sjson->'$._id')
//
// for each table listed in `_ferretdb_collections` of <dir>/<db>.sqlite. FerretDB already keeps
// `_id` unique, so the index cannot fail on existing data, and it is invisible to listIndexes.
//
// Collections created afterwards do not get the index: call IndexIDs again after creating
// collections (for instance after ensuring a store's indexes at start). A renamed collection keeps
// it (FerretDB keeps the table); a dropped one loses it with its table.
//
// IndexIDs is idempotent and safe while FerretDB runs, in this process or another (it takes
// SQLite's write lock for its few statements and waits up to 10 s for it). A database whose file
// does not exist is not an error and is not created.
func IndexIDs(ctx context.Context, dir, db string) error {
	if db == "" || strings.ContainsAny(db, `/\?#%`+"\x00") || db == "." || db == ".." {
		return fmt.Errorf("embedded: IndexIDs: invalid database name %q", db)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("embedded: IndexIDs: %w", err)
	}
	file := filepath.Join(abs, db+".sqlite")
	if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("embedded: IndexIDs: %w", err)
	}
	if strings.ContainsAny(file, "?#%") {
		return fmt.Errorf("embedded: IndexIDs: path %q must not contain '?', '#' or '%%'", file)
	}

	// mode=rw: never create the file (FerretDB would then find a database without its metadata
	// table). The file is already in WAL mode, set by FerretDB.
	sdb, err := sql.Open("sqlite", "file:"+filepath.ToSlash(file)+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("embedded: IndexIDs: open %s: %w", file, err)
	}
	defer sdb.Close()

	if err := indexIDs(ctx, sdb); err != nil {
		return fmt.Errorf("embedded: IndexIDs %s: %w", file, err)
	}
	return nil
}

func indexIDs(ctx context.Context, sdb *sql.DB) (err error) {
	conn, err := sdb.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()

	// One write transaction, so that FerretDB cannot create or drop a collection between the
	// listing and the CREATE INDEX statements. IMMEDIATE takes the write lock at once (waiting
	// for busy_timeout), rather than failing to upgrade a read snapshot that became stale.
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()

	tables, err := collectionTables(ctx, conn)
	if err != nil {
		return err
	}
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (%s)`,
			quoteIdent(idIndexPrefix+t), quoteIdent(t), idExpr)
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("table %s: %w", t, err)
		}
	}

	_, err = conn.ExecContext(ctx, "COMMIT")
	return err
}

// collectionTables lists the tables of FerretDB's collections that exist in the file. A file
// without `_ferretdb_collections` (FerretDB is creating it right now) has none.
func collectionTables(ctx context.Context, conn *sql.Conn) ([]string, error) {
	var n int
	if err := conn.QueryRowContext(ctx,
		`SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '_ferretdb_collections'`,
	).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}

	rows, err := conn.QueryContext(ctx, `SELECT c.table_name FROM _ferretdb_collections AS c
		JOIN sqlite_schema AS s ON s.type = 'table' AND s.name = c.table_name
		ORDER BY c.table_name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		tables = append(tables, t)
	}
	return tables, rows.Err()
}

// quoteIdent quotes an SQLite identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// KeepIndexingIDs gives the `_id` index of [IndexIDs] to the collections of every database in the
// server's directory, including databases and collections that clients create later (over the
// wire, from other processes), checking every interval until ctx ends. It is what makes an
// out-of-process FerretDB (`wushe dev-stores`) the same store as the embedded one, whose owner
// calls IndexIDs itself after creating its collections.
//
// Each round opens every `<db>.sqlite` file once (handles are kept between rounds), asks SQLite
// with a read whether some collection table lacks the index, and only then takes the write lock to
// create the missing ones. Files that disappear (a dropped database) are closed and forgotten.
func (m *Mongo) KeepIndexingIDs(ctx context.Context, interval time.Duration, log *slog.Logger) {
	w := &idWatcher{dir: m.dir, open: map[string]*sql.DB{}, log: log}
	defer w.close()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		w.round(ctx)
		select {
		case <-ctx.Done():
			return
		case <-m.done:
			return
		case <-t.C:
		}
	}
}

type idWatcher struct {
	dir  string
	open map[string]*sql.DB // by file path
	log  *slog.Logger
}

// missingIDIndexes counts collection tables without their wushe_id_ index.
const missingIDIndexes = `SELECT count(*) FROM _ferretdb_collections AS c
	JOIN sqlite_schema AS s ON s.type = 'table' AND s.name = c.table_name
	WHERE NOT EXISTS (SELECT 1 FROM sqlite_schema AS i WHERE i.type = 'index' AND i.name = '` + idIndexPrefix + `' || c.table_name)`

func (w *idWatcher) round(ctx context.Context) {
	files, err := filepath.Glob(filepath.Join(w.dir, "*.sqlite"))
	if err != nil {
		return
	}
	present := map[string]bool{}
	for _, file := range files {
		present[file] = true
		if strings.ContainsAny(file, "?#%") {
			continue
		}
		sdb, ok := w.open[file]
		if !ok {
			if sdb, err = sql.Open("sqlite", "file:"+filepath.ToSlash(file)+"?mode=rw&_pragma=busy_timeout(10000)"); err != nil {
				continue
			}
			sdb.SetMaxOpenConns(1)
			w.open[file] = sdb
		}
		var missing int
		if err := sdb.QueryRowContext(ctx, missingIDIndexes).Scan(&missing); err != nil || missing == 0 {
			continue // no metadata table yet (a database being created), or nothing to do
		}
		if err := indexIDs(ctx, sdb); err != nil && ctx.Err() == nil && w.log != nil {
			w.log.Warn("index _id of new collections", "file", file, "err", err)
		}
	}
	for file, sdb := range w.open {
		if !present[file] {
			_ = sdb.Close()
			delete(w.open, file)
			// This handle kept the dropped database's write-ahead log and
			// shared-memory files alive; once closed, they must not outlive
			// the database (a new one of the same name would read them).
			if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
				_ = os.Remove(file + "-wal")
				_ = os.Remove(file + "-shm")
			}
		}
	}
}

func (w *idWatcher) close() {
	for _, sdb := range w.open {
		_ = sdb.Close()
	}
}
