package release

import (
	"fmt"
	"strings"
)

// The NotValidated message texts. Those the seeds print are copied letter for letter; the rest follow
// their wording for the rejections the seeds describe without printing a text. docs/rules.md
// "NotValidated messages" lists them all and says which are the seeds'.

func msgInvalidIdentification(action, equipment string) string {
	return fmt.Sprintf("Unable to perform SubmitReleaseRight action %s on %s due to invalid identification", action, equipment)
}

func msgEntityNotFound(ref *PartyRef) string {
	return fmt.Sprintf("Couldn't find the entities based on the following parameters: IdentificationType: %s and IdentificationCode %s",
		ref.IdentificationType, ref.IdentificationCode)
}

func msgRightNotFound(k Key) string {
	return "Could not find release right for unique key " + k.String()
}

func msgNotPending(action, equipment string, status RightStatus) string {
	return fmt.Sprintf("Unable to perform SubmitReleaseRight action %s on %s because Release right is not Pending but %s", action, equipment, status)
}

func msgRightIs(action, equipment string, status RightStatus) string {
	return fmt.Sprintf("Unable to perform SubmitReleaseRight action %s on %s because Release right is %s", action, equipment, status)
}

func msgTransferToOwner(equipment string) string {
	return fmt.Sprintf("It is not possible to transfer %s to the current owner", equipment)
}

func msgPickupRightGenerated(equipment string) string {
	return fmt.Sprintf("Unable to perform SubmitReleaseRight action Transfer on %s because Pick up Right already generated, no transfer possible", equipment)
}

func msgNotTransferrableTo(equipment string, to *Party) string {
	roles := make([]string, 0, len(to.Roles))
	for _, r := range to.Roles {
		roles = append(roles, roleLabel(r))
	}
	if len(roles) == 0 {
		roles = append(roles, "a company without role")
	}
	return fmt.Sprintf("Unable to perform SubmitReleaseRight action Transfer on %s because Release right not transferrable to %s",
		equipment, strings.Join(roles, ", "))
}

// msgGivenAtRelease refuses the agent's Transfer of a right it gave away at release (releaseTo)
// and got back. The seed: "When a releaseTo party was present ... you can't use this method as the
// Release Right is automatically given. You need to delete and resubmit the Release Light in case
// you wish to transfer the Right to another party or Revoke the right if the ReleaseTo party did
// not yet accept it." The right is back with the agent (a transfer still pending is refused as
// Pending before this), so revoking is past: the text says why it came back and the one remedy
// that works now, which the scenario ingest_revoke.txt plays.
func msgGivenAtRelease(equipment string, status RightStatus) string {
	why := "it came back to you"
	switch status {
	case StatusDeclined:
		why = "the Release Party declined it"
	case StatusRevoked:
		why = "it was revoked"
	}
	return fmt.Sprintf("Unable to perform SubmitReleaseRight action Transfer on %s because the Release Right was given to its first Release Party at release (releaseTo) and %s; to give it to another party, delete the release and submit it again with that party in releaseTo (or without releaseTo, then transfer it)", equipment, why)
}

func msgSingleRight() string {
	return "Could not apply to single release right. Please provide keys that uniquely match the correct release right."
}

func msgMissingParameters(names []string) string {
	return "No Commercial Release action processed due to missing parameters: " + strings.Join(names, ", ")
}

func msgInvalidTerminal(code string) string {
	return fmt.Sprintf("Invalid Terminal Code: %q is not a terminal known to CPu", code)
}

func msgAlreadyFound(k Key) string {
	return "No Commercial Release action processed due to Release Right already found in CPu for unique key " + k.String()
}

func msgIdenticalLight(light LightName, value string) string {
	return fmt.Sprintf("No %s action processed due to: the current state of the Release Light %s is identical to the new provided state %s",
		lightAction(light), light, value)
}

func msgLightIs(light LightName, value string) string {
	return fmt.Sprintf("No %s action processed due to: the Release Light %s is %s", lightAction(light), light, value)
}

func msgPickedUp(action, equipment string) string {
	return fmt.Sprintf("No %s action processed on %s: the container has already been picked up (gate-out received)", action, equipment)
}

func msgNothingToRevoke(equipment string) string {
	return fmt.Sprintf("No Commercial Release action Revoke processed on %s: the Release Right is already with its originator", equipment)
}

func msgInvalidEquipment(equipment, why string) string {
	return fmt.Sprintf("Invalid equipment number %q: %s", equipment, why)
}

func msgCheckDigit(equipment string, want int) string {
	return fmt.Sprintf("Equipment number %s has an invalid ISO 6346 check digit (expected %d)", equipment, want)
}

func lightAction(l LightName) string {
	switch l {
	case LightCommercialRelease:
		return "Commercial Release"
	case LightTerminalOperation, LightTerminalReady, LightGateOperation:
		return "Terminal Release"
	case LightCustoms, LightCustomsProgress:
		return "Customs Release"
	case LightPickup:
		return "Pick up Right"
	}
	return string(l)
}

func roleLabel(r Role) string {
	switch r {
	case RoleShippingAgent:
		return "Shipping Agent"
	case RoleTerminalOperator:
		return "Terminal Operator"
	case RoleReleaseParty:
		return "Release Party"
	case RoleTransportOperator:
		return "Transport Operator"
	}
	return string(r)
}

func msgNotYourTerminal(action, equipment, code string) string {
	return fmt.Sprintf("Unable to perform terminal action %s on %s: terminal %s is not operated by your company", action, equipment, code)
}

func msgNoRightAtTerminal(equipment, code string) string {
	return fmt.Sprintf("Could not find an active release right for %s at terminal %s", equipment, code)
}

func msgOnlyCustoms(equipment string) string {
	return fmt.Sprintf("No Customs Release action processed on %s: only the customs authority sets the Customs lights", equipment)
}

func msgInvalidCustomsStatus(status, progress string) string {
	return fmt.Sprintf("No Customs Release action processed: status %q / progress %q is not a Customs light value", status, progress)
}

func msgPickupRightIs(action, equipment string, status RightStatus) string {
	return fmt.Sprintf("Unable to perform Pickup action %s on %s because Release right is %s", action, equipment, status)
}

func msgPickupPending(action, equipment string) string {
	return fmt.Sprintf("Unable to perform Pickup action %s on %s because Release Right not active for an owner", action, equipment)
}

func msgPickupInvalidOwner(action, equipment string) string {
	return fmt.Sprintf("Unable to perform Pickup action %s on %s due to invalid owner", action, equipment)
}

func msgPickupTerminal(action, equipment string) string {
	return fmt.Sprintf("Unable to perform Pickup action %s on %s because provided terminalCode does not match existing terminal for Release Right", action, equipment)
}

func msgNoActivePickup(action, equipment string) string {
	return fmt.Sprintf("Unable to perform Pickup action %s on %s because no matching active Pickup Right found", action, equipment)
}

func msgPickupAlreadyAssigned(equipment string) string {
	return fmt.Sprintf("Unable to perform Pickup action Assign on %s because a Pick up Right is already assigned; use Update to change it", equipment)
}

func msgInvalidMeansOfTransport(action, equipment string, err error) string {
	return fmt.Sprintf("Unable to perform Pickup action %s on %s: %v", action, equipment, err)
}

func msgUnknownAction(kind, action string) string {
	return fmt.Sprintf("No action processed: %q is not a %s actionType", action, kind)
}

func msgIngestExpired(action, equipment string) string {
	return fmt.Sprintf("No Commercial Release action %s processed on %s: the Release Right has expired; submit a new release", action, equipment)
}

// msgNotAllowedToUpdate is the 405 of an Unblock or Delete that would change a stored field
// (shipping-agent seed: "It is not allowed to update other information when unblocking a Release").
func msgNotAllowedToUpdate(action, field string) string {
	return fmt.Sprintf("It is not allowed to update other information with action %s: '%s' differs from the release", action, field)
}
