package service

import "github.com/portlight/portlight/internal/fault"

// The service speaks the one error vocabulary of package fault; these names keep the handlers'
// service.Errorf(service.CodeInvalid, ...) reading as before, with one type underneath.
type (
	// Code classifies what went wrong (fault.Code).
	Code = fault.Code
	// Error is the one error type (fault.Error).
	Error = fault.Error
)

// Error codes (fault's).
const (
	CodeInternal         = fault.CodeInternal
	CodeInvalid          = fault.CodeInvalid
	CodeUnauthorized     = fault.CodeUnauthorized
	CodeForbidden        = fault.CodeForbidden
	CodeNotFound         = fault.CodeNotFound
	CodeMethodNotAllowed = fault.CodeMethodNotAllowed
	CodeNoMatch          = fault.CodeNoMatch
	CodeConflict         = fault.CodeConflict
	CodeUnprocessable    = fault.CodeUnprocessable
	CodeTooManyRequests  = fault.CodeTooManyRequests
)

// Errorf makes an Error with a formatted message (fault.Errorf).
func Errorf(code Code, format string, args ...any) *Error { return fault.Errorf(code, format, args...) }

// FieldError makes a 400 for one field (fault.FieldError).
func FieldError(field, message string) *Error { return fault.FieldError(field, message) }

// Internal wraps an unexpected failure (fault.Internal).
func Internal(err error) *Error { return fault.Internal(err) }

// CodeOf returns the code of err (fault.CodeOf).
func CodeOf(err error) Code { return fault.CodeOf(err) }

// As returns the Error err carries, as the API answers it: its code, its message without the
// causes wrapped in it, and the fields it names (fault.As).
func As(err error) *Error { return fault.As(err) }
