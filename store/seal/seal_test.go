package seal

import (
	"bytes"
	"strings"
	"testing"
)

func TestDataCipherSealsAndOpensInItsContextOnly(t *testing.T) {
	key := bytes.Repeat([]byte{1}, DataKeySize)
	c, err := NewDataCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	const id = "41010219900307123X"
	a, err := c.Seal(id, "volunteer:v1#idNumber")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.Seal(id, "volunteer:v1#idNumber")
	if a == b {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
	if strings.Contains(a, id) || strings.Contains(a, id[6:14]) || !IsSealed(a) {
		t.Fatalf("sealed value %q shows the plaintext or lacks the prefix", a)
	}
	if got, err := c.Open(a, "volunteer:v1#idNumber"); err != nil || got != id {
		t.Fatalf("open: %q %v", got, err)
	}
	other, _ := NewDataCipher(bytes.Repeat([]byte{2}, DataKeySize))
	tampered := a[:len(a)-2] + map[bool]string{true: "AA", false: "BB"}[a[len(a)-2:] != "AA"]
	for name, open := range map[string]func() (string, error){
		"another record":  func() (string, error) { return c.Open(a, "volunteer:v2#idNumber") },
		"another field":   func() (string, error) { return c.Open(a, "volunteer:v1#guardian") },
		"another key":     func() (string, error) { return other.Open(a, "volunteer:v1#idNumber") },
		"tampered":        func() (string, error) { return c.Open(tampered, "volunteer:v1#idNumber") },
		"not sealed":      func() (string, error) { return c.Open(id, "volunteer:v1#idNumber") },
		"damaged base64":  func() (string, error) { return c.Open("v1:@@@", "volunteer:v1#idNumber") },
		"truncated nonce": func() (string, error) { return c.Open("v1:AAAA", "volunteer:v1#idNumber") },
	} {
		got, err := open()
		if err == nil || got != "" {
			t.Errorf("%s: opened to %q", name, got)
		}
		if err != nil && strings.Contains(err.Error(), id) {
			t.Errorf("%s: the error shows the value: %v", name, err)
		}
	}
	if s, err := c.Seal("", "x"); s != "" || err != nil {
		t.Errorf("empty value sealed to %q %v", s, err)
	}
	if _, err := NewDataCipher([]byte("short")); err == nil {
		t.Error("a short key was accepted")
	}
}
