package models

import "strings"

// The unified social credit code (统一社会信用代码, GB 32100-2015) has 18
// characters: registration authority (1), organisation type (2), the
// administrative division of registration (3–8, digits), the organisation
// code (9–17) and a check character (18). Its alphabet is the digits and
// the capital letters without I, O, Z, S and V.
const creditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCodeWeights are W1..W17: 3^(i-1) mod 31.
var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// creditCodeValue maps an ASCII byte to its value in the alphabet, or -1.
var creditCodeValue = func() (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	for i := 0; i < len(creditCodeAlphabet); i++ {
		v[creditCodeAlphabet[i]] = int8(i)
	}
	return v
}()

// NormaliseCreditCode trims surrounding space, turns full-width letters
// and digits (what a Chinese input method often types) into ASCII and
// upper-cases the result. Call it before ValidateCreditCode and store the
// normalised form: validation itself accepts only the canonical form.
func NormaliseCreditCode(code string) string {
	code = strings.Map(func(r rune) rune {
		if r >= '\uFF01' && r <= '\uFF5E' { // full-width forms mirror ASCII 0x21–0x7E
			return r - '\uFF01' + '!'
		}
		if r == '\u3000' { // ideographic space
			return ' '
		}
		return r
	}, code)
	return strings.ToUpper(strings.TrimSpace(code))
}

// ValidateCreditCode checks a normalised unified social credit code: its
// length, alphabet, the digits of the division code and the check
// character. It does not check that the first two characters name a known
// registration authority and organisation type, nor the organisation
// code's own GB 11714 check digit: those tables grow, and the check
// character already catches typing errors.
func ValidateCreditCode(field, code string) error {
	switch {
	case code == "":
		return Invalid(field, "请填写统一社会信用代码", "unified social credit code is required")
	case len(code) != 18: // bytes: any non-ASCII character makes it longer
		return Invalid(field, "统一社会信用代码应为 18 位", "unified social credit code must be 18 characters long")
	}
	for i := 0; i < 18; i++ {
		if creditCodeValue[code[i]] < 0 {
			return Invalid(field, "统一社会信用代码只能包含数字和大写字母（不含 I、O、Z、S、V）",
				"unified social credit code may contain only digits and capital letters other than I, O, Z, S and V")
		}
	}
	for i := 2; i < 8; i++ {
		if code[i] < '0' || code[i] > '9' {
			return Invalid(field, "统一社会信用代码第 3–8 位应为行政区划代码（数字）",
				"characters 3–8 of the unified social credit code must be a division code (digits)")
		}
	}
	if want, _ := CreditCodeCheckChar(code[:17]); code[17] != want {
		return Invalid(field, "统一社会信用代码校验位错误", "unified social credit code check character is wrong")
	}
	return nil
}

// CreditCodeCheckChar computes the 18th character of a unified social
// credit code from its first 17: C18 = 31 − (Σ Ci×Wi mod 31), with 31
// written as 0. first17 must be 17 characters of the code's alphabet.
func CreditCodeCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, Invalid("code", "统一社会信用代码前 17 位长度不符", "the first part of a unified social credit code must be 17 characters long")
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := creditCodeValue[first17[i]]
		if v < 0 {
			return 0, Invalid("code", "统一社会信用代码只能包含数字和大写字母（不含 I、O、Z、S、V）",
				"unified social credit code may contain only digits and capital letters other than I, O, Z, S and V")
		}
		sum += int(v) * creditCodeWeights[i]
	}
	return creditCodeAlphabet[(31-sum%31)%31], nil
}
