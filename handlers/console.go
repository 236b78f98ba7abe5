package handlers

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/gofiber/fiber/v2"

	"github.com/wushe/wushe/web"
)

// The web console (web/, built into web/dist and embedded) is served at
// /console/. It is a client of the public /v1 API with the caller's own
// tokens, so it adds no authority of its own: these routes only hand out
// static files. Hashed files under assets/ never change, so they are cached
// for a year; index.html answers every other path (the console's own routes,
// so deep links and reloads work) and is revalidated on each load.

// consoleCSP keeps the console to its own origin: no inline script, no
// third-party anything, and it cannot be framed.
const consoleCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

type consoleFile struct {
	body  []byte
	gz    []byte // nil when compression does not pay
	ctype string
	etag  string
}

type consoleFiles struct {
	files map[string]*consoleFile // by path inside dist, e.g. "assets/index-1a2b.js"
	index *consoleFile
	csp   string // the page's Content-Security-Policy
}

var consoleTypes = map[string]string{
	".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
	".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon",
	".woff2": "font/woff2", ".txt": "text/plain; charset=utf-8", ".webmanifest": "application/manifest+json",
}

func registerConsole(f *fiber.App, api huma.API) {
	registerConsoleFS(f, api, web.Dist())
	registerVolunteerApp(f, api, web.Dist())
}

// registerConsoleFS serves fsys (the built console) under /console/ and
// documents the route in the OpenAPI description.
func registerConsoleFS(f *fiber.App, api huma.API, fsys fs.FS) {
	cf, err := loadConsole(fsys, consoleCSP, appDir)
	if err != nil {
		panic("handlers: the embedded console cannot be read: " + err.Error()) // embedded at build time
	}
	f.Get("/console/*", cf.serve) // matches /console and /console/ too
	// The root leads a browser to the console.
	f.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/console/", fiber.StatusFound) })
	api.OpenAPI().AddOperation(&huma.Operation{OperationID: "root", Method: http.MethodGet, Path: "/",
		Summary: "转到网页工作台 Redirect to the web console", Tags: []string{"console"},
		Responses: map[string]*huma.Response{"302": {Description: "Location: /console/",
			Headers: map[string]*huma.Param{"Location": {Schema: &huma.Schema{Type: "string"}}}}}})

	ok := &huma.Response{Description: "index.html（单页应用的每个路径）或 assets/ 下带哈希的文件 " +
		"index.html for the console's own paths, or a hashed file under assets/",
		Content: map[string]*huma.MediaType{"text/html": {}, "text/javascript": {}, "text/css": {}}}
	api.OpenAPI().AddOperation(&huma.Operation{OperationID: "console", Method: http.MethodGet, Path: "/console/*",
		Summary: "网页工作台 The web console",
		Description: "社区、机构、慈善组织、评审专家与民政部门的网页工作台（单页应用），只调用公开的 /v1 接口。" +
			"`/console/` 下的任何路径：`assets/` 下带哈希的文件（`Cache-Control: public, max-age=31536000, immutable`），" +
			"其余路径返回 index.html（`no-cache`）。 The single-page console for committees, organisations, charities, reviewers " +
			"and civil affairs, a client of the public /v1 API only. Any path below `/console/`: hashed files under `assets/` " +
			"(cached for a year, immutable); every other path answers index.html (revalidated), so client-side routes deep-link.",
		Tags: []string{"console"},
		Responses: map[string]*huma.Response{"200": ok, "304": {Description: http.StatusText(http.StatusNotModified)},
			"404": {Description: "assets/ 下不存在的文件 No such file under assets/"}}})
}

// loadConsole reads a built single-page app (index.html and its files) from
// fsys, leaving out the directory skip (another app's, served on its own path).
func loadConsole(fsys fs.FS, csp, skip string) (*consoleFiles, error) {
	cf := &consoleFiles{files: map[string]*consoleFile{}, csp: csp}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && skip != "" && name == skip {
			return fs.SkipDir
		}
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		ctype := consoleTypes[path.Ext(name)]
		if ctype == "" {
			ctype = http.DetectContentType(body)
		}
		sum := sha256.Sum256(body)
		file := &consoleFile{body: body, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
		if compressible(ctype) && len(body) > 1024 {
			var b bytes.Buffer
			w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
			_, _ = w.Write(body)
			_ = w.Close()
			if b.Len() < len(body)*9/10 {
				file.gz = b.Bytes()
			}
		}
		cf.files[name] = file
		return nil
	})
	if err != nil {
		return nil, err
	}
	if cf.index = cf.files["index.html"]; cf.index == nil {
		return nil, fs.ErrNotExist
	}
	return cf, nil
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.HasPrefix(ctype, "application/json") ||
		strings.HasPrefix(ctype, "image/svg") || strings.HasPrefix(ctype, "application/manifest")
}

func (cf *consoleFiles) serve(c *fiber.Ctx) error {
	name := strings.TrimPrefix(path.Clean("/"+c.Params("*")), "/")
	file, found := cf.files[name]
	immutable := found && strings.HasPrefix(name, "assets/")
	if !found {
		// A missing hashed file (an old build's) or anything that looks like a
		// file is a 404; every other path is one of the console's own routes.
		if strings.HasPrefix(name, "assets/") || (name != "" && strings.Contains(path.Base(name), ".")) {
			return fiber.ErrNotFound
		}
		file = cf.index
	}
	c.Set(fiber.HeaderContentType, file.ctype)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderETag, file.etag)
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	if immutable {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	if file == cf.index {
		c.Set(fiber.HeaderContentSecurityPolicy, cf.csp)
		c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
		c.Set(fiber.HeaderXFrameOptions, "DENY")
	}
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && strings.Contains(inm, file.etag) {
		return c.SendStatus(http.StatusNotModified)
	}
	if file.gz != nil && strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Status(http.StatusOK).Send(file.gz)
	}
	return c.Status(http.StatusOK).Send(file.body)
}
