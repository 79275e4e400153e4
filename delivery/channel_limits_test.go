package delivery

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/portlight/portlight/internal/fault"
)

// TestChannelsPerCompany (issue 14): 300 channels of one company were created in 2 s, and one
// command then caused 601 POSTs. Now the company's 11th channel is refused, even when they are
// all asked for at once, and another company is not affected.
func TestChannelsPerCompany(t *testing.T) {
	ctx := context.Background()
	m, _ := newManager(t, Policy{LookupIP: publicDNS})
	var wg sync.WaitGroup
	errs := make([]error, 300)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = m.Create(ctx, "NXT1", Spec{Name: "c", URL: fmt.Sprintf("https://hooks.example.com/%d", i)})
		}()
	}
	wg.Wait()
	created := 0
	for _, err := range errs {
		switch {
		case err == nil:
			created++
		case fault.CodeOf(err) != fault.CodeConflict:
			t.Fatalf("refused otherwise than 409: %v", err)
		}
	}
	if list, _ := m.List(ctx, "NXT1"); created != DefaultMaxChannels || len(list) != DefaultMaxChannels {
		t.Fatalf("300 channels asked for at once: %d created, %d stored, want %d", created, len(list), DefaultMaxChannels)
	}
	if _, err := m.Create(ctx, "NXT2", Spec{Name: "c", URL: "https://hooks.example.com/0"}); err != nil {
		t.Fatalf("another company's first channel: %v", err)
	}
	// Deleting one makes room again.
	list, _ := m.List(ctx, "NXT1")
	if err := m.Delete(ctx, "NXT1", list[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Create(ctx, "NXT1", Spec{Name: "c", URL: "https://hooks.example.com/again"}); err != nil {
		t.Fatalf("a channel after one was deleted: %v", err)
	}
	m.MaxChannels = 20
	if _, err := m.Create(ctx, "NXT1", Spec{Name: "c", URL: "https://hooks.example.com/more"}); err != nil {
		t.Fatalf("an 11th channel with MaxChannels 20: %v", err)
	}
}

// The same URL and types twice would send every notification twice to the same receiver: refused
// on create and on update; the same URL for other types is a different channel.
func TestDuplicateChannelRefused(t *testing.T) {
	ctx := context.Background()
	m, _ := newManager(t, Policy{LookupIP: publicDNS})
	first, err := m.Create(ctx, "NXT1", Spec{Name: "a", URL: "https://hooks.example.com/p", Types: []string{"ReleaseRight"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Create(ctx, "NXT1", Spec{Name: "b", URL: "https://HOOKS.example.com/p", Types: []string{"releaseright"}}); fault.CodeOf(err) != fault.CodeConflict {
		t.Fatalf("the same url and types again: %v", err)
	}
	other, err := m.Create(ctx, "NXT1", Spec{Name: "b", URL: "https://hooks.example.com/p", Types: []string{"ReleaseLight"}})
	if err != nil {
		t.Fatalf("the same url for other types: %v", err)
	}
	if _, err := m.Update(ctx, "NXT1", other.ID, Spec{Name: "b", URL: "https://hooks.example.com/p", Types: []string{"ReleaseRight"}}); fault.CodeOf(err) != fault.CodeConflict {
		t.Fatalf("an update into a duplicate: %v", err)
	}
	if _, err := m.Update(ctx, "NXT1", first.ID, Spec{Name: "renamed", URL: "https://hooks.example.com/p", Types: []string{"ReleaseRight"}}); err != nil {
		t.Fatalf("an update of a channel to what it is: %v", err)
	}
	if _, err := m.Create(ctx, "NXT2", Spec{Name: "a", URL: "https://hooks.example.com/p", Types: []string{"ReleaseRight"}}); err != nil {
		t.Fatalf("another company's channel to the same url: %v", err)
	}
}
