#!/usr/bin/env python3
"""Writes webalyze's hostile-input corpus and its expectations (cases.tsv).

Each case is a file and the counts webalyze must report for it: lines read,
parsed, malformed (by reason), skipped, and how many file-level errors. The
counts are set by construction here, not by running webalyze. Run from this
folder: python3 gen.py
"""
import gzip
import struct
import zlib

GOOD = b'1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 123 "-" "ua"'
CASES = []


def good(path=b"/a", status=b"200", size=b"123", ua=b"ua", when=b"10/Oct/2000:13:55:36 -0700", host=b"1.2.3.4"):
    return host + b' - - [' + when + b'] "GET ' + path + b' HTTP/1.1" ' + status + b" " + size + b' "-" "' + ua + b'"'


def case(name, data, fmt="combined", parsed=0, skipped=0, reasons=None, file_errors=0, note=""):
    reasons = reasons or {}
    with open(name, "wb") as f:
        f.write(data)
    malformed = sum(reasons.values())
    read = parsed + malformed + skipped
    CASES.append((name, fmt, read, parsed, malformed, skipped,
                  ",".join("%s=%d" % kv for kv in sorted(reasons.items())) or "-", file_errors, note))


# Bytes
case("nul-in-field.log", good(path=b"/a\x00b") + b"\n" + good(ua=b"u\x00a") + b"\n", parsed=2,
     note="NUL inside a field is data")
case("invalid-utf8.log", good(path=b"/caf\xe9") + b"\n" + good(ua=b"\xff\xfe\xc3") + b"\n", parsed=2,
     note="invalid UTF-8 and Latin-1 bytes are kept raw")
case("nul-run.log", GOOD + b"\n" + b"\x00" * 5000 + GOOD + b"\n" + GOOD + b"\n" + b"\x00" * 300000 + b"\n",
     parsed=3, reasons={"nul_run": 2},
     note="a NUL run is one record; a line glued to its end is read; a run over --max-line is one record too")
case("utf16.log", b"\xff\xfe" + GOOD.decode().encode("utf-16-le") + b"\n\x00", file_errors=1,
     note="UTF-16 is refused with one file-level error, never read as garbage lines")

# Lines
case("crlf.log", b"\r\n".join([GOOD] * 3) + b"\r\n", parsed=3)
case("cr-only.log", b"\r".join([GOOD] * 3) + b"\r", reasons={"trailing_data": 1}, file_errors=1,
     note="a CR-only file is one malformed record plus a file-level hint")
case("bare-cr.log", good(ua=b"a\rb") + b"\n", parsed=1, note="a CR inside a field is data")
case("blank.log", GOOD + b"\n\n   \t\n" + GOOD + b"\n", parsed=2, skipped=2)
case("no-final-lf.log", GOOD + b"\n" + GOOD, parsed=2)
case("long-line.log", GOOD + b"\n" + good(path=b"/" + b"x" * 300000) + b"\n" + GOOD + b"\n", parsed=2,
     reasons={"line_too_long": 1})
case("bom.log", b"\xef\xbb\xbf" + GOOD + b"\n" + GOOD + b"\n", parsed=2, note="a UTF-8 BOM is dropped")
case("empty.log", b"")

# Fields
case("common-in-combined.log", GOOD + b"\n" + b'1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /b HTTP/1.1" 404 0\n',
     parsed=2, note="a common line in a combined file is combined without referer and agent")
case("missing-fields.log", b'1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /b HTTP/1.1" 200\n'
     + b'1.2.3.4 - - [10/Oct/2000:13:55:36 -0700]\n', reasons={"missing_fields": 2})
case("trailing.log", GOOD + b' "extra"\n' + GOOD + b"   \n", parsed=1, reasons={"trailing_data": 1},
     note="extra fields are malformed; trailing spaces are fine")
case("unterminated.log", b'1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1\n'
     + b'1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 123 "-" "ua\n',
     reasons={"unterminated_quote": 2})
case("escapes.log", good(ua=b'say \\"hi\\" \\x22x\\x22') + b"\n", parsed=1)

# Numbers
bad_status = [b"+200", b"2e2", b"0x0C8", b"-1", b"1000", b"4294967496", b"20"]
case("status.log", b"\n".join([good(status=s) for s in bad_status] + [good(status=b"000"), good(status=b"600"), good(status=b"999")]) + b"\n",
     parsed=3, reasons={"invalid_status": len(bad_status)}, note="000 is its own class; 600-999 kept by number")
case("bytes.log", b"\n".join([good(size=b"-"), good(size=b"18446744073709551615"), good(size=b"18446744073709551615"),
                              good(size=b"-5"), good(size=b"1.5"), good(size=b"18446744073709551616")]) + b"\n",
     parsed=3, reasons={"invalid_number": 3}, note="totals never wrap")

# Time
bad_times = [b"30/Feb/2024:00:00:00 +0000", b"29/Feb/2023:00:00:00 +0000", b"00/Jan/2024:00:00:00 +0000",
             b"10/Oct/2000:24:00:00 +0000", b"10/Oct/2000:13:55:36 +0060", b"10/Oct/2000:13:55:36 +2500",
             b"10/Oct/2000:13:55:36", b"10/Okt/2000:13:55:36 +0000", b"10/M\xc3\xa4r/2000:13:55:36 +0000"]
good_times = [b"10/Oct/2000:13:55:36 +0545", b"10/Oct/2000:13:55:36 +1400", b"10/Oct/2000:13:55:36 -1200",
              b"31/Dec/2016:23:59:60 +0000", b"09/Oct/2000:13:55:36 +0000"]
case("time.log", b"\n".join([good(when=w) for w in bad_times + good_times]) + b"\n",
     parsed=len(good_times), reasons={"invalid_timestamp": len(bad_times)},
     note="impossible dates are malformed; odd valid zones and leap seconds are fine; out of order is fine")

# Addresses
case("hosts.log", b"\n".join([good(host=b"fe80::1%eth0"), good(host=b"<script>alert(1)</script>"), good(host=b"monitoring-server")]) + b"\n",
     parsed=3, note="the client field is an opaque string")

# IIS
fields = b"#Fields: date time c-ip cs-method cs-uri-stem cs-uri-query sc-status sc-substatus sc-win32-status time-taken\r\n"
row = b"2024-03-05 14:00:00 10.0.0.1 GET /a - 404 2 0 15\r\n"
case("iis-before-fields.log", row + row + fields + row, fmt="iis", parsed=1, skipped=1,
     reasons={"missing_fields_directive": 2}, file_errors=1, note="data before #Fields: malformed, one file-level message")
case("iis-field-count.log", fields + row + b"2024-03-05 14:00:00 10.0.0.1 GET /a - 404 2 0\r\n", fmt="iis", parsed=1, skipped=1,
     reasons={"field_count": 1})
case("iis-garbage-numbers.log", fields + b"2024-03-05 14:00:00 10.0.0.1 GET /a - 404 x 0 15\r\n"
     + b"2024-03-05 14:00:00 10.0.0.1 GET /a - 404 2 0 1.5e3\r\n" + b"2024-03-05 14:00:00 10.0.0.1 GET /a - 4O4 2 0 15\r\n",
     fmt="iis", skipped=1, reasons={"invalid_number": 2, "invalid_status": 1})
case("iis-fields-change.log", fields + row + b"#Fields: time date sc-status c-ip\r\n14:00:01 2024-03-05 500 10.0.0.2\r\n",
     fmt="iis", parsed=2, skipped=2)

# Compressed
lines = b"".join(good(path=b"/p%d" % i) + b"\n" for i in range(3000))
gz = gzip.compress(lines, mtime=0)
cut = gz[: len(gz) // 2]
d = zlib.decompressobj(16 + zlib.MAX_WBITS)
partial = d.decompress(cut)
complete = partial.count(b"\n")
tail = 1 if not partial.endswith(b"\n") else 0
case("truncated.log.gz", cut, parsed=complete, reasons={"truncated": tail}, file_errors=1,
     note="lines before the cut count, the partial line is malformed, and the file has an error (exit 3)")
bad_crc = bytearray(gz)
struct.pack_into("<I", bad_crc, len(bad_crc) - 8, zlib.crc32(lines) ^ 0xFFFFFFFF)
case("bad-crc.log.gz", bytes(bad_crc), parsed=3000, file_errors=1, note="a bad CRC is a file-level warning; counts kept")
case("trailing-garbage.log.gz", gz + b"this is not gzip\n", parsed=3000, file_errors=1,
     note="garbage after the gzip member is a file-level warning; counts kept")
case("misnamed-gzip.log", gzip.compress(GOOD + b"\n", mtime=0), parsed=1, note="compression is sniffed, not named")
case("multi-member.log.gz", gzip.compress(GOOD + b"\n", mtime=0) + gzip.compress(GOOD + b"\n", mtime=0), parsed=2)

with open("cases.tsv", "w") as f:
    f.write("file\tformat\tread\tparsed\tmalformed\tskipped\treasons\tfile_errors\tnote\n")
    for c in CASES:
        f.write("\t".join(str(x) for x in c) + "\n")
print("%d cases" % len(CASES))
