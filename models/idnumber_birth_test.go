package models

import "testing"

func TestBirthDateOfID(t *testing.T) {
	first := "41010220150601123"
	id := first + string(IDCheckChar(first))
	if d, ok := BirthDateOfID(id); !ok || d != "2015-06-01" {
		t.Fatalf("BirthDateOfID(%s) = %q, %v", id, d, ok)
	}
	for _, bad := range []string{"", "4101022015060112", first + "0", "41010220151301123X"} {
		if bad == id {
			continue
		}
		if d, ok := BirthDateOfID(bad); ok {
			t.Errorf("BirthDateOfID(%q) = %q, want not ok", bad, d)
		}
	}
}
