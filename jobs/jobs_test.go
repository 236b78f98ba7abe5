package jobs

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"

	"github.com/wushe/wushe/models"
)

func TestScheduleIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, j := range Schedule() {
		if j.Name == "" || j.Doc == "" || j.Run == nil || seen[j.Name] || !jobName.MatchString(j.Name) {
			t.Errorf("job %q: name, doc and run are required and names unique snake_case", j.Name)
		}
		seen[j.Name] = true
		if _, err := ParseSpec(j.Spec); err != nil {
			t.Errorf("job %s: %v", j.Name, err)
		}
	}
	// The daily snapshot fires at 00:10 Beijing time, whatever the machine's zone.
	s, _ := ParseSpec("10 0 * * *")
	from := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	if got, want := s.Next(from), time.Date(2026, 12, 2, 0, 10, 0, 0, models.Shanghai()); !got.Equal(want) {
		t.Errorf("next snapshot %v, want %v", got, want)
	}
}

func TestTaskIDIsTheFiring(t *testing.T) {
	at := time.Date(2026, 12, 1, 8, 5, 0, 0, models.Shanghai())
	if got := TaskID("remind_shifts", at); got != "remind_shifts@2026-12-01T00:05:00Z" {
		t.Errorf("task id %q", got)
	}
	if TaskID("a", at) == TaskID("a", at.Add(5*time.Minute)) || TaskID("a", at) == TaskID("b", at) {
		t.Error("task ids of different firings collide")
	}
}

func specOf(t *testing.T, jobs []Job, name string) string {
	t.Helper()
	for _, j := range jobs {
		if j.Name == name {
			return j.Spec
		}
	}
	t.Fatalf("no job %s", name)
	return ""
}

func TestOverrideSchedule(t *testing.T) {
	base := Schedule()
	got, err := Override(base, "remind_shifts=@every 3s, expire_invitations = @every 5s ,mark_no_shows=0,30 * * * *")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"remind_shifts": "@every 3s", "expire_invitations": "@every 5s",
		"mark_no_shows": "0,30 * * * *", "dashboard_snapshot": "10 0 * * *"} {
		if s := specOf(t, got, name); s != want {
			t.Errorf("%s: spec %q, want %q", name, s, want)
		}
	}
	if specOf(t, base, "remind_shifts") != "*/5 * * * *" {
		t.Error("Override changed the schedule it was given")
	}
	if len(got) != len(base) {
		t.Errorf("%d jobs, want %d", len(got), len(base))
	}
	for _, list := range []string{"", " ", ","} {
		if same, err := Override(base, list); err != nil || len(same) != len(base) || specOf(t, same, "remind_shifts") != "*/5 * * * *" {
			t.Errorf("list %q: %v", list, err)
		}
	}
	for list, want := range map[string]string{
		"remind_shift=@every 3s":                         `unknown job "remind_shift"`,
		"remind_shifts=@every 3s,remind_shifts=@hourly":  "named twice",
		"remind_shifts=@every soon":                      "remind_shifts",
		"remind_shifts=* * *":                            "remind_shifts",
		"remind_shifts=61 * * * *":                       "remind_shifts",
		"remind_shifts=":                                 "empty spec",
		"remind_shifts=@fortnightly":                     "unrecognized descriptor",
		"remind_shifts=CRON_TZ=UTC 0 * * * *":            "time zone",
		"@every 3s":                                      "job=spec",
		"remind_shifts=@every 3s,expire_needs":           "remind_shifts",
		"remind_shifts=@every 3s,EXPIRE_NEEDS=@every 5s": "remind_shifts",
	} {
		if _, err := Override(base, list); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("list %q: error %v, want one mentioning %q", list, err, want)
		}
	}
}

// TestEveryIsAligned: "@every D" fires at the same instants whenever it is
// asked, so every worker computes the same firings (and task ids).
func TestEveryIsAligned(t *testing.T) {
	s, err := ParseSpec("@every 5s")
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	for _, off := range []time.Duration{0, time.Millisecond, 1300 * time.Millisecond, 4999 * time.Millisecond} {
		if got := s.Next(base.Add(off)); !got.Equal(base.Add(5 * time.Second)) {
			t.Errorf("Next(+%v) = %v, want %v", off, got, base.Add(5*time.Second))
		}
	}
	if got := s.Next(base.Add(5 * time.Second)); !got.Equal(base.Add(10 * time.Second)) {
		t.Errorf("the firing after a firing: %v", got)
	}
	// Below a second is a second; fractions of a second are dropped, so task ids (RFC 3339 seconds) stay distinct.
	if sub, _ := ParseSpec("@every 300ms"); !sub.Next(base.Add(200 * time.Millisecond)).Equal(base.Add(time.Second)) {
		t.Errorf("@every 300ms: %v", sub.Next(base.Add(200*time.Millisecond)))
	}
	if frac, _ := ParseSpec("@every 2.5s"); !frac.Next(base).Equal(base.Add(2 * time.Second)) {
		t.Errorf("@every 2.5s: %v", frac.Next(base))
	}
}

// TestTwoWorkersTickSubMinuteSpecsOnce: two workers ticking every second
// out of phase with each other, over a sub-minute schedule, enqueue each
// firing once between them, and every firing of the span is enqueued.
func TestTwoWorkersTickSubMinuteSpecsOnce(t *testing.T) {
	mr := miniredis.RunT(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	specs := []Job{{Name: "remind_shifts", Spec: "@every 3s"}, {Name: "expire_invitations", Spec: "@every 5s"}, {Name: "expire_needs", Spec: "* * * * *"}}
	var ws []*Worker
	for range 2 {
		w, err := New(nil, Config{Redis: asynq.RedisClientOpt{Addr: mr.Addr()}, Queue: "test", Logger: quiet, Jobs: specs})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = w.client.Close(); _ = w.inspect.Close() })
		ws = append(ws, w)
	}
	ctx := context.Background()
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	const span = 60 * time.Second
	// Worker 0 ticks at .300 of each second, worker 1 at .750, like two
	// processes started at different moments.
	total := 0
	last := []time.Time{start.Add(300 * time.Millisecond), start.Add(750 * time.Millisecond)}
	for tick := time.Second; tick <= span; tick += time.Second {
		for i, w := range ws {
			now := last[i].Add(time.Second)
			n, err := w.Tick(ctx, last[i], now)
			if err != nil {
				t.Fatal(err)
			}
			total += n
			last[i] = now
		}
	}
	// (08:00:00.3, 08:01:00.3]: @every 3s fires at :03 … :60 (20), @every 5s at :05 … :60 (12), each minute once (1).
	if want := 20 + 12 + 1; total != want {
		t.Fatalf("enqueued %d tasks in all, want %d (one per firing)", total, want)
	}
	info, err := ws[0].inspect.GetQueueInfo("test")
	if err != nil {
		t.Fatal(err)
	}
	if info.Pending != total {
		t.Fatalf("%d tasks queued, want %d", info.Pending, total)
	}
}
