package release

import (
	"slices"
	"strings"
)

// Calls name the lines of the senders table. A command's line is its Command.Call: the kind of
// call and its actionType, since one actionType can mean two things ("Revoke" is the Shipping
// Agent's on its commercial release, and a party's on the Release Right it passed on).
const (
	CallIngestion         = "Ingestion:"           // + Ingestion.ActionType
	CallReleaseRight      = "ReleaseRight:"        // + RightAction.ActionType
	CallTerminalEvent     = "TerminalEvent:"       // + TerminalEvent.ActionType
	CallPickupRight       = "PickupRight:"         // + PickupAction.ActionType
	CallPickupValidation  = "PickupValidation"     // PickupValidation
	CallCustomsStatus     = "CustomsStatus"        // CustomsStatus, the feed
	CallExpire            = "Expire"               // the platform's own: no sender may send it
	CallReleaseDetail     = "GetReleaseDetail"     // DetailQuery
	CallReleaseRightsList = "GetReleaseRightsList" // the list of the caller's rights
	CallGateCheck         = "GateCheck"            // the terminal's synchronous gate check
	CallCustomsQuery      = "GetCustomsStatus"     // the CCRM read
	CallNotifications     = "GetNotifications"     // the pull API
	CallEntities          = "GetEntities"          // the company registry
	CallChannels          = "NotificationChannels" // a company's own webhooks
	CallAcknowledgement   = "EdiAcknowledgement"   // the EDIFACT gateway's APERAK to an interchange's sender
)

// anyCompany in the table means every company with a token may send the call; whether it may act
// on what it names is then the rules' to say (docs/rules.md "Chain of custody": a transfer, accept, decline or revoke is
// its chain's, a detail its stakeholders', a customs status read its stakeholders' and customs').
var anyCompany = []Role{}

// senders is the one table of which role may send which call (docs/rules.md "Who may send what").
// Every front end passes the same door (package service), which refuses a sender without one of
// the roles listed before anything else happens. A call that is not in the table is refused to
// everyone: the platform's own commands (Expire) have no sender, and a command added without a
// line here cannot slip through.
var senders = map[string][]Role{
	// The Shipping Agent's commercial release (POST /ingestion/...).
	CallIngestion + ActionRelease: {RoleShippingAgent},
	CallIngestion + ActionUpdate:  {RoleShippingAgent},
	CallIngestion + ActionBlock:   {RoleShippingAgent},
	CallIngestion + ActionUnblock: {RoleShippingAgent},
	CallIngestion + ActionRevoke:  {RoleShippingAgent},
	CallIngestion + ActionDelete:  {RoleShippingAgent},
	// The Release Right's chain: the rules check the sender's place in it.
	CallReleaseRight + ActionTransfer: anyCompany,
	CallReleaseRight + ActionAccept:   anyCompany,
	CallReleaseRight + ActionDecline:  anyCompany,
	CallReleaseRight + ActionRevoke:   anyCompany,
	// The terminal's events; a manual customs overwrite is also the Shipping Agent's (docs/rules.md
	// "Terminal events"),
	// on its own releases only (TerminalEvent.decide).
	CallTerminalEvent + TerminalDischarge:        {RoleTerminalOperator},
	CallTerminalEvent + TerminalRelease:          {RoleTerminalOperator},
	CallTerminalEvent + TerminalBlock:            {RoleTerminalOperator},
	CallTerminalEvent + TerminalSelectForScan:    {RoleTerminalOperator},
	CallTerminalEvent + TerminalGateOut:          {RoleTerminalOperator},
	CallTerminalEvent + TerminalCustomsOverwrite: {RoleTerminalOperator, RoleShippingAgent},
	CallPickupValidation:                         {RoleTerminalOperator},
	CallGateCheck:                                {RoleTerminalOperator},
	// The Transport Operator's Pick-up Right.
	CallPickupRight + PickupAssign: {RoleTransportOperator},
	CallPickupRight + PickupUpdate: {RoleTransportOperator},
	CallPickupRight + PickupRevoke: {RoleTransportOperator},
	// The customs feed.
	CallCustomsStatus: {RoleCustoms},
	// Reads every company makes; what it may see is the read's to decide.
	CallReleaseDetail: anyCompany, CallReleaseRightsList: anyCompany, CallCustomsQuery: anyCompany,
	CallNotifications: anyCompany, CallEntities: anyCompany, CallChannels: anyCompany,
	// The EDIFACT gateway's answer to whoever sent an interchange (each message of it passed its
	// own line first).
	CallAcknowledgement: anyCompany,
}

// Senders returns the roles that may send call (empty: any company) and whether the table knows
// call at all.
func Senders(call string) (roles []Role, known bool) {
	roles, known = senders[call]
	return roles, known
}

// MaySend reports whether p may send call: p holds one of its roles, or any company may.
func MaySend(p *Party, call string) bool {
	roles, known := senders[call]
	if !known || p == nil {
		return false
	}
	if len(roles) == 0 {
		return true
	}
	for _, r := range roles {
		if p.HasRole(r) {
			return true
		}
	}
	return false
}

// RoleWords spells a role as a sentence does: "TerminalOperator" is "terminal operator".
func RoleWords(r Role) string {
	var b strings.Builder
	for i, ch := range string(r) {
		if i > 0 && ch >= 'A' && ch <= 'Z' {
			b.WriteByte(' ')
		}
		b.WriteRune(ch)
	}
	return strings.ToLower(b.String())
}

// SendersTable is the table as text, one line per call: what the documentation prints.
func SendersTable() string {
	var b strings.Builder
	calls := make([]string, 0, len(senders))
	for call := range senders {
		calls = append(calls, call)
	}
	slices.Sort(calls)
	for _, call := range calls {
		b.WriteString(call)
		b.WriteString(": ")
		roles := senders[call]
		if len(roles) == 0 {
			b.WriteString("any company")
		}
		for i, r := range roles {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(string(r))
		}
		b.WriteByte('\n')
	}
	return b.String()
}
