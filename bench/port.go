package bench

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"time"

	"github.com/portlight/portlight/client"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/sandbox"
)

// Port is a sandbox node seen by the load generator: a client per demo party.
type Port struct {
	Creds   *sandbox.Credentials
	parties map[string]*client.Client
	// owner is the run's ISO 6346 owner code (three letters and U), so runs never collide.
	owner string
}

// NewPort connects to the sandbox whose credentials file is in dataDir.
func NewPort(creds *sandbox.Credentials) *Port {
	transport := &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512, IdleConnTimeout: time.Minute}
	hc := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	p := &Port{Creds: creds, parties: map[string]*client.Client{}}
	for _, c := range creds.Parties {
		p.parties[c.NxtEntityID] = &client.Client{BaseURL: creds.BaseURL, ClientID: c.ClientID, ClientSecret: c.ClientSecret,
			SubscriptionKey: c.SubscriptionKey, IngestionID: c.IngestionID, HTTP: hc}
	}
	letters := []byte{byte('A' + rand.IntN(26)), byte('A' + rand.IntN(26)), byte('A' + rand.IntN(26)), 'U'}
	p.owner = string(letters)
	return p
}

// Owner is the run's owner code; UseOwner takes another run's, to find the containers it stored.
func (p *Port) Owner() string        { return p.owner }
func (p *Port) UseOwner(code string) { p.owner = code }

// As returns the client of a sandbox party.
func (p *Port) As(nxtEntityID string) *client.Client { return p.parties[nxtEntityID] }

// Container returns the i-th equipment number of this run, with a correct check digit.
func (p *Port) Container(i int) string {
	base := fmt.Sprintf("%s%06d", p.owner, i%1_000_000)
	want, _, _ := release.CheckEquipmentNumber(base + "0")
	return fmt.Sprintf("%s%d", base, want)
}

// The sandbox parties the scenarios use.
const (
	ShippingAgent    = "NXT100000000001"
	Terminal         = "NXT200000000001"
	TerminalCode     = "0100"
	Forwarder        = "NXT300000000001"
	Haulier          = "NXT400000000001"
	CustomsAuthority = "NXT500000000001"
	secondHaulier    = "NXT400000000002"
	secondForwarder  = "NXT300000000002"
)

// expect202 turns any answer but 202 into an error.
func expect202(resp *client.Response, err error) error {
	if err != nil {
		return err
	}
	if resp.Status != http.StatusAccepted {
		return fmt.Errorf("HTTP %d: %s", resp.Status, resp.Body)
	}
	return nil
}

// The bodies of the generator's calls are encoded by hand (the builders of history.go and the ones
// below), not with json.Marshal of a map: the generator shares the two cores with the server it
// measures, and every microsecond it spends is one the server does not get.

// The command calls answer the receipt's publicReferenceId (which the command's notifications
// carry), or an error for any answer but 202.

// Release submits the commercial release of container eq, optionally to a first release party.
func (p *Port) Release(ctx context.Context, eq, releaseTo string) (string, error) {
	return p.send(ctx, ShippingAgent, http.MethodPost, p.ingestPath(ShippingAgent), p.releaseBody(eq, releaseTo))
}

// Right sends a release-right action on eq as `as`.
func (p *Port) Right(ctx context.Context, as, action, eq, from, to string) (string, error) {
	return p.send(ctx, as, http.MethodPut, p.containerPath(eq, "/import/release-rights"), p.rightBody(eq, action, from, to))
}

// TerminalEvent reports a terminal event on eq.
func (p *Port) TerminalEvent(ctx context.Context, action, eq string) (string, error) {
	return p.send(ctx, Terminal, http.MethodPost, p.containerPath(eq, "/import/terminal-events"), terminalEventBody(action))
}

// Customs sends a customs status for eq.
func (p *Port) Customs(ctx context.Context, eq, status string) (string, error) {
	return p.send(ctx, CustomsAuthority, http.MethodPost, "/ccrm/v1/"+p.Creds.PortLoCode+"/containers/"+eq+"/customs-status", customsBody(status))
}

// Pickup assigns (or updates, revokes) the Pick-up Right of eq as the haulier.
func (p *Port) Pickup(ctx context.Context, action, eq, plate string) (string, error) {
	return p.send(ctx, Haulier, http.MethodPut, p.containerPath(eq, "/import/pickup-rights"), p.pickupBody(action, eq, plate))
}

func terminalEventBody(action string) []byte {
	b := make([]byte, 0, 96)
	b = append(b, `{"actionType":"`...)
	b = append(b, action...)
	return append(b, `","terminalCode":"`+TerminalCode+`","stayNumber":"STAY1"}`...)
}

func customsBody(status string) []byte {
	b := make([]byte, 0, 48)
	b = append(b, `{"status":"`...)
	b = append(b, status...)
	return append(b, `","source":"CCRM"}`...)
}

func (p *Port) pickupBody(action, eq, plate string) []byte {
	b := make([]byte, 0, 400)
	b = append(b, `{"actionType":"`...)
	b = append(b, action...)
	b = p.keyFields(b, eq)
	b = append(b, `,"meansOfTransport":{"type":"Truck","truck":{"licensePlate":"`...)
	b = append(b, plate...)
	return append(b, `","driver":{"name":"Bench Driver","badgeNumberMasked":"**42"}}}}`...)
}

// keyFields appends the fields after actionType that name the release of eq: the equipment, its
// bill of lading, releaseIdentification, terminal and port.
func (p *Port) keyFields(b []byte, eq string) []byte {
	b = append(b, `","equipmentNumber":"`...)
	b = append(b, eq...)
	b = append(b, `","billOfLadingNumbers":["BL-`...)
	b = append(b, eq...)
	b = append(b, `"],"releaseIdentification":"R-`...)
	b = append(b, eq...)
	b = append(b, `","terminalCode":"`+TerminalCode+`","portLoCode":"`...)
	b = append(b, p.Creds.PortLoCode...)
	return append(b, '"')
}

// containerPath is the path of a call on container eq of the port.
func (p *Port) containerPath(eq, rest string) string {
	return "/certified-pickup/v1/" + p.Creds.PortLoCode + "/containers/" + eq + rest
}

// ingestPath is the ingestion path of a sandbox party.
func (p *Port) ingestPath(as string) string {
	return "/ingestion/v1/ingestion/" + url.PathEscape(p.As(as).IngestionID)
}

// send sends an encoded body as `as` and turns any answer but 202 into an error. Of the receipt
// only the publicReferenceId is read, by a byte search rather than a JSON decode: the generator
// shares the cores with the server it measures.
func (p *Port) send(ctx context.Context, as, method, path string, body []byte) (string, error) {
	resp, err := p.As(as).Do(ctx, method, path, nil, body, "")
	if err := expect202(resp, err); err != nil {
		return "", err
	}
	return receiptReference(resp.Body), nil
}

// receiptReference is the publicReferenceId of a receipt's JSON ("" when it has none).
func receiptReference(receipt []byte) string {
	const key = `"publicReferenceId":"`
	i := bytes.Index(receipt, []byte(key))
	if i < 0 {
		return ""
	}
	rest := receipt[i+len(key):]
	end := bytes.IndexByte(rest, '"')
	if end < 0 {
		return ""
	}
	return string(rest[:end])
}

// ReadyForPickup walks container eq through the whole life up to an assigned Pick-up Right:
// release to the forwarder, accept, transfer to the haulier, accept, discharge, terminal release,
// customs release, pick-up assignment.
func (p *Port) ReadyForPickup(ctx context.Context, eq string) error {
	steps := []func() (string, error){
		func() (string, error) { return p.Release(ctx, eq, Forwarder) },
		func() (string, error) { return p.Right(ctx, Forwarder, "Accept", eq, ShippingAgent, Forwarder) },
		func() (string, error) { return p.Right(ctx, Forwarder, "Transfer", eq, Forwarder, Haulier) },
		func() (string, error) { return p.Right(ctx, Haulier, "Accept", eq, Forwarder, Haulier) },
		func() (string, error) { return p.TerminalEvent(ctx, "Discharge", eq) },
		func() (string, error) { return p.TerminalEvent(ctx, "Release", eq) },
		func() (string, error) { return p.Customs(ctx, eq, "RELEASED") },
		func() (string, error) { return p.Pickup(ctx, "Assign", eq, "1-BNC-"+eq[7:10]) },
	}
	for _, s := range steps {
		if _, err := s(); err != nil {
			return err
		}
	}
	return nil
}
