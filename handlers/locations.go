package handlers

import (
	"context"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// A domain error names the field that broke a rule by its name ("title",
// "window.start", "tranches[1].amountFen"); the service does not know how
// the request carried it. The handlers turn the name into a location of
// the request: the path, query or header parameter of that name, else the
// body ("body.title").

type operationKey struct{}

// withOperation puts the request's operation in its context, for location.
func withOperation(ctx huma.Context, next func(huma.Context)) {
	next(huma.WithValue(ctx, operationKey{}, ctx.Operation()))
}

// locations a field may already carry.
var locationPrefixes = []string{"body", "query", "path", "header", "cookie"}

// location is where in the request the field a domain error names came from.
func location(ctx context.Context, field string) string {
	if field == "" {
		return field
	}
	for _, p := range locationPrefixes {
		if field == p || strings.HasPrefix(field, p+".") || strings.HasPrefix(field, p+"[") {
			return field
		}
	}
	name := field
	if i := strings.IndexAny(field, ".["); i >= 0 {
		name = field[:i]
	}
	if op, _ := ctx.Value(operationKey{}).(*huma.Operation); op != nil {
		for _, p := range op.Parameters {
			if p.Name == name {
				return p.In + "." + field
			}
		}
	}
	return "body." + field
}
