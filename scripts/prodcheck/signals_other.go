//go:build !unix

package main

import "os"

// No SIGSTOP here: the freeze faults fail (prodcheck runs on Linux CI).
var sigStop, sigCont os.Signal
