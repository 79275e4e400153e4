package sandbox

import (
	"context"
	"fmt"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
	"github.com/portlight/portlight/store"
)

// Stages are the points of a container's way through the port that SeedContainers leaves demo
// containers at, so that a first look at the console (or the API) is never an empty port.
var Stages = []string{"released", "transfer pending", "accepted", "discharged", "customs released",
	"pick-up assigned", "gated out", "blocked", "refused"}

// perStage is how many containers each stage gets: one through each demo terminal.
const perStage = 2

// SeedContainers leaves demo containers at every stage of Stages, each by the commands the demo
// companies would send, through service.Execute like any caller (the rules of package release
// decide them all). It does nothing when the demo shipping agent already has containers (a
// sandbox started again on its data dir), and fails when a command is refused: the demo story
// must hold against the rules.
func SeedContainers(ctx context.Context, svc *service.Service, creds *Credentials) error {
	callers := map[string]*service.Caller{}
	for _, p := range creds.Parties {
		c, err := svc.UserCaller(ctx, p.Username, p.NxtEntityID)
		if err != nil {
			return fmt.Errorf("sandbox containers: user %s: %w", p.Username, err)
		}
		callers[p.NxtEntityID] = c
	}
	agent, terminals := callers["NXT100000000001"], [2]*service.Caller{callers["NXT200000000001"], callers["NXT200000000002"]}
	forwarder, haulier, customs := callers["NXT300000000001"], callers["NXT400000000001"], callers["NXT500000000001"]
	if _, total, err := svc.MyContainers(ctx, agent, store.StakeholderQuery{PortLoCode: PortLoCode, Limit: -1}); err != nil || total > 0 {
		return err
	}
	for si, stage := range Stages {
		for i := range perStage {
			eq, err := demoEquipment(si*perStage + i)
			if err != nil {
				return err
			}
			terminal := terminals[i]
			code := []string{"0100", "01700"}[i]
			s := &story{ctx: ctx, svc: svc, eq: eq, key: release.Key{EquipmentNumber: eq, BillOfLadingNumbers: []string{"DEMOBL" + eq[4:]},
				ReleaseIdentification: "DEMO-" + eq[4:]}, terminal: code}
			if err := s.play(stage, agent, terminal, forwarder, haulier, customs); err != nil {
				return fmt.Errorf("sandbox containers: %s (%s): %w", eq, stage, err)
			}
		}
	}
	return nil
}

// demoEquipment is the n-th demo equipment number (owner code DEMU), with its ISO 6346 check digit.
func demoEquipment(n int) (string, error) {
	base := fmt.Sprintf("DEMU%06d", 100+n)
	digit, _, err := release.CheckEquipmentNumber(base + "0")
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s%d", base, digit), nil
}

// story sends the commands of one demo container.
type story struct {
	ctx      context.Context
	svc      *service.Service
	eq       string
	key      release.Key
	terminal string
}

// play sends the commands that take the container to stage.
func (s *story) play(stage string, agent, terminal, forwarder, haulier, customs *service.Caller) error {
	steps := map[string]int{}
	for i, st := range Stages {
		steps[st] = i
	}
	at := steps[stage]
	// Blocked and refused branch off after the release; the others go one after the other.
	releaseTo := stage != "released"
	if err := s.send(agent, &release.Ingestion{ActionType: release.ActionRelease, PortLoCode: PortLoCode, Key: s.key, TerminalCode: s.terminal,
		Details:   release.Details{VesselName: "MSC Demo", VoyageNumber: "DM001", EquipmentType: "42G1", FullEmptyIndicator: "F"},
		ReleaseTo: s.to(releaseTo, forwarder)}); err != nil {
		return err
	}
	switch stage {
	case "released", "transfer pending":
		return nil
	case "blocked":
		return s.send(agent, &release.Ingestion{ActionType: release.ActionBlock, PortLoCode: PortLoCode, Key: s.key, TerminalCode: s.terminal,
			Reason: "Freight not paid"})
	case "refused":
		return s.right(forwarder, release.ActionDecline, agent, forwarder)
	}
	if err := s.right(forwarder, release.ActionAccept, agent, forwarder); err != nil || at < steps["discharged"] {
		return err
	}
	if err := s.terminalEvent(terminal, release.TerminalDischarge); err != nil || at < steps["customs released"] {
		return err
	}
	if err := s.send(customs, &release.CustomsStatus{PortLoCode: PortLoCode, EquipmentNumber: s.eq, Status: release.ValueReleased,
		Progress: release.ValueCleared, Source: "CCRM"}); err != nil || at < steps["pick-up assigned"] {
		return err
	}
	for _, step := range []func() error{
		func() error { return s.terminalEvent(terminal, release.TerminalRelease) },
		func() error { return s.right(forwarder, release.ActionTransfer, forwarder, haulier) },
		func() error { return s.right(haulier, release.ActionAccept, forwarder, haulier) },
		func() error {
			return s.send(haulier, &release.PickupAction{ActionType: release.PickupAssign, PortLoCode: PortLoCode, Key: s.key, TerminalCode: s.terminal,
				MeansOfTransport: &release.MeansOfTransport{Type: release.TransportTruck,
					Truck: &release.Truck{LicensePlate: "1-DEM-" + s.eq[7:], Driver: &release.Driver{Name: "Demo Driver"}}}})
		},
	} {
		if err := step(); err != nil {
			return err
		}
	}
	if at < steps["gated out"] {
		return nil
	}
	return s.terminalEvent(terminal, release.TerminalGateOut)
}

func (s *story) to(given bool, c *service.Caller) release.PartyRef {
	if !given {
		return release.PartyRef{}
	}
	return release.PartyRef{IdentificationType: string(release.IDNxtEntityID), IdentificationCode: c.Company.NxtEntityID}
}

func (s *story) right(sender *service.Caller, action string, from, to *service.Caller) error {
	return s.send(sender, &release.RightAction{ActionType: action, PortLoCode: PortLoCode, Key: s.key, TerminalCode: s.terminal,
		ReleaseFrom: s.to(true, from), ReleaseTo: s.to(true, to)})
}

func (s *story) terminalEvent(terminal *service.Caller, action string) error {
	return s.send(terminal, &release.TerminalEvent{ActionType: action, PortLoCode: PortLoCode, EquipmentNumber: s.eq,
		TerminalCode: s.terminal, BillOfLadingNumbers: s.key.BillOfLadingNumbers, ReleaseIdentification: s.key.ReleaseIdentification})
}

// send executes one command and returns the platform's refusal as an error.
func (s *story) send(sender *service.Caller, cmd release.Command) error {
	receipt, err := s.svc.Execute(s.ctx, sender, []service.Request{{PortLoCode: PortLoCode, EquipmentNumber: s.eq, Command: cmd}}, nil)
	if err != nil {
		return err
	}
	refused, err := s.svc.Outcome(s.ctx, sender, receipt)
	if err != nil {
		return err
	}
	if len(refused) > 0 {
		return fmt.Errorf("%s by %s refused: %v", cmd.Action(), sender.Company.Name, refused)
	}
	return nil
}
