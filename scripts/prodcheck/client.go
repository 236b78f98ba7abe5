package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// replica is one `wushe serve` process and its base URL.
type replica struct {
	name string // "A" or "B"
	base string
	proc *proc
}

// resp is one decoded HTTP answer.
type resp struct {
	Status int
	Header http.Header
	Raw    []byte
	Body   map[string]any
	Dur    time.Duration
}

// str reads a string at a path of object keys.
func (r *resp) str(path ...string) string {
	s, _ := r.at(path...).(string)
	return s
}

// num reads a number at a path of object keys.
func (r *resp) num(path ...string) float64 {
	f, _ := r.at(path...).(float64)
	return f
}

func (r *resp) at(path ...string) any {
	var v any = r.Body
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

// list is the array of objects under key ("items", "results", ...).
func (r *resp) list(key string) []map[string]any {
	arr, _ := r.Body[key].([]any)
	out := make([]map[string]any, 0, len(arr))
	for _, it := range arr {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// short is the answer for an error message.
func (r *resp) short() string {
	s := strings.TrimSpace(string(r.Raw))
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return fmt.Sprintf("%d %s", r.Status, s)
}

// call sends one request to a replica. body is marshalled to JSON unless it
// is nil; token, when set, is the bearer token.
func (c *checker) call(ctx context.Context, rep *replica, method, path, token string, body any, timeout time.Duration) (*resp, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, method, rep.base+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept-Language", "en")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	t0 := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s on %s: %w", method, path, rep.name, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	r := &resp{Status: res.StatusCode, Header: res.Header, Raw: raw, Dur: time.Since(t0)}
	if err != nil {
		return r, fmt.Errorf("%s %s on %s: reading the answer: %w", method, path, rep.name, err)
	}
	_ = json.Unmarshal(raw, &r.Body)
	return r, nil
}

// want sends a request and requires the status.
func (c *checker) want(ctx context.Context, rep *replica, status int, method, path, token string, body any) (*resp, error) {
	r, err := c.call(ctx, rep, method, path, token, body, 30*time.Second)
	if err != nil {
		return nil, err
	}
	c.logf("   [%s] %s %s → %d (%.0f ms)", rep.name, method, path, r.Status, ms(r.Dur))
	if r.Status != status {
		return r, fmt.Errorf("%s %s on %s: want %d, got %s", method, path, rep.name, status, r.short())
	}
	return r, nil
}

// sleep waits d or until ctx ends (an interrupt stops prodcheck promptly).
func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
