//go:build unix

package main

import (
	"os"
	"syscall"
)

// The signals that freeze a process and let it run again.
var sigStop, sigCont os.Signal = syscall.SIGSTOP, syscall.SIGCONT
