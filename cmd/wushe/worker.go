package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/wushe/wushe/adapters/wechat"
	"github.com/wushe/wushe/jobs"
	"github.com/wushe/wushe/service"
)

// jobQueue is the asynq queue of a deployment: one per Redis prefix, so
// two deployments sharing a Redis do not run each other's jobs.
func jobQueue(cfg Config) string { return strings.TrimSuffix(cfg.RedisPrefix, ":") + ":jobs" }

// startWorker runs the scheduled jobs (asynq server and scheduler) on the
// service's Redis, in this process.
func startWorker(ctx context.Context, srv *Server, cfg Config, log *slog.Logger, reg prometheus.Registerer) (*jobs.Worker, error) {
	schedule, err := cfg.jobs()
	if err != nil {
		return nil, err
	}
	w, err := jobs.New(srv.Service, jobs.Config{Redis: jobs.RedisOpt(srv.Stores.Redis.Redis().Options()), Queue: jobQueue(cfg),
		Concurrency: cfg.WorkerConcurrency, Logger: log.With("component", "worker"), Registerer: reg, Jobs: schedule})
	if err != nil {
		return nil, err
	}
	if err := w.Start(ctx); err != nil {
		return nil, fmt.Errorf("start the worker: %w", err)
	}
	return w, nil
}

// workerCommand is `wushe worker`: the scheduled jobs without the API,
// with /metrics and /healthz on the worker address. Any number may run
// beside any number of API replicas: each firing runs once across them.
func workerCommand(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	if cfg.embeddedRedis() || cfg.embeddedMongo() {
		return errors.New("wushe worker needs MONGO_URI and REDIS_URL: in the embedded default, wushe serve runs the worker itself")
	}
	log := newLogger(stdout, cfg.LogLevel)
	srv, err := Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	// Open's registry already holds the Go and process collectors (handlers.New
	// registers them) and the notification-failure counter; the job metrics join it.
	reg := srv.Registry
	// Jobs that invite the next volunteer rank with this process's matching
	// index: it loads before the first job runs, then follows the bus and
	// catches up from the change log like an API replica's (else it would be
	// the index of the first use, never updated).
	loaded := make(chan struct{})
	if err := srv.Service.Matching().StartMatching(ctx, cfg.MatchingResync, func() { close(loaded) }); err != nil {
		_ = srv.Close()
		return fmt.Errorf("start the matching index: %w", err)
	}
	select {
	case <-loaded:
		log.Info("worker: matching index loaded")
	case <-ctx.Done():
		_ = srv.Close()
		return ctx.Err()
	}
	w, err := startWorker(ctx, srv, cfg, log, reg)
	if err != nil {
		_ = srv.Close()
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{"status":"ok"}`) })
	ln, err := net.Listen("tcp", cfg.WorkerAddr)
	if err != nil {
		w.Shutdown()
		_ = srv.Close()
		return err
	}
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	log.Info("worker serving metrics", "addr", ln.Addr().String(), "queue", jobQueue(cfg))
	<-ctx.Done()
	log.Info("worker shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	_ = hs.Shutdown(sctx)
	w.Shutdown()
	return srv.Close()
}

// channels are the notification channels beyond the inbox: the log,
// WeChat subscription messages when the mini-program and templates are set,
// and SMS for the kinds given an approved template.
func (c Config) channels(log *slog.Logger) []service.Channel {
	out := []service.Channel{service.LogChannel{Log: log.With("component", "notify")}}
	if tpl, _ := kindPairs("WUSHE_WECHAT_TEMPLATES", c.WeChatTemplates); c.WeChatAppID != "" && len(tpl) > 0 {
		out = append(out, &wechat.Subscribe{BaseURL: c.WeChatAPIBase, AppID: c.WeChatAppID, AppSecret: c.WeChatAppSecret, Templates: tpl})
	}
	if tpl, _ := kindPairs("WUSHE_SMS_NOTICE_TEMPLATES", c.SMSNoticeTemplates); len(tpl) > 0 {
		out = append(out, service.SMSNotices{Texter: c.smsSender(log), Templates: tpl})
	}
	return out
}

// channelErrors counts failed sends by channel.
var channelErrors = func() (m struct {
	counter *prometheus.CounterVec
	onError func(string)
}) {
	m.counter = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wushe_notification_failures_total",
		Help: "Notifications a channel failed to send, by channel."}, []string{"channel"})
	m.onError = func(ch string) { m.counter.WithLabelValues(ch).Inc() }
	return m
}()
