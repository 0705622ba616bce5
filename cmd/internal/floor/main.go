//go:build benchtools

// Command floor is the hardware floor of log analysis for `make bench`: it
// reads a log (plain, gzip, zstd or bzip2) in 1 MiB blocks, finds every
// line and the status field in it, and sums the statuses, single-threaded.
// An analyzer cannot be faster than reading the file and looking at each
// line once; webalyze's throughput is reported as a share of this one.
//
//	floor access.log         combined/common: the status follows the request's closing quote
//	floor u_ex240304.log     W3C: the sc-status column of the #Fields in force
//
// With -parse FORMAT it is instead the floor of webalyze's own design:
// webalyze's reader and splitter hand the blocks to -workers goroutines,
// which parse every line into a Record with webalyze's parser for FORMAT
// (as --log-format takes it) and count nothing but the statuses. A report
// cannot be faster than that either; what it takes beyond it is the
// aggregation and the report.
//
//	floor -parse combined -workers 2 access.log
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/webalyze/webalyze/parser"
)

func main() {
	format := flag.String("parse", "", "parse every line with webalyze's parser for this format")
	workers := flag.Int("workers", 2, "parsing goroutines, with -parse")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: floor [-parse FORMAT [-workers N]] FILE")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 || *workers < 1 {
		flag.Usage()
		os.Exit(2)
	}
	var lines, statuses, sum int64
	var err error
	if *format != "" {
		lines, statuses, sum, err = parseAll(flag.Arg(0), *format, *workers)
	} else {
		lines, statuses, sum, err = scan(flag.Arg(0))
	}
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

// parseAll reads name as webalyze does (parser.Open, a Splitter of
// blocks) and parses every line with format on workers goroutines: it
// returns the lines read, the lines parsed with a status and the sum of
// those statuses.
func parseAll(name, spec string, workers int) (lines, statuses, sum int64, err error) {
	format, err := parser.ParseFormatSpec(spec)
	if err != nil {
		return 0, 0, 0, err
	}
	in, err := parser.Open(name)
	if err != nil {
		return 0, 0, 0, err
	}
	defer in.Close()
	prefix := ""
	if st, ok := format.NewParser().(parser.Stateful); ok {
		prefix = st.DirectivePrefix()
	}
	sp := parser.NewSplitter(in, parser.DefaultMaxLine, prefix)
	chunks := make(chan *parser.Chunk, 2*workers)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var n, s int64
			var rec parser.Record
			for c := range chunks {
				p := format.NewParser()
				if st, ok := p.(parser.Stateful); ok && c.Directive != nil {
					st.Prime(c.Directive)
				}
				it := c.Lines()
				for line, ok := it.Next(); ok; line, ok = it.Next() {
					if p.Parse(line, &rec).Kind == parser.Parsed && rec.HasStatus {
						n++
						s += int64(rec.Status)
					}
				}
				c.Release()
			}
			mu.Lock()
			statuses, sum = statuses+n, sum+s
			mu.Unlock()
		}()
	}
	for {
		c, err := sp.Next()
		if err != nil {
			break // io.EOF: the end, or the stream error in sp.Err
		}
		chunks <- c
	}
	close(chunks)
	wg.Wait()
	return sp.Lines(), statuses, sum, sp.Err()
}
