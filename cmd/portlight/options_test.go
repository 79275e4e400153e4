package main

import (
	"slices"
	"testing"

	"github.com/spf13/cobra"

	"github.com/portlight/portlight/config"
)

// TestCommandsShowTheirOptions walks every command of the binary and checks that its --help lists
// the configuration flags it reads and no other: serve every one, the commands on the store the
// store's, sandbox-env where the sandbox is. A new command must be added here.
func TestCommandsShowTheirOptions(t *testing.T) {
	want := map[string][]string{
		"portlight serve":                               config.Names(),
		"portlight migrate":                             storeOptions,
		"portlight sandbox-env":                         {"data-dir"},
		"portlight report ccrm-usage":                   storeOptions,
		"portlight bench gate-check":                    {"data-dir"},
		"portlight bench port-day":                      {"data-dir", "database-url", "db-max-conns", "secret-key-file"},
		"portlight bench webhooks":                      {"data-dir", "database-url", "db-max-conns", "secret-key-file"},
		"portlight bench edi":                           {"data-dir", "database-url", "db-max-conns", "secret-key-file"},
		"portlight bench console-list":                  {"data-dir", "database-url", "db-max-conns", "secret-key-file"},
		"portlight bench console-live":                  {"data-dir", "database-url", "db-max-conns", "secret-key-file"},
		"portlight bench password-flood":                {"data-dir"},
		"portlight admin channels list":                 {"data-dir", "database-url", "db-max-conns", "secret-key-file", "allow-private-webhooks"},
		"portlight admin companies list":                {"data-dir", "database-url", "db-max-conns"},
		"portlight admin companies put":                 {"data-dir", "database-url", "db-max-conns"},
		"portlight admin companies rotate-ingestion-id": storeOptions,
	}
	seen := 0
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		if c.RunE == nil {
			return
		}
		var bound []string
		for _, name := range config.Names() {
			if c.Flags().Lookup(name) != nil {
				bound = append(bound, name)
			}
		}
		path := c.CommandPath()
		w, ok := want[path]
		if !ok {
			// Every other command is an admin command on the store, or its channels.
			switch c.Parent().Name() {
			case "channels":
				w = channelOptions
			default:
				if c.Parent().Parent() == nil || c.Parent().Parent().Name() != "admin" {
					t.Errorf("%s: not in the table of the options each command shows", path)
					return
				}
				w = storeOptions
			}
		} else {
			seen++
		}
		if !sameSet(bound, w) {
			t.Errorf("%s shows the options %v, want %v", path, bound, w)
		}
	}
	walk(root())
	if seen != len(want) {
		t.Errorf("%d of the %d commands of the table exist", seen, len(want))
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
