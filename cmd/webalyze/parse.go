package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/webalyze/webalyze/parser"
	"github.com/webalyze/webalyze/report"
)

// ParseCmd prints every line as a JSON object.
type ParseCmd struct {
	FileFlags
	Limit int64 `default:"0" help:"Stop after this many lines per file; 0 means all."`

	client *parser.ClientFrom
}

// parsedLine is one output line of "webalyze parse".
type parsedLine struct {
	File   string `json:"file"`
	Line   int64  `json:"line"`
	Offset int64  `json:"offset"`
	Kind   string `json:"kind"`
	Format string `json:"format,omitempty"`
	// Malformed and skipped lines.
	Reason string `json:"reason,omitempty"`
	Column int    `json:"column,omitempty"`
	Field  string `json:"field,omitempty"`
	Detail string `json:"detail,omitempty"`
	Text   string `json:"text,omitempty"`
	// Parsed lines.
	Record *recordJSON `json:"record,omitempty"`
}

type recordJSON struct {
	Host         string            `json:"host,omitempty"`
	User         string            `json:"user,omitempty"`
	Time         string            `json:"time,omitempty"`
	Method       string            `json:"method,omitempty"`
	Path         string            `json:"path,omitempty"`
	Query        string            `json:"query,omitempty"`
	Protocol     string            `json:"protocol,omitempty"`
	Request      string            `json:"request,omitempty"`
	NotHTTP      bool              `json:"not_http,omitempty"` // the request line is not HTTP: no method, no URL
	Status       *uint16           `json:"status,omitempty"`
	SubStatus    *uint32           `json:"substatus,omitempty"`
	Win32Status  *uint32           `json:"win32_status,omitempty"`
	Bytes        *uint64           `json:"bytes,omitempty"`
	RequestBytes *uint64           `json:"request_bytes,omitempty"`
	DurationUS   *int64            `json:"duration_us,omitempty"`
	UpstreamUS   *int64            `json:"upstream_us,omitempty"`
	Referer      string            `json:"referer,omitempty"`
	UserAgent    string            `json:"user_agent,omitempty"`
	VHost        string            `json:"vhost,omitempty"`
	ServerAddr   string            `json:"server_addr,omitempty"`
	ServerPort   string            `json:"server_port,omitempty"`
	XFF          string            `json:"x_forwarded_for,omitempty"`
	Scheme       string            `json:"scheme,omitempty"`
	Extra        map[string]string `json:"extra,omitempty"`
}

// Run prints the records of each input.
func (c *ParseCmd) Run(g *Globals) error {
	format, candidates, err := c.formatConfig()
	if err != nil {
		return err
	}
	if c.client, err = c.clientFrom(); err != nil {
		return err
	}
	out := bufio.NewWriter(g.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	var unreadable, dataErrors int
	for _, name := range c.expandNames(g) {
		n, err := c.parseOne(g, enc, name, format, candidates)
		if err != nil {
			fmt.Fprintln(g.stderr, "webalyze:", report.Visible(inputError(err)))
			if n < 0 {
				unreadable++
			} else {
				dataErrors++
			}
		}
	}
	out.Flush()
	switch {
	case unreadable > 0:
		return &exitError{code: exitUsage}
	case dataErrors > 0:
		return &exitError{code: exitDataError}
	}
	return nil
}

// parseOne prints one input's lines. It returns -1 with the error when the
// input cannot be opened.
func (c *ParseCmd) parseOne(g *Globals, enc *json.Encoder, name string, format parser.Format, candidates []parser.Format) (int64, error) {
	in, err := parser.Open(name)
	if err != nil {
		return -1, err
	}
	defer in.Close()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(in, head)
	head = head[:n]
	var det parser.Detection
	if format == nil {
		det = parser.Detect(head, candidates)
		if det.Format == nil {
			return 0, fmt.Errorf("%s: %s", name, det.NoFormatMessage())
		}
		format = det.Format
	}
	if g.Verbose {
		fmt.Fprintln(g.stderr, formatNote(name, format, det))
	}
	p := format.NewParser()
	prefix := ""
	if sp, ok := p.(parser.Stateful); ok {
		prefix = sp.DirectivePrefix()
	}
	sp := parser.NewSplitter(io.MultiReader(&sliceReader{head}, in), c.MaxLine, prefix)
	var count int64
	sp.OnLongLine = func(ll parser.LongLine) {
		reason := parser.ReasonLineTooLong
		if ll.AllNUL {
			reason = parser.ReasonNULRun
		}
		_ = enc.Encode(parsedLine{File: name, Line: ll.Line, Offset: ll.Offset, Kind: "malformed", Reason: string(reason),
			Detail: fmt.Sprintf("line of %d bytes skipped", ll.Length)})
	}
	var rec parser.Record
	for c.Limit == 0 || count < c.Limit {
		chunk, err := sp.Next()
		if err != nil {
			break
		}
		it := chunk.Lines()
		for line, ok := it.Next(); ok && (c.Limit == 0 || count < c.Limit); line, ok = it.Next() {
			count++
			pl := parsedLine{File: name, Line: it.Line, Offset: it.Offset}
			switch {
			case it.Last && chunk.TruncatedTail:
				pl.Kind, pl.Reason, pl.Text = "malformed", string(parser.ReasonTruncated), visible(line)
			case parser.IsBlank(line):
				pl.Kind, pl.Reason = "skipped", string(parser.ReasonBlank)
			default:
				res := p.Parse(line, &rec)
				pl.Kind = res.Kind.String()
				if res.Kind == parser.Parsed {
					if c.client != nil {
						c.client.Apply(&rec)
					}
					pl.Format = format.Name()
					pl.Record = toJSON(&rec)
				} else {
					pl.Reason, pl.Column, pl.Field, pl.Detail = string(res.Reason), res.Column, res.Field, res.Detail
					if res.Kind == parser.Malformed {
						pl.Text = visible(line)
					}
				}
			}
			if err := enc.Encode(pl); err != nil {
				return count, err
			}
		}
		chunk.Release()
	}
	return count, sp.Err()
}

type sliceReader struct{ b []byte }

func (r *sliceReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

func toJSON(r *parser.Record) *recordJSON {
	j := &recordJSON{
		Host: visible(r.Host), User: visible(r.User), Method: visible(r.Method), Path: visible(r.Path),
		Query: visible(r.Query), Protocol: visible(r.Protocol), Request: visible(r.Request), NotHTTP: r.NotHTTP(),
		Referer: visible(r.Referer), UserAgent: visible(r.UserAgent), VHost: visible(r.VHost),
		ServerAddr: visible(r.ServerAddr), ServerPort: visible(r.ServerPort), XFF: visible(r.XForwardedFor),
		Scheme: visible(r.Scheme),
	}
	if r.HasTime {
		j.Time = time.Unix(r.Time, int64(r.Nanos)).UTC().Format(time.RFC3339Nano)
	}
	if r.HasStatus {
		v := r.Status
		j.Status = &v
	}
	if r.HasSubStatus {
		v := r.SubStatus
		j.SubStatus = &v
	}
	if r.HasWin32Status {
		v := r.Win32Status
		j.Win32Status = &v
	}
	if r.HasBytes {
		v := r.Bytes
		j.Bytes = &v
	}
	if r.HasRequestBytes {
		v := r.RequestBytes
		j.RequestBytes = &v
	}
	if r.HasDuration {
		v := r.Duration
		j.DurationUS = &v
	}
	if r.HasUpstream {
		v := r.Upstream
		j.UpstreamUS = &v
	}
	if len(r.Extra) > 0 {
		j.Extra = make(map[string]string, len(r.Extra))
		for _, f := range r.Extra {
			j.Extra[f.Name] = visible(f.Value)
		}
	}
	return j
}

// visible turns log bytes into a string that shows invalid UTF-8 as \xNN
// instead of losing it; JSON encoding escapes control characters.
func visible(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			out = append(out, `\x`...)
			out = strconv.AppendUint(append(out, "0123456789abcdef"[b[0]>>4]), uint64(b[0]&0xf), 16)
		} else {
			out = append(out, b[:size]...)
		}
		b = b[size:]
	}
	return string(out)
}
