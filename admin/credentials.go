package admin

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/portlight/portlight/identity"
)

// NewClient is a client application just made: its secret is shown this once.
type NewClient struct {
	identity.Client
	ClientSecret string `json:"clientSecret"`
}

// CreateClient makes a client application for a company.
func (a *Admin) CreateClient(ctx context.Context, companyID, name string) (NewClient, error) {
	if _, err := a.Company(ctx, companyID); err != nil {
		return NewClient{}, err
	}
	secret := identity.NewSecret()
	c := identity.Client{ClientID: "client-" + uuid.NewString(), CompanyID: companyID, Name: strings.TrimSpace(name),
		SecretHash: identity.HashSecret(secret), CreatedAt: a.now().UTC()}
	return NewClient{Client: c, ClientSecret: secret}, a.done(ctx, a.reg.CreateClient(ctx, c))
}

// Clients lists a company's clients (all companies' with an empty id).
func (a *Admin) Clients(ctx context.Context, companyID string) ([]identity.Client, error) {
	all, err := a.reg.Clients(ctx)
	return filter(all, err, func(c identity.Client) bool { return companyID == "" || c.CompanyID == companyID })
}

// RevokeClient stops a client at once: its tokens no longer work.
func (a *Admin) RevokeClient(ctx context.Context, clientID string) error {
	return a.done(ctx, a.reg.RevokeClient(ctx, clientID, a.now().UTC()))
}

// KeyID is how a subscription key is named once made: the start of its hash, never the key.
func KeyID(k identity.SubscriptionKey) string { return k.KeyHash[:16] }

// SubscriptionKeyView is a subscription key as listed.
type SubscriptionKeyView struct {
	KeyID string `json:"keyId"`
	identity.SubscriptionKey
}

// NewSubscriptionKey is a key just made: shown this once.
type NewSubscriptionKey struct {
	SubscriptionKeyView
	SubscriptionKey string `json:"subscriptionKey"`
}

// CreateSubscriptionKey makes a subscription (Ocp-Apim-Subscription-Key) for a company.
func (a *Admin) CreateSubscriptionKey(ctx context.Context, companyID, name string) (NewSubscriptionKey, error) {
	if _, err := a.Company(ctx, companyID); err != nil {
		return NewSubscriptionKey{}, err
	}
	key := identity.NewSecret()
	k := identity.SubscriptionKey{KeyHash: identity.HashSecret(key), CompanyID: companyID, Name: strings.TrimSpace(name), CreatedAt: a.now().UTC()}
	view := SubscriptionKeyView{KeyID: KeyID(k), SubscriptionKey: k}
	return NewSubscriptionKey{SubscriptionKeyView: view, SubscriptionKey: key}, a.done(ctx, a.reg.CreateSubscriptionKey(ctx, k))
}

// SubscriptionKeys lists a company's keys (every company's with an empty id).
func (a *Admin) SubscriptionKeys(ctx context.Context, companyID string) ([]SubscriptionKeyView, error) {
	all, err := a.reg.SubscriptionKeys(ctx)
	keys, err := filter(all, err, func(k identity.SubscriptionKey) bool { return companyID == "" || k.CompanyID == companyID })
	out := make([]SubscriptionKeyView, len(keys))
	for i, k := range keys {
		out[i] = SubscriptionKeyView{KeyID: KeyID(k), SubscriptionKey: k}
	}
	return out, err
}

// RevokeSubscriptionKey stops a key, named by its keyId, at once.
func (a *Admin) RevokeSubscriptionKey(ctx context.Context, keyID string) error {
	keys, err := a.SubscriptionKeys(ctx, "")
	if err != nil {
		return err
	}
	for _, k := range keys {
		if k.KeyID == keyID {
			return a.done(ctx, a.reg.RevokeSubscriptionKey(ctx, k.KeyHash, a.now().UTC()))
		}
	}
	return fmt.Errorf("subscription key %s: %w", keyID, ErrNotFound)
}

// NewUser is a user just made; a password the operator did not choose is shown this once.
type NewUser struct {
	identity.User
	Password string `json:"password,omitempty"`
}

// CreateUser makes a user of a company for the password grant; with an empty password one is made.
func (a *Admin) CreateUser(ctx context.Context, companyID, username, password string) (NewUser, error) {
	username = strings.TrimSpace(username)
	if username == "" || len(username) > 128 {
		return NewUser{}, invalid("username is required (at most 128 characters)")
	}
	if _, err := a.Company(ctx, companyID); err != nil {
		return NewUser{}, err
	}
	shown := ""
	if password == "" {
		password = identity.NewSecret()
		shown = password
	} else if len(password) < 12 {
		return NewUser{}, invalid("a password has at least 12 characters")
	}
	u := identity.User{Username: username, CompanyID: companyID, PasswordHash: identity.HashPassword(password), CreatedAt: a.now().UTC()}
	return NewUser{User: u, Password: shown}, a.done(ctx, a.reg.CreateUser(ctx, u))
}

// Users lists a company's users (every company's with an empty id).
func (a *Admin) Users(ctx context.Context, companyID string) ([]identity.User, error) {
	all, err := a.reg.Users(ctx)
	return filter(all, err, func(u identity.User) bool { return companyID == "" || u.CompanyID == companyID })
}

// RevokeUser stops a user at once.
func (a *Admin) RevokeUser(ctx context.Context, username string) error {
	return a.done(ctx, a.reg.RevokeUser(ctx, username, a.now().UTC()))
}

// SigningKeys lists the token signing keys (never their private part).
func (a *Admin) SigningKeys(ctx context.Context) ([]identity.SigningKey, error) {
	return a.reg.SigningKeys(ctx)
}

// RotateSigningKey adds a new signing key: it signs from the next key reload on every node, while
// the older keys still verify the tokens they signed. Retire an old key once its tokens expired.
func (a *Admin) RotateSigningKey(ctx context.Context) (identity.SigningKey, error) {
	k, err := identity.NewSigningKey(a.now().UTC())
	if err == nil && a.keySealer != nil {
		k, err = identity.SealSigningKey(k, a.keySealer)
	}
	if err != nil {
		return k, err
	}
	return k, a.done(ctx, a.reg.AddSigningKey(ctx, k))
}

// RetireSigningKey stops a key from verifying; the last active key cannot be retired.
func (a *Admin) RetireSigningKey(ctx context.Context, keyID string) error {
	keys, err := a.reg.SigningKeys(ctx)
	if err != nil {
		return err
	}
	active, found := 0, false
	for _, k := range keys {
		if k.RetiredAt == nil {
			active++
			found = found || k.KeyID == keyID
		}
	}
	if found && active == 1 {
		return invalid("signing key %s is the only active key: rotate first", keyID)
	}
	return a.done(ctx, a.reg.RetireSigningKey(ctx, keyID, a.now().UTC()))
}

func filter[T any](all []T, err error, keep func(T) bool) ([]T, error) {
	if err != nil {
		return nil, err
	}
	out := []T{}
	for _, x := range all {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out, nil
}
