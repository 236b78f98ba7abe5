package handlers_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestMetricsLabelsUnderMixedTraffic sends concurrent well-formed, unknown
// and malformed requests to a real listener (fasthttp reuses its request
// buffers there, unlike app.Test) and then checks that every label of the
// HTTP metrics is a known method and a registered route, and that /metrics
// still answers 200.
func TestMetricsLabelsUnderMixedTraffic(t *testing.T) {
	reg := prometheus.NewRegistry()
	h := newHarness(t, func(s *harnessSetup) { s.http.Registry = reg })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = h.app.Fiber.Listener(ln) }()
	t.Cleanup(func() { _ = h.app.Fiber.Shutdown() })
	base := "http://" + ln.Addr().String()

	type req struct{ method, path, body string }
	wellFormed := []req{
		{"GET", "/healthz", ""}, {"GET", "/v1/meta/vocabularies", ""}, {"POST", "/v1/auth/login", `{"phone":"13800000000","password":"x"}`},
		{"GET", "/v1/needs/abc", ""}, {"PATCH", "/v1/me", `{}`}, {"DELETE", "/v1/needs/zzz", ""}, {"OPTIONS", "/v1/needs", ""},
		{"PUT", "/no/such/route/" + strings.Repeat("x", 50), ""}, {"GET", "/v1/needs/" + strings.Repeat("é", 30), ""},
		{"POST", "/v1/auth/register", `{"phone":`},
	}
	// Raw requests no client library would send: odd methods, broken
	// request lines, long garbage paths.
	raw := []string{
		"GETT / HTTP/1.1\r\nHost: x\r\n\r\n",
		"POS /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
		"BREW /coffee HTTP/1.1\r\nHost: x\r\n\r\n",
		"get /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /" + strings.Repeat("%zz", 40) + " HTTP/1.1\r\nHost: x\r\n\r\n",
		"\x00\x01\x02 garbage\r\n\r\n",
	}
	client := &http.Client{}
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 60; i++ {
				if i%3 == 0 {
					conn, err := net.Dial("tcp", ln.Addr().String())
					if err != nil {
						continue
					}
					_, _ = io.WriteString(conn, raw[(g+i)%len(raw)])
					_, _ = bufio.NewReader(conn).ReadString('\n')
					_ = conn.Close()
					continue
				}
				r := wellFormed[(g*7+i)%len(wellFormed)]
				var body io.Reader
				if r.body != "" {
					body = strings.NewReader(r.body)
				}
				hr, _ := http.NewRequest(r.method, base+r.path, body)
				if r.body != "" {
					hr.Header.Set("Content-Type", "application/json")
				}
				if res, err := client.Do(hr); err == nil {
					_, _ = io.Copy(io.Discard, res.Body)
					_ = res.Body.Close()
				}
			}
		}()
	}
	wg.Wait()

	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("/metrics answered %d: %s", res.StatusCode, b)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	routes := map[string]bool{"unmatched": true}
	for _, r := range h.app.Fiber.GetRoutes(true) {
		routes[r.Path] = true
	}
	methods := map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true,
		"OPTIONS": true, "CONNECT": true, "TRACE": true, "OTHER": true}
	seen := 0
	for _, name := range []string{"wushe_http_requests_total", "wushe_http_request_duration_seconds"} {
		mf := families[name]
		if mf == nil {
			t.Fatalf("%s missing from /metrics", name)
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				switch l.GetName() {
				case "route":
					if !routes[l.GetValue()] {
						t.Errorf("%s: route label %q is not a registered route", name, l.GetValue())
					}
				case "method":
					if !methods[l.GetValue()] {
						t.Errorf("%s: method label %q is not a known method", name, l.GetValue())
					}
				}
				seen++
			}
		}
	}
	if seen == 0 {
		t.Fatal("no labelled HTTP series")
	}
	// The well-formed requests were counted under their patterns.
	total := families["wushe_http_requests_total"]
	want := map[string]bool{"/healthz": false, "/v1/auth/login": false, "unmatched": false}
	for _, m := range total.GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "route" {
				if _, ok := want[l.GetValue()]; ok {
					want[l.GetValue()] = true
				}
			}
		}
	}
	for r, ok := range want {
		if !ok {
			t.Errorf("no series for route %s", r)
		}
	}
}
