package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// run dispatches a subcommand; main only wires signals and exit codes.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && isHelp(args[0]) {
		_, err := fmt.Fprint(stdout, usage)
		return err
	}
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		cfg, err := parseConfig("serve", args, getenv, stdout, nil)
		if err != nil {
			return err
		}
		return serve(ctx, cfg, stdout, stderr)
	case "worker":
		cfg, err := parseConfig("worker", args, getenv, stdout, nil)
		if err != nil {
			return err
		}
		return workerCommand(ctx, cfg, stdout, stderr)
	case "admin":
		if len(args) == 0 || args[0] != "create" {
			return usageError{"usage: wushe admin create --phone P --name N [--division CODE]  (password on standard input; wushe admin create -h lists the flags)"}
		}
		return adminCreate(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "seed":
		return seedCommand(ctx, args, getenv, stdout, stderr)
	case "dev-stores":
		return devStores(ctx, args, stdout, stderr)
	case "healthcheck":
		return healthcheck(ctx, args, getenv, stdout)
	case "version":
		if len(args) > 0 {
			return usageError{fmt.Sprintf("wushe version: unexpected argument %q", args[0])}
		}
		_, err := fmt.Fprintln(stdout, "wushe", version)
		return err
	}
	return usageError{fmt.Sprintf("wushe: unknown command %q", cmd)}
}

const usage = `usage: wushe [command] [flags]

commands:
  serve          serve the API (default); in the embedded default it also runs the scheduled jobs
  worker         run the scheduled jobs (asynq) against MONGO_URI and REDIS_URL; run any number
  admin create   create the first civil_affairs account; the password is read from standard input
  seed --demo    fill the store with a demo Zhengzhou and print one login per role ("serve --demo" seeds at first start)
  dev-stores     run FerretDB (SQLite) out of process and print its URI, for tests and CI
  healthcheck    GET a URL (default http://127.0.0.1:8080/readyz) and fail unless it answers 200; for container health checks
  version        print the version

Run "wushe COMMAND -h" for a command's flags; each configuration flag also reads an environment variable.
`

// healthcheck lets a shell-less container image check its own readiness:
// by default the /readyz of the address serve listens on (WUSHE_ADDR).
func healthcheck(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	url := fs.String("url", readyzURL(getenv("WUSHE_ADDR")), "URL to check (default: /readyz on WUSHE_ADDR)")
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %d", *url, res.StatusCode)
	}
	_, err = fmt.Fprintln(stdout, "ok")
	return err
}

// readyzURL is the /readyz URL of a listen address such as ":8080" or
// "0.0.0.0:9000" (a wildcard host is reached on the loopback).
func readyzURL(addr string) string {
	return localURL(addr) + "/readyz"
}

// localURL is the http base URL by which this machine reaches addr.
func localURL(addr string) string {
	if addr == "" {
		addr = ":8080"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}
