package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// pullableEvents are the notificationEvent values the pull API accepts: every event the core emits
// (the seed's enum, the answers of the generic services and the validation response).
var pullableEvents = release.Events

// getNotifications handles GET /certified-pickup/v1/notifications (Notification Service 2.0).
func (a *API) getNotifications(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	f, err := notificationFilter(lowerKeys(r.URL.Query()))
	if err != nil {
		return err
	}
	rows, truncated, err := a.svc.PullNotifications(r.Context(), c, f)
	if err != nil {
		return err
	}
	if truncated {
		w.Header().Set("X-Portlight-Truncated", "true")
	}
	items := make([]PulledNotification, len(rows))
	for i, n := range rows {
		items[i] = PulledNotification{
			NxtEntityID: n.ReceiverID, EquipmentNumber: n.EquipmentNumber, PublicReferenceID: n.PublicReferenceID,
			ReleaseID: n.ReleaseID, ExternalReferenceID: n.ExternalReferenceID,
			StoredOn: n.StoredOn.UTC().Format(release.TimestampLayout), Message: string(n.Message), Type: n.Type, Event: n.Event,
		}
	}
	writeJSON(w, http.StatusOK, items)
	return nil
}

// PulledNotification is one item of the pull answer.
type PulledNotification struct {
	NxtEntityID         string  `json:"nxtEntityId"`
	EquipmentNumber     string  `json:"equipmentNumber"`
	PublicReferenceID   string  `json:"publicReferenceId"`
	ReleaseID           string  `json:"releaseId"`
	ExternalReferenceID *string `json:"externalReferenceId"`
	StoredOn            string  `json:"storedOn"`
	Message             string  `json:"message"`
	Type                string  `json:"type"`
	Event               string  `json:"event"`
}

// notificationFilter parses the pull query: at least one parameter; storedOn is a date (or an ISO
// timestamp, whose date counts); timeWindowFrom/timeWindowTo ("07:30" or "07:30:00") narrow that date and go
// together, To not before From.
func notificationFilter(q map[string][]string) (service.NotificationFilter, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	f := service.NotificationFilter{
		Event: get("notificationevent"), EquipmentNumber: release.NormaliseCode(get("equipmentnumber")),
		PublicReferenceID: get("publicreferenceid"), ReleaseID: get("releaseid"),
	}
	storedOn, from, to := get("storedon"), get("timewindowfrom"), get("timewindowto")
	if f.Event == "" && f.EquipmentNumber == "" && f.PublicReferenceID == "" && f.ReleaseID == "" && storedOn == "" {
		return f, service.FieldError("query", "At least one of notificationEvent, equipmentNumber, publicReferenceId, releaseId or storedOn is required.")
	}
	if f.Event != "" {
		e, ok := canonical(f.Event, pullableEvents)
		if !ok {
			return f, service.FieldError("notificationEvent", "'notificationEvent' must be one of "+strings.Join(pullableEvents, ", ")+".")
		}
		f.Event = e
	}
	if (from == "") != (to == "") {
		return f, service.FieldError("timeWindow", "'timeWindowFrom' and 'timeWindowTo' must be used together.")
	}
	if storedOn == "" {
		if from != "" {
			return f, service.FieldError("storedOn", "'timeWindowFrom' and 'timeWindowTo' need 'storedOn' (the date they apply to).")
		}
		return f, nil
	}
	day, ok := parseDay(storedOn)
	if !ok {
		return f, service.FieldError("storedOn", "'storedOn' must be an ISO date or timestamp, such as 2026-04-08 or 2026-04-08T13:00:00Z.")
	}
	f.From, f.To = day, day.Add(24*time.Hour)
	if from != "" {
		start, _, ok1 := parseClock(from)
		end, unit, ok2 := parseClock(to)
		if !ok1 || !ok2 {
			return f, service.FieldError("timeWindow", "'timeWindowFrom' and 'timeWindowTo' must be times such as 07:30 or 07:30:00.")
		}
		if end < start {
			return f, service.FieldError("timeWindowTo", "'timeWindowTo' may not be earlier than 'timeWindowFrom'.")
		}
		// timeWindowTo names its whole minute (or second): 19:25 includes 19:25:59.
		f.From, f.To = day.Add(start), day.Add(end+unit)
	}
	return f, nil
}

// parseClock reads an ISO time of day, "07:30" or "07:30:00" (the seed shows the first; clients
// that format a time in ISO 8601 send the second), as the time since midnight and the unit it is
// precise to.
func parseClock(s string) (since, unit time.Duration, ok bool) {
	for _, c := range []struct {
		layout string
		unit   time.Duration
	}{{"15:04", time.Minute}, {"15:04:05", time.Second}} {
		if t, err := time.Parse(c.layout, s); err == nil {
			return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute + time.Duration(t.Second())*time.Second, c.unit, true
		}
	}
	return 0, 0, false
}

// parseDay returns the UTC day of an ISO date or timestamp.
func parseDay(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02", time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
		}
	}
	return time.Time{}, false
}
