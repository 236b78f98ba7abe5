package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/wushe/wushe/models"
)

// logLine is what prodcheck reads from the JSON logs of serve and worker.
type logLine struct {
	Time      time.Time `json:"time"`
	Level     string    `json:"level"`
	Msg       string    `json:"msg"`
	Component string    `json:"component"`
	// The log SMS adapter's verification code.
	Phone   string `json:"phone"`
	Purpose string `json:"purpose"`
	Code    string `json:"code"`
	// A job run.
	Job    string    `json:"job"`
	FireAt time.Time `json:"fireAt"`
	Result string    `json:"result"`
	Ms     int64     `json:"ms"`
}

// readLog parses a process's log; lines that are not JSON (prodcheck's own
// restart markers, a panic) are skipped.
func readLog(path string) ([]logLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []logLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		var l logLine
		if json.Unmarshal(sc.Bytes(), &l) == nil && !l.Time.IsZero() {
			out = append(out, l)
		}
	}
	return out, sc.Err()
}

// smsCode finds the code the log SMS adapter of one replica wrote for phone
// and purpose at or after since. The handler logs before it answers, but
// the file is polled briefly all the same.
func smsCode(ctx context.Context, logPath, phone, purpose string, since time.Time) (string, error) {
	masked := models.MaskPhone(phone)
	deadline := time.Now().Add(5 * time.Second)
	for {
		lines, err := readLog(logPath)
		if err != nil {
			return "", err
		}
		for i := len(lines) - 1; i >= 0; i-- {
			l := lines[i]
			if l.Time.Before(since) {
				break
			}
			if l.Code != "" && l.Phone == masked && l.Purpose == purpose {
				return l.Code, nil
			}
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("no %s code for %s in %s since %s", purpose, masked, logPath, since.Format(time.RFC3339Nano))
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// jobRun is one "job done" or "job failed" line of a worker's log.
type jobRun struct {
	worker string
	logLine
}

func (r jobRun) failed() bool { return r.Msg == "job failed" }

// notified is the notified=N count of a run's result.
func (r jobRun) notified() int {
	for _, f := range strings.Fields(r.Result) {
		if v, ok := strings.CutPrefix(f, "notified="); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	return 0
}

// jobRuns reads every job run from the workers' logs.
func jobRuns(workers []*proc) ([]jobRun, error) {
	var out []jobRun
	for _, w := range workers {
		lines, err := readLog(w.logPath)
		if err != nil {
			return nil, err
		}
		for _, l := range lines {
			if l.Msg == "job done" || l.Msg == "job failed" {
				out = append(out, jobRun{worker: w.name, logLine: l})
			}
		}
	}
	return out, nil
}
