package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/store/embedded"
	"github.com/wushe/wushe/store/mongo"
	"github.com/wushe/wushe/store/storetest"
)

// TestMongoDownAnswers503: with the database gone, every API request that
// needs it answers 503 (GET /v1/me may answer from the replica's memory) problem+json with Retry-After (never a 500, a 404
// or a 422 such as "give a location"), /readyz is 503 and names MongoDB,
// and the parts that need no store (liveness, vocabularies) still answer.
func TestMongoDownAnswers503(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	m, err := embedded.StartMongo(ctx, t.TempDir(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	db, err := mongo.Open(ctx, m.URI(), "wushe", quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	if err := db.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	_, rc := storetest.Open(t)
	h := newHarnessOn(t, db, rc)
	h.register("13900000301")
	tok, _ := h.login("13900000301", "secret-pass")
	before := h.me(tok)
	if before.Status != 200 {
		t.Fatalf("me: %d %s", before.Status, before.Raw)
	}

	_ = m.Close() // the database is gone

	requests := []struct{ method, path, body string }{
		{"GET", "/v1/me", ""},
		{"GET", "/v1/needs/near", ""}, // a volunteer without a location: must not be read as "no home"
		{"GET", "/v1/needs/near?lat=34.75&lng=113.6", ""},
		{"PUT", "/v1/me/volunteer-profile", volunteerBody("", "")},
		{"POST", "/v1/auth/login", `{"phone":"13900000301","password":"secret-pass"}`},
		{"POST", "/v1/auth/register", `{"phone":"13900000302","password":"secret-pass","name":"测试用户"}`},
		{"GET", "/v1/funds", ""},
	}
	deadline := time.Now().Add(time.Minute)
	var slowest [3]time.Duration
	for round := 0; round < 3; round++ {
		for _, rq := range requests {
			start := time.Now()
			r := h.do(rq.method, rq.path, rq.body, bearerHeader(tok)...)
			slowest[round] = max(slowest[round], time.Since(start))
			if rq.path == "/v1/me" && r.Status == 200 {
				// The replica's memory of the account (accounts.LocalAccountTTL)
				// may answer without the database, with what it answered before.
				if r.Raw != before.Raw {
					t.Errorf("round %d: GET /v1/me from memory: %s, before: %s", round, r.Raw, before.Raw)
				}
				continue
			}
			if r.Status != 503 || r.Header.Get("Retry-After") == "" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("round %d: %s %s with the database down: %d, Retry-After %q, %s: %s", round, rq.method, rq.path,
					r.Status, r.Header.Get("Retry-After"), r.Header.Get("Content-Type"), r.Raw)
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("requests kept waiting on the dead database")
		}
	}
	t.Logf("slowest answer per round (information, not a check): %v", slowest) // the figures are measured by scripts/prodcheck
	if r := h.do("GET", "/readyz", ""); r.Status != 503 || !strings.Contains(r.Raw, `"mongodb":"down"`) || r.Header.Get("Retry-After") == "" {
		t.Errorf("readyz with the database down: %d %s", r.Status, r.Raw)
	}
	if r := h.do("GET", "/healthz", ""); r.Status != 200 {
		t.Errorf("healthz with the database down: %d", r.Status)
	}
	if r := h.do("GET", "/v1/meta/vocabularies", ""); r.Status != 200 {
		t.Errorf("vocabularies with the database down: %d", r.Status)
	}
}

// TestRequestDeadline: a request that cannot finish within the deadline
// (here it waits for an object another process holds) answers 503 with
// Retry-After and changes nothing.
func TestRequestDeadline(t *testing.T) {
	h := newHarness(t, func(s *harnessSetup) { s.http.RequestTimeout = 300 * time.Millisecond })
	id := h.register("13900000401")
	tok, _ := h.login("13900000401", "secret-pass")
	ctx := context.Background()
	unlock, err := storetest.Another(t, h.db).Locks().Lock(ctx, "volunteer:"+id, time.Minute, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	r := h.do("PUT", "/v1/me/volunteer-profile", volunteerBody("", ""), bearerHeader(tok)...)
	unlock()
	if r.Status != 503 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("past the deadline: %d, Retry-After %q: %s", r.Status, r.Header.Get("Retry-After"), r.Raw)
	}
	if r := h.do("GET", "/v1/me/volunteer-profile", "", bearerHeader(tok)...); r.Status != 404 {
		t.Errorf("the profile exists after a request that timed out: %d %s", r.Status, r.Raw)
	}
}
