// Package identity holds who is who on the platform: companies with their identifiers, roles and
// terminals, their client applications and subscription keys, and the tokens that prove a caller
// is one of them. Secrets and keys are only ever stored as hashes.
package identity

import (
	"strings"
	"time"

	"github.com/portlight/portlight/release"
)

// Address is a registry address; AddressTypeCode 1 is the main address, 2 the billing address.
type Address struct {
	AddressTypeCode string `json:"addressTypeCode"`
	Street          string `json:"street,omitempty"`
	PostalCode      string `json:"postalCode,omitempty"`
	City            string `json:"city,omitempty"`
	Country         string `json:"country,omitempty"`
	ContactName     string `json:"contactName,omitempty"`
	ContactEmail    string `json:"contactEmail,omitempty"`
}

// Company is a registered party: its identifiers, roles, addresses and the ingestion id its
// Shipping Agent commands are posted to.
type Company struct {
	NxtEntityID string         `json:"nxtEntityId"`
	Name        string         `json:"name"`
	Eori        string         `json:"eori,omitempty"`
	Tin         string         `json:"tin,omitempty"`
	Apcs        string         `json:"apcs,omitempty"`
	Duns        string         `json:"duns,omitempty"`
	Scac        string         `json:"scac,omitempty"`
	ExternalID  string         `json:"externalId,omitempty"`
	Roles       []release.Role `json:"roles"`
	Addresses   []Address      `json:"addresses,omitempty"`
	IngestionID string         `json:"ingestionId"`
	CreatedAt   time.Time      `json:"createdAt"`
}

// Party is the company as the core and the notifications see it.
func (c *Company) Party() release.Party {
	return release.Party{
		NxtEntityID: c.NxtEntityID, Name: c.Name, Eori: c.Eori, Tin: c.Tin, Apcs: c.Apcs,
		Duns: c.Duns, ExternalID: c.ExternalID, Roles: c.Roles,
	}
}

// HasRole reports whether the company holds role r.
func (c *Company) HasRole(r release.Role) bool {
	p := c.Party()
	return p.HasRole(r)
}

// Identifier returns the company's identifier of type t ("" when it has none).
func (c *Company) Identifier(t release.IdentificationType) string {
	switch t {
	case release.IDNxtEntityID:
		return c.NxtEntityID
	case release.IDEori:
		return c.Eori
	case release.IDDuns:
		return c.Duns
	case release.IDTin:
		return c.Tin
	case release.IDApcs:
		return c.Apcs
	}
	return ""
}

// Terminal is a terminal of a port, run by a Terminal Operator.
type Terminal struct {
	Code       string `json:"terminalCode"`
	Name       string `json:"name"`
	PortLoCode string `json:"portLoCode"`
	OperatorID string `json:"operatorNxtEntityId"`
}

// Client is a client application of a company: it gets tokens with client credentials.
type Client struct {
	ClientID   string     `json:"clientId"`
	CompanyID  string     `json:"nxtEntityId"`
	Name       string     `json:"name"`
	SecretHash string     `json:"-"`
	CreatedAt  time.Time  `json:"createdAt"`
	RevokedAt  *time.Time `json:"revokedAt,omitempty"`
}

// SubscriptionKey is a company's API subscription (the Ocp-Apim-Subscription-Key), stored hashed.
type SubscriptionKey struct {
	KeyHash   string     `json:"-"`
	CompanyID string     `json:"nxtEntityId"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"createdAt"`
	RevokedAt *time.Time `json:"revokedAt,omitempty"`
}

// SigningKey is a token signing key (a JWK with its private part, as JSON).
type SigningKey struct {
	KeyID     string     `json:"kid"`
	JWK       []byte     `json:"-"`
	CreatedAt time.Time  `json:"createdAt"`
	RetiredAt *time.Time `json:"retiredAt,omitempty"`
}

// NormaliseCode trims an identifier for case-insensitive lookups.
func NormaliseCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// User is a person of a company who gets tokens with the OAuth2 password grant. Passwords are
// stored as slow hashes (see HashPassword): unlike client secrets they are not random.
type User struct {
	Username     string     `json:"username"`
	CompanyID    string     `json:"nxtEntityId"`
	PasswordHash string     `json:"-"`
	CreatedAt    time.Time  `json:"createdAt"`
	RevokedAt    *time.Time `json:"revokedAt,omitempty"`
}
