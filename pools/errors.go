package pools

import (
	"errors"
	"fmt"
)

var (
	// ErrShutdown is the outcome of a submit after Shutdown (Python's
	// "cannot schedule new futures after shutdown").
	ErrShutdown = errors.New("pools: cannot schedule new futures after shutdown")

	// ErrBrokenExecutor is matched by the outcome of every task an executor
	// could not run because it broke (Python's BrokenExecutor): an
	// initializer failed, or supervision gave up on its workers.
	ErrBrokenExecutor = errors.New("pools: executor is broken")

	// ErrBrokenProcessPool is ErrBrokenExecutor for the process pool
	// (Python's BrokenProcessPool). It matches ErrBrokenExecutor.
	ErrBrokenProcessPool error = &subError{msg: "pools: process pool is broken", parent: ErrBrokenExecutor}

	// ErrQueueFull is returned by TrySubmit when a bounded queue has no room.
	ErrQueueFull = errors.New("pools: queue is full")

	// ErrNilFunc is the outcome of a task with a nil function.
	ErrNilFunc = errors.New("pools: nil task function")

	// ErrNilExecutor is the outcome of a task submitted to a nil executor.
	ErrNilExecutor = errors.New("pools: nil executor")

	// ErrInvalidOption is returned by constructors for bad option values.
	ErrInvalidOption = errors.New("pools: invalid option")

	// ErrDeadlock is returned to a task that waits for a future of its own
	// pool which can never complete: the tasks holding the workers wait for
	// each other, or for tasks queued behind them.
	ErrDeadlock = errors.New("pools: deadlock: a task waits for a future of its own pool that can never complete")

	// ErrNotRegistered is the outcome of a task whose name is not
	// registered, or of a Go closure submitted to an executor that can only
	// run registered tasks.
	ErrNotRegistered = errors.New("pools: task not registered")
)

type subError struct {
	msg    string
	parent error
}

func (e *subError) Error() string        { return e.msg }
func (e *subError) Is(target error) bool { return target == e.parent }

// BrokenError says why an executor broke. It matches its Kind
// ([ErrBrokenExecutor] or [ErrBrokenProcessPool]) and unwraps to its Cause.
type BrokenError struct {
	Kind  error
	Cause error
}

func (e *BrokenError) Error() string {
	if e.Cause == nil {
		return e.Kind.Error()
	}
	return fmt.Sprintf("%v: %v", e.Kind, e.Cause)
}

// Is matches the kind of breakage and everything it matches.
func (e *BrokenError) Is(target error) bool { return errors.Is(e.Kind, target) }

// Unwrap returns the cause.
func (e *BrokenError) Unwrap() error { return e.Cause }

func invalidOption(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidOption, fmt.Sprintf(format, args...))
}

// The process pool's errors (see also [WorkerCrashedError], [RemoteError]
// and [EncodeError] in process_errors.go).
var (
	// ErrWorkerCrashed is matched by the outcome of a task whose child
	// process died while running it (a [*WorkerCrashedError]).
	ErrWorkerCrashed = errors.New("pools: worker process crashed")

	// ErrFrameTooLarge is matched by the outcome of a task whose input or
	// output does not fit in a frame (see [WithMaxFrameSize]).
	ErrFrameTooLarge = errors.New("pools: payload exceeds the frame size limit")

	// ErrWorkerMainMissing is returned by NewProcessPool in a process that
	// was started as a process-pool worker but did not call [WorkerMain]
	// first thing in main: serving as a pool instead would start workers
	// without end.
	ErrWorkerMainMissing = errors.New("pools: started as a process-pool worker, but main did not call pools.WorkerMain first")

	// errRetryCancelled ends a task cancelled by Shutdown(CancelPending)
	// while it waited to be retried after its worker died.
	errRetryCancelled = errors.New("pools: retry cancelled by shutdown")
)
