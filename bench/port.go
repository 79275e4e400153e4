package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
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

func ref(id string) map[string]string {
	return map[string]string{"identificationType": "NxtEntityId", "identificationCode": id}
}

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

// Release submits the commercial release of container eq, optionally to a first release party.
func (p *Port) Release(ctx context.Context, eq, releaseTo string) error {
	body := map[string]any{"actionType": "Release", "equipmentNumber": eq, "billOfLadingNumbers": []string{"BL-" + eq},
		"releaseIdentification": "R-" + eq, "terminalCode": TerminalCode, "portLoCode": p.Creds.PortLoCode, "stayNumber": "STAY1",
		"equipmentType": "45G1", "vesselName": "BENCH VESSEL"}
	if releaseTo != "" {
		body["releaseTo"] = ref(releaseTo)
	}
	_, resp, err := p.As(ShippingAgent).Ingest(ctx, body, "")
	return expect202(resp, err)
}

// Right sends a release-right action on eq as `as`.
func (p *Port) Right(ctx context.Context, as, action, eq, from, to string) error {
	body := map[string]any{"actionType": action, "equipmentNumber": eq, "billOfLadingNumbers": []string{"BL-" + eq},
		"releaseIdentification": "R-" + eq, "terminalCode": TerminalCode, "portLoCode": p.Creds.PortLoCode,
		"releaseFrom": ref(from), "releaseTo": ref(to)}
	resp, err := p.As(as).Do(ctx, http.MethodPut, "/certified-pickup/v1/"+p.Creds.PortLoCode+"/containers/"+eq+"/import/release-rights", nil, body, "")
	return expect202(resp, err)
}

// TerminalEvent reports a terminal event on eq.
func (p *Port) TerminalEvent(ctx context.Context, action, eq string) error {
	body := map[string]any{"actionType": action, "terminalCode": TerminalCode, "stayNumber": "STAY1"}
	resp, err := p.As(Terminal).Do(ctx, http.MethodPost, "/certified-pickup/v1/"+p.Creds.PortLoCode+"/containers/"+eq+"/import/terminal-events", nil, body, "")
	return expect202(resp, err)
}

// Customs sends a customs status for eq.
func (p *Port) Customs(ctx context.Context, eq, status string) error {
	resp, err := p.As(CustomsAuthority).Do(ctx, http.MethodPost, "/ccrm/v1/"+p.Creds.PortLoCode+"/containers/"+eq+"/customs-status", nil,
		map[string]any{"status": status, "source": "CCRM"}, "")
	return expect202(resp, err)
}

// Pickup assigns (or updates, revokes) the Pick-up Right of eq as the haulier.
func (p *Port) Pickup(ctx context.Context, action, eq, plate string) error {
	body := map[string]any{"actionType": action, "equipmentNumber": eq, "billOfLadingNumbers": []string{"BL-" + eq},
		"releaseIdentification": "R-" + eq, "terminalCode": TerminalCode, "portLoCode": p.Creds.PortLoCode,
		"meansOfTransport": map[string]any{"type": "Truck", "truck": map[string]any{"licensePlate": plate,
			"driver": map[string]any{"name": "Bench Driver", "badgeNumberMasked": "**42"}}}}
	resp, err := p.As(Haulier).Do(ctx, http.MethodPut, "/certified-pickup/v1/"+p.Creds.PortLoCode+"/containers/"+eq+"/import/pickup-rights", nil, body, "")
	return expect202(resp, err)
}

// ReadyForPickup walks container eq through the whole life up to an assigned Pick-up Right:
// release to the forwarder, accept, transfer to the haulier, accept, discharge, terminal release,
// customs release, pick-up assignment.
func (p *Port) ReadyForPickup(ctx context.Context, eq string) error {
	steps := []func() error{
		func() error { return p.Release(ctx, eq, Forwarder) },
		func() error { return p.Right(ctx, Forwarder, "Accept", eq, ShippingAgent, Forwarder) },
		func() error { return p.Right(ctx, Forwarder, "Transfer", eq, Forwarder, Haulier) },
		func() error { return p.Right(ctx, Haulier, "Accept", eq, Forwarder, Haulier) },
		func() error { return p.TerminalEvent(ctx, "Discharge", eq) },
		func() error { return p.TerminalEvent(ctx, "Release", eq) },
		func() error { return p.Customs(ctx, eq, "RELEASED") },
		func() error { return p.Pickup(ctx, "Assign", eq, "1-BNC-"+eq[7:10]) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}
