// Package pgtest gives tests a fresh PostgreSQL database of their own: created from the
// maintenance database of the server PORTLIGHT_TEST_POSTGRES_URL names (default: the local
// server, user postgres) and dropped when the test ends.
//
// Where PostgreSQL cannot be reached, or PORTLIGHT_TEST_POSTGRES_URL=off turns it off, a test says
// so loudly and skips, so that a laptop without PostgreSQL (or whose PostgreSQL is not for tests)
// still runs everything else; with CI=true it fails instead, so that CI never passes by skipping
// the PostgreSQL half of the suite.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL is the environment variable naming the test server (a URL of its maintenance database).
const EnvURL = "PORTLIGHT_TEST_POSTGRES_URL"

// Off is the value of EnvURL that turns the PostgreSQL tests off.
const Off = "off"

// DefaultURL is the local server of the development and CI machines (trust authentication).
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// BaseURL is the URL of the test server's maintenance database.
func BaseURL() string {
	if u := os.Getenv(EnvURL); u != "" {
		return u
	}
	return DefaultURL
}

// InCI reports whether the tests run in CI (CI=true), where a missing PostgreSQL is a failure.
func InCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v == "true" || v == "1"
}

var (
	reachOnce sync.Once
	reachErr  error
)

// reachable connects to the maintenance database once per test binary.
func reachable() error {
	reachOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, BaseURL())
		if err != nil {
			reachErr = err
			return
		}
		defer conn.Close(ctx)
		reachErr = conn.Ping(ctx)
	})
	return reachErr
}

// Require skips t (or fails it, in CI) unless the test server answers.
func Require(t testing.TB) {
	t.Helper()
	if BaseURL() == Off {
		msg := fmt.Sprintf("PostgreSQL tests turned off (%s=%s)", EnvURL, Off)
		if InCI() {
			t.Fatal(msg + "; CI=true: PostgreSQL tests must run in CI")
		}
		t.Skip("SKIPPING: " + msg)
	}
	if err := reachable(); err != nil {
		msg := fmt.Sprintf("PostgreSQL not reachable at %s: %v (set %s to point the tests at a server)", redact(BaseURL()), err, EnvURL)
		if InCI() {
			t.Fatal(msg + "; CI=true: PostgreSQL tests must run in CI")
		}
		t.Skip("SKIPPING: " + msg)
	}
}

// NewDatabase creates a fresh, empty database on the test server and returns its URL; it is
// dropped (WITH (FORCE): whatever connections the test left open) when t ends. It calls Require.
func NewDatabase(t testing.TB) string {
	t.Helper()
	Require(t)
	name := uniqueName()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := admin(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := admin(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	u, err := WithDatabase(BaseURL(), name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return u
}

// WithDatabase returns base with its database replaced by name.
func WithDatabase(base, name string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("%s is not a URL: %w", EnvURL, err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

// admin runs one statement on the maintenance database (CREATE/DROP DATABASE cannot run inside a
// transaction, so each gets a connection of its own).
func admin(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, BaseURL())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// uniqueName is a database name no other test (of this run or a parallel one) uses.
func uniqueName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return fmt.Sprintf("portlight_test_%d_%s", os.Getpid(), hex.EncodeToString(b))
}

// redact hides a password in a URL for messages.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
