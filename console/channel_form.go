package console

import (
	"net/http"
	"slices"
	"strings"

	"github.com/portlight/portlight/console/i18n"
	"github.com/portlight/portlight/delivery"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// channelAuthTypes are the logins a channel's receiver may ask for, in the order the form offers
// them (delivery.Spec's authentication.type).
var channelAuthTypes = []string{delivery.AuthNone, delivery.AuthOAuth2ClientCredentials, delivery.AuthOAuth2Password}

// channelTextFields are the form's one-line fields: every field of delivery.Spec but the types
// (check boxes), the headers (a text area) and the two credentials, which are never shown again.
var channelTextFields = []string{"name", "url", "authType", "tokenEndpoint", "clientId", "scopes", "username"}

// channelForm is the data of the form that creates or edits a channel: what was typed (or what
// the channel holds), and what the service said of it, in place: its text, and the field it names.
type channelForm struct {
	// ID is the channel edited ("" for a new one).
	ID        string
	Values    map[string]string
	Types     map[string]bool
	AllTypes  []string
	AuthTypes []string
	Result    *actionResult
	// Field is the form field the service's refusal names ("" when none or not one of the form's).
	Field string
}

// ErrorFor is the service's text when its refusal names field ("" otherwise): the template marks
// the field aria-invalid and puts the text under it.
func (f channelForm) ErrorFor(field string) string {
	if f.Result == nil || f.Field != field {
		return ""
	}
	return f.Result.Error
}

// formInput is one input of the form as the "input" template draws it: its label and help from
// the catalogue (channel.<name>, channel.<name>.help), what it holds, and the service's text when
// its refusal names it.
type formInput struct {
	L                                     *i18n.Printer
	Name, Type, Label, Help, Value, Error string
	Required                              bool
}

// Input is the form's input name, of the HTML type typ. A password input never holds a value: the
// credentials of a login are not shown again.
func (f channelForm) Input(l *i18n.Printer, name, typ string) formInput {
	in := formInput{L: l, Name: name, Type: typ, Label: "channel." + name, Error: f.ErrorFor(name),
		Required: name == "name" || name == "url"}
	if i18n.Has(in.Label + ".help") {
		in.Help = in.Label + ".help"
	}
	if typ == "password" {
		if f.ID != "" {
			in.Help = "channel.keepCredentials"
		}
	} else {
		in.Value = f.Values[name]
	}
	return in
}

// channelNew handles GET /console/channels/new.
func (c *Console) channelNew(w http.ResponseWriter, r *http.Request) {
	c.renderChannelForm(w, r, http.StatusOK, channelForm{Values: map[string]string{"authType": delivery.AuthNone}, Types: map[string]bool{}})
}

// channelEdit handles GET /console/channels/{id}/edit: the form holds the channel as the API's
// GET shows it (credential-like header values masked, the credentials of the login left out).
func (c *Console) channelEdit(w http.ResponseWriter, r *http.Request) {
	ch, err := c.svc.Channel(r.Context(), callerOf(r), r.PathValue("id"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	f := channelForm{ID: ch.ID, Types: map[string]bool{}, Values: map[string]string{
		"name": ch.Name, "url": ch.URL, "authType": ch.Auth.Type, "tokenEndpoint": ch.Auth.TokenEndpoint,
		"clientId": ch.Auth.ClientID, "scopes": strings.Join(ch.Auth.Scopes, " "), "username": ch.Auth.Username,
		"headers": headerLines(ch.ShownHeaders()),
	}}
	for _, t := range ch.Types {
		f.Types[t] = true
	}
	c.renderChannelForm(w, r, http.StatusOK, f)
}

func (c *Console) renderChannelForm(w http.ResponseWriter, r *http.Request, status int, f channelForm) {
	f.AllTypes, f.AuthTypes = release.NotificationTypes, channelAuthTypes
	title, path := "channel.new", "/console/channels/new"
	if f.ID != "" {
		title, path = "channel.edit", "/console/channels/"+f.ID+"/edit"
	}
	v := c.view(r, title, "channels", f)
	v.Path = path // a form answered to a POST: the language switch comes back to the form
	c.render(w, status, "channel_form", "", v)
}

// channelSpec reads the form into the channel it asks for (delivery.Spec, what the API's body
// holds). The form's own syntax (a header line without its colon) is refused here, in the
// user's language; everything else is the service's to check.
func channelSpec(r *http.Request) (channelForm, delivery.Spec, error) {
	f := channelForm{ID: r.PathValue("id"), Values: map[string]string{}, Types: map[string]bool{}}
	for _, k := range channelTextFields {
		f.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	f.Values["headers"] = r.PostFormValue("headers")
	spec := delivery.Spec{Name: f.Values["name"], URL: f.Values["url"]}
	for _, t := range r.PostForm["types"] {
		f.Types[t] = true
		spec.Types = append(spec.Types, t)
	}
	headers, err := parseHeaderLines(i18n.New(langOf(r)), f.Values["headers"])
	if err != nil {
		f.Field = "headers"
		return f, spec, err
	}
	spec.Headers = headers
	if a := f.Values["authType"]; a != "" && a != delivery.AuthNone {
		spec.Authentication = &delivery.AuthSpec{Type: a, TokenEndpoint: f.Values["tokenEndpoint"], ClientID: f.Values["clientId"],
			ClientSecret: r.PostFormValue("clientSecret"), Scopes: strings.Fields(f.Values["scopes"]),
			Username: f.Values["username"], Password: r.PostFormValue("password")}
	}
	return f, spec, nil
}

// headerLines writes a channel's static headers as the form's text area holds them: "Name: value",
// one a line, by name.
func headerLines(h map[string]string) string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, k := range names {
		b.WriteString(k + ": " + h[k] + "\n")
	}
	return b.String()
}

// parseHeaderLines reads the text area of static headers: "Name: value" a line, blank lines
// skipped, a name given twice refused (HTTP header names are one whatever their case).
func parseHeaderLines(l *i18n.Printer, text string) (map[string]string, error) {
	out := map[string]string{}
	seen := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, service.FieldError("headers", l.T("channel.headerLine", line))
		}
		if seen[strings.ToLower(name)] {
			return nil, service.FieldError("headers", l.T("channel.headerTwice", name))
		}
		seen[strings.ToLower(name)] = true
		out[name] = strings.TrimSpace(value)
	}
	return out, nil
}

// formField is the form field a refusal of the service names: delivery.Spec's field names
// (authentication.clientId) are the form's without their "authentication." (authentication.type
// is the form's authType).
func formField(err error) string {
	for field := range service.As(err).Fields {
		field = strings.TrimPrefix(field, "authentication.")
		if field == "type" {
			field = "authType"
		}
		return field
	}
	return ""
}

// refuseChannelForm shows the form again with what was typed and the service's refusal in place:
// its text above the form, the field it names marked.
func (c *Console) refuseChannelForm(w http.ResponseWriter, r *http.Request, f channelForm, action string, err error) {
	if service.CodeOf(err) == service.CodeNotFound {
		c.fail(w, r, err) // another company's channel, or one deleted meanwhile: nothing to edit
		return
	}
	if f.Field == "" {
		f.Field = formField(err)
	}
	f.Result = &actionResult{Action: action, Error: serviceMessage(err)}
	c.renderChannelForm(w, r, statusOf(err), f)
}
