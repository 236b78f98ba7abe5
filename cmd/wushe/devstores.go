package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/wushe/wushe/store/embedded"
)

// devStores runs FerretDB (SQLite) as its own process, for tests and CI
// that must talk to an out-of-process MongoDB-protocol server. It prints the
// URI (and writes it to --uri-file) and runs until interrupted.
func devStores(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dev-stores", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "./data/dev-stores", "directory of the SQLite files")
	uriFile := fs.String("uri-file", "", "write the MongoDB URI to this file once listening")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger(stderr, "info")
	m, err := embedded.StartMongo(ctx, *dir, log)
	if err != nil {
		return err
	}
	defer m.Close()
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
