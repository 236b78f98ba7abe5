package redact

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestURLErrorDropsTheURL(t *testing.T) {
	inner := errors.New("connection refused")
	err := URLError(&url.Error{Op: "Get", URL: "https://api.weixin.qq.com/cgi-bin/token?secret=s3cret", Err: inner})
	if strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "connection refused") || !errors.Is(err, inner) {
		t.Fatalf("redacted: %v", err)
	}
	if other := errors.New("x"); URLError(other) != other {
		t.Error("an error without a URL is changed")
	}
}
