package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/wushe/wushe/adapters/sms"
	"github.com/wushe/wushe/adapters/wechat"
	"github.com/wushe/wushe/jobs"
	"github.com/wushe/wushe/matching"
	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/accounts"
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
	RequestTimeout  time.Duration
	MatchingResync  time.Duration
	MatchWeights    string // JSON object of matching.Weights; empty: the defaults
	Demo            bool   // seed the demo city (serve: at the first start)
	// Worker: "auto" runs the scheduled jobs inside serve in the embedded
	// default only; "on" always; "off" never (run wushe worker instead).
	InlineWorker      string
	WorkerAddr        string // wushe worker: address of /metrics and /healthz
	PprofAddr         string // serve and worker: net/http/pprof on this address; empty: off
	WorkerConcurrency int
	// JobSchedule overrides specs of jobs.Schedule(): comma-separated
	// job=spec pairs (tests and staging make a firing come within seconds).
	JobSchedule string
	// WeChat subscription-message template ids, as kind=templateId pairs.
	WeChatTemplates string
	// SMS notification templates, as kind=templateCode pairs.
	SMSNoticeTemplates string

	// Cost bounds of public and expensive reads (0: the service's defaults).
	AnonLimit      int           // requests a minute from one client IP without a token
	ExpensiveLimit int           // expensive reads a minute per account and kind
	NeedCacheTTL   time.Duration // how stale need counts and public need lists may be

	DataKey           string // base64 of 32 bytes: seals ID numbers and guardian details (AES-256-GCM)
	PhoneCodeOptional bool   // registration without an SMS code: embedded mode only (demos)
	SMSProvider       string // log or aliyun
	SMSEndpoint       string
	SMSKeyID          string
	SMSKeySecret      string
	SMSSignName       string
	SMSTemplate       string
	SMSExistsTemplate string // the notice "this phone already has an account", sent instead of a registration code
	WeChatAppID       string
	WeChatAppSecret   string
	WeChatAPIBase     string
	// SMS, when set (by tests), replaces the sender SMSProvider names.
	SMS smsGateway
}

// smsGateway is what an SMS provider does for Wushe: verification codes
// for the service and approved templates for notices. Both are required,
// so a provider without templates is a compile error, not notices that
// silently never leave.
type smsGateway interface {
	accounts.SMSSender
	service.TemplateTexter
}

// Embedded reports which stores run inside the process.
func (c Config) embeddedMongo() bool { return c.MongoURI == "" }
func (c Config) embeddedRedis() bool { return c.RedisURL == "" }

// loadConfig parses the configuration of command name from the
// environment and args; every problem is reported at once.
func loadConfig(name string, args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	return parseConfig(name, args, getenv, stderr, nil)
}

// parseConfig is loadConfig for a command with flags of its own (own
// registers them, may be nil); -h prints the command's flags to out and
// returns flag.ErrHelp.
func parseConfig(name string, args []string, getenv func(string) string, out io.Writer, own func(*flag.FlagSet)) (Config, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	c, errs := configFlags(fs, getenv)
	if own != nil {
		own(fs)
	}
	if err := parseArgs(fs, args, out); err != nil {
		return *c, err
	}
	errs = append(errs, c.validate(name)...)
	return *c, errors.Join(errs...)
}

// configFlags registers the configuration's flags on fs, each defaulting to
// its environment variable; it returns the environment's bad durations.
func configFlags(fs *flag.FlagSet, getenv func(string) string) (*Config, []error) {
	env := func(k, def string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return def
	}
	var errs []error
	dur := func(k string, def time.Duration) time.Duration {
		v := getenv(k)
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s: want a positive duration such as 15m, got %q", k, v))
			return def
		}
		return d
	}
	num := func(k string) int {
		v := getenv(k)
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("%s: want a positive whole number, got %q", k, v))
			return 0
		}
		return n
	}
	c := &Config{}
	c.AnonLimit = num("WUSHE_ANON_LIMIT")
	c.ExpensiveLimit = num("WUSHE_EXPENSIVE_LIMIT")
	c.NeedCacheTTL = dur("WUSHE_NEED_CACHE_TTL", 15*time.Second)
	c.AccessTTL = dur("WUSHE_ACCESS_TOKEN_TTL", 15*time.Minute)
	c.RefreshTTL = dur("WUSHE_REFRESH_TOKEN_TTL", 30*24*time.Hour)
	c.ShutdownTimeout = dur("WUSHE_SHUTDOWN_TIMEOUT", 15*time.Second)
	c.MatchingResync = dur("WUSHE_MATCHING_RESYNC", 10*time.Minute)
	c.RequestTimeout = dur("WUSHE_REQUEST_TIMEOUT", 30*time.Second)
	fs.StringVar(&c.Addr, "addr", env("WUSHE_ADDR", ":8080"), "listen address (WUSHE_ADDR)")
	fs.StringVar(&c.DataDir, "data-dir", env("WUSHE_DATA_DIR", "./data"), "embedded data directory (WUSHE_DATA_DIR)")
	fs.StringVar(&c.MongoURI, "mongo-uri", env("MONGO_URI", ""), "MongoDB URI; empty runs embedded FerretDB (MONGO_URI)")
	fs.StringVar(&c.MongoDB, "mongo-db", env("MONGO_DB", "wushe"), "MongoDB database name (MONGO_DB)")
	fs.StringVar(&c.RedisURL, "redis-url", env("REDIS_URL", ""), "Redis URL; empty runs embedded miniredis (REDIS_URL)")
	fs.StringVar(&c.RedisPrefix, "redis-prefix", env("WUSHE_REDIS_PREFIX", "wushe:"), "prefix of every Redis key (WUSHE_REDIS_PREFIX)")
	fs.StringVar(&c.JWTSecret, "jwt-secret", env("WUSHE_JWT_SECRET", ""), "HS256 secret, ≥ 32 bytes; embedded mode generates one (WUSHE_JWT_SECRET)")
	fs.StringVar(&c.SigningKey, "signing-key", env("WUSHE_SIGNING_KEY", ""), "Ed25519 key (base64 seed) that signs service-record statements; embedded mode generates one (WUSHE_SIGNING_KEY)")
	fs.IntVar(&c.AnonLimit, "anon-limit", c.AnonLimit, "requests a minute one client IP may make without a token; 0: 600 (WUSHE_ANON_LIMIT)")
	fs.IntVar(&c.ExpensiveLimit, "expensive-limit", c.ExpensiveLimit, "CE compliance lists, batch proposals, and personal-data and hours exports a minute per account and kind; 0: 20 (WUSHE_EXPENSIVE_LIMIT)")
	fs.DurationVar(&c.NeedCacheTTL, "need-cache-ttl", c.NeedCacheTTL, "how stale need counts and public need lists may be (WUSHE_NEED_CACHE_TTL)")
	fs.DurationVar(&c.AccessTTL, "access-token-ttl", c.AccessTTL, "access token lifetime (WUSHE_ACCESS_TOKEN_TTL)")
	fs.DurationVar(&c.RefreshTTL, "refresh-token-ttl", c.RefreshTTL, "refresh token lifetime (WUSHE_REFRESH_TOKEN_TTL)")
	fs.StringVar(&c.LogLevel, "log-level", env("WUSHE_LOG_LEVEL", "info"), "debug, info, warn or error (WUSHE_LOG_LEVEL)")
	fs.StringVar(&c.CORSOrigins, "cors-origins", env("WUSHE_CORS_ORIGINS", ""), "comma-separated allowed origins (WUSHE_CORS_ORIGINS)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", env("WUSHE_TRUSTED_PROXIES", ""), "comma-separated proxy IPs/CIDRs whose X-Forwarded-For is believed (WUSHE_TRUSTED_PROXIES)")
	fs.StringVar(&c.MatchWeights, "match-weights", env("WUSHE_MATCH_WEIGHTS", ""), `score weights as JSON, e.g. {"skill":20,"distance":25,"slack":10,"domain":10,"reliability":15,"fairness":12,"track":8} (WUSHE_MATCH_WEIGHTS)`)
	fs.DurationVar(&c.MatchingResync, "matching-resync", c.MatchingResync, "how often each replica catches its matching index up from the change log (WUSHE_MATCHING_RESYNC)")
	fs.DurationVar(&c.RequestTimeout, "request-timeout", c.RequestTimeout, "deadline of every API request (WUSHE_REQUEST_TIMEOUT)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "how long to drain requests at shutdown (WUSHE_SHUTDOWN_TIMEOUT)")
	fs.BoolVar(&c.Demo, "demo", getenv("WUSHE_DEMO") == "1" || strings.EqualFold(getenv("WUSHE_DEMO"), "true"),
		"seed the demo city of Zhengzhou at the first start, with one login per role (WUSHE_DEMO=1)")
	fs.StringVar(&c.DataKey, "data-key", env("WUSHE_DATA_KEY", ""), "base64 of a 32-byte key sealing ID numbers and guardian details; embedded mode generates one (WUSHE_DATA_KEY)")
	fs.BoolVar(&c.PhoneCodeOptional, "phone-code-optional", getenv("WUSHE_PHONE_CODE_OPTIONAL") == "1",
		"let registration skip the SMS code: embedded demos only, refused with MONGO_URI (WUSHE_PHONE_CODE_OPTIONAL=1)")
	fs.StringVar(&c.SMSProvider, "sms-provider", env("WUSHE_SMS_PROVIDER", ""), "aliyun, or log (write codes to the log: the embedded default; with MONGO_URI only when set explicitly) (WUSHE_SMS_PROVIDER)")
	fs.StringVar(&c.SMSEndpoint, "sms-endpoint", env("WUSHE_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com"), "Alibaba Cloud SMS API base URL (WUSHE_SMS_ENDPOINT)")
	fs.StringVar(&c.SMSKeyID, "sms-access-key-id", env("WUSHE_SMS_ACCESS_KEY_ID", ""), "Alibaba Cloud AccessKey ID (WUSHE_SMS_ACCESS_KEY_ID)")
	fs.StringVar(&c.SMSKeySecret, "sms-access-key-secret", env("WUSHE_SMS_ACCESS_KEY_SECRET", ""), "Alibaba Cloud AccessKey secret (WUSHE_SMS_ACCESS_KEY_SECRET)")
	fs.StringVar(&c.SMSSignName, "sms-sign-name", env("WUSHE_SMS_SIGN_NAME", ""), "approved SMS signature, e.g. 五社联动 (WUSHE_SMS_SIGN_NAME)")
	fs.StringVar(&c.SMSTemplate, "sms-template", env("WUSHE_SMS_TEMPLATE", ""), "approved template code with a ${code} parameter (WUSHE_SMS_TEMPLATE)")
	fs.StringVar(&c.SMSExistsTemplate, "sms-exists-template", env("WUSHE_SMS_EXISTS_TEMPLATE", ""), "approved template without parameters telling a person their phone already has an account, sent instead of a registration code (WUSHE_SMS_EXISTS_TEMPLATE)")
	fs.StringVar(&c.WeChatAppID, "wechat-app-id", env("WUSHE_WECHAT_APP_ID", ""), "mini-program AppID; empty disables WeChat login (WUSHE_WECHAT_APP_ID)")
	fs.StringVar(&c.WeChatAppSecret, "wechat-app-secret", env("WUSHE_WECHAT_APP_SECRET", ""), "mini-program AppSecret (WUSHE_WECHAT_APP_SECRET)")
	fs.StringVar(&c.WeChatAPIBase, "wechat-api-base", env("WUSHE_WECHAT_API_BASE", "https://api.weixin.qq.com"), "WeChat server API base URL (WUSHE_WECHAT_API_BASE)")
	fs.StringVar(&c.InlineWorker, "inline-worker", env("WUSHE_INLINE_WORKER", "auto"), "run the scheduled jobs inside serve: auto (embedded Redis only), on or off (WUSHE_INLINE_WORKER)")
	fs.StringVar(&c.WorkerAddr, "worker-addr", env("WUSHE_WORKER_ADDR", ":8081"), "wushe worker: address of /metrics and /healthz (WUSHE_WORKER_ADDR)")
	fs.StringVar(&c.PprofAddr, "pprof-addr", env("WUSHE_PPROF_ADDR", ""), "serve Go's profiler (net/http/pprof) on this address, e.g. 127.0.0.1:6060; empty: off. Never expose it (WUSHE_PPROF_ADDR)")
	fs.IntVar(&c.WorkerConcurrency, "worker-concurrency", 4, "tasks one worker runs at once")
	fs.StringVar(&c.JobSchedule, "job-schedule", env("WUSHE_JOB_SCHEDULE", ""), "override job specs as job=spec pairs, comma-separated, e.g. remind_shifts=@every 3s,expire_invitations=*/2 * * * * (WUSHE_JOB_SCHEDULE)")
	fs.StringVar(&c.SMSNoticeTemplates, "sms-notice-templates", env("WUSHE_SMS_NOTICE_TEMPLATES", ""), "SMS notification templates as kind=templateCode pairs, comma-separated, e.g. shift_reminder_1h=SMS_1234 (WUSHE_SMS_NOTICE_TEMPLATES)")
	fs.StringVar(&c.WeChatTemplates, "wechat-templates", env("WUSHE_WECHAT_TEMPLATES", ""), "subscription-message templates as kind=templateId pairs, comma-separated, e.g. invitation=AbC,shift_reminder_1h=XyZ (WUSHE_WECHAT_TEMPLATES)")
	c.BootstrapPhone = getenv("WUSHE_BOOTSTRAP_ADMIN_PHONE")
	c.BootstrapPass = getenv("WUSHE_BOOTSTRAP_ADMIN_PASSWORD")
	return c, errs
}

// validate checks the parsed configuration of command name and lists every
// problem, so that one start reports them all.
func (c *Config) validate(name string) []error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	_, err := parseLevel(c.LogLevel)
	add(err)
	_, err = c.weights()
	add(err)
	errs = append(errs, c.checkAccounts()...)
	switch c.InlineWorker {
	case "auto", "on", "off":
	default:
		add(fmt.Errorf("WUSHE_INLINE_WORKER: want auto, on or off, got %q", c.InlineWorker))
	}
	_, err = c.jobs()
	add(err)
	_, err = kindPairs("WUSHE_WECHAT_TEMPLATES", c.WeChatTemplates)
	add(err)
	_, err = kindPairs("WUSHE_SMS_NOTICE_TEMPLATES", c.SMSNoticeTemplates)
	add(err)
	if name == "worker" && (c.embeddedMongo() || c.embeddedRedis()) {
		add(errors.New("wushe worker needs MONGO_URI and REDIS_URL: in the embedded default, wushe serve runs the worker itself"))
	}
	// The secrets: required outside the embedded default (which generates
	// development ones), and well-formed whenever given.
	required := func(v, name, gen string) bool {
		if v == "" && !c.embeddedMongo() {
			add(fmt.Errorf("%s is required when MONGO_URI is set (generate one with: %s)", name, gen))
		}
		return v != ""
	}
	// seed writes data only: it issues no token and signs no statement.
	issues := name != "seed"
	if c.JWTSecret != "" || issues {
		if required(c.JWTSecret, "WUSHE_JWT_SECRET", "openssl rand -hex 32") && len(c.JWTSecret) < 32 {
			add(errors.New("WUSHE_JWT_SECRET must be at least 32 bytes"))
		}
	}
	if (c.SigningKey != "" || issues) && required(c.SigningKey, "WUSHE_SIGNING_KEY", "openssl rand -base64 32") {
		_, err := parseSigningKey(c.SigningKey, "WUSHE_SIGNING_KEY")
		add(err)
	}
	if required(c.DataKey, "WUSHE_DATA_KEY", "openssl rand -base64 32") {
		_, err := parseDataKey(c.DataKey, "WUSHE_DATA_KEY")
		add(err)
	}
	if c.BootstrapPhone != "" && c.BootstrapPass == "" {
		add(errors.New("WUSHE_BOOTSTRAP_ADMIN_PHONE is set but WUSHE_BOOTSTRAP_ADMIN_PASSWORD is not"))
	}
	return errs
}

// checkAccounts checks the SMS, WeChat and phone-code settings.
func (c *Config) checkAccounts() []error {
	var errs []error
	if c.SMSProvider == "" {
		if !c.embeddedMongo() {
			// Codes in the log would let whoever reads the logs reset any
			// password: outside the embedded default, it must be chosen.
			errs = append(errs, errors.New("WUSHE_SMS_PROVIDER is required when MONGO_URI is set: aliyun in production (log only for a staging system whose logs are private)"))
		} else {
			c.SMSProvider = "log"
		}
	}
	switch c.SMSProvider {
	case "log", "":
	case "aliyun":
		if c.SMSKeyID == "" || c.SMSKeySecret == "" || c.SMSSignName == "" || c.SMSTemplate == "" {
			errs = append(errs, errors.New("WUSHE_SMS_PROVIDER=aliyun needs WUSHE_SMS_ACCESS_KEY_ID, WUSHE_SMS_ACCESS_KEY_SECRET, WUSHE_SMS_SIGN_NAME and WUSHE_SMS_TEMPLATE"))
		}
	default:
		errs = append(errs, fmt.Errorf("WUSHE_SMS_PROVIDER: want log or aliyun, got %q", c.SMSProvider))
	}
	if c.WeChatAppID != "" && c.WeChatAppSecret == "" {
		errs = append(errs, errors.New("WUSHE_WECHAT_APP_ID is set but WUSHE_WECHAT_APP_SECRET is not"))
	}
	if c.PhoneCodeOptional && !c.embeddedMongo() {
		errs = append(errs, errors.New("WUSHE_PHONE_CODE_OPTIONAL is for embedded demos only; it is refused when MONGO_URI is set"))
	}
	return errs
}

// smsSender is the configured SMS adapter.
func (c Config) smsSender(log *slog.Logger) smsGateway {
	switch {
	case c.SMS != nil:
		return c.SMS
	case c.SMSProvider == "aliyun":
		return &sms.Aliyun{Endpoint: c.SMSEndpoint, AccessKeyID: c.SMSKeyID, AccessKeySecret: c.SMSKeySecret,
			SignName: c.SMSSignName, TemplateCode: c.SMSTemplate, ExistsTemplate: c.SMSExistsTemplate}
	}
	return accounts.LogSMS{Logger: log}
}

// wechat is the mini-program API client, nil when WeChat login is off.
func (c Config) wechat() accounts.WeChatClient {
	if c.WeChatAppID == "" {
		return nil
	}
	return &wechat.API{BaseURL: c.WeChatAPIBase, AppID: c.WeChatAppID, AppSecret: c.WeChatAppSecret}
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
		"corsOrigins", c.CORSOrigins, "trustedProxies", c.TrustedProxies, "matchWeights", c.MatchWeights, "matchingResync", c.MatchingResync.String(), "requestTimeout", c.RequestTimeout.String(),
		"bootstrapAdminPhone", c.BootstrapPhone, "bootstrapAdminPassword", mask(c.BootstrapPass),
		"dataKey", mask(c.DataKey), "phoneCodeOptional", c.PhoneCodeOptional, "smsProvider", c.SMSProvider, "smsEndpoint", c.SMSEndpoint,
		"smsAccessKeyId", c.SMSKeyID, "smsAccessKeySecret", mask(c.SMSKeySecret), "smsSignName", c.SMSSignName, "smsTemplate", c.SMSTemplate,
		"wechatAppId", c.WeChatAppID, "wechatAppSecret", mask(c.WeChatAppSecret), "wechatAPIBase", c.WeChatAPIBase,
		"inlineWorker", c.InlineWorker, "jobSchedule", c.JobSchedule}
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

// inlineWorker reports whether serve runs the scheduled jobs itself.
func (c Config) inlineWorker() bool {
	return c.InlineWorker == "on" || c.InlineWorker == "auto" && c.embeddedRedis()
}

// jobs is the schedule the worker runs: jobs.Schedule() with the specs of
// WUSHE_JOB_SCHEDULE.
func (c Config) jobs() ([]jobs.Job, error) {
	js, err := jobs.Override(jobs.Schedule(), c.JobSchedule)
	if err != nil {
		return nil, fmt.Errorf("WUSHE_JOB_SCHEDULE: %w", err)
	}
	return js, nil
}

// kindPairs parses kind=template pairs (WUSHE_WECHAT_TEMPLATES, WUSHE_SMS_NOTICE_TEMPLATES).
func kindPairs(name, list string) (map[models.NotificationKind]string, error) {
	out := map[models.NotificationKind]string{}
	for _, pair := range splitList(list) {
		k, v, ok := strings.Cut(pair, "=")
		if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
			return nil, fmt.Errorf("%s: want kind=template pairs, got %q", name, pair)
		}
		out[models.NotificationKind(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	return out, nil
}
