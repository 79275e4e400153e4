package sqlite

import (
	"database/sql"
	"errors"
	"math"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/portlight/portlight/release"
)

// Times are stored as INTEGER unix nanoseconds, which compare and sort as numbers. The zero time is
// stored as 0 and read back as the zero time; times beyond what an int64 of nanoseconds holds
// (before 1678, after 2262) are clamped, which keeps range comparisons right.
var (
	minNanos = time.Unix(0, math.MinInt64)
	maxNanos = time.Unix(0, math.MaxInt64)
)

func nanos(t time.Time) int64 {
	switch {
	case t.IsZero():
		return 0
	case t.Before(minNanos):
		return math.MinInt64
	case t.After(maxNanos):
		return math.MaxInt64
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// liveSince is the oldest creation time of a right still live at now (release.LiveWindow).
func liveSince(now time.Time) int64 {
	n := nanos(now)
	if n < math.MinInt64+int64(release.LiveWindow) {
		return math.MinInt64
	}
	return n - int64(release.LiveWindow)
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return nanos(*t)
}

func fromNullNanos(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromNanos(n.Int64)
	return &t
}

func nullString(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func fromNullString(s sql.NullString) *string {
	if !s.Valid {
		return nil
	}
	v := s.String
	return &v
}

func nullBytes(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// isUniqueViolation reports whether err is SQLite refusing a duplicate primary key or unique value.
func isUniqueViolation(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}
