// Package client speaks Portlight's HTTP API as one company: it fetches and renews its token,
// sends the subscription key, and decodes the answers and pulled notifications. Its calls go
// through the typed client generated from /openapi.json (client/apiclient), which API returns for
// every other operation. The CLI and the end-to-end tests use it; integrators may too.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/portlight/portlight/client/apiclient"
)

// Client calls the API as one company.
type Client struct {
	BaseURL         string
	ClientID        string
	ClientSecret    string
	SubscriptionKey string
	IngestionID     string
	HTTP            *http.Client

	mu      sync.Mutex
	token   string
	expires time.Time
	plain   *apiclient.ClientWithResponses // without credentials: the token endpoint
	authed  *apiclient.ClientWithResponses // with the bearer token and subscription key
}

// Response is a raw answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Receipt is the answer to an asynchronous call.
type Receipt struct {
	PublicReferenceID   string  `json:"publicReferenceId"`
	ExternalReferenceID *string `json:"externalReferenceId"`
}

// Notification is one pulled notification, with its message decoded.
type Notification struct {
	NxtEntityID         string  `json:"nxtEntityId"`
	EquipmentNumber     string  `json:"equipmentNumber"`
	PublicReferenceID   string  `json:"publicReferenceId"`
	ReleaseID           string  `json:"releaseId"`
	ExternalReferenceID *string `json:"externalReferenceId"`
	StoredOn            string  `json:"storedOn"`
	Message             string  `json:"message"`
	Type                string  `json:"type"`
	Event               string  `json:"event"`
}

// Envelope is a notification message as the seeds define it.
type Envelope struct {
	AssetID             string          `json:"assetId"`
	Body                json.RawMessage `json:"body"`
	Errors              []string        `json:"errors"`
	Event               string          `json:"event"`
	ExternalReferenceID *string         `json:"externalReferenceId"`
	ID                  string          `json:"id"`
	PublicReferenceID   string          `json:"publicReferenceId"`
	ReceiverID          string          `json:"receiverId"`
	SenderID            *string         `json:"senderId"`
	Timestamp           string          `json:"timestamp"`
	Type                string          `json:"type"`
	Warnings            []string        `json:"warnings"`
}

// Envelope decodes the notification's message.
func (n Notification) Envelope() (Envelope, error) {
	var e Envelope
	err := json.Unmarshal([]byte(n.Message), &e)
	return e, err
}

// Error is an answer that was not the expected success.
type Error struct{ Response *Response }

func (e *Error) Error() string {
	return fmt.Sprintf("portlight: HTTP %d: %s", e.Response.Status, strings.TrimSpace(string(e.Response.Body)))
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

// Token returns a valid access token, fetching a new one with client credentials when needed.
func (c *Client) Token(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" && time.Until(c.expires) > time.Minute {
		return c.token, nil
	}
	c.generated()
	resp, err := c.plain.CreateTokenWithFormdataBodyWithResponse(ctx, apiclient.CreateTokenFormdataRequestBody{
		GrantType: apiclient.ClientCredentials, ClientId: &c.ClientID, ClientSecret: &c.ClientSecret})
	if err != nil {
		return "", err
	}
	if resp.JSON200 == nil {
		return "", &Error{&Response{Status: resp.StatusCode(), Header: resp.HTTPResponse.Header, Body: resp.Body}}
	}
	c.token, c.expires = resp.JSON200.AccessToken, time.Now().Add(time.Duration(resp.JSON200.ExpiresIn)*time.Second)
	return c.token, nil
}

// generated makes the typed clients on first use (c.mu held).
func (c *Client) generated() {
	if c.plain != nil {
		return
	}
	doer := apiclient.WithHTTPClient(c.httpClient())
	c.plain, _ = apiclient.NewClientWithResponses(c.BaseURL, doer) // an error only comes from an option
	c.authed, _ = apiclient.NewClientWithResponses(c.BaseURL, doer, apiclient.WithRequestEditorFn(c.authorize))
}

// API returns the typed client generated from /openapi.json, calling as this company: every
// request carries a valid bearer token and the subscription key.
func (c *Client) API() *apiclient.ClientWithResponses {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.generated()
	return c.authed
}

// authorize puts the company's credentials on a request of the typed client.
func (c *Client) authorize(ctx context.Context, req *http.Request) error {
	token, err := c.Token(ctx)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Ocp-Apim-Subscription-Key", c.SubscriptionKey)
	return nil
}

func (c *Client) send(req *http.Request) (*Response, error) {
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// Do sends one authenticated call: body (if not nil) as JSON, externalRef (if not empty) as
// External-Reference-Id. Any status is returned as a Response; only transport failures are errors.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body any, externalRef string) (*Response, error) {
	token, err := c.Token(ctx)
	if err != nil {
		return nil, err
	}
	var rd io.Reader
	if body != nil {
		raw, ok := body.([]byte)
		if !ok {
			if raw, err = json.Marshal(body); err != nil {
				return nil, err
			}
		}
		rd = bytes.NewReader(raw)
	}
	u := c.BaseURL + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Ocp-Apim-Subscription-Key", c.SubscriptionKey)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if externalRef != "" {
		req.Header.Set("External-Reference-Id", externalRef)
	}
	return c.send(req)
}

// async sends an asynchronous call and decodes its receipt (expected status 202).
func (c *Client) async(ctx context.Context, method, path string, query url.Values, body any, externalRef string) (Receipt, *Response, error) {
	resp, err := c.Do(ctx, method, path, query, body, externalRef)
	return receipt(resp, err)
}

// receipt decodes the receipt of an asynchronous call's answer.
func receipt(resp *Response, err error) (Receipt, *Response, error) {
	if err != nil {
		return Receipt{}, nil, err
	}
	if resp.Status != http.StatusAccepted && resp.Status != http.StatusOK {
		return Receipt{}, resp, &Error{resp}
	}
	var r Receipt
	err = json.Unmarshal(resp.Body, &r)
	return r, resp, err
}

// jsonBody is body as a JSON request body: raw bytes as they are (to send what a typed body
// cannot, as the tests of bad input do), anything else encoded.
func jsonBody(body any) (io.Reader, error) {
	if raw, ok := body.([]byte); ok {
		return bytes.NewReader(raw), nil
	}
	raw, err := json.Marshal(body)
	return bytes.NewReader(raw), err
}

// optional is s, or nil when empty.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// read turns an answer of the typed client into a Response.
func read(resp *http.Response, err error) (*Response, error) {
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// Ingest posts a Shipping Agent command to the company's ingestion id.
func (c *Client) Ingest(ctx context.Context, body any, externalRef string) (Receipt, *Response, error) {
	rd, err := jsonBody(body)
	if err != nil {
		return Receipt{}, nil, err
	}
	return receipt(read(c.API().IngestCommercialReleaseWithBody(ctx, c.IngestionID,
		&apiclient.IngestCommercialReleaseParams{ExternalReferenceId: optional(externalRef)}, "application/json", rd)))
}

// ReleaseRight sends a Transfer, Accept, Decline or Revoke for one container.
func (c *Client) ReleaseRight(ctx context.Context, port, equipment string, body any, externalRef string) (Receipt, *Response, error) {
	rd, err := jsonBody(body)
	if err != nil {
		return Receipt{}, nil, err
	}
	return receipt(read(c.API().PutReleaseRightWithBody(ctx, port, equipment,
		&apiclient.PutReleaseRightParams{ExternalReferenceId: optional(externalRef)}, "application/json", rd)))
}

// ReleaseRights sends a bulk release-right action.
func (c *Client) ReleaseRights(ctx context.Context, port string, body any, externalRef string) (Receipt, *Response, error) {
	rd, err := jsonBody(body)
	if err != nil {
		return Receipt{}, nil, err
	}
	return receipt(read(c.API().PutReleaseRightsWithBody(ctx, port,
		&apiclient.PutReleaseRightsParams{ExternalReferenceId: optional(externalRef)}, "application/json", rd)))
}

// ReleaseDetail asks for the detail of one release; it arrives as a notification.
func (c *Client) ReleaseDetail(ctx context.Context, port, equipment string, bills []string, releaseIdentification string) (Receipt, *Response, error) {
	q := url.Values{"billOfLadingNumbers": bills, "releaseIdentification": {releaseIdentification}}
	return c.async(ctx, http.MethodGet, "/certified-pickup/v1/"+url.PathEscape(port)+"/containers/import/release-rights/"+url.PathEscape(equipment), q, nil, "")
}

// RightsList asks for the rights assigned to the company; the page arrives as a notification.
func (c *Client) RightsList(ctx context.Context, port string, q url.Values) (Receipt, *Response, error) {
	return c.async(ctx, http.MethodGet, "/certified-pickup/v1/"+url.PathEscape(port)+"/containers/import/release-rights", q, nil, "")
}

// Notifications pulls the company's notifications matching q. A 405 (nothing matches) is an
// empty list, not an error.
func (c *Client) Notifications(ctx context.Context, q url.Values) ([]Notification, *Response, error) {
	resp, err := c.Do(ctx, http.MethodGet, "/certified-pickup/v1/notifications", q, nil, "")
	if err != nil {
		return nil, nil, err
	}
	switch resp.Status {
	case http.StatusOK:
		var out []Notification
		err := json.Unmarshal(resp.Body, &out)
		return out, resp, err
	case http.StatusMethodNotAllowed:
		return nil, resp, nil
	}
	return nil, resp, &Error{resp}
}
