package service

import (
	"errors"
	"fmt"
	"time"
)

// Code classifies what went wrong with a call; the API maps each code to one HTTP status.
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

// Error is the one error type of the service layer.
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
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Message, e.Err)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

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

// CodeOf returns the code of err (CodeInternal for errors that are not an *Error).
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}
