package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/parties"
	"github.com/wushe/wushe/store/storetest"
)

const (
	bishagang = "410102001002" // 碧沙岗社区, 林山寨街道, 中原区
	huaihe    = "410103001001" // 淮河社区, 淮河路街道, 二七区
)

// fullVolunteer sets every field of a profile, including a week grid with
// bits in all six words (the top bit of a word too, which BSON's signed
// int64 must carry through).
func fullVolunteer(id string) *models.Volunteer {
	at := time.Date(2025, 3, 1, 8, 30, 15, 123e6, time.UTC)
	verified := at.Add(time.Hour)
	var grid models.WeekGrid
	for i := range grid {
		grid[i] = 1<<63 | 1<<uint(i*7) | 0x5a5a
	}
	return &models.Volunteer{
		AccountID: id, RealName: "张三", IDNumber: "41010219900307123X", RealNameVerified: true,
		VerifiedBy: "admin-1", VerifiedAt: &verified,
		Skills:      []models.SkillLevel{{Code: "first_aid", Level: 3}, {Code: "cooking", Level: 1}},
		Credentials: []models.Credential{{Skill: "first_aid", Name: "红十字救护员证", Number: "RC-001", ExpiresOn: "2027-01-01"}, {Name: "驾驶证"}},
		BackgroundCheck: &models.BackgroundCheck{Result: models.BackgroundPassed, CheckedOn: "2024-01-01", ExpiresOn: "2026-01-01",
			Reference: "WFZ-1", RecordedBy: "committee-1", RecordedAt: &verified},
		IDNumberConflict: true,
		Availability:     grid, Blackouts: []string{"2025-05-01", "2025-10-01"},
		Home: &models.Point{Lat: 34.751234, Lng: 113.601234}, CommunityCode: bishagang, MaxDistanceKm: 7.5,
		Domains: []string{"social_welfare", "health"}, Languages: []string{"mandarin", "henan_dialect"},
		QualificationTrack: true, BirthDate: "2010-06-01",
		Guardian:    &models.GuardianConsent{GuardianName: "张父", GuardianPhone: "13812345678", Relationship: "父子", ConsentedOn: "2025-02-01"},
		Insurance:   &models.Insurance{Insurer: "人保", PolicyNo: "P-1", ExpiresOn: "2026-02-01"},
		Reliability: models.Reliability{Invited: 9, Accepted: 7, Declined: 2, Attended: 6, NoShows: 1, CommittedHours: 12.5},
		CreatedAt:   at, UpdatedAt: at.Add(2 * time.Hour),
	}
}

// TestSelfAssertedBackgroundCheckReadsAsNone: a profile stored before
// checks were recorded carries the volunteer's own {passedOn, expiresOn};
// it reads back as no check, so nothing it asserted gates a placement.
func TestSelfAssertedBackgroundCheckReadsAsNone(t *testing.T) {
	db, _ := storetest.Open(t)
	ctx := context.Background()
	if err := db.Volunteers().SaveVolunteer(ctx, &models.Volunteer{AccountID: "v-legacy"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Database().Collection("volunteers").UpdateOne(ctx, bson.M{"_id": "v-legacy"},
		bson.M{"$set": bson.M{"backgroundCheck": bson.M{"passedOn": "2025-01-01", "expiresOn": "2099-01-01"}}}); err != nil {
		t.Fatal(err)
	}
	v, err := db.Volunteers().Volunteer(ctx, "v-legacy")
	if err != nil {
		t.Fatal(err)
	}
	if v.BackgroundCheck != nil || v.BackgroundValidOn(time.Now()) {
		t.Fatalf("a self-asserted check reads back as %+v", v.BackgroundCheck)
	}
}

func TestVolunteerRoundTrip(t *testing.T) {
	db, _ := storetest.Open(t)
	st := db.Volunteers()
	ctx := context.Background()
	if _, err := st.Volunteer(ctx, "nobody"); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("missing profile: %v, want not found", err)
	}
	want := fullVolunteer("v-1")
	if err := st.SaveVolunteer(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := st.Volunteer(ctx, "v-1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}
	// Saving again replaces: optional parts go away, lists empty, grid cleared.
	bare := &models.Volunteer{AccountID: "v-1", CreatedAt: want.CreatedAt, UpdatedAt: want.UpdatedAt}
	if err := st.SaveVolunteer(ctx, bare); err != nil {
		t.Fatal(err)
	}
	got, err = st.Volunteer(ctx, "v-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Home != nil || got.Guardian != nil || got.Insurance != nil || got.BackgroundCheck != nil || got.VerifiedAt != nil ||
		got.Availability != (models.WeekGrid{}) || got.Skills == nil || len(got.Skills) != 0 || got.Domains == nil || got.RealNameVerified {
		t.Fatalf("replaced profile kept old parts: %+v", got)
	}
}

func TestSocialWorkerRoundTripAndFilters(t *testing.T) {
	db, _ := storetest.Open(t)
	st := db.SocialWorkers()
	ctx := context.Background()
	if _, err := st.SocialWorker(ctx, "nobody"); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("missing profile: %v, want not found", err)
	}
	at := time.Date(2025, 4, 2, 1, 2, 3, 456e6, time.UTC)
	var grid models.WeekGrid
	for i := range grid {
		grid[i] = ^uint64(0) >> uint(i)
	}
	want := &models.SocialWorker{
		AccountID: "sw-1",
		Certificate: &models.SocialWorkerCertificate{Level: models.CertSocialWorker, Number: "ZG-2020-0001", IssuedOn: "2020-06-01",
			Verification: "verified", VerifiedBy: "ca-1", VerifiedAt: &at, Note: "已核对"},
		Post:          &models.PostTitle{Level: models.CertAssistant, Grade: 2},
		EmployerOrgID: "org-1", StationTownCode: "410102001", Domains: []string{"mental_health"},
		Supervisor: true, CaseloadCap: 12, Availability: grid, Base: &models.Point{Lat: 34.74, Lng: 113.64}, // base in 二七区
		CreatedAt: at, UpdatedAt: at.Add(time.Minute),
	}
	if err := st.SaveSocialWorker(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := st.SocialWorker(ctx, "sw-1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}
	others := []*models.SocialWorker{
		{AccountID: "sw-2", EmployerOrgID: "org-2", Domains: []string{}, Certificate: &models.SocialWorkerCertificate{Level: models.CertSenior, Number: "x", IssuedOn: "2020-01-01", Verification: "pending"}},
		{AccountID: "sw-3", EmployerOrgID: "org-1", StationTownCode: "410103001", Certificate: &models.SocialWorkerCertificate{Level: models.CertSenior, Number: "y", IssuedOn: "2020-01-01", Verification: "verified"}},
		{AccountID: "sw-4", EmployerOrgID: "org-2", Certificate: &models.SocialWorkerCertificate{Level: models.CertAssistant, Number: "z", IssuedOn: "2020-01-01", Verification: "verified"}},
	}
	for _, w := range others {
		if err := st.SaveSocialWorker(ctx, w); err != nil {
			t.Fatal(err)
		}
	}
	yes, no := true, false
	cases := []struct {
		name string
		f    parties.SocialWorkerFilter
		want []string
	}{
		{"all", parties.SocialWorkerFilter{}, []string{"sw-1", "sw-2", "sw-3", "sw-4"}},
		{"organisation", parties.SocialWorkerFilter{OrganisationID: "org-1"}, []string{"sw-1", "sw-3"}},
		{"station", parties.SocialWorkerFilter{StationTownCode: "410103001"}, []string{"sw-3"}},
		{"station's county", parties.SocialWorkerFilter{Division: "410102"}, []string{"sw-1"}},
		{"base's county or station's", parties.SocialWorkerFilter{Division: "410103"}, []string{"sw-1", "sw-3"}},
		{"city", parties.SocialWorkerFilter{Division: "4101"}, []string{"sw-1", "sw-3"}},
		{"supervisors", parties.SocialWorkerFilter{Supervisor: &yes}, []string{"sw-1"}},
		{"not supervisors", parties.SocialWorkerFilter{Supervisor: &no}, []string{"sw-2", "sw-3", "sw-4"}},
		{"verified social worker or above", parties.SocialWorkerFilter{MinLevel: models.CertSocialWorker}, []string{"sw-1", "sw-3"}},
		{"verified senior", parties.SocialWorkerFilter{MinLevel: models.CertSenior}, []string{"sw-3"}},
		{"verified assistant or above", parties.SocialWorkerFilter{MinLevel: models.CertAssistant}, []string{"sw-1", "sw-3", "sw-4"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			list, next, err := st.ListSocialWorkers(ctx, c.f, service.Page{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, w := range list {
				ids = append(ids, w.AccountID)
			}
			if !reflect.DeepEqual(ids, c.want) || next != "" {
				t.Errorf("got %v (next %q), want %v", ids, next, c.want)
			}
		})
	}
}

// TestConcurrentVolunteerSaves: 200 profiles saved at once are all kept,
// and paging through a community (or the city) returns each exactly once.
func TestConcurrentVolunteerSaves(t *testing.T) {
	db, _ := storetest.Open(t)
	st := db.Volunteers()
	ctx := context.Background()
	const n = 200
	community := func(i int) string {
		if i%3 == 0 {
			return huaihe
		}
		return bishagang
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := fullVolunteer(fmt.Sprintf("v-%03d", i))
			v.CommunityCode = community(i)
			v.RealNameVerified = i%2 == 0
			v.Availability[5] = uint64(i)
			if err := st.SaveVolunteer(ctx, v); err != nil {
				t.Errorf("save %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	collectAll := func(t *testing.T, f parties.VolunteerFilter) map[string]int {
		t.Helper()
		seen := map[string]int{}
		p := service.Page{Limit: 7}
		for pages := 0; ; pages++ {
			if pages > n {
				t.Fatal("paging does not end")
			}
			list, next, err := st.ListVolunteers(ctx, f, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range list {
				seen[v.AccountID]++
				if v.CommunityCode != community(atoiSuffix(v.AccountID)) || v.Availability[5] != uint64(atoiSuffix(v.AccountID)) {
					t.Errorf("%s: wrong profile back: community %s, grid word %d", v.AccountID, v.CommunityCode, v.Availability[5])
				}
			}
			if next == "" {
				return seen
			}
			p.Cursor = next
		}
	}
	verified := true
	for _, c := range []struct {
		name string
		f    parties.VolunteerFilter
		want func(i int) bool
	}{
		{"碧沙岗", parties.VolunteerFilter{Community: bishagang}, func(i int) bool { return community(i) == bishagang }},
		{"淮河", parties.VolunteerFilter{Community: huaihe}, func(i int) bool { return community(i) == huaihe }},
		{"二七区", parties.VolunteerFilter{Division: "410103"}, func(i int) bool { return community(i) == huaihe }},
		{"city", parties.VolunteerFilter{Division: "4101"}, func(int) bool { return true }},
		{"verified in 碧沙岗", parties.VolunteerFilter{Community: bishagang, Verified: &verified}, func(i int) bool { return community(i) == bishagang && i%2 == 0 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			seen := collectAll(t, c.f)
			want := 0
			for i := range n {
				id := fmt.Sprintf("v-%03d", i)
				switch {
				case c.want(i) && seen[id] != 1:
					t.Errorf("%s listed %d times", id, seen[id])
				case !c.want(i) && seen[id] != 0:
					t.Errorf("%s should not be listed", id)
				}
				if c.want(i) {
					want++
				}
			}
			if len(seen) != want {
				t.Errorf("%d listed, want %d", len(seen), want)
			}
		})
	}
}

func atoiSuffix(id string) int {
	var n int
	_, _ = fmt.Sscanf(id, "v-%d", &n)
	return n
}

// TestIDNumberClaimNamesTheHolder: a conflicting claim is ErrConflict and
// names the holding account (for civil affairs' audit entry); the holder's
// own claim succeeds again, and a released number is free.
func TestIDNumberClaimNamesTheHolder(t *testing.T) {
	db, _ := storetest.Open(t)
	st := db.Volunteers()
	ctx := context.Background()
	if err := st.ClaimIDNumber(ctx, "hash-1", "a-1"); err != nil {
		t.Fatal(err)
	}
	if err := st.ClaimIDNumber(ctx, "hash-1", "a-1"); err != nil {
		t.Fatalf("the holder claims again: %v", err)
	}
	err := st.ClaimIDNumber(ctx, "hash-1", "a-2")
	var held parties.IDNumberHeldBy
	if !errors.Is(err, models.ErrConflict) || !errors.As(err, &held) || held != "a-1" {
		t.Fatalf("a second account: %v (held by %q)", err, held)
	}
	if err := st.ReleaseIDNumber(ctx, "hash-1", "a-2"); err != nil {
		t.Fatal(err)
	}
	if err := st.ClaimIDNumber(ctx, "hash-1", "a-2"); err == nil {
		t.Fatal("a non-holder's release freed the number")
	}
	if err := st.ReleaseIDNumber(ctx, "hash-1", "a-1"); err != nil {
		t.Fatal(err)
	}
	if err := st.ClaimIDNumber(ctx, "hash-1", "a-2"); err != nil {
		t.Fatalf("the released number: %v", err)
	}
}
