package handlers_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"regexp"
	"strings"
	"testing"
)

var consoleAsset = regexp.MustCompile(`/console/assets/[A-Za-z0-9._-]+\.(js|css)`)

// TestConsoleServesIndexAssetsAndDeepLinks checks the embedded web console:
// index.html at /console/, its hashed assets with their content types and a
// year-long immutable cache, index.html for the console's own deep links,
// 404 for a missing asset, gzip, and revalidation by ETag.
func TestConsoleServesIndexAssetsAndDeepLinks(t *testing.T) {
	h := newHarness(t)

	idx := h.do("GET", "/console/", "")
	if idx.Status != 200 || !strings.HasPrefix(idx.Header.Get("Content-Type"), "text/html") || !strings.Contains(idx.Raw, `<div id="app">`) {
		t.Fatalf("/console/: %d %q %.300s", idx.Status, idx.Header.Get("Content-Type"), idx.Raw)
	}
	if cc := idx.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("index.html Cache-Control %q, want no-cache", cc)
	}
	if csp := idx.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("index.html CSP %q", csp)
	}
	if idx.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no nosniff")
	}

	assets := consoleAsset.FindAllString(idx.Raw, -1)
	wantTypes := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
	seen := map[string]bool{}
	for _, a := range assets {
		ext := a[strings.LastIndex(a, "."):]
		seen[ext] = true
		r := h.do("GET", a, "")
		if r.Status != 200 || r.Header.Get("Content-Type") != wantTypes[ext] {
			t.Errorf("%s: %d %q", a, r.Status, r.Header.Get("Content-Type"))
		}
		if cc := r.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control %q", a, cc)
		}
		if len(r.Raw) < 1000 {
			t.Errorf("%s: only %d bytes", a, len(r.Raw))
		}
		// gzip on request, the same bytes once decompressed
		z := h.do("GET", a, "", "Accept-Encoding", "gzip")
		if z.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: not gzipped (%q)", a, z.Header.Get("Content-Encoding"))
		} else if zr, err := gzip.NewReader(bytes.NewReader([]byte(z.Raw))); err != nil {
			t.Errorf("%s: %v", a, err)
		} else if plain, _ := io.ReadAll(zr); string(plain) != r.Raw {
			t.Errorf("%s: gzip body differs", a)
		}
		// revalidation
		if nm := h.do("GET", a, "", "If-None-Match", r.Header.Get("ETag")); nm.Status != 304 {
			t.Errorf("%s with its ETag: %d, want 304", a, nm.Status)
		}
	}
	if !seen[".js"] || !seen[".css"] {
		t.Fatalf("index.html names no script or style asset: %v", assets)
	}

	// The console's own routes deep-link: index.html, not cached for long.
	for _, p := range []string{"/console", "/console/needs/0123abcd", "/console/needs/0123abcd/code/0123abcd%2320261128T0900", "/console/reviews/c1/e2?x=1"} {
		r := h.do("GET", p, "")
		if r.Status != 200 || r.Raw != idx.Raw || r.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("deep link %s: %d %q, want index.html", p, r.Status, r.Header.Get("Cache-Control"))
		}
	}
	// A missing hashed file, or anything that looks like a file, is a 404 problem.
	for _, p := range []string{"/console/assets/index-00000000.js", "/console/favicon.ico"} {
		r := h.do("GET", p, "")
		if r.Status != 404 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s: %d %q, want a 404 problem", p, r.Status, r.Header.Get("Content-Type"))
		}
	}
	// Nothing escapes the embedded directory.
	if r := h.do("GET", "/console/../../go.mod", ""); strings.Contains(r.Raw, "module github.com") {
		t.Error("path traversal out of the console")
	}

	spec := h.do("GET", "/openapi.json", "")
	if _, ok := spec.Body["paths"].(map[string]any)["/console/*"]; !ok {
		t.Error("/console/* is missing from the OpenAPI description")
	}
}

var appAsset = regexp.MustCompile(`/m/assets/[A-Za-z0-9._-]+\.(js|css)`)

// TestVolunteerAppServesIndexAssetsAndDeepLinks checks the embedded
// volunteers' app at /m/: index.html with the strict CSP, its hashed assets
// immutable, its manifest, deep links answering index.html, 404 for a
// missing asset, and that the console does not serve the app's files.
func TestVolunteerAppServesIndexAssetsAndDeepLinks(t *testing.T) {
	h := newHarness(t)

	idx := h.do("GET", "/m/", "")
	if idx.Status != 200 || !strings.HasPrefix(idx.Header.Get("Content-Type"), "text/html") || !strings.Contains(idx.Raw, `<div id="app">`) {
		t.Fatalf("/m/: %d %q %.300s", idx.Status, idx.Header.Get("Content-Type"), idx.Raw)
	}
	if cc := idx.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("index.html Cache-Control %q, want no-cache", cc)
	}
	if csp := idx.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") ||
		strings.Contains(csp, "unsafe-inline") {
		t.Errorf("index.html CSP %q", csp)
	}
	if !strings.Contains(idx.Raw, `rel="manifest" href="/m/manifest.webmanifest"`) {
		t.Error("index.html names no manifest")
	}
	assets := appAsset.FindAllString(idx.Raw, -1)
	if len(assets) < 2 {
		t.Fatalf("index.html names no script and style: %v", assets)
	}
	for _, a := range assets {
		r := h.do("GET", a, "")
		if r.Status != 200 || r.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s: %d %q", a, r.Status, r.Header.Get("Cache-Control"))
		}
		if z := h.do("GET", a, "", "Accept-Encoding", "gzip"); z.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: not gzipped", a)
		}
		if nm := h.do("GET", a, "", "If-None-Match", r.Header.Get("ETag")); nm.Status != 304 {
			t.Errorf("%s with its ETag: %d, want 304", a, nm.Status)
		}
	}
	if m := h.do("GET", "/m/manifest.webmanifest", ""); m.Status != 200 || m.Header.Get("Content-Type") != "application/manifest+json" ||
		!strings.Contains(m.Raw, `"start_url": "/m/"`) {
		t.Errorf("manifest: %d %q %.200s", m.Status, m.Header.Get("Content-Type"), m.Raw)
	}
	for _, p := range []string{"/m", "/m/invitations", "/m/checkin?occ=n1%2320261128T0900", "/m/verify"} {
		r := h.do("GET", p, "")
		if r.Status != 200 || r.Raw != idx.Raw || r.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("deep link %s: %d %q, want index.html", p, r.Status, r.Header.Get("Cache-Control"))
		}
	}
	for _, p := range []string{"/m/assets/index-00000000.js", "/m/favicon.ico", "/console/m/index.html", "/console/m/manifest.webmanifest"} {
		if r := h.do("GET", p, ""); r.Status != 404 {
			t.Errorf("%s: %d, want 404", p, r.Status)
		}
	}
}
