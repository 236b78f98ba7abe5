package embedded

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), nil))
}

// startMongo starts FerretDB in dir and returns a connected client; both stop at the test's end.
func startMongo(t testing.TB, dir string) (*Mongo, *mongo.Client) {
	t.Helper()
	m, err := StartMongo(t.Context(), dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	c, err := mongo.Connect(options.Client().ApplyURI(m.URI()))
	if err != nil {
		_ = m.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = c.Disconnect(context.Background())
		if err := m.Close(); err != nil {
			t.Error(err)
		}
	})
	return m, c
}

// tableOf returns the SQLite table FerretDB keeps collection coll of database db in.
func tableOf(t testing.TB, sdb *sql.DB, coll string) string {
	t.Helper()
	var table string
	if err := sdb.QueryRow(`SELECT table_name FROM _ferretdb_collections WHERE name = ?`, coll).Scan(&table); err != nil {
		t.Fatalf("table of %s: %v", coll, err)
	}
	return table
}

// openSQLite opens <dir>/<db>.sqlite read-only, as a second connection beside FerretDB's.
func openSQLite(t testing.TB, dir, db string) *sql.DB {
	t.Helper()
	sdb, err := sql.Open("sqlite", "file:"+filepath.Join(dir, db+".sqlite")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sdb.Close() })
	return sdb
}

// idPlans returns SQLite's EXPLAIN QUERY PLAN details of the statements FerretDB v1.24's SQLite
// backend issues for collection coll when it looks a document up by `_id`
// (internal/backends/sqlite/collection.go: Query with filter {_id: string|ObjectID} and a limit,
// UpdateAll, DeleteAll), keyed by "find", "update" and "delete".
func idPlans(t testing.TB, sdb *sql.DB, coll string) map[string]string {
	t.Helper()
	table := quoteIdent(tableOf(t, sdb, coll))
	stmts := map[string]string{
		"find":   `SELECT _ferretdb_sjson FROM ` + table + ` WHERE _ferretdb_sjson->'$._id' = ? LIMIT ?`,
		"update": `UPDATE ` + table + ` SET _ferretdb_sjson = ? WHERE _ferretdb_sjson->'$._id' = ?`,
		"delete": `DELETE FROM ` + table + ` WHERE _ferretdb_sjson->'$._id' IN (?, ?)`,
	}
	plans := map[string]string{}
	for name, q := range stmts {
		rows, err := sdb.Query(`EXPLAIN QUERY PLAN `+q, `"x"`, `"y"`)
		if err != nil {
			t.Fatalf("explain %s: %v", name, err)
		}
		var details []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			details = append(details, detail)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		_ = rows.Close()
		plans[name] = strings.Join(details, "; ")
	}
	return plans
}

func TestMongo(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "data") // does not exist yet
	m, c := startMongo(t, dir)

	if !strings.HasPrefix(m.URI(), "mongodb://127.0.0.1:") || !strings.HasSuffix(m.URI(), "/") {
		t.Errorf("URI() = %q", m.URI())
	}
	if abs, _ := filepath.Abs(dir); m.Dir() != abs {
		t.Errorf("Dir() = %q, want %q", m.Dir(), abs)
	}

	// A missing database is not an error, and IndexIDs does not create its file.
	if err := m.IndexIDs(ctx, "nosuchdb"); err != nil {
		t.Fatalf("IndexIDs(missing db) = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "nosuchdb.sqlite")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("IndexIDs created the file of a missing database: %v", err)
	}
	if err := m.IndexIDs(ctx, "../x"); err == nil {
		t.Error("IndexIDs accepted database name ../x")
	}

	const dbName = "wushe_embedded_test"
	db := c.Database(dbName)
	needs := db.Collection("Needs") // upper case: FerretDB lower-cases it in the table name
	var docs []any
	for i := range 50 {
		docs = append(docs, bson.M{"_id": fmt.Sprintf("need-%03d", i), "n": i})
	}
	if _, err := needs.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	oid := bson.NewObjectID()
	if _, err := needs.InsertOne(ctx, bson.M{"_id": oid, "n": -1}); err != nil {
		t.Fatal(err)
	}

	sdb := openSQLite(t, m.Dir(), dbName)
	for op, plan := range idPlans(t, sdb, "Needs") {
		if !strings.Contains(plan, "SCAN") {
			t.Errorf("before IndexIDs, %s plan = %q; want a SCAN (has FerretDB fixed its _id index?)", op, plan)
		}
	}

	for range 2 { // idempotent
		if err := m.IndexIDs(ctx, dbName); err != nil {
			t.Fatalf("IndexIDs: %v", err)
		}
	}
	for op, plan := range idPlans(t, sdb, "Needs") {
		if !strings.Contains(plan, "SEARCH") || !strings.Contains(plan, idIndexPrefix) {
			t.Errorf("after IndexIDs, %s plan = %q; want SEARCH ... USING INDEX %s...", op, plan, idIndexPrefix)
		}
	}

	// Reads, updates, deletes and duplicate detection by _id still work through the new index.
	var got struct {
		ID string `bson:"_id"`
		N  int    `bson:"n"`
	}
	if err := needs.FindOne(ctx, bson.M{"_id": "need-042"}).Decode(&got); err != nil || got.N != 42 {
		t.Fatalf("FindOne(need-042) = %+v, %v", got, err)
	}
	var gotOID bson.M
	if err := needs.FindOne(ctx, bson.M{"_id": oid}).Decode(&gotOID); err != nil || gotOID["n"] != int32(-1) {
		t.Fatalf("FindOne(ObjectID) = %v, %v", gotOID, err)
	}
	if err := needs.FindOne(ctx, bson.M{"_id": "nope"}).Err(); !errors.Is(err, mongo.ErrNoDocuments) {
		t.Fatalf("FindOne(nope) = %v, want ErrNoDocuments", err)
	}
	if _, err := needs.InsertOne(ctx, bson.M{"_id": "need-007"}); !mongo.IsDuplicateKeyError(err) {
		t.Fatalf("duplicate insert: %v, want a duplicate-key error", err)
	}
	if res, err := needs.UpdateOne(ctx, bson.M{"_id": "need-007"}, bson.M{"$inc": bson.M{"n": 100}}); err != nil || res.ModifiedCount != 1 {
		t.Fatalf("UpdateOne = %+v, %v", res, err)
	}
	if err := needs.FindOne(ctx, bson.M{"_id": "need-007"}).Decode(&got); err != nil || got.N != 107 {
		t.Fatalf("after update: %+v, %v", got, err)
	}
	if res, err := needs.DeleteOne(ctx, bson.M{"_id": "need-008"}); err != nil || res.DeletedCount != 1 {
		t.Fatalf("DeleteOne = %+v, %v", res, err)
	}
	if n, err := needs.CountDocuments(ctx, bson.M{}); err != nil || n != 50 {
		t.Fatalf("count = %d, %v; want 50", n, err)
	}

	// FerretDB does not see the extra index: listIndexes shows only its own.
	specs, err := needs.Indexes().ListSpecifications(ctx)
	if err != nil || len(specs) != 1 || specs[0].Name != "_id_" {
		t.Fatalf("ListSpecifications = %v, %v; want only _id_", specs, err)
	}

	// A collection created after IndexIDs scans until IndexIDs runs again.
	late := db.Collection("late")
	if _, err := late.InsertOne(ctx, bson.M{"_id": "l1"}); err != nil {
		t.Fatal(err)
	}
	if plan := idPlans(t, sdb, "late")["find"]; !strings.Contains(plan, "SCAN") {
		t.Errorf("new collection before re-running IndexIDs: plan %q, want SCAN", plan)
	}
	if err := m.IndexIDs(ctx, dbName); err != nil {
		t.Fatal(err)
	}
	if plan := idPlans(t, sdb, "late")["find"]; !strings.Contains(plan, "SEARCH") {
		t.Errorf("new collection after IndexIDs: plan %q, want SEARCH", plan)
	}

	// A renamed collection keeps its table, hence its index; a dropped one takes it along.
	if err := c.Database("admin").RunCommand(ctx, bson.D{
		{Key: "renameCollection", Value: dbName + ".late"}, {Key: "to", Value: dbName + ".later"},
	}).Err(); err != nil {
		t.Fatal(err)
	}
	if plan := idPlans(t, sdb, "later")["find"]; !strings.Contains(plan, "SEARCH") {
		t.Errorf("renamed collection: plan %q, want SEARCH", plan)
	}
	if err := db.Collection("later").Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.IndexIDs(ctx, dbName); err != nil {
		t.Fatalf("IndexIDs after drop: %v", err)
	}
}

// TestMongoRestart checks that data and the _id index survive a restart on the same directory.
func TestMongoRestart(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := t.TempDir()
	const dbName = "restart"

	m, err := StartMongo(ctx, dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	c, err := mongo.Connect(options.Client().ApplyURI(m.URI()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Database(dbName).Collection("c").InsertOne(ctx, bson.M{"_id": "k", "v": "before"}); err != nil {
		t.Fatal(err)
	}
	if err := m.IndexIDs(ctx, dbName); err != nil {
		t.Fatal(err)
	}
	_ = c.Disconnect(ctx)
	start := time.Now()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil { // idempotent
		t.Fatal(err)
	}
	t.Logf("Close took %v", time.Since(start))

	_, c2 := startMongo(t, dir)
	var got bson.M
	if err := c2.Database(dbName).Collection("c").FindOne(ctx, bson.M{"_id": "k"}).Decode(&got); err != nil || got["v"] != "before" {
		t.Fatalf("after restart: %v, %v", got, err)
	}
	if plan := idPlans(t, openSQLite(t, dir, dbName), "c")["find"]; !strings.Contains(plan, "SEARCH") {
		t.Errorf("after restart: plan %q, want SEARCH", plan)
	}
}

// TestIndexIDsConcurrent runs IndexIDs while FerretDB creates collections and writes.
func TestIndexIDsConcurrent(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	m, c := startMongo(t, t.TempDir())
	const dbName = "concurrent"
	db := c.Database(dbName)

	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := range 4 {
		wg.Go(func() {
			for i := range 15 {
				coll := db.Collection(fmt.Sprintf("c%d_%d", w, i%5))
				if _, err := coll.InsertOne(ctx, bson.M{"_id": fmt.Sprintf("%d-%d", w, i)}); err != nil {
					errs <- fmt.Errorf("insert: %w", err)
					return
				}
				if err := coll.FindOne(ctx, bson.M{"_id": fmt.Sprintf("%d-%d", w, i)}).Err(); err != nil {
					errs <- fmt.Errorf("find: %w", err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			if err := m.IndexIDs(ctx, dbName); err != nil {
				errs <- fmt.Errorf("IndexIDs: %w", err)
				return
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	if err := m.IndexIDs(ctx, dbName); err != nil {
		t.Fatal(err)
	}
	sdb := openSQLite(t, m.Dir(), dbName)
	for w := range 4 {
		for i := range 5 {
			name := fmt.Sprintf("c%d_%d", w, i)
			if plan := idPlans(t, sdb, name)["find"]; !strings.Contains(plan, "SEARCH") {
				t.Errorf("%s: plan %q, want SEARCH", name, plan)
			}
		}
	}
}
