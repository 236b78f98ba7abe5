// Package seal encrypts personal fields (ID numbers, guardian details) for
// storage: AES-256-GCM, bound to the record and field they belong to. Only
// the store uses it; the service sees plaintext.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
)

// DataKeySize is the size of the key that seals personal data (AES-256).
const DataKeySize = 32

// sealedPrefix marks a sealed value and the format version.
const sealedPrefix = "v1:"

// DataCipher seals personal fields (ID numbers, guardian details) for
// storage with AES-256-GCM. Each value gets a random nonce, and is bound to
// its context (the owning record and field) as associated data, so a sealed
// value copied into another record or field does not open.
type DataCipher struct {
	aead cipher.AEAD
}

// NewDataCipher builds a cipher from a 32-byte key.
func NewDataCipher(key []byte) (*DataCipher, error) {
	if len(key) != DataKeySize {
		return nil, errors.New("data key must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &DataCipher{aead: aead}, nil
}

// Seal encrypts plaintext for context; "" stays "" (nothing to hide).
func (c *DataCipher) Seal(plaintext, context string) (string, error) {
	if plaintext == "" {
		return "", nil
	}
	nonce := make([]byte, c.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := c.aead.Seal(nonce, nonce, []byte(plaintext), []byte(context))
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts a value Seal made for the same context. The error never
// contains the value.
func (c *DataCipher) Open(sealed, context string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	raw, ok := strings.CutPrefix(sealed, sealedPrefix)
	if !ok {
		return "", errors.New("not a sealed value")
	}
	b, err := base64.RawStdEncoding.DecodeString(raw)
	if err != nil || len(b) < c.aead.NonceSize() {
		return "", errors.New("sealed value is damaged")
	}
	n := c.aead.NonceSize()
	plain, err := c.aead.Open(nil, b[:n], b[n:], []byte(context))
	if err != nil {
		return "", errors.New("sealed value does not open with this key")
	}
	return string(plain), nil
}

// IsSealed reports whether s looks like a value Seal made.
func IsSealed(s string) bool { return strings.HasPrefix(s, sealedPrefix) }
