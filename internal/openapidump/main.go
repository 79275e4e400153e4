// Command openapidump writes the OpenAPI document that GET /openapi.json serves to a file, for
// `go generate ./client/apiclient` (the typed client is generated from it).
package main

import (
	"fmt"
	"os"

	"github.com/portlight/portlight/api"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: openapidump FILE")
		os.Exit(2)
	}
	if err := os.WriteFile(os.Args[1], append(api.New(nil, api.Options{}).OpenAPI(), '\n'), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
