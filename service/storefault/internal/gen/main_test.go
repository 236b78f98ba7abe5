package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestWrappersUpToDate fails when service.Stores changed and the wrappers
// were not generated again (go generate ./service/storefault).
func TestWrappersUpToDate(t *testing.T) {
	want, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	have, err := filepath.Glob("../../wrappers*.go")
	if err != nil {
		t.Fatal(err)
	}
	if len(have) != len(want) {
		t.Fatalf("%d wrapper files, want %d: run go generate ./service/storefault", len(have), len(want))
	}
	for name, src := range want {
		got, err := os.ReadFile(filepath.Join("../..", name))
		if err != nil || !bytes.Equal(got, src) {
			t.Fatalf("service/storefault/%s is stale: run go generate ./service/storefault", name)
		}
	}
}
