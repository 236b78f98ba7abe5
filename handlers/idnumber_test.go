package handlers_test

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestOneIDNumberOneAccount: an ID number is held by one account at a
// time, even when many accounts claim it at once; changing one's number
// frees the old one.
func TestOneIDNumberOneAccount(t *testing.T) {
	w := newWorld(t)
	id := idNumber(7)
	profile := func(idn string) string {
		return `{"realName":"王五","idNumber":"` + idn + `","home":{"lat":34.7560,"lng":113.6150},"communityCode":"` + zhongyuanCommunity + `"}`
	}
	var tokens []string
	for i := range 30 {
		w.h.register(fmt.Sprintf("1350000%04d", i))
		tok, _ := w.h.login(fmt.Sprintf("1350000%04d", i), "secret-pass")
		tokens = append(tokens, tok)
	}
	var ok atomic.Int32
	var wg sync.WaitGroup
	for _, tok := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := w.h.do("PUT", "/v1/me/volunteer-profile", profile(id), bearerHeader(tok)...)
			switch r.Status {
			case 200:
				ok.Add(1)
			case 409:
				if !strings.Contains(strings.Join(r.locations(), ","), "body.idNumber") {
					t.Errorf("conflict does not name the field: %s", r.Raw)
				}
			default:
				t.Errorf("status %d: %s", r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d accounts hold one ID number", ok.Load())
	}
	// Whoever holds it may save again; after moving to another number, the first is free.
	var holder string
	for _, tok := range tokens {
		if r := w.h.do("GET", "/v1/me/volunteer-profile", "", bearerHeader(tok)...); r.Status == 200 && r.str("idNumberMasked") != "" {
			holder = tok
		}
	}
	if r := w.h.do("PUT", "/v1/me/volunteer-profile", profile(id), bearerHeader(holder)...); r.Status != 200 {
		t.Fatalf("holder saves again: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("PUT", "/v1/me/volunteer-profile", profile(idNumber(8)), bearerHeader(holder)...); r.Status != 200 {
		t.Fatalf("holder changes number: %d %s", r.Status, r.Raw)
	}
	other := tokens[0]
	if other == holder {
		other = tokens[1]
	}
	if r := w.h.do("PUT", "/v1/me/volunteer-profile", profile(id), bearerHeader(other)...); r.Status != 200 {
		t.Fatalf("the freed number: %d %s", r.Status, r.Raw)
	}
}
