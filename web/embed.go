// Package web holds the console's built files (web/dist, made by `npm run
// build` in this directory and committed), embedded in the binary so that
// `go run ./cmd/wushe` serves /console/ without Node.
package web

import (
	"embed"
	"io/fs"
)

//go:embed dist
var dist embed.FS

// Dist is the built console, rooted where index.html is.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic("web: " + err.Error()) // dist is embedded at build time; a missing one fails the build
	}
	return sub
}
