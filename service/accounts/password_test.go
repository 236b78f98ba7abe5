package accounts

import (
	"strings"
	"testing"
)

func TestPasswordHash(t *testing.T) {
	p := PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}
	h, err := HashPassword("correct horse", p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash format: %s", h)
	}
	h2, _ := HashPassword("correct horse", p)
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	if !CheckPassword(h, "correct horse") {
		t.Error("right password refused")
	}
	for _, bad := range []string{"correct hors", "Correct horse", ""} {
		if CheckPassword(h, bad) {
			t.Errorf("wrong password %q accepted", bad)
		}
	}
	for _, broken := range []string{"", "$argon2id$", "$bcrypt$v=19$m=64,t=1,p=1$AAAA$AAAA", strings.Replace(h, "m=64", "m=x", 1)} {
		if CheckPassword(broken, "correct horse") {
			t.Errorf("malformed hash %q accepted", broken)
		}
	}
}
