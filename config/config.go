// Package config is Portlight's configuration: one explicit struct, filled from defaults,
// environment variables (PORTLIGHT_<NAME>, secrets also from PORTLIGHT_<NAME>_FILE) and flags,
// validated, and printable with secrets masked.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config is everything a Portlight node needs to know.
type Config struct {
	Addr             string
	DataDir          string
	DatabaseURL      string
	DBMaxConns       int
	Sandbox          bool
	SandboxEmpty     bool // --sandbox without its demo containers (an empty port)
	StrictCheckDigit bool
	PublicURL        string
	// ConsolePort is the port (its UN/LOCODE) whose containers the web console shows.
	ConsolePort     string
	ShutdownTimeout time.Duration
	ExpiryInterval  time.Duration
	DebugAddr       string
	RateLimit       int
	AdminToken      string
	BenchEndpoints  bool
	// Webhook delivery (package delivery): the bound of one attempt, the attempts a channel may
	// have in flight, whether webhooks may reach private addresses over plain HTTP (the sandbox
	// always may), and the key that seals the channels' secrets.
	WebhookTimeout       time.Duration
	WebhookConcurrency   int
	MaxChannels          int
	AllowPrivateWebhooks bool
	SecretKeyFile        string

	// implied notes the options whose value in force is not what they were set to, and why
	// (see Load).
	implied map[string]string
	// Hardening (docs/security.md): the connections the listener holds open at once, and the
	// password checks (Argon2id, 19 MiB each) that may run at once.
	MaxConns        int
	AuthConcurrency int
	TrustedProxies  []netip.Prefix
}

// validLoCode reports whether s is a UN/LOCODE as a port is named: two letters, then three
// letters or digits 2-9.
func validLoCode(s string) bool {
	if len(s) != 5 {
		return false
	}
	for i, c := range []byte(s) {
		letter := c >= 'A' && c <= 'Z'
		if !letter && (i < 2 || c < '2' || c > '9') {
			return false
		}
	}
	return true
}

// option is one line of the option table.
type option struct {
	name, usage, def string
	secret           bool
	boolean          bool // a switch: "--sandbox" alone means true
	set              func(c *Config, v string) error
	get              func(c *Config) string
}

var options = []option{
	{name: "addr", def: "127.0.0.1:8080", usage: "address to listen on (port 0 picks a free one)",
		set: func(c *Config, v string) error { c.Addr = v; return nil }, get: func(c *Config) string { return c.Addr }},
	{name: "data-dir", def: "./portlight-data", usage: "directory for the SQLite database and the sandbox credentials",
		set: func(c *Config, v string) error { c.DataDir = v; return nil }, get: func(c *Config) string { return c.DataDir }},
	{name: "database-url", def: "", secret: true, usage: "postgres://... selects PostgreSQL; empty means SQLite in the data dir",
		set: func(c *Config, v string) error { c.DatabaseURL = v; return nil }, get: func(c *Config) string { return c.DatabaseURL }},
	{name: "db-max-conns", def: "16", usage: "PostgreSQL connections this node may open (its pool); keep the sum over every node below the server's max_connections",
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return fmt.Errorf("db-max-conns: %q is not a whole number >= 1", v)
			}
			c.DBMaxConns = n
			return nil
		}, get: func(c *Config) string { return strconv.Itoa(c.DBMaxConns) }},
	{name: "sandbox", def: "false", boolean: true, usage: "seed the demo port BEANR with demo parties and print their credentials",
		set: boolSetter(func(c *Config, b bool) { c.Sandbox = b }), get: func(c *Config) string { return strconv.FormatBool(c.Sandbox) }},
	{name: "sandbox-empty", def: "false", boolean: true, usage: "with --sandbox, start an empty port: the demo parties without their demo containers",
		set: boolSetter(func(c *Config, b bool) { c.SandboxEmpty = b }), get: func(c *Config) string { return strconv.FormatBool(c.SandboxEmpty) }},
	{name: "strict-check-digit", def: "false", boolean: true, usage: "refuse equipment numbers with a wrong ISO 6346 check digit (default: warn)",
		set: boolSetter(func(c *Config, b bool) { c.StrictCheckDigit = b }), get: func(c *Config) string { return strconv.FormatBool(c.StrictCheckDigit) }},
	{name: "public-url", def: "", usage: "the URL clients reach this node at (default: http://<addr>)",
		set: func(c *Config, v string) error { c.PublicURL = v; return nil }, get: func(c *Config) string { return c.PublicURL }},
	{name: "console-port", def: "BEANR", usage: "the port (UN/LOCODE) whose containers the web console shows",
		set: func(c *Config, v string) error {
			v = strings.ToUpper(strings.TrimSpace(v))
			if !validLoCode(v) {
				return fmt.Errorf("console-port: %q is not a UN/LOCODE (two letters of the country, three letters or digits of the place)", v)
			}
			c.ConsolePort = v
			return nil
		}, get: func(c *Config) string { return c.ConsolePort }},
	{name: "shutdown-timeout", def: "15s", usage: "how long a graceful shutdown waits for in-flight requests",
		set: durationSetter("shutdown-timeout", func(c *Config, d time.Duration) { c.ShutdownTimeout = d }),
		get: func(c *Config) string { return c.ShutdownTimeout.String() }},
	{name: "expiry-interval", def: "30s", usage: "how often rights past their expiry are expired and their stakeholders told",
		set: durationSetter("expiry-interval", func(c *Config, d time.Duration) { c.ExpiryInterval = d }),
		get: func(c *Config) string { return c.ExpiryInterval.String() }},
	{name: "rate-limit", def: "500", usage: "calls per minute each subscription may make (the seed's 500); 0 turns the limit off, e.g. for benchmarks",
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return fmt.Errorf("rate-limit: %q is not a whole number >= 0", v)
			}
			c.RateLimit = n
			return nil
		}, get: func(c *Config) string { return strconv.Itoa(c.RateLimit) }},
	{name: "admin-token", def: "", secret: true, usage: "bearer token of the operator's admin API (/admin/v1); empty: admin API off. Prefer PORTLIGHT_ADMIN_TOKEN_FILE",
		set: func(c *Config, v string) error {
			if v != "" && len(v) < 24 {
				return errors.New("admin-token: use at least 24 characters")
			}
			c.AdminToken = v
			return nil
		}, get: func(c *Config) string { return c.AdminToken }},
	{name: "bench-endpoints", def: "false", boolean: true, usage: "serve the benchmark ceiling route /bench/v1 (for portlight bench only)",
		set: boolSetter(func(c *Config, b bool) { c.BenchEndpoints = b }), get: func(c *Config) string { return strconv.FormatBool(c.BenchEndpoints) }},
	{name: "webhook-timeout", def: "10s", usage: "how long one webhook attempt may take (connection, token fetch and answer) before it counts as failed",
		set: durationSetter("webhook-timeout", func(c *Config, d time.Duration) { c.WebhookTimeout = d }),
		get: func(c *Config) string { return c.WebhookTimeout.String() }},
	{name: "webhook-concurrency", def: "16", usage: "webhook attempts one notification channel may have in flight (several containers in parallel)",
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1024 {
				return fmt.Errorf("webhook-concurrency: %q is not a whole number from 1 to 1024", v)
			}
			c.WebhookConcurrency = n
			return nil
		}, get: func(c *Config) string { return strconv.Itoa(c.WebhookConcurrency) }},
	{name: "max-channels", def: "10", usage: "notification channels one company may have (each is one more webhook POST for every notification of the company)",
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				return fmt.Errorf("max-channels: %q is not a whole number from 1 to 1000", v)
			}
			c.MaxChannels = n
			return nil
		}, get: func(c *Config) string { return strconv.Itoa(c.MaxChannels) }},
	{name: "allow-private-webhooks", def: "false", boolean: true, usage: "let webhooks reach loopback, private and link-local addresses, and plain HTTP (implied by --sandbox); off, they are refused (SSRF)",
		set: boolSetter(func(c *Config, b bool) { c.AllowPrivateWebhooks = b }), get: func(c *Config) string { return strconv.FormatBool(c.AllowPrivateWebhooks) }},
	{name: "secret-key-file", def: "", usage: "file with the 32-byte key (base64) that encrypts the notification channels' secrets at rest; default: <data-dir>/channel-secrets.key, made on first use (SQLite only; every PostgreSQL node needs the same file)",
		set: func(c *Config, v string) error { c.SecretKeyFile = v; return nil }, get: func(c *Config) string { return c.SecretKeyFile }},
	{name: "max-conns", def: "4096", usage: "connections the API listener holds open at once; further ones wait in the kernel's backlog (keeps half-open connections from exhausting file descriptors)",
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return fmt.Errorf("max-conns: %q is not a whole number >= 1", v)
			}
			c.MaxConns = n
			return nil
		}, get: func(c *Config) string { return strconv.Itoa(c.MaxConns) }},
	{name: "auth-concurrency", def: "0", usage: "password checks (Argon2id, 19 MiB each) that may run at once; beyond, POST /connect/token answers 429. 0: half the cores (at least one)",
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return fmt.Errorf("auth-concurrency: %q is not a whole number >= 0", v)
			}
			c.AuthConcurrency = n
			return nil
		}, get: func(c *Config) string { return strconv.Itoa(c.AuthConcurrency) }},
	{name: "trusted-proxies", def: "", usage: "comma-separated addresses or CIDRs of the load balancers whose X-Forwarded-For names the caller, for the per-address lock of failed logins; empty: the connection's peer counts",
		set: func(c *Config, v string) error {
			c.TrustedProxies = nil
			for _, f := range strings.Split(v, ",") {
				if f = strings.TrimSpace(f); f == "" {
					continue
				}
				p, err := netip.ParsePrefix(f)
				if err != nil {
					a, aerr := netip.ParseAddr(f)
					if aerr != nil {
						return fmt.Errorf("trusted-proxies: %q is not an address or a CIDR", f)
					}
					p = netip.PrefixFrom(a, a.BitLen())
				}
				c.TrustedProxies = append(c.TrustedProxies, p.Masked())
			}
			return nil
		}, get: func(c *Config) string {
			var out []string
			for _, p := range c.TrustedProxies {
				out = append(out, p.String())
			}
			return strings.Join(out, ",")
		}},
	{name: "debug-addr", def: "", usage: "address for Go's pprof profiles (/debug/pprof); empty: off. Keep it private",
		set: func(c *Config, v string) error { c.DebugAddr = v; return nil }, get: func(c *Config) string { return c.DebugAddr }},
}

// durationSetter parses a positive duration such as 15s.
func durationSetter(name string, f func(*Config, time.Duration)) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("%s: %q is not a positive duration like 15s", name, v)
		}
		f(c, d)
		return nil
	}
}

func boolSetter(f func(*Config, bool)) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
		f(c, b)
		return nil
	}
}

// EnvName is the environment variable of an option ("data-dir" -> PORTLIGHT_DATA_DIR).
func EnvName(name string) string {
	return "PORTLIGHT_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// Names lists every option, in the order of the option table.
func Names() []string {
	names := make([]string, len(options))
	for i, o := range options {
		names[i] = o.name
	}
	return names
}

// Bind registers on fs the options named (every option when none is named), each with its
// default taken from the environment when set there. A command binds only the options it reads,
// so that its --help lists only those; Load gives the others their defaults. Call Load after
// fs.Parse.
func Bind(fs *flag.FlagSet, names ...string) error {
	for _, n := range names {
		if !slices.Contains(Names(), n) {
			return fmt.Errorf("config: no option %q", n)
		}
	}
	for _, o := range options {
		if len(names) > 0 && !slices.Contains(names, o.name) {
			continue
		}
		def := o.def
		v, ok, err := fromEnv(o)
		if err != nil {
			return err
		}
		if ok {
			def = v
		}
		usage := o.usage + " (env " + EnvName(o.name) + ")"
		if o.boolean {
			b, err := strconv.ParseBool(def)
			if err != nil {
				return fmt.Errorf("%s: %q is not true or false", EnvName(o.name), def)
			}
			fs.Bool(o.name, b, usage)
			continue
		}
		fs.String(o.name, def, usage)
	}
	return nil
}

func fromEnv(o option) (string, bool, error) {
	if v, ok := os.LookupEnv(EnvName(o.name)); ok {
		return v, true, nil
	}
	if o.secret {
		if path, ok := os.LookupEnv(EnvName(o.name) + "_FILE"); ok {
			b, err := os.ReadFile(path)
			if err != nil {
				return "", false, fmt.Errorf("%s_FILE: %w", EnvName(o.name), err)
			}
			return strings.TrimSpace(string(b)), true, nil
		}
	}
	return "", false, nil
}

// Load builds the Config from a parsed flag set (see Bind) and validates it. Options fs does not
// bind take their defaults (the environment is read for the bound ones only). The sandbox lets
// webhooks reach private addresses whatever --allow-private-webhooks says, so the Config says so
// too: what it holds, and Dump prints, is what is in force.
func Load(fs *flag.FlagSet) (Config, error) {
	var c Config
	for _, o := range options {
		v := o.def
		if f := fs.Lookup(o.name); f != nil {
			v = f.Value.String()
		}
		if err := o.set(&c, v); err != nil {
			return c, fmt.Errorf("--%s: %w", o.name, err)
		}
	}
	if c.Sandbox && !c.AllowPrivateWebhooks {
		c.AllowPrivateWebhooks = true
		c.implied = map[string]string{"allow-private-webhooks": "implied by --sandbox"}
	}
	return c, c.validate()
}

func (c *Config) validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr: %q is not host:port", c.Addr)
	}
	if c.DebugAddr != "" {
		if _, _, err := net.SplitHostPort(c.DebugAddr); err != nil {
			return fmt.Errorf("--debug-addr: %q is not host:port", c.DebugAddr)
		}
	}
	if c.DataDir == "" {
		return errors.New("--data-dir must not be empty")
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return errors.New("--database-url must start with postgres:// (or be empty for SQLite)")
	}
	return nil
}

// SQLitePath is the SQLite database file in the data dir.
func (c *Config) SQLitePath() string { return filepath.Join(c.DataDir, "portlight.db") }

// Dump renders the configuration one option a line, secrets masked, for the startup log: the
// values in force, with a note where one is not what the option was set to.
func (c *Config) Dump() string {
	var b strings.Builder
	for _, o := range options {
		v := o.get(c)
		if o.secret && v != "" {
			v = "********"
		}
		fmt.Fprintf(&b, "%s=%s", EnvName(o.name), v)
		if why := c.implied[o.name]; why != "" {
			fmt.Fprintf(&b, " (%s)", why)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
