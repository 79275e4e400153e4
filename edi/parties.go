package edi

import (
	"strings"

	"github.com/portlight/portlight/edi/edifact"
	"github.com/portlight/portlight/release"
)

// agencyDUNS is Dun & Bradstreet in code list 3055 (code list responsible agency).
const agencyDUNS = "16"

// party reads the company a NAD names (C082: party identification 3039, code list qualifier 1131,
// agency 3055) as the API's {identificationType, identificationCode}: 1131 may name the type
// itself (NxtEntityId, Eori, Duns, TIN, APCS, in any case); else agency 16 is a DUNS number, an
// identification starting with NXT an NxtEntityId, and anything else an EORI number.
func party(nad *edifact.Segment) release.PartyRef {
	code := strings.TrimSpace(nad.Value(1, 0))
	if code == "" {
		return release.PartyRef{}
	}
	t, ok := release.ParseIdentificationType(nad.Value(1, 1))
	switch {
	case ok:
	case nad.Value(1, 2) == agencyDUNS:
		t = release.IDDuns
	case strings.HasPrefix(strings.ToUpper(code), "NXT"):
		t = release.IDNxtEntityID
	default:
		t = release.IDEori
	}
	return release.PartyRef{IdentificationType: string(t), IdentificationCode: code}
}
