package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"

	goredis "github.com/redis/go-redis/v9"

	"github.com/wushe/wushe/service/competitions"
)

// Leaderboards keeps the service's leaderboards as Redis sorted sets under
// "<prefix>lb:<board>". A board always holds a sentinel member (the empty
// string, score −1), so a board with no votes still exists and a missing
// key means "lost or never built": the service then rebuilds it from MongoDB.
type Leaderboards struct{ c *Client }

var _ competitions.Leaderboard = (*Leaderboards)(nil)

// Leaderboards returns the leaderboard store on this client.
func (c *Client) Leaderboards() *Leaderboards { return &Leaderboards{c: c} }

const sentinel = ""

// LeaderboardKey is the Redis key of board (tests delete it to simulate a loss).
func (l *Leaderboards) LeaderboardKey(board string) string { return l.c.key("lb:", board) }

// incrScript increments only an existing board: a lone increment on a lost
// board would otherwise recreate it holding one member's count.
var incrScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('ZINCRBY', KEYS[1], ARGV[1], ARGV[2]) end
return false`)

// IncrIfPresent adds delta to member when the board exists.
func (l *Leaderboards) IncrIfPresent(ctx context.Context, board, member string, delta float64) error {
	err := incrScript.Run(ctx, l.c.rdb, []string{l.LeaderboardKey(board)}, delta, member).Err()
	if errors.Is(err, goredis.Nil) {
		return nil
	}
	return err
}

// Top returns every member by score, highest first (ties by member, as
// ZREVRANGE orders them); ok is false when the board is missing.
func (l *Leaderboards) Top(ctx context.Context, board string) ([]competitions.BoardMember, bool, error) {
	zs, err := l.c.rdb.ZRevRangeWithScores(ctx, l.LeaderboardKey(board), 0, -1).Result()
	if err != nil {
		return nil, false, err
	}
	if len(zs) == 0 {
		return nil, false, nil
	}
	out := make([]competitions.BoardMember, 0, len(zs)-1)
	for _, z := range zs {
		m, _ := z.Member.(string)
		if m == sentinel {
			continue
		}
		out = append(out, competitions.BoardMember{Member: m, Score: z.Score})
	}
	return out, true, nil
}

// Replace builds the new board under a temporary key and renames it over
// the old one in one transaction, so readers see the old board or the new.
func (l *Leaderboards) Replace(ctx context.Context, board string, scores map[string]float64) error {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	key := l.LeaderboardKey(board)
	tmp := key + ":build:" + hex.EncodeToString(b)
	members := make([]goredis.Z, 0, len(scores)+1)
	members = append(members, goredis.Z{Score: -1, Member: sentinel})
	for m, s := range scores {
		if m == sentinel {
			continue
		}
		members = append(members, goredis.Z{Score: s, Member: m})
	}
	_, err := l.c.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.Del(ctx, tmp)
		p.ZAdd(ctx, tmp, members...)
		p.Rename(ctx, tmp, key)
		return nil
	})
	return err
}
