package futures

import (
	"context"
	"errors"
	"fmt"
)

var (
	// ErrCancelled is the outcome of a cancelled future (Python's
	// CancelledError). Every cancellation error matches it with errors.Is.
	ErrCancelled = errors.New("futures: cancelled")

	// ErrCancelledWhileRunning is the outcome of a running task that was
	// interrupted with [Future.Interrupt] and gave up. It matches
	// ErrCancelled too; the task's own error is wrapped alongside it.
	ErrCancelledWhileRunning error = &subError{msg: "futures: cancelled while running", parent: ErrCancelled}

	// ErrTimeout is matched by every error that reports a deadline passing
	// (Python's TimeoutError). Such errors also match context.DeadlineExceeded.
	ErrTimeout = errors.New("futures: timeout")

	// ErrInvalidState is returned when a future is set twice, or set after it
	// was cancelled (Python's InvalidStateError).
	ErrInvalidState = errors.New("futures: invalid state")

	// ErrGoexit is the outcome of a task that called runtime.Goexit.
	ErrGoexit = errors.New("futures: task called runtime.Goexit")

	// ErrWrongType is the outcome of a future completed by a [SetResult]
	// message whose value is not of the future's type.
	ErrWrongType = errors.New("futures: result of the wrong type")

	// ErrUnknownMessage answers a message a future's process does not know.
	ErrUnknownMessage = errors.New("futures: unknown message")

	// ErrNilError is returned by SetException(nil): a failure needs a reason.
	ErrNilError = errors.New("futures: SetException with a nil error")

	// ErrNoSystem is returned by [Notify] for a future that has no actor
	// system and was given none.
	ErrNoSystem = errors.New("futures: no actor system")

	// ErrNilPID is returned by [Notify] for a nil subscriber.
	ErrNilPID = errors.New("futures: nil PID")

	// ErrNilFunc is the outcome of a future asked to run a nil function.
	ErrNilFunc = errors.New("futures: nil function")

	// ErrNilFuture stands for a nil future passed to a combinator.
	ErrNilFuture = errors.New("futures: nil future")
)

// subError is a sentinel that also matches a more general sentinel.
type subError struct {
	msg    string
	parent error
}

func (e *subError) Error() string        { return e.msg }
func (e *subError) Is(target error) bool { return target == e.parent }

// TimeoutError reports a deadline that passed. It matches both [ErrTimeout]
// and context.DeadlineExceeded with errors.Is, and unwraps to its cause.
type TimeoutError struct {
	Msg   string
	Cause error
}

// NewTimeoutError returns a [*TimeoutError] with the given message.
func NewTimeoutError(msg string, cause error) error { return &TimeoutError{Msg: msg, Cause: cause} }

func (e *TimeoutError) Error() string {
	if e.Msg == "" {
		return ErrTimeout.Error()
	}
	return e.Msg
}

// Is makes the error match ErrTimeout and context.DeadlineExceeded.
func (e *TimeoutError) Is(target error) bool {
	return target == ErrTimeout || target == context.DeadlineExceeded
}

// Unwrap returns the cause, if any.
func (e *TimeoutError) Unwrap() error { return e.Cause }

// waitError turns the end of a waiting context into the error a blocking
// call returns: a [*TimeoutError] for a deadline, the context's own error
// (and cause) for a cancellation.
func waitError(ctx context.Context, what string) error {
	cause := context.Cause(ctx)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &TimeoutError{Msg: "futures: timeout: " + what, Cause: cause}
	}
	if cause != nil && cause != ctx.Err() {
		return fmt.Errorf("futures: %s: %w (%w)", what, ctx.Err(), cause)
	}
	return fmt.Errorf("futures: %s: %w", what, ctx.Err())
}

// PanicError is the outcome of a task that panicked: the value it panicked
// with and the stack of the goroutine at the panic.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("futures: task panicked: %v", e.Value) }

// Unwrap returns the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}

// Format prints the stack as well with %+v.
func (e *PanicError) Format(s fmt.State, verb rune) {
	if verb == 'v' && s.Flag('+') {
		fmt.Fprintf(s, "%s\n\n%s", e.Error(), e.Stack)
		return
	}
	fmt.Fprint(s, e.Error())
}

func invalidState(op string, st State) error {
	return fmt.Errorf("%w: %s on a %s future", ErrInvalidState, op, st)
}
