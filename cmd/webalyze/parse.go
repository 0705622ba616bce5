package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/webalyze/webalyze/aggregate/ingest"
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

// Run prints the records of each input, read by the same pipeline as
// every other command (ingest.Run, one worker so that lines stay in
// order), each input on its own so that --limit can stop it.
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
		ctx, cancel := context.WithCancel(context.Background())
		sink := &parseSink{enc: enc, limit: c.Limit, stop: cancel}
		cfg := ingest.Config{MaxLine: c.MaxLine, Format: format, Candidates: candidates, ClientFrom: c.client,
			OnFormat: func(name string, f parser.Format, d parser.Detection) {
				if g.Verbose && f != nil {
					fmt.Fprintln(g.stderr, formatNote(name, f, d))
				}
			}}
		res, _ := ingest.Run(ctx, cfg, []string{name}, sink, []ingest.Worker{{Sink: sink}})
		cancel()
		sink.flush(math.MaxInt64)
		for _, err := range res.Unreadable {
			fmt.Fprintln(g.stderr, "webalyze:", report.Visible(inputError(err)))
			unreadable++
		}
		if len(res.Unreadable) > 0 {
			continue
		}
		for _, e := range sink.fileErrors {
			fmt.Fprintln(g.stderr, "webalyze:", report.Visible(name+": "+e))
			dataErrors++
		}
		if sink.err != nil {
			return sink.err
		}
	}
	if err := out.Flush(); err != nil {
		return err
	}
	switch {
	case unreadable > 0:
		return &exitError{code: exitUsage}
	case dataErrors > 0:
		return &exitError{code: exitDataError}
	}
	return nil
}

// parseSink prints what the pipeline makes of each line of one input, as
// a JSON line. The reading goroutine reports some lines itself (those too
// long to hand out): they are held until the worker passes their line
// number, so that the output stays in line order.
type parseSink struct {
	mu         sync.Mutex
	enc        *json.Encoder
	format     string
	noFormat   bool // no format: the file error says so, its lines are not printed
	file       string
	line       int64 // where the worker is (see At)
	offset     int64
	pending    []parsedLine // the reading side's lines, in line order
	limit      int64        // 0: no limit
	count      int64
	stop       func() // ends the input's read once the limit is reached
	fileErrors []string
	err        error // writing the output failed
}

func (p *parseSink) At(file string, line, offset int64) {
	p.mu.Lock()
	p.file, p.line, p.offset = file, line, offset
	p.flush(line)
	p.mu.Unlock()
}

// flush prints the held lines before line (with p.mu held, or alone).
func (p *parseSink) flush(line int64) {
	n := 0
	for n < len(p.pending) && p.pending[n].Line < line {
		p.emit(p.pending[n])
		n++
	}
	p.pending = p.pending[n:]
}

// emit prints pl unless the limit is reached or the output failed.
func (p *parseSink) emit(pl parsedLine) {
	if p.err != nil || p.noFormat || (p.limit > 0 && p.count >= p.limit) {
		return
	}
	p.count++
	if err := p.enc.Encode(pl); err != nil {
		p.err = err
		p.stop()
	}
	if p.limit > 0 && p.count >= p.limit {
		p.stop()
	}
}

func (p *parseSink) Add(rec *parser.Record) {
	p.mu.Lock()
	p.emit(parsedLine{File: p.file, Line: p.line, Offset: p.offset, Kind: "parsed", Format: p.format, Record: toJSON(rec)})
	p.mu.Unlock()
}

func (p *parseSink) AddMalformed(m ingest.Malformed) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pl := parsedLine{File: m.File, Line: m.Line, Offset: m.Offset, Kind: "malformed", Reason: string(m.Reason),
		Column: m.Column, Field: m.Field, Detail: m.Detail}
	if len(m.Text) > 0 {
		pl.Text = visible(m.Text)
	}
	if m.Line != p.line {
		// Reported by the reading side (a line too long to hand out),
		// ahead of the worker, which reports a line right after At.
		p.pending = append(p.pending, pl)
		return
	}
	p.emit(pl)
}

func (p *parseSink) AddSkipped(reason parser.Reason, n uint64) {
	p.mu.Lock()
	for range n {
		p.emit(parsedLine{File: p.file, Line: p.line, Offset: p.offset, Kind: "skipped", Reason: string(reason)})
	}
	p.mu.Unlock()
}

// AddFiltered is never called: parse has no time window.
func (p *parseSink) AddFiltered(uint64) {}

func (p *parseSink) AddFileError(file, err string) {
	p.mu.Lock()
	p.fileErrors = append(p.fileErrors, err)
	p.mu.Unlock()
}

func (p *parseSink) SetFormat(file, format string) {
	p.mu.Lock()
	p.format = format
	p.noFormat = format == "unknown"
	p.mu.Unlock()
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
