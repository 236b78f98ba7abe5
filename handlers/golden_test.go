package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Golden files show in review what a change does to the two contracts that
// outlive a release: the API document clients are generated from, and the
// keys of the documents already stored. Regenerate them with
//
//	go test ./handlers/ -run 'Golden' -update
//
// and read the diff: a removed or renamed stored key needs a migration
// (docs/architecture.md says how).
var update = flag.Bool("update", false, "rewrite the golden files under handlers/testdata")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run: go test ./handlers/ -run Golden -update)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s changed; if meant, run `go test ./handlers/ -run Golden -update` and commit the diff:\n%s", path, lineDiff(string(want), string(got)))
	}
}

// lineDiff lists the lines only one side has.
func lineDiff(want, got string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	w, g := in(want), in(got)
	var out []string
	for _, l := range strings.Split(want, "\n") {
		if !g[l] {
			out = append(out, "- "+l)
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if !w[l] {
			out = append(out, "+ "+l)
		}
	}
	if len(out) > 60 {
		out = append(out[:60], fmt.Sprintf("… and %d more", len(out)-60))
	}
	return strings.Join(out, "\n")
}

// TestGoldenOpenAPI: the served descriptions, byte for byte (indented):
// OpenAPI 3.1 (/openapi.json) and its 3.0 downgrade (/openapi-3.0.json).
// scripts/lint-openapi.sh lints these files. SMS codes are required, as
// in production.
func TestGoldenOpenAPI(t *testing.T) {
	h := newHarness(t, withPhoneCodes(&smsOutbox{}))
	for _, name := range []string{"openapi.json", "openapi-3.0.json"} {
		r := h.do("GET", "/"+name, "")
		if r.Status != 200 {
			t.Fatalf("%s: %d", name, r.Status)
		}
		var doc any
		if err := json.Unmarshal([]byte(r.Raw), &doc); err != nil {
			t.Fatal(err)
		}
		out, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		golden(t, name, append(out, '\n'))
	}
}

// TestGoldenStoredShapes: the key paths of every collection, as stored by
// a world that exercises every domain (the victims of the policy matrix),
// so a renamed Go field or tag that would orphan stored data shows up.
func TestGoldenStoredShapes(t *testing.T) {
	w := newFundWorld(t)
	zy, _ := w.committees(t)
	w.openStation(t)
	fillEmptyCollections(t, w, buildVictims(t, w, zy), zy)
	ctx := context.Background()
	db := w.h.db.Database()
	names, err := db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		cur, err := db.Collection(n).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		var docs []bson.Raw
		if err := cur.All(ctx, &docs); err != nil {
			t.Fatal(err)
		}
		keys := map[string]bool{}
		for _, d := range docs {
			keyPaths(d, "", keys)
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		fmt.Fprintf(&b, "%s: %s\n", n, strings.Join(sorted, " "))
	}
	golden(t, "stored-shapes.txt", []byte(b.String()))
}

// fillEmptyCollections takes a few more steps through the API so that
// collections the victims leave empty show their stored shape too. The
// rest are covered by store/mongo's TestStoredFieldsTagged.
func fillEmptyCollections(t *testing.T, w *fundWorld, v *victims, zy string) {
	t.Helper()
	h := w.h
	reviewer := "13300000001"
	h.register(reviewer)
	_, refresh := h.login(reviewer, "secret-pass")
	for _, c := range []struct{ what, method, path, body, tok string }{
		{"dashboard_snapshots", "GET", "/v1/dashboard?division=4101", "", w.city},
		{"competition_reviewers", "POST", "/v1/competitions/" + v.comp + "/reviewers", `{"phone":"` + reviewer + `","name":"评审专家01"}`, w.charityAdminA},
		{"supervision_confirmations", "POST", "/v1/supervision-sessions/" + v.session + "/confirmation", "", v.vtok},
		{"training_verifications", "POST", "/v1/training/" + v.training + "/verification", `{"verified":true}`, w.zhongyuan},
		{"refresh_uses", "POST", "/v1/auth/refresh", `{"refreshToken":"` + refresh + `"}`, ""},
	} {
		var hdr []string
		if c.tok != "" {
			hdr = bearerHeader(c.tok)
		}
		if r := h.do(c.method, c.path, c.body, hdr...); r.Status/100 != 2 {
			t.Fatalf("%s: %s %s: %d %s", c.what, c.method, c.path, r.Status, r.Raw)
		}
	}
}

// keyPaths adds the dotted key paths of a document (arrays as []).
func keyPaths(d bson.Raw, prefix string, into map[string]bool) {
	elems, err := d.Elements()
	if err != nil {
		return
	}
	for _, e := range elems {
		k := prefix + e.Key()
		into[k] = true
		switch v := e.Value(); v.Type {
		case bson.TypeEmbeddedDocument:
			keyPaths(v.Document(), k+".", into)
		case bson.TypeArray:
			vals, _ := v.Array().Values()
			for _, x := range vals {
				if x.Type == bson.TypeEmbeddedDocument {
					keyPaths(x.Document(), k+"[].", into)
				}
			}
		}
	}
}
