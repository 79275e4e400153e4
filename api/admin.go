package api

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/portlight/portlight/admin"
	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/service"
)

// benchIngest is the HTTP ceiling of `portlight bench`: the ingestion call's authentication,
// checks and decoding, answered 202 without touching the store. Off unless --bench-endpoints.
func (a *API) benchIngest(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	if !a.bench {
		return service.Errorf(service.CodeNotFound, "No endpoint %s %s.", r.Method, r.URL.Path)
	}
	if err := a.svc.CheckIngestionID(r.Context(), c, r.PathValue("ingestionId")); err != nil {
		return err
	}
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	cmd, err := parseIngestion(raw)
	if err != nil {
		return err
	}
	if err := service.Authorize(c, cmd.Call()); err != nil {
		return err
	}
	accepted(w, service.Receipt{PublicReferenceID: newID(), ExternalReferenceID: externalRef(r)})
	return nil
}

// adminRoutes are the operator's routes.
func (a *API) adminRoutes() []route {
	const v1 = "/admin/v1"
	op := func(method, path string, h func(w http.ResponseWriter, r *http.Request) error, d doc) route {
		d.tag = "Administration"
		return route{method, v1 + path, operator, styleSync, func(w http.ResponseWriter, r *http.Request, _ *service.Caller) error { return h(w, r) }, d}
	}
	return []route{
		op("GET", "/companies", a.adminCompanies, doc{summary: "List companies", status: 200, answer: []identity.Company{}}),
		op("PUT", "/companies/{id}", a.adminPutCompany, doc{summary: "Create or replace a company", body: identity.Company{}, status: 200, answer: identity.Company{}}),
		op("POST", "/companies/{id}/ingestion-id", a.adminRotateIngestion, doc{summary: "Give a company a new ingestion id", status: 200, answer: map[string]string{}}),
		op("GET", "/terminals", a.adminTerminals, doc{summary: "List terminals", status: 200, answer: []identity.Terminal{}}),
		op("PUT", "/terminals/{port}/{code}", a.adminPutTerminal, doc{summary: "Create or replace a terminal", body: identity.Terminal{}, status: 204, answer: struct{}{}}),
		op("DELETE", "/terminals/{port}/{code}", a.adminDeleteTerminal, doc{summary: "Delete a terminal", status: 204, answer: struct{}{}}),
		op("GET", "/companies/{id}/clients", a.adminClients, doc{summary: "List a company's client applications", status: 200, answer: []identity.Client{}}),
		op("POST", "/companies/{id}/clients", a.adminCreateClient, doc{summary: "Create a client application (the secret is shown once)", body: nameRequest{}, status: 201, answer: admin.NewClient{}}),
		op("DELETE", "/clients/{clientId}", a.adminRevokeClient, doc{summary: "Revoke a client application at once", status: 204, answer: struct{}{}}),
		op("GET", "/companies/{id}/subscription-keys", a.adminKeys, doc{summary: "List a company's subscription keys", status: 200, answer: []admin.SubscriptionKeyView{}}),
		op("POST", "/companies/{id}/subscription-keys", a.adminCreateKey, doc{summary: "Create a subscription key (shown once)", body: nameRequest{}, status: 201, answer: admin.NewSubscriptionKey{}}),
		op("DELETE", "/subscription-keys/{keyId}", a.adminRevokeKey, doc{summary: "Revoke a subscription key at once", status: 204, answer: struct{}{}}),
		op("GET", "/companies/{id}/users", a.adminUsers, doc{summary: "List a company's users", status: 200, answer: []identity.User{}}),
		op("POST", "/companies/{id}/users", a.adminCreateUser, doc{summary: "Create a user for the password grant", body: userRequest{}, status: 201, answer: admin.NewUser{}}),
		op("DELETE", "/users/{username}", a.adminRevokeUser, doc{summary: "Revoke a user at once", status: 204, answer: struct{}{}}),
		op("GET", "/signing-keys", a.adminSigningKeys, doc{summary: "List token signing keys", status: 200, answer: []identity.SigningKey{}}),
		op("POST", "/signing-keys", a.adminRotateSigningKey, doc{summary: "Add a signing key (rotation)", status: 201, answer: identity.SigningKey{}}),
		op("DELETE", "/signing-keys/{kid}", a.adminRetireSigningKey, doc{summary: "Retire a signing key", status: 204, answer: struct{}{}}),
	}
}

type nameRequest struct {
	Name string `json:"name"`
}

type userRequest struct {
	Username string `json:"username"`
	Password string `json:"password,omitempty"`
}

// checkOperator admits the operator's bearer token, compared in constant time, failures
// throttled per address.
func (a *API) checkOperator(r *http.Request) error {
	if a.admin == nil {
		return service.Errorf(service.CodeUnauthorized, "Access denied: the admin API needs the operator's token.")
	}
	return a.svc.CheckOperatorToken(bearerToken(r), a.adminToken, remoteHost(a, r))
}

func answer(w http.ResponseWriter, status int, v any, err error) error {
	if err != nil {
		return err // the admin's errors are fault's, mapped by fail
	}
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return nil
	}
	writeJSON(w, status, v)
	return nil
}

func decodeAdmin(r *http.Request, v any) error {
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	if len(strings.TrimSpace(string(raw))) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return decodeJSON(raw, v)
	}
	return nil
}

func (a *API) adminCompanies(w http.ResponseWriter, r *http.Request) error {
	cs, err := a.admin.Companies(r.Context())
	return answer(w, 200, cs, err)
}

func (a *API) adminPutCompany(w http.ResponseWriter, r *http.Request) error {
	var c identity.Company
	if err := decodeAdmin(r, &c); err != nil {
		return err
	}
	c.NxtEntityID = r.PathValue("id")
	c, err := a.admin.PutCompany(r.Context(), c)
	return answer(w, 200, c, err)
}

func (a *API) adminRotateIngestion(w http.ResponseWriter, r *http.Request) error {
	id, err := a.admin.RotateIngestionID(r.Context(), r.PathValue("id"))
	return answer(w, 200, map[string]string{"ingestionId": id}, err)
}

func (a *API) adminTerminals(w http.ResponseWriter, r *http.Request) error {
	ts, err := a.admin.Terminals(r.Context())
	return answer(w, 200, ts, err)
}

func (a *API) adminPutTerminal(w http.ResponseWriter, r *http.Request) error {
	var t identity.Terminal
	if err := decodeAdmin(r, &t); err != nil {
		return err
	}
	t.PortLoCode, t.Code = r.PathValue("port"), r.PathValue("code")
	return answer(w, 204, nil, a.admin.PutTerminal(r.Context(), t))
}

func (a *API) adminDeleteTerminal(w http.ResponseWriter, r *http.Request) error {
	return answer(w, 204, nil, a.admin.DeleteTerminal(r.Context(), r.PathValue("port"), r.PathValue("code")))
}

func (a *API) adminClients(w http.ResponseWriter, r *http.Request) error {
	cs, err := a.admin.Clients(r.Context(), r.PathValue("id"))
	return answer(w, 200, cs, err)
}

func (a *API) adminCreateClient(w http.ResponseWriter, r *http.Request) error {
	var b nameRequest
	if err := decodeAdmin(r, &b); err != nil {
		return err
	}
	c, err := a.admin.CreateClient(r.Context(), r.PathValue("id"), b.Name)
	return answer(w, 201, c, err)
}

func (a *API) adminRevokeClient(w http.ResponseWriter, r *http.Request) error {
	return answer(w, 204, nil, a.admin.RevokeClient(r.Context(), r.PathValue("clientId")))
}

func (a *API) adminKeys(w http.ResponseWriter, r *http.Request) error {
	ks, err := a.admin.SubscriptionKeys(r.Context(), r.PathValue("id"))
	return answer(w, 200, ks, err)
}

func (a *API) adminCreateKey(w http.ResponseWriter, r *http.Request) error {
	var b nameRequest
	if err := decodeAdmin(r, &b); err != nil {
		return err
	}
	k, err := a.admin.CreateSubscriptionKey(r.Context(), r.PathValue("id"), b.Name)
	return answer(w, 201, k, err)
}

func (a *API) adminRevokeKey(w http.ResponseWriter, r *http.Request) error {
	return answer(w, 204, nil, a.admin.RevokeSubscriptionKey(r.Context(), r.PathValue("keyId")))
}

func (a *API) adminUsers(w http.ResponseWriter, r *http.Request) error {
	us, err := a.admin.Users(r.Context(), r.PathValue("id"))
	return answer(w, 200, us, err)
}

func (a *API) adminCreateUser(w http.ResponseWriter, r *http.Request) error {
	var b userRequest
	if err := decodeAdmin(r, &b); err != nil {
		return err
	}
	u, err := a.admin.CreateUser(r.Context(), r.PathValue("id"), b.Username, b.Password)
	return answer(w, 201, u, err)
}

func (a *API) adminRevokeUser(w http.ResponseWriter, r *http.Request) error {
	return answer(w, 204, nil, a.admin.RevokeUser(r.Context(), r.PathValue("username")))
}

func (a *API) adminSigningKeys(w http.ResponseWriter, r *http.Request) error {
	ks, err := a.admin.SigningKeys(r.Context())
	return answer(w, 200, ks, err)
}

func (a *API) adminRotateSigningKey(w http.ResponseWriter, r *http.Request) error {
	k, err := a.admin.RotateSigningKey(r.Context())
	return answer(w, 201, k, err)
}

func (a *API) adminRetireSigningKey(w http.ResponseWriter, r *http.Request) error {
	return answer(w, 204, nil, a.admin.RetireSigningKey(r.Context(), r.PathValue("kid")))
}
