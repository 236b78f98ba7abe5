// Package redis implements what the service keeps on Redis: caches in
// front of MongoDB (the token gates), rate limits, SMS codes, leaderboards
// and the bus. Nothing here may decide an outcome that must survive a
// Redis loss (DESIGN.md): each thing either is rebuilt from MongoDB or is
// short-lived by nature.
package redis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/store/breaker"
	"github.com/wushe/wushe/store/roundtrip"
)

// Client is a Redis client whose keys all start with a prefix, so that tests
// and deployments can share one server. A circuit breaker sits in front of
// it: once Redis is found unreachable, commands fail at once (ErrOpen)
// instead of each waiting for a dial or read timeout, until a probe sees
// Redis answer again.
type Client struct {
	rdb     *goredis.Client
	probe   *goredis.Client // pings outside the breaker
	prefix  string
	breaker *breaker.Breaker
}

var (
	_ service.Limiter = (*Client)(nil)
)

// Open connects to url (redis://host:port/db) and checks it answers.
func Open(ctx context.Context, url, prefix string) (*Client, error) {
	c, err := New(url, prefix, nil)
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := c.probe.Ping(pctx).Err(); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("redis: ping %s: %w", c.rdb.Options().Addr, err)
	}
	return c, nil
}

// New makes a client without checking that Redis answers (a replica may
// start while Redis is down: it then runs degraded until Redis is back).
// log receives the breaker's transitions (nil: slog.Default()).
func New(url, prefix string, log *slog.Logger) (*Client, error) {
	opt, err := goredis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis: parse url: %w", err)
	}
	opt.DialTimeout = 2 * time.Second
	opt.ReadTimeout = 2 * time.Second
	opt.WriteTimeout = 2 * time.Second
	opt.ContextTimeoutEnabled = true // a caller's deadline bounds the command (see optional)
	opt.PoolSize = 50
	popt := *opt
	popt.PoolSize = 1
	c := &Client{probe: goredis.NewClient(&popt), prefix: prefix}
	c.breaker = breaker.New("redis", func(ctx context.Context) error { return c.probe.Ping(ctx).Err() }, 500*time.Millisecond, log)
	opt.Limiter = breakerLimiter{c.breaker}
	c.rdb = goredis.NewClient(opt)
	c.rdb.AddHook(countingHook{})
	return c, nil
}

// countingHook counts each command, and each pipeline as one, on the
// request's round-trip counter (store/roundtrip).
type countingHook struct{}

func (countingHook) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (countingHook) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		roundtrip.AddRedis(ctx)
		return next(ctx, cmd)
	}
}

func (countingHook) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		roundtrip.AddRedis(ctx)
		return next(ctx, cmds)
	}
}

// breakerLimiter is go-redis's hook for a circuit breaker: Allow refuses
// commands while the breaker is open; ReportResult trips it on a failure of
// the connection (not on Redis's own error replies, nor on a missing key).
type breakerLimiter struct{ b *breaker.Breaker }

func (l breakerLimiter) Allow() error { return l.b.Allow() }

func (l breakerLimiter) ReportResult(err error) {
	var reply goredis.Error
	switch {
	case err == nil, errors.Is(err, goredis.Nil), errors.As(err, &reply) && !errors.Is(err, goredis.ErrClosed):
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		l.b.Suspect(err) // slow or abandoned: ask a probe before declaring Redis down
	default:
		l.b.Trip(err)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// Breaker is the client's circuit breaker (readiness, metrics).
func (c *Client) Breaker() *breaker.Breaker { return c.breaker }

// Redis exposes the driver client (for tests and tools).
func (c *Client) Redis() *goredis.Client { return c.rdb }

// Prefix is the key prefix of this client.
func (c *Client) Prefix() string { return c.prefix }

// Close closes the connection pools and stops the breaker's probes.
func (c *Client) Close() error {
	c.breaker.Close()
	return errors.Join(c.rdb.Close(), c.probe.Close())
}

// Ping checks the server answers (through the breaker: an open breaker
// answers at once).
func (c *Client) Ping(ctx context.Context) error { return c.rdb.Ping(ctx).Err() }

// optionalWait bounds a call whose answer the service can do without (the
// token cache, a rate limit): a Redis that is slow or frozen costs a
// request at most this long, and its breaker is asked to look.
const optionalWait = 300 * time.Millisecond

// optional gives a call of an optional part its short deadline.
func optional(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, optionalWait)
}

func (c *Client) key(parts ...string) string {
	k := c.prefix
	for _, p := range parts {
		k += p
	}
	return k
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
	ctx, cancel := optional(ctx)
	defer cancel()
	res, err := hitScript.Run(ctx, c.rdb, []string{c.key("rl:", key)}, window.Milliseconds()).Int64Slice()
	if err != nil {
		return true, 0, err
	}
	if len(res) != 2 {
		return true, 0, errors.New("redis: unexpected rate-limit reply")
	}
	return res[0] <= int64(limit), time.Duration(res[1]) * time.Millisecond, nil
}

// Count reads the attempts counted under key in its current window, and
// the time until the window ends, without counting one.
func (c *Client) Count(ctx context.Context, key string) (int, time.Duration, error) {
	ctx, cancel := optional(ctx)
	defer cancel()
	k := c.key("rl:", key)
	pipe := c.rdb.Pipeline()
	get := pipe.Get(ctx, k)
	ttl := pipe.PTTL(ctx, k)
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, goredis.Nil) {
		return 0, 0, err
	}
	n, err := get.Int()
	if errors.Is(err, goredis.Nil) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	return n, max(ttl.Val(), 0), nil
}

// Publish sends msg to every subscriber of channel (prefixed like every key).
func (c *Client) Publish(ctx context.Context, channel, msg string) error {
	return c.rdb.Publish(ctx, c.key("ch:", channel), msg).Err()
}

// Subscribe calls fn with each message on channel until ctx ends. When
// Redis answers, the subscription is live when Subscribe returns; when it
// does not (a replica starting during a Redis outage), go-redis keeps
// trying and the subscription starts when Redis is back. Messages sent
// while the connection is down are lost: callers resync when the breaker
// closes, and periodically.
func (c *Client) Subscribe(ctx context.Context, channel string, fn func(string)) error {
	sub := c.rdb.Subscribe(ctx, c.key("ch:", channel))
	rctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	_, err := sub.Receive(rctx)
	cancel()
	if err != nil {
		c.breaker.Suspect(err)
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
