// Package jobs runs Wushe's scheduled work on asynq, a Redis-backed queue:
// any number of worker processes beside any number of API replicas.
//
// Each worker runs a scheduler and a task server. The scheduler computes
// the fire times of every job (cron specs in Asia/Shanghai) and enqueues
// one task per firing whose asynq task id is the job's name and the fire
// time, kept for a day after it completes: when several workers' schedulers
// enqueue the same firing, asynq keeps one task (ErrTaskIDConflict for the
// rest), so each firing runs once across them. The task handlers call the
// service, which finds its work by scanning MongoDB and makes each effect
// by a unique insert: a task delivered twice (a worker died mid-task and
// asynq redelivered it after its lease) applies its effect once.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"
	"github.com/robfig/cron/v3"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
)

// Job is one kind of scheduled work.
type Job struct {
	Name string
	Spec string // cron spec (minute hour day month weekday) or descriptor (@every 5s), Asia/Shanghai; see ParseSpec
	Doc  string
	Run  func(ctx context.Context, svc *service.Service, now time.Time) (string, error)
}

func summary(r service.JobResult, err error) (string, error) { return r.String(), err }

// Schedule is every job and when it runs.
func Schedule() []Job {
	return []Job{
		{"expire_invitations", "*/5 * * * *", "release invitations unanswered after 48 h (or 2 h before the start) and invite the next candidate",
			func(ctx context.Context, s *service.Service, now time.Time) (string, error) {
				return summary(s.ExpireInvitations(ctx, now))
			}},
		{"remind_shifts", "*/5 * * * *", "remind volunteers 24 h and 1 h before a shift",
			func(ctx context.Context, s *service.Service, now time.Time) (string, error) {
				return summary(s.RemindShifts(ctx, now))
			}},
		{"advance_competitions", "*/5 * * * *", "move competitions through their phases on their dates",
			func(ctx context.Context, s *service.Service, now time.Time) (string, error) {
				n, err := s.Competitions().AdvanceCompetitions(ctx, now)
				return fmt.Sprintf("advanced=%d", n), err
			}},
		{"rebuild_leaderboards", "*/10 * * * *", "rebuild the public-vote leaderboards from the stored votes",
			func(ctx context.Context, s *service.Service, now time.Time) (string, error) {
				n, err := s.Competitions().RebuildVotingLeaderboards(ctx)
				return fmt.Sprintf("rebuilt=%d", n), err
			}},
		{"expire_needs", "*/10 * * * *", "expire open needs whose time has passed unstaffed",
			func(ctx context.Context, s *service.Service, now time.Time) (string, error) {
				return summary(s.ExpireNeeds(ctx, now))
			}},
		{"mark_no_shows", "*/15 * * * *", "record no-shows of places whose occurrence ended without attendance",
			func(ctx context.Context, s *service.Service, now time.Time) (string, error) {
				return summary(s.MarkNoShows(ctx, now))
			}},
		// Replicas catch up from the change log every WUSHE_MATCHING_RESYNC on
		// their own; the daily rebuild repairs what the log may miss (a
		// process dying between a write and its log entry, a write made
		// outside the service).
		{"resync_matching", "15 0 * * *", "prune the matching change log; ask every API replica to rebuild its matching index (daily)",
			func(ctx context.Context, s *service.Service, now time.Time) (string, error) {
				n, err := s.Matching().PruneIndexChanges(ctx)
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("pruned=%d requested", n), s.Matching().RequestMatchingResync(ctx)
			}},
		{"dashboard_snapshot", "10 0 * * *", "take the daily dashboard snapshot",
			func(ctx context.Context, s *service.Service, now time.Time) (string, error) {
				_, err := s.TakeDashboardSnapshot(ctx, now)
				return "taken", err
			}},
		{"reconcile_funds", "30 2 * * *", "replay every fund's ledger and report any that does not reconcile",
			func(ctx context.Context, s *service.Service, now time.Time) (string, error) {
				return summary(s.ReconcileFunds(ctx, now))
			}},
		{"warn_inactive_organisations", "0 3 * * *", "warn organisations without activity for 180 days",
			func(ctx context.Context, s *service.Service, now time.Time) (string, error) {
				return summary(s.WarnInactiveOrganisations(ctx, now))
			}},
		{"remind_pending_hours", "0 9 * * *", "remind committees of hours pending verification for 3 days",
			func(ctx context.Context, s *service.Service, now time.Time) (string, error) {
				return summary(s.RemindPendingHours(ctx, now))
			}},
		{"continuing_education", "0 10 * * 1", "recompute continuing-education compliance and remind in the last quarter",
			func(ctx context.Context, s *service.Service, now time.Time) (string, error) {
				return summary(s.RemindContinuingEducation(ctx, now))
			}},
	}
}

// specParser reads job specs: five-field cron lines (minute hour day month
// weekday) and descriptors (@hourly, @daily, @every 5s ...).
var specParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSpec parses a job's spec, in Asia/Shanghai.
//
// "@every D" fires at the multiples of D (D rounded down to whole seconds,
// at least 1 s) counted from a fixed origin. cron's own schedule for it
// counts D from whatever instant it is asked about, and the scheduler asks
// about the end of its last tick: two workers would compute different fire
// times (different task ids, so each would run its own), and a worker
// ticking more often than D would never reach a firing at all.
func ParseSpec(spec string) (cron.Schedule, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, errors.New("empty spec")
	}
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		return nil, fmt.Errorf("spec %q: no time zone prefix, specs are in Asia/Shanghai", spec)
	}
	s, err := specParser.Parse("CRON_TZ=Asia/Shanghai " + spec)
	if err != nil {
		return nil, fmt.Errorf("spec %q: %w", spec, err)
	}
	if every, ok := s.(cron.ConstantDelaySchedule); ok {
		return alignedEvery(every.Delay), nil
	}
	return s, nil
}

// alignedEvery fires at the whole multiples of its duration since Go's zero
// time, the same instants in every process whenever it started.
type alignedEvery time.Duration

func (d alignedEvery) Next(t time.Time) time.Time {
	return t.Truncate(time.Duration(d)).Add(time.Duration(d))
}

// Override returns jobs with the specs of list replacing theirs: list is
// comma-separated job=spec pairs (WUSHE_JOB_SCHEDULE), e.g.
// "remind_shifts=@every 3s,expire_invitations=*/2 * * * *". A comma
// inside a cron field ("0,30 * * * *") stays with its spec: a new pair
// starts only where a piece begins with a job name and "=". An unknown
// job, a job named twice or a spec that does not parse is an error.
func Override(jobs []Job, list string) ([]Job, error) {
	out := slices.Clone(jobs)
	index := map[string]int{}
	for i, j := range out {
		index[j.Name] = i
	}
	var pairs [][2]string
	for _, piece := range strings.Split(list, ",") {
		name, spec, ok := strings.Cut(piece, "=")
		if ok && jobName.MatchString(strings.TrimSpace(name)) {
			pairs = append(pairs, [2]string{strings.TrimSpace(name), spec})
			continue
		}
		if len(pairs) == 0 {
			if strings.TrimSpace(piece) == "" {
				continue // an empty list, or a leading comma
			}
			return nil, fmt.Errorf("want job=spec pairs, got %q", piece)
		}
		pairs[len(pairs)-1][1] += "," + piece
	}
	seen := map[string]bool{}
	for _, p := range pairs {
		name, spec := p[0], strings.TrimSpace(p[1])
		i, ok := index[name]
		if !ok {
			return nil, fmt.Errorf("unknown job %q (the jobs: %s)", name, strings.Join(names(jobs), ", "))
		}
		if seen[name] {
			return nil, fmt.Errorf("job %s named twice", name)
		}
		seen[name] = true
		if _, err := ParseSpec(spec); err != nil {
			return nil, fmt.Errorf("job %s: %w", name, err)
		}
		out[i].Spec = spec
	}
	return out, nil
}

// jobName is what a job's name looks like (and a cron field never does).
var jobName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func names(jobs []Job) []string {
	out := make([]string, len(jobs))
	for i, j := range jobs {
		out[i] = j.Name
	}
	return out
}

// taskType is the asynq type of every scheduled task; the payload names the job.
const taskType = "wushe:job"

type payload struct {
	Job    string    `json:"job"`
	FireAt time.Time `json:"fireAt"`
}

// TaskID is the id of one firing of a job: the same on every worker.
func TaskID(job string, fireAt time.Time) string {
	return job + "@" + fireAt.UTC().Format(time.RFC3339)
}

// RedisOpt is asynq's connection to the Redis a go-redis client uses.
func RedisOpt(o *goredis.Options) asynq.RedisClientOpt {
	return asynq.RedisClientOpt{Network: o.Network, Addr: o.Addr, Username: o.Username, Password: o.Password, DB: o.DB, TLSConfig: o.TLSConfig}
}

// Config configures a worker.
type Config struct {
	Redis       asynq.RedisConnOpt
	Queue       string        // default "wushe"
	Concurrency int           // default 4
	TickEvery   time.Duration // how often the scheduler looks for due firings; default 1 s
	Retention   time.Duration // how long a finished firing's id is kept; default 25 h
	Now         func() time.Time
	Logger      *slog.Logger
	Registerer  prometheus.Registerer // job metrics; optional
	Jobs        []Job                 // default Schedule()
	// OnRun is called after each run (tests count firings); optional.
	OnRun func(job string, fireAt time.Time, err error)
}

// Worker is one process's scheduler and task server.
type Worker struct {
	cfg     Config
	svc     *service.Service
	client  *asynq.Client
	server  *asynq.Server
	inspect *asynq.Inspector
	jobs    map[string]Job
	specs   map[string]cron.Schedule
	metrics *metrics
	stop    context.CancelFunc
	done    sync.WaitGroup
}

// New builds a worker; Start runs it.
func New(svc *service.Service, cfg Config) (*Worker, error) {
	if cfg.Queue == "" {
		cfg.Queue = "wushe"
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = 4
	}
	if cfg.TickEvery == 0 {
		cfg.TickEvery = time.Second
	}
	if cfg.Retention == 0 {
		cfg.Retention = 25 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Jobs == nil {
		cfg.Jobs = Schedule()
	}
	w := &Worker{cfg: cfg, svc: svc, jobs: map[string]Job{}, specs: map[string]cron.Schedule{}}
	for _, j := range cfg.Jobs {
		spec, err := ParseSpec(j.Spec)
		if err != nil {
			return nil, fmt.Errorf("job %s: %w", j.Name, err)
		}
		w.jobs[j.Name], w.specs[j.Name] = j, spec
	}
	w.client = asynq.NewClient(cfg.Redis)
	w.inspect = asynq.NewInspector(cfg.Redis)
	w.metrics = newMetrics(cfg.Registerer, w.queueDepth)
	w.server = asynq.NewServer(cfg.Redis, asynq.Config{
		Concurrency: cfg.Concurrency,
		Queues:      map[string]int{cfg.Queue: 1},
		Logger:      asynqLogger{cfg.Logger},
		LogLevel:    asynq.WarnLevel,
		// Backoff: 10 s, 40 s, 90 s … capped at 10 minutes.
		RetryDelayFunc: func(n int, err error, t *asynq.Task) time.Duration {
			return min(time.Duration(n*n)*10*time.Second, 10*time.Minute)
		},
	})
	return w, nil
}

// Start runs the task server and the scheduler until Shutdown.
func (w *Worker) Start(ctx context.Context) error {
	mux := asynq.NewServeMux()
	mux.HandleFunc(taskType, w.Handle)
	if err := w.server.Start(mux); err != nil {
		return err
	}
	ctx, w.stop = context.WithCancel(ctx)
	w.done.Add(1)
	go func() {
		defer w.done.Done()
		last := w.cfg.Now()
		t := time.NewTicker(w.cfg.TickEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				now := w.cfg.Now()
				if _, err := w.Tick(ctx, last, now); err != nil {
					w.cfg.Logger.Warn("scheduler tick failed", "err", err)
					continue // retry the same span on the next tick
				}
				last = now
			}
		}
	}()
	w.cfg.Logger.Info("worker started", "queue", w.cfg.Queue, "jobs", len(w.jobs), "concurrency", w.cfg.Concurrency)
	return nil
}

// Shutdown stops the scheduler and waits for running tasks.
func (w *Worker) Shutdown() {
	if w.stop != nil {
		w.stop()
	}
	w.done.Wait()
	w.server.Shutdown()
	_ = w.client.Close()
	_ = w.inspect.Close()
}

// maxCatchUp bounds the firings of one job enqueued for one span: after a
// long pause only the latest few run (the jobs scan for all due work).
const maxCatchUp = 3

// Tick enqueues every firing due in (from, to]. A firing another worker
// enqueued already is skipped (same task id). It returns how many tasks
// this call enqueued.
func (w *Worker) Tick(ctx context.Context, from, to time.Time) (int, error) {
	enqueued := 0
	var errs []error
	for name, spec := range w.specs {
		var due []time.Time
		for t := spec.Next(from); !t.After(to); t = spec.Next(t) {
			due = append(due, t)
			if len(due) > maxCatchUp {
				due = due[1:]
			}
		}
		for _, t := range due {
			ok, err := w.enqueue(ctx, name, t)
			if err != nil {
				errs = append(errs, err)
			}
			if ok {
				enqueued++
			}
		}
	}
	return enqueued, errors.Join(errs...)
}

// NewTask is the task of one firing of a job.
func NewTask(job string, fireAt time.Time) *asynq.Task {
	b, _ := json.Marshal(payload{Job: job, FireAt: fireAt.UTC()})
	return asynq.NewTask(taskType, b)
}

func (w *Worker) enqueue(ctx context.Context, job string, fireAt time.Time) (bool, error) {
	_, err := w.client.EnqueueContext(ctx, NewTask(job, fireAt), asynq.Queue(w.cfg.Queue), asynq.TaskID(TaskID(job, fireAt)),
		asynq.Retention(w.cfg.Retention), asynq.MaxRetry(5), asynq.Timeout(10*time.Minute))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, asynq.ErrTaskIDConflict), errors.Is(err, asynq.ErrDuplicateTask):
		return false, nil // another worker's scheduler enqueued this firing
	default:
		return false, fmt.Errorf("enqueue %s: %w", TaskID(job, fireAt), err)
	}
}

// Handle runs one task: the asynq handler, exported so a test can deliver
// a task twice.
func (w *Worker) Handle(ctx context.Context, t *asynq.Task) error {
	var p payload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("%w: bad payload: %v", asynq.SkipRetry, err)
	}
	j, ok := w.jobs[p.Job]
	if !ok {
		return fmt.Errorf("%w: unknown job %q", asynq.SkipRetry, p.Job)
	}
	start := time.Now()
	out, err := j.Run(ctx, w.svc, w.cfg.Now())
	w.metrics.observe(j.Name, time.Since(start), err)
	log := w.cfg.Logger.With("job", j.Name, "fireAt", p.FireAt, "ms", time.Since(start).Milliseconds())
	if err != nil {
		log.Warn("job failed", "err", err)
	} else {
		log.Info("job done", "result", out)
	}
	if w.cfg.OnRun != nil {
		w.cfg.OnRun(j.Name, p.FireAt, err)
	}
	if err != nil && errors.Is(err, models.ErrInvalid) {
		return fmt.Errorf("%w: %v", asynq.SkipRetry, err) // retrying cannot help
	}
	return err
}

// RunNow runs one job at once in this process, outside the queue (the
// admin command and tests).
func (w *Worker) RunNow(ctx context.Context, job string) (string, error) {
	j, ok := w.jobs[job]
	if !ok {
		return "", fmt.Errorf("unknown job %q", job)
	}
	return j.Run(ctx, w.svc, w.cfg.Now())
}

func (w *Worker) queueDepth() float64 {
	q, err := w.inspect.GetQueueInfo(w.cfg.Queue)
	if err != nil {
		return 0
	}
	return float64(q.Pending + q.Scheduled + q.Retry + q.Active)
}

type asynqLogger struct{ l *slog.Logger }

func (a asynqLogger) Debug(args ...any) {}
func (a asynqLogger) Info(args ...any)  {}
func (a asynqLogger) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...), "component", "asynq") }
func (a asynqLogger) Error(args ...any) { a.l.Error(fmt.Sprint(args...), "component", "asynq") }
func (a asynqLogger) Fatal(args ...any) { a.l.Error(fmt.Sprint(args...), "component", "asynq") }
