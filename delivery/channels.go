package delivery

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/portlight/portlight/store"
)

// Authentication types of a channel (the receiver's login).
const (
	AuthNone                    = "none"
	AuthOAuth2ClientCredentials = "OAuth2ClientCredentials"
	AuthOAuth2Password          = "OAuth2Password"
)

var authTypes = []string{AuthNone, AuthOAuth2ClientCredentials, AuthOAuth2Password}

// SecretGrace is how long the previous signing secret keeps signing after a rotation, so that a
// receiver can switch over without losing a message.
const SecretGrace = 24 * time.Hour

// Spec is a channel as a company asks for it (the JSON of POST and PUT notification-channels).
type Spec struct {
	Name           string            `json:"name"`
	URL            string            `json:"url"`
	Types          []string          `json:"types,omitempty"`
	Headers        map[string]string `json:"headers,omitempty"`
	Authentication *AuthSpec         `json:"authentication,omitempty"`
}

// AuthSpec is how Portlight logs in to the receiver: none, or an OAuth 2.0 token it fetches
// itself (client credentials, or the resource owner's password) and sends as a bearer token.
type AuthSpec struct {
	Type          string   `json:"type"`
	TokenEndpoint string   `json:"tokenEndpoint,omitempty"`
	ClientID      string   `json:"clientId,omitempty"`
	ClientSecret  string   `json:"clientSecret,omitempty"`
	Scopes        []string `json:"scopes,omitempty"`
	Username      string   `json:"username,omitempty"`
	Password      string   `json:"password,omitempty"`
}

// secrets is what a channel keeps sealed (store.Channel.Sealed).
type secrets struct {
	SigningSecret  string            `json:"signingSecret"`
	PreviousSecret string            `json:"previousSecret,omitempty"`
	PreviousUntil  time.Time         `json:"previousUntil,omitzero"`
	Headers        map[string]string `json:"headers,omitempty"`
	ClientSecret   string            `json:"clientSecret,omitempty"`
	Password       string            `json:"password,omitempty"`
}

// Channel is a stored channel with its secrets opened.
type Channel struct {
	store.Channel
	secrets secrets
}

// Headers returns the channel's static headers.
func (c *Channel) Headers() map[string]string { return c.secrets.Headers }

// SigningSecret returns the channel's current signing secret (whsec_...).
func (c *Channel) SigningSecret() string { return c.secrets.SigningSecret }

// PreviousSecretUntil is when the signing secret before the last rotation stops signing (zero
// when there is none).
func (c *Channel) PreviousSecretUntil() time.Time { return c.secrets.PreviousUntil }

// Manager creates and changes the channels of the companies: it validates what they ask for,
// makes and rotates signing secrets, seals the secrets, and tells the dispatcher of changes. The
// API (through the service) and `portlight admin channels` both use it; neither checks who may
// see what beyond passing the caller's company, which every store call is scoped to.
type Manager struct {
	outbox store.Outbox
	sealer *Sealer
	policy Policy
	retry  Retry
	now    func() time.Time
	// changed is called after every change of a channel (the dispatcher reloads them).
	changed func()
	// MaxChannels is how many channels a company may have (DefaultMaxChannels when 0): each
	// channel is one more POST for every notification of the company (channel_limits.go).
	MaxChannels int
	// creating serialises this node's checks of a company's channels with the change they allow.
	creating sync.Mutex
}

// NewManager returns the channel manager of a node; changed, when not nil, is called after every
// change of a channel (Dispatcher.ChannelsChanged: the node's dispatcher reloads them).
func NewManager(o store.Outbox, sealer *Sealer, policy Policy, retry Retry, now func() time.Time, changed func()) *Manager {
	if changed == nil {
		changed = func() {}
	}
	return &Manager{outbox: o, sealer: sealer, policy: policy, retry: retry, now: now, changed: changed}
}

// NewSigningSecret makes a Standard Webhooks secret: "whsec_" and 32 random bytes in base64.
func NewSigningSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("delivery: no randomness: " + err.Error())
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// Create validates spec and stores it as a new channel of company; the answer carries the
// signing secret, which the company sees this once (and after each rotation).
func (m *Manager) Create(ctx context.Context, companyID string, spec Spec) (Channel, error) {
	now := m.now().UTC()
	c := Channel{Channel: store.Channel{ID: uuid.NewString(), CompanyID: companyID, CreatedAt: now, UpdatedAt: now}}
	c.secrets.SigningSecret = NewSigningSecret()
	if err := m.apply(ctx, &c, spec, nil); err != nil {
		return Channel{}, err
	}
	if err := m.seal(&c); err != nil {
		return Channel{}, err
	}
	m.creating.Lock()
	defer m.creating.Unlock()
	if err := m.checkRoom(ctx, &c, true); err != nil {
		return Channel{}, err
	}
	if err := m.outbox.CreateChannel(ctx, c.Channel); err != nil {
		return Channel{}, err
	}
	m.changed()
	return c, nil
}

// Update replaces what spec describes of a company's channel. Credentials left out of spec
// (clientSecret, password) are kept when the login they belong to is unchanged, so a company
// can change a channel without sending them again. Deliveries waiting go to the new URL.
func (m *Manager) Update(ctx context.Context, companyID, channelID string, spec Spec) (Channel, error) {
	prev, err := m.Get(ctx, companyID, channelID)
	if err != nil {
		return Channel{}, err
	}
	c := prev
	c.UpdatedAt = m.now().UTC()
	if err := m.apply(ctx, &c, spec, &prev); err != nil {
		return Channel{}, err
	}
	if err := m.seal(&c); err != nil {
		return Channel{}, err
	}
	m.creating.Lock()
	defer m.creating.Unlock()
	if err := m.checkRoom(ctx, &c, false); err != nil {
		return Channel{}, err
	}
	if err := m.outbox.UpdateChannel(ctx, c.Channel); err != nil {
		return Channel{}, err
	}
	m.changed()
	return c, nil
}

// Delete removes a company's channel and its deliveries.
func (m *Manager) Delete(ctx context.Context, companyID, channelID string) error {
	if err := m.outbox.DeleteChannel(ctx, companyID, channelID); err != nil {
		return err
	}
	m.changed()
	return nil
}

// Get returns a company's channel; store.ErrNotFound for another company's.
func (m *Manager) Get(ctx context.Context, companyID, channelID string) (Channel, error) {
	sc, err := m.outbox.Channel(ctx, companyID, channelID)
	if err != nil {
		return Channel{}, err
	}
	return m.open(sc)
}

// List returns a company's channels (every channel with companyID "").
func (m *Manager) List(ctx context.Context, companyID string) ([]Channel, error) {
	scs, err := m.outbox.Channels(ctx, companyID)
	if err != nil {
		return nil, err
	}
	out := make([]Channel, 0, len(scs))
	for _, sc := range scs {
		c, err := m.open(sc)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// RotateSecret gives a company's channel a new signing secret; the previous one keeps signing
// (deliveries carry both signatures) for SecretGrace.
func (m *Manager) RotateSecret(ctx context.Context, companyID, channelID string) (Channel, error) {
	c, err := m.Get(ctx, companyID, channelID)
	if err != nil {
		return Channel{}, err
	}
	now := m.now().UTC()
	c.secrets.PreviousSecret, c.secrets.PreviousUntil = c.secrets.SigningSecret, now.Add(SecretGrace)
	c.secrets.SigningSecret = NewSigningSecret()
	c.UpdatedAt = now
	if err := m.seal(&c); err != nil {
		return Channel{}, err
	}
	if err := m.outbox.UpdateChannel(ctx, c.Channel); err != nil {
		return Channel{}, err
	}
	m.changed()
	return c, nil
}

// Deliveries lists the deliveries of a company's channel; store.ErrNotFound for another company's.
func (m *Manager) Deliveries(ctx context.Context, companyID string, q store.DeliveryQuery) ([]store.Delivery, error) {
	if _, err := m.outbox.Channel(ctx, companyID, q.ChannelID); err != nil {
		return nil, err
	}
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = min(max(q.Limit, 50), 200)
	}
	return m.outbox.Deliveries(ctx, q)
}

// Replay sends a dead letter of a company's channel again, retried as long as a new delivery.
func (m *Manager) Replay(ctx context.Context, companyID, channelID, deliveryID string) (store.Delivery, error) {
	if _, err := m.outbox.Channel(ctx, companyID, channelID); err != nil {
		return store.Delivery{}, err
	}
	now := m.now().UTC()
	d, err := m.outbox.ReplayDelivery(ctx, channelID, deliveryID, now, now.Add(m.retry.For))
	if err != nil {
		return store.Delivery{}, err
	}
	m.changed()
	return d, nil
}

func (m *Manager) seal(c *Channel) error {
	plain, err := json.Marshal(c.secrets)
	if err != nil {
		return err
	}
	c.Sealed = m.sealer.Seal(plain, c.ID)
	return nil
}

func (m *Manager) open(sc store.Channel) (Channel, error) {
	return openChannel(m.sealer, sc)
}

func openChannel(sealer *Sealer, sc store.Channel) (Channel, error) {
	c := Channel{Channel: sc}
	plain, err := sealer.Open(sc.Sealed, sc.ID)
	if err != nil {
		return Channel{}, fmt.Errorf("channel %s: %w", sc.ID, err)
	}
	if err := json.Unmarshal(plain, &c.secrets); err != nil {
		return Channel{}, fmt.Errorf("channel %s: secrets: %w", sc.ID, err)
	}
	return c, nil
}

// apply validates spec and writes it into c; prev is the channel before (nil for a new one).
// Each part of spec is checked on its own (channel_spec.go); the signing secrets of c are kept.
func (m *Manager) apply(ctx context.Context, c *Channel, spec Spec, prev *Channel) error {
	name, err := checkName(spec.Name)
	if err != nil {
		return err
	}
	u, err := m.policy.CheckURL(ctx, "url", spec.URL)
	if err != nil {
		return err
	}
	types, err := canonicalTypes(spec.Types)
	if err != nil {
		return err
	}
	auth, err := checkAuthType(spec.Authentication)
	if err != nil {
		return err
	}
	headers, err := checkHeaders(spec.Headers, auth.Type, prev)
	if err != nil {
		return err
	}
	login, creds, err := m.login(ctx, auth, prev)
	if err != nil {
		return err
	}
	sec := c.secrets
	sec.Headers, sec.ClientSecret, sec.Password = headers, creds.ClientSecret, creds.Password
	c.Name, c.URL, c.Types, c.Auth, c.secrets = name, u.String(), types, login, sec
	return nil
}

// credentials are the secrets of a channel's login to its receiver.
type credentials struct{ ClientSecret, Password string }

// login checks the OAuth 2.0 login of auth (its Type canonical, checkAuthType) and returns it with
// its credentials. A credential left out is kept from prev when it still belongs to the same login.
func (m *Manager) login(ctx context.Context, auth AuthSpec, prev *Channel) (store.ChannelAuth, credentials, error) {
	next := store.ChannelAuth{Type: auth.Type}
	var creds credentials
	if auth.Type == AuthNone {
		if auth.ClientSecret != "" || auth.Password != "" || auth.TokenEndpoint != "" {
			return next, creds, invalid("authentication.type", "Credentials were given with authentication type none; name the type they are for.")
		}
		return next, creds, nil
	}
	if err := checkCredentialSizes(auth); err != nil {
		return next, creds, err
	}
	tu, err := m.policy.CheckURL(ctx, "authentication.tokenEndpoint", auth.TokenEndpoint)
	if err != nil {
		return next, creds, err
	}
	next.TokenEndpoint, next.ClientID = tu.String(), strings.TrimSpace(auth.ClientID)
	if next.ClientID == "" {
		return next, creds, invalid("authentication.clientId", "'authentication.clientId' is required for %s.", auth.Type)
	}
	if next.Scopes, err = checkScopes(auth.Scopes); err != nil {
		return next, creds, err
	}
	same := prev != nil && prev.Auth.Type == auth.Type && prev.Auth.TokenEndpoint == next.TokenEndpoint &&
		prev.Auth.ClientID == next.ClientID
	creds.ClientSecret = auth.ClientSecret
	if creds.ClientSecret == "" && same {
		creds.ClientSecret = prev.secrets.ClientSecret
	}
	if auth.Type == AuthOAuth2ClientCredentials && creds.ClientSecret == "" {
		return next, creds, invalid("authentication.clientSecret", "'authentication.clientSecret' is required for %s.", auth.Type)
	}
	if auth.Type == AuthOAuth2Password {
		next.Username = strings.TrimSpace(auth.Username)
		if next.Username == "" {
			return next, creds, invalid("authentication.username", "'authentication.username' is required for %s.", auth.Type)
		}
		creds.Password = auth.Password
		if creds.Password == "" && same && prev.Auth.Username == next.Username {
			creds.Password = prev.secrets.Password
		}
		if creds.Password == "" {
			return next, creds, invalid("authentication.password", "'authentication.password' is required for %s.", auth.Type)
		}
	}
	return next, creds, nil
}
