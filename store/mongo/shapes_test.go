package mongo

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// storedTypes are the Go types this package writes to a collection. Their
// keys are a stored format: every exported field, down through nested and
// embedded structs (the models kept under `doc` included), carries an
// explicit bson tag, so renaming a Go field cannot silently orphan data.
// handlers' TestGoldenStoredShapes shows the keys actually stored; this
// test covers the collections that golden world leaves empty, and fields
// no document there happens to fill.
var storedTypes = []any{
	accountDoc{}, phoneDoc{},
	applicationDoc{}, grantDoc{}, stepDoc{}, evaluationDoc{}, priceTableDoc{}, decisionDoc{},
	batchDoc{},
	competitionDoc{}, reviewerDoc{}, reviewAssignmentDoc{}, scoreSheetDoc{}, voteDoc{}, resultsDoc{},
	complaintDoc{},
	snapshotDoc{},
	fundDoc{}, ledgerDoc{}, fundKeyDoc{},
	attendanceDoc{}, hoursDoc{}, verificationDoc{},
	invitationDoc{},
	lockDoc{}, ownerDoc{},
	needDoc{},
	notificationDoc{}, noShowDoc{},
	orgDoc{}, memberDoc{},
	pathwayDoc{}, trainingDoc{}, trainingDecisionDoc{},
	planDoc{}, assignmentDoc{},
	transitionDoc{}, auditDoc{},
	roleOfferDoc{}, roleOfferAnswerDoc{},
	familyDoc{}, refreshDoc{},
	socialWorkerDoc{},
	wechatDoc{},
	stationDoc{}, divisionCentreDoc{},
	sessionDoc{}, confirmDoc{}, feedbackDoc{}, appraisalInputDoc{},
	volunteerDoc{},
	indexChangeDoc{},
	orgEvaluationDoc{}, incubationBaseDoc{}, incubationDoc{}, commendationDoc{},
	unitDoc{}, registryPostDoc{}, holdingDoc{},
}

// opaque types encode themselves (or are BSON scalars): their fields are
// not keys.
func opaque(t reflect.Type) bool {
	if t == reflect.TypeOf(time.Time{}) {
		return true
	}
	for _, i := range []reflect.Type{
		reflect.TypeOf((*bson.Marshaler)(nil)).Elem(),
		reflect.TypeOf((*bson.ValueMarshaler)(nil)).Elem(),
	} {
		if t.Implements(i) || reflect.PointerTo(t).Implements(i) {
			return true
		}
	}
	return t.PkgPath() == "go.mongodb.org/mongo-driver/v2/bson"
}

// walkStored calls visit for every struct type reachable from t through
// fields, pointers, slices, arrays and map values.
func walkStored(t reflect.Type, seen map[reflect.Type]bool, visit func(reflect.Type)) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] || opaque(t) {
		return
	}
	seen[t] = true
	visit(t)
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.IsExported() {
			walkStored(f.Type, seen, visit)
		}
	}
}

func typeName(t reflect.Type) string {
	if t.Name() == "" {
		return t.String()
	}
	return t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:] + "." + t.Name()
}

// TestStoredFieldsTagged: every exported field of every stored struct,
// recursively, has a bson tag.
func TestStoredFieldsTagged(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var missing []string
	for _, v := range storedTypes {
		walkStored(reflect.TypeOf(v), seen, func(st reflect.Type) {
			for i := 0; i < st.NumField(); i++ {
				f := st.Field(i)
				if !f.IsExported() {
					continue
				}
				tag, ok := f.Tag.Lookup("bson")
				if !ok || (tag != "-" && strings.Split(tag, ",")[0] == "" && !strings.Contains(tag, "inline")) {
					missing = append(missing, typeName(st)+"."+f.Name)
				}
			}
		})
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("%s: a stored field without an explicit bson key; tag it with the key stored today (for a field that had no tag: its name in lower case)", m)
	}
	if len(seen) < len(storedTypes) {
		t.Fatalf("walked %d struct types from %d stored types", len(seen), len(storedTypes))
	}
}

// TestStoredTypesListed: every struct declared in this package with a
// bson tag is reachable from storedTypes, so a new document type cannot
// be left out of TestStoredFieldsTagged.
func TestStoredTypesListed(t *testing.T) {
	reached := map[string]bool{}
	seen := map[reflect.Type]bool{}
	for _, v := range storedTypes {
		walkStored(reflect.TypeOf(v), seen, func(st reflect.Type) { reached[st.Name()] = true })
	}
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	declared := 0
	for _, p := range pkgs {
		for name, f := range p.Files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			ast.Inspect(f, func(n ast.Node) bool {
				ts, ok := n.(*ast.TypeSpec)
				if !ok {
					return true
				}
				st, ok := ts.Type.(*ast.StructType)
				if !ok || !hasBSONTag(st) {
					return true
				}
				declared++
				if !reached[ts.Name.Name] {
					t.Errorf("%s (%s) has bson tags but is not reachable from storedTypes: add it", ts.Name.Name, fset.Position(ts.Pos()))
				}
				return true
			})
		}
	}
	if declared < len(storedTypes) {
		t.Fatalf("found %d tagged struct declarations, fewer than the %d stored types", declared, len(storedTypes))
	}
}

func hasBSONTag(st *ast.StructType) bool {
	for _, f := range st.Fields.List {
		if f.Tag == nil {
			continue
		}
		tag, err := strconv.Unquote(f.Tag.Value)
		if err != nil {
			continue
		}
		if _, ok := reflect.StructTag(tag).Lookup("bson"); ok {
			return true
		}
	}
	return false
}
