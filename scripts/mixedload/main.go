// Command mixedload sends the demo city a mix of what its people do at
// once, reads and writes, from concurrent clients for a fixed time, and
// prints each endpoint's latency percentiles: anonymous need lists, counts
// and "needs near me", a volunteer's GET /v1/me, the city's dashboard, and
// a committee posting and cancelling needs (so the published-needs index
// changes under the reads).
//
//	go run ./cmd/wushe serve --demo &        # the demo city, embedded stores
//	go run ./scripts/mixedload -duration 20s -clients 16
//
// It sends requests only to the URL it is given (loopback by default) and
// stops by itself. The figures are in docs/performance.md.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"sync"
	"time"
)

const password = "wushe-demo-2025"

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "the service")
	duration := flag.Duration("duration", 20*time.Second, "how long to send requests")
	clients := flag.Int("clients", 16, "concurrent clients")
	flag.Parse()
	if err := run(*base, *duration, *clients); err != nil {
		fmt.Fprintln(os.Stderr, "mixedload:", err)
		os.Exit(1)
	}
}

var httpClient = &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}

func call(method, url, token string, body any, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := httpClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		return res.StatusCode, fmt.Errorf("%s %s: %d %s", method, url, res.StatusCode, raw)
	}
	if out != nil {
		return res.StatusCode, json.Unmarshal(raw, out)
	}
	return res.StatusCode, nil
}

func login(base, phone string) (string, error) {
	var t struct {
		AccessToken string `json:"accessToken"`
	}
	_, err := call("POST", base+"/v1/auth/login", "", map[string]string{"phone": phone, "password": password}, &t)
	return t.AccessToken, err
}

// op is one kind of request, chosen with its weight.
type op struct {
	name   string
	weight int
	send   func(c *client) error
}

type client struct {
	base                       string
	volunteer, committee, city string
	community                  string
	needIDs                    []string
	posted                     []string // needs this client posted, to cancel
	rnd                        *rand.Rand
}

func run(base string, duration time.Duration, clients int) error {
	vol, err := login(base, "15600000001")
	if err != nil {
		return err
	}
	committee, err := login(base, "15690000003")
	if err != nil {
		return err
	}
	city, err := login(base, "15690000001")
	if err != nil {
		return err
	}
	var me struct {
		Roles []struct {
			Role          string `json:"role"`
			CommunityCode string `json:"communityCode"`
		} `json:"roles"`
	}
	if _, err := call("GET", base+"/v1/me", committee, nil, &me); err != nil || len(me.Roles) == 0 {
		return fmt.Errorf("the committee's roles: %v", err)
	}
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if _, err := call("GET", base+"/v1/needs?limit=100", "", nil, &page); err != nil || len(page.Items) == 0 {
		return fmt.Errorf("no published needs: %v", err)
	}
	var ids []string
	for _, it := range page.Items {
		ids = append(ids, it.ID)
	}
	ops := []op{
		{"GET /v1/me", 20, func(c *client) error { _, err := call("GET", c.base+"/v1/me", c.volunteer, nil, nil); return err }},
		{"GET /v1/needs", 12, func(c *client) error { _, err := call("GET", c.base+"/v1/needs?limit=20", "", nil, nil); return err }},
		{"GET /v1/needs?division", 10, func(c *client) error {
			_, err := call("GET", c.base+"/v1/needs?division=410102&status=open&limit=20", "", nil, nil)
			return err
		}},
		{"GET /v1/needs?community&domain", 6, func(c *client) error {
			_, err := call("GET", c.base+"/v1/needs?community="+c.community+"&domain=community_governance&limit=20", c.volunteer, nil, nil)
			return err
		}},
		{"GET /v1/needs/near", 14, func(c *client) error {
			lat, lng := 34.70+c.rnd.Float64()*0.12, 113.55+c.rnd.Float64()*0.15
			_, err := call("GET", fmt.Sprintf("%s/v1/needs/near?lat=%.5f&lng=%.5f&radiusKm=5&limit=20", c.base, lat, lng), c.volunteer, nil, nil)
			return err
		}},
		{"GET /v1/needs/counts", 10, func(c *client) error { _, err := call("GET", c.base+"/v1/needs/counts", "", nil, nil); return err }},
		{"GET /v1/needs/{id}", 8, func(c *client) error {
			_, err := call("GET", c.base+"/v1/needs/"+c.needIDs[c.rnd.IntN(len(c.needIDs))], "", nil, nil)
			return err
		}},
		{"GET /v1/dashboard", 5, func(c *client) error { _, err := call("GET", c.base+"/v1/dashboard", c.city, nil, nil); return err }},
		{"POST /v1/needs", 3, func(c *client) error {
			start := time.Now().Add(time.Duration(72+c.rnd.IntN(200)) * time.Hour).Truncate(time.Hour)
			var n struct {
				ID string `json:"id"`
			}
			_, err := call("POST", c.base+"/v1/needs", c.committee, map[string]any{
				"communityCode": c.community, "title": "社区议事协商会", "description": "居民议事协商", "domain": "community_governance",
				"tasks": []string{"support_for_vulnerable"}, "targetGroup": "subsistence_allowance_recipients", "beneficiaries": 12,
				"location": map[string]float64{"lat": 34.7535, "lng": 113.6133}, "radiusKm": 5, "headcount": 2, "backgroundCheck": false,
				"window": map[string]string{"start": start.UTC().Format(time.RFC3339), "end": start.Add(2 * time.Hour).UTC().Format(time.RFC3339)},
			}, &n)
			if err == nil {
				c.posted = append(c.posted, n.ID)
			}
			return err
		}},
		{"POST /v1/needs/{id}/transitions", 2, func(c *client) error {
			if len(c.posted) == 0 {
				return nil
			}
			id := c.posted[0]
			c.posted = c.posted[1:]
			_, err := call("POST", c.base+"/v1/needs/"+id+"/transitions", c.committee,
				map[string]string{"to": "cancelled", "reason": "改期 rescheduled"}, nil)
			return err
		}},
	}
	total := 0
	for _, o := range ops {
		total += o.weight
	}
	type sample struct {
		op  int
		d   time.Duration
		err error
	}
	var mu sync.Mutex
	var samples []sample
	stop := time.Now().Add(duration)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &client{base: base, volunteer: vol, committee: committee, city: city, community: me.Roles[0].CommunityCode,
				needIDs: ids, rnd: rand.New(rand.NewPCG(uint64(i), 7))}
			var mine []sample
			for time.Now().Before(stop) {
				k := c.rnd.IntN(total)
				j := 0
				for ; k >= ops[j].weight; j++ {
					k -= ops[j].weight
				}
				t0 := time.Now()
				err := ops[j].send(c)
				mine = append(mine, sample{j, time.Since(t0), err})
			}
			mu.Lock()
			samples = append(samples, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	fmt.Printf("%d clients for %s against %s: %d requests (%.0f/s)\n", clients, duration, base, len(samples), float64(len(samples))/duration.Seconds())
	fmt.Printf("%-34s %7s %6s %9s %9s %9s\n", "endpoint", "count", "errors", "p50", "p99", "max")
	for j, o := range ops {
		var ds []time.Duration
		errs := 0
		var firstErr error
		for _, s := range samples {
			if s.op != j {
				continue
			}
			ds = append(ds, s.d)
			if s.err != nil {
				errs++
				if firstErr == nil {
					firstErr = s.err
				}
			}
		}
		if len(ds) == 0 {
			continue
		}
		sort.Slice(ds, func(a, b int) bool { return ds[a] < ds[b] })
		pct := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
		fmt.Printf("%-34s %7d %6d %9s %9s %9s\n", o.name, len(ds), errs, round(pct(0.50)), round(pct(0.99)), round(ds[len(ds)-1]))
		if firstErr != nil {
			fmt.Printf("    first error: %.300s\n", firstErr.Error())
		}
	}
	return nil
}

func round(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	}
	return d.Round(10 * time.Millisecond).String()
}
