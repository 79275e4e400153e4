package e2e

import (
	"testing"
)

// nv is the summary of a NotValidated notification.
func nv(typ, msg string) []string { return []string{typ + " NotValidated " + msg} }

// TestEveryNotValidatedCase sends each command the seeds document a NotValidated answer for and
// checks that only the sender is told, with the seed's message text.
func TestEveryNotValidatedCase(t *testing.T) {
	w := world{t, startNode(t, t.TempDir())}
	eq := newContainer(t)
	w.ingest(SA1, eq, "", ingestBody("Release", eq, "BL1", "R1", "0100", nil)).
		expect(t, map[string][]string{SA1: {created}, TO1: {created}})
	key := func(action string, from, to any) map[string]any {
		return rightBody(action, eq, "BL1", "R1", "0100", from, to)
	}
	rl, rr := "ReleaseLight", "ReleaseRight"

	cases := []struct {
		name   string
		sender string
		send   func(sender string) *step
		want   []string
	}{
		{"release right already found", SA1, func(s string) *step {
			return w.ingest(s, eq, "dup", ingestBody("Release", eq, "BL1", "R1", "0100", nil))
		}, nv(rl, "No Commercial Release action processed due to Release Right already found in CPu for unique key "+eq+", BL1, R1")},
		{"missing parameters", SA1, func(s string) *step {
			return w.ingest(s, eq, "missing", map[string]any{"actionType": "Release", "equipmentNumber": eq, "portLoCode": "BEANR", "releaseIdentification": "R9"})
		}, nv(rl, "No Commercial Release action processed due to missing parameters: billOfLadingNumbers, terminalCode")},
		{"invalid terminal code", SA1, func(s string) *step {
			return w.ingest(s, eq, "", ingestBody("Release", eq, "BL9", "R9", "9999", nil))
		}, nv(rl, `Invalid Terminal Code: "9999" is not a terminal known to CPu`)},
		{"unknown carrier", SA1, func(s string) *step {
			return w.ingest(s, eq, "", ingestBody("Release", eq, "BL9", "R9", "0100", map[string]any{"carrier": map[string]string{"identificationType": "Duns", "identificationCode": "000"}}))
		}, nv(rl, "Couldn't find the entities based on the following parameters: IdentificationType: Duns and IdentificationCode 000")},
		{"update of an unknown key", SA1, func(s string) *step {
			return w.ingest(s, eq, "", ingestBody("Update", eq, "BL1", "OTHER", "0100", nil))
		}, nv(rl, "Could not find release right for unique key "+eq+", BL1, OTHER")},
		{"another agent cannot touch the release", SA2, func(s string) *step {
			return w.ingest(s, eq, "", ingestBody("Block", eq, "BL1", "R1", "0100", nil))
		}, nv(rl, "Could not find release right for unique key "+eq+", BL1, R1")},
		{"unblock when not blocked", SA1, func(s string) *step {
			return w.ingest(s, eq, "", ingestBody("Unblock", eq, "BL1", "R1", "0100", nil))
		}, nv(rl, "No Commercial Release action processed due to: the current state of the Release Light CommercialRelease is identical to the new provided state OK")},
		{"revoke with nothing to revoke", SA1, func(s string) *step {
			return w.ingest(s, eq, "", ingestBody("Revoke", eq, "BL1", "R1", "0100", nil))
		}, nv(rl, "No Commercial Release action Revoke processed on "+eq+": the Release Right is already with its originator")},
		{"transfer by a party that does not own it", RP2, func(s string) *step {
			return w.right(s, eq, "", key("Transfer", ref(RP2), ref(RP1)))
		}, nv(rr, "Unable to perform SubmitReleaseRight action Transfer on "+eq+" due to invalid identification")},
		{"transfer in another's name", RP2, func(s string) *step {
			return w.right(s, eq, "", key("Transfer", ref(SA1), ref(RP2)))
		}, nv(rr, "Unable to perform SubmitReleaseRight action Transfer on "+eq+" due to invalid identification")},
		{"no matching entity", SA1, func(s string) *step {
			return w.right(s, eq, "", key("Transfer", ref(SA1), ref("NXT999999999999")))
		}, nv(rr, "Couldn't find the entities based on the following parameters: IdentificationType: NxtEntityId and IdentificationCode NXT999999999999")},
		{"no matching release right", SA1, func(s string) *step {
			return w.right(s, eq, "", rightBody("Transfer", eq, "BL-X", "R1", "0100", ref(SA1), ref(RP1)))
		}, nv(rr, "Could not find release right for unique key "+eq+", BL-X, R1")},
		{"wrong terminal code", SA1, func(s string) *step {
			return w.right(s, eq, "", rightBody("Transfer", eq, "BL1", "R1", "01700", ref(SA1), ref(RP1)))
		}, nv(rr, "Could not find release right for unique key "+eq+", BL1, R1")},
		{"revoke of a right that is not pending", SA1, func(s string) *step {
			return w.right(s, eq, "", key("Revoke", ref(SA1), ref(RP1)))
		}, nv(rr, "Unable to perform SubmitReleaseRight action Revoke on "+eq+" because Release right is not Pending but Assigned")},
		{"transfer to the current owner", SA1, func(s string) *step {
			return w.right(s, eq, "", key("Transfer", ref(SA1), ref(SA1)))
		}, nv(rr, "It is not possible to transfer "+eq+" to the current owner")},
		{"transfer to a terminal operator", SA1, func(s string) *step {
			return w.right(s, eq, "", key("Transfer", ref(SA1), ref(TO1)))
		}, nv(rr, "Unable to perform SubmitReleaseRight action Transfer on "+eq+" because Release right not transferrable to Terminal Operator")},
		{"accept of a right that is not pending", RP1, func(s string) *step {
			return w.right(s, eq, "", key("Accept", ref(SA1), ref(RP1)))
		}, nv(rr, "Unable to perform SubmitReleaseRight action Accept on "+eq+" because Release right is not Pending but Assigned")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.send(c.sender).expect(t, map[string][]string{c.sender: c.want})
		})
	}

	// A pending transfer: only the named next party may answer, nobody may transfer it again.
	w.right(SA1, eq, "", key("Transfer", ref(SA1), ref(RP1)))
	w.right(RP2, eq, "", key("Accept", ref(SA1), ref(RP2))).
		expect(t, map[string][]string{RP2: nv(rr, "Unable to perform SubmitReleaseRight action Accept on "+eq+" due to invalid identification")})
	w.right(RP1, eq, "", key("Accept", ref(SA2), ref(RP1))).
		expect(t, map[string][]string{RP1: nv(rr, "Unable to perform SubmitReleaseRight action Accept on "+eq+" due to invalid identification")})
	w.right(SA1, eq, "", key("Transfer", ref(SA1), ref(RP2))).
		expect(t, map[string][]string{SA1: nv(rr, "Unable to perform SubmitReleaseRight action Transfer on "+eq+" because Release right is Pending")})
	declined := []string{"ReleaseRight DeclinedByNextParty Decline " + SA1 + "->" + RP1}
	w.right(RP1, eq, "", key("Decline", ref(SA1), ref(RP1))).expect(t, map[string][]string{SA1: declined, RP1: declined})

	// A right given to its first Release Party at release cannot be transferred by the agent.
	eq2 := newContainer(t)
	w.ingest(SA1, eq2, "", ingestBody("Release", eq2, "BL1", "R1", "0100", map[string]any{"releaseTo": ref(RP1)}))
	revoked := []string{"ReleaseRight RevokedByPreviousParty Revoke " + SA1 + "->" + RP1}
	w.right(SA1, eq2, "", rightBody("Revoke", eq2, "BL1", "R1", "0100", ref(SA1), ref(RP1))).
		expect(t, map[string][]string{SA1: revoked, RP1: revoked})
	w.right(SA1, eq2, "", rightBody("Transfer", eq2, "BL1", "R1", "0100", ref(SA1), ref(RP2))).
		expect(t, map[string][]string{SA1: nv(rr, "Unable to perform SubmitReleaseRight action Transfer on "+eq2+" because the Release Right was given to its first Release Party at release (releaseTo) and it was revoked; to give it to another party, delete the release and submit it again with that party in releaseTo (or without releaseTo, then transfer it)")})

	// An expired right (expirationDateTimeUtc passed) accepts no transfer.
	eq3 := newContainer(t)
	w.ingest(SA1, eq3, "", ingestBody("Release", eq3, "BL1", "R1", "0100", map[string]any{"expirationDateTimeUtc": "2020-01-01T00:00:00Z"}))
	w.right(SA1, eq3, "", rightBody("Transfer", eq3, "BL1", "R1", "0100", ref(SA1), ref(RP1))).
		expect(t, map[string][]string{SA1: nv(rr, "Unable to perform SubmitReleaseRight action Transfer on "+eq3+" because Release right is Expired")})

	// A wrong ISO 6346 check digit is a warning in the sender's envelope, not a rejection.
	bad := eq3[:10] + string(rune('0'+(int(eq3[10]-'0')+1)%10))
	receipt, _, err := w.n.party(t, SA1).Ingest(bg(), ingestBody("Release", bad, "BL1", "R1", "0100", nil), "")
	if err != nil {
		t.Fatal(err)
	}
	items, _, err := w.n.party(t, SA1).Notifications(bg(), map[string][]string{"publicReferenceId": {receipt.PublicReferenceID}})
	if err != nil || len(items) != 1 {
		t.Fatalf("check digit release: %v %d", err, len(items))
	}
	env, _ := items[0].Envelope()
	if env.Event != "ReleaseLightChanged" || len(env.Warnings) != 1 {
		t.Errorf("wrong check digit: event %s warnings %v", env.Event, env.Warnings)
	}
	items, _, _ = w.n.party(t, TO1).Notifications(bg(), map[string][]string{"publicReferenceId": {receipt.PublicReferenceID}})
	if env, _ := items[0].Envelope(); len(env.Warnings) != 0 {
		t.Errorf("the warning is the sender's only, the terminal got %v", env.Warnings)
	}
}
