package service

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/portlight/portlight/identity"
)

// registry is an in-memory identity.Source: one company with one user and one client.
type registry struct {
	users   []identity.User
	clients []identity.Client
}

func (r registry) Companies(context.Context) ([]identity.Company, error) {
	return []identity.Company{{NxtEntityID: "NXT1", Name: "Agent"}}, nil
}
func (r registry) Terminals(context.Context) ([]identity.Terminal, error) { return nil, nil }
func (r registry) Clients(context.Context) ([]identity.Client, error)     { return r.clients, nil }
func (r registry) SubscriptionKeys(context.Context) ([]identity.SubscriptionKey, error) {
	return nil, nil
}
func (r registry) Users(context.Context) ([]identity.User, error) { return r.users, nil }

var _ identity.Source = registry{}

// guardedService is a service with user alice (password "right") and client app (secret
// "s3cret"), on a clock the test moves.
func guardedService(t *testing.T, clock *time.Time) *Service {
	t.Helper()
	ctx := context.Background()
	reg := registry{
		users:   []identity.User{{Username: "alice", CompanyID: "NXT1", PasswordHash: identity.HashPassword("right")}},
		clients: []identity.Client{{ClientID: "app", CompanyID: "NXT1", SecretHash: identity.HashSecret("s3cret")}},
	}
	dir, err := identity.NewDirectory(ctx, reg)
	if err != nil {
		t.Fatal(err)
	}
	key, err := identity.NewSigningKey(*clock)
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := identity.NewTokens("http://portlight.test", []identity.SigningKey{key}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return New(nil, dir, tokens, nil, Config{AuthConcurrency: 2}, func() time.Time { return *clock })
}

func oauthStatus(t *testing.T, err error) (int, time.Duration) {
	t.Helper()
	if err == nil {
		return http.StatusOK, 0
	}
	var oe *OAuthError
	if !errors.As(err, &oe) {
		t.Fatalf("error %v (%T) is not an OAuthError", err, err)
	}
	return oe.Status, oe.RetryAfter
}

// TestPasswordGuessingIsThrottled reproduces issue 14's attack: wrong passwords in a row, then
// the right one, used to succeed. Now the username locks after a few failures, the right
// password is refused with 429 and a Retry-After while it is locked, the lock doubles with every
// failure, and the user gets in once it has run out.
func TestPasswordGuessingIsThrottled(t *testing.T) {
	clock := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	s := guardedService(t, &clock)
	ctx := context.Background()
	refused := 0
	for i := 0; i < 300; i++ {
		_, err := s.PasswordToken(ctx, "alice", fmt.Sprint("guess", i), fmt.Sprintf("10.0.%d.%d", i/250, i%250))
		switch st, _ := oauthStatus(t, err); st {
		case http.StatusTooManyRequests:
			refused++
		case http.StatusBadRequest:
		default:
			t.Fatalf("guess %d answered %d", i, st)
		}
	}
	if refused < 300-identity.SubjectBackoff.Free-1 {
		t.Fatalf("only %d of 300 guesses from many addresses were refused without a check", refused)
	}
	_, err := s.PasswordToken(ctx, "Alice", "right", "192.0.2.1")
	st, retry := oauthStatus(t, err)
	if st != http.StatusTooManyRequests || retry <= 0 {
		t.Fatalf("the right password after 300 wrong ones: %d, Retry-After %s; want 429 with a Retry-After", st, retry)
	}
	clock = clock.Add(retry)
	if _, err := s.PasswordToken(ctx, "alice", "right", "192.0.2.1"); err != nil {
		t.Fatalf("the right password once the lock has run out: %v", err)
	}
	// The success cleared the username: the next wrong password is free again.
	if _, err := s.PasswordToken(ctx, "alice", "wrong", "192.0.2.1"); func() int { st, _ := oauthStatus(t, err); return st }() != http.StatusBadRequest {
		t.Fatalf("a wrong password after a success: %v", err)
	}
}

// TestPasswordGuessesFromOneAddressLock: unknown usernames cost an attacker the same as known
// ones, and one address guessing many names is locked by its address.
func TestPasswordGuessesFromOneAddressLock(t *testing.T) {
	clock := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	s := guardedService(t, &clock)
	ctx := context.Background()
	for i := 0; i < identity.AddressBackoff.Free+1; i++ {
		_, _ = s.PasswordToken(ctx, fmt.Sprint("nobody", i), "guess", "198.51.100.7")
	}
	_, err := s.PasswordToken(ctx, "alice", "right", "198.51.100.7")
	if st, _ := oauthStatus(t, err); st != http.StatusTooManyRequests {
		t.Fatalf("an address that guessed %d names: %d, want 429", identity.AddressBackoff.Free+1, st)
	}
	if _, err := s.PasswordToken(ctx, "alice", "right", "203.0.113.9"); err != nil {
		t.Fatalf("alice from another address: %v", err)
	}
}

// TestParallelPasswordGuessesAreCapped: 100 parallel guesses run at most Concurrency Argon2id
// checks at once (each holds 19 MiB); the rest are refused with 429 rather than queued.
func TestParallelPasswordGuessesAreCapped(t *testing.T) {
	clock := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	s := guardedService(t, &clock)
	s.guard.MaxWait = 10 * time.Millisecond
	ctx := context.Background()
	var wg sync.WaitGroup
	statuses := make([]int, 100)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each from its own address and name, so only the concurrency cap can refuse them.
			_, err := s.PasswordToken(ctx, fmt.Sprint("user", i), "guess", fmt.Sprint("10.1.0.", i))
			statuses[i], _ = oauthStatus(t, err)
		}()
	}
	wg.Wait()
	checked, busy := 0, 0
	for _, st := range statuses {
		switch st {
		case http.StatusBadRequest:
			checked++
		case http.StatusTooManyRequests:
			busy++
		}
	}
	if busy == 0 || checked+busy != 100 {
		t.Fatalf("100 parallel guesses: %d checked, %d refused as busy; want some refused and none otherwise", checked, busy)
	}
}

// TestClientSecretGuessingIsThrottled: an address that keeps presenting wrong client secrets is
// locked, the right secret from it too; the client itself is not locked, so the integrator's own
// machines (another address) still get tokens.
func TestClientSecretGuessingIsThrottled(t *testing.T) {
	clock := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	s := guardedService(t, &clock)
	ctx := context.Background()
	for i := 0; i < 50; i++ {
		_, _ = s.ClientCredentialsToken(ctx, "app", fmt.Sprint("guess", i), "198.51.100.7")
	}
	_, err := s.ClientCredentialsToken(ctx, "app", "s3cret", "198.51.100.7")
	if st, retry := oauthStatus(t, err); st != http.StatusTooManyRequests || retry <= 0 {
		t.Fatalf("the right secret from an address that guessed 50 times: %d, want 429", st)
	}
	if _, err := s.ClientCredentialsToken(ctx, "app", "s3cret", "203.0.113.9"); err != nil {
		t.Fatalf("the client from its own address while a guesser is locked: %v", err)
	}
}

// TestAdminTokenGuessingIsThrottled: an address that keeps presenting wrong admin tokens is
// locked; another address is not.
func TestAdminTokenGuessingIsThrottled(t *testing.T) {
	clock := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	s := guardedService(t, &clock)
	for i := 0; i < identity.AddressBackoff.Free+1; i++ {
		if err := s.CheckOperatorToken(fmt.Sprint("guess", i), "the-admin-token", "198.51.100.7"); err == nil {
			t.Fatal("a wrong admin token was accepted")
		}
	}
	var e *Error
	if err := s.CheckOperatorToken("the-admin-token", "the-admin-token", "198.51.100.7"); !errors.As(err, &e) || e.Code != CodeTooManyRequests {
		t.Fatalf("the right token from a guessing address: %v, want too many requests", err)
	}
	if err := s.CheckOperatorToken("the-admin-token", "the-admin-token", "203.0.113.9"); err != nil {
		t.Fatalf("the right token from another address: %v", err)
	}
	if err := s.CheckOperatorToken("", "", "203.0.113.9"); err == nil {
		t.Fatal("an empty token was accepted with the admin API off")
	}
}
