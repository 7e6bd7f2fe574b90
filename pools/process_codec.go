package pools

import (
	"fmt"
	"sync"

	"github.com/actorfutures/actorfutures/internal/wire"
)

// Codec encodes what crosses a [ProcessPool]'s pipes: the inputs and
// outputs of registered tasks, and for a chunk of [Task.Map] slices of
// them. Each direction of each child's pipe is a stream with an Encoder at
// one end and a Decoder at the other, so a codec may send what it learns
// once (gob's type information) only once per stream. Payloads are decoded
// in the order they were encoded, every one of them, even those whose value
// nobody wants any more.
//
// The parent and its children find a codec by its name: register it with
// [RegisterCodec] at package init, in every program that serves as a
// worker.
type Codec interface {
	// Name identifies the codec to children.
	Name() string
	NewEncoder() Encoder
	NewDecoder() Decoder
}

// Encoder is the sending end of a codec stream. It is used by one
// goroutine at a time.
type Encoder interface {
	// Append appends the encoding of v to dst. When it fails, or when its
	// payload cannot be delivered (it is over the frame limit), the pool
	// calls Reset before the next Append.
	Append(dst []byte, v any) ([]byte, error)
	// Reset starts the stream over: the next payload must decode on a
	// Decoder that never saw the payloads before it. A codec with no
	// stream state does nothing.
	Reset()
}

// Decoder is the receiving end of a codec stream. It is used by one
// goroutine at a time.
type Decoder interface {
	// Decode decodes a payload made by Append into ptr, a pointer to a
	// value of the encoded type. A nil ptr discards the value but must
	// still keep the stream in step.
	Decode(data []byte, ptr any) error
}

// GobCodec returns the default codec: encoding/gob, one stream per
// direction of each child's pipe, so that type information crosses once.
// Types travelling in interface values must be registered with gob.Register,
// as gob requires.
func GobCodec() Codec { return gobCodec{} }

type gobCodec struct{}

func (gobCodec) Name() string        { return "gob" }
func (gobCodec) NewEncoder() Encoder { return wire.NewGobEncoder() }
func (gobCodec) NewDecoder() Decoder { return wire.NewGobDecoder() }

var codecs = struct {
	sync.RWMutex
	byName map[string]Codec
}{byName: map[string]Codec{"gob": gobCodec{}}}

// RegisterCodec makes c known by its name to the pools and children of
// this program. Call it at package init. It panics if c is nil, its name
// is empty, or another codec has that name: programming errors, found at
// start-up.
func RegisterCodec(c Codec) {
	if c == nil {
		panic("pools: RegisterCodec(nil)")
	}
	name := c.Name()
	if name == "" {
		panic("pools: RegisterCodec with an empty name")
	}
	codecs.Lock()
	defer codecs.Unlock()
	if _, dup := codecs.byName[name]; dup {
		panic(fmt.Sprintf("pools: codec %q registered twice", name))
	}
	codecs.byName[name] = c
}

func lookupCodec(name string) (Codec, bool) {
	codecs.RLock()
	defer codecs.RUnlock()
	c, ok := codecs.byName[name]
	return c, ok
}
