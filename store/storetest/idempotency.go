package storetest

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/portlight/portlight/store"
)

// testIdempotencyKeys: a key is one company's; the first claim gets it, a second finds the first
// call (under way, then answered) and gets it only by taking over a lapsed lease of the same call,
// under the first call's publicReferenceId; a released key or one older than the window is free
// again; purging drops records by age.
func testIdempotencyKeys(t *testing.T, w *world) {
	call := func(company, key, fingerprint, pub string, at time.Time) store.IdempotentCall {
		return store.IdempotentCall{CompanyID: company, Key: key, Fingerprint: fingerprint, PublicReferenceID: pub,
			CreatedAt: at, LeasedUntil: at.Add(30 * time.Second)}
	}
	claim := func(c store.IdempotentCall) (store.IdempotentCall, bool) {
		w.t.Helper()
		got, ok, err := w.s.ClaimIdempotencyKey(w.ctx, c)
		if err != nil {
			w.t.Fatalf("ClaimIdempotencyKey(%s/%s): %v", c.CompanyID, c.Key, err)
		}
		return got, ok
	}
	first := call(Agent.NxtEntityID, "k1", "fp-A", "pub-1", base)
	if got, ok := claim(first); !ok || got.PublicReferenceID != "pub-1" || got.Answered() {
		w.t.Fatalf("first claim = %+v, %v", got, ok)
	}
	// Under way: a second call with the key does not get it, and learns whose call it is.
	got, ok := claim(call(Agent.NxtEntityID, "k1", "fp-A", "pub-2", base.Add(time.Second)))
	if ok || got.PublicReferenceID != "pub-1" || got.Fingerprint != "fp-A" || got.Answered() || !got.CreatedAt.Equal(base) {
		w.t.Fatalf("claim while under way = %+v, %v", got, ok)
	}
	// Another company's key of the same name is its own.
	if got, ok := claim(call(Forwarder.NxtEntityID, "k1", "fp-B", "pub-3", base.Add(time.Second))); !ok || got.PublicReferenceID != "pub-3" {
		w.t.Fatalf("another company's claim = %+v, %v", got, ok)
	}
	// Answered: a retry finds the answer, byte for byte.
	header, body := []byte(`{"Content-Type":["application/json"]}`), []byte(`{"publicReferenceId":"pub-1"}`)
	if err := w.s.AnswerIdempotencyKey(w.ctx, Agent.NxtEntityID, "k1", 202, header, body); err != nil {
		w.t.Fatal(err)
	}
	got, ok = claim(call(Agent.NxtEntityID, "k1", "fp-A", "pub-4", base.Add(time.Hour)))
	if ok || !got.Answered() || got.Status != 202 || !bytes.Equal(got.Header, header) || !bytes.Equal(got.Body, body) {
		w.t.Fatalf("claim after the answer = %+v, %v", got, ok)
	}
	// A different call under the key finds the first one's fingerprint (the caller refuses it).
	if got, ok = claim(call(Agent.NxtEntityID, "k1", "fp-other", "pub-5", base.Add(time.Hour))); ok || got.Fingerprint != "fp-A" {
		w.t.Fatalf("claim of another call = %+v, %v", got, ok)
	}
	// Past the window the key is free, the old answer gone.
	later := base.Add(store.IdempotencyWindow + time.Second)
	if got, ok = claim(call(Agent.NxtEntityID, "k1", "fp-other", "pub-6", later)); !ok || got.Answered() || got.PublicReferenceID != "pub-6" {
		w.t.Fatalf("claim after the window = %+v, %v", got, ok)
	}

	// A call that died unanswered: its lease lapses and the same call takes it over, under the
	// first publicReferenceId; another call never does.
	dead := call(Agent.NxtEntityID, "k2", "fp-A", "pub-7", base)
	claim(dead)
	if got, ok = claim(call(Agent.NxtEntityID, "k2", "fp-B", "pub-8", base.Add(time.Minute))); ok {
		w.t.Fatalf("another call took over a lapsed lease: %+v", got)
	}
	got, ok = claim(call(Agent.NxtEntityID, "k2", "fp-A", "pub-9", base.Add(time.Minute)))
	if !ok || got.PublicReferenceID != "pub-7" || !got.LeasedUntil.Equal(base.Add(time.Minute+30*time.Second)) {
		w.t.Fatalf("take-over = %+v, %v", got, ok)
	}
	// Released (the call failed without effect): free again.
	if err := w.s.ReleaseIdempotencyKey(w.ctx, Agent.NxtEntityID, "k2"); err != nil {
		w.t.Fatal(err)
	}
	if got, ok = claim(call(Agent.NxtEntityID, "k2", "fp-B", "pub-10", base.Add(2*time.Minute))); !ok || got.PublicReferenceID != "pub-10" {
		w.t.Fatalf("claim after release = %+v, %v", got, ok)
	}

	// Of concurrent claims of one fresh key, exactly one gets it.
	var wg sync.WaitGroup
	var mu sync.Mutex
	winners := 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, ok, err := w.s.ClaimIdempotencyKey(w.ctx, call(Haulier.NxtEntityID, "race", "fp", fmt.Sprint("pub-race-", i), base))
			if err != nil {
				w.t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if ok {
				winners++
			}
		}()
	}
	wg.Wait()
	if winners != 1 {
		w.t.Fatalf("%d of 8 concurrent claims got the key", winners)
	}

	// Purging drops what was created before the cut: the Agent's k2 (base+2m) and the Haulier's
	// race (base) and the Forwarder's k1 (base+1s); k1 of the Agent (renewed past the window) stays.
	n, err := w.s.PurgeIdempotencyKeys(w.ctx, base.Add(time.Hour))
	if err != nil || n != 3 {
		w.t.Fatalf("PurgeIdempotencyKeys = %d, %v; want 3", n, err)
	}
	if got, ok = claim(call(Forwarder.NxtEntityID, "k1", "fp-C", "pub-11", base.Add(2*time.Hour))); !ok || got.PublicReferenceID != "pub-11" {
		w.t.Fatalf("claim after purge = %+v, %v", got, ok)
	}
}
