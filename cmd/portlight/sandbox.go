package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/portlight/portlight/client"
	"github.com/portlight/portlight/config"
	"github.com/portlight/portlight/sandbox"
)

var shellName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// sandboxEnvCmd prints a sandbox party's credentials and a fresh access token as shell exports, so that the README's
// walk-through can be pasted without a JSON tool: eval "$(portlight sandbox-env NXT... SA)".
func sandboxEnvCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox-env NXTENTITYID PREFIX",
		Short: "Print a sandbox party's credentials and a fresh token as shell exports (PREFIX_TOKEN, PREFIX_CLIENT_ID, ...)",
		Long: "Print a sandbox party's credentials and a fresh token as shell exports (PREFIX_TOKEN, PREFIX_CLIENT_ID, ...).\n\n" +
			"Without --data-dir (or PORTLIGHT_DATA_DIR) it finds the running sandbox: the one of ./portlight-data,\n" +
			"or else the latest started on this machine with another --data-dir that still answers.",
		Args: cobra.ExactArgs(2),
	}
	var args []string
	cmd.PreRun = func(_ *cobra.Command, a []string) { args = a }
	return withConfig(cmd, func(ctx context.Context, cfg config.Config) error {
		id, prefix := args[0], strings.ToUpper(args[1])
		if !shellName.MatchString(prefix) {
			return fmt.Errorf("PREFIX %q is not a shell variable name", prefix)
		}
		dir, creds, err := findSandbox(ctx, cfg.DataDir, dataDirNamed(cmd))
		if err != nil {
			return err
		}
		for _, p := range creds.Parties {
			if p.NxtEntityID != id {
				continue
			}
			c := &client.Client{BaseURL: creds.BaseURL, ClientID: p.ClientID, ClientSecret: p.ClientSecret}
			token, err := c.Token(ctx)
			if err != nil {
				return fmt.Errorf("get a token from %s (is the sandbox of %s running?): %w", creds.TokenURL, dir, err)
			}
			for _, kv := range [][2]string{
				{"TOKEN", token},
				{"BASE_URL", creds.BaseURL}, {"NXT_ENTITY_ID", p.NxtEntityID}, {"CLIENT_ID", p.ClientID},
				{"CLIENT_SECRET", p.ClientSecret}, {"SUBSCRIPTION_KEY", p.SubscriptionKey}, {"INGESTION_ID", p.IngestionID},
			} {
				fmt.Fprintf(cmd.OutOrStdout(), "export %s_%s='%s'\n", prefix, kv[0], kv[1])
			}
			return nil
		}
		return fmt.Errorf("no sandbox party %s in %s", id, dir)
	}, sandboxOptions...)
}

// dataDirNamed reports whether the caller of cmd named a data dir (flag or environment).
func dataDirNamed(cmd *cobra.Command) bool {
	_, inEnv := os.LookupEnv(config.EnvName("data-dir"))
	return inEnv || cmd.Flags().Changed("data-dir")
}

// runningSandbox returns the credentials of the sandbox a command speaks to (see findSandbox).
func runningSandbox(ctx context.Context, cmd *cobra.Command, dataDir string) (*sandbox.Credentials, error) {
	_, creds, err := findSandbox(ctx, dataDir, dataDirNamed(cmd))
	return creds, err
}

// findSandbox returns the data dir of the sandbox sandbox-env speaks to, and its credentials.
// A data dir the caller named is taken as it is. Otherwise the first of ./portlight-data (the
// default) and the data dirs of the sandboxes last started on this machine (recentSandboxes,
// newest first) whose node answers: a newcomer who started the sandbox with --data-dir, and runs
// sandbox-env without, gets that sandbox and not a stale ./portlight-data of an earlier run.
func findSandbox(ctx context.Context, dataDir string, named bool) (string, *sandbox.Credentials, error) {
	if named {
		creds, err := sandbox.Read(dataDir)
		if err != nil {
			return "", nil, fmt.Errorf("read the sandbox credentials of --data-dir %s (start `portlight serve --sandbox --data-dir %s` first): %w", dataDir, dataDir, err)
		}
		return dataDir, creds, nil
	}
	candidates := []string{dataDir}
	for _, dir := range recentSandboxes() {
		if !sameDir(dir, dataDir) {
			candidates = append(candidates, dir)
		}
	}
	var tried []string
	for _, dir := range candidates {
		creds, err := sandbox.Read(dir)
		switch {
		case errors.Is(err, os.ErrNotExist):
			tried = append(tried, dir+": no sandbox credentials")
		case err != nil:
			tried = append(tried, dir+": "+err.Error())
		case !answers(ctx, creds.BaseURL):
			tried = append(tried, fmt.Sprintf("%s: its sandbox at %s does not answer", dir, creds.BaseURL))
		default:
			return dir, creds, nil
		}
	}
	return "", nil, fmt.Errorf("no running sandbox found (%s): start `portlight serve --sandbox`, or name the --data-dir it runs with",
		strings.Join(tried, "; "))
}

// answers reports whether a Portlight node answers its liveness probe at baseURL.
func answers(ctx context.Context, baseURL string) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(baseURL, "/")+"/healthz", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// recentSandboxesFile is where `serve --sandbox` notes its data dir for sandbox-env: in the
// user's cache directory, so that it is found from any working directory.
func recentSandboxesFile() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "portlight", "recent-sandboxes"), nil
}

// maxRecentSandboxes bounds the list: enough that test runs starting sandboxes of their own
// (e2e) do not push out the one a person runs beside them.
const maxRecentSandboxes = 16

// rememberSandbox notes dataDir (made absolute) first in the list of recent sandboxes.
func rememberSandbox(dataDir string) error {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return err
	}
	path, err := recentSandboxesFile()
	if err != nil {
		return err
	}
	dirs := []string{abs}
	for _, d := range recentSandboxes() {
		if d != abs && len(dirs) < maxRecentSandboxes {
			dirs = append(dirs, d)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	// A file of its own to rename into place: two sandboxes starting at once never mix their lists.
	tmp, err := os.CreateTemp(filepath.Dir(path), "recent-sandboxes-*")
	if err != nil {
		return err
	}
	_, err = tmp.WriteString(strings.Join(dirs, "\n") + "\n")
	if err = errors.Join(err, tmp.Close()); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// recentSandboxes are the data dirs rememberSandbox noted, newest first (none when unreadable).
func recentSandboxes() []string {
	path, err := recentSandboxesFile()
	if err != nil {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var dirs []string
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			dirs = append(dirs, line)
		}
	}
	return dirs
}

// sameDir reports whether two paths name the same directory.
func sameDir(a, b string) bool {
	x, errA := filepath.Abs(a)
	y, errB := filepath.Abs(b)
	return errA == nil && errB == nil && x == y
}
