package matching

import (
	"fmt"
	"testing"

	"github.com/wushe/wushe/models"
)

// TestRankSupervisorsOrder: at most k, best first, ties by id, and the
// exclusion counts add up with every broken constraint counted.
func TestRankSupervisorsOrder(t *testing.T) {
	n := &models.Need{ID: "n", CommunityCode: "410105001001", Domain: "community_governance", Location: models.Point{Lat: 34.78, Lng: 113.68}}
	var ws []*models.SocialWorker
	for i := 0; i < 30; i++ {
		w := &models.SocialWorker{AccountID: fmt.Sprintf("sw%02d", 29-i), Supervisor: i%5 != 0, CaseloadCap: 4,
			Certificate: &models.SocialWorkerCertificate{Level: models.CertSocialWorker, Verification: "verified"}}
		if i%7 == 0 {
			w.Certificate.Verification = "pending"
		}
		ws = append(ws, w) // many identical scores: ties decide by id
	}
	loads := map[string]int{"sw03": 4, "sw04": 1}
	all := RankSupervisors(ws, loads, n, "", 100)
	excluded := 0
	for _, e := range all.Exclusions {
		excluded += e.Count
	}
	if all.Eligible+len(all.Exclusions) == 0 || all.Eligible != len(all.Candidates) || excluded < all.Workers-all.Eligible {
		t.Fatalf("figures do not add up: %+v", all)
	}
	for i := 1; i < len(all.Candidates); i++ {
		a, b := all.Candidates[i-1], all.Candidates[i]
		if a.Score < b.Score || a.Score == b.Score && a.SocialWorkerID > b.SocialWorkerID {
			t.Fatalf("out of order: %v before %v", a, b)
		}
	}
	if top := RankSupervisors(ws, loads, n, "", 3); len(top.Candidates) != 3 || top.Candidates[2].SocialWorkerID != all.Candidates[2].SocialWorkerID {
		t.Fatalf("top 3 is not the head of the full ranking: %+v", top.Candidates)
	}
	if none := RankSupervisors(ws, loads, n, "", 0); len(none.Candidates) != 0 || none.Eligible != all.Eligible {
		t.Fatalf("k = 0: %+v", none)
	}
}
