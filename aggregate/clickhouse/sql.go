package clickhouse

import (
	"fmt"
	"strconv"
	"strings"
)

// Every SQL statement the package sends is built in this file. Only SQL
// that ClickHouse 18.16 (Debian's) and current releases both accept is
// used: no DateTime64, no LowCardinality, no mutations_sync, no
// lightweight DELETE.

// columns is the table's schema, in RowBinary order (see appendRow).
var columns = []struct{ name, typ, doc string }{
	{"time", "DateTime('UTC')", "request time, whole seconds UTC; 0 when has_time = 0"},
	{"nanos", "UInt32", "sub-second part of the time, in nanoseconds (0 when not logged)"},
	{"has_time", "UInt8", "the log gave a time"},
	{"status", "UInt16", "HTTP status 0-999"},
	{"has_status", "UInt8", "the log gave a status"},
	{"sub_status", "UInt32", "IIS sc-substatus"},
	{"has_sub_status", "UInt8", ""},
	{"win32_status", "UInt32", "IIS sc-win32-status"},
	{"has_win32_status", "UInt8", ""},
	{"method", "String", "request method; \"not HTTP\" (aggregate.NotHTTPMethod) for a request line that is not HTTP"},
	{"protocol", "String", ""},
	{"vhost", "String", "virtual host (%v, $host, cs-host)"},
	{"path", "String", "URL path, without the query"},
	{"query", "String", "query string, without the '?'"},
	{"client", "String", "client address as logged"},
	{"remote_user", "String", "authenticated user"},
	{"referrer", "String", ""},
	{"referrer_external", "UInt8", "the referrer counts in the referrer list (aggregate.IsExternalReferrer, without --site hosts)"},
	{"agent", "String", "user agent"},
	{"bytes", "UInt64", "response bytes"},
	{"has_bytes", "UInt8", ""},
	{"request_bytes", "UInt64", ""},
	{"has_request_bytes", "UInt8", ""},
	{"duration_us", "Int64", "time taken, microseconds"},
	{"has_duration", "UInt8", ""},
	{"upstream_us", "Int64", "upstream response time, microseconds"},
	{"has_upstream", "UInt8", ""},
	{"file", "String", "the input's name as given"},
	{"file_id", "String", "the input's identity (Source.ID)"},
	{"line", "UInt64", "1-based line number in the input"},
	{"line_offset", "UInt64", "byte offset of the line in the (decompressed) input"},
	{"batch", "UInt64", "byte offset where the line's batch starts: (file_id, batch) names a batch"},
}

// checkTable accepts "name" or "database.name" made of ASCII letters,
// digits and underscores, not starting with a digit.
func checkTable(name string) error {
	parts := strings.Split(name, ".")
	if len(parts) > 2 {
		return fmt.Errorf("clickhouse: table %q: at most one dot (database.table)", name)
	}
	for _, p := range parts {
		if p == "" {
			return fmt.Errorf("clickhouse: table %q: empty name", name)
		}
		for i, c := range []byte(p) {
			ok := c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || (i > 0 && '0' <= c && c <= '9')
			if !ok {
				return fmt.Errorf("clickhouse: table %q: only letters, digits and '_' are allowed", name)
			}
		}
	}
	return nil
}

// quote returns s as a ClickHouse string literal.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '\'':
			b.WriteByte('\\')
			b.WriteByte(c)
		case 0:
			b.WriteString(`\0`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// createTableSQL: MergeTree partitioned by UTC month, ordered by time so
// that a --since/--until window reads only the granules it needs.
func createTableSQL(table string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE IF NOT EXISTS %s (\n", table)
	for i, c := range columns {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, "  %s %s", c.name, c.typ)
	}
	b.WriteString("\n) ENGINE = MergeTree() PARTITION BY toYYYYMM(time) ORDER BY (time, file_id, line_offset)")
	return b.String()
}

// distributedSQL creates a Distributed table over cluster's shards of
// local, sharded by file identity so that a file's batches stay on one
// shard (the load fence needs that).
func distributedSQL(table, cluster, database, local string) string {
	return fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s AS %s ENGINE = Distributed(%s, %s, %s, cityHash64(file_id))",
		table, local, cluster, database, local)
}

func insertSQL(table string) string {
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = c.name
	}
	return fmt.Sprintf("INSERT INTO %s (%s) FORMAT RowBinary", table, strings.Join(names, ", "))
}

// tailWhere selects the rows of one input from a byte offset on.
func tailWhere(fileID string, from int64) string {
	return fmt.Sprintf("file_id = %s AND line_offset >= %d", quote(fileID), from)
}

func countTailSQL(table, fileID string, from int64) string {
	return fmt.Sprintf("SELECT count() FROM %s WHERE %s FORMAT TabSeparated", table, tailWhere(fileID, from))
}

func deleteTailSQL(table, fileID string, from int64) string {
	return fmt.Sprintf("ALTER TABLE %s DELETE WHERE %s", table, tailWhere(fileID, from))
}

// runningLoadsSQL counts the inserts of an input still running on the
// server: a crashed load's, which the server ends when it sees the
// connection closed. (KILL QUERY cannot end an insert on 18.16: "it
// consists of unkillable stages".)
func runningLoadsSQL(queryIDPrefix string) string {
	return fmt.Sprintf("SELECT count() FROM system.processes WHERE query_id LIKE %s FORMAT TabSeparated", quote(queryIDPrefix+"%"))
}

// itoa is strconv.FormatInt for SQL numbers.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
