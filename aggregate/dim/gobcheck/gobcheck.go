// Package gobcheck guards encoding/gob against hostile streams.
//
// gob sizes a map from the count the stream gives before reading any
// entry (reflect.MakeMapWithSize): a state file of a hundred bytes can
// claim a map of 2^30 entries, and the runtime then allocates tens of
// gigabytes at once and dies, which no recover catches. [NewReader] sits
// between the bytes and gob.NewDecoder: it reads one gob message at a
// time, walks it with the type definitions the stream has given so far,
// and refuses it when a map, slice or array claims more elements, or a
// string more bytes, than the rest of the message could hold, so that
// what gob allocates is bounded by the bytes it is given.
//
// The walk follows the wire format of encoding/gob ("Encoding Details" in
// its package documentation). Interface values, which webalyze never
// encodes, are refused.
package gobcheck

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
)

// maxMessage is gob's own limit on one message (tooBig on 64-bit).
const maxMessage = 1 << 33

// Built-in type ids of encoding/gob.
const (
	tBool      = 1
	tInt       = 2
	tUint      = 3
	tFloat     = 4
	tBytes     = 5
	tString    = 6
	tComplex   = 7
	tInterface = 8
)

// kinds of user types.
const (
	kArray = iota + 1
	kSlice
	kStruct
	kMap
	kEncoder // GobEncoder, BinaryMarshaler, TextMarshaler: bytes
)

type wtype struct {
	kind      int
	elem, key int64
	fields    []int64
}

// Reader is an io.Reader over a checked gob stream.
type Reader struct {
	r     *bufio.Reader
	types map[int64]*wtype
	out   bytes.Buffer // the current message, checked, being served
	err   error
}

// NewReader returns a reader that passes r's gob stream on, one message at
// a time, after checking it; a message that claims more than it holds is
// an error of Read.
func NewReader(r io.Reader) *Reader {
	return &Reader{r: bufio.NewReader(r), types: map[int64]*wtype{}}
}

// Read implements io.Reader.
func (g *Reader) Read(p []byte) (int, error) {
	for g.out.Len() == 0 {
		if g.err != nil {
			return 0, g.err
		}
		g.err = g.next()
	}
	return g.out.Read(p)
}

// next reads and checks one message into g.out.
func (g *Reader) next() error {
	g.out.Reset()
	n, raw, err := readUint(g.r)
	if err != nil {
		if err == io.EOF && len(raw) == 0 {
			return io.EOF
		}
		return io.ErrUnexpectedEOF
	}
	if n >= maxMessage {
		return errors.New("gob message too big")
	}
	g.out.Write(raw)
	// Copy rather than allocate n bytes up front: n is hostile.
	if _, err := io.CopyN(&g.out, g.r, int64(n)); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	msg := g.out.Bytes()[len(raw):]
	if err := g.check(msg); err != nil {
		g.out.Reset()
		return fmt.Errorf("corrupt gob data: %w", err)
	}
	return nil
}

var errShort = errors.New("truncated")

// dec walks one message.
type dec struct {
	b     []byte
	types map[int64]*wtype
	depth int
}

func (g *Reader) check(msg []byte) error {
	d := &dec{b: msg, types: g.types}
	id, err := d.int()
	if err != nil {
		return err
	}
	if id < 0 {
		return d.typeDef(-id)
	}
	if t, ok := g.types[id]; !ok || t.kind != kStruct {
		// A top-level value of another kind than a struct is sent as a
		// struct of one field: a zero delta, then the value.
		if delta, err := d.uint(); err != nil || delta != 0 {
			return errors.New("bad singleton")
		}
	}
	return d.value(id)
}

func (d *dec) uint() (uint64, error) {
	if len(d.b) == 0 {
		return 0, errShort
	}
	c := d.b[0]
	if c < 0x80 {
		d.b = d.b[1:]
		return uint64(c), nil
	}
	n := -int(int8(c))
	if n > 8 || len(d.b) < 1+n {
		return 0, errShort
	}
	var x uint64
	for _, c := range d.b[1 : 1+n] {
		x = x<<8 | uint64(c)
	}
	d.b = d.b[1+n:]
	return x, nil
}

func (d *dec) int() (int64, error) {
	u, err := d.uint()
	if u&1 != 0 {
		return ^int64(u >> 1), err
	}
	return int64(u >> 1), err
}

// count reads a count of elements of at least size bytes each and
// refuses one the rest of the message cannot hold.
func (d *dec) count(size uint64) (uint64, error) {
	n, err := d.uint()
	if err != nil {
		return 0, err
	}
	if n > math.MaxInt32 || n*size > uint64(len(d.b)) {
		return 0, fmt.Errorf("count %d exceeds the %d bytes left", n, len(d.b))
	}
	return n, nil
}

func (d *dec) skipBytes() error {
	n, err := d.count(1)
	if err != nil {
		return err
	}
	d.b = d.b[n:]
	return nil
}

func (d *dec) value(id int64) error {
	switch id {
	case tBool, tInt, tUint, tFloat:
		_, err := d.uint()
		return err
	case tComplex:
		if _, err := d.uint(); err != nil {
			return err
		}
		_, err := d.uint()
		return err
	case tBytes, tString:
		return d.skipBytes()
	case tInterface:
		return errors.New("interface values are not expected")
	}
	t, ok := d.types[id]
	if !ok {
		return fmt.Errorf("unknown type id %d", id)
	}
	if t.kind == kEncoder {
		return d.skipBytes()
	}
	// Basic values return above: only composite ones nest (no defer for
	// the depth: value runs for every value of a state file).
	if d.depth++; d.depth > 10000 { // gob's own bound on nesting
		d.depth--
		return errors.New("nested too deep")
	}
	err := d.composite(t)
	d.depth--
	return err
}

// composite reads a value of an array, slice, map or struct type t.
func (d *dec) composite(t *wtype) error {
	switch t.kind {
	case kArray, kSlice:
		n, err := d.count(1)
		if err != nil {
			return err
		}
		for range n {
			if err := d.value(t.elem); err != nil {
				return err
			}
		}
	case kMap:
		n, err := d.count(2)
		if err != nil {
			return err
		}
		for range n {
			if err := d.value(t.key); err != nil {
				return err
			}
			if err := d.value(t.elem); err != nil {
				return err
			}
		}
	case kStruct:
		field := -1
		for {
			delta, err := d.uint()
			if err != nil {
				return err
			}
			if delta == 0 {
				return nil
			}
			if delta > uint64(len(t.fields)) || field+int(delta) >= len(t.fields) {
				return errors.New("field number out of range")
			}
			field += int(delta)
			if err := d.value(t.fields[field]); err != nil {
				return err
			}
		}
	}
	return nil
}

// fields reads a struct of the wire type definitions, calling f with each
// field number; f reads the field's value.
func (d *dec) fields(f func(field int) error) error {
	field := -1
	for {
		delta, err := d.uint()
		if err != nil {
			return err
		}
		if delta == 0 {
			return nil
		}
		if delta > 16 {
			return errors.New("bad type definition")
		}
		field += int(delta)
		if err := f(field); err != nil {
			return err
		}
	}
}

// common reads a CommonType (Name string, Id int).
func (d *dec) common() error {
	return d.fields(func(field int) error {
		switch field {
		case 0:
			return d.skipBytes()
		case 1:
			_, err := d.int()
			return err
		}
		return errors.New("bad type definition")
	})
}

// typeDef reads a wireType, the definition of type id.
func (d *dec) typeDef(id int64) error {
	t := &wtype{}
	err := d.fields(func(field int) error {
		if t.kind != 0 {
			return errors.New("type defined twice")
		}
		switch field {
		case 0, 1, 3: // ArrayT, SliceT, MapT
			t.kind = [...]int{0: kArray, 1: kSlice, 3: kMap}[field]
			return d.fields(func(f int) error {
				if f == 0 {
					return d.common()
				}
				v, err := d.int()
				switch {
				case f == 1 && t.kind == kMap:
					t.key = v
				case f == 1 || f == 2 && t.kind == kMap:
					t.elem = v
				case f == 2 && t.kind == kArray: // Len
				default:
					return errors.New("bad type definition")
				}
				return err
			})
		case 2: // StructT
			t.kind = kStruct
			return d.fields(func(f int) error {
				switch f {
				case 0:
					return d.common()
				case 1: // Field []fieldType
					n, err := d.count(1)
					if err != nil {
						return err
					}
					for range n {
						var fid int64
						if err := d.fields(func(ff int) error {
							switch ff {
							case 0:
								return d.skipBytes()
							case 1:
								var err error
								fid, err = d.int()
								return err
							}
							return errors.New("bad type definition")
						}); err != nil {
							return err
						}
						t.fields = append(t.fields, fid)
					}
					return nil
				}
				return errors.New("bad type definition")
			})
		case 4, 5, 6:
			t.kind = kEncoder
			return d.fields(func(f int) error {
				if f != 0 {
					return errors.New("bad type definition")
				}
				return d.common()
			})
		}
		return errors.New("bad type definition")
	})
	if err != nil {
		return err
	}
	if t.kind == 0 {
		return errors.New("empty type definition")
	}
	d.types[id] = t
	return nil
}

// readUint reads a gob unsigned integer from r, returning its bytes too.
func readUint(r *bufio.Reader) (uint64, []byte, error) {
	c, err := r.ReadByte()
	if err != nil {
		return 0, nil, err
	}
	if c < 0x80 {
		return uint64(c), []byte{c}, nil
	}
	n := -int(int8(c))
	if n > 8 {
		return 0, []byte{c}, errShort
	}
	raw := make([]byte, 1+n)
	raw[0] = c
	if _, err := io.ReadFull(r, raw[1:]); err != nil {
		return 0, raw, errShort
	}
	x, err := (&dec{b: raw}).uint()
	return x, raw, err
}
