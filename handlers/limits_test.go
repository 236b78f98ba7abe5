package handlers_test

import (
	"io"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// withLimits sets the anonymous and expensive-read limits of a test.
func withLimits(anonymous, expensive int) harnessOpt {
	return func(s *harnessSetup) {
		s.svc.AnonymousLimitIP, s.svc.AnonymousWindow = anonymous, time.Minute
		s.svc.ExpensiveLimit, s.svc.ExpensiveWindow = expensive, time.Minute
	}
}

// TestAnonymousReadsAreLimitedPerIP: a burst of anonymous counts is
// refused after the limit with 429, Retry-After and a wait in words; the
// same address signed in, the static vocabularies, and another client
// (behind the trusted proxy) are not held by it.
func TestAnonymousReadsAreLimitedPerIP(t *testing.T) {
	w := newWorld(t, withLimits(5, 100), func(s *harnessSetup) { s.http.TrustedProxies = []string{"0.0.0.0"} })
	from := func(ip string) []string { return []string{"X-Forwarded-For", ip} }
	for i := 1; i <= 5; i++ {
		if r := w.h.do("GET", "/v1/needs/counts", "", from("203.0.113.7")...); r.Status != 200 {
			t.Fatalf("anonymous read %d: %d %s", i, r.Status, r.Raw)
		}
	}
	r := w.h.do("GET", "/v1/needs/counts", "", from("203.0.113.7")...)
	if r.Status != 429 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("sixth anonymous read: %d %s", r.Status, r.Raw)
	}
	secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || secs < 1 || secs > 60 {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	if !strings.Contains(r.str("detail"), strconv.Itoa(secs)+" 秒") {
		t.Errorf("the answer does not say how long to wait (%d s): %s", secs, r.Raw)
	}
	en := w.h.do("GET", "/v1/needs?limit=1", "", append(from("203.0.113.7"), "Accept-Language", "en")...)
	if en.Status != 429 || !strings.Contains(en.str("detail"), "try again in") {
		t.Errorf("a public list from the same client: %d %s", en.Status, en.Raw)
	}
	// Another client, the same client signed in, and the static vocabularies still pass.
	if r := w.h.do("GET", "/v1/needs/counts", "", from("203.0.113.8")...); r.Status != 200 {
		t.Errorf("another client: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/needs/counts", "", append(from("203.0.113.7"), bearerHeader(w.volunteer)...)...); r.Status != 200 {
		t.Errorf("the same address signed in: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("GET", "/v1/meta/vocabularies", "", from("203.0.113.7")...); r.Status != 200 {
		t.Errorf("the vocabularies: %d %s", r.Status, r.Raw)
	}
	// A client-written X-Forwarded-For entry left of the proxy's is not believed.
	if r := w.h.do("GET", "/v1/needs/counts", "", from("198.51.100.1, 203.0.113.7")...); r.Status != 429 {
		t.Errorf("a spoofed leftmost address escaped the limit: %d %s", r.Status, r.Raw)
	}
}

// counts reads GET /v1/needs/counts?division= and returns total per child code.
func countsOf(t *testing.T, h *harness, division string) map[string]float64 {
	t.Helper()
	r := h.do("GET", "/v1/needs/counts?division="+division, "")
	if r.Status != 200 {
		t.Fatalf("counts: %d %s", r.Status, r.Raw)
	}
	out := map[string]float64{}
	for _, it := range r.Body["items"].([]any) {
		m := it.(map[string]any)
		out[m["code"].(string)] = m["total"].(float64)
	}
	return out
}

// TestNeedCountsAreCachedAndRefresh: counts are right; a need posted on
// this replica shows at once; one posted on another replica shows only
// once the cache has aged past its TTL, and then correctly; a draft never
// counts.
func TestNeedCountsAreCachedAndRefresh(t *testing.T) {
	clock := &testClock{}
	ttl := func(s *harnessSetup) { s.svc.Now = clock.Now; s.svc.NeedCacheTTL = 10 * time.Second }
	w := newWorld(t, ttl)
	zy, eq := w.committees(t)
	const zhongyuan, erqi = "410102", "410103"
	c := countsOf(t, w.h, "4101")
	if c[zhongyuan] != 0 || c[erqi] != 0 {
		t.Fatalf("before any need: %v", c)
	}
	w.postNeed(t, zy, "")
	w.postNeed(t, zy, "")
	if r := w.h.do("POST", "/v1/needs", needBody(zhongyuanCommunity, `,"draft":true`), bearerHeader(zy)...); r.Status != 201 {
		t.Fatalf("draft: %d %s", r.Status, r.Raw)
	}
	if c := countsOf(t, w.h, "4101"); c[zhongyuan] != 2 || c[erqi] != 0 {
		t.Fatalf("after this replica posted two needs and a draft: %v", c)
	}
	// Another replica on the same stores posts a need in Erqi.
	other := newHarnessOn(t, w.h.db, w.h.rc, ttl)
	if r := other.do("POST", "/v1/needs", needBody(erqiCommunity, ""), bearerHeader(eq)...); r.Status != 201 {
		t.Fatalf("post on the other replica: %d %s", r.Status, r.Raw)
	}
	if c := countsOf(t, w.h, "4101"); c[erqi] != 0 {
		t.Fatalf("the cached counts already show the other replica's need: %v", c)
	}
	if c := countsOf(t, w.h, "410103"); len(c) == 0 {
		t.Fatalf("no towns in Erqi: %v", c)
	}
	clock.jumpTo(time.Now().Add(11 * time.Second))
	// A burst of concurrent reads of the stale snapshot: one read of the
	// store serves them all, and every answer is the new count.
	var wg sync.WaitGroup
	answers := make([]string, 20)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := w.h.app.Fiber.Test(httptest.NewRequest("GET", "/v1/needs/counts?division=4101", nil), -1)
			if err != nil {
				answers[i] = err.Error()
				return
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			answers[i] = strconv.Itoa(res.StatusCode) + " " + string(b)
		}()
	}
	wg.Wait()
	for _, a := range answers[1:] {
		if a != answers[0] || !strings.HasPrefix(a, "200 ") {
			t.Fatalf("concurrent counts differ: %.300s vs %.300s", a, answers[0])
		}
	}
	if c := countsOf(t, w.h, "4101"); c[zhongyuan] != 2 || c[erqi] != 1 {
		t.Fatalf("after the TTL: %v", c)
	}
	// The public list comes from the same snapshot and agrees.
	r := w.h.do("GET", "/v1/needs?division=4101&limit=1", "")
	n := 0
	for r.Status == 200 {
		n += len(r.Body["items"].([]any))
		next := r.str("nextCursor")
		if next == "" {
			break
		}
		r = w.h.do("GET", "/v1/needs?division=4101&limit=1&cursor="+urlEscape(next), "")
	}
	if r.Status != 200 || n != 3 {
		t.Fatalf("public list page by page: %d needs, last %d %s", n, r.Status, r.Raw)
	}
}

// TestExpensiveReadsAreLimitedPerAccount: city-wide CE compliance is
// refused after the limit for that account only, with Retry-After.
func TestExpensiveReadsAreLimitedPerAccount(t *testing.T) {
	w := newWorld(t, withLimits(1000, 2))
	for i := 1; i <= 2; i++ {
		if r := w.h.do("GET", "/v1/ce-compliance?division=410102", "", bearerHeader(w.city)...); r.Status != 200 {
			t.Fatalf("compliance %d: %d %s", i, r.Status, r.Raw)
		}
	}
	r := w.h.do("GET", "/v1/ce-compliance?division=410102", "", bearerHeader(w.city)...)
	if r.Status != 429 || r.Header.Get("Retry-After") == "" || !strings.Contains(r.str("detail"), "后再试") {
		t.Fatalf("third compliance list: %d %q %s", r.Status, r.Header.Get("Retry-After"), r.Raw)
	}
	if r := w.h.do("GET", "/v1/ce-compliance", "", bearerHeader(w.zhongyuan)...); r.Status != 200 {
		t.Errorf("another account: %d %s", r.Status, r.Raw)
	}
	zy, _ := w.committees(t)
	for i := 1; i <= 3; i++ {
		r := w.h.do("POST", "/v1/matching/batch", `{}`, bearerHeader(zy)...)
		if want := map[bool]int{true: 429, false: 201}[i == 3]; r.Status != want {
			t.Fatalf("batch %d: %d %s", i, r.Status, r.Raw)
		}
	}
}
