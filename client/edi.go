package client

import (
	"bytes"
	"context"
	"net/http"
)

// Interchange posts an EDIFACT interchange (docs/edifact.md) to the gateway of port. Any status is
// returned as a Response: 202 with the JSON answer, 400 with a CONTRL.
func (c *Client) Interchange(ctx context.Context, port string, interchange []byte, externalRef string) (*Response, error) {
	token, err := c.Token(ctx)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+"/edi/v1/"+port+"/interchanges", bytes.NewReader(interchange))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Ocp-Apim-Subscription-Key", c.SubscriptionKey)
	req.Header.Set("Content-Type", "application/edifact")
	if externalRef != "" {
		req.Header.Set("External-Reference-Id", externalRef)
	}
	return c.send(req)
}

// Aperak gets the APERAK of an interchange the company sent.
func (c *Client) Aperak(ctx context.Context, port, publicReferenceID string) (*Response, error) {
	return c.Do(ctx, http.MethodGet, "/edi/v1/"+port+"/interchanges/"+publicReferenceID+"/aperak", nil, nil, "")
}
