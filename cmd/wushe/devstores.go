package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/wushe/wushe/store/embedded"
)

// devStores runs FerretDB (SQLite) as its own process, for tests and CI
// that must talk to an out-of-process MongoDB-protocol server. It prints the
// URI (and writes it to --uri-file) and runs until interrupted.
func devStores(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dev-stores", flag.ContinueOnError)
	dir := fs.String("dir", "./data/dev-stores", "directory of the SQLite files")
	uriFile := fs.String("uri-file", "", "write the MongoDB URI to this file once listening")
	addr := fs.String("addr", "", "listen address host:port (default: a free loopback port); a restart on the same address keeps the URI")
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	log := newLogger(stderr, "info")
	var opts []embedded.MongoOption
	if *addr != "" {
		opts = append(opts, embedded.ListenAddr(*addr))
	}
	m, err := embedded.StartMongo(ctx, *dir, log, opts...)
	if err != nil {
		return err
	}
	defer m.Close()
	// The embedded mode indexes _id after creating its collections; here the
	// collections are created by clients in other processes, so a watcher
	// indexes every new one within a moment (the same store as embedded).
	go m.KeepIndexingIDs(ctx, 200*time.Millisecond, log)
	if *uriFile != "" {
		tmp := *uriFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(m.URI()+"\n"), 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, *uriFile); err != nil {
			return err
		}
	}
	fmt.Fprintln(stdout, m.URI())
	<-ctx.Done()
	return nil
}
