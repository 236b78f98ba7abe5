package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Helpers of the policy matrix (policy_matrix_test.go): request bodies made
// from the OpenAPI schemas, and snapshots of the database.

var refName = regexp.MustCompile(`^#/components/schemas/(.+)$`)

// sample makes a value of schema s: the victims' value for a field that
// names an object, else the first enum value or a plain value of the type.
func sample(spec map[string]any, s map[string]any, field string, known map[string]any, depth int) any {
	if ref, ok := s["$ref"].(string); ok {
		m := refName.FindStringSubmatch(ref)
		if m == nil {
			return nil
		}
		s = spec["components"].(map[string]any)["schemas"].(map[string]any)[m[1]].(map[string]any)
	}
	if v, ok := known[field]; ok {
		return v
	}
	if e, ok := s["enum"].([]any); ok && len(e) > 0 {
		return e[0]
	}
	typ := s["type"]
	if ts, ok := typ.([]any); ok && len(ts) > 0 {
		typ = ts[0]
	}
	switch typ {
	case "object":
		out := map[string]any{}
		if depth > 4 {
			return out
		}
		props, _ := s["properties"].(map[string]any)
		req := map[string]bool{}
		for _, r := range asSlice(s["required"]) {
			req[r.(string)] = true
		}
		for name, p := range props {
			if _, k := known[name]; req[name] || k {
				out[name] = sample(spec, p.(map[string]any), name, known, depth+1)
			}
		}
		return out
	case "array":
		item, _ := s["items"].(map[string]any)
		if item == nil {
			return []any{}
		}
		return []any{sample(spec, item, strings.TrimSuffix(field, "s"), known, depth+1)}
	case "integer", "number":
		if m, ok := s["minimum"].(float64); ok && m > 1 {
			return m
		}
		return 1
	case "boolean":
		return true
	}
	switch s["format"] {
	case "date-time":
		return time.Now().UTC().Add(48 * time.Hour).Format(time.RFC3339)
	case "date":
		return today(0)
	}
	p, _ := s["pattern"].(string)
	if strings.Contains(p, "[0-9]{4}-") || field == "date" || strings.HasSuffix(field, "On") || field == "start" || field == "end" || field == "due" || field == "effectiveFrom" {
		return today(-1)
	}
	if strings.Contains(p, "[0-9]{12}") {
		return zhongyuanCommunity
	} else if strings.Contains(p, "[0-9]") {
		return "410102"
	}
	if n, ok := s["minLength"].(float64); ok && n > 4 {
		return strings.Repeat("测", int(n))
	}
	return "测试内容"
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

// snapshot is every document of the database, by collection and _id.
func snapshot(t *testing.T, h *harness) map[string]string {
	t.Helper()
	ctx := context.Background()
	db := h.db.Database()
	names, err := db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, n := range names {
		cur, err := db.Collection(n).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		var docs []bson.M
		if err := cur.All(ctx, &docs); err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			raw, _ := bson.MarshalExtJSON(d, false, false)
			var canonical any // keys sorted: the store need not keep their order
			_ = json.Unmarshal(raw, &canonical)
			sorted, _ := json.Marshal(canonical)
			out[n+"/"+fmt.Sprint(d["_id"])] = string(sorted)
		}
	}
	return out
}

func mentionsAny(doc string, ids map[string]bool) bool {
	for id := range ids {
		if strings.Contains(doc, id) {
			return true
		}
	}
	return false
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// everyRefused reports whether each item of a bulk answer carries a problem.
func everyRefused(results []any) bool {
	for _, x := range results {
		if m, _ := x.(map[string]any); m == nil || m["problem"] == nil {
			return false
		}
	}
	return len(results) > 0
}
