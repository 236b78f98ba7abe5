//go:build !unix

package embedded

import (
	"errors"
	"fmt"
)

// LockDir would lock dir for this process; it needs flock(2), so on this platform it always
// fails with an error wrapping errors.ErrUnsupported.
func LockDir(dir string) (unlock func() error, err error) {
	return nil, fmt.Errorf("lock data directory %s: %w", dir, errors.ErrUnsupported)
}
