package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/wushe/wushe/adapters/internal/redact"
	"github.com/wushe/wushe/models"
)

// Subscribe sends notifications as WeChat mini-program subscription
// messages (订阅消息) to the account's bound openid:
// POST {BaseURL}/cgi-bin/message/subscribe/send?access_token=… with
// {touser, template_id, page, data: {field: {value}}}, the access token from
// GET {BaseURL}/cgi-bin/token?grant_type=client_credential&appid=&secret=
// (cached until shortly before it expires). A notification kind without a
// template, or an account without an openid, is skipped: the inbox has it.
type Subscribe struct {
	BaseURL   string // default https://api.weixin.qq.com
	AppID     string
	AppSecret string
	Templates map[models.NotificationKind]string // kind → template id approved for the mini-program
	Page      string                             // mini-program page opened from the message; default pages/notices/index
	State     string                             // miniprogram_state: formal (default), trial or developer
	Client    *http.Client

	mu      sync.Mutex
	token   string
	expires time.Time
}

// Name is "wechat".
func (w *Subscribe) Name() string { return "wechat" }

// reply is the error part of every WeChat server API answer.
type reply struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// WeChat error codes the channel handles.
const (
	errcodeTokenInvalid = 40001 // access_token invalid or expired
	errcodeTokenExpired = 42001
	errcodeRefused      = 43101 // the user has not accepted (or used up) the subscription
)

// Send delivers one notification.
func (w *Subscribe) Send(ctx context.Context, to *models.Account, n *models.Notification) error {
	tpl := w.Templates[n.Kind]
	if tpl == "" || to.WeChatOpenID == "" {
		return nil
	}
	data := map[string]map[string]string{}
	for k, v := range n.Data {
		data[k] = map[string]string{"value": truncateRunes(v, 20)}
	}
	page := w.Page
	if page == "" {
		page = "pages/notices/index"
	}
	state := w.State
	if state == "" {
		state = "formal"
	}
	body, _ := json.Marshal(map[string]any{"touser": to.WeChatOpenID, "template_id": tpl, "page": page + "?id=" + n.ID,
		"miniprogram_state": state, "lang": "zh_CN", "data": data})
	for attempt := 0; ; attempt++ {
		tok, err := w.accessToken(ctx, attempt > 0)
		if err != nil {
			return err
		}
		var r reply
		if err := w.call(ctx, http.MethodPost, "/cgi-bin/message/subscribe/send?access_token="+url.QueryEscape(tok), body, &r); err != nil {
			return err
		}
		switch r.ErrCode {
		case 0:
			return nil
		case errcodeRefused:
			return nil // not an error of ours: the person chose not to subscribe
		case errcodeTokenInvalid, errcodeTokenExpired:
			if attempt == 0 {
				continue // the cached token died early: fetch a new one, once
			}
		}
		return fmt.Errorf("wechat subscribe send: errcode %d: %s", r.ErrCode, r.ErrMsg)
	}
}

func (w *Subscribe) accessToken(ctx context.Context, refresh bool) (string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !refresh && w.token != "" && time.Now().Before(w.expires) {
		return w.token, nil
	}
	var r struct {
		reply
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	q := url.Values{"grant_type": {"client_credential"}, "appid": {w.AppID}, "secret": {w.AppSecret}}
	if err := w.call(ctx, http.MethodGet, "/cgi-bin/token?"+q.Encode(), nil, &r); err != nil {
		return "", err
	}
	if r.ErrCode != 0 || r.AccessToken == "" {
		return "", fmt.Errorf("wechat access token: errcode %d: %s", r.ErrCode, r.ErrMsg)
	}
	w.token = r.AccessToken
	// Renew five minutes early (WeChat's tokens live 7,200 s).
	w.expires = time.Now().Add(time.Duration(max(r.ExpiresIn-300, 60)) * time.Second)
	return w.token, nil
}

func (w *Subscribe) call(ctx context.Context, method, path string, body []byte, out any) error {
	base := strings.TrimSuffix(w.BaseURL, "/")
	if base == "" {
		base = "https://api.weixin.qq.com"
	}
	client := w.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		// The URL carries the AppSecret or the access token: never in an error.
		return fmt.Errorf("wechat %s: %w", strings.SplitN(path, "?", 2)[0], redact.URLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("wechat %s: HTTP %d", strings.SplitN(path, "?", 2)[0], resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// truncateRunes cuts s to at most n characters (WeChat's thing fields take 20).
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
