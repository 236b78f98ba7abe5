package models

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// RFC 8785 §3.2.2 sample input and its canonical form.
func TestCanonicalJSONRFC8785Sample(t *testing.T) {
	in := `{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`
	want := `{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`
	got, err := CanonicalJSON([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// RFC 8785 §3.2.3 sorting example: keys ordered by UTF-16 code units, so the
// emoji (D83D DE00) comes before U+FB33 although its code point is larger.
func TestCanonicalJSONRFC8785Sorting(t *testing.T) {
	in := `{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}`
	want := "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\"," +
		"\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\"," +
		"\"😀\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}"
	got, err := CanonicalJSON([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// RFC 8785 Appendix B: IEEE 754 bit patterns and their ES serialisation.
func TestFormatESRFC8785Table(t *testing.T) {
	cases := []struct {
		bits uint64
		want string
	}{
		{0x0000000000000000, "0"},
		{0x8000000000000000, "0"}, // -0
		{0x0000000000000001, "5e-324"},
		{0x8000000000000001, "-5e-324"},
		{0x7fefffffffffffff, "1.7976931348623157e+308"},
		{0xffefffffffffffff, "-1.7976931348623157e+308"},
		{0x4340000000000000, "9007199254740992"},
		{0xc340000000000000, "-9007199254740992"},
		{0x4430000000000000, "295147905179352830000"},
		{0x44b52d02c7e14af5, "9.999999999999997e+22"},
		{0x44b52d02c7e14af6, "1e+23"},
		{0x44b52d02c7e14af7, "1.0000000000000001e+23"},
		{0x444b1ae4d6e2ef4e, "999999999999999700000"},
		{0x444b1ae4d6e2ef4f, "999999999999999900000"},
		{0x444b1ae4d6e2ef50, "1e+21"},
		{0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
		{0x3eb0c6f7a0b5ed8d, "0.000001"},
		{0x41b3de4355555553, "333333333.3333332"},
		{0x41b3de4355555554, "333333333.33333325"},
		{0x41b3de4355555555, "333333333.3333333"},
		{0x41b3de4355555556, "333333333.3333334"},
		{0x41b3de4355555557, "333333333.33333343"},
		{0xbecbf647612f3696, "-0.0000033333333333333333"},
		{0x43143ff3c1cb0959, "1424953923781206.2"},
	}
	for _, c := range cases {
		got, err := FormatES(math.Float64frombits(c.bits))
		if err != nil || got != c.want {
			t.Errorf("%016x: got %q, %v; want %q", c.bits, got, err, c.want)
		}
	}
	for _, bits := range []uint64{0x7fffffffffffffff, 0x7ff0000000000000, 0xfff0000000000000} {
		if _, err := FormatES(math.Float64frombits(bits)); !errors.Is(err, ErrNonFinite) {
			t.Errorf("%016x: got %v, want ErrNonFinite", bits, err)
		}
	}
}

func TestFormatESEdges(t *testing.T) {
	cases := []struct {
		f    float64
		want string
	}{
		{1e21, "1e+21"},
		{1e20, "100000000000000000000"},
		{1e-7, "1e-7"},
		{1.5e-7, "1.5e-7"},
		{1e-6, "0.000001"},
		{123e-9, "1.23e-7"},
		{0.1, "0.1"},
		{-1.25, "-1.25"},
		{2.5, "2.5"},
		{100, "100"},
		{1e300, "1e+300"},
		{12.34, "12.34"},
	}
	for _, c := range cases {
		if got, err := FormatES(c.f); err != nil || got != c.want {
			t.Errorf("%v: got %q, %v; want %q", c.f, got, err, c.want)
		}
	}
}

func TestCanonicalJSONEdges(t *testing.T) {
	cases := []struct{ in, want string }{
		{`-0`, `0`},
		{`-0.0e5`, `0`},
		{`[ [ ], [ [1 ,2], {"b" : [ {} ] , "a":null} ] ]`, `[[],[[1,2],{"a":null,"b":[{}]}]]`},
		{`"\u001f\u007f\u2028<>&\/"`, "\"\\u001f\u007f\u2028<>&/\""},
		{`"\b\f\n\r\t\u0000"`, `"\b\f\n\r\t\u0000"`},
		{`{"\u20ac":1,"\ud83d\ude00":2,"\r":3}`, "{\"\\r\":3,\"€\":1,\"😀\":2}"},
		{`{"b":1,"a":{"d":true,"c":false}}`, `{"a":{"c":false,"d":true},"b":1}`},
		{`{"aa":1,"a":2,"":3}`, `{"":3,"a":2,"aa":1}`},
		{`1E400`, ``}, // overflow: rejected below
		{`1e-400`, `0`},
		{` 4.50 `, `4.5`},
		{`"\u00E9"`, `"é"`},
	}
	for _, c := range cases {
		got, err := CanonicalJSON([]byte(c.in))
		if c.want == "" {
			if err == nil {
				t.Errorf("%s: got %s, want an error", c.in, got)
			}
			continue
		}
		if err != nil || string(got) != c.want {
			t.Errorf("%s: got %s, %v; want %s", c.in, got, err, c.want)
		}
	}
}

func TestCanonicalJSONRejects(t *testing.T) {
	bad := []string{
		``,
		`{"a":1,"a":2}`,       // duplicate key
		`{"a":1,"\u0061":2}`,  // duplicate after unescaping
		`{"a":{"x":1,"x":1}}`, // nested duplicate
		`NaN`, `Infinity`, `-Infinity`,
		`01`, `1.`, `.5`, `+1`, `1e`, `-`,
		`"\ud800"`, `"\udc00"`, `"\ud800\u0041"`, // lone surrogates
		"\"\xff\"", // invalid UTF-8
		"\"a\nb\"", // raw control character
		`"\x"`,
		`[1,]`, `{"a":1,}`, `{a:1}`, `[1 2]`, `{"a" 1}`,
		`true false`, `nul`, `[`, `{"a":`,
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001), // deeper than the library's bound (encoding/json's)
	}
	for _, in := range bad {
		if got, err := CanonicalJSON([]byte(in)); err == nil {
			t.Errorf("%q: got %s, want an error", in, got)
		}
	}
}

func TestCanonicalize(t *testing.T) {
	type inner struct {
		Z int     `json:"z"`
		A float64 `json:"a"`
	}
	v := map[string]any{
		"list":  []any{inner{Z: 1, A: 0.5}, "<&>"},
		"empty": map[string]int{},
		"neg":   math.Copysign(0, -1),
	}
	got, err := Canonicalize(v)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"empty":{},"list":[{"a":0.5,"z":1},"<&>"],"neg":0}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if _, err := Canonicalize(math.NaN()); err == nil {
		t.Error("NaN: want an error")
	}
	// Canonical output is a fixed point.
	again, err := CanonicalJSON(got)
	if err != nil || string(again) != string(got) {
		t.Errorf("not idempotent: %s, %v", again, err)
	}
}
