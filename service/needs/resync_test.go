package needs_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wushe/wushe/matching"
	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/needs"
)

// syntheticVolunteer is volunteer i of a seeded city: homes within about
// 4 km of the test needs, varied reach, availability, skills, blackouts.
func syntheticVolunteer(r *rand.Rand, i int, now time.Time) *models.Volunteer {
	var grid models.WeekGrid
	for w := range grid {
		grid[w] = r.Uint64() | r.Uint64() // about three half-hours in four
	}
	home := models.Point{Lat: 34.7535 + (r.Float64()-0.5)*0.07, Lng: 113.6133 + (r.Float64()-0.5)*0.09}
	v := &models.Volunteer{AccountID: fmt.Sprintf("vol-%06d", i), RealName: "志愿者", RealNameVerified: r.IntN(10) > 0,
		Availability: grid, Home: &home, MaxDistanceKm: float64(2 + r.IntN(9)), CommunityCode: community,
		Domains: []string{"community_governance"}, CreatedAt: now, UpdatedAt: now}
	codes := models.Skills.Codes()
	for _, c := range codes[:r.IntN(3)] {
		v.Skills = append(v.Skills, models.SkillLevel{Code: c, Level: 1 + r.IntN(3)})
	}
	if r.IntN(5) == 0 {
		v.Blackouts = []string{now.AddDate(0, 0, 1+r.IntN(5)).Format(time.DateOnly)}
	}
	switch r.IntN(6) {
	case 0: // a minor, with their guardian's consent or without
		v.BirthDate = now.AddDate(-16, 0, 0).Format(time.DateOnly)
		if r.IntN(2) == 0 {
			v.Guardian = &models.GuardianConsent{GuardianName: "家长", GuardianPhone: "13800000000", Relationship: "父亲",
				ConsentedOn: now.Format(time.DateOnly)}
		}
	case 1: // a recorded background check, passed or not
		at := now.Add(-time.Hour)
		v.BackgroundCheck = &models.BackgroundCheck{Result: []string{"passed", "not_passed"}[r.IntN(2)], RecordedBy: "committee-1",
			RecordedAt: &at, CheckedOn: now.AddDate(0, -1, 0).Format(time.DateOnly), ExpiresOn: now.AddDate(1, 0, 0).Format(time.DateOnly)}
	}
	return v
}

// replicaResults ranks every volunteer for each need on a replica's index,
// counts included: two indexes answering alike for all of them hold the
// same volunteers with the same figures.
func replicaResults(t *testing.T, e *env, m *needs.Matching, ns []*models.Need) []matching.Result {
	t.Helper()
	ix, err := m.IndexForTest(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []matching.Result
	for _, n := range ns {
		for _, occ := range n.Occurrences() {
			out = append(out, ix.TopK(n, occ, 10_000, matching.Options{}))
		}
	}
	return out
}

func (e *env) seedVolunteers(t *testing.T, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		r := rand.New(rand.NewPCG(uint64(i), 17))
		if err := e.db.Volunteers().SaveVolunteer(e.ctx, syntheticVolunteer(r, i, e.now)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCatchUpEqualsRebuild: a replica that heard none of another's changes
// (there is no bus) — profiles edited, volunteers erased and new ones
// saved, an invitation declined, a place taken — answers every query as
// a fresh rebuild does after one catch-up; and again once the place's
// time has passed, when nothing was written but the clock moved.
func TestCatchUpEqualsRebuild(t *testing.T) {
	e := newEnv(t)
	e.seedVolunteers(t, 0, 40)
	var ns []*models.Need
	for k, in := range []time.Duration{4 * time.Hour, 6 * time.Hour, 8 * time.Hour} {
		input := e.input(fmt.Sprintf("社区活动 %v", in), in, false)
		input.BackgroundCheck = &[]bool{false, false, true}[k] // the last asks for a check
		n, err := e.svc.PostNeed(e.ctx, e.committee, input)
		if err != nil {
			t.Fatal(err)
		}
		ns = append(ns, n)
	}
	writer := e.svc.Matching()
	behind := needs.New(e.stores, e.deps).Matching() // another replica; it never hears the writer
	before := replicaResults(t, e, behind, ns)
	if !reflect.DeepEqual(before, replicaResults(t, e, writer, ns)) {
		t.Fatal("two replicas built from the same data disagree")
	}
	whole := e.stores
	whole.IndexFeed = nil // whole profiles, not the projection
	if !reflect.DeepEqual(before, replicaResults(t, e, needs.New(whole, e.deps).Matching(), ns)) {
		t.Fatal("an index loaded from the projection differs from one loaded from whole profiles")
	}

	e.now = e.now.Add(10 * time.Minute)
	for i := 0; i < 5; i++ { // moved, and their availability redrawn
		r := rand.New(rand.NewPCG(uint64(i), 99))
		v := syntheticVolunteer(r, i, e.now)
		if err := e.db.Volunteers().SaveVolunteer(e.ctx, v); err != nil {
			t.Fatal(err)
		}
		writer.VolunteerChanged(e.ctx, v.AccountID)
	}
	for _, id := range []string{"vol-000005", "vol-000006"} { // erased
		if err := e.db.Volunteers().DeleteVolunteer(e.ctx, id); err != nil {
			t.Fatal(err)
		}
		writer.VolunteerChanged(e.ctx, id)
	}
	e.seedVolunteers(t, 40, 43)
	for i := 40; i < 43; i++ {
		writer.VolunteerChanged(e.ctx, fmt.Sprintf("vol-%06d", i))
	}
	out, err := writer.Invite(e.ctx, e.committee, ns[0].ID, needs.InvitationRequest{Top: 2})
	if err != nil || len(out) == 0 || out[0].Err != nil {
		t.Fatalf("invite: %v %v", out, err)
	}
	invitee := &needs.Actor{AccountID: out[0].Invitation.VolunteerID}
	if _, err := writer.DeclineInvitation(e.ctx, invitee, out[0].Invitation.ID); err != nil {
		t.Fatal(err)
	}
	placed := replicaResults(t, e, writer, ns[1:2])[0].Candidates[0].VolunteerID
	if _, err := e.svc.AddVolunteer(e.ctx, e.committee, ns[1].ID, placed, nil); err != nil {
		t.Fatal(err)
	}

	stale := replicaResults(t, e, behind, ns)
	if !reflect.DeepEqual(stale, before) {
		t.Fatal("the replica heard of the changes without a catch-up")
	}
	n, err := behind.CatchUpMatching(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n < 12 {
		t.Errorf("the catch-up re-read %d volunteers, want at least the 12 changed", n)
	}
	fresh := needs.New(e.stores, e.deps).Matching()
	got, want := replicaResults(t, e, behind, ns), replicaResults(t, e, fresh, ns)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after the catch-up the replica differs from a rebuild:\n got %+v\nwant %+v", got, want)
	}
	if reflect.DeepEqual(got, before) {
		t.Fatal("the changes changed no answer: the test proves nothing")
	}
	for _, res := range got {
		for _, c := range res.Candidates {
			if c.VolunteerID == "vol-000005" || c.VolunteerID == "vol-000006" {
				t.Fatalf("an erased volunteer is still a candidate: %s", c.VolunteerID)
			}
		}
	}

	// Nothing written, but the place's window is over (a no-show, no longer
	// a commitment): the catch-up after the end re-reads its holder.
	e.now = e.now.Add(5 * time.Minute) // past the margin of the changes above
	if _, err := behind.CatchUpMatching(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.now = ns[1].Window.End.Add(time.Minute)
	if _, err := behind.CatchUpMatching(e.ctx); err != nil {
		t.Fatal(err)
	}
	got, want = replicaResults(t, e, behind, ns), replicaResults(t, e, needs.New(e.stores, e.deps).Matching(), ns)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after the place ended the replica differs from a rebuild:\n got %+v\nwant %+v", got, want)
	}
}

// TestCatchUpKeepsConcurrentWrites: writers save and log changes while a
// replica catches up again and again; on a clock that moves with every
// reading, a change whose entry lands just after a catch-up's reads is
// still within the next one's margin. Once the writers stop, one catch-up
// makes the replica answer as a rebuild does. A writer whose clock runs a
// minute behind (within IndexCatchUpMargin) is caught too.
func TestCatchUpKeepsConcurrentWrites(t *testing.T) {
	e := newEnv(t)
	var clock atomic.Int64
	clock.Store(e.now.UnixNano())
	deps := e.deps
	shared := *deps.Shared
	shared.Now = func() time.Time { return time.Unix(0, clock.Add(int64(time.Millisecond))).UTC() }
	deps.Shared = &shared
	e.seedVolunteers(t, 0, 20)
	n, err := e.svc.PostNeed(e.ctx, e.committee, e.input("社区活动", 30*time.Hour, false))
	if err != nil {
		t.Fatal(err)
	}
	ns := []*models.Need{n}
	writer := needs.New(e.stores, deps).Matching()
	behind := needs.New(e.stores, deps).Matching()
	replicaResults(t, e, behind, ns)

	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < 20; i += 4 {
				r := rand.New(rand.NewPCG(uint64(i), 7))
				v := syntheticVolunteer(r, i, e.now)
				if err := e.db.Volunteers().SaveVolunteer(e.ctx, v); err != nil {
					t.Error(err)
					return
				}
				writer.VolunteerChanged(e.ctx, v.AccountID)
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		if _, err := behind.CatchUpMatching(e.ctx); err != nil {
			t.Fatal(err)
		}
	}
	// A writer whose clock is a minute behind this replica's logs a change
	// stamped before the last catch-up began.
	r := rand.New(rand.NewPCG(3, 8))
	late := syntheticVolunteer(r, 3, e.now)
	if err := e.db.Volunteers().SaveVolunteer(e.ctx, late); err != nil {
		t.Fatal(err)
	}
	skewed := time.Unix(0, clock.Load()).Add(-time.Minute)
	if err := e.db.IndexFeed().RecordVolunteerChange(e.ctx, late.AccountID, skewed); err != nil {
		t.Fatal(err)
	}
	if _, err := behind.CatchUpMatching(e.ctx); err != nil {
		t.Fatal(err)
	}
	got, want := replicaResults(t, e, behind, ns), replicaResults(t, e, needs.New(e.stores, deps).Matching(), ns)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after concurrent writes the replica differs from a rebuild:\n got %+v\nwant %+v", got, want)
	}
}

// blockedFeed holds the index's first load until release is closed.
type blockedFeed struct {
	needs.IndexFeed
	release chan struct{}
}

func (f blockedFeed) EachMatchProfile(ctx context.Context, fn func(*models.Volunteer) error) error {
	<-f.release
	return f.IndexFeed.EachMatchProfile(ctx, fn)
}

// TestMatchingAnswers503WhileTheIndexLoads: from StartMatching until the
// index is in, the replica says it is loading and a ranking answers
// "unavailable" with a Retry-After instead of waiting; then it ranks.
func TestMatchingAnswers503WhileTheIndexLoads(t *testing.T) {
	e := newEnv(t)
	e.seedVolunteers(t, 0, 5)
	n, err := e.svc.PostNeed(e.ctx, e.committee, e.input("社区活动", 4*time.Hour, false))
	if err != nil {
		t.Fatal(err)
	}
	st := e.stores
	feed := blockedFeed{IndexFeed: st.IndexFeed, release: make(chan struct{})}
	st.IndexFeed = feed
	svc := needs.New(st, e.deps)
	m := svc.Matching()
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	ready := make(chan struct{})
	if err := m.StartMatching(ctx, 0, func() { close(ready) }); err != nil {
		t.Fatal(err)
	}
	if !m.IndexLoading() {
		t.Fatal("the replica does not say its index is loading")
	}
	_, err = m.Matches(e.ctx, e.committee, n.ID, "", 10)
	var de *models.Error
	if !errors.As(err, &de) || de.Kind != models.KindUnavailable || de.RetryAfter <= 0 {
		t.Fatalf("matches while loading: %v, want unavailable with a Retry-After", err)
	}
	close(feed.release)
	<-ready
	if m.IndexLoading() {
		t.Fatal("still loading once ready")
	}
	if ix, err := m.IndexForTest(e.ctx); err != nil || ix.Len() != 5 {
		t.Fatalf("index once loaded: %v", err)
	}
}
