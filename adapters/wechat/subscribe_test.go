package wechat_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/wushe/wushe/adapters/wechat"
	"github.com/wushe/wushe/models"
)

// fakeMessages is WeChat's token and subscribe-send API: each send answers
// the next errcode of answers (0 when none are left).
type fakeMessages struct {
	mu       sync.Mutex
	tokens   int
	answers  []int
	messages []map[string]any
}

func (f *fakeMessages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := r.URL.Query()
	switch r.URL.Path {
	case "/cgi-bin/token":
		if q.Get("grant_type") != "client_credential" || q.Get("appid") != "wx-app" || q.Get("secret") != "wx-secret" {
			_ = json.NewEncoder(w).Encode(map[string]any{"errcode": 40013, "errmsg": "invalid appid"})
			return
		}
		f.tokens++
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "tok-" + string(rune('0'+f.tokens)), "expires_in": 7200})
	case "/cgi-bin/message/subscribe/send":
		var m map[string]any
		_ = json.NewDecoder(r.Body).Decode(&m)
		m["access_token"] = q.Get("access_token")
		f.messages = append(f.messages, m)
		code := 0
		if len(f.answers) > 0 {
			code, f.answers = f.answers[0], f.answers[1:]
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"errcode": code, "errmsg": "errmsg"})
	default:
		http.NotFound(w, r)
	}
}

// TestSubscribeSend: the message goes to the bound openid with the kind's
// template, the notice's page and data as WeChat takes them (values cut to
// 20 characters); the access token is fetched once and reused, renewed once
// when WeChat says it died; a refused subscription is not an error; a kind
// without a template or an account without an openid sends nothing.
func TestSubscribeSend(t *testing.T) {
	fake := &fakeMessages{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	ch := &wechat.Subscribe{BaseURL: srv.URL, AppID: "wx-app", AppSecret: "wx-secret",
		Templates: map[models.NotificationKind]string{models.NoteInvitation: "TPL-INVITE"}}
	ctx := context.Background()
	to := &models.Account{ID: "a1", WeChatOpenID: "openid-a"}
	n := &models.Notification{ID: "n1", Kind: models.NoteInvitation,
		Data: map[string]string{"thing1": "助老上门探访助老上门探访助老上门探访助老上门探访", "time2": "2026-03-01 09:00"}}
	if err := ch.Send(ctx, to, n); err != nil {
		t.Fatal(err)
	}
	fake.answers = []int{40001} // the cached token died early: renewed once
	if err := ch.Send(ctx, to, n); err != nil {
		t.Fatal(err)
	}
	fake.answers = []int{43101} // the person did not subscribe
	if err := ch.Send(ctx, to, n); err != nil {
		t.Fatalf("refused subscription: %v", err)
	}
	fake.answers = []int{40001, 40001}
	if err := ch.Send(ctx, to, n); err == nil || !strings.Contains(err.Error(), "40001") {
		t.Fatalf("token dead twice: %v", err)
	}
	if err := ch.Send(ctx, &models.Account{ID: "a2"}, n); err != nil {
		t.Fatal(err)
	}
	if err := ch.Send(ctx, to, &models.Notification{ID: "n2", Kind: models.NoteShift1h}); err != nil {
		t.Fatal(err)
	}
	fake.mu.Lock()
	msgs, tokens := fake.messages, fake.tokens
	fake.mu.Unlock()
	if len(msgs) != 6 || tokens != 3 {
		t.Fatalf("%d messages with %d tokens, want 6 with 3", len(msgs), tokens)
	}
	m := msgs[0]
	if m["touser"] != "openid-a" || m["template_id"] != "TPL-INVITE" || m["page"] != "pages/notices/index?id=n1" ||
		m["miniprogram_state"] != "formal" || m["lang"] != "zh_CN" || m["access_token"] != "tok-1" {
		t.Errorf("message: %v", m)
	}
	data := m["data"].(map[string]any)
	if v := data["thing1"].(map[string]any)["value"].(string); len([]rune(v)) != 20 || !strings.HasPrefix(v, "助老上门探访") {
		t.Errorf("thing1 %q, want the first 20 characters", v)
	}
	if msgs[1]["access_token"] != "tok-1" || msgs[2]["access_token"] != "tok-2" {
		t.Errorf("token reuse and renewal: %v, %v", msgs[1]["access_token"], msgs[2]["access_token"])
	}

	srv.Close()
	fresh := &wechat.Subscribe{BaseURL: srv.URL, AppID: "wx-app", AppSecret: "wx-secret", Templates: ch.Templates}
	if err := fresh.Send(ctx, to, n); err == nil || strings.Contains(err.Error(), "wx-secret") {
		t.Fatalf("unreachable WeChat: %v (must not show the secret)", err)
	}
}
