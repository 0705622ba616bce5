package parser

import (
	"errors"
	"fmt"
	"strconv"
)

// FormatError is returned by [CompileApache], [CompileNginx],
// [ParseFormatSpec] and [ParseW3CFieldsList] for a format string they
// cannot compile. Err wraps one of the sentinel errors below, so callers
// test the kind of fault with [errors.Is].
type FormatError struct {
	// Format is the format string as the caller gave it (for
	// ParseFormatSpec, the whole spec, "apache:'...'" included).
	Format string
	// Offset is the 0-based byte offset in Format of the fault: the '%' or
	// '$' that starts the offending directive or variable, the opening
	// brace or quote left unterminated, the offending character. It is
	// len(Format) for a fault at the end, and always within 0..len(Format).
	Offset int
	Err    error
}

func (e *FormatError) Error() string {
	return e.Err.Error() + " at offset " + strconv.Itoa(e.Offset)
}

func (e *FormatError) Unwrap() error { return e.Err }

// The kinds of [FormatError].
var (
	// ErrUnknownDirective: an Apache % directive that mod_log_config does
	// not have (%Z, %^FX).
	ErrUnknownDirective = errors.New("unknown directive")
	// ErrIncompleteDirective: a % with no directive letter after it (at
	// the end of the format, or after its modifiers or {argument}).
	ErrIncompleteDirective = errors.New("incomplete directive")
	// ErrUnknownArgument: a directive's {argument} that it does not take
	// (%{xs}T).
	ErrUnknownArgument = errors.New("unknown argument")
	// ErrTimeLayout: a strftime conversion of %{layout}t that is not
	// supported, or a layout ending with %.
	ErrTimeLayout = errors.New("unsupported time layout")
	// ErrUnterminated: a %{ or ${ without its }, or a quoted string of a
	// LogFormat or log_format directive without its closing quote.
	ErrUnterminated = errors.New("unterminated")
	// ErrAdjacentFields: two fields with no literal between them (%h%l,
	// $a$b): nothing in a line would say where the first one ends.
	ErrAdjacentFields = errors.New("two fields with nothing between them")
	// ErrNoFields: a format without any % directive or $variable.
	ErrNoFields = errors.New("no field")
	// ErrUnknownEscape: an nginx escape= parameter other than default,
	// json and none.
	ErrUnknownEscape = errors.New("unknown escape")
	// ErrBadDirective: a LogFormat or log_format directive without its
	// format string (or, for log_format, without its name).
	ErrBadDirective = errors.New("malformed directive")
	// ErrFieldName: a W3C field name with a space, a control character, a
	// byte over 0x7E, a double quote or a '#'.
	ErrFieldName = errors.New("invalid field name")
	// ErrDuplicateField: a W3C field named twice.
	ErrDuplicateField = errors.New("field named twice")
)

// formatError returns a *FormatError for format at offset off, of kind
// sentinel, whose message is syntax (such as "apache format"), the
// sentinel's text and detail.
func formatError(format string, off int, syntax string, sentinel error, detail string) *FormatError {
	var err error
	if detail == "" {
		err = fmt.Errorf("%s: %w", syntax, sentinel)
	} else {
		err = fmt.Errorf("%s: %w %s", syntax, sentinel, detail)
	}
	return &FormatError{Format: format, Offset: off, Err: err}
}
