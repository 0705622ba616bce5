package parser

// Kind says what became of a line.
type Kind uint8

const (
	// Parsed: the line is a request and the Record holds it.
	Parsed Kind = iota
	// Skipped: the line is not a request but is expected in the log: an IIS
	// directive (#Fields, #Date, ...), a blank or whitespace-only line.
	Skipped
	// Malformed: the line should have been a request and is not; Reason says why.
	Malformed
)

func (k Kind) String() string {
	switch k {
	case Parsed:
		return "parsed"
	case Skipped:
		return "skipped"
	case Malformed:
		return "malformed"
	}
	return "unknown"
}

// Reason names why a line was malformed or skipped. Reasons are stable
// identifiers: they are keys of the JSON model's malformed_reasons.
type Reason string

// Reasons for malformed lines.
const (
	ReasonInvalidStatus     Reason = "invalid_status"           // status is not exactly three ASCII digits
	ReasonInvalidTimestamp  Reason = "invalid_timestamp"        // time field does not parse or is not a real instant
	ReasonInvalidNumber     Reason = "invalid_number"           // a numeric field (bytes, sub-status, time-taken...) is not a number in range
	ReasonInvalidRequest    Reason = "invalid_request"          // request line cannot be split into method, target, protocol
	ReasonMissingFields     Reason = "missing_fields"           // line ended before a field the format requires
	ReasonTrailingData      Reason = "trailing_data"            // bytes after the last field the format declares
	ReasonUnterminatedQuote Reason = "unterminated_quote"       // a quoted field has no closing quote
	ReasonLiteralMismatch   Reason = "literal_mismatch"         // a literal of the format (a space, a bracket, a quote) is not where expected
	ReasonFieldCount        Reason = "field_count"              // IIS: number of values differs from #Fields
	ReasonMissingFieldsDir  Reason = "missing_fields_directive" // IIS: data line before any #Fields directive
	ReasonInvalidJSON       Reason = "invalid_json"             // JSON-lines log: the line is not a JSON object of the expected shape
	ReasonLineTooLong       Reason = "line_too_long"            // line over the --max-line limit; skipped to the next LF unread
	ReasonTruncated         Reason = "truncated"                // last line of a stream that ended in error (truncated gzip...)
	ReasonNULRun            Reason = "nul_run"                  // a run of NUL bytes (pre-allocated file blocks after a crash)
	ReasonNoFormat          Reason = "no_format"                // no format could be detected for the file
)

// Reasons for skipped lines.
const (
	ReasonBlank     Reason = "blank"     // empty or whitespace-only line
	ReasonDirective Reason = "directive" // IIS/W3C '#' directive line
)

// Result is what [LineParser.Parse] says about one line.
type Result struct {
	Kind   Kind
	Reason Reason // set when Kind is Malformed or Skipped
	// Column is the 1-based byte column in the line where the problem was
	// found, 0 when not known.
	Column int
	// Field names the format field that failed ("%>s", "$status",
	// "sc-substatus"), when one did.
	Field string
	// Detail is a short human explanation ("expected 14 fields, got 12").
	Detail string
}

// LineParser parses lines of one format. A LineParser is not safe for
// concurrent use; each goroutine gets its own from [Format.NewParser].
type LineParser interface {
	// Parse parses one line, without its line terminator, into rec (which it
	// resets first). The line's bytes must stay unchanged until the next call.
	Parse(line []byte, rec *Record) Result
}

// Format is a compiled log format: named (combined, nginx, iis...) or built
// from a server's format string.
type Format interface {
	// Name is the format's name as shown to users ("combined", "iis",
	// "apache:%h %l %u %t \"%r\" %>s %b").
	Name() string
	// NewParser returns a fresh parser for this format.
	NewParser() LineParser
}

// Stateful is implemented by parsers whose interpretation of a line depends
// on earlier lines: the IIS W3C parser, where a "#Fields:" directive decides
// the columns of the lines after it. When the input is cut into blocks that
// are parsed in parallel, each block's parser is primed with the directive
// lines in force at the block's start: the pipeline finds them with
// DirectivePrefix and feeds them to Prime.
type Stateful interface {
	LineParser
	// DirectivePrefix is the line prefix that changes the parser's state,
	// e.g. "#Fields:".
	DirectivePrefix() string
	// Prime sets the parser's state from a directive line without counting it.
	Prime(directive []byte)
}
