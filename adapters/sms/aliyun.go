// Package sms sends SMS through Alibaba Cloud SMS (dysmsapi). It sends what
// the service decided to send (a verification code, a notice that a phone
// has an account, a notification template); which codes, to whom and how
// often is the service's business. Aliyun implements accounts.SMSSender and
// service.TemplateTexter.
package sms

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/wushe/wushe/adapters/internal/redact"
	"github.com/wushe/wushe/models"
)

// Aliyun sends codes through Alibaba Cloud SMS (dysmsapi, SendSms,
// version 2017-05-25), signing each request with the RPC signature
// (HMAC-SHA1 over the canonicalised parameters).
type Aliyun struct {
	Endpoint        string // default https://dysmsapi.aliyuncs.com
	AccessKeyID     string
	AccessKeySecret string
	SignName        string // the approved signature, e.g. 五社联动
	TemplateCode    string // an approved template with a ${code} parameter
	// ExistsTemplate is an approved template without parameters telling
	// the person the phone already has an account (e.g. 该手机号已注册，
	// 可直接登录或找回密码；如非本人操作请忽略); empty: no such notice is sent.
	ExistsTemplate string
	Client         *http.Client
	Now            func() time.Time
}

// SendCode posts one SendSms request and checks the answer's Code is "OK".
// An error never contains the code.
func (a *Aliyun) SendCode(ctx context.Context, m models.SMSMessage) error {
	if m.AccountExists {
		if a.ExistsTemplate == "" {
			return nil
		}
		return a.SendTemplate(ctx, m.Phone, a.ExistsTemplate, map[string]string{})
	}
	return a.SendTemplate(ctx, m.Phone, a.TemplateCode, map[string]string{"code": m.Code})
}

// SendTemplate sends one approved template with its parameters (the
// notification channel uses it with other templates than the code's).
func (a *Aliyun) SendTemplate(ctx context.Context, phone, template string, param map[string]string) error {
	endpoint := a.Endpoint
	if endpoint == "" {
		endpoint = "https://dysmsapi.aliyuncs.com"
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	tp, _ := json.Marshal(param)
	params := url.Values{
		"AccessKeyId": {a.AccessKeyID}, "Action": {"SendSms"}, "Format": {"JSON"}, "RegionId": {"cn-hangzhou"},
		"SignatureMethod": {"HMAC-SHA1"}, "SignatureNonce": {hex.EncodeToString(nonce)}, "SignatureVersion": {"1.0"},
		"Timestamp": {now().UTC().Format("2006-01-02T15:04:05Z")}, "Version": {"2017-05-25"},
		"PhoneNumbers": {phone}, "SignName": {a.SignName}, "TemplateCode": {template}, "TemplateParam": {string(tp)},
	}
	params.Set("Signature", AliyunSignature(http.MethodPost, params, a.AccessKeySecret))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(endpoint, "/")+"/", strings.NewReader(params.Encode()))
	if err != nil {
		return fmt.Errorf("aliyun sms: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	client := a.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("aliyun sms: %w", redact.URLError(err))
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	var ans struct{ Code, Message, RequestId string }
	if err := json.Unmarshal(body, &ans); err != nil {
		return fmt.Errorf("aliyun sms: HTTP %d, unreadable answer", res.StatusCode)
	}
	if ans.Code != "OK" {
		return fmt.Errorf("aliyun sms: HTTP %d, %s: %s (request %s)", res.StatusCode, ans.Code, ans.Message, ans.RequestId)
	}
	return nil
}

// AliyunSignature is the RPC signature of params (Signature excluded):
// base64 of HMAC-SHA1 with key secret+"&" over
// METHOD&%2F&percentEncode(canonicalised query).
func AliyunSignature(method string, params url.Values, secret string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = aliyunEncode(k) + "=" + aliyunEncode(params.Get(k))
	}
	toSign := method + "&" + aliyunEncode("/") + "&" + aliyunEncode(strings.Join(parts, "&"))
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(toSign))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// aliyunEncode is RFC 3986 percent-encoding as Alibaba Cloud signs it.
func aliyunEncode(s string) string {
	return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(url.QueryEscape(s))
}
