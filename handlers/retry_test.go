package handlers_test

import (
	"strings"
	"testing"

	"github.com/wushe/wushe/service/storefault"
)

// withFaults wraps every store in a storefault wrapper and hands its
// driver to *f.
func withFaults(f **storefault.Faults) harnessOpt {
	return func(s *harnessSetup) {
		*s.stores, *f = storefault.Wrap(*s.stores)
	}
}

// retryCase is one multi-step write whose every store call is failed in
// turn by sweep.
type retryCase struct {
	// setup makes a fresh object to act on (faults disarmed) and returns
	// what act and check need.
	setup func(t *testing.T) any
	// act makes one attempt of the write.
	act func(t *testing.T, state any) response
	// done tells whether an attempt's answer completes the write (a
	// retry may find it completed by the failed attempt: say which
	// answers mean that).
	done func(r response) bool
	// check asserts the invariants once the write completed: nothing
	// doubled, nothing lost, nothing half-done.
	check func(t *testing.T, state any)
}

// maxRetries bounds the retries after a failed attempt: a write that needs
// more is not "retried to completion".
const maxRetries = 3

// sweep fails the 1st, 2nd, … store call of c's write, before the call and
// after it took effect, until the write makes fewer calls than n; after
// each failure the write is retried (faults off) until done, and checked.
// A failed attempt must answer 503 with Retry-After (or complete: a
// failure the service may absorb, such as an audit write, is logged).
func sweep(t *testing.T, f *storefault.Faults, c retryCase) {
	t.Helper()
	for _, mode := range []storefault.Mode{storefault.Before, storefault.After} {
		for n := 1; ; n++ {
			f.Disarm()
			state := c.setup(t)
			f.Arm(n, mode)
			r := c.act(t, state)
			failed, ops := f.Failed(), f.Ops()
			f.Disarm()
			if failed == "" {
				if !c.done(r) {
					t.Fatalf("%s: without a failure the write did not complete: %d %s", mode, r.Status, r.Raw)
				}
				c.check(t, state)
				t.Logf("%s: %d store calls failed in turn", mode, n-1)
				break
			}
			if !c.done(r) && (r.Status != 503 || r.Header.Get("Retry-After") == "") {
				t.Fatalf("%s call %d (%s) failed: want 503 with Retry-After, got %d %s\ncalls: %s",
					mode, n, failed, r.Status, r.Raw, strings.Join(ops, " "))
			}
			for i := 0; !c.done(r); i++ {
				if i == maxRetries {
					t.Fatalf("%s call %d (%s) failed: %d retries did not complete the write: %d %s\ncalls: %s",
						mode, n, failed, maxRetries, r.Status, r.Raw, strings.Join(ops, " "))
				}
				r = c.act(t, state)
				// A retry that does not complete must still invite one
				// more: a client gives up on any other answer (a 409
				// "changed by someone else" for a write half made by
				// its own earlier attempt, say).
				if !c.done(r) && (r.Status != 503 || r.Header.Get("Retry-After") == "") {
					t.Fatalf("%s call %d (%s) failed: retry %d answered %d %s\ncalls: %s",
						mode, n, failed, i+1, r.Status, r.Raw, strings.Join(ops, " "))
				}
			}
			c.check(t, state)
		}
	}
}
