package handlers

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
)

type vocabulariesOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         struct {
		Vocabularies []models.Vocabulary `json:"vocabularies"`
	}
}

func registerMeta(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "vocabularies", Method: http.MethodGet, Path: "/v1/meta/vocabularies", Tags: []string{"meta"},
		Summary: "全部词表（代码、中文与英文标签）Every vocabulary: codes with zh-CN and English labels",
	}, func(ctx context.Context, _ *struct{}) (*vocabulariesOutput, error) {
		out := &vocabulariesOutput{CacheControl: "public, max-age=3600"}
		out.Body.Vocabularies = models.Vocabularies()
		return out, nil
	})
}
