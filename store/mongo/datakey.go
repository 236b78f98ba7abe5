package mongo

import (
	"crypto/rand"
	"errors"
	"sync"

	"github.com/wushe/wushe/store/seal"
)

// dataCiphers holds each open DB's cipher for personal fields (*DB →
// *dataKey). A DB that was never given a key (tests, tools) seals with a
// random key made on first use, which lives as long as the process: data
// sealed with it cannot be read after a restart, so `wushe` always calls
// UseDataKey with WUSHE_DATA_KEY or the embedded data directory's key.
var dataCiphers sync.Map

type dataKey struct {
	cipher *seal.DataCipher // nil: sealing refused (no key configured)
}

var errNoDataKey = errors.New("no data key is configured (WUSHE_DATA_KEY); personal fields cannot be sealed or opened")

// UseDataKey sets the key (32 bytes, AES-256-GCM) that seals volunteers' ID
// numbers and guardian details. A nil key refuses to seal or open them: the
// store then fails loudly instead of writing personal data in the clear.
func (d *DB) UseDataKey(key []byte) error {
	if key == nil {
		dataCiphers.Store(d, &dataKey{})
		return nil
	}
	c, err := seal.NewDataCipher(key)
	if err != nil {
		return err
	}
	dataCiphers.Store(d, &dataKey{cipher: c})
	return nil
}

// dataCipher returns the DB's cipher, making a process-lived one for a DB
// that was never given a key.
func (d *DB) dataCipher() (*seal.DataCipher, error) {
	if k, ok := dataCiphers.Load(d); ok {
		if c := k.(*dataKey).cipher; c != nil {
			return c, nil
		}
		return nil, errNoDataKey
	}
	key := make([]byte, seal.DataKeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	c, err := seal.NewDataCipher(key)
	if err != nil {
		return nil, err
	}
	k, _ := dataCiphers.LoadOrStore(d, &dataKey{cipher: c})
	if c := k.(*dataKey).cipher; c != nil {
		return c, nil
	}
	return nil, errNoDataKey
}
