package api

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portlight/portlight/service"
)

// TestParseBulkPort: the bulk call's portLoCode must name the route's port like the single PUT's
// body must (omitted is no exception), and an item that repeats the port must repeat the route's.
func TestParseBulkPort(t *testing.T) {
	item := `{"releaseFrom":{"identificationType":"NxtEntityId","identificationCode":"NXT1"},"releaseTo":{"identificationType":"NxtEntityId","identificationCode":"NXT3"},"terminalCode":"01700","billOfLadingNumbers":["BL1"],"equipmentNumber":"CAIU7654321","releaseIdentification":"R1"%s}`
	tests := []struct {
		name, body, want string
	}{
		{"no portLoCode", `{"releaseRights":[` + strings.ReplaceAll(item, "%s", "") + `],"actionType":"Transfer"}`, msgPortMismatch},
		{"another port", `{"portLoCode":"NLRTM","releaseRights":[` + strings.ReplaceAll(item, "%s", "") + `],"actionType":"Transfer"}`, msgPortMismatch},
		{"an item in another port", `{"portLoCode":"BEANR","releaseRights":[` + strings.ReplaceAll(item, "%s", "") + `,` +
			strings.ReplaceAll(item, "%s", `,"portLoCode":"NLRTM"`) + `],"actionType":"Transfer"}`, msgPortMismatch + " (releaseRights[1].portLoCode)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseBulk([]byte(tt.body), "BEANR")
			if err == nil || codeOf(t, err) != service.CodeInvalid || err.Error() != tt.want {
				t.Errorf("got %v, want 400 %q", err, tt.want)
			}
		})
	}
	ok := `{"portLoCode":"beanr","releaseRights":[` + strings.ReplaceAll(item, "%s", `,"portLoCode":"BEANR"`) + `],"actionType":"Transfer"}`
	if _, err := parseBulk([]byte(ok), "BEANR"); err != nil {
		t.Errorf("the route's port, in any case, in the call and the item: %v", err)
	}
}

// TestRegistryErrorKeys: the registry's 400s name the field as the seed does ("Page", "PageSize").
func TestRegistryErrorKeys(t *testing.T) {
	tests := []struct {
		query, key, message string
	}{
		{"eori=X&page=0", "Page", "'Page' must be greater than or equal to '1'."},
		{"eori=X&Page=x", "Page", "'Page' must be a whole number."},
		{"eori=X&pageSize=0", "PageSize", "'Page Size' must be greater than or equal to '1'."},
		{"eori=X&PAGESIZE=101", "PageSize", "'Page Size' must be less than or equal to '100'."},
	}
	for _, tt := range tests {
		q, _ := url.ParseQuery(tt.query)
		_, err := parseEntityFilter(q)
		e, ok := err.(*service.Error)
		if !ok || e.Code != service.CodeInvalid || len(e.Fields[tt.key]) != 1 || e.Fields[tt.key][0] != tt.message {
			t.Errorf("%s: got %#v, want errors {%q: [%q]}", tt.query, err, tt.key, tt.message)
		}
	}
}

// TestNotificationTimeWindow: timeWindowFrom/timeWindowTo take "07:30" and "07:30:00"; To names
// its whole minute (or second).
func TestNotificationTimeWindow(t *testing.T) {
	day := time.Date(2026, 4, 8, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		from, to       string
		wantFrom, upTo time.Duration
	}{
		{"07:30", "19:25", 7*time.Hour + 30*time.Minute, 19*time.Hour + 26*time.Minute},
		{"07:30:00", "19:25:30", 7*time.Hour + 30*time.Minute, 19*time.Hour + 25*time.Minute + 31*time.Second},
		{"07:30", "07:30:00", 7*time.Hour + 30*time.Minute, 7*time.Hour + 30*time.Minute + time.Second},
	}
	for _, tt := range tests {
		f, err := notificationFilter(map[string][]string{"storedon": {"2026-04-08"}, "timewindowfrom": {tt.from}, "timewindowto": {tt.to}})
		if err != nil {
			t.Errorf("%s-%s: %v", tt.from, tt.to, err)
			continue
		}
		if !f.From.Equal(day.Add(tt.wantFrom)) || !f.To.Equal(day.Add(tt.upTo)) {
			t.Errorf("%s-%s: window %s - %s", tt.from, tt.to, f.From, f.To)
		}
	}
	for _, bad := range [][2]string{{"7.30", "08:00"}, {"07:30", "25:00"}, {"08:00", "07:59:59"}, {"07:30:00Z", "08:00"}} {
		if _, err := notificationFilter(map[string][]string{"storedon": {"2026-04-08"}, "timewindowfrom": {bad[0]}, "timewindowto": {bad[1]}}); err == nil {
			t.Errorf("%s-%s accepted", bad[0], bad[1])
		}
	}
}

var wildcard = regexp.MustCompile(`\{[A-Za-z]+\}`)

// TestKnownPathOtherMethod: every route's path asked with a method it does not serve is 405 with
// an Allow header listing the methods it does serve (the registry's POST included); an unknown
// path stays 404.
func TestKnownPathOtherMethod(t *testing.T) {
	a := New(nil, Options{})
	h := a.Handler()
	serves := map[string][]string{}
	for _, rt := range a.routes {
		serves[rt.path] = append(serves[rt.path], rt.method)
	}
	for path, methods := range serves {
		concrete := wildcard.ReplaceAllString(path, "x")
		for _, m := range []string{"GET", "POST", "PUT", "DELETE", "PATCH"} {
			if slices.Contains(methods, m) {
				continue
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(m, concrete, nil))
			if rec.Code != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d, want 405", m, concrete, rec.Code)
				continue
			}
			allow := strings.Split(rec.Header().Get("Allow"), ", ")
			for _, want := range methods {
				if !slices.Contains(allow, want) {
					t.Errorf("%s %s: Allow %q lacks %s", m, concrete, rec.Header().Get("Allow"), want)
				}
			}
			if !strings.Contains(rec.Body.String(), `"status":405`) || !strings.Contains(rec.Body.String(), "Method not allowed") {
				t.Errorf("%s %s: body %s", m, concrete, rec.Body)
			}
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/certified-pickup/v1/entities", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST to the registry: %d, Allow %q; want 405, GET, HEAD", rec.Code, rec.Header().Get("Allow"))
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/certified-pickup/v2/nothing", nil))
	if rec.Code != http.StatusNotFound || rec.Header().Get("Allow") != "" {
		t.Errorf("unknown path: %d, Allow %q; want 404 and no Allow", rec.Code, rec.Header().Get("Allow"))
	}
}
