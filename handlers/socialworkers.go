package handlers

import (
	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/service"
)

// TEMPORARY: being written.
func registerSocialWorkers(api huma.API, svc *service.Service) {}
