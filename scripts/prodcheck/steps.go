package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/wushe/wushe/models"
)

// The scenario's steps, in the order scenario runs them: appoint the
// parties, register and place a volunteer, attend, grant.

// creditCode is a unified social credit code with a valid check character.
func creditCode(serial int) string {
	first := fmt.Sprintf("52410102MJ%07d", serial)
	ch, err := models.CreditCodeCheckChar(first)
	if err != nil {
		panic(err)
	}
	return first + string(ch)
}

func (c *checker) appoint(ctx context.Context, w *world) error {
	var err error
	if w.civil, err = c.loginKept(ctx, c.next(), "civil affairs (bootstrap)", adminPhone, adminPassword); err != nil {
		return err
	}
	grant := func(who, phone string, body map[string]any, token *string, key, value string) error {
		body["phone"], body["password"], body["name"] = phone, password, who
		if _, err := c.want(ctx, c.next(), 201, "POST", "/v1/accounts", w.civil, body); err != nil {
			return err
		}
		if *token, err = c.loginKept(ctx, c.next(), who, phone, password); err != nil {
			return err
		}
		c.wrote("account of "+who, c.hasRole(token, body["role"].(string), key, value))
		return nil
	}
	if err := grant("碧沙岗社区书记", committeePhone, map[string]any{"role": "community_admin", "communityCode": community},
		&w.committee, "communityCode", community); err != nil {
		return err
	}
	if err := c.codeLogins(ctx); err != nil {
		return err
	}
	org := func(name, kind string, serial int) (string, error) {
		r, err := c.want(ctx, c.next(), 201, "POST", "/v1/organisations", w.civil, map[string]any{"name": name, "kind": kind,
			"creditCode": creditCode(serial), "domains": []string{"social_welfare"}, "divisionCode": "410102",
			"contactPhone": "13512345678", "status": "active"})
		if err != nil {
			return "", err
		}
		id := r.str("id")
		c.wrote("organisation "+name, c.field(w.civil, "/v1/organisations/"+id, map[string]any{"name": name, "kind": kind, "status": "active"}))
		return id, nil
	}
	if w.agency, err = org("郑州市中原区阳光社会工作服务中心", "social_work_agency", 1); err != nil {
		return err
	}
	if w.charity, err = org("郑州市中原区仁爱慈善会", "charity_organisation", 2); err != nil {
		return err
	}
	if err := grant("阳光社工中心主任", orgAdminPhone, map[string]any{"role": "org_admin", "organisationId": w.agency},
		&w.orgAdmin, "organisationId", w.agency); err != nil {
		return err
	}
	if err := grant("仁爱慈善会秘书长", charityAdminPhone, map[string]any{"role": "charity_admin", "organisationId": w.charity},
		&w.charityAdmin, "organisationId", w.charity); err != nil {
		return err
	}
	return grant("李社工", workerPhone, map[string]any{"role": "social_worker", "organisationId": w.agency},
		&w.worker, "organisationId", w.agency)
}

func (c *checker) socialWorker(ctx context.Context, w *world) error {
	r, err := c.want(ctx, c.next(), 200, "PUT", "/v1/me/social-worker-profile", w.worker, map[string]any{
		"certificate": map[string]any{"level": "social_worker", "number": "SW2021-0001", "issuedOn": "2021-06-01"},
		"post":        map[string]any{"level": "social_worker", "grade": 3}, "domains": []string{"social_welfare"}})
	if err != nil {
		return err
	}
	w.workerID = r.str("accountId")
	c.wrote("social-worker profile", c.field(w.worker, "/v1/me/social-worker-profile", map[string]any{"certificate.number": "SW2021-0001"}))
	if _, err := c.want(ctx, c.next(), 200, "POST", "/v1/social-workers/"+w.workerID+"/certificate-verification", w.civil,
		map[string]any{"decision": "verified", "note": "核验原件"}); err != nil {
		return err
	}
	c.wrote("certificate verified", c.field(w.civil, "/v1/social-workers/"+w.workerID, map[string]any{"certificate.verification": "verified"}))
	// A supervisor comes from the front line: four years at the agency, confirmed by its admin.
	start := time.Now().AddDate(-4, 0, 0).Format("2006-01-02")
	if _, err := c.want(ctx, c.next(), 200, "PUT", "/v1/me/pathway/employment", w.worker,
		[]map[string]any{{"employer": "郑州市中原区阳光社会工作服务中心", "employerOrgId": w.agency, "start": start}}); err != nil {
		return err
	}
	if _, err := c.want(ctx, c.next(), 200, "POST", "/v1/pathway/"+w.workerID+"/employment/0/verification", w.orgAdmin,
		map[string]any{"verified": true}); err != nil {
		return err
	}
	if _, err := c.want(ctx, c.next(), 200, "POST", "/v1/social-workers/"+w.workerID+"/supervisor-pool", w.civil,
		map[string]any{"inPool": true, "caseloadCap": 5}); err != nil {
		return err
	}
	c.wrote("supervisor pool", c.field(w.civil, "/v1/social-workers/"+w.workerID, map[string]any{"supervisor": true, "caseloadCap": 5}))
	return nil
}

// codeLogins: the committee logs in with an SMS code, the code asked of one
// replica and used on the other (codes live in Redis); civil affairs,
// whose power must not rest on the phone alone, is refused with the right code.
func (c *checker) codeLogins(ctx context.Context) error {
	for _, who := range []struct {
		name, phone string
		status      int
	}{{"the committee", committeePhone, 200}, {"civil affairs", adminPhone, 403}} {
		rep := c.next()
		since := time.Now().Add(-time.Second)
		if _, err := c.want(ctx, rep, 202, "POST", "/v1/auth/sms-codes", "", map[string]string{"phone": who.phone, "purpose": "login"}); err != nil {
			return err
		}
		code, err := smsCode(ctx, rep.proc.logPath, who.phone, "login", since)
		if err != nil {
			return err
		}
		r, err := c.want(ctx, c.other(rep), who.status, "POST", "/v1/auth/code-login", "", map[string]string{"phone": who.phone, "code": code})
		if err != nil {
			return err
		}
		if who.status == 200 { // the token works on the replica that sent the code (checked now: it is not kept fresh)
			if err := c.meHas(r.str("accessToken"), who.phone)(ctx, rep); err != nil {
				return fmt.Errorf("%s's SMS-code log-in: %w", who.name, err)
			}
		}
		c.logf("   %s logged in with an SMS code: %d", who.name, who.status)
	}
	return nil
}

func (c *checker) registerVolunteer(ctx context.Context, w *world) error {
	rep := c.next()
	since := time.Now().Add(-time.Second) // log times are the server's; same machine
	if _, err := c.want(ctx, rep, 202, "POST", "/v1/auth/sms-codes", "", map[string]string{"phone": volunteerPhone, "purpose": "register"}); err != nil {
		return err
	}
	c.wroteUnchecked("registration SMS code", "lives 5 minutes in Redis by design; the registration used it")
	code, err := smsCode(ctx, rep.proc.logPath, volunteerPhone, "register", since)
	if err != nil {
		return err
	}
	c.logf("   code %s read from %s", code, rep.proc.logPath)
	r, err := c.want(ctx, c.other(rep), 201, "POST", "/v1/auth/register", "", map[string]string{"phone": volunteerPhone,
		"password": password, "name": "张三", "code": code})
	if err != nil {
		return err
	}
	w.volunteerID = r.str("id")
	if w.volunteer, err = c.loginKept(ctx, c.next(), "the volunteer", volunteerPhone, password); err != nil {
		return err
	}
	c.wrote("registration of the volunteer", c.meHas(w.volunteer, volunteerPhone))
	return nil
}

func (c *checker) matchable(ctx context.Context, w *world) error {
	first := "41010219900307019"
	id := first + string(models.IDCheckChar(first))
	allDay := []string{"00:00-24:00"}
	if _, err := c.want(ctx, c.next(), 200, "PUT", "/v1/me/volunteer-profile", w.volunteer, map[string]any{
		"realName": "张三", "idNumber": id, "skills": []map[string]any{{"code": "elder_care", "level": 2}},
		"home": home, "communityCode": community, "maxDistanceKm": 5, "birthDate": "1990-03-07",
		"availability": map[string][]string{"mon": allDay, "tue": allDay, "wed": allDay, "thu": allDay, "fri": allDay, "sat": allDay, "sun": allDay},
	}); err != nil {
		return err
	}
	c.wrote("volunteer profile", c.field(w.volunteer, "/v1/me/volunteer-profile", map[string]any{"realName": "张三", "communityCode": community}))
	if _, err := c.want(ctx, c.next(), 200, "POST", "/v1/volunteers/"+w.volunteerID+"/verification", w.committee, map[string]any{"verified": true}); err != nil {
		return err
	}
	c.wrote("real name verified", c.field(w.committee, "/v1/volunteers/"+w.volunteerID, map[string]any{"realNameVerified": true}))
	if _, err := c.want(ctx, c.next(), 200, "POST", "/v1/volunteers/"+w.volunteerID+"/background-check", w.committee,
		map[string]any{"result": "passed", "checkedOn": "2025-01-01", "expiresOn": "2099-01-01"}); err != nil {
		return err
	}
	return nil
}

// halfHourAfter is the first half-hour boundary after t (needs are on the half-hour grid).
func halfHourAfter(t time.Time) time.Time { return t.Truncate(30 * time.Minute).Add(30 * time.Minute) }

func needBody(title string, start time.Time) map[string]any {
	return map[string]any{"communityCode": community, "title": title, "description": "为独居老人上门探访、陪伴聊天",
		"domain": "social_welfare", "tasks": []string{"support_for_vulnerable"}, "targetGroup": "older_people", "beneficiaries": 12,
		"location": needPlace, "window": map[string]string{"start": start.In(shanghai).Format(time.RFC3339),
			"end": start.Add(time.Hour).In(shanghai).Format(time.RFC3339)}, "headcount": 2}
}

// postNeeds posts two needs: one in a little over 2 hours (invitations
// close 2 hours before the start), for the invitation and its reminder;
// and one within the next half hour (check-in opens 30 minutes before the
// start), in which the committee places the volunteer directly.
func (c *checker) postNeeds(ctx context.Context, w *world) error {
	post := func(title string, start time.Time) (string, error) {
		r, err := c.want(ctx, c.next(), 201, "POST", "/v1/needs", w.committee, needBody(title, start))
		if err != nil {
			return "", err
		}
		id := r.str("id")
		c.wrote("need "+title, c.field(w.committee, "/v1/needs/"+id, map[string]any{"title": title, "communityCode": community}))
		return id, nil
	}
	var err error
	w.need1Start = halfHourAfter(time.Now().Add(2*time.Hour + 10*time.Minute))
	if w.need1, err = post("独居老人探访（邀请）", w.need1Start); err != nil {
		return err
	}
	w.need2Start = halfHourAfter(time.Now().Add(time.Minute))
	if w.need2, err = post("独居老人探访（签到）", w.need2Start); err != nil {
		return err
	}
	c.logf("   need %s at %s, need %s at %s", w.need1, w.need1Start.In(shanghai).Format("15:04"), w.need2, w.need2Start.In(shanghai).Format("15:04"))
	r, err := c.want(ctx, c.next(), 201, "POST", "/v1/needs/"+w.need2+"/plan/volunteers", w.committee, map[string]string{"volunteerId": w.volunteerID})
	if err != nil {
		return err
	}
	items := r.list("items")
	if len(items) == 0 {
		return fmt.Errorf("placing the volunteer: no place in %s", r.short())
	}
	w.occurrence2, _ = items[0]["occurrenceId"].(string)
	c.wrote("place in the sooner need", c.listHas(w.committee, "/v1/needs/"+w.need2+"/plan", "assignments", "volunteerId", w.volunteerID, nil))
	return nil
}

func (c *checker) invite(ctx context.Context, w *world) error {
	// Each replica keeps its own matching index, told of changes made on the
	// other through Redis pub/sub (asynchronously, so a moment is allowed):
	// both must rank the volunteer.
	for range 2 {
		rep := c.next()
		t0 := time.Now()
		for {
			r, err := c.want(ctx, rep, 200, "GET", "/v1/needs/"+w.need1+"/matches?limit=10", w.committee, nil)
			if err != nil {
				return err
			}
			i := slices.IndexFunc(r.list("candidates"), func(m map[string]any) bool { return m["volunteerId"] == w.volunteerID })
			if i >= 0 {
				cand := r.list("candidates")[i]
				c.logf("   [%s] the volunteer ranks with score %v (%v eligible)", rep.name, cand["score"], r.at("eligible"))
				break
			}
			if time.Since(t0) > 5*time.Second {
				c.fail("replica %s does not rank the volunteer for the need after 5 s: %s", rep.name, r.short())
				break
			}
			sleep(ctx, 200*time.Millisecond)
		}
	}
	rep := c.next()
	r, err := c.want(ctx, rep, 200, "POST", "/v1/needs/"+w.need1+"/invitations", w.committee, map[string]any{"volunteerIds": []string{w.volunteerID}})
	if err != nil {
		return err
	}
	for _, res := range r.list("results") {
		if inv, ok := res["invitation"].(map[string]any); ok {
			w.invitation, _ = inv["id"].(string)
		}
	}
	if w.invitation == "" {
		return fmt.Errorf("no invitation sent: %s", r.short())
	}
	c.invitedOn = rep
	c.wrote("invitation", c.listHas(w.committee, "/v1/needs/"+w.need1+"/invitations", "items", "id", w.invitation, nil))
	return nil
}

func (c *checker) accept(ctx context.Context, w *world) error {
	rep := c.other(c.invitedOn)
	c.logf("   invited on %s, accepted on %s", c.invitedOn.name, rep.name)
	if _, err := c.want(ctx, rep, 200, "POST", "/v1/invitations/"+w.invitation+"/accept", w.volunteer, nil); err != nil {
		return err
	}
	w.acceptedAt = time.Now()
	c.wrote("acceptance", c.listHas(w.volunteer, "/v1/me/invitations", "items", "id", w.invitation, map[string]any{"status": "accepted"}))
	c.wrote("place taken by the acceptance", c.listHas(w.committee, "/v1/needs/"+w.need1+"/plan", "assignments", "volunteerId", w.volunteerID, map[string]any{"status": "accepted"}))
	return nil
}

// reminder waits for the 24-hour shift reminder of the accepted place:
// written by remind_shifts, which only the workers run (the replicas have
// WUSHE_INLINE_WORKER=off), and finds the worker run that wrote it.
func (c *checker) reminder(ctx context.Context, w *world) error {
	deadline := time.Now().Add(30 * time.Second)
	link := "/v1/needs/" + w.need1
	var note map[string]any
	for note == nil {
		r, err := c.call(ctx, c.next(), "GET", "/v1/me/notifications?limit=50", w.volunteer, nil, 10*time.Second)
		if err != nil {
			return err
		}
		if r.Status != 200 {
			return fmt.Errorf("GET /v1/me/notifications: %s", r.short())
		}
		for _, n := range r.list("items") {
			if n["kind"] == "shift_reminder_24h" && n["link"] == link {
				note = n
			}
		}
		if note == nil {
			if time.Now().After(deadline) {
				return fmt.Errorf("no shift reminder for the accepted place 30 s after the acceptance (remind_shifts runs every 3 s)")
			}
			sleep(ctx, 300*time.Millisecond)
		}
	}
	created, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(note["createdAt"]))
	c.note("shift reminder in the volunteer's inbox %.1f s after the acceptance", created.Sub(w.acceptedAt).Seconds())
	// The run that wrote it: a remind_shifts run in a worker's log that
	// notified someone and whose span contains the notification's time. A
	// run logs once it has finished, a moment after its inserts.
	var by *jobRun
	for t0 := time.Now(); by == nil && time.Since(t0) < 5*time.Second; sleep(ctx, 200*time.Millisecond) {
		runs, err := jobRuns(c.workers[:])
		if err != nil {
			return err
		}
		for i, run := range runs {
			startedAt := run.Time.Add(-time.Duration(run.Ms+5) * time.Millisecond)
			if run.Job == "remind_shifts" && !run.failed() && run.notified() > 0 && !created.Before(startedAt.Add(-time.Second)) && !created.After(run.Time) {
				by = &runs[i]
			}
		}
	}
	if by == nil {
		c.fail("no remind_shifts run in the workers' logs wrote the reminder created at %s", created.Format(time.RFC3339Nano))
	} else {
		c.note("the reminder was written by %s's remind_shifts firing of %s (%s)", by.worker, by.FireAt.Format("15:04:05"), by.Result)
	}
	if err := c.noJobsInReplicas(ctx); err != nil {
		c.fail("%v", err)
	}
	id, _ := note["id"].(string)
	if _, err := c.want(ctx, c.next(), 200, "POST", "/v1/me/notifications/"+url.PathEscape(id)+"/read", w.volunteer, nil); err != nil {
		return err
	}
	c.wrote("reminder marked read", func(ctx context.Context, rep *replica) error {
		r, err := c.call(ctx, rep, "GET", "/v1/me/notifications?limit=50", w.volunteer, nil, 10*time.Second)
		if err != nil {
			return err
		}
		for _, n := range r.list("items") {
			if n["id"] == id {
				if n["readAt"] == nil {
					return errors.New("the reminder is unread again")
				}
				return nil
			}
		}
		return fmt.Errorf("the reminder is gone: %s", r.short())
	})
	return nil
}

// noJobsInReplicas: the API replicas run no job (their logs have no job
// run and their metrics no job counter), so the reminder came from a worker.
func (c *checker) noJobsInReplicas(ctx context.Context) error {
	var errs []error
	for _, rep := range c.replicas {
		lines, err := readLog(rep.proc.logPath)
		if err != nil {
			return err
		}
		for _, l := range lines {
			if l.Msg == "job done" || l.Msg == "job failed" || l.Msg == "worker started" {
				errs = append(errs, fmt.Errorf("replica %s runs jobs: %q at %s", rep.name, l.Msg, l.Time.Format(time.RFC3339)))
				break
			}
		}
		r, err := c.call(ctx, rep, "GET", "/metrics", "", nil, 10*time.Second)
		if err != nil {
			return err
		}
		if r.Status != 200 || containsLine(string(r.Raw), "wushe_job_runs_total{") {
			errs = append(errs, fmt.Errorf("replica %s metrics: status %d, or job runs counted", rep.name, r.Status))
		}
	}
	return errors.Join(errs...)
}

func (c *checker) attendance(ctx context.Context, w *world) error {
	if wait := time.Until(w.need2Start.Add(-30 * time.Minute)); wait > 0 {
		c.logf("   check-in opens 30 min before %s: waiting %.0f s", w.need2Start.In(shanghai).Format("15:04"), wait.Seconds())
		select {
		case <-time.After(wait + time.Second):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	r, err := c.want(ctx, c.next(), 200, "GET", "/v1/attendance/code?occurrenceId="+url.QueryEscape(w.occurrence2), w.committee, nil)
	if err != nil {
		return err
	}
	presence := map[string]any{"occurrenceId": w.occurrence2, "code": r.str("code"), "location": atPlace}
	if _, err := c.want(ctx, c.next(), 200, "POST", "/v1/me/attendance/checkin", w.volunteer, presence); err != nil {
		return err
	}
	// The attendance has no read route of its own but the volunteer's data export.
	c.wrote("check-in", c.listHas(w.volunteer, "/v1/me/export", "attendance", "occurrenceId", w.occurrence2, nil))
	// Hours only for what happened: a check-out before the shift starts is
	// refused. The run's shift starts within the half hour; waiting for it
	// would outlast the access tokens (15 min), so the check-out and the
	// verification happen here only when the run reaches this step after
	// the start (the handler tests and scripts/e2e.sh cover them always).
	if time.Now().Before(w.need2Start) {
		early, err := c.want(ctx, c.next(), 409, "POST", "/v1/me/attendance/checkout", w.volunteer, presence)
		if err != nil {
			return err
		}
		if !strings.Contains(string(early.Raw), `"location":"body.occurrenceId"`) {
			return fmt.Errorf("a check-out before the start: want the refusal to name body.occurrenceId, got %s", early.short())
		}
		c.logf("   check-out before the start at %s refused (409, body.occurrenceId)", w.need2Start.In(shanghai).Format("15:04"))
		return nil
	}
	out, err := c.want(ctx, c.next(), 200, "POST", "/v1/me/attendance/checkout", w.volunteer, presence)
	if err != nil {
		return err
	}
	w.hoursID = out.str("id")
	c.wrote("check-out", c.field(w.volunteer, "/v1/hours/"+url.PathEscape(w.hoursID), map[string]any{"record.occurrenceId": w.occurrence2, "record.source": "checkin"}))
	c.logf("   hours record %s: %v h, %s", w.hoursID, out.at("hours"), out.str("status"))
	if _, err := c.want(ctx, c.next(), 200, "POST", "/v1/hours/"+url.PathEscape(w.hoursID)+"/verification", w.committee, map[string]any{"approve": true}); err != nil {
		return err
	}
	c.wrote("hours verified", c.listHas(w.volunteer, "/v1/me/hours?limit=50", "items", "id", w.hoursID, map[string]any{"status": "verified"}))
	return nil
}

func (c *checker) grant(ctx context.Context, w *world) error {
	now := time.Now().UTC()
	r, err := c.want(ctx, c.next(), 201, "POST", "/v1/funds", w.charityAdmin, map[string]any{"ownerOrgId": w.charity, "name": "社区助老项目资金",
		"totalFen": 1_000_000, "domains": []string{"social_welfare"}, "regions": []string{"410102"}, "grantMinFen": 1000, "grantMaxFen": 100_000,
		"opensAt": now.Add(-time.Hour).Format(time.RFC3339), "closesAt": now.Add(30 * 24 * time.Hour).Format(time.RFC3339)})
	if err != nil {
		return err
	}
	w.fund = r.str("id")
	c.wrote("fund", c.field("", "/v1/funds/"+w.fund, map[string]any{"totalFen": 1_000_000, "ownerOrgId": w.charity}))
	day := func(d int) string { return now.AddDate(0, 0, d).In(shanghai).Format("2006-01-02") }
	r, err = c.want(ctx, c.next(), 201, "POST", "/v1/applications", w.orgAdmin, map[string]any{"organisationId": w.agency, "fundId": w.fund,
		"title": "独居老人关爱行动", "summary": "为社区独居老人提供探访与陪伴", "domains": []string{"social_welfare"}, "targetGroup": "older_people",
		"beneficiaries": 40, "regions": []string{community}, "supervisorId": w.workerID,
		"milestones":   []map[string]any{{"name": "需求评估与建档", "due": day(90), "tranchePercent": 40}, {"name": "探访服务与总结", "due": day(270), "tranchePercent": 60}},
		"budget":       map[string]int{"salaryFen": 3_000_000, "supervisionTrainingFen": 500_000, "serviceActivitiesFen": 1_000_000, "projectManagementFen": 500_000},
		"requestedFen": 50_000})
	if err != nil {
		return err
	}
	w.application = r.str("id")
	c.wrote("application", c.field(w.orgAdmin, "/v1/applications/"+w.application, map[string]any{"title": "独居老人关爱行动", "requestedFen": 50_000}))
	if _, err := c.want(ctx, c.next(), 200, "POST", "/v1/applications/"+w.application+"/submission", w.orgAdmin, nil); err != nil {
		return err
	}
	c.wrote("submission", func(ctx context.Context, rep *replica) error {
		return c.statusIn(ctx, rep, w.orgAdmin, "/v1/applications/"+w.application, "submitted", "approved")
	})
	if _, err := c.want(ctx, c.next(), 200, "POST", "/v1/applications/"+w.application+"/decision", w.charityAdmin,
		map[string]any{"decision": "approve", "amountFen": 40_000}); err != nil {
		return err
	}
	c.wrote("approval", c.field(w.orgAdmin, "/v1/applications/"+w.application, map[string]any{"status": "approved"}))
	c.wrote("grant in the fund's ledger", c.field("", "/v1/funds/"+w.fund, map[string]any{"grantedFen": 40_000, "remainingFen": 960_000}))
	c.wrote("grant disclosed", c.listHas("", "/v1/grants?fundId="+w.fund, "items", "id", w.application, map[string]any{"amountFen": 40_000}))
	return nil
}

// statusIn reads back a state that later steps move on: any of states.
func (c *checker) statusIn(ctx context.Context, rep *replica, token, path string, states ...string) error {
	r, err := c.call(ctx, rep, "GET", path, token, nil, 10*time.Second)
	if err != nil {
		return err
	}
	if r.Status != 200 || !slices.Contains(states, r.str("status")) {
		return fmt.Errorf("GET %s: status %q, want one of %v: %s", path, r.str("status"), states, r.short())
	}
	return nil
}
