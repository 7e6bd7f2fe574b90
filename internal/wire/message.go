package wire

import (
	"encoding/binary"
	"fmt"
)

// Version is the protocol version; parent and child must agree on it.
const Version = 2

// Kind is a message's type, the first byte of a frame's body.
type Kind byte

// Parent to child.
const (
	KindInit    Kind = 1 // first message: the child's configuration
	KindRun     Kind = 2 // run a task
	KindCancel  Kind = 3 // drop a task not started, or cancel a running one
	KindReclaim Kind = 4 // give back a task not started; a running one goes on
)

// Child to parent.
const (
	KindHello      Kind = 16 // first message: the process serves as a worker
	KindReady      Kind = 17 // the initializer succeeded
	KindInitFailed Kind = 18 // the initializer failed; the child exits
	KindStarted    Kind = 19 // a task started
	KindResult     Kind = 20 // a task ended
	KindDropped    Kind = 21 // a task ended without starting
)

func (k Kind) String() string {
	switch k {
	case KindInit:
		return "init"
	case KindRun:
		return "run"
	case KindCancel:
		return "cancel"
	case KindReclaim:
		return "reclaim"
	case KindHello:
		return "hello"
	case KindReady:
		return "ready"
	case KindInitFailed:
		return "init-failed"
	case KindStarted:
		return "started"
	case KindResult:
		return "result"
	case KindDropped:
		return "dropped"
	}
	return fmt.Sprintf("Kind(%d)", byte(k))
}

// Message is one message of the protocol.
type Message interface {
	Kind() Kind
	appendBody(dst []byte) []byte
}

// Init configures a child: the first message on its task pipe.
type Init struct {
	Version   uint64
	Worker    string // the worker's name, for messages
	Codec     string // the payload codec's registered name
	MaxFrame  uint64 // the frame limit both ways
	SpinWait  uint64 // ns the child polls its task pipe before it sleeps (internal/spinread); 0: never
	InitTask  string // registered task run before the first task; "" for none
	InitInput []byte // its input, encoded
}

// Action is a fault to inject into a task before it runs (a
// supervisor.Action, as plain data).
type Action struct {
	Fault    uint8  // 0: none
	Seq      uint64 // the task it was decided for
	Delay    int64  // nanoseconds
	Err      string
	ExitCode int64
	Signal   int64
}

// Run asks the child to run a task.
type Run struct {
	ID       uint64
	Task     string
	Batch    bool  // Input is a []In, the output a []Out
	Deadline int64 // Unix nanoseconds; 0 for none
	Action   Action
	Input    []byte
}

// Cancel asks the child to drop a task that has not started, or to cancel
// the context of a running one.
type Cancel struct{ ID uint64 }

// Reclaim asks the child to give back a task that has not started, for
// another child that is idle; a task already running goes on.
type Reclaim struct{ ID uint64 }

// Hello is the child's first message.
type Hello struct {
	Version uint64
	PID     uint64
}

// Ready says the child's initializer succeeded.
type Ready struct{}

// InitFailed says the child's initializer failed; the child then exits.
type InitFailed struct{ Err Error }

// Started says a task started.
type Started struct{ ID uint64 }

// Result reports the end of a task that started.
type Result struct {
	ID     uint64
	Err    *Error    // the whole task failed; Output is then empty
	Batch  bool      // a batch: Output is a []Out, Errs its failed elements
	Errs   []ElemErr // sorted by index
	Output []byte
}

// ElemErr is the error of one element of a batch.
type ElemErr struct {
	Index uint64
	Err   Error
}

// Dropped reports a task the child let go of without starting it.
type Dropped struct {
	ID     uint64
	Reason DropReason
}

// DropReason says why a task was dropped.
type DropReason uint8

const (
	DropCancelled DropReason = iota // the parent cancelled it
	DropExpired                     // its deadline passed before it started
	DropReclaimed                   // the parent reclaimed it
	dropReasonEnd
)

// ErrorKind says what an [Error] stands for.
type ErrorKind uint8

const (
	ErrPlain        ErrorKind = iota // an error returned by the task
	ErrPanic                         // the task panicked; Stack is set
	ErrDecodeInput                   // the child could not decode the input
	ErrEncodeOutput                  // the child could not encode the output
	errKindEnd
)

// Error flags.
const (
	FlagCanceled         = 1 << iota // matched context.Canceled
	FlagDeadlineExceeded             // matched context.DeadlineExceeded
)

// Error is an error that crosses the pipe: what the parent needs to
// rebuild a useful error.
type Error struct {
	Kind      ErrorKind
	Flags     uint8
	Message   string   // err.Error(), or the panic value printed with %v
	Type      string   // the Go type, as %T prints it
	Sentinels []string // names of registered sentinel errors it matched
	Stack     string   // the goroutine's stack, for a panic
}

func (*Init) Kind() Kind       { return KindInit }
func (*Run) Kind() Kind        { return KindRun }
func (*Cancel) Kind() Kind     { return KindCancel }
func (*Reclaim) Kind() Kind    { return KindReclaim }
func (*Hello) Kind() Kind      { return KindHello }
func (*Ready) Kind() Kind      { return KindReady }
func (*InitFailed) Kind() Kind { return KindInitFailed }
func (*Started) Kind() Kind    { return KindStarted }
func (*Result) Kind() Kind     { return KindResult }
func (*Dropped) Kind() Kind    { return KindDropped }

func (m *Init) appendBody(b []byte) []byte {
	b = binary.AppendUvarint(b, m.Version)
	b = appendString(b, m.Worker)
	b = appendString(b, m.Codec)
	b = binary.AppendUvarint(b, m.MaxFrame)
	b = binary.AppendUvarint(b, m.SpinWait)
	b = appendString(b, m.InitTask)
	return append(b, m.InitInput...)
}

func (m *Run) appendBody(b []byte) []byte {
	b = binary.AppendUvarint(b, m.ID)
	b = appendString(b, m.Task)
	b = appendBool(b, m.Batch)
	b = binary.AppendVarint(b, m.Deadline)
	b = append(b, m.Action.Fault)
	if m.Action.Fault != 0 {
		b = binary.AppendUvarint(b, m.Action.Seq)
		b = binary.AppendVarint(b, m.Action.Delay)
		b = appendString(b, m.Action.Err)
		b = binary.AppendVarint(b, m.Action.ExitCode)
		b = binary.AppendVarint(b, m.Action.Signal)
	}
	return append(b, m.Input...)
}

func (m *Cancel) appendBody(b []byte) []byte { return binary.AppendUvarint(b, m.ID) }

func (m *Reclaim) appendBody(b []byte) []byte { return binary.AppendUvarint(b, m.ID) }

func (m *Hello) appendBody(b []byte) []byte {
	b = binary.AppendUvarint(b, m.Version)
	return binary.AppendUvarint(b, m.PID)
}

func (*Ready) appendBody(b []byte) []byte { return b }

func (m *InitFailed) appendBody(b []byte) []byte { return m.Err.append(b) }

func (m *Started) appendBody(b []byte) []byte { return binary.AppendUvarint(b, m.ID) }

const (
	resultFailed = 1 << iota
	resultBatch
)

func (m *Result) appendBody(b []byte) []byte {
	b = binary.AppendUvarint(b, m.ID)
	var flags byte
	if m.Err != nil {
		flags |= resultFailed
	}
	if m.Batch {
		flags |= resultBatch
	}
	b = append(b, flags)
	if m.Err != nil {
		b = m.Err.append(b)
	}
	if m.Batch {
		b = binary.AppendUvarint(b, uint64(len(m.Errs)))
		for i := range m.Errs {
			b = binary.AppendUvarint(b, m.Errs[i].Index)
			b = m.Errs[i].Err.append(b)
		}
	}
	return append(b, m.Output...)
}

func (m *Dropped) appendBody(b []byte) []byte {
	b = binary.AppendUvarint(b, m.ID)
	return append(b, byte(m.Reason))
}

func (e *Error) append(b []byte) []byte {
	b = append(b, byte(e.Kind), e.Flags)
	b = appendString(b, e.Message)
	b = appendString(b, e.Type)
	b = binary.AppendUvarint(b, uint64(len(e.Sentinels)))
	for _, s := range e.Sentinels {
		b = appendString(b, s)
	}
	return appendString(b, e.Stack)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// Parse decodes a frame's body. Byte slices in the message (inputs,
// outputs) alias body; strings are copies. Any malformed body gives an
// error matching [ErrMalformed].
func Parse(body []byte) (Message, error) {
	if len(body) == 0 {
		return nil, ErrEmptyFrame
	}
	p := parser{b: body[1:]}
	var m Message
	switch k := Kind(body[0]); k {
	case KindInit:
		v := &Init{Version: p.uvarint(), Worker: p.str(), Codec: p.str(), MaxFrame: p.uvarint(), SpinWait: p.uvarint(), InitTask: p.str()}
		v.InitInput = p.rest()
		m = v
	case KindRun:
		v := &Run{ID: p.uvarint(), Task: p.str(), Batch: p.bool(), Deadline: p.varint()}
		v.Action.Fault = p.byte()
		if v.Action.Fault != 0 {
			v.Action.Seq = p.uvarint()
			v.Action.Delay = p.varint()
			v.Action.Err = p.str()
			v.Action.ExitCode = p.varint()
			v.Action.Signal = p.varint()
		}
		v.Input = p.rest()
		m = v
	case KindCancel:
		m = &Cancel{ID: p.uvarint()}
		p.end()
	case KindReclaim:
		m = &Reclaim{ID: p.uvarint()}
		p.end()
	case KindHello:
		m = &Hello{Version: p.uvarint(), PID: p.uvarint()}
		p.end()
	case KindReady:
		m = &Ready{}
		p.end()
	case KindInitFailed:
		v := &InitFailed{}
		p.error(&v.Err)
		p.end()
		m = v
	case KindStarted:
		m = &Started{ID: p.uvarint()}
		p.end()
	case KindResult:
		v := &Result{ID: p.uvarint()}
		flags := p.byte()
		if flags&^(resultFailed|resultBatch) != 0 {
			p.fail("unknown result flags %#x", flags)
		}
		if flags&resultFailed != 0 {
			v.Err = &Error{}
			p.error(v.Err)
		}
		if flags&resultBatch != 0 {
			v.Batch = true
			n := p.count()
			if n > 0 {
				v.Errs = make([]ElemErr, n)
			}
			for i := range v.Errs {
				v.Errs[i].Index = p.uvarint()
				if i > 0 && v.Errs[i].Index <= v.Errs[i-1].Index {
					p.fail("batch error indexes out of order")
				}
				p.error(&v.Errs[i].Err)
			}
		}
		v.Output = p.rest()
		m = v
	case KindDropped:
		v := &Dropped{ID: p.uvarint(), Reason: DropReason(p.byte())}
		if v.Reason >= dropReasonEnd {
			p.fail("unknown drop reason %d", v.Reason)
		}
		p.end()
		m = v
	default:
		return nil, fmt.Errorf("%w: unknown kind %d", ErrMalformed, byte(k))
	}
	if p.err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrMalformed, Kind(body[0]), p.err)
	}
	return m, nil
}

// parser reads fields from a body, remembering the first error; reads
// after an error return zero values.
type parser struct {
	b   []byte
	err error
}

func (p *parser) fail(format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf(format, args...)
	}
	p.b = nil
}

func (p *parser) uvarint() uint64 {
	if p.err != nil {
		return 0
	}
	v, n := binary.Uvarint(p.b)
	if n <= 0 {
		p.fail("bad varint")
		return 0
	}
	p.b = p.b[n:]
	return v
}

func (p *parser) varint() int64 {
	if p.err != nil {
		return 0
	}
	v, n := binary.Varint(p.b)
	if n <= 0 {
		p.fail("bad varint")
		return 0
	}
	p.b = p.b[n:]
	return v
}

func (p *parser) byte() byte {
	if p.err != nil {
		return 0
	}
	if len(p.b) == 0 {
		p.fail("truncated")
		return 0
	}
	v := p.b[0]
	p.b = p.b[1:]
	return v
}

func (p *parser) bool() bool {
	switch v := p.byte(); v {
	case 0:
		return false
	case 1:
		return true
	default:
		p.fail("bad bool %d", v)
		return false
	}
}

func (p *parser) str() string {
	n := p.uvarint()
	if p.err != nil {
		return ""
	}
	if n > uint64(len(p.b)) {
		p.fail("string of %d bytes with %d left", n, len(p.b))
		return ""
	}
	s := string(p.b[:n])
	p.b = p.b[n:]
	return s
}

// count reads a number of items that each take at least one more byte, so
// that a lying count cannot make the reader allocate more than the body.
func (p *parser) count() int {
	n := p.uvarint()
	if p.err != nil {
		return 0
	}
	if n > uint64(len(p.b)) {
		p.fail("count %d with %d bytes left", n, len(p.b))
		return 0
	}
	return int(n)
}

func (p *parser) error(e *Error) {
	e.Kind = ErrorKind(p.byte())
	if e.Kind >= errKindEnd {
		p.fail("unknown error kind %d", e.Kind)
	}
	e.Flags = p.byte()
	e.Message = p.str()
	e.Type = p.str()
	if n := p.count(); n > 0 {
		e.Sentinels = make([]string, n)
		for i := range e.Sentinels {
			e.Sentinels[i] = p.str()
		}
	}
	e.Stack = p.str()
}

func (p *parser) rest() []byte {
	if p.err != nil {
		return nil
	}
	b := p.b
	p.b = nil
	if len(b) == 0 {
		return nil
	}
	return b
}

func (p *parser) end() {
	if p.err == nil && len(p.b) != 0 {
		p.fail("%d trailing bytes", len(p.b))
	}
}
