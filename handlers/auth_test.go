package handlers_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestBadInput: every bad input gets a 4xx problem+json naming the field,
// never a 500, and never echoes a submitted secret.
func TestBadInput(t *testing.T) {
	h := newHarness(t)
	h.register("13900000001")
	big := `{"phone":"13900000002","password":"secret-pass","name":"` + strings.Repeat("x", 20<<10) + `"}`
	cases := []struct {
		name, method, path, body string
		status                   int
		location                 string // a location errors[] must name ("" = none required)
	}{
		{"register: bad phone", "POST", "/v1/auth/register", `{"phone":"12345","password":"secret-pass","name":"a"}`, 422, "body.phone"},
		{"register: landline", "POST", "/v1/auth/register", `{"phone":"03712345678","password":"secret-pass","name":"a"}`, 422, "body.phone"},
		{"register: short password", "POST", "/v1/auth/register", `{"phone":"13900000003","password":"short","name":"a"}`, 422, "body.password"},
		{"register: digits-only password", "POST", "/v1/auth/register", `{"phone":"13900000003","password":"1234567890","name":"a"}`, 422, "body.password"},
		{"register: blank name", "POST", "/v1/auth/register", `{"phone":"13900000003","password":"secret-pass","name":"   "}`, 422, "body.name"},
		{"register: missing name", "POST", "/v1/auth/register", `{"phone":"13900000003","password":"secret-pass"}`, 422, "body.name"},
		{"register: unknown field", "POST", "/v1/auth/register", `{"phone":"13900000003","password":"secret-pass","name":"a","role":"civil_affairs"}`, 422, "body.role"},
		{"register: wrong type", "POST", "/v1/auth/register", `{"phone":13900000003,"password":"secret-pass","name":"a"}`, 422, "body.phone"},
		{"register: operator injection", "POST", "/v1/auth/register", `{"phone":{"$gt":""},"password":"secret-pass","name":"a"}`, 422, "body.phone"},
		{"register: malformed JSON", "POST", "/v1/auth/register", `{"phone":"139`, 400, "body"},
		{"register: empty body", "POST", "/v1/auth/register", ``, 400, ""},
		{"register: array body", "POST", "/v1/auth/register", `[]`, 422, "body"},
		{"register: body over the operation's limit", "POST", "/v1/auth/register", big, 413, ""},
		{"register: duplicate phone", "POST", "/v1/auth/register", `{"phone":"13900000001","password":"secret-pass","name":"a"}`, 409, ""},
		{"login: bad phone", "POST", "/v1/auth/login", `{"phone":"abc","password":"x"}`, 422, "body.phone"},
		{"login: missing password", "POST", "/v1/auth/login", `{"phone":"13900000001"}`, 422, "body.password"},
		{"login: wrong password", "POST", "/v1/auth/login", `{"phone":"13900000001","password":"wrong-pass"}`, 401, ""},
		{"login: unknown phone", "POST", "/v1/auth/login", `{"phone":"13900000099","password":"secret-pass"}`, 401, ""},
		{"refresh: missing token", "POST", "/v1/auth/refresh", `{}`, 422, "body.refreshToken"},
		{"refresh: unknown token", "POST", "/v1/auth/refresh", `{"refreshToken":"nope"}`, 401, ""},
		{"refresh: wrong type", "POST", "/v1/auth/refresh", `{"refreshToken":["a"]}`, 422, "body.refreshToken"},
		{"me: no token", "GET", "/v1/me", ``, 401, ""},
		{"logout: no token", "POST", "/v1/auth/logout", ``, 401, ""},
		{"accounts: no token", "POST", "/v1/accounts", `{}`, 401, ""},
		{"unknown route", "GET", "/v1/nope", ``, 404, ""},
		{"wrong method", "DELETE", "/v1/auth/login", ``, 405, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := h.do(c.method, c.path, c.body)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Raw)
			}
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("content type %q, want problem+json", ct)
			}
			if r.Body["title"] == nil || r.Body["status"] == nil {
				t.Errorf("not a problem document: %s", r.Raw)
			}
			if c.location != "" && !slices.Contains(r.locations(), c.location) {
				t.Errorf("errors name %v, want %q: %s", r.locations(), c.location, r.Raw)
			}
			for _, secret := range []string{"secret-pass", "1234567890", "wrong-pass"} {
				if strings.Contains(r.Raw, secret) {
					t.Errorf("response echoes a submitted password: %s", r.Raw)
				}
			}
		})
	}
	// Nothing above created an account.
	if r := h.do("POST", "/v1/auth/login", `{"phone":"13900000003","password":"secret-pass"}`); r.Status != 401 {
		t.Errorf("a refused registration created an account: %d", r.Status)
	}
}

// TestOversizeBodyOverTheServerLimit goes through a real listener: the
// server refuses a body over its limit from the Content-Length alone,
// before reading it (raw TCP, so no client races the server's close).
func TestOversizeBodyOverTheServerLimit(t *testing.T) {
	h := newHarness(t)
	base := h.serve()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "POST /v1/auth/register HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{", 2<<20)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != 413 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("status %d %q: %s", res.StatusCode, res.Header.Get("Content-Type"), raw)
	}
}

func TestErrorsSpeakChineseByDefaultAndEnglishOnRequest(t *testing.T) {
	h := newHarness(t)
	zh := h.do("POST", "/v1/auth/register", `{"phone":"1","password":"secret-pass","name":"a"}`)
	en := h.do("POST", "/v1/auth/register", `{"phone":"1","password":"secret-pass","name":"a"}`, "Accept-Language", "en-US,en;q=0.9")
	if zh.str("title") != "请求参数校验失败" || !strings.Contains(zh.Raw, "手机号") {
		t.Errorf("zh problem: %s", zh.Raw)
	}
	if en.str("title") != "Validation failed" || !strings.Contains(en.Raw, "mainland mobile") {
		t.Errorf("en problem: %s", en.Raw)
	}
}

func TestRegisterLoginMeLogout(t *testing.T) {
	h := newHarness(t)
	id := h.register("13900000010")
	access, refresh := h.login("13900000010", "secret-pass")
	me := h.me(access)
	if me.Status != 200 || me.str("id") != id || me.str("phone") != "13900000010" {
		t.Fatalf("me: %d %s", me.Status, me.Raw)
	}
	if roles := me.Body["roles"].([]any); len(roles) != 1 || roles[0].(map[string]any)["role"] != "volunteer" {
		t.Fatalf("roles: %v", me.Body["roles"])
	}
	if r := h.do("POST", "/v1/auth/logout", "", bearerHeader(access)...); r.Status != 204 {
		t.Fatalf("logout: %d %s", r.Status, r.Raw)
	}
	if r := h.me(access); r.Status != 401 {
		t.Errorf("access token works after logout: %d", r.Status)
	}
	if r := h.do("POST", "/v1/auth/refresh", `{"refreshToken":"`+refresh+`"}`); r.Status != 401 {
		t.Errorf("refresh token works after logout: %d", r.Status)
	}
	// Another login of the same person is unaffected.
	access2, _ := h.login("13900000010", "secret-pass")
	if r := h.me(access2); r.Status != 200 {
		t.Errorf("second login: %d", r.Status)
	}
}

func TestRefreshRotatesAndReuseRevokesTheFamily(t *testing.T) {
	h := newHarness(t)
	h.register("13900000020")
	_, r1 := h.login("13900000020", "secret-pass")
	first := h.do("POST", "/v1/auth/refresh", `{"refreshToken":"`+r1+`"}`)
	if first.Status != 200 {
		t.Fatalf("refresh: %d %s", first.Status, first.Raw)
	}
	a2, r2 := first.str("accessToken"), first.str("refreshToken")
	if r2 == r1 || a2 == "" {
		t.Fatal("refresh did not rotate")
	}
	if r := h.me(a2); r.Status != 200 {
		t.Fatalf("new access token: %d", r.Status)
	}
	// Replaying the used token (a thief, or a replay) revokes everything of this login.
	if r := h.do("POST", "/v1/auth/refresh", `{"refreshToken":"`+r1+`"}`); r.Status != 401 {
		t.Fatalf("reused refresh token: %d", r.Status)
	}
	if r := h.do("POST", "/v1/auth/refresh", `{"refreshToken":"`+r2+`"}`); r.Status != 401 {
		t.Errorf("newest refresh token still works after reuse: %d", r.Status)
	}
	if r := h.me(a2); r.Status != 401 {
		t.Errorf("access token of the revoked family still works: %d", r.Status)
	}
}

// TestRefreshRace: many concurrent refreshes with one token; at most one
// gets a new pair (the single use is a unique insert), and the reuse
// revokes the family.
func TestRefreshRace(t *testing.T) {
	h := newHarness(t)
	h.register("13900000030")
	_, refresh := h.login("13900000030", "secret-pass")
	var ok, unauthorized atomic.Int32
	var wg sync.WaitGroup
	var winner atomic.Value
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := h.do("POST", "/v1/auth/refresh", `{"refreshToken":"`+refresh+`"}`)
			switch r.Status {
			case 200:
				ok.Add(1)
				winner.Store(r.str("refreshToken"))
			case 401:
				unauthorized.Add(1)
			default:
				t.Errorf("status %d: %s", r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || unauthorized.Load() != 199 {
		t.Fatalf("%d refreshes succeeded and %d were refused, want 1 and 199", ok.Load(), unauthorized.Load())
	}
	if r := h.do("POST", "/v1/auth/refresh", `{"refreshToken":"`+winner.Load().(string)+`"}`); r.Status != 401 {
		t.Errorf("the family survived a reuse: %d", r.Status)
	}
}

// TestTokenAttacks: each forged or stale access token gets 401.
func TestTokenAttacks(t *testing.T) {
	h := newHarness(t)
	id := h.register("13900000040")
	good, _ := h.login("13900000040", "secret-pass")
	if r := h.me(good); r.Status != 200 {
		t.Fatalf("good token: %d", r.Status)
	}
	now := time.Now()
	claims := func(exp time.Time) jwt.MapClaims {
		return jwt.MapClaims{"sub": id, "iss": "wushe", "jti": "x1", "fam": "f1", "iat": now.Unix(), "exp": exp.Unix(),
			"roles": []map[string]string{{"role": "civil_affairs", "divisionCode": "4101"}}}
	}
	sign := func(m jwt.SigningMethod, key any, c jwt.Claims) string {
		s, err := jwt.NewWithClaims(m, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	none := sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(now.Add(time.Hour)))
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + strings.TrimRight(jwtSegment(t, claims(now.Add(time.Hour))), "=") + "." + parts[2]
	noExp := jwt.MapClaims{"sub": id, "iss": "wushe", "jti": "x2", "fam": "f1"}
	cases := map[string]string{
		"alg none":             none,
		"alg HS512 same key":   sign(jwt.SigningMethodHS512, testSecret, claims(now.Add(time.Hour))),
		"another key":          sign(jwt.SigningMethodHS256, []byte("another-secret-another-secret-0123456"), claims(now.Add(time.Hour))),
		"bad signature":        tampered,
		"expired":              sign(jwt.SigningMethodHS256, testSecret, claims(now.Add(-time.Minute))),
		"no expiry":            sign(jwt.SigningMethodHS256, testSecret, noExp),
		"another issuer":       sign(jwt.SigningMethodHS256, testSecret, jwt.MapClaims{"sub": id, "iss": "evil", "jti": "x3", "fam": "f1", "exp": now.Add(time.Hour).Unix()}),
		"garbage":              "not.a.jwt",
		"empty bearer":         "",
		"refresh as access":    "", // filled below
		"truncated good token": good[:len(good)-5],
	}
	_, refresh := h.login("13900000040", "secret-pass")
	cases["refresh as access"] = refresh
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			r := h.me(tok)
			if r.Status != 401 {
				t.Fatalf("status %d, want 401: %s", r.Status, r.Raw)
			}
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("not problem+json")
			}
		})
	}
	// A token signed with the right key but claiming roles it lacks is
	// honest about the key only: roles come from the issuer, so a forged
	// one never gets this far. The good token still works.
	if r := h.me(good); r.Status != 200 {
		t.Errorf("good token stopped working: %d", r.Status)
	}
}

func jwtSegment(t *testing.T, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte("irrelevant-irrelevant-irrelevant-1234"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(s, ".")[1]
}

func TestLoginRateLimit(t *testing.T) {
	h := newHarness(t, func(s *harnessSetup) { s.svc.Accounts.LoginLimitPhone = 3 })
	h.register("13900000050")
	for i := range 3 {
		if r := h.do("POST", "/v1/auth/login", `{"phone":"13900000050","password":"wrong-pass"}`); r.Status != 401 {
			t.Fatalf("attempt %d: %d", i+1, r.Status)
		}
	}
	r := h.do("POST", "/v1/auth/login", `{"phone":"13900000050","password":"secret-pass"}`)
	if r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("fourth attempt: %d Retry-After=%q %s", r.Status, r.Header.Get("Retry-After"), r.Raw)
	}
	// Another phone from the same client is not limited by this phone's count.
	h.register("13900000051")
	h.login("13900000051", "secret-pass")
	if !strings.Contains(r.Raw, "分钟后再试") {
		t.Errorf("the refusal does not say how long to wait: %s", r.Raw)
	}
}

// TestLoginLimitCountsOnlyFailures: a clerk who logs in many times is never
// refused, and wrong passwords sent from another client do not lock the
// owner out of their own client.
func TestLoginLimitCountsOnlyFailures(t *testing.T) {
	h := newHarness(t, func(s *harnessSetup) { s.svc.Accounts.LoginLimitPhone = 3 })
	h.register("13900000052")
	for i := range 10 {
		if r := h.do("POST", "/v1/auth/login", `{"phone":"13900000052","password":"secret-pass"}`); r.Status != 200 {
			t.Fatalf("login %d of the owner: %d %s", i+1, r.Status, r.Raw)
		}
	}
	// Someone else, behind a trusted proxy, guesses from another address.
	h2 := newHarnessOn(t, h.db, h.rc, func(s *harnessSetup) {
		s.svc.Accounts.LoginLimitPhone = 3
		s.http.TrustedProxies = []string{"0.0.0.0"}
	})
	for range 5 {
		h2.do("POST", "/v1/auth/login", `{"phone":"13900000052","password":"guess"}`, "X-Forwarded-For", "198.51.100.7")
	}
	if r := h2.do("POST", "/v1/auth/login", `{"phone":"13900000052","password":"guess"}`, "X-Forwarded-For", "198.51.100.7"); r.Status != 429 {
		t.Fatalf("the guesser is not held: %d", r.Status)
	}
	if r := h2.do("POST", "/v1/auth/login", `{"phone":"13900000052","password":"secret-pass"}`, "X-Forwarded-For", "203.0.113.5"); r.Status != 200 {
		t.Fatalf("the owner, from their own client, was locked out by the guesser: %d %s", r.Status, r.Raw)
	}
}

func TestLoginRateLimitPerIPTrustsOnlyConfiguredProxies(t *testing.T) {
	limitIP := func(s *harnessSetup) { s.svc.Accounts.LoginLimitIP = 2 }
	// Without trusted proxies, X-Forwarded-For is ignored: changing it does not escape the limit.
	h := newHarness(t, limitIP)
	for i := range 3 {
		r := h.do("POST", "/v1/auth/login", `{"phone":"1390000006`+string(rune('0'+i))+`","password":"x"}`, "X-Forwarded-For", "10.0.0."+string(rune('1'+i)))
		if i < 2 && r.Status != 401 || i == 2 && r.Status != 429 {
			t.Fatalf("untrusted proxy, attempt %d: %d", i+1, r.Status)
		}
	}
	// Behind a trusted proxy, each forwarded client has its own count.
	h2 := newHarness(t, limitIP, func(s *harnessSetup) { s.http.TrustedProxies = []string{"0.0.0.0/0"} })
	for i := range 3 {
		r := h2.do("POST", "/v1/auth/login", `{"phone":"1390000007`+string(rune('0'+i))+`","password":"x"}`, "X-Forwarded-For", "10.0.0."+string(rune('1'+i)))
		if r.Status != 401 {
			t.Fatalf("trusted proxy, client %d: %d %s", i+1, r.Status, r.Raw)
		}
	}
	// The proxy appends the address it saw; what the client wrote to the
	// left of it is never believed: a forged chain does not escape the limit.
	h3 := newHarness(t, limitIP, func(s *harnessSetup) { s.http.TrustedProxies = []string{"0.0.0.0", "192.168.0.0/16"} })
	for i := range 3 {
		forged := "10.0.0." + string(rune('1'+i)) + ", 203.0.113.9, 192.168.1.1"
		r := h3.do("POST", "/v1/auth/login", `{"phone":"1390000008`+string(rune('0'+i))+`","password":"x"}`, "X-Forwarded-For", forged)
		if i < 2 && r.Status != 401 || i == 2 && r.Status != 429 {
			t.Fatalf("forged X-Forwarded-For, attempt %d: %d %s", i+1, r.Status, r.Raw)
		}
	}
}
