// Package demo seeds the demo city: a realistic Zhengzhou — organisations,
// township stations, social workers, volunteers and open needs on the real
// divisions and district outlines — for demos and for trying the service by
// hand.
//
//	wushe seed --demo [--volunteers 5000 ...]   into the data directory or MONGO_URI
//	wushe serve --demo                          the same, at the first start only
//
// Every object has a fixed id (demo-v-00001, demo-org-0001, ...) and every
// account a phone derived from its index, so a second run inserts nothing:
// a unique insert that conflicts means "already there". The city is drawn
// from math/rand/v2 with a fixed seed, one stream per object, so the same
// seed gives the same people (need dates follow the day of seeding).
//
// city.go and data.go draw the city in memory; seed.go inserts it through
// the stores (store/mongo), the way the service would write it.
package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/wushe/wushe/models"
)

// Options sizes the demo city.
type Options struct {
	Volunteers    int
	SocialWorkers int
	Organisations int
	Stations      int
	Needs         int
	Seed          uint64
	Password      string    // of every demo account
	Workers       int       // concurrent inserts
	Now           time.Time // needs start after it; zero is the time of seeding
}

func DefaultOptions() Options {
	return Options{Volunteers: 5000, SocialWorkers: 500, Organisations: 200, Stations: 200, Needs: 1000,
		Seed: 2025, Password: "wushe-demo-2025", Workers: 8}
}

func (o Options) Validate() error {
	towns := len(models.DivisionsAt(models.LevelTown))
	for _, c := range []struct {
		flag      string
		n, lo, hi int
	}{{"volunteers", o.Volunteers, 1, 999_999}, {"social-workers", o.SocialWorkers, 1, 999_999},
		{"organisations", o.Organisations, 2, 99_999}, {"stations", o.Stations, 0, towns},
		{"needs", o.Needs, 1, 999_999}, {"workers", o.Workers, 1, 64}} {
		if c.n < c.lo || c.n > c.hi {
			return fmt.Errorf("seed: --%s must be %d–%d, got %d", c.flag, c.lo, c.hi, c.n)
		}
	}
	if err := models.ValidatePassword("--password", o.Password); err != nil {
		return fmt.Errorf("seed: --password: %w", err)
	}
	return nil
}

// Fixed ids and phones. The city civil-affairs account is created last:
// while it exists the demo city is complete (serve --demo looks for it).
const (
	demoCityAdminID      = "demo-a-city"
	demoCountyAdminID    = "demo-a-county"
	demoCommunityAdminID = "demo-a-community"
	demoOrgAdminID       = "demo-a-org"
	demoCharityAdminID   = "demo-a-charity"
	demoLoginCounty      = "410102" // 中原区: the county admin's, the community admin's and the volunteer login's
)

func demoVolunteerID(i int) string    { return fmt.Sprintf("demo-v-%05d", i) }
func demoVolunteerPhone(i int) string { return fmt.Sprintf("156%08d", i) }
func demoWorkerID(i int) string       { return fmt.Sprintf("demo-sw-%04d", i) }
func demoWorkerPhone(i int) string    { return fmt.Sprintf("1561%07d", i) }
func demoOrgID(i int) string          { return fmt.Sprintf("demo-org-%04d", i) }
func demoNeedID(i int) string         { return fmt.Sprintf("demo-need-%04d", i) }
func demoAdminPhone(i int) string     { return fmt.Sprintf("1569%07d", i) }
func demoContactPhone(i int) string   { return fmt.Sprintf("1567%07d", i) }
func demoGuardianPhone(i int) string  { return fmt.Sprintf("1568%07d", i) }
func demoRand(seed uint64, stream, i int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, uint64(stream)<<32|uint64(i)))
}

// Random streams: object i of a kind draws from its own stream (kind, i),
// so resizing one kind leaves the objects already drawn as they were.
const (
	streamOrgs = iota + 1
	streamOrgKinds
	streamStations
	streamWorkers
	streamVolunteers
	streamNeeds
	streamPastShifts
)
