// Package roundtrip counts the store round trips a request makes: the
// MongoDB driver's command monitor and a go-redis hook add to the counter
// the request's context carries (With), so concurrent requests never mix.
// Nothing counts when the context carries no counter.
//
//	ctx, n := roundtrip.With(ctx)
//	... serve the request with ctx ...
//	n.Mongo(), n.Redis()
package roundtrip

import (
	"context"
	"sync"
	"sync/atomic"
)

// Counter holds one request's round trips, by store.
type Counter struct {
	mongo, redis atomic.Int64

	mu       sync.Mutex
	commands []string // MongoDB's, in order: "find accounts", "getMore", ...
}

type key struct{}

// With returns ctx carrying a fresh counter, and the counter.
func With(ctx context.Context) (context.Context, *Counter) {
	c := &Counter{}
	return context.WithValue(ctx, key{}, c), c
}

// From is the counter ctx carries, or nil.
func From(ctx context.Context) *Counter {
	if ctx == nil {
		return nil
	}
	c, _ := ctx.Value(key{}).(*Counter)
	return c
}

// AddMongo counts one MongoDB command (a getMore is one more) on ctx's
// counter; what names the command and its collection.
func AddMongo(ctx context.Context, what string) {
	if c := From(ctx); c != nil {
		c.mongo.Add(1)
		c.mu.Lock()
		c.commands = append(c.commands, what)
		c.mu.Unlock()
	}
}

// Commands are the MongoDB commands counted so far, in order.
func (c *Counter) Commands() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.commands...)
}

// AddRedis counts one Redis round trip (a pipeline is one) on ctx's counter.
func AddRedis(ctx context.Context) {
	if c := From(ctx); c != nil {
		c.redis.Add(1)
	}
}

// Mongo is the MongoDB commands counted so far.
func (c *Counter) Mongo() int64 { return c.mongo.Load() }

// Redis is the Redis round trips counted so far.
func (c *Counter) Redis() int64 { return c.redis.Load() }
