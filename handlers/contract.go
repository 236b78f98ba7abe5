package handlers

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/yaml"
	"github.com/gofiber/fiber/v2"

	"github.com/wushe/wushe/service/policy"
)

// The OpenAPI document is the contract clients are generated from, so it
// says everything a client needs and nothing a generator would misread.
// Huma derives it from the code; finishDocument completes it in one place
// once every route is registered, and serveDocument serves it (3.1 and a
// valid 3.0 downgrade). docs/api.md explains what a linter may still
// remark on. TestContract (contract_test.go) holds these properties.

func init() {
	// The server sends [] for an empty list, never null (lists are made
	// with make, DTOs fill their slices): arrays are not nullable.
	huma.DefaultArrayNullable = false
}

// datePattern is the pattern of a calendar date field (YYYY-MM-DD).
const datePattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

// rateLimited are the operations whose callers are counted and may get
// 429 (besides every anonymous read, see documentErrors).
var rateLimited = map[string]bool{
	"login": true, "register": true, "reset-password": true, "request-sms-code": true, "wechat-login": true,
	"wechat-bind": true, "change-phone": true, "erase-me": true, "export-my-data": true, "export-hours": true,
	"organisation-ce-compliance": true, "division-ce-compliance": true, "propose-batch": true,
	"refresh-dashboard": true, "vote-entry": true,
}

// finishDocument completes the generated document: servers, tags with
// their descriptions, each operation's description (what it does, who may
// call it, what it changes), `security: []` on public operations, every
// error status an operation can answer, and schemas a 3.1 validator and a
// client generator read alike (no Huma-only keywords, dates as dates).
func finishDocument(oa *huma.OpenAPI) {
	oa.Servers = []*huma.Server{{URL: "/", Description: "本服务 This server"}}
	used := map[string]bool{}
	for path, item := range oa.Paths {
		for _, op := range operations(item) {
			for _, t := range op.Tags {
				used[t] = true
			}
			describe(op)
			if row, ok := policy.PolicyOf(policy.Action(op.OperationID)); ok && public(row) && op.Security == nil {
				op.Security = []map[string][]string{} // no login needed; a token, when sent, makes the caller known
			}
			if strings.HasPrefix(path, "/v1/") {
				documentErrors(path, op)
			}
			for _, p := range op.Parameters {
				finishSchema(p.Schema, map[*huma.Schema]bool{})
			}
		}
	}
	oa.Tags = nil
	for t := range used {
		oa.Tags = append(oa.Tags, &huma.Tag{Name: t, Description: tagDescriptions[t]})
	}
	sort.Slice(oa.Tags, func(i, j int) bool { return oa.Tags[i].Name < oa.Tags[j].Name })
	seen := map[*huma.Schema]bool{}
	for _, s := range oa.Components.Schemas.Map() {
		finishSchema(s, seen)
	}
	for name, prop := range signedInstants {
		if p := oa.Components.Schemas.Map()[name].Properties[prop]; p != nil {
			p.Format = ""
			p.Description = "RFC 3339 UTC，毫秒（签名文本的一部分，请按字符串原样保留）" +
				" RFC 3339 in UTC with milliseconds; part of the signed text: keep it as the string it is"
		}
	}
	for name, props := range nullableObjects {
		s := oa.Components.Schemas.Map()[name]
		for _, prop := range props {
			if p := s.Properties[prop]; p != nil && p.Ref != "" {
				s.Properties[prop] = &huma.Schema{Description: p.Description,
					AnyOf: []*huma.Schema{{Ref: p.Ref}, {Type: "null"}}}
			}
		}
	}
}

// signedInstants are the instants inside a signed statement, typed as
// plain strings: a generated client that read them as date-times would
// write them back in its own form (Go trims the milliseconds' zeros) and
// the statement it posts to verify would no longer be the signed text.
var signedInstants = map[string]string{"ServiceStatement": "issuedAt", "StatementRecord": "verifiedAt"}

// nullableObjects are the object members answered as null when there is
// nothing (a pointer to a struct without omitempty). Huma types scalars of
// that kind as nullable itself but not objects; these become an anyOf of
// the object and null (`nullable` in the 3.0 document). The handler tests
// fail on any null in an answer that no schema allows.
var nullableObjects = map[string][]string{
	"FundGrantOutputBody":     {"evaluation"},                        // no evaluation yet
	"PriceTablesOutputBody":   {"inForce"},                           // no table in force
	"ServiceRecordOutputBody": {"signedStatement"},                   // no signing key configured
	"TrancheDTO":              {"report", "verification", "release"}, // steps not yet taken
}

// operations lists the operations of a path.
func operations(item *huma.PathItem) []*huma.Operation {
	var out []*huma.Operation
	for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Delete, item.Patch, item.Head, item.Options, item.Trace} {
		if op != nil {
			out = append(out, op)
		}
	}
	return out
}

// public reports whether a policy row lets anyone call the operation.
func public(r policy.Rule) bool {
	for _, w := range r.Who {
		if w == policy.Anyone {
			return true
		}
	}
	return false
}

// describe completes an operation's description: what it does (its own
// description, else its summary), who may call it (the policy row) and
// what it changes.
func describe(op *huma.Operation) {
	var b strings.Builder
	if op.Description != "" {
		b.WriteString(op.Description)
	} else {
		b.WriteString(op.Summary)
		b.WriteString(".")
	}
	row, ok := policy.PolicyOf(policy.Action(op.OperationID))
	if ok {
		who := make([]string, len(row.Who))
		for i, w := range row.Who {
			who[i] = relationWords[string(w)]
		}
		b.WriteString("\n\nWho may call it: " + strings.Join(who, "; or ") + ".")
		if row.Also != "" {
			b.WriteString(" Also: " + row.Also + ".")
		}
	}
	change := changes[op.OperationID]
	if op.Method == http.MethodGet {
		change = "nothing (a read)"
		if strings.Contains(row.Also, "audited") {
			change = "nothing but the audit log, which records the read"
		}
	}
	if change != "" {
		b.WriteString("\n\nChanges: " + change + ".")
	}
	op.Description = b.String()
}

// documentErrors adds the error statuses every /v1 operation can answer
// beyond its own: 400 (a malformed query string or body), 422 (an
// undeclared query parameter, a field out of its schema), 404 (a path
// naming nothing), 413 and 415 (a body too large or not JSON), 429 (a
// counted caller over its limit) and 503 (the database unreachable).
func documentErrors(path string, op *huma.Operation) {
	add := []int{http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusInternalServerError}
	if strings.Contains(path, "{") {
		add = append(add, http.StatusNotFound)
	}
	if op.RequestBody != nil {
		add = append(add, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType)
	}
	if rateLimited[op.OperationID] || op.Method == http.MethodGet && len(op.Security) == 0 && !staticPath(path) {
		add = append(add, http.StatusTooManyRequests)
	}
	if !staticPath(path) {
		add = append(add, http.StatusServiceUnavailable)
	}
	if op.Responses == nil {
		op.Responses = map[string]*huma.Response{}
	}
	for _, s := range add {
		key := strconv.Itoa(s)
		if op.Responses[key] == nil {
			op.Responses[key] = &huma.Response{Description: http.StatusText(s), Content: map[string]*huma.MediaType{
				"application/problem+json": {Schema: &huma.Schema{Ref: "#/components/schemas/ErrorModel"}}}}
		}
	}
	for _, s := range []string{"429", "503"} {
		if r := op.Responses[s]; r != nil && r.Headers["Retry-After"] == nil {
			if r.Headers == nil {
				r.Headers = map[string]*huma.Param{}
			}
			r.Headers["Retry-After"] = &huma.Param{Description: "等待秒数 Seconds to wait before trying again",
				Schema: &huma.Schema{Type: huma.TypeInteger}}
		}
	}
}

// finishSchema rewrites a schema and those below it: Huma's own
// patternDescription becomes the extension x-pattern-description (the
// validation message it made is kept), and a calendar date is a string
// of format date.
func finishSchema(s *huma.Schema, seen map[*huma.Schema]bool) {
	if s == nil || seen[s] {
		return
	}
	seen[s] = true
	if s.PatternDescription != "" {
		extend(s, "x-pattern-description", s.PatternDescription)
		s.PatternDescription = ""
	}
	if s.Type == huma.TypeString && s.Format == "" {
		switch {
		case s.Pattern == datePattern:
			s.Format = "date" // validated too: the pattern already refused anything else
		case strings.Contains(s.Description, "YYYY-MM-DD"):
			// Documented only: the service parses these dates itself (an
			// empty string means none), so Huma's check stays as it was.
			extend(s, "format", "date")
		}
	}
	if s.Type == huma.TypeArray && s.Items != nil && s.Items.Type == huma.TypeString && s.Items.Format == "" &&
		strings.Contains(s.Description, "YYYY-MM-DD") {
		extend(s.Items, "format", "date")
	}
	finishSchema(s.Items, seen)
	for name, p := range s.Properties {
		if dateName(name) && p.Type == huma.TypeString && p.Format == "" && p.Pattern == "" {
			extend(p, "format", "date")
		}
		finishSchema(p, seen)
	}
	for _, list := range [][]*huma.Schema{s.AllOf, s.AnyOf, s.OneOf} {
		for _, sub := range list {
			finishSchema(sub, seen)
		}
	}
	if ap, ok := s.AdditionalProperties.(*huma.Schema); ok {
		finishSchema(ap, seen)
	}
}

// dateName reports whether a property of that name holds a calendar date
// (YYYY-MM-DD) by the API's naming: date, birthDate, issuedOn, openedOn.
func dateName(name string) bool {
	return name == "date" || strings.HasSuffix(name, "Date") || strings.HasSuffix(name, "On")
}

func extend(s *huma.Schema, k string, v any) {
	if s.Extensions == nil {
		s.Extensions = map[string]any{}
	}
	s.Extensions[k] = v
}

// withDescription gives an operation its description.
func withDescription(o huma.Operation, d string) huma.Operation {
	o.Description = d
	return o
}

// requireBodyField marks a field of the JSON body of the POST at path
// required, in the document and in Huma's validation, for a field that is
// required or not by configuration.
func requireBodyField(api huma.API, path, field string) {
	s := api.OpenAPI().Paths[path].Post.RequestBody.Content["application/json"].Schema
	if s.Ref != "" {
		s = api.OpenAPI().Components.Schemas.SchemaFromRef(s.Ref)
	}
	s.Required = append(s.Required, field)
	s.PrecomputeMessages()
}

// serveDocument serves the finished document as OpenAPI 3.1 (JSON and
// YAML) and its 3.0 downgrade, each made once, at the first request.
func serveDocument(f *fiber.App, oa *huma.OpenAPI) {
	docs := sync.OnceValues(func() (map[string][]byte, error) {
		v31, err := json.Marshal(oa)
		if err != nil {
			return nil, err
		}
		v30, err := downgrade(oa)
		if err != nil {
			return nil, err
		}
		out := map[string][]byte{"/openapi.json": v31, "/openapi-3.0.json": v30}
		for _, p := range []string{"/openapi", "/openapi-3.0"} {
			var y bytes.Buffer
			if err := yaml.Convert(&y, bytes.NewReader(out[p+".json"])); err != nil {
				return nil, err
			}
			out[p+".yaml"] = y.Bytes()
		}
		return out, nil
	})
	for _, p := range []string{"/openapi.json", "/openapi.yaml", "/openapi-3.0.json", "/openapi-3.0.yaml"} {
		ct := "application/openapi+json"
		if strings.HasSuffix(p, ".yaml") {
			ct = "application/openapi+yaml"
		}
		f.Get(p, func(c *fiber.Ctx) error {
			all, err := docs()
			if err != nil {
				return err
			}
			c.Set(fiber.HeaderContentType, ct)
			return c.Send(all[p])
		})
	}
}

// downgrade is Huma's 3.0 downgrade made valid: in 3.0 a $ref has no
// siblings (they are ignored), so a $ref with a description or other
// keywords beside it becomes an allOf of the one reference.
func downgrade(oa *huma.OpenAPI) ([]byte, error) {
	b, err := oa.Downgrade()
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	wrapRefs(v)
	return json.Marshal(v)
}

func wrapRefs(v any) {
	switch x := v.(type) {
	case map[string]any:
		delete(x, "contentMediaType") // 3.1 only
		if branches, ok := x["anyOf"].([]any); ok && len(branches) == 2 {
			if null, _ := branches[1].(map[string]any); null["type"] == "null" {
				delete(x, "anyOf") // 3.0 has no null type: the object, nullable
				x["allOf"], x["nullable"], x["type"] = []any{branches[0]}, true, "object"
			}
		}
		if ref, ok := x["$ref"]; ok && len(x) > 1 {
			delete(x, "$ref")
			x["allOf"] = []any{map[string]any{"$ref": ref}}
		}
		for _, e := range x {
			wrapRefs(e)
		}
	case []any:
		for _, e := range x {
			wrapRefs(e)
		}
	}
}
