package handlers_test

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
)

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// TestEveryRouteRefusesBadInput walks every operation of the OpenAPI
// description and sends it bad input as a signed-in city official (who
// passes authentication everywhere): malformed JSON, a wrong-typed body,
// an unknown field, absurd query values. Every answer must be a 4xx
// problem+json, never a 500, with a listed code (checkProblem).
func TestEveryRouteRefusesBadInput(t *testing.T) {
	h := newHarness(t)
	tok := h.admin("13900000099", "4101")
	spec := h.do("GET", "/openapi.json", "")
	paths := spec.Body["paths"].(map[string]any)
	var keys []string
	for p := range paths {
		keys = append(keys, p)
	}
	sort.Strings(keys)
	tried := 0
	for _, p := range keys {
		for method, raw := range paths[p].(map[string]any) {
			op := raw.(map[string]any)
			method = strings.ToUpper(method)
			if p == "/v1/auth/logout" {
				continue // it would end the login the rest of the test uses
			}
			url := pathParam.ReplaceAllString(p, "x%22%7B%24gt%7D")
			var bodies []string
			if _, hasBody := op["requestBody"]; hasBody {
				bodies = []string{`{"broken":`, `[1,2,3]`, `{"unknownField":{"$gt":""}}`, `"just a string"`, `{"phone":12,"name":[],"to":{},"communityCode":null}`}
			} else {
				url += "?limit=-5&cursor=%00&division=abc&lat=NaN&status=%7B%7D"
				bodies = []string{""}
			}
			for _, b := range bodies {
				r := h.do(method, url, b, bearerHeader(tok)...)
				tried++
				if r.Status >= 500 || r.Status < 400 && method != http.MethodGet {
					t.Errorf("%s %s with %q: %d %s", method, url, b, r.Status, r.Raw)
					continue
				}
				if r.Status >= 400 && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
					t.Errorf("%s %s with %q: %d is not problem+json", method, url, b, r.Status)
				}
				checkProblem(t, h, method+" "+url+" "+b, r)
			}
		}
	}
	if tried < 80 {
		t.Fatalf("only %d requests tried", tried)
	}
}
