package models

import "testing"

func TestValidateCodeAndPurposes(t *testing.T) {
	for code, ok := range map[string]bool{"123456": true, "000000": true, "12345": false, "1234567": false, "12345a": false, "": false, "１２３４５６": false} {
		if err := ValidateCode("code", code); (err == nil) != ok {
			t.Errorf("ValidateCode(%q) = %v", code, err)
		}
	}
	for _, p := range CodePurposes {
		if !p.Valid() {
			t.Errorf("%s is not valid", p)
		}
	}
	if CodePurpose("sign_in").Valid() {
		t.Error("an unknown purpose is valid")
	}
}
