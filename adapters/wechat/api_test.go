package wechat_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wushe/wushe/adapters/wechat"
	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/accounts"
)

func TestWeChatCode2Session(t *testing.T) {
	var query map[string]string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/sns/jscode2session" || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		q := r.URL.Query()
		query = map[string]string{"appid": q.Get("appid"), "secret": q.Get("secret"), "js_code": q.Get("js_code"), "grant_type": q.Get("grant_type")}
		w.Header().Set("Content-Type", "text/plain") // as WeChat answers
		switch q.Get("js_code") {
		case "good":
			_, _ = w.Write([]byte(`{"openid":"o-123","session_key":"sk","unionid":"u-9"}`))
		case "busy":
			_, _ = w.Write([]byte(`{"errcode":-1,"errmsg":"system error"}`))
		case "garbage":
			_, _ = w.Write([]byte(`<html>`))
		default:
			_, _ = w.Write([]byte(`{"errcode":40029,"errmsg":"invalid code"}`))
		}
	}))
	defer srv.Close()
	wx := &wechat.API{BaseURL: srv.URL, AppID: "wx-app", AppSecret: "wx-secret-1"}
	ctx := context.Background()
	id, err := wx.Code2Session(ctx, "good")
	if err != nil || id.OpenID != "o-123" || id.UnionID != "u-9" {
		t.Fatalf("good code: %+v %v", id, err)
	}
	if query["appid"] != "wx-app" || query["secret"] != "wx-secret-1" || query["js_code"] != "good" || query["grant_type"] != "authorization_code" {
		t.Errorf("query %v", query)
	}
	for code, kind := range map[string]*models.Error{"bad": models.ErrUnauthorized, "busy": models.ErrUnavailable, "garbage": models.ErrUnavailable} {
		_, err := wx.Code2Session(ctx, code)
		if !errors.Is(err, kind) {
			t.Errorf("%s: %v, want %v", code, err, kind)
		}
	}
	srv.Close()
	_, err = wx.Code2Session(ctx, "good")
	if !errors.Is(err, models.ErrUnavailable) || strings.Contains(err.Error(), "wx-secret-1") {
		t.Errorf("unreachable WeChat: %v (must not show the secret)", err)
	}
}

var (
	_ accounts.WeChatClient = (*wechat.API)(nil)
	_ service.Channel       = (*wechat.Subscribe)(nil)
)
