package aggregate

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/webalyze/webalyze/aggregate/dim/gobcheck"
	"github.com/webalyze/webalyze/aggregate/sketch"
	"github.com/webalyze/webalyze/parser"
)

// SchemaVersion is the version of the state file layout written by
// [State.Encode]. Bump it whenever the encoded fields change meaning.
// Version 2: a visitor is VisitorHash(client, agent), no longer the agent
// hashed with the client as seed; SmallDistinct.Regs is an array pointer.
// Added to version 2 without a bump, since older files still decode
// correctly: MinuteBucket.SubCodes, State.MinuteSubCodes and
// State.SubCodesUntimed. A file without MinuteSubCodes (written before
// them, or re-saved by a webalyze that predates them) decodes with all its
// sub-status counts untimed (see restoreSubMinutes). Also added without a
// bump, their zero value being what an older file meant:
// InputMark.CheckSum/CheckLen (0: no check before resuming),
// FileError.At (0: date unknown) and State.EarlierErrors.
// Version 3: the core State is followed by the sections of its dimensions
// (see Options.Dimensions), each with a version of its own; a section
// whose version differs is refused, naming it. State.FilteredReasons.
// Version 4: the response times (Latency, ClassLatency, CodeLatency,
// Upstream) and the win32 statuses (Win32) leave the core for the
// "latency" and "win32" sections; a file of version 2 or 3 is still read,
// those fields of its core becoming the sections.
const SchemaVersion = 4

// stateMagic starts every state file.
var stateMagic = []byte("WBLZSTAT")

// Encode writes s as a state file: the 8 bytes "WBLZSTAT", the schema
// version as a big-endian uint32, then a zstd stream of two gob values:
// s's exported fields, and the list of its dimensions' sections (name,
// version, bytes), sorted by name.
func (s *State) Encode(w io.Writer) error {
	var hdr [12]byte
	copy(hdr[:], stateMagic)
	binary.BigEndian.PutUint32(hdr[8:], SchemaVersion)
	if _, err := w.Write(hdr[:]); err != nil {
		return err
	}
	zw, err := zstd.NewWriter(w, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithWindowSize(stateWindow))
	if err != nil {
		return err
	}
	secs, err := s.encodeSections()
	if err != nil {
		zw.Close()
		return err
	}
	enc := gob.NewEncoder(zw)
	if err := enc.Encode(s); err != nil {
		zw.Close()
		return fmt.Errorf("encoding state: %w", err)
	}
	if err := enc.Encode(secs); err != nil {
		zw.Close()
		return fmt.Errorf("encoding state: %w", err)
	}
	return zw.Close()
}

// ErrNotState is returned by [Decode] for input that is not a state file.
var ErrNotState = errors.New("not a webalyze state file")

// Decode reads a state file written by [State.Encode]. A file of version
// 2 (a core State without dimensions) or 3 (the core, which then held the
// response times and win32 statuses, and sections) is read with all its
// figures: those of the core become the "latency" and "win32" sections,
// and a version 2 file has no other dimension, so it merges only with
// states made without them.
// Decode refuses a file of another schema version, naming both versions.
func Decode(r io.Reader) (st *State, err error) {
	br := bufio.NewReader(r)
	var hdr [12]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil || !bytes.Equal(hdr[:8], stateMagic) {
		return nil, ErrNotState
	}
	v := binary.BigEndian.Uint32(hdr[8:])
	if v < 2 || v > SchemaVersion {
		return nil, fmt.Errorf("state file has schema version %d, this webalyze reads version %d", v, SchemaVersion)
	}
	packed := &countReader{r: br}
	zr, err := zstd.NewReader(packed, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(stateWindow))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	defer func() {
		if p := recover(); p != nil {
			st, err = nil, fmt.Errorf("corrupt state file: %v", p)
		}
	}()
	var in io.Reader = &bombReader{r: zr, packed: packed}
	var raw []byte // a version 2 or 3 file, read twice (see decodeLegacy)
	if v < 4 {
		if raw, err = io.ReadAll(in); err != nil {
			return nil, fmt.Errorf("corrupt state file: %w", err)
		}
		in = bytes.NewReader(raw)
	}
	s := &State{}
	dec := gob.NewDecoder(gobcheck.NewReader(in))
	if err := dec.Decode(s); err != nil {
		return nil, fmt.Errorf("corrupt state file: %w", err)
	}
	var secs []section
	if v != 2 { // version 2 has no dimensions
		if err := dec.Decode(&secs); err != nil {
			return nil, fmt.Errorf("corrupt state file: %w", err)
		}
	}
	if err := s.decodeSections(secs); err != nil {
		return nil, err
	}
	var legacy *legacyDims
	if v < 4 {
		if legacy, err = decodeLegacy(raw); err != nil {
			return nil, fmt.Errorf("corrupt state file: %w", err)
		}
	}
	if err := s.attachCore(legacy); err != nil {
		return nil, err
	}
	if err := s.restore(); err != nil {
		return nil, fmt.Errorf("corrupt state file: %w", err)
	}
	// A state that breaks the invariants every run keeps (read = parsed +
	// malformed + skipped + filtered, codes and minutes summing to parsed,
	// each section's own) would spread wrong totals into every run that
	// loads or merges it.
	if err := s.Check(); err != nil {
		return nil, fmt.Errorf("corrupt state file: %w", err)
	}
	return s, nil
}

// stateWindow is the zstd window of state files, the encoder's default.
// The decoder allocates the window a frame asks for before reading any
// data (512 MB for a file of 26 bytes): a larger one is refused.
const stateWindow = 8 << 20

// A state file decompresses to at most maxInflate times the bytes read
// from it, or decodeFloor bytes: far more than gob and zstd make of real
// states, far less than a zstd bomb (40,000 times and more: a 32 kB file
// made Decode allocate 2.6 GB). Memory then stays bounded by the file.
const maxInflate = 1000

var decodeFloor int64 = 256 << 20 // a variable for the tests

var errBomb = errors.New("it decompresses to over 1000 times its size")

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// bombReader reads r, the decompressed stream of packed, and fails once
// it has given more than maxInflate times what packed has read.
type bombReader struct {
	r      io.Reader
	packed *countReader
	n      int64
}

func (b *bombReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.n > max(decodeFloor, maxInflate*b.packed.n) {
		return n, errBomb
	}
	return n, err
}

// restore validates a decoded State and rebuilds what is not encoded.
func (s *State) restore() error {
	set := &s.Settings
	if set.TopCapacity <= 0 || set.DrillCapacity <= 0 || set.DistinctCapacity < 0 {
		return errors.New("bad capacities")
	}
	loc := time.UTC
	if set.Zone != "UTC" && set.Zone != "" {
		var err error
		if loc, err = time.LoadLocation(set.Zone); err != nil {
			return fmt.Errorf("time zone %q: %w", set.Zone, err)
		}
	}
	set.Zone = loc.String()
	if s.MalformedReasons == nil {
		s.MalformedReasons = map[parser.Reason]uint64{}
	}
	if s.SkippedReasons == nil {
		s.SkippedReasons = map[parser.Reason]uint64{}
	}
	if s.Samples == nil {
		s.Samples = map[parser.Reason][]Sample{}
	}
	if s.Formats == nil {
		s.Formats = map[string]string{}
	}
	if s.SubCodes == nil {
		s.SubCodes = map[uint64]uint64{}
	}
	if s.Minutes == nil {
		s.Minutes = map[int64]*MinuteBucket{}
	}
	if s.Visitors == nil {
		s.Visitors = map[int64]*sketch.Distinct{}
	}
	if s.Drills == nil {
		s.Drills = map[uint16]*Drill{}
	}
	for _, d := range []**sketch.Distinct{&s.UndatedVisitors, &s.ClientAddrs} {
		if *d == nil {
			*d = sketch.NewDistinct(set.DistinctCapacity)
		}
	}
	for day, d := range s.Visitors {
		if d == nil {
			return fmt.Errorf("visitors of day %d missing", day)
		}
	}
	for minute, m := range s.Minutes {
		if m == nil {
			return fmt.Errorf("minute %d missing", minute)
		}
		for _, c := range m.Codes {
			if c.Code > 999 {
				return fmt.Errorf("minute %d has status %d", minute, c.Code)
			}
		}
	}
	if err := s.restoreSubMinutes(); err != nil {
		return err
	}
	lists := []**sketch.TopK{&s.URLs, &s.URLsQuery, &s.Clients, &s.Referrers, &s.Agents, &s.Methods, &s.Protocols, &s.VHosts}
	for _, t := range lists {
		if *t == nil {
			*t = sketch.NewTopK(set.TopCapacity)
		}
		if err := (*t).Check(); err != nil {
			return err
		}
	}
	for code, d := range s.Drills {
		if code >= 1000 || d == nil || d.URLs == nil || d.Clients == nil {
			return fmt.Errorf("drill-down of code %d is incomplete", code)
		}
		if err := d.URLs.Check(); err != nil {
			return err
		}
		if err := d.Clients.Check(); err != nil {
			return err
		}
	}
	s.setup(loc)
	return nil
}
