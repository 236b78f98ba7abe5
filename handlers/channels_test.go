package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/wushe/wushe/adapters/wechat"
	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
)

// fakeWeChatMessages is WeChat's server API for subscription messages: it issues
// access tokens and records the messages it is sent.
type fakeWeChatMessages struct {
	mu       sync.Mutex
	tokens   int
	messages []map[string]any
	expireOn int // answer 40001 to this message number (1-based), once
}

func (f *fakeWeChatMessages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.URL.Path {
	case "/cgi-bin/token":
		if r.URL.Query().Get("appid") != "wx-app" || r.URL.Query().Get("secret") != "wx-secret" {
			_ = json.NewEncoder(w).Encode(map[string]any{"errcode": 40013, "errmsg": "invalid appid"})
			return
		}
		f.tokens++
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "tok-" + string(rune('0'+f.tokens)), "expires_in": 7200})
	case "/cgi-bin/message/subscribe/send":
		var m map[string]any
		_ = json.NewDecoder(r.Body).Decode(&m)
		m["access_token"] = r.URL.Query().Get("access_token")
		if f.expireOn > 0 && len(f.messages)+1 == f.expireOn {
			f.expireOn = 0
			_ = json.NewEncoder(w).Encode(map[string]any{"errcode": 40001, "errmsg": "invalid credential"})
			return
		}
		f.messages = append(f.messages, m)
		_ = json.NewEncoder(w).Encode(map[string]any{"errcode": 0, "errmsg": "ok"})
	default:
		http.NotFound(w, r)
	}
}

// TestWeChatSubscriptionMessages: a notification reaches the invited
// volunteer's bound openid through WeChat's subscribe API (template id and
// data fields as WeChat takes them), and nobody else; an expired access
// token is renewed once.
func TestWeChatSubscriptionMessages(t *testing.T) {
	fake := &fakeWeChatMessages{expireOn: 2}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	ch := &wechat.Subscribe{BaseURL: srv.URL, AppID: "wx-app", AppSecret: "wx-secret",
		Templates: map[models.NotificationKind]string{models.NoteInvitation: "TPL-INVITE"}}
	w := newWorld(t, func(s *harnessSetup) { s.svc.Channels = []service.Channel{ch} })
	zy, _ := w.committees(t)
	ctx := context.Background()
	bind := func(id, openid string) {
		a, err := w.h.db.Accounts().AccountByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		a.WeChatOpenID = openid
		if err := w.h.db.Accounts().SaveAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	a, _ := w.volunteerWithProfile(t, "13600500001", zy, "")
	b, _ := w.volunteerWithProfile(t, "13600500002", zy, "")
	c, _ := w.volunteerWithProfile(t, "13600500003", zy, "")
	bind(a, "openid-a")
	bind(b, "openid-b")
	// c has no WeChat: the inbox only.
	need := w.postNeed(t, zy, "")
	w.invite(t, zy, need, a)
	w.invite(t, zy, need, c)
	need2 := w.postNeed(t, zy, "")
	w.invite(t, zy, need2, a)

	fake.mu.Lock()
	defer fake.mu.Unlock()
	if len(fake.messages) != 2 {
		t.Fatalf("%d messages sent, want 2 (a twice; b never invited; c has no openid): %v", len(fake.messages), fake.messages)
	}
	for _, m := range fake.messages {
		if m["touser"] != "openid-a" || m["template_id"] != "TPL-INVITE" {
			t.Fatalf("message to the wrong person or template: %v", m)
		}
		data := m["data"].(map[string]any)
		if data["thing1"].(map[string]any)["value"] != "助老上门探访" || data["time2"] == nil {
			t.Fatalf("template data: %v", data)
		}
	}
	if fake.tokens != 2 || fake.messages[0]["access_token"] != "tok-1" || fake.messages[1]["access_token"] != "tok-2" {
		t.Fatalf("token renewal: %d tokens, %v", fake.tokens, fake.messages)
	}
}

// textRecorder records SMS templates sent.
type textRecorder struct {
	mu   sync.Mutex
	sent []string // phone|template|thing1
}

func (r *textRecorder) SendTemplate(ctx context.Context, phone, template string, param map[string]string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, phone+"|"+template+"|"+param["thing1"])
	return nil
}

// TestSMSNotices: only the kinds given an SMS template are texted, to the
// account's own phone.
func TestSMSNotices(t *testing.T) {
	rec := &textRecorder{}
	clock := &testClock{}
	w := newWorld(t, func(s *harnessSetup) {
		s.svc.Now, s.svc.Accounts.AccessTokenTTL = clock.Now, 30*24*time.Hour
		s.svc.Channels = []service.Channel{service.SMSNotices{Texter: rec, Templates: map[models.NotificationKind]string{models.NoteShift1h: "SMS_SHIFT"}}}
	})
	zy, _ := w.committees(t)
	need := w.postNeed(t, zy, "")
	vid, _ := w.volunteerWithProfile(t, "13600700001", zy, "")
	w.volunteerWithProfile(t, "13600700002", zy, "")
	w.invite(t, zy, need, vid) // an invitation: no SMS template, inbox only
	if r := w.h.do("POST", "/v1/needs/"+need+"/plan/volunteers", `{"volunteerId":"`+vid+`"}`, bearerHeader(zy)...); r.Status != 201 {
		t.Fatalf("place: %d %s", r.Status, r.Raw)
	}
	clock.jumpTo(parseSlot(t, slot(3, 9)).Add(-50 * time.Minute))
	for range 2 {
		if _, err := w.h.svc.RemindShifts(context.Background(), clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.sent) != 1 || rec.sent[0] != "13600700001|SMS_SHIFT|助老上门探访" {
		t.Fatalf("texts: %v", rec.sent)
	}
}
