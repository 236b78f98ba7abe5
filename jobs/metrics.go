package jobs

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics counts job runs, failures and durations, and reports the queue's depth.
type metrics struct {
	runs     *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer, depth func() float64) *metrics {
	m := &metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wushe_job_runs_total",
			Help: "Scheduled job runs by job and outcome (ok, failed)."}, []string{"job", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "wushe_job_duration_seconds",
			Help: "Scheduled job run time.", Buckets: []float64{.01, .05, .1, .5, 1, 5, 30, 120, 600}}, []string{"job"}),
	}
	if reg != nil {
		reg.MustRegister(m.runs, m.duration, prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "wushe_job_queue_depth",
			Help: "Tasks waiting, scheduled, retrying or running in the worker queue."}, depth))
	}
	return m
}

func (m *metrics) observe(job string, d time.Duration, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "failed"
	}
	m.runs.WithLabelValues(job, outcome).Inc()
	m.duration.WithLabelValues(job).Observe(d.Seconds())
}
