package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
)

// TestOpenAPIDescribesEveryRoute walks Fiber's route table and fails when a
// route the server answers is missing from /openapi.json.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	h := newHarness(t)
	r := h.do("GET", "/openapi.json", "")
	if r.Status != 200 || !strings.HasPrefix(r.str("openapi"), "3.1") {
		t.Fatalf("openapi.json: %d %.200s", r.Status, r.Raw)
	}
	paths := r.Body["paths"].(map[string]any)
	n := 0
	for _, rt := range h.app.Fiber.GetRoutes(true) {
		if rt.Method == http.MethodHead || rt.Method == http.MethodConnect || rt.Method == http.MethodTrace {
			continue // Fiber adds HEAD for GET routes itself
		}
		path := openAPIPath(rt.Path)
		item, ok := paths[path].(map[string]any)
		if !ok {
			t.Errorf("route %s %s is missing from the OpenAPI description", rt.Method, rt.Path)
			continue
		}
		if _, ok := item[strings.ToLower(rt.Method)]; !ok {
			t.Errorf("route %s %s: method missing from the OpenAPI description", rt.Method, rt.Path)
		}
		n++
	}
	if n < 10 {
		t.Fatalf("only %d routes checked", n)
	}
}

// openAPIPath turns Fiber's /v1/x/:id into OpenAPI's /v1/x/{id}.
func openAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") {
			parts[i] = "{" + strings.TrimSuffix(s[1:], "?") + "}"
		}
	}
	return strings.Join(parts, "/")
}

func TestHealthReadyMetrics(t *testing.T) {
	h := newHarness(t)
	if r := h.do("GET", "/healthz", ""); r.Status != 200 {
		t.Errorf("healthz: %d", r.Status)
	}
	r := h.do("GET", "/readyz", "")
	if r.Status != 200 || r.Body["checks"].(map[string]any)["mongodb"] != "ok" || r.Body["checks"].(map[string]any)["redis"] != "ok" {
		t.Errorf("readyz: %d %s", r.Status, r.Raw)
	}
	h.do("GET", "/v1/me", "")
	m := h.do("GET", "/metrics", "")
	if m.Status != 200 || !strings.Contains(m.Raw, `wushe_http_requests_total{method="GET",route="/v1/me",status="401"} 1`) ||
		!strings.Contains(m.Raw, "wushe_http_request_duration_seconds_bucket") {
		t.Errorf("metrics lack the request: %.2000s", m.Raw)
	}
}

func TestRequestIDIsReturnedAndKept(t *testing.T) {
	h := newHarness(t)
	r := h.do("GET", "/healthz", "")
	if len(r.Header.Get("X-Request-Id")) != 32 {
		t.Errorf("no request id: %v", r.Header)
	}
	r = h.do("GET", "/healthz", "", "X-Request-Id", "client-chosen-id")
	if r.Header.Get("X-Request-Id") != "client-chosen-id" {
		t.Errorf("request id not kept: %q", r.Header.Get("X-Request-Id"))
	}
}

func TestPanicBecomesProblem(t *testing.T) {
	h := newHarness(t)
	huma.Register(h.app.API, huma.Operation{OperationID: "boom", Method: http.MethodGet, Path: "/test/boom"},
		func(ctx context.Context, _ *struct{}) (*struct{}, error) { panic("boom") })
	r := h.do("GET", "/test/boom", "")
	if r.Status != 500 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") || strings.Contains(r.Raw, "boom") {
		t.Fatalf("panic: %d %s", r.Status, r.Raw)
	}
	if r := h.do("GET", "/healthz", ""); r.Status != 200 {
		t.Errorf("server broken after a panic: %d", r.Status)
	}
}

func TestVocabularies(t *testing.T) {
	h := newHarness(t)
	r := h.do("GET", "/v1/meta/vocabularies", "")
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	found := false
	for _, v := range r.Body["vocabularies"].([]any) {
		voc := v.(map[string]any)
		if voc["name"] == "domains" {
			found = true
			terms := voc["terms"].([]any)
			if len(terms) != 20 {
				t.Errorf("domains: %d terms, want 20", len(terms))
			}
			first := terms[0].(map[string]any)
			if first["code"] != "community_governance" || first["zh"] != "社区治理" || first["en"] == "" {
				t.Errorf("first domain: %v", first)
			}
		}
	}
	if !found {
		t.Error("no domains vocabulary")
	}
}
