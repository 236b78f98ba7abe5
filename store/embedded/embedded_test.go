package embedded

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
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

func TestRedis(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	r, err := StartRedis()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })

	if want := "redis://" + r.Addr() + "/0"; r.URL() != want || !strings.HasPrefix(r.Addr(), "127.0.0.1:") {
		t.Errorf("Addr() = %q, URL() = %q", r.Addr(), r.URL())
	}
	opt, err := redis.ParseURL(r.URL())
	if err != nil {
		t.Fatal(err)
	}
	rc := redis.NewClient(opt)
	t.Cleanup(func() { _ = rc.Close() })

	if err := rc.Set(ctx, "wushe:test:k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if v, err := rc.Get(ctx, "wushe:test:k").Result(); err != nil || v != "v" {
		t.Fatalf("GET = %q, %v", v, err)
	}

	// TIME follows the wall clock.
	now, err := rc.Time(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(now); d < -time.Second || d > time.Second {
		t.Errorf("TIME is %v off the wall clock", d)
	}

	// A key with a 1 s TTL expires in real time; one without TTL stays.
	start := time.Now()
	if err := rc.Set(ctx, "wushe:test:ttl", "x", time.Second).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rc.Set(ctx, "wushe:test:hash", "x", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rc.HSet(ctx, "wushe:test:h", "f", "1", "g", "2").Err(); err != nil {
		t.Fatal(err)
	}
	if err := rc.PExpire(ctx, "wushe:test:h", 300*time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	for {
		n, err := rc.Exists(ctx, "wushe:test:ttl").Result()
		if err != nil {
			t.Fatal(err)
		}
		el := time.Since(start)
		if n == 0 {
			if el < 900*time.Millisecond {
				t.Fatalf("key with 1s TTL gone after %v", el)
			}
			t.Logf("key with 1s TTL expired after %v", el)
			break
		}
		if el > 2500*time.Millisecond {
			t.Fatalf("key with 1s TTL still there after %v", el)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n, err := rc.Exists(ctx, "wushe:test:h").Result(); err != nil || n != 0 {
		t.Errorf("hash with 300ms TTL: exists=%d, %v", n, err)
	}
	if v, err := rc.Get(ctx, "wushe:test:hash").Result(); err != nil || v != "x" {
		t.Errorf("key without TTL: %q, %v", v, err)
	}
	// Absolute expiry uses the real clock too.
	if err := rc.Set(ctx, "wushe:test:at", "x", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rc.ExpireAt(ctx, "wushe:test:at", time.Now().Add(time.Hour)).Err(); err != nil {
		t.Fatal(err)
	}
	if ttl, err := rc.TTL(ctx, "wushe:test:at").Result(); err != nil || ttl < 59*time.Minute || ttl > time.Hour {
		t.Errorf("TTL after EXPIREAT now+1h = %v, %v", ttl, err)
	}

	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil { // idempotent
		t.Fatal(err)
	}
}

func TestLockDir(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")

	unlock, err := LockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "wushe.lock"))
	if err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Errorf("lock file holds %q, %v; want our pid %d", b, err, os.Getpid())
	}

	// flock locks belong to the open file, so a second LockDir in this process is refused too.
	_, err = LockDir(dir)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second LockDir = %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "in use by another wushe process") ||
		!strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) {
		t.Errorf("message %q should say the directory is in use by another wushe process, with its pid", err)
	}
	t.Log(err)

	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	unlock, err = LockDir(dir)
	if err != nil {
		t.Fatalf("LockDir after unlock: %v", err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
}

// TestLockDirOtherProcess holds the lock in a child process (this test binary, re-run as
// lockHelper) and checks that LockDir here is refused with the child's pid, then granted once the
// child has exited.
func TestLockDirOtherProcess(t *testing.T) {
	t.Parallel()
	if os.Getenv("WUSHE_LOCK_HELPER_DIR") != "" {
		t.Skip("running as helper")
	}
	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestLockHelper$")
	cmd.Env = append(os.Environ(), "WUSHE_LOCK_HELPER_DIR="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "locked") {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("helper: %q, %v", line, err)
	}

	_, err = LockDir(dir)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", cmd.Process.Pid)) {
		t.Errorf("LockDir while another process holds it = %v; want ErrLocked naming pid %d", err, cmd.Process.Pid)
	}

	_ = stdin.Close() // the helper exits without unlocking: the kernel releases the lock
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
	unlock, err := LockDir(dir)
	if err != nil {
		t.Fatalf("LockDir after the holder exited: %v", err)
	}
	_ = unlock()
}

// TestLockHelper is the child process of TestLockDirOtherProcess.
func TestLockHelper(t *testing.T) {
	dir := os.Getenv("WUSHE_LOCK_HELPER_DIR")
	if dir == "" {
		t.Skip("only run by TestLockDirOtherProcess")
	}
	if _, err := LockDir(dir); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("locked")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // until the parent closes stdin
	os.Exit(0)
}

// TestKeepIndexingIDs: collections that clients create after the server
// started (new databases included, as the tests of other processes do
// against `wushe dev-stores`) get the `_id` index without anyone calling
// IndexIDs, and a dropped database is let go.
func TestKeepIndexingIDs(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	m, c := startMongo(t, filepath.Join(t.TempDir(), "data"))
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); m.KeepIndexingIDs(wctx, 20*time.Millisecond, nil) }()
	t.Cleanup(func() { stop(); <-done })

	for _, dbName := range []string{"later_a", "later_b"} {
		coll := c.Database(dbName).Collection("Things")
		if _, err := coll.InsertOne(ctx, bson.M{"_id": "x1"}); err != nil {
			t.Fatal(err)
		}
		sdb := openSQLite(t, m.Dir(), dbName)
		var plan string
		for range 500 { // the watcher runs every 20 ms; give a loaded machine 10 s
			if plan = idPlans(t, sdb, "Things")["find"]; strings.Contains(plan, "SEARCH") {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if !strings.Contains(plan, "SEARCH") || !strings.Contains(plan, idIndexPrefix) {
			t.Errorf("%s: plan %q; want SEARCH ... USING INDEX %s...", dbName, plan, idIndexPrefix)
		}
		var got bson.M
		if err := coll.FindOne(ctx, bson.M{"_id": "x1"}).Decode(&got); err != nil {
			t.Errorf("%s: FindOne after the watcher's index: %v", dbName, err)
		}
	}
	if err := c.Database("later_a").Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Database("later_a").Collection("again").InsertOne(ctx, bson.M{"_id": "y"}); err != nil {
		t.Fatalf("recreate a dropped database while the watcher runs: %v", err)
	}
}

// TestListenAddrKeepsTheURI: FerretDB started on a fixed address, stopped
// and started again on it with the same directory has the same URI and the
// same data.
func TestListenAddrKeepsTheURI(t *testing.T) {
	dir := t.TempDir()
	probe, err := StartMongo(t.Context(), dir, testLogger(t)) // a free port, to reuse
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimSuffix(strings.TrimPrefix(probe.URI(), "mongodb://"), "/")
	_ = probe.Close()
	var uris []string
	for i := range 2 {
		m, err := StartMongo(t.Context(), dir, testLogger(t), ListenAddr(addr))
		if err != nil {
			t.Fatal(err)
		}
		uris = append(uris, m.URI())
		c, err := mongo.Connect(options.Client().ApplyURI(m.URI()))
		if err != nil {
			t.Fatal(err)
		}
		coll := c.Database("d").Collection("c")
		if i == 0 {
			_, err = coll.InsertOne(t.Context(), bson.M{"_id": "kept"})
		} else {
			err = coll.FindOne(t.Context(), bson.M{"_id": "kept"}).Err()
		}
		_ = c.Disconnect(context.Background())
		_ = m.Close()
		if err != nil {
			t.Fatalf("start %d: %v", i+1, err)
		}
	}
	if uris[0] != uris[1] || !strings.Contains(uris[0], addr) {
		t.Fatalf("URIs %q, want both on %s", uris, addr)
	}
}
