package main

import "syscall"

// sysProcAttr puts each child in its own process group, so a Ctrl-C at the
// terminal reaches only prodcheck (which stops its children in order), and
// has the kernel kill the child if prodcheck itself dies without cleaning up.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
