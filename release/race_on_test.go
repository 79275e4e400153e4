//go:build race

package release_test

// raceEnabled tells the property test that it runs under the race detector, which makes each
// step about ten times slower and finds nothing in it: Decide is pure and each sequence runs on
// one goroutine. The test then plays fewer sequences (unless -prop.sequences says otherwise).
const raceEnabled = true
