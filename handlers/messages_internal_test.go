package handlers

import (
	"fmt"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2/validation"
)

// Every template of Huma's is tagged with its code, and every code has a
// message in both languages.
func TestCatalogueCoversHumaTemplates(t *testing.T) {
	seen := map[string]bool{}
	for _, h := range humaTemplates {
		args := []any{"1", "2"}[:h.args]
		code, got, ok := parseTagged(fmt.Sprintf(*h.v, args...))
		if !ok || code != h.code {
			t.Errorf("template %q is not tagged with %q", *h.v, h.code)
		}
		if len(got) != h.args {
			t.Errorf("code %q: %d arguments back, want %d", h.code, len(got), h.args)
		}
		if seen[h.code] {
			t.Errorf("code %q used twice", h.code)
		}
		seen[h.code] = true
		if h.msg.zh == "" || h.msg.en == "" {
			t.Errorf("code %q lacks a message", h.code)
		}
		if strings.Count(h.msg.en, "%") > h.args || strings.Count(h.msg.zh, "%") > h.args {
			t.Errorf("code %q: more verbs than the %d arguments Huma passes", h.code, h.args)
		}
	}
}

func TestSafeMessageAnswersFromTheCatalogue(t *testing.T) {
	for _, c := range []struct {
		msg    string
		zh, en string
	}{
		{fmt.Sprintf(validation.MsgExpectedMinimumNumber, 1), "应 >= 1", "expected number >= 1"},
		{fmt.Sprintf(validation.MsgExpectedMaxLength, 200), "长度应 <= 200", "expected length <= 200"},
		{fmt.Sprintf(validation.MsgExpectedOneOf, "a, b"), "取值应为以下之一：\"a, b\"", "expected value to be one of \"a, b\""},
		{fmt.Sprintf(validation.MsgExpectedDependentRequiredProperty, "end", "start"), "有字段 start 时须有字段 end", "expected property end to be present when start is present"},
		// the argument is the value's parse error: never shown
		{fmt.Sprintf(validation.MsgExpectedRFC5322Email, "mail: no angle-addr in \"Zq7\""), "应为电子邮箱地址", "expected string to be RFC 5322 email"},
		{"invalid integer", "应为整数", "invalid integer"},
		{"required query parameter is missing", "缺少必需的query参数", "required query parameter is missing"},
		// anything else, a Go error above all, gets the generic text
		{"json: cannot unmarshal string into Go struct field .x of type int", "取值类型不符或超出范围", "the value has the wrong type or is out of range"},
		{tag + "no_such_code" + sep + "Zq7", "取值类型不符或超出范围", "the value has the wrong type or is out of range"},
	} {
		if got := safeMessage(c.msg, false); got != c.zh {
			t.Errorf("zh %q: got %q, want %q", c.msg, got, c.zh)
		}
		if got := safeMessage(c.msg, true); got != c.en {
			t.Errorf("en %q: got %q, want %q", c.msg, got, c.en)
		}
	}
	if p, ok := missingProperty(fmt.Sprintf(validation.MsgExpectedRequiredProperty, "title")); !ok || p != "title" {
		t.Errorf("missing property: got %q %v", p, ok)
	}
}
