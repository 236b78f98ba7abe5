package handlers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/wushe/wushe/models"
)

// TestProblemCodesAreDocumented holds docs/errors.md to the catalogue: the
// page's table lists exactly the codes, each with its status.
func TestProblemCodesAreDocumented(t *testing.T) {
	raw, err := os.ReadFile("../docs/errors.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z-]+)` \\| (\\d{3}) \\|")
	documented := map[models.Code]int{}
	for _, m := range row.FindAllStringSubmatch(string(raw), -1) {
		if _, twice := documented[models.Code(m[1])]; twice {
			t.Errorf("docs/errors.md lists %s twice", m[1])
		}
		documented[models.Code(m[1])], _ = strconv.Atoi(m[2])
	}
	for _, c := range problemCodes {
		status, ok := documented[c.Code]
		switch {
		case !ok:
			t.Errorf("docs/errors.md does not list %s", c.Code)
		case status != c.Status:
			t.Errorf("docs/errors.md gives %s status %d, the catalogue %d", c.Code, status, c.Status)
		}
		delete(documented, c.Code)
	}
	for c := range documented {
		t.Errorf("docs/errors.md lists %s, which the catalogue does not have", c)
	}
}

// TestProblemCatalogue checks the catalogue's entries and that every code
// the service or the handlers can answer is in it, with the status the
// answer will have.
func TestProblemCatalogue(t *testing.T) {
	seen := map[models.Code]bool{}
	codeRe := regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)
	for _, c := range problemCodes {
		if seen[c.Code] {
			t.Errorf("%s is listed twice", c.Code)
		}
		seen[c.Code] = true
		if !codeRe.MatchString(string(c.Code)) {
			t.Errorf("%q is not a kebab-case code", c.Code)
		}
		for i := range 2 {
			if c.Title[i] == "" || c.About[i] == "" || strings.EqualFold(c.Title[i], c.About[i]) {
				t.Errorf("%s: titles %q and explanations %q must be given and differ", c.Code, c.Title, c.About)
			}
		}
		if c.Status < 400 || c.Status > 599 {
			t.Errorf("%s: status %d", c.Code, c.Status)
		}
	}
	// Every kind answers its code, at the kind's status.
	for kind, status := range statusOf {
		c, ok := problemByCode[models.KindCode(kind)]
		if !ok || c.Status != status {
			t.Errorf("kind %d: code %s is missing or not %d", kind, models.KindCode(kind), status)
		}
	}
	// Every status the HTTP layer answers on its own has its code, at that status.
	for status, code := range codeOfStatus {
		if c, ok := problemByCode[code]; !ok || c.Status != status {
			t.Errorf("status %d: code %s is missing or has another status", status, code)
		}
	}
	for _, code := range []models.Code{codeFor(400, "validation failed"), codeFor(400, "request body is required"), codeFor(404, "no such route"), codeFor(418, "")} {
		if !seen[code] {
			t.Errorf("%s is not in the catalogue", code)
		}
	}
	// Every code constant of models is in the catalogue.
	fs := token.NewFileSet()
	f, err := parser.ParseFile(fs, "../models/codes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	consts := 0
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Values) != 1 {
			return true
		}
		if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
			return true
		}
		lit, ok := vs.Values[0].(*ast.BasicLit)
		if !ok {
			return true
		}
		consts++
		code, _ := strconv.Unquote(lit.Value)
		if !seen[models.Code(code)] {
			t.Errorf("models.%s (%q) is not in the catalogue of handlers/problems.go", vs.Names[0].Name, code)
		}
		return true
	})
	if consts < 20 {
		t.Fatalf("found only %d code constants in models/codes.go", consts)
	}
}

// TestProblemDetailNeverRepeatsTitle builds problems from domain errors
// whose message is their title, and from Huma's own errors.
func TestProblemDetailNeverRepeatsTitle(t *testing.T) {
	ctx := t.Context()
	none := func(string, string) {}
	for _, en := range []bool{false, true} {
		for _, p := range []*ErrorModel{
			problem(ctx, 0, "", en, []error{models.E(models.KindNotFound, "未找到", "Not found")}, none),
			problem(ctx, 0, "", en, []error{models.ErrConflict}, none),
			problem(ctx, 422, "validation failed", en, nil, none),
			problem(ctx, 404, "no such route", en, nil, none),
			problem(ctx, 413, "request body is too large", en, nil, none),
			problem(ctx, 500, "", en, nil, none),
		} {
			if p.Detail == "" || strings.EqualFold(p.Detail, p.Title) || p.Type != "/problems/"+string(p.Code) || !slices.ContainsFunc(problemCodes, func(c problemCode) bool { return c.Code == p.Code }) {
				t.Errorf("en=%v: %+v", en, p)
			}
		}
	}
}
