package embedded

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gofrs/flock"
)

// ErrLocked is wrapped by the error [LockDir] returns while another process holds the directory.
var ErrLocked = errors.New("data directory is locked")

// lockFileName is the lock file [LockDir] takes in a data directory.
const lockFileName = "wushe.lock"

// LockDir creates dir if needed and takes an exclusive, non-blocking lock on <dir>/wushe.lock
// (github.com/gofrs/flock: flock(2) on Unix, LockFileEx on Windows), into which it writes this
// process's pid. While another process holds the lock (or this one, through an earlier LockDir
// not yet unlocked: the lock belongs to the open file), it returns an error that wraps
// [ErrLocked] and says that the data directory is in use by another wushe process, with its pid
// when the lock file tells it.
//
// The kernel releases the lock when the process exits, however it exits; the lock file itself
// stays. unlock releases it; call it once.
func LockDir(dir string) (unlock func() error, err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	path := filepath.Join(dir, lockFileName)
	fl := flock.New(path, flock.SetFlag(os.O_RDWR|os.O_CREATE), flock.SetPermissions(0o640))
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock data directory: %s: %w", path, err)
	}
	if !ok {
		holder := "another wushe process"
		if pid := readPID(path); pid > 0 {
			holder += fmt.Sprintf(" (pid %d)", pid)
		}
		return nil, fmt.Errorf("data directory %s is in use by %s; stop it or use another directory: %w",
			dir, holder, ErrLocked)
	}
	// Record our pid for the message above; a failure here does not weaken the lock.
	_ = os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o640)

	return func() error {
		_ = os.Truncate(path, 0) // still holding the lock: nobody reads a stale pid
		if err := fl.Close(); err != nil {
			return fmt.Errorf("unlock data directory: %w", err)
		}
		return nil
	}, nil
}

// readPID reads the pid a lock holder wrote into the lock file, or 0.
func readPID(path string) int {
	b, err := os.ReadFile(path)
	if err != nil || len(b) > 32 {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}
