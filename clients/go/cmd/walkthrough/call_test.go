package main

import (
	"strings"
	"testing"

	"github.com/wushe/wushe/clients/go/wushe"
)

// The walk-through's decoding is strict: a field the document does not
// list, or a second value, fails; an answer as documented decodes.
func TestStrictDecoding(t *testing.T) {
	var code wushe.CodeOutputBody
	if err := strict("code", []byte(`{"code":"123456","changesAt":"2026-12-05T07:30:00+08:00"}`), &code); err != nil || code.Code != "123456" {
		t.Fatalf("a documented answer: %v, %+v", err, code)
	}
	for _, body := range []string{
		`{"code":"123456","changesAt":"2026-12-05T07:30:00+08:00","secret":"x"}`,
		`{"code":"123456","changesAt":"2026-12-05T07:30:00+08:00"} {}`,
		`{"code":123456}`,
	} {
		if err := strict("code", []byte(body), &code); err == nil {
			t.Errorf("%s decoded without an error", body)
		} else if !strings.HasPrefix(err.Error(), "code: ") {
			t.Errorf("the error does not name the call: %v", err)
		}
	}
}
