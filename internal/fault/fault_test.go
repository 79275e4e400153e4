package fault

import (
	"errors"
	"fmt"
	"testing"
)

func TestSentinelsMatchTheirCode(t *testing.T) {
	wrapped := fmt.Errorf("company NXT1: %w", ErrNotFound)
	if !errors.Is(wrapped, ErrNotFound) || errors.Is(wrapped, ErrConflict) {
		t.Errorf("errors.Is on a wrapped sentinel")
	}
	if e := As(wrapped); e.Code != CodeNotFound || e.Message != "company NXT1: not found" {
		t.Errorf("As(wrapped sentinel) = %+v", e)
	}
	if !errors.Is(Errorf(CodeNotFound, "No channel x."), ErrNotFound) {
		t.Errorf("an error of a code is its sentinel")
	}
	field := FieldError("url", "bad")
	if !errors.Is(field, ErrInvalid) || As(fmt.Errorf("saving: %w", field)) != field {
		t.Errorf("a field error keeps its fields through wrapping")
	}
	if e := As(errors.New("disk full")); e.Code != CodeInternal || e.Err == nil {
		t.Errorf("As(plain error) = %+v", e)
	}
}
