package handlers_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/storefault"
)

// grantRetryWorld is a fund world whose stores fail on demand, with one
// roomy fund and the project's supervising social worker.
type grantRetryWorld struct {
	*fundWorld
	f           *storefault.Faults
	fundID      string
	swID, swTok string
	seq         int
}

// retryGrantFen is what each application asks and is granted: 40% / 60%
// tranches of 4,000 and 6,000 fen.
const retryGrantFen = 10_000

func newGrantRetryWorld(t *testing.T) *grantRetryWorld {
	t.Helper()
	w := &grantRetryWorld{}
	w.fundWorld = newFundWorld(t, withFaults(&w.f))
	w.swID, w.swTok = w.supervisor(t, "13100000041")
	w.fundID = w.fund(t, w.charityAdminA, fundBody(w.charityA, 1000*retryGrantFen, 1000, retryGrantFen, ""))
	return w
}

// application prepares a submitted application in the store (the flows
// swept here start from it).
func (w *grantRetryWorld) application(t *testing.T) string {
	t.Helper()
	w.seq++
	now := time.Now().UTC()
	a := &models.Application{ID: fmt.Sprintf("retry-app-%03d", w.seq), OrganisationID: w.orgA, FundID: w.fundID, Title: "独居老人关爱行动",
		Status: models.AppSubmitted, RequestedFen: retryGrantFen, SupervisorID: w.swID, CreatedAt: now, UpdatedAt: now, SubmittedAt: &now,
		Milestones: []models.Milestone{{Name: "需求评估与建档", Due: "2027-03-01", TranchePercent: 40}, {Name: "探访服务与总结", Due: "2027-09-01", TranchePercent: 60}}}
	if err := w.h.db.Applications().CreateApplication(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// ok posts through the API and requires status want.
func (w *grantRetryWorld) ok(t *testing.T, want int, method, path, body, tok string) {
	t.Helper()
	if r := w.h.do(method, path, body, bearerHeader(tok)...); r.Status != want {
		t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Raw)
	}
}

// approved prepares an application approved for retryGrantFen.
func (w *grantRetryWorld) approved(t *testing.T) string {
	t.Helper()
	app := w.application(t)
	w.ok(t, 200, "POST", "/v1/applications/"+app+"/decision", fmt.Sprintf(`{"decision":"approve","amountFen":%d}`, retryGrantFen), w.charityAdminA)
	return app
}

func (w *grantRetryWorld) report(t *testing.T, app string, m int) {
	t.Helper()
	w.ok(t, 201, "POST", fmt.Sprintf("/v1/applications/%s/milestones/%d/report", app, m), `{"report":"已完成 40 户独居老人需求评估并建档"}`, w.adminA)
}

func (w *grantRetryWorld) verify(t *testing.T, app string, m int) {
	t.Helper()
	w.ok(t, 200, "POST", fmt.Sprintf("/v1/applications/%s/milestones/%d/verification", app, m), `{"note":"抽查 5 户，属实"}`, w.swTok)
}

func (w *grantRetryWorld) stored(t *testing.T, app string) *models.Application {
	t.Helper()
	a, err := w.h.db.Applications().Application(context.Background(), app)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// entries lists the fund's ledger entries of kind whose ref is app.
func (w *grantRetryWorld) entries(t *testing.T, app string, kind models.LedgerKind) []*models.LedgerEntry {
	t.Helper()
	var out []*models.LedgerEntry
	for after := 0; ; {
		page, err := w.h.db.Funds().Entries(context.Background(), w.fundID, after, 500)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return out
		}
		for _, e := range page {
			if e.Ref == app && e.Kind == kind {
				out = append(out, e)
			}
		}
		after = page[len(page)-1].Seq
	}
}

// reconciled requires the fund's ledger to reconcile.
func (w *grantRetryWorld) reconciled(t *testing.T) {
	t.Helper()
	if r := w.h.do("GET", "/v1/funds/"+w.fundID+"/reconciliation", "", bearerHeader(w.charityAdminA)...); r.Status != 200 || r.Body["ok"] != true {
		t.Fatalf("reconciliation: %d %s", r.Status, r.Raw)
	}
}

// isApproved: the application is approved for amount, granted once on
// the ledger, and its grant document agrees.
func (w *grantRetryWorld) isApproved(t *testing.T, app string, amount int64) {
	t.Helper()
	a := w.stored(t, app)
	if a.Status != models.AppApproved || a.GrantedFen != amount || a.DecidedBy == "" || a.DecidedAt == nil {
		t.Fatalf("%s: status %s, granted %d, decided by %q", app, a.Status, a.GrantedFen, a.DecidedBy)
	}
	es := w.entries(t, app, models.LedgerGrant)
	if len(es) != 1 || es[0].AmountFen != amount {
		t.Fatalf("%s: %d grant entries on the ledger, want one of %d", app, len(es), amount)
	}
	g, err := w.h.db.Applications().Grant(context.Background(), app)
	if err != nil || g.AmountFen != amount || g.LedgerSeq != es[0].Seq {
		t.Fatalf("%s: grant %+v (%v), ledger seq %d", app, g, err, es[0].Seq)
	}
	w.reconciled(t)
}

// isRejected: the application is rejected with its reason, and nothing
// was granted.
func (w *grantRetryWorld) isRejected(t *testing.T, app string) {
	t.Helper()
	a := w.stored(t, app)
	if a.Status != models.AppRejected || a.DecisionNote == "" || a.DecidedBy == "" || a.GrantedFen != 0 {
		t.Fatalf("%s: status %s, note %q, granted %d", app, a.Status, a.DecisionNote, a.GrantedFen)
	}
	if es := w.entries(t, app, models.LedgerGrant); len(es) != 0 {
		t.Fatalf("%s: rejected but %d grant entries on the ledger", app, len(es))
	}
	if _, err := w.h.db.Applications().Grant(context.Background(), app); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("%s: rejected but a grant document: %v", app, err)
	}
	w.reconciled(t)
}

const (
	approveBody = `{"decision":"approve","amountFen":10000}`
	rejectBody  = `{"decision":"reject","reason":"预算不合理，请调整后再申请"}`
)

// TestRetriesApplicationDecision fails every store call of a decision in
// turn: a retry approves or rejects exactly once, and a decision whose
// carrying-out failed never leaves the application undecidable.
func TestRetriesApplicationDecision(t *testing.T) {
	w := newGrantRetryWorld(t)
	decide := func(app, body string, headers ...string) response {
		return w.h.do("POST", "/v1/applications/"+app+"/decision", body, append(bearerHeader(w.charityAdminA), headers...)...)
	}
	t.Run("approve with Idempotency-Key", func(t *testing.T) {
		sweep(t, w.f, retryCase{
			setup: func(t *testing.T) any { return w.application(t) },
			act: func(t *testing.T, app any) response {
				return decide(app.(string), approveBody, "Idempotency-Key", "approve-"+app.(string))
			},
			done:  func(r response) bool { return r.Status == 200 && r.str("status") == "approved" },
			check: func(t *testing.T, app any) { w.isApproved(t, app.(string), retryGrantFen) },
		})
	})
	t.Run("approve without a key", func(t *testing.T) {
		var cur string
		sweep(t, w.f, retryCase{
			setup: func(t *testing.T) any { cur = w.application(t); return cur },
			act:   func(t *testing.T, app any) response { return decide(app.(string), approveBody) },
			// Without a key a repeat on a decided application is a
			// conflict (it cannot be told from a second decision): it
			// is done when the application holds this approval.
			done: func(r response) bool {
				return r.Status == 200 && r.str("status") == "approved" ||
					r.Status == 409 && w.stored(t, cur).Status == models.AppApproved
			},
			check: func(t *testing.T, app any) { w.isApproved(t, app.(string), retryGrantFen) },
		})
	})
	t.Run("reject", func(t *testing.T) {
		var cur string
		sweep(t, w.f, retryCase{
			setup: func(t *testing.T) any { cur = w.application(t); return cur },
			act:   func(t *testing.T, app any) response { return decide(app.(string), rejectBody) },
			done: func(r response) bool {
				return r.Status == 200 && r.str("status") == "rejected" ||
					r.Status == 409 && w.stored(t, cur).Status == models.AppRejected
			},
			check: func(t *testing.T, app any) { w.isRejected(t, app.(string)) },
		})
	})
	// A failed approval followed by someone else's rejection: the
	// rejection either finds nothing claimed and rejects, or carries the
	// claimed approval out (and is refused); never "decided" with
	// nothing done.
	t.Run("approve, then another decision", func(t *testing.T) {
		var cur string
		var attempts int
		sweep(t, w.f, retryCase{
			setup: func(t *testing.T) any { cur, attempts = w.application(t), 0; return cur },
			act: func(t *testing.T, app any) response {
				attempts++
				if attempts == 1 {
					return decide(app.(string), approveBody, "Idempotency-Key", "approve-"+app.(string))
				}
				return decide(app.(string), rejectBody)
			},
			done: func(r response) bool {
				return r.Status == 200 || r.Status == 409 && w.stored(t, cur).Status.Decided()
			},
			check: func(t *testing.T, app any) {
				if w.stored(t, app.(string)).Status == models.AppApproved {
					w.isApproved(t, app.(string), retryGrantFen)
				} else {
					w.isRejected(t, app.(string))
				}
			},
		})
	})
	// A withdrawal after a failed approval settles the claimed approval
	// first: an application whose money is on the ledger is not withdrawn.
	t.Run("approve, then a withdrawal", func(t *testing.T) {
		var cur string
		var attempts int
		sweep(t, w.f, retryCase{
			setup: func(t *testing.T) any { cur, attempts = w.application(t), 0; return cur },
			act: func(t *testing.T, app any) response {
				attempts++
				if attempts == 1 {
					return decide(app.(string), approveBody)
				}
				return w.h.do("POST", "/v1/applications/"+app.(string)+"/withdrawal", "", bearerHeader(w.adminA)...)
			},
			done: func(r response) bool {
				s := w.stored(t, cur).Status
				return r.Status == 200 && (s == models.AppApproved || s == models.AppWithdrawn) || r.Status == 409 && s == models.AppApproved
			},
			check: func(t *testing.T, app any) {
				if w.stored(t, app.(string)).Status == models.AppApproved {
					w.isApproved(t, app.(string), retryGrantFen)
					return
				}
				if es := w.entries(t, app.(string), models.LedgerGrant); len(es) != 0 {
					t.Fatalf("withdrawn with %d grant entries on the ledger", len(es))
				}
			},
		})
	})
}

// TestRetriesTranches fails every store call of a milestone report, its
// verification and the tranche's release in turn: each step is recorded
// once, the application's status follows it, and the tranche is paid once.
func TestRetriesTranches(t *testing.T) {
	w := newGrantRetryWorld(t)
	milestone := func(app string, m int, step string) string {
		return fmt.Sprintf("/v1/applications/%s/milestones/%d/%s", app, m, step)
	}
	steps := func(t *testing.T, app string) map[string]int {
		t.Helper()
		sts, err := w.h.db.Applications().Steps(context.Background(), app)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, st := range sts {
			out[fmt.Sprintf("%s%d", st.Step, st.Milestone)]++
		}
		return out
	}
	t.Run("report", func(t *testing.T) {
		sweep(t, w.f, retryCase{
			setup: func(t *testing.T) any { return w.approved(t) },
			act: func(t *testing.T, app any) response {
				return w.h.do("POST", milestone(app.(string), 0, "report"), `{"report":"已完成 40 户独居老人需求评估并建档"}`, bearerHeader(w.adminA)...)
			},
			done: func(r response) bool { return r.Status == 201 },
			check: func(t *testing.T, app any) {
				if st := steps(t, app.(string)); st["report0"] != 1 || len(st) != 1 {
					t.Fatalf("steps: %v", st)
				}
				if s := w.stored(t, app.(string)).Status; s != models.AppRunning {
					t.Fatalf("reported but %s", s)
				}
			},
		})
	})
	t.Run("verify the last milestone", func(t *testing.T) {
		sweep(t, w.f, retryCase{
			setup: func(t *testing.T) any {
				app := w.approved(t)
				w.report(t, app, 0)
				w.report(t, app, 1)
				w.verify(t, app, 0)
				return app
			},
			act: func(t *testing.T, app any) response {
				return w.h.do("POST", milestone(app.(string), 1, "verification"), `{"note":"结项材料齐全"}`, bearerHeader(w.swTok)...)
			},
			done: func(r response) bool { return r.Status == 200 },
			check: func(t *testing.T, app any) {
				if st := steps(t, app.(string)); st["verify1"] != 1 || st["verify0"] != 1 {
					t.Fatalf("steps: %v", st)
				}
				if s := w.stored(t, app.(string)).Status; s != models.AppCompleted {
					t.Fatalf("every milestone verified but %s", s)
				}
			},
		})
	})
}

// TestRetriesTrancheRelease fails every store call of a tranche's release
// in turn, with and without an Idempotency-Key: the tranche is paid once
// and its release step names the ledger entry.
func TestRetriesTrancheRelease(t *testing.T) {
	w := newGrantRetryWorld(t)
	for _, key := range []bool{true, false} {
		t.Run(fmt.Sprintf("key %v", key), func(t *testing.T) {
			sweep(t, w.f, retryCase{
				setup: func(t *testing.T) any {
					app := w.approved(t)
					w.report(t, app, 0)
					w.verify(t, app, 0)
					return app
				},
				act: func(t *testing.T, app any) response {
					h := bearerHeader(w.charityAdminA)
					if key {
						h = append(h, "Idempotency-Key", "release-"+app.(string))
					}
					return w.h.do("POST", fmt.Sprintf("/v1/applications/%s/milestones/0/release", app.(string)), "", h...)
				},
				done: func(r response) bool { return r.Status == 200 && r.num("paidFen") == 4000 },
				check: func(t *testing.T, app any) {
					es := w.entries(t, app.(string), models.LedgerTranche)
					if len(es) != 1 || es[0].AmountFen != 4000 {
						t.Fatalf("%d tranche entries on the ledger, want one of 4000", len(es))
					}
					sts, err := w.h.db.Applications().Steps(context.Background(), app.(string))
					if err != nil {
						t.Fatal(err)
					}
					released := 0
					for _, st := range sts {
						if st.Step == models.StepRelease {
							released++
							if st.LedgerSeq != es[0].Seq || st.AmountFen != 4000 {
								t.Fatalf("release step %+v, ledger seq %d", st, es[0].Seq)
							}
						}
					}
					if released != 1 {
						t.Fatalf("%d release steps", released)
					}
					w.reconciled(t)
				},
			})
		})
	}
}

// TestPendingDecisionClaimIsSettled: a decision claimed by an attempt that
// died before carrying it out is settled by whoever comes next: carried
// out when the fund covers it, released (and the application decided by
// the newcomer) when it does not; a withdrawal settles it first.
func TestPendingDecisionClaimIsSettled(t *testing.T) {
	w := newGrantRetryWorld(t)
	ctx := context.Background()
	pending := func(t *testing.T, app string, amount int64) {
		t.Helper()
		c := &models.DecisionClaim{ApplicationID: app, Approve: true, AmountFen: amount, By: "someone", At: time.Now().UTC().Truncate(time.Millisecond)}
		if err := w.h.db.Applications().ClaimDecision(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	decide := func(app, body string) response {
		return w.h.do("POST", "/v1/applications/"+app+"/decision", body, bearerHeader(w.charityAdminA)...)
	}
	// A pending approval the fund covers: a rejection carries it out and is refused.
	app := w.application(t)
	pending(t, app, retryGrantFen)
	if r := decide(app, rejectBody); r.Status != 409 {
		t.Fatalf("reject over a pending approval: %d %s", r.Status, r.Raw)
	}
	w.isApproved(t, app, retryGrantFen)
	// The same approval without a key is answered as its replay.
	app = w.application(t)
	pending(t, app, retryGrantFen)
	if r := decide(app, approveBody); r.Status != 200 || r.Body["replayed"] != true {
		t.Fatalf("the pending approval repeated: %d %s", r.Status, r.Raw)
	}
	w.isApproved(t, app, retryGrantFen)
	// A withdrawal over a pending approval the fund covers: refused, the approval made.
	app = w.application(t)
	pending(t, app, retryGrantFen)
	if r := w.h.do("POST", "/v1/applications/"+app+"/withdrawal", "", bearerHeader(w.adminA)...); r.Status != 409 {
		t.Fatalf("withdraw over a pending approval: %d %s", r.Status, r.Raw)
	}
	w.isApproved(t, app, retryGrantFen)

	// A pending approval the fund cannot cover is released: the newcomer decides.
	small := w.fund(t, w.charityAdminA, fundBody(w.charityA, 5000, 1000, 5000, ""))
	w.fundID = small
	for _, c := range []struct {
		name, body string
		status     models.ApplicationStatus
	}{
		{"reject", rejectBody, models.AppRejected},
		{"approve for less", `{"decision":"approve","amountFen":5000}`, models.AppApproved},
	} {
		app := w.application(t)
		pending(t, app, retryGrantFen)
		if r := decide(app, c.body); r.Status != 200 || r.Body["replayed"] == true {
			t.Fatalf("%s over an approval the fund cannot cover: %d %s", c.name, r.Status, r.Raw)
		}
		if a := w.stored(t, app); a.Status != c.status || a.DecidedBy == "someone" {
			t.Fatalf("%s: %s by %s", c.name, a.Status, a.DecidedBy)
		}
	}
	w.reconciled(t)
	app = w.application(t)
	pending(t, app, retryGrantFen)
	if r := w.h.do("POST", "/v1/applications/"+app+"/withdrawal", "", bearerHeader(w.adminA)...); r.Status != 200 || r.str("status") != "withdrawn" {
		t.Fatalf("withdraw over an approval the fund cannot cover: %d %s", r.Status, r.Raw)
	}
	if _, err := w.h.db.Applications().Decision(ctx, app); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("the claim of a withdrawn application: %v", err)
	}
}
