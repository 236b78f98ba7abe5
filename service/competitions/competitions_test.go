package competitions

import (
	"errors"
	"slices"
	"testing"

	"github.com/wushe/wushe/models"
)

// The organiser of a competition is whoever manages its fund: the package
// asks the money domain (Deps.ManagesFund) with the competition's owner and
// division, and decides nothing else itself.
func TestManagesCompetitionAsksTheFundRule(t *testing.T) {
	var asked *models.Fund
	s := New(Stores{}, Deps{ManagesFund: func(a *Actor, f *models.Fund) bool {
		asked = f
		return a.AccountID == "organiser"
	}})
	c := &models.Competition{OwnerOrgID: "org-1", DivisionCode: "410102"}
	if !s.managesCompetition(&Actor{AccountID: "organiser"}, c) {
		t.Fatal("the fund's manager does not organise the competition")
	}
	if asked == nil || asked.OwnerOrgID != "org-1" || asked.DivisionCode != "410102" {
		t.Fatalf("asked about %+v, want the competition's owner and division", asked)
	}
	if s.managesCompetition(&Actor{AccountID: "someone"}, c) {
		t.Fatal("someone who does not manage the fund organises the competition")
	}
}

// A competition must fit its fund: themes among the fund's domains, regions
// inside the fund's regions, a prize pool no larger than the fund.
func TestCheckAgainstFund(t *testing.T) {
	f := &models.Fund{Domains: []string{"elderly"}, Regions: []string{"410102"}, TotalFen: 100_000}
	ok := &models.Competition{Domains: []string{"elderly"}, Regions: []string{"410102001"},
		Tiers: []models.AwardTier{{Code: "first", Count: 2, AmountFen: 50_000}}}
	if err := checkAgainstFund(ok, f); err != nil {
		t.Fatalf("a competition that fits its fund: %v", err)
	}
	bad := &models.Competition{Domains: []string{"elderly", "children"}, Regions: []string{"410105"},
		Tiers: []models.AwardTier{{Code: "first", Count: 3, AmountFen: 50_000}}}
	err := checkAgainstFund(bad, f)
	var e *models.Error
	if !errors.As(err, &e) || e.Kind != models.KindInvalid {
		t.Fatalf("got %v, want an invalid-input error", err)
	}
	var fields []string
	for _, fe := range e.Fields {
		fields = append(fields, fe.Field)
	}
	for _, want := range []string{"domains[1]", "regions[0]", "tiers"} {
		if !slices.Contains(fields, want) {
			t.Errorf("fields %v lack %s", fields, want)
		}
	}
}

// Only entries still in the running compete; drafts, withdrawn, ineligible
// and rejected ones do not, and only submitted ones are undecided.
func TestCompetingStatus(t *testing.T) {
	for _, st := range []models.ApplicationStatus{models.AppDraft, models.AppWithdrawn, models.AppIneligible, models.AppRejected} {
		if competingStatus(st) {
			t.Errorf("%s competes", st)
		}
	}
	if !competingStatus(models.AppSubmitted) || !undecidedStatus(models.AppSubmitted) {
		t.Error("a submitted entry neither competes nor is undecided")
	}
}
