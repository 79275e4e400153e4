package store

import (
	"context"
	"time"
)

// IdempotencyWindow is how long an Idempotency-Key answers for its first call: a retry within it
// gets the first answer, a call after it is a new call.
const IdempotencyWindow = 24 * time.Hour

// IdempotentCall is the record of a call made with an Idempotency-Key, per company: what the call
// was (its fingerprint: a hash of method, path and body), the publicReferenceId set aside for it,
// and, once it was answered, the answer.
type IdempotentCall struct {
	CompanyID   string
	Key         string
	Fingerprint string
	// PublicReferenceID is the id the call's receipt carries, chosen before it runs, so that a call
	// taken over after a crash runs under the same id.
	PublicReferenceID string
	CreatedAt         time.Time
	// LeasedUntil is how long the call that claimed the key may take to answer; once past, another
	// call with the same key and fingerprint may take the claim over.
	LeasedUntil time.Time
	// Status is the answer's HTTP status; 0 while the call is under way.
	Status int
	// Header holds the answer's headers a retry must see again (JSON, as the API wrote them).
	Header []byte
	Body   []byte
}

// Answered reports whether the call's answer is stored.
func (c IdempotentCall) Answered() bool { return c.Status != 0 }

// Idempotency keeps the calls made with an Idempotency-Key (part of Store): in the database, so
// that a retry that reaches another node, or the same node after a restart, finds the first call.
type Idempotency interface {
	// ClaimIdempotencyKey claims c.Key of c.CompanyID for the call c. It returns (c, true) when the
	// key is free: never used, or its record created before c.CreatedAt - IdempotencyWindow (the
	// record is then replaced). It returns (the stored record, true) when the stored call has the
	// same fingerprint, no answer and a lease that ended before c.CreatedAt: the caller takes it
	// over, under its PublicReferenceID, with the lease renewed to c.LeasedUntil. Otherwise it
	// returns (the stored record, false). Of concurrent claims of one key, one at most gets it.
	ClaimIdempotencyKey(ctx context.Context, c IdempotentCall) (IdempotentCall, bool, error)
	// AnswerIdempotencyKey stores the answer of the claimed call of companyID's key.
	AnswerIdempotencyKey(ctx context.Context, companyID, key string, status int, header, body []byte) error
	// ReleaseIdempotencyKey forgets an unanswered claim (the call failed without effect), so that a
	// retry runs again.
	ReleaseIdempotencyKey(ctx context.Context, companyID, key string) error
	// PurgeIdempotencyKeys deletes the records created before before and returns how many.
	PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int, error)
}
