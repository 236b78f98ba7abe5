package embedded

import (
	"fmt"
	"sync"

	"github.com/alicebob/miniredis/v2"
)

// Redis is miniredis running in this process, its clock advanced in real time so TTLs expire.
//
// By default miniredis never expires a key by itself (only FastForward does). StartRedis turns on
// miniredis' ClockTTL (v2.40+): before every command, and every Go-level access, miniredis
// decreases all TTLs by the wall-clock time elapsed since the previous one and drops the keys that
// reached zero. So a key set with a 1 s TTL is gone for any command issued 1 s later, to the
// millisecond, with no ticking goroutine; and TIME, EXPIREAT and PEXPIREAT use the real clock.
//
// Everything lives in memory and is lost on Close or at restart.
type Redis struct {
	m    *miniredis.Miniredis
	once sync.Once
}

// StartRedis starts miniredis on 127.0.0.1 with a free port, with real-time key expiry. It is
// ready for connections when it returns.
func StartRedis() (*Redis, error) {
	m := miniredis.NewMiniRedis()
	m.ClockTTL(true)
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("embedded redis: %w", err)
	}
	return &Redis{m: m}, nil
}

// Addr returns the address, 127.0.0.1:PORT.
func (r *Redis) Addr() string { return r.m.Addr() }

// URL returns the connection URL for go-redis' ParseURL, redis://127.0.0.1:PORT/0.
func (r *Redis) URL() string { return "redis://" + r.m.Addr() + "/0" }

// Close stops the server, closing its connections and dropping all data. It is idempotent and
// always returns nil.
func (r *Redis) Close() error {
	r.once.Do(r.m.Close)
	return nil
}
