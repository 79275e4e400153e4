package release

import "strings"

// Role is what a company does in the Certified Pick-up flow (docs/rules.md "Parties and roles").
type Role string

// The roles, spelled as docs/rules.md "Parties and roles" and the sandbox credentials file spell them.
const (
	RoleShippingAgent     Role = "ShippingAgent"
	RoleTerminalOperator  Role = "TerminalOperator"
	RoleReleaseParty      Role = "ReleaseParty"
	RoleTransportOperator Role = "TransportOperator"
	RoleCustoms           Role = "Customs"
)

// ValidRole reports whether r is one of the five roles.
func ValidRole(r Role) bool {
	switch r {
	case RoleShippingAgent, RoleTerminalOperator, RoleReleaseParty, RoleTransportOperator, RoleCustoms:
		return true
	}
	return false
}

// Party is a company as it appears in notifications: the party object of the seeds
// (nxtEntityId, name, eori, tin, apcs, duns, externalId) plus the roles the rules need.
// Releases keep snapshots of their parties so that notifications render without I/O.
type Party struct {
	NxtEntityID string `json:"nxtEntityId"`
	Name        string `json:"name"`
	Eori        string `json:"eori,omitempty"`
	Tin         string `json:"tin,omitempty"`
	Apcs        string `json:"apcs,omitempty"`
	Duns        string `json:"duns,omitempty"`
	ExternalID  string `json:"externalId,omitempty"`
	Roles       []Role `json:"roles,omitempty"`
}

// HasRole reports whether the party holds role r.
func (p *Party) HasRole(r Role) bool {
	if p == nil {
		return false
	}
	for _, have := range p.Roles {
		if have == r {
			return true
		}
	}
	return false
}

// Same reports whether p and q are the same company.
func (p *Party) Same(q *Party) bool {
	return p != nil && q != nil && p.NxtEntityID == q.NxtEntityID
}

// CanReceiveReleaseRight enforces "A Release Right can only be transferred to a Release Party
// or a Transport Operator" (docs/rules.md "Chain of custody"; a company that is only a Terminal Operator never receives one).
func (p *Party) CanReceiveReleaseRight() bool {
	return p.HasRole(RoleReleaseParty) || p.HasRole(RoleTransportOperator)
}

// IdentificationType names the identifier a request uses for a company.
type IdentificationType string

// The identification types of docs/rules.md "Parties and roles", canonical spelling.
const (
	IDNxtEntityID IdentificationType = "NxtEntityId"
	IDEori        IdentificationType = "Eori"
	IDDuns        IdentificationType = "Duns"
	IDTin         IdentificationType = "TIN"
	IDApcs        IdentificationType = "APCS"
)

// ParseIdentificationType matches s case-insensitively against the known types.
func ParseIdentificationType(s string) (IdentificationType, bool) {
	for _, t := range []IdentificationType{IDNxtEntityID, IDEori, IDDuns, IDTin, IDApcs} {
		if strings.EqualFold(s, string(t)) {
			return t, true
		}
	}
	return "", false
}

// PartyRef is a company named in a request ({identificationType, identificationCode}), together
// with the company it resolved to. Resolution is done by the caller of the core (it needs the
// registry); Party is nil when no company matched.
type PartyRef struct {
	IdentificationType string
	IdentificationCode string
	Party              *Party
}

// Given reports whether the request named a company at all.
func (r *PartyRef) Given() bool {
	return r != nil && (r.IdentificationType != "" || r.IdentificationCode != "")
}

// Terminal is a terminal code with the Terminal Operator that runs it.
type Terminal struct {
	Code     string `json:"code"`
	Name     string `json:"name,omitempty"`
	Operator Party  `json:"operator"`
}
