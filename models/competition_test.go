package models

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func validCompetition() *Competition {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	return &Competition{Name: "2026 社区公益创投大赛", Domains: []string{"social_welfare"}, Regions: []string{"410102"},
		Schedule: CompetitionSchedule{OpensAt: t0, ReviewAt: t0.AddDate(0, 1, 0), FinalistsAt: t0.AddDate(0, 2, 0),
			AwardsAt: t0.AddDate(0, 3, 0), ClosesAt: t0.AddDate(0, 4, 0)},
		Rubric: DefaultRubric.Clone(), ReviewersPerEntry: 3, Phase: PhaseDraft,
		Tiers: []AwardTier{{Code: "first_prize", Name: "一等奖", Count: 1, AmountFen: 100_000}, {Code: "second_prize", Name: "二等奖", Count: 3, AmountFen: 50_000}}}
}

func TestCompetitionValidate(t *testing.T) {
	if err := validCompetition().Validate(); err != nil {
		t.Fatalf("valid competition: %v", err)
	}
	if c := validCompetition(); c.PoolFen() != 250_000 || c.MaxAwardFen() != 100_000 {
		t.Fatalf("pool %d, max %d", c.PoolFen(), c.MaxAwardFen())
	}
	for _, tt := range []struct {
		name  string
		edit  func(*Competition)
		field string
	}{
		{"name", func(c *Competition) { c.Name = "x" }, "name"},
		{"no domain", func(c *Competition) { c.Domains = nil }, "domains"},
		{"region", func(c *Competition) { c.Regions = []string{"410102", "410102"} }, "regions[1]"},
		{"order", func(c *Competition) { c.Schedule.FinalistsAt = c.Schedule.ReviewAt }, "schedule.finalistsAt"},
		{"vote date without a vote", func(c *Competition) { c.Schedule.VoteAt = c.Schedule.ReviewAt.Add(time.Hour) }, "schedule.voteAt"},
		{"vote without a date", func(c *Competition) { c.PublicVote = true }, "schedule.voteAt"},
		{"tier code", func(c *Competition) { c.Tiers[1].Code = "First" }, "tiers[1].code"},
		{"tier count", func(c *Competition) { c.Tiers[0].Count = 0 }, "tiers[0].count"},
		{"tier amount", func(c *Competition) { c.Tiers[0].AmountFen = -1 }, "tiers[0].amountFen"},
		{"pool", func(c *Competition) { c.Tiers[0].AmountFen, c.Tiers[0].Count = MaxFundFen, 2 }, "tiers"},
		{"rubric", func(c *Competition) { c.Rubric[0].MaxPoints = 0 }, "rubric[0].maxPoints"},
		{"k", func(c *Competition) { c.ReviewersPerEntry = 11 }, "reviewersPerEntry"},
		{"weight", func(c *Competition) { c.VoteWeightPercent = 101 }, "voteWeightPercent"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := validCompetition()
			tt.edit(c)
			err := c.Validate()
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("no error")
			}
			var fields []string
			for _, f := range e.Fields {
				fields = append(fields, f.Field)
			}
			if !slices.Contains(fields, tt.field) {
				t.Fatalf("fields %v, want %s", fields, tt.field)
			}
		})
	}
}

func TestCompetitionPhases(t *testing.T) {
	c := validCompetition()
	var seen []CompetitionPhase
	for {
		next, ok := c.NextPhase()
		if !ok {
			break
		}
		if err := c.CheckMove(next); err != nil {
			t.Fatalf("%s → %s: %v", c.Phase, next, err)
		}
		c.Phase = next
		seen = append(seen, next)
	}
	want := []CompetitionPhase{PhaseOpen, PhaseReview, PhaseFinalists, PhaseAwarded, PhaseClosed}
	if !slices.Equal(seen, want) {
		t.Fatalf("phases without a vote %v, want %v", seen, want)
	}
	c = validCompetition()
	c.PublicVote = true
	c.Phase = PhaseReview
	if next, _ := c.NextPhase(); next != PhasePublicVote {
		t.Fatalf("after review with a vote: %s", next)
	}
	for _, tt := range []struct {
		from, to CompetitionPhase
		vote     bool
		kind     Kind
	}{
		{PhaseOpen, PhaseFinalists, true, KindConflict}, // skipping
		{PhaseReview, PhaseOpen, false, KindConflict},   // backwards
		{PhaseReview, PhasePublicVote, false, KindInvalid},
		{PhaseClosed, PhaseClosed, false, KindConflict},
		{PhaseOpen, "opened", false, KindInvalid},
		{PhaseOpen, PhaseDraft, false, KindInvalid},
	} {
		c := validCompetition()
		c.Phase, c.PublicVote = tt.from, tt.vote
		if err := c.CheckMove(tt.to); KindOf(err) != tt.kind {
			t.Errorf("%s → %s: %v, want kind %d", tt.from, tt.to, err, tt.kind)
		}
	}
	if !PhaseAwarded.Reached(PhaseFinalists) || PhaseReview.Reached(PhasePublicVote) {
		t.Fatal("Reached")
	}
}

func TestPlanAwards(t *testing.T) {
	tiers := []AwardTier{{Code: "second", Name: "二等奖", Count: 2, AmountFen: 50_000}, {Code: "first", Name: "一等奖", Count: 1, AmountFen: 100_000}}
	ranking := []CombinedEntry{{EntryID: "e4", Rank: 4}, {EntryID: "e1", Rank: 1}, {EntryID: "e2", Rank: 2}, {EntryID: "e3", Rank: 3}, {EntryID: "e5", Rank: 5}}
	requested := map[string]int64{"e1": 100_000, "e2": 40_000, "e4": 80_000, "e5": 100_000} // e3 ruled out
	got := PlanAwards(tiers, ranking, func(id string) (int64, bool) { r, ok := requested[id]; return r, ok })
	want := []Award{
		{EntryID: "e1", Rank: 1, Tier: "first", TierName: "一等奖", AmountFen: 100_000},
		{EntryID: "e2", Rank: 2, Tier: "second", TierName: "二等奖", AmountFen: 40_000}, // never above the request
		{EntryID: "e4", Rank: 4, Tier: "second", TierName: "二等奖", AmountFen: 50_000},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("plan\n%+v\nwant\n%+v", got, want)
	}
	// Fewer entries than places: the rest stay unawarded.
	if got := PlanAwards(tiers, ranking[:2], func(id string) (int64, bool) { return 100_000, true }); len(got) != 2 || got[1].Tier != "second" {
		t.Fatalf("short ranking: %+v", got)
	}
}

func TestConflictValidate(t *testing.T) {
	for _, tt := range []struct {
		c     Conflict
		field string
	}{
		{Conflict{Kind: ConflictFamily, EntryID: "e1"}, ""},
		{Conflict{Kind: ConflictEmployment, OrganisationID: "o1"}, ""},
		{Conflict{Kind: "enemy", EntryID: "e1"}, "kind"},
		{Conflict{Kind: ConflictOther}, "organisationId"},
		{Conflict{Kind: ConflictOther, EntryID: "e1", OrganisationID: "o1"}, "organisationId"},
		{Conflict{Kind: ConflictOther, EntryID: "e1", Note: strings.Repeat("长", 501)}, "note"},
	} {
		err := tt.c.Validate()
		if tt.field == "" {
			if err != nil {
				t.Errorf("%+v: %v", tt.c, err)
			}
			continue
		}
		if e, ok := err.(*Error); !ok || e.Fields[0].Field != tt.field {
			t.Errorf("%+v: %v, want %s", tt.c, err, tt.field)
		}
	}
	r := CompetitionReviewer{AccountID: "r", OrganisationID: "own", Conflicts: []Conflict{{Kind: ConflictFamily, EntryID: "e9"},
		{Kind: ConflictEmployment, OrganisationID: "past"}}}
	ref := r.Ref([]string{"employer"})
	for _, e := range []EntryRef{{"e1", "own"}, {"e2", "past"}, {"e3", "employer"}, {"e9", "other"}} {
		if !ref.Conflicted(e) {
			t.Errorf("%+v is not conflicted", e)
		}
	}
	if ref.Conflicted(EntryRef{"e4", "other"}) {
		t.Error("unrelated entry conflicted")
	}
}

// TopUpReviewers keeps the panels in place and balances total loads.
func TestTopUpReviewers(t *testing.T) {
	reviewers := []ReviewerRef{{ID: "r1"}, {ID: "r2"}, {ID: "r3"}, {ID: "r4", OrganisationID: "o2"}}
	// r1 already holds three entries; e1 and e2 each need one more.
	needs := []EntryNeed{
		{EntryRef: EntryRef{"e1", "o1"}, Need: 1, Have: []string{"r1"}},
		{EntryRef: EntryRef{"e2", "o2"}, Need: 1, Have: []string{"r1"}},
		{EntryRef: EntryRef{"e3", "o3"}, Need: 0, Have: []string{"r1", "r2"}},
	}
	got, err := TopUpReviewers(needs, reviewers, map[string]int{"r1": 3, "r2": 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(got["e1"]) != 1 || len(got["e2"]) != 1 || len(got["e3"]) != 0 {
		t.Fatalf("top-up %v", got)
	}
	for e, rs := range got {
		for _, r := range rs {
			if r == "r1" || r == "r2" {
				t.Errorf("entry %s got %s, who holds more already", e, r)
			}
		}
	}
	if got["e2"][0] == "r4" {
		t.Error("entry of o2 given to o2's reviewer")
	}
	// Not enough reviewers left: the entry is named.
	_, err = TopUpReviewers([]EntryNeed{{EntryRef: EntryRef{"e1", "o1"}, Need: 3, Have: []string{"r1", "r2"}}}, reviewers, nil)
	if e, ok := err.(*Error); !ok || e.Fields[0].Field != "entries.e1" {
		t.Fatalf("too few: %v", err)
	}
	// With no panel in place it is AssignReviewers.
	entries := []EntryRef{{"a", "x"}, {"b", "y"}, {"c", "o2"}}
	want, err := AssignReviewers(entries, reviewers, 2)
	if err != nil {
		t.Fatal(err)
	}
	var plain []EntryNeed
	for _, e := range entries {
		plain = append(plain, EntryNeed{EntryRef: e, Need: 2})
	}
	got, err = TopUpReviewers(plain, reviewers, nil)
	if err != nil {
		t.Fatal(err)
	}
	for id := range want {
		if !slices.Equal(want[id], got[id]) {
			t.Fatalf("entry %s: %v vs %v", id, want[id], got[id])
		}
	}
}
