// Package wechat is the WeChat mini-program's server API: API exchanges a
// login code for the user's identity (jscode2session, implements
// accounts.WeChatClient) and Subscribe sends subscription messages
// (implements service.Channel). Which user to log in or bind, and what to
// notify, is the service's business.
package wechat

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/wushe/wushe/adapters/internal/redact"
	"github.com/wushe/wushe/models"
)

// The errors Code2Session returns, as accounts.WeChatClient promises them.
var (
	errCode = models.E(models.KindUnauthorized, "微信登录凭证无效或已使用，请重新登录", "the WeChat login code is invalid or used; log in again")
	errDown = models.E(models.KindUnavailable, "微信服务暂不可用，请稍后再试", "WeChat cannot be reached; try again later")
)

// API is the mini-program's login API: GET
// {BaseURL}/sns/jscode2session?appid=&secret=&js_code=&grant_type=authorization_code.
type API struct {
	BaseURL   string // default https://api.weixin.qq.com
	AppID     string
	AppSecret string
	Client    *http.Client
}

// Code2Session calls jscode2session. A code WeChat refuses is a
// models.KindUnauthorized error; a WeChat that cannot be reached (or is
// busy, or answers garbage), models.KindUnavailable; no error shows the
// AppSecret. The session key WeChat returns is not kept: Wushe decrypts no
// WeChat data.
func (w *API) Code2Session(ctx context.Context, code string) (*models.WeChatIdentity, error) {
	base := w.BaseURL
	if base == "" {
		base = "https://api.weixin.qq.com"
	}
	q := url.Values{"appid": {w.AppID}, "secret": {w.AppSecret}, "js_code": {code}, "grant_type": {"authorization_code"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/sns/jscode2session?"+q.Encode(), nil)
	if err != nil {
		return nil, errDown.Wrap(fmt.Errorf("wechat: bad base URL"))
	}
	client := w.Client
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Second}
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, errDown.Wrap(fmt.Errorf("wechat jscode2session: %w", redact.URLError(err)))
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	var ans struct {
		OpenID  string `json:"openid"`
		UnionID string `json:"unionid"`
		ErrCode int    `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if res.StatusCode != http.StatusOK || json.Unmarshal(body, &ans) != nil {
		return nil, errDown.Wrap(fmt.Errorf("wechat jscode2session: HTTP %d, unreadable answer", res.StatusCode))
	}
	switch {
	case ans.ErrCode == -1: // system busy
		return nil, errDown.Wrap(fmt.Errorf("wechat jscode2session: busy: %s", ans.ErrMsg))
	case ans.ErrCode != 0 || ans.OpenID == "":
		return nil, errCode.Wrap(fmt.Errorf("wechat jscode2session: errcode %d: %s", ans.ErrCode, ans.ErrMsg))
	}
	return &models.WeChatIdentity{OpenID: ans.OpenID, UnionID: ans.UnionID}, nil
}
