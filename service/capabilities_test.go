package service_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNoCapabilityByTypeAssertion: what a use case needs from a store (or
// a provider) is in the interface it is given, so a missing capability is
// a compile error. A type assertion to an interface the service declares,
// or to an interface literal, in the service, jobs, cmd or handlers
// packages would make it a runtime surprise instead (a job that silently
// notifies nobody, a channel that silently sends nothing).
func TestNoCapabilityByTypeAssertion(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	type file struct {
		path string
		f    *ast.File
	}
	var files []file
	fset := token.NewFileSet()
	for _, top := range []string{"service", "jobs", "cmd", "handlers"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			files = append(files, file{path, f})
			return nil
		})
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}

	// The interfaces declared under service/, by directory and by name.
	inDir := map[string]map[string]bool{}
	byName := map[string]bool{}
	for _, fl := range files {
		if !isServiceDir(root, filepath.Dir(fl.path)) {
			continue
		}
		for _, d := range fl.f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, s := range gd.Specs {
				if ts := s.(*ast.TypeSpec); isInterface(ts.Type) {
					dir := filepath.Dir(fl.path)
					if inDir[dir] == nil {
						inDir[dir] = map[string]bool{}
					}
					inDir[dir][ts.Name.Name] = true
					byName[ts.Name.Name] = true
				}
			}
		}
	}
	if !byName["NotificationStore"] {
		t.Fatalf("found no service store interfaces under %s", root)
	}

	hidden := func(fl file, typ ast.Expr) string {
		switch x := typ.(type) {
		case *ast.InterfaceType:
			return "an interface literal"
		case *ast.Ident:
			if inDir[filepath.Dir(fl.path)][x.Name] {
				return x.Name
			}
		case *ast.SelectorExpr:
			pkg, ok := x.X.(*ast.Ident)
			if ok && byName[x.Sel.Name] && importsService(fl.f, pkg.Name) {
				return pkg.Name + "." + x.Sel.Name
			}
		}
		return ""
	}
	checked := 0
	for _, fl := range files {
		for _, d := range fl.f.Decls {
			// A generic helper asserting to its type parameter hides the
			// capability just the same (scannerOf[T](store any)).
			typeParams := map[string]bool{}
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Type.TypeParams != nil {
				for _, f := range fd.Type.TypeParams.List {
					for _, n := range f.Names {
						typeParams[n.Name] = true
					}
				}
			}
			what := func(typ ast.Expr) string {
				if id, ok := typ.(*ast.Ident); ok && typeParams[id.Name] {
					return "the type parameter " + id.Name
				}
				return hidden(fl, typ)
			}
			ast.Inspect(d, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.TypeAssertExpr:
					checked++
					if x.Type != nil {
						if w := what(x.Type); w != "" {
							t.Errorf("%s: a capability reached by type assertion to %s; put the method in the interface the code is given", fset.Position(x.Pos()), w)
						}
					}
				case *ast.TypeSwitchStmt:
					for _, c := range x.Body.List {
						for _, typ := range c.(*ast.CaseClause).List {
							if w := what(typ); w != "" {
								t.Errorf("%s: a capability reached by a type switch on %s; put the method in the interface the code is given", fset.Position(typ.Pos()), w)
							}
						}
					}
				}
				return true
			})
		}
	}
	if checked == 0 {
		t.Fatal("found no type assertions at all: is the walk reading the sources?")
	}
}

func isServiceDir(root, dir string) bool {
	rel, err := filepath.Rel(root, dir)
	return err == nil && (rel == "service" || strings.HasPrefix(rel, "service"+string(filepath.Separator)))
}

func isInterface(e ast.Expr) bool {
	_, ok := e.(*ast.InterfaceType)
	return ok
}

// importsService reports whether name is f's name for a package under service/.
func importsService(f *ast.File, name string) bool {
	for _, im := range f.Imports {
		p, err := strconv.Unquote(im.Path.Value)
		if err != nil || !strings.Contains(p, "/service") {
			continue
		}
		local := p[strings.LastIndex(p, "/")+1:]
		if im.Name != nil {
			local = im.Name.Name
		}
		if local == name && (strings.HasSuffix(p, "/service") || strings.Contains(p, "/service/")) {
			return true
		}
	}
	return false
}
