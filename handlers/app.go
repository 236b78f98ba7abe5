// Package handlers is Wushe's HTTP surface: Fiber with Huma on top. Handlers
// are thin: typed input (validated by its tags) → a service call with the
// request's context and the actor from the token → typed output. Every error
// becomes problem+json through the one table in errors.go.
package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"reflect"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humafiber"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gofiber/fiber/v2/middleware/cors"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/accounts"
)

// Config is the HTTP layer's configuration.
type Config struct {
	Logger         *slog.Logger
	BodyLimit      int      // bytes; default 1 MiB
	CORSOrigins    []string // allowed origins; none → no CORS headers
	TrustedProxies []string // peers whose X-Forwarded-For is believed
	Version        string
	// Registry is where /metrics gathers from (the in-process worker adds
	// its job metrics to it); nil makes a fresh one.
	Registry *prometheus.Registry
	// MongoDB and Redis are the stores' circuit breakers. While MongoDB's
	// is open, API requests are refused at once (503, Retry-After) and
	// requests waiting on it are released; /readyz is 503. While Redis's
	// is open the service runs degraded: /readyz stays 200 and says so.
	// Nil: no admission check, and /readyz does not check that store.
	MongoDB, Redis StoreHealth
	// RequestTimeout bounds every API request (default 30 s). It is a
	// backstop: a frozen database releases its waiting requests sooner,
	// when its breaker trips.
	RequestTimeout time.Duration
	// RequestContext, when set, wraps every request's context at entry
	// (the round-trip test gives each request its own counter with it).
	RequestContext func(context.Context) context.Context
}

// StoreHealth is a store's circuit breaker, as the HTTP layer sees it
// (store/breaker.Breaker).
type StoreHealth interface {
	Name() string
	// Up reports whether the store is reachable, as last seen.
	Up() bool
	// Context is done while the store is down.
	Context() context.Context
	// Check asks the store now, and trips the breaker when it fails.
	Check(ctx context.Context) error
	// RetryAfter is the wait to advise a refused client, in seconds.
	RetryAfter() int
}

// App is the HTTP application: the Fiber app and the Huma API on it.
type App struct {
	Fiber *fiber.App
	API   huma.API
	svc   *service.Service
	log   *slog.Logger
	cfg   Config
	// proxies are the trusted proxies' addresses (WUSHE_TRUSTED_PROXIES).
	proxies []netip.Prefix
}

var installOnce sync.Once

// New builds the application used by main and by the tests.
func New(svc *service.Service, cfg Config) *App {
	installOnce.Do(installErrorModel)
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.BodyLimit == 0 {
		cfg.BodyLimit = 1 << 20
	}
	f := fiber.New(fiber.Config{
		AppName:               "wushe",
		BodyLimit:             cfg.BodyLimit,
		ErrorHandler:          fiberErrorHandler,
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           120 * time.Second,
		EnableIPValidation:    true,
	})
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	a := &App{Fiber: f, svc: svc, log: cfg.Logger, cfg: cfg, proxies: parseProxies(cfg.TrustedProxies, cfg.Logger)}

	reg := cfg.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := newHTTPMetrics(reg, f)

	f.Use(a.requestContext) // outermost: the request id and logger reach everything below
	f.Use(m.observe)
	f.Use(a.admit)         // a dead database answers 503 at once; every request has a deadline
	f.Use(a.recoverPanics) // innermost: a panic is logged and counted as a 500
	if len(cfg.CORSOrigins) > 0 {
		f.Use(cors.New(cors.Config{
			AllowOrigins:  strings.Join(cfg.CORSOrigins, ","),
			AllowHeaders:  "Authorization, Content-Type, Accept-Language, Idempotency-Key, X-Request-Id",
			ExposeHeaders: "X-Request-Id, Retry-After",
			MaxAge:        600,
		}))
	}

	hc := huma.DefaultConfig("Wushe 五社联动 API", cfg.Version)
	hc.Info.Description = "五社联动服务：社区需求、志愿者、社会工作者、社区社会组织与公益慈善资源的联动。" +
		" Five-society linkage for Zhengzhou: community needs, volunteers, social workers, community organisations and charity funds." +
		"\n\n时间约定 Time: every instant is RFC 3339 in UTC with milliseconds (`2026-12-04T01:00:00.000Z`); input accepts any offset." +
		" Local dates are `YYYY-MM-DD` and wall times `HH:MM`, both Beijing time (Asia/Shanghai)." +
		" Weekdays are `mon` … `sun` everywhere. Errors: `application/problem+json` with a stable `code` (`/problems`)."
	hc.Formats = map[string]huma.Format{"application/json": jsonFormat, "json": jsonFormat}
	hc.Components.Schemas.RegisterTypeAlias(reflect.TypeFor[models.Weekday](), reflect.TypeFor[weekdayName]())
	hc.OpenAPIPath = "" // served by serveDocument, once finished
	hc.DocsPath = ""
	hc.SchemasPath = ""
	hc.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", BearerFormat: "JWT"},
	}
	hc.CreateHooks = nil // no $schema link: the schemas path is not served
	api := humafiber.New(f, hc)
	api.UseMiddleware(withOperation, a.authenticate(api), strictQuery(api))
	a.API = api

	f.Get("/healthz", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"status": "ok"}) })
	f.Get("/readyz", a.readyz)
	f.Get("/metrics", adaptor.HTTPHandler(promhttp.HandlerFor(reg, promhttp.HandlerOpts{})))
	documentPlainRoutes(api)
	registerConsole(f, api) // the web console at /console/ (web/dist, embedded)

	registerAuth(api, svc)
	registerMe(api, svc)
	registerRoleOffers(api, svc)
	registerStaff(api, svc)
	registerMeta(api)
	registerProblems(api)
	registerDivisions(api, svc)
	registerOrganisations(api, svc)
	registerStations(api, svc)
	registerComplaints(api, svc)
	registerVolunteers(api, svc)
	registerSocialWorkers(api, svc)
	registerNeeds(api, svc)
	registerPatches(api, svc)
	registerPlans(api, svc)
	registerAudit(api, svc)
	registerInvitations(api, svc)
	registerMatching(api, svc)
	registerBatch(api, svc)
	registerServiceRecords(api, svc) // before hours: /v1/hours/export.csv must not fall to /v1/hours/{id}
	registerHours(api, svc)
	registerPathway(api, svc)
	registerSupervision(api, svc)
	registerFunds(api, svc)
	registerApplications(api, svc)
	registerNotifications(api, svc)
	registerCompetitions(api, svc)
	registerDashboard(api, svc)
	registerRecognition(api, svc)
	registerPosts(api, svc)
	finishDocument(api.OpenAPI())
	serveDocument(f, api.OpenAPI())
	return a
}

// parseProxies reads trusted proxies as addresses or CIDR prefixes; a
// malformed entry is logged and ignored.
func parseProxies(list []string, log *slog.Logger) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range list {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
		} else if a, err := netip.ParseAddr(s); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		} else {
			log.Warn("ignoring a trusted proxy that is neither an address nor a CIDR prefix", "proxy", s)
		}
	}
	return out
}

func (a *App) trusted(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range a.proxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// clientIP is the address rate limits and logs see: the peer, unless the
// peer is a trusted proxy; then the rightmost X-Forwarded-For entry that
// is not a trusted proxy. Entries left of it were written by the client
// (or by proxies nobody vouches for) and are never believed.
func (a *App) clientIP(c *fiber.Ctx) string {
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return c.Context().RemoteIP().String()
	}
	peer = peer.Unmap()
	if len(a.proxies) == 0 || !a.trusted(peer) {
		return peer.String()
	}
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		ip, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed hop: believe nothing left of it
		}
		client = ip.Unmap()
		if !a.trusted(client) {
			break
		}
	}
	return client.String()
}

// Shutdown stops accepting connections and waits for in-flight requests
// until ctx ends.
func (a *App) Shutdown(ctx context.Context) error { return a.Fiber.ShutdownWithContext(ctx) }

// readyz answers 200 when this replica can serve: MongoDB answers and the
// matching index is loaded (503 "matching index loading" before). Redis
// being down leaves it ready ("degraded": logins, profiles, needs and money
// work; SMS codes, leaderboards and the job queue wait for Redis), so a
// balancer never takes every replica out for a Redis outage.
func (a *App) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), time.Second)
	defer cancel()
	type result struct {
		name     string
		required bool
		err      error
	}
	var stores []StoreHealth
	var required []bool
	for _, st := range []struct {
		h        StoreHealth
		required bool
	}{{a.cfg.MongoDB, true}, {a.cfg.Redis, false}} {
		if st.h != nil {
			stores, required = append(stores, st.h), append(required, st.required)
		}
	}
	ch := make(chan result, len(stores))
	for i, st := range stores {
		go func() { ch <- result{st.Name(), required[i], st.Check(ctx)} }()
	}
	checks := fiber.Map{}
	var down, degraded []string
	for range stores {
		r := <-ch
		if r.err == nil {
			checks[r.name] = "ok"
			continue
		}
		checks[r.name] = "down"
		if r.required {
			down = append(down, r.name)
		} else {
			degraded = append(degraded, r.name)
		}
	}
	if len(down) > 0 {
		en := english(c.Get(fiber.HeaderAcceptLanguage))
		c.Set("Retry-After", strconv.Itoa(a.cfg.MongoDB.RetryAfter()))
		unavailable := problemByCode[models.CodeUnavailable]
		return c.Status(503).JSON(fiber.Map{"type": problemType(models.CodeUnavailable), "code": models.CodeUnavailable,
			"title": pick(en, unavailable.Title[0], unavailable.Title[1]), "status": 503,
			"detail": pick(en, "依赖服务不可用："+strings.Join(down, ", "), "not ready: "+strings.Join(down, ", ")+" unreachable"),
			"checks": checks}, "application/problem+json")
	}
	if a.svc != nil && a.svc.Matching().IndexLoading() {
		// Not ready, so a balancer keeps sending matching to replicas that
		// have their index (a rolling start); whatever reaches this one
		// anyway gets 503 with Retry-After from the matching calls.
		checks["matchingIndex"] = "loading"
		en := english(c.Get(fiber.HeaderAcceptLanguage))
		c.Set("Retry-After", "5")
		unavailable := problemByCode[models.CodeUnavailable]
		return c.Status(503).JSON(fiber.Map{"type": problemType(models.CodeUnavailable), "code": models.CodeUnavailable,
			"title": pick(en, unavailable.Title[0], unavailable.Title[1]), "status": 503,
			"detail": pick(en, "匹配索引正在加载", "matching index loading"), "checks": checks}, "application/problem+json")
	}
	if len(degraded) > 0 {
		return c.JSON(fiber.Map{"status": "degraded", "checks": checks, "degraded": degraded})
	}
	return c.JSON(fiber.Map{"status": "ready", "checks": checks})
}

// admit gives every API request a deadline and refuses it at once (503,
// Retry-After) while MongoDB's breaker is open; a request admitted before
// the breaker tripped is released at the trip (its context is cancelled)
// instead of waiting for a frozen database. Health, metrics, the OpenAPI
// document, the console's files and the static vocabularies need no store.
func (a *App) admit(c *fiber.Ctx) error {
	path := c.Path()
	if !strings.HasPrefix(path, "/v1/") || strings.HasPrefix(path, "/v1/meta/") || strings.HasPrefix(path, "/v1/divisions") {
		return c.Next()
	}
	db := a.cfg.MongoDB
	if db != nil && !db.Up() {
		e := models.ErrUnavailable.Wrap(context.Cause(db.Context())) // the breaker's cause: logged once, by the breaker
		e.RetryAfter = db.RetryAfter()
		return e
	}
	ctx, cancel := context.WithTimeoutCause(c.UserContext(), a.cfg.RequestTimeout, errRequestTimeout)
	defer cancel()
	if db != nil {
		ctx2, cancel2 := context.WithCancelCause(ctx)
		defer cancel2(nil)
		stop := context.AfterFunc(db.Context(), func() { cancel2(context.Cause(db.Context())) })
		defer stop()
		ctx = ctx2
	}
	c.SetUserContext(ctx)
	return c.Next()
}

var errRequestTimeout = errors.New("request deadline exceeded")

type requestIDKey struct{}

// requestContext gives each request an id (X-Request-Id, kept if the client
// sent a sane one), a logger carrying it, and writes the access log.
func (a *App) requestContext(c *fiber.Ctx) error {
	id := c.Get("X-Request-Id")
	if len(id) == 0 || len(id) > 64 || strings.ContainsAny(id, " \t\r\n") {
		id = service.NewID()
	}
	c.Set("X-Request-Id", id)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	if strings.HasPrefix(c.Path(), "/v1/") {
		// Answers carry personal data and tokens: no shared or browser cache keeps them.
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	l := a.log.With("requestId", id)
	ctx := context.WithValue(c.UserContext(), requestIDKey{}, id)
	ctx = context.WithValue(ctx, loggerKey{}, l)
	ip := a.clientIP(c)
	ctx = context.WithValue(ctx, clientIPKey{}, ip)
	ctx = accounts.WithClientIP(ctx, ip)
	ctx = context.WithValue(ctx, englishKey{}, english(c.Get(fiber.HeaderAcceptLanguage)))
	if a.cfg.RequestContext != nil {
		ctx = a.cfg.RequestContext(ctx)
	}
	c.SetUserContext(ctx)
	start := time.Now()
	err := c.Next()
	if err != nil {
		if werr := writeFiberProblem(c, err); werr != nil {
			l.Error("write error response", "err", werr)
		}
	}
	level := slog.LevelInfo
	if c.Response().StatusCode() >= 500 {
		level = slog.LevelError
	}
	l.Log(ctx, level, "request", "method", c.Method(), "path", c.Path(), "route", c.Route().Path,
		"status", c.Response().StatusCode(), "durationMs", float64(time.Since(start).Microseconds())/1000,
		"ip", ip, "bytes", len(c.Response().Body()))
	return nil
}

// recoverPanics turns a panic into a logged 500 problem.
func (a *App) recoverPanics(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			logFor(c.UserContext()).Error("panic", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = writeFiberProblem(c, fmt.Errorf("panic: %v", r))
		}
	}()
	return c.Next()
}

type httpMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	routes   func() map[string]string // the registered route patterns, each mapped to itself
}

func newHTTPMetrics(reg prometheus.Registerer, f *fiber.App) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wushe_http_requests_total",
			Help: "HTTP requests by route, method and status."}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "wushe_http_request_duration_seconds",
			Help: "HTTP request latency by route and method.", Buckets: prometheus.DefBuckets}, []string{"route", "method"}),
	}
	// Routes are all registered before the first request is served.
	m.routes = sync.OnceValue(func() map[string]string {
		known := map[string]string{}
		for _, r := range f.GetRoutes(true) {
			if r.Path != "/" { // "/" is the middleware's own route: the request matched nothing
				p := strings.Clone(r.Path)
				known[p] = p
			}
		}
		return known
	})
	reg.MustRegister(m.requests, m.latency)
	return m
}

// knownMethods are the method labels; anything else is counted as OTHER.
var knownMethods = map[string]string{}

func init() {
	for _, m := range []string{fiber.MethodGet, fiber.MethodHead, fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch,
		fiber.MethodDelete, fiber.MethodOptions, fiber.MethodConnect, fiber.MethodTrace} {
		knownMethods[m] = m
	}
}

// labels are the metric labels of a request. Fiber's c.Method() and an
// unmatched c.Route().Path point into the request buffer that fasthttp
// reuses for the next request, so neither is kept: the method maps onto a
// constant, and the route is a registered pattern (those strings belong to
// the router) or "unmatched".
func (m *httpMetrics) labels(c *fiber.Ctx) (route, method string) {
	method, ok := knownMethods[c.Method()]
	if !ok {
		method = "OTHER"
	}
	route = "unmatched"
	if r := c.Route(); r != nil {
		if p, ok := m.routes()[r.Path]; ok {
			route = p // the router's own string, never the request's
		}
	}
	return route, method
}

func (m *httpMetrics) observe(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		_ = writeFiberProblem(c, err)
	}
	route, method := m.labels(c)
	m.requests.WithLabelValues(route, method, strconv.Itoa(c.Response().StatusCode())).Inc()
	m.latency.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
	return nil
}

// documentPlainRoutes adds the few plain Fiber routes to the OpenAPI
// description, so it covers every route the server answers.
func documentPlainRoutes(api huma.API) {
	oa := api.OpenAPI()
	plain := func(path, id, summary string, statuses ...string) {
		resp := map[string]*huma.Response{}
		for _, s := range statuses {
			resp[s] = &huma.Response{Description: http.StatusText(atoi(s))}
		}
		oa.AddOperation(&huma.Operation{OperationID: id, Method: http.MethodGet, Path: path, Summary: summary,
			Tags: []string{"ops"}, Responses: resp})
	}
	plain("/healthz", "healthz", "存活检查 Liveness", "200")
	plain("/readyz", "readyz", "就绪检查：MongoDB 与 Redis 可达 Readiness (MongoDB and Redis reachable)", "200", "503")
	plain("/metrics", "metrics", "Prometheus 指标 Prometheus metrics", "200")
	for _, p := range []string{"/openapi.json", "/openapi.yaml", "/openapi-3.0.json", "/openapi-3.0.yaml"} {
		plain(p, "openapi"+strings.NewReplacer("/openapi", "", ".", "-").Replace(p), "本 API 的 OpenAPI 描述 This OpenAPI description", "200")
	}
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
