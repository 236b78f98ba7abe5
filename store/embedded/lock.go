package embedded

import "errors"

// ErrLocked is wrapped by the error [LockDir] returns while another process holds the directory.
var ErrLocked = errors.New("data directory is locked")

// lockFileName is the lock file [LockDir] takes in a data directory.
const lockFileName = "wushe.lock"
