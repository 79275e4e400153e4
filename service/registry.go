package service

import (
	"context"
	"slices"
	"strings"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
)

// EntityFilter is the query of the company registry (GET /certified-pickup/v1/entities).
type EntityFilter struct {
	Eori        *string `json:"eori"`
	Duns        *string `json:"duns"`
	Vat         *string `json:"vat"`
	NxtEntityID *string `json:"nxtEntityId"`
	EntityName  *string `json:"entityName"`
	ApcsCode    *string `json:"apcsCode"`
	Page        int     `json:"page"`
	PageSize    int     `json:"pageSize"`
}

// PhoneBookItem is one company in the registry answer.
type PhoneBookItem struct {
	ApcsCode    *string            `json:"apcsCode"`
	Addresses   []identity.Address `json:"addresses"`
	NxtEntityID string             `json:"nxtEntityId"`
	Name        string             `json:"name"`
	Vat         *string            `json:"vat"`
	Duns        *string            `json:"duns"`
	Eori        *string            `json:"eori"`
	Scac        *string            `json:"scac"`
	Apcs        *string            `json:"apcs"`
	ExternalID  *string            `json:"externalId"`
}

// EntitySearch is the registry answer.
type EntitySearch struct {
	SearchFilter        EntityFilter    `json:"searchFilter"`
	PhoneBookItems      []PhoneBookItem `json:"phoneBookItems"`
	TotalRows           int             `json:"totalRows"`
	TotalPages          int             `json:"totalPages"`
	PublicReferenceID   string          `json:"publicReferenceId"`
	ExternalReferenceID *string         `json:"externalReferenceId"`
}

// SearchEntities answers the company registry synchronously: identifiers match exactly
// (case-insensitively), the name partially; filters are AND-combined; results sorted by name.
func (s *Service) SearchEntities(ctx context.Context, f EntityFilter) []identity.Company {
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
	return hits
}

// PhoneBook renders a company as a registry item.
func PhoneBook(c identity.Company) PhoneBookItem {
	addrs := c.Addresses
	if addrs == nil {
		addrs = []identity.Address{}
	}
	return PhoneBookItem{
		ApcsCode: optional(c.Apcs), Addresses: addrs, NxtEntityID: c.NxtEntityID, Name: c.Name,
		Vat: optional(c.Tin), Duns: optional(c.Duns), Eori: optional(c.Eori), Scac: optional(c.Scac),
		Apcs: optional(c.Apcs), ExternalID: optional(c.ExternalID),
	}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Knows reports whether the registry knows the company r names (the EDIFACT gateway leaves out a
// release-to party it does not know, rather than have the release refused).
func (s *Service) Knows(ctx context.Context, r release.PartyRef) bool {
	return s.dir.Resolve(ctx, r.IdentificationType, r.IdentificationCode) != nil
}
