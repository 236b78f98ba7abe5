package docs

import (
	"bufio"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The house rules of issue 15: no source file over 500 lines, no Go type
// with more than 60 methods (a type that keeps growing is a domain that
// wants its own package).
const (
	maxFileLines   = 500
	maxTypeMethods = 60
)

// sourceFiles lists the hand-written Go, TypeScript and JavaScript files,
// skipping generated ones (web/src/generated, web/dist, clients/ts/dist, clients/go/wushe), dependencies and
// test output.
func sourceFiles(t *testing.T) []string {
	t.Helper()
	dir := root(t)
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			switch rel {
			case ".git", "web/node_modules", "web/dist", "web/src/generated", "web/e2e/screenshots", "clients/ts/node_modules", "clients/ts/dist", "clients/go/wushe":
				return filepath.SkipDir
			}
			if strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(p) {
		case ".go", ".ts", ".tsx", ".mjs", ".js":
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestNoFileOverMaxLines(t *testing.T) {
	dir := root(t)
	files := sourceFiles(t)
	if len(files) < 100 {
		t.Fatalf("found only %d source files: is the walk broken?", len(files))
	}
	for _, rel := range files {
		f, err := os.Open(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			n++
		}
		f.Close()
		if n > maxFileLines {
			t.Errorf("%s has %d lines; split it along its seams (at most %d)", rel, n, maxFileLines)
		}
	}
}

func TestNoTypeOverMaxMethods(t *testing.T) {
	dir := root(t)
	methods := map[string]int{} // "dir.Type" → methods
	fset := token.NewFileSet()
	for _, rel := range sourceFiles(t) {
		if filepath.Ext(rel) != ".go" || strings.HasSuffix(rel, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, rel), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || len(fn.Recv.List) == 0 {
				continue
			}
			typ := fn.Recv.List[0].Type
			if s, ok := typ.(*ast.StarExpr); ok {
				typ = s.X
			}
			if g, ok := typ.(*ast.IndexExpr); ok {
				typ = g.X
			}
			if id, ok := typ.(*ast.Ident); ok {
				methods[filepath.Dir(rel)+"."+id.Name]++
			}
		}
	}
	if methods["service.Service"] == 0 {
		t.Fatal("found no methods of service.Service: is the walk broken?")
	}
	names := make([]string, 0, len(methods))
	for n := range methods {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if methods[n] > maxTypeMethods {
			t.Errorf("%s has %d methods; give a domain its own package (at most %d)", n, methods[n], maxTypeMethods)
		}
	}
}
