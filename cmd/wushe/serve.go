package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wushe/wushe/demo"
	"github.com/wushe/wushe/handlers"
	"github.com/wushe/wushe/jobs"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/accounts"
	"github.com/wushe/wushe/store"
	"github.com/wushe/wushe/store/breaker"
)

func newLogger(w io.Writer, level string) *slog.Logger {
	l, _ := parseLevel(level)
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// Server is the whole running service: stores, use cases and HTTP. Tests
// start it on port 0 through the same code as main.
type Server struct {
	Stores   *stores
	Service  *service.Service
	App      *handlers.App
	Registry *prometheus.Registry // /metrics
	worker   *jobs.Worker         // the in-process worker, when serve runs one
	ln       net.Listener
	log      *slog.Logger
	cfg      Config
}

// Open wires the service from cfg without serving yet.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (_ *Server, err error) {
	st, err := openStores(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = st.Close()
		}
	}()
	secret, err := jwtSecret(cfg, log)
	if err != nil {
		return nil, err
	}
	weights, err := cfg.weights()
	if err != nil {
		return nil, err
	}
	sigKey, err := signingKey(cfg, log)
	if err != nil {
		return nil, err
	}
	if cfg.DataKey == "" && !cfg.embeddedMongo() {
		return nil, errors.New("WUSHE_DATA_KEY is required when MONGO_URI is set (generate one with: openssl rand -base64 32)")
	}
	if cfg.PhoneCodeOptional {
		log.Warn("registration WITHOUT an SMS code is allowed (WUSHE_PHONE_CODE_OPTIONAL): for demos only")
	}
	if cfg.SMSProvider == "log" && !cfg.embeddedMongo() {
		log.Warn("SMS codes are written to the log, not sent (WUSHE_SMS_PROVIDER=log); set WUSHE_SMS_PROVIDER=aliyun in production")
	}
	svc, err := service.New(service.Config{Logger: log, MatchWeights: weights, SigningKey: sigKey,
		Accounts: accounts.Config{JWTSecret: secret, AccessTokenTTL: cfg.AccessTTL, RefreshTokenTTL: cfg.RefreshTTL,
			AllowCodelessRegistration: cfg.PhoneCodeOptional, SMS: cfg.smsSender(log), WeChat: cfg.wechat()},
		Channels: cfg.channels(log), OnChannelError: channelErrors.onError,
		AnonymousLimitIP: cfg.AnonLimit, ExpensiveLimit: cfg.ExpensiveLimit, NeedCacheTTL: cfg.NeedCacheTTL},
		store.Stores(st.DB, st.Redis))
	if err != nil {
		return nil, err
	}
	if n, err := svc.Accounts().SealPlaintextPersonalData(ctx); err != nil {
		return nil, fmt.Errorf("seal personal data saved before sealing: %w", err)
	} else if n > 0 {
		log.Info("sealed ID numbers and guardian details saved in the clear before", "profiles", n)
	}
	if cfg.BootstrapPhone != "" {
		if cfg.BootstrapPass == "" {
			return nil, errors.New("WUSHE_BOOTSTRAP_ADMIN_PHONE is set but WUSHE_BOOTSTRAP_ADMIN_PASSWORD is not")
		}
		a, created, err := svc.Accounts().BootstrapAdmin(ctx, cfg.BootstrapPhone, cfg.BootstrapPass, "", "4101")
		if err != nil {
			return nil, fmt.Errorf("bootstrap admin: %w", err)
		}
		log.Info("bootstrap civil_affairs account ensured", "account", a.ID, "created", created, "division", "4101")
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(channelErrors.counter)
	watchStores(ctx, reg, st, svc, log)
	app := handlers.New(svc, handlers.Config{Logger: log, CORSOrigins: splitList(cfg.CORSOrigins),
		TrustedProxies: splitList(cfg.TrustedProxies), Version: version, Registry: reg,
		MongoDB: st.DB.Breaker(), Redis: st.Redis.Breaker(), RequestTimeout: cfg.RequestTimeout})
	return &Server{Stores: st, Service: svc, App: app, Registry: reg, log: log, cfg: cfg}, nil
}

// Listen binds the configured address (":0" picks a free port).
func (s *Server) Listen() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	s.ln = ln
	return nil
}

// Addr is the bound address, after Listen.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Serve answers requests until ctx ends, then drains in-flight requests
// (up to the shutdown timeout) and closes the stores.
func (s *Server) Serve(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.App.Fiber.Listener(s.ln) }()
	startProfiler(ctx, s.cfg.PprofAddr, s.log)
	go s.Service.WarmDashboard(ctx) // the first clerk to open the dashboard finds it read
	s.log.Info("serving", "addr", s.Addr(), "version", version)
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
		s.log.Info("shutting down: draining requests", "timeout", s.cfg.ShutdownTimeout.String())
		sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
		defer cancel()
		if err := s.App.Shutdown(sctx); err != nil {
			s.log.Warn("shutdown did not drain in time", "err", err)
		}
		<-errc
	}
	return errors.Join(serveErr, s.Close())
}

// Close stops the in-process worker, closes the stores and stops the
// embedded servers.
func (s *Server) Close() error {
	if s.worker != nil {
		s.worker.Shutdown()
	}
	return s.Stores.Close()
}

func serve(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	log := newLogger(stdout, cfg.LogLevel)
	log.Info("starting wushe", cfg.logAttrs()...)
	start := time.Now()
	// The port first: a taken port fails the start at once, not after
	// the stores, the demo city and the matching index.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (WUSHE_ADDR): %w", cfg.Addr, err)
	}
	srv, err := Open(ctx, cfg, log)
	if err != nil {
		_ = ln.Close()
		return err
	}
	srv.ln = ln
	if cfg.Demo {
		if _, err := demo.SeedAtStart(ctx, srv.Stores.DB, demo.DefaultOptions(), log, stderr); err != nil {
			_ = srv.Close()
			return fmt.Errorf("seed the demo city: %w", err)
		}
	}
	// Accounts and needs changed on other replicas (or by the worker)
	// reach this one's memories.
	if err := srv.Service.Follow(ctx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("follow changes on the bus: %w", err)
	}
	// The index loads in the background: /readyz is 503 ("matching index
	// loading") and the matching calls answer 503 until it is in.
	if err := srv.Service.Matching().StartMatching(ctx, cfg.MatchingResync, func() {
		log.Info("ready: matching index loaded; following changes on Redis", "startToReadyMs", time.Since(start).Milliseconds(),
			"catchUp", cfg.MatchingResync.String())
	}); err != nil {
		_ = srv.Close()
		return fmt.Errorf("start the matching index: %w", err)
	}
	if cfg.inlineWorker() {
		if srv.worker, err = startWorker(ctx, srv, cfg, log, srv.Registry); err != nil {
			_ = srv.Close()
			return err
		}
	}
	base := localURL(srv.Addr())
	log.Info("serving (ready once the matching index is loaded)", "startupMs", time.Since(start).Milliseconds(), "api", base+"/v1/", "console", base+"/console/",
		"openapi", base+"/openapi.json")
	err = srv.Serve(ctx)
	log.Info("stopped")
	return err
}

// watchStores exports the stores' breakers as metrics (wushe_store_up,
// wushe_store_outages_total) and, when Redis comes back, repairs what its
// outage left stale on this process (service.RedisRecovered).
func watchStores(ctx context.Context, reg prometheus.Registerer, st *stores, svc *service.Service, log *slog.Logger) {
	outages := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wushe_store_outages_total",
		Help: "Times a store's circuit breaker opened (the store was found unreachable)."}, []string{"store"})
	reg.MustRegister(outages)
	for _, b := range []*breaker.Breaker{st.DB.Breaker(), st.Redis.Breaker()} {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "wushe_store_up",
			Help: "1 while the store answers (its circuit breaker is closed), 0 during an outage.", ConstLabels: prometheus.Labels{"store": b.Name()}},
			func() float64 {
				if b.Up() {
					return 1
				}
				return 0
			}))
		outages.WithLabelValues(b.Name()).Add(0)
		b.OnChange(func(up bool) {
			if !up {
				outages.WithLabelValues(b.Name()).Inc()
			}
		})
	}
	st.Redis.Breaker().OnChange(func(up bool) {
		if up {
			log.Info("Redis is back: resyncing the matching index and rebuilding the vote leaderboards")
			go svc.RedisRecovered(context.WithoutCancel(ctx))
		}
	})
}
