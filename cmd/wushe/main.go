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
	"fmt"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // a static image has no zoneinfo; weekly schedules are in Asia/Shanghai
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "wushe:", err)
		os.Exit(1)
	}
}
