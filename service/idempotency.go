package service

import (
	"context"
	"time"

	"github.com/portlight/portlight/store"
)

// Idempotency-Key (README, "Retrying safely"): a client may send the header on any mutating call;
// a retry with the same key within store.IdempotencyWindow gets the first answer and is not
// applied again, a different call with the same key is refused (422). Keys are per company. The
// record lives in the database, so the key holds across nodes and restarts.

// IdempotencyLease is how long a call may run before a retry with its key may take it over (the
// first call died). Calls answer within seconds; the HTTP server gives up on them after 60 s.
const IdempotencyLease = 90 * time.Second

// IdempotencyWait is how long a retry waits for the first call of its key to answer before it is
// told to come back (409).
const IdempotencyWait = 5 * time.Second

// idempotencyPoll is how often a waiting retry looks again.
const idempotencyPoll = 20 * time.Millisecond

// IdempotentCall is a call with an Idempotency-Key that the caller claimed: it runs, and its
// answer is then kept (Answer) or, if it failed without effect, forgotten (Abandon).
type IdempotentCall struct {
	companyID, key string
	// PublicReferenceID is the id set aside for the call's receipt (WithPublicReferenceID).
	PublicReferenceID string
	// Applied is set when the call is taken over from one that died after its commands were
	// committed: it must not run again, and its receipt is the answer.
	Applied bool
}

// StoredAnswer is the first answer to a key, for a retry to get again.
type StoredAnswer struct {
	Status       int
	Header, Body []byte
}

// BeginIdempotent claims key for the caller's call identified by fingerprint (a hash of the
// method, path and body). It returns the claim when the call is to run; the stored answer when
// the key's first call was answered; CodeUnprocessable when the key was used for another call;
// CodeConflict when the first call is still running after IdempotencyWait.
func (s *Service) BeginIdempotent(ctx context.Context, caller *Caller, key, fingerprint string) (*IdempotentCall, *StoredAnswer, error) {
	deadline := s.now().Add(IdempotencyWait)
	pub := newID()
	for {
		now := s.now().UTC()
		rec, claimed, err := s.store.ClaimIdempotencyKey(ctx, store.IdempotentCall{
			CompanyID: caller.Company.NxtEntityID, Key: key, Fingerprint: fingerprint, PublicReferenceID: pub,
			CreatedAt: now, LeasedUntil: now.Add(IdempotencyLease),
		})
		switch {
		case err != nil:
			return nil, nil, Internal(err)
		case rec.Fingerprint != fingerprint:
			return nil, nil, Errorf(CodeUnprocessable,
				"The Idempotency-Key %q was used for another request within the last 24 hours: send a new key for a new request.", key)
		case claimed:
			call := &IdempotentCall{companyID: rec.CompanyID, key: key, PublicReferenceID: rec.PublicReferenceID}
			if rec.PublicReferenceID != pub {
				// Taken over: the call that claimed the key died. If its commands were committed,
				// they stand, and their receipt is the answer.
				trail, err := s.store.AuditTrail(ctx, rec.PublicReferenceID, "")
				if err != nil {
					return nil, nil, Internal(err)
				}
				call.Applied = len(trail) > 0
			}
			return call, nil, nil
		case rec.Answered():
			return nil, &StoredAnswer{Status: rec.Status, Header: rec.Header, Body: rec.Body}, nil
		case !s.now().Before(deadline):
			return nil, nil, Errorf(CodeConflict, "A request with the Idempotency-Key %q is still being processed: retry in a few seconds.", key)
		}
		select {
		case <-ctx.Done():
			return nil, nil, Internal(ctx.Err())
		case <-time.After(idempotencyPoll):
		}
	}
}

// Answer keeps the answer of a claimed call for the retries of its key.
func (s *Service) Answer(ctx context.Context, call *IdempotentCall, status int, header, body []byte) error {
	return s.store.AnswerIdempotencyKey(ctx, call.companyID, call.key, status, header, body)
}

// Abandon forgets a claimed call that failed without effect (a fault of ours, a rate limit), so
// that a retry runs again.
func (s *Service) Abandon(ctx context.Context, call *IdempotentCall) error {
	return s.store.ReleaseIdempotencyKey(ctx, call.companyID, call.key)
}

// PurgeIdempotencyKeys drops the records of keys older than the window (the background jobs run
// it; a claim ignores them anyway).
func (s *Service) PurgeIdempotencyKeys(ctx context.Context) (int, error) {
	return s.store.PurgeIdempotencyKeys(ctx, s.now().UTC().Add(-store.IdempotencyWindow))
}

type publicReferenceKey struct{}

// WithPublicReferenceID makes the calls of ctx answer under id (the one an Idempotency-Key set
// aside) instead of a new one.
func WithPublicReferenceID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, publicReferenceKey{}, id)
}

// publicReferenceID is the id ctx sets aside, or a new one.
func publicReferenceID(ctx context.Context) string {
	if id, ok := ctx.Value(publicReferenceKey{}).(string); ok && id != "" {
		return id
	}
	return newID()
}
