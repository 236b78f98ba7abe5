package models

import (
	"testing"
	"time"
)

func TestTodayCounterNetOfWhatTheSnapshotCounted(t *testing.T) {
	snap := time.Date(2026, 12, 5, 0, 5, 0, 0, time.UTC)
	before, after := snap.Add(-time.Hour), snap.Add(time.Hour)
	rec := func(occ, vol string, version int, hours float64, community string, verified time.Time) *HoursRecord {
		return &HoursRecord{OccurrenceID: occ, VolunteerID: vol, Version: version, Hours: hours, CommunityCode: community,
			Status: HoursVerified, VerifiedAt: &verified, CreatedAt: before.Add(-48 * time.Hour)}
	}
	const zy, eq = "410102007002", "410103001001" // 中原区, 二七区 communities
	c := NewTodayCounter("410102", snap)
	for _, r := range []*HoursRecord{
		rec("o1", "v1", 1, 2, zy, after),   // new since: +2
		rec("o2", "v1", 3, 2.5, zy, after), // a revision: +2.5 − 1.5 (v1 counted; v2 rejected)
		rec("o2", "v1", 2, 9, zy, after),   // an older version seen since: the highest wins
		rec("o3", "v2", 1, 4, eq, after),   // another district
		rec("o4", "v2", 1, 3, zy, before),  // verified before the snapshot: counted there
		{OccurrenceID: "o5", VolunteerID: "v3", Version: 1, Hours: 1, CommunityCode: zy, Status: HoursRejected, VerifiedAt: &after},
	} {
		c.Add(r)
	}
	if got := c.Revised(); len(got) != 1 || got[0] != "o2" {
		t.Fatalf("revised %v, want [o2]", got)
	}
	rejected := rec("o2", "v1", 2, 9, zy, before)
	rejected.Status = HoursRejected
	for _, r := range []*HoursRecord{rec("o2", "v1", 1, 1.5, zy, before), rejected, rec("o2", "v9", 1, 7, zy, before)} {
		c.AddEarlier(r)
	}
	if f := c.Figure(); f.HoursVerified() != 3 || f.Records != 2 || !f.Since.Equal(snap) {
		t.Fatalf("figure %+v, want 3 h (2 + 2.5 − 1.5) over 2 records", f)
	}
	city := NewTodayCounter(CityCode, snap)
	city.Add(rec("o1", "v1", 1, 2, zy, after))
	city.Add(rec("o3", "v2", 1, 4, eq, after))
	if f := city.Figure(); f.HoursVerified() != 6 || f.TotalHours(150) != 7.5 || f.Records != 2 {
		t.Fatalf("the city's figure %+v, want 6 h over 2 records", f)
	}
}

// TestSnapshotAndTodayCountAVerificationOnce: hours verified while a
// snapshot is being counted (after its time) belong to today, never to both;
// a revision verified then counts its change from the version the snapshot kept.
func TestSnapshotAndTodayCountAVerificationOnce(t *testing.T) {
	at := time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC)
	before, during := at.Add(-time.Minute), at.Add(300*time.Millisecond)
	const zy = "410102007002"
	v1 := &HoursRecord{OccurrenceID: "o1", VolunteerID: "v1", Version: 1, Hours: 2, CommunityCode: zy, Status: HoursVerified, VerifiedAt: &before, CreatedAt: before.Add(-72 * time.Hour)}
	v2 := &HoursRecord{OccurrenceID: "o1", VolunteerID: "v1", Version: 2, Hours: 3, CommunityCode: zy, Status: HoursVerified, VerifiedAt: &during, CreatedAt: before.Add(-72 * time.Hour)}
	fresh := &HoursRecord{OccurrenceID: "o2", VolunteerID: "v2", Version: 1, Hours: 1.5, CommunityCode: zy, Status: HoursVerified, VerifiedAt: &during, CreatedAt: before.Add(-72 * time.Hour)}
	b := NewDashboardBuilder(at)
	for _, r := range []*HoursRecord{v1, v2, fresh} {
		b.AddHoursRecord(r)
	}
	snap := b.Snapshot()
	view, err := snap.View(CityCode)
	if err != nil {
		t.Fatal(err)
	}
	if got := view.Total.Figures.HoursHundredths; got != 200 {
		t.Fatalf("the snapshot counts %d hundredths, want 200 (v1 only: v2 and the fresh record came after its time)", got)
	}
	c := NewTodayCounter(CityCode, snap.TakenAt)
	c.Add(v2)
	c.Add(fresh)
	c.AddEarlier(v1)
	if total := c.Figure().TotalHours(view.Total.Figures.HoursHundredths); total != 4.5 {
		t.Fatalf("snapshot + today = %v h, want 4.5 (v2's 3 h and the fresh 1.5 h, each once)", total)
	}
}
