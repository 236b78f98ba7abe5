package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wushe/wushe/adapters/wechat"
	"github.com/wushe/wushe/models"
)

// fakeWeChat answers jscode2session: a code "code-<openid>" is that openid,
// "bad" an invalid code; it records the app id and secret it was given.
type fakeWeChat struct {
	srv            *httptest.Server
	mu             sync.Mutex
	appid, secrets map[string]bool
}

func newFakeWeChat(t *testing.T) *fakeWeChat {
	f := &fakeWeChat{appid: map[string]bool{}, secrets: map[string]bool{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.URL.Path != "/sns/jscode2session" || q.Get("grant_type") != "authorization_code" {
			http.NotFound(w, r)
			return
		}
		f.mu.Lock()
		f.appid[q.Get("appid")], f.secrets[q.Get("secret")] = true, true
		f.mu.Unlock()
		if openid, ok := strings.CutPrefix(q.Get("js_code"), "code-"); ok {
			fmt.Fprintf(w, `{"openid":%q,"session_key":"sk-%s","unionid":"union-%s"}`, openid, openid, openid)
			return
		}
		_, _ = w.Write([]byte(`{"errcode":40029,"errmsg":"invalid code, rid: 1"}`))
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func withWeChat(f *fakeWeChat) harnessOpt {
	return func(s *harnessSetup) {
		s.svc.Accounts.WeChat = &wechat.API{BaseURL: f.srv.URL, AppID: "wx-test-app", AppSecret: "wx-test-secret"}
	}
}

func TestWeChatLoginAndBind(t *testing.T) {
	out, wx := &smsOutbox{}, newFakeWeChat(t)
	clock := &testClock{}
	h := newHarness(t, withPhoneCodes(out), withWeChat(wx), func(s *harnessSetup) { s.svc.Now = clock.Now })

	// An unknown WeChat user gets a binding ticket, not tokens.
	r := h.do("POST", "/v1/auth/wechat", `{"code":"code-o-alice"}`)
	if r.Status != 200 || r.Body["bound"] != false || r.str("ticket") == "" || r.Body["tokens"] != nil || r.Body["ticketExpiresIn"] != float64(600) {
		t.Fatalf("unknown openid: %d %s", r.Status, r.Raw)
	}
	ticket := r.str("ticket")
	if !wx.appid["wx-test-app"] || !wx.secrets["wx-test-secret"] {
		t.Errorf("the fake saw app ids %v", wx.appid)
	}
	// Binding needs the code of the phone.
	if r := h.do("POST", "/v1/auth/wechat/bind", `{"ticket":"`+ticket+`","phone":"13900200001","code":"123456"}`); r.Status != 422 || !hasLocation(r, "body.code") {
		t.Fatalf("bind without a sent code: %d %s", r.Status, r.Raw)
	}
	code := h.sendCode(out, "13900200001", models.PurposeBindWeChat)
	if r := h.do("POST", "/v1/auth/wechat/bind", `{"ticket":"not-a-ticket","phone":"13900200001","code":"`+code+`"}`); r.Status != 401 {
		t.Fatalf("a made-up ticket: %d %s", r.Status, r.Raw)
	}
	r = h.do("POST", "/v1/auth/wechat/bind", `{"ticket":"`+ticket+`","phone":"13900200001","code":"`+code+`","name":"爱丽丝"}`)
	if r.Status != 200 || r.str("accessToken") == "" {
		t.Fatalf("bind a new phone: %d %s", r.Status, r.Raw)
	}
	alice := r.str("account", "id")
	if me := h.me(r.str("accessToken")); me.Status != 200 || me.str("name") != "爱丽丝" || me.Body["wechatBound"] != true || me.str("phone") != "13900200001" {
		t.Fatalf("the new account: %s", me.Raw)
	}
	a, _ := h.db.Accounts().AccountByID(context.Background(), alice)
	if a.WeChatOpenID != "o-alice" || a.WeChatUnionID != "union-o-alice" {
		t.Errorf("openid on the account: %+v", a)
	}
	// The ticket is spent.
	code = h.sendCode(out, "13900200001", models.PurposeBindWeChat)
	if r := h.do("POST", "/v1/auth/wechat/bind", `{"ticket":"`+ticket+`","phone":"13900200001","code":"`+code+`"}`); r.Status != 401 {
		t.Fatalf("a used ticket: %d %s", r.Status, r.Raw)
	}
	// Now bound: the next WeChat login gets tokens of that account.
	r = h.do("POST", "/v1/auth/wechat", `{"code":"code-o-alice"}`)
	if r.Status != 200 || r.Body["bound"] != true || r.str("tokens", "account", "id") != alice || r.str("ticket") != "" {
		t.Fatalf("bound openid: %d %s", r.Status, r.Raw)
	}
	if me := h.me(r.Body["tokens"].(map[string]any)["accessToken"].(string)); me.Status != 200 || me.str("id") != alice {
		t.Fatalf("WeChat access token: %d %s", me.Status, me.Raw)
	}
	// A bad code is a 401 problem.
	r = h.do("POST", "/v1/auth/wechat", `{"code":"bad"}`)
	if r.Status != 401 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") || strings.Contains(r.Raw, "40029") {
		t.Fatalf("bad code: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/auth/wechat", `{"code":""}`); r.Status != 422 {
		t.Fatalf("empty code: %d %s", r.Status, r.Raw)
	}

	// A WeChat user binding to an existing account links it; its password stays.
	h.registerWithCode(out, "13900200002")
	r = h.do("POST", "/v1/auth/wechat", `{"code":"code-o-bob"}`)
	ticket = r.str("ticket")
	code = h.sendCode(out, "13900200002", models.PurposeBindWeChat)
	r = h.do("POST", "/v1/auth/wechat/bind", `{"ticket":"`+ticket+`","phone":"13900200002","code":"`+code+`"}`)
	if r.Status != 200 || r.Body["account"].(map[string]any)["wechatBound"] != true {
		t.Fatalf("link an existing account: %d %s", r.Status, r.Raw)
	}
	h.login("13900200002", "secret-pass")
	// That account cannot take a second WeChat user, nor the first user a second account.
	ticket = h.do("POST", "/v1/auth/wechat", `{"code":"code-o-carol"}`).str("ticket")
	code = h.sendCode(out, "13900200002", models.PurposeBindWeChat)
	if r := h.do("POST", "/v1/auth/wechat/bind", `{"ticket":"`+ticket+`","phone":"13900200002","code":"`+code+`"}`); r.Status != 409 {
		t.Fatalf("a second WeChat user on one account: %d %s", r.Status, r.Raw)
	}
	// A ticket expires after 10 minutes.
	ticket = h.do("POST", "/v1/auth/wechat", `{"code":"code-o-dave"}`).str("ticket")
	clock.jumpTo(time.Now().Add(10*time.Minute + time.Second))
	code = h.sendCode(out, "13900200004", models.PurposeBindWeChat)
	if r := h.do("POST", "/v1/auth/wechat/bind", `{"ticket":"`+ticket+`","phone":"13900200004","code":"`+code+`"}`); r.Status != 401 {
		t.Fatalf("a ticket 10 min 1 s old: %d %s", r.Status, r.Raw)
	}
}

func TestWeChatLoginNotConfigured(t *testing.T) {
	h := newHarness(t)
	if r := h.do("POST", "/v1/auth/wechat", `{"code":"code-x"}`); r.Status != 503 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("no WeChat configured: %d %s", r.Status, r.Raw)
	}
}

// TestWeChatBindRace: 100 binds of one WeChat user at once, each with its
// own ticket and its own verified phone, give one account.
func TestWeChatBindRace(t *testing.T) {
	out, wx := &smsOutbox{}, newFakeWeChat(t)
	h := newHarness(t, withPhoneCodes(out), withWeChat(wx))
	type attempt struct{ ticket, phone, code string }
	var attempts []attempt
	for i := range 100 {
		phone := fmt.Sprintf("1390030%04d", i)
		r := h.do("POST", "/v1/auth/wechat", `{"code":"code-o-race"}`)
		if r.Status != 200 || r.str("ticket") == "" {
			t.Fatalf("ticket %d: %d %s", i, r.Status, r.Raw)
		}
		attempts = append(attempts, attempt{r.str("ticket"), phone, h.sendCode(out, phone, models.PurposeBindWeChat)})
	}
	var ok, conflict atomic.Int32
	var winner atomic.Value
	var wg sync.WaitGroup
	for _, a := range attempts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := h.do("POST", "/v1/auth/wechat/bind", `{"ticket":"`+a.ticket+`","phone":"`+a.phone+`","code":"`+a.code+`"}`)
			switch r.Status {
			case 200:
				ok.Add(1)
				winner.Store(a.phone)
			case 409:
				conflict.Add(1)
			default:
				t.Errorf("status %d: %s", r.Status, r.Raw)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || conflict.Load() != 99 {
		t.Fatalf("%d binds succeeded, %d conflicted; want 1 and 99", ok.Load(), conflict.Load())
	}
	ctx := context.Background()
	accounts := 0
	for _, a := range attempts {
		if acct, err := h.db.Accounts().AccountByPhone(ctx, a.phone); err == nil {
			accounts++
			if a.phone != winner.Load() || acct.WeChatOpenID != "o-race" {
				t.Errorf("account for %s: %+v", a.phone, acct)
			}
		}
	}
	if accounts != 1 {
		t.Fatalf("%d accounts exist for one WeChat user", accounts)
	}
	if r := h.do("POST", "/v1/auth/wechat", `{"code":"code-o-race"}`); r.Body["bound"] != true {
		t.Fatalf("after the race: %s", r.Raw)
	}
}
