// Package store wires the service's stores from the two databases: every
// MongoDB-backed store from one *mongo.DB, and the Redis-backed caches,
// limits and codes from one *redis.Client. One function, used by the
// server, the worker and the tests, so that none of them forgets a store.
package store

import (
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/store/mongo"
	"github.com/wushe/wushe/store/redis"
)

// Stores is every store of the service. Locks, revocation, money and every
// outcome live in MongoDB; Redis holds caches (token gates, leaderboards),
// rate limits, short-lived codes and the bus, all of which may be lost.
func Stores(db *mongo.DB, rc *redis.Client) service.Stores {
	return service.Stores{
		Accounts: db.Accounts(), Sessions: db.Sessions(), AccountChanges: db.Accounts(), Logins: db.Sessions(),
		PersonalData: db.PersonalData(), Locker: db.Locks(), Mongo: db,
		Organisations: db.Organisations(), Complaints: db.Complaints(), Stations: db.Stations(),
		Transitions: db.Records(), Audit: db.Records(),
		Volunteers: db.Volunteers(), SocialWorkers: db.SocialWorkers(),
		Needs: db.Needs(), Plans: db.Plans(), Invitations: db.Invitations(), Batches: db.Batches(), Hours: db.Hours(),
		ServiceRecords: db.ServiceRecords(), Pathway: db.Pathway(), Supervision: db.Supervision(), Funds: db.Funds(),
		Applications: db.Applications(), Notifications: db.Notifications(), Competitions: db.Competitions(), Dashboard: db.Dashboard(),
		RoleOffers: db.RoleOffers(), IndexFeed: db.IndexFeed(), Posts: db.Posts(),
		Evaluations: db.Recognition(), Incubation: db.Recognition(), Commendations: db.Recognition(),

		Redis: rc, Limiter: rc, Codes: rc, TokenGates: rc, Leaderboard: rc.Leaderboards(), Bus: rc,
	}
}
