package demo

import (
	"testing"
	"time"

	"github.com/wushe/wushe/models"
)

// TestDemoRecognition: every demonstration agency of the demo city
// qualifies by the dashboard's definition; one agency holds only an
// expired grade; two counties have a base incubating organisations; there
// are awards to agencies and social workers.
func TestDemoRecognition(t *testing.T) {
	opts := DefaultOptions()
	opts.Now = time.Date(2026, 12, 1, 9, 0, 0, 0, models.Shanghai())
	c, err := planCity(opts, "hash")
	if err != nil {
		t.Fatal(err)
	}
	today := string(models.DateOf(opts.Now))
	history := map[string][]*models.OrgEvaluation{}
	for _, e := range c.recognition.evaluations {
		if err := e.Validate(today); err != nil {
			t.Errorf("evaluation %s: %v", e.ID, err)
		}
		history[e.OrganisationID] = append(history[e.OrganisationID], e)
	}
	demonstration, expired := 0, 0
	for _, o := range c.orgs {
		latest := models.LatestEvaluation(history[o.ID])
		if o.Status == models.OrgDemonstration {
			demonstration++
			if !models.CountsAsDemonstration(o, latest, today) {
				t.Errorf("demonstration agency %s does not qualify: %+v", o.ID, latest)
			}
		}
		if latest != nil && !latest.ValidOn(today) {
			expired++
		}
	}
	if demonstration < 10 || expired != 1 {
		t.Errorf("%d demonstration agencies, %d with an expired grade", demonstration, expired)
	}
	if len(c.recognition.bases) != 2 || len(c.recognition.incubations) < 2 {
		t.Errorf("%d bases, %d incubations", len(c.recognition.bases), len(c.recognition.incubations))
	}
	kinds := map[string]int{}
	for _, a := range c.recognition.commendations {
		if err := a.Validate(today); err != nil {
			t.Errorf("award %s: %v", a.ID, err)
		}
		kinds[a.RecipientKind]++
	}
	if kinds["organisation"] == 0 || kinds["social_worker"] == 0 {
		t.Errorf("awards: %v", kinds)
	}
}
