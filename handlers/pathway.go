package handlers

import (
	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/service"
)

// TEMPORARY: being written.
func registerPathway(api huma.API, svc *service.Service) {}
