package pools

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"
	"syscall"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/wire"
	"github.com/actorfutures/actorfutures/supervisor"
)

// WorkerCrashedError is the outcome of a task whose child process died
// while running it: killed by a signal, or exited. It matches
// [ErrWorkerCrashed] and unwraps to Err, when the pool knows more.
type WorkerCrashedError struct {
	Worker   string         // the worker's name
	PID      int            // the child process's ID
	ExitCode int            // its exit status; -1 when a signal killed it
	Signal   syscall.Signal // the signal that killed it; 0 when it exited
	Task     string         // the registered task it was running, if any
	Reason   string         // what the pool knows beyond the exit: "killed: ...", "initializer failed"
	Stderr   string         // the last lines it wrote to standard error
	Err      error          // the cause, when there is one (an initializer's error)
}

func (e *WorkerCrashedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "pools: worker %s (pid %d) ", e.Worker, e.PID)
	switch {
	case e.Signal != 0:
		fmt.Fprintf(&b, "killed by signal %v", e.Signal)
	default:
		fmt.Fprintf(&b, "exited with status %d", e.ExitCode)
	}
	if e.Task != "" {
		fmt.Fprintf(&b, " while running task %q", e.Task)
	}
	if e.Reason != "" {
		fmt.Fprintf(&b, " (%s)", e.Reason)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	if e.Stderr != "" {
		fmt.Fprintf(&b, "; its stderr ended with:\n%s", e.Stderr)
	}
	return b.String()
}

// Is makes the error match ErrWorkerCrashed.
func (e *WorkerCrashedError) Is(target error) bool { return target == ErrWorkerCrashed }

// Unwrap returns the cause, if any.
func (e *WorkerCrashedError) Unwrap() error { return e.Err }

// RemoteError is an error returned by a task in a child process, as much
// of it as crosses the pipe: its message and Go type. errors.Is matches it
// against the sentinel errors registered with [RegisterError] that the
// original matched in the child, and against context.Canceled and
// context.DeadlineExceeded. A task that panics in a child fails with a
// *futures.PanicError whose Stack is the child's and whose Value is the
// panic value if it was a string, a *RemoteError otherwise.
type RemoteError struct {
	Message string // the original's Error()
	Type    string // the original's Go type, as %T prints it ("*fs.PathError")
	Worker  string // the worker it happened in

	sentinels []error
	flags     uint8
}

func (e *RemoteError) Error() string { return e.Message }

// Is reports whether the original error matched target in the child:
// target is a registered sentinel it matched, or a context error.
func (e *RemoteError) Is(target error) bool {
	switch target {
	case context.Canceled:
		return e.flags&wire.FlagCanceled != 0
	case context.DeadlineExceeded:
		return e.flags&wire.FlagDeadlineExceeded != 0
	}
	for _, s := range e.sentinels {
		if s == target {
			return true
		}
	}
	return false
}

// EncodeError reports a value the codec could not encode: an input, in
// the parent (the task never ran), or an output, in the child.
type EncodeError struct {
	Task string
	What string // "input" or "output"
	Err  error
}

func (e *EncodeError) Error() string {
	return fmt.Sprintf("pools: task %q: cannot encode %s: %v", e.Task, e.What, e.Err)
}

func (e *EncodeError) Unwrap() error { return e.Err }

// sentinels are the errors errors.Is can match across the pipe, by their
// text, which parent and child (the same program) agree on.
var sentinels = struct {
	sync.RWMutex
	byText map[string]error
	list   []error
}{byText: map[string]error{}}

func init() {
	// What tasks commonly return, and this module's own sentinels.
	RegisterError(io.EOF, io.ErrUnexpectedEOF, fs.ErrNotExist, fs.ErrExist, fs.ErrPermission,
		fs.ErrClosed, futures.ErrCancelled, futures.ErrTimeout, futures.ErrGoexit,
		ErrShutdown, ErrBrokenExecutor, ErrNotRegistered, ErrFrameTooLarge, ErrWorkerCrashed,
		supervisor.ErrInjected)
}

// RegisterError makes errors.Is work across the pipe for errs: a task in
// a child that fails with an error matching one of them (errors.Is, in the
// child) fails in the parent with an error that matches it too. Sentinels
// are known by their text, so each must have a text of its own. Call it at
// package init, so that children register the same errors. It panics for a
// nil error or for two errors with the same text.
func RegisterError(errs ...error) {
	sentinels.Lock()
	defer sentinels.Unlock()
	for _, err := range errs {
		if err == nil {
			panic("pools: RegisterError(nil)")
		}
		text := err.Error()
		if old, dup := sentinels.byText[text]; dup {
			if old == err {
				continue
			}
			panic(fmt.Sprintf("pools: RegisterError: another error already has the text %q", text))
		}
		sentinels.byText[text] = err
		sentinels.list = append(sentinels.list, err)
	}
}

// describeError turns an error in the child into what crosses the pipe.
func describeError(err error) wire.Error {
	var e wire.Error
	var pe *futures.PanicError
	var de *DecodeError
	var ee *EncodeError
	switch {
	case errors.As(err, &pe):
		e.Kind = wire.ErrPanic
		e.Message = fmt.Sprint(pe.Value)
		e.Type = fmt.Sprintf("%T", pe.Value)
		e.Stack = string(pe.Stack)
		if v, ok := pe.Value.(error); ok {
			err = v
		} else {
			err = nil
		}
	case errors.As(err, &de):
		e.Kind = wire.ErrDecodeInput
		err = de.Err
		e.Message, e.Type = err.Error(), fmt.Sprintf("%T", err)
	case errors.As(err, &ee):
		e.Kind = wire.ErrEncodeOutput
		err = ee.Err
		e.Message, e.Type = err.Error(), fmt.Sprintf("%T", err)
	default:
		e.Message, e.Type = err.Error(), fmt.Sprintf("%T", err)
	}
	if err == nil {
		return e
	}
	if errors.Is(err, context.Canceled) {
		e.Flags |= wire.FlagCanceled
	}
	if errors.Is(err, context.DeadlineExceeded) {
		e.Flags |= wire.FlagDeadlineExceeded
	}
	sentinels.RLock()
	defer sentinels.RUnlock()
	for _, s := range sentinels.list {
		if errors.Is(err, s) {
			e.Sentinels = append(e.Sentinels, s.Error())
		}
	}
	return e
}

// rebuildError turns what crossed the pipe back into an error, in the
// parent.
func rebuildError(e *wire.Error, task, worker string) error {
	remote := &RemoteError{Message: e.Message, Type: e.Type, Worker: worker, flags: e.Flags}
	if len(e.Sentinels) > 0 {
		sentinels.RLock()
		for _, text := range e.Sentinels {
			if s, ok := sentinels.byText[text]; ok {
				remote.sentinels = append(remote.sentinels, s)
			}
		}
		sentinels.RUnlock()
	}
	switch e.Kind {
	case wire.ErrPanic:
		var v any = remote
		if e.Type == "string" {
			v = e.Message
		}
		return &futures.PanicError{Value: v, Stack: []byte(e.Stack)}
	case wire.ErrDecodeInput:
		return &DecodeError{Task: task, What: "input", Err: remote}
	case wire.ErrEncodeOutput:
		return &EncodeError{Task: task, What: "output", Err: remote}
	default:
		return remote
	}
}
