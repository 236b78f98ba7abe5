package models

import (
	"errors"
	"testing"
)

// Codes as widely published (the first in explainers of the standard, the
// others those of well-known companies in public registry listings). A
// random code passes the check one time in 31, so five that pass are good
// evidence the weights and alphabet are right.
var publishedCreditCodes = []struct{ name, code string }{
	{"widely cited example", "91350100M000100Y43"},
	{"腾讯科技（深圳）有限公司", "9144030071526726XG"},
	{"华为技术有限公司", "914403001922038216"},
	{"小米科技有限责任公司", "91110108551385082Q"},
	{"百度在线网络技术（北京）有限公司", "91110000802100433B"},
}

func TestValidateCreditCodePublished(t *testing.T) {
	for _, c := range publishedCreditCodes {
		if err := ValidateCreditCode("creditCode", c.code); err != nil {
			t.Errorf("%s %s: %v", c.name, c.code, err)
		}
	}
}

func TestCreditCodeCheckChar(t *testing.T) {
	tests := []struct {
		first17 string
		want    byte
	}{
		{"91350100M000100Y4", '3'},
		{"9144030071526726X", 'G'},
		{"91440300192203821", '6'},
		{"91110108551385082", 'Q'},
		// 31 − (Σ mod 31) = 31 is written 0; the largest value is Y (30).
		{"52410100MJ0000016", '0'},
		{"52410100MJ0000006", 'Y'},
		{"52410100MJ0000026", '1'},
		{"52410100MJ0000029", 'A'},
		{"00000000000000000", '0'},
	}
	for _, tt := range tests {
		got, err := CreditCodeCheckChar(tt.first17)
		if err != nil || got != tt.want {
			t.Errorf("CreditCodeCheckChar(%q) = %q, %v; want %q", tt.first17, got, err, tt.want)
		}
		if err := ValidateCreditCode("f", tt.first17+string(tt.want)); err != nil {
			t.Errorf("constructed code %s%c rejected: %v", tt.first17, tt.want, err)
		}
	}
	for _, bad := range []string{"", "9135010", "91350100M000100Y43", "91350100M000100I4", "91350100m000100y4"} {
		if _, err := CreditCodeCheckChar(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("CreditCodeCheckChar(%q) err = %v, want invalid", bad, err)
		}
	}
}

func TestValidateCreditCodeRejects(t *testing.T) {
	const (
		length   = "unified social credit code must be 18 characters long"
		alphabet = "unified social credit code may contain only digits and capital letters other than I, O, Z, S and V"
		division = "characters 3–8 of the unified social credit code must be a division code (digits)"
		check    = "unified social credit code check character is wrong"
	)
	tests := []struct {
		name, code, wantEn string
	}{
		{"empty", "", "unified social credit code is required"},
		{"17 characters", "91350100M000100Y4", length},
		{"19 characters", "91350100M000100Y430", length},
		{"wrong check character", "91350100M000100Y44", check},
		{"check character as letter", "91350100M000100Y4A", check},
		{"two characters swapped", "91350100M000010Y43", check},
		{"forbidden I", "91350100M000100I43", alphabet},
		{"forbidden O", "91350100O000100Y43", alphabet},
		{"forbidden Z", "91350100M000100Z43", alphabet},
		{"forbidden S", "91350100S000100Y43", alphabet},
		{"forbidden V", "91350100M000100V43", alphabet},
		{"lower case", "91350100m000100y43", alphabet},
		{"inner space", "91350100M000 00Y43", alphabet},
		{"hyphen", "91350100-000100Y43", alphabet},
		// A correct check character does not save a letter in the division code.
		{"letter in division code", "91A50100M000100Y42", division},
		{"18 bytes but Chinese", "9135010统一100Y4", alphabet},
		{"full-width not normalised", "９１３５０１００Ｍ０００１００Ｙ４３", length},
	}
	for _, tt := range tests {
		err := ValidateCreditCode("creditCode", tt.code)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: %q accepted (err %v)", tt.name, tt.code, err)
			continue
		}
		if e.Kind != KindInvalid || e.Field != "creditCode" || e.En != tt.wantEn || e.Zh == "" {
			t.Errorf("%s: got %+v, want invalid body.creditCode %q", tt.name, e, tt.wantEn)
		}
		if len(e.Fields) != 1 || e.Fields[0].Field != "creditCode" {
			t.Errorf("%s: Fields = %+v", tt.name, e.Fields)
		}
	}
	if err := ValidateCreditCode("f", "91350100M000100Y44"); err.(*Error).Zh != "统一社会信用代码校验位错误" {
		t.Errorf("zh message = %q", err.(*Error).Zh)
	}
}

// The weights are powers of 3 modulo the prime 31, so any single wrong
// character changes the check sum and is caught.
func TestValidateCreditCodeCatchesEverySingleSubstitution(t *testing.T) {
	const good = "91350100M000100Y43"
	for i := 0; i < len(good); i++ {
		for j := 0; j < len(creditCodeAlphabet); j++ {
			c := creditCodeAlphabet[j]
			if c == good[i] {
				continue
			}
			bad := good[:i] + string(c) + good[i+1:]
			if ValidateCreditCode("f", bad) == nil {
				t.Fatalf("substitution %q accepted", bad)
			}
		}
	}
}

func TestNormaliseCreditCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"91350100m000100y43", "91350100M000100Y43"},
		{"  9144030071526726xg\t", "9144030071526726XG"},
		{"９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"},
		{"\u300091110108551385082q\u3000", "91110108551385082Q"},
		{"", ""},
		{"91350100 M000100Y43", "91350100 M000100Y43"}, // inner space is kept, and then rejected
	}
	for _, tt := range tests {
		got := NormaliseCreditCode(tt.in)
		if got != tt.want {
			t.Errorf("NormaliseCreditCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if err := ValidateCreditCode("f", NormaliseCreditCode("９１３５０１００ｍ０００１００ｙ４３")); err != nil {
		t.Errorf("normalised full-width lower-case code rejected: %v", err)
	}
}
