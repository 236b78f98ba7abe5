package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// run dispatches a subcommand; main only wires signals and exit codes.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		cfg, err := loadConfig("serve", args, getenv, stderr)
		if err != nil {
			return err
		}
		return serve(ctx, cfg, stdout, stderr)
	case "worker":
		cfg, err := loadConfig("worker", args, getenv, stderr)
		if err != nil {
			return err
		}
		return workerCommand(ctx, cfg, stdout, stderr)
	case "admin":
		if len(args) == 0 || args[0] != "create" {
			return fmt.Errorf("usage: wushe admin create --phone P --name N --division CODE  (password on standard input)")
		}
		return adminCreate(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "seed":
		return seedCommand(ctx, args, getenv, stdout, stderr)
	case "dev-stores":
		return devStores(ctx, args, stdout, stderr)
	case "healthcheck":
		return healthcheck(ctx, args, stdout, stderr)
	case "version":
		_, err := fmt.Fprintln(stdout, "wushe", version)
		return err
	case "help", "-h", "--help":
		_, err := fmt.Fprint(stdout, usage)
		return err
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
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

Run "wushe serve -h" for the configuration flags; each has an environment variable.
`

// healthcheck lets a shell-less container image check its own readiness.
func healthcheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "http://127.0.0.1:8080/readyz", "URL to check")
	if err := fs.Parse(args); err != nil {
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
