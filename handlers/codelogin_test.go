package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
)

// TestLoginWithCode: a code of purpose login starts a login; it works once,
// only for its purpose, while wrong passwords hold the password log-in, and
// a phone with no account gets no SMS and the same answer.
func TestLoginWithCode(t *testing.T) {
	out := &smsOutbox{}
	h := newHarness(t, withPhoneCodes(out))
	id := h.registerWithCode(out, "13900100061")
	for range 12 {
		h.do("POST", "/v1/auth/login", `{"phone":"13900100061","password":"not-the-password"}`)
	}
	if r := h.do("POST", "/v1/auth/login", `{"phone":"13900100061","password":"secret-pass"}`); r.Status != 429 {
		t.Fatalf("the password log-in after many wrong passwords: %d %s", r.Status, r.Raw)
	}
	wrongPurpose := h.sendCode(out, "13900100061", models.PurposeResetPassword)
	if r := h.do("POST", "/v1/auth/code-login", `{"phone":"13900100061","code":"`+wrongPurpose+`"}`); r.Status != 422 || !hasLocation(r, "body.code") {
		t.Fatalf("a reset code used to log in: %d %s", r.Status, r.Raw)
	}
	time.Sleep(5 * time.Millisecond) // the resend interval (1 ms here)
	code := h.sendCode(out, "13900100061", models.PurposeLogin)
	if r := h.do("POST", "/v1/auth/code-login", `{"phone":"13900100061","code":"`+otherCode(code)+`"}`); r.Status != 422 || !hasLocation(r, "body.code") {
		t.Fatalf("a wrong code: %d %s", r.Status, r.Raw)
	}
	r := h.do("POST", "/v1/auth/code-login", `{"phone":"13900100061","code":"`+code+`"}`)
	if r.Status != 200 {
		t.Fatalf("log in with the code: %d %s", r.Status, r.Raw)
	}
	if me := h.me(r.str("accessToken")); me.Status != 200 || me.str("id") != id {
		t.Fatalf("the code's login is not the account's: %d %s", me.Status, me.Raw)
	}
	if again := h.do("POST", "/v1/auth/code-login", `{"phone":"13900100061","code":"`+code+`"}`); again.Status != 422 {
		t.Fatalf("a code used twice: %d %s", again.Status, again.Raw)
	}
	for _, body := range []string{`{"phone":"1390010006","code":"123456"}`, `{"phone":"13900100061","code":"12345"}`, `{"phone":"13900100061"}`} {
		if r := h.do("POST", "/v1/auth/code-login", body); r.Status != 422 {
			t.Errorf("bad input %s: %d %s", body, r.Status, r.Raw)
		}
	}
	n := out.count()
	if r := h.do("POST", "/v1/auth/sms-codes", `{"phone":"13900100069","purpose":"login"}`); r.Status != 202 {
		t.Fatalf("a log-in code for an unknown phone: %d %s", r.Status, r.Raw)
	}
	if out.count() != n {
		t.Error("an SMS went to a phone with no account")
	}
	// A guess for a phone with no account reads exactly like a wrong guess for a registered one.
	time.Sleep(5 * time.Millisecond)
	h.sendCode(out, "13900100061", models.PurposeLogin)
	known := h.do("POST", "/v1/auth/code-login", `{"phone":"13900100061","code":"000001"}`)
	unknown := h.do("POST", "/v1/auth/code-login", `{"phone":"13900100069","code":"000001"}`)
	if known.Status != 422 || known.Raw != strings.ReplaceAll(unknown.Raw, "13900100069", "13900100061") {
		t.Errorf("the answers tell a registered phone: %d %s / %d %s", known.Status, known.Raw, unknown.Status, unknown.Raw)
	}
}

// TestCodeLoginRefusesPowerOverMoneyAndOversight: civil affairs log in with
// their password only; a volunteer of the same world logs in with a code.
func TestCodeLoginRefusesPowerOverMoneyAndOversight(t *testing.T) {
	out := &smsOutbox{}
	w := newWorld(t, func(s *harnessSetup) { // codes are sent (the world registers without them)
		s.svc.Accounts.SMS = out
		s.svc.Accounts.SMSResendInterval = time.Millisecond
	})
	code := w.h.sendCode(out, "13100000001", models.PurposeLogin) // the city's civil affairs
	if r := w.h.do("POST", "/v1/auth/code-login", `{"phone":"13100000001","code":"`+code+`"}`); r.Status != 403 {
		t.Fatalf("civil affairs logs in with a code: %d %s", r.Status, r.Raw)
	}
	code = w.h.sendCode(out, "13100000013", models.PurposeLogin) // a volunteer
	if r := w.h.do("POST", "/v1/auth/code-login", `{"phone":"13100000013","code":"`+code+`"}`); r.Status != 200 {
		t.Fatalf("a volunteer logs in with a code: %d %s", r.Status, r.Raw)
	}
}
