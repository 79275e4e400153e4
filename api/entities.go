package api

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/service"
)

// MaxEntityPageSize bounds the registry page size.
const MaxEntityPageSize = 100

// EntityFilter is the query of the company registry, echoed in the answer as searchFilter.
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

// getEntities handles GET /certified-pickup/v1/entities, the company registry (synchronous).
func (a *API) getEntities(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	f, err := parseEntityFilter(r.URL.Query())
	if err != nil {
		return err
	}
	hits, err := a.svc.SearchEntities(r.Context(), c, service.EntityFilter{Eori: f.Eori, Duns: f.Duns, Vat: f.Vat,
		NxtEntityID: f.NxtEntityID, EntityName: f.EntityName, ApcsCode: f.ApcsCode})
	if err != nil {
		return err
	}
	out := EntitySearch{
		SearchFilter: f, TotalRows: len(hits), TotalPages: (len(hits) + f.PageSize - 1) / f.PageSize,
		PhoneBookItems: []PhoneBookItem{}, PublicReferenceID: newID(), ExternalReferenceID: externalRef(r),
	}
	for i := (f.Page - 1) * f.PageSize; i < len(hits) && i < f.Page*f.PageSize; i++ {
		out.PhoneBookItems = append(out.PhoneBookItems, phoneBook(hits[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// phoneBook renders a company as a registry item.
func phoneBook(c identity.Company) PhoneBookItem {
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

// parseEntityFilter reads the registry query: parameter names case-insensitive, at least one
// filter, page and pageSize bounded.
func parseEntityFilter(query url.Values) (EntityFilter, error) {
	q := lowerKeys(query)
	opt := func(k string) *string {
		if v, ok := q[k]; ok && len(v) > 0 && strings.TrimSpace(v[0]) != "" {
			s := strings.TrimSpace(v[0])
			return &s
		}
		return nil
	}
	f := EntityFilter{
		Eori: opt("eori"), Duns: opt("duns"), Vat: opt("vat"), NxtEntityID: opt("nxtentityid"),
		EntityName: opt("entityname"), ApcsCode: opt("apcscode"),
	}
	var err error
	if f.Page, err = intParam(q, "Page", 1, 1, 1<<30); err != nil {
		return f, err
	}
	if f.PageSize, err = intParam(q, "PageSize", 25, 1, MaxEntityPageSize); err != nil {
		return f, err
	}
	if f.Eori == nil && f.Duns == nil && f.Vat == nil && f.NxtEntityID == nil && f.EntityName == nil && f.ApcsCode == nil {
		return f, service.FieldError("SearchFilter", "At least one of EORI, DUNS, VAT, NxtEntityId, entityName or apcsCode must be provided.")
	}
	return f, nil
}
