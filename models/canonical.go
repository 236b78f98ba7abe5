package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file implements the JSON Canonicalization Scheme (JCS, RFC 8785):
// the byte form over which service-record statements are signed.
//
//   - Objects: members sorted by their names compared as arrays of UTF-16
//     code units; duplicate names are rejected.
//   - No insignificant whitespace.
//   - Strings: only '"', '\\' and the control characters U+0000..U+001F are
//     escaped; \b \t \n \f \r use their short forms, the others \u00xx with
//     lower-case hex. Everything else, U+2028, U+2029, '<', '>' and '&'
//     included, is written as UTF-8. Input must be valid UTF-8 and may not
//     contain unpaired surrogate escapes (I-JSON, RFC 7493).
//   - Numbers: IEEE 754 doubles, written as ECMAScript's
//     Number.prototype.toString does (shortest round-trip digits; plain
//     notation for 1e-7 < |x| < 1e21; "1e+21", "1e-7" otherwise; -0 → "0").
//     NaN, ±Infinity and literals that overflow a double are rejected.
//
// The parser is strict on purpose: two byte strings that canonicalise to the
// same form must mean the same thing, so nothing is silently repaired
// (encoding/json would replace invalid UTF-8 and lone surrogates by U+FFFD).

// Canonicalize marshals v with encoding/json and returns its RFC 8785
// canonical form.
func Canonicalize(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("jcs: %w", err)
	}
	return CanonicalJSON(raw)
}

// CanonicalJSON returns the RFC 8785 canonical form of one JSON text. It
// rejects invalid JSON, invalid UTF-8, unpaired surrogates, duplicate object
// member names and numbers outside the range of a double.
func CanonicalJSON(raw []byte) ([]byte, error) {
	v, err := parseStrictJSON(raw)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	if err := writeCanonical(&b, v); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// jcsMember is one member of a parsed object, in input order.
type jcsMember struct {
	name  string
	value any
}

// jcsObject is a parsed object; values are jcsObject, []any, string,
// float64, bool or nil.
type jcsObject []jcsMember

func (o jcsObject) get(name string) (any, bool) {
	for _, m := range o {
		if m.name == name {
			return m.value, true
		}
	}
	return nil, false
}

// parseStrictJSON parses exactly one JSON value (surrounding whitespace
// allowed) under the rules above.
func parseStrictJSON(raw []byte) (any, error) {
	p := &jcsParser{s: raw}
	p.skipSpace()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i != len(p.s) {
		return nil, p.errorf("unexpected data after the top-level value")
	}
	return v, nil
}

const jcsMaxDepth = 512

type jcsParser struct {
	s []byte
	i int
}

func (p *jcsParser) errorf(format string, args ...any) error {
	return fmt.Errorf("jcs: offset %d: %s", p.i, fmt.Sprintf(format, args...))
}

func (p *jcsParser) skipSpace() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jcsParser) literal(word string, v any) (any, error) {
	if len(p.s)-p.i < len(word) || string(p.s[p.i:p.i+len(word)]) != word {
		return nil, p.errorf("invalid literal")
	}
	p.i += len(word)
	return v, nil
}

func (p *jcsParser) value(depth int) (any, error) {
	if depth > jcsMaxDepth {
		return nil, p.errorf("nesting too deep")
	}
	if p.i >= len(p.s) {
		return nil, p.errorf("unexpected end of input")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		return p.str()
	case c == 't':
		return p.literal("true", true)
	case c == 'f':
		return p.literal("false", false)
	case c == 'n':
		return p.literal("null", nil)
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		return nil, p.errorf("unexpected character %q", c)
	}
}

func (p *jcsParser) object(depth int) (any, error) {
	p.i++ // '{'
	obj := jcsObject{}
	seen := map[string]bool{}
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return obj, nil
	}
	for {
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return nil, p.errorf("expected a member name")
		}
		name, err := p.str()
		if err != nil {
			return nil, err
		}
		if seen[name] {
			return nil, p.errorf("duplicate member name %q", name)
		}
		seen[name] = true
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, p.errorf("expected ':'")
		}
		p.i++
		p.skipSpace()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		obj = append(obj, jcsMember{name, v})
		p.skipSpace()
		if p.i >= len(p.s) {
			return nil, p.errorf("unexpected end of input")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return obj, nil
		default:
			return nil, p.errorf("expected ',' or '}'")
		}
	}
}

func (p *jcsParser) array(depth int) (any, error) {
	p.i++ // '['
	arr := []any{}
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return arr, nil
	}
	for {
		p.skipSpace()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
		p.skipSpace()
		if p.i >= len(p.s) {
			return nil, p.errorf("unexpected end of input")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return arr, nil
		default:
			return nil, p.errorf("expected ',' or ']'")
		}
	}
}

func jcsHexVal(c byte) (rune, bool) {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0'), true
	case c >= 'a' && c <= 'f':
		return rune(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return rune(c-'A') + 10, true
	}
	return 0, false
}

// hex4 reads the four hex digits of a \u escape starting at p.i.
func (p *jcsParser) hex4() (rune, error) {
	if len(p.s)-p.i < 4 {
		return 0, p.errorf("short \\u escape")
	}
	var r rune
	for k := 0; k < 4; k++ {
		h, ok := jcsHexVal(p.s[p.i+k])
		if !ok {
			return 0, p.errorf("invalid \\u escape")
		}
		r = r<<4 | h
	}
	p.i += 4
	return r, nil
}

func (p *jcsParser) str() (string, error) {
	p.i++ // opening quote
	var b strings.Builder
	for {
		if p.i >= len(p.s) {
			return "", p.errorf("unterminated string")
		}
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), nil
		case c < 0x20:
			return "", p.errorf("control character in string")
		case c == '\\':
			p.i++
			if p.i >= len(p.s) {
				return "", p.errorf("unterminated escape")
			}
			e := p.s[p.i]
			p.i++
			switch e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, err := p.hex4()
				if err != nil {
					return "", err
				}
				switch {
				case utf16.IsSurrogate(r) && r < 0xdc00:
					if len(p.s)-p.i < 6 || p.s[p.i] != '\\' || p.s[p.i+1] != 'u' {
						return "", p.errorf("unpaired surrogate")
					}
					p.i += 2
					lo, err := p.hex4()
					if err != nil {
						return "", err
					}
					if lo < 0xdc00 || lo > 0xdfff {
						return "", p.errorf("unpaired surrogate")
					}
					r = utf16.DecodeRune(r, lo)
				case utf16.IsSurrogate(r):
					return "", p.errorf("unpaired surrogate")
				}
				b.WriteRune(r)
			default:
				return "", p.errorf("invalid escape")
			}
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			p.i++
		default:
			r, n := utf8.DecodeRune(p.s[p.i:])
			if r == utf8.RuneError && n <= 1 {
				return "", p.errorf("invalid UTF-8")
			}
			b.WriteRune(r)
			p.i += n
		}
	}
}

func jcsIsDigit(c byte) bool { return c >= '0' && c <= '9' }

// number checks the RFC 8259 number grammar and converts to a double.
func (p *jcsParser) number() (any, error) {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.s) && p.s[p.i] == '0':
		p.i++
	case p.i < len(p.s) && jcsIsDigit(p.s[p.i]):
		for p.i < len(p.s) && jcsIsDigit(p.s[p.i]) {
			p.i++
		}
	default:
		return nil, p.errorf("invalid number")
	}
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		if p.i >= len(p.s) || !jcsIsDigit(p.s[p.i]) {
			return nil, p.errorf("invalid number")
		}
		for p.i < len(p.s) && jcsIsDigit(p.s[p.i]) {
			p.i++
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if p.i >= len(p.s) || !jcsIsDigit(p.s[p.i]) {
			return nil, p.errorf("invalid number")
		}
		for p.i < len(p.s) && jcsIsDigit(p.s[p.i]) {
			p.i++
		}
	}
	f, err := strconv.ParseFloat(string(p.s[start:p.i]), 64)
	if err != nil {
		// Only overflow can get here (the grammar was checked): ±Inf is not
		// a JSON value. Underflow rounds to 0 without an error.
		return nil, p.errorf("number out of range: %s", p.s[start:p.i])
	}
	return f, nil
}

// writeCanonical writes v, a value from parseStrictJSON, in canonical form.
func writeCanonical(b *strings.Builder, v any) error {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if v {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case float64:
		s, err := FormatES(v)
		if err != nil {
			return err
		}
		b.WriteString(s)
	case string:
		writeCanonicalString(b, v)
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeCanonical(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case jcsObject:
		members := slices.Clone(v)
		slices.SortFunc(members, func(x, y jcsMember) int { return compareUTF16(x.name, y.name) })
		b.WriteByte('{')
		for i, m := range members {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCanonicalString(b, m.name)
			b.WriteByte(':')
			if err := writeCanonical(b, m.value); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return fmt.Errorf("jcs: unexpected value of type %T", v)
	}
	return nil
}

// compareUTF16 orders strings by their UTF-16 code units (RFC 8785 §3.2.3),
// which differs from byte (code point) order above U+FFFF: U+1F600 (D83D
// DE00) sorts before U+FB33.
func compareUTF16(a, b string) int {
	return slices.Compare(utf16.Encode([]rune(a)), utf16.Encode([]rune(b)))
}

const jcsLowerHex = "0123456789abcdef"

func writeCanonicalString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if c < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte(jcsLowerHex[c>>4])
				b.WriteByte(jcsLowerHex[c&0xf])
			} else {
				b.WriteByte(c) // strings were validated as UTF-8 by the parser
			}
		}
	}
	b.WriteByte('"')
}

// ErrNonFinite is returned for NaN and ±Infinity, which JSON cannot carry.
var ErrNonFinite = errors.New("jcs: NaN and Infinity are not JSON numbers")

// FormatES formats f as ECMAScript's Number.prototype.toString does, the
// number form of RFC 8785: the shortest digits that round-trip (Go's
// strconv shortest formatting), plain notation when 1e-7 < |f| < 1e21
// ("0.000001", "295147905179352830000"), exponent notation otherwise with an
// explicit sign and no leading zeros ("1e+21", "1e-7", "5e-324"); -0 is "0".
func FormatES(f float64) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", ErrNonFinite
	}
	if f == 0 {
		return "0", nil
	}
	sign := ""
	if f < 0 {
		sign = "-"
		f = -f
	}
	// 'e' with -1 precision: d[.ddd]e±XX with the shortest round-trip digits.
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	x, err := strconv.Atoi(exp)
	if err != nil {
		return "", fmt.Errorf("jcs: formatting %v: %w", f, err)
	}
	k := len(digits) // number of significant digits
	n := x + 1       // position of the decimal point relative to the digits
	var out string
	switch {
	case k <= n && n <= 21:
		out = digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		out = digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		out = "0." + strings.Repeat("0", -n) + digits
	default:
		esign := "+"
		if n-1 < 0 {
			esign = "-"
		}
		ex := strconv.Itoa(jcsAbs(n - 1))
		if k == 1 {
			out = digits + "e" + esign + ex
		} else {
			out = digits[:1] + "." + digits[1:] + "e" + esign + ex
		}
	}
	return sign + out, nil
}

func jcsAbs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}
