package service

import (
	"context"
	"slices"
	"strings"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
)

// EntityFilter is the query of the company registry (GET /certified-pickup/v1/entities), as the
// API parsed it: nil does not filter.
type EntityFilter struct {
	Eori, Duns, Vat, NxtEntityID, EntityName, ApcsCode *string
}

// SearchEntities answers the company registry synchronously: identifiers match exactly
// (case-insensitively), the name partially; filters are AND-combined; results sorted by name.
func (s *Service) SearchEntities(ctx context.Context, caller *Caller, f EntityFilter) ([]identity.Company, error) {
	if err := Authorize(caller, release.CallEntities); err != nil {
		return nil, err
	}
	eq := func(want *string, have string) bool {
		return want == nil || strings.EqualFold(strings.TrimSpace(*want), have)
	}
	var hits []identity.Company
	for _, c := range s.dir.Companies(ctx) {
		if eq(f.Eori, c.Eori) && eq(f.Duns, c.Duns) && eq(f.Vat, c.Tin) && eq(f.NxtEntityID, c.NxtEntityID) &&
			eq(f.ApcsCode, c.Apcs) &&
			(f.EntityName == nil || strings.Contains(strings.ToLower(c.Name), strings.ToLower(strings.TrimSpace(*f.EntityName)))) {
			hits = append(hits, *c)
		}
	}
	slices.SortFunc(hits, func(a, b identity.Company) int {
		return strings.Compare(strings.ToLower(a.Name)+a.NxtEntityID, strings.ToLower(b.Name)+b.NxtEntityID)
	})
	return hits, nil
}

// Knows reports whether the registry knows the company r names (the EDIFACT gateway leaves out a
// release-to party it does not know, rather than have the release refused).
func (s *Service) Knows(ctx context.Context, r release.PartyRef) bool {
	return s.dir.Resolve(ctx, r.IdentificationType, r.IdentificationCode) != nil
}
