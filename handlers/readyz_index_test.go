package handlers_test

import (
	"context"
	"testing"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/needs"
)

// heldFeed holds the matching index's load until release is closed.
type heldFeed struct {
	needs.IndexFeed
	release chan struct{}
}

func (f heldFeed) EachMatchProfile(ctx context.Context, fn func(*models.Volunteer) error) error {
	<-f.release
	return f.IndexFeed.EachMatchProfile(ctx, fn)
}

// TestReadyzWhileTheIndexLoads: from the start of the matching index's
// load until it is in, /readyz is 503 "matching index loading" and the
// matches answer 503 with Retry-After; then both answer 200.
func TestReadyzWhileTheIndexLoads(t *testing.T) {
	release := make(chan struct{})
	w := newWorld(t, func(s *harnessSetup) { s.stores.IndexFeed = heldFeed{IndexFeed: s.stores.IndexFeed, release: release} })
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	loaded := make(chan struct{})
	if err := w.h.svc.Matching().StartMatching(ctx, 0, func() { close(loaded) }); err != nil {
		t.Fatal(err)
	}
	r := w.h.do("GET", "/readyz", "", "Accept-Language", "en")
	if r.Status != 503 || r.str("detail") != "matching index loading" || r.Body["checks"].(map[string]any)["matchingIndex"] != "loading" {
		t.Errorf("readyz while loading: %d %s", r.Status, r.Raw)
	}
	m := w.h.do("GET", "/v1/needs/"+need+"/matches", "", bearerHeader(zy)...)
	if m.Status != 503 || m.Header.Get("Retry-After") == "" {
		t.Errorf("matches while loading: %d %v %s", m.Status, m.Header, m.Raw)
	}
	close(release)
	<-loaded
	if r := w.h.do("GET", "/readyz", ""); r.Status != 200 {
		t.Errorf("readyz once loaded: %d %s", r.Status, r.Raw)
	}
	if m := w.h.do("GET", "/v1/needs/"+need+"/matches", "", bearerHeader(zy)...); m.Status != 200 {
		t.Errorf("matches once loaded: %d %s", m.Status, m.Raw)
	}
}
