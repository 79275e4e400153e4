package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/portlight/portlight/delivery"
	"github.com/portlight/portlight/service"
	"github.com/portlight/portlight/store"
)

// The notification channels of the caller's company (synchronous; docs/rules.md "Portlight's own
// endpoints") and the operator's /metrics.

func (a *API) getMetrics(w http.ResponseWriter, r *http.Request, _ *service.Caller) error {
	if a.metrics == nil {
		return service.Errorf(service.CodeNotFound, "No endpoint %s %s.", r.Method, r.URL.Path)
	}
	a.metrics.ServeHTTP(w, r)
	return nil
}

// parseChannelSpec decodes a channel body; unknown fields are refused, so that a misspelt
// "tokenEndpiont" is not silently a channel without login.
func parseChannelSpec(raw []byte) (delivery.Spec, error) {
	var spec delivery.Spec
	if err := decodeJSON(raw, &spec); err != nil {
		return spec, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&delivery.Spec{}); err != nil {
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return spec, service.FieldError(field, "Unknown field '"+field+"'. A channel has name, url, types, headers and authentication "+
			"(type, tokenEndpoint, clientId, clientSecret, scopes, username, password).")
	}
	return spec, nil
}

func (a *API) getChannels(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	chs, err := a.svc.ChannelsOf(r.Context(), c)
	if err != nil {
		return err
	}
	list := make([]ChannelView, 0, len(chs))
	for _, ch := range chs {
		list = append(list, ViewChannel(ch))
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (a *API) postChannel(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	spec, err := parseChannelSpec(raw)
	if err != nil {
		return err
	}
	ch, err := a.svc.CreateChannel(r.Context(), c, spec)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/certified-pickup/v1/notification-channels/"+ch.ID)
	writeJSON(w, http.StatusCreated, CreatedChannel{ChannelView: ViewChannel(ch), Secret: ch.SigningSecret()})
	return nil
}

func (a *API) getChannel(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	ch, err := a.svc.Channel(r.Context(), c, r.PathValue("channelId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ViewChannel(ch))
	return nil
}

func (a *API) putChannel(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	spec, err := parseChannelSpec(raw)
	if err != nil {
		return err
	}
	ch, err := a.svc.UpdateChannel(r.Context(), c, r.PathValue("channelId"), spec)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ViewChannel(ch))
	return nil
}

func (a *API) deleteChannel(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	if err := a.svc.DeleteChannel(r.Context(), c, r.PathValue("channelId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) getDeliveries(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	q, err := deliveryQuery(lowerKeys(r.URL.Query()))
	if err != nil {
		return err
	}
	ds, err := a.svc.ChannelDeliveries(r.Context(), c, r.PathValue("channelId"), q)
	if err != nil {
		return err
	}
	list := DeliveryList{Deliveries: make([]DeliveryView, 0, len(ds))}
	for _, d := range ds {
		list.Deliveries = append(list.Deliveries, ViewDelivery(d))
	}
	if len(ds) == q.Limit {
		next := strconv.FormatInt(ds[len(ds)-1].Seq, 10)
		list.Next = &next
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// deliveryQuery parses the deliveries' query: status (Pending, Delivered, Dead; none: all),
// before (a page's next), limit (1-200, default 50).
func deliveryQuery(q url.Values) (store.DeliveryQuery, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	out := store.DeliveryQuery{Limit: 50}
	if l := get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 200 {
			return out, service.FieldError("limit", "'limit' must be between 1 and 200.")
		}
		out.Limit = n
	}
	var st store.DeliveryStatus
	switch get("status") {
	case "":
	case "Pending", "pending":
		st = store.DeliveryPending
		out.Status = &st
	case "Delivered", "delivered":
		st = store.DeliveryDelivered
		out.Status = &st
	case "Dead", "dead":
		st = store.DeliveryDead
		out.Status = &st
	default:
		return out, service.FieldError("status", "'status' must be one of Pending, Delivered, Dead.")
	}
	if before := get("before"); before != "" {
		seq, err := strconv.ParseInt(before, 10, 64)
		if err != nil || seq <= 0 {
			return out, service.FieldError("before", "'before' must be the 'next' of a previous page.")
		}
		out.BeforeSeq = seq
	}
	return out, nil
}

func (a *API) postReplay(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	d, err := a.svc.ReplayDelivery(r.Context(), c, r.PathValue("channelId"), r.PathValue("deliveryId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ViewDelivery(d))
	return nil
}

func (a *API) postRotateSecret(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	ch, err := a.svc.RotateChannelSecret(r.Context(), c, r.PathValue("channelId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, RotatedSecret{ChannelID: ch.ID, Secret: ch.SigningSecret(), PreviousSecretValidUntil: iso(ch.PreviousSecretUntil())})
	return nil
}
