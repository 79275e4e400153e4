package delivery

import "github.com/portlight/portlight/internal/fault"

// Unwrap makes a channel that cannot be saved a 400 of the one error vocabulary (package fault)
// naming the field to correct, wherever it is answered.
func (e *InvalidError) Unwrap() error { return fault.FieldError(e.Field, e.Message) }
