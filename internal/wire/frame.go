// Package wire is the protocol between a process pool and its child
// processes: length-prefixed frames, each carrying one small binary
// message (see [Message]). Task inputs and outputs travel inside messages as
// opaque bytes made by the pool's codec.
//
// A frame is a 4-byte big-endian length n followed by n bytes of body; the
// body's first byte is the message [Kind]. Readers refuse frames longer
// than their limit before reading them, so a peer writing garbage costs at
// most the limit in memory.
package wire

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
)

// HeaderSize is the size of a frame's length prefix.
const HeaderSize = 4

// MaxLimit is the largest frame limit a reader accepts: lengths are 32-bit.
const MaxLimit = 1<<31 - 1

var (
	// ErrFrameTooLarge is matched by the error for a frame over the limit.
	ErrFrameTooLarge = errors.New("wire: frame too large")
	// ErrEmptyFrame is returned for a frame with no body: every message has
	// at least its kind.
	ErrEmptyFrame = errors.New("wire: empty frame")
	// ErrMalformed is matched by the error for a body that is not a valid
	// message.
	ErrMalformed = errors.New("wire: malformed message")
)

// SizeError reports a frame over the limit. It matches [ErrFrameTooLarge].
type SizeError struct {
	Size, Limit int
}

func (e *SizeError) Error() string {
	return fmt.Sprintf("wire: frame of %d bytes exceeds the limit of %d bytes", e.Size, e.Limit)
}

// Is makes the error match ErrFrameTooLarge.
func (e *SizeError) Is(target error) bool { return target == ErrFrameTooLarge }

// CheckSize returns a [*SizeError] if a body of size bytes is over limit.
func CheckSize(size, limit int) error {
	if size > limit {
		return &SizeError{Size: size, Limit: limit}
	}
	return nil
}

// Reader reads frames. It is not safe for concurrent use.
type Reader struct {
	r     *bufio.Reader
	limit int
	buf   []byte
}

// NewReader reads frames from r, refusing bodies longer than limit bytes
// (at most [MaxLimit]).
func NewReader(r io.Reader, limit int) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 64<<10), limit: min(max(limit, 1), MaxLimit)}
}

// SetLimit changes the frame limit, for frames not read yet.
func (r *Reader) SetLimit(limit int) { r.limit = min(max(limit, 1), MaxLimit) }

// Next returns the body of the next frame, valid until the next call. At a
// clean end of the stream, between frames, it returns io.EOF; a stream cut
// inside a frame gives io.ErrUnexpectedEOF. A length over the limit is
// refused with a [*SizeError] before its body is read, and a zero length
// with [ErrEmptyFrame]: after either, the stream is out of step and the
// reader must be dropped.
func (r *Reader) Next() ([]byte, error) {
	var hdr [HeaderSize]byte
	if _, err := io.ReadFull(r.r, hdr[:]); err != nil {
		return nil, err // io.EOF only if no byte of the header came
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n == 0 {
		return nil, ErrEmptyFrame
	}
	if uint64(n) > uint64(r.limit) {
		return nil, &SizeError{Size: int(n), Limit: r.limit}
	}
	if cap(r.buf) > 4<<20 && n < 64<<10 {
		r.buf = nil // do not keep a huge buffer for small frames
	}
	// Grow by what arrives, not by what the length claims: a huge length
	// under the limit followed by a short stream allocates only what came.
	r.buf = r.buf[:0]
	for remaining := int(n); remaining > 0; {
		step := min(remaining, 64<<10)
		r.buf = slices.Grow(r.buf, step)
		k, err := io.ReadFull(r.r, r.buf[len(r.buf):len(r.buf)+step])
		r.buf = r.buf[:len(r.buf)+k]
		remaining -= k
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
	return r.buf, nil
}

// Buffered reports whether a whole frame is already buffered, so that Next
// would return without reading from the underlying reader.
func (r *Reader) Buffered() bool {
	b := r.r.Buffered()
	if b < HeaderSize {
		return false
	}
	hdr, err := r.r.Peek(HeaderSize)
	if err != nil {
		return false
	}
	return b-HeaderSize >= int(binary.BigEndian.Uint32(hdr))
}

// AppendFrame appends a frame holding m to dst.
func AppendFrame(dst []byte, m Message) []byte {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0, byte(m.Kind()))
	dst = m.appendBody(dst)
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-HeaderSize))
	return dst
}

// BodySize returns the body size of the frame that starts at dst[start:],
// as made by AppendFrame.
func BodySize(dst []byte, start int) int { return len(dst) - start - HeaderSize }
