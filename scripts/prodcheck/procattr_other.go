//go:build !unix

package main

import "syscall"

// sysProcAttr: no process groups here; prodcheck runs on Linux CI.
func sysProcAttr() *syscall.SysProcAttr { return nil }
