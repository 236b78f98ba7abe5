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
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&phone, "phone", "", "mobile number of the administrator (required)")
	fs.StringVar(&name, "name", "", "name of the administrator (required)")
	fs.StringVar(&division, "division", "4101", "division code the account administers (city 4101 or a county)")
	// --phone, --name and --division are this command's; every other flag
	// (data dir, store URIs, ...) is the shared configuration of serve.
	var own, cfgArgs []string
	for i := 0; i < len(args); i++ {
		key := strings.TrimLeft(strings.SplitN(args[i], "=", 2)[0], "-")
		if key != "phone" && key != "name" && key != "division" {
			cfgArgs = append(cfgArgs, args[i])
			continue
		}
		own = append(own, args[i])
		if !strings.Contains(args[i], "=") && i+1 < len(args) {
			own = append(own, args[i+1])
			i++
		}
	}
	if err := fs.Parse(own); err != nil {
		return err
	}
	cfg, err := loadConfig("admin create", cfgArgs, getenv, stderr)
	if err != nil {
		return err
	}
	if phone == "" || name == "" {
		return errors.New("admin create: --phone and --name are required; the password is read from standard input")
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
	a, created, err := srv.Service.BootstrapAdmin(ctx, phone, password, name, division)
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
