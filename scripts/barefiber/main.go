// Command barefiber is the baseline of the HTTP figures in
// docs/performance.md: a bare Fiber app (the version the service uses)
// answering one small JSON object, with no middleware. The service's
// figures are quoted as a share of this one's, measured in the same run
// (scripts/hotreads.sh).
//
//	go run ./scripts/barefiber -addr 127.0.0.1:18090
package main

import (
	"flag"
	"log"

	"github.com/gofiber/fiber/v2"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18090", "listen address")
	flag.Parse()
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	type answer struct {
		Status string `json:"status"`
	}
	app.Get("/", func(c *fiber.Ctx) error { return c.JSON(answer{Status: "ok"}) })
	log.Fatal(app.Listen(*addr))
}
