package delivery

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestCompanyBudget (issue 14): one command made a company with many channels cause hundreds of
// POSTs at once. The channels of one company now share Options.CompanyConcurrency attempts in
// flight, whatever their number, while another company's channel goes on at its own pace.
func TestCompanyBudget(t *testing.T) {
	f := newFixture(t, Options{Concurrency: 4, CompanyConcurrency: 6})
	var mu sync.Mutex
	inFlight, most := 0, 0
	big := newReceiver(t, func(*http.Request, []byte) int {
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		mu.Unlock()
		time.Sleep(50 * time.Millisecond)
		mu.Lock()
		inFlight--
		mu.Unlock()
		return 204
	})
	small := newReceiver(t, nil)
	for i := range 5 {
		f.channel("BIG", fmt.Sprintf("%s/hook/%d", big.URL, i), nil)
	}
	f.channel("SMALL", small.URL, nil)
	f.start()
	for i := range 20 {
		f.notify(fmt.Sprintf("CONT%07d", i), "BIG", "SMALL")
	}
	start := time.Now()
	small.waitFor(t, 20, 10*time.Second)
	smallDone := time.Since(start)
	big.waitFor(t, 100, 20*time.Second)
	mu.Lock()
	defer mu.Unlock()
	t.Logf("5 channels of one company, 100 deliveries: at most %d at once; the other company's 20 took %s", most, smallDone)
	if most > 6 {
		t.Errorf("%d attempts of one company in flight at once, budget 6 (5 channels of 4 would be 20)", most)
	}
	if most < 5 {
		t.Errorf("at most %d attempts at once: the budget of 6 was not used", most)
	}
	if smallDone > time.Second {
		t.Errorf("the other company's 20 deliveries took %s behind the fan-out", smallDone)
	}
}
