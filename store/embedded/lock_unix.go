//go:build unix

package embedded

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// LockDir creates dir if needed and takes an exclusive, non-blocking lock (flock) on
// <dir>/wushe.lock, into which it writes this process's pid. While another process holds the lock
// (or this one, through an earlier LockDir not yet unlocked), it returns an error that wraps
// [ErrLocked] and says that the data directory is in use by another wushe process, with its pid
// when the lock file tells it.
//
// The lock belongs to the open file, so the kernel releases it when the process exits, however it
// exits; the lock file itself stays. unlock releases it; call it once.
func LockDir(dir string) (unlock func() error, err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	path := filepath.Join(dir, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("lock data directory: %w", err)
	}

	if err := flock(f, unix.LOCK_EX|unix.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			holder := "another wushe process"
			if pid := readPID(f); pid > 0 {
				holder += fmt.Sprintf(" (pid %d)", pid)
			}
			return nil, fmt.Errorf("data directory %s is in use by %s; stop it or use another directory: %w",
				dir, holder, ErrLocked)
		}
		return nil, fmt.Errorf("lock data directory: flock %s: %w", path, err)
	}

	// Record our pid for the message above; a failure here does not weaken the lock.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}

	return func() error {
		_ = f.Truncate(0) // still holding the lock: nobody reads a stale pid
		uerr := flock(f, unix.LOCK_UN)
		cerr := f.Close()
		if err := errors.Join(uerr, cerr); err != nil {
			return fmt.Errorf("unlock data directory: %w", err)
		}
		return nil
	}, nil
}

// flock calls flock(2), retrying when a signal interrupts it.
func flock(f *os.File, how int) error {
	for {
		err := unix.Flock(int(f.Fd()), how)
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}

// readPID reads the pid a lock holder wrote into the lock file, or 0.
func readPID(f *os.File) int {
	b, err := io.ReadAll(io.NewSectionReader(f, 0, 32))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}
