package jobs

import (
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/wushe/wushe/models"
)

func TestScheduleIsWellFormed(t *testing.T) {
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)
	seen := map[string]bool{}
	for _, j := range Schedule() {
		if j.Name == "" || j.Doc == "" || j.Run == nil || seen[j.Name] {
			t.Errorf("job %q: name, doc and run are required and names unique", j.Name)
		}
		seen[j.Name] = true
		if _, err := parser.Parse("CRON_TZ=Asia/Shanghai " + j.Spec); err != nil {
			t.Errorf("job %s: %v", j.Name, err)
		}
	}
	// The daily snapshot fires at 00:10 Beijing time, whatever the machine's zone.
	s, _ := parser.Parse("CRON_TZ=Asia/Shanghai 10 0 * * *")
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
