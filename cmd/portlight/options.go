package main

// The configuration options each command reads: withConfig binds only those, so that a
// command's --help lists only the flags it uses. serve reads them all (it names none).
var (
	// storeOptions say which store to open: every command that works on the store directly.
	storeOptions = []string{"data-dir", "database-url", "db-max-conns"}
	// sandboxOptions say where a running sandbox keeps its credentials.
	sandboxOptions = []string{"data-dir"}
	// channelOptions are the store's, the key that seals the channels' secrets, and where
	// webhooks may point.
	channelOptions = []string{"data-dir", "database-url", "db-max-conns", "secret-key-file", "allow-private-webhooks"}
	// benchStartOptions say which sandbox a bench drives: the one of --data-dir, or one it starts
	// with --start on the store of --database-url and the key of --secret-key-file.
	benchStartOptions = []string{"data-dir", "database-url", "db-max-conns", "secret-key-file"}
)
