// Package storetest gives each test its own real stores: a fresh MongoDB
// database and a fresh Redis key prefix. With MONGO_URI / REDIS_URL set it
// uses those servers (as .ci/run does); otherwise it starts FerretDB and
// miniredis inside the test binary, once, and shares them between tests.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/wushe/wushe/store/embedded"
	"github.com/wushe/wushe/store/mongo"
	"github.com/wushe/wushe/store/redis"
)

var (
	embeddedOnce  sync.Once
	embeddedMongo *embedded.Mongo
	embeddedRedis *embedded.Redis
	embeddedErr   error
)

func startEmbedded() {
	embeddedOnce.Do(func() {
		if os.Getenv("MONGO_URI") == "" {
			dir, err := os.MkdirTemp("", "wushe-ferretdb-")
			if err != nil {
				embeddedErr = err
				return
			}
			quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
			embeddedMongo, embeddedErr = embedded.StartMongo(context.Background(), dir, quiet)
			if embeddedErr != nil {
				return
			}
		}
		if os.Getenv("REDIS_URL") == "" {
			embeddedRedis, embeddedErr = embedded.StartRedis()
		}
	})
}

func randomName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Open returns a fresh database (schema created) and a Redis client with a
// fresh key prefix; both are removed when the test ends.
func Open(tb testing.TB) (*mongo.DB, *redis.Client) {
	tb.Helper()
	startEmbedded()
	if embeddedErr != nil {
		tb.Fatalf("storetest: start embedded stores: %v", embeddedErr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	mongoURI := os.Getenv("MONGO_URI")
	if mongoURI == "" {
		mongoURI = embeddedMongo.URI()
	}
	name := "t_" + randomName()
	db, err := mongo.Open(ctx, mongoURI, name)
	uris.Store(db, mongoURI)
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	if err := db.EnsureSchema(ctx); err != nil {
		tb.Fatalf("storetest: schema: %v", err)
	}
	if embeddedMongo != nil {
		if err := embeddedMongo.IndexIDs(ctx, name); err != nil {
			tb.Fatalf("storetest: index _id: %v", err)
		}
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = db.Drop(ctx)
		_ = db.Close(ctx)
	})

	redisURL := os.Getenv("REDIS_URL")
	if redisURL == "" {
		redisURL = embeddedRedis.URL()
	}
	prefix := "test:" + randomName() + ":"
	rc, err := redis.Open(ctx, redisURL, prefix)
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		r := rc.Redis()
		iter := r.Scan(ctx, 0, prefix+"*", 500).Iterator()
		for iter.Next(ctx) {
			r.Del(ctx, iter.Val())
		}
		_ = rc.Close()
	})
	return db, rc
}

// uris remembers the server of each database Open returned (for Another).
var uris sync.Map // *mongo.DB → string

// Another opens a second connection to db's database, as another process
// (a second replica) would have; it is closed when the test ends.
func Another(tb testing.TB, db *mongo.DB) *mongo.DB {
	tb.Helper()
	uri, ok := uris.Load(db)
	if !ok {
		tb.Fatal("storetest: Another needs a database from Open")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	other, err := mongo.Open(ctx, uri.(string), db.Name())
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	tb.Cleanup(func() { _ = other.Close(context.Background()) })
	return other
}
