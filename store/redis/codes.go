package redis

import (
	"context"
	"errors"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/wushe/wushe/service/accounts"
)

var (
	_ accounts.CodeStore = (*Client)(nil)
)

// PutCode stores a code's hash with its expiry (the service's clock, in
// milliseconds) and no tries yet, replacing any earlier code under key.
func (c *Client) PutCode(ctx context.Context, key, hash string, expires time.Time, ttl time.Duration) error {
	k := c.key("code:", key)
	_, err := c.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.Del(ctx, k)
		p.HSet(ctx, k, "h", hash, "exp", expires.UnixMilli(), "tries", 0)
		p.PExpire(ctx, k, ttl)
		return nil
	})
	return err
}

// useCodeScript counts one try and decides it, atomically: of many
// concurrent tries of one right code, exactly one finds it and deletes it.
// Tries are counted per client and in all: a client that used its tries
// is refused while the code stays for others; the last try in all voids it.
// KEYS[1] the code; ARGV: hash, now (ms), tries in all, client, tries per
// client. Returns a accounts.CodeOutcome.
var useCodeScript = goredis.NewScript(`
local h = redis.call('HGET', KEYS[1], 'h')
if not h then return 2 end
if tonumber(redis.call('HGET', KEYS[1], 'exp')) <= tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1]); return 3
end
local ct = redis.call('HINCRBY', KEYS[1], 'c:' .. ARGV[4], 1)
if ct > tonumber(ARGV[5]) then return 5 end
local tries = redis.call('HINCRBY', KEYS[1], 'tries', 1)
if h == ARGV[1] then redis.call('DEL', KEYS[1]); return 0 end
if tries >= tonumber(ARGV[3]) then redis.call('DEL', KEYS[1]); return 4 end
if ct >= tonumber(ARGV[5]) then return 5 end
return 1`)

// UseCode tries the code whose hash is hash against the one stored under key.
func (c *Client) UseCode(ctx context.Context, key, hash, client string, now time.Time, tries accounts.CodeTries) (accounts.CodeOutcome, error) {
	n, err := useCodeScript.Run(ctx, c.rdb, []string{c.key("code:", key)}, hash, now.UnixMilli(), tries.All, client, tries.PerClient).Int()
	if err != nil {
		return accounts.CodeMissing, err
	}
	return accounts.CodeOutcome(n), nil
}

// PutTicket stores value under a ticket's hash for ttl.
func (c *Client) PutTicket(ctx context.Context, hash, value string, ttl time.Duration) error {
	return c.rdb.Set(ctx, c.key("ticket:", hash), value, ttl).Err()
}

// Ticket returns the value stored under a ticket's hash, "" when none.
func (c *Client) Ticket(ctx context.Context, hash string) (string, error) {
	v, err := c.rdb.Get(ctx, c.key("ticket:", hash)).Result()
	if errors.Is(err, goredis.Nil) {
		return "", nil
	}
	return v, err
}

// DeleteTicket removes a ticket.
func (c *Client) DeleteTicket(ctx context.Context, hash string) error {
	return c.rdb.Del(ctx, c.key("ticket:", hash)).Err()
}
