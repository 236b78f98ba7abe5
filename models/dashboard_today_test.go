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
	if f := c.Figure(); f.HoursVerified != 3 || f.Records != 2 || !f.Since.Equal(snap) {
		t.Fatalf("figure %+v, want 3 h (2 + 2.5 − 1.5) over 2 records", f)
	}
	city := NewTodayCounter(CityCode, snap)
	city.Add(rec("o1", "v1", 1, 2, zy, after))
	city.Add(rec("o3", "v2", 1, 4, eq, after))
	if f := city.Figure(); f.HoursVerified != 6 || f.Records != 2 {
		t.Fatalf("the city's figure %+v, want 6 h over 2 records", f)
	}
}
