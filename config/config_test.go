package config

import (
	"flag"
	"slices"
	"strings"
	"testing"
)

// parse binds names on a fresh flag set, parses args and loads the Config.
func parse(t *testing.T, args []string, names ...string) (*flag.FlagSet, Config) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	if err := Bind(fs, names...); err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	c, err := Load(fs)
	if err != nil {
		t.Fatal(err)
	}
	return fs, c
}

// TestBindOnlyNamed: a command that names its options gets those flags and no other; the options
// it does not bind take their defaults, whatever the environment says of them.
func TestBindOnlyNamed(t *testing.T) {
	t.Setenv("PORTLIGHT_RATE_LIMIT", "7")
	t.Setenv("PORTLIGHT_DATABASE_URL", "postgres://elsewhere/db")
	fs, c := parse(t, []string{"--data-dir", "/tmp/x"}, "data-dir", "database-url")
	var bound []string
	fs.VisitAll(func(f *flag.Flag) { bound = append(bound, f.Name) })
	if want := []string{"data-dir", "database-url"}; !slices.Equal(bound, want) {
		t.Errorf("bound flags %v, want %v", bound, want)
	}
	if c.DataDir != "/tmp/x" || c.DatabaseURL != "postgres://elsewhere/db" {
		t.Errorf("bound options: data dir %q, database URL %q", c.DataDir, c.DatabaseURL)
	}
	if c.RateLimit != 500 || c.Addr != "127.0.0.1:8080" || c.ShutdownTimeout.String() != "15s" {
		t.Errorf("unbound options not at their defaults: rate limit %d, addr %q, shutdown timeout %s", c.RateLimit, c.Addr, c.ShutdownTimeout)
	}
}

// TestBindEverything: serve names no option and gets every one.
func TestBindEverything(t *testing.T) {
	fs, _ := parse(t, nil)
	var bound []string
	fs.VisitAll(func(f *flag.Flag) { bound = append(bound, f.Name) })
	slices.Sort(bound)
	all := Names()
	slices.Sort(all)
	if !slices.Equal(bound, all) {
		t.Errorf("bound %v, want every option %v", bound, all)
	}
}

// TestBindUnknownName: a misspelt option name is an error, not a flag silently left out.
func TestBindUnknownName(t *testing.T) {
	err := Bind(flag.NewFlagSet("test", flag.ContinueOnError), "data-dir", "datadir")
	if err == nil || !strings.Contains(err.Error(), `"datadir"`) {
		t.Fatalf("Bind with an unknown name: %v", err)
	}
}

// TestDumpSandboxWebhooks: the sandbox lets webhooks reach private addresses, so the dump says
// true (and why), not the false the option was left at; set explicitly it prints plainly.
func TestDumpSandboxWebhooks(t *testing.T) {
	_, c := parse(t, []string{"--sandbox"})
	if !c.AllowPrivateWebhooks {
		t.Error("a sandbox's Config says private webhooks are not allowed")
	}
	if dump := c.Dump(); !strings.Contains(dump, "PORTLIGHT_ALLOW_PRIVATE_WEBHOOKS=true (implied by --sandbox)\n") {
		t.Errorf("sandbox dump:\n%s", dump)
	}
	_, c = parse(t, []string{"--sandbox", "--allow-private-webhooks"})
	if dump := c.Dump(); !strings.Contains(dump, "PORTLIGHT_ALLOW_PRIVATE_WEBHOOKS=true\n") {
		t.Errorf("dump with the option set:\n%s", dump)
	}
	_, c = parse(t, nil)
	if dump := c.Dump(); !strings.Contains(dump, "PORTLIGHT_ALLOW_PRIVATE_WEBHOOKS=false\n") || !strings.Contains(dump, "PORTLIGHT_SANDBOX=false\n") {
		t.Errorf("dump outside the sandbox:\n%s", dump)
	}
}

// TestDumpMasksSecrets: secrets are in force but never printed.
func TestDumpMasksSecrets(t *testing.T) {
	_, c := parse(t, []string{"--database-url", "postgres://u:hunter2@db/portlight", "--admin-token", strings.Repeat("s", 32)})
	dump := c.Dump()
	if strings.Contains(dump, "hunter2") || strings.Contains(dump, strings.Repeat("s", 32)) {
		t.Errorf("dump shows a secret:\n%s", dump)
	}
	if !strings.Contains(dump, "PORTLIGHT_DATABASE_URL=********\n") {
		t.Errorf("dump:\n%s", dump)
	}
}

// TestConsolePort: the console's port is BEANR unless told otherwise, upper-cased; what is not a
// UN/LOCODE is refused with the option's name.
func TestConsolePort(t *testing.T) {
	if _, c := parse(t, nil, "console-port"); c.ConsolePort != "BEANR" {
		t.Errorf("default console port %q, want BEANR", c.ConsolePort)
	}
	if _, c := parse(t, []string{"--console-port", " nlrtm "}, "console-port"); c.ConsolePort != "NLRTM" {
		t.Errorf("console port %q, want NLRTM", c.ConsolePort)
	}
	for _, bad := range []string{"", "BEAN", "BEANRX", "B1ANR", "BEAN1", "BE-NR"} {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		if err := Bind(fs, "console-port"); err != nil {
			t.Fatal(err)
		}
		if err := fs.Parse([]string{"--console-port", bad}); err == nil {
			if _, err = Load(fs); err == nil {
				t.Errorf("--console-port %q accepted", bad)
				continue
			}
		} else if !strings.Contains(err.Error(), "console-port") {
			t.Errorf("--console-port %q: %v, want the option named", bad, err)
		}
	}
}
