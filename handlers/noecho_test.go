package handlers_test

import (
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"testing"
)

// echoMarker is a value no message may repeat.
const echoMarker = "Zq7Echo"

// goLeaks are words that only reach an answer from a Go error text.
var goLeaks = []string{echoMarker, strings.ToLower(echoMarker), "struct", "float64", "int64", "json:", "unmarshal", "Go value", "Go type", "reflect", "strconv"}

// TestErrorsNeverEchoValues walks every operation of the OpenAPI
// description and sends, field by field, values of the wrong type, values
// carrying a marker string, and numbers Go cannot hold, in the body, the
// query and the path. No answer may repeat the marker or name a Go type.
func TestErrorsNeverEchoValues(t *testing.T) {
	h := newHarness(t)
	tok := h.admin("13900000098", "4101")
	spec := h.do("GET", "/openapi.json", "")
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(spec.Raw), &doc); err != nil {
		t.Fatal(err)
	}
	resolve := func(s map[string]any) map[string]any {
		for i := 0; i < 5; i++ {
			ref, ok := s["$ref"].(string)
			if !ok {
				return s
			}
			var next map[string]any
			_ = json.Unmarshal(doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")], &next)
			s = next
		}
		return s
	}
	// bad values for a property of the given schema: the wrong type with
	// the marker, the marker in the right type, and a number too large.
	bad := func(s map[string]any) []any {
		s = resolve(s)
		typ, _ := s["type"].(string)
		if ts, ok := s["type"].([]any); ok && len(ts) > 0 {
			typ, _ = ts[0].(string)
		}
		switch typ {
		case "string":
			return []any{12.5, echoMarker + "<x>", map[string]any{echoMarker: 1}, "a@" + echoMarker}
		case "integer":
			return []any{echoMarker, 1e30, -1e30, 1.5, map[string]any{"$gt": echoMarker}}
		case "number":
			return []any{echoMarker, 1e301, []any{echoMarker}}
		case "boolean":
			return []any{echoMarker, 3}
		case "array":
			return []any{echoMarker, []any{echoMarker, 1e30, map[string]any{echoMarker: true}}}
		default:
			return []any{echoMarker, 1e30, []any{echoMarker}}
		}
	}
	var paths []string
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	tried := 0
	check := func(method, path, body string, r response) {
		t.Helper()
		tried++
		if r.Status < 400 {
			return // only problems are checked: a stored value read back is no echo
		}
		checkProblem(t, h, method+" "+path+" "+body, r)
		raw := withoutUnknownFieldNames(r)
		for _, w := range goLeaks {
			if strings.Contains(raw, w) {
				t.Errorf("%s %s %s: the answer contains %q: %d %.600s", method, path, body, w, r.Status, r.Raw)
				return
			}
		}
	}
	for _, p := range paths {
		for method, raw := range doc.Paths[p] {
			method = strings.ToUpper(method)
			if p == "/v1/auth/logout" || (method != "GET" && method != "POST" && method != "PUT" && method != "PATCH" && method != "DELETE") {
				continue
			}
			var op struct {
				Parameters []struct {
					Name, In string
					Schema   map[string]any
				}
				RequestBody struct {
					Content map[string]struct {
						Schema map[string]any
					}
				}
			}
			_ = json.Unmarshal(raw, &op)
			path := pathParam.ReplaceAllString(p, url.PathEscape(echoMarker+`"{`))
			for _, prm := range op.Parameters {
				if prm.In != "query" {
					continue
				}
				for _, v := range []string{echoMarker, "1e30", "-" + echoMarker + "%"} {
					q := path + "?" + prm.Name + "=" + url.QueryEscape(v)
					check(method, q, "", h.do(method, q, "", bearerHeader(tok)...))
				}
			}
			if method == "GET" || method == "DELETE" {
				check(method, path, "", h.do(method, path, "", bearerHeader(tok)...))
			}
			var schema map[string]any
			for _, c := range op.RequestBody.Content {
				schema = resolve(c.Schema)
			}
			if schema == nil {
				continue
			}
			props, _ := schema["properties"].(map[string]any)
			var names []string
			for n := range props {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				for _, v := range bad(props[n].(map[string]any)) {
					b, _ := json.Marshal(map[string]any{n: v})
					body := string(b)
					if f, ok := v.(float64); ok && (f > 1e300 || f < -1e300) {
						body = `{"` + n + `":1e400}`
					}
					check(method, path, body, h.do(method, path, body, bearerHeader(tok)...))
				}
			}
			for _, body := range []string{`{"` + echoMarker + `":1}`, `"` + echoMarker + `"`, `[` + echoMarker + `]`, `{"a":1,}` + echoMarker} {
				check(method, path, body, h.do(method, path, body, bearerHeader(tok)...))
			}
		}
	}
	if tried < 500 {
		t.Fatalf("only %d requests tried", tried)
	}
	t.Logf("%d requests, none echoed a value or named a Go type", tried)
}

// TestErrorsNeverEchoValuesInValidBodies takes bodies that pass the schema
// and replaces one leaf at a time with a value of the right JSON type that
// Go cannot hold or the service refuses (a number too large for an int, a
// marker string in a code, a date or an id): Huma's schema check passes
// and the JSON decoding or the service answers. None may echo the value
// or name a Go type.
func TestErrorsNeverEchoValuesInValidBodies(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	cases := []struct {
		method, path, body, token string
	}{
		{"POST", "/v1/needs", needBody(zhongyuanCommunity, `,"requiredSkills":[{"code":"first_aid","level":1}],"budgetFen":100`), zy},
		{"POST", "/v1/auth/register", `{"phone":"13900000201","password":"secret-pass","name":"测试"}`, ""},
		{"POST", "/v1/auth/login", `{"phone":"13900000201","password":"secret-pass"}`, ""},
		{"POST", "/v1/auth/sms-codes", `{"phone":"13900000201","purpose":"register"}`, ""},
		{"PUT", "/v1/me/volunteer-profile", `{"name":"张三","home":{"lat":34.75,"lng":113.61},"maxDistanceKm":5,"skills":[{"code":"first_aid","level":1}]}`, w.volunteer},
		{"POST", "/v1/me/training", `{"course":"课程","provider":"协会","category":"course","hours":1.5,"date":"2026-01-02"}`, w.volunteer},
	}
	tried := 0
	for _, c := range cases {
		var doc any
		if err := json.Unmarshal([]byte(c.body), &doc); err != nil {
			t.Fatalf("%s: %v", c.body, err)
		}
		for _, body := range mutations(doc) {
			var hdr []string
			if c.token != "" {
				hdr = bearerHeader(c.token)
			}
			r := w.h.do(c.method, c.path, body, hdr...)
			tried++
			if r.Status < 400 {
				continue
			}
			if r.Status >= 500 {
				t.Errorf("%s %s %s: %d %s", c.method, c.path, body, r.Status, r.Raw)
			}
			checkProblem(t, w.h, c.method+" "+c.path+" "+body, r)
			for _, leak := range goLeaks {
				if strings.Contains(r.Raw, leak) {
					t.Errorf("%s %s %s: the answer contains %q: %d %.600s", c.method, c.path, body, leak, r.Status, r.Raw)
					break
				}
			}
		}
	}
	if tried < 60 {
		t.Fatalf("only %d requests tried", tried)
	}
}

// mutations returns doc encoded once for each leaf replaced by each of a
// few bad values of the leaf's own JSON type.
func mutations(doc any) []string {
	var out []string
	var walk func(v any, set func(any))
	walk = func(v any, set func(any)) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(e, func(n any) { x[k] = n })
				x[k] = e
			}
		case []any:
			for i, e := range x {
				walk(e, func(n any) { x[i] = n })
				x[i] = e
			}
		case float64:
			for _, bad := range []string{"1e30", "-1e30", "123456789012345678901234567890", "1e308", "0.000001"} {
				set(json.RawMessage(bad))
				b, _ := json.Marshal(doc)
				out = append(out, string(b))
			}
			set(x)
		case string:
			for _, bad := range []string{echoMarker, echoMarker + "-2026-13-45T99:99:99Z", "1" + echoMarker + "@x"} {
				set(bad)
				b, _ := json.Marshal(doc)
				out = append(out, string(b))
			}
			set(x)
		}
	}
	walk(doc, nil)
	return out
}

// withoutUnknownFieldNames is the answer without the locations of its
// "unknown field" errors: they name the field the client sent (a name, not
// a value; the API limits them to identifiers).
func withoutUnknownFieldNames(r response) string {
	raw := r.Raw
	errs, _ := r.Body["errors"].([]any)
	for _, e := range errs {
		m, _ := e.(map[string]any)
		loc, _ := m["location"].(string)
		if msg, _ := m["message"].(string); msg == "不允许的字段" || msg == "unexpected property" {
			raw = strings.Replace(raw, `"location":"`+loc+`"`, "", 1)
		}
	}
	return raw
}
