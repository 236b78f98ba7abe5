package handlers_test

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestOneIDNumberOneAccount: an ID number is held by one account at a
// time, even when many accounts claim it at once; every claimant gets the
// same answer (a taken number is not revealed), exactly one can be
// verified, civil affairs lists the others; changing one's number frees
// the old one.
func TestOneIDNumberOneAccount(t *testing.T) {
	w := newWorld(t)
	zy, _ := w.committees(t)
	id := idNumber(7)
	profile := func(idn string) string {
		return `{"realName":"王五","idNumber":"` + idn + `","home":{"lat":34.7560,"lng":113.6150},"communityCode":"` + zhongyuanCommunity + `"}`
	}
	var tokens, ids []string
	for i := range 30 {
		ids = append(ids, w.h.register(fmt.Sprintf("1350000%04d", i)))
		tok, _ := w.h.login(fmt.Sprintf("1350000%04d", i), "secret-pass")
		tokens = append(tokens, tok)
	}
	var wg sync.WaitGroup
	for _, tok := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := w.h.do("PUT", "/v1/me/volunteer-profile", profile(id), bearerHeader(tok)...)
			if r.Status != 200 || strings.Contains(r.Raw, "onflict") {
				t.Errorf("status %d: %s", r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	var verified atomic.Int32
	holder := -1
	for i, vid := range ids {
		switch r := w.h.do("POST", "/v1/volunteers/"+vid+"/verification", `{"verified":true}`, bearerHeader(zy)...); r.Status {
		case 200:
			verified.Add(1)
			holder = i
		case 409:
		default:
			t.Errorf("verify: %d %s", r.Status, r.Raw)
		}
	}
	if verified.Load() != 1 {
		t.Fatalf("%d accounts hold one ID number", verified.Load())
	}
	if r := w.h.do("GET", "/v1/volunteers?community="+zhongyuanCommunity+"&idNumberConflict=true&limit=100", "", bearerHeader(w.zhongyuan)...); len(r.Body["items"].([]any)) != 29 {
		t.Fatalf("civil affairs lists %d conflicts, want 29: %s", len(r.Body["items"].([]any)), r.Raw)
	}
	// Whoever holds it may save again; after moving to another number, the first is free.
	if r := w.h.do("PUT", "/v1/me/volunteer-profile", profile(id), bearerHeader(tokens[holder])...); r.Status != 200 {
		t.Fatalf("holder saves again: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("PUT", "/v1/me/volunteer-profile", profile(idNumber(8)), bearerHeader(tokens[holder])...); r.Status != 200 {
		t.Fatalf("holder changes number: %d %s", r.Status, r.Raw)
	}
	other := (holder + 1) % len(tokens)
	if r := w.h.do("PUT", "/v1/me/volunteer-profile", profile(id), bearerHeader(tokens[other])...); r.Status != 200 {
		t.Fatalf("the freed number: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/volunteers/"+ids[other]+"/verification", `{"verified":true}`, bearerHeader(zy)...); r.Status != 200 {
		t.Fatalf("verifying the new holder: %d %s", r.Status, r.Raw)
	}
}
