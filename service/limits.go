package service

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/portlight/portlight/release"
)

// checkSizes refuses a call with a field over the maximums of package release (release/limits.go),
// or whose requests as received are larger than the audit trail keeps, before any of it is applied: the door's bound on what one call can make the platform store,
// whichever front end decoded it. The refusal is a 400 naming the field.
func checkSizes(call Call) error {
	if err := CheckExternalReferenceID(call.ExternalRef); err != nil {
		return err
	}
	total := 0
	for _, r := range call.Requests {
		total += len(r.Body)
		if len(r.Body) > release.MaxCommandBytes || total > release.MaxCallBytes {
			return Errorf(CodeInvalid, "The request is too large: one command's at most %d bytes, a call's together at most %d.", release.MaxCommandBytes, release.MaxCallBytes)
		}
		err := release.CheckEquipmentSize(r.EquipmentNumber)
		if err == nil {
			err = release.CheckCodeSize("portLoCode", r.PortLoCode)
		}
		if err == nil {
			err = release.CheckSizes(r.Command)
		}
		if err != nil {
			return sizeError(err)
		}
	}
	return nil
}

// sizeError turns the core's *release.SizeError into the 400 for its field; any other error is
// a command the core cannot size, a fault of ours.
func sizeError(err error) error {
	var size *release.SizeError
	if errors.As(err, &size) {
		return FieldError(size.Field, size.Error())
	}
	return Internal(err)
}

// CheckExternalReferenceID refuses an External-Reference-Id longer than
// release.MaxExternalReferenceID; nil is none given. The API checks it on every route, since some
// echo it without passing Execute.
func CheckExternalReferenceID(ref *string) error {
	if ref != nil && len(*ref) > release.MaxExternalReferenceID && utf8.RuneCountInString(*ref) > release.MaxExternalReferenceID {
		return FieldError("External-Reference-Id", fmt.Sprintf("The header 'External-Reference-Id' takes at most %d characters.", release.MaxExternalReferenceID))
	}
	return nil
}
