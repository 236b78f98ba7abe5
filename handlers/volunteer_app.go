package handlers

import (
	"io/fs"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/gofiber/fiber/v2"
)

// The volunteers' mobile app (web/m and web/src/m, built into web/dist/m and
// embedded with the console) is served at /m/ exactly as the console is at
// /console/: hashed files cached for a year, index.html for every other path
// (so deep links and reloads work), a strict CSP. Like the console it is a
// client of the public /v1 API with the volunteer's own tokens.

// appDir is the app's directory inside web/dist.
const appDir = "m"

// appCSP is the console's policy, plus the camera's stream (a MediaStream
// shown in a <video>) and the QR code images made in the page (data: URLs).
const appCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; " +
	"font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; " +
	"form-action 'self'; frame-ancestors 'none'"

// registerVolunteerApp serves dist/m (fsys is the whole built dist) under /m/
// and documents the route in the OpenAPI description.
func registerVolunteerApp(f *fiber.App, api huma.API, dist fs.FS) {
	sub, err := fs.Sub(dist, appDir)
	if err != nil {
		panic("handlers: the embedded volunteers' app cannot be read: " + err.Error())
	}
	af, err := loadConsole(sub, appCSP, "")
	if err != nil {
		panic("handlers: the embedded volunteers' app cannot be read: " + err.Error()) // embedded at build time
	}
	// Fiber's "/m/*" does not match "/m/" itself (unlike "/console/*"), so the
	// app's root is registered on its own.
	f.Get("/m/", af.serve)
	f.Get("/m/*", af.serve)

	ok := &huma.Response{Description: "index.html（应用的每个路径）、manifest.webmanifest、图标，或 assets/ 下带哈希的文件 " +
		"index.html for the app's own paths, its manifest and icon, or a hashed file under assets/",
		Content: map[string]*huma.MediaType{"text/html": {}, "text/javascript": {}, "text/css": {}, "application/manifest+json": {}}}
	api.OpenAPI().AddOperation(&huma.Operation{OperationID: "volunteer-app", Method: http.MethodGet, Path: "/m/*",
		Summary: "志愿者手机应用 The volunteers' mobile app",
		Description: "志愿者的手机网页应用（H5，可安装为 PWA）：注册登录、档案、附近需求、邀请、扫码签到、服务时长与证明，只调用公开的 /v1 接口。" +
			"`assets/` 下带哈希的文件长期缓存，其余路径返回 index.html（`no-cache`）。 The volunteers' mobile web app (H5, installable as a " +
			"PWA), a client of the public /v1 API only. Hashed files under `assets/` are cached for a year (immutable); every other " +
			"path answers index.html (revalidated), so the app's routes deep-link.",
		Tags: []string{"console"},
		Responses: map[string]*huma.Response{"200": ok, "304": {Description: http.StatusText(http.StatusNotModified)},
			"404": {Description: "assets/ 下不存在的文件 No such file under assets/"}}})
	// The root is a route of its own (above), so it is described on its own.
	api.OpenAPI().AddOperation(&huma.Operation{OperationID: "volunteer-app-root", Method: http.MethodGet, Path: "/m/",
		Summary:     "志愿者手机应用首页 The volunteers' mobile app's start page",
		Description: "应用的 index.html（`no-cache`），见 GET /m/*。 The app's index.html (revalidated); see GET /m/*.",
		Tags:        []string{"console"},
		Responses: map[string]*huma.Response{"200": {Description: "index.html", Content: map[string]*huma.MediaType{"text/html": {}}},
			"304": {Description: http.StatusText(http.StatusNotModified)}}})
}
