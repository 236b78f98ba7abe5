package demo

import (
	"testing"
	"time"

	"github.com/wushe/wushe/models"
)

// TestDemoPosts: the demo city shows the posts registry on the dashboard:
// filled and vacant posts, a grade II hospital without a department, a
// school with students and no social worker, a certified community worker
// with the allowance; every holder's verified certificate meets the post,
// and nobody holds two posts.
func TestDemoPosts(t *testing.T) {
	opts := DefaultOptions()
	opts.Now = time.Date(2025, 3, 1, 9, 0, 0, 0, models.Shanghai())
	c, err := planCity(opts, "hash")
	if err != nil {
		t.Fatal(err)
	}
	units := map[string]*models.EmployingUnit{}
	for _, u := range c.units {
		units[u.ID] = u
	}
	posts := map[string]*models.Post{}
	for _, p := range c.posts {
		posts[p.ID] = p
	}
	level := map[string]models.CertificateLevel{}
	for _, w := range c.workers {
		level[w.profile.AccountID] = w.profile.VerifiedLevel()
	}
	filled, held := map[string]int{}, map[string]bool{}
	allowance := 0
	for _, h := range c.holdings {
		p := posts[h.PostID]
		if p == nil || h.State != models.HoldingFilled {
			t.Fatalf("holding %+v", h)
		}
		if err := models.CanHold("holder", level[h.AccountID], p); err != nil || held[h.AccountID] {
			t.Errorf("holding %s: %v (held twice: %v)", h.ID, err, held[h.AccountID])
		}
		held[h.AccountID] = true
		filled[p.UnitID]++
		if models.AllowanceEligible(p.UnitKind, h, level[h.AccountID].Valid()) {
			allowance++
		}
	}
	shortfalls := map[string]bool{}
	for _, u := range c.units {
		for _, s := range models.UnitShortfalls(u, filled[u.ID]) {
			shortfalls[u.Kind+":"+s] = true
		}
	}
	if len(c.holdings) < 5 || len(c.posts)-len(c.holdings) < 3 || allowance == 0 ||
		!shortfalls["hospital:no_department"] || !shortfalls["school:no_filled_post"] || !shortfalls["service_institution:no_department"] {
		t.Fatalf("%d posts, %d filled, %d with the allowance, shortfalls %v", len(c.posts), len(c.holdings), allowance, shortfalls)
	}
}
