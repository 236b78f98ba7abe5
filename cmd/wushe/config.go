package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/wushe/wushe/matching"
)

// Config is the service's configuration: environment variables, overridden by flags.
type Config struct {
	Addr            string
	DataDir         string
	MongoURI        string
	MongoDB         string
	RedisURL        string
	RedisPrefix     string
	JWTSecret       string
	SigningKey      string // base64 of an Ed25519 seed (32 bytes) or private key (64 bytes)
	AccessTTL       time.Duration
	RefreshTTL      time.Duration
	LogLevel        string
	CORSOrigins     string
	TrustedProxies  string
	BootstrapPhone  string
	BootstrapPass   string
	ShutdownTimeout time.Duration
	MatchingResync  time.Duration
	MatchWeights    string // JSON object of matching.Weights; empty: the defaults
	Demo            bool   // seed the demo city (serve: at the first start)
}

// Embedded reports which stores run inside the process.
func (c Config) embeddedMongo() bool { return c.MongoURI == "" }
func (c Config) embeddedRedis() bool { return c.RedisURL == "" }

func loadConfig(name string, args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	env := func(k, def string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return def
	}
	dur := func(k string, def time.Duration) (time.Duration, error) {
		v := getenv(k)
		if v == "" {
			return def, nil
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return 0, fmt.Errorf("%s: want a positive duration such as 15m, got %q", k, v)
		}
		return d, nil
	}
	var c Config
	var err error
	if c.AccessTTL, err = dur("WUSHE_ACCESS_TOKEN_TTL", 15*time.Minute); err != nil {
		return c, err
	}
	if c.RefreshTTL, err = dur("WUSHE_REFRESH_TOKEN_TTL", 30*24*time.Hour); err != nil {
		return c, err
	}
	if c.ShutdownTimeout, err = dur("WUSHE_SHUTDOWN_TIMEOUT", 15*time.Second); err != nil {
		return c, err
	}
	if c.MatchingResync, err = dur("WUSHE_MATCHING_RESYNC", 10*time.Minute); err != nil {
		return c, err
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Addr, "addr", env("WUSHE_ADDR", ":8080"), "listen address (WUSHE_ADDR)")
	fs.StringVar(&c.DataDir, "data-dir", env("WUSHE_DATA_DIR", "./data"), "embedded data directory (WUSHE_DATA_DIR)")
	fs.StringVar(&c.MongoURI, "mongo-uri", env("MONGO_URI", ""), "MongoDB URI; empty runs embedded FerretDB (MONGO_URI)")
	fs.StringVar(&c.MongoDB, "mongo-db", env("MONGO_DB", "wushe"), "MongoDB database name (MONGO_DB)")
	fs.StringVar(&c.RedisURL, "redis-url", env("REDIS_URL", ""), "Redis URL; empty runs embedded miniredis (REDIS_URL)")
	fs.StringVar(&c.RedisPrefix, "redis-prefix", env("WUSHE_REDIS_PREFIX", "wushe:"), "prefix of every Redis key (WUSHE_REDIS_PREFIX)")
	fs.StringVar(&c.JWTSecret, "jwt-secret", env("WUSHE_JWT_SECRET", ""), "HS256 secret, ≥ 32 bytes; embedded mode generates one (WUSHE_JWT_SECRET)")
	fs.StringVar(&c.SigningKey, "signing-key", env("WUSHE_SIGNING_KEY", ""), "Ed25519 key (base64 seed) that signs service-record statements; embedded mode generates one (WUSHE_SIGNING_KEY)")
	fs.DurationVar(&c.AccessTTL, "access-token-ttl", c.AccessTTL, "access token lifetime (WUSHE_ACCESS_TOKEN_TTL)")
	fs.DurationVar(&c.RefreshTTL, "refresh-token-ttl", c.RefreshTTL, "refresh token lifetime (WUSHE_REFRESH_TOKEN_TTL)")
	fs.StringVar(&c.LogLevel, "log-level", env("WUSHE_LOG_LEVEL", "info"), "debug, info, warn or error (WUSHE_LOG_LEVEL)")
	fs.StringVar(&c.CORSOrigins, "cors-origins", env("WUSHE_CORS_ORIGINS", ""), "comma-separated allowed origins (WUSHE_CORS_ORIGINS)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", env("WUSHE_TRUSTED_PROXIES", ""), "comma-separated proxy IPs/CIDRs whose X-Forwarded-For is believed (WUSHE_TRUSTED_PROXIES)")
	fs.StringVar(&c.MatchWeights, "match-weights", env("WUSHE_MATCH_WEIGHTS", ""), `score weights as JSON, e.g. {"skill":20,"distance":25,"slack":10,"domain":10,"reliability":15,"fairness":12,"track":8} (WUSHE_MATCH_WEIGHTS)`)
	fs.DurationVar(&c.MatchingResync, "matching-resync", c.MatchingResync, "how often each replica rebuilds its matching index from the store (WUSHE_MATCHING_RESYNC)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "how long to drain requests at shutdown (WUSHE_SHUTDOWN_TIMEOUT)")
	fs.BoolVar(&c.Demo, "demo", getenv("WUSHE_DEMO") == "1" || strings.EqualFold(getenv("WUSHE_DEMO"), "true"),
		"seed the demo city of Zhengzhou at the first start, with one login per role (WUSHE_DEMO=1)")
	c.BootstrapPhone = getenv("WUSHE_BOOTSTRAP_ADMIN_PHONE")
	c.BootstrapPass = getenv("WUSHE_BOOTSTRAP_ADMIN_PASSWORD")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		return c, err
	}
	if _, err := c.weights(); err != nil {
		return c, err
	}
	return c, nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return l, fmt.Errorf("WUSHE_LOG_LEVEL: want debug, info, warn or error, got %q", s)
	}
	return l, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// logAttrs is the effective configuration for the start-up log, secrets masked.
func (c Config) logAttrs() []any {
	mask := func(s string) string {
		if s == "" {
			return "(unset)"
		}
		return "***"
	}
	return []any{"addr", c.Addr, "dataDir", c.DataDir, "mongoURI", maskURI(c.MongoURI), "mongoDB", c.MongoDB,
		"redisURL", maskURI(c.RedisURL), "redisPrefix", c.RedisPrefix, "jwtSecret", mask(c.JWTSecret), "signingKey", mask(c.SigningKey),
		"accessTokenTTL", c.AccessTTL.String(), "refreshTokenTTL", c.RefreshTTL.String(), "logLevel", c.LogLevel,
		"corsOrigins", c.CORSOrigins, "trustedProxies", c.TrustedProxies, "matchWeights", c.MatchWeights, "matchingResync", c.MatchingResync.String(),
		"bootstrapAdminPhone", c.BootstrapPhone, "bootstrapAdminPassword", mask(c.BootstrapPass)}
}

// maskURI hides the password of a URI's userinfo.
func maskURI(u string) string {
	if u == "" {
		return "(embedded)"
	}
	at := strings.LastIndex(u, "@")
	scheme := strings.Index(u, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return u
	}
	userinfo := u[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		userinfo = userinfo[:i] + ":***"
	}
	return u[:scheme+3] + userinfo + u[at:]
}

// weights parses WUSHE_MATCH_WEIGHTS; the zero value means the defaults.
func (c Config) weights() (matching.Weights, error) {
	var w matching.Weights
	if c.MatchWeights == "" {
		return w, nil
	}
	dec := json.NewDecoder(strings.NewReader(c.MatchWeights))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return w, fmt.Errorf("WUSHE_MATCH_WEIGHTS: want a JSON object of skill, distance, slack, domain, reliability, fairness, track: %w", err)
	}
	if err := w.Validate(); err != nil {
		return w, fmt.Errorf("WUSHE_MATCH_WEIGHTS: %w", err)
	}
	return w, nil
}
