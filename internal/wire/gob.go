package wire

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"reflect"
)

// The first byte of every gob payload says whether it continues the
// stream or starts a new one, after the encoder was reset.
const (
	gobContinue = 0
	gobFresh    = 1
	gobEmpty    = 2 // a value of a zero-size type (struct{}), which gob refuses
)

// GobEncoder is one direction of a gob stream, split into payloads: type
// information goes once, with the first value of each type, so later
// values of that type cost only their data. It is not safe for concurrent
// use.
type GobEncoder struct {
	buf   bytes.Buffer
	enc   *gob.Encoder
	fresh bool
}

// NewGobEncoder returns an encoder whose first payload starts a stream.
func NewGobEncoder() *GobEncoder {
	e := &GobEncoder{}
	e.Reset()
	return e
}

// Append appends the encoding of v to dst. If it fails, the encoder resets
// itself: the gob encoder may have recorded types as sent in the lost
// payload.
func (e *GobEncoder) Append(dst []byte, v any) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil { // a GobEncode method that panics
			err = fmt.Errorf("gob: encoding %T panicked: %v", v, r)
		}
		if err != nil {
			e.Reset()
		}
	}()
	if v != nil && reflect.TypeOf(v).Size() == 0 {
		return append(dst, gobEmpty), nil
	}
	e.buf.Reset()
	if err := e.enc.Encode(v); err != nil {
		return dst, err
	}
	if e.fresh {
		dst = append(dst, gobFresh)
		e.fresh = false
	} else {
		dst = append(dst, gobContinue)
	}
	return append(dst, e.buf.Bytes()...), nil
}

// Reset starts a new stream: the next payload carries its type information
// again, and tells the decoder to start over.
func (e *GobEncoder) Reset() {
	e.buf.Reset()
	e.enc = gob.NewEncoder(&e.buf)
	e.fresh = true
}

// GobDecoder decodes the payloads of a [GobEncoder], in the order they
// were made. It is not safe for concurrent use.
type GobDecoder struct {
	src sliceReader
	dec *gob.Decoder
}

// NewGobDecoder returns a decoder waiting for a stream's first payload.
func NewGobDecoder() *GobDecoder { return &GobDecoder{} }

var errNoStream = errors.New("gob: payload continues a stream whose start was never received")

// Decode decodes one payload into ptr.
func (d *GobDecoder) Decode(data []byte, ptr any) (err error) {
	if len(data) == 0 {
		return errors.New("gob: empty payload")
	}
	switch data[0] {
	case gobEmpty:
		if len(data) != 1 {
			return errors.New("gob: bytes after an empty value")
		}
		if ptr != nil {
			if v := reflect.ValueOf(ptr); v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Type().Size() != 0 {
				return fmt.Errorf("gob: an empty value does not decode into %T", ptr)
			}
		}
		return nil
	case gobFresh:
		d.dec = gob.NewDecoder(&d.src)
	case gobContinue:
		if d.dec == nil {
			return errNoStream
		}
	default:
		return fmt.Errorf("gob: bad payload marker %d", data[0])
	}
	d.src.b = data[1:]
	defer func() {
		if r := recover(); r != nil { // a GobDecode method that panics
			err = fmt.Errorf("gob: decoding into %T panicked: %v", ptr, r)
		}
		d.src.b = nil
	}()
	if err := d.dec.Decode(ptr); err != nil {
		return err
	}
	if len(d.src.b) != 0 {
		return fmt.Errorf("gob: %d bytes left after the value", len(d.src.b))
	}
	return nil
}

// sliceReader reads one payload; it is an io.ByteReader, so that gob reads
// it directly instead of through a buffer that would read ahead.
type sliceReader struct{ b []byte }

func (r *sliceReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

func (r *sliceReader) ReadByte() (byte, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c, nil
}
