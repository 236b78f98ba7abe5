//go:build unix && !linux

package main

import "syscall"

// sysProcAttr puts each child in its own process group, so a Ctrl-C at the
// terminal reaches only prodcheck, which stops its children in order.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
