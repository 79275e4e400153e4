// Package sandbox seeds the demo port BEANR with a company of every role, so that an integrator
// can run every flow of the documentation offline, and writes their credentials to a file.
package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// PortLoCode is the sandbox port.
const PortLoCode = "BEANR"

// CredentialsFile is the name of the credentials file in the data dir.
const CredentialsFile = "sandbox-credentials.json"

// Credentials is the content of sandbox-credentials.json (docs/rules.md "Sandbox").
type Credentials struct {
	BaseURL    string  `json:"baseUrl"`
	PortLoCode string  `json:"portLoCode"`
	TokenURL   string  `json:"tokenUrl"`
	Parties    []Party `json:"parties"`
	// OperatorToken is the port operator's token (the admin API's bearer token, the console's
	// operator sign-in) the sandbox made, when none was configured (--admin-token).
	OperatorToken string `json:"operatorToken,omitempty"`
}

// Party is one demo company and how to call as it.
type Party struct {
	Name            string         `json:"name"`
	NxtEntityID     string         `json:"nxtEntityId"`
	Roles           []release.Role `json:"roles"`
	Eori            *string        `json:"eori"`
	Tin             *string        `json:"tin"`
	Apcs            *string        `json:"apcs"`
	Duns            *string        `json:"duns"`
	ClientID        string         `json:"clientId"`
	ClientSecret    string         `json:"clientSecret"`
	SubscriptionKey string         `json:"subscriptionKey"`
	IngestionID     string         `json:"ingestionId"`
	TerminalCodes   []string       `json:"terminalCodes"`
	// Username and Password sign a person of the company in to the web console (and get tokens
	// with the password grant).
	Username string `json:"username"`
	Password string `json:"password"`
}

// demo is one demo company and the terminals it runs.
type demo struct {
	username  string
	company   identity.Company
	terminals []identity.Terminal
}

func demoCompanies() []demo {
	mk := func(id, name, eori, tin, apcs, duns string, roles ...release.Role) identity.Company {
		return identity.Company{
			NxtEntityID: id, Name: name, Eori: eori, Tin: tin, Apcs: apcs, Duns: duns, Roles: roles,
			Addresses: []identity.Address{{AddressTypeCode: "1", Street: "Havenlaan 1", PostalCode: "2000", City: "Antwerpen", Country: "BE",
				ContactName: name + " IT", ContactEmail: "it@" + id + ".example"}},
		}
	}
	return []demo{
		{username: "agent1", company: mk("NXT100000000001", "Demo Shipping Agent One", "BE0100000001", "BE0100000001", "ZA1001", "", release.RoleShippingAgent)},
		{username: "agent2", company: mk("NXT100000000002", "Demo Shipping Agent Two", "BE0100000002", "BE0100000002", "ZA1002", "", release.RoleShippingAgent)},
		{username: "terminal1", company: mk("NXT200000000001", "Demo Terminal One", "BE0200000001", "BE0200000001", "ZA2001", "", release.RoleTerminalOperator),
			terminals: []identity.Terminal{{Code: "0100", Name: "Demo Terminal 0100", PortLoCode: PortLoCode}}},
		{username: "terminal2", company: mk("NXT200000000002", "Demo Terminal Two", "BE0200000002", "BE0200000002", "ZA2002", "", release.RoleTerminalOperator),
			terminals: []identity.Terminal{{Code: "01700", Name: "Demo Terminal 01700", PortLoCode: PortLoCode}}},
		{username: "forwarder1", company: mk("NXT300000000001", "Demo Forwarder One", "BE0300000001", "BE0300000001", "ZA3001", "123456789", release.RoleReleaseParty)},
		{username: "forwarder2", company: mk("NXT300000000002", "Demo Forwarder Two", "", "BE0300000002", "ZA3002", "", release.RoleReleaseParty)},
		{username: "haulier1", company: mk("NXT400000000001", "Demo Haulier One", "BE0400000001", "BE0400000001", "ZA4001", "", release.RoleTransportOperator)},
		{username: "barge2", company: mk("NXT400000000002", "Demo Barge Operator Two", "BE0400000002", "BE0400000002", "ZA4002", "", release.RoleTransportOperator)},
		{username: "customs", company: mk("NXT500000000001", "Demo Customs Authority", "", "BE0500000001", "", "", release.RoleCustoms)},
	}
}

// Seed makes sure every demo company, its terminals and a client and subscription key for it exist,
// and gives the port an operator token. Credentials of an earlier run (read from dataDir) are kept
// when they still work, so that an integrator's saved settings survive a restart; otherwise fresh
// ones are made. Secrets are stored hashed (the operator token is not stored at all): the file is
// the only place they are in clear.
func Seed(ctx context.Context, reg store.Registry, dataDir, baseURL string, now time.Time) (*Credentials, error) {
	previous, operatorToken := map[string]Party{}, identity.NewSecret()
	if old, err := Read(dataDir); err == nil {
		for _, p := range old.Parties {
			previous[p.NxtEntityID] = p
		}
		if len(old.OperatorToken) >= 24 { // --admin-token's minimum
			operatorToken = old.OperatorToken
		}
	}
	existing, err := reg.Companies(ctx)
	if err != nil {
		return nil, err
	}
	ingestion := map[string]string{}
	for _, c := range existing {
		ingestion[c.NxtEntityID] = c.IngestionID
	}
	creds := &Credentials{BaseURL: baseURL, PortLoCode: PortLoCode, TokenURL: baseURL + "/connect/token", OperatorToken: operatorToken}
	for _, d := range demoCompanies() {
		c := d.company
		// The store keeps ingestion ids hashed: the previous file's id is kept while it matches.
		c.IngestionID = previous[c.NxtEntityID].IngestionID
		if stored := ingestion[c.NxtEntityID]; c.IngestionID == "" || stored == "" || identity.StoredIngestionID(stored) != identity.HashIngestionID(c.IngestionID) {
			c.IngestionID = uuid.NewString()
		}
		c.CreatedAt = now
		if err := reg.PutCompany(ctx, c); err != nil {
			return nil, fmt.Errorf("sandbox company %s: %w", c.NxtEntityID, err)
		}
		p := Party{
			Name: c.Name, NxtEntityID: c.NxtEntityID, Roles: c.Roles, Eori: opt(c.Eori), Tin: opt(c.Tin),
			Apcs: opt(c.Apcs), Duns: opt(c.Duns), IngestionID: c.IngestionID, TerminalCodes: []string{},
		}
		for _, t := range d.terminals {
			t.OperatorID = c.NxtEntityID
			if err := reg.PutTerminal(ctx, t); err != nil {
				return nil, err
			}
			p.TerminalCodes = append(p.TerminalCodes, t.Code)
		}
		if err := credentialsFor(ctx, reg, &p, previous[c.NxtEntityID], now); err != nil {
			return nil, err
		}
		if err := userFor(ctx, reg, &p, d.username, previous[c.NxtEntityID], now); err != nil {
			return nil, err
		}
		creds.Parties = append(creds.Parties, p)
	}
	return creds, nil
}

// credentialsFor reuses the party's previous client and key when they still verify, else makes new ones.
func credentialsFor(ctx context.Context, reg store.Registry, p *Party, prev Party, now time.Time) error {
	if prev.ClientID != "" {
		client, err := reg.Client(ctx, prev.ClientID)
		keys, kerr := reg.SubscriptionKeys(ctx)
		if err == nil && kerr == nil && client.RevokedAt == nil && client.CompanyID == p.NxtEntityID &&
			identity.SecretMatches(prev.ClientSecret, client.SecretHash) && hasKey(keys, prev.SubscriptionKey, p.NxtEntityID) {
			p.ClientID, p.ClientSecret, p.SubscriptionKey = prev.ClientID, prev.ClientSecret, prev.SubscriptionKey
			return nil
		}
	}
	p.ClientID = "sandbox-" + p.NxtEntityID + "-" + uuid.NewString()[:8]
	p.ClientSecret = identity.NewSecret()
	p.SubscriptionKey = identity.NewSecret()
	if err := reg.CreateClient(ctx, identity.Client{ClientID: p.ClientID, CompanyID: p.NxtEntityID, Name: "sandbox",
		SecretHash: identity.HashSecret(p.ClientSecret), CreatedAt: now}); err != nil {
		return err
	}
	return reg.CreateSubscriptionKey(ctx, identity.SubscriptionKey{KeyHash: identity.HashSecret(p.SubscriptionKey),
		CompanyID: p.NxtEntityID, Name: "sandbox", CreatedAt: now})
}

// userFor reuses the party's previous console user when its password still verifies, else makes
// one: under the demo username when it is free, else under that name and a suffix (a user is
// never deleted, and its password cannot be changed).
func userFor(ctx context.Context, reg store.Registry, p *Party, username string, prev Party, now time.Time) error {
	users, err := reg.Users(ctx)
	if err != nil {
		return err
	}
	taken := map[string]identity.User{}
	for _, u := range users {
		taken[strings.ToLower(u.Username)] = u
	}
	if u, ok := taken[strings.ToLower(prev.Username)]; ok && prev.Password != "" && u.RevokedAt == nil && u.CompanyID == p.NxtEntityID {
		if match, err := identity.PasswordMatches(prev.Password, u.PasswordHash); err == nil && match {
			p.Username, p.Password = u.Username, prev.Password
			return nil
		}
	}
	p.Username = username
	for _, ok := taken[p.Username]; ok; _, ok = taken[p.Username] {
		p.Username = username + "-" + uuid.NewString()[:4]
	}
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	p.Password = strings.ToLower(base32.StdEncoding.EncodeToString(b))
	return reg.CreateUser(ctx, identity.User{Username: p.Username, CompanyID: p.NxtEntityID,
		PasswordHash: identity.HashPassword(p.Password), CreatedAt: now})
}

func hasKey(keys []identity.SubscriptionKey, key, company string) bool {
	h := identity.HashSecret(key)
	for _, k := range keys {
		if k.KeyHash == h && k.CompanyID == company && k.RevokedAt == nil {
			return true
		}
	}
	return false
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Write saves the credentials to dataDir/sandbox-credentials.json, readable by the owner only.
func Write(dataDir string, c *Credentials) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	tmp := filepath.Join(dataDir, CredentialsFile+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dataDir, CredentialsFile))
}

// Read loads the credentials file of dataDir.
func Read(dataDir string) (*Credentials, error) {
	b, err := os.ReadFile(filepath.Join(dataDir, CredentialsFile))
	if err != nil {
		return nil, err
	}
	var c Credentials
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, errors.Join(errors.New("sandbox credentials file is not valid JSON"), err)
	}
	return &c, nil
}

// Print writes the credentials as a table a person can read.
func Print(w io.Writer, c *Credentials, path string) {
	fmt.Fprintf(w, "\nPortlight sandbox for port %s at %s (token URL %s)\n", c.PortLoCode, c.BaseURL, c.TokenURL)
	fmt.Fprintf(w, "Web console: %s/console/ (sign in as any user below)\n", c.BaseURL)
	if c.OperatorToken != "" {
		fmt.Fprintf(w, "Operator pages: %s/console/operator/signin (operator token %s, also the admin API's)\n", c.BaseURL, c.OperatorToken)
	} else {
		fmt.Fprintf(w, "Operator pages: %s/console/operator/signin (with the --admin-token given)\n", c.BaseURL)
	}
	fmt.Fprintf(w, "Credentials written to %s\n\n", path)
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tNXTENTITYID\tROLES\tCONSOLE USER\tPASSWORD\tCLIENT ID\tCLIENT SECRET\tSUBSCRIPTION KEY\tINGESTION ID\tTERMINALS")
	for _, p := range c.Parties {
		fmt.Fprintf(tw, "%s\t%s\t%v\t%s\t%s\t%s\t%s\t%s\t%s\t%v\n", p.Name, p.NxtEntityID, p.Roles, p.Username, p.Password,
			p.ClientID, p.ClientSecret, p.SubscriptionKey, p.IngestionID, p.TerminalCodes)
	}
	_ = tw.Flush()
	fmt.Fprintln(w)
}
