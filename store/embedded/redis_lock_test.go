package embedded

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// The embedded Redis, the data directory lock, and the _id index keeper.

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
