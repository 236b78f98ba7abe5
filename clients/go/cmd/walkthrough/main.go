// Command walkthrough plays the README's story against a running Wushe
// server with the demo city (`wushe serve --demo`), every call through the
// generated client (package wushe) and every answer checked for its status
// and decoded strictly into the generated types: a volunteer registers and
// fills in a profile; the committee verifies them, posts a need, sees them
// among the matches and invites them; the volunteer accepts; on a shift
// starting within the half hour the volunteer checks in with the code of
// the committee's screen, and a check-out before the start is refused
// (hours only for what happened); the committee marks the attendance of the
// demo city's shift of yesterday and verifies the hours; the demo volunteer
// fetches the signed service record and anyone verifies it.
//
//	go run ./cmd/walkthrough -base http://127.0.0.1:8080
//
// Registration without an SMS code needs a server started with
// WUSHE_PHONE_CODE_OPTIONAL=1 (embedded demos only).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/wushe/wushe/clients/go/wushe"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "the server's base URL")
	password := flag.String("password", "wushe-demo-2025", "the demo city's password")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := wushe.NewClient(*base)
	if err != nil {
		fail(err)
	}
	w := &walk{c: c, password: *password}
	if err := w.run(ctx); err != nil {
		fail(err)
	}
	fmt.Println("walk-through: every answer had its expected status and decoded strictly")
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "walk-through FAILED:", err)
	os.Exit(1)
}

// The demo city's logins (README, "The demo city") and its past shift.
const (
	committeePhone     = "15690000003"
	demoVolunteerPhone = "15600000001"
	pastNeed           = "demo-need-past-1"
)

var shanghai = time.FixedZone("CST", 8*3600)

type walk struct {
	c        *wushe.Client
	password string
	step     int

	committee, volunteer, volunteerID string
	community                         string
	place                             wushe.Point
	needID, occurrenceID              string
}

func (w *walk) say(format string, args ...any) {
	w.step++
	fmt.Printf("%2d. %s\n", w.step, fmt.Sprintf(format, args...))
}

func (w *walk) run(ctx context.Context) error {
	for _, s := range []func(context.Context) error{
		w.logins, w.register, w.profile, w.verify, w.postNeed, w.matches, w.invite,
		w.checkIn, w.hours, w.record,
	} {
		if err := s(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (w *walk) login(ctx context.Context, phone, password string) (wushe.TokensDTO, error) {
	var t wushe.TokensDTO
	res, err := w.c.Login(ctx, wushe.LoginInputBody{Phone: phone, Password: &password})
	return t, decode("POST /v1/auth/login "+phone, res, err, 200, &t)
}

// logins: the committee, and where its community is (from its past shift).
func (w *walk) logins(ctx context.Context) error {
	t, err := w.login(ctx, committeePhone, w.password)
	if err != nil {
		return err
	}
	w.committee = t.AccessToken
	var n wushe.NeedDTO
	res, err := w.c.GetNeed(ctx, pastNeed, bearer(w.committee))
	if err := decode("GET /v1/needs/"+pastNeed, res, err, 200, &n); err != nil {
		return err
	}
	w.community, w.place = n.CommunityCode, n.Location
	w.say("the committee %s logs in (%s, community %s)", committeePhone, t.Account.Name, w.community)
	return nil
}

func (w *walk) register(ctx context.Context) error {
	phone := fmt.Sprintf("137%08d", time.Now().UnixNano()/1000%100_000_000)
	var a wushe.AccountDTO
	res, err := w.c.Register(ctx, wushe.RegisterInputBody{Phone: phone, Password: ptr("secret-pass"), Name: "王小明"})
	if err := decode("POST /v1/auth/register", res, err, 201, &a); err != nil {
		return err
	}
	t, err := w.login(ctx, phone, "secret-pass")
	if err != nil {
		return err
	}
	w.volunteer, w.volunteerID = t.AccessToken, a.Id
	w.say("a volunteer registers (%s, account %s) and logs in", phone, a.Id)
	return nil
}

func (w *walk) profile(ctx context.Context) error {
	all := []string{"00:00-24:00"}
	week := map[string][]string{"mon": all, "tue": all, "wed": all, "thu": all, "fri": all, "sat": all, "sun": all}
	var v wushe.VolunteerDTO
	res, err := w.c.PutMyVolunteerProfile(ctx, wushe.VolunteerBody{RealName: ptr("王小明"), IdNumber: ptr("410102199003070019"),
		Skills: &[]wushe.SkillLevel{{Code: "event_organising", Level: 2}}, Home: &w.place, CommunityCode: &w.community,
		MaxDistanceKm: ptr(5.0), Availability: &week}, bearer(w.volunteer))
	if err := decode("PUT /v1/me/volunteer-profile", res, err, 200, &v); err != nil {
		return err
	}
	w.say("the volunteer fills in the profile: home in %s, available all week", w.community)
	return nil
}

func (w *walk) verify(ctx context.Context) error {
	var v wushe.VolunteerDTO
	res, err := w.c.VerifyVolunteer(ctx, w.volunteerID, wushe.VerifyVolunteerInputBody{Verified: true}, bearer(w.committee))
	if err := decode("POST /v1/volunteers/{id}/verification", res, err, 200, &v); err != nil {
		return err
	}
	w.say("the committee verifies the volunteer's real name")
	return nil
}

// need posts a need of the committee's community at start, half an hour
// long (a window on half hours never crosses midnight).
func (w *walk) need(ctx context.Context, title string, start time.Time) (wushe.NeedDTO, error) {
	var n wushe.NeedDTO
	res, err := w.c.PostNeed(ctx, wushe.PostNeedInputBody{CommunityCode: w.community, Title: title,
		Description: ptr("协助社区议事会布置会场、签到引导"), Domain: "community_governance", Tasks: &[]string{"community_consultation"},
		TargetGroup: "community_residents", Beneficiaries: ptr(int64(30)), Location: w.place, BackgroundCheck: ptr(false),
		Window: &wushe.Window{Start: start, End: start.Add(30 * time.Minute)}, Headcount: 2}, bearer(w.committee))
	return n, decode("POST /v1/needs", res, err, 201, &n)
}

// halfHourAfter is the first half-hour boundary after t.
func halfHourAfter(t time.Time) time.Time {
	return t.Truncate(30 * time.Minute).Add(30 * time.Minute).In(shanghai)
}

func (w *walk) postNeed(ctx context.Context) error {
	// Invitations close 2 hours before the start.
	n, err := w.need(ctx, "社区议事会会务协助", halfHourAfter(time.Now().Add(3*time.Hour)))
	if err != nil {
		return err
	}
	w.needID = n.Id
	w.say("the committee posts need %s for %s", n.Id, n.Window.Start.In(shanghai).Format("2006-01-02 15:04"))
	return nil
}

func (w *walk) matches(ctx context.Context) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		var m wushe.MatchesDTO
		res, err := w.c.NeedMatches(ctx, w.needID, &wushe.NeedMatchesParams{Limit: ptr(int64(50))}, bearer(w.committee))
		if err := decode("GET /v1/needs/{id}/matches", res, err, 200, &m); err != nil {
			return err
		}
		for i, c := range m.Candidates {
			if c.VolunteerId == w.volunteerID {
				w.say("the matches rank the volunteer #%d of %d eligible, score %d", i+1, m.Eligible, c.Score)
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the matches of %s do not rank the volunteer after 10 s (%d eligible)", w.needID, m.Eligible)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (w *walk) invite(ctx context.Context) error {
	var out wushe.InviteOutputBody
	res, err := w.c.Invite(ctx, w.needID, wushe.InviteInputBody{VolunteerIds: &[]string{w.volunteerID}}, bearer(w.committee))
	if err := decode("POST /v1/needs/{id}/invitations", res, err, 200, &out); err != nil {
		return err
	}
	if len(out.Results) != 1 || out.Results[0].Invitation == nil {
		return fmt.Errorf("POST /v1/needs/{id}/invitations: no invitation sent: %+v", out.Results)
	}
	id := out.Results[0].Invitation.Id
	w.say("the committee invites the volunteer (invitation %s)", id)
	var inv wushe.InvitationDTO
	res, err = w.c.AcceptInvitation(ctx, id, bearer(w.volunteer))
	if err := decode("POST /v1/invitations/{id}/accept", res, err, 200, &inv); err != nil {
		return err
	}
	w.say("the volunteer accepts: %s", inv.Status)
	return nil
}
