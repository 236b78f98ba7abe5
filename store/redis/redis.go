// Package redis implements the service's short-lived state on Redis: the
// access-token denylist, rate limits and locks. Nothing here may decide an
// outcome that must survive a Redis loss (DESIGN.md).
package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/wushe/wushe/service"
)

// Client is a Redis client whose keys all start with a prefix, so that tests
// and deployments can share one server.
type Client struct {
	rdb    *goredis.Client
	prefix string
}

var (
	_ service.Denylist = (*Client)(nil)
	_ service.Limiter  = (*Client)(nil)
	_ service.Locker   = (*Client)(nil)
)

// Open connects to url (redis://host:port/db) and checks it answers.
func Open(ctx context.Context, url, prefix string) (*Client, error) {
	opt, err := goredis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis: parse url: %w", err)
	}
	opt.DialTimeout = 3 * time.Second
	opt.ReadTimeout = 2 * time.Second
	opt.WriteTimeout = 2 * time.Second
	opt.PoolSize = 50
	rdb := goredis.NewClient(opt)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		_ = rdb.Close()
		return nil, fmt.Errorf("redis: ping %s: %w", opt.Addr, err)
	}
	return &Client{rdb: rdb, prefix: prefix}, nil
}

// Redis exposes the driver client (for tests and tools).
func (c *Client) Redis() *goredis.Client { return c.rdb }

// Prefix is the key prefix of this client.
func (c *Client) Prefix() string { return c.prefix }

// Close closes the connection pool.
func (c *Client) Close() error { return c.rdb.Close() }

// Ping checks the server answers.
func (c *Client) Ping(ctx context.Context) error { return c.rdb.Ping(ctx).Err() }

func (c *Client) key(parts ...string) string {
	k := c.prefix
	for _, p := range parts {
		k += p
	}
	return k
}

// Deny puts id on the denylist for ttl.
func (c *Client) Deny(ctx context.Context, id string, ttl time.Duration) error {
	return c.rdb.Set(ctx, c.key("deny:", id), "1", ttl).Err()
}

// AnyDenied checks all ids with one round trip.
func (c *Client) AnyDenied(ctx context.Context, ids ...string) (bool, error) {
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = c.key("deny:", id)
	}
	n, err := c.rdb.Exists(ctx, keys...).Result()
	return n > 0, err
}

// hitScript counts one attempt in a fixed window and returns the count and
// the window's remaining milliseconds, atomically.
var hitScript = goredis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`)

// Hit counts one attempt under key in a fixed window.
func (c *Client) Hit(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error) {
	res, err := hitScript.Run(ctx, c.rdb, []string{c.key("rl:", key)}, window.Milliseconds()).Int64Slice()
	if err != nil {
		return true, 0, err
	}
	if len(res) != 2 {
		return true, 0, errors.New("redis: unexpected rate-limit reply")
	}
	return res[0] <= int64(limit), time.Duration(res[1]) * time.Millisecond, nil
}

var unlockScript = goredis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

// Lock takes key with SET NX PX, retrying until ctx ends. The returned
// unlock releases it only if this holder still owns it.
func (c *Client) Lock(ctx context.Context, key string, ttl time.Duration) (func(), error) {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	k := c.key("lock:", key)
	wait := 5 * time.Millisecond
	for {
		ok, err := c.rdb.SetNX(ctx, k, token, ttl).Result()
		if err != nil {
			return nil, err
		}
		if ok {
			return func() { _ = unlockScript.Run(context.WithoutCancel(ctx), c.rdb, []string{k}, token).Err() }, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("redis: lock %s: %w", key, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(wait*2, 100*time.Millisecond)
	}
}

// Publish sends msg to every subscriber of channel (prefixed like every key).
func (c *Client) Publish(ctx context.Context, channel, msg string) error {
	return c.rdb.Publish(ctx, c.key("ch:", channel), msg).Err()
}

// Subscribe calls fn with each message on channel until ctx ends. The
// subscription is live when Subscribe returns; messages sent while the
// connection is down are lost (callers resync periodically).
func (c *Client) Subscribe(ctx context.Context, channel string, fn func(string)) error {
	sub := c.rdb.Subscribe(ctx, c.key("ch:", channel))
	if _, err := sub.Receive(ctx); err != nil {
		_ = sub.Close()
		return fmt.Errorf("redis: subscribe %s: %w", channel, err)
	}
	go func() {
		defer sub.Close()
		ch := sub.Channel()
		for {
			select {
			case <-ctx.Done():
				return
			case m, ok := <-ch:
				if !ok {
					return
				}
				fn(m.Payload)
			}
		}
	}()
	return nil
}
