package pgtest

import "testing"

// TestOff: PORTLIGHT_TEST_POSTGRES_URL=off skips a PostgreSQL test without connecting anywhere
// (outside CI), and neither creates nor drops a database.
func TestOff(t *testing.T) {
	t.Setenv(EnvURL, Off)
	t.Setenv("CI", "")
	var skipped, ran bool
	t.Run("postgres", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		NewDatabase(t)
		ran = true
	})
	if !skipped || ran {
		t.Errorf("with %s=%s: skipped %v, went on %v", EnvURL, Off, skipped, ran)
	}
}
