package handlers_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wushe/wushe/service/policy"
)

// The OpenAPI document is the contract client generators follow blindly.
// These tests hold what Redocly's recommended rules and Spectral's
// spectral:oas find (scripts/lint-openapi.sh runs them), without the npm
// tools, and what no linter can see: that the errors the server answers
// are the ones the document names.

// docOperation is one operation of the served document.
type docOperation struct {
	method, path string
	op           map[string]any
}

func documentOperations(t *testing.T, doc map[string]any) []docOperation {
	t.Helper()
	var out []docOperation
	for path, item := range doc["paths"].(map[string]any) {
		for method, raw := range item.(map[string]any) {
			out = append(out, docOperation{strings.ToUpper(method), path, raw.(map[string]any)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path+out[i].method < out[j].path+out[j].method })
	if len(out) < 150 {
		t.Fatalf("only %d operations in the document", len(out))
	}
	return out
}

// TestContract: every operation has a description saying who may call it,
// declared tags, `security: []` exactly when the policy lets anyone call
// it, and the error statuses every /v1 operation can answer; no array is
// nullable (the server sends []), no Huma-only keyword is left, and the
// 3.0 document has no $ref with siblings.
func TestContract(t *testing.T) {
	h := newHarness(t)
	doc := h.do("GET", "/openapi.json", "").Body
	declared := map[string]bool{}
	for _, raw := range doc["tags"].([]any) {
		tag := raw.(map[string]any)
		if d, _ := tag["description"].(string); d == "" {
			t.Errorf("tag %v has no description", tag["name"])
		}
		declared[tag["name"].(string)] = true
	}
	for _, o := range documentOperations(t, doc) {
		id, _ := o.op["operationId"].(string)
		name := o.method + " " + o.path + " (" + id + ")"
		desc, _ := o.op["description"].(string)
		row, inPolicy := policy.PolicyOf(policy.Action(id))
		if !inPolicy {
			t.Errorf("%s: no row in service/policy", name)
			continue
		}
		if !strings.Contains(desc, "Who may call it: ") || o.method != http.MethodGet && !strings.Contains(desc, "Changes: ") {
			t.Errorf("%s: the description does not say who may call it and what it changes: %q", name, desc)
		}
		tags, _ := o.op["tags"].([]any)
		if len(tags) == 0 {
			t.Errorf("%s: no tag", name)
		}
		for _, tag := range tags {
			if !declared[tag.(string)] {
				t.Errorf("%s: tag %v is not declared at the top level", name, tag)
			}
		}
		public := false
		for _, w := range row.Who {
			public = public || w == policy.Anyone
		}
		sec, hasSec := o.op["security"].([]any)
		switch {
		case public && (!hasSec || len(sec) != 0):
			t.Errorf("%s: public (policy: anyone) but security is %v, not []", name, o.op["security"])
		case !public && (len(sec) != 1 || sec[0].(map[string]any)["bearer"] == nil):
			t.Errorf("%s: policy %v needs a login but security is %v", name, row.Who, o.op["security"])
		}
		if !strings.HasPrefix(o.path, "/v1/") {
			continue
		}
		resp := o.op["responses"].(map[string]any)
		want := []int{400, 422, 500}
		if strings.Contains(o.path, "{") {
			want = append(want, 404)
		}
		if o.op["requestBody"] != nil {
			want = append(want, 413, 415)
		}
		if !public {
			want = append(want, 401)
		}
		if !strings.HasPrefix(o.path, "/v1/meta/") && !strings.HasPrefix(o.path, "/v1/divisions") {
			want = append(want, 503)
		}
		for _, s := range want {
			if resp[strconv.Itoa(s)] == nil {
				t.Errorf("%s: %d is not documented", name, s)
			}
		}
	}
	walkDocument(doc, "", func(at string, m map[string]any) {
		if _, ok := m["patternDescription"]; ok {
			t.Errorf("%s: Huma's patternDescription is left in the document", at)
		}
		// In a merge patch (RFC 7396) null removes a field: the patch
		// schemas are the one place a nullable array is meant.
		patch := strings.HasPrefix(at, "/components/schemas/") && strings.Contains(at, "Patch/")
		if types, ok := m["type"].([]any); ok && !patch && len(types) == 2 && (types[0] == "array" || types[1] == "array") {
			t.Errorf("%s: a nullable array (the server sends [])", at)
		}
	})
	// A generated client verifies a service record by sending back the
	// signedStatement it was given: the body's schema is that one.
	paths := doc["paths"].(map[string]any)
	verify := paths["/v1/service-records/verify"].(map[string]any)["post"].(map[string]any)
	body := verify["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"]
	record := paths["/v1/me/service-record"].(map[string]any)["get"].(map[string]any)["responses"].(map[string]any)["200"]
	ref := record.(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)["$ref"].(string)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	signed := schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)["properties"].(map[string]any)["signedStatement"]
	signedRef := signed.(map[string]any)["anyOf"].([]any)[0].(map[string]any)["$ref"] // or null: no signing key
	if body.(map[string]any)["$ref"] == nil || body.(map[string]any)["$ref"] != signedRef {
		t.Errorf("the verify body is %v, not the signedStatement %v", body, signed)
	}
	if n := len(arrayNames()); n < 20 {
		t.Errorf("only %d array names for the harness's null check", n)
	}
	doc30 := h.do("GET", "/openapi-3.0.json", "").Body
	if doc30["openapi"] != "3.0.3" {
		t.Fatalf("openapi-3.0.json is %v", doc30["openapi"])
	}
	walkDocument(doc30, "", func(at string, m map[string]any) {
		if _, ok := m["$ref"]; ok && len(m) > 1 {
			t.Errorf("3.0 %s: $ref with siblings, which 3.0 ignores", at)
		}
	})
}

func walkDocument(v any, at string, f func(at string, m map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		f(at, x)
		for k, e := range x {
			walkDocument(e, at+"/"+k, f)
		}
	case []any:
		for i, e := range x {
			walkDocument(e, at+"/"+strconv.Itoa(i), f)
		}
	}
}

// TestContractAnswers sends every /v1 operation the requests a client
// gets wrong: a malformed query string, an undeclared query parameter, no
// token, a path naming nothing, and for a body a broken one, one of
// another media type and one over the limit. Every status answered must
// be one the operation documents.
func TestContractAnswers(t *testing.T) {
	h := newHarness(t)
	tok := h.admin("13900000098", "4101")
	doc := h.do("GET", "/openapi.json", "").Body
	tried, seen := 0, map[int]int{}
	big := `{"x":"` + strings.Repeat("a", 600<<10) + `"}`
	for _, o := range documentOperations(t, doc) {
		if !strings.HasPrefix(o.path, "/v1/") || o.path == "/v1/auth/logout" {
			continue // logout would end the login the rest of the test uses
		}
		resp := o.op["responses"].(map[string]any)
		url := pathParam.ReplaceAllString(o.path, "nothing-here")
		type try struct {
			what, url, body string
			headers         []string
		}
		tries := []try{
			{"a malformed query string", url + "?a=%zz", "", bearerHeader(tok)},
			{"an undeclared query parameter", url + "?noSuchParameter=1", "", bearerHeader(tok)},
			{"no token", url, "", nil},
			{"a path naming nothing", url, "", bearerHeader(tok)},
		}
		if o.op["requestBody"] != nil {
			tries = append(tries,
				try{"a broken body", url, `{"broken":`, bearerHeader(tok)},
				try{"a text body", url, `hello`, append(bearerHeader(tok), "Content-Type", "text/plain")},
				try{"a body over the operation's limit (under the server's 1 MiB, which app.Test cannot send)", url, big, bearerHeader(tok)})
		}
		for _, c := range tries {
			r := h.do(o.method, c.url, c.body, c.headers...)
			tried++
			seen[r.Status]++
			if r.Status >= 400 && resp[strconv.Itoa(r.Status)] == nil {
				t.Errorf("%s %s with %s: %d is not documented (documented: %v)", o.method, o.path, c.what, r.Status, keys(resp))
			}
		}
	}
	if tried < 500 {
		t.Fatalf("only %d requests tried", tried)
	}
	for _, s := range []int{400, 401, 404, 413, 415, 422} {
		if seen[s] == 0 {
			t.Errorf("no request was answered %d (answers: %v)", s, seen)
		}
	}
}

// arrayNames are the property names that are arrays wherever the
// document has them (read once from the golden document).
var arrayNames = sync.OnceValue(func() map[string]bool {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Type any `json:"type"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	b, _ := os.ReadFile(filepath.Join("testdata", "openapi.json"))
	_ = json.Unmarshal(b, &doc)
	arrays, others := map[string]bool{}, map[string]bool{}
	for _, s := range doc.Components.Schemas {
		for name, p := range s.Properties {
			if p.Type == "array" {
				arrays[name] = true
			} else {
				others[name] = true
			}
		}
	}
	for name := range others {
		delete(arrays, name)
	}
	return arrays
})

// nullableNames are the property names that some schema of the document
// lets be null (a type list with "null", or an anyOf with a null branch).
var nullableNames = sync.OnceValue(func() map[string]bool {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Type  any              `json:"type"`
					AnyOf []map[string]any `json:"anyOf"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	b, _ := os.ReadFile(filepath.Join("testdata", "openapi.json"))
	_ = json.Unmarshal(b, &doc)
	out := map[string]bool{}
	for _, s := range doc.Components.Schemas {
		for name, p := range s.Properties {
			if types, ok := p.Type.([]any); ok && slices.Contains(types, any("null")) {
				out[name] = true
			}
			for _, branch := range p.AnyOf {
				if branch["type"] == "null" {
					out[name] = true
				}
			}
		}
	}
	return out
})

// noUndocumentedNulls fails the test when an answer has a null member that
// no schema of the document lets be null: a strict client (ogen) would
// refuse the answer.
func noUndocumentedNulls(t *testing.T, req string, v any) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if e == nil && !nullableNames()[k] && !arrayNames()[k] {
				t.Errorf("%s: %q is null, but no schema says it may be", req, k)
			}
			noUndocumentedNulls(t, req, e)
		}
	case []any:
		for _, e := range x {
			noUndocumentedNulls(t, req, e)
		}
	}
}

// noNullArrays fails the test when an answer has null where the document
// promises an array (arrays are not nullable: the server sends []). Every
// answer of the harness passes through it.
func noNullArrays(t *testing.T, req string, v any) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if e == nil && arrayNames()[k] {
				t.Errorf("%s: %q is null, but the document says it is an array", req, k)
			}
			noNullArrays(t, req, e)
		}
	case []any:
		for _, e := range x {
			noNullArrays(t, req, e)
		}
	}
}

var (
	looksLikeInstant = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}`)
	utcMillis        = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`)
)

// instantsInUTC fails when a string of v that reads as a date and time is
// not in the API's one form: RFC 3339, UTC, three fractional digits
// (docs/api.md, models.InstantLayout). It runs on every answer the harness
// sees.
func instantsInUTC(t *testing.T, req string, v any) {
	t.Helper()
	switch x := v.(type) {
	case string:
		if looksLikeInstant.MatchString(x) && !utcMillis.MatchString(x) {
			t.Errorf("%s: instant %q is not RFC 3339 UTC with milliseconds", req, x)
		}
	case map[string]any:
		for _, e := range x {
			instantsInUTC(t, req, e)
		}
	case []any:
		for _, e := range x {
			instantsInUTC(t, req, e)
		}
	}
}
