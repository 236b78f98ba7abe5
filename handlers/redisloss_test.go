package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/wushe/wushe/store/redis"
)

// wipeRedis deletes every key of the harness's prefix: what this
// deployment sees when its Redis restarts empty.
func (h *harness) wipeRedis() {
	h.t.Helper()
	ctx := context.Background()
	iter := h.rc.Redis().Scan(ctx, 0, h.rc.Prefix()+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		h.t.Fatal(err)
	}
	if len(keys) > 0 {
		if err := h.rc.Redis().Del(ctx, keys...).Err(); err != nil {
			h.t.Fatal(err)
		}
	}
}

// TestRevocationSurvivesRedisLosingItsData: a logged-out login and a
// deactivated account stay refused after Redis loses every key, and a login
// that was never revoked keeps working.
func TestRevocationSurvivesRedisLosingItsData(t *testing.T) {
	w := newWorld(t)
	h := w.h
	h.register("13900000101")
	out, _ := h.login("13900000101", "secret-pass")
	kept, _ := h.login("13900000101", "secret-pass")
	deactivatedID := h.register("13900000102")
	deactivated, _ := h.login("13900000102", "secret-pass")
	for _, tok := range []string{out, kept, deactivated} {
		if r := h.me(tok); r.Status != 200 { // the gates are now cached in Redis
			t.Fatalf("before: %d %s", r.Status, r.Raw)
		}
	}
	if r := h.do("POST", "/v1/auth/logout", "", bearerHeader(out)...); r.Status != 204 {
		t.Fatalf("logout: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/accounts/"+deactivatedID+"/deactivate", `{"reason":"违规"}`, bearerHeader(w.city)...); r.Status != 200 {
		t.Fatalf("deactivate: %d %s", r.Status, r.Raw)
	}
	check := func(when string) {
		t.Helper()
		if r := h.me(out); r.Status != 401 {
			t.Errorf("%s: logged-out token answers %d", when, r.Status)
		}
		if r := h.me(deactivated); r.Status != 401 {
			t.Errorf("%s: deactivated account's token answers %d", when, r.Status)
		}
		if r := h.do("POST", "/v1/organisations/"+w.orgA+"/complaints", `{"category":"service_quality","content":"服务人员多次迟到且态度恶劣"}`, bearerHeader(out)...); r.Status != 401 {
			t.Errorf("%s: logged-out token files a complaint: %d", when, r.Status)
		}
		if r := h.me(kept); r.Status != 200 {
			t.Errorf("%s: the other login answers %d", when, r.Status)
		}
	}
	check("with Redis")
	h.wipeRedis()
	check("after Redis lost its data")
	check("after the cache refilled from MongoDB")
}

// deadRedis points every Redis-backed store of the harness at a Redis
// that refuses connections: Redis is down for the whole test.
func deadRedis(t *testing.T) harnessOpt {
	dead, err := redis.New("redis://127.0.0.1:1/0", "dead:", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dead.Close() })
	return func(s *harnessSetup) {
		s.stores.Limiter, s.stores.Codes, s.stores.TokenGates, s.stores.Redis = dead, dead, dead, dead
		s.stores.Leaderboard, s.stores.Bus = dead.Leaderboards(), dead
		s.http.Redis = dead.Breaker()
	}
}

// TestRedisDownMongoBackedWorkGoesOn: with Redis down from the start,
// accounts, logins, revocation, organisations and profiles (all kept in
// MongoDB) work; readiness stays 200 and says Redis is degraded; only what
// lives in Redis by nature (SMS codes) answers 503 with Retry-After.
func TestRedisDownMongoBackedWorkGoesOn(t *testing.T) {
	w := newWorld(t, deadRedis(t)) // civil affairs, organisations, members, logins: all without Redis
	h := w.h
	id, tok := w.volunteerWith(t, h.do, "13900000201", volunteerBody("", ""))
	if r := h.me(tok); r.Status != 200 || r.str("id") != id {
		t.Fatalf("me: %d %s", r.Status, r.Raw)
	}
	if r := h.do("GET", "/v1/me/volunteer-profile", "", bearerHeader(tok)...); r.Status != 200 {
		t.Fatalf("profile: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/auth/logout", "", bearerHeader(tok)...); r.Status != 204 {
		t.Fatalf("logout: %d %s", r.Status, r.Raw)
	}
	if r := h.me(tok); r.Status != 401 {
		t.Errorf("logged-out token answers %d with Redis down", r.Status)
	}
	r := h.do("GET", "/readyz", "")
	if r.Status != 200 || r.str("status") != "degraded" {
		t.Errorf("readyz with Redis down: %d %s", r.Status, r.Raw)
	}
	r = h.do("POST", "/v1/auth/sms-codes", `{"phone":"13900000299","purpose":"register"}`)
	if r.Status != 503 || r.Header.Get("Retry-After") == "" {
		t.Errorf("SMS code with Redis down: %d, Retry-After %q: %s", r.Status, r.Header.Get("Retry-After"), r.Raw)
	}
}
