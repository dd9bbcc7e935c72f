package negotiation

import (
	"errors"
	"fmt"
)

// Error codes. The web layer maps each to one HTTP status in one place.
const (
	EInvalid      = "invalid"      // the request is understood but its content is wrong
	EMalformed    = "malformed"    // the request could not be read at all (bad JSON, bad form)
	ENotFound     = "not_found"    // no such object, or the viewer may not know it exists
	EConflict     = "conflict"     // the object exists already or changed meanwhile
	ETooLarge     = "too_large"    // the request or one of its parts is over a documented limit
	EForbidden    = "forbidden"    // the viewer may see the object but not do this
	EUnauthorized = "unauthorized" // the viewer must sign in first
	EInternal     = "internal"     // anything else; never shown to users in detail
)

// Error is the one application error type. Message is written for the person
// who made the request; internal details stay in Err and go to the log only.
type Error struct {
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Code + ": " + e.Message + ": " + e.Err.Error()
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error with a formatted, user-readable message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or EInternal.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-readable message of err, or a generic one for
// internal errors so that no detail of the machinery leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EInternal {
		return e.Message
	}
	return "An internal error occurred. It has been logged."
}
