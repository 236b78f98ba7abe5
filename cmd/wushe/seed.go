package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/wushe/wushe/demo"
)

// seedCommand is `wushe seed --demo`: its own flags size the city, the
// rest are serve's configuration (data directory, store URIs).
func seedCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	opts := demo.DefaultOptions()
	cfg, err := parseConfig("seed", args, getenv, stdout, func(fs *flag.FlagSet) {
		fs.IntVar(&opts.Volunteers, "volunteers", opts.Volunteers, "number of volunteers")
		fs.IntVar(&opts.SocialWorkers, "social-workers", opts.SocialWorkers, "number of social workers")
		fs.IntVar(&opts.Organisations, "organisations", opts.Organisations, "number of organisations")
		fs.IntVar(&opts.Stations, "stations", opts.Stations, "number of township social-work stations (at most one per township)")
		fs.IntVar(&opts.Needs, "needs", opts.Needs, "number of open community needs")
		fs.Uint64Var(&opts.Seed, "seed", opts.Seed, "random seed: the same seed gives the same city (ids and phones do not depend on it: change it on a fresh store)")
		fs.StringVar(&opts.Password, "password", opts.Password, "password of every demo account")
		fs.IntVar(&opts.Workers, "workers", opts.Workers, "concurrent inserts")
	})
	if err != nil {
		return err
	}
	if !cfg.Demo {
		return usageError{"wushe seed: only the demo city can be seeded for now: wushe seed --demo"}
	}
	if err := opts.Validate(); err != nil {
		return err
	}
	start := time.Now()
	st, err := openStores(ctx, cfg, newLogger(stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := demo.Seed(ctx, st.DB, opts, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "demo city ready in %.1fs\n", time.Since(start).Seconds())
	return demo.PrintLogins(stdout, res.Logins, opts.Password)
}
