package sms_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/adapters/sms"
	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/accounts"
)

// aliyunSign recomputes Alibaba Cloud's RPC signature the way its
// documentation spells it out, independently of sms.AliyunSignature.
func aliyunSign(method string, form url.Values, secret string) string {
	enc := func(s string) string {
		var b strings.Builder
		for _, c := range []byte(s) {
			if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
				b.WriteByte(c)
			} else {
				b.WriteString("%" + strings.ToUpper(string("0123456789abcdef"[c>>4])+string("0123456789abcdef"[c&15])))
			}
		}
		return b.String()
	}
	var keys []string
	for k := range form {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var pairs []string
	for _, k := range keys {
		pairs = append(pairs, enc(k)+"="+enc(form.Get(k)))
	}
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(method + "&" + enc("/") + "&" + enc(strings.Join(pairs, "&"))))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// TestAliyunSMSRequest: the adapter posts a signed SendSms request with
// the phone, the sign name, the template and the code as its parameter.
func TestAliyunSMSRequest(t *testing.T) {
	var got url.Values
	var method, path string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		method, path = r.Method, r.URL.Path
		body, _ := io.ReadAll(r.Body)
		got, _ = url.ParseQuery(string(body))
		_, _ = w.Write([]byte(`{"Code":"OK","Message":"OK","RequestId":"r-1","BizId":"b-1"}`))
	}))
	defer srv.Close()
	a := &sms.Aliyun{Endpoint: srv.URL, AccessKeyID: "LTAI-test", AccessKeySecret: "secret-test", SignName: "五社联动",
		TemplateCode: "SMS_123456", Now: func() time.Time { return time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC) }}
	err := a.SendCode(context.Background(), models.SMSMessage{Phone: "13800138000", Code: "042137", Purpose: models.PurposeRegister, TTL: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if method != http.MethodPost || path != "/" {
		t.Errorf("request %s %s", method, path)
	}
	var tp map[string]string
	_ = json.Unmarshal([]byte(got.Get("TemplateParam")), &tp)
	for k, want := range map[string]string{"Action": "SendSms", "Version": "2017-05-25", "PhoneNumbers": "13800138000", "SignName": "五社联动",
		"TemplateCode": "SMS_123456", "AccessKeyId": "LTAI-test", "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
		"Format": "JSON", "Timestamp": "2026-03-01T08:00:00Z"} {
		if got.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, got.Get(k), want)
		}
	}
	if tp["code"] != "042137" {
		t.Errorf("TemplateParam %q", got.Get("TemplateParam"))
	}
	if got.Get("SignatureNonce") == "" {
		t.Error("no SignatureNonce")
	}
	if sig := got.Get("Signature"); sig == "" || sig != aliyunSign(http.MethodPost, got, "secret-test") {
		t.Errorf("signature %q does not check out", sig)
	}
}

func TestAliyunSMSRefusal(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"Code":"isv.BUSINESS_LIMIT_CONTROL","Message":"触发天级流控","RequestId":"r-2"}`))
	}))
	defer srv.Close()
	a := &sms.Aliyun{Endpoint: srv.URL, AccessKeyID: "id", AccessKeySecret: "s", SignName: "x", TemplateCode: "t"}
	err := a.SendCode(context.Background(), models.SMSMessage{Phone: "13800138000", Code: "555777"})
	if err == nil || !strings.Contains(err.Error(), "BUSINESS_LIMIT_CONTROL") || strings.Contains(err.Error(), "555777") {
		t.Fatalf("refusal: %v", err)
	}
	srv.Close()
	if err := a.SendCode(context.Background(), models.SMSMessage{Phone: "13800138000", Code: "555777"}); err == nil || strings.Contains(err.Error(), "555777") {
		t.Fatalf("unreachable provider: %v", err)
	}
}

// Aliyun is both the service's code sender and its notification texter.
var (
	_ accounts.SMSSender     = (*sms.Aliyun)(nil)
	_ service.TemplateTexter = (*sms.Aliyun)(nil)
)
