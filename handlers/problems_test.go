package handlers_test

import (
	"strings"
	"sync"
	"testing"
)

// servedCodes is the list of codes GET /problems serves, with their statuses.
var servedCodes = struct {
	sync.Once
	status map[string]float64
}{}

// problemCodes reads GET /problems once per test binary.
func problemCodes(t *testing.T, h *harness) map[string]float64 {
	t.Helper()
	servedCodes.Do(func() {
		r := h.do("GET", "/problems", "")
		servedCodes.status = map[string]float64{}
		list, _ := r.Body["problems"].([]any)
		for _, p := range list {
			m := p.(map[string]any)
			servedCodes.status[m["code"].(string)] = m["status"].(float64)
		}
	})
	if len(servedCodes.status) < 30 {
		t.Fatalf("GET /problems lists %d codes", len(servedCodes.status))
	}
	return servedCodes.status
}

// checkProblem fails unless a 4xx/5xx answer is a problem with a listed
// code at its status, the code's type URI, and a detail that is not the title.
func checkProblem(t *testing.T, h *harness, what string, r response) {
	t.Helper()
	if r.Status < 400 {
		return
	}
	codes := problemCodes(t, h)
	code := r.str("code")
	status, listed := codes[code]
	switch {
	case !listed:
		t.Errorf("%s: %d answers code %q, which GET /problems does not list: %.400s", what, r.Status, code, r.Raw)
	case int(status) != r.Status:
		t.Errorf("%s: code %s is listed with status %v, answered with %d: %.400s", what, code, status, r.Status, r.Raw)
	case r.str("type") != "/problems/"+code:
		t.Errorf("%s: type %q for code %s", what, r.str("type"), code)
	case r.str("detail") == "" || strings.EqualFold(r.str("detail"), r.str("title")):
		t.Errorf("%s: detail %q repeats the title %q", what, r.str("detail"), r.str("title"))
	}
}

// TestProblemTypesResolve fetches every code's type URI, in both languages.
func TestProblemTypesResolve(t *testing.T) {
	h := newHarness(t)
	for code, status := range problemCodes(t, h) {
		for _, lang := range []string{"zh-CN", "en"} {
			r := h.do("GET", "/problems/"+code, "", "Accept-Language", lang)
			if r.Status != 200 || r.str("code") != code || r.Body["status"] != status || r.str("title") == "" || r.str("description") == "" {
				t.Errorf("GET /problems/%s (%s): %d %s", code, lang, r.Status, r.Raw)
			}
		}
	}
	r := h.do("GET", "/problems/no-such-code", "")
	if r.Status != 404 || r.str("code") != "not-found" {
		t.Errorf("an unknown code: %d %s", r.Status, r.Raw)
	}
	checkProblem(t, h, "GET /problems/no-such-code", r)
}

// TestProblemCodesTellApart checks the codes clients branch on, where a
// status alone would not say what happened.
func TestProblemCodesTellApart(t *testing.T) {
	h := newHarness(t)
	h.register("13900000301")
	_, refresh := h.login("13900000301", "secret-pass")
	cases := []struct {
		name, method, path, body string
		headers                  []string
		status                   int
		code                     string
	}{
		{"registering a phone twice", "POST", "/v1/auth/register", `{"phone":"13900000301","password":"other-pass","name":"重名"}`, nil, 409, "phone-registered"},
		{"a wrong password", "POST", "/v1/auth/login", `{"phone":"13900000301","password":"wrong-pass"}`, nil, 401, "login-failed"},
		{"an unknown phone", "POST", "/v1/auth/login", `{"phone":"13900000302","password":"secret-pass"}`, nil, 401, "login-failed"},
		{"no access token", "GET", "/v1/me", "", nil, 401, "token-missing"},
		{"a forged access token", "GET", "/v1/me", "", bearerHeader("not.a.token"), 401, "token-invalid"},
		{"an unknown refresh token", "POST", "/v1/auth/refresh", `{"refreshToken":"nope"}`, nil, 401, "refresh-token-invalid"},
		{"a field breaking its schema", "POST", "/v1/auth/login", `{"phone":"1","password":"secret-pass"}`, nil, 422, "validation-failed"},
		{"a body that is not JSON", "POST", "/v1/auth/login", `{"phone":`, nil, 400, "body-not-json"},
		{"a body of another media type", "POST", "/v1/auth/login", `{"phone":"13900000301"}`, []string{"Content-Type", "text/plain"}, 415, "unsupported-media-type"},
		{"an unknown route", "GET", "/v1/no-such-thing", "", nil, 404, "unknown-route"},
	}
	for _, c := range cases {
		r := h.do(c.method, c.path, c.body, c.headers...)
		if r.Status != c.status || r.str("code") != c.code {
			t.Errorf("%s: want %d %s, got %d %s", c.name, c.status, c.code, r.Status, r.Raw)
		}
		checkProblem(t, h, c.name, r)
	}

	// A refresh token used once is stale: using it again answers
	// refresh-token-invalid (and ends the login).
	if r := h.do("POST", "/v1/auth/refresh", `{"refreshToken":"`+refresh+`"}`); r.Status != 200 {
		t.Fatalf("first refresh: %d %s", r.Status, r.Raw)
	}
	r := h.do("POST", "/v1/auth/refresh", `{"refreshToken":"`+refresh+`"}`, "Accept-Language", "en")
	if r.Status != 401 || r.str("code") != "refresh-token-invalid" || r.str("title") != "Refresh token invalid" {
		t.Errorf("a reused refresh token: %d %s", r.Status, r.Raw)
	}
	checkProblem(t, h, "a reused refresh token", r)
}
