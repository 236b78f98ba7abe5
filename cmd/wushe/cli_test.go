package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// runCLI runs the command line as main would and returns its exit status
// and outputs.
func runCLI(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errw bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code = exitCode(run(ctx, args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errw), &errw)
	return code, out.String(), errw.String()
}

func TestHelpAndUsageExitCodes(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		out  string // in stdout (help) or stderr (usage errors)
	}{
		{[]string{"-h"}, 0, "commands:"},
		{[]string{"--help"}, 0, "commands:"},
		{[]string{"help"}, 0, "commands:"},
		{[]string{"serve", "-h"}, 0, "-addr"},
		{[]string{"worker", "-h"}, 0, "-worker-addr"},
		{[]string{"admin", "create", "-h"}, 0, "-phone"},
		{[]string{"seed", "-h"}, 0, "-volunteers"},
		{[]string{"dev-stores", "-h"}, 0, "-uri-file"},
		{[]string{"healthcheck", "-h"}, 0, "-url"},
		{[]string{"serve", "bogusarg"}, 2, `unexpected argument "bogusarg"`},
		{[]string{"serve", "--no-such-flag"}, 2, "no-such-flag"},
		{[]string{"bogus"}, 2, `unknown command "bogus"`},
		{[]string{"admin"}, 2, "admin create"},
		{[]string{"version", "extra"}, 2, "unexpected argument"},
	} {
		code, stdout, stderr := runCLI(t, nil, c.args...)
		if code != c.code || !strings.Contains(stdout+stderr, c.out) {
			t.Errorf("wushe %s: exit %d (want %d)\nstdout: %s\nstderr: %s", strings.Join(c.args, " "), code, c.code, stdout, stderr)
		}
		if c.code == 2 && !strings.Contains(stderr, "usage: wushe") {
			t.Errorf("wushe %s: a usage error without the usage: %s", strings.Join(c.args, " "), stderr)
		}
	}
	// admin create -h shows its own flags, not only the configuration's.
	if _, out, _ := runCLI(t, nil, "admin", "create", "-h"); !strings.Contains(out, "-name") || !strings.Contains(out, "-division") {
		t.Errorf("admin create -h: %s", out)
	}
}

// TestConfigurationProblemsAllAtOnce: with MONGO_URI set and nothing else,
// one start names every missing setting, before touching any store.
func TestConfigurationProblemsAllAtOnce(t *testing.T) {
	start := time.Now()
	code, _, stderr := runCLI(t, map[string]string{"MONGO_URI": "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=60000",
		"WUSHE_LOG_LEVEL": "loud", "WUSHE_ACCESS_TOKEN_TTL": "soon"}, "serve", "--addr", "127.0.0.1:0")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"WUSHE_SMS_PROVIDER", "WUSHE_JWT_SECRET", "WUSHE_SIGNING_KEY", "WUSHE_DATA_KEY", "WUSHE_LOG_LEVEL", "WUSHE_ACCESS_TOKEN_TTL"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("the message does not name %s:\n%s", want, stderr)
		}
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("the configuration was checked after connecting (%v)", time.Since(start))
	}
	// Malformed secrets are named too.
	_, _, stderr = runCLI(t, map[string]string{"MONGO_URI": "mongodb://127.0.0.1:1", "WUSHE_SMS_PROVIDER": "log",
		"WUSHE_JWT_SECRET": "short", "WUSHE_SIGNING_KEY": "not base64!", "WUSHE_DATA_KEY": "AAAA"}, "serve")
	for _, want := range []string{"at least 32 bytes", "WUSHE_SIGNING_KEY: not base64", "WUSHE_DATA_KEY: want 32 bytes"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("the message does not say %q:\n%s", want, stderr)
		}
	}
}

// TestServeBindsThePortFirst: a taken port fails the start before the
// stores open or the demo city is seeded.
func TestServeBindsThePortFirst(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := t.TempDir()
	code, _, stderr := runCLI(t, nil, "serve", "--demo", "--addr", ln.Addr().String(), "--data-dir", dir, "--log-level", "error")
	if code != 1 || !strings.Contains(stderr, "address already in use") || !strings.Contains(stderr, "WUSHE_ADDR") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if entries, _ := readDirNames(dir); len(entries) != 0 {
		t.Fatalf("the data directory was used before the port was bound: %v", entries)
	}
}

func TestHealthcheckFollowsWusheAddr(t *testing.T) {
	for addr, want := range map[string]string{"": "http://127.0.0.1:8080/readyz", ":9000": "http://127.0.0.1:9000/readyz",
		"0.0.0.0:9001": "http://127.0.0.1:9001/readyz", "10.0.0.5:9002": "http://10.0.0.5:9002/readyz"} {
		if got := readyzURL(addr); got != want {
			t.Errorf("WUSHE_ADDR=%q: %s, want %s", addr, got, want)
		}
	}
	code, _, stderr := runCLI(t, map[string]string{"WUSHE_ADDR": "127.0.0.1:1"}, "healthcheck")
	if code != 1 || !strings.Contains(stderr, "127.0.0.1:1") {
		t.Fatalf("healthcheck did not follow WUSHE_ADDR: exit %d %s", code, stderr)
	}
}

func readDirNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names, err
}
