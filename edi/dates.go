package edi

import (
	"time"

	"github.com/portlight/portlight/edi/edifact"
)

// dateFormats are the date/time formats (data element 2379) the mappers read. They carry no time
// zone: the times are taken as UTC, like every time of the API (docs/edifact.md says so to senders).
var dateFormats = map[string]string{
	"102": "20060102",
	"203": "200601021504",
	"204": "20060102150405",
}

// date reads the DTM of segs with qualifier q (C507: qualifier, value, format; 203 when no format
// is given). ok is false when there is none; a value that does not read is a refusal. A date
// without a time (format 102) is its first instant, or its last when endOfDay (an expiry date).
func date(segs []edifact.Segment, q string, endOfDay bool) (t time.Time, ok bool, err error) {
	dtm := find(segs, "DTM", q)
	if dtm == nil {
		return time.Time{}, false, nil
	}
	format := dtm.Value(0, 2)
	if format == "" {
		format = "203"
	}
	layout, known := dateFormats[format]
	if !known {
		return time.Time{}, false, refuse(dtm, "DTM+%s: date format %q is not taken (102, 203 or 204)", q, format)
	}
	t, err = time.Parse(layout, dtm.Value(0, 1))
	if err != nil {
		return time.Time{}, false, refuse(dtm, "DTM+%s: %q is not a date of format %s", q, dtm.Value(0, 1), format)
	}
	if format == "102" && endOfDay {
		t = t.Add(24*time.Hour - time.Second)
	}
	return t.UTC(), true, nil
}
