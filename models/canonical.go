package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/gowebpki/jcs"
)

// The JSON Canonicalization Scheme (JCS, RFC 8785) is the byte form over
// which service-record statements are signed; github.com/gowebpki/jcs
// implements it (members sorted by UTF-16 code units, ECMAScript number
// form, minimal string escapes) and is strict on purpose: it rejects
// duplicate member names, invalid UTF-8, unpaired surrogates, numbers
// outside a double and excessive nesting, so two byte strings that
// canonicalise to the same form mean the same thing (encoding/json would
// silently replace invalid UTF-8 and lone surrogates by U+FFFD).

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
	out, err := jcs.Transform(raw)
	if err != nil {
		return nil, fmt.Errorf("jcs: %w", err)
	}
	return out, nil
}

// FormatES writes f as ECMAScript's Number.prototype.toString does (the
// RFC 8785 number form); NaN and ±Infinity are errors.
func FormatES(f float64) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", ErrNonFinite
	}
	return jcs.NumberToJSON(f)
}

// ErrNonFinite is returned for NaN and ±Infinity, which JSON cannot carry.
var ErrNonFinite = errors.New("jcs: NaN and Infinity are not JSON numbers")
