package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var sampleMessages = []Message{
	&Init{Version: Version, Worker: "pool/worker-1", Codec: "gob", MaxFrame: 1 << 20, SpinWait: 50000, InitTask: "init", InitInput: []byte{1, 2}},
	&Init{Version: Version, Codec: "gob", MaxFrame: 1},
	&Run{ID: 7, Task: "double", Input: []byte("input")},
	&Run{ID: 1 << 40, Task: "t", Batch: true, Deadline: -5, Action: Action{Fault: 6, Seq: 4, Delay: 3, Err: "x", ExitCode: 2, Signal: 9}},
	&Cancel{ID: 3},
	&Hello{Version: Version, PID: 1234},
	&Ready{},
	&InitFailed{Err: Error{Kind: ErrPlain, Message: "no", Type: "*errors.errorString"}},
	&Started{ID: 9},
	&Result{ID: 9, Output: []byte{4, 5, 6}},
	&Result{ID: 10, Err: &Error{Kind: ErrPanic, Flags: FlagCanceled, Message: "boom", Type: "string",
		Sentinels: []string{"a", "b"}, Stack: "goroutine 1"}},
	&Result{ID: 11, Batch: true, Errs: []ElemErr{{Index: 0, Err: Error{Message: "e0"}}, {Index: 5, Err: Error{Message: "e5"}}},
		Output: []byte{1}},
	&Result{ID: 12, Batch: true},
	&Dropped{ID: 4, Reason: DropExpired},
	&Dropped{ID: 5},
	&Dropped{ID: 6, Reason: DropReclaimed},
	&Reclaim{ID: 8},
}

func TestMessagesRoundTrip(t *testing.T) {
	var stream []byte
	for _, m := range sampleMessages {
		stream = AppendFrame(stream, m)
	}
	r := NewReader(bytes.NewReader(stream), 1<<20)
	for _, want := range sampleMessages {
		body, err := r.Next()
		require.NoError(t, err)
		got, err := Parse(body)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	_, err := r.Next()
	assert.ErrorIs(t, err, io.EOF, "a clean end between frames")
}

func frame(body []byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(body))), body...)
}

func TestReaderRefusesBadFrames(t *testing.T) {
	tests := []struct {
		name string
		give []byte
		want error
	}{
		{"too large", frame(make([]byte, 65)), ErrFrameTooLarge},
		{"empty", frame(nil), ErrEmptyFrame},
		{"cut in the header", []byte{0, 0}, io.ErrUnexpectedEOF},
		{"cut in the body", frame([]byte{1, 2, 3})[:5], io.ErrUnexpectedEOF},
		{"huge length, short stream", []byte{0x7f, 0xff, 0xff, 0xff, 1}, ErrFrameTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(bytes.NewReader(tt.give), 64).Next()
			assert.ErrorIs(t, err, tt.want)
		})
	}
}

func TestSizeErrorSaysWhat(t *testing.T) {
	_, err := NewReader(bytes.NewReader(frame(make([]byte, 100))), 10).Next()
	var se *SizeError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, SizeError{Size: 100, Limit: 10}, *se)
	assert.EqualError(t, err, "wire: frame of 100 bytes exceeds the limit of 10 bytes")
	assert.ErrorIs(t, CheckSize(11, 10), ErrFrameTooLarge)
	assert.NoError(t, CheckSize(10, 10))
}

func TestReaderReadsLargeFramesAcrossReads(t *testing.T) {
	body := bytes.Repeat([]byte("abcdefgh"), 100_000) // spans many buffer fills
	body[0] = byte(KindReady)
	r := NewReader(io.MultiReader(bytes.NewReader(frame(body)), bytes.NewReader(frame([]byte{byte(KindReady)}))), 1<<20)
	got, err := r.Next()
	require.NoError(t, err)
	assert.Equal(t, body, got)
	got, err = r.Next()
	require.NoError(t, err)
	assert.Equal(t, []byte{byte(KindReady)}, got)
}

func TestBuffered(t *testing.T) {
	stream := AppendFrame(AppendFrame(nil, &Started{ID: 1}), &Started{ID: 2})
	r := NewReader(bytes.NewReader(stream), 64)
	assert.False(t, r.Buffered(), "nothing read yet")
	_, err := r.Next()
	require.NoError(t, err)
	assert.True(t, r.Buffered(), "the second frame came with the first read")
	_, err = r.Next()
	require.NoError(t, err)
	assert.False(t, r.Buffered())
}

func TestParseRefusesMalformedBodies(t *testing.T) {
	tests := []struct {
		name string
		give []byte
	}{
		{"unknown kind", []byte{99}},
		{"truncated varint", []byte{byte(KindStarted), 0x80}},
		{"trailing bytes", []byte{byte(KindStarted), 1, 2}},
		{"string past the end", []byte{byte(KindRun), 1, 50, 'a'}},
		{"bad bool", []byte{byte(KindRun), 1, 1, 'a', 7}},
		{"unknown drop reason", []byte{byte(KindDropped), 1, 7}},
		{"unknown result flags", []byte{byte(KindResult), 1, 0x80}},
		{"unknown error kind", []byte{byte(KindInitFailed), 200, 0, 0, 0, 0, 0}},
		{"lying sentinel count", []byte{byte(KindInitFailed), 0, 0, 0, 0, 100}},
		{"batch errors out of order", AppendFrame(nil, &Result{ID: 1, Batch: true,
			Errs: []ElemErr{{Index: 3}, {Index: 2}}})[HeaderSize:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.give)
			assert.ErrorIs(t, err, ErrMalformed)
		})
	}
	_, err := Parse(nil)
	assert.ErrorIs(t, err, ErrEmptyFrame)
}

// FuzzReader feeds arbitrary bytes to the frame reader and the message
// parser: they must never panic or allocate past the limit, and whatever
// parses must encode back to a message that parses the same.
func FuzzReader(f *testing.F) {
	var stream []byte
	for _, m := range sampleMessages {
		stream = AppendFrame(stream, m)
		f.Add(AppendFrame(nil, m))
	}
	f.Add(stream)
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		const limit = 1 << 16
		r := NewReader(bytes.NewReader(data), limit)
		for {
			body, err := r.Next()
			if err != nil {
				if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) &&
					!errors.Is(err, ErrFrameTooLarge) && !errors.Is(err, ErrEmptyFrame) {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if len(body) > limit {
				t.Fatalf("body of %d bytes over the limit", len(body))
			}
			m, err := Parse(body)
			if err != nil {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("unexpected error %v", err)
				}
				continue
			}
			again, err := Parse(AppendFrame(nil, m)[HeaderSize:])
			if err != nil {
				t.Fatalf("re-encoded %T does not parse: %v", m, err)
			}
			assert.Equal(t, m, again)
		}
	})
}
