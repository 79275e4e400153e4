package api

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/portlight/portlight/service"
)

// MaxEntityPageSize bounds the registry page size.
const MaxEntityPageSize = 100

// getEntities handles GET /certified-pickup/v1/entities, the company registry (synchronous).
func (a *API) getEntities(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	f, err := parseEntityFilter(r.URL.Query())
	if err != nil {
		return err
	}
	hits := a.svc.SearchEntities(r.Context(), f)
	out := service.EntitySearch{
		SearchFilter: f, TotalRows: len(hits), TotalPages: (len(hits) + f.PageSize - 1) / f.PageSize,
		PhoneBookItems: []service.PhoneBookItem{}, PublicReferenceID: newID(), ExternalReferenceID: externalRef(r),
	}
	for i := (f.Page - 1) * f.PageSize; i < len(hits) && i < f.Page*f.PageSize; i++ {
		out.PhoneBookItems = append(out.PhoneBookItems, service.PhoneBook(hits[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// parseEntityFilter reads the registry query: parameter names case-insensitive, at least one
// filter, page and pageSize bounded.
func parseEntityFilter(query url.Values) (service.EntityFilter, error) {
	q := lowerKeys(query)
	opt := func(k string) *string {
		if v, ok := q[k]; ok && len(v) > 0 && strings.TrimSpace(v[0]) != "" {
			s := strings.TrimSpace(v[0])
			return &s
		}
		return nil
	}
	f := service.EntityFilter{
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
