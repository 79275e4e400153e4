package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// pullableEvents are the notificationEvent values the pull API accepts: the seed's enum plus the
// answers of the generic services, and Portlight's own ConflictingRelease (release/conflict.go).
var pullableEvents = []string{
	release.EventNotValidated, release.EventTransferred, release.EventAcceptedByNextParty,
	release.EventDeclinedByNextParty, release.EventRevokedByPreviousParty, release.EventReleaseLightChanged,
	release.EventUpdate, release.EventGateOut, release.EventDelete, release.EventReleaseDetail, release.EventReleaseRightsList,
	release.EventConflictingRelease,
}

// getNotifications handles GET /certified-pickup/v1/notifications (Notification Service 2.0).
func (a *API) getNotifications(w http.ResponseWriter, r *http.Request, c *service.Caller) error {
	f, err := notificationFilter(lowerKeys(r.URL.Query()))
	if err != nil {
		return err
	}
	items, truncated, err := a.svc.PullNotifications(r.Context(), c, f)
	if err != nil {
		return err
	}
	if truncated {
		w.Header().Set("X-Portlight-Truncated", "true")
	}
	writeJSON(w, http.StatusOK, items)
	return nil
}

// notificationFilter parses the pull query: at least one parameter; storedOn is a date (or an ISO
// timestamp, whose date counts); timeWindowFrom/timeWindowTo ("07:30") narrow that date and go
// together, To not before From.
func notificationFilter(q map[string][]string) (service.NotificationFilter, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	f := service.NotificationFilter{
		Event: get("notificationevent"), EquipmentNumber: strings.ToUpper(get("equipmentnumber")),
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
		start, err1 := time.Parse("15:04", from)
		end, err2 := time.Parse("15:04", to)
		if err1 != nil || err2 != nil {
			return f, service.FieldError("timeWindow", "'timeWindowFrom' and 'timeWindowTo' must be times such as 07:30.")
		}
		if end.Before(start) {
			return f, service.FieldError("timeWindowTo", "'timeWindowTo' may not be earlier than 'timeWindowFrom'.")
		}
		f.From = day.Add(time.Duration(start.Hour())*time.Hour + time.Duration(start.Minute())*time.Minute)
		f.To = day.Add(time.Duration(end.Hour())*time.Hour + time.Duration(end.Minute()+1)*time.Minute)
	}
	return f, nil
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
