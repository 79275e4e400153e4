package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// getReleaseDetail handles GET /certified-pickup/v1/{port}/containers/import/release-rights/{eq}:
// asynchronous, the detail arrives as a notification.
func (a *API) getReleaseDetail(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	port, eq := r.PathValue("port"), r.PathValue("eq")
	if err := checkPort(port); err != nil {
		return err
	}
	q := r.URL.Query()
	bls := multiValue(q, "billOfLadingNumbers")
	rid := strings.TrimSpace(q.Get("releaseIdentification"))
	var missing []string
	if len(bls) == 0 {
		missing = append(missing, "billOfLadingNumbers")
	}
	if rid == "" {
		missing = append(missing, "releaseIdentification")
	}
	if len(missing) > 0 {
		return service.Errorf(service.CodeInvalid, "Missing required query parameter(s): %s", strings.Join(missing, ", "))
	}
	cmd := &release.DetailQuery{PortLoCode: release.NormaliseCode(port), Key: release.Key{EquipmentNumber: eq, BillOfLadingNumbers: bls, ReleaseIdentification: rid}}
	receipt, err := a.svc.Execute(r.Context(), c, []service.Request{{
		PortLoCode: port, EquipmentNumber: eq, Command: cmd, Body: []byte(r.URL.RawQuery),
	}}, externalRef(r))
	if err != nil {
		return err
	}
	accepted(w, receipt)
	return nil
}

// multiValue reads an array query parameter given repeated (?a=1&a=2) or comma-separated (?a=1,2).
func multiValue(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// MaxListPageSize bounds the page size of the rights list.
const MaxListPageSize = 500

// getReleaseRights handles GET /certified-pickup/v1/{port}/containers/import/release-rights:
// the rights assigned to the caller, one page, as a notification.
func (a *API) getReleaseRights(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	port := r.PathValue("port")
	if err := checkPort(port); err != nil {
		return err
	}
	q := lowerKeys(r.URL.Query())
	page, err := intParam(q, "Page", 1, 1, 1<<30)
	if err != nil {
		return err
	}
	size, err := intParam(q, "PageSize", 25, 1, MaxListPageSize)
	if err != nil {
		return err
	}
	f := release.ListFilter{
		EquipmentNumber: q.Get("equipmentnumberfilter"), BillOfLadingNumber: q.Get("billofladingnumberfilter"),
		ShippingAgentName: q.Get("shippingagentnamefilter"), ShippingAgentTin: q.Get("shippingagenttinfilter"),
		TerminalName: q.Get("terminalnamefilter"), CurrentStakeholderName: q.Get("currentstakeholdernamefilter"),
		CurrentStakeholderTin: q.Get("currentstakeholdertinfilter"),
	}
	if f.Status, err = enumParam(q, "status", 0, 1, 2, 3, 4); err != nil {
		return err
	}
	rs, err := enumParam(q, "releaserightstatusfilter", 0, 1, 2, 3, 4, 5, 6, 8)
	if err != nil {
		return err
	}
	if rs != nil {
		s := release.RightStatus(*rs)
		f.ReleaseRightStatus = &s
	}
	as, err := enumParam(q, "actionstatusfilter", 0, 1, 2, 3)
	if err != nil {
		return err
	}
	if as != nil {
		s := release.ActionStatus(*as)
		f.ActionStatus = &s
	}
	receipt, err := a.svc.RightsList(r.Context(), c, port, f, page, size, externalRef(r), []byte(r.URL.RawQuery))
	if err != nil {
		return err
	}
	accepted(w, receipt)
	return nil
}

// lowerKeys makes query parameter names case-insensitive (the seed spells them in several cases).
func lowerKeys(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[strings.ToLower(k)] = append(out[strings.ToLower(k)], v...)
	}
	return out
}

// intParam reads the integer query parameter named field (in any case) within [min, max], def
// when absent. A bad value is a 400 under the field's key as the seed spells it (the model's
// property: "Page", "PageSize") with the seed's label ("'Page' must be greater than or equal to
// '1'.", and 'Page Size' for PageSize, a word per capital).
func intParam(q url.Values, field string, def, min, max int) (int, error) {
	s := strings.TrimSpace(q.Get(strings.ToLower(field)))
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	label := "'" + words(field) + "'"
	switch {
	case err != nil:
		return 0, service.FieldError(field, fmt.Sprintf("%s must be a whole number.", label))
	case n < min:
		return 0, service.FieldError(field, fmt.Sprintf("%s must be greater than or equal to '%d'.", label, min))
	case n > max:
		return 0, service.FieldError(field, fmt.Sprintf("%s must be less than or equal to '%d'.", label, max))
	}
	return n, nil
}

// words splits a property name at its capitals: "PageSize" is "Page Size".
func words(name string) string {
	var b strings.Builder
	for i, r := range name {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func enumParam(q url.Values, name string, allowed ...int) (*int, error) {
	s := strings.TrimSpace(q.Get(name))
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err == nil {
		for _, a := range allowed {
			if a == n {
				return &n, nil
			}
		}
	}
	return nil, service.FieldError(name, fmt.Sprintf("'%s' must be one of %v.", name, allowed))
}
