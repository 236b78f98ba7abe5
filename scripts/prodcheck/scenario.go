package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

const (
	adminPhone    = "13900000000" // the bootstrap city civil-affairs account
	adminPassword = "prodcheck-admin-1"
	password      = "prodcheck-pass-1"
	community     = "410102001002" // 碧沙岗社区居委会, 林山寨街道, 中原区
	// Jobs every few seconds, so a firing lands inside the run.
	jobSchedule = "remind_shifts=@every 3s,expire_invitations=@every 5s"

	committeePhone    = "13700000001"
	orgAdminPhone     = "13700000011"
	charityAdminPhone = "13700000012"
	workerPhone       = "13700000013"
	volunteerPhone    = "13800138000"
)

// needPlace is near 碧沙岗公园; the volunteer lives 300 m away.
var (
	needPlace = map[string]float64{"lat": 34.7535, "lng": 113.6133}
	home      = map[string]float64{"lat": 34.7560, "lng": 113.6150}
	atPlace   = map[string]float64{"lat": 34.7536, "lng": 113.6134}
	shanghai  = time.FixedZone("CST", 8*3600)
)

// world is what the scenario created: tokens and ids.
type world struct {
	civil, committee, volunteer, orgAdmin, charityAdmin, worker string // access tokens
	volunteerID, workerID, agency, charity                      string
	need1, need2, occurrence2, invitation, hoursID              string
	need1Start, need2Start                                      time.Time
	acceptedAt                                                  time.Time
	fund, application                                           string
}

// scenario walks the five parties through both replicas, with the six
// faults in the middle.
func (c *checker) scenario(ctx context.Context) error {
	w := &world{}
	steps := []struct {
		name string
		fn   func(context.Context, *world) error
	}{
		{"civil affairs appoints a committee, two organisations and their people", c.appoint},
		{"a social worker joins the supervisor pool", c.socialWorker},
		{"a volunteer registers with an SMS code from the replica's log", c.registerVolunteer},
		{"the volunteer becomes matchable", c.matchable},
		{"the committee posts two needs and places the volunteer in the sooner one", c.postNeeds},
		{"matches and an invitation", c.invite},
		{"fault 1: Redis killed and restarted empty", c.redisFault},
		{"the volunteer accepts on the other replica", c.accept},
		{"a worker's scheduled job reminds the volunteer of the shift", c.reminder},
		{"fault 2: FerretDB killed and restarted on its port", c.mongoFault},
		{"fault 3: FerretDB frozen (SIGSTOP) under load, then resumed", c.mongoFreeze},
		{"fault 4: Redis frozen (SIGSTOP) under load, then resumed", c.redisFreeze},
		{"check-in; a check-out before the shift starts refused (after it: check-out, hours verified)", c.attendance},
		{"fault 5: an API replica killed under load and started again", c.replicaFault},
		{"fault 6: a worker killed, the other runs the firings; restarted", c.workerFault},
		{"a charity's fund grants an organisation's application", c.grant},
	}
	for _, s := range steps {
		if err := c.do(s.name, func() error { return s.fn(ctx, w) }); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

// login logs phone in on rep and records the login (a login family in
// MongoDB) as a write: its token must keep working.
func (c *checker) login(ctx context.Context, rep *replica, who, phone, pass string) (access, refresh string, err error) {
	r, err := c.want(ctx, rep, 200, "POST", "/v1/auth/login", "", map[string]string{"phone": phone, "password": pass})
	if err != nil {
		return "", "", err
	}
	access, refresh = r.str("accessToken"), r.str("refreshToken")
	if access == "" || refresh == "" {
		return "", "", fmt.Errorf("login %s: no tokens in %s", who, r.short())
	}
	return access, refresh, nil
}

// loginKept is a login whose session stays: recorded, read back through /v1/me.
func (c *checker) loginKept(ctx context.Context, rep *replica, who, phone, pass string) (string, error) {
	access, _, err := c.login(ctx, rep, who, phone, pass)
	if err != nil {
		return "", err
	}
	c.wrote("login of "+who, c.meHas(access, phone))
	return access, nil
}

// meHas reads back an account: GET /v1/me with its token shows its phone.
func (c *checker) meHas(token, phone string) func(context.Context, *replica) error {
	return func(ctx context.Context, rep *replica) error {
		r, err := c.call(ctx, rep, "GET", "/v1/me", token, nil, 10*time.Second)
		if err != nil {
			return err
		}
		if r.Status != 200 || r.str("phone") != phone {
			return fmt.Errorf("GET /v1/me: %s", r.short())
		}
		return nil
	}
}

// hasRole reads back a role binding through the account's own /v1/me.
func (c *checker) hasRole(token *string, role, key, value string) func(context.Context, *replica) error {
	return func(ctx context.Context, rep *replica) error {
		r, err := c.call(ctx, rep, "GET", "/v1/me", *token, nil, 10*time.Second)
		if err != nil {
			return err
		}
		for _, b := range r.list("roles") {
			if b["role"] == role && b[key] == value {
				return nil
			}
		}
		return fmt.Errorf("GET /v1/me has no %s binding with %s %s: %s", role, key, value, r.short())
	}
}

// field reads back an object: GET path with token answers 200 and each
// key (a dotted path of object keys) has the wanted value.
func (c *checker) field(token, path string, want map[string]any) func(context.Context, *replica) error {
	return func(ctx context.Context, rep *replica) error {
		r, err := c.call(ctx, rep, "GET", path, token, nil, 10*time.Second)
		if err != nil {
			return err
		}
		if r.Status != 200 {
			return fmt.Errorf("GET %s: %s", path, r.short())
		}
		for k, v := range want {
			if got := r.at(splitPath(k)...); !same(got, v) {
				return fmt.Errorf("GET %s: %s is %v, want %v", path, k, got, v)
			}
		}
		return nil
	}
}

// same compares a decoded JSON value with a Go value by their JSON text,
// so 1e+06 (float64) equals 1000000 (int).
func same(got, want any) bool {
	a, errA := json.Marshal(got)
	b, errB := json.Marshal(want)
	return errA == nil && errB == nil && string(a) == string(b)
}

// listHas reads back a list member: GET path (one page) has an item whose
// key equals value, and whose other fields, if given, match.
func (c *checker) listHas(token, path, listKey, key, value string, want map[string]any) func(context.Context, *replica) error {
	return func(ctx context.Context, rep *replica) error {
		r, err := c.call(ctx, rep, "GET", path, token, nil, 10*time.Second)
		if err != nil {
			return err
		}
		if r.Status != 200 {
			return fmt.Errorf("GET %s: %s", path, r.short())
		}
		for _, it := range r.list(listKey) {
			if fmt.Sprint(it[key]) != value {
				continue
			}
			for k, v := range want {
				if !same(it[k], v) {
					return fmt.Errorf("GET %s: item %s has %s %v, want %v", path, value, k, it[k], v)
				}
			}
			return nil
		}
		return fmt.Errorf("GET %s: no item with %s %s", path, key, value)
	}
}

func splitPath(k string) []string {
	var out []string
	start := 0
	for i := range len(k) {
		if k[i] == '.' {
			out = append(out, k[start:i])
			start = i + 1
		}
	}
	return append(out, k[start:])
}
