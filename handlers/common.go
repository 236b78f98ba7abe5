package handlers

import (
	"net/http"
	"net/url"
	"sort"
	"sync"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
)

// PageParams are the cursor-pagination query parameters of every list.
type PageParams struct {
	Cursor string `query:"cursor" maxLength:"200" doc:"上一页返回的 nextCursor Opaque cursor from the previous page"`
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"20" doc:"每页条数（最多 100）Page size (at most 100)"`
}

// ListMeta is the paging part of every list answer.
type ListMeta struct {
	NextCursor string `json:"nextCursor" doc:"下一页游标；为空表示没有更多 Cursor of the next page; empty at the end"`
}

// op builds an operation with the conventions every route shares.
func op(id, method, path, tag, summary string, secured bool, errs ...int) huma.Operation {
	o := huma.Operation{OperationID: id, Method: method, Path: path, Tags: []string{tag}, Summary: summary,
		MaxBodyBytes: 256 << 10, Errors: errs}
	if secured {
		o.Security = bearer
		o.Errors = append(o.Errors, http.StatusUnauthorized)
	}
	if method == http.MethodPost {
		o.DefaultStatus = http.StatusOK
	}
	return o
}

func created(o huma.Operation) huma.Operation {
	o.DefaultStatus = http.StatusCreated
	return o
}

// listOutput is the answer of every cursor-paged list: items and the next cursor.
type listOutput[D any] struct {
	Body struct {
		Items []D `json:"items"`
		ListMeta
	}
}

// listOf converts one page of domain objects into a list answer.
func listOf[T, D any](items []T, next string, dto func(T) D) *listOutput[D] {
	out := &listOutput[D]{}
	out.Body.Items = make([]D, len(items))
	for i, it := range items {
		out.Body.Items[i] = dto(it)
	}
	out.Body.NextCursor = next
	return out
}

// page answers a list operation: the service's page, or its error.
func page[T, D any](items []T, next string, err error, dto func(T) D) (*listOutput[D], error) {
	if err != nil {
		return nil, err
	}
	return listOf(items, next, dto), nil
}

// strictQuery answers 422 naming the first query parameter the operation
// does not declare: a misspelt filter (communityCode for community) must
// not silently return everything.
func strictQuery(api huma.API) func(huma.Context, func(huma.Context)) {
	var known sync.Map // *huma.Operation → map[string]bool
	return func(ctx huma.Context, next func(huma.Context)) {
		op := ctx.Operation()
		raw := ctx.URL().RawQuery
		if raw == "" || op == nil {
			next(ctx)
			return
		}
		names, ok := known.Load(op)
		if !ok {
			m := map[string]bool{}
			for _, p := range op.Parameters {
				if p.In == "query" {
					m[p.Name] = true
				}
			}
			names, _ = known.LoadOrStore(op, m)
		}
		q, err := url.ParseQuery(raw)
		if err != nil {
			_ = huma.WriteErr(api, ctx, http.StatusBadRequest, "",
				models.Invalid("query", "查询字符串格式错误", "the query string is malformed"))
			return
		}
		unknown := make([]string, 0, 1)
		for k := range q {
			if !names.(map[string]bool)[k] {
				unknown = append(unknown, k)
			}
		}
		if len(unknown) > 0 {
			sort.Strings(unknown)
			var p models.Problems
			for _, k := range unknown {
				p.Add("query."+k, "未知的查询参数", "unknown query parameter")
			}
			_ = huma.WriteErr(api, ctx, http.StatusUnprocessableEntity, "", p.Err())
			return
		}
		next(ctx)
	}
}
