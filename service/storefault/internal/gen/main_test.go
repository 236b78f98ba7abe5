package main

import (
	"bytes"
	"os"
	"testing"
)

// TestWrappersUpToDate fails when service.Stores changed and wrappers.go
// was not generated again (go generate ./service/storefault).
func TestWrappersUpToDate(t *testing.T) {
	want, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../wrappers.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("service/storefault/wrappers.go is stale: run go generate ./service/storefault")
	}
}
