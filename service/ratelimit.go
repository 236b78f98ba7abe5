package service

import (
	"context"
	"fmt"
	"time"

	"github.com/wushe/wushe/models"
)

func (c *Config) limitDefaults() {
	if c.NeedCacheTTL == 0 {
		c.NeedCacheTTL = 15 * time.Second
	}
	if c.PublicNeedsCap == 0 {
		c.PublicNeedsCap = 100_000
	}
	if c.AnonymousLimitIP == 0 {
		c.AnonymousLimitIP = 600
	}
	if c.AnonymousWindow == 0 {
		c.AnonymousWindow = time.Minute
	}
	if c.ExpensiveLimit == 0 {
		c.ExpensiveLimit = 20
	}
	if c.ExpensiveWindow == 0 {
		c.ExpensiveWindow = time.Minute
	}
}

// limit counts one attempt under key and refuses it (429 with Retry-After,
// and the wait in words) once more than limit attempts fell in the window.
// A Redis outage fails open, logged once a minute: rate limits protect
// against abuse, never decide an outcome.
func (s *Service) limit(ctx context.Context, key string, limit int, window time.Duration) error {
	ok, retry, err := s.st.Limiter.Hit(ctx, key, limit, window)
	if err != nil {
		s.degraded(ctx, "rate limiter", err)
		return nil
	}
	if !ok {
		return tooMany(retry)
	}
	return nil
}

// tooMany is the 429 that says how long to wait.
func tooMany(retry time.Duration) *models.Error {
	secs := max(1, int(retry.Round(time.Second)/time.Second))
	wait := fmt.Sprintf("%d 秒", secs)
	waitEn := fmt.Sprintf("%d s", secs)
	if secs >= 120 {
		wait, waitEn = fmt.Sprintf("%d 分钟", (secs+59)/60), fmt.Sprintf("%d min", (secs+59)/60)
	}
	return &models.Error{Kind: models.KindRateLimited, RetryAfter: secs,
		Zh: "请求过于频繁，请 " + wait + "后再试", En: "too many requests; try again in " + waitEn}
}

// LimitAnonymous counts one read by a caller without a valid token,
// per client IP: AnonymousLimitIP per AnonymousWindow. Signed-in callers
// are held to their own limits instead (a city office's staff share one
// address).
func (s *Service) LimitAnonymous(ctx context.Context, clientIP string) error {
	return s.limit(ctx, "anon:ip:"+clientIP, s.cfg.AnonymousLimitIP, s.cfg.AnonymousWindow)
}

// limitExpensive counts one expensive read (a compliance list, a
// batch proposal, a personal-data or hours export) of an account: ExpensiveLimit
// per ExpensiveWindow for each kind.
func (s *Service) limitExpensive(ctx context.Context, actor *Actor, kind string) error {
	return s.limit(ctx, "expensive:"+kind+":"+actor.AccountID, s.cfg.ExpensiveLimit, s.cfg.ExpensiveWindow)
}
