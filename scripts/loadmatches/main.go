// Command loadmatches measures GET /v1/needs/{id}/matches end to end over
// HTTP, as a committee of the demo city sees it: it logs in, lists its
// community's open needs, and asks for their matches from several
// concurrent clients for a fixed time, then prints latency percentiles.
//
//	go run ./cmd/wushe serve --demo &        # the demo city, embedded stores
//	go run ./scripts/loadmatches -duration 30s -clients 8
//
// It sends requests only to the URL it is given (loopback by default) and
// stops by itself.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"sync"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "the service")
	phone := flag.String("phone", "15690000003", "a community committee's login (the demo city's)")
	password := flag.String("password", "wushe-demo-2025", "its password")
	duration := flag.Duration("duration", 20*time.Second, "how long to send requests")
	clients := flag.Int("clients", 8, "concurrent clients")
	limit := flag.Int("limit", 20, "candidates per answer")
	flag.Parse()
	if err := run(*base, *phone, *password, *duration, *clients, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "loadmatches:", err)
		os.Exit(1)
	}
}

func call(method, url, token string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, url, res.StatusCode, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

func run(base, phone, password string, duration time.Duration, clients, limit int) error {
	var login struct {
		AccessToken string `json:"accessToken"`
		Account     struct {
			Roles []struct {
				Role          string `json:"role"`
				CommunityCode string `json:"communityCode"`
			} `json:"roles"`
		} `json:"account"`
	}
	if err := call("POST", base+"/v1/auth/login", "", map[string]string{"phone": phone, "password": password}, &login); err != nil {
		return err
	}
	community := ""
	for _, r := range login.Account.Roles {
		if r.Role == "community_admin" {
			community = r.CommunityCode
		}
	}
	if community == "" {
		return fmt.Errorf("%s is not a community committee", phone)
	}
	var needs struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := call("GET", base+"/v1/needs?status=open&limit=100&community="+community, login.AccessToken, nil, &needs); err != nil {
		return err
	}
	if len(needs.Items) == 0 {
		return fmt.Errorf("community %s has no open needs", community)
	}
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	stop := time.Now().Add(duration)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; time.Now().Before(stop); i++ {
				id := needs.Items[i%len(needs.Items)].ID
				t0 := time.Now()
				err := call("GET", fmt.Sprintf("%s/v1/needs/%s/matches?limit=%d", base, id, limit), login.AccessToken, nil, nil)
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					errs++
				} else {
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(lat) == 0 {
		return fmt.Errorf("no successful request (%d errors)", errs)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	fmt.Printf("GET /v1/needs/{id}/matches  community %s, %d needs, %d clients, %s\n", community, len(needs.Items), clients, duration)
	fmt.Printf("requests %d  errors %d  throughput %.0f/s\n", len(lat), errs, float64(len(lat))/duration.Seconds())
	fmt.Printf("p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms\n", ms(pct(0.50)), ms(pct(0.95)), ms(pct(0.99)), ms(lat[len(lat)-1]))
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
