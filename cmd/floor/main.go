// Command floor is the hardware floor of log analysis for `make bench`: it
// reads a log (plain, gzip, zstd or bzip2) in 1 MiB blocks, finds every
// line and the status field in it, and sums the statuses, single-threaded.
// An analyzer cannot be faster than reading the file and looking at each
// line once; webalyze's throughput is reported as a share of this one.
//
//	floor access.log         combined/common: the status follows the request's closing quote
//	floor u_ex240304.log     W3C: the sc-status column of the #Fields in force
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/webalyze/webalyze/parser"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: floor FILE")
		os.Exit(2)
	}
	lines, statuses, sum, err := scan(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	fmt.Printf("lines %d statuses %d sum %d\n", lines, statuses, sum)
}

// scan counts lines and sums the status of each line that has one.
func scan(name string) (lines, statuses, sum int64, err error) {
	in, err := parser.Open(name)
	if err != nil {
		return 0, 0, 0, err
	}
	defer in.Close()
	buf := make([]byte, 1<<20)
	var carry []byte
	statusCol := -1 // W3C: index of sc-status; -1 for CLF lines
	for {
		n, rerr := io.ReadFull(in, buf[len(carry):])
		data := buf[:len(carry)+n]
		last := bytes.LastIndexByte(data, '\n')
		if rerr != nil || last < 0 {
			last = len(data) - 1 // end of input, or a line longer than the buffer (cut)
		}
		for start := 0; start <= last; {
			end := bytes.IndexByte(data[start:last+1], '\n')
			if end < 0 {
				end = last + 1 - start
			}
			line := data[start : start+end]
			start += end + 1
			lines++
			if len(line) > 0 && line[0] == '#' {
				if f, ok := bytes.CutPrefix(line, []byte("#Fields:")); ok {
					statusCol = -1
					for i, name := range bytes.Fields(f) {
						if string(name) == "sc-status" {
							statusCol = i
						}
					}
				}
				continue
			}
			if s, ok := status(line, statusCol); ok {
				statuses++
				sum += int64(s)
			}
		}
		carry = append(carry[:0], data[last+1:]...)
		copy(buf, carry)
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			return lines, statuses, sum, nil
		}
		if rerr != nil {
			return lines, statuses, sum, rerr
		}
	}
}

// status finds the status of a line: after the request's closing quote
// (col < 0), or in W3C column col.
func status(line []byte, col int) (int, bool) {
	var f []byte
	if col < 0 {
		q := bytes.IndexByte(line, '"')
		if q < 0 {
			return 0, false
		}
		e := bytes.Index(line[q+1:], []byte(`" `))
		if e < 0 || q+1+e+5 > len(line) {
			return 0, false
		}
		f = line[q+1+e+2 : q+1+e+5]
	} else {
		i := 0
		for ; col > 0; col-- {
			k := bytes.IndexByte(line[i:], ' ')
			if k < 0 {
				return 0, false
			}
			i += k + 1
		}
		if i+3 > len(line) {
			return 0, false
		}
		f = line[i : i+3]
	}
	s, ok := parser.ParseStatus(f)
	return int(s), ok
}
