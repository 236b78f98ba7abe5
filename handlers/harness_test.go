package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/handlers"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/accounts"
	"github.com/wushe/wushe/store"
	"github.com/wushe/wushe/store/mongo"
	"github.com/wushe/wushe/store/redis"
	"github.com/wushe/wushe/store/storetest"
)

var testSecret = []byte("test-secret-test-secret-test-secret-0123")

// cheap argon2id parameters: the tests hash hundreds of passwords.
var cheapPasswords = accounts.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}

type harness struct {
	t   *testing.T
	app *handlers.App
	svc *service.Service
	db  *mongo.DB
	rc  *redis.Client
}

// harnessSetup is what a harness option may change before the app is built.
type harnessSetup struct {
	svc    *service.Config
	http   *handlers.Config
	stores *service.Stores
}

type harnessOpt func(*harnessSetup)

func newHarness(t *testing.T, opts ...harnessOpt) *harness {
	t.Helper()
	db, rc := storetest.Open(t)
	return newHarnessOn(t, db, rc, opts...)
}

// newHarnessOn builds the app on the given stores.
func newHarnessOn(t *testing.T, db *mongo.DB, rc *redis.Client, opts ...harnessOpt) *harness {
	t.Helper()
	quiet := testLogger()
	// Registering without an SMS code keeps the older tests short; the tests
	// of phone codes turn it off (withPhoneCodes).
	// The tests' requests all come from one address and a few accounts:
	// the anonymous and expensive-read limits are far above what any test
	// sends, except in the tests of those limits (withLimits).
	cfg := service.Config{Logger: quiet, Accounts: accounts.Config{JWTSecret: testSecret, Password: cheapPasswords, AllowCodelessRegistration: true},
		AnonymousLimitIP: 100000, ExpensiveLimit: 100000}
	// Tests check outcomes, not speed: the request deadline is far beyond
	// what a loaded CI machine needs (TestRequestDeadline tests the deadline).
	hcfg := handlers.Config{Version: "test", Logger: quiet, MongoDB: db.Breaker(), Redis: rc.Breaker(), RequestTimeout: 5 * time.Minute}
	st := store.Stores(db, rc)
	st.Bus = nil // one replica: index changes need no bus
	for _, o := range opts {
		o(&harnessSetup{svc: &cfg, http: &hcfg, stores: &st})
	}
	svc, err := service.New(cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, app: handlers.New(svc, hcfg), svc: svc, db: db, rc: rc}
}

// response is a decoded answer.
type response struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    string
}

func (r response) str(path ...string) string {
	var v any = r.Body
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[p]
	}
	s, _ := v.(string)
	return s
}

// locations lists errors[].location of a problem.
func (r response) locations() []string {
	var out []string
	errs, _ := r.Body["errors"].([]any)
	for _, e := range errs {
		if m, ok := e.(map[string]any); ok {
			if l, ok := m["location"].(string); ok {
				out = append(out, l)
			}
		}
	}
	return out
}

func (h *harness) do(method, path, body string, headers ...string) response {
	h.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := h.app.Fiber.Test(req, -1)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := response{Status: res.StatusCode, Header: res.Header, Raw: string(raw)}
	_ = json.Unmarshal(raw, &r.Body)
	noNullArrays(h.t, method+" "+path, r.Body)
	instantsInUTC(h.t, method+" "+path, r.Body)
	if !strings.HasPrefix(path, "/openapi") {
		noUndocumentedNulls(h.t, method+" "+path, r.Body)
	}
	return r
}

// serve starts the app on a real loopback listener and returns its base URL.
func (h *harness) serve() string {
	h.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		h.t.Fatal(err)
	}
	go func() { _ = h.app.Fiber.Listener(ln) }()
	h.t.Cleanup(func() { _ = h.app.Fiber.Shutdown() })
	return "http://" + ln.Addr().String()
}

func bearerHeader(tok string) []string { return []string{"Authorization", "Bearer " + tok} }

// register creates a volunteer account and returns its id.
func (h *harness) register(phone string) string {
	h.t.Helper()
	r := h.do("POST", "/v1/auth/register", `{"phone":"`+phone+`","password":"secret-pass","name":"测试用户"}`)
	if r.Status != 201 {
		h.t.Fatalf("register %s: %d %s", phone, r.Status, r.Raw)
	}
	return r.str("id")
}

// login returns the access and refresh tokens.
func (h *harness) login(phone, password string) (string, string) {
	h.t.Helper()
	r := h.do("POST", "/v1/auth/login", `{"phone":"`+phone+`","password":"`+password+`"}`)
	if r.Status != 200 {
		h.t.Fatalf("login %s: %d %s", phone, r.Status, r.Raw)
	}
	return r.str("accessToken"), r.str("refreshToken")
}

// admin creates a civil_affairs account for division and logs it in.
func (h *harness) admin(phone, division string) string {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, _, err := h.svc.Accounts().BootstrapAdmin(ctx, phone, "admin-pass-1", "民政", division); err != nil {
		h.t.Fatal(err)
	}
	tok, _ := h.login(phone, "admin-pass-1")
	return tok
}

func (h *harness) me(tok string) response {
	h.t.Helper()
	return h.do("GET", "/v1/me", "", bearerHeader(tok)...)
}

func urlEscape(s string) string { return url.QueryEscape(s) }

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', 6, 64) }

// testLogger discards the service's logs, or writes them to standard error
// from the level WUSHE_TEST_LOG names (debug, info, warn, error): a
// failing test's causes, e.g. WUSHE_TEST_LOG=warn go test -run X ./handlers/.
func testLogger() *slog.Logger {
	var level slog.Level
	if v := os.Getenv("WUSHE_TEST_LOG"); v != "" && level.UnmarshalText([]byte(v)) == nil {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
