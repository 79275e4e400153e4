//go:build !race

package release_test

// raceEnabled: see race_on_test.go.
const raceEnabled = false
