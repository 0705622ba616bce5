// Package parquet writes parsed requests as a Parquet file, one row per
// request, for the engines that read Parquet (Spark, Trino, DuckDB,
// ClickHouse). It holds the Parquet side of a store that is not a file,
// as aggregate/clickhouse holds ClickHouse's; both sit beside the
// pipeline's States: records in, rows out.
//
// The columns are those of the ClickHouse table, with SQL NULL where the
// log had no value instead of has_* flags:
//
//	time          TIMESTAMP(MICROS, UTC), null without a time
//	nanos         INT32 sub-second part in nanoseconds (time is truncated to µs)
//	status        UINT16, null without a status
//	sub_status    UINT32 (IIS sc-substatus), null when absent
//	win32_status  UINT32 (IIS sc-win32-status), null when absent
//	method, protocol, vhost, path, query, client, remote_user,
//	referrer, agent
//	              BYTE_ARRAY (STRING), "" when absent; bytes as logged,
//	              not necessarily UTF-8
//	bytes         UINT64 response bytes, null when absent
//	request_bytes UINT64, null when absent
//	duration_us   INT64 time taken in µs, null when absent
//	upstream_us   INT64 upstream time in µs, null when absent
//	file, file_id BYTE_ARRAY: the input as given and its identity
//	line          INT64 1-based line number
//	line_offset   INT64 byte offset of the line in the decompressed input
//
// A timestamp in microseconds holds every time a log can give (years 0 to
// 9999); the file is zstd-compressed. Create a [Writer], [Writer.Add]
// each record, and [Writer.Close] it.
package parquet

import (
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"

	"github.com/webalyze/webalyze/parser"
)

// Row is one request as written.
type Row struct {
	Time         *int64  `parquet:"time,optional,timestamp(microsecond)"`
	Nanos        int32   `parquet:"nanos"`
	Status       *uint16 `parquet:"status,optional"`
	SubStatus    *uint32 `parquet:"sub_status,optional"`
	Win32Status  *uint32 `parquet:"win32_status,optional"`
	Method       string  `parquet:"method"`
	Protocol     string  `parquet:"protocol"`
	VHost        string  `parquet:"vhost"`
	Path         string  `parquet:"path"`
	Query        string  `parquet:"query"`
	Client       string  `parquet:"client"`
	RemoteUser   string  `parquet:"remote_user"`
	Referrer     string  `parquet:"referrer"`
	Agent        string  `parquet:"agent"`
	Bytes        *uint64 `parquet:"bytes,optional"`
	RequestBytes *uint64 `parquet:"request_bytes,optional"`
	DurationUS   *int64  `parquet:"duration_us,optional"`
	UpstreamUS   *int64  `parquet:"upstream_us,optional"`
	File         string  `parquet:"file"`
	FileID       string  `parquet:"file_id"`
	Line         int64   `parquet:"line"`
	LineOffset   int64   `parquet:"line_offset"`
}

// Position is where a record's line lies in its input.
type Position struct {
	Line, Offset int64
}

// rowsPerWrite is how many rows are buffered before they are handed to
// the Parquet writer (which buffers a row group).
const rowsPerWrite = 1024

// Writer writes rows to a Parquet file. It is not safe for concurrent use.
type Writer struct {
	w    *parquet.GenericWriter[Row]
	rows []Row
	vals []int64 // backing store of the rows' optional numbers
	u64  []uint64
	u32  []uint32
	u16  []uint16
	n    uint64
	err  error
}

// NewWriter returns a Writer that writes a Parquet file to w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{
		w:    parquet.NewGenericWriter[Row](w, parquet.Compression(&parquet.Zstd)),
		rows: make([]Row, 0, rowsPerWrite),
	}
}

// Add adds one parsed record of the input file (its name as given and
// its identity) read at pos. rec is not kept.
func (w *Writer) Add(rec *parser.Record, file, fileID string, pos Position) error {
	if w.err != nil {
		return w.err
	}
	if len(w.rows) == 0 {
		w.vals, w.u64, w.u32, w.u16 = make([]int64, 0, 3*rowsPerWrite), make([]uint64, 0, 2*rowsPerWrite),
			make([]uint32, 0, 2*rowsPerWrite), make([]uint16, 0, rowsPerWrite)
	}
	r := Row{
		Nanos: rec.Nanos, Method: string(rec.Method), Protocol: string(rec.Protocol), VHost: string(rec.VHost),
		Path: string(rec.Path), Query: string(rec.Query), Client: string(rec.Host), RemoteUser: string(rec.User),
		Referrer: string(rec.Referer), Agent: string(rec.UserAgent), File: file, FileID: fileID,
		Line: pos.Line, LineOffset: pos.Offset,
	}
	if rec.HasTime {
		// Microseconds hold years 0 to 9999 (about ±292 000 years).
		r.Time = w.i64(rec.Time*1_000_000 + int64(rec.Nanos)/1000)
	}
	if rec.HasStatus {
		w.u16 = append(w.u16, rec.Status)
		r.Status = &w.u16[len(w.u16)-1]
	}
	if rec.HasSubStatus {
		r.SubStatus = w.p32(rec.SubStatus)
	}
	if rec.HasWin32Status {
		r.Win32Status = w.p32(rec.Win32Status)
	}
	if rec.HasBytes {
		r.Bytes = w.p64(rec.Bytes)
	}
	if rec.HasRequestBytes {
		r.RequestBytes = w.p64(rec.RequestBytes)
	}
	if rec.HasDuration {
		r.DurationUS = w.i64(rec.Duration)
	}
	if rec.HasUpstream {
		r.UpstreamUS = w.i64(rec.Upstream)
	}
	w.rows = append(w.rows, r)
	if len(w.rows) == rowsPerWrite {
		return w.flush()
	}
	return nil
}

// The optional numbers of the buffered rows point into slices that are
// allocated with room for a whole buffer, so they never move.
func (w *Writer) i64(v int64) *int64 {
	w.vals = append(w.vals, v)
	return &w.vals[len(w.vals)-1]
}

func (w *Writer) p64(v uint64) *uint64 {
	w.u64 = append(w.u64, v)
	return &w.u64[len(w.u64)-1]
}

func (w *Writer) p32(v uint32) *uint32 {
	w.u32 = append(w.u32, v)
	return &w.u32[len(w.u32)-1]
}

func (w *Writer) flush() error {
	if len(w.rows) == 0 {
		return nil
	}
	if _, err := w.w.Write(w.rows); err != nil {
		w.err = fmt.Errorf("parquet: %w", err)
		return w.err
	}
	w.n += uint64(len(w.rows))
	w.rows = w.rows[:0]
	return nil
}

// Rows returns the rows written so far.
func (w *Writer) Rows() uint64 { return w.n + uint64(len(w.rows)) }

// Close writes the buffered rows and the file's footer. It does not close
// the underlying writer.
func (w *Writer) Close() error {
	if err := w.flush(); err != nil {
		return err
	}
	if err := w.w.Close(); err != nil {
		w.err = fmt.Errorf("parquet: %w", err)
		return w.err
	}
	return nil
}
