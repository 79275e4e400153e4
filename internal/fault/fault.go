// Package fault is the one error vocabulary of Portlight: an Error with a few codes, made by the
// service, the admin, the notification channels and the stores alike, and mapped to HTTP in one
// place (api/respond.go). Wrap one with %w: the code travels with it.
package fault

import (
	"errors"
	"fmt"
	"time"
)

// Code classifies what went wrong; the API maps each code to one HTTP status.
type Code int

// Error codes.
const (
	CodeInternal         Code = iota // a fault of ours: logged, never shown
	CodeInvalid                      // the request is malformed (400)
	CodeUnauthorized                 // no valid credentials, or not allowed for the caller's role (401)
	CodeForbidden                    // valid caller, but the thing asked for is another company's (403)
	CodeNotFound                     // no such resource (404)
	CodeMethodNotAllowed             // the action may not carry what it carries (405)
	CodeNoMatch                      // a search matched nothing (405 on the notification pull, as the seed says)
	CodeConflict                     // would duplicate something unique, or is under way (409)
	CodeUnprocessable                // well-formed, but cannot be taken: an Idempotency-Key reused for another call (422)
	CodeTooManyRequests              // rate limit (429)
)

var codeNames = [...]string{"internal error", "invalid", "unauthorized", "forbidden", "not found",
	"method not allowed", "no match", "conflict", "unprocessable", "too many requests"}

func (c Code) String() string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return fmt.Sprintf("code %d", int(c))
}

// Error is the one error type.
type Error struct {
	Code    Code
	Message string
	// Fields holds per-field validation messages for RFC 7807 answers (field name -> messages).
	Fields map[string][]string
	// RetryAfter is when to try again, for CodeTooManyRequests.
	RetryAfter time.Duration
	Err        error
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Code.String()
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", msg, e.Err)
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNotFound) (or any code's sentinel) true for every error of its code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.sentinel() && t.Code == e.Code
}

func (e *Error) sentinel() bool { return e.Message == "" && e.Err == nil && e.Fields == nil }

// Sentinels of the codes a caller tests for: wrap them with %w to say what (the message is then
// the wrapping error's text), or test with errors.Is.
var (
	ErrInvalid  = &Error{Code: CodeInvalid}
	ErrNotFound = &Error{Code: CodeNotFound}
	ErrConflict = &Error{Code: CodeConflict}
)

// Errorf makes an Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError makes a 400 for one field, with the message shown both as the error and under the field.
func FieldError(field, message string) *Error {
	return &Error{Code: CodeInvalid, Message: message, Fields: map[string][]string{field: {message}}}
}

// Internal wraps an unexpected failure.
func Internal(err error) *Error {
	return &Error{Code: CodeInternal, Message: "internal error", Err: err}
}

// As returns the Error err carries: the first in its chain, with a sentinel's message taken from
// the text that wrapped it ("company NXT1: not found"); Internal(err) when it carries none.
func As(err error) *Error {
	var e *Error
	if !errors.As(err, &e) {
		return Internal(err)
	}
	if e.sentinel() {
		return &Error{Code: e.Code, Message: err.Error()}
	}
	return e
}

// CodeOf returns the code of err (CodeInternal for errors that carry no Error).
func CodeOf(err error) Code { return As(err).Code }
