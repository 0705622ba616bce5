package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/webalyze/webalyze/report"
)

// outputFormat is a renderer of the report Model and the file extensions
// that select it. To add a format, add a row to outputFormats: -o, its
// error messages and --output-format follow.
type outputFormat struct {
	name  string
	exts  []string // lower case, with the dot; the first is the usual one
	write func(io.Writer, *report.Model) error
}

// outputFormats are the formats of "report"; the first is the default
// for a name without an extension (-o -, -o /dev/fd/3, -o out).
var outputFormats = []outputFormat{
	{"html", []string{".html", ".htm"}, report.WriteHTML},
	{"json", []string{".json"}, report.WriteJSON},
	{"csv", []string{".csv"}, report.WriteCSV},
	{"prom", []string{".prom"}, report.WritePrometheus},
}

// compressor compresses an output whose name ends with ext.
type compressor struct {
	ext string
	new func(io.Writer) (io.WriteCloser, error)
}

var compressors = []compressor{
	{".gz", func(w io.Writer) (io.WriteCloser, error) { return gzip.NewWriter(w), nil }},
	{".zst", func(w io.Writer) (io.WriteCloser, error) { return zstd.NewWriter(w) }},
}

// outputKind is how an output is written: its format and compression.
type outputKind struct {
	format   outputFormat
	compress *compressor // nil: plain
}

// chooseOutput picks the format and compression of the output path: by
// name when format is set (--output-format), else by the extension under
// a compression suffix. A name without an extension is the first format;
// an unknown extension is a usage error.
func chooseOutput(path, format string) (outputKind, error) {
	var k outputKind
	name := strings.ToLower(filepath.Base(path))
	if path == "-" {
		name = ""
	}
	for i := range compressors {
		if rest, ok := strings.CutSuffix(name, compressors[i].ext); ok && rest != "" {
			k.compress = &compressors[i]
			name = rest
			break
		}
	}
	if format != "" {
		for _, f := range outputFormats {
			if f.name == format {
				k.format = f
				return k, nil
			}
		}
		return k, usageError(fmt.Errorf("--output-format %q: want one of %s", format, outputFormatNames()))
	}
	ext := filepath.Ext(name)
	if ext == "" || ext == name {
		// No extension (or a dot file such as ".report"): the default.
		k.format = outputFormats[0]
		return k, nil
	}
	for _, f := range outputFormats {
		for _, e := range f.exts {
			if e == ext {
				k.format = f
				return k, nil
			}
		}
	}
	var exts []string
	for _, f := range outputFormats {
		exts = append(exts, f.exts...)
	}
	var comp []string
	for _, c := range compressors {
		comp = append(comp, c.ext)
	}
	return k, usageError(fmt.Errorf("-o %s: unknown extension %q: use %s, optionally followed by %s, or choose with --output-format",
		report.Visible(path), ext, strings.Join(exts, ", "), strings.Join(comp, " or ")))
}

func outputFormatNames() string {
	var names []string
	for _, f := range outputFormats {
		names = append(names, f.name)
	}
	return strings.Join(names, ", ")
}

// render writes m to w in k's format, compressed if k says so.
func (k outputKind) render(w io.Writer, m *report.Model) error {
	if k.compress == nil {
		return k.format.write(w, m)
	}
	zw, err := k.compress.new(w)
	if err != nil {
		return err
	}
	if err := k.format.write(zw, m); err != nil {
		zw.Close()
		return err
	}
	return zw.Close()
}
