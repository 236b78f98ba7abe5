package models

import "time"

// DashboardToday is what was verified after the dashboard's snapshot was
// taken, read live: the snapshot is daily, and a clerk who verified hours
// this morning must see them today (issue 19). Hours are net of what the
// snapshot already counted: a revision verified since counts its change
// from the version the snapshot counted (the rule of the signed service
// record: only the highest verified version of a record counts).
type DashboardToday struct {
	Since      time.Time // the snapshot's time
	Hundredths int64     // net hours verified since, in the scope, × 100 (exact sums)
	Records    int       // records (occurrence and volunteer) verified since
}

// HoursVerified is the net hours verified since the snapshot.
func (t DashboardToday) HoursVerified() float64 { return float64(t.Hundredths) / 100 }

// TotalHours is the snapshot's verified hours of the scope (in hundredths) plus today's.
func (t DashboardToday) TotalHours(snapshotHundredths int64) float64 {
	return float64(snapshotHundredths+t.Hundredths) / 100
}

// TodayCounter folds the hours verified since a snapshot into the scope's
// figure. Feed it every version verified since (Add), then, for the
// records that are revisions, their earlier verified versions (AddEarlier;
// Revised names their occurrences), then read Figure.
type TodayCounter struct {
	division string
	since    time.Time
	newest   map[hoursKey]*HoursRecord // the highest version verified since
	counted  map[hoursKey]*HoursRecord // the highest version verified before since: what the snapshot counted
}

// NewTodayCounter counts for division (the city 4101 or a district) since t.
func NewTodayCounter(division string, since time.Time) *TodayCounter {
	return &TodayCounter{division: division, since: since, newest: map[hoursKey]*HoursRecord{}, counted: map[hoursKey]*HoursRecord{}}
}

func (c *TodayCounter) inScope(r *HoursRecord) bool {
	return c.division == CityCode || DistrictOf(r.CommunityCode) == c.division
}

// Add takes a version verified at or after since.
func (c *TodayCounter) Add(r *HoursRecord) {
	if r.Status != HoursVerified || r.VerifiedAt == nil || r.VerifiedAt.Before(c.since) || r.BeforeItsOccurrence() || !c.inScope(r) {
		return
	}
	k := hoursKey{r.OccurrenceID, r.VolunteerID}
	if cur, ok := c.newest[k]; !ok || r.Version > cur.Version {
		c.newest[k] = r
	}
}

// Revised lists the occurrences of the records verified since whose
// version is not the first: their earlier verified versions decide what
// the snapshot counted.
func (c *TodayCounter) Revised() []string {
	seen := map[string]bool{}
	var out []string
	for k, r := range c.newest {
		if r.Version > 1 && !seen[k.occurrence] {
			seen[k.occurrence] = true
			out = append(out, k.occurrence)
		}
	}
	return out
}

// AddEarlier takes any verified version of a revised record's occurrence;
// it keeps, per record, the highest one verified before since.
func (c *TodayCounter) AddEarlier(r *HoursRecord) {
	k := hoursKey{r.OccurrenceID, r.VolunteerID}
	n, ok := c.newest[k]
	if !ok || r.Status != HoursVerified || r.VerifiedAt == nil || !r.VerifiedAt.Before(c.since) || r.Version >= n.Version || r.BeforeItsOccurrence() {
		return
	}
	if cur, ok := c.counted[k]; !ok || r.Version > cur.Version {
		c.counted[k] = r
	}
}

// Figure is the net hours and the records verified since.
func (c *TodayCounter) Figure() DashboardToday {
	var net int64
	for k, r := range c.newest {
		net += hundredths(r.Hours)
		if old, ok := c.counted[k]; ok {
			net -= hundredths(old.Hours)
		}
	}
	return DashboardToday{Since: c.since, Hundredths: net, Records: len(c.newest)}
}
