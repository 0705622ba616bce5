package clickhouse

import (
	"encoding/binary"
	"errors"
	"math"

	"github.com/webalyze/webalyze/aggregate"
	"github.com/webalyze/webalyze/parser"
)

// ErrTimeRange is returned for a record whose time ClickHouse's DateTime
// cannot hold (before 1970 or after 2106-02-07 06:28:15 UTC). Such a
// record is not loaded; the caller counts it as it counts malformed lines.
var ErrTimeRange = errors.New("time outside ClickHouse DateTime range (1970 to 2106)")

// Position is where a record's line lies in its input: its 1-based line
// number, the byte offset of its first byte in the (decompressed) stream,
// and the offset just past its line terminator.
type Position struct {
	Line        int64
	Offset, End int64
}

// appendRow appends rec as one RowBinary row in the column order of
// [columns]. It allocates only when buf grows.
func appendRow(buf []byte, rec *parser.Record, file, fileID []byte, pos Position, batch uint64) ([]byte, error) {
	var t uint32
	if rec.HasTime {
		if rec.Time < 0 || rec.Time > math.MaxUint32 {
			return buf, ErrTimeRange
		}
		t = uint32(rec.Time)
	}
	buf = binary.LittleEndian.AppendUint32(buf, t)
	buf = binary.LittleEndian.AppendUint32(buf, uint32(max(rec.Nanos, 0)))
	buf = append(buf, flag(rec.HasTime))
	buf = binary.LittleEndian.AppendUint16(buf, rec.Status)
	buf = append(buf, flag(rec.HasStatus))
	buf = binary.LittleEndian.AppendUint32(buf, rec.SubStatus)
	buf = append(buf, flag(rec.HasSubStatus))
	buf = binary.LittleEndian.AppendUint32(buf, rec.Win32Status)
	buf = append(buf, flag(rec.HasWin32Status))
	method := rec.Method
	if rec.NotHTTP() {
		method = notHTTP // the State's key for it (it holds a space: no method is spelled so)
	}
	buf = appendString(buf, method)
	buf = appendString(buf, rec.Protocol)
	buf = appendString(buf, rec.VHost)
	buf = appendString(buf, rec.Path)
	buf = appendString(buf, rec.Query)
	buf = appendString(buf, rec.Host)
	buf = appendString(buf, rec.User)
	buf = appendString(buf, rec.Referer)
	buf = append(buf, flag(aggregate.IsExternalReferrer(rec.Referer, rec.VHost, nil)))
	buf = appendString(buf, rec.UserAgent)
	buf = binary.LittleEndian.AppendUint64(buf, rec.Bytes)
	buf = append(buf, flag(rec.HasBytes))
	buf = binary.LittleEndian.AppendUint64(buf, rec.RequestBytes)
	buf = append(buf, flag(rec.HasRequestBytes))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(rec.Duration))
	buf = append(buf, flag(rec.HasDuration))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(rec.Upstream))
	buf = append(buf, flag(rec.HasUpstream))
	buf = appendString(buf, file)
	buf = appendString(buf, fileID)
	buf = binary.LittleEndian.AppendUint64(buf, uint64(pos.Line))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(pos.Offset))
	buf = binary.LittleEndian.AppendUint64(buf, batch)
	return buf, nil
}

var notHTTP = []byte(aggregate.NotHTTPMethod)

func flag(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func appendString(buf, s []byte) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(s)))
	return append(buf, s...)
}
