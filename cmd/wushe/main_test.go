package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
)

// testConfig is the configuration of a server under test: port 0, its own
// data directory, database and Redis prefix; MONGO_URI / REDIS_URL from the
// environment when set (as in CI), embedded otherwise.
func testConfig(t *testing.T) Config {
	t.Helper()
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	args := []string{"--addr", "127.0.0.1:0", "--data-dir", t.TempDir(),
		"--mongo-db", "t_" + id, "--redis-prefix", "test:" + id + ":", "--log-level", "error", "--sms-provider", "log"}
	if os.Getenv("MONGO_URI") != "" {
		args = append(args, "--jwt-secret", "test-secret-test-secret-test-secret-0123",
			"--signing-key", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", // a fixed test seed
			"--data-key", "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=") // a fixed test key
	}
	cfg, err := loadConfig("test", args, os.Getenv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// startServer runs the real wiring on port 0 and returns its base URL.
func startServer(t *testing.T, cfg Config) (string, *Server) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := Open(ctx, cfg, newLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		_ = srv.Stores.DB.Drop(context.Background())
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + srv.Addr(), srv
}

func post(t *testing.T, url, body string, header ...string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(res.Body).Decode(&m)
	return res.StatusCode, m
}

// smsOutbox keeps the last verification code the server would have sent.
type smsOutbox struct {
	mu   sync.Mutex
	code string
}

func (o *smsOutbox) SendCode(_ context.Context, m models.SMSMessage) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.code = m.Code
	return nil
}

// SendTemplate drops notices: the walkthrough configures no SMS notice templates.
func (o *smsOutbox) SendTemplate(context.Context, string, string, map[string]string) error {
	return nil
}

func TestServeWalkthrough(t *testing.T) {
	cfg := testConfig(t)
	sms := &smsOutbox{}
	cfg.SMS = sms
	start := time.Now()
	base, _ := startServer(t, cfg)
	res, err := http.Get(base + "/readyz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", err, res)
	}
	res.Body.Close()
	t.Logf("ready in %v", time.Since(start))

	if st, m := post(t, base+"/v1/auth/register", `{"phone":"13800138000","password":"secret-pass","name":"张三"}`); st != 422 {
		t.Fatalf("register without an SMS code: %d %v", st, m)
	}
	if st, m := post(t, base+"/v1/auth/sms-codes", `{"phone":"13800138000","purpose":"register"}`); st != 202 {
		t.Fatalf("sms code: %d %v", st, m)
	}
	sms.mu.Lock()
	code := sms.code
	sms.mu.Unlock()
	if st, m := post(t, base+"/v1/auth/register", `{"phone":"13800138000","password":"secret-pass","name":"张三","code":"`+code+`"}`); st != 201 {
		t.Fatalf("register: %d %v", st, m)
	}
	st, tokens := post(t, base+"/v1/auth/login", `{"phone":"13800138000","password":"secret-pass"}`)
	if st != 200 {
		t.Fatalf("login: %d %v", st, tokens)
	}
	req, _ := http.NewRequest("GET", base+"/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+tokens["accessToken"].(string))
	res, err = http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("me: %v %v", err, res)
	}
	res.Body.Close()
	st, pair := post(t, base+"/v1/auth/refresh", `{"refreshToken":"`+tokens["refreshToken"].(string)+`"}`)
	if st != 200 {
		t.Fatalf("refresh: %d %v", st, pair)
	}
	if st, _ := post(t, base+"/v1/auth/logout", ``, "Authorization", "Bearer "+pair["accessToken"].(string)); st != 204 {
		t.Fatalf("logout: %d", st)
	}
}

func TestEmbeddedDataDirBelongsToOneProcess(t *testing.T) {
	if os.Getenv("MONGO_URI") != "" {
		t.Skip("the data-directory lock guards the embedded FerretDB only")
	}
	cfg := testConfig(t)
	startServer(t, cfg)
	var out bytes.Buffer
	err := run(context.Background(), []string{"admin", "create", "--phone", "13800000001", "--name", "管理员",
		"--data-dir", cfg.DataDir}, func(string) string { return "" }, strings.NewReader("admin-pass-1\n"), &out, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("admin create while serving: %v", err)
	}
}

func TestAdminCreateThenLogin(t *testing.T) {
	cfg := testConfig(t)
	env := func(k string) string {
		switch k {
		case "WUSHE_DATA_DIR":
			return cfg.DataDir
		case "MONGO_DB":
			return cfg.MongoDB
		case "WUSHE_REDIS_PREFIX":
			return cfg.RedisPrefix
		case "WUSHE_JWT_SECRET":
			return cfg.JWTSecret
		case "WUSHE_SIGNING_KEY":
			return cfg.SigningKey
		case "WUSHE_DATA_KEY":
			return cfg.DataKey
		case "WUSHE_SMS_PROVIDER":
			return cfg.SMSProvider
		case "WUSHE_LOG_LEVEL":
			return "error"
		}
		return os.Getenv(k)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"admin", "create", "--phone", "13800000001", "--name", "市民政局管理员"},
		env, strings.NewReader("admin-pass-1\n"), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "created civil_affairs account") {
		t.Fatalf("output: %s", out.String())
	}
	base, _ := startServer(t, cfg)
	st, tokens := post(t, base+"/v1/auth/login", `{"phone":"13800000001","password":"admin-pass-1"}`)
	if st != 200 {
		t.Fatalf("login: %d %v", st, tokens)
	}
	roles := tokens["account"].(map[string]any)["roles"].([]any)
	if len(roles) != 1 || roles[0].(map[string]any)["role"] != "civil_affairs" || roles[0].(map[string]any)["divisionCode"] != "4101" {
		t.Fatalf("roles: %v", roles)
	}
}

func TestBootstrapAdminFromEnvironment(t *testing.T) {
	cfg := testConfig(t)
	cfg.BootstrapPhone, cfg.BootstrapPass = "13800000002", "boot-pass-1"
	base, _ := startServer(t, cfg)
	st, tokens := post(t, base+"/v1/auth/login", `{"phone":"13800000002","password":"boot-pass-1"}`)
	if st != 200 {
		t.Fatalf("login: %d %v", st, tokens)
	}
	if tokens["account"].(map[string]any)["roles"].([]any)[0].(map[string]any)["role"] != "civil_affairs" {
		t.Fatalf("bootstrap account: %v", tokens["account"])
	}
}

func TestConfigFromEnvironmentFlagsOverride(t *testing.T) {
	env := map[string]string{"WUSHE_ADDR": ":9000", "MONGO_URI": "mongodb://user:hunter2@db:27017/?replicaSet=rs0",
		"WUSHE_JWT_SECRET": "super-secret-super-secret-super-secret", "WUSHE_ACCESS_TOKEN_TTL": "5m", "REDIS_URL": "redis://:pw@cache:6379/0"}
	// With MONGO_URI the SMS provider must be chosen: codes in the log would let log readers reset passwords.
	if _, err := loadConfig("t", nil, func(k string) string { return env[k] }, io.Discard); err == nil || !strings.Contains(err.Error(), "WUSHE_SMS_PROVIDER") {
		t.Fatalf("no SMS provider with MONGO_URI: %v", err)
	}
	env["WUSHE_SMS_PROVIDER"] = "log"
	env["WUSHE_SIGNING_KEY"] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
	env["WUSHE_DATA_KEY"] = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="
	cfg, err := loadConfig("t", []string{"--addr", ":9100"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":9100" || cfg.AccessTTL != 5*time.Minute || cfg.MongoDB != "wushe" || cfg.DataDir != "./data" {
		t.Fatalf("config: %+v", cfg)
	}
	logged, _ := json.Marshal(cfg.logAttrs())
	for _, secret := range []string{"hunter2", "super-secret", ":pw@"} {
		if strings.Contains(string(logged), secret) {
			t.Errorf("start-up log shows a secret: %s", logged)
		}
	}
	if _, err := loadConfig("t", nil, func(k string) string {
		return map[string]string{"WUSHE_ACCESS_TOKEN_TTL": "soon"}[k]
	}, io.Discard); err == nil {
		t.Error("a bad duration was accepted")
	}
	for _, bad := range []string{`{"skill":-1}`, `{"speed":10}`, `not json`, `{"skill":0}`} {
		if _, err := loadConfig("t", nil, func(k string) string {
			return map[string]string{"WUSHE_MATCH_WEIGHTS": bad}[k]
		}, io.Discard); err == nil {
			t.Errorf("WUSHE_MATCH_WEIGHTS=%s was accepted", bad)
		}
	}
	if _, err := jwtSecret(Config{MongoURI: "mongodb://x"}, newLogger(io.Discard, "error")); err == nil {
		t.Error("production without WUSHE_JWT_SECRET started")
	}
}

func TestVersion(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, os.Getenv, nil, &out, io.Discard); err != nil || !strings.HasPrefix(out.String(), "wushe ") {
		t.Fatalf("version: %v %q", err, out.String())
	}
}
