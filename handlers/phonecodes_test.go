package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wushe/wushe/adapters/sms"
	"github.com/wushe/wushe/models"
)

// smsOutbox is an SMS adapter that keeps what it would have sent.
type smsOutbox struct {
	mu   sync.Mutex
	sent []models.SMSMessage
}

func (o *smsOutbox) SendCode(_ context.Context, m models.SMSMessage) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, m)
	return nil
}

// last is the latest code sent to phone for purpose ("" when none).
func (o *smsOutbox) last(phone string, purpose models.CodePurpose) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := len(o.sent) - 1; i >= 0; i-- {
		if o.sent[i].Phone == phone && o.sent[i].Purpose == purpose {
			return o.sent[i].Code
		}
	}
	return ""
}

func (o *smsOutbox) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.sent)
}

// withPhoneCodes requires SMS codes (as production does) and sends them to
// the outbox; the send limits are high unless a test lowers them.
func withPhoneCodes(o *smsOutbox) harnessOpt {
	return func(s *harnessSetup) {
		s.svc.Accounts.AllowCodelessRegistration = false
		s.svc.Accounts.SMS = o
		s.svc.Accounts.SMSLimitIP, s.svc.Accounts.SMSLimitPhone, s.svc.Accounts.SMSResendInterval = 100000, 1000, time.Millisecond
		s.svc.Accounts.LoginLimitIP = 100000
	}
}

// sendCode asks for a code and returns what the outbox received.
func (h *harness) sendCode(o *smsOutbox, phone string, purpose models.CodePurpose) string {
	h.t.Helper()
	r := h.do("POST", "/v1/auth/sms-codes", `{"phone":"`+phone+`","purpose":"`+string(purpose)+`"}`)
	if r.Status != 202 {
		h.t.Fatalf("sms code %s %s: %d %s", phone, purpose, r.Status, r.Raw)
	}
	code := o.last(phone, purpose)
	if code == "" {
		h.t.Fatalf("no code sent to %s for %s", phone, purpose)
	}
	if strings.Contains(r.Raw, code) {
		h.t.Fatalf("the answer shows the code: %s", r.Raw)
	}
	return code
}

// registerWithCode registers phone with a fresh code.
func (h *harness) registerWithCode(o *smsOutbox, phone string) string {
	h.t.Helper()
	code := h.sendCode(o, phone, models.PurposeRegister)
	r := h.do("POST", "/v1/auth/register", `{"phone":"`+phone+`","password":"secret-pass","name":"测试用户","code":"`+code+`"}`)
	if r.Status != 201 {
		h.t.Fatalf("register %s: %d %s", phone, r.Status, r.Raw)
	}
	return r.str("id")
}

// otherCode is a well-formed code that is not code.
func otherCode(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}

func TestRegistrationNeedsThePhoneCode(t *testing.T) {
	out := &smsOutbox{}
	h := newHarness(t, withPhoneCodes(out))
	reg := func(phone, code string) response {
		body := `{"phone":"` + phone + `","password":"secret-pass","name":"张三"`
		if code != "" {
			body += `,"code":"` + code + `"`
		}
		return h.do("POST", "/v1/auth/register", body+"}")
	}
	if r := reg("13900100001", ""); r.Status != 422 || !hasLocation(r, "body.code") {
		t.Fatalf("without a code: %d %s", r.Status, r.Raw)
	}
	if r := reg("13900100001", "12ab56"); r.Status != 422 || !hasLocation(r, "body.code") {
		t.Fatalf("malformed code: %d %s", r.Status, r.Raw)
	}
	if r := reg("13900100001", "123456"); r.Status != 422 || !hasLocation(r, "body.code") {
		t.Fatalf("no code was sent: %d %s", r.Status, r.Raw)
	}
	code := h.sendCode(out, "13900100001", models.PurposeRegister)
	if r := reg("13900100001", otherCode(code)); r.Status != 422 || !hasLocation(r, "body.code") {
		t.Fatalf("wrong code: %d %s", r.Status, r.Raw)
	}
	if r := reg("13900100001", code); r.Status != 201 {
		t.Fatalf("right code: %d %s", r.Status, r.Raw)
	}
	// Used once: the same code cannot register the phone again, nor another phone.
	if r := reg("13900100002", code); r.Status != 422 {
		t.Fatalf("a code of another phone: %d %s", r.Status, r.Raw)
	}
	// A registered phone gets no register code (but the same answer: TestRegistrationCodeAnswersAlike).
	before := out.count()
	if r := h.do("POST", "/v1/auth/sms-codes", `{"phone":"13900100001","purpose":"register"}`); r.Status != 202 {
		t.Fatalf("register code for a registered phone: %d %s", r.Status, r.Raw)
	}
	if out.count() != before+1 || out.last("13900100001", models.PurposeRegister) != "" {
		t.Fatalf("a registered phone was sent a register code")
	}
	for _, bad := range []string{`{"phone":"12345","purpose":"register"}`, `{"phone":"13900100003","purpose":"sign_in"}`, `{"phone":"13900100003"}`} {
		if r := h.do("POST", "/v1/auth/sms-codes", bad); r.Status != 422 {
			t.Errorf("%s: %d %s", bad, r.Status, r.Raw)
		}
	}
}

func TestPhoneCodeWrongPurpose(t *testing.T) {
	out := &smsOutbox{}
	h := newHarness(t, withPhoneCodes(out))
	h.registerWithCode(out, "13900100011")
	reset := h.sendCode(out, "13900100011", models.PurposeResetPassword)
	// A reset code does not register (another phone: the code is the phone's own anyway).
	change := h.sendCode(out, "13900100012", models.PurposeChangePhone)
	if r := h.do("POST", "/v1/auth/register", `{"phone":"13900100012","password":"secret-pass","name":"李四","code":"`+change+`"}`); r.Status != 422 {
		t.Fatalf("a change_phone code registered: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/auth/password-reset", `{"phone":"13900100011","code":"`+change+`","newPassword":"new-secret-1"}`); r.Status != 422 {
		t.Fatalf("another phone's code reset a password: %d %s", r.Status, r.Raw)
	}
	bind := h.sendCode(out, "13900100011", models.PurposeBindWeChat)
	if r := h.do("POST", "/v1/auth/password-reset", `{"phone":"13900100011","code":"`+bind+`","newPassword":"new-secret-1"}`); r.Status != 422 || !hasLocation(r, "body.code") {
		t.Fatalf("a bind_wechat code reset a password: %d %s", r.Status, r.Raw)
	}
	// The reset code still works for its own purpose.
	if r := h.do("POST", "/v1/auth/password-reset", `{"phone":"13900100011","code":"`+reset+`","newPassword":"new-secret-1"}`); r.Status != 204 {
		t.Fatalf("reset with its own code: %d %s", r.Status, r.Raw)
	}
}

// TestPhoneCodeExpiry: a code is valid for 5 minutes on the service's clock.
func TestPhoneCodeExpiry(t *testing.T) {
	out := &smsOutbox{}
	clock := &testClock{}
	h := newHarness(t, withPhoneCodes(out), func(s *harnessSetup) { s.svc.Now = clock.Now })
	reg := func(phone, code string) response {
		return h.do("POST", "/v1/auth/register", `{"phone":"`+phone+`","password":"secret-pass","name":"王五","code":"`+code+`"}`)
	}
	code := h.sendCode(out, "13900100021", models.PurposeRegister)
	clock.jumpTo(time.Now().Add(5*time.Minute + time.Second))
	r := reg("13900100021", code)
	if r.Status != 422 || !hasLocation(r, "body.code") || !strings.Contains(r.Raw, "过期") {
		t.Fatalf("5 min 1 s later: %d %s", r.Status, r.Raw)
	}
	if r := reg("13900100021", code); r.Status != 422 {
		t.Fatalf("the expired code a second time: %d %s", r.Status, r.Raw)
	}
	code = h.sendCode(out, "13900100021", models.PurposeRegister)
	clock.jumpTo(time.Now().Add(5*time.Minute + time.Second + 4*time.Minute + 50*time.Second))
	if r := reg("13900100021", code); r.Status != 201 {
		t.Fatalf("4 min 50 s later: %d %s", r.Status, r.Raw)
	}
}

// TestPhoneCodeTryLimit: five tries, then the code is void, even the right one.
func TestPhoneCodeTryLimit(t *testing.T) {
	out := &smsOutbox{}
	h := newHarness(t, withPhoneCodes(out))
	code := h.sendCode(out, "13900100031", models.PurposeRegister)
	for i := 1; i <= 5; i++ {
		r := h.do("POST", "/v1/auth/register", `{"phone":"13900100031","password":"secret-pass","name":"赵六","code":"`+otherCode(code)+`"}`)
		if r.Status != 422 || !hasLocation(r, "body.code") {
			t.Fatalf("wrong try %d: %d %s", i, r.Status, r.Raw)
		}
		if i == 5 && !strings.Contains(r.Raw, "次数过多") {
			t.Errorf("the fifth wrong try does not say the code is void: %s", r.Raw)
		}
	}
	if r := h.do("POST", "/v1/auth/register", `{"phone":"13900100031","password":"secret-pass","name":"赵六","code":"`+code+`"}`); r.Status != 422 {
		t.Fatalf("the right code after five wrong tries: %d %s", r.Status, r.Raw)
	}
	// A new code works again.
	h.registerWithCode(out, "13900100031")
}

// TestPhoneCodeRateLimits: per phone (one per resend interval, a few per
// window) and per client IP.
func TestPhoneCodeRateLimits(t *testing.T) {
	out := &smsOutbox{}
	h := newHarness(t, withPhoneCodes(out), func(s *harnessSetup) {
		s.svc.Accounts.SMSResendInterval, s.svc.Accounts.SMSLimitPhone, s.svc.Accounts.SMSLimitIP = 300*time.Millisecond, 2, 4
	})
	send := func(phone string) response {
		return h.do("POST", "/v1/auth/sms-codes", `{"phone":"`+phone+`","purpose":"register"}`)
	}
	if r := send("13900100041"); r.Status != 202 || r.Body["expiresIn"] != float64(300) {
		t.Fatalf("first code: %d %s", r.Status, r.Raw)
	}
	r := send("13900100041")
	if r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("again at once: %d %q %s", r.Status, r.Header.Get("Retry-After"), r.Raw)
	}
	time.Sleep(350 * time.Millisecond)
	if r := send("13900100041"); r.Status != 202 {
		t.Fatalf("after the resend interval: %d %s", r.Status, r.Raw)
	}
	time.Sleep(350 * time.Millisecond)
	if r := send("13900100041"); r.Status != 429 {
		t.Fatalf("third code in the window (limit 2): %d %s", r.Status, r.Raw)
	}
	// The IP has made 4 requests; other phones from it are refused too.
	if r := send("13900100042"); r.Status != 429 {
		t.Fatalf("fifth request from one IP (limit 4): %d %s", r.Status, r.Raw)
	}
	if n := out.count(); n != 2 {
		t.Errorf("%d SMS sent, want 2", n)
	}
}

// TestPasswordResetEndsEveryLogin: after a reset, every access token and
// refresh token of the account is refused at the next request.
func TestPasswordResetEndsEveryLogin(t *testing.T) {
	out := &smsOutbox{}
	h := newHarness(t, withPhoneCodes(out))
	h.registerWithCode(out, "13900100051")
	a1, r1 := h.login("13900100051", "secret-pass")
	a2, r2 := h.login("13900100051", "secret-pass")
	other := h.registerWithCode(out, "13900100052")
	oa, _ := h.login("13900100052", "secret-pass")
	code := h.sendCode(out, "13900100051", models.PurposeResetPassword)
	if r := h.do("POST", "/v1/auth/password-reset", `{"phone":"13900100051","code":"`+code+`","newPassword":"short"}`); r.Status != 422 || !hasLocation(r, "body.newPassword") {
		t.Fatalf("weak new password: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/auth/password-reset", `{"phone":"13900100051","code":"`+code+`","newPassword":"new-secret-1"}`); r.Status != 204 {
		t.Fatalf("reset: %d %s", r.Status, r.Raw)
	}
	for i, tok := range []string{a1, a2} {
		if r := h.me(tok); r.Status != 401 {
			t.Errorf("access token %d after the reset: %d", i+1, r.Status)
		}
	}
	for i, rt := range []string{r1, r2} {
		if r := h.do("POST", "/v1/auth/refresh", `{"refreshToken":"`+rt+`"}`); r.Status != 401 {
			t.Errorf("refresh token %d after the reset: %d", i+1, r.Status)
		}
	}
	if r := h.do("POST", "/v1/auth/login", `{"phone":"13900100051","password":"secret-pass"}`); r.Status != 401 {
		t.Errorf("the old password: %d", r.Status)
	}
	fresh, refresh := h.login("13900100051", "new-secret-1")
	if r := h.me(fresh); r.Status != 200 {
		t.Errorf("a login after the reset: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/auth/refresh", `{"refreshToken":"`+refresh+`"}`); r.Status != 200 {
		t.Errorf("refreshing a login after the reset: %d %s", r.Status, r.Raw)
	}
	if r := h.me(oa); r.Status != 200 || r.str("id") != other {
		t.Errorf("another account's login was ended: %d", r.Status)
	}
	// A reset code for a phone with no account: the same answer, no SMS.
	n := out.count()
	if r := h.do("POST", "/v1/auth/sms-codes", `{"phone":"13900100059","purpose":"reset_password"}`); r.Status != 202 {
		t.Fatalf("reset code for an unknown phone: %d %s", r.Status, r.Raw)
	}
	if out.count() != n {
		t.Error("an SMS went to a phone with no account")
	}
}

// TestConcurrentCodeVerification: 200 concurrent uses of one code, at most one succeeds.
func TestConcurrentCodeVerification(t *testing.T) {
	out := &smsOutbox{}
	h := newHarness(t, withPhoneCodes(out))
	h.registerWithCode(out, "13900100061")
	code := h.sendCode(out, "13900100061", models.PurposeResetPassword)
	var ok, refused atomic.Int32
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := h.do("POST", "/v1/auth/password-reset", fmt.Sprintf(`{"phone":"13900100061","code":"%s","newPassword":"new-secret-%d"}`, code, i))
			switch r.Status {
			case 204:
				ok.Add(1)
			case 422:
				refused.Add(1)
			default:
				t.Errorf("status %d: %s", r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || refused.Load() != 199 {
		t.Fatalf("%d resets succeeded, %d refused; want 1 and 199", ok.Load(), refused.Load())
	}
}

// TestAliyunSMSThroughTheAPI: with the Alibaba Cloud adapter pointed at a
// local fake, a code request reaches it signed, and the code it carries registers.
func TestAliyunSMSThroughTheAPI(t *testing.T) {
	var mu sync.Mutex
	var forms []url.Values
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f, _ := url.ParseQuery(string(body))
		mu.Lock()
		forms = append(forms, f)
		mu.Unlock()
		_, _ = w.Write([]byte(`{"Code":"OK","Message":"OK","RequestId":"r"}`))
	}))
	defer fake.Close()
	h := newHarness(t, withPhoneCodes(nil), func(s *harnessSetup) {
		s.svc.Accounts.SMS = &sms.Aliyun{Endpoint: fake.URL, AccessKeyID: "key-id", AccessKeySecret: "key-secret", SignName: "五社联动", TemplateCode: "SMS_1"}
	})
	if r := h.do("POST", "/v1/auth/sms-codes", `{"phone":"13900100071","purpose":"register"}`); r.Status != 202 {
		t.Fatalf("code: %d %s", r.Status, r.Raw)
	}
	mu.Lock()
	if len(forms) != 1 {
		t.Fatalf("%d requests reached the provider", len(forms))
	}
	f := forms[0]
	mu.Unlock()
	if f.Get("Action") != "SendSms" || f.Get("PhoneNumbers") != "13900100071" || f.Get("SignName") != "五社联动" || f.Get("TemplateCode") != "SMS_1" ||
		f.Get("AccessKeyId") != "key-id" || f.Get("Signature") != sms.AliyunSignature("POST", f, "key-secret") {
		t.Fatalf("request: %v", f)
	}
	var tp struct{ Code string }
	_ = json.Unmarshal([]byte(f.Get("TemplateParam")), &tp)
	if r := h.do("POST", "/v1/auth/register", `{"phone":"13900100071","password":"secret-pass","name":"钱七","code":"`+tp.Code+`"}`); r.Status != 201 {
		t.Fatalf("register with the code the provider got: %d %s", r.Status, r.Raw)
	}
	// A provider that refuses: 503, no code in the answer.
	fake.Close()
	if r := h.do("POST", "/v1/auth/sms-codes", `{"phone":"13900100072","purpose":"register"}`); r.Status != 503 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("provider down: %d %s", r.Status, r.Raw)
	}
}

// notices lists the "you already have an account" messages sent to phone.
func (o *smsOutbox) notices(phone string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, m := range o.sent {
		if m.Phone == phone && m.AccountExists {
			if m.Code != "" {
				panic("a notice carries a code")
			}
			n++
		}
	}
	return n
}

// TestRegistrationCodeAnswersAlike: asking for a registration code (or a
// move) to a registered phone answers exactly like asking for an
// unregistered one; the registered phone is told it has an account
// instead of being sent a code.
func TestRegistrationCodeAnswersAlike(t *testing.T) {
	out := &smsOutbox{}
	h := newHarness(t, withPhoneCodes(out))
	h.registerWithCode(out, "13900100061")
	tok, _ := h.login("13900100061", "secret-pass")
	for _, purpose := range []string{"register", "change_phone"} {
		ask := func(phone string, hdr ...string) response {
			return h.do("POST", "/v1/auth/sms-codes", `{"phone":"`+phone+`","purpose":"`+purpose+`"}`, hdr...)
		}
		unregistered := ask("13900100062")
		registered := ask("13900100061")
		signedIn := ask("13900100061", bearerHeader(tok)...)
		for _, r := range []response{registered, signedIn} {
			if r.Status != unregistered.Status || r.Raw != unregistered.Raw {
				t.Errorf("%s: registered %d %s, unregistered %d %s", purpose, r.Status, r.Raw, unregistered.Status, unregistered.Raw)
			}
			for _, k := range []string{"Content-Type", "Retry-After", "Cache-Control"} {
				if r.Header.Get(k) != unregistered.Header.Get(k) {
					t.Errorf("%s: header %s differs: %q vs %q", purpose, k, r.Header.Get(k), unregistered.Header.Get(k))
				}
			}
		}
		if unregistered.Status != 202 {
			t.Fatalf("%s: %d %s", purpose, unregistered.Status, unregistered.Raw)
		}
		if out.last("13900100062", models.CodePurpose(purpose)) == "" {
			t.Errorf("%s: the unregistered phone got no code", purpose)
		}
	}
	if n := out.notices("13900100061"); n != 4 {
		t.Errorf("the registered phone got %d notices, want 4", n)
	}
	if out.notices("13900100062") != 0 {
		t.Errorf("the unregistered phone got a notice")
	}
	// The notice is what the registered phone got: no code registers it again.
	if r := h.do("POST", "/v1/auth/register", `{"phone":"13900100061","password":"secret-pass","name":"某人","code":"123456"}`); r.Status != 422 && r.Status != 409 {
		t.Fatalf("registering a registered phone: %d %s", r.Status, r.Raw)
	}
}

// TestStrangerCannotLockOwnerOutOfSMSCodes: a stranger asks for codes to
// the owner's phone from several addresses until every per-phone limit
// refuses, and guesses the owner's code; the owner, from the address they
// logged in from before, still gets a code, and the code still works after
// the stranger's wrong guesses.
func TestStrangerCannotLockOwnerOutOfSMSCodes(t *testing.T) {
	out := &smsOutbox{}
	h := newHarness(t, withPhoneCodes(out), func(s *harnessSetup) {
		s.svc.Accounts.SMSLimitPhone, s.svc.Accounts.SMSLimitPhoneAll, s.svc.Accounts.SMSLimitIP = 2, 4, 1000
		s.http.TrustedProxies = []string{"0.0.0.0"}
	})
	const phone = "13900100071"
	from := func(ip string) []string { return []string{"X-Forwarded-For", ip} }
	ask := func(ip string) response {
		return h.do("POST", "/v1/auth/sms-codes", `{"phone":"`+phone+`","purpose":"reset_password"}`, from(ip)...)
	}
	h.registerWithCode(out, phone)
	if r := h.do("POST", "/v1/auth/login", `{"phone":"`+phone+`","password":"secret-pass"}`, from("198.51.100.10")...); r.Status != 200 {
		t.Fatalf("owner's login: %d %s", r.Status, r.Raw)
	}
	// The stranger: two codes from one address, then that address is refused for this phone.
	for i, want := range []int{202, 202, 429} {
		if r := ask("203.0.113.1"); r.Status != want {
			t.Fatalf("stranger's request %d from one address: %d %s", i+1, r.Status, r.Raw)
		}
	}
	// From other addresses the phone-wide limit (4) is reached.
	refused := false
	for i := 2; i <= 5 && !refused; i++ {
		r := ask("203.0.113." + strconv.Itoa(i))
		refused = r.Status == 429
		if refused && (r.Header.Get("Retry-After") == "" || !strings.Contains(r.str("detail"), "后再试")) {
			t.Fatalf("429 without the wait: %v %s", r.Header, r.Raw)
		}
	}
	if !refused {
		t.Fatal("the phone-wide limit never refused a stranger")
	}
	// A new stranger address is refused too; the owner's address is not.
	if r := ask("203.0.113.9"); r.Status != 429 {
		t.Fatalf("another stranger address: %d %s", r.Status, r.Raw)
	}
	if r := ask("198.51.100.10"); r.Status != 202 {
		t.Fatalf("the owner asks for a code: %d %s", r.Status, r.Raw)
	}
	code := out.last(phone, models.PurposeResetPassword)
	// The stranger guesses from one address until it is used up.
	reset := func(ip, code string) response {
		return h.do("POST", "/v1/auth/password-reset", `{"phone":"`+phone+`","code":"`+code+`","newPassword":"new-secret-1"}`, from(ip)...)
	}
	for i := 1; i <= 6; i++ {
		if r := reset("203.0.113.1", otherCode(code)); r.Status != 422 {
			t.Fatalf("stranger's guess %d: %d %s", i, r.Status, r.Raw)
		}
	}
	if r := reset("203.0.113.1", code); r.Status != 422 {
		t.Fatalf("the stranger's address, used up, with the right code: %d %s", r.Status, r.Raw)
	}
	if r := reset("198.51.100.10", code); r.Status != 204 {
		t.Fatalf("the owner's code after the stranger's guesses: %d %s", r.Status, r.Raw)
	}
	h.login(phone, "new-secret-1")
}
