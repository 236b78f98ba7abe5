// Command wushe runs the Wushe service.
//
//	wushe [serve]        serve the API (the default); embedded MongoDB/Redis when MONGO_URI/REDIS_URL are unset
//	wushe admin create   create the first civil_affairs account (password on standard input)
//	wushe seed --demo    fill the store with a demo Zhengzhou (also: wushe serve --demo)
//	wushe dev-stores     run FerretDB out of process for tests and CI
//	wushe version        print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	_ "time/tzdata" // a static image has no zoneinfo; weekly schedules are in Asia/Shanghai
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(exitCode(run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr), os.Stderr))
}

// exitCode reports err and chooses the exit status: 0 for success and
// for help, 2 for a bad command line (with the usage), 1 otherwise. A
// configuration error lists every problem, one a line.
func exitCode(err error, stderr io.Writer) int {
	var usageErr usageError
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &usageErr):
		fmt.Fprintf(stderr, "%s\n\n%s", usageErr, usage)
		return 2
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintln(stderr, "wushe:", line)
	}
	return 1
}
