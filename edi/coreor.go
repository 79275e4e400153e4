package edi

import (
	"strings"

	"github.com/portlight/portlight/edi/edifact"
	"github.com/portlight/portlight/release"
)

// coreorActions maps COREOR's message function (BGM 1225) to the Shipping Agent's action.
var coreorActions = map[string]string{
	"9": release.ActionRelease, // original
	"5": release.ActionUpdate,  // replacement
	"4": release.ActionUpdate,  // change
	"1": release.ActionDelete,  // cancellation
}

// releaseToQualifiers are the NAD party qualifiers (3035) that name the party a COREOR releases
// the container to, in order of preference: freight forwarder, consignee.
var releaseToQualifiers = []string{"FW", "CN"}

// mapCOREOR turns a container release order into one Shipping Agent command per container (EQD):
// an original is a Release, a replacement or change an Update, a cancellation a Delete.
func mapCOREOR(m *edifact.Message, port string) (Mapped, error) {
	head, containers := groups(m.Segments, "EQD")
	bgm := find(head, "BGM")
	if bgm == nil {
		return Mapped{}, refuse(nil, "COREOR has no BGM")
	}
	action, ok := coreorActions[bgm.Value(2, 0)]
	if !ok {
		return Mapped{}, refuse(bgm, "COREOR message function %q is not taken (9 original, 5 replacement, 4 change, 1 cancellation)", bgm.Value(2, 0))
	}
	if len(containers) == 0 {
		return Mapped{}, refuse(nil, "COREOR names no container (EQD)")
	}
	var out Mapped
	for _, group := range containers {
		cmd, err := coreorCommand(action, bgm, head, group, port)
		if err != nil {
			return Mapped{}, err
		}
		out.Commands = append(out.Commands, Command{EquipmentNumber: cmd.Key.EquipmentNumber, Command: cmd})
	}
	return out, nil
}

// coreorCommand is the command for one container group of a COREOR. What the group says wins over
// what the message's header says for all its containers.
func coreorCommand(action string, bgm *edifact.Segment, head, group []edifact.Segment, port string) (*release.Ingestion, error) {
	number, sizeType, err := equipment(&group[0])
	if err != nil {
		return nil, err
	}
	either := func(f func([]edifact.Segment) string) string {
		if v := f(group); v != "" {
			return v
		}
		return f(head)
	}
	releaseID := either(func(s []edifact.Segment) string { return reference(s, "RE") })
	if releaseID == "" {
		releaseID = strings.TrimSpace(bgm.Value(1, 0)) // the release order's document number
	}
	bls := references(group, "BM")
	if len(bls) == 0 {
		bls = references(head, "BM")
	}
	term, err := terminal(group, port)
	if err == nil && term == "" {
		term, err = terminal(head, port)
	}
	if err != nil {
		return nil, err
	}
	cmd := &release.Ingestion{
		ActionType: action, PortLoCode: port, TerminalCode: term,
		Key: release.Key{EquipmentNumber: number, BillOfLadingNumbers: bls, ReleaseIdentification: releaseID},
	}
	if action == release.ActionDelete {
		return cmd, nil // a cancellation carries the key only (Delete may change nothing else)
	}
	cmd.Details = release.Details{
		ReleaseOrderReference: strings.TrimSpace(bgm.Value(1, 0)),
		EquipmentType:         sizeType,
		FullEmptyIndicator:    fullEmpty[group[0].Value(5, 0)],
		StayNumber:            either(func(s []edifact.Segment) string { return reference(s, "ATZ") }),
		VoyageNumber:          either(func(s []edifact.Segment) string { return reference(s, "VON") }),
	}
	if tdt := find(head, "TDT", "20"); tdt != nil {
		if cmd.Details.VoyageNumber == "" {
			cmd.Details.VoyageNumber = strings.TrimSpace(tdt.Value(1, 0))
		}
		switch tdt.Value(7, 1) { // C222: identification, its code list (103 call sign, 146 IMO), agency, name
		case "103":
			cmd.Details.VesselCallSign = strings.TrimSpace(tdt.Value(7, 0))
		case "146":
			cmd.Details.VesselNumber = strings.TrimSpace(tdt.Value(7, 0))
		}
		cmd.Details.VesselName = strings.TrimSpace(tdt.Value(7, 3))
	}
	for _, segs := range [][]edifact.Segment{group, head} {
		if t, ok, err := date(segs, "36", true); err != nil {
			return nil, err
		} else if ok && cmd.Details.ExpirationDateTimeUtc == nil {
			cmd.Details.ExpirationDateTimeUtc = &t
		}
	}
	if t, ok, err := date(head, "137", false); err != nil {
		return nil, err
	} else if ok {
		cmd.Details.ReleaseDateTimeUtc = &t
	}
	if nad := findFirst(group, head, "NAD", "CA"); nad != nil {
		cmd.Carrier = party(nad)
	}
	if action == release.ActionRelease {
		if nad := findFirst(group, head, "NAD", releaseToQualifiers...); nad != nil {
			cmd.ReleaseTo = party(nad)
		}
	}
	return cmd, nil
}

// fullEmpty reads the full/empty indicator of EQD (8169).
var fullEmpty = map[string]string{"4": "Empty", "5": "Full"}

// findFirst is find in group, then in head.
func findFirst(group, head []edifact.Segment, tag string, qualifiers ...string) *edifact.Segment {
	for _, q := range qualifiers {
		if s := find(group, tag, q); s != nil {
			return s
		}
		if s := find(head, tag, q); s != nil {
			return s
		}
	}
	return nil
}
