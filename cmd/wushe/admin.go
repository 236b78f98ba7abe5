package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// adminCreate creates (or adds the binding to) a civil_affairs account.
// The password comes from standard input so it never shows in a process list.
func adminCreate(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	var phone, name, division string
	cfg, err := parseConfig("admin create", args, getenv, stdout, func(fs *flag.FlagSet) {
		fs.StringVar(&phone, "phone", "", "mobile number of the administrator (required)")
		fs.StringVar(&name, "name", "", "name of the administrator (required)")
		fs.StringVar(&division, "division", "4101", "division code the account administers (city 4101 or a county)")
	})
	if err != nil {
		return err
	}
	if phone == "" || name == "" {
		return usageError{"wushe admin create: --phone and --name are required; the password is read from standard input"}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password from standard input: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		return errors.New("admin create: give the password on standard input, e.g. echo 'secret-pass' | wushe admin create ...")
	}
	log := newLogger(stderr, cfg.LogLevel)
	srv, err := Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer srv.Close()
	a, created, err := srv.Service.Accounts().BootstrapAdmin(ctx, phone, password, name, division)
	if err != nil {
		return err
	}
	verb := "added the civil_affairs binding to existing account"
	if created {
		verb = "created civil_affairs account"
	}
	_, err = fmt.Fprintf(stdout, "%s %s (phone %s, division %s)\n", verb, a.ID, a.Phone, division)
	return err
}
